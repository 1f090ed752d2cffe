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
 * Beside the forward rules, their derivative: the adjoint (`readoutAdjointSpec`, `stepAdjointSpec`,
 * `backwardSpec`, `gradientSpec`, at the end of this file; each loss's gradient is part of its
 * specification, as in {@link lossSpec}).
 *
 * Layout: a block of n samples is oscillator-major, `p[j·n + s]` (sample s of oscillator j), as in
 * the workspace; A(t) is `A[t·k·k + i·k + j]`, W is `W[c·k + j]`.
 */
import type { Model, Gradients } from "./model.js";

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
  const { k } = model;
  const u = scratch.u;
  for (let i = 0; i < k; i++) {
    driveRowSpec(model, t, i, p, u, n);
    deviceRowSpec(model, i, next, n, scratch);
  }
}

/**
 * The drive of oscillator i at step t for n samples: u_s = Σ_j A(t)_ij·p_j(t)_s + B(t)_i, summed
 * over j in ascending order, into `u` (the first half of {@link stepSpec}, recomputed by
 * {@link stepAdjointSpec}).
 */
export function driveRowSpec(model: Model, t: number, i: number, p: Float64Array, u: Float64Array, n: number): void {
  const { k, A, B } = model;
  const aRow = t * k * k + i * k;
  for (let s = 0; s < n; s++) u[s] = 0;
  for (let j = 0; j < k; j++) {
    const a = A[aRow + j];
    for (let s = 0; s < n; s++) u[s] += a * p[j * n + s];
  }
  for (let s = 0; s < n; s++) u[s] = u[s] + B[t * k + i];
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

// ————————————————————————————————————————————————————————————————————————————————————————————
// The adjoint: the derivative of the forward pass above, written beside it.
//
// Training minimises the loss ℓ of the readout z = W·p(n) + c subject to the equations of motion
// p(t+1) = F_t(p(t)) of eqs. 5–6, by the discrete adjoint (the optimal-control method of the
// paper's ref. [9]): with the costate λ(t) = ∂ℓ/∂p(t) and G = ∂ℓ/∂z (from the loss, e.g.
// {@link lossSpec}'s `grad`), for each sample
//   λ(n) = Wᵀ·G,   ∂ℓ/∂W_cj = G_c·p_j(n),   ∂ℓ/∂c_c = G_c                        (readout)
//   g_i(t) = λ_i(t+1)·f_i'(I_i(t))·2·s_i·u_i(t)     (∂p_i(t+1)/∂u_i(t) = f_i'(I_i)·2·s_i·u_i)
//   ∂ℓ/∂A(t)_ij = g_i(t)·p_j(t),   ∂ℓ/∂B(t)_i = g_i(t),   λ_j(t) = Σ_i A(t)_ij·g_i(t)   (step t)
// for t = n−1 down to 0, and a block's gradient is the sum over its samples. u, I and f' are
// recomputed from p(t) as {@link stepSpec} computes them (f' from the device curve's own
// derivative); nothing is stored between the passes but p(0..n).

/** Scratch of {@link stepAdjointSpec}: the step's scratch, f'(I) of one row (n) and g(t) of all rows (k·n). */
export interface AdjointScratch {
  step: StepScratch;
  dp: Float64Array;
  g: Float64Array;
}

/** Scratch for blocks of up to n samples of k oscillators. */
export function createAdjointScratch(k: number, n: number): AdjointScratch {
  return { step: createStepScratch(n), dp: new Float64Array(n), g: new Float64Array(k * n) };
}

/**
 * The adjoint of {@link readoutSpec} for n samples: from G = ∂ℓ/∂z (classes·n, class-major) and
 * p(n) (k·n), adds Σ_s G_c·p_j(n) to ∂W_cj and Σ_s G_c to ∂c_c (samples in order from 0), and
 * writes λ(n)_j = Σ_c W_cj·G_c (c in order from 0) into `lam` (k·n).
 */
export function readoutAdjointSpec(model: Model, pN: Float64Array, G: Float64Array, n: number, grads: Gradients, lam: Float64Array): void {
  const { k, classes, W } = model;
  for (let q = 0; q < classes; q++) {
    let sc = 0;
    for (let s = 0; s < n; s++) sc += G[q * n + s];
    grads.c[q] += sc;
    for (let j = 0; j < k; j++) {
      let sw = 0;
      for (let s = 0; s < n; s++) sw += G[q * n + s] * pN[j * n + s];
      grads.W[q * k + j] += sw;
    }
  }
  for (let j = 0; j < k; j++) {
    for (let s = 0; s < n; s++) {
      let l = 0;
      for (let q = 0; q < classes; q++) l += W[q * k + j] * G[q * n + s];
      lam[j * n + s] = l;
    }
  }
}

/**
 * The adjoint of step t ({@link stepSpec}) for n samples: from p(t) and λ(t+1) (k·n each), with
 * u_i = Σ_j A(t)_ij·p_j(t) + B(t)_i, I_i = s_i·u_i² and f_i'(I_i) recomputed,
 * g_i = λ_i(t+1)·f_i'(I_i)·2·s_i·u_i; adds Σ_s g_i·p_j(t) to ∂A(t)_ij and Σ_s g_i to ∂B(t)_i
 * and writes λ(t)_j = Σ_i A(t)_ij·g_i into `lam` (k·n; not `lamNext`).
 */
export function stepAdjointSpec(model: Model, t: number, p: Float64Array, lamNext: Float64Array, lam: Float64Array, n: number, grads: Gradients, scratch: AdjointScratch): void {
  const { k, A } = model;
  const { u, I, row } = scratch.step;
  const { dp, g } = scratch;
  for (let i = 0; i < k; i++) {
    driveRowSpec(model, t, i, p, u, n);
    const dev = model.devices[i];
    for (let s = 0; s < n; s++) I[s] = dev.polarity * u[s] * u[s];
    dev.evaluate(I, row, dp, 0, n);
    let sb = 0;
    for (let s = 0; s < n; s++) {
      g[i * n + s] = lamNext[i * n + s] * dp[s] * 2 * dev.polarity * u[s];
      sb += g[i * n + s];
    }
    grads.B[t * k + i] += sb;
    for (let j = 0; j < k; j++) {
      let sa = 0;
      for (let s = 0; s < n; s++) sa += g[i * n + s] * p[j * n + s];
      grads.A[t * k * k + i * k + j] += sa;
    }
  }
  for (let j = 0; j < k; j++) {
    for (let s = 0; s < n; s++) {
      let l = 0;
      for (let i = 0; i < k; i++) l += A[t * k * k + i * k + j] * g[i * n + s];
      lam[j * n + s] = l;
    }
  }
}

/**
 * The whole adjoint of {@link forwardSpec}: from p(0..n) (`P`, each k·n) and G = ∂ℓ/∂z
 * (classes·n), the gradient of ℓ summed over the n samples (`grads`, zeroed first) and λ(0) =
 * ∂ℓ/∂p(0) (k·n, returned).
 */
export function backwardSpec(model: Model, P: readonly Float64Array[], G: Float64Array, n: number, grads: Gradients): Float64Array {
  for (const a of [grads.A, grads.B, grads.W, grads.c]) a.fill(0);
  const scratch = createAdjointScratch(model.k, n);
  let lam = new Float64Array(model.k * n), next = new Float64Array(model.k * n);
  readoutAdjointSpec(model, P[model.steps], G, n, grads, next);
  for (let t = model.steps - 1; t >= 0; t--) {
    stepAdjointSpec(model, t, P[t], next, lam, n, grads, scratch);
    [lam, next] = [next, lam];
  }
  return next;
}

/** What {@link gradientSpec} returns for a block of samples. */
export interface BlockGradient {
  /** Σ_s lossSpec(z_s, y_s).loss (unscaled). */
  loss: number;
  /** Samples whose first largest logit is their label. */
  correct: number;
  /** ∂(scale·Σ_s ℓ_s)/∂(A, B, W, c). */
  grads: Gradients;
  /** ∂(scale·Σ_s ℓ_s)/∂p(0) (k·n). */
  inputGrad: Float64Array;
  /** The forward pass (p(0..n), logits). */
  P: Float64Array[];
  logits: Float64Array;
}

/**
 * Softmax cross-entropy training's gradient of a block, by the specification alone:
 * {@link forwardSpec}, then per sample {@link lossSpec} (its gradient scaled by `scale`: 1/n for
 * the mean loss), then {@link backwardSpec}. Every engine's batch gradient is tested against it
 * and it against central differences of its own loss (test/network/spec.test.ts).
 */
export function gradientSpec(model: Model, p0: Float64Array, y: ArrayLike<number>, n: number, scale: number): BlockGradient {
  const { P, logits } = forwardSpec(model, p0, n);
  const G = new Float64Array(model.classes * n);
  const z = new Float64Array(model.classes);
  let loss = 0, correct = 0;
  for (let s = 0; s < n; s++) {
    for (let q = 0; q < model.classes; q++) z[q] = logits[q * n + s];
    const r = lossSpec(z, y[s]);
    loss += r.loss;
    if (r.predicted === y[s]) correct++;
    for (let q = 0; q < model.classes; q++) G[q * n + s] = scale * r.grad[q];
  }
  const grads: Gradients = { A: new Float64Array(model.A.length), B: new Float64Array(model.B.length), W: new Float64Array(model.W.length), c: new Float64Array(model.c.length) };
  const inputGrad = backwardSpec(model, P, G, n, grads);
  return { loss, correct, grads, inputGrad, P, logits };
}
