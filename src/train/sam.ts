/**
 * Sharpness-aware minimisation (SAM; Foret, Kleiner, Mobahi & Neyshabur 2021): an update uses the
 * batch gradient at the worst nearby parameters instead of at θ,
 *
 *   g_SAM = ∇L(θ + ε),   ε = argmax_{‖ε‖ ≤ ρ} of the loss's first-order change = ρ·∇L/‖∇L‖,
 *
 * which prefers minima whose loss stays low in a whole neighbourhood (flat minima). Each SAM update
 * costs a second forward and adjoint pass on the same batch: the exact adjoint gives ∇L at θ
 * (which sets ε) and at θ + ε (which Adam then takes); the parameters are restored before Adam's
 * update, so only the gradient changes.
 *
 * Coordinates: the network's parameters have units (A in 1/√current, W in 1/power, …), so a ball
 * of radius ρ is taken in the dimensionless coordinates in which Adam's steps are alike,
 * θ̃ = θ/s with s the step scales of `updateScales` (src/train/train.ts): g̃ = s·g,
 * ε̃ = ρ·g̃/‖g̃‖, i.e. ε = ρ·s²·g/‖s·g‖. A device and its copy in other units (or another P0)
 * get the same ε̃. A trained network has ‖θ̃‖ ≈ 10 (docs/results.md), so ρ = 0.1 is about 1 % of it.
 *
 * Adaptive SAM (ASAM; Kwon, Kim, Park & Choi 2021) takes the ball in coordinates scaled by each
 * parameter's own size, T = |θ̃| + η (η = 0.01 (`ASAM_ETA`)): ε̃ = ρ·T²·g̃/‖T·g̃‖, so large
 * parameters move more and near-zero ones (e.g. pruned couplings) hardly at all.
 */
import { InputError } from "../util/errors.js";
import { greaterThan, inRange, integer, oneOf, show } from "../util/check.js";

/** Which parameters SAM perturbs: all of them, the dynamics A(t) and B(t), or the readout W and c. */
export const SAM_PARAMS = ["all", "dynamics", "readout"] as const;
/** One of {@link SAM_PARAMS}. */
export type SamParams = (typeof SAM_PARAMS)[number];

/** ASAM's η, added to |θ̃| so that a parameter at 0 still moves a little (the ASAM paper's 0.01). */
export const ASAM_ETA = 0.01;

/** Sharpness-aware minimisation settings ({@link TrainOptions.sam}; see this file's comment). */
export interface SharpnessOptions {
  /** Radius ρ of the neighbourhood, in the dimensionless coordinates θ/s (with `adaptive`, θ/(s·T)). > 0. */
  rho: number;
  /**
   * Fraction of the run's epochs before SAM starts (0 ≤ start < 1): epochs e ≥ start·epochs take
   * SAM updates, the earlier ones plain (e.g. 2/3: SAM in the last third, about 1.3× the cost of a
   * plain run instead of 2×). The restart trials are the run's first epochs. @default 0
   */
  start?: number;
  /** SAM on every `every`-th optimiser update (counted from the run's first), plain updates between. @default 1 */
  every?: number;
  /** Adaptive SAM: the ball scaled per parameter by |θ̃| + 0.01 (`ASAM_ETA`). @default false */
  adaptive?: boolean;
  /** Parameters perturbed (the others stay at θ for the second pass). @default "all" */
  params?: SamParams;
  /**
   * SAM only on updates whose batch the network classifies without an error (before the
   * perturbation; the others plain): where no boundary separates the training rows, the
   * worst-case direction is set by the rows it misclassifies. Classification only. @default false
   */
  whenFit?: boolean;
}

/** {@link SharpnessOptions} with every default filled in. */
export interface ResolvedSharpness {
  /** Radius ρ. */
  rho: number;
  /** Fraction of the epochs before SAM starts. */
  start: number;
  /** SAM on every this-many-th update. */
  every: number;
  /** Adaptive SAM. */
  adaptive: boolean;
  /** Parameters perturbed. */
  params: SamParams;
  /** SAM only on updates whose batch is classified without an error. */
  whenFit: boolean;
}

/** Validates SAM settings and fills in the defaults (throws InputError naming the setting); null for none. */
export function resolveSharpness(o: SharpnessOptions | null | undefined): ResolvedSharpness | null {
  if (o === undefined || o === null) return null;
  if (typeof o !== "object") throw new InputError(`sam must be an object { rho, start?, every?, adaptive?, params? } (got ${show(o)})`);
  const rho = greaterThan(o.rho, 0, "sam rho");
  if (rho > 1e6) throw new InputError(`sam rho must be in (0, 1e6] (got ${show(rho)})`);
  const start = inRange(o.start ?? 0, 0, 1, "sam start");
  if (start >= 1) throw new InputError(`sam start must be a fraction below 1, or SAM never runs (got ${show(start)})`);
  if (o.adaptive !== undefined && typeof o.adaptive !== "boolean") throw new InputError(`sam adaptive must be true or false (got ${show(o.adaptive)})`);
  if (o.whenFit !== undefined && typeof o.whenFit !== "boolean") throw new InputError(`sam whenFit must be true or false (got ${show(o.whenFit)})`);
  return {
    rho,
    start,
    every: integer(o.every ?? 1, 1, 1e9, "sam every"),
    adaptive: o.adaptive ?? false,
    params: oneOf(o.params ?? "all", SAM_PARAMS, "sam params"),
    whenFit: o.whenFit ?? false,
  };
}

/** True when epoch e (0-based) of a run of `epochs` epochs is in SAM's phase (e ≥ start·epochs). */
export function samEpoch(s: ResolvedSharpness | null, e: number, epochs: number): boolean {
  return s !== null && e >= s.start * epochs;
}

/**
 * True when optimiser update `update` (1-based) of an epoch in SAM's phase takes a SAM step, its
 * batch of `rows` rows having `correct` of them classified right at θ.
 */
export function samUpdate(s: ResolvedSharpness, update: number, correct: number, rows: number): boolean {
  return update % s.every === 0 && (!s.whenFit || correct === rows);
}

/** True when parameter array q of (A, B, W, c) is perturbed. */
function perturbed(s: ResolvedSharpness, q: number): boolean {
  return s.params === "all" || (s.params === "dynamics" ? q < 2 : q >= 2);
}

/**
 * Moves `params` (A, B, W, c) to θ + ε for the gradient `grads` at θ (see the file's comment),
 * after copying θ into `saved` (same shapes). `scales` are the step scales s per array (one number,
 * or one per entry). Returns false, changing nothing, when the scaled gradient's norm is 0 or not
 * finite (no direction to move in).
 */
export function samPerturb(params: readonly Float64Array[], grads: readonly Float64Array[], scales: ReadonlyArray<number | Float64Array>, s: ResolvedSharpness, saved: readonly Float64Array[]): boolean {
  // ‖T·g̃‖² with g̃ = s·g (T = 1 without `adaptive`).
  let sum = 0;
  for (let q = 0; q < params.length; q++) {
    if (!perturbed(s, q)) continue;
    const p = params[q], g = grads[q], sq = scales[q];
    for (let e = 0; e < p.length; e++) {
      const se = typeof sq === "number" ? sq : sq[e];
      const t = s.adaptive ? Math.abs(p[e]) / se + ASAM_ETA : 1;
      const v = t * se * g[e];
      sum += v * v;
    }
  }
  const norm = Math.sqrt(sum);
  if (!(norm > 0) || !Number.isFinite(norm)) return false;
  const f = s.rho / norm;
  for (let q = 0; q < params.length; q++) {
    if (!perturbed(s, q)) continue;
    const p = params[q], g = grads[q], sq = scales[q];
    saved[q].set(p);
    for (let e = 0; e < p.length; e++) {
      const se = typeof sq === "number" ? sq : sq[e];
      const t = s.adaptive ? Math.abs(p[e]) / se + ASAM_ETA : 1;
      // ε = s·ε̃ with ε̃ = ρ·T²·g̃/‖T·g̃‖ and g̃ = s·g.
      p[e] += f * t * t * se * se * g[e];
    }
  }
  return true;
}

/** Puts back the parameters {@link samPerturb} saved (only the arrays it perturbed). */
export function samRestore(params: readonly Float64Array[], s: ResolvedSharpness, saved: readonly Float64Array[]): void {
  for (let q = 0; q < params.length; q++) if (perturbed(s, q)) params[q].set(saved[q]);
}
