/**
 * From device parameters to p(I): integrate the macrospin at each current, average the
 * observables after the transient, and record a per-current status instead of failing the sweep.
 * SI units inside (s, T, A); currents at the boundary are in the device's `currentUnit`.
 *
 * Each current k runs from m tilted by `initialTilt` away from p̂ with its own random stream
 * `deriveSeed(seed, k)`, so results do not depend on how the sweep is split across workers.
 */
import { InputError } from "../util/errors.js";
import { finite, greaterThan, inRange, integer, oneOf, show } from "../util/check.js";
import { deriveSeed, Rng } from "../util/rng.js";
import type { ResolvedDevice } from "./params.js";
import { LlgModel, maxAngularFrequency } from "./llg.js";
import { rk4Step, rk4Workspace } from "./integrators/rk4.js";
import { heunMaxStep, heunStep, heunWorkspace, thermalSigma } from "./integrators/heun.js";
import { ObservableAccumulator } from "./observables.js";

/** Status of one current of a sweep. */
export type PointStatus = "ok" | "not-settled" | "switched" | "diverged";

/** Options of a sweep (one object, resolved once by `resolveSweepOptions`). */
export interface SweepOptions {
  /** Simulated time per current, in s. @default 50e-9 */
  duration?: number;
  /** Time discarded before averaging, in s. @default duration / 2 */
  transient?: number;
  /** Time step, in s. @default RK4: 0.05/ω_max; Heun: min(0.05/ω_max, heunMaxStep(α, ω_max, 0.01)) */
  dt?: number;
  /** `auto` picks RK4 at T = 0 and Heun at T > 0. @default "auto" */
  integrator?: "auto" | "rk4" | "heun";
  /** Temperature, in K. @default device.temperature */
  temperature?: number;
  /** Seed of the sweep (each current uses deriveSeed(seed, index)). @default 1 */
  seed?: number;
  /** Initial angle between m and p̂, in rad. @default 0.05 */
  initialTilt?: number;
  /**
   * Settling check: a point is `not-settled` when the mean power of the first and second halves of
   * the averaging window differ by more than settleTolerance·max(mean power, 0.05), or when it
   * grows by more than settleTolerance·max(mean power, 1e-4); at T > 0 the difference must also
   * exceed 4 standard errors estimated from 16 batch means. @default 0.05
   */
  settleTolerance?: number;
  /** Mean power at or above which a point counts as switched (m reversed to −p̂). @default 0.95 */
  switchedPower?: number;
}

/** Complete sweep options, all SI. */
export interface ResolvedSweepOptions {
  duration: number;
  transient: number;
  dt: number;
  integrator: "rk4" | "heun";
  temperature: number;
  seed: number;
  initialTilt: number;
  settleTolerance: number;
  switchedPower: number;
  /** Total steps and steps before averaging. */
  steps: number;
  transientSteps: number;
  /** ω_max Δt and, for Heun, the spurious anti-damping (ω_max Δt)³/(8α). */
  omegaDt: number;
  antiDamping: number;
  /** Human-readable warnings about the chosen step (empty when fine). */
  warnings: string[];
}

/** One row of a p(I) curve. */
export interface CurvePoint {
  /** Current, in the device's current unit. */
  current: number;
  /** ⟨(1 − m·p̂)/2⟩ (dimensionless). */
  power: number;
  /** ⟨|m⊥|²⟩ (dimensionless). */
  transversePower: number;
  /** Precession frequency, in GHz. */
  frequencyGHz: number;
  /**
   * Whether the point settled: "ok", "not-settled" (lengthen the duration), "switched" (m reversed to −p̂)
   * or "diverged" (reduce dt); `message` says why.
   */
  status: PointStatus;
  /** Why the status is not ok (empty when ok). */
  message: string;
}

/**
 * Resolves sweep options against a device: fills defaults, picks the integrator and step,
 * checks the step-size rules and collects warnings.
 * @throws InputError for dt ≤ 0, non-finite values, a transient not shorter than the duration, or
 *   more than 2e9 steps.
 */
export function resolveSweepOptions(d: ResolvedDevice, o: SweepOptions = {}): ResolvedSweepOptions {
  const duration = o.duration === undefined ? 50e-9 : greaterThan(o.duration, 0, "duration (s)");
  const transient = o.transient === undefined ? duration / 2 : inRange(o.transient, 0, Infinity, "transient (s)");
  if (!(transient < duration)) throw new InputError(`transient must be shorter than duration (got ${show(transient)} s >= ${show(duration)} s)`);
  const temperature = o.temperature === undefined ? d.temperature : inRange(o.temperature, 0, 1e4, "temperature (K)");
  const requested = oneOf(o.integrator ?? "auto", ["auto", "rk4", "heun"] as const, "integrator");
  const integrator = requested === "auto" ? (temperature > 0 ? "heun" : "rk4") : requested;
  if (integrator === "rk4" && temperature > 0) {
    throw new InputError(`integrator rk4 is deterministic; use heun (or auto) for temperature > 0 (got ${temperature} K)`);
  }
  const omega = maxAngularFrequency(d);
  const heunLimit = heunMaxStep(d.alpha, omega, 0.01);
  const auto = omega > 0 ? (integrator === "heun" ? Math.min(0.05 / omega, heunLimit) : 0.05 / omega) : 1e-12;
  const dt = o.dt === undefined ? auto : greaterThan(o.dt, 0, "dt (s)");
  const steps = Math.round(duration / dt);
  if (steps > 2e9) throw new InputError(`duration/dt must be at most 2e9 steps (got ${show(steps)})`);
  if (steps < 4) throw new InputError(`duration/dt must be at least 4 steps (got ${show(steps)})`);
  const transientSteps = Math.min(steps - 2, Math.round(transient / dt));
  const omegaDt = omega * dt;
  const antiDamping = integrator === "heun" ? (omegaDt * omegaDt * omegaDt) / (8 * d.alpha) : 0;
  const warnings: string[] = [];
  if (integrator === "heun" && antiDamping > 0.01) {
    warnings.push(
      `dt = ${show(dt)} s is coarse for stochastic Heun: spurious anti-damping (ω·dt)³/(8α) = ${antiDamping.toPrecision(3)} of the damping (rule: dt <= (8α·0.01)^(1/3)/ω_max = ${heunLimit.toPrecision(3)} s)`,
    );
  }
  if (omegaDt > 0.5) warnings.push(`dt = ${show(dt)} s is coarse: ω_max·dt = ${omegaDt.toPrecision(3)} rad per step (keep it below 0.5, ideally 0.05)`);
  return {
    duration, transient, dt, integrator, temperature,
    seed: o.seed === undefined ? 1 : integer(o.seed, 0, Number.MAX_SAFE_INTEGER, "seed"),
    initialTilt: o.initialTilt === undefined ? 0.05 : inRange(o.initialTilt, 0, Math.PI, "initialTilt (rad)"),
    settleTolerance: o.settleTolerance === undefined ? 0.05 : greaterThan(o.settleTolerance, 0, "settleTolerance"),
    switchedPower: o.switchedPower === undefined ? 0.95 : inRange(o.switchedPower, 0, 1, "switchedPower"),
    steps, transientSteps, omegaDt, antiDamping, warnings,
  };
}

/** At T > 0, a drift between the half-window means counts only beyond this many standard errors. */
export const SETTLE_SIGMAS = 4;

/** Largest rotation of m in one step (rad) before a point is declared diverged. */
export const MAX_TURN = 1;
const COS_MAX_TURN = Math.cos(MAX_TURN);

/** Sets m to p̂ tilted by angle `tilt` towards the axis least aligned with p̂. */
export function initialMagnetisation(p: readonly number[], tilt: number, m: Float64Array): Float64Array {
  const ax = Math.abs(p[0]), ay = Math.abs(p[1]), az = Math.abs(p[2]);
  const t = ax <= ay && ax <= az ? [1, 0, 0] : ay <= az ? [0, 1, 0] : [0, 0, 1];
  const d = t[0] * p[0] + t[1] * p[1] + t[2] * p[2];
  const e = [t[0] - d * p[0], t[1] - d * p[1], t[2] - d * p[2]];
  const n = Math.hypot(e[0], e[1], e[2]);
  const c = Math.cos(tilt), s = Math.sin(tilt) / n;
  for (let i = 0; i < 3; i++) m[i] = c * p[i] + s * e[i];
  return m;
}

/** Steps between two calls of {@link simulateCurrent}'s progress tick (a power of two). */
export const TICK_STEPS = 4096;

/**
 * Simulates one current and returns its curve point. Never throws for a physical failure: a step
 * that turns m by more than `MAX_TURN` = 1 rad or gives NaN returns status `diverged`; a reversed
 * m `switched`; a drifting power `not-settled` (see {@link SweepOptions.settleTolerance}).
 * @param current in the device's current unit.
 * @param index position in the sweep (selects the random stream).
 * @param tick called with the number of steps done every `TICK_STEPS` steps (progress of a
 *   long current; it does not change the result).
 */
export function simulateCurrent(d: ResolvedDevice, o: ResolvedSweepOptions, current: number, index: number, tick?: (stepsDone: number) => void): CurvePoint {
  const model = new LlgModel(d, current * d.currentScale);
  const m = initialMagnetisation(d.polarizer, o.initialTilt, new Float64Array(3));
  const acc = new ObservableAccumulator(d.polarizer, o.steps - o.transientSteps);
  const dt = o.dt;
  const point = (status: PointStatus, message: string): CurvePoint => ({
    current,
    power: acc.count > 0 ? acc.power() : NaN,
    transversePower: acc.count > 0 ? acc.transversePower() : NaN,
    frequencyGHz: acc.count > 0 ? acc.frequency() / 1e9 : NaN,
    status,
    message,
  });
  const diverged = (s: number): CurvePoint =>
    point("diverged", `m turned by more than ${MAX_TURN} rad in one step (or became non-finite) at t = ${(s * dt).toExponential(3)} s; reduce --dt`);
  if (o.integrator === "rk4") {
    const w = rk4Workspace();
    for (let s = 0; s < o.steps; s++) {
      const x = m[0], y = m[1], z = m[2];
      rk4Step(model, m, dt, w);
      if (tick !== undefined && (s & (TICK_STEPS - 1)) === TICK_STEPS - 1) tick(s + 1);
      // A step that turns m by more than MAX_TURN (or yields NaN) has left the integrator's domain.
      if (!(x * m[0] + y * m[1] + z * m[2] >= COS_MAX_TURN)) return diverged(s);
      if (s >= o.transientSteps) acc.add(m, dt);
    }
  } else {
    const w = heunWorkspace();
    const rng = new Rng(deriveSeed(o.seed, index));
    const sigma = thermalSigma(d.alpha, o.temperature, d.gamma, d.Ms, d.volume, dt);
    const th = model.thermal;
    for (let s = 0; s < o.steps; s++) {
      if (sigma > 0) {
        th[0] = sigma * rng.normal();
        th[1] = sigma * rng.normal();
        th[2] = sigma * rng.normal();
      }
      const x = m[0], y = m[1], z = m[2];
      heunStep(model, m, dt, w);
      if (tick !== undefined && (s & (TICK_STEPS - 1)) === TICK_STEPS - 1) tick(s + 1);
      if (!(x * m[0] + y * m[1] + z * m[2] >= COS_MAX_TURN)) return diverged(s);
      if (s >= o.transientSteps) acc.add(m, dt);
    }
  }
  if (!Number.isFinite(m[0] + m[1] + m[2]) || !Number.isFinite(acc.power())) return point("diverged", "m became non-finite");
  const p = acc.power();
  if (p >= o.switchedPower) return point("switched", `m reversed to -p̂ (power ${p.toFixed(4)} >= ${o.switchedPower})`);
  const [p1, p2] = acc.halves();
  // Not settled: a drift of a sizeable power, or any growth (a slowly growing cone just above
  // threshold has tiny power but is not settled); a decaying small power is a return to rest and
  // counts as settled. At T > 0 half-window means fluctuate, so the drift must also exceed
  // SETTLE_SIGMAS standard errors estimated from batch means.
  const drift = p2 - p1;
  const large = Math.abs(drift) > o.settleTolerance * Math.max(p, 0.05) || drift > o.settleTolerance * Math.max(p, 1e-4);
  const significant = o.temperature > 0 ? !(Math.abs(drift) <= SETTLE_SIGMAS * acc.halvesError()) : true;
  if (large && significant) {
    return point("not-settled", `power drifted from ${p1.toFixed(4)} to ${p2.toFixed(4)} across the averaging window; lengthen --duration`);
  }
  return point("ok", "");
}

/**
 * Sweeps currents one after the other on this thread (see `src/node/llg-worker.ts` for the
 * parallel sweep, which gives identical results).
 * @param currents in the device's current unit.
 * @param onPoint called after each current with (index, point).
 */
export function sweepCurrents(
  d: ResolvedDevice,
  currents: ArrayLike<number>,
  options: SweepOptions = {},
  onPoint?: (index: number, point: CurvePoint) => void,
): CurvePoint[] {
  const o = resolveSweepOptions(d, options);
  const out: CurvePoint[] = [];
  for (let k = 0; k < currents.length; k++) {
    const pt = simulateCurrent(d, o, currents[k], k);
    out.push(pt);
    onPoint?.(k, pt);
  }
  return out;
}

/**
 * The currents FROM, FROM + STEP, … up to TO (included when it lies on the grid, within 1e-9 of a
 * step), in the device's current unit.
 * @param name used in messages. @throws InputError for a value that is not finite, a STEP that is
 *   zero or points away from TO, or more than 100000 points.
 * @example currentGrid(0, 2, 0.5) // [0, 0.5, 1, 1.5, 2]
 */
export function currentGrid(from: number, to: number, step: number, name = "currents"): Float64Array {
  finite(from, `${name} FROM`);
  finite(to, `${name} TO`);
  finite(step, `${name} STEP`);
  if (step === 0 || (to - from) * step < 0) {
    throw new InputError(`${name} STEP must be non-zero and point from FROM towards TO (got ${from}:${to}:${step})`);
  }
  const n = Math.floor((to - from) / step + 1e-9) + 1;
  if (n > 100000) throw new InputError(`${name} gives ${n} currents; at most 100000 allowed`);
  const out = new Float64Array(n);
  for (let k = 0; k < n; k++) out[k] = from + k * step;
  return out;
}

/** Rounds a current to 12 significant digits for output (removes FROM + k·STEP float noise). */
export function tidyCurrent(x: number): number {
  return Number(x.toPrecision(12));
}

/** Checks a current list: finite values. */
export function checkCurrents(currents: ArrayLike<number>, name = "currents"): void {
  for (let i = 0; i < currents.length; i++) finite(currents[i], `${name}[${i}]`);
}
