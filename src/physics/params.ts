/**
 * Device parameters for the macrospin simulator: the JSON a user writes (`device.json`), its one
 * validation, and the resolved SI description the simulator reads. All quantities are SI
 * (A/m, m, T, K, rad/(s·T)) except currents, which are in `currentUnit` (default "mA").
 *
 * Example (the Py/Cu/Py-like preset {@link PY_CU_PY}):
 * ```json
 * { "name": "py-cu-py", "currentUnit": "mA", "Ms": 6.4e5, "alpha": 0.01,
 *   "thickness": 4e-9, "diameter": 200e-9, "field": [0, 0, 1.0], "polarizer": [0, 0, 1],
 *   "efficiency": { "model": "slonczewski", "P": 0.35 } }
 * ```
 */
import { InputError } from "../util/errors.js";
import { finite, greaterThan, inRange, object, oneOf, show } from "../util/check.js";
import { cylinderDemag, type DemagFactors } from "./demag.js";
import { ELEMENTARY_CHARGE, GAMMA_ELECTRON, HBAR, MU0 } from "./constants.js";

/** Units accepted for currents, with their value in ampères. */
export const CURRENT_UNITS: Readonly<Record<string, number>> = Object.freeze({ A: 1, mA: 1e-3, uA: 1e-6, "µA": 1e-6, nA: 1e-9 });

/**
 * Angular dependence g(cos θ) of the spin-transfer efficiency, with cos θ = m·p̂:
 * - `constant`: g = η;
 * - `lambda`: g = η / (1 + λ cos θ), |λ| < 1;
 * - `slonczewski`: Slonczewski (JMMM 159, L1, 1996), g = [−4 + (1 + P)³ (3 + cos θ) / (4 P^{3/2})]⁻¹, 0 < P ≤ 1.
 */
export type EfficiencySpec =
  | {
      /** g(θ) = η, independent of the angle. */
      model: "constant";
      /** Spin-transfer efficiency η (dimensionless). */
      eta: number;
    }
  | {
      /** g(θ) = η / (1 + λ·cos θ): an angle-dependent efficiency. */
      model: "lambda";
      /** Spin-transfer efficiency η (dimensionless). */
      eta: number;
      /** Asymmetry λ, |λ| < 1 (dimensionless; 0 gives the constant model). */
      lambda: number;
    }
  | {
      /** Slonczewski (1996): g(θ) = [−4 + (1 + P)³·(3 + cos θ)/(4·P^{3/2})]⁻¹. */
      model: "slonczewski";
      /** Spin polarisation P, 0 < P ≤ 1 (dimensionless). */
      P: number;
    };

/** The device JSON (all SI except currents). */
export interface DeviceParams {
  /** Free text. @default "" */
  name?: string;
  /** Unit of every current (CLI ranges, CSV column). One of A, mA, uA, µA, nA. @default "mA" */
  currentUnit?: string;
  /** Saturation magnetisation Ms of the free layer, in A/m (> 0). Py ≈ 6.4e5–8.0e5. */
  Ms: number;
  /** Gilbert damping α (> 0, dimensionless). */
  alpha: number;
  /** Gyromagnetic ratio γ, in rad/(s·T). @default 1.76085963023e11 (electron, CODATA 2018) */
  gamma?: number;
  /** Free-layer thickness L, in m (> 0). */
  thickness: number;
  /** Free-layer (cylinder) diameter, in m (> 0); the area is S = π·diameter²/4. */
  diameter: number;
  /** Demagnetising factors [Nx, Ny, Nz] overriding the cylinder values (each ≥ 0, sum 1 ± 1e-6). @default cylinder */
  demag?: [number, number, number];
  /** Applied field μ0·H, in T, as [x, y, z]; z is the film normal. @default [0, 0, 0] */
  field?: [number, number, number];
  /** Uniaxial anisotropy: field Bk = 2Ku/Ms in T (may be negative for an easy plane) and axis. @default { field: 0, axis: [0, 0, 1] } */
  anisotropy?: {
    /** Anisotropy field Bk = 2Ku/Ms, in T (negative: easy plane). */
    field: number;
    /** Anisotropy axis [x, y, z], normalised on load. */
    axis: [number, number, number];
  };
  /** Fixed-layer (polariser) direction p̂, normalised on load (must be non-zero). @default [0, 0, 1] */
  polarizer?: [number, number, number];
  /** Spin-transfer efficiency g(θ). @default { model: "constant", eta: 0.3 } */
  efficiency?: EfficiencySpec;
  /** Field-like torque as a fraction β of the damping-like torque (dimensionless). @default 0 */
  fieldLike?: number;
  /** Default temperature for sweeps, in K (≥ 0). @default 0 */
  temperature?: number;
}

/** A validated device in SI units, with derived quantities. Read by the simulator. */
export interface ResolvedDevice {
  /** Free text from the params file ("" when absent). */
  name: string;
  /** Unit of currents at the boundary (CLI, CSV), e.g. "mA". */
  currentUnit: string;
  /** Ampères per `currentUnit`. */
  currentScale: number;
  /** Saturation magnetisation, A/m. */
  Ms: number;
  /** Gilbert damping (dimensionless). */
  alpha: number;
  /** rad/(s·T) */
  gamma: number;
  /** m */
  thickness: number;
  /** m */
  diameter: number;
  /** Free-layer area S, in m². */
  area: number;
  /** Free-layer volume V = L·S, in m³. */
  volume: number;
  /** Demagnetising factors (dimensionless, sum 1). */
  demag: DemagFactors;
  /** Applied field, T. */
  field: [number, number, number];
  /** Anisotropy field, T. */
  anisotropyField: number;
  /** Unit anisotropy axis. */
  anisotropyAxis: [number, number, number];
  /** Unit polariser direction p̂. */
  polarizer: [number, number, number];
  /** Angular dependence of the spin-transfer efficiency. */
  efficiency: EfficiencySpec;
  /** Field-like torque fraction β (dimensionless). */
  fieldLike: number;
  /** Default sweep temperature, K. */
  temperature: number;
  /**
   * Spin-torque field per ampère, bJ/I = ħ / (2 e Ms V), in T/A, so that the Slonczewski torque is
   * T_S = γ·bJ·g(θ)·m × (m × p̂) with bJ = (ħ/(2 e Ms V))·I (eq. 2 with g_L μB = γħ).
   */
  torquePerAmp: number;
}

/** The Py/Cu/Py-like preset of issue 4: 4 nm × 200 nm Py free layer, 1 T perpendicular field, α = 0.01. */
export const PY_CU_PY: Readonly<DeviceParams> = Object.freeze({
  name: "py-cu-py",
  currentUnit: "mA",
  Ms: 6.4e5,
  alpha: 0.01,
  thickness: 4e-9,
  diameter: 200e-9,
  field: [0, 0, 1.0] as [number, number, number],
  polarizer: [0, 0, 1] as [number, number, number],
  efficiency: { model: "slonczewski", P: 0.35 } as EfficiencySpec,
  temperature: 300,
});

const KNOWN = new Set([
  "name", "currentUnit", "Ms", "alpha", "gamma", "thickness", "diameter", "demag", "field", "anisotropy",
  "polarizer", "efficiency", "fieldLike", "temperature",
]);

function vec3(v: unknown, name: string, fallback: [number, number, number]): [number, number, number] {
  if (v === undefined) return [...fallback];
  if (!Array.isArray(v) || v.length !== 3) throw new InputError(`${name} must be an array of 3 numbers (got ${show(v)})`);
  return [finite(v[0], `${name}[0]`), finite(v[1], `${name}[1]`), finite(v[2], `${name}[2]`)];
}

function unit(v: [number, number, number], name: string): [number, number, number] {
  const n = Math.hypot(v[0], v[1], v[2]);
  if (!(n > 0)) throw new InputError(`${name} must be a non-zero vector (got ${show(v)})`);
  return [v[0] / n, v[1] / n, v[2] / n];
}

function efficiency(v: unknown, where: string): EfficiencySpec {
  if (v === undefined) return { model: "constant", eta: 0.3 };
  const e = object(v, `${where}efficiency`);
  const model = oneOf(e.model, ["constant", "lambda", "slonczewski"] as const, `${where}efficiency.model`);
  if (model === "constant") return { model, eta: greaterThan(e.eta, 0, `${where}efficiency.eta`) };
  if (model === "lambda") {
    const eta = greaterThan(e.eta, 0, `${where}efficiency.eta`);
    const lambda = finite(e.lambda, `${where}efficiency.lambda`);
    if (!(Math.abs(lambda) < 1)) throw new InputError(`${where}efficiency.lambda must be in (-1, 1) (got ${show(lambda)})`);
    return { model, eta, lambda };
  }
  const P = inRange(e.P, 0, 1, `${where}efficiency.P`);
  if (P === 0) throw new InputError(`${where}efficiency.P must be in (0, 1] (got 0)`);
  return { model, P };
}

/**
 * Validates device JSON and resolves it to SI with derived quantities.
 * @param where prefix naming the source in messages, e.g. `"device.json: "`.
 * @throws InputError naming the field: Ms ≤ 0, α ≤ 0, zero volume, |p̂| = 0, non-finite values,
 *   unknown keys or units, demag factors that do not sum to 1.
 */
export function resolveDevice(params: unknown, where = ""): ResolvedDevice {
  const p = object(params, where.replace(/: $/, "") || "device");
  for (const k of Object.keys(p)) {
    if (!KNOWN.has(k)) throw new InputError(`${where}unknown field ${JSON.stringify(k)} (allowed: ${[...KNOWN].join(", ")})`);
  }
  const name = p.name === undefined ? "" : String(p.name);
  const currentUnit = p.currentUnit === undefined ? "mA" : oneOf(p.currentUnit, Object.keys(CURRENT_UNITS), `${where}currentUnit`);
  const Ms = greaterThan(p.Ms, 0, `${where}Ms (A/m)`);
  const alpha = greaterThan(p.alpha, 0, `${where}alpha`);
  const gamma = p.gamma === undefined ? GAMMA_ELECTRON : greaterThan(p.gamma, 0, `${where}gamma (rad/(s·T))`);
  const thickness = greaterThan(p.thickness, 0, `${where}thickness (m)`);
  const diameter = greaterThan(p.diameter, 0, `${where}diameter (m)`);
  const area = (Math.PI * diameter * diameter) / 4;
  const volume = area * thickness;
  if (!(volume > 0) || !Number.isFinite(volume)) {
    throw new InputError(`${where}thickness·area must be a positive finite volume (got ${show(volume)} m³)`);
  }
  let demag: DemagFactors;
  if (p.demag !== undefined) {
    const d = vec3(p.demag, `${where}demag`, [0, 0, 0]);
    d.forEach((x, i) => {
      if (x < 0) throw new InputError(`${where}demag[${i}] must be >= 0 (got ${show(x)})`);
    });
    if (Math.abs(d[0] + d[1] + d[2] - 1) > 1e-6) {
      throw new InputError(`${where}demag must sum to 1 (got ${show(d[0] + d[1] + d[2])})`);
    }
    demag = { Nx: d[0], Ny: d[1], Nz: d[2] };
  } else {
    demag = cylinderDemag(diameter, thickness);
  }
  const field = vec3(p.field, `${where}field`, [0, 0, 0]);
  let anisotropyField = 0;
  let anisotropyAxis: [number, number, number] = [0, 0, 1];
  if (p.anisotropy !== undefined) {
    const a = object(p.anisotropy, `${where}anisotropy`);
    anisotropyField = finite(a.field, `${where}anisotropy.field (T)`);
    anisotropyAxis = unit(vec3(a.axis, `${where}anisotropy.axis`, [0, 0, 1]), `${where}anisotropy.axis`);
  }
  const polarizer = unit(vec3(p.polarizer, `${where}polarizer`, [0, 0, 1]), `${where}polarizer`);
  const fieldLike = p.fieldLike === undefined ? 0 : finite(p.fieldLike, `${where}fieldLike`);
  const temperature = p.temperature === undefined ? 0 : inRange(p.temperature, 0, 1e4, `${where}temperature (K)`);
  const torquePerAmp = HBAR / (2 * ELEMENTARY_CHARGE * Ms * volume);
  if (!Number.isFinite(torquePerAmp)) throw new InputError(`${where}Ms·volume is too small (spin-torque field per ampère overflows)`);
  return {
    name, currentUnit, currentScale: CURRENT_UNITS[currentUnit], Ms, alpha, gamma, thickness, diameter, area, volume, demag,
    field, anisotropyField, anisotropyAxis, polarizer, efficiency: efficiency(p.efficiency, where), fieldLike, temperature,
    torquePerAmp,
  };
}

/**
 * Effective magnetisation of the axially symmetric case, μ0·Meff = μ0·Ms·(Nz − Nx) − Bk, in T
 * (Bk counted along z; an anisotropy axis off z breaks the symmetry, see {@link isAxiallySymmetric}).
 */
export function effectiveMagnetisation(d: ResolvedDevice): number {
  const az = d.anisotropyAxis[2];
  return MU0 * d.Ms * (d.demag.Nz - d.demag.Nx) - d.anisotropyField * az * az;
}

/**
 * True when field, polariser and anisotropy axis are all along z (or zero) and Nx = Ny: the case in
 * which the closed forms of `closedform.ts` are exact.
 */
export function isAxiallySymmetric(d: ResolvedDevice, tol = 1e-12): boolean {
  const [px, py] = d.polarizer;
  const [fx, fy] = d.field;
  const [ax, ay] = d.anisotropyAxis;
  return (
    Math.abs(px) < tol && Math.abs(py) < tol && d.polarizer[2] > 0 && Math.abs(fx) < tol && Math.abs(fy) < tol &&
    (d.anisotropyField === 0 || (Math.abs(ax) < tol && Math.abs(ay) < tol)) && Math.abs(d.demag.Nx - d.demag.Ny) < tol
  );
}
