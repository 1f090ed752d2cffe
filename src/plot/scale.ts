/**
 * Axis scales and "nice" ticks (1, 2, 5 × 10^k steps, as in d3-array's `ticks`), linear or
 * base-10 logarithmic. Pure and allocation-light; used by every chart.
 */
import { minusSign, superscript } from "./text.js";

/** A resolved axis scale mapping data values to pixels. */
export interface Scale {
  /** Linear or base-10 logarithmic. */
  readonly log: boolean;
  /** Data domain [lo, hi] after nice rounding (lo < hi). */
  readonly domain: readonly [number, number];
  /** Pixel range [start, end] the domain maps to (end may be < start for a y axis). */
  readonly range: readonly [number, number];
  /** Labelled tick values, ascending. */
  readonly ticks: readonly number[];
  /** Unlabelled minor tick values (log axes: 2..9 × 10^k). */
  readonly minor: readonly number[];
  /** Tick labels, one per tick (typographic minus, superscript exponents). */
  readonly labels: readonly string[];
  /**
   * Common power of ten E factored out of the labels of a linear axis with very large or small
   * values (labels show v / 10^E; the axis title says "10^E unit"). 0 when not used.
   */
  readonly exponent: number;
  /** Maps a data value to a pixel coordinate (NaN for v ≤ 0 on a log axis). */
  map(v: number): number;
}

/**
 * The nice tick step for `span` split into about `count` intervals: 1, 2 or 5 × 10^k.
 *
 * @example tickStep(0, 1, 5) // 0.2
 */
export function tickStep(lo: number, hi: number, count: number): number {
  const raw = Math.abs(hi - lo) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const power = Math.floor(Math.log10(raw));
  const base = Math.pow(10, power);
  const err = raw / base;
  const m = err >= Math.sqrt(50) ? 10 : err >= Math.sqrt(10) ? 5 : err >= Math.sqrt(2) ? 2 : 1;
  return m * base;
}

/** Multiples of `step` within [lo, hi] (inclusive, with a tolerance of 1e-9 steps), ascending. */
export function linearTicks(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  const i0 = Math.ceil(lo / step - 1e-9);
  const i1 = Math.floor(hi / step + 1e-9);
  for (let i = i0; i <= i1; i++) out.push(cleanMultiple(i, step));
  return out;
}

// i·step without binary noise (0.1·3 = 0.30000000000000004 → 0.3).
function cleanMultiple(i: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return digits > 0 && digits < 20 ? Number((i * step).toFixed(digits)) : i * step;
}

/**
 * Extends [lo, hi] outward to multiples of the nice step for about `count` ticks and returns
 * [lo, hi, step] (one pass: the step is chosen from the data range, so a slightly negative minimum
 * adds one tick below zero rather than doubling the step). A zero-width domain is widened by ±1
 * (or ±|v|/10) first.
 *
 * @example niceDomain(-0.002, 0.5, 4) // [-0.1, 0.5, 0.1]
 */
export function niceDomain(lo: number, hi: number, count: number): [number, number, number] {
  // Zero-width (or denormal-width) domains: widen around the centre by a tenth of it, or by 1 at 0.
  if (!(hi - lo > 1e-290)) {
    const c = (lo + hi) / 2;
    const d = Math.abs(c) > 1e-280 ? Math.abs(c) / 10 : 1;
    lo = c - d;
    hi = c + d;
  }
  const step = tickStep(lo, hi, count);
  return [cleanMultiple(Math.floor(lo / step + 1e-9), step), cleanMultiple(Math.ceil(hi / step - 1e-9), step), step];
}

/**
 * Formats a tick value for the given step: fixed decimals from the step, typographic minus, and
 * `a×10ⁿ` when the magnitude is ≥ 10⁵ or the step < 10⁻³.
 *
 * @example formatTick(0.25, 0.05) // "0.25";  formatTick(-2, 1) // "−2";  formatTick(2e-5, 1e-5) // "2×10⁻⁵"
 */
export function formatTick(v: number, step: number): string {
  if (v === 0) return "0";
  const av = Math.abs(v);
  if (av >= 1e5 || step < 1e-3) {
    const e = Math.floor(Math.log10(av) + 1e-9);
    const m = v / Math.pow(10, e);
    const stepDigits = Math.max(0, Math.min(6, -Math.floor(Math.log10(step / Math.pow(10, e)) + 1e-9)));
    const ms = Number(m.toFixed(stepDigits));
    return (ms === 1 ? "" : ms === -1 ? "−" : minusSign(String(ms)) + "×") + "10" + superscript(e);
  }
  const digits = Math.max(0, Math.min(12, -Math.floor(Math.log10(step) + 1e-9)));
  return minusSign(v.toFixed(digits));
}

/** Formats a decade tick 10^e: plain for 10⁻³..10⁴, else "10ᵉ". */
function formatDecade(e: number, v: number): string {
  if (e >= -3 && e <= 4) return e < 0 ? v.toFixed(-e) : String(Math.round(v));
  return "10" + superscript(e);
}

/**
 * Builds a linear scale over [lo, hi] mapped onto pixels [r0, r1]. With `nice`, the domain is
 * extended to nice tick multiples.
 */
export function linearScale(lo: number, hi: number, r0: number, r1: number, count = 5, nice = true): Scale {
  const [d0, d1, niceStep] = nice || !(hi - lo > 1e-290) ? niceDomain(lo, hi, count) : [lo, hi, NaN];
  const domain: [number, number] = [d0, d1];
  const step = Number.isNaN(niceStep) ? tickStep(d0, d1, count) : niceStep;
  const ticks = linearTicks(d0, d1, step);
  const k = (r1 - r0) / (d1 - d0);
  const maxAbs = Math.max(Math.abs(d0), Math.abs(d1));
  // Very large or small values: factor out a common power of ten instead of "2×10⁻⁵" on every tick.
  const exponent = maxAbs >= 1e5 || step < 1e-3 ? Math.floor(Math.log10(maxAbs) + 1e-9) : 0;
  const f = Math.pow(10, exponent);
  return {
    log: false,
    domain,
    range: [r0, r1],
    ticks,
    minor: [],
    labels: ticks.map((t) => formatTick(cleanMultiple(Math.round(t / step), step / f), step / f)),
    exponent,
    map: (v: number) => r0 + (v - d0) * k,
  };
}

/**
 * Builds a base-10 log scale over [lo, hi] (both > 0) mapped onto pixels [r0, r1]. With `nice` the
 * domain is extended to whole decades. Ticks: decades, plus
 * 2× and 5× multiples when it spans at most 2 decades; minor ticks at the remaining integer multiples.
 */
export function logScale(lo: number, hi: number, r0: number, r1: number, nice = true): Scale {
  if (!(lo > 0)) lo = hi > 0 ? hi / 10 : 1;
  // Keep decades representable (10^e must neither underflow to 0 nor overflow).
  lo = Math.min(1e299, Math.max(1e-299, lo));
  hi = Math.min(1e300, Math.max(1e-299, hi));
  if (!(hi > lo)) hi = lo * 10;
  let e0 = Math.log10(lo);
  let e1 = Math.log10(hi);
  if (nice) {
    e0 = Math.floor(e0 + 1e-9);
    e1 = Math.ceil(e1 - 1e-9);
    if (e1 === e0) e1 = e0 + 1;
  }
  const d0 = Math.pow(10, e0);
  const d1 = Math.pow(10, e1);
  const few = e1 - e0 <= 2;
  const ticks: number[] = [];
  const labels: string[] = [];
  const minor: number[] = [];
  for (let e = Math.floor(e0 + 1e-9) - 1; e <= Math.ceil(e1 - 1e-9); e++) {
    const base = Math.pow(10, e);
    for (let m = 1; m <= 9; m++) {
      const v = Number((m * base).toPrecision(12));
      if (v < d0 * (1 - 1e-9) || v > d1 * (1 + 1e-9)) continue;
      if (m === 1) {
        ticks.push(v);
        labels.push(formatDecade(e, v));
      } else if (few && (m === 2 || m === 5)) {
        ticks.push(v);
        labels.push(e >= -3 && e <= 4 ? (e < 0 ? v.toFixed(-e) : String(Math.round(v))) : `${m}×10${superscript(e)}`);
      } else minor.push(v);
    }
  }
  const l0 = Math.log10(d0);
  const k = (r1 - r0) / (Math.log10(d1) - l0);
  return {
    log: true,
    domain: [d0, d1],
    range: [r0, r1],
    ticks,
    minor,
    labels,
    exponent: 0,
    map: (v: number) => (v > 0 ? r0 + (Math.log10(v) - l0) * k : NaN),
  };
}

/** Finite extent [min, max] of several arrays (ignoring non-finite and, with `positive`, ≤ 0 values); [NaN, NaN] if none. */
export function extent(arrays: readonly ArrayLike<number>[], positive = false): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++) {
      const v = a[i]!;
      if (!Number.isFinite(v) || (positive && !(v > 0))) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : [NaN, NaN];
}
