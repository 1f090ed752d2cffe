/**
 * Table devices (`"model": "table"`, src/device/table.ts) on the engines with a table kernel — the
 * native float64 engine, each instruction set this CPU has and 1–3 threads, and the in-place
 * WebAssembly engine made with room for the tables — against one
 * specification: the TypeScript reference (`TableCurve.evaluate` inside dynamics.ts' loops, which
 * src/network/spec.ts' specification also calls). The table copies of the shared conformance cases
 * (test/helpers/conformance.ts `tableConformanceCases`: tables beside eq. 4 rows, clamped and
 * linear, currents between, on, below and above the nodes) must give the reference's bits —
 * batch gradients, loss, correct count, inference — and the reference must match the adjoint
 * specification and central differences. A short training run on the native engine must give
 * the reference's model bit for bit.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createGradients, createModel, type Model } from "../../src/network/model.js";
import { eq4 } from "../../src/device/analytic.js";
import { tableCurve } from "../../src/device/table.js";
import { createWorkspace, writeEngineDevices, tableKernelSize, forward } from "../../src/network/dynamics.js";
import { batchGradients, engineBatchGradients, createChunkScratch } from "../../src/train/chunks.js";
import { gradientSpec } from "../../src/network/spec.js";
import type { BatchEngine } from "../../src/network/engine.js";
import { nativeFactory, nativeStatus, type NativeEngine } from "../../src/node/native-engine.js";
import { evaluateArrays } from "../../src/network/api.js";
import { train } from "../../src/node/engines.js";
import { sameBits, nativeFactories } from "../helpers/native.js";
import { makeSpiral } from "../../src/data/spiral.js";
import { Rng } from "../../src/util/rng.js";
import { tableConformanceCases, GRADIENT_ENGINES, FORWARD_PATHS, specMeanLoss, worstFdRatio, type ConformanceCase } from "../helpers/conformance.js";

const CASES = tableConformanceCases();

function reference(c: ConformanceCase, m: Model = c.model) {
  const ws = createWorkspace(c.k, c.steps, c.classes, Math.min(c.n, 128));
  const g = createGradients(m);
  const out = { loss: 0, correct: 0 };
  batchGradients(m, ws, c.p0, c.n, c.y, c.n, g, out, createChunkScratch(m, c.n));
  return { g, out };
}

function viaEngine(en: BatchEngine, c: ConformanceCase, m: Model = c.model) {
  for (let j = 0; j < c.k; j++) en.X.set(c.p0.subarray(j * c.n, (j + 1) * c.n), j * en.ldx);
  en.y.set(c.y);
  const g = createGradients(m);
  const out = { loss: 0, correct: 0 };
  assert.ok(engineBatchGradients(m, en, c.n, g, out), "the engine runs table devices");
  return { g, out };
}

/** The in-place WebAssembly engine with room for the case's tables: its batch call (src/train/chunks.ts). */
function viaWasm(c: ConformanceCase, m: Model = c.model) {
  const ws = createWorkspace(c.k, c.steps, c.classes, Math.min(c.n, 128), { engine: true, batchCapacity: c.n, tables: tableKernelSize(m.devices) });
  const en = ws.engine as NonNullable<typeof ws.engine>;
  assert.ok(en.setTables, "the engine has room for tables");
  return viaEngine(en, c, m);
}

test("the table cases cover clamped and linear tables, mixed networks, several chunks, and currents below, between and above the nodes", () => {
  assert.ok(CASES.length >= 12);
  assert.ok(CASES.some((c) => c.model.devices.some((d) => d.model === "eq4") && c.model.devices.some((d) => d.model === "table")));
  assert.ok(CASES.some((c) => c.n > 128 && c.k >= 64));
  let below = 0, between = 0, above = 0, clamp = 0, linear = 0;
  for (const c of CASES) {
    const { P } = gradientSpec(c.model, c.p0, c.y, c.n, 1);
    const { k, A, B } = c.model;
    c.model.devices.forEach((d, i) => {
      if (d.model !== "table") return;
      const t = d as ReturnType<typeof tableCurve>;
      if (t.extrapolation === "clamp") clamp++;
      else linear++;
      for (let st = 0; st < c.steps; st++) {
        for (let s = 0; s < c.n; s++) {
          let u = B[st * k + i];
          for (let j = 0; j < k; j++) u += A[st * k * k + i * k + j] * P[st][j * c.n + s];
          const I = t.polarity * u * u;
          if (I < t.current[0]) below++;
          else if (I > t.current[t.current.length - 1]) above++;
          else between++;
        }
      }
    });
  }
  assert.ok(below > 50 && between > 500 && above > 50 && clamp > 0 && linear > 0, `below ${below}, between ${between}, above ${above}`);
});

test("every engine with a table kernel gives the reference's bits on the table cases: batch gradients, loss, correct count (WebAssembly; native: each instruction set, 1–3 threads)", () => {
  const fs = nativeFactories();
  for (const c of CASES) {
    const ref = reference(c);
    const w = viaWasm(c);
    for (const key of ["A", "B", "W", "c"] as const) sameBits(w.g[key], ref.g[key], `wasm64 ${c.name} ∂${key}`);
    assert.ok(Object.is(w.out.loss, ref.out.loss), `wasm64 ${c.name} loss ${w.out.loss} vs ${ref.out.loss}`);
    assert.equal(w.out.correct, ref.out.correct, `wasm64 ${c.name} correct`);
    for (const f of fs) {
      const en = f.create(c.k, c.steps, c.classes, Math.min(c.n, 128), c.n);
      assert.ok(en, `${f.label}: engine for k=${c.k}`);
      const tag = `${f.label} ${c.name}`;
      const got = viaEngine(en, c);
      for (const key of ["A", "B", "W", "c"] as const) sameBits(got.g[key], ref.g[key], `${tag} ∂${key}`);
      assert.ok(Object.is(got.out.loss, ref.out.loss), `${tag} loss ${got.out.loss} vs ${ref.out.loss}`);
      assert.equal(got.out.correct, ref.out.correct, `${tag} correct`);
    }
  }
});

test("the reference and every engine and forward path with a table kernel match the adjoint and step specifications on the table cases", () => {
  const ran = new Set<string>();
  for (const c of CASES) {
    const spec = gradientSpec(c.model, c.p0, c.y, c.n, 1 / c.n);
    for (const e of GRADIENT_ENGINES) {
      if (e.eq4Only && !e.tables) continue;
      const r = e.gradient(c);
      if (r === null) continue;
      ran.add(e.name);
      for (const key of ["A", "B", "W", "c"] as const) {
        const w = spec.grads[key], g = r.grads[key];
        let norm = 0;
        for (const v of w) norm = Math.max(norm, Math.abs(v));
        for (let q = 0; q < w.length; q++) assert.ok(Math.abs(g[q] - w[q]) <= 1e-12 * norm, `${e.name}, ${c.name}: ∂${key}[${q}] ${g[q]} vs specification ${w[q]}`);
      }
      assert.ok(Math.abs(r.loss - spec.loss) <= 1e-13 * Math.abs(spec.loss), `${e.name}, ${c.name}: loss`);
      assert.equal(r.correct, spec.correct, `${e.name}, ${c.name}: correct`);
    }
    const fwd = gradientSpec(c.model, c.p0, c.y, c.n, 1);
    for (const f of FORWARD_PATHS) {
      if (f.eq4Only && !f.tables) continue;
      const r = f.forward(c);
      if (r === null) continue;
      ran.add(f.name);
      assert.equal(r.correct, fwd.correct, `${f.name}, ${c.name}: correct`);
      if (r.loss !== null) assert.ok(Math.abs(r.loss - fwd.loss) <= 1e-13 * Math.abs(fwd.loss), `${f.name}, ${c.name}: loss`);
    }
  }
  for (const name of ["reference (TypeScript)", "forward (TypeScript)", "in-place WebAssembly engine with table devices", "forward on the in-place WebAssembly engine with table devices"]) assert.ok(ran.has(name), `${name} ran`);
  if (nativeStatus().available) for (const name of ["native", "native inference"]) assert.ok(ran.has(name), `${name} ran`);
});

test("table gradients agree with Richardson-extrapolated central differences of the specification's loss (A, B, W, c, λ(0))", () => {
  // Small cases: every entry of every parameter is checked. A difference step straddling a node
  // (the cubic pieces join with equal slopes but not equal curvature) or a clamped end (a kink)
  // costs accuracy, so the cases are those whose check is not spoiled by one: the ratio must stay below 1.
  let checked = 0;
  for (const c of CASES.filter((x) => x.k <= 7 && x.n <= 40)) {
    const r = gradientSpec(c.model, c.p0, c.y, c.n, 1 / c.n);
    const { ratio, at } = worstFdRatio(c, r.grads, r.inputGrad, () => specMeanLoss(c), 1e-5);
    assert.ok(ratio <= 1, `${c.name}: ${at} (ratio ${ratio})`);
    checked++;
  }
  assert.ok(checked >= 4);
});

test("the native engine's gradient of a table network agrees with central differences of its own loss", () => {
  const f = nativeFactory(1);
  if (f === null) return;
  const c = CASES.find((x) => x.k === 5) ?? CASES[3];
  const en = f.create(c.k, c.steps, c.classes, Math.min(c.n, 128), c.n) as BatchEngine;
  const got = viaEngine(en, c);
  const loss = (): number => viaEngine(en, c).out.loss / c.n;
  const m = c.model;
  for (const [key, q] of [["A", 1], ["A", m.A.length - 2], ["B", 0], ["B", m.B.length - 1], ["W", 2], ["c", 0]] as const) {
    const arr = m[key];
    const keep = arr[q];
    const h = 1e-6 * Math.max(1e-3, Math.abs(keep));
    arr[q] = keep + h;
    const lp = loss();
    arr[q] = keep - h;
    const lm = loss();
    arr[q] = keep;
    const fd = (lp - lm) / (2 * h);
    const g = got.g[key][q];
    assert.ok(Math.abs(g - fd) <= 1e-5 * Math.max(Math.abs(fd), Math.abs(g)) + 1e-9, `${c.name} ∂${key}[${q}] = ${g}, central difference ${fd}`);
  }
});

test("table devices at the edges: currents exactly on the nodes, below and above them (clamp and linear), and NaN give the reference's bits on the WebAssembly and native engines", () => {
  const fs = nativeFactories();
  // One step, A(0) = identity, B(0) = 0: u = p(0) exactly, and I = s·u² hits the nodes 0.25, 1,
  // 2.25, 4 for u = ±0.5, ±1, ±1.5, ±2 exactly; u = 0, 0.1 falls below (0.01 < 0.0625), 3 above.
  const x = [0.0625, 0.25, 1, 2.25, 4], y = [0.01, 0.05, 0.4, 0.8, 0.9];
  const us = [0, 0.1, 0.25, 0.5, 0.7, 1, 1.5, 1.7, 2, 3, -2, -1.5, -0.5, 5, NaN];
  const n = us.length;
  for (const extrapolation of ["clamp", "linear"] as const) {
    for (const polarity of [1, -1] as const) {
      const xs = polarity > 0 ? x : x.map((v) => -v);
      const devices = [tableCurve(xs, y, { extrapolation, polarity }), tableCurve(xs, y.map((v) => 2 * v), { extrapolation: extrapolation === "clamp" ? "linear" : "clamp", polarity }), eq4()];
      const k = devices.length, classes = 2;
      const m = createModel(k, 1, classes, devices);
      m.A.fill(0);
      for (let i = 0; i < k; i++) m.A[i * k + i] = 1;
      m.B.fill(0);
      const rng = new Rng(3);
      for (let q = 0; q < m.W.length; q++) m.W[q] = rng.normal();
      const p0 = new Float64Array(k * n);
      // The NaN sample (the last) is NaN on every oscillator: a NaN anywhere reaches every row of its sample through A.
      for (let j = 0; j < k; j++) for (let s = 0; s < n; s++) p0[j * n + s] = s === n - 1 ? NaN : j === 2 ? 0.5 : us[(s + 3 * j) % (n - 1)];
      const yl = new Int32Array(n).map((_, s) => s % classes);
      const c: ConformanceCase = { name: `edges ${extrapolation} polarity ${polarity}`, k, steps: 1, classes, n, model: m, p0, y: yl, eq4Only: false, tablesOnly: true };
      const ref = reference(c);
      // The reference's own rule, seen through p(1): every state is the table's value there.
      const spec = gradientSpec(m, p0, yl, n, 1);
      for (let s = 0; s < n; s++) {
        const u = p0[s], want = devices[0].power(polarity * u * u);
        assert.ok(Object.is(spec.P[1][s], want), `p(1) at u = ${u}: ${spec.P[1][s]} vs ${want}`);
      }
      assert.ok(Number.isNaN(ref.out.loss), "a NaN current gives a NaN loss");
      const w = viaWasm(c);
      for (const key of ["A", "B", "W", "c"] as const) sameBits(w.g[key], ref.g[key], `wasm64 ${c.name} ∂${key}`);
      // p(1) of the in-place engine's forward pass, state by state.
      const ws = createWorkspace(k, 1, classes, n + 1, { engine: true, tables: tableKernelSize(m.devices) });
      for (let j = 0; j < k; j++) ws.P[0].set(p0.subarray(j * n, (j + 1) * n), j * ws.capacity);
      forward(m, ws, n, true);
      for (let j = 0; j < k; j++) for (let s = 0; s < n; s++) assert.ok(Object.is(ws.P[1][j * ws.capacity + s], spec.P[1][j * n + s]), `wasm64 p_${j}(1) of sample ${s}`);
      for (const f of fs) {
        const en = f.create(k, 1, classes, n, n) as BatchEngine;
        const got = viaEngine(en, c);
        for (const key of ["A", "B", "W", "c"] as const) sameBits(got.g[key], ref.g[key], `${f.label} ${c.name} ∂${key}`);
        assert.ok(Object.is(got.out.loss, ref.out.loss), `${f.label} ${c.name} loss`);
      }
      // Without the NaN sample the gradient is finite and still the same bits.
      const c2: ConformanceCase = { ...c, n: n - 1, p0: Float64Array.from({ length: k * (n - 1) }, (_, q) => p0[Math.floor(q / (n - 1)) * n + (q % (n - 1))]), y: yl.subarray(0, n - 1) };
      const ref2 = reference(c2);
      assert.ok(Number.isFinite(ref2.out.loss));
      const w2 = viaWasm(c2);
      for (const key of ["A", "B", "W", "c"] as const) sameBits(w2.g[key], ref2.g[key], `wasm64 ${c2.name} ∂${key}`);
      for (const f of fs) {
        const got = viaEngine(f.create(k, 1, classes, n - 1, n - 1) as BatchEngine, c2);
        for (const key of ["A", "B", "W", "c"] as const) sameBits(got.g[key], ref2.g[key], `${f.label} ${c2.name} ∂${key}`);
      }
    }
  }
});

test("one engine switches between table and eq. 4 networks and between tables: each time the reference's bits (native; WebAssembly within its room, the reference beyond it)", () => {
  const c = CASES.find((x) => x.k === 7) ?? CASES[0];
  const eq4Model: Model = { ...c.model, devices: c.model.devices.map(() => eq4()) };
  const other: Model = { ...c.model, devices: c.model.devices.map((d, i) => (i === 0 ? tableCurve([0, 1, 2, 3], [0, 0.3, 0.5, 0.55], { extrapolation: "linear" }) : d)) };
  // A table larger than the WebAssembly engine's room: that model runs the TypeScript loops (same bits).
  const big: Model = { ...c.model, devices: c.model.devices.map((d, i) => (i === 1 ? tableCurve(Array.from({ length: 400 }, (_, q) => q / 100), Array.from({ length: 400 }, (_, q) => Math.tanh(q / 100))) : d)) };
  const models = [c.model, eq4Model, c.model, other, c.model, big, c.model];
  const f = nativeFactory(2);
  const en = f?.create(c.k, c.steps, c.classes, Math.min(c.n, 128), c.n) as BatchEngine | undefined;
  const room = Math.max(tableKernelSize(c.model.devices), tableKernelSize(other.devices));
  const ws = createWorkspace(c.k, c.steps, c.classes, Math.min(c.n, 128), { engine: true, batchCapacity: c.n, tables: room });
  const wen = ws.engine as NonNullable<typeof ws.engine>;
  for (const [q, m] of models.entries()) {
    const ref = reference(c, m);
    const gots = [viaWasmOn(ws, c, m), ...(en ? [viaEngine(en, c, m)] : [])];
    for (const got of gots) {
      for (const key of ["A", "B", "W", "c"] as const) sameBits(got.g[key], ref.g[key], `model ${q} ∂${key}`);
      assert.ok(Object.is(got.out.loss, ref.out.loss));
    }
    assert.equal(writeEngineDevices(m, wen), m !== big, `model ${q}: the WebAssembly engine holds its tables`);
  }
});

/** The batch gradient of a workspace with an in-place engine: its batch call when it can run the model, else the loops (src/train/chunks.ts). */
function viaWasmOn(ws: ReturnType<typeof createWorkspace>, c: ConformanceCase, m: Model) {
  const en = ws.engine as NonNullable<typeof ws.engine>;
  for (let j = 0; j < c.k; j++) en.X.set(c.p0.subarray(j * c.n, (j + 1) * c.n), j * en.ldx);
  en.y.set(c.y);
  const g = createGradients(m);
  const out = { loss: 0, correct: 0 };
  batchGradients(m, ws, en.X, en.ldx, en.y, c.n, g, out, createChunkScratch(m, c.n));
  return { g, out };
}

test("native inference of a table network gives evaluateArrays' bits (windows, chunks, threads)", () => {
  if (!nativeStatus().available) return;
  for (const c of CASES.filter((x) => x.n >= 300 || x.k === 1)) {
    const m: Model = { ...c.model };
    const rng = new Rng(c.n);
    const xs = new Float64Array(c.n * c.k).map(() => 3 * rng.uniform() - 1);
    m.normalization = { min: new Float64Array(c.k).fill(-1), max: new Float64Array(c.k).fill(2) };
    const ref = evaluateArrays(m, xs, c.y, c.n);
    for (const [cap, ldx, threads] of [[512, c.n, 1], [512, c.n, 2], [512, 512, 3]]) {
      const en = nativeFactory(threads)?.createInference?.(c.k, c.steps, c.classes, cap, ldx) as NativeEngine;
      en.pred.fill(-7);
      const got = evaluateArrays(m, xs, c.y, c.n, undefined, en);
      assert.notEqual(en.pred[0], -7, "the engine ran");
      assert.ok(Object.is(got.loss, ref.loss), `${c.name}: loss ${got.loss} vs ${ref.loss}`);
      assert.deepEqual(Array.from(got.predictions), Array.from(ref.predictions));
    }
  }
});

test("a short training run with a table device: engine auto runs the native engine, engine wasm the WebAssembly engine, both with the reference's bits (model, history)", () => {
  const ds = makeSpiral({ count: 300, turns: 1, noise: 0.04, seed: 1 });
  const dev = eq4();
  const xs: number[] = [], ys: number[] = [];
  for (let q = 0; q <= 30; q++) {
    const I = -0.2 + (4.2 * q) / 30;
    xs.push(I);
    ys.push(dev.power(I));
  }
  for (const extrapolation of ["clamp", "linear"] as const) {
    const table = tableCurve(xs, ys, { extrapolation });
    // Full batch (resident steps) and minibatches of 64 (several batches per epoch).
    for (const batchSize of [0, 64]) {
      const opts = { devices: table, seed: 2, epochs: 12, restarts: 1, batchSize, inputNoise: 0.05 };
      const auto = train(ds, opts);
      const wasm = train(ds, { ...opts, engine: "wasm" });
      const ref = train(ds, { ...opts, engine: "reference" });
      if (nativeStatus().available) assert.match(auto.engine, /^native \(/);
      assert.match(wasm.engine, /^wasm64 \(/);
      assert.equal(ref.engine, "reference (TypeScript)");
      for (const r of [auto, wasm]) {
        for (const key of ["A", "B", "W", "c"] as const) sameBits(r.model[key], ref.model[key], `${r.engine} ${extrapolation} batch ${batchSize} ${key}`);
        assert.deepEqual(r.history.map((h) => h.trainLoss), ref.history.map((h) => h.trainLoss));
      }
    }
  }
});

test("the native addon refuses a malformed table descriptor instead of reading outside its data", () => {
  const f = nativeFactory(1);
  if (f === null) return;
  const en = f.create(2, 1, 2, 8, 8) as BatchEngine;
  const m = createModel(2, 1, 2, tableCurve([0, 1, 2], [0, 1, 1.5]));
  assert.ok(writeEngineDevices(m, en));
  const data = new Float64Array([0, 1, 2, 0, 1, 1.5, 1, 0.75, 0.5]);
  for (const desc of [[0, 3, 0, 1, 3, 0], [0, 4, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0], [0, 3, 2, 0, 0, 0], [-1, 3, 0, 0, 0, 0], [0.5, 3, 0, 0, 0, 0], [0, 3, 0]]) {
    assert.throws(() => en.setTables?.({ desc: Float64Array.from(desc), data }), /native: tables/, JSON.stringify(desc));
  }
});
