/**
 * The paper's analytic device curves, each value beside its derivative.
 *
 * Both carry an optional power scale P0 (in the device's power unit, default 1): the formulas below
 * are multiplied by P0, the power eq. 3 approaches as |I| → ∞. With P0 = 1 the power is the
 * normalised Slavin–Tiberkevich power |c|²; a measured curve in nW is fitted with P0 in nW.
 *
 * - eq. 3 (Slavin & Tiberkevich 2009): `p(I) = (I − Ic)/(I + Q·Ic)` above threshold, and 0 below it
 *   (an STNO emits no power below threshold; "above" means `I/Ic ≥ 1`, i.e. |I| ≥ |Ic| with the
 *   sign of Ic).
 * - eq. 4 (the paper's phenomenological model):
 *   `p(I) = ½(1 + tanh(a·I − b))·(I − Ic)/(I + Q·Ic)`, used as written (no clipping).
 *
 * Derivatives:
 * - r(I) = (I − Ic)/(I + Q·Ic),  r'(I) = Ic·(1 + Q)/(I + Q·Ic)²
 * - eq. 4: p' = ½·a·sech²(aI − b)·r + ½(1 + tanh(aI − b))·r'
 *
 * Eq. 4 is evaluated in the logistic form ½(1 + tanh z) = 1/(1 + e^(−2z)) with dynaspin's own exp
 * (src/kernels/fast-math.ts: Cody–Waite reduction + degree-13 polynomial; within a few ulp of the
 * specification in src/device/eq4.ts, measured in test/device/eq4-spec.test.ts), in WebAssembly SIMD where
 * the runtime has it and in TypeScript otherwise, with the same bits either way — so training,
 * inference and the robustness sweep give identical numbers in Node, workers and browsers.
 *
 * The pole sits at I = −Q·Ic. The network only injects currents of the sign of Ic (see
 * `DeviceCurve.polarity`), so the pole is unreachable when Q > 0 (eq. 4) or when it lies below the
 * threshold, −1 < Q (eq. 3).
 */
import type { DeviceCurve, DeviceSpec } from "./curve.js";
import { InputError } from "../util/errors.js";
import { finite, show } from "../util/check.js";
import { eq4RowParams, eq4RowKernel, EQ4_PACKED, type Eq4RowKernel } from "./eq4.js";

/** Parameters of eq. 4. Currents in the device's current unit; a in 1/unit; b dimensionless. */
export interface Eq4Params {
  /** Slope of the tanh tail, in 1/(current unit). @default 4 (paper's test device) */
  a: number;
  /** Offset of the tanh tail (dimensionless). @default 5 */
  b: number;
  /** Threshold (critical) current Ic, non-zero, in the current unit. @default 1 */
  Ic: number;
  /** Nonlinearity Q (dimensionless), > 0 for eq. 4. @default 2 */
  Q: number;
  /** Power scale P0 > 0 in the power unit (the curve is multiplied by it). @default 1 */
  P0?: number;
}

/** Parameters of eq. 3. */
export interface Eq3Params {
  /** Threshold current Ic (non-zero). */
  Ic: number;
  /** Nonlinearity Q, > −1. */
  Q: number;
  /** Power scale P0 > 0 in the power unit. @default 1 */
  P0?: number;
}

/** The paper's test device (section II-D): a = 4, b = 5, Ic = 1, Q = 2, dimensionless. */
export const PAPER_DEVICE: Readonly<Eq4Params> = Object.freeze({ a: 4, b: 5, Ic: 1, Q: 2 });

/** Units (and the measured current range) carried by a curve. */
export interface Units {
  /** @default "" */
  currentUnit?: string;
  /** @default "" */
  powerUnit?: string;
  /**
   * Currents [lo, hi] (lo < hi, in the current unit) of the measurement a curve was fitted to
   * (`dynaspin fit` writes it): outside it the curve is the model's extrapolation, not the device.
   * {@link DeviceCurve.measuredCurrent}. @default undefined (not known)
   */
  measuredCurrent?: readonly [number, number];
}

/** The tanh-tailed curve of eq. 4. Construct with {@link eq4}. */
export class Eq4Curve implements DeviceCurve, Eq4Params {
  readonly model = "eq4";
  readonly polarity: 1 | -1;
  readonly currentScale: number;
  readonly currentUnit: string;
  readonly powerUnit: string;
  readonly measuredCurrent?: readonly [number, number];
  readonly a: number;
  readonly b: number;
  readonly Ic: number;
  readonly Q: number;
  readonly P0: number;
  /** Kernel parameters (eq4RowParams), the row kernel and scalar scratch. */
  private readonly par: Float64Array;
  private readonly kernel: Eq4RowKernel;
  private readonly one = new Float64Array(1);
  private readonly oneD = new Float64Array(1);

  constructor(params: Eq4Params, units: Units = {}) {
    this.a = params.a;
    this.b = params.b;
    this.Ic = params.Ic;
    this.Q = params.Q;
    this.P0 = params.P0 ?? 1;
    this.par = eq4RowParams(this.a, this.b, this.Ic, this.Q, this.P0, new Float64Array(EQ4_PACKED));
    this.kernel = eq4RowKernel();
    this.polarity = params.Ic < 0 ? -1 : 1;
    this.currentScale = Math.abs(params.Ic);
    this.currentUnit = units.currentUnit ?? "";
    this.powerUnit = units.powerUnit ?? "";
    if (units.measuredCurrent !== undefined) this.measuredCurrent = [units.measuredCurrent[0], units.measuredCurrent[1]];
  }

  power(I: number): number {
    this.one[0] = I;
    this.kernel(this.one, this.one, null, 0, 1, this.par);
    return this.one[0];
  }

  derivative(I: number): number {
    this.one[0] = I;
    this.kernel(this.one, this.one, this.oneD, 0, 1, this.par);
    return this.oneD[0];
  }

  evaluate(I: Float64Array, p: Float64Array, dp: Float64Array | null, start: number, end: number): void {
    this.kernel(I, p, dp, start, end, this.par);
  }

  /**
   * Writes the row kernels' parameters (2a, 2b, Ic, Q·Ic, P0, 2a·P0, P0·Ic·(1 + Q)) and the
   * polarity into out[off..off + 8), for the fused forward step of the network.
   */
  writeKernelParams(out: Float64Array, off: number): void {
    for (let q = 0; q < 7; q++) out[off + q] = this.par[q];
    out[off + 7] = this.polarity;
  }

  toSpec(): DeviceSpec {
    const s: DeviceSpec = { model: "eq4", a: this.a, b: this.b, Ic: this.Ic, Q: this.Q };
    if (this.P0 !== 1) s.P0 = this.P0;
    if (this.currentUnit) s.currentUnit = this.currentUnit;
    if (this.powerUnit) s.powerUnit = this.powerUnit;
    if (this.measuredCurrent) s.measuredCurrent = [this.measuredCurrent[0], this.measuredCurrent[1]];
    return s;
  }
}

/** Slavin–Tiberkevich curve of eq. 3, zero below threshold. Construct with {@link eq3}. */
export class Eq3Curve implements DeviceCurve, Eq3Params {
  readonly model = "eq3";
  readonly polarity: 1 | -1;
  readonly currentScale: number;
  readonly currentUnit: string;
  readonly powerUnit: string;
  readonly measuredCurrent?: readonly [number, number];
  readonly Ic: number;
  readonly Q: number;
  readonly P0: number;

  constructor(params: Eq3Params, units: Units = {}) {
    this.Ic = params.Ic;
    this.Q = params.Q;
    this.P0 = params.P0 ?? 1;
    this.polarity = params.Ic < 0 ? -1 : 1;
    this.currentScale = Math.abs(params.Ic);
    this.currentUnit = units.currentUnit ?? "";
    this.powerUnit = units.powerUnit ?? "";
    if (units.measuredCurrent !== undefined) this.measuredCurrent = [units.measuredCurrent[0], units.measuredCurrent[1]];
  }

  power(I: number): number {
    // Above threshold iff I/Ic >= 1, written without division: (I - Ic)·sign(Ic) >= 0.
    return (I - this.Ic) * this.polarity >= 0 ? (this.P0 * (I - this.Ic)) / (I + this.Q * this.Ic) : 0;
  }

  derivative(I: number): number {
    if ((I - this.Ic) * this.polarity < 0) return 0;
    const den = I + this.Q * this.Ic;
    return (this.P0 * this.Ic * (1 + this.Q)) / (den * den);
  }

  evaluate(I: Float64Array, p: Float64Array, dp: Float64Array | null, start: number, end: number): void {
    const Ic = this.Ic, QIc = this.Q * this.Ic, P0 = this.P0, c = P0 * Ic * (1 + this.Q), s = this.polarity;
    for (let j = start; j < end; j++) {
      const x = I[j];
      if ((x - Ic) * s >= 0) {
        const inv = 1 / (x + QIc);
        p[j] = P0 * (x - Ic) * inv;
        if (dp !== null) dp[j] = c * inv * inv;
      } else {
        p[j] = 0;
        if (dp !== null) dp[j] = 0;
      }
    }
  }

  toSpec(): DeviceSpec {
    const s: DeviceSpec = { model: "eq3", Ic: this.Ic, Q: this.Q };
    if (this.P0 !== 1) s.P0 = this.P0;
    if (this.currentUnit) s.currentUnit = this.currentUnit;
    if (this.powerUnit) s.powerUnit = this.powerUnit;
    if (this.measuredCurrent) s.measuredCurrent = [this.measuredCurrent[0], this.measuredCurrent[1]];
    return s;
  }
}

function checkCommon(Ic: unknown, Q: unknown, P0: unknown, where: string): void {
  finite(Ic, `${where}Ic`);
  finite(Q, `${where}Q`);
  if (P0 !== undefined && !(finite(P0, `${where}P0`) > 0)) {
    throw new InputError(`${where}P0 must be > 0 (got ${show(P0)}): it is the power scale, in the power unit`);
  }
  if (Ic === 0) throw new InputError(`${where}Ic must be non-zero (got 0): the threshold current sets the drive polarity`);
  if (!Number.isFinite((Q as number) * (Ic as number))) {
    throw new InputError(`${where}Q·Ic must be finite (got Q = ${show(Q)}, Ic = ${show(Ic)}): the pole position -Q·Ic overflows`);
  }
}

/**
 * Creates the eq. 4 curve after validating its parameters.
 * @param params a, b, Ic, Q (defaults: the paper's test device a=4, b=5, Ic=1, Q=2).
 * @param where prefix for error messages, e.g. "device.json: ".
 * @throws InputError naming the parameter if a value is non-finite, Ic = 0, or Q ≤ 0 (the pole at
 *   I = −Q·Ic would then be reachable by currents of the sign of Ic).
 * @example eq4().power(2) // ≈ 0.2488
 */
export function eq4(params: Partial<Eq4Params> = {}, units: Units = {}, where = ""): Eq4Curve {
  const p = { ...PAPER_DEVICE, ...params };
  finite(p.a, `${where}a`);
  finite(p.b, `${where}b`);
  checkCommon(p.Ic, p.Q, p.P0, where);
  if (!(p.Q > 0)) {
    throw new InputError(
      `${where}Q must be > 0 for eq4 (got ${show(p.Q)}): otherwise the pole at I = -Q·Ic = ${show(-p.Q * p.Ic)} lies in the driven current range ${p.Ic > 0 ? "I >= 0" : "I <= 0"}`,
    );
  }
  return new Eq4Curve(p, units);
}

/**
 * Creates the eq. 3 curve (zero below threshold) after validating its parameters.
 * @throws InputError if a value is non-finite, Ic = 0, or Q ≤ −1 (pole at or beyond threshold).
 * @example eq3({ Ic: 1, Q: 2 }).power(0) // 0 (below threshold), not −1/Q
 */
export function eq3(params: Partial<Eq3Params> = {}, units: Units = {}, where = ""): Eq3Curve {
  const p = { Ic: PAPER_DEVICE.Ic, Q: PAPER_DEVICE.Q, ...params };
  checkCommon(p.Ic, p.Q, p.P0, where);
  if (!(p.Q > -1)) {
    throw new InputError(
      `${where}Q must be > -1 for eq3 (got ${show(p.Q)}): otherwise the pole at I = -Q·Ic = ${show(-p.Q * p.Ic)} lies in the oscillating range ${p.Ic > 0 ? "I >= Ic" : "I <= Ic"} = ${show(p.Ic)}`,
    );
  }
  return new Eq3Curve(p, units);
}
