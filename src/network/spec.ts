/**
 * The network's rules written once, as the readable specification that every engine is tested
 * against (test/network/spec.test.ts): the step, the readout and the losses (softmax cross-entropy
 * for classification, squared error for regression). Plain loops over one
 * oscillator-major block of samples, `Math.exp`/`Math.log`, no kernels and no engine; eq. 4 itself
 * is specified in `src/device/eq4.ts`, the device curves in `src/device/`. The fast paths
 * (`dynamics.ts` with its blocked matrix kernels and fused eq. 4 step, the WebAssembly engines of
 * `engine.ts`, the native engine, the robustness trials; the hardware-aware forward pass of
 * `hardware.ts` is `dynamics.ts`' loop with step effects) compute the same rules in other orders
 * and with their own exp and log, so they agree with this to rounding, not bit for bit; the
 * initialisation (`init.ts`) propagates its kept steps with {@link stepSpec} itself.
 *
 * Layout: a block of n samples is oscillator-major, `p[j·n + s]` (sample s of oscillator j), as in
 * the workspace; A(t) is `A[t·k·k + i·k + j]`, W is `W[c·k + j]`.
 */
import type { Model } from "./model.js";

/** Scratch of {@link stepSpec}: three arrays of n (the drive u, the current I, one row of p(t+1)). */
export interface StepScratch {
  u: Float64Array;
  I: Float64Array;
  row: Float64Array;
}

/** Scratch for blocks of up to n samples. */
export function createStepScratch(n: number): StepScratch {
  return { u: new Float64Array(n), I: new Float64Array(n), row: new Float64Array(n) };
}

/**
 * One step of the network (paper eqs. 1–2) for n samples: for each oscillator i,
 * u_i = (Σ_j A(t)_ij·p_j(t)) + B(t)_i (the sum over j in order from 0), I_i = polarity_i·u_i², and
 * p_i(t+1) = f_i(I_i) with oscillator i's device curve. Writes `next` (k·n) from `p` (k·n).
 * @example a network of one eq. 4 oscillator with A = 0, B = 2: p(1) = f(4) for every sample.
 */
export function stepSpec(model: Model, t: number, p: Float64Array, next: Float64Array, n: number, scratch: StepScratch): void {
  const { k, A, B } = model;
  const u = scratch.u;
  for (let i = 0; i < k; i++) {
    const aRow = t * k * k + i * k;
    for (let s = 0; s < n; s++) u[s] = 0;
    for (let j = 0; j < k; j++) {
      const a = A[aRow + j];
      for (let s = 0; s < n; s++) u[s] += a * p[j * n + s];
    }
    for (let s = 0; s < n; s++) u[s] = u[s] + B[t * k + i];
    deviceRowSpec(model, i, next, n, scratch);
  }
}

/**
 * The device half of the step for oscillator i: from the drives u_i in `scratch.u` (n samples),
 * I = polarity_i·u_i² and p_i(t+1) = f_i(I) into row i of `next` (k·n).
 */
export function deviceRowSpec(model: Model, i: number, next: Float64Array, n: number, scratch: StepScratch): void {
  const { u, I, row } = scratch;
  const dev = model.devices[i];
  for (let s = 0; s < n; s++) I[s] = dev.polarity * u[s] * u[s];
  dev.evaluate(I, row, null, 0, n);
  next.set(row.subarray(0, n), i * n);
}

/**
 * The readout: logits_c = (Σ_j W_cj·p_j(n)) + c_c for n samples (classes·n, class-major).
 */
export function readoutSpec(model: Model, p: Float64Array, logits: Float64Array, n: number): void {
  const { k, classes, W, c } = model;
  for (let q = 0; q < classes; q++) {
    for (let s = 0; s < n; s++) {
      let z = 0;
      for (let j = 0; j < k; j++) z += W[q * k + j] * p[j * n + s];
      logits[q * n + s] = z + c[q];
    }
  }
}

/** What {@link lossSpec} returns for one sample. */
export interface SampleLoss {
  /** −log softmax(z)_label = log Σ_c exp(z_c − m) + m − z_label, m = max z (natural log). */
  loss: number;
  /** ∂loss/∂z_c = softmax(z)_c − [c = label]. */
  grad: Float64Array;
  /** The first class of largest logit (0 if all are NaN). */
  predicted: number;
}

/**
 * Softmax cross-entropy of one sample's logits `z` (length classes) and its derivative: the loss
 * and its gradient beside each other, as the adjoint starts from it.
 * @example lossSpec([0, 0], 1) // { loss: log 2, grad: [0.5, −0.5], predicted: 0 }
 */
export function lossSpec(z: ArrayLike<number>, label: number): SampleLoss {
  const classes = z.length;
  let predicted = 0, max = -Infinity;
  for (let c = 0; c < classes; c++) {
    if (z[c] > max) {
      max = z[c];
      predicted = c;
    }
  }
  max = z[predicted];
  let sum = 0;
  for (let c = 0; c < classes; c++) sum += Math.exp(z[c] - max);
  const grad = new Float64Array(classes);
  for (let c = 0; c < classes; c++) grad[c] = Math.exp(z[c] - max) / sum - (c === label ? 1 : 0);
  return { loss: Math.log(sum) + max - z[label], grad, predicted };
}

/** What {@link squaredErrorSpec} returns for one sample. */
export interface SampleSquaredError {
  /** ½·Σ_o (z_o − y_o)². */
  loss: number;
  /** ∂loss/∂z_o = z_o − y_o. */
  grad: Float64Array;
}

/**
 * The regression loss of one sample (a model with `problem: "regression"`): the readout's outputs
 * `z` (length m) against the standardised targets `y` (length m, ỹ = (y − mean)/std of the model's
 * `targetScale`), ½·Σ_o (z_o − y_o)², and its derivative z − y, beside each other as the adjoint
 * starts from it. Training minimises its mean over the samples, ½·mean (z − y)² for one output;
 * reported errors (MSE, R²) are in the targets' own units, y = mean + std·z.
 * @example squaredErrorSpec([0.5], [0]) // { loss: 0.125, grad: [0.5] }
 */
export function squaredErrorSpec(z: ArrayLike<number>, y: ArrayLike<number>): SampleSquaredError {
  const m = z.length;
  const grad = new Float64Array(m);
  let loss = 0;
  for (let o = 0; o < m; o++) {
    const e = z[o] - y[o];
    grad[o] = e;
    loss += 0.5 * e * e;
  }
  return { loss, grad };
}

/** The whole forward pass of {@link stepSpec} and {@link readoutSpec}: p(0..n) (each k·n) and the logits (classes·n) of n samples from p(0). */
export function forwardSpec(model: Model, p0: Float64Array, n: number): { P: Float64Array[]; logits: Float64Array } {
  const scratch = createStepScratch(n);
  const P = [p0.slice(0, model.k * n)];
  for (let t = 0; t < model.steps; t++) {
    const next = new Float64Array(model.k * n);
    stepSpec(model, t, P[t], next, n, scratch);
    P.push(next);
  }
  const logits = new Float64Array(model.classes * n);
  readoutSpec(model, P[model.steps], logits, n);
  return { P, logits };
}
