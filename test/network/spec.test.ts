// The network's step, readout and loss specification (src/network/spec.ts) and every engine
// against it on the same cases: the TypeScript path of dynamics.ts (with and without the in-place
// WebAssembly engine), the hardware-aware forward pass with no effects, the float64 and float32
// batch engines (WebAssembly and native), the native engine's inference and the robustness trial (TypeScript and
// WebAssembly; the native sweep gives the WebAssembly trial's counts, test/sweep/native-sweep.test.ts). The engines use their own exp, log, eq. 4
// kernels and summation orders, so they agree with the specification to rounding (a stated
// tolerance per comparison); the float64 engines agree with each other bit for bit
// (test/network/engines.test.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { forwardSpec, lossSpec, stepSpec, createStepScratch, readoutSpec } from "../../src/network/spec.js";
import { createModel, type Model } from "../../src/network/model.js";
import { createWorkspace, forward, softmaxCrossEntropy, eq4DriveParams } from "../../src/network/dynamics.js";
import { createEngine, createEngine32, type BatchEngine } from "../../src/network/engine.js";
import { forwardHardware, createHardwareState, resolveHardware } from "../../src/network/hardware.js";
import { nativeFactory } from "../../src/node/native-engine.js";
import { native32Factory } from "../../src/node/native-engine32.js";
import { eq4 } from "../../src/device/analytic.js";
import { eq4Spec } from "../../src/device/eq4.js";
import { Rng } from "../../src/util/rng.js";
import { randomEq4Model } from "../helpers/random-model.js";
import { createFastTrials } from "../../src/sweep/fast-trials.js";
import { eq4RowParams, EQ4_PACKED, EQ4_PACKED_DRIVE } from "../../src/device/eq4.js";
import type { Eq4Curve } from "../../src/device/analytic.js";

interface Case {
  k: number;
  steps: number;
  classes: number;
  n: number;
}
// Odd sizes, one sample, ten classes, several steps.
const CASES: Case[] = [
  { k: 2, steps: 4, classes: 2, n: 33 },
  { k: 5, steps: 3, classes: 3, n: 13 },
  { k: 4, steps: 1, classes: 10, n: 1 },
  { k: 13, steps: 2, classes: 4, n: 37 },
];

function setup(c: Case, seed: number): { m: Model; p0: Float64Array; y: Int32Array } {
  const rng = new Rng(seed);
  const m = randomEq4Model(c.k, c.steps, c.classes, rng);
  const p0 = new Float64Array(c.k * c.n).map(() => rng.uniform());
  const y = new Int32Array(c.n).map(() => Math.floor(rng.uniform() * c.classes));
  return { m, p0, y };
}

/** The specification's summed loss, correct count and scaled gradient (classes·n) of n samples. */
function specLoss(logits: Float64Array, classes: number, n: number, y: Int32Array, scale: number): { loss: number; correct: number; G: Float64Array } {
  let loss = 0, correct = 0;
  const G = new Float64Array(classes * n);
  for (let s = 0; s < n; s++) {
    const z = Array.from({ length: classes }, (_, c) => logits[c * n + s]);
    const r = lossSpec(z, y[s]);
    loss += r.loss;
    if (r.predicted === y[s]) correct++;
    for (let c = 0; c < classes; c++) G[c * n + s] = scale * r.grad[c];
  }
  return { loss, correct, G };
}

/** |got − want| ≤ tol·(1 + |want|) for every entry of an oscillator-major block (got with row stride ld). */
function closeBlock(got: Float64Array, ld: number, want: Float64Array, rows: number, n: number, tol: number, what: string): void {
  for (let r = 0; r < rows; r++) {
    for (let s = 0; s < n; s++) {
      const g = got[r * ld + s], w = want[r * n + s];
      assert.ok(Math.abs(g - w) <= tol * (1 + Math.abs(w)), `${what}: row ${r} sample ${s}: ${g} vs specification ${w}`);
    }
  }
}

test("the loss specification: log 2 and ±½ for two equal logits, gradient against central differences, first class on ties, NaN propagates", () => {
  const r = lossSpec([0, 0], 1);
  assert.equal(r.loss, Math.log(2));
  assert.deepEqual(Array.from(r.grad), [0.5, -0.5]);
  assert.equal(r.predicted, 0);
  const rng = new Rng(3);
  for (let trial = 0; trial < 20; trial++) {
    const z = Array.from({ length: 5 }, () => 6 * rng.normal());
    const label = trial % 5;
    const g = lossSpec(z, label).grad;
    for (let c = 0; c < 5; c++) {
      const h = 1e-6;
      const up = z.slice(), dn = z.slice();
      up[c] += h;
      dn[c] -= h;
      const fd = (lossSpec(up, label).loss - lossSpec(dn, label).loss) / (2 * h);
      assert.ok(Math.abs(fd - g[c]) <= 1e-7, `∂loss/∂z_${c}: ${g[c]} vs central difference ${fd}`);
    }
  }
  // Huge logits do not overflow (the max is subtracted first).
  assert.ok(Math.abs(lossSpec([1000, 0], 1).loss - 1000) < 1e-12);
  assert.ok(Number.isNaN(lossSpec([NaN, 1], 0).loss));
});

test("the step specification: a one-oscillator network with A = 0.5, B = 1 gives p(1) = f((0.5·p + 1)²), polarity included", () => {
  for (const Ic of [1, -1]) {
    const dev = eq4({ a: 4, b: 5, Ic, Q: 2 });
    const m = createModel(1, 1, 2, dev);
    m.A[0] = 0.5;
    m.B[0] = 1;
    const p = Float64Array.of(0.2, 0.9, 0);
    const next = new Float64Array(3);
    stepSpec(m, 0, p, next, 3, createStepScratch(3));
    for (let s = 0; s < 3; s++) {
      const I = dev.polarity * (0.5 * p[s] + 1) ** 2;
      const want = eq4Spec(I, 4, 5, Ic, 2, 1);
      assert.ok(Math.abs(next[s] - want) <= 1e-14, `Ic = ${Ic}, p = ${p[s]}: ${next[s]} vs ${want}`);
    }
    const logits = new Float64Array(2);
    m.W.set([2, -1]);
    m.c.set([0.5, 0.25]);
    readoutSpec(m, next, logits, 1);
    assert.deepEqual(Array.from(logits), [2 * next[0] + 0.5, -next[0] + 0.25]);
  }
});

test("every forward path gives the step specification's p(t) and logits (dynamics with and without engine, hardware path without effects)", () => {
  for (const c of CASES) {
    const { m, p0 } = setup(c, c.k * 7 + c.n);
    const spec = forwardSpec(m, p0, c.n);
    for (const engine of [false, true]) {
      const ws = createWorkspace(c.k, c.steps, c.classes, c.n + 3, { engine });
      for (let j = 0; j < c.k; j++) ws.P[0].set(p0.subarray(j * c.n, (j + 1) * c.n), j * ws.capacity);
      forward(m, ws, c.n, true);
      for (let t = 1; t <= c.steps; t++) closeBlock(ws.P[t], ws.capacity, spec.P[t], c.k, c.n, 1e-13, `k=${c.k} forward (engine ${engine}) p(${t})`);
      closeBlock(ws.logits, ws.capacity, spec.logits, c.classes, c.n, 1e-13, `k=${c.k} forward (engine ${engine}) logits`);
    }
    const ws = createWorkspace(c.k, c.steps, c.classes, c.n);
    ws.P[0].set(p0);
    forwardHardware(m, ws, c.n, resolveHardware({}), createHardwareState(c.k, c.steps, c.n), null, true);
    for (let t = 1; t <= c.steps; t++) closeBlock(ws.P[t], c.n, spec.P[t], c.k, c.n, 1e-13, `k=${c.k} hardware path p(${t})`);
    closeBlock(ws.logits, c.n, spec.logits, c.classes, c.n, 1e-13, `k=${c.k} hardware path logits`);
  }
});

test("every engine's loss, correct count and loss gradient match the loss specification (TypeScript, wasm64, wasm32, native float64 and float32, native inference)", () => {
  for (const c of CASES) {
    const { m, p0, y } = setup(c, c.k * 11 + c.n);
    const spec = forwardSpec(m, p0, c.n);
    const scale = 1 / c.n;
    const want = specLoss(spec.logits, c.classes, c.n, y, scale);
    const lossTol = (tol: number, got: number, what: string): void =>
      assert.ok(Math.abs(got - want.loss) <= tol * (1 + Math.abs(want.loss)), `k=${c.k} ${what}: loss ${got} vs specification ${want.loss}`);
    // The TypeScript path and the in-place engine: softmaxCrossEntropy on the specification's logits.
    for (const engine of [false, true]) {
      const ws = createWorkspace(c.k, c.steps, c.classes, c.n, { engine });
      ws.logits.set(spec.logits);
      const out = { loss: 0, correct: 0 };
      softmaxCrossEntropy(ws, c.classes, c.n, y, 0, scale, out);
      lossTol(1e-14, out.loss, `softmaxCrossEntropy (engine ${engine})`);
      assert.equal(out.correct, want.correct);
      closeBlock(ws.logits, c.n, want.G, c.classes, c.n, 1e-15, `k=${c.k} loss gradient (engine ${engine})`);
    }
    // Batch engines: one chunk of the whole block from p(0) (forward, loss, adjoint in one call).
    const batch: [string, BatchEngine | null, number][] = [
      ["wasm64", createEngine(c.k, c.steps, c.classes, c.n, c.n), 1e-13],
      ["wasm32", createEngine32(c.k, c.steps, c.classes, c.n, c.n), 1e-4],
      ["native", nativeFactory(1)?.create(c.k, c.steps, c.classes, c.n, c.n) ?? null, 1e-13],
      ["native32", native32Factory(1)?.create(c.k, c.steps, c.classes, c.n, c.n) ?? null, 1e-4],
    ];
    for (const [name, e, tol] of batch) {
      if (e === null) continue;
      assert.ok(eq4DriveParams(m, e.par));
      e.setParams(m.A, m.B, m.W, m.c);
      e.X.set(p0);
      e.y.set(y);
      e.chunk(0, c.n, scale);
      lossTol(tol, e.out[0], name);
      assert.equal(e.out[1], want.correct, `k=${c.k} ${name} correct`);
    }
    // The native engine's inference (when built here).
    const ne = nativeFactory(1)?.createInference?.(c.k, c.steps, c.classes, c.n, c.n) ?? null;
    if (ne !== null) {
      assert.ok(eq4DriveParams(m, ne.par));
      ne.setParams(m.A, m.B, m.W, m.c);
      ne.X.set(p0);
      ne.y.set(y);
      ne.evaluate(0, c.n);
      lossTol(1e-13, ne.out[0], "native inference");
      assert.equal(ne.out[1], want.correct, `k=${c.k} native correct`);
      for (let s = 0; s < c.n; s++) {
        const z = Array.from({ length: c.classes }, (_, q) => spec.logits[q * c.n + s]);
        assert.equal(ne.pred[s], lossSpec(z, y[s]).predicted, `k=${c.k} native prediction of sample ${s}`);
      }
    }
  }
});

test("the robustness trial (TypeScript and WebAssembly backends) gives the step specification's p(n) and correct count", () => {
  for (const c of CASES) {
    const { m, p0, y } = setup(c, c.k * 13 + c.n);
    const spec = forwardSpec(m, p0, c.n);
    const want = specLoss(spec.logits, c.classes, c.n, y, 1);
    for (const backend of ["ts", "wasm"] as const) {
      const f = createFastTrials(m, p0, c.n, c.n, y, m.devices.map((d) => d.polarity), backend, 0);
      m.devices.forEach((d, i) => {
        const e = d as Eq4Curve;
        eq4RowParams(e.a, e.b, e.Ic, e.Q, e.P0, f.par, EQ4_PACKED_DRIVE * i);
        f.par[EQ4_PACKED_DRIVE * i + EQ4_PACKED] = e.polarity;
      });
      const correct = f.run();
      closeBlock(f.state(), f.n8, spec.P[c.steps], c.k, c.n, 1e-13, `k=${c.k} robustness trial (${backend}) p(${c.steps})`);
      assert.equal(correct, want.correct, `k=${c.k} robustness trial (${backend}) correct count`);
    }
  }
});
