/**
 * Where a device is useful to the network: the current window in which its power rises from a
 * small fraction of its maximum to most of it. Initialisation places each step's currents there.
 */
import type { DeviceCurve } from "./curve.js";

/** A current window [lo, hi] on the excited side (lo, hi > 0 are magnitudes |I|). */
export interface OperatingRange {
  /** |I| at which p first reaches `lowFraction`·max p. */
  lo: number;
  /** |I| at which p first reaches `highFraction`·max p. */
  hi: number;
  /** max p over the scanned window. */
  pMax: number;
}

/**
 * Scans |I| over (0, span·currentScale] on the device's polarity side (2001 points) and returns the
 * window where p(I) climbs from `lowFraction` to `highFraction` of its maximum.
 * @param span how many threshold currents to scan. @default 10
 * @param lowFraction @default 0.1
 * @param highFraction @default 0.6
 */
export function operatingRange(curve: DeviceCurve, span = 10, lowFraction = 0.1, highFraction = 0.6): OperatingRange {
  // Curves are immutable, so the default window is computed once per curve: every training run
  // (each restart and weight-decay candidate) asks it for each of its k oscillators, 4000 power
  // evaluations each (10 % of a 64-feature table's training time before it was kept).
  const byDefault = span === 10 && lowFraction === 0.1 && highFraction === 0.6;
  if (byDefault) {
    const seen = DEFAULT_RANGES.get(curve);
    if (seen !== undefined) return { ...seen };
  }
  const r = scanRange(curve, span, lowFraction, highFraction);
  if (byDefault) DEFAULT_RANGES.set(curve, { ...r });
  return r;
}

/** {@link operatingRange} with the default window, per curve object. */
const DEFAULT_RANGES = new WeakMap<DeviceCurve, OperatingRange>();

function scanRange(curve: DeviceCurve, span: number, lowFraction: number, highFraction: number): OperatingRange {
  const n = 2001;
  const top = span * curve.currentScale;
  let pMax = -Infinity;
  for (let k = 1; k <= n; k++) {
    const p = curve.power(curve.polarity * (top * k) / n);
    if (p > pMax) pMax = p;
  }
  let lo = NaN;
  let hi = NaN;
  for (let k = 1; k <= n; k++) {
    const mag = (top * k) / n;
    const p = curve.power(curve.polarity * mag);
    if (Number.isNaN(lo) && p >= lowFraction * pMax) lo = mag;
    if (Number.isNaN(hi) && p >= highFraction * pMax) {
      hi = mag;
      break;
    }
  }
  if (Number.isNaN(lo)) lo = curve.currentScale;
  if (Number.isNaN(hi) || hi <= lo) hi = 2 * lo;
  return { lo, hi, pMax };
}
