/**
 * Which figures a sweep gets and the numbers in them: the heat map over two axes, the line over
 * one axis (curves per value of a second), each averaging over the axes not shown, and the Pareto
 * front (validation accuracy at the first evaluation σ against energy). Pure.
 */
import { accuracyHeatmap, accuracyLines, paretoChart, type AccuracyCurve } from "../plot/explore.js";
import { axisValue, type ExploreAxis, type ResolvedExplore } from "./spec.js";
import { paretoFront, summarize } from "./results.js";
import type { ExploreRow } from "./run.js";

/** Axis names as figure titles. */
export const AXIS_NAMES: Record<ExploreAxis, string> = {
  device: "device", steps: "steps n", oscillators: "oscillators K", a: "a", b: "b", Ic: "Ic", Q: "Q", lr: "learning rate", restarts: "restarts",
  trainSigma: "training σ", adcBits: "ADC bits (0 = ideal)", dacBits: "DAC bits (0 = ideal)", readNoise: "read noise σ", currentLimit: "current limit (0 = none)", evalSigma: "evaluation σ",
};

function valueOf(r: ResolvedExplore, w: ExploreRow, axis: ExploreAxis): string {
  return axis === "evalSigma" ? String(w.evalSigma) : axisValue(r.points[w.point], axis);
}

/** Distinct values of an axis in first-seen order (numbers sorted). */
function values(r: ResolvedExplore, rows: readonly ExploreRow[], axis: ExploreAxis): string[] {
  const seen = [...new Set(rows.map((w) => valueOf(r, w, axis)))];
  return axis === "device" ? seen : seen.sort((a, b) => Number(a) - Number(b));
}

/** Axes with at least two distinct values among the rows. */
export function shownAxes(r: ResolvedExplore, rows: readonly ExploreRow[]): ExploreAxis[] {
  return r.axes.filter((a) => values(r, rows, a).length >= 2);
}

/** The figures of a sweep (SVG strings), each absent when the sweep has too few varied axes. */
export function exploreFigures(r: ResolvedExplore, rows: readonly ExploreRow[], choose: {
    /** The two axes of the heatmap (x, y). @default the first two varying axes */
    heatmap?: [ExploreAxis, ExploreAxis];
    /** The axis of the line chart's x. @default the first varying axis other than device */
    line?: ExploreAxis;
  } = {},
): {
  /** Mean test accuracy over two axes (SVG), when at least two axes vary. */
  heatmap?: string;
  /** Test accuracy along one axis with a min–max band (SVG), when an axis varies. */
  line?: string;
  /** Validation accuracy against energy with the Pareto front (SVG). */
  pareto?: string;
} {
  const ok = rows.filter((w) => w.status === "ok");
  const out: { heatmap?: string; line?: string; pareto?: string } = {};
  if (ok.length === 0) return out;
  const axes = shownAxes(r, ok);
  const heat = choose.heatmap ?? (axes.length >= 2 ? [axes[0], axes[1]] : undefined);
  if (heat) {
    const [xa, ya] = heat;
    const xs = values(r, ok, xa), ys = values(r, ok, ya);
    const m = new Float64Array(xs.length * ys.length).fill(NaN);
    ys.forEach((yv, i) => xs.forEach((xv, j) => {
      const sel = ok.filter((w) => valueOf(r, w, xa) === xv && valueOf(r, w, ya) === yv);
      if (sel.length) m[i * xs.length + j] = (100 * sel.reduce((s, w) => s + w.testAccuracy, 0)) / sel.length;
    }));
    const others = axes.filter((a) => a !== xa && a !== ya);
    out.heatmap = accuracyHeatmap({ values: m, xLabels: xs, yLabels: ys, xName: AXIS_NAMES[xa], yName: AXIS_NAMES[ya], title: `Mean test accuracy (%)${others.length ? `, mean over ${others.map((a) => AXIS_NAMES[a]).join(", ")}` : ""}` });
  }
  const lineAxis = choose.line ?? axes.find((a) => a !== "device");
  if (lineAxis) {
    const xs = values(r, ok, lineAxis);
    const by = axes.find((a) => a !== lineAxis && values(r, ok, a).length <= 8);
    const groups = by ? values(r, ok, by) : [""];
    const curves: AccuracyCurve[] = groups.map((g) => {
      const mean: number[] = [], lo: number[] = [], hi: number[] = [];
      for (const xv of xs) {
        const sel = ok.filter((w) => valueOf(r, w, lineAxis) === xv && (!by || valueOf(r, w, by) === g));
        // Per seed: the mean over the axes not shown; then the spread over seeds.
        const perSeed = r.seeds.map((s) => sel.filter((w) => w.seed === s)).filter((a) => a.length > 0).map((a) => (100 * a.reduce((t, w) => t + w.testAccuracy, 0)) / a.length);
        mean.push(perSeed.length ? perSeed.reduce((t, x) => t + x, 0) / perSeed.length : NaN);
        lo.push(perSeed.length ? Math.min(...perSeed) : NaN);
        hi.push(perSeed.length ? Math.max(...perSeed) : NaN);
      }
      return { label: by ? `${AXIS_NAMES[by]} = ${g}` : "all points", mean, lo, hi };
    });
    const rest = axes.filter((a) => a !== lineAxis && a !== by);
    out.line = accuracyLines({ x: xs.map(Number), curves, xName: AXIS_NAMES[lineAxis], title: `Test accuracy (mean over seeds${rest.length ? ` and ${rest.map((a) => AXIS_NAMES[a]).join(", ")}` : ""}; band: seeds' min–max)` });
  }
  const s = summarize(r, ok).filter((p) => p.evalSigma === r.evalSigmas[0] && p.seeds > p.failed);
  if (s.length >= 2) {
    const front = paretoFront(s);
    out.pareto = paretoChart({ energy: s.map((p) => p.energy), accuracy: s.map((p) => 100 * p.validationMean), front, accuracyName: "Validation accuracy" });
  }
  return out;
}
