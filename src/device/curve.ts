/**
 * The device-curve contract: what the network needs from an STNO's stationary power p(I).
 *
 * Polarity convention (documented in the README): eq. 6 of the paper makes the drive u² ≥ 0, but a
 * device whose threshold current Ic is negative only oscillates for I < Ic < 0. The CMOS driver
 * therefore injects `I = polarity·u²` with `polarity = sign(Ic)`, so every device is driven with the
 * polarity that excites it. For the paper's test device (Ic = 1) this is exactly eq. 6.
 */

/** A JSON-serialisable description of a device curve; see {@link curveFromSpec}. */
export interface DeviceSpec {
  /** Which model: `eq4` (tanh tail), `eq3` (Slavin–Tiberkevich), or another registered kind. */
  model: string;
  /** Unit of current, e.g. "mA"; the network works in these units. @default "" (dimensionless) */
  currentUnit?: string;
  /** Unit of power, e.g. "nW". @default "" (dimensionless) */
  powerUnit?: string;
  /** Model parameters (a, b, Ic, Q for eq4; Ic, Q for eq3; points for tables). */
  [parameter: string]: unknown;
}

/**
 * A stationary power-vs-current curve p(I) with its derivative dp/dI.
 * Implementations are immutable; one object may be shared by many oscillators.
 */
export interface DeviceCurve {
  /** Model name, as in {@link DeviceSpec.model}. */
  readonly model: string;
  /** Sign of the current that excites the device (+1 or −1): the network injects `polarity·u²`. */
  readonly polarity: 1 | -1;
  /** A typical current magnitude (|Ic| for analytic models), used to scale initialisation. */
  readonly currentScale: number;
  /** Unit of current (may be ""). */
  readonly currentUnit: string;
  /** Unit of power (may be ""). */
  readonly powerUnit: string;
  /**
   * Currents [lo, hi] (current unit) over which the curve is measured: a table's node span, or
   * the data range a fitted curve was fitted to (`measuredCurrent` in its spec, which `dynaspin
   * fit` writes). Outside it the curve is an extrapolation; a trained network that drives the device
   * far outside it is reported (src/network/drive-range.ts). Undefined when not known.
   */
  readonly measuredCurrent?: readonly [number, number];
  /** p(I), power at current I. */
  power(I: number): number;
  /** dp/dI at current I. */
  derivative(I: number): number;
  /**
   * Vectorised kernel: for j in [start, end) writes `p[j] = p(I[j])` and, when `dp` is given,
   * `dp[j] = p'(I[j])`. Allocates nothing and validates nothing.
   */
  evaluate(I: Float64Array, p: Float64Array, dp: Float64Array | null, start: number, end: number): void;
  /** The JSON description that {@link curveFromSpec} turns back into an equal curve. */
  toSpec(): DeviceSpec;
}
