/**
 * How fast an STNO's oscillation power follows a change of its current: the power relaxation time
 * τ, measured with the macrospin simulator and, in the axially symmetric case, in closed form.
 * SI units (s, A). Used by the hardware cost model to turn "one network step" into seconds.
 *
 * Measurement ({@link measureRelaxation}): m starts on the stationary cone of current I₁ (placed
 * there from the closed form when the device is axially symmetric, else reached by simulating
 * `warmup` seconds at I₁ from a small tilt), the current jumps to I₂, and the power
 * p(t) = (1 − m·p̂)/2 is recorded with RK4 at T = 0. The record is smoothed by a running mean over
 * one precession period (so the 2f ripple of a non-symmetric device does not count as deviation),
 * p∞ is the mean of the last quarter, and τ is the first time the smoothed deviation
 * |p(t) − p∞| falls to 1/e of its initial value |p(I₁) − p∞| (exact for an exponential approach).
 *
 * Closed form ({@link relaxationRateClosedForm}): with u = cos θ the symmetric LLG reduces to
 * dθ/dt = γ/(1 + α²)·sin θ·F(u), F(u) = bJ g(u) − α b(u), b(u) = B0 − μ0Meff·u + β bJ g(u)
 * (see closedform.ts). Linearising about the cone F(u*) = 0 gives δθ' = −λ δθ with
 * λ = γ/(1 + α²)·sin²θ*·F'(u*), F'(u) = bJ g'(u) + α μ0Meff − α β bJ g'(u); the power
 * deviation δp = sin θ*·δθ/2 decays with the same rate, so τ = 1/λ for a small step.
 */
import { InputError } from "../util/errors.js";
import type { ResolvedDevice } from "./params.js";
import { effectiveMagnetisation, isAxiallySymmetric } from "./params.js";
import { LlgModel, efficiencyDerivative, maxAngularFrequency } from "./llg.js";
import { rk4Step, rk4Workspace } from "./integrators/rk4.js";
import { stationaryState, thresholdCurrent } from "./closedform.js";
import { initialMagnetisation } from "./sweep.js";
import { ObservableAccumulator } from "./observables.js";

/** Options of {@link measureRelaxation}. */
export interface RelaxationOptions {
  /** Simulated time after the jump, in s (must cover ≥ 4 τ). @default 50e-9 */
  duration?: number;
  /** Time simulated at I₁ before the jump when m cannot be placed on the cone in closed form, in s. @default 100e-9 */
  warmup?: number;
  /** RK4 time step, in s. @default 0.05/ω_max */
  dt?: number;
}

/** Result of {@link measureRelaxation}. */
export interface Relaxation {
  /** Power relaxation time τ (1/e time of the smoothed deviation), in s. */
  tau: number;
  /** Stationary power before the jump (dimensionless). */
  powerFrom: number;
  /** Stationary power after the jump (dimensionless). */
  powerTo: number;
  /** Precession frequency after the jump, in Hz. */
  frequency: number;
  /** Current before the jump, in A. */
  fromAmps: number;
  /** Current after the jump, in A. */
  toAmps: number;
}

/**
 * Small-step power relaxation rate λ (1/s) of the axially symmetric macrospin at current I (A),
 * from the linearised θ equation (module comment); τ = 1/λ.
 * @throws InputError when the device is not axially symmetric or I does not give a stable cone.
 */
export function relaxationRateClosedForm(d: ResolvedDevice, currentAmps: number): number {
  if (!isAxiallySymmetric(d)) throw new InputError("relaxationRateClosedForm needs the axially symmetric case: field, polarizer and anisotropy axis along z and Nx = Ny");
  const s = stationaryState(d, currentAmps);
  if (s.kind !== "precession") throw new InputError(`relaxationRateClosedForm: no stable precession cone at ${currentAmps} A (state: ${s.kind})`);
  const u = s.cosTheta;
  const bJ = d.torquePerAmp * currentAmps;
  const gp = efficiencyDerivative(d.efficiency, u);
  const Fp = bJ * gp + d.alpha * effectiveMagnetisation(d) - d.alpha * d.fieldLike * bJ * gp;
  return (d.gamma / (1 + d.alpha * d.alpha)) * (1 - u * u) * Fp;
}

/**
 * Simulates a current jump I₁ → I₂ (in A) at T = 0 and measures the power relaxation time (see
 * the module comment).
 * @throws InputError when a current gives no steady precession (rest or switched), or when the
 *   power has not settled within `duration` (lengthen it).
 * @example measureRelaxation(resolveDevice(PY_CU_PY), 1.5 * Ic, 2 * Ic).tau // ≈ 1 ns
 */
export function measureRelaxation(d: ResolvedDevice, fromAmps: number, toAmps: number, o: RelaxationOptions = {}): Relaxation {
  const omega = maxAngularFrequency(d);
  const dt = o.dt ?? 0.05 / omega;
  const duration = o.duration ?? 50e-9;
  const warmup = o.warmup ?? 100e-9;
  const w = rk4Workspace();
  const m = new Float64Array(3);
  let model = new LlgModel(d, fromAmps);
  if (isAxiallySymmetric(d)) {
    const s = stationaryState(d, fromAmps);
    if (s.kind !== "precession") throw new InputError(`settling: the device does not precess steadily at ${fromAmps.toPrecision(4)} A (${s.kind}); choose currents between the threshold and the switching current`);
    initialMagnetisation(d.polarizer, Math.acos(s.cosTheta), m);
  } else {
    initialMagnetisation(d.polarizer, 0.05, m);
    const n = Math.round(warmup / dt);
    for (let s = 0; s < n; s++) rk4Step(model, m, dt, w);
  }
  const pp = d.polarizer;
  const power = (): number => 0.5 * (1 - (m[0] * pp[0] + m[1] * pp[1] + m[2] * pp[2]));
  // Power at I₁: one more stretch of simulation averaged (removes the ripple of a non-symmetric device).
  const probe = Math.max(1, Math.round(2e-9 / dt));
  let p1 = 0;
  for (let s = 0; s < probe; s++) {
    rk4Step(model, m, dt, w);
    p1 += power();
  }
  p1 /= probe;
  model = new LlgModel(d, toAmps);
  const steps = Math.round(duration / dt);
  const rec = new Float64Array(steps);
  const tail = new ObservableAccumulator(d.polarizer, steps - Math.floor((3 * steps) / 4));
  for (let s = 0; s < steps; s++) {
    rk4Step(model, m, dt, w);
    if (!Number.isFinite(m[0] + m[1] + m[2])) throw new InputError(`settling: the simulation diverged at ${toAmps.toPrecision(4)} A; give a smaller dt`);
    rec[s] = power();
    if (s >= Math.floor((3 * steps) / 4)) tail.add(m, dt);
  }
  const pInf = tail.power();
  const f = tail.frequency();
  if (pInf >= 0.95) throw new InputError(`settling: the device switches at ${toAmps.toPrecision(4)} A (power ${pInf.toFixed(3)}); choose a current below the switching current`);
  if (pInf < 1e-3) throw new InputError(`settling: the device is at rest at ${toAmps.toPrecision(4)} A; choose a current above the threshold`);
  // Running mean over one precession period, centred (window of ≥ 1 sample).
  const win = f > 0 ? Math.max(1, Math.round(1 / (f * dt))) : 1;
  const half = Math.floor(win / 2);
  const d0 = Math.abs(p1 - pInf);
  if (!(d0 > 1e-9)) throw new InputError(`settling: the power barely changes between ${fromAmps.toPrecision(4)} A and ${toAmps.toPrecision(4)} A; choose currents further apart`);
  const [h1, h2] = tail.halves();
  if (Math.abs(h2 - h1) > 0.05 * d0) throw new InputError(`settling: the power has not settled ${duration} s after the jump; lengthen the duration`);
  let sum = 0;
  for (let s = 0; s < Math.min(win, steps); s++) sum += rec[s];
  let tau = NaN;
  for (let s = 0; s + win <= steps; s++) {
    if (s > 0) sum += rec[s + win - 1] - rec[s - 1];
    if (Math.abs(sum / win - pInf) <= d0 / Math.E) {
      tau = (s + half + 1) * dt;
      break;
    }
  }
  if (!(tau > 0) || tau > duration / 4) throw new InputError(`settling: the power relaxation is too slow to measure in ${duration} s; lengthen the duration`);
  return { tau, powerFrom: p1, powerTo: pInf, frequency: f, fromAmps, toAmps };
}

/**
 * The relaxation time of the slower direction of a jump between I₁ = from·|Ic| and I₂ = to·|Ic|
 * (both ways), with Ic the closed-form threshold of a symmetric device.
 * @param fromIc,toIc currents as multiples of the threshold current.
 */
export function deviceRelaxationTime(d: ResolvedDevice, fromIc: number, toIc: number, o: RelaxationOptions = {}): { tau: number; thresholdAmps: number; up: Relaxation; down: Relaxation } {
  const ic = thresholdCurrent(d);
  const up = measureRelaxation(d, fromIc * ic, toIc * ic, o);
  const down = measureRelaxation(d, toIc * ic, fromIc * ic, o);
  return { tau: Math.max(up.tau, down.tau), thresholdAmps: ic, up, down };
}
