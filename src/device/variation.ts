/**
 * Device-to-device variation: every oscillator draws its own device parameters around a base curve
 * (paper section II-D, Fig. 4: parameter a of eq. 4, Gaussian). Pure: imports only the device
 * models and the seeded generator passed in.
 *
 * Distributions of a parameter x with base value x₀ and spread σ (z ~ N(0,1), u ~ U[0,1)):
 * - `normal`:    absolute x = x₀ + σ·z;            relative x = x₀·(1 + σ·z)
 * - `uniform`:   absolute x = x₀ + σ·√3·(2u − 1);   relative x = x₀·(1 + σ·√3·(2u − 1))  (std σ)
 * - `lognormal`: x = x₀·exp(s·z) with s = σ (relative) or s = σ/|x₀| (absolute, so that the
 *   spread near x₀ is ≈ σ); keeps the sign of x₀, never crosses zero.
 *
 * Which parameters apply: eq4 → a, b, Ic, Q; eq3 → Ic, Q; tables → none (refused).
 *
 * Non-physical draws (policy "redraw, then clip"): a draw is non-physical when Ic changes sign or
 * is zero, or Q leaves its valid range (eq4: Q > 0, eq3: Q > −1), i.e. the pole at I = −Q·Ic would
 * enter the driven current range. Such a draw is redrawn up to `MAX_REDRAWS` = 16 times (each
 * redraw counted in `redraws`); if it is still non-physical it is clipped to the nearest valid
 * value with a margin (Ic → 1e-3·Ic₀, eq4 Q → 1e-3·Q₀ > 0, eq3 Q → −1 + 1e-3·(1 + Q₀)), counted
 * in `clipped`. a and b are valid for any finite value.
 */
import type { DeviceCurve } from "./curve.js";
import { Eq3Curve, Eq4Curve } from "./analytic.js";
import type { Rng } from "../util/rng.js";
import { InputError } from "../util/errors.js";
import { oneOf, finite, show } from "../util/check.js";

/** Device parameters that can vary. */
export const VARIATION_PARAMS = ["a", "b", "Ic", "Q"] as const;
/** A device parameter that can vary. */
export type VariationParam = (typeof VARIATION_PARAMS)[number];
/** Distributions of a varied parameter. */
export const VARIATION_DISTRIBUTIONS = ["normal", "lognormal", "uniform"] as const;
/** A distribution of a varied parameter. */
export type VariationDistribution = (typeof VARIATION_DISTRIBUTIONS)[number];

/** Parameters each device model accepts for variation. */
export const MODEL_PARAMS: Readonly<Record<string, readonly VariationParam[]>> = Object.freeze({
  eq4: ["a", "b", "Ic", "Q"],
  eq3: ["Ic", "Q"],
});

/** Redraws tried for a non-physical draw before clipping. */
export const MAX_REDRAWS = 16;

/** What varies and how. */
export interface VariationSpec {
  /** Parameters drawn independently per oscillator (each with the same σ). */
  params: readonly VariationParam[];
  /** Spread σ ≥ 0: absolute (in the parameter's unit) or relative (fraction of the base value). */
  sigma: number;
  /** σ relative to the base value. @default false */
  relative?: boolean;
  /** @default "normal" */
  distribution?: VariationDistribution;
}

/** A validated spec with every field present. */
export interface ResolvedVariation {
  params: VariationParam[];
  sigma: number;
  relative: boolean;
  distribution: VariationDistribution;
}

/** Result of {@link drawDevices}. */
export interface DrawResult {
  /** One new curve per oscillator (the base curve itself when σ = 0). */
  devices: DeviceCurve[];
  /** Non-physical draws that were redrawn. */
  redraws: number;
  /** Parameters clipped to the nearest valid value after `MAX_REDRAWS` = 16 redraws. */
  clipped: number;
}

/**
 * The parameters a variation study varies when the user names none: `a` (the paper's Fig. 4) when
 * every device is eq. 4, else `Ic` when every device has a critical current (eq. 3, or eq. 3 mixed
 * with eq. 4), else none (a measured table has no parameters to vary).
 * @param devices the model's per-oscillator curves.
 */
export function defaultVariationParams(devices: readonly DeviceCurve[]): VariationParam[] {
  if (devices.every((d) => d.model === "eq4")) return ["a"];
  if (devices.every((d) => (MODEL_PARAMS[d.model] ?? []).includes("Ic"))) return ["Ic"];
  return [];
}

/**
 * The unit of a varied parameter of a device: a in 1/(current unit), Ic in the current unit, b and
 * Q dimensionless ("").
 * @example variationParamUnit("a", eq4({}, { currentUnit: "A" })) // "1/A"
 */
export function variationParamUnit(p: VariationParam, d: DeviceCurve): string {
  const u = d.currentUnit;
  return p === "a" ? (u ? `1/${u}` : "") : p === "Ic" ? u : "";
}

/** Absolute σ values below this fraction of a parameter's smallest |base value| barely vary it ({@link variationScaleWarning}). */
export const NEGLIGIBLE_SIGMA = 1e-3;
/** Absolute σ values above this multiple of a parameter's largest |base value| swamp it ({@link variationScaleWarning}). */
export const SWAMPING_SIGMA = 1;

/**
 * A warning when absolute σ values do not fit the base values of a device in physical units, else
 * null: σ is in the parameter's own unit, so the paper's grid (σ(a) up to 1 for a = 4) means
 * nothing for a curve fitted in A (a ≈ 1400 /A: σ = 0.5 is 0.04 % of it, every trial is the ideal
 * network) or swamps a threshold of 2·10⁻³ A. Warns when the largest σ is below
 * {@link NEGLIGIBLE_SIGMA} (0.1 %) of a varied parameter's smallest |base value| over the devices,
 * or the smallest nonzero σ above {@link SWAMPING_SIGMA} (1) times its largest (a normal draw then
 * flips the parameter's sign in more than 16 % of the devices: σ = 0.05 on a = 0.025 /µA scored
 * 41.9 % against 90.1 %, silently); never for relative σ.
 * @param flag what gives the relative form, e.g. "--relative".
 */
export function variationScaleWarning(devices: readonly DeviceCurve[], params: readonly VariationParam[], sigmas: readonly number[], relative: boolean, flag = "--relative"): string | null {
  const nonzero = sigmas.filter((s) => s > 0);
  if (relative || nonzero.length === 0) return null;
  const hi = Math.max(...nonzero), lo = Math.min(...nonzero);
  for (const p of params) {
    const values = devices.map((d) => Math.abs((d as unknown as Record<string, number>)[p])).filter((v) => Number.isFinite(v) && v > 0);
    if (values.length === 0) continue;
    const min = Math.min(...values), max = Math.max(...values);
    const unit = variationParamUnit(p, devices[0]);
    const base = `${p} = ${fmt(min)}${unit ? ` ${unit}` : ""}`;
    const pct = (x: number): string => `${fmt(x * 100)} %`;
    if (hi < NEGLIGIBLE_SIGMA * min) {
      return `σ is absolute, in the unit of ${p}${unit ? ` (${unit})` : ""}: ${nonzero.length === 1 ? `σ = ${fmt(hi)}` : `the largest, ${fmt(hi)},`} is ${pct(hi / min)} of ${base}, so the devices barely vary; give σ in ${unit || "that unit"} or pass ${flag} for a fraction of the base value`;
    }
    if (lo > SWAMPING_SIGMA * max) {
      return `σ is absolute, in the unit of ${p}${unit ? ` (${unit})` : ""}: ${nonzero.length === 1 ? `σ = ${fmt(lo)}` : `the smallest nonzero, ${fmt(lo)},`} is ${fmt(lo / max)} times ${p} = ${fmt(max)}${unit ? ` ${unit}` : ""}, so every draw is far from the device; give σ in ${unit || "that unit"} or pass ${flag} for a fraction of the base value`;
    }
  }
  return null;
}

/** Four significant digits, without trailing zeros. */
function fmt(x: number): string {
  return String(Number(x.toPrecision(4)));
}

/**
 * Validates a variation spec against the base devices.
 * @throws InputError naming the parameter when a device model does not have it (e.g. `a` on eq3,
 *   anything on a table), or for a bad σ / distribution.
 */
export function resolveVariation(spec: VariationSpec, base: readonly DeviceCurve[], where = "variation"): ResolvedVariation {
  if (!Array.isArray(spec.params) || spec.params.length === 0) throw new InputError(`${where}: params must list at least one of ${VARIATION_PARAMS.join(", ")}`);
  const params: VariationParam[] = [];
  for (const p of spec.params) {
    const v = oneOf(p, VARIATION_PARAMS, `${where}: param`);
    if (!params.includes(v)) params.push(v);
  }
  const sigma = finite(spec.sigma, `${where}: sigma`);
  if (sigma < 0) throw new InputError(`${where}: sigma must be >= 0 (got ${show(sigma)})`);
  const distribution = oneOf(spec.distribution ?? "normal", VARIATION_DISTRIBUTIONS, `${where}: distribution`);
  for (const d of base) {
    const allowed = MODEL_PARAMS[d.model] ?? [];
    for (const p of params) {
      if (!allowed.includes(p)) {
        throw new InputError(
          `${where}: parameter ${p} does not apply to ${d.model} devices (allowed: ${allowed.length ? allowed.join(", ") : "none; only eq4 and eq3 devices can vary"})`,
        );
      }
    }
  }
  return { params, sigma, relative: spec.relative ?? false, distribution };
}

/** One draw of parameter value around x0 (no validity check). */
export function drawValue(x0: number, sigma: number, relative: boolean, distribution: VariationDistribution, rng: Rng): number {
  switch (distribution) {
    case "normal": {
      const z = rng.normal();
      return relative ? x0 * (1 + sigma * z) : x0 + sigma * z;
    }
    case "uniform": {
      const w = sigma * Math.sqrt(3) * (2 * rng.uniform() - 1);
      return relative ? x0 * (1 + w) : x0 + w;
    }
    case "lognormal": {
      const z = rng.normal();
      const s = relative ? sigma : x0 === 0 ? 0 : sigma / Math.abs(x0);
      return x0 * Math.exp(s * z);
    }
  }
}

function valid(model: string, p: VariationParam, x: number, x0: number): boolean {
  if (!Number.isFinite(x)) return false;
  if (p === "Ic") return x !== 0 && Math.sign(x) === Math.sign(x0);
  if (p === "Q") return model === "eq4" ? x > 0 : x > -1;
  return true;
}

function clip(model: string, p: VariationParam, x0: number): number {
  if (p === "Ic") return 1e-3 * x0;
  if (p === "Q") return model === "eq4" ? 1e-3 * x0 : -1 + 1e-3 * (1 + x0);
  return x0;
}

/** Counters of non-physical draws ({@link DrawResult}'s `redraws` and `clipped`). */
export interface Counters {
  redraws: number;
  clipped: number;
}

function drawParam(model: string, p: VariationParam, x0: number, v: ResolvedVariation, rng: Rng, n: Counters): number {
  for (let attempt = 0; attempt <= MAX_REDRAWS; attempt++) {
    const x = drawValue(x0, v.sigma, v.relative, v.distribution, rng);
    if (valid(model, p, x, x0)) return x;
    if (attempt < MAX_REDRAWS) n.redraws++;
  }
  n.clipped++;
  return clip(model, p, x0);
}

/** Eq. 4 parameters of one oscillator's draw. */
export interface Eq4Draw {
  a: number;
  b: number;
  Ic: number;
  Q: number;
}

/**
 * Draws one eq. 4 oscillator's varied parameters (in `v.params` order) around base curve `d` into
 * `out` (the others keep their base values), following the redraw-then-clip policy and counting in
 * `n`. The one draw routine of {@link drawDevicesResolved} and of the fused robustness trial, so
 * both consume the same random stream. Allocates nothing. Call only with σ > 0.
 */
export function drawEq4Params(d: Eq4Curve, v: ResolvedVariation, rng: Rng, n: Counters, out: Eq4Draw): Eq4Draw {
  out.a = d.a;
  out.b = d.b;
  out.Ic = d.Ic;
  out.Q = d.Q;
  const ps = v.params;
  for (let j = 0; j < ps.length; j++) {
    const p = ps[j];
    out[p] = drawParam("eq4", p, d[p], v, rng, n);
  }
  return out;
}

/**
 * Draws one device per oscillator around the base curves: each varied parameter of each oscillator
 * is drawn independently (oscillator order, then parameter order a, b, Ic, Q as listed in
 * `spec.params`), so the stream consumed depends only on (spec, base) — deterministic for a seeded
 * `rng`. Non-physical draws follow the module's redraw-then-clip policy and are counted.
 * With σ = 0 the base curves are returned unchanged and no random numbers are drawn.
 * @example drawDevices(new Array(2).fill(eq4()), { params: ["a"], sigma: 0.25 }, new Rng(1)).devices[0].a // ≈ 4 ± 0.25
 * @throws InputError if a parameter does not apply to a device model (see `resolveVariation`).
 */
export function drawDevices(base: readonly DeviceCurve[], spec: VariationSpec | ResolvedVariation, rng: Rng): DrawResult {
  const v = resolveVariation(spec, base);
  return drawDevicesResolved(base, v, rng);
}

/** {@link drawDevices} without validation (the spec must come from `resolveVariation`). */
export function drawDevicesResolved(base: readonly DeviceCurve[], v: ResolvedVariation, rng: Rng): DrawResult {
  const n: Counters = { redraws: 0, clipped: 0 };
  const devices = new Array<DeviceCurve>(base.length);
  if (v.sigma === 0) {
    for (let i = 0; i < base.length; i++) devices[i] = base[i];
    return { devices, redraws: 0, clipped: 0 };
  }
  for (let i = 0; i < base.length; i++) {
    const d = base[i];
    const units = { currentUnit: d.currentUnit, powerUnit: d.powerUnit };
    if (d instanceof Eq4Curve) {
      const q = drawEq4Params(d, v, rng, n, { a: 0, b: 0, Ic: 0, Q: 0 });
      devices[i] = new Eq4Curve({ a: q.a, b: q.b, Ic: q.Ic, Q: q.Q, P0: d.P0 }, units);
    } else if (d instanceof Eq3Curve) {
      const q = { Ic: d.Ic, Q: d.Q, P0: d.P0 };
      for (const p of v.params) {
        if (p === "Ic" || p === "Q") q[p] = drawParam("eq3", p, d[p], v, rng, n);
      }
      devices[i] = new Eq3Curve(q, units);
    } else {
      throw new InputError(`variation: ${d.model} devices cannot vary (only eq4 and eq3)`);
    }
  }
  return { devices, redraws: n.redraws, clipped: n.clipped };
}

