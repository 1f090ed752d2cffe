/**
 * Hardware non-idealities of the STNO/CMOS loop (paper Fig. 1, bottom right: a CMOS unit reads each
 * STNO's power, computes the current and injects it back), as composable options of the forward
 * dynamics, with the exact discrete adjoint beside the forward pass. This is their fast kernel; their
 * specification (each effect's rule beside its derivative, and the step, forward and adjoint with
 * them) is in spec.ts, and every path that applies them is tested against it
 * (test/network/effects-spec.test.ts). The forward pass is
 * `dynamics.ts`' one loop with these options as its step effects (`StepEffects`), so the step
 * (u = A·p + B, the device curves, the readout) is written once; with every option off the
 * results are bit-identical to the ideal pass on the same kernels.
 *
 * Forward, for t = 0..n−1 (s_i = polarity, e = exp(−Δt/τ), 0 without relaxation):
 *   p̃_j(t) = ADC(p_j(t) + ν_j(t))                      read: noise ν, then the ADC
 *   u_i    = Σ_j A[t]_ij·p̃_j(t) + B[t]_i
 *   I_i    = s_i·DAC(min(u_i², Imax))                  current limit, then the driver's DAC
 *   p_i(t+1) = f_i(I_i) + (p_i(t) − f_i(I_i))·e         finite relaxation towards p_ss = f(I)
 *   logits = W·p̃(n) + c                                 the readout reads the powers too
 * Read noise: ν = σ·ξ (absolute, power units) or ν = σ·|p|·ξ (relative), ξ ~ N(0, 1) drawn per
 * oscillator, sample and read (t = 0..n) from the rng passed in, stored so the adjoint reuses them.
 * ADC: bits B, full scale F (power units): p̃ = round(clip(x, 0, F)/Δ)·Δ, Δ = F/(2^B − 1).
 * DAC: bits B, full scale F (current units, magnitude in the drive polarity):
 *   |I| = round(min(|I|, F)/Δ)·Δ, Δ = F/(2^B − 1).
 * Current limit: |I| ≤ Imax (current units).
 *
 * Adjoint (λ(t) = ∂loss/∂p(t), m(t) = ∂p̃/∂p, κ_i = ∂|I|/∂(u²) ∈ {0, 1}):
 *   λ(n) = m(n)·Wᵀ·G
 *   g_i = λ_i(t+1)·(1 − e)·f_i'(I_i)·2·s_i·u_i·κ_i
 *   ∂A[t]_ij += g_i·p̃_j(t),  ∂B[t]_i += g_i,  λ_j(t) = e·λ_j(t+1) + m_j(t)·Σ_i A[t]_ij·g_i
 * Exact for read noise (m = 1, or 1 + σ·sign(p)·ξ relative), the current limit (κ = 0 where it
 * clamps) and relaxation. Quantisation is piecewise constant, so its true derivative is 0 almost
 * everywhere; training uses the straight-through estimator instead: m = 1 inside the ADC range
 * [0, F] (0 outside), κ = 1 below the DAC's full scale (0 above).
 */
import type { Model, Gradients } from "./model.js";
import type { EffectSettings } from "./spec.js";
import { createWorkspace, loadInputs, softmaxCrossEntropy, squaredError, forward, backward, type Workspace, type StepEffects } from "./dynamics.js";
import type { Rng } from "../util/rng.js";
import { InputError } from "../util/errors.js";
import { finite, integer, object, show } from "../util/check.js";

/** Hardware non-idealities; every field optional (absent = ideal). */
export interface Hardware {
  /** Gaussian read noise on every power measurement (each step and the readout).
   * `sigma` in power units (absolute) or as a fraction of |p| (`relative: true`). @default none */
  readNoise?: {
    /** Standard deviation of the noise: power units when absolute, a fraction of |p| when `relative`. */
    sigma: number;
    /** When true, `sigma` is relative to |p|. @default false */
    relative?: boolean;
  };
  /** The driver's current DAC: `bits` (1..32) and `fullScale` (> 0, current units). @default none */
  dac?: {
    /** Resolution, 1..32 bits: 2^bits levels, step Δ = fullScale/(2^bits − 1), on the drive magnitude. */
    bits: number;
    /** Largest drive current magnitude the DAC produces (> 0, the device's current unit); larger drives clip. */
    fullScale: number;
  };
  /** The power-reading ADC: `bits` (1..32) and `fullScale` (> 0, power units). @default none */
  adc?: {
    /** Resolution, 1..32 bits: p̃ = round(clip(p, 0, fullScale)/Δ)·Δ, Δ = fullScale/(2^bits − 1). */
    bits: number;
    /** Largest power the ADC reads (> 0, the device's power unit); larger powers clip. */
    fullScale: number;
  };
  /** Driver current limit Imax > 0 (current units): |I| ≤ Imax. @default none (Infinity) */
  currentLimit?: number;
  /** Finite relaxation: Δt/τ > 0 (dimensionless), p(t+1) = p_ss + (p(t) − p_ss)·exp(−Δt/τ).
   * @default none (Δt/τ = ∞: the STNO reaches its stationary power within a step, as in the paper) */
  relaxation?: {
    /** Step duration over the power relaxation time, Δt/τ > 0 (dimensionless). */
    dtOverTau: number;
  };
}

/**
 * Validated hardware: the effects' numbers as the specification defines them (`EffectSettings` in
 * spec.ts, zeros / Infinity mean "off"), and the validated input.
 */
export interface ResolvedHardware extends EffectSettings {
  /** The validated input, for JSON. */
  spec: Hardware;
}

/** True when no option is active (the ideal kernels apply). */
export function isIdeal(h: ResolvedHardware): boolean {
  return h.noiseSigma === 0 && h.dacStep === 0 && h.adcStep === 0 && h.currentLimit === Infinity && h.decay === 0;
}

/**
 * Validates hardware options (from code or a model file's `hardware` object).
 * @throws InputError naming the field, e.g. `hardware.dac.bits must be an integer in 1..32 (got 0)`.
 */
export function resolveHardware(h: unknown, where = "hardware"): ResolvedHardware {
  const o = object(h, where);
  const known = ["readNoise", "dac", "adc", "currentLimit", "relaxation"];
  for (const key of Object.keys(o)) {
    if (!known.includes(key)) throw new InputError(`${where}: unknown field ${show(key)} (allowed: ${known.join(", ")})`);
  }
  const spec: Hardware = {};
  let noiseSigma = 0, noiseRelative = false, dacStep = 0, dacFull = Infinity, adcStep = 0, adcFull = Infinity, currentLimit = Infinity, decay = 0;
  if (o.readNoise !== undefined) {
    const r = object(o.readNoise, `${where}.readNoise`);
    noiseSigma = finite(r.sigma, `${where}.readNoise.sigma`);
    if (noiseSigma < 0) throw new InputError(`${where}.readNoise.sigma must be >= 0 (got ${show(noiseSigma)})`);
    if (r.relative !== undefined && typeof r.relative !== "boolean") throw new InputError(`${where}.readNoise.relative must be true or false (got ${show(r.relative)})`);
    noiseRelative = r.relative === true;
    spec.readNoise = { sigma: noiseSigma, relative: noiseRelative };
  }
  for (const key of ["dac", "adc"] as const) {
    if (o[key] === undefined) continue;
    const q = object(o[key], `${where}.${key}`);
    const bits = integer(q.bits, 1, 32, `${where}.${key}.bits`);
    const full = finite(q.fullScale, `${where}.${key}.fullScale`);
    if (!(full > 0)) throw new InputError(`${where}.${key}.fullScale must be > 0 (got ${show(full)})`);
    const step = full / (2 ** bits - 1);
    if (key === "dac") [dacStep, dacFull] = [step, full];
    else [adcStep, adcFull] = [step, full];
    spec[key] = { bits, fullScale: full };
  }
  if (o.currentLimit !== undefined) {
    currentLimit = finite(o.currentLimit, `${where}.currentLimit`);
    if (!(currentLimit > 0)) throw new InputError(`${where}.currentLimit must be > 0 (got ${show(currentLimit)})`);
    spec.currentLimit = currentLimit;
  }
  if (o.relaxation !== undefined) {
    const r = object(o.relaxation, `${where}.relaxation`);
    const x = finite(r.dtOverTau, `${where}.relaxation.dtOverTau`);
    if (!(x > 0)) throw new InputError(`${where}.relaxation.dtOverTau must be > 0 (got ${show(x)})`);
    decay = Math.exp(-x);
    spec.relaxation = { dtOverTau: x };
  }
  return { noiseSigma, noiseRelative, dacStep, dacFull, adcStep, adcFull, currentLimit, decay, spec };
}

/** Scratch for the hardware kernels, beside a {@link Workspace} of the same capacity. */
export interface HardwareState {
  capacity: number;
  /** Measured powers p̃(t), t = 0..n (k·cap views). */
  Pm: Float64Array[];
  /** ∂p̃/∂p (t = 0..n). */
  M: Float64Array[];
  /** Standard normal draws ξ of the read noise (t = 0..n). */
  Z: Float64Array[];
  /** κ = ∂|I|/∂u² (t = 0..n−1). */
  K: Float64Array[];
}

/** Allocates hardware scratch for `capacity` samples. */
export function createHardwareState(k: number, steps: number, capacity: number): HardwareState {
  const kc = k * capacity;
  const views = (n: number): Float64Array[] => {
    const all = new Float64Array(n * kc);
    return Array.from({ length: n }, (_, t) => all.subarray(t * kc, (t + 1) * kc));
  };
  return { capacity, Pm: views(steps + 1), M: views(steps + 1), Z: views(steps + 1), K: views(steps) };
}

/**
 * Reads the powers of step t (noise, then ADC) into Pm[t] and M[t]. When `draw`, fresh ξ are drawn
 * from rng (oscillator-major, then sample); otherwise the stored ξ are reused.
 */
function readPowers(h: ResolvedHardware, st: HardwareState, P: Float64Array, t: number, k: number, nb: number, rng: Rng | null): void {
  const cap = st.capacity, Pm = st.Pm[t], M = st.M[t], Z = st.Z[t];
  const sig = h.noiseSigma, rel = h.noiseRelative, step = h.adcStep, full = h.adcFull;
  for (let j = 0; j < k; j++) {
    const o = j * cap;
    for (let b = o; b < o + nb; b++) {
      const p = P[b];
      let x = p, m = 1;
      if (sig > 0) {
        if (rng !== null) Z[b] = rng.normal();
        const z = Z[b];
        if (rel) {
          x = p + sig * Math.abs(p) * z;
          m = 1 + sig * Math.sign(p) * z;
        } else x = p + sig * z;
      }
      if (step > 0) {
        if (x < 0 || x > full) m = 0;
        const c = x < 0 ? 0 : x > full ? full : x;
        x = Math.round(c / step) * step;
      }
      Pm[b] = x;
      M[b] = m;
    }
  }
}

/**
 * The non-idealities as the {@link StepEffects} of dynamics.ts' forward and adjoint loops: `read` is
 * {@link readPowers} (noise, then the ADC), `current` the limit and the DAC on u², `settle` the
 * relaxation; `measured`, `driveGradient` (g = λ·f'·2s·u·(1 − e)·κ) and `costate`
 * (λ(t) = e·λ(t+1) + m(t)·A(t)ᵀ·g, λ(n) = m(n)·Wᵀ·G) their adjoint. One per hardware state, its
 * options and generator set at each call.
 */
class HardwareEffects implements StepEffects {
  h!: ResolvedHardware;
  k = 0;
  rng: Rng | null = null;
  constructor(readonly st: HardwareState) {}

  read(t: number, P: Float64Array, nb: number): Float64Array {
    readPowers(this.h, this.st, P, t, this.k, nb, this.rng);
    return this.st.Pm[t];
  }

  current(t: number, i: number, s: number, U: Float64Array, I: Float64Array, ro: number, nb: number): void {
    const lim = this.h.currentLimit, dStep = this.h.dacStep, dFull = this.h.dacFull, Kt = this.st.K[t];
    for (let b = ro; b < ro + nb; b++) {
      const u = U[b];
      let mag = u * u, kap = 1;
      if (mag > lim) {
        mag = lim;
        kap = 0;
      }
      if (dStep > 0) {
        if (mag > dFull) {
          mag = dFull;
          kap = 0;
        }
        mag = Math.round(mag / dStep) * dStep;
      }
      I[b] = s * mag;
      Kt[b] = kap;
    }
  }

  settle(i: number, P: Float64Array, Pn: Float64Array, ro: number, nb: number): void {
    const e = this.h.decay;
    if (e > 0) for (let b = ro; b < ro + nb; b++) Pn[b] += (P[b] - Pn[b]) * e;
  }

  measured(t: number): Float64Array {
    return this.st.Pm[t];
  }

  driveGradient(t: number, i: number, s: number, lam: Float64Array, D: Float64Array, U: Float64Array, gU: Float64Array, ro: number, nb: number): void {
    const s2 = 2 * s * (1 - this.h.decay), Kt = this.st.K[t];
    for (let b = ro; b < ro + nb; b++) gU[b] = lam[b] * D[b] * s2 * U[b] * Kt[b];
  }

  costate(t: number, next: Float64Array | null, lam: Float64Array, nb: number): void {
    const cap = this.st.capacity, M = this.st.M[t], e = this.h.decay;
    for (let j = 0; j < this.k; j++) {
      const o = j * cap;
      if (next === null) for (let b = o; b < o + nb; b++) lam[b] *= M[b];
      else for (let b = o; b < o + nb; b++) lam[b] = e * next[b] + M[b] * lam[b];
    }
  }
}

const effectsOf = new WeakMap<HardwareState, HardwareEffects>();

/**
 * Forward dynamics with hardware non-idealities over the first nb columns (p(0) already loaded in
 * ws.P[0]): dynamics.ts' {@link forward} with the non-idealities as its step effects. Stores what
 * {@link backwardHardware} needs (u, f'(I), p̃, ∂p̃/∂p, ξ, κ) when `withDerivative`. Read-noise
 * draws come from `rng` (null: reuse the stored ξ, e.g. for finite differences with frozen noise).
 * Allocates nothing after the first call with a given state.
 */
export function forwardHardware(model: Model, ws: Workspace, nb: number, h: ResolvedHardware, st: HardwareState, rng: Rng | null, withDerivative = true): void {
  const fx = effectsFor(st, h, model.k, rng);
  forward(model, ws, nb, withDerivative, false, fx);
  fx.rng = null;
}

/** The effects object of a hardware state (made on first use), set up for one call. */
function effectsFor(st: HardwareState, h: ResolvedHardware, k: number, rng: Rng | null): HardwareEffects {
  let fx = effectsOf.get(st);
  if (fx === undefined) {
    fx = new HardwareEffects(st);
    effectsOf.set(st, fx);
  }
  fx.h = h;
  fx.k = k;
  fx.rng = rng;
  return fx;
}

/**
 * The discrete adjoint of {@link forwardHardware}: given ws.logits = ∂loss/∂logits, accumulates
 * ∂loss/∂(A, B, W, c) into grads (see the module comment for the recursion; straight-through
 * estimator for the quantisers): dynamics.ts' {@link backward} with the non-idealities' derivatives
 * as its step effects. If `inputGrad` (k·cap) is given it receives λ(0).
 */
export function backwardHardware(model: Model, ws: Workspace, nb: number, h: ResolvedHardware, st: HardwareState, grads: Gradients, inputGrad: Float64Array | null = null): void {
  const fx = effectsFor(st, h, model.k, null);
  backward(model, ws, nb, grads, inputGrad, fx);
}

/**
 * One block of hardware-aware training (`--train-hw`, `TrainOptions.hardware`) over the first nb
 * columns of `ws` (p(0) loaded): {@link forwardHardware} with fresh read-noise draws from `rng`, the
 * loss — softmax cross-entropy against `labels[0..nb)`, or for a regression the squared error against
 * `targets` (`model.classes` outputs per sample, from sample 0) — scaled by `scale` (1/nb for the
 * mean), and {@link backwardHardware}: ∂(scale·Σ loss)/∂(A, B, W, c) into `grads` (zeroed first),
 * the summed loss and correct count into `out`. A non-finite loss is the caller's to report.
 */
export function hardwareBatchGradients(model: Model, ws: Workspace, nb: number, h: ResolvedHardware, st: HardwareState, rng: Rng, labels: Int32Array, targets: Float64Array | null, scale: number, grads: Gradients, out: { loss: number; correct: number }): void {
  grads.A.fill(0);
  grads.B.fill(0);
  grads.W.fill(0);
  grads.c.fill(0);
  forwardHardware(model, ws, nb, h, st, rng, true);
  if (targets !== null) squaredError(ws, model.classes, nb, targets, 0, scale, out);
  else softmaxCrossEntropy(ws, model.classes, nb, labels, 0, scale, out);
  backwardHardware(model, ws, nb, h, st, grads);
}

/**
 * Accuracy and mean loss of a model on raw features with labels, run through the hardware
 * non-idealities (read-noise draws from `rng`, in sample chunks of up to 512).
 * @param x n×k raw features (the model's normalisation is applied).
 * @example evaluateHardware(model, ds.x, ds.y, ds.n, { dac: { bits: 6, fullScale: 4 } }, new Rng(0)).accuracy
 * @throws InputError for invalid hardware options.
 */
export function evaluateHardware(model: Model, x: Float64Array, y: Int32Array, n: number, hardware: Hardware, rng: Rng): {
    /** Fraction of the n samples classified correctly, in [0, 1]. */
    accuracy: number;
    /** Mean softmax cross-entropy over the samples. */
    loss: number;
    /** Samples evaluated. */
    n: number;
  } {
  const h = resolveHardware(hardware);
  const cap = Math.max(1, Math.min(n, 512));
  const ws = createWorkspace(model.k, model.steps, model.classes, cap);
  const st = createHardwareState(model.k, model.steps, cap);
  const out = { loss: 0, correct: 0 };
  let loss = 0, correct = 0;
  for (let start = 0; start < n; start += cap) {
    const nb = Math.min(cap, n - start);
    loadInputs(model, ws, x, null, start, nb);
    forwardHardware(model, ws, nb, h, st, rng, false);
    softmaxCrossEntropy(ws, model.classes, nb, y, start, 1, out);
    loss += out.loss;
    correct += out.correct;
  }
  return { accuracy: correct / n, loss: loss / n, n };
}
