// The regression problem type: its loss in the specification (src/network/spec.ts) and every path
// that computes it (the TypeScript loops of dynamics.ts with and without the in-place WebAssembly
// engine, the chunked batch of training), its gradient against central finite differences, the
// engines that cannot run it (refused and reported), the model file and the data sets.
import { test } from "node:test";
import assert from "node:assert/strict";
import { squaredErrorSpec, forwardSpec } from "../../src/network/spec.js";
import { createWorkspace, forward, squaredError, backward, loadInputs, engineReady } from "../../src/network/dynamics.js";
import { batchGradients, createChunkScratch, CHUNK_SIZE } from "../../src/train/chunks.js";
import { createGradients, createModel, type Model } from "../../src/network/model.js";
import { lossAndGradients, evaluateRegression, evaluateRegressionArrays, predictValues, regressionScores, evaluate, runForward } from "../../src/network/api.js";
import { train, TrainingRun, resolveTrainOptions, fitTargetScale } from "../../src/train/train.js";
import { makePlane, makeMultiGaussian } from "../../src/data/synthetic.js";
import { stratifiedSplit } from "../../src/data/split.js";
import { parseCsvDataset } from "../../src/data/csv.js";
import { stringifyModel, parseModel, modelToJson } from "../../src/network/io.js";
import { nativeFactory } from "../../src/node/native-engine.js";
import { eq3, eq4 } from "../../src/device/analytic.js";
import { checkpointToJson, parseCheckpointJson, restoreTrainingRun, stringifyCheckpoint, fingerprintData } from "../../src/train/checkpoint.js";
import { Rng } from "../../src/util/rng.js";
import { InputError } from "../../src/util/errors.js";
import { randomEq4Model } from "../helpers/random-model.js";

/** A regression model: random parameters, m outputs, a target standardisation that is not the identity. */
function regressionModel(k: number, steps: number, m: number, rng: Rng, devices?: Model["devices"]): Model {
  const model = devices ? createModel(k, steps, m, devices) : randomEq4Model(k, steps, m, rng);
  if (devices) {
    for (let q = 0; q < model.A.length; q++) model.A[q] = (0.4 * rng.normal()) / Math.sqrt(k);
    for (let q = 0; q < model.B.length; q++) model.B[q] = 1.35 + 0.1 * rng.normal();
    for (let q = 0; q < model.W.length; q++) model.W[q] = rng.normal();
    for (let q = 0; q < model.c.length; q++) model.c[q] = 0.3 * rng.normal();
  }
  model.problem = "regression";
  model.targetScale = { mean: Float64Array.from({ length: m }, (_, o) => 3 - o), std: Float64Array.from({ length: m }, (_, o) => 0.5 + o) };
  model.targetNames = Array.from({ length: m }, (_, o) => `t${o}`);
  return model;
}

test("squaredErrorSpec: ½·Σ(z − y)² and its gradient z − y", () => {
  const r = squaredErrorSpec([0.5, -1, 2], [0, 1, 2]);
  assert.equal(r.loss, 0.5 * (0.25 + 4 + 0));
  assert.deepEqual(Array.from(r.grad), [0.5, -2, 0]);
});

test("squaredError in dynamics.ts (TypeScript and in-place WebAssembly workspace) agrees with the specification, and the adjoint from it with the loss's finite differences", () => {
  const rng = new Rng(7);
  for (const [k, steps, m, n] of [[3, 2, 1, 17], [5, 3, 2, 9], [2, 4, 3, 1]] as const) {
    const model = regressionModel(k, steps, m, rng);
    const p0 = new Float64Array(k * n).map(() => rng.uniform());
    const t = new Float64Array(n * m).map(() => rng.normal());
    const spec = forwardSpec(model, p0, n);
    let specLoss = 0;
    const specG = new Float64Array(m * n);
    for (let s = 0; s < n; s++) {
      const z = Array.from({ length: m }, (_, o) => spec.logits[o * n + s]);
      const r = squaredErrorSpec(z, Array.from({ length: m }, (_, o) => t[s * m + o]));
      specLoss += r.loss;
      for (let o = 0; o < m; o++) specG[o * n + s] = r.grad[o] / n;
    }
    for (const engine of [false, true]) {
      const ws = createWorkspace(k, steps, m, n, { engine });
      if (engine) assert.ok(engineReady(model, ws), "the WebAssembly workspace runs eq. 4 networks");
      ws.P[0].set(p0);
      forward(model, ws, n, true);
      const out = { loss: 0, correct: 0 };
      squaredError(ws, m, n, t, 0, 1 / n, out);
      assert.ok(Math.abs(out.loss - specLoss) <= 1e-12 * Math.max(1, specLoss), `loss ${out.loss} vs spec ${specLoss} (engine ${engine})`);
      assert.equal(out.correct, 0);
      for (let o = 0; o < m; o++) for (let s = 0; s < n; s++) assert.ok(Math.abs(ws.logits[o * n + s] - specG[o * n + s]) <= 1e-12, `gradient ${o},${s}`);
    }
  }
});

/** Mean loss of (x, t) and the worst relative error of the adjoint's gradient against central differences. */
function fdWorst(model: Model, x: number[][], t: number[]): number {
  const { gradients } = lossAndGradients(model, x, t);
  const analytic = [gradients.A.flat(2), gradients.B.flat(), gradients.W.flat(), gradients.c];
  const params = [model.A, model.B, model.W, model.c];
  let worst = 0;
  for (let q = 0; q < params.length; q++) {
    const p = params[q];
    for (let e = 0; e < p.length; e++) {
      const orig = p[e];
      const h = 1e-5 * Math.max(1, Math.abs(orig));
      p[e] = orig + h;
      const lp = lossAndGradients(model, x, t).loss;
      p[e] = orig - h;
      const lm = lossAndGradients(model, x, t).loss;
      p[e] = orig;
      const fd = (lp - lm) / (2 * h);
      const an = analytic[q][e];
      worst = Math.max(worst, Math.abs(an - fd) / Math.max(1e-4, Math.abs(an) + Math.abs(fd)));
    }
  }
  return worst;
}

test("regression gradients (lossAndGradients of a regression model) match central finite differences: eq. 4 (WebAssembly path) and eq. 3 (TypeScript path), one and several outputs", () => {
  const rng = new Rng(2026);
  for (const [k, steps, m, devices] of [[3, 2, 1, undefined], [4, 3, 2, undefined], [3, 2, 2, new Array(3).fill(eq3())]] as const) {
    const model = regressionModel(k, steps, m, rng, devices as Model["devices"] | undefined);
    const n = 7;
    const x = Array.from({ length: n }, () => Array.from({ length: k }, () => rng.uniform()));
    const t = Array.from({ length: n * m }, () => 3 + rng.normal());
    const worst = fdWorst(model, x, t);
    assert.ok(worst <= 1e-6, `k=${k} steps=${steps} m=${m}: worst relative error ${worst}`);
  }
});

test("the loss of lossAndGradients is ½·mean Σ(z − ỹ)² of the standardised targets, and predictValues gives mean + std·z", () => {
  const rng = new Rng(3);
  const model = regressionModel(3, 2, 2, rng);
  const x = [[0.1, 0.5, 0.9], [0.7, 0.2, 0.3]];
  const z = runForward(model, x).logits;
  const t = [1, 2, 3, -4];
  const sc = model.targetScale!;
  let want = 0;
  for (let r = 0; r < 2; r++) for (let o = 0; o < 2; o++) want += 0.5 * (z[r * 2 + o] - (t[r * 2 + o] - sc.mean[o]) / sc.std[o]) ** 2;
  assert.ok(Math.abs(lossAndGradients(model, x, t).loss - want / 2) < 1e-14);
  const p = predictValues(model, x);
  for (let e = 0; e < 4; e++) assert.equal(p[e], sc.mean[e % 2] + sc.std[e % 2] * z[e]);
  assert.throws(() => lossAndGradients(model, x, [1, 2, 3]), /labels has 3 entries, expected 4 \(2 real targets per input row\)/);
});

test("the chunked batch gradient of training (several chunks) equals the whole batch's adjoint to rounding; the WebAssembly workspace and the TypeScript one give the same bits", () => {
  const rng = new Rng(11);
  const k = 4, steps = 2, m = 1, nb = 2 * CHUNK_SIZE + 37;
  const model = regressionModel(k, steps, m, rng);
  const X = new Float64Array(k * nb).map(() => rng.uniform());
  const t = new Float64Array(nb * m).map(() => rng.normal());
  const y = new Int32Array(nb);
  const results = [false, true].map((engine) => {
    const ws = createWorkspace(k, steps, m, CHUNK_SIZE, { engine });
    const g = createGradients(model);
    const out = { loss: 0, correct: 0 };
    batchGradients(model, ws, X, nb, y, nb, g, out, createChunkScratch(model, nb), t);
    return { g, loss: out.loss };
  });
  assert.deepEqual(results[0], results[1], "same bits with and without the in-place engine");
  const whole = createWorkspace(k, steps, m, nb);
  whole.P[0].set(X);
  forward(model, whole, nb, true);
  const out = { loss: 0, correct: 0 };
  squaredError(whole, m, nb, t, 0, 1 / nb, out);
  const g = createGradients(model);
  backward(model, whole, nb, g);
  assert.ok(Math.abs(out.loss - results[0].loss) <= 1e-12 * out.loss);
  for (const key of ["A", "B", "W", "c"] as const) {
    for (let e = 0; e < g[key].length; e++) assert.ok(Math.abs(g[key][e] - results[0].g[key][e]) <= 1e-12 * Math.max(1, Math.abs(g[key][e])), `${key}[${e}]`);
  }
});

test("training a regression: the native engine and float32 are refused cleanly (the run falls back and says so); same bits as without the native engine", () => {
  const ds = makePlane({ count: 120, seed: 1 });
  const sp = stratifiedSplit(ds, 0, 0.25);
  const native = nativeFactory(1);
  const opts = { devices: eq4(), epochs: 30, restarts: 2, seed: 4, test: sp.test };
  const a = train(sp.train, opts);
  const b = train(sp.train, { ...opts, engine: native });
  assert.match(a.engine, /^wasm64 forward and adjoint, squared error in TypeScript$/);
  if (native !== null) assert.match(b.engine, /native not used: its batch call fuses the softmax loss only/);
  assert.deepEqual(Array.from(a.model.W), Array.from(b.model.W));
  assert.deepEqual(Array.from(a.model.A), Array.from(b.model.A));
  assert.throws(() => train(sp.train, { ...opts, precision: "float32" }), (e: unknown) => e instanceof InputError && /float32 has no regression loss/.test(e.message));
  const h = a.history[a.history.length - 1];
  assert.ok(Number.isFinite(h.trainMse) && Number.isFinite(h.testMse), "the epochs report MSE");
  const ev = evaluateRegression(a.model, sp.test);
  assert.equal(ev.mse, h.testMse);
  assert.equal(ev.r2, h.testAccuracy, "a regression's accuracy slot holds R²");
  assert.throws(() => evaluate(a.model, sp.test), /regression model; evaluate it with evaluateRegression/);
});

test("training learns the plane and the multi-Gaussian sets (test R² > 0.95 and > 0.7 with the automatic budget)", () => {
  for (const [mk, min] of [[makePlane, 0.95], [makeMultiGaussian, 0.7]] as const) {
    const ds = mk({ count: 400, seed: 2 });
    const sp = stratifiedSplit(ds, 0, 0.25);
    const r = train(sp.train, { devices: eq4(), seed: 0, updates: 1500 });
    const ev = evaluateRegression(r.model, sp.test);
    assert.ok(ev.r2 > min, `test R² ${ev.r2}`);
    // The mean predictor scores R² = 0 on its own data: the network beats it by far.
    assert.ok(ev.mse < 0.3 * regressionScores(new Float64Array(sp.test.n).fill(fitTargetScale(sp.test).mean[0]), sp.test.targets!, sp.test.n, 1).mse + 1e-12);
  }
});

test("regressionScores: MSE and R² as scikit-learn's mean_squared_error and r2_score (uniform average; a constant target scores 1 if exact, else 0)", () => {
  const { mse, r2 } = regressionScores([2.5, 0.0, 2, 8], [3, -0.5, 2, 7], 4, 1);
  assert.ok(Math.abs(mse - 0.375) < 1e-15);
  assert.ok(Math.abs(r2 - 0.9486081370449679) < 1e-15);
  // Two outputs: r2_score([[0.5, 1], [-1, 1], [7, -6]], [[0, 2], [-1, 2], [8, -5]]) = 0.9368005266622779 (uniform_average).
  const two = regressionScores([0, 2, -1, 2, 8, -5], [0.5, 1, -1, 1, 7, -6], 3, 2);
  assert.ok(Math.abs(two.r2 - 0.9368005266622779) < 1e-12, String(two.r2));
  assert.equal(regressionScores([1, 1], [1, 1], 2, 1).r2, 1);
  assert.equal(regressionScores([1, 2], [1, 1], 2, 1).r2, 0);
});

test("the plane and multi-Gaussian generators follow TensorFlow Playground's definitions, scaled to [−1, 1]²", () => {
  const p = makePlane({ count: 200, seed: 5 });
  assert.equal(p.targets!.length, 200);
  for (let r = 0; r < p.n; r++) assert.ok(Math.abs(p.targets![r] - 0.6 * (p.x[2 * r] + p.x[2 * r + 1])) < 1e-15);
  const g = makeMultiGaussian({ count: 500, seed: 5 });
  let zero = 0;
  for (let r = 0; r < g.n; r++) {
    const v = g.targets![r];
    assert.ok(v >= -1 && v <= 1);
    if (v === 0) zero++;
  }
  assert.ok(zero > 50 && zero < 450, "flat between the bumps");
  // The bump at (0, 2.5/6) is negative, the one at (−4/6, 2.5/6) positive; the centre of a bump scores ±1.
  const near = makeMultiGaussian({ count: 4000, seed: 1 });
  for (let r = 0; r < near.n; r++) {
    const x = near.x[2 * r], y = near.x[2 * r + 1];
    if (Math.hypot(x, y - 2.5 / 6) < 0.05) assert.ok(near.targets![r] < -0.8);
    if (Math.hypot(x + 4 / 6, y - 2.5 / 6) < 0.05) assert.ok(near.targets![r] > 0.8);
  }
  assert.deepEqual(makePlane({ count: 50, seed: 9, noise: 0.2 }), makePlane({ count: 50, seed: 9, noise: 0.2 }), "seeded");
  assert.notDeepEqual(makePlane({ count: 50, seed: 9, noise: 0.2 }).targets, makePlane({ count: 50, seed: 9 }).targets, "noise moves the targets");
});

test("CSV with problem regression: the label column as real targets; a non-numeric target is refused naming row and column", () => {
  const ds = parseCsvDataset("a,b,price\n1,2,3.5\n2,3,-1e3\n4,5,7\n", { file: "h.csv", problem: "regression" });
  assert.deepEqual(Array.from(ds.targets!), [3.5, -1000, 7]);
  assert.deepEqual(ds.targetNames, ["price"]);
  assert.deepEqual(ds.featureNames, ["a", "b"]);
  assert.deepEqual(ds.classNames, []);
  assert.throws(() => parseCsvDataset("a,b,price\n1,2,3.5\n2,3,abc\n", { file: "h.csv", problem: "regression" }), /h\.csv: row 3, column 3 \("price"\): the target of a regression must be a number: expected a number \(got "abc"\)/);
  assert.throws(() => parseCsvDataset("a,b,price\n1,2,nan\n2,3,1\n", { file: "h.csv", problem: "regression" }), /row 2, column 3 .*NaN is not allowed/);
});

test("the model file of a regression (version 3): problem, outputs and targets; a save/load round trip is exact; version 1 and 2 files load as classifiers; malformed files are refused by field", () => {
  const rng = new Rng(1);
  const model = regressionModel(3, 2, 2, rng);
  const text = stringifyModel(model);
  const json = JSON.parse(text);
  assert.equal(json.version, 3);
  assert.equal(json.problem, "regression");
  assert.equal(json.outputs, 2);
  assert.equal(json.classes, undefined);
  assert.deepEqual(json.targets, { names: ["t0", "t1"], mean: [3, 2], std: [0.5, 1.5] });
  const back = parseModel(text, "m.json");
  assert.equal(back.problem, "regression");
  assert.equal(stringifyModel(back), text);
  const x = [[0.2, 0.4, 0.6]];
  assert.deepEqual(predictValues(back, x), predictValues(model, x));
  // A classifier written today, read back as version 2 and 1: classifiers.
  const cls = randomEq4Model(2, 1, 2, rng);
  for (const version of [1, 2]) {
    const j = { ...modelToJson(cls), version };
    const m = parseModel(JSON.stringify(j), "old.json");
    assert.equal(m.problem, undefined);
    assert.equal(m.classes, 2);
  }
  const bad = (patch: Record<string, unknown>, re: RegExp): void => {
    const j: Record<string, unknown> = { ...json, ...patch };
    for (const [key, v] of Object.entries(patch)) if (v === undefined) delete j[key];
    assert.throws(() => parseModel(JSON.stringify(j), "r.json"), (e: unknown) => e instanceof InputError && re.test(e.message), JSON.stringify(patch));
  };
  bad({ targets: undefined }, /r\.json: missing field targets/);
  bad({ outputs: undefined }, /r\.json: missing field outputs/);
  bad({ classes: 2 }, /r\.json: classes is for classifiers/);
  bad({ version: 2 }, /r\.json: problem needs model version 3 or later/);
  bad({ targets: { names: ["a", "b"], mean: [0, 0], std: [1, 0] } }, /r\.json: targets\.std\[1\]: expected a finite number > 0/);
  bad({ targets: { names: ["a"], mean: [0, 0], std: [1, 1] } }, /r\.json: targets\.names has 1 entry, expected outputs = 2/);
  bad({ problem: undefined }, /r\.json: missing field classes/);
});

test("a regression set: data-dependent checks before training (constant or non-finite targets) and a seeded random split", () => {
  const ds = makePlane({ count: 40, seed: 0 });
  const constant = { ...ds, targets: new Float64Array(40).fill(2) };
  assert.throws(() => train(constant, { devices: eq4(), epochs: 1 }), /target value has the same value \(2\) on every row; there is nothing to learn/);
  const nan = { ...ds, targets: ds.targets!.slice() };
  nan.targets[5] = NaN;
  assert.throws(() => train(nan, { devices: eq4(), epochs: 1 }), /training data row 6: target value is not a finite number/);
  const a = stratifiedSplit(ds, 3, 0.25), b = stratifiedSplit(ds, 3, 0.25);
  assert.equal(a.test.n, 10);
  assert.deepEqual(a.testRows, b.testRows);
  for (let r = 0; r < a.test.n; r++) assert.equal(a.test.targets![r], ds.targets![a.testRows[r]]);
  // The TrainingRun refuses a regression model on class labels.
  const model = regressionModel(2, 1, 1, new Rng(0));
  const cls = { ...ds, targets: undefined, targetNames: undefined };
  assert.throws(() => new TrainingRun(model, cls, resolveTrainOptions({ epochs: 1 }), 0, undefined), /needs a data set with real targets/);
  // evaluateRegressionArrays on raw inputs uses the model's normalisation like training does.
  model.normalization = { min: Float64Array.of(-1, -1), max: Float64Array.of(1, 1) };
  const ev = evaluateRegressionArrays(model, ds.x, ds.targets!, ds.n);
  const ws = createWorkspace(2, 1, 1, ds.n);
  loadInputs(model, ws, ds.x, null, 0, ds.n);
  forward(model, ws, ds.n, false);
  assert.equal(ev.predictions[3], model.targetScale!.mean[0] + model.targetScale!.std[0] * ws.logits[3]);
});

test("a regression run restored from a checkpoint's JSON text finishes bit-identical to an uninterrupted run, its MSE history included; other targets are other data", () => {
  const sp = stratifiedSplit(makeMultiGaussian({ count: 150, seed: 4 }), 0, 0.25);
  const base = { steps: 3, epochs: 10, batchSize: 32, lr: 0.02, restarts: 2, restartEpochs: 2, seed: 3 };
  let text = "";
  const go = (extra: Record<string, unknown> = {}) =>
    train(sp.train, {
      ...base,
      devices: eq4(),
      test: sp.test,
      ...extra,
      onProgress: (r, selection) => {
        if (r.epochsDone === 6 && extra.resume === undefined) text = stringifyCheckpoint(checkpointToJson(r, selection, fingerprintData(sp.train, sp.test)));
      },
    });
  const full = go();
  const ckpt = parseCheckpointJson(JSON.parse(text), "ck.json");
  const resumed = go({ resume: restoreTrainingRun(ckpt, "ck.json", sp.train, sp.test, resolveTrainOptions(base), eq4()) });
  assert.deepEqual(Array.from(resumed.model.W), Array.from(full.model.W));
  assert.deepEqual(Array.from(resumed.model.A), Array.from(full.model.A));
  const strip = (h: typeof full.history) => h.map(({ seconds: _s, ...m }) => m);
  assert.deepEqual(strip(resumed.history), strip(full.history));
  assert.ok(resumed.history.every((m) => Number.isFinite(m.trainMse)), "the restored history keeps its MSE");
  const other = { ...sp.train, targets: sp.train.targets!.map((v) => v + 1) };
  assert.throws(() => restoreTrainingRun(ckpt, "ck.json", other, sp.test, resolveTrainOptions(base), eq4()), /made on other data/);
});
