/**
 * Are the rows a saved model is given like the rows it was trained on? A model scales each input
 * feature by the minimum and maximum of its training rows (`Model.normalization`), so its p(0) is
 * in [0, 1] there. A column in other units (mm instead of m, mA instead of A) or another column
 * under the same name goes in as p(0) of hundreds or thousands, and the network answers anything
 * (a two-class model at 49.5 %) without any error. This module measures, per input feature, how
 * many rows lie far outside the training range, so `eval`, `robustness` and `cost` can say so.
 */
import type { Model } from "./model.js";
import { inputCount } from "./model.js";
import { gatherModelInputs } from "./dynamics.js";

/**
 * A value counts as outside when its normalised value (x − min)/(max − min) lies below −margin or
 * above 1 + margin: beyond the training range by more than half its width. New rows of the same
 * distribution rarely do; a column in other units nearly always does.
 */
export const INPUT_RANGE_MARGIN = 0.5;
/** The warning is raised when more than this fraction of the rows have some feature outside. */
export const INPUT_RANGE_WARN_FRACTION = 0.01;

/** Per input feature: the rows outside the training range (beyond {@link INPUT_RANGE_MARGIN}). */
export interface InputFeatureRange {
  /** The feature's name: the training column's name, a `--features` expression, or `x1`, `x2`, … */
  name: string;
  /** The training rows' range [min, max] (raw units) the model normalises by. */
  trained: [number, number];
  /** Smallest and largest value seen in the rows checked (raw units). */
  min: number;
  max: number;
  /** Fraction of the rows whose value lies outside (beyond the margin). */
  outside: number;
}

/** How far the rows given to a model lie outside its training range. */
export interface InputRangeReport {
  /** Rows checked. */
  rows: number;
  /** The input features with a training range of positive width (a constant training column is always 0: not checked). */
  features: InputFeatureRange[];
  /** Fraction of the rows with at least one feature outside. */
  outside: number;
  /** True when `outside` exceeds {@link INPUT_RANGE_WARN_FRACTION}. */
  warn: boolean;
}

/**
 * Runs the model's input scaling (feature map, then min–max normalisation) on `n` raw rows of `x`
 * (row-major, the model's columns in its order) and counts, per feature, the rows outside the
 * training range by more than {@link INPUT_RANGE_MARGIN} of its width. A model without a
 * normalisation reads its inputs as given: nothing to compare, an empty report.
 */
export function inputRange(model: Model, x: Float64Array, n: number): InputRangeReport {
  const norm = model.normalization;
  const report: InputRangeReport = { rows: n, features: [], outside: 0, warn: false };
  if (norm === null || n === 0) return report;
  const d = inputCount(model);
  const names = model.featureMap?.expressions ?? model.featureNames ?? [];
  const checked: number[] = [];
  for (let j = 0; j < d; j++) if (norm.max[j] - norm.min[j] > 0) checked.push(j);
  if (checked.length === 0) return report;
  const cap = Math.max(1, Math.min(n, 256));
  const buf = new Float64Array(model.k * cap);
  const lo = new Float64Array(d).fill(Infinity), hi = new Float64Array(d).fill(-Infinity), count = new Float64Array(d);
  let rowsOutside = 0;
  for (let start = 0; start < n; start += cap) {
    const nb = Math.min(cap, n - start);
    gatherModelInputs(model, buf, cap, x, null, start, nb);
    for (let b = 0; b < nb; b++) {
      let any = false;
      for (const j of checked) {
        const p = buf[j * cap + b];
        if (p < lo[j]) lo[j] = p;
        if (p > hi[j]) hi[j] = p;
        // NaN counts as outside too: a model fed NaN answers nothing meaningful.
        if (!(p >= -INPUT_RANGE_MARGIN && p <= 1 + INPUT_RANGE_MARGIN)) {
          count[j]++;
          any = true;
        }
      }
      if (any) rowsOutside++;
    }
  }
  for (const j of checked) {
    const span = norm.max[j] - norm.min[j];
    report.features.push({ name: names[j] ?? `x${j + 1}`, trained: [norm.min[j], norm.max[j]], min: norm.min[j] + lo[j] * span, max: norm.min[j] + hi[j] * span, outside: count[j] / n });
  }
  report.outside = rowsOutside / n;
  report.warn = report.outside > INPUT_RANGE_WARN_FRACTION;
  return report;
}

function num(v: number): string {
  return Number(v.toPrecision(3)).toString();
}

/**
 * One line naming the features whose values lie far outside the model's training range (worst
 * first, at most three), or null when the rows are within it (by the margin and fraction above).
 * @param where the rows checked, e.g. "the 400 rows of new.csv".
 */
export function inputRangeWarning(r: InputRangeReport, where: string): string | null {
  if (!r.warn) return null;
  const bad = r.features.filter((f) => f.outside > 0).sort((a, b) => b.outside - a.outside);
  const pct = (f: number) => `${(f * 100).toFixed(f < 0.1 ? 1 : 0)} %`;
  const first = bad[0];
  const more = bad.slice(1, 3).map((f) => `"${f.name}" ${pct(f.outside)}`);
  const rest = bad.length > 3 ? `, and ${bad.length - 3} more` : "";
  return (
    `${pct(r.outside)} of ${where} lie far outside the model's training data: "${first.name}" is beyond its training range ` +
    `[${num(first.trained[0])}, ${num(first.trained[1])}] by more than half its width on ${pct(first.outside)} of them (values from ${num(first.min)} to ${num(first.max)})` +
    `${more.length ? ` (also ${more.join(", ")}${rest})` : ""}; the model scales each column by its training minimum and maximum, so its answers there are guesses: ` +
    `check that each column has the units and meaning it had in training`
  );
}
