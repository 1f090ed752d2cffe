/**
 * Resident training (src/network/engine.ts `ResidentTraining`, the native engine): parameters and
 * Adam's moments stay in the engine across an epoch's batches and are copied back at its end. A
 * TrainingRun on it must give the bits of the same run on the TypeScript reference (batch gradient,
 * then src/train/adam.ts' update with A's per-entry learning-rate scale, weight decay and L1) for every
 * instruction set and thread count — parameters, Adam's moments and step count, losses — and report
 * divergence as the reference does, with the model holding the same values.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createModel, cloneModel, type Model } from "../../src/network/model.js";
import { eq4 } from "../../src/device/analytic.js";
import { TrainingRun, resolveTrainOptions } from "../../src/train/train.js";
import { scaleRuns } from "../../src/train/adam.js";
import type { EngineFactory } from "../../src/network/engine.js";
import type { Dataset } from "../../src/data/dataset.js";
import { Rng } from "../../src/util/rng.js";
import { ComputationError } from "../../src/util/errors.js";
import { sameBits, nativeFactories } from "../helpers/native.js";

/**
 * Random inputs; with `sparse`, like images' borders: features j % 3 ≠ 0 are zero except in a few
 * samples (so a batch has runs of features zero in every sample, and others zero in most), one
 * feature −0 throughout.
 */
function data(n: number, d: number, classes: number, seed: number, sparse = false): Dataset {
  const rng = new Rng(seed);
  const x = new Float64Array(n * d).map(() => rng.uniform());
  if (sparse)
    for (let r = 0; r < n; r++)
      for (let j = 0; j < d; j++) if (j % 3 !== 0 && !(j % 7 === 1 && rng.uniform() < 0.02)) x[r * d + j] = j === 2 ? -0 : 0;
  const y = new Int32Array(n).map(() => rng.int(classes));
  for (let r = 0; r < classes; r++) y[r] = r;
  return { x, y, n, d, classNames: Array.from({ length: classes }, (_, i) => `c${i}`), featureNames: Array.from({ length: d }, (_, i) => `f${i}`) } as unknown as Dataset;
}

// Minibatches of one chunk and of several (batch 300 = 4 chunks), full batch, weight decay; k = 200
// (A has 80 000 entries: the engine splits Adam over its threads).
// L1 (the soft threshold after the update) alone, with weight decay, and on the threaded case.
const CASES = [
  { k: 5, steps: 3, classes: 3, n: 97, batch: 16, decay: 0.01, l1: 0, epochs: 3 },
  { k: 13, steps: 2, classes: 4, n: 700, batch: 300, decay: 0, l1: 0.2, epochs: 2 },
  { k: 4, steps: 4, classes: 2, n: 90, batch: 0, decay: 0.02, l1: 0.5, epochs: 4 },
  { k: 200, steps: 2, classes: 10, n: 130, batch: 64, decay: 0.001, l1: 0.3, epochs: 2 },
  // Batches of one chunk on the packed products with inputs zero in many rows: step 0's products
  // leave those rows out (native/engine.cc sparseInput); batch 100 is two reduction blocks of AVX-512.
  { k: 160, steps: 2, classes: 4, n: 150, batch: 64, decay: 0, l1: 0, epochs: 2, sparse: true },
  { k: 130, steps: 3, classes: 3, n: 130, batch: 100, decay: 0.001, l1: 0, epochs: 2, sparse: true },
  // Devices in A and W (currents ×10⁻³, powers ×2.8·10⁻⁸ of the paper's test device): every run
  // has its own ε·r/s (src/train/adam.ts), with decay and L1.
  { k: 6, steps: 3, classes: 3, n: 120, batch: 32, decay: 0.01, l1: 0.1, epochs: 3, si: true },
];

function run(c: (typeof CASES)[number], engine: EngineFactory | null, model: Model, ds: Dataset): TrainingRun {
  const options = resolveTrainOptions({ steps: c.steps, epochs: c.epochs, batchSize: c.batch, lr: 0.03, schedule: "constant", seed: 5, weightDecay: c.decay, l1: c.l1, evalEvery: 1 });
  return new TrainingRun(cloneModel(model), ds, options, 5, undefined, false, engine);
}

test("resident training on the native engine gives the reference's bits: parameters, Adam's moments, step count, losses (each instruction set, 1–3 threads)", () => {
  const fs = nativeFactories();
  if (fs.length === 0) return;
  for (const c of CASES) {
    const ds = data(c.n, c.k, c.classes, c.k + c.n, "sparse" in c && c.sparse);
    const rng = new Rng(c.k);
    const si = "si" in c && c.si;
    const devices = Array.from({ length: c.k }, (_, i) =>
      si ? eq4({ a: (4 + 0.1 * (i % 5)) * 1e3, Ic: i % 3 ? 1e-3 : -1e-3, P0: 2.8e-8 }, { currentUnit: "A", powerUnit: "W" }) : eq4({ a: 4 + 0.1 * (i % 5), Ic: i % 3 ? 1 : -1 }));
    const model = createModel(c.k, c.steps, c.classes, devices);
    for (const arr of [model.A, model.B, model.W, model.c]) for (let q = 0; q < arr.length; q++) arr[q] = 0.5 * rng.normal() / Math.sqrt(c.k) + (arr === model.B ? 1.2 : 0);
    // In A/W the parameters' units: √A for B and A(0), √A/W for A(t ≥ 1), 1/W for W.
    if (si) {
      const kk = c.k * c.k, r = Math.sqrt(1e-3);
      for (let q = 0; q < model.A.length; q++) model.A[q] *= q < kk ? r : r / 2.8e-8;
      for (let q = 0; q < model.B.length; q++) model.B[q] *= r;
      for (let q = 0; q < model.W.length; q++) model.W[q] /= 2.8e-8;
    }
    const ref = run(c, null, model, ds);
    const refLoss = Array.from({ length: c.epochs }, () => ref.epoch().trainLoss);
    for (const f of fs) {
      const r = run(c, f, model, ds);
      assert.match(r.engineLabel, /^native/);
      const tag = `${f.label} k=${c.k} batch=${c.batch}`;
      for (let e = 0; e < c.epochs; e++) assert.ok(Object.is(r.epoch().trainLoss, refLoss[e]), `${tag} epoch ${e + 1} loss`);
      for (const key of ["A", "B", "W", "c"] as const) sameBits(r.model[key], ref.model[key], `${tag} ${key}`);
      if (c.l1 > 0) assert.ok(r.model.A.some((v) => v === 0), `${tag}: L1 left exact zeros in A`);
      const a = r.getState().adam, b = ref.getState().adam;
      assert.equal(a.t, b.t, `${tag} t`);
      for (let q = 0; q < 4; q++) {
        sameBits(a.m[q], b.m[q], `${tag} m${q}`);
        sameBits(a.v[q], b.v[q], `${tag} v${q}`);
      }
    }
  }
});

/**
 * One epoch of `m` (constant rate `lr`, seed 5) on `engine` (null: the reference), as the two
 * failure-path tests below compare it: the error message of the ComputationError it threw, or
 * "no error", and the run with the parameters it left.
 */
function oneEpoch(m: Model, ds: ConstructorParameters<typeof TrainingRun>[1], c: { steps: number; batch: number }, lr: number, what: string, engine: EngineFactory | null): { message: string; r: TrainingRun } {
  const options = resolveTrainOptions({ steps: c.steps, epochs: 2, batchSize: c.batch, lr, schedule: "constant", seed: 5, evalEvery: 1 });
  const r = new TrainingRun(cloneModel(m), ds, options, 5, undefined, false, engine);
  try {
    r.epoch();
    return { message: "no error", r };
  } catch (e) {
    assert.ok(e instanceof ComputationError, `${what}: ${String(e)}`);
    return { message: (e as Error).message, r };
  }
}

test("resident training reports a non-finite loss and a non-finite parameter as the reference does, and the model holds the same values", () => {
  const fs = nativeFactories();
  if (fs.length === 0) return;
  // k = 6 on the kernel table's products; k = 130 on the packed ones, where A's update runs inside
  // the backward pass (native/engine.cc AdamFuse), with inputs zero in many rows.
  for (const c of [{ k: 6, steps: 2, classes: 3, n: 40, batch: 8, sparse: false }, { k: 130, steps: 2, classes: 3, n: 40, batch: 16, sparse: true }]) divergence(fs, c);
});

function divergence(fs: EngineFactory[], c: { k: number; steps: number; classes: number; n: number; batch: number; sparse: boolean }): void {
  const ds = data(c.n, c.k, c.classes, 3, c.sparse);
  const model = createModel(c.k, c.steps, c.classes, eq4());
  model.B.fill(1);
  // A NaN in the readout makes the loss NaN; readout biases near the largest double with a learning
  // rate of 1e308 make the update itself overflow while the loss stays finite. Both runs must fail
  // the same way at the same step.
  const cases: [string, (m: Model) => void, number][] = [["loss", (m) => (m.W[1] = NaN), 0.03], ["parameter", (m) => m.c.fill(1.7e308), 1e308]];
  for (const [what, spoil, lr] of cases) {
    const m = cloneModel(model);
    spoil(m);
    const outcome = (engine: EngineFactory | null) => oneEpoch(m, ds, c, lr, what, engine);
    const ref = outcome(null);
    assert.match(ref.message, what === "loss" ? /non-finite loss/ : /non-finite parameter/);
    for (const f of fs.slice(0, 2)) {
      const got = outcome(f);
      assert.equal(got.message, ref.message, `${f.label} ${what}`);
      for (const key of ["A", "B", "W", "c"] as const) sameBits(got.r.model[key], ref.r.model[key], `${f.label} ${what} ${key}`);
      assert.equal(got.r.getState().adam.t, ref.r.getState().adam.t);
    }
  }
}

test("resident training with inputs zero in many rows (step 0's products leave them out) still follows the reference when A(0) holds a NaN there, or B(0) a −0 (each instruction set, 1–3 threads)", () => {
  const fs = nativeFactories();
  if (fs.length === 0) return;
  const c = { k: 130, steps: 2, classes: 3, n: 70, batch: 32 };
  const ds = data(c.n, c.k, c.classes, 11, true);
  const model = createModel(c.k, c.steps, c.classes, eq4());
  const rng = new Rng(4);
  for (const arr of [model.A, model.B, model.W, model.c]) for (let q = 0; q < arr.length; q++) arr[q] = 0.5 * rng.normal() / Math.sqrt(c.k) + (arr === model.B ? 1.2 : 0);
  // Feature 5 is zero in every sample: A(0)'s column 5 multiplies only zeros.
  const cases: [string, (m: Model) => void][] = [["NaN in A(0)", (m) => (m.A[3 * c.k + 5] = NaN)], ["−0 in B(0)", (m) => (m.B[7] = -0)]];
  for (const [what, spoil] of cases) {
    const m = cloneModel(model);
    spoil(m);
    const outcome = (engine: EngineFactory | null) => oneEpoch(m, ds, c, 0.03, what, engine);
    const ref = outcome(null);
    if (what.startsWith("NaN")) assert.match(ref.message, /non-finite loss/);
    for (const f of fs) {
      const got = outcome(f);
      assert.equal(got.message, ref.message, `${f.label} ${what}`);
      for (const key of ["A", "B", "W", "c"] as const) sameBits(got.r.model[key], ref.r.model[key], `${f.label} ${what} ${key}`);
      assert.equal(got.r.getState().adam.t, ref.r.getState().adam.t);
    }
  }
});

test("scaleRuns: a per-entry scale becomes runs of equal values, a number one run", () => {
  const A = new Float64Array([2, 2, 2, 3, 3, 2]);
  assert.deepEqual(scaleRuns([6, 2, 1], [A, 0.5, 1]), [[0, 0, 3, 2, 2], [0, 3, 5, 3, 3], [0, 5, 6, 2, 2], [1, 0, 2, 0.5, 0.5], [2, 0, 1, 1, 1]]);
  assert.deepEqual(scaleRuns([0], [new Float64Array(0)]), []);
  // A run also ends where the weight-decay scale changes.
  assert.deepEqual(scaleRuns([4, 1], [2, 1], [new Float64Array([1, 1, 5, 5]), 1]), [[0, 0, 2, 2, 1], [0, 2, 4, 2, 5], [1, 0, 1, 1, 1]]);
});
