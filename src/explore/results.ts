/**
 * Tables of a design-space sweep: the tidy CSV (one row per point × seed × evaluation σ), the
 * per-point summary over seeds, and the Pareto front of accuracy against energy. Pure.
 */
import { axisValue, type ExploreAxis, type ExplorePoint, type ResolvedExplore } from "./spec.js";
import type { ExploreRow } from "./run.js";

/** A number as written in the CSV: shortest round-trip form, "" for NaN. */
function cell(x: number): string {
  return Number.isNaN(x) ? "" : String(x);
}

function csvText(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Point-axis columns of the CSV (the varied axes except evalSigma, which has its own column). */
export function pointAxes(axes: readonly ExploreAxis[]): ExploreAxis[] {
  return axes.filter((a) => a !== "evalSigma");
}

/** The tidy CSV: point, seed, the varied axes, eval_sigma, then the measurements. */
export function exploreCsv(r: ResolvedExplore, rows: readonly ExploreRow[]): string {
  const axes = pointAxes(r.axes);
  const head = ["point", "seed", ...axes, "eval_sigma", "train_accuracy", "validation_accuracy", "test_accuracy", "test_accuracy_std", "energy_J", "latency_s", "digital_energy_J", "status", "message"];
  const lines = rows.map((w) => {
    const p = r.points[w.point];
    return [String(w.point), String(w.seed), ...axes.map((a) => csvText(axisValue(p, a))), cell(w.evalSigma), cell(w.trainAccuracy), cell(w.validationAccuracy), cell(w.testAccuracy), cell(w.testAccuracyStd), cell(w.energy), cell(w.latency), cell(w.digitalEnergy), w.status, csvText(w.message)].join(",");
  });
  return [head.join(","), ...lines].join("\n") + "\n";
}

/** One point × evaluation σ summarised over its seeds (failed seeds left out and counted). */
export interface PointSummary {
  /** The point summarised. */
  point: ExplorePoint;
  /** Device-variation σ of the evaluation summarised. */
  evalSigma: number;
  /** Seeds that trained (failed ones excluded). */
  seeds: number;
  /** Seeds whose training failed. */
  failed: number;
  /** Mean validation accuracy over the seeds, in [0, 1]. */
  validationMean: number;
  /** Mean test accuracy over the seeds (each the mean over its evaluation trials), in [0, 1]. */
  testMean: number;
  /** Sample standard deviation of the test accuracy over the seeds (0 with one seed). */
  testStd: number;
  /** Mean over the seeds of each seed's standard deviation over its evaluation trials (0 at σ = 0 without read noise). */
  trialStd: number;
  /** Lowest seed's test accuracy, in [0, 1]. */
  testMin: number;
  /** Highest seed's test accuracy, in [0, 1]. */
  testMax: number;
  /** Mean energy per inference over the seeds, J. */
  energy: number;
  /** Mean latency per inference over the seeds, s. */
  latency: number;
  /** Mean energy per inference of the digital baseline, J. */
  digitalEnergy: number;
}

function mean(a: readonly number[]): number {
  return a.length ? a.reduce((s, x) => s + x, 0) / a.length : NaN;
}

/** Summaries in point order, then σ order. */
export function summarize(r: ResolvedExplore, rows: readonly ExploreRow[]): PointSummary[] {
  const out: PointSummary[] = [];
  for (const point of r.points) {
    r.evalSigmas.forEach((evalSigma) => {
      const mine = rows.filter((w) => w.point === point.index && w.evalSigma === evalSigma);
      const ok = mine.filter((w) => w.status === "ok");
      const te = ok.map((w) => w.testAccuracy);
      const m = mean(te);
      out.push({
        point,
        evalSigma,
        seeds: mine.length,
        failed: mine.length - ok.length,
        validationMean: mean(ok.map((w) => w.validationAccuracy)),
        testMean: m,
        testStd: te.length > 1 ? Math.sqrt(te.reduce((s, x) => s + (x - m) ** 2, 0) / (te.length - 1)) : 0,
        trialStd: mean(ok.map((w) => w.testAccuracyStd)),
        testMin: te.length ? Math.min(...te) : NaN,
        testMax: te.length ? Math.max(...te) : NaN,
        energy: mean(ok.map((w) => w.energy)),
        latency: mean(ok.map((w) => w.latency)),
        digitalEnergy: mean(ok.map((w) => w.digitalEnergy)),
      });
    });
  }
  return out;
}

/**
 * Indices of the Pareto-optimal summaries: no other has lower-or-equal energy and higher-or-equal
 * accuracy with one strictly better. `accuracy` picks the measure (validation: what choices use).
 * Returned in order of increasing energy.
 */
export function paretoFront(s: readonly PointSummary[], accuracy: (p: PointSummary) => number = (p) => p.validationMean): number[] {
  const idx = s.map((_, i) => i).filter((i) => Number.isFinite(accuracy(s[i])) && Number.isFinite(s[i].energy));
  idx.sort((i, j) => s[i].energy - s[j].energy || accuracy(s[j]) - accuracy(s[i]) || i - j);
  const front: number[] = [];
  let best = -Infinity;
  for (const i of idx) {
    if (accuracy(s[i]) > best) {
      front.push(i);
      best = accuracy(s[i]);
    }
  }
  return front;
}

/**
 * The cheapest summary (lowest energy) whose validation accuracy reaches `target`, or null —
 * the answer to "the smallest, cheapest network that reaches X %"; its test accuracy is the report.
 */
export function cheapestAbove(s: readonly PointSummary[], target: number): PointSummary | null {
  let best: PointSummary | null = null;
  for (const p of s) if (p.validationMean >= target && (best === null || p.energy < best.energy)) best = p;
  return best;
}
