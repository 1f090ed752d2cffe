/**
 * The macrospin Landau–Lifshitz–Gilbert equation with Slonczewski–Berger spin-transfer torque
 * (paper eqs. 1–2), SI units throughout (m dimensionless unit vector, fields in T, time in s).
 *
 * Gilbert form solved here:
 *
 *   dm/dt = −γ m × B_eff + α m × dm/dt + γ bJ g(θ) m × (m × p̂) − γ β bJ g(θ) m × p̂
 *
 * with B_eff = B_app − μ0 Ms (Nx mx, Ny my, Nz mz) + Bk (m·û) û + B_th, cos θ = m·p̂,
 * bJ = ħ I / (2 e Ms V) (so γ bJ = ε g_L μB I / (2 e Ms L S) of eq. 2 with ε → g(θ)),
 * and β the field-like fraction. Both torques are written as an extra field
 * B_stt = bJ g (p̂ × m) + β bJ g p̂, and the Gilbert form is turned exactly into the explicit
 * Landau–Lifshitz form
 *
 *   dm/dt = −γ/(1 + α²) [ m × B + α m × (m × B) ],   B = B_eff + B_stt.
 *
 * Sign convention: I > 0 pushes m away from p̂ (anti-damping when m ≈ p̂ and B_app ∥ p̂).
 */
import type { EfficiencySpec, ResolvedDevice } from "./params.js";
import { MU0 } from "./constants.js";

const EFF_CONSTANT = 0;
const EFF_LAMBDA = 1;
const EFF_SLONCZEWSKI = 2;

/** Coefficients of g(u) = η / (a + c·u) covering all three efficiency models. */
interface EfficiencyCoefficients {
  kind: number;
  eta: number;
  a: number;
  c: number;
}

function coefficients(e: EfficiencySpec): EfficiencyCoefficients {
  switch (e.model) {
    case "constant":
      return { kind: EFF_CONSTANT, eta: e.eta, a: 1, c: 0 };
    case "lambda":
      return { kind: EFF_LAMBDA, eta: e.eta, a: 1, c: e.lambda };
    case "slonczewski": {
      const k = Math.pow(1 + e.P, 3) / (4 * Math.pow(e.P, 1.5));
      return { kind: EFF_SLONCZEWSKI, eta: 1, a: -4 + 3 * k, c: k };
    }
  }
}

/**
 * Spin-transfer efficiency g(u) at u = cos θ = m·p̂ (dimensionless); all three models are
 * g(u) = η/(a + c·u): constant (a = 1, c = 0), λ-model (a = 1, c = λ), Slonczewski 1996
 * (η = 1, a = −4 + 3k, c = k, k = (1 + P)³/(4P^{3/2})).
 * @example efficiency({ model: "slonczewski", P: 0.35 }, 1) // ≈ 0.1269
 */
export function efficiency(e: EfficiencySpec, u: number): number {
  const k = coefficients(e);
  return k.eta / (k.a + k.c * u);
}

/** dg/du of {@link efficiency}: −η c / (a + c u)². */
export function efficiencyDerivative(e: EfficiencySpec, u: number): number {
  const k = coefficients(e);
  const den = k.a + k.c * u;
  return (-k.eta * k.c) / (den * den);
}

/**
 * The right-hand side of the LLG equation for one device at one current, with precomputed
 * coefficients and a mutable thermal field (set by the stochastic integrator before each step).
 * Fields are in T, rates in 1/s. Construct with {@link llgModel}.
 */
export class LlgModel {
  /** γ/(1 + α²), rad/(s·T). */
  readonly gammaLL: number;
  /** Gilbert damping. */
  readonly alpha: number;
  /** Applied field, x component, T. */
  readonly bx: number;
  /** Applied field, y component, T. */
  readonly by: number;
  /** Applied field, z component (film normal), T. */
  readonly bz: number;
  /** Demagnetising field coefficient μ0·Ms·Nx, T. */
  readonly dx: number;
  /** Demagnetising field coefficient μ0·Ms·Ny, T. */
  readonly dy: number;
  /** Demagnetising field coefficient μ0·Ms·Nz, T. */
  readonly dz: number;
  /** Anisotropy field Bk, T, and its unit axis û. */
  readonly bk: number;
  /** Anisotropy axis û, x component. */
  readonly ux: number;
  /** Anisotropy axis û, y component. */
  readonly uy: number;
  /** Anisotropy axis û, z component. */
  readonly uz: number;
  /** Unit polariser p̂, x component. */
  readonly px: number;
  /** Unit polariser p̂, y component. */
  readonly py: number;
  /** Unit polariser p̂ (px, py, pz). */
  readonly pz: number;
  /** bJ = ħ I/(2 e Ms V), T. */
  readonly bJ: number;
  /** Field-like fraction β. */
  readonly beta: number;
  /** Efficiency g(u) = effEta / (effA + effC·u). */
  readonly effEta: number;
  /** Constant term of the efficiency's denominator (see effEta). */
  readonly effA: number;
  /** Coefficient of u = m·p̂ in the efficiency's denominator (see effEta). */
  readonly effC: number;
  /** Thermal field B_th for the current step, T (zero unless a stochastic integrator sets it). */
  readonly thermal = new Float64Array(3);

  constructor(d: ResolvedDevice, currentAmps: number) {
    this.gammaLL = d.gamma / (1 + d.alpha * d.alpha);
    this.alpha = d.alpha;
    [this.bx, this.by, this.bz] = d.field;
    this.dx = MU0 * d.Ms * d.demag.Nx;
    this.dy = MU0 * d.Ms * d.demag.Ny;
    this.dz = MU0 * d.Ms * d.demag.Nz;
    this.bk = d.anisotropyField;
    [this.ux, this.uy, this.uz] = d.anisotropyAxis;
    [this.px, this.py, this.pz] = d.polarizer;
    this.bJ = d.torquePerAmp * currentAmps;
    this.beta = d.fieldLike;
    const k = coefficients(d.efficiency);
    this.effEta = k.eta;
    this.effA = k.a;
    this.effC = k.c;
  }

  /**
   * Kernel: writes dm/dt (1/s) at magnetisation `m` (read at offset 0..2) into `out`; allocates
   * and validates nothing. `m` need not be exactly unit length (integrator stages).
   */
  rhs(m: Float64Array, out: Float64Array): void {
    const mx = m[0], my = m[1], mz = m[2];
    const mu = mx * this.ux + my * this.uy + mz * this.uz;
    const mp = mx * this.px + my * this.py + mz * this.pz;
    const aj = (this.bJ * this.effEta) / (this.effA + this.effC * mp);
    const fl = this.beta * aj;
    const th = this.thermal;
    // B = B_app − μ0Ms N m + Bk (m·û) û + B_th + aj (p̂ × m) + β aj p̂
    const Bx = this.bx - this.dx * mx + this.bk * mu * this.ux + th[0] + aj * (this.py * mz - this.pz * my) + fl * this.px;
    const By = this.by - this.dy * my + this.bk * mu * this.uy + th[1] + aj * (this.pz * mx - this.px * mz) + fl * this.py;
    const Bz = this.bz - this.dz * mz + this.bk * mu * this.uz + th[2] + aj * (this.px * my - this.py * mx) + fl * this.pz;
    const cx = my * Bz - mz * By;
    const cy = mz * Bx - mx * Bz;
    const cz = mx * By - my * Bx;
    const a = this.alpha;
    const g = -this.gammaLL;
    out[0] = g * (cx + a * (my * cz - mz * cy));
    out[1] = g * (cy + a * (mz * cx - mx * cz));
    out[2] = g * (cz + a * (mx * cy - my * cx));
  }

  /**
   * Magnetic energy E(m) = −Ms V [B_app·m − (μ0 Ms/2) Σ N_i m_i² + (Bk/2)(m·û)²], in J (no current,
   * no thermal field). The Boltzmann weight at temperature T is exp(−E/(kB T)).
   */
  energy(m: ArrayLike<number>, MsV: number): number {
    const mu = m[0] * this.ux + m[1] * this.uy + m[2] * this.uz;
    const zeeman = this.bx * m[0] + this.by * m[1] + this.bz * m[2];
    const demag = 0.5 * (this.dx * m[0] * m[0] + this.dy * m[1] * m[1] + this.dz * m[2] * m[2]);
    return -MsV * (zeeman - demag + 0.5 * this.bk * mu * mu);
  }
}

/**
 * Builds the LLG right-hand side for a device at a current.
 * @param currentAmps current I in A (SI); convert from the device's unit with `currentScale`.
 */
export function llgModel(d: ResolvedDevice, currentAmps: number): LlgModel {
  return new LlgModel(d, currentAmps);
}

/**
 * An upper bound of the precession angular frequency, in rad/s:
 * ω_max = γ (|B_app| + μ0 Ms (N_max − N_min) + |Bk|). Step-size rules are written in ω_max·Δt.
 */
export function maxAngularFrequency(d: ResolvedDevice): number {
  const N = [d.demag.Nx, d.demag.Ny, d.demag.Nz];
  const spread = MU0 * d.Ms * (Math.max(...N) - Math.min(...N));
  return d.gamma * (Math.hypot(...d.field) + spread + Math.abs(d.anisotropyField));
}
