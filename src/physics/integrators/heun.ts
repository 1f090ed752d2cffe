/**
 * Stochastic Heun step (Stratonovich) for the LLG equation with Brown's thermal field, SI units.
 *
 * The caller draws the thermal field once per step, B_th = σ·ξ with ξ ~ N(0, 1)³ and
 * σ² = 2 α kB T / (γ Ms V Δt) (in T², see {@link thermalSigma}), stores it in the model's `thermal`
 * array, and the step uses it in both stages:
 *
 *   m̃ = m + Δt f(m, B_th),   m ← normalise(m + Δt/2 [f(m, B_th) + f(m̃, B_th)]).
 *
 * Heun converges to the Stratonovich solution (the one that keeps |m| = 1 and whose stationary law
 * is Boltzmann). Orders: deterministic limit (T = 0) 2; strong 1 for commutative noise (a thermal
 * field along one fixed axis), strong 1/2 for Brown's isotropic (non-commutative) field; weak 1.
 *
 * Step-size rule: for pure precession at angular frequency ω the Heun update multiplies the
 * transverse amplitude by |1 + iωΔt − (ωΔt)²/2| = (1 + (ωΔt)⁴/4)^{1/2} per step, an effective
 * anti-damping (ωΔt)³/(8α) relative to the Gilbert damping. {@link heunMaxStep} keeps it below
 * a tolerance (default 1 %): Δt ≤ (8 α tol)^{1/3} / ω_max.
 */
import type { VectorField } from "./rk4.js";
import { BOLTZMANN } from "../constants.js";

/** Deterministic-limit convergence order of {@link heunStep} (what the order test measures). */
export const HEUN_ORDER = 2;
/** Strong order with commutative (single-axis) noise. */
export const HEUN_STRONG_ORDER_COMMUTATIVE = 1;
/** Strong order with Brown's isotropic thermal field. */
export const HEUN_STRONG_ORDER = 0.5;
/** Weak order. */
export const HEUN_WEAK_ORDER = 1;

/** Scratch for {@link heunStep}. */
export interface HeunWorkspace {
  f0: Float64Array;
  f1: Float64Array;
  tmp: Float64Array;
}

/** Allocates a workspace for {@link heunStep}. */
export function heunWorkspace(): HeunWorkspace {
  return { f0: new Float64Array(3), f1: new Float64Array(3), tmp: new Float64Array(3) };
}

/**
 * Kernel: one Heun step of size dt (s) in place on m (length 3), with whatever thermal field the
 * vector field currently holds; renormalises m. Returns m.
 */
export function heunStep(f: VectorField, m: Float64Array, dt: number, w: HeunWorkspace): Float64Array {
  const { f0, f1, tmp } = w;
  f.rhs(m, f0);
  tmp[0] = m[0] + dt * f0[0];
  tmp[1] = m[1] + dt * f0[1];
  tmp[2] = m[2] + dt * f0[2];
  f.rhs(tmp, f1);
  const h = 0.5 * dt;
  const x = m[0] + h * (f0[0] + f1[0]);
  const y = m[1] + h * (f0[1] + f1[1]);
  const z = m[2] + h * (f0[2] + f1[2]);
  const inv = 1 / Math.sqrt(x * x + y * y + z * z);
  m[0] = x * inv;
  m[1] = y * inv;
  m[2] = z * inv;
  return m;
}

/**
 * Standard deviation of each Cartesian component of Brown's thermal field for one step, in T:
 * σ = sqrt(2 α kB T / (γ Ms V Δt)).
 * @param alpha Gilbert damping; @param temperature K; @param gamma rad/(s·T); @param Ms A/m;
 * @param volume m³; @param dt s.
 */
export function thermalSigma(alpha: number, temperature: number, gamma: number, Ms: number, volume: number, dt: number): number {
  return Math.sqrt((2 * alpha * BOLTZMANN * temperature) / (gamma * Ms * volume * dt));
}

/**
 * Largest Heun step (s) whose spurious anti-damping (ω_max Δt)³/(8α) stays below `tolerance`
 * (fraction of the Gilbert damping): Δt = (8 α · tolerance)^{1/3} / ω_max.
 * @param omegaMax rad/s; @param tolerance @default 0.01
 */
export function heunMaxStep(alpha: number, omegaMax: number, tolerance = 0.01): number {
  return Math.cbrt(8 * alpha * tolerance) / omegaMax;
}

/** The spurious relative anti-damping (ω Δt)³ / (8α) of a Heun step (dimensionless). */
export function heunAntiDamping(alpha: number, omega: number, dt: number): number {
  const x = omega * dt;
  return (x * x * x) / (8 * alpha);
}
