/**
 * Every training engine on the same cases, against one specification: the TypeScript reference
 * of src/network/dynamics.ts (batchGradients on a workspace without engine). The float64 engines
 * (wasm64; native with each instruction set this CPU has and 1, 2, 3 threads) must give the
 * reference's bits; the reference itself is checked against the specification's adjoint in
 * test/network/spec.test.ts and against central differences in test/network/gradients.test.ts,
 * and here the batch gradient's relative error to float64 finite differences of the loss on a few
 * entries.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createGradients, createModel, type Model } from "../../src/network/model.js";
import { eq4 } from "../../src/device/analytic.js";
import { createWorkspace, gatherColumns } from "../../src/network/dynamics.js";
import { batchGradients, engineBatchGradients, createChunkScratch } from "../../src/train/chunks.js";
import { wasm64Factory, type EngineFactory, type BatchEngine } from "../../src/network/engine.js";
import { nativeFactory, nativeStatus, type NativeIsa, type NativeEngine } from "../../src/node/native-engine.js";
import { sameBits, nativeIsas, nativeFactories } from "../helpers/native.js";
import { evaluateArrays } from "../../src/network/api.js";
import { Adam } from "../../src/train/adam.js";
import { Rng } from "../../src/util/rng.js";
import { conformanceCases, largeConformanceCases } from "../helpers/conformance.js";

// The shared conformance cases (test/helpers/conformance.ts) with eq. 4 devices — odd sizes, one
// sample, one oscillator, ten classes, several chunks, normalised and physical units — and the
// larger ones (800 and 1001 samples, k = 9 with 301; two networks large enough for the native
// engine's threads).
interface Case {
  name: string;
  k: number;
  steps: number;
  classes: number;
  nb: number;
  cap: number;
  m: Model;
  X: Float64Array;
  y: Int32Array;
}
const CASES: Case[] = [...conformanceCases().filter((c) => c.eq4Only), ...largeConformanceCases()].map((c) => ({
  name: c.name, k: c.k, steps: c.steps, classes: c.classes, nb: c.n, cap: Math.min(c.n, 128), m: c.model, X: c.p0, y: c.y,
}));

/** The reference: dynamics.ts's loops chunk by chunk (a workspace without engine). */
function reference(c: Case, m: Model, X: Float64Array, y: Int32Array) {
  const ws = createWorkspace(c.k, c.steps, c.classes, c.cap);
  const g = createGradients(m);
  const out = { loss: 0, correct: 0 };
  batchGradients(m, ws, X, c.nb, y, c.nb, g, out, createChunkScratch(m, c.nb));
  return { g, out };
}

function viaEngine(en: BatchEngine, c: Case, m: Model, X: Float64Array, y: Int32Array) {
  for (let j = 0; j < c.k; j++) en.X.set(X.subarray(j * c.nb, (j + 1) * c.nb), j * en.ldx);
  en.y.set(y);
  const g = createGradients(m);
  const out = { loss: 0, correct: 0 };
  assert.ok(engineBatchGradients(m, en, c.nb, g, out));
  return { g, out };
}

function factories(): EngineFactory[] {
  const list: EngineFactory[] = [];
  const w = wasm64Factory();
  assert.ok(w, "Node >= 20 has WebAssembly SIMD");
  list.push(w);
  list.push(...nativeFactories());
  return list;
}

test("every float64 engine gives the reference's bits: batch gradients, loss and correct count (native: each instruction set, 1–3 threads)", () => {
  const fs = factories();
  for (const c of CASES) {
    const { m, X, y } = c;
    const ref = reference(c, m, X, y);
    for (const f of fs) {
      const en = f.create(c.k, c.steps, c.classes, c.cap, c.nb);
      assert.ok(en, `${f.label}: engine for k=${c.k}`);
      const tag = `${f.label} ${c.name}`;
      const got = viaEngine(en, c, m, X, y);
      for (const key of ["A", "B", "W", "c"] as const) sameBits(got.g[key], ref.g[key], `${tag} ∂${key}`);
      assert.ok(Object.is(got.out.loss, ref.out.loss), `${tag} loss ${got.out.loss} vs ${ref.out.loss}`);
      assert.equal(got.out.correct, ref.out.correct, `${tag} correct`);
      // Run to run: the same engine again.
      const again = viaEngine(en, c, m, X, y);
      for (const key of ["A", "B", "W", "c"] as const) sameBits(again.g[key], got.g[key], `${tag} rerun ∂${key}`);
    }
  }
});

test("engine gradients agree with float64 central differences of the batch loss (relative 1e-6 on well-conditioned entries)", () => {
  const c = CASES.find((x) => x.k === 5 && x.steps >= 2) as Case;
  const { m, X, y } = c;
  const fs = factories();
  const loss = (mm: Model): number => reference(c, mm, X, y).out.loss / c.nb;
  for (const f of fs) {
    const en = f.create(c.k, c.steps, c.classes, c.cap, c.nb) as BatchEngine;
    const got = viaEngine(en, c, m, X, y);
    for (const [key, q] of [["A", 7], ["A", m.A.length - 3], ["B", 3], ["W", 4], ["c", 1]] as const) {
      const arr = m[key];
      const h = 1e-6 * Math.max(1, Math.abs(arr[q]));
      const keep = arr[q];
      arr[q] = keep + h;
      const lp = loss(m);
      arr[q] = keep - h;
      const lm = loss(m);
      arr[q] = keep;
      const fd = (lp - lm) / (2 * h);
      const g = got.g[key][q];
      assert.ok(Math.abs(g - fd) <= 1e-6 * Math.max(Math.abs(fd), 1e-3), `${f.label} ${c.name} ∂${key}[${q}] = ${g}, central difference ${fd}`);
    }
  }
});

test("the native engine is available where it was built, and says why not otherwise", () => {
  const st = nativeStatus();
  if (st.available) {
    assert.ok(["avx512", "avx2", "sse2"].includes(st.kernels));
    assert.ok(st.width >= 2);
    assert.match(nativeFactory(2)?.label ?? "", /^native \((avx512|avx2|sse2), \d float64 lanes, 2 threads\)$/);
  } else {
    assert.match(st.reason, /not built|failed to load/);
    assert.equal(nativeFactory(1), null);
  }
});

test("inference on the native engine gives evaluateArrays' bits: loss, accuracy, predictions, confusion (windows and chunks; each instruction set, 1–3 threads)", () => {
  if (!nativeStatus().available) return;
  const isas = nativeIsas();
  for (const c of CASES.filter((x) => x.k === 1 || x.nb === 1 || x.nb >= 300 || x.k >= 64)) {
    const { m, y } = c;
    const rng = new Rng(c.nb);
    const x = new Float64Array(c.nb * c.k).map(() => 3 * rng.uniform() - 1);
    // A constant feature (span 0: p(0) = 0) beside the normalised ones.
    m.normalization = { min: new Float64Array(c.k).fill(-1), max: new Float64Array(c.k).fill(2) };
    if (c.k > 1) m.normalization.max[1] = -1;
    const ref = evaluateArrays(m, x, y, c.nb);
    // One window; windows of 512 samples; and shapes the engine path must decline (other chunking).
    // 1–3 threads (the blocks of a window are shared out over the threads from 2·10⁶ multiply–adds).
    const shapes: [number, number, number, NativeIsa][] = [[512, c.nb, 1, "auto"], [512, c.nb, 2, "auto"], [512, c.nb, 3, "auto"], [512, 512, 2, "auto"], [16, 32, 2, "auto"], [7, 7, 2, "auto"]];
    for (const isa of isas) for (const t of [1, 2, 3]) shapes.push([512, c.nb, t, isa]);
    for (const [cap, ldx, threads, isa] of shapes) {
      const en = nativeFactory(threads, isa)?.create(c.k, c.steps, c.classes, cap, ldx) as NativeEngine;
      en.pred.fill(-7);
      const got = evaluateArrays(m, x, y, c.nb, undefined, en);
      // The engine ran exactly when it can chunk as the default workspace does (chunks of min(n, 512)).
      const fits = cap >= Math.min(c.nb, 512) && (ldx >= c.nb || ldx % 512 === 0);
      assert.equal(en.pred[0] !== -7, fits, `engine used: cap=${cap} ldx=${ldx}`);
      const tag = `k=${c.k} nb=${c.nb} cap=${cap} ldx=${ldx} threads=${threads} ${isa}`;
      assert.ok(Object.is(got.loss, ref.loss), `${tag} loss ${got.loss} vs ${ref.loss}`);
      assert.equal(got.accuracy, ref.accuracy, tag);
      assert.deepEqual(Array.from(got.predictions), Array.from(ref.predictions), tag);
      assert.deepEqual(Array.from(got.confusion), Array.from(ref.confusion), tag);
    }
  }
});

test("inference shared out over the native engine's threads (blocks of a window, from 2·10⁶ multiply–adds per call) gives the bits of one thread and of evaluateArrays", () => {
  if (!nativeStatus().available) return;
  const k = 128, steps = 2, classes = 5, n = 1100;
  const rng = new Rng(17);
  const m = createModel(k, steps, classes, eq4());
  for (const arr of [m.A, m.B, m.W, m.c]) for (let q = 0; q < arr.length; q++) arr[q] = 0.5 * rng.normal() / Math.sqrt(k) + (arr === m.B ? 1.2 : 0);
  const x = new Float64Array(n * k).map(() => rng.uniform());
  const y = new Int32Array(n).map(() => rng.int(classes));
  const ref = evaluateArrays(m, x, y, n);
  for (const threads of [1, 2, 3]) {
    const en = nativeFactory(threads)?.create(k, steps, classes, 512, n) as NativeEngine;
    const got = evaluateArrays(m, x, y, n, undefined, en);
    assert.ok(Object.is(got.loss, ref.loss), `threads=${threads} loss ${got.loss} vs ${ref.loss}`);
    assert.deepEqual(Array.from(got.predictions), Array.from(ref.predictions), `threads=${threads}`);
  }
});

test("the native engine's loadInputs writes gatherColumns' p(0) bit for bit (rows, normalisation with constant and reversed features, extra oscillators, NaN)", () => {
  if (!nativeStatus().available) return;
  const rng = new Rng(23);
  for (const [k, d, n, ldx] of [[7, 5, 37, 40], [64, 64, 300, 300], [9, 1, 1, 3], [16, 13, 64, 100]]) {
    const en = nativeFactory(1)?.create(k, 1, 2, 8, ldx) as NativeEngine;
    assert.ok(en.loadInputs);
    const rowsInX = n + 11;
    const x = new Float64Array(rowsInX * d).map(() => 10 * rng.normal());
    x[3] = NaN;
    const min = new Float64Array(d).map(() => rng.normal()), max = min.map((v) => v + 5 * rng.uniform());
    max[0] = min[0];
    if (d > 2) max[2] = min[2] - 1;
    const rows = new Int32Array(n + 4).map(() => rng.int(rowsInX));
    for (const [norm, r, start] of [[null, null, 3], [{ min, max }, null, 0], [{ min, max }, rows, 4], [null, rows, 2]] as const) {
      const want = new Float64Array(k * ldx + 8).fill(-3), got = new Float64Array(k * ldx + 8).fill(-3);
      gatherColumns(want, ldx, k, x, r, start, n, norm, d, 0.25);
      en.X.fill(-3);
      en.loadInputs(x, d, d, r, start, n, norm, 0.25);
      got.set(en.X.subarray(0, k * ldx));
      for (let j = 0; j < k; j++) for (let b = 0; b < n; b++) if (!Object.is(got[j * ldx + b], want[j * ldx + b])) assert.fail(`k=${k} d=${d} p0[${j}][${b}]: ${got[j * ldx + b]} vs ${want[j * ldx + b]}`);
    }
  }
});

test("Adam on the native engine's kernels gives src/train/adam.ts' bits (decay, L1, per-array ε·r/s, threads, large arrays) and reports a non-finite update", () => {
  if (!nativeStatus().available) return;
  for (const threads of [1, 2]) {
    const en = nativeFactory(threads)?.create(3, 1, 2, 8, 8) as NativeEngine;
    assert.ok(en.adam);
    const rng = new Rng(threads);
    const sizes = [100_003, 17, 70_000, 2];
    const make = () => sizes.map((n) => new Float64Array(n).map(() => rng.normal()));
    const p0 = make(), grads = [make(), make(), make()];
    const pa = p0.map((a) => a.slice()), pb = p0.map((a) => a.slice());
    const A = new Adam(sizes), B = new Adam(sizes);
    for (const [s, g] of grads.entries()) {
      const decay = s === 1 ? [0.01, 0, 0.02, 0] : undefined;
      // L1 thresholds lr·scale·λ₁ of 0.015 and 0.06 on arrays 0 and 2 (N(0, 1) entries: some become exactly 0).
      const l1 = s >= 1 ? [1.5, 0, 3, 0] : undefined;
      // Reference scales r ≠ s on the third step: ε·r/s of 1, 1e-8, 0.1 and 1e-8 (visible against √v̂ ≈ 1).
      const refs = s === 2 ? [1e8, 0.5, 2e7, 1] : undefined;
      assert.equal(A.step(pa, g, [1, 0.5, 2, 1], 0.01, decay, undefined, l1, refs), B.step(pb, g, [1, 0.5, 2, 1], 0.01, decay, en.adam, l1, refs));
      if (l1) for (const q of [0, 2]) assert.ok(pb[q].some((v) => v === 0), `step ${s}: array ${q} has exact zeros`);
      for (let q = 0; q < sizes.length; q++) {
        for (let e = 0; e < sizes[q]; e++) {
          if (!Object.is(pa[q][e], pb[q][e]) || !Object.is(A.state.m[q][e], B.state.m[q][e]) || !Object.is(A.state.v[q][e], B.state.v[q][e])) {
            assert.fail(`threads=${threads} step ${s} array ${q}[${e}]: ${pa[q][e]} vs ${pb[q][e]}`);
          }
        }
      }
    }
    const bad = grads[0].map((a) => a.slice());
    bad[2][123] = Infinity;
    assert.equal(B.step(pb, bad, [1, 1, 1, 1], 0.01, undefined, en.adam), false);
  }
});

test("the native addon refuses out-of-range calls with a RangeError naming the call (no memory outside its buffers touched), and only a missing instruction set means 'not available'", () => {
  if (!nativeStatus().available) return;
  const f = nativeFactory(1) as EngineFactory;
  const en = f.create(3, 2, 2, 8, 20) as NativeEngine;
  const range = (fn: () => unknown, what: string) => assert.throws(fn, (e: Error) => e instanceof RangeError && e.message === `native: ${what} out of range`, what);
  range(() => en.chunk(-1, 4, 1), "chunk");
  range(() => en.chunk(0, 9, 1), "chunk");
  range(() => en.chunk(15, 8, 1), "chunk");
  range(() => en.chunk(0.5, 4, 1), "chunk");
  range(() => en.chunk(NaN, 4, 1), "chunk");
  range(() => en.evaluate(0, 0), "evaluate");
  range(() => en.evaluateAll?.(0, 21, 8, 0), "evaluateAll");
  range(() => en.evaluateAll?.(5, 16, 8, 0), "evaluateAll");
  range(() => en.evaluateAll?.(0, 20, 9, 0), "evaluateAll");
  range(() => en.evaluateAll?.(0, 20, 0, 0), "evaluateAll");
  const x = new Float64Array(30);
  range(() => en.loadInputs?.(x, 3, 3, null, 0, 11, null, 0), "load");
  range(() => en.loadInputs?.(x, 3, 4, null, 0, 2, null, 0), "load");
  range(() => en.loadInputs?.(x, 2, 3, null, 0, 2, null, 0), "load");
  range(() => en.loadInputs?.(x, 3, 3, null, 0, 21, null, 0), "load");
  range(() => en.loadInputs?.(x, 3, 3, new Int32Array([0, 10]), 0, 2, null, 0), "load rows");
  range(() => en.loadInputs?.(x, 3, 3, new Int32Array([0, -1]), 0, 2, null, 0), "load rows");
  range(() => en.loadInputs?.(x, 3, 3, new Int32Array([0, 1]), 1, 2, null, 0), "load rows");
  range(() => en.loadInputs?.(x, 3, 3, null, 0, 2, { min: new Float64Array(2), max: new Float64Array(3) }, 0), "load normalisation");
  range(() => en.batch(21, 3, 1), "batch");
  range(() => en.batch(20, 2, 1), "batch");
  range(() => en.batch(20, 0, 1), "batch");
  range(() => en.product(3 as 0, 4, 1), "product");
  range(() => f.create(0, 2, 2, 8, 20), "engine shape");
  range(() => f.create(3, 2, 2, 8, 1e12), "engine shape");
  const res = en.resident?.();
  assert.ok(res);
  // (c1, c2, β1, β2, then per run: q, e0, e1, a, ε·r/s, shrink, L1 threshold.)
  range(() => res.step(20, 3, 1, new Float64Array([1, 1, 0.9, 0.999, 0, 0, 19, 0.1, 1e-8, 1, 0])), "step run");
  range(() => res.step(20, 3, 1, new Float64Array([1, 1, 0.9, 0.999, 4, 0, 1, 0.1, 1e-8, 1, 0])), "step run");
  range(() => res.step(20, 3, 1, new Float64Array([1, 1, 0.9, 0.999, 1, 3, 2, 0.1, 1e-8, 1, 0])), "step run");
  assert.throws(() => res.step(20, 3, 1, new Float64Array([1, 1, 0.9])), /malformed/);
  // Older layouts are refused, not misread: runs of six numbers after a head with ε (one ε for
  // every run, before ε·r/s), and runs of five (before the L1 threshold).
  assert.throws(() => res.step(20, 3, 1, new Float64Array([1, 1, 0.9, 0.999, 1e-8, 0, 0, 1, 0.1, 1, 0, 1, 0, 1, 0.1, 1, 0])), /malformed/);
  assert.throws(() => res.step(20, 3, 1, new Float64Array([1, 1, 0.9, 0.999, 1e-8, 0, 0, 1, 0.1, 1])), /malformed/);
  // A single run of the ε-in-the-head layout has the new length, but its q (ε) is not an array index.
  range(() => res.step(20, 3, 1, new Float64Array([1, 1, 0.9, 0.999, 1e-8, 0, 0, 1, 0.1, 1, 0])), "step run");
  assert.throws(() => res.step(20, 3, 1, [1] as unknown as Float64Array), TypeError);
  // The documented refusal: an instruction set this CPU lacks (here one that no CPU has) → null.
  assert.equal(nativeFactory(1, "pdp11" as NativeIsa)?.create(3, 2, 2, 8, 20), null);
});
