/**
 * `histogram` (binning) and `histogramChart`: bars of counts (or densities) with an optional overlay
 * curve on a second y axis, e.g. the injected currents over the device curve p(I).
 */
import { checkAxis, framed, LEGEND_POSITIONS, type AxisOptions, type Frame, type FrameContent, type FrameSpec, type LegendEntry, type LegendPosition, type AxesChartOptions } from "./frame.js";
import { checkSize, hexColor, numbers, optString, sameLength } from "./check.js";
import { color as paletteColor } from "./palette.js";
import { extent, tickStep } from "./scale.js";
import { polyline, svgDocument } from "./svg.js";
import { num } from "./text.js";
import { InputError } from "../util/errors.js";
import { finite, integer, oneOf } from "../util/check.js";

/** Bin edges (length bins + 1) and counts (length bins). */
export interface Histogram {
  /** Bin edges, ascending (one more than the bins). */
  edges: Float64Array;
  /** Count per bin (bin i covers [edges[i], edges[i+1]), the last bin closed). */
  counts: Float64Array;
}

/**
 * Counts finite `values` into `bins` equal bins over [lo, hi] (default: the data range; a value
 * equal to hi goes into the last bin; values outside are dropped).
 *
 * @example histogram([0, 0.5, 1], 2) // edges [0, 0.5, 1], counts [1, 2]
 */
export function histogram(values: ArrayLike<number>, bins: number, lo?: number, hi?: number): Histogram {
  integer(bins, 1, 100000, "histogram: bins");
  const [a, b] = extent([values]);
  let l = lo ?? a;
  let h = hi ?? b;
  if (!Number.isFinite(l) || !Number.isFinite(h)) {
    l = 0;
    h = 1;
  }
  if (!(h > l)) {
    l -= 0.5;
    h += 0.5;
  }
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) edges[i] = l + ((h - l) * i) / bins;
  const counts = new Float64Array(bins);
  const k = bins / (h - l);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= l && v <= h)) continue;
    counts[Math.min(bins - 1, Math.floor((v - l) * k))]! += 1;
  }
  return { edges, counts };
}

/** Options of {@link histogramChart}. */
export interface HistogramChartOptions extends AxesChartOptions {
  /** Raw values to bin (or give `counts` and `edges`). */
  values?: ArrayLike<number>;
  /** Number of bins for `values`. @default ceil(log2(n)) + 1 (Sturges), at least 5, at most 60 */
  bins?: number;
  /** Binning range for `values`. @default the data range, widened to nice tick multiples */
  range?: readonly [number, number];
  /** Precomputed counts (length = edges.length − 1). */
  counts?: ArrayLike<number>;
  /** Precomputed bin edges, ascending. */
  edges?: ArrayLike<number>;
  /** Plot count / (n · bin width) instead of counts. @default false */
  density?: boolean;
  /** A curve on the right y axis (`y2`), drawn over the bars. @default none */
  overlay?: {
    /** x values of the curve (the histogram's units). */
    x: ArrayLike<number>;
    /** y values on the right axis, one per x. */
    y: ArrayLike<number>;
    /** Legend text of the curve. @default none */
    label?: string;
    /** `#RRGGBB` colour. @default the palette's second colour */
    color?: string;
  };
  /** Legend text of the bars. @default "" (bars not in the legend) */
  barLabel?: string;
  /** Bar colour (drawn at 55 % opacity). @default "#0072B2" (blue) */
  color?: string;
}

/**
 * Draws histogram bars (from the y axis' zero) and an optional overlay curve on a second axis.
 * Returns an SVG string.
 */
export function histogramChart(options: HistogramChartOptions): string {
  const where = "histogramChart";
  const [width, height] = checkSize(options.width ?? 480, options.height ?? 320, where);
  const legend = oneOf(options.legend ?? "auto", LEGEND_POSITIONS, `${where}: legend`);
  checkAxis(options.x, `${where}: x`);
  checkAxis(options.y, `${where}: y`);
  checkAxis(options.y2, `${where}: y2`);
  let edges: ArrayLike<number>;
  let counts: ArrayLike<number>;
  if (options.values !== undefined) {
    const v = numbers(options.values, `${where}: values`);
    const n = v.length;
    const bins = options.bins ?? Math.min(60, Math.max(5, Math.ceil(Math.log2(Math.max(1, n))) + 1));
    let lo: number;
    let hi: number;
    if (options.range) {
      lo = finite(options.range[0], `${where}: range[0]`);
      hi = finite(options.range[1], `${where}: range[1]`);
      if (!(hi > lo)) throw new InputError(`${where}: range must be [lo, hi] with hi > lo (got [${lo}, ${hi}])`);
    } else {
      [lo, hi] = extent([v]);
      if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
      if (hi > lo) {
        // Bin edges on round numbers read better.
        const s = tickStep(lo, hi, bins);
        lo = Math.floor(lo / s) * s;
        hi = Math.ceil(hi / s) * s;
      }
    }
    ({ edges, counts } = histogram(v, bins, lo, hi));
  } else {
    if (options.counts === undefined || options.edges === undefined) throw new InputError(`${where}: give values, or counts and edges`);
    counts = numbers(options.counts, `${where}: counts`);
    edges = numbers(options.edges, `${where}: edges`);
    if (edges.length !== counts.length + 1) throw new InputError(`${where}: edges must have counts.length + 1 = ${counts.length + 1} values (got ${edges.length})`);
    for (let i = 0; i + 1 < edges.length; i++) {
      if (!(edges[i + 1]! > edges[i]!)) throw new InputError(`${where}: edges must be strictly increasing (edges[${i + 1}] = ${edges[i + 1]} after ${edges[i]})`);
    }
  }
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i]!;
  const heights = new Float64Array(counts.length);
  for (let i = 0; i < counts.length; i++) {
    heights[i] = options.density ? (total > 0 ? counts[i]! / (total * (edges[i + 1]! - edges[i]!)) : 0) : counts[i]!;
  }
  const ov = options.overlay;
  if (ov) {
    numbers(ov.x, `${where}: overlay.x`);
    numbers(ov.y, `${where}: overlay.y`);
    sameLength(ov.x, ov.y, `${where}: overlay.x`, `${where}: overlay.y`);
    optString(ov.label, `${where}: overlay.label`);
  }
  const barColor = options.color === undefined ? paletteColor(0) : hexColor(options.color, `${where}: color`);
  const ovColor = ov?.color === undefined ? paletteColor(1) : hexColor(ov.color, `${where}: overlay.color`);
  const yOpt: AxisOptions = { label: options.density ? "Density" : "Count", ...options.y };
  const [h0, h1] = extent([heights]);
  const entries: LegendEntry[] = [];
  if (options.barLabel) entries.push({ label: options.barLabel, color: barColor, kind: "swatch" });
  if (ov?.label) entries.push({ label: ov.label, color: ovColor, kind: "line", width: 2.2 });
  const spec: FrameSpec = {
    width,
    height,
    title: options.title,
    x: options.x ?? {},
    xExtent: extent([edges, ...(ov ? [ov.x] : [])]),
    y: yOpt,
    yExtent: [Math.min(0, h0), Math.max(h1, 0) * 1.05],
    y2: ov ? (options.y2 ?? {}) : undefined,
    y2Extent: ov ? extent([ov.y]) : undefined,
    yColor: ov ? barColor : undefined,
    y2Color: ov ? ovColor : undefined,
  };
  const draw = (frame: Frame): FrameContent => {
    const { xs, ys } = frame;
    let body = `<g clip-path="${frame.clip}">\n`;
    const base = ys.map(ys.log ? ys.domain[0] : Math.max(ys.domain[0], Math.min(0, ys.domain[1])));
    let d = "";
    const lpx: number[] = [];
    const lpy: number[] = [];
    for (let i = 0; i < heights.length; i++) {
      const xa = xs.map(edges[i]!);
      const xb = xs.map(edges[i + 1]!);
      const yt = ys.map(heights[i]!);
      if (!Number.isFinite(yt) || heights[i] === 0) continue;
      d += `M${num(xa)},${num(base)}V${num(yt)}H${num(xb)}V${num(base)}z`;
      // The whole bar, not just its top, should keep the legend away.
      for (let k = 0; k <= 4; k++) {
        for (let m = 0; m <= 4; m++) {
          lpx.push(xa + ((xb - xa) * k) / 4);
          lpy.push(yt + ((base - yt) * m) / 4);
        }
      }
    }
    if (d) body += `<path d="${d}" fill="${barColor}" fill-opacity="0.55" stroke="#FFFFFF" stroke-width="0.6"/>\n`;
    if (ov && frame.y2s) {
      const y2s = frame.y2s;
      const X = Array.from(ov.x, (v) => xs.map(v));
      const Y = Array.from(ov.y, (v) => y2s.map(v));
      const p = polyline(X, Y);
      if (p) body += `<path d="${p}" fill="none" stroke="${ovColor}" stroke-width="2.2" stroke-linejoin="round"/>\n`;
      for (let i = 0; i < X.length; i++) {
        lpx.push(X[i]!);
        lpy.push(Y[i]!);
      }
    }
    body += "</g>\n";
    return { body, px: lpx, py: lpy };
  };
  const body = framed(spec, entries, legend, draw);
  return svgDocument(width, height, body, options.title ?? "histogram", !!options.title);
}
