/**
 * Fitting eq. 3 or eq. 4 to measured (current, power) points (the paper's Fig. 2b, 2c) by
 * Levenberg–Marquardt nonlinear least squares with an analytic Jacobian.
 *
 * Minimises SSR(θ) = Σᵢ (p(Iᵢ; θ) − Pᵢ)² over the free parameters θ (eq. 4: a, b, Ic, Q; eq. 3: Ic, Q;
 * both times a power scale P0, fixed at 1 for normalised data and fitted for data in physical
 * units such as nW), with optional fixed parameters and box bounds (steps are projected onto the
 * box, parameters on an active bound are held). Standard errors
 * are √diag(σ²·(JᵀJ)⁻¹) over the free parameters with σ² = SSR/(n − p_free), the usual asymptotic
 * estimate for independent, equal-variance noise.
 *
 * Derivatives used (r = (I − Ic)/(I + Q·Ic), g = ½(1 + tanh(aI − b)), s = 1 − tanh²(aI − b)):
 * - ∂r/∂Ic = −I·(1 + Q)/(I + Q·Ic)²,  ∂r/∂Q = −Ic·(I − Ic)/(I + Q·Ic)²
 * - eq. 4: ∂p/∂a = ½·s·I·r, ∂p/∂b = −½·s·r, ∂p/∂Ic = g·∂r/∂Ic, ∂p/∂Q = g·∂r/∂Q
 * - eq. 3: ∂p/∂Ic = ∂r/∂Ic and ∂p/∂Q = ∂r/∂Q above threshold, 0 below it.
 * - with the scale: every column times P0, and ∂p/∂P0 = p/P0.
 */
import type { DeviceCurve } from "./curve.js";
import { eq3, eq4, type Units } from "./analytic.js";
import { eq4Spec, eq4SpecGradient } from "./eq4.js";
import { InputError, ComputationError } from "../util/errors.js";
import { show } from "../util/check.js";

/** Models {@link fitCurve} can fit. */
export type FitModel = "eq4" | "eq3";

/** Allowed {@link FitModel} values. */
export const FIT_MODELS: readonly FitModel[] = ["eq4", "eq3"];

/** A parameter name of eq. 4 or eq. 3. */
export type FitParameter = "a" | "b" | "Ic" | "Q" | "P0";

/** The parameters of each model, in the order results list them. */
export const FIT_PARAMETERS: Readonly<Record<FitModel, readonly FitParameter[]>> = Object.freeze({
  eq4: ["a", "b", "Ic", "Q", "P0"],
  eq3: ["Ic", "Q", "P0"],
});

/** Options of {@link fitCurve}; every field optional. */
export interface FitOptions {
  /** Parameters held at a given value (not fitted). @default {} */
  fixed?: Partial<Record<FitParameter, number>>;
  /**
   * Box bounds [lo, hi] per parameter (use ±Infinity for a one-sided bound). @default Q > 0 (eq4)
   * or Q > −1 (eq3), so the pole stays off the driven side; Ic keeps the sign of the initial guess.
   */
  bounds?: Partial<Record<FitParameter, readonly [number, number]>>;
  /** Starting values that replace the automatic initial guess. @default {} (automatic) */
  initial?: Partial<Record<FitParameter, number>>;
  /** Iteration limit of each Levenberg–Marquardt run. @default 300 */
  maxIterations?: number;
  /** Relative tolerance on the SSR decrease and on the step size that ends the iteration. @default 1e-10 */
  tolerance?: number;
  /**
   * Throw ComputationError (a failed computation, not bad input) when the fit does not converge;
   * false returns the result with `converged` = false (the CLI then reports a failed fit). @default true
   */
  requireConvergence?: boolean;
  /**
   * The power scale P0: `fixed` at 1 (normalised power, or at `fixed.P0`), `free` (fitted), or `auto`:
   * fitted when the power has a unit (`units.powerUnit`, e.g. "nW") or exceeds the normalised
   * model's range (max power > 1); unitless powers within 0..1 are read as normalised (P0 fixed at
   * 1) only when a fit with P0 free finds P0 within 3 standard errors of 1, so a curve in W
   * (powers ~1e-8) still gets its P0 fitted.
   * @default "auto"
   */
  scale?: "auto" | "fixed" | "free";
  /** Units written into the fitted curve. @default {} */
  units?: Units;
  /** Prefix for error messages, e.g. "curve.csv: ". @default "" */
  where?: string;
}

/** What {@link fitCurve} returns. */
export interface FitResult {
  /** The fitted model. */
  model: FitModel;
  /** Fitted (and fixed) parameter values. */
  params: Record<FitParameter, number>;
  /** Standard errors (0 for fixed parameters; NaN when JᵀJ is singular, i.e. not identifiable). */
  standardErrors: Record<FitParameter, number>;
  /** Names of the fixed parameters. */
  fixed: FitParameter[];
  /**
   * Free parameters that ended on a bound (default or given): their standard errors describe the
   * curvature there, not a confidence interval, and the data do not determine them.
   */
  atBound: FitParameter[];
  /** Starting point of the winning run. */
  initial: Record<FitParameter, number>;
  /** √(SSR/n), in the power unit. */
  rms: number;
  /** Coefficient of determination 1 − SSR/SST. */
  r2: number;
  /** Sum of squared residuals. */
  ssr: number;
  /** Number of points. */
  n: number;
  /** Levenberg–Marquardt iterations of the winning run. */
  iterations: number;
  /** True when the winning run met the tolerance (or stopped at a stationary point of the box). */
  converged: boolean;
  /** The fitted device, validated (throws if the fit left the valid parameter region). */
  curve: DeviceCurve;
}

const NAMES: readonly FitParameter[] = ["a", "b", "Ic", "Q", "P0"];
/** Length of θ = [a, b, Ic, Q, P0]. */
const NP = 5;
const MIN_POINTS: Record<FitModel, number> = { eq4: 6, eq3: 4 };

/**
 * Kernel: residuals rᵢ = p(Iᵢ; θ) − Pᵢ and the Jacobian Jᵢⱼ = ∂p(Iᵢ)/∂θⱼ (row-major, n × 5,
 * columns a, b, Ic, Q, P0; eq. 3 leaves the a and b columns 0). θ = [a, b, Ic, Q, P0], the model
 * being P0 times eq. 3 or eq. 4 (so ∂p/∂P0 = p/P0). Returns the SSR.
 */
export function residualsKernel(
  model: FitModel,
  n: number,
  I: Float64Array,
  P: Float64Array,
  theta: Float64Array,
  r: Float64Array,
  J: Float64Array | null,
): number {
  const a = theta[0], b = theta[1], Ic = theta[2], Q = theta[3], P0 = theta[4];
  const s = Ic < 0 ? -1 : 1;
  let ssr = 0;
  for (let i = 0; i < n; i++) {
    const x = I[i];
    let v: number;
    if (model === "eq4") {
      // The specification's value and Jacobian row (src/device/eq4.ts).
      v = J !== null ? eq4SpecGradient(x, a, b, Ic, Q, P0, J, NP * i) : eq4Spec(x, a, b, Ic, Q, P0);
    } else {
      const den = x + Q * Ic;
      const inv = 1 / den;
      const rr = (x - Ic) * inv;
      const above = (x - Ic) * s >= 0;
      const p = above ? rr : 0;
      if (J !== null) {
        const o = NP * i;
        J[o] = 0;
        J[o + 1] = 0;
        J[o + 2] = above ? P0 * (-x * (1 + Q) * inv * inv) : 0;
        J[o + 3] = above ? P0 * (-Ic * (x - Ic) * inv * inv) : 0;
        J[o + 4] = p;
      }
      v = P0 * p;
    }
    const e = v - P[i];
    r[i] = e;
    ssr += e * e;
  }
  return ssr;
}

/** Resolved options. */
interface Resolved {
  fixed: Map<number, number>;
  lo: Float64Array;
  hi: Float64Array;
  maxIterations: number;
  tolerance: number;
}

interface Run {
  theta: Float64Array;
  ssr: number;
  iterations: number;
  /** True when the winning run met the tolerance (or stopped at a stationary point of the box). */
  converged: boolean;
  start: Float64Array;
}

// Solves the symmetric positive-definite m × m system A x = y in place (Cholesky); false if not SPD.
function choleskySolve(m: number, A: Float64Array, y: Float64Array, x: Float64Array): boolean {
  for (let j = 0; j < m; j++) {
    let d = A[j * m + j];
    for (let k = 0; k < j; k++) d -= A[j * m + k] * A[j * m + k];
    if (!(d > 0)) return false;
    const l = Math.sqrt(d);
    A[j * m + j] = l;
    for (let i = j + 1; i < m; i++) {
      let s = A[i * m + j];
      for (let k = 0; k < j; k++) s -= A[i * m + k] * A[j * m + k];
      A[i * m + j] = s / l;
    }
  }
  for (let i = 0; i < m; i++) {
    let s = y[i];
    for (let k = 0; k < i; k++) s -= A[i * m + k] * x[k];
    x[i] = s / A[i * m + i];
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = x[i];
    for (let k = i + 1; k < m; k++) s -= A[k * m + i] * x[k];
    x[i] = s / A[i * m + i];
  }
  return true;
}

// One Levenberg–Marquardt run from `start` (Marquardt's diagonal scaling, projected steps).
function levenbergMarquardt(model: FitModel, I: Float64Array, P: Float64Array, start: Float64Array, free: number[], o: Resolved): Run {
  const n = I.length, m = free.length;
  const theta = Float64Array.from(start);
  const trial = new Float64Array(NP);
  const r = new Float64Array(n), rt = new Float64Array(n);
  const J = new Float64Array(NP * n);
  const A = new Float64Array(m * m), g = new Float64Array(m), D = new Float64Array(m), step = new Float64Array(m);
  let ssr = residualsKernel(model, n, I, P, theta, r, J);
  if (!Number.isFinite(ssr)) return { theta, ssr: Infinity, iterations: 0, converged: false, start };
  let lambda = 1e-3;
  let it = 0;
  let converged = ssr === 0;
  while (!converged && it < o.maxIterations) {
    it++;
    // Normal equations over the free columns: JᵀJ and Jᵀr.
    for (let p = 0; p < m; p++) {
      const cp = free[p];
      let gs = 0;
      for (let i = 0; i < n; i++) gs += J[NP * i + cp] * r[i];
      g[p] = gs;
      for (let q = 0; q <= p; q++) {
        const cq = free[q];
        let s = 0;
        for (let i = 0; i < n; i++) s += J[NP * i + cp] * J[NP * i + cq];
        A[p * m + q] = s;
        A[q * m + p] = s;
      }
      D[p] = Math.max(A[p * m + p], 1e-30);
    }
    // Active set: a parameter sitting on a bound that the gradient pushes outward is held there
    // for this iteration, so the other parameters' step does not assume it moves.
    const act: number[] = [];
    for (let p = 0; p < m; p++) {
      const c = free[p];
      if (!((theta[c] <= o.lo[c] && g[p] > 0) || (theta[c] >= o.hi[c] && g[p] < 0))) act.push(p);
    }
    const ma = act.length;
    if (ma === 0) {
      converged = true;
      break;
    }
    const M = new Float64Array(ma * ma), rhs = new Float64Array(ma), sol = new Float64Array(ma);
    let accepted = false;
    while (lambda < 1e16) {
      for (let i = 0; i < ma; i++) {
        for (let j = 0; j < ma; j++) M[i * ma + j] = A[act[i] * m + act[j]];
        M[i * ma + i] += lambda * D[act[i]];
        rhs[i] = -g[act[i]];
      }
      const ok = choleskySolve(ma, M, rhs, sol);
      step.fill(0);
      for (let i = 0; i < ma; i++) step[act[i]] = sol[i];
      if (ok) {
        trial.set(theta);
        for (let p = 0; p < m; p++) {
          const c = free[p];
          trial[c] = Math.min(o.hi[c], Math.max(o.lo[c], theta[c] + step[p]));
        }
        const st = residualsKernel(model, n, I, P, trial, rt, null);
        if (Number.isFinite(st) && st <= ssr) {
          let dx = 0, xs = 0;
          for (let p = 0; p < m; p++) {
            const c = free[p];
            dx += (trial[c] - theta[c]) ** 2;
            xs += theta[c] ** 2;
          }
          const small = st === 0 || ssr - st <= o.tolerance * ssr || Math.sqrt(dx) <= o.tolerance * (Math.sqrt(xs) + o.tolerance);
          theta.set(trial);
          ssr = residualsKernel(model, n, I, P, theta, r, J);
          lambda = Math.max(lambda / 3, 1e-12);
          accepted = true;
          converged = small;
          break;
        }
      }
      lambda *= 4;
    }
    if (!accepted) {
      // No descent step exists at any damping: a (possibly constrained) stationary point if the
      // projected gradient vanishes, else a failure.
      let gmax = 0;
      for (let p = 0; p < m; p++) {
        const c = free[p];
        const atBound = (theta[c] <= o.lo[c] && g[p] > 0) || (theta[c] >= o.hi[c] && g[p] < 0);
        if (!atBound) gmax = Math.max(gmax, Math.abs(g[p]) / Math.sqrt(D[p]));
      }
      converged = gmax <= 1e-6 * Math.sqrt(ssr + 1e-300) + 1e-300;
      break;
    }
  }
  return { theta, ssr, iterations: it, converged, start };
}

// Median of a non-empty list (copies).
function median(v: number[]): number {
  const s = [...v].sort((x, y) => x - y);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : 0.5 * (s[h - 1] + s[h]);
}

/**
 * Automatic initial guesses, computed in "excited" coordinates x = polarity·I where the power rises
 * with x (so Ic ↦ xc = |Ic| > 0 and a ↦ polarity·a):
 * - xc (Ic) from the onset of power: where p first reaches 10% of its maximum, tried at 0.6, 0.8, 1
 *   and 1.1 times that onset;
 * - Q from the curvature: eq. 3 solved for Q at the points above half maximum, Q = ((x − xc)/p − x)/xc,
 *   median;
 * - a and b from the tail: atanh(2p/r(x) − 1) = a·x − b is linear in x where the prefactor is
 *   between 2% and 98%; least-squares line (fallback: a = 8/xon, b = a·xon).
 * Works on normalised powers (P0 = 1); returns several candidate θ = [a, b, Ic, Q, 1]; the best
 * fit over all of them wins.
 */
export function initialGuesses(model: FitModel, I: Float64Array, P: Float64Array, fixedIc?: number): Float64Array[] {
  const n = I.length;
  let best = 0, pMax = -Infinity, pMin = Infinity;
  for (let i = 0; i < n; i++) {
    if (P[i] > pMax) {
      pMax = P[i];
      best = i;
    }
    if (P[i] < pMin) pMin = P[i];
  }
  const s = I[best] < 0 ? -1 : 1;
  const order = Array.from({ length: n }, (_, i) => i)
    .filter((i) => s * I[i] > 0)
    .sort((i, j) => s * I[i] - s * I[j]);
  const xs = order.map((i) => s * I[i]), ps = order.map((i) => P[i]);
  const level = Math.max(0, pMin) + 0.1 * (pMax - Math.max(0, pMin));
  let xon = xs.length ? xs[xs.length - 1] : Math.abs(I[best]) || 1;
  for (let k = 0; k < xs.length; k++) {
    if (ps[k] >= level) {
      xon = k === 0 || ps[k] === ps[k - 1] ? xs[k] : xs[k - 1] + ((level - ps[k - 1]) * (xs[k] - xs[k - 1])) / (ps[k] - ps[k - 1]);
      break;
    }
  }
  if (!(xon > 0)) xon = Math.abs(I[best]) || 1;
  const out: Float64Array[] = [];
  for (const f of fixedIc === undefined ? [1, 0.8, 0.6, 1.1] : [1]) {
    const xc = fixedIc === undefined ? f * xon : Math.abs(fixedIc);
    const qs: number[] = [];
    for (let k = 0; k < xs.length; k++) {
      if (ps[k] > 0.5 * pMax && xs[k] > xc) qs.push(((xs[k] - xc) / ps[k] - xs[k]) / xc);
    }
    let Q = qs.length ? median(qs) : 1;
    Q = Math.min(50, Math.max(model === "eq4" ? 1e-3 : -0.9, Number.isFinite(Q) ? Q : 1));
    let a = 8 / xon, b = a * xon;
    if (model === "eq4") {
      let sx = 0, sy = 0, sxx = 0, sxy = 0, cnt = 0;
      for (let k = 0; k < xs.length; k++) {
        const rr = (xs[k] - xc) / (xs[k] + Q * xc);
        if (!(rr > 0)) continue;
        const gk = ps[k] / rr;
        if (!(gk > 0.02 && gk < 0.98)) continue;
        const y = Math.atanh(2 * gk - 1);
        sx += xs[k];
        sy += y;
        sxx += xs[k] * xs[k];
        sxy += xs[k] * y;
        cnt++;
      }
      const det = cnt * sxx - sx * sx;
      if (cnt >= 2 && det > 0) {
        const slope = (cnt * sxy - sx * sy) / det;
        if (slope > 0 && Number.isFinite(slope)) {
          a = slope;
          b = slope * (sx / cnt) - sy / cnt;
        }
      }
    }
    out.push(Float64Array.from([s * a, b, fixedIc ?? s * xc, Q, 1]));
  }
  return out;
}

/** Least fall of a curve's binned means, as a fraction of their range, that {@link nonMonotone} reports. */
export const NON_MONOTONE_FALL = 0.15;

/**
 * Whether a measured curve rises and falls, so that no eq. 4 or eq. 3 curve (each monotone in the
 * current on its driven side) can follow it, while a table device (monotone cubic pieces through
 * every point, rising and falling with the data) can. The points are sorted by current and
 * averaged in bins of at least 3 (at most 12 bins), so noise on a monotone curve does not count;
 * the curve is non-monotone when the bin means fall by more than {@link NON_MONOTONE_FALL} of their
 * range, and by more than 5 times the noise of a difference of two bin means (the noise estimated
 * from successive points), both going up and going down in current (a peak or a dip).
 * @returns the current of the largest bin mean and the smaller of the two falls (fraction of the
 *   range), or null for a curve that is monotone up to that tolerance (or has fewer than 6 points).
 */
export function nonMonotone(current: ArrayLike<number>, power: ArrayLike<number>): { peakCurrent: number; fall: number } | null {
  const n = Math.min(current.length, power.length);
  if (n < 6) return null;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => current[a] - current[b]);
  const bins = Math.min(12, Math.floor(n / 3));
  const mi: number[] = [], mp: number[] = [];
  for (let b = 0; b < bins; b++) {
    const lo = Math.floor((b * n) / bins), hi = Math.floor(((b + 1) * n) / bins);
    let si = 0, sp = 0;
    for (let q = lo; q < hi; q++) {
      si += current[order[q]];
      sp += power[order[q]];
    }
    mi.push(si / (hi - lo));
    mp.push(sp / (hi - lo));
  }
  const range = Math.max(...mp) - Math.min(...mp);
  if (!(range > 0)) return null;
  // The largest fall below an earlier maximum, walking up in current and walking down.
  let up = 0, down = 0;
  for (let b = 0, top = -Infinity; b < bins; b++) {
    top = Math.max(top, mp[b]);
    up = Math.max(up, top - mp[b]);
  }
  for (let b = bins - 1, top = -Infinity; b >= 0; b--) {
    top = Math.max(top, mp[b]);
    down = Math.max(down, top - mp[b]);
  }
  // Noise: the spread of successive points (a bound from above on a smooth curve), and that of a
  // difference of two bin means; a fall within 5 of those is noise, not shape (a flat noisy curve).
  let ss = 0;
  for (let q = 1; q < n; q++) ss += (power[order[q]] - power[order[q - 1]]) ** 2;
  const noise = Math.sqrt(ss / (2 * (n - 1))) * Math.sqrt(2 / Math.floor(n / bins));
  const fall = Math.min(up, down) / range;
  if (!(fall > NON_MONOTONE_FALL) || !(Math.min(up, down) > 5 * noise)) return null;
  return { peakCurrent: mi[mp.indexOf(Math.max(...mp))], fall };
}

/** Smallest R² {@link fitFailure} accepts: below it the curve is not described by the model. */
export const FIT_MIN_R2 = 0.9;

/**
 * Largest standard error {@link fitFailure} accepts, as a multiple of the parameter's size (|value|;
 * for Q, whose size is relative to 1, max(|Q|, 1)). Eight points of an eq. 4 curve fitted
 * Ic = −0.0018 ± 5.4 mA and Q = 9311 ± 2.8·10⁷ (errors 3000× the values) where the data show a
 * threshold near −3 mA: a curve the data do not pin down, however well it passes through them.
 */
export const FIT_MAX_RELATIVE_ERROR = 10;

/**
 * Why a fit is not a usable device, or null when it is: it did not converge (a result of
 * `requireConvergence: false`), R² below
 * {@link FIT_MIN_R2} (flat or noisy data, or the wrong model), or a fitted (free, not at a bound)
 * parameter whose standard error cannot be computed (JᵀJ singular: the data do not determine it,
 * so its value may be anything, e.g. a = −158 on a flat curve) or exceeds
 * {@link FIT_MAX_RELATIVE_ERROR} times its size (a, Ic, Q, P0; b is an offset that may be near 0).
 */
export function fitFailure(fit: FitResult): string | null {
  if (!fit.converged) {
    return `the fit of ${fit.model} did not converge within ${fit.iterations} iterations (RMS residual ${fit.rms.toPrecision(3)}, R² ${Number.isFinite(fit.r2) ? fit.r2.toFixed(3) : String(fit.r2)})`;
  }
  if (!(fit.r2 >= FIT_MIN_R2)) {
    return `R² ${Number.isFinite(fit.r2) ? fit.r2.toFixed(3) : String(fit.r2)} is below ${FIT_MIN_R2}: the data do not follow ${fit.model} (a flat or noisy curve, or the wrong columns?)`;
  }
  for (const k of FIT_PARAMETERS[fit.model]) {
    if (fit.fixed.includes(k) || fit.atBound.includes(k)) continue;
    const v = fit.params[k], se = fit.standardErrors[k];
    if (!Number.isFinite(se)) return `the standard error of ${k} cannot be computed: the data do not determine ${k} (${k} = ${v.toPrecision(4)})`;
  }
  for (const k of FIT_PARAMETERS[fit.model]) {
    if (k === "b" || fit.fixed.includes(k) || fit.atBound.includes(k)) continue;
    const v = fit.params[k], se = fit.standardErrors[k];
    const size = k === "Q" ? Math.max(Math.abs(v), 1) : Math.abs(v);
    if (se > FIT_MAX_RELATIVE_ERROR * size) {
      return `the data do not determine ${k}: ${k} = ${v.toPrecision(4)} ± ${se.toPrecision(4)}, a standard error ${(se / size).toPrecision(3)} times ${k === "Q" && Math.abs(v) < 1 ? "1" : "its value"} (too few points, or none where ${k} shows: measure more points)`;
    }
  }
  return null;
}

function resolve(model: FitModel, options: FitOptions, guess: Float64Array): Resolved {
  const where = options.where ?? "";
  const fixed = new Map<number, number>();
  const allowed = FIT_PARAMETERS[model];
  for (const [name, v] of Object.entries(options.fixed ?? {})) {
    if (!(allowed as readonly string[]).includes(name)) {
      throw new InputError(`${where}cannot fix ${show(name)}: ${model} has parameters ${allowed.join(", ")}`);
    }
    if (typeof v !== "number" || !Number.isFinite(v)) throw new InputError(`${where}fixed ${name} must be a finite number (got ${show(v)})`);
    fixed.set(NAMES.indexOf(name as FitParameter), v);
  }
  const lo = Float64Array.from([-Infinity, -Infinity, -Infinity, model === "eq4" ? 1e-9 : -1 + 1e-9, 1e-12 * Math.abs(guess[4])]);
  const hi = Float64Array.from([Infinity, Infinity, Infinity, Infinity, Infinity]);
  const Ic0 = fixed.get(2) ?? options.initial?.Ic ?? guess[2];
  if (Ic0 > 0) lo[2] = 1e-12 * Math.abs(Ic0);
  else hi[2] = -1e-12 * Math.abs(Ic0);
  for (const [name, bound] of Object.entries(options.bounds ?? {})) {
    if (!(allowed as readonly string[]).includes(name)) {
      throw new InputError(`${where}cannot bound ${show(name)}: ${model} has parameters ${allowed.join(", ")}`);
    }
    const [l, h] = bound as readonly [number, number];
    if (Number.isNaN(l) || Number.isNaN(h) || !(l <= h)) {
      throw new InputError(`${where}bounds for ${name} must satisfy lo <= hi (got ${show(l)}:${show(h)})`);
    }
    const c = NAMES.indexOf(name as FitParameter);
    lo[c] = Math.max(lo[c], l);
    hi[c] = Math.min(hi[c], h);
    if (!(lo[c] <= hi[c])) {
      throw new InputError(`${where}bounds for ${name} (${show(l)}:${show(h)}) exclude every valid value (${name === "Q" ? (model === "eq4" ? "Q > 0" : "Q > -1") : "Ic keeps one sign"})`);
    }
  }
  const maxIterations = options.maxIterations ?? 300;
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new InputError(`${where}maxIterations must be an integer >= 1 (got ${show(maxIterations)})`);
  }
  const tolerance = options.tolerance ?? 1e-10;
  if (!(tolerance > 0 && tolerance < 1)) throw new InputError(`${where}tolerance must be in (0, 1) (got ${show(tolerance)})`);
  return { fixed, lo, hi, maxIterations, tolerance };
}

/**
 * Fits eq. 4 or eq. 3 to (current, power) points by Levenberg–Marquardt.
 * @param model "eq4" or "eq3".
 * @param current currents in the device's unit (finite; any order).
 * @param power measured powers (finite), same length.
 * @param options fixed parameters, bounds, initial guess, iteration limit (see {@link FitOptions}).
 * @throws InputError (one line) for too few points (eq4 needs 6, eq3 4, and more than the number
 *   of free parameters), mismatched lengths, non-finite values, a constant curve or bad options.
 * @throws ComputationError (one line) for a fit that does not converge (unless `requireConvergence`
 *   is false) or whose parameters are not a valid device: the input was fine, the fit failed.
 *
 * Units do not matter: the fit runs on currents and powers divided by powers of two near their
 * largest magnitudes (exact in binary floating point) and the parameters are scaled back, so the
 * same curve in mA and nW, in A and W, or divided by 20 gives the same a·I, b, Q and Ic/I. With
 * `scale: "auto"` P0 is fitted when the power has a unit (`units.powerUnit`) or exceeds 1.
 * @example fitCurve("eq4", I, P).params // ≈ { a: 4, b: 5, Ic: 1, Q: 2 } for the paper's device
 */
export function fitCurve(model: FitModel, current: ArrayLike<number>, power: ArrayLike<number>, options: FitOptions = {}): FitResult {
  const where = options.where ?? "";
  if (!FIT_MODELS.includes(model)) throw new InputError(`${where}model must be one of ${FIT_MODELS.join(", ")} (got ${show(model)})`);
  const n = current.length;
  if (power.length !== n) throw new InputError(`${where}current and power must have the same length (got ${n} and ${power.length})`);
  let iMax = 0, pMax = -Infinity, pAbs = 0;
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(current[i])) throw new InputError(`${where}current[${i}] must be a finite number (got ${show(current[i])})`);
    if (!Number.isFinite(power[i])) throw new InputError(`${where}power[${i}] must be a finite number (got ${show(power[i])})`);
    iMax = Math.max(iMax, Math.abs(current[i]));
    pAbs = Math.max(pAbs, Math.abs(power[i]));
    if (power[i] > pMax) pMax = power[i];
  }
  const scale = options.scale ?? "auto";
  if (!["auto", "fixed", "free"].includes(scale)) throw new InputError(`${where}scale must be one of auto, fixed, free (got ${show(scale)})`);
  // auto: P0 is fitted when the power has a unit or exceeds 1; unitless powers within 0..1 are read
  // as normalised (P0 = 1) only when a fit with P0 free finds P0 within 3 standard errors of 1, so
  // the same curve in A and W (powers ~1e-8) still gets its scale fitted whatever the header says.
  const maybeNormalised = options.fixed?.P0 === undefined && scale === "auto" && !(pMax > 1 || (options.units?.powerUnit ?? "") !== "");
  const free = options.fixed?.P0 === undefined && (scale === "free" || (scale === "auto" && !maybeNormalised));
  // Exact scalings (powers of two) to order-one numbers; parameters map as a·sI, Ic/sI, P0/sP.
  const pow2 = (v: number): number => (v > 0 && Number.isFinite(v) ? 2 ** Math.round(Math.log2(v)) : 1);
  const sI = pow2(iMax), sP = pow2(pAbs);
  const toScaled: Record<FitParameter, number> = { a: sI, b: 1, Ic: 1 / sI, Q: 1, P0: 1 / sP };
  const mapParams = <T>(rec: Partial<Record<FitParameter, T>> | undefined, f: (k: FitParameter, v: T) => T): Partial<Record<FitParameter, T>> | undefined =>
    rec === undefined ? undefined : (Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, k in toScaled ? f(k as FitParameter, v as T) : v])) as Partial<Record<FitParameter, T>>);
  const fixedPhys = free || options.fixed?.P0 !== undefined ? options.fixed : { ...options.fixed, P0: 1 };
  const scaledOptions: FitOptions = {
    ...options,
    scale: free ? "free" : "fixed",
    fixed: mapParams(fixedPhys, (k, v: number) => v * toScaled[k]),
    initial: mapParams(options.initial, (k, v: number) => v * toScaled[k]),
    bounds: mapParams(options.bounds, (k, [lo, hi]: readonly [number, number]) => (toScaled[k] > 0 ? [lo * toScaled[k], hi * toScaled[k]] as const : [hi * toScaled[k], lo * toScaled[k]] as const)),
  };
  const I = Float64Array.from(current, (v) => v / sI), P = Float64Array.from(power, (v) => v / sP);
  let r: FitResult | undefined;
  if (maybeNormalised) {
    let trial: FitResult | undefined;
    try {
      trial = fitScaled(model, I, P, { ...scaledOptions, scale: "free", fixed: mapParams(options.fixed, (k, v: number) => v * toScaled[k]) }, sP);
    } catch {
      trial = undefined; // the free fit failed: read the data as normalised, as before
    }
    if (trial !== undefined) {
      const P0 = trial.params.P0 / toScaled.P0, se = trial.standardErrors.P0 / toScaled.P0;
      if (!(Math.abs(P0 - 1) <= 3 * se)) r = trial;
    }
  }
  r ??= fitScaled(model, I, P, scaledOptions, sP);
  const back = (rec: Record<FitParameter, number>): Record<FitParameter, number> => {
    const out = {} as Record<FitParameter, number>;
    for (const k of FIT_PARAMETERS[model]) out[k] = rec[k] / toScaled[k];
    return out;
  };
  const params = back(r.params);
  // The fitted device remembers the currents it was measured at (a network driving it far outside is warned about).
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, current[i]);
    hi = Math.max(hi, current[i]);
  }
  const units: Units = { ...options.units, ...(lo < hi ? { measuredCurrent: [lo, hi] as const } : {}) };
  let curve: DeviceCurve;
  try {
    curve = model === "eq4" ? eq4(params, units) : eq3(params, units);
  } catch (err) {
    throw new ComputationError(`${where}fitted parameters are not a valid device: ${(err as Error).message}`);
  }
  return { ...r, params, standardErrors: back(r.standardErrors), initial: back(r.initial), rms: r.rms * sP, ssr: r.ssr * sP * sP, curve };
}

/** {@link fitCurve} on scaled data; `powerScale` only turns residuals in messages back into the power unit. */
function fitScaled(model: FitModel, current: Float64Array, power: Float64Array, options: FitOptions, powerScale: number): FitResult {
  const where = options.where ?? "";
  if (!FIT_MODELS.includes(model)) throw new InputError(`${where}model must be one of ${FIT_MODELS.join(", ")} (got ${show(model)})`);
  const n = current.length;
  if (power.length !== n) throw new InputError(`${where}current and power must have the same length (got ${n} and ${power.length})`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(current[i])) throw new InputError(`${where}current[${i}] must be a finite number (got ${show(current[i])})`);
    if (!Number.isFinite(power[i])) throw new InputError(`${where}power[${i}] must be a finite number (got ${show(power[i])})`);
  }
  let pMax = -Infinity;
  for (let i = 0; i < n; i++) if (power[i] > pMax) pMax = power[i];
  const scale = options.scale ?? "auto";
  if (!["auto", "fixed", "free"].includes(scale)) throw new InputError(`${where}scale must be one of auto, fixed, free (got ${show(scale)})`);
  const scaleFree = options.fixed?.P0 === undefined && (scale === "free" || (scale === "auto" && pMax > 1));
  const fixedAll: Partial<Record<FitParameter, number>> = scaleFree || options.fixed?.P0 !== undefined ? { ...options.fixed } : { ...options.fixed, P0: 1 };
  options = { ...options, fixed: fixedAll };
  const nFree = FIT_PARAMETERS[model].filter((k) => fixedAll[k] === undefined).length;
  const need = Math.max(MIN_POINTS[model], nFree + 1);
  if (n < need) throw new InputError(`${where}too few points to fit ${model}: need at least ${need} (got ${n})`);
  const I = Float64Array.from(current), P = Float64Array.from(power);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += P[i];
  mean /= n;
  let sst = 0;
  for (let i = 0; i < n; i++) sst += (P[i] - mean) ** 2;
  if (!(sst > 1e-24 * Math.max(1, mean * mean) * n)) {
    throw new InputError(`${where}power is constant (${show(P[0] * powerScale)} at all ${n} points); nothing to fit`);
  }
  let distinct = 1;
  const sortedI = Float64Array.from(I).sort();
  for (let i = 1; i < n; i++) if (sortedI[i] !== sortedI[i - 1]) distinct++;
  if (distinct < need) throw new InputError(`${where}too few distinct currents to fit ${model}: need at least ${need} (got ${distinct})`);

  const fixedIc = options.fixed?.Ic ?? options.initial?.Ic;
  // Guesses are made on powers normalised by the starting P0 (1.2 × max power when P0 is fitted).
  const P0g = fixedAll.P0 ?? options.initial?.P0 ?? (pMax > 0 ? 1.2 * pMax : 1);
  const Pn = P.map((v) => v / P0g);
  const auto = initialGuesses(model, I, Pn, fixedIc);
  for (const g of auto) g[4] = P0g;
  const guesses = options.initial && Object.keys(options.initial).length > 0 ? [] : auto;
  if (guesses.length === 0) {
    const g = Float64Array.from(auto[0]);
    for (let c = 0; c < NP; c++) g[c] = options.initial?.[NAMES[c]] ?? auto[0][c];
    guesses.push(g);
  }
  const o = resolve(model, options, guesses[0]);
  const free = FIT_PARAMETERS[model].map((k) => NAMES.indexOf(k)).filter((c) => !o.fixed.has(c));
  let bestRun: Run | null = null;
  for (const g0 of guesses) {
    const g = Float64Array.from(g0);
    for (const [c, v] of o.fixed) g[c] = v;
    for (let c = 0; c < NP; c++) g[c] = Math.min(o.hi[c], Math.max(o.lo[c], g[c]));
    const run = levenbergMarquardt(model, I, P, g, free, o);
    if (bestRun === null || run.ssr < bestRun.ssr || (run.converged && !bestRun.converged && run.ssr <= bestRun.ssr * (1 + 1e-9))) bestRun = run;
  }
  const run = bestRun as Run;
  const prm = (v: Float64Array): Record<FitParameter, number> => {
    const out = {} as Record<FitParameter, number>;
    for (const k of FIT_PARAMETERS[model]) out[k] = v[NAMES.indexOf(k)];
    return out;
  };
  if (!Number.isFinite(run.ssr)) {
    throw new InputError(`${where}cannot fit ${model}: the model is not finite at the data for any starting point (a pole at I = -Q·Ic inside the data range?); give --initial values or bounds`);
  }
  const rms = Math.sqrt(run.ssr / n);
  if (!run.converged && options.requireConvergence !== false) {
    throw new ComputationError(
      `${where}fit of ${model} did not converge within ${o.maxIterations} iterations (RMS residual ${(rms * powerScale).toPrecision(3)}); try more iterations, fixed parameters or bounds`,
    );
  }
  // Standard errors from the Jacobian at the optimum.
  const r = new Float64Array(n), J = new Float64Array(NP * n);
  residualsKernel(model, n, I, P, run.theta, r, J);
  const m = free.length;
  const se = new Float64Array(NP);
  const dof = n - m;
  const sigma2 = run.ssr / dof;
  const A = new Float64Array(m * m);
  for (let p = 0; p < m; p++) {
    for (let q = 0; q < m; q++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += J[NP * i + free[p]] * J[NP * i + free[q]];
      A[p * m + q] = s;
    }
  }
  const e = new Float64Array(m), col = new Float64Array(m);
  for (let p = 0; p < m; p++) {
    e.fill(0);
    e[p] = 1;
    const ok = choleskySolve(m, Float64Array.from(A), e, col);
    se[free[p]] = ok && col[p] >= 0 ? Math.sqrt(sigma2 * col[p]) : NaN;
  }
  const params = prm(run.theta);
  let curve: DeviceCurve;
  try {
    curve = model === "eq4" ? eq4(params, options.units ?? {}) : eq3(params, options.units ?? {});
  } catch (err) {
    throw new ComputationError(`${where}fitted parameters are not a valid device: ${(err as Error).message}`);
  }
  return {
    model,
    params,
    standardErrors: prm(se),
    fixed: FIT_PARAMETERS[model].filter((k) => o.fixed.has(NAMES.indexOf(k))),
    atBound: FIT_PARAMETERS[model].filter((k) => {
      const c = NAMES.indexOf(k);
      if (o.fixed.has(c)) return false;
      const v = run.theta[c], tol = 1e-9 * Math.max(1, Math.abs(v));
      return Math.abs(v - o.lo[c]) <= tol || Math.abs(v - o.hi[c]) <= tol;
    }),
    initial: prm(run.start),
    rms,
    r2: 1 - run.ssr / sst,
    ssr: run.ssr,
    n,
    iterations: run.iterations,
    converged: run.converged,
    curve,
  };
}
