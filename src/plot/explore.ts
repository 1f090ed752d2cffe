/**
 * Figures of a design-space sweep, as pure functions from arrays to SVG strings: an accuracy heat
 * map over two axes, accuracy against one axis with seed bands, and the Pareto front of accuracy
 * against energy per inference.
 */
import { heatmapChart } from "./heatmap.js";
import { lineChart, type LineSeries } from "./line.js";
import { InputError } from "../util/errors.js";

/**
 * Mean accuracy (%) over a grid of two axes: cell (row r, column c) at `r·cols + c`; NaN cells
 * (no result) are left blank.
 * @example accuracyHeatmap({ values: [90, 95, 92, 97], xLabels: ["2", "4"], yLabels: ["4", "8"], xName: "steps n", yName: "ADC bits" })
 */
export function accuracyHeatmap(o: { values: ArrayLike<number>; xLabels: readonly string[]; yLabels: readonly string[]; xName: string; yName: string; title?: string }): string {
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < o.values.length; i++) if (Number.isFinite(o.values[i])) [lo, hi] = [Math.min(lo, o.values[i]), Math.max(hi, o.values[i])];
  const title = o.title ?? "Mean test accuracy (%)";
  return heatmapChart({
    // Colours span the data (accuracies often differ by a few percent), at least 1 point wide.
    ...(hi >= lo ? { domain: [Math.min(lo, hi - 1), hi] as [number, number] } : {}),
    matrix: o.values,
    rows: o.yLabels.length,
    cols: o.xLabels.length,
    rowLabels: o.yLabels,
    colLabels: o.xLabels,
    xAxis: { label: o.xName },
    yAxis: { label: o.yName },
    digits: 1,
    colorBar: true,
    width: Math.round(Math.max(360, 90 + 56 * o.xLabels.length, 40 + 7.5 * title.length)),
    height: Math.max(260, 90 + 34 * o.yLabels.length),
    title,
  });
}

/** One curve of {@link accuracyLines}: mean over seeds, band = min..max over seeds. */
export interface AccuracyCurve {
  label: string;
  mean: ArrayLike<number>;
  lo: ArrayLike<number>;
  hi: ArrayLike<number>;
}

/**
 * Accuracy (%) against one numeric axis, one curve per value of a second axis (or one curve), each
 * with its band over seeds.
 */
export function accuracyLines(o: { x: ArrayLike<number>; curves: readonly AccuracyCurve[]; xName: string; log?: boolean; title?: string }): string {
  if (o.curves.length === 0) throw new InputError("accuracyLines: no curves");
  const series: LineSeries[] = o.curves.map((c) => ({ label: c.label, x: o.x, y: c.mean, band: { lo: c.lo, hi: c.hi }, style: "linepoints" }));
  return lineChart({
    series,
    x: { label: o.xName, ...(o.log ? { log: true } : {}) },
    y: { label: "Test accuracy", unit: "%" },
    title: o.title ?? "Test accuracy (mean over seeds, band: min–max)",
    width: 520,
    height: 340,
  });
}

/**
 * Accuracy (%) against energy per inference (J, log axis): every point, and the Pareto front
 * (indices into the arrays, in order of increasing energy) as a line.
 */
export function paretoChart(o: { energy: ArrayLike<number>; accuracy: ArrayLike<number>; front: readonly number[]; accuracyName?: string; title?: string }): string {
  const fx = o.front.map((i) => o.energy[i]), fy = o.front.map((i) => o.accuracy[i]);
  return lineChart({
    series: [
      { label: "design points", x: o.energy, y: o.accuracy, style: "points", color: "#999999" },
      { label: "Pareto front", x: fx, y: fy, style: "linepoints" },
    ],
    x: { label: "Energy per inference", unit: "J", log: true },
    y: { label: o.accuracyName ?? "Validation accuracy", unit: "%" },
    title: o.title ?? "Accuracy against energy per inference",
    width: 520,
    height: 340,
  });
}
