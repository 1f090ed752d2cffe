/**
 * Adam (Kingma & Ba 2015) over several parameter arrays, run on dimensionless parameters so that
 * training does not depend on the device's units.
 *
 * Each stretch of a parameter array has a step scale s (its natural size for this device, in the
 * device's units: `updateScales` in train.ts, e.g. W's is 1/p_max) and a reference scale r (the
 * same array's step scale for the paper's test device, a pure number: `referenceScales`). Their
 * ratio u = s/r is the parameter's unit: a copy of the device in other units (A/W instead of mA/nW
 * or normalised), power scale P0 or drive polarity has the same r and a parameter u times as large.
 * Adam runs on θ̃ = θ/u, whose gradient is g̃ = u·g, with the dimensionless rate lr·r:
 *
 *   m̃ ← β1·m̃ + (1 − β1)·g̃,   ṽ ← β2·ṽ + (1 − β2)·g̃²,
 *   θ̃ ← θ̃ − lr·r·m̂/(√v̂ + ε),   m̂ = m̃/(1 − β1^t),   v̂ = ṽ/(1 − β2^t)
 *
 * so lr, ε, the weight decay λ and the L1 rate λ₁ are all dimensionless and a device and its copy
 * in other units train alike (up to rounding). The moments are kept, and the update computed, in
 * the device's units (m = m̃/u, v = ṽ/u²), which is the same update:
 *
 *   m ← β1·m + (1 − β1)·g,   v ← β2·v + (1 − β2)·g²,
 *   θ ← θ − lr·s·m̂/(√v̂ + ε·r/s)
 *
 * (multiply numerator and denominator by u). Only ε moves: before, it was added to √v̂ in the
 * device's units, i.e. ε·u on the dimensionless scale; for W of a device fitted in watts
 * (u = 1/(2.8·10⁻⁸) ≈ 3.6·10⁷ for the paper's device with P0 = 28 nW) that ε̃ ≈ 0.4 exceeded most
 * √v̂ and stalled training (moons, 150 epochs: loss 0.355 against 0.028 for the normalised copy).
 * The paper's test device has r = s, so r/s = 1 exactly and ε·1 = ε: its training keeps its bits.
 * Chosen over keeping θ̃ itself (converting θ = u·θ̃ for every forward pass) by measurement: both
 * agree across units to the same rounding (docs/training.md, "Depth, units and devices"), and this
 * form needs no second copy of the parameters and no extra pass over them per update, in
 * TypeScript or in the native engine's resident Adam.
 * Hand check (one step, t = 1): m̂ = g, v̂ = g², so θ moves by exactly −lr·s·g/(|g| + ε·r/s).
 *
 * Regularisation, both decoupled from the gradient (as AdamW) and dimensionless: weight decay λ
 * multiplies θ̃ (so θ) by 1 − lr·r·λ before the update; L1 of rate λ₁ follows the update with the
 * proximal step of lr·r·λ₁·|θ̃|, i.e. the soft threshold θ ← sign θ·max(|θ| − a·λ₁, 0) with
 * a = lr·s (`softThreshold`), which sets a parameter to exactly 0 while its Adam step is smaller
 * than a·λ₁ (|m̂/(√v̂ + ε·r/s)| < λ₁) — proximal gradient descent on loss + λ₁·Σ|θ̃|, so L1 gives
 * sparse couplings where L2 only shrinks them. There is no gradient clipping.
 */
import { powInt } from "../util/trig.js";

import type { AdamKernel } from "../network/engine.js";

/** Adam hyper-parameters. */
export interface AdamOptions {
  /** @default 0.9 */
  beta1?: number;
  /** @default 0.999 */
  beta2?: number;
  /** ε, added to √v̂ of the dimensionless parameters (to √v̂·r/s in the device's units, see the file's comment). @default 1e-8 */
  eps?: number;
}

/** Serialisable optimiser state (moments and step count), for checkpoints. */
export interface AdamState {
  /** Updates done (the bias corrections use it). */
  t: number;
  /** First-moment estimates, one array per parameter array (same shapes). */
  m: Float64Array[];
  /** Second-moment estimates, one array per parameter array (same shapes). */
  v: Float64Array[];
}

/**
 * A stretch of one parameter array with a constant step scale s and reference scale r (see the
 * file's comment): array q, entries [e0, e1), s, r. What an engine's update takes instead of
 * per-entry scale arrays ({@link scaleRuns}).
 */
export type ScaleRun = readonly [q: number, e0: number, e1: number, scale: number, reference: number];

/**
 * The step scales s of {@link Adam.step} (per array: one number, or one per entry) and its
 * reference scales r (the same shapes; default: the step scales, i.e. dimensionless parameters) as
 * runs over which both are constant, for {@link Adam.engineStep}; compute once per training run
 * (A's per-entry scale of `updateScales` is two runs).
 */
export function scaleRuns(sizes: readonly number[], scales: ReadonlyArray<number | Float64Array>, references: ReadonlyArray<number | Float64Array> = scales): ScaleRun[] {
  const runs: ScaleRun[] = [];
  const at = (s: number | Float64Array, e: number): number => (typeof s === "number" ? s : s[e]);
  for (let q = 0; q < sizes.length; q++) {
    const sq = scales[q], dq = references[q];
    for (let e0 = 0; e0 < sizes[q]; ) {
      let e1 = e0 + 1;
      while (e1 < sizes[q] && Object.is(at(sq, e1), at(sq, e0)) && Object.is(at(dq, e1), at(dq, e0))) e1++;
      runs.push([q, e0, e1, at(sq, e0), at(dq, e0)]);
      e0 = e1;
    }
  }
  return runs;
}

/**
 * The soft threshold, proximal map of t·|θ|: 0 when |θ| ≤ t, else θ − t·sign θ (t ≥ 0). NaN stays
 * NaN, so a diverged parameter is still detected. The L1 step of {@link Adam.step}; the native
 * engine (native/kernels.h `adam`) does the same operations, so the same bits.
 * @example softThreshold(0.3, 0.1) // 0.19999999999999998 (0.3 − 0.1); softThreshold(-0.05, 0.1) // 0
 */
export function softThreshold(p: number, t: number): number {
  return p >= -t && p <= t ? 0 : p > 0 ? p - t : p + t;
}

/**
 * ε in the device's units for a stretch of step scale s and reference scale r: ε·(r/s), the
 * dimensionless ε on θ̃ = θ·r/s (see the file's comment). Exactly ε when r = s (r/s = 1).
 */
export function unitEps(eps: number, scale: number, reference: number): number {
  return eps * (reference / scale);
}

/** Numbers before the runs in {@link Adam.engineStep}'s constants: c1, c2, β1, β2. */
const HEAD = 4;
/** Numbers per run in {@link Adam.engineStep}'s constants: q, e0, e1, a, ε·r/s, shrink, L1 threshold. */
const RUN_STRIDE = 7;

/** Adam optimiser for a fixed list of parameter arrays. */
export class Adam {
  /** Decay rate of the first moment. @default 0.9 */
  readonly beta1: number;
  /** Decay rate of the second moment. @default 0.999 */
  readonly beta2: number;
  /** ε added to √v̂ of the dimensionless parameters (ε·r/s in the device's units). @default 1e-8 */
  readonly eps: number;
  /** Step count and moments (checkpointed). */
  state: AdamState;
  /** Scratch for a kernel's hyper-parameters. */
  private readonly hyper = new Float64Array(8);
  /** Scratch for {@link Adam.engineStep}'s constants. */
  private engineHyper = new Float64Array(0);

  constructor(sizes: number[], options: AdamOptions = {}) {
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
    this.state = { t: 0, m: sizes.map((n) => new Float64Array(n)), v: sizes.map((n) => new Float64Array(n)) };
  }

  /**
   * One update of every array (the file's comment has the formulas). `params[q]` and `grads[q]`
   * pair with `scales[q]` and `references[q]`.
   * @param lr learning rate for this step (dimensionless).
   * @param scales per array: the step scale s (a learning-rate multiplier in the parameter's units), one number or one per entry.
   * @param decay optional decoupled weight decay per array (AdamW): θ ← θ − lr·r·λ_q·θ. @default none
   * @param kernel an engine's implementation of the same update (same bits), e.g. the native engine's.
   * @param l1 optional L1 rate per array: after the update θ ← `softThreshold`(θ, lr·s·λ₁_q). @default none
   * @param references per array, the reference scale r (one number, or one per entry, like
   *   `scales`): the parameter's unit is s/r; ε acts as ε·r/s and the decay as lr·r·λ. @default scales
   * @returns true when every updated parameter is finite (checked in the same pass: Σ 0·θ is NaN
   *   exactly when some θ is NaN or ±∞), so callers need no second scan to detect divergence.
   */
  step(params: Float64Array[], grads: Float64Array[], scales: ReadonlyArray<number | Float64Array>, lr: number, decay?: number[], kernel?: AdamKernel, l1?: number[], references: ReadonlyArray<number | Float64Array> = scales): boolean {
    const st = this.state;
    st.t++;
    const b1 = this.beta1, b2 = this.beta2, eps = this.eps;
    const c1 = 1 / (1 - powInt(b1, st.t));
    const c2 = 1 / (1 - powInt(b2, st.t));
    let check = 0;
    for (let q = 0; q < params.length; q++) {
      const p = params[q], g = grads[q], m = st.m[q], v = st.v[q];
      const sq = scales[q], dq = references[q];
      if (typeof sq !== "number" || typeof dq !== "number") {
        // One scale per entry (e.g. A[0], which multiplies inputs, and A[t ≥ 1], which multiplies powers).
        const lam = decay !== undefined ? decay[q] : 0;
        const lam1 = l1 !== undefined ? l1[q] : 0;
        for (let e = 0; e < p.length; e++) {
          const se = typeof sq === "number" ? sq : sq[e], re = typeof dq === "number" ? dq : dq[e];
          const a = lr * se;
          const ee = unitEps(eps, se, re);
          if (lam !== 0) p[e] *= 1 - lr * re * lam;
          const ge = g[e];
          m[e] = b1 * m[e] + (1 - b1) * ge;
          v[e] = b2 * v[e] + (1 - b2) * ge * ge;
          p[e] -= (a * (m[e] * c1)) / (Math.sqrt(v[e] * c2) + ee);
          if (lam1 !== 0) p[e] = softThreshold(p[e], a * lam1);
          check += 0 * p[e];
        }
        continue;
      }
      const a = lr * sq;
      const ee = unitEps(eps, sq, dq);
      const shrink = decay !== undefined && decay[q] !== 0 ? 1 - lr * dq * decay[q] : 1;
      const thr = l1 !== undefined && l1[q] !== 0 ? a * l1[q] : 0;
      if (kernel !== undefined) {
        // The same operations on an engine's vector kernels (its threads for large arrays).
        const h = this.hyper;
        h[0] = a, h[1] = c1, h[2] = c2, h[3] = b1, h[4] = b2, h[5] = ee, h[6] = shrink, h[7] = thr;
        if (!kernel(p, g, m, v, h)) check = NaN;
        continue;
      }
      if (shrink !== 1) for (let e = 0; e < p.length; e++) p[e] *= shrink;
      // (A kernel or engine multiplies by shrink = 1 too: p·1 is p, bit for bit.)
      for (let e = 0; e < p.length; e++) {
        const ge = g[e];
        m[e] = b1 * m[e] + (1 - b1) * ge;
        v[e] = b2 * v[e] + (1 - b2) * ge * ge;
        p[e] -= (a * (m[e] * c1)) / (Math.sqrt(v[e] * c2) + ee);
        if (thr !== 0) p[e] = softThreshold(p[e], thr);
        check += 0 * p[e];
      }
    }
    return check === 0;
  }

  /**
   * One update run by an engine that holds the parameters, gradients and moments itself
   * (`ResidentTraining.step` in src/network/engine.ts): writes step t+1's constants — c1, c2, β1,
   * β2, then per run (q, e0, e1, a = lr·s, ε·r/s (`unitEps`), shrink = 1 − lr·r·λ_q or 1
   * without decay, the L1 threshold a·λ₁_q or 0 without L1) — the values {@link Adam.step}
   * computes, so the engine's update has its bits; calls `run` with them
   * and counts the step unless `run` returns 1 (nothing was updated). Returns what `run` returned.
   * The moments in `state` are stale while the engine holds them (the caller stores them back).
   */
  engineStep<S extends number>(runs: readonly ScaleRun[], lr: number, decay: number[] | undefined, l1: number[] | undefined, run: (hyper: Float64Array) => S): S {
    const st = this.state;
    const t = st.t + 1;
    if (this.engineHyper.length !== HEAD + RUN_STRIDE * runs.length) this.engineHyper = new Float64Array(HEAD + RUN_STRIDE * runs.length);
    const h = this.engineHyper;
    h[0] = 1 / (1 - powInt(this.beta1, t));
    h[1] = 1 / (1 - powInt(this.beta2, t));
    h[2] = this.beta1, h[3] = this.beta2;
    for (let r = 0; r < runs.length; r++) {
      const [q, e0, e1, scale, ref] = runs[r];
      const a = lr * scale;
      const o = HEAD + RUN_STRIDE * r;
      h[o] = q, h[o + 1] = e0, h[o + 2] = e1, h[o + 3] = a;
      h[o + 4] = unitEps(this.eps, scale, ref);
      h[o + 5] = decay !== undefined && decay[q] !== 0 ? 1 - lr * ref * decay[q] : 1;
      h[o + 6] = l1 !== undefined && l1[q] !== 0 ? a * l1[q] : 0;
    }
    const status = run(h);
    if (status !== 1) st.t = t;
    return status;
  }
}
