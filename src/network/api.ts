/**
 * Checked, allocating wrappers around the dynamics kernels: the functions a library user calls.
 */
import type { Model } from "./model.js";
import { createGradients, inputCount, columnCount, extraInput, isRegressionModel } from "./model.js";
import type { Dataset } from "../data/dataset.js";
import { createWorkspace, loadInputs, gatherModelInputs, writeEngineDevices, forward as forwardKernel, softmaxCrossEntropy, squaredError, backward, type Workspace, argmaxColumn, engineReady, tableKernelSize } from "./dynamics.js";
import type { EngineKind, InferenceEngine } from "./engine.js";
import { InputError } from "../util/errors.js";
import { alignFeatures, alignToModel } from "./align.js";

/** Result of {@link runForward}. */
export interface ForwardResult {
  /** p(t) for t = 0..n, layout [t][sample][oscillator]: `p[(t*N + r)*k + j]`. */
  p: Float64Array;
  /** Injected currents I(t) = polarity·u² for t = 0..n−1, layout [t][sample][oscillator]. */
  currents: Float64Array;
  /** Readout logits, layout [sample][class]. */
  logits: Float64Array;
  /** Number of samples N. */
  n: number;
}

function rowsOf(inputs: Float64Array | ArrayLike<ArrayLike<number>>, k: number, what: string): { x: Float64Array; n: number } {
  if (inputs instanceof Float64Array) {
    if (inputs.length % k !== 0) throw new InputError(`${what} has ${inputs.length} values, not a multiple of the ${k} input features`);
    return { x: inputs, n: inputs.length / k };
  }
  const n = inputs.length;
  const x = new Float64Array(n * k);
  for (let r = 0; r < n; r++) {
    const row = inputs[r];
    if (row.length !== k) throw new InputError(`${what}[${r}] has ${row.length} values, expected ${k} (one per input feature)`);
    for (let j = 0; j < k; j++) {
      const v = row[j];
      if (!Number.isFinite(v)) throw new InputError(`${what}[${r}][${j}] must be a finite number (got ${v})`);
      x[r * k + j] = v;
    }
  }
  return { x, n };
}

/** Iterates over a sample matrix in chunks that fit one workspace. */
function chunks(n: number, cap: number, fn: (start: number, nb: number) => void): void {
  for (let start = 0; start < n; start += cap) fn(start, Math.min(cap, n - start));
}

/**
 * Runs the network on raw inputs (normalised with the model's normalisation, if any) and returns
 * every intermediate state, the injected currents and the logits.
 * @param inputs N rows of raw features (`columnCount(model)` each: through the model's feature map, if any; row-major Float64Array or nested arrays).
 */
export function runForward(model: Model, inputs: Float64Array | ArrayLike<ArrayLike<number>>): ForwardResult {
  const { k, steps, classes } = model;
  const { x, n } = rowsOf(inputs, columnCount(model), "inputs");
  const cap = Math.max(1, Math.min(n, 256));
  const ws = createWorkspace(k, steps, classes, cap);
  const p = new Float64Array((steps + 1) * n * k);
  const currents = new Float64Array(steps * n * k);
  const logits = new Float64Array(n * classes);
  chunks(n, cap, (start, nb) => {
    loadInputs(model, ws, x, null, start, nb);
    forwardKernel(model, ws, nb, false);
    for (let t = 0; t <= steps; t++) {
      const Pt = ws.P[t];
      for (let b = 0; b < nb; b++) for (let j = 0; j < k; j++) p[(t * n + start + b) * k + j] = Pt[j * cap + b];
      if (t < steps) {
        const Ut = ws.U[t];
        for (let b = 0; b < nb; b++) {
          for (let j = 0; j < k; j++) {
            const u = Ut[j * cap + b];
            currents[(t * n + start + b) * k + j] = model.devices[j].polarity * u * u;
          }
        }
      }
    }
    for (let b = 0; b < nb; b++) for (let c = 0; c < classes; c++) logits[(start + b) * classes + c] = ws.logits[c * cap + b];
  });
  return { p, currents, logits, n };
}

/** Accuracy, mean loss, predictions and confusion matrix of a model on a data set. */
export interface Evaluation {
  /** Mean softmax cross-entropy (natural log). */
  loss: number;
  /** Fraction of samples whose argmax logit is the label, in [0, 1]. */
  accuracy: number;
  /** Number of samples. */
  n: number;
  /** Predicted class per sample. */
  predictions: Int32Array;
  /** confusion[true*classes + predicted] counts. */
  confusion: Int32Array;
  /**
   * The engine that computed them: "native" (the inference engine given, in windows of its `ldx`
   * samples), "wasm64" (the WebAssembly engine, where no engine was given or it cannot run the
   * model) or "reference" (the TypeScript loops of dynamics.ts: a workspace without an engine was
   * given, the runtime lacks WebAssembly SIMD, or a device has no kernel there). The same bits on
   * each, as {@link Prediction.engine}.
   */
  engine: EngineKind;
}

/**
 * Evaluates a model on raw features with labels: on `engine` when one is given that can run the
 * model (its shape, windows of a multiple of 512 samples or all of them, every device has a kernel
 * in it; the native engine's inference); else on `ws` if given (capacity any; its engine, if it has
 * one, else the TypeScript loops); else on the WebAssembly engine, chunk by chunk (the TypeScript
 * loops where the runtime lacks it or a device has no kernel there), as {@link predictLogits}
 * falls back. Every path gives the same bits; {@link Evaluation.engine} names the one that ran.
 */
export function evaluateArrays(model: Model, x: Float64Array, y: Int32Array, n: number, ws?: Workspace, engine?: InferenceEngine | null): Evaluation {
  const { k, steps, classes } = model;
  // The engine sums losses in chunks of min(n, 512) samples, as the default workspace does.
  const fits = engine && engine.k === k && engine.steps === steps && engine.classes === classes && engine.cap >= Math.min(n, EVAL_CHUNK) && (engine.ldx >= n || engine.ldx % EVAL_CHUNK === 0);
  if (engine && fits && ws === undefined && writeEngineDevices(model, engine)) return evaluateOnEngine(model, x, y, n, engine);
  const work = ws ?? createWorkspace(k, steps, classes, Math.max(1, Math.min(n, EVAL_CHUNK)), { engine: true, tables: tableKernelSize(model.devices) });
  const kind: EngineKind = engineReady(model, work) ? "wasm64" : "reference";
  const cap = work.capacity;
  const predictions = new Int32Array(n);
  const confusion = new Int32Array(classes * classes);
  const acc = { loss: 0, correct: 0 };
  let loss = 0, correct = 0;
  chunks(n, cap, (start, nb) => {
    loadInputs(model, work, x, null, start, nb);
    forwardKernel(model, work, nb, false);
    for (let b = 0; b < nb; b++) {
      const best = argmaxColumn(work.logits, cap, classes, b);
      predictions[start + b] = best;
      confusion[y[start + b] * classes + best]++;
    }
    softmaxCrossEntropy(work, classes, nb, y, start, 1, acc);
    loss += acc.loss;
    correct += acc.correct;
  });
  return { loss: loss / n, accuracy: correct / n, n, predictions, confusion, engine: kind };
}

/** Samples per chunk of {@link evaluateArrays}' default workspace (the loss is summed chunk by chunk). */
const EVAL_CHUNK = 512;

/**
 * {@link evaluateArrays} on an inference engine (every device has a kernel in it, see `writeEngineDevices`): windows of up to `ldx`
 * samples loaded (normalised) into its input, evaluated in chunks of `cap`; the same bits.
 */
function evaluateOnEngine(model: Model, x: Float64Array, y: Int32Array, n: number, en: InferenceEngine): Evaluation {
  const { classes } = model;
  en.setParams(model.A, model.B, model.W, model.c);
  const predictions = new Int32Array(n);
  const confusion = new Int32Array(classes * classes);
  let loss = 0, correct = 0;
  const chunk = Math.min(n, EVAL_CHUNK);
  for (let w0 = 0; w0 < n; w0 += en.ldx) {
    const wn = Math.min(en.ldx, n - w0);
    loadWindow(model, en, x, w0, wn);
    en.y.set(y.subarray(w0, w0 + wn));
    if (en.evaluateAll) {
      // One call for the window, the same sums as the chunks below.
      en.evaluateAll(0, wn, chunk, loss);
      loss = en.out[0];
      correct += en.out[1];
    } else {
      chunks(wn, chunk, (start, nb) => {
        en.evaluate(start, nb);
        loss += en.out[0];
        correct += en.out[1];
      });
    }
    for (let b = 0; b < wn; b++) {
      const p = en.pred[b];
      predictions[w0 + b] = p;
      confusion[y[w0 + b] * classes + p]++;
    }
  }
  return { loss: loss / n, accuracy: correct / n, n, predictions, confusion, engine: en.kind ?? "native" };
}

/**
 * p(0) of rows [w0, w0 + wn) of the raw inputs `x` into the engine's input X (wn ≤ ldx), through
 * the model's feature map and normalisation: on the engine (`loadInputs`) for plain columns whose
 * normalisation is held in Float64Arrays, else gathered in TypeScript (`gatherModelInputs`).
 */
function loadWindow(model: Model, en: InferenceEngine, x: Float64Array, w0: number, wn: number): void {
  const norm = model.normalization ?? null;
  const engineLoads = en.loadInputs !== undefined && !model.featureMap && (norm === null || (norm.min instanceof Float64Array && norm.max instanceof Float64Array));
  if (engineLoads) en.loadInputs!(x, columnCount(model), inputCount(model), null, w0, wn, norm, extraInput(model));
  else gatherModelInputs(model, en.X, en.ldx, x, null, w0, wn);
}

/** Result of {@link predictLogits}. */
export interface Prediction {
  /** Readout logits z = W·p(n) + c, layout [sample][output]: `logits[r·classes + c]`. */
  logits: Float64Array;
  /** Number of samples N. */
  n: number;
  /**
   * The engine that computed them: "native" (the engine given, in windows of its `ldx` samples),
   * "wasm64" (the WebAssembly engine) or "reference" (the TypeScript loops of dynamics.ts, where
   * the runtime lacks WebAssembly SIMD or a device has no kernel there). The same bits on each.
   */
  engine: EngineKind;
}

/**
 * The readout logits of a network on N rows of raw inputs (through the model's feature map and
 * normalisation), without the states {@link runForward} keeps: what `dynaspin predict` writes from
 * (a classifier's class is the first largest logit, its probabilities their softmax; a regression
 * model's values are `targetScale.mean + targetScale.std·z`, see {@link predictValues}). The
 * ideal network: no hardware effects.
 *
 * Runs on `engine` when one is given that can run the model (its shape, every device has a kernel
 * in it, and it has `InferenceEngine.logitsAll`: the native engine's one call per window of
 * `engine.ldx` samples); otherwise on the WebAssembly engine, chunk by chunk (the TypeScript
 * loops where there is none or a device has no kernel in it). Every path gives the bits of
 * `runForward(model, inputs).logits`.
 * @param inputs N rows of raw features (`columnCount(model)` each; row-major Float64Array or nested arrays).
 * @param engine an inference engine for (k, steps, classes) of the model, e.g. the native
 *   factory's `createInference(k, steps, classes, 512, 4096)` (src/node/native-engine.ts).
 * @throws InputError when a row has the wrong number of values.
 */
export function predictLogits(model: Model, inputs: Float64Array | ArrayLike<ArrayLike<number>>, engine?: InferenceEngine | null): Prediction {
  const { k, steps, classes } = model;
  const { x, n } = rowsOf(inputs, columnCount(model), "inputs");
  const logits = new Float64Array(n * classes);
  if (n === 0) return { logits, n, engine: "reference" };
  const en = engine ?? null;
  if (en !== null && en.logitsAll !== undefined && en.k === k && en.steps === steps && en.classes === classes && en.ldx >= 1 && writeEngineDevices(model, en)) {
    en.setParams(model.A, model.B, model.W, model.c);
    for (let w0 = 0; w0 < n; w0 += en.ldx) {
      const wn = Math.min(en.ldx, n - w0);
      loadWindow(model, en, x, w0, wn);
      en.logitsAll(0, wn, logits.subarray(w0 * classes, (w0 + wn) * classes));
    }
    return { logits, n, engine: en.kind ?? "native" };
  }
  const cap = Math.max(1, Math.min(n, EVAL_CHUNK));
  const ws = createWorkspace(k, steps, classes, cap, { engine: true, tables: tableKernelSize(model.devices) });
  const kind: EngineKind = engineReady(model, ws) ? "wasm64" : "reference";
  chunks(n, cap, (start, nb) => {
    loadInputs(model, ws, x, null, start, nb);
    forwardKernel(model, ws, nb, false);
    const L = ws.logits;
    for (let c = 0; c < classes; c++) for (let b = 0; b < nb; b++) logits[(start + b) * classes + c] = L[c * cap + b];
  });
  return { logits, n, engine: kind };
}

/**
 * Evaluates a model on a data set (raw features; the model's normalisation is applied). The data
 * are read as the model reads them: feature columns matched to `model.featureNames` by name (a
 * data set with the columns in another order gives the same result) and labels to
 * `model.classNames` by name (a held-out file with fewer classes, whose `classNames` number them
 * differently, is scored against the right classes); data or models without names are read by
 * position and class index.
 * @throws InputError if the data set's features or classes do not match the model (a missing or
 *   extra column, a class the model does not know), naming them.
 */
export function evaluate(model: Model, ds: Dataset, engine?: InferenceEngine | null): Evaluation {
  if (isRegressionModel(model)) throw new InputError(`the model is a regression model; evaluate it with evaluateRegression (MSE, R²), not on class labels`);
  if (ds.d !== columnCount(model)) throw new InputError(`data has ${ds.d} features but the model reads ${columnCount(model)}${model.featureMap ? ` columns (its feature map: ${model.featureMap.expressions.join(", ")})` : ""} (k = ${model.k} oscillators)`);
  ds = alignToModel(ds, model, "data");
  for (let r = 0; r < ds.n; r++) {
    if (ds.y[r] < 0 || ds.y[r] >= model.classes) {
      throw new InputError(`data row ${r + 1}: class index ${ds.y[r]} is outside the model's ${model.classes} classes`);
    }
  }
  return evaluateArrays(model, ds.x, ds.y, ds.n, undefined, engine);
}

/** Errors and predictions of a regression model on a data set (targets in their own units). */
export interface RegressionEvaluation {
  /** Mean training loss: ½·Σ_o (z_o − ỹ_o)² of the standardised targets, averaged over the samples. */
  loss: number;
  /** Mean squared error (ŷ − y)² over samples and outputs, in the targets' units squared. */
  mse: number;
  /**
   * Coefficient of determination 1 − Σ(ŷ − y)²/Σ(y − ȳ)² (ȳ: the mean of these targets), averaged
   * over the outputs; an output whose targets are all equal scores 1 if predicted exactly, else 0
   * (scikit-learn's `r2_score`). 1 is perfect, 0 is no better than predicting the mean.
   */
  r2: number;
  /** Number of samples. */
  n: number;
  /** Predicted values, n×m row-major (sample r, output o at `r·m + o`), in the targets' units. */
  predictions: Float64Array;
  /**
   * The engine that computed the network's outputs, as {@link Evaluation.engine}: "native" (the
   * inference engine given), "wasm64" (the WebAssembly engine) or "reference" (the TypeScript loops).
   * The same bits on each.
   */
  engine: EngineKind;
}

/**
 * Evaluates a regression model on raw features `x` (n rows) with targets `t` (n×m row-major, the
 * targets' own units): on `ws` if given (capacity any; its engine, if it has one, else the
 * TypeScript loops); else the outputs come from {@link predictLogits} — on `engine` when it can run
 * the model (the native engine's inference), else on WebAssembly — and the loss is summed in the
 * same chunks of 512 samples. Every path gives the same bits; `engine` in the result names the one
 * that ran.
 */
export function evaluateRegressionArrays(model: Model, x: Float64Array, t: Float64Array, n: number, ws?: Workspace, engine?: InferenceEngine | null): RegressionEvaluation {
  const { k, steps, classes: m } = model;
  const scaleOf = model.targetScale;
  if (ws === undefined) {
    const r = predictLogits(model, x.subarray(0, n * columnCount(model)), engine);
    const L = r.logits, predictions = new Float64Array(n * m);
    let loss = 0;
    // squaredError's sums, chunk by chunk as the workspace path below adds them.
    chunks(n, Math.max(1, Math.min(n, EVAL_CHUNK)), (start, nb) => {
      let part = 0;
      for (let b = start; b < start + nb; b++) {
        for (let o = 0; o < m; o++) {
          const mu = scaleOf ? scaleOf.mean[o] : 0, sd = scaleOf ? scaleOf.std[o] : 1;
          const z = L[b * m + o];
          predictions[b * m + o] = mu + sd * z;
          const e = z - (t[b * m + o] - mu) / sd;
          part += 0.5 * e * e;
        }
      }
      loss += part;
    });
    const { mse, r2 } = regressionScores(predictions, t, n, m);
    return { loss: loss / n, mse, r2, n, predictions, engine: r.engine };
  }
  const work = ws;
  const kind: EngineKind = engineReady(model, work) ? "wasm64" : "reference";
  const cap = work.capacity;
  const predictions = new Float64Array(n * m);
  const std = new Float64Array(Math.min(n, cap) * m);
  const acc = { loss: 0, correct: 0 };
  let loss = 0;
  chunks(n, cap, (start, nb) => {
    loadInputs(model, work, x, null, start, nb);
    forwardKernel(model, work, nb, false);
    for (let b = 0; b < nb; b++) {
      for (let o = 0; o < m; o++) {
        const mu = scaleOf ? scaleOf.mean[o] : 0, sd = scaleOf ? scaleOf.std[o] : 1;
        predictions[(start + b) * m + o] = mu + sd * work.logits[o * cap + b];
        std[b * m + o] = (t[(start + b) * m + o] - mu) / sd;
      }
    }
    squaredError(work, m, nb, std, 0, 1, acc);
    loss += acc.loss;
  });
  const { mse, r2 } = regressionScores(predictions, t, n, m);
  return { loss: loss / n, mse, r2, n, predictions, engine: kind };
}

/**
 * Mean squared error and R² (averaged over the m outputs, as in `RegressionEvaluation`) of
 * predictions `p` against targets `t`, both n×m row-major.
 */
export function regressionScores(p: ArrayLike<number>, t: ArrayLike<number>, n: number, m: number): {
  /** Mean squared error over the n rows, averaged over the m outputs (target units squared). */
  mse: number;
  /** Coefficient of determination R² = 1 − SS_res/SS_tot, averaged over the m outputs. */
  r2: number;
} {
  let sse = 0, r2 = 0;
  for (let o = 0; o < m; o++) {
    let mean = 0;
    for (let r = 0; r < n; r++) mean += t[r * m + o];
    mean /= n;
    let res = 0, tot = 0;
    for (let r = 0; r < n; r++) {
      const e = p[r * m + o] - t[r * m + o], d = t[r * m + o] - mean;
      res += e * e;
      tot += d * d;
    }
    sse += res;
    r2 += tot > 0 ? 1 - res / tot : res === 0 ? 1 : 0;
  }
  return { mse: sse / (n * m), r2: r2 / m };
}

/**
 * Evaluates a regression model on a regression data set (raw features and targets).
 * Feature columns are matched to `model.featureNames` by name, as in {@link evaluate}.
 * @throws InputError if the model is not a regression model or the data's features or targets do not match it.
 */
export function evaluateRegression(model: Model, ds: Dataset, engine?: InferenceEngine | null): RegressionEvaluation {
  if (!isRegressionModel(model)) throw new InputError(`the model is a classifier; evaluate it on class labels (evaluate), not on real targets`);
  if (ds.d !== columnCount(model)) throw new InputError(`data has ${ds.d} features but the model reads ${columnCount(model)} (k = ${model.k} oscillators)`);
  ds = alignFeatures(ds, model, "data");
  if (ds.targets === undefined) throw new InputError(`the model is a regression model; the data has class labels, not real targets`);
  const m = ds.targetNames?.length ?? 1;
  if (m !== model.classes) throw new InputError(`data has ${m} targets but the model has ${model.classes} outputs`);
  return evaluateRegressionArrays(model, ds.x, ds.targets, ds.n, undefined, engine);
}

/**
 * The outputs of a regression model on raw inputs, in the targets' units: n×m row-major,
 * y = mean + std·(W·p(n) + c) (`Model.targetScale`), the logits from {@link predictLogits} (on
 * `engine` when it can run the model, else WebAssembly; the same bits).
 * @throws InputError if the model is not a regression model or a row has the wrong length.
 */
export function predictValues(model: Model, inputs: Float64Array | ArrayLike<ArrayLike<number>>, engine?: InferenceEngine | null): Float64Array {
  if (!isRegressionModel(model)) throw new InputError(`predictValues needs a regression model; this one is a classifier (use predictLogits)`);
  return regressionValues(model, predictLogits(model, inputs, engine).logits);
}

/**
 * A regression model's values from its logits (n×m row-major, as {@link predictLogits} returns
 * them): y = mean + std·z per output (`Model.targetScale`; z itself without one), in the targets' units.
 */
export function regressionValues(model: Model, logits: Float64Array): Float64Array {
  const m = model.classes, sc = model.targetScale;
  const out = new Float64Array(logits.length);
  for (let q = 0; q < logits.length; q++) {
    const o = q % m;
    out[q] = (sc ? sc.mean[o] : 0) + (sc ? sc.std[o] : 1) * logits[q];
  }
  return out;
}

/** Gradients as nested arrays shaped like the model file: A[t][i][j], B[t][i], W[c][j], c[c]. */
export interface NestedGradients {
  /** ∂loss/∂A, steps × k × k. */
  A: number[][][];
  /** ∂loss/∂B, steps × k. */
  B: number[][];
  /** ∂loss/∂W, classes × k. */
  W: number[][];
  /** ∂loss/∂c, length classes. */
  c: number[];
}

function nest2(a: Float64Array, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, (_, r) => Array.from(a.subarray(r * cols, (r + 1) * cols)));
}

/**
 * Mean loss of the model on (inputs, labels) and its exact gradient with respect to every A[t],
 * B[t], W, c, computed by the discrete adjoint of the forward update. The loss is the softmax
 * cross-entropy, or for a regression model ½·Σ_o (z_o − ỹ_o)² of the standardised targets
 * (`squaredErrorSpec`), averaged over the samples.
 * @param inputs N rows of raw features (`columnCount(model)` each; through the model's feature map and normalisation, if any).
 * @param labels N class indices; for a regression model N·m real targets (row-major, the
 *   targets' units; standardised here with the model's `targetScale`).
 * @example const { loss, gradients } = lossAndGradients(model, [[0.2, 0.7]], [1]);
 */
export function lossAndGradients(
  model: Model,
  inputs: Float64Array | ArrayLike<ArrayLike<number>>,
  labels: ArrayLike<number>,
): {
  /** Mean softmax cross-entropy over the rows (nats). */
  loss: number;
  /** ∂loss/∂A, ∂loss/∂B, ∂loss/∂W, ∂loss/∂c as nested arrays. */
  gradients: NestedGradients;
} {
  const { k, steps, classes } = model;
  const { x, n } = rowsOf(inputs, columnCount(model), "inputs");
  const regression = isRegressionModel(model);
  const per = regression ? classes : 1;
  if (labels.length !== n * per) throw new InputError(`labels has ${labels.length} entries, expected ${n * per} (${regression ? `${classes} real target${classes > 1 ? "s" : ""}` : "one"} per input row)`);
  const y = new Int32Array(n);
  const t = regression ? new Float64Array(n * classes) : null;
  if (t !== null) {
    const sc = model.targetScale;
    for (let e = 0; e < t.length; e++) {
      const v = labels[e];
      if (!Number.isFinite(v)) throw new InputError(`labels[${e}] must be a finite number (got ${v})`);
      const o = e % classes;
      t[e] = sc ? (v - sc.mean[o]) / sc.std[o] : v;
    }
  }
  for (let r = 0; r < n && t === null; r++) {
    const v = labels[r];
    if (!Number.isInteger(v) || v < 0 || v >= classes) throw new InputError(`labels[${r}] must be an integer in 0..${classes - 1} (got ${v})`);
    y[r] = v;
  }
  const ws = createWorkspace(k, steps, classes, Math.max(1, n));
  const g = createGradients(model);
  loadInputs(model, ws, x, null, 0, n);
  forwardKernel(model, ws, n, true);
  const out = { loss: 0, correct: 0 };
  if (t !== null) squaredError(ws, classes, n, t, 0, 1 / n, out);
  else softmaxCrossEntropy(ws, classes, n, y, 0, 1 / n, out);
  backward(model, ws, n, g);
  return {
    loss: out.loss / n,
    gradients: {
      A: Array.from({ length: steps }, (_, t) => nest2(g.A.subarray(t * k * k, (t + 1) * k * k), k, k)),
      B: nest2(g.B, steps, k),
      W: nest2(g.W, classes, k),
      c: Array.from(g.c),
    },
  };
}
