/**
 * A measured or simulated power-vs-current curve given as points, interpolated by a monotone
 * piecewise-cubic Hermite spline (PCHIP: Fritsch & Carlson 1980, with the Fritsch & Butland 1984
 * weighted-harmonic-mean tangents that scipy's `PchipInterpolator` also uses).
 *
 * Between the points the interpolant never overshoots: on every interval where the data are
 * monotone the spline is monotone, and it passes through every point exactly. Its derivative is
 * the analytic derivative of the cubic pieces (continuous, C¹).
 *
 * Outside the measured range the curve is extended either by `clamp` (constant end power, zero
 * derivative) or by `linear` (the end value continued with the end tangent).
 */
import type { DeviceCurve, DeviceSpec } from "./curve.js";
import type { Units } from "./analytic.js";
import { InputError } from "../util/errors.js";
import { show } from "../util/check.js";

/** How a table curve continues beyond its first and last point. */
export type Extrapolation = "clamp" | "linear";

/** Allowed {@link Extrapolation} values. */
export const EXTRAPOLATIONS: readonly Extrapolation[] = ["clamp", "linear"];

/** Options of {@link tableCurve}. */
export interface TableOptions extends Units {
  /** Behaviour outside [min current, max current]. @default "clamp" */
  extrapolation?: Extrapolation;
  /**
   * Drive polarity (+1 or −1). @default inferred: the sign of the current at which the power is
   * largest (the side of zero where the power rises); if that current is 0, the sign of the trend.
   */
  polarity?: 1 | -1;
}

/**
 * Kernel: PCHIP tangents `m` for sorted nodes `x` (strictly increasing) and values `y`, n ≥ 2.
 * Interior: weighted harmonic mean of the neighbouring secants when they have the same sign, else 0.
 * Ends: the shape-preserving three-point formula. Writes m, returns it.
 */
export function pchipTangents(n: number, x: Float64Array, y: Float64Array, m: Float64Array): Float64Array {
  if (n === 2) {
    m[0] = m[1] = (y[1] - y[0]) / (x[1] - x[0]);
    return m;
  }
  for (let k = 1; k < n - 1; k++) {
    const h0 = x[k] - x[k - 1], h1 = x[k + 1] - x[k];
    const d0 = (y[k] - y[k - 1]) / h0, d1 = (y[k + 1] - y[k]) / h1;
    if (d0 === 0 || d1 === 0 || d0 > 0 !== d1 > 0) {
      m[k] = 0;
    } else {
      const w1 = 2 * h1 + h0, w2 = h1 + 2 * h0;
      m[k] = (w1 + w2) / (w1 / d0 + w2 / d1);
    }
  }
  m[0] = endTangent(x[1] - x[0], x[2] - x[1], (y[1] - y[0]) / (x[1] - x[0]), (y[2] - y[1]) / (x[2] - x[1]));
  const l = n - 1;
  m[l] = endTangent(x[l] - x[l - 1], x[l - 1] - x[l - 2], (y[l] - y[l - 1]) / (x[l] - x[l - 1]), (y[l - 1] - y[l - 2]) / (x[l - 1] - x[l - 2]));
  return m;
}

// Three-point end tangent, bounded so the end piece stays monotone (Moler, "Numerical Computing with MATLAB", pchip).
function endTangent(h0: number, h1: number, d0: number, d1: number): number {
  const m = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1);
  if (m > 0 !== d0 > 0 || d0 === 0) return 0;
  if (d0 > 0 !== d1 > 0 && Math.abs(m) > Math.abs(3 * d0)) return 3 * d0;
  return m;
}

/** Numbers per oscillator in the fast engines' table descriptor ({@link TableCurve.writeKernelTable}): offset, node count, extrapolation. */
export const TABLE_DESC = 3;

/** A tabulated curve. Construct with {@link tableCurve}. */
export class TableCurve implements DeviceCurve {
  readonly model = "table";
  readonly polarity: 1 | -1;
  readonly currentScale: number;
  readonly currentUnit: string;
  readonly powerUnit: string;
  /**
   * How the curve continues beyond its first and last node: "clamp" (constant, zero slope) or "linear" (the
   * end tangent). @default "clamp"
   */
  readonly extrapolation: Extrapolation;
  /** The table's current span [first node, last node]: outside it the curve is extrapolated. */
  readonly measuredCurrent: readonly [number, number];
  /** Node currents, strictly increasing (device current unit). */
  readonly current: Float64Array;
  /** Node powers (device power unit). */
  readonly powerValues: Float64Array;
  /** PCHIP tangents dp/dI at the nodes. */
  readonly tangents: Float64Array;
  private readonly explicitPolarity: boolean;

  /** Use {@link tableCurve}, which validates; this trusts sorted, finite, distinct nodes. */
  constructor(current: Float64Array, power: Float64Array, options: TableOptions = {}) {
    const n = current.length;
    this.current = current;
    this.powerValues = power;
    this.tangents = pchipTangents(n, current, power, new Float64Array(n));
    this.extrapolation = options.extrapolation ?? "clamp";
    this.currentUnit = options.currentUnit ?? "";
    this.powerUnit = options.powerUnit ?? "";
    this.explicitPolarity = options.polarity !== undefined;
    this.polarity = options.polarity ?? inferPolarity(current, power);
    this.currentScale = onsetMagnitude(current, power, this.polarity);
    this.measuredCurrent = [current[0], current[n - 1]];
  }

  power(I: number): number {
    const x = this.current, y = this.powerValues, m = this.tangents, n = x.length;
    if (!(I > x[0])) {
      if (I !== I) return NaN;
      return this.extrapolation === "clamp" ? y[0] : y[0] + m[0] * (I - x[0]);
    }
    if (I >= x[n - 1]) return this.extrapolation === "clamp" ? y[n - 1] : y[n - 1] + m[n - 1] * (I - x[n - 1]);
    const k = locate(x, n, I);
    const h = x[k + 1] - x[k], t = (I - x[k]) / h, t2 = t * t, t3 = t2 * t;
    return (2 * t3 - 3 * t2 + 1) * y[k] + (t3 - 2 * t2 + t) * h * m[k] + (3 * t2 - 2 * t3) * y[k + 1] + (t3 - t2) * h * m[k + 1];
  }

  derivative(I: number): number {
    const x = this.current, y = this.powerValues, m = this.tangents, n = x.length;
    if (!(I > x[0])) {
      if (I !== I) return NaN;
      return this.extrapolation === "clamp" && I < x[0] ? 0 : m[0];
    }
    if (I >= x[n - 1]) return this.extrapolation === "clamp" && I > x[n - 1] ? 0 : m[n - 1];
    const k = locate(x, n, I);
    const h = x[k + 1] - x[k], t = (I - x[k]) / h, t2 = t * t;
    return ((6 * t2 - 6 * t) * (y[k] - y[k + 1])) / h + (3 * t2 - 4 * t + 1) * m[k] + (3 * t2 - 2 * t) * m[k + 1];
  }

  evaluate(I: Float64Array, p: Float64Array, dp: Float64Array | null, start: number, end: number): void {
    const x = this.current, y = this.powerValues, m = this.tangents, n = x.length;
    for (let j = start; j < end; j++) {
      const v = I[j];
      if (!(v > x[0]) || v >= x[n - 1]) {
        // Outside (or on the ends of) the table, and NaN: the scalar rules.
        p[j] = this.power(v);
        if (dp !== null) dp[j] = this.derivative(v);
        continue;
      }
      // One interval search for both value and derivative.
      const k = locate(x, n, v);
      const h = x[k + 1] - x[k], t = (v - x[k]) / h, t2 = t * t, t3 = t2 * t;
      p[j] = (2 * t3 - 3 * t2 + 1) * y[k] + (t3 - 2 * t2 + t) * h * m[k] + (3 * t2 - 2 * t3) * y[k + 1] + (t3 - t2) * h * m[k + 1];
      if (dp !== null) dp[j] = ((6 * t2 - 6 * t) * (y[k] - y[k + 1])) / h + (3 * t2 - 4 * t + 1) * m[k] + (3 * t2 - 2 * t) * m[k + 1];
    }
  }

  /**
   * Kernel: the one packed layout of a table device that the fast engines read (the native
   * engine's drive step, native/kernels.h `tableRowCurve`, and the WebAssembly engine's): the node
   * currents, their powers and the PCHIP tangents back to back, 3n numbers, written into
   * data[off..off + 3n); and the oscillator's descriptor (offset, node count n, extrapolation 1 =
   * linear, 0 = clamp) into desc[at..at + 3). The engines compute
   * {@link TableCurve.evaluate}'s operations in its order from these, so the same bits.
   * @returns 3n, the numbers written into data.
   */
  writeKernelTable(desc: Float64Array, at: number, data: Float64Array, off: number): number {
    const n = this.current.length;
    data.set(this.current, off);
    data.set(this.powerValues, off + n);
    data.set(this.tangents, off + 2 * n);
    desc[at] = off;
    desc[at + 1] = n;
    desc[at + 2] = this.extrapolation === "linear" ? 1 : 0;
    return 3 * n;
  }

  toSpec(): DeviceSpec {
    const s: DeviceSpec = {
      model: "table",
      current: Array.from(this.current),
      power: Array.from(this.powerValues),
      extrapolation: this.extrapolation,
    };
    if (this.explicitPolarity) s.polarity = this.polarity;
    if (this.currentUnit) s.currentUnit = this.currentUnit;
    if (this.powerUnit) s.powerUnit = this.powerUnit;
    return s;
  }
}

// Index k with x[k] <= I < x[k+1], for x[0] < I < x[n-1] (binary search).
function locate(x: Float64Array, n: number, I: number): number {
  let lo = 0, hi = n - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (x[mid] <= I) lo = mid;
    else hi = mid;
  }
  return lo;
}

function inferPolarity(x: Float64Array, y: Float64Array): 1 | -1 {
  let best = 0;
  for (let k = 1; k < x.length; k++) if (y[k] > y[best]) best = k;
  if (x[best] !== 0) return x[best] > 0 ? 1 : -1;
  return y[x.length - 1] >= y[0] ? 1 : -1;
}

// |I| at which the power first reaches 10% of its range above the lowest power, walking away from
// zero on the polarity side (linear interpolation between nodes); falls back to the largest |I|.
function onsetMagnitude(x: Float64Array, y: Float64Array, s: 1 | -1): number {
  const n = x.length;
  let lo = Infinity, hi = -Infinity;
  for (let k = 0; k < n; k++) {
    if (y[k] < lo) lo = y[k];
    if (y[k] > hi) hi = y[k];
  }
  const level = lo + 0.1 * (hi - lo);
  let prevMag = NaN, prevP = NaN, largest = 0;
  for (let j = 0; j < n; j++) {
    const k = s > 0 ? j : n - 1 - j;
    const mag = s * x[k];
    if (mag < 0) continue;
    largest = mag;
    if (y[k] >= level) {
      if (Number.isNaN(prevMag) || y[k] === prevP) return mag > 0 ? mag : fallback(x);
      const onset = prevMag + ((level - prevP) * (mag - prevMag)) / (y[k] - prevP);
      return onset > 0 ? onset : mag > 0 ? mag : fallback(x);
    }
    prevMag = mag;
    prevP = y[k];
  }
  return largest > 0 ? largest : fallback(x);
}

function fallback(x: Float64Array): number {
  return Math.max(Math.abs(x[0]), Math.abs(x[x.length - 1])) || 1;
}

/**
 * Creates a validated table curve from (current, power) points in any order.
 * @param current currents in the device's current unit (finite, distinct; sorted here).
 * @param power powers in the device's power unit (finite), same length.
 * @param options extrapolation (@default "clamp"), units, polarity (@default inferred).
 * @param where prefix naming the source in error messages, e.g. `"curve.json: "`.
 * @throws InputError for fewer than 2 points, mismatched lengths, non-finite values, duplicate
 *   currents, or a constant power (a curve that does not vary cannot be driven).
 * @example tableCurve([0, 1, 2], [0, 1, 1.5]).power(1) // 1 (passes through the points)
 */
export function tableCurve(
  current: ArrayLike<number>,
  power: ArrayLike<number>,
  options: TableOptions = {},
  where = "",
): TableCurve {
  const n = current.length;
  if (power.length !== n) {
    throw new InputError(`${where}current and power must have the same length (got ${n} and ${power.length})`);
  }
  if (n < 2) throw new InputError(`${where}a table needs at least 2 points, 4 or more for a useful curve (got ${n})`);
  for (let k = 0; k < n; k++) {
    if (typeof current[k] !== "number" || !Number.isFinite(current[k])) {
      throw new InputError(`${where}current[${k}] must be a finite number (got ${show(current[k])})`);
    }
    if (typeof power[k] !== "number" || !Number.isFinite(power[k])) {
      throw new InputError(`${where}power[${k}] must be a finite number (got ${show(power[k])})`);
    }
  }
  const order = Array.from({ length: n }, (_, k) => k).sort((i, j) => current[i] - current[j]);
  const x = new Float64Array(n), y = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    x[k] = current[order[k]];
    y[k] = power[order[k]];
    if (k > 0 && x[k] === x[k - 1]) {
      throw new InputError(`${where}current must not repeat (${show(x[k])} appears at rows ${Math.min(order[k], order[k - 1])} and ${Math.max(order[k], order[k - 1])}); currents must be strictly increasing after sorting`);
    }
  }
  let constant = true;
  for (let k = 1; k < n; k++) if (y[k] !== y[0]) constant = false;
  if (constant) throw new InputError(`${where}power is constant (${show(y[0])} at all ${n} points); a device curve must vary with current`);
  const ex = options.extrapolation ?? "clamp";
  if (!EXTRAPOLATIONS.includes(ex)) {
    throw new InputError(`${where}extrapolation must be one of ${EXTRAPOLATIONS.join(", ")} (got ${show(ex)})`);
  }
  if (options.polarity !== undefined && options.polarity !== 1 && options.polarity !== -1) {
    throw new InputError(`${where}polarity must be 1 or -1 (got ${show(options.polarity)})`);
  }
  return new TableCurve(x, y, { ...options, extrapolation: ex });
}
