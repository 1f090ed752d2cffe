import { test } from "node:test";
import assert from "node:assert/strict";
import { CHUNK_SIZE, chunkPlan, chunkStart, batchGradients, createChunkScratch } from "../../src/train/chunks.js";
import { createModel, createGradients, type Model } from "../../src/network/model.js";
import { createWorkspace, gatherColumns, forward, softmaxCrossEntropy, backward } from "../../src/network/dynamics.js";
import { initializeModel } from "../../src/network/init.js";
import { eq4 } from "../../src/device/analytic.js";
import type { DeviceCurve } from "../../src/device/curve.js";
import { makeSpiral } from "../../src/data/spiral.js";
import { stratifiedSplit, fitNormalization, applyNormalization } from "../../src/data/split.js";
import { TrainingRun, resolveTrainOptions } from "../../src/train/train.js";
import { Rng } from "../../src/util/rng.js";

test("chunkPlan: one chunk up to CHUNK_SIZE samples, else an even number of chunks of at most CHUNK_SIZE, sizes within one, covering the batch in order", () => {
  assert.deepEqual(chunkPlan(1), { nb: 1, count: 1 });
  assert.deepEqual(chunkPlan(64), { nb: 64, count: 1 });
  assert.deepEqual(chunkPlan(CHUNK_SIZE), { nb: CHUNK_SIZE, count: 1 });
  assert.deepEqual(chunkPlan(129), { nb: 129, count: 2 });
  assert.deepEqual([0, 1, 2].map((q) => chunkStart(chunkPlan(129), q)), [0, 64, 129]);
  assert.deepEqual(chunkPlan(800), { nb: 800, count: 8 });
  for (let nb = 1; nb <= 5000; nb++) {
    const plan = chunkPlan(nb);
    if (plan.count > 1) assert.equal(plan.count % 2, 0, `nb ${nb}: odd count ${plan.count}`);
    assert.equal(chunkStart(plan, 0), 0);
    assert.equal(chunkStart(plan, plan.count), nb);
    let min = Infinity, max = 0;
    for (let q = 0; q < plan.count; q++) {
      const len = chunkStart(plan, q + 1) - chunkStart(plan, q);
      min = Math.min(min, len);
      max = Math.max(max, len);
    }
    assert.ok(min >= 1 && max <= CHUNK_SIZE && max - min <= 1, `nb ${nb}: chunk sizes ${min}..${max}`);
  }
});

/** The spiral training split (800 samples) as p(0) columns, a model and its initialisation. */
function setup(steps = 3): { model: Model; X: Float64Array; y: Int32Array; n: number } {
  const split = stratifiedSplit(makeSpiral({ count: 1000 }), 0);
  const tr = split.train;
  const model = createModel(tr.d, steps, 2, eq4());
  const p0 = applyNormalization(tr.x, tr.d, fitNormalization(tr));
  initializeModel(model, p0, tr.n, new Rng(5), { spread: 0.5, mixing: 0.5 });
  const X = new Float64Array(tr.d * tr.n);
  gatherColumns(X, tr.n, tr.d, p0, null, 0, tr.n, null);
  return { model, X, y: tr.y, n: tr.n };
}

/** ∂(mean loss) of the whole batch by the plain (unchunked) adjoint on a TypeScript workspace. */
function plainGradient(model: Model, X: Float64Array, y: Int32Array, n: number): { g: ReturnType<typeof createGradients>; loss: number } {
  const ws = createWorkspace(model.k, model.steps, model.classes, n);
  ws.P[0].set(X);
  forward(model, ws, n, true);
  const out = { loss: 0, correct: 0 };
  softmaxCrossEntropy(ws, model.classes, n, y, 0, 1 / n, out);
  const g = createGradients(model);
  backward(model, ws, n, g);
  return { g, loss: out.loss };
}

function meanLoss(model: Model, X: Float64Array, y: Int32Array, n: number): number {
  return plainGradient(model, X, y, n).loss / n;
}

test("the chunked batch gradient is the chunk-by-chunk sum of the plain adjoint, equals the unchunked adjoint to rounding and central finite differences of the mean loss", () => {
  const { model, X, y, n } = setup();
  assert.equal(chunkPlan(n).count, 8);
  const ws = createWorkspace(model.k, model.steps, model.classes, CHUNK_SIZE, { engine: true, batchCapacity: n });
  const g = createGradients(model);
  const out = { loss: 0, correct: 0 };
  batchGradients(model, ws, X, n, y, n, g, out, createChunkScratch(model, n));
  // The definition, step by step: each chunk's gradient by the plain adjoint (scale 1/nb), added in chunk order.
  const plan = chunkPlan(n);
  const sum = createGradients(model);
  let lossSum = 0;
  for (let q = 0; q < plan.count; q++) {
    const lo = chunkStart(plan, q), len = chunkStart(plan, q + 1) - lo;
    const cws = createWorkspace(model.k, model.steps, model.classes, len);
    for (let j = 0; j < model.k; j++) cws.P[0].set(X.subarray(j * n + lo, j * n + lo + len), j * len);
    forward(model, cws, len, true);
    const o = { loss: 0, correct: 0 };
    softmaxCrossEntropy(cws, model.classes, len, y, lo, 1 / n, o);
    const gq = createGradients(model);
    backward(model, cws, len, gq);
    for (const key of ["A", "B", "W", "c"] as const) for (let e = 0; e < gq[key].length; e++) sum[key][e] = q === 0 ? gq[key][e] : sum[key][e] + gq[key][e];
    lossSum = q === 0 ? o.loss : lossSum + o.loss;
  }
  assert.ok(Object.is(out.loss, lossSum), `loss ${out.loss} vs ${lossSum}`);
  for (const key of ["A", "B", "W", "c"] as const) {
    for (let e = 0; e < sum[key].length; e++) assert.ok(Object.is(g[key][e], sum[key][e]), `${key}[${e}]: ${g[key][e]} vs chunk sum ${sum[key][e]}`);
  }
  const plain = plainGradient(model, X, y, n);
  assert.ok(Math.abs(out.loss - plain.loss) <= 1e-12 * plain.loss, `loss ${out.loss} vs ${plain.loss}`);
  for (const key of ["A", "B", "W", "c"] as const) {
    const a = g[key], b = plain.g[key];
    for (let e = 0; e < a.length; e++) assert.ok(Math.abs(a[e] - b[e]) <= 1e-13 + 1e-12 * Math.abs(b[e]), `${key}[${e}]: ${a[e]} vs ${b[e]}`);
  }
  // Central differences on a few entries of each parameter array.
  for (const key of ["A", "B", "W", "c"] as const) {
    const theta = model[key];
    for (const e of [0, Math.floor(theta.length / 2), theta.length - 1]) {
      const h = 1e-6 * Math.max(1, Math.abs(theta[e]));
      const keep = theta[e];
      theta[e] = keep + h;
      const up = meanLoss(model, X, y, n);
      theta[e] = keep - h;
      const down = meanLoss(model, X, y, n);
      theta[e] = keep;
      const fd = (up - down) / (2 * h);
      assert.ok(Math.abs(fd - g[key][e]) <= 1e-6 * Math.max(1, Math.abs(fd)), `${key}[${e}]: adjoint ${g[key][e]}, finite difference ${fd}`);
    }
  }
});

/** eq. 4 behind a plain object: not an Eq4Curve, so training takes the general TypeScript path. */
function opaque(d: DeviceCurve): DeviceCurve {
  return {
    model: d.model, polarity: d.polarity, currentScale: d.currentScale, currentUnit: d.currentUnit, powerUnit: d.powerUnit,
    power: (I) => d.power(I), derivative: (I) => d.derivative(I),
    evaluate: (I, p, dp, s, e) => d.evaluate(I, p, dp, s, e), toSpec: () => d.toSpec(),
  };
}

test("the engine's one-call chunked batch and the chunk-by-chunk TypeScript path train to the same bits", () => {
  const tr = stratifiedSplit(makeSpiral({ count: 1000 }), 0).train;
  const run = (device: DeviceCurve, batchSize: number): Model => {
    const model = createModel(tr.d, 3, 2, device);
    model.normalization = fitNormalization(tr);
    const r = new TrainingRun(model, tr, resolveTrainOptions({ steps: 3, epochs: 4, batchSize, lr: 0.02, seed: 2, evalEvery: 100 }), 2, undefined);
    for (let e = 0; e < 4; e++) r.epoch();
    return r.model;
  };
  // Full batch (8 chunks), a 300-sample minibatch (4 chunks, shuffled rows) and 64 (one chunk).
  for (const batch of [0, 300, 64]) {
    const a = run(eq4(), batch), b = run(opaque(eq4()), batch);
    for (const key of ["A", "B", "W", "c"] as const) {
      for (let e = 0; e < a[key].length; e++) assert.ok(Object.is(a[key][e], b[key][e]), `batch ${batch}, ${key}[${e}]: ${a[key][e]} vs ${b[key][e]}`);
    }
  }
});
