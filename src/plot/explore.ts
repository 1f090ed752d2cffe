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
export function accuracyHeatmap(o: {
    /** Accuracy per cell (%), row-major: row r (y value), column c (x value) at r·xLabels.length + c; NaN for an empty cell. */
    values: ArrayLike<number>;
    /** Labels of the x values (columns). */
    xLabels: readonly string[];
    /** Labels of the y values (rows). */
    yLabels: readonly string[];
    /** Name of the x axis (an explore axis). */
    xName: string;
    /** Name of the y axis (an explore axis). */
    yName: string;
    /** @default "Mean test accuracy (%)" */
    title?: string;
  }): string {
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
  /** Legend text of the curve. */
  label: string;
  /** Mean accuracy per x value (fraction in [0, 1] or %). */
  mean: ArrayLike<number>;
  /** Lower edge of the shaded band per x value (e.g. the lowest seed). */
  lo: ArrayLike<number>;
  /** Upper edge of the shaded band per x value (e.g. the highest seed). */
  hi: ArrayLike<number>;
}

/**
 * Accuracy (%) against one numeric axis, one curve per value of a second axis (or one curve), each
 * with its band over seeds.
 */
export function accuracyLines(o: {
    /** Values of the axis (x), shared by the curves. */
    x: ArrayLike<number>;
    /** One curve per value of another axis: mean and min–max band. */
    curves: readonly AccuracyCurve[];
    /** Name of the x axis (an explore axis). */
    xName: string;
    /** Logarithmic x axis. @default false */
    log?: boolean;
    /** @default "Test accuracy (mean over seeds, band: min–max)" */
    title?: string;
  }): string {
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
export function paretoChart(o: {
    /** Energy per inference of each design point, J (log x axis). */
    energy: ArrayLike<number>;
    /** Accuracy of each design point, %. */
    accuracy: ArrayLike<number>;
    /** Indices of the Pareto-optimal points, in order of energy. */
    front: readonly number[];
    /** Name of the accuracy axis. @default "Validation accuracy" */
    accuracyName?: string;
    /** @default "Accuracy against energy per inference" */
    title?: string;
  }): string {
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
