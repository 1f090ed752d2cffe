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
 * The hardware step effects (read noise, ADC, current limit, DAC, finite relaxation: what
 * `--train-hw`, `eval --hw`, `robustness --hw` and `explore` apply; `hardware.ts` is their fast
 * kernel) are part of the step: each effect is one rule on one element written beside its
 * derivative ({@link EFFECT_RULES}), and {@link stepSpec}, {@link forwardSpec},
 * {@link stepAdjointSpec}, {@link backwardSpec} and {@link gradientSpec} take them as an optional
 * last argument ({@link StepEffectsSpec}); without it they are the ideal step. Device variation
 * (`robustness`, `--train-sigma`) is not a step effect: it replaces the model's devices by drawn
 * ones (`src/device/variation.ts`), and the step is then this one with those devices.
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

// ————————————————————————————————————————————————————————————————————————————————————————————
// The hardware step effects (paper Fig. 1: a CMOS unit reads each STNO's power, computes the
// current and injects it back), each a rule on one element written beside its derivative. For
// t = 0..n−1, with the drive polarity s_i and e = exp(−Δt/τ):
//   p̃_j(t)   = read(p_j(t), ξ_j(t))  = ADC(p_j(t) + ν),  ν = σ·ξ (absolute) or σ·|p_j(t)|·ξ (relative)
//   u_i      = Σ_j A(t)_ij·p̃_j(t) + B(t)_i
//   I_i      = current(s_i, u_i)     = s_i·DAC(min(u_i², Imax))
//   p_i(t+1) = settle(f_i(I_i), p_i(t)) = f_i(I_i) + (p_i(t) − f_i(I_i))·e
//   logits   = W·p̃(n) + c,  p̃(n) = read(p(n), ξ(n))
// ADC (bits B, full scale F, power units): round(clip(x, 0, F)/Δ)·Δ, Δ = F/(2^B − 1). DAC (bits B,
// full scale F, current units): round(min(|I|, F)/Δ)·Δ on the magnitude, Δ = F/(2^B − 1). ξ ~ N(0, 1)
// per read, oscillator and sample ({@link readNoiseSpec}), fixed for the adjoint. The adjoint
// (λ(t) = ∂ℓ/∂p(t), m = ∂p̃/∂p, ∂I/∂u, ∂settle/∂f = 1 − e, ∂settle/∂p = e):
//   λ(n) = m(n)·Wᵀ·G
//   g_i(t) = λ_i(t+1)·(1 − e)·f_i'(I_i)·∂I_i/∂u_i
//   ∂A(t)_ij = g_i(t)·p̃_j(t),  ∂B(t)_i = g_i(t),  λ_j(t) = e·λ_j(t+1) + m_j(t)·Σ_i A(t)_ij·g_i(t)
// Exact for the noise (m = 1, or 1 + σ·sign(p)·ξ relative), the current limit and relaxation. The
// converters are piecewise constant, so their derivative is the straight-through estimator: the
// derivative of the same rule without rounding (m = 1 inside the ADC range [0, F], 0 outside; the
// DAC's ∂|I|/∂u² = 1 below its full scale, 0 above), as noise-aware training uses it.

/**
 * The hardware step effects as numbers (zero or Infinity: off). `resolveHardware` (hardware.ts)
 * makes them from the user's options; the ideal step is {@link IDEAL_EFFECTS}.
 */
export interface EffectSettings {
  /** Read-noise standard deviation σ ≥ 0: power units when absolute, a fraction of |p| when `noiseRelative` (0 = no noise). */
  noiseSigma: number;
  /** True when σ is relative to |p|. */
  noiseRelative: boolean;
  /** ADC step Δ = F/(2^bits − 1), power units (0 = no ADC). */
  adcStep: number;
  /** ADC full scale F, power units (Infinity = no ADC). */
  adcFull: number;
  /** Driver current limit Imax on |I|, current units (Infinity = none). */
  currentLimit: number;
  /** DAC step Δ = F/(2^bits − 1) on |I|, current units (0 = no DAC). */
  dacStep: number;
  /** DAC full scale F on |I|, current units (Infinity = none). */
  dacFull: number;
  /** Relaxation factor e = exp(−Δt/τ) ∈ [0, 1) (0 = the stationary power within a step, the paper's case). */
  decay: number;
}

/** Every effect off: the ideal step. */
export const IDEAL_EFFECTS: Readonly<EffectSettings> = Object.freeze({ noiseSigma: 0, noiseRelative: false, adcStep: 0, adcFull: Infinity, currentLimit: Infinity, dacStep: 0, dacFull: Infinity, decay: 0 });

/**
 * The measured power p̃ = ADC(p + ν) of a true power p (power units) with the standard normal draw
 * ξ of this read: ν = σ·ξ (absolute) or σ·|p|·ξ (relative), then the ADC's clip to [0, F] and
 * rounding to its step. Each off effect is skipped (p̃ = p with every effect off).
 */
export function readEffectSpec(h: EffectSettings, p: number, xi: number): number {
  let x = p;
  if (h.noiseSigma > 0) x = h.noiseRelative ? p + h.noiseSigma * Math.abs(p) * xi : p + h.noiseSigma * xi;
  if (h.adcStep > 0) x = Math.round((x < 0 ? 0 : x > h.adcFull ? h.adcFull : x) / h.adcStep) * h.adcStep;
  return x;
}

/** ∂p̃/∂p of {@link readEffectSpec}: 1 (absolute noise) or 1 + σ·sign(p)·ξ (relative), times the ADC's straight-through 1 inside [0, F] (0 outside). */
export function readEffectSlopeSpec(h: EffectSettings, p: number, xi: number): number {
  let x = p, m = 1;
  if (h.noiseSigma > 0) {
    x = h.noiseRelative ? p + h.noiseSigma * Math.abs(p) * xi : p + h.noiseSigma * xi;
    if (h.noiseRelative) m = 1 + h.noiseSigma * Math.sign(p) * xi;
  }
  if (h.adcStep > 0 && (x < 0 || x > h.adcFull)) m = 0;
  return m;
}

/**
 * The injected current I = s·DAC(min(u², Imax)) of a drive u with polarity s = ±1 (current units):
 * the limit, then the DAC's clip to its full scale and rounding to its step, on the magnitude u².
 * Every effect off: I = s·u².
 */
export function currentEffectSpec(h: EffectSettings, s: number, u: number): number {
  let mag = u * u;
  if (mag > h.currentLimit) mag = h.currentLimit;
  if (h.dacStep > 0) mag = Math.round((mag > h.dacFull ? h.dacFull : mag) / h.dacStep) * h.dacStep;
  return s * mag;
}

/** ∂I/∂u of {@link currentEffectSpec}: s·2u·κ, κ = 0 where the limit or the DAC's full scale clamps u² (the DAC's rounding straight through), else 1. */
export function currentEffectSlopeSpec(h: EffectSettings, s: number, u: number): number {
  const mag = u * u;
  const clamped = mag > h.currentLimit || (h.dacStep > 0 && Math.min(mag, h.currentLimit) > h.dacFull);
  return clamped ? 0 : s * 2 * u;
}

/**
 * p(t+1) of an oscillator whose curve gives f = f(I) (its stationary power) and whose power was
 * p = p(t) (power units): finite relaxation f + (p − f)·e, e = exp(−Δt/τ); e = 0: f.
 */
export function settleEffectSpec(h: EffectSettings, f: number, p: number): number {
  return h.decay === 0 ? f : f + (p - f) * h.decay;
}

/** ∂p(t+1)/∂f of {@link settleEffectSpec}: 1 − e. */
export function settleEffectSlopeFSpec(h: EffectSettings, _f: number, _p: number): number {
  return 1 - h.decay;
}

/** ∂p(t+1)/∂p(t) of {@link settleEffectSpec}: e. */
export function settleEffectSlopePSpec(h: EffectSettings, _f: number, _p: number): number {
  return h.decay;
}

/** The effects' rules, each beside its derivative (the specification's own are {@link EFFECT_RULES}). */
export interface EffectRules {
  /** p̃ from p and ξ ({@link readEffectSpec}). */
  read(h: EffectSettings, p: number, xi: number): number;
  /** ∂p̃/∂p ({@link readEffectSlopeSpec}). */
  readSlope(h: EffectSettings, p: number, xi: number): number;
  /** I from the polarity s and the drive u ({@link currentEffectSpec}). */
  current(h: EffectSettings, s: number, u: number): number;
  /** ∂I/∂u ({@link currentEffectSlopeSpec}). */
  currentSlope(h: EffectSettings, s: number, u: number): number;
  /** p(t+1) from f(I) and p(t) ({@link settleEffectSpec}). */
  settle(h: EffectSettings, f: number, p: number): number;
  /** ∂p(t+1)/∂f ({@link settleEffectSlopeFSpec}). */
  settleSlopeF(h: EffectSettings, f: number, p: number): number;
  /** ∂p(t+1)/∂p(t) ({@link settleEffectSlopePSpec}). */
  settleSlopeP(h: EffectSettings, f: number, p: number): number;
}

/** The specification's effect rules. */
export const EFFECT_RULES: Readonly<EffectRules> = Object.freeze({
  read: readEffectSpec,
  readSlope: readEffectSlopeSpec,
  current: currentEffectSpec,
  currentSlope: currentEffectSlopeSpec,
  settle: settleEffectSpec,
  settleSlopeF: settleEffectSlopeFSpec,
  settleSlopeP: settleEffectSlopePSpec,
});

/** Hardware effects for one block of n samples, the optional last argument of the step, forward and adjoint specifications. */
export interface StepEffectsSpec {
  /** The effects. */
  settings: EffectSettings;
  /** ξ(t) of the reads t = 0..steps (k·n each, oscillator-major), as {@link readNoiseSpec} draws them; null without read noise. */
  noise: readonly Float64Array[] | null;
  /** The rules. @default EFFECT_RULES (a test swaps one to show that its checks catch an error) */
  rules?: EffectRules;
}

/**
 * The read-noise draws of one block of n samples: ξ(t) (k·n, oscillator-major) for the reads
 * t = 0..steps, standard normal from `rng`, drawn in the order read t, oscillator j, sample s (the
 * order in which the hardware pass consumes its generator); null, and nothing drawn, when σ = 0.
 */
export function readNoiseSpec(h: EffectSettings, rng: { normal(): number }, k: number, steps: number, n: number): Float64Array[] | null {
  if (!(h.noiseSigma > 0)) return null;
  const xi: Float64Array[] = [];
  for (let t = 0; t <= steps; t++) {
    const z = new Float64Array(k * n);
    for (let q = 0; q < k * n; q++) z[q] = rng.normal();
    xi.push(z);
  }
  return xi;
}

/** Read t of a block: p̃ = {@link readEffectSpec} and m = ∂p̃/∂p of each of the k·n powers in `p`. */
export function readSpec(effects: StepEffectsSpec, t: number, p: Float64Array, k: number, n: number): { value: Float64Array; slope: Float64Array } {
  const rules = effects.rules ?? EFFECT_RULES, h = effects.settings;
  const xi = effects.noise === null ? null : effects.noise[t];
  const value = new Float64Array(k * n), slope = new Float64Array(k * n);
  for (let q = 0; q < k * n; q++) {
    const z = xi === null ? 0 : xi[q];
    value[q] = rules.read(h, p[q], z);
    slope[q] = rules.readSlope(h, p[q], z);
  }
  return { value, slope };
}

/**
 * One step of the network (paper eqs. 1–2) for n samples: for each oscillator i,
 * u_i = (Σ_j A(t)_ij·p_j(t)) + B(t)_i (the sum over j in order from 0), I_i = polarity_i·u_i², and
 * p_i(t+1) = f_i(I_i) with oscillator i's device curve. Writes `next` (k·n) from `p` (k·n).
 * With hardware `effects`: u_i = Σ_j A(t)_ij·p̃_j(t) + B(t)_i with the measured powers
 * p̃(t) = {@link readSpec}, I_i = {@link currentSpec}(s_i, u_i) and
 * p_i(t+1) = {@link settleSpec}(f_i(I_i), p_i(t)).
 * @example a network of one eq. 4 oscillator with A = 0, B = 2: p(1) = f(4) for every sample.
 */
export function stepSpec(model: Model, t: number, p: Float64Array, next: Float64Array, n: number, scratch: StepScratch, effects?: StepEffectsSpec): void {
  const { k } = model;
  const u = scratch.u;
  // With effects the drive reads the measured powers p̃(t), the relaxation the true p(t).
  const pm = effects === undefined ? p : readSpec(effects, t, p, k, n).value;
  for (let i = 0; i < k; i++) {
    driveRowSpec(model, t, i, pm, u, n);
    deviceRowSpec(model, i, next, n, scratch, effects, p);
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
 * I = polarity_i·u_i² and p_i(t+1) = f_i(I) into row i of `next` (k·n). With `effects`,
 * I = {@link currentSpec}(polarity_i, u_i) and p_i(t+1) = {@link settleSpec}(f_i(I), p_i(t)), p(t)
 * being `p` (k·n).
 */
export function deviceRowSpec(model: Model, i: number, next: Float64Array, n: number, scratch: StepScratch, effects?: StepEffectsSpec, p?: Float64Array): void {
  const { u, I, row } = scratch;
  const dev = model.devices[i];
  const rules = effects?.rules ?? EFFECT_RULES, h = effects?.settings ?? IDEAL_EFFECTS;
  for (let s = 0; s < n; s++) I[s] = rules.current(h, dev.polarity, u[s]);
  dev.evaluate(I, row, null, 0, n);
  if (effects === undefined || p === undefined) next.set(row.subarray(0, n), i * n);
  else for (let s = 0; s < n; s++) next[i * n + s] = rules.settle(h, row[s], p[i * n + s]);
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

/**
 * The whole forward pass of {@link stepSpec} and {@link readoutSpec}: p(0..n) (each k·n) and the
 * logits (classes·n) of n samples from p(0). With hardware `effects` the steps are
 * {@link stepSpec}'s with them and the readout reads the measured powers,
 * logits = W·p̃(n) + c; `P` holds the true powers p(t).
 */
export function forwardSpec(model: Model, p0: Float64Array, n: number, effects?: StepEffectsSpec): { P: Float64Array[]; logits: Float64Array } {
  const scratch = createStepScratch(n);
  const P = [p0.slice(0, model.k * n)];
  for (let t = 0; t < model.steps; t++) {
    const next = new Float64Array(model.k * n);
    stepSpec(model, t, P[t], next, n, scratch, effects);
    P.push(next);
  }
  const logits = new Float64Array(model.classes * n);
  const pN = effects === undefined ? P[model.steps] : readSpec(effects, model.steps, P[model.steps], model.k, n).value;
  readoutSpec(model, pN, logits, n);
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
 * and writes λ(t)_j = Σ_i A(t)_ij·g_i into `lam` (k·n; not `lamNext`). With hardware `effects`
 * (the same as the forward pass's): p̃(t), m = ∂p̃/∂p, u, I, f' recomputed from p(t) and ξ(t),
 * g_i = λ_i(t+1)·∂settle/∂f·f_i'(I_i)·∂I_i/∂u_i, ∂A(t)_ij += Σ_s g_i·p̃_j(t), ∂B(t)_i += Σ_s g_i,
 * λ(t)_j = m_j·Σ_i A(t)_ij·g_i + ∂settle/∂p·λ_j(t+1) (the last term only where it is not 0).
 */
export function stepAdjointSpec(model: Model, t: number, p: Float64Array, lamNext: Float64Array, lam: Float64Array, n: number, grads: Gradients, scratch: AdjointScratch, effects?: StepEffectsSpec): void {
  const { k, A } = model;
  const { u, I, row } = scratch.step;
  const { dp, g } = scratch;
  const rules = effects?.rules ?? EFFECT_RULES, h = effects?.settings ?? IDEAL_EFFECTS;
  const rd = effects === undefined ? null : readSpec(effects, t, p, k, n);
  const pm = rd === null ? p : rd.value;
  // f(I) of every row, for ∂settle/∂p of λ(t) below.
  const f = new Float64Array(k * n);
  for (let i = 0; i < k; i++) {
    driveRowSpec(model, t, i, pm, u, n);
    const dev = model.devices[i];
    for (let s = 0; s < n; s++) I[s] = rules.current(h, dev.polarity, u[s]);
    dev.evaluate(I, row, dp, 0, n);
    let sb = 0;
    for (let s = 0; s < n; s++) {
      const q = i * n + s;
      f[q] = row[s];
      g[q] = lamNext[q] * rules.settleSlopeF(h, row[s], p[q]) * dp[s] * rules.currentSlope(h, dev.polarity, u[s]);
      sb += g[q];
    }
    grads.B[t * k + i] += sb;
    for (let j = 0; j < k; j++) {
      let sa = 0;
      for (let s = 0; s < n; s++) sa += g[i * n + s] * pm[j * n + s];
      grads.A[t * k * k + i * k + j] += sa;
    }
  }
  for (let j = 0; j < k; j++) {
    for (let s = 0; s < n; s++) {
      const q = j * n + s;
      let l = 0;
      for (let i = 0; i < k; i++) l += A[t * k * k + i * k + j] * g[i * n + s];
      if (rd !== null) l *= rd.slope[q];
      const keep = rules.settleSlopeP(h, f[q], p[q]);
      lam[q] = keep === 0 ? l : l + keep * lamNext[q];
    }
  }
}

/**
 * The whole adjoint of {@link forwardSpec}: from p(0..n) (`P`, each k·n) and G = ∂ℓ/∂z
 * (classes·n), the gradient of ℓ summed over the n samples (`grads`, zeroed first) and λ(0) =
 * ∂ℓ/∂p(0) (k·n, returned). With hardware `effects` (the forward pass's, noise included), the
 * readout's adjoint reads p̃(n) and λ(n) = m(n)·Wᵀ·G, then {@link stepAdjointSpec} with them.
 */
export function backwardSpec(model: Model, P: readonly Float64Array[], G: Float64Array, n: number, grads: Gradients, effects?: StepEffectsSpec): Float64Array {
  for (const a of [grads.A, grads.B, grads.W, grads.c]) a.fill(0);
  const scratch = createAdjointScratch(model.k, n);
  let lam = new Float64Array(model.k * n), next = new Float64Array(model.k * n);
  const rd = effects === undefined ? null : readSpec(effects, model.steps, P[model.steps], model.k, n);
  readoutAdjointSpec(model, rd === null ? P[model.steps] : rd.value, G, n, grads, next);
  if (rd !== null) for (let q = 0; q < next.length; q++) next[q] *= rd.slope[q];
  for (let t = model.steps - 1; t >= 0; t--) {
    stepAdjointSpec(model, t, P[t], next, lam, n, grads, scratch, effects);
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
 * the mean loss), then {@link backwardSpec}, with the hardware `effects` when given. Every engine's
 * batch gradient is tested against it and it against central differences of its own loss
 * (test/network/spec.test.ts; with effects test/network/effects-spec.test.ts).
 */
export function gradientSpec(model: Model, p0: Float64Array, y: ArrayLike<number>, n: number, scale: number, effects?: StepEffectsSpec): BlockGradient {
  const { P, logits } = forwardSpec(model, p0, n, effects);
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
  const inputGrad = backwardSpec(model, P, G, n, grads, effects);
  return { loss, correct, grads, inputGrad, P, logits };
}
