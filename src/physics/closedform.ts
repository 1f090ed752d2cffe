/**
 * Closed forms of the axially symmetric macrospin (field, polariser and anisotropy axis along the
 * film normal z, Nx = Ny), used to validate the simulator. SI units (A, T, Hz, J, K).
 *
 * With cos θ = m·ẑ, the LLG equation of `llg.ts` reduces exactly to
 *
 *   dθ/dt = γ/(1 + α²) · sin θ · [bJ g(θ) − α b(θ)],
 *   dφ/dt = γ/(1 + α²) · [b(θ) + α bJ g(θ)],
 *
 * with b(θ) = B0 − μ0Meff cos θ + β bJ g(θ) (B0 = B_app·ẑ, μ0Meff = μ0Ms(Nz − Nx) − Bk, β the
 * field-like fraction) and bJ = ħ I/(2 e Ms V). Hence:
 * - threshold: Ic = (2e/ħ)·α·Ms·V·(B0 − μ0Meff)/g(0) (growth rate of small θ changes sign);
 * - stationary cone: α b(θ) = bJ g(θ), i.e. αγ·b(θ) = σ I g(θ) with σ = γħ/(2eMsV),
 *   and f = γ b(θ)/(2π) there (the 1/(1 + α²) factors cancel).
 */
import { InputError } from "../util/errors.js";
import type { ResolvedDevice } from "./params.js";
import { effectiveMagnetisation, isAxiallySymmetric } from "./params.js";
import { efficiency } from "./llg.js";
import { BOLTZMANN, ELEMENTARY_CHARGE, HBAR } from "./constants.js";

function requireSymmetric(d: ResolvedDevice, what: string): void {
  if (!isAxiallySymmetric(d)) {
    throw new InputError(`${what} needs the axially symmetric case: field, polarizer and anisotropy axis along z and Nx = Ny`);
  }
}

/**
 * Threshold current of the axially symmetric case, in A:
 * Ic = (2e/ħ)·α·Ms·V·(B0 − μ0Meff)/g(0) (μ0Meff = μ0Ms(Nz − Nx) − Bk). With a field-like torque,
 * b(0) includes β bJ g(0), which gives Ic = (2e/ħ)αMsV(B0 − μ0Meff)/(g(0)(1 − αβ)).
 * @throws InputError when the device is not axially symmetric.
 */
export function thresholdCurrent(d: ResolvedDevice): number {
  requireSymmetric(d, "thresholdCurrent");
  const b0 = d.field[2] - effectiveMagnetisation(d);
  return ((2 * ELEMENTARY_CHARGE) / HBAR) * d.alpha * d.Ms * d.volume * b0 / (efficiency(d.efficiency, 1) * (1 - d.alpha * d.fieldLike));
}

/**
 * Small-angle growth rate of θ at current I (A), in 1/s: r = γ/(1 + α²)·[bJ g(0) − α b(0)];
 * θ(t) ≈ θ(0)·e^{r t}. Zero exactly at {@link thresholdCurrent}.
 */
export function smallAngleGrowthRate(d: ResolvedDevice, currentAmps: number): number {
  requireSymmetric(d, "smallAngleGrowthRate");
  const bJ = d.torquePerAmp * currentAmps;
  const g0 = efficiency(d.efficiency, 1);
  const b0 = d.field[2] - effectiveMagnetisation(d) + d.fieldLike * bJ * g0;
  return (d.gamma / (1 + d.alpha * d.alpha)) * (bJ * g0 - d.alpha * b0);
}

/** The stationary state reached from m ≈ p̂ at a current. */
export interface StationaryState {
  /** cos θ of the stationary cone (1: at rest along p̂; −1: switched). */
  cosTheta: number;
  /** (1 − cos θ)/2. */
  power: number;
  /** sin² θ. */
  transversePower: number;
  /** γ b(θ)/(2π), in Hz. */
  frequency: number;
  /** "rest" below threshold, "precession" on a stable cone, "switched" when no cone exists. */
  kind: "rest" | "precession" | "switched";
}

/**
 * The exact stationary state of the symmetric case at current I (A): the first zero of
 * F(u) = bJ g(u) − α b(u), u = cos θ, met when θ grows from 0 (bisection to machine precision).
 * @throws InputError when the device is not axially symmetric.
 */
export function stationaryState(d: ResolvedDevice, currentAmps: number): StationaryState {
  requireSymmetric(d, "stationaryState");
  const bJ = d.torquePerAmp * currentAmps;
  const B0 = d.field[2];
  const M = effectiveMagnetisation(d);
  const beta = d.fieldLike;
  const b = (u: number): number => B0 - M * u + beta * bJ * efficiency(d.efficiency, u);
  const F = (u: number): number => bJ * efficiency(d.efficiency, u) - d.alpha * b(u);
  const state = (u: number, kind: StationaryState["kind"]): StationaryState => ({
    cosTheta: u,
    power: (1 - u) / 2,
    transversePower: 1 - u * u,
    frequency: (d.gamma * Math.abs(b(u))) / (2 * Math.PI),
    kind,
  });
  if (F(1) <= 0) return state(1, "rest");
  const n = 4000;
  let hi = 1;
  for (let k = 1; k <= n; k++) {
    const u = 1 - (2 * k) / n;
    if (F(u) <= 0) {
      let lo = u;
      for (let it = 0; it < 200; it++) {
        const mid = 0.5 * (lo + hi);
        if (mid === lo || mid === hi) break;
        if (F(mid) > 0) hi = mid;
        else lo = mid;
      }
      return state(0.5 * (lo + hi), "precession");
    }
    hi = u;
  }
  return state(-1, "switched");
}

/**
 * Boltzmann average of a function of u = cos θ at zero current in the symmetric case:
 * ⟨f⟩ = ∫ f(u) e^{−E(u)/kBT} du / ∫ e^{−E(u)/kBT} du with E(u) = −Ms V (B0 u − μ0Meff u²/2)
 * (the azimuth integrates out; uniform measure in u on the sphere). Simpson's rule, 20000 panels.
 * @param temperature K (> 0).
 */
export function boltzmannAverage(d: ResolvedDevice, temperature: number, f: (u: number) => number): number {
  requireSymmetric(d, "boltzmannAverage");
  const B0 = d.field[2];
  const M = effectiveMagnetisation(d);
  const beta = (d.Ms * d.volume) / (BOLTZMANN * temperature);
  const E = (u: number): number => -(B0 * u - 0.5 * M * u * u);
  let Emin = Infinity;
  const n = 20000;
  for (let i = 0; i <= n; i++) Emin = Math.min(Emin, E(-1 + (2 * i) / n));
  let num = 0;
  let den = 0;
  for (let i = 0; i <= n; i++) {
    const u = -1 + (2 * i) / n;
    const w = (i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2) * Math.exp(-beta * (E(u) - Emin));
    num += w * f(u);
    den += w;
  }
  return num / den;
}
