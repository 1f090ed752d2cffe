/**
 * Seeded stratified train/test split and min–max normalisation fitted on the training split.
 */
import type { Dataset, Normalization } from "./dataset.js";
import { subset } from "./dataset.js";
import { Rng } from "../util/rng.js";
import { InputError } from "../util/errors.js";

/** A train/test split of a data set, with the row indices each part came from. */
export interface Split {
  /** The training rows (features and labels copied out of the data set). */
  train: Dataset;
  /** The held-out test rows. */
  test: Dataset;
  /** Indices of the training rows in the original data set, ascending. */
  trainRows: Int32Array;
  /** Indices of the test rows in the original data set, ascending. */
  testRows: Int32Array;
}

/**
 * Splits each class separately (a regression set: all rows as one group): shuffles its rows with `seed` and sends `round(testFraction·n_c)`
 * of them to the test set, so both parts keep the class proportions. Rows keep their original
 * relative order within each part.
 * @param testFraction @default 0.2 (the paper's 80/20 split)
 */
export function stratifiedSplit(ds: Dataset, seed: number, testFraction = 0.2): Split {
  const rng = new Rng(seed);
  // A regression set (real targets, y all 0) is one group: a plain seeded random split.
  const classes = ds.targets !== undefined ? 1 : ds.classNames.length;
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let r = 0; r < ds.n; r++) byClass[ds.y[r]].push(r);
  const isTest = new Uint8Array(ds.n);
  for (const rows of byClass) {
    rng.shuffle(rows);
    const nt = Math.round(testFraction * rows.length);
    for (let q = 0; q < nt; q++) isTest[rows[q]] = 1;
  }
  const tr: number[] = [], te: number[] = [];
  for (let r = 0; r < ds.n; r++) (isTest[r] ? te : tr).push(r);
  const trainRows = Int32Array.from(tr), testRows = Int32Array.from(te);
  return { train: subset(ds, trainRows), test: subset(ds, testRows), trainRows, testRows };
}

/**
 * Per-feature min and max over a data set (the training split).
 * @throws InputError when a column's range max − min overflows float64 (it would scale to NaN).
 */
export function fitNormalization(ds: Dataset): Normalization {
  const d = ds.d;
  const min = new Float64Array(d).fill(Infinity);
  const max = new Float64Array(d).fill(-Infinity);
  for (let r = 0; r < ds.n; r++) {
    for (let j = 0; j < d; j++) {
      const v = ds.x[r * d + j];
      if (v < min[j]) min[j] = v;
      if (v > max[j]) max[j] = v;
    }
  }
  // A column whose range exceeds the largest double (values near ±1.8e308) would scale to NaN
  // and surface later as a "diverged" training: refuse it as the input it is.
  for (let j = 0; j < d; j++) {
    if (ds.n > 0 && !Number.isFinite(max[j] - min[j])) {
      const name = ds.featureNames[j] !== undefined ? `"${ds.featureNames[j]}"` : `${j + 1}`;
      throw new InputError(`training data: feature column ${name}: its values span ${min[j]} to ${max[j]}, a range beyond the largest float64 number; rescale the column (e.g. divide it by 1e300)`);
    }
  }
  return { min, max };
}

/**
 * A common-scale standardisation written as a min–max normalisation: p = 0.5 + z/(2·zmax) with
 * z_j = (x_j − μ_j)/σ_j the standardised feature (mean and population standard deviation over the
 * rows) and zmax the largest |z| over every row and feature, i.e. min_j = μ_j − zmax·σ_j and
 * max_j = μ_j + zmax·σ_j. Every feature keeps its spread relative to the others (in standard
 * deviations), where per-feature min–max stretches each to [0, 1]; the training rows land in
 * [0, 1]. A constant feature gets min = max (p = 0, as min–max gives it).
 */
export function fitStandardScaling(ds: Dataset): Normalization {
  const mm = fitNormalization(ds);
  const d = ds.d, n = ds.n;
  const mu = new Float64Array(d), sd = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) mu[j] += ds.x[r * d + j] / n;
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) sd[j] += (ds.x[r * d + j] - mu[j]) ** 2 / n;
  let zmax = 0;
  for (let j = 0; j < d; j++) {
    sd[j] = Math.sqrt(sd[j]);
    if (sd[j] > 0 && mm.max[j] > mm.min[j]) zmax = Math.max(zmax, (mu[j] - mm.min[j]) / sd[j], (mm.max[j] - mu[j]) / sd[j]);
  }
  const min = new Float64Array(d), max = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const constant = !(sd[j] > 0 && mm.max[j] > mm.min[j]);
    min[j] = constant ? mm.min[j] : mu[j] - zmax * sd[j];
    max[j] = constant ? mm.min[j] : mu[j] + zmax * sd[j];
  }
  return { min, max };
}

/** Applies `p = (x − min)/(max − min)` (0 where max = min) to every row; returns a new array. */
export function applyNormalization(x: Float64Array, d: number, norm: Normalization): Float64Array {
  const out = new Float64Array(x.length);
  const n = x.length / d;
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < d; j++) {
      const span = norm.max[j] - norm.min[j];
      out[r * d + j] = span > 0 ? (x[r * d + j] - norm.min[j]) / span : 0;
    }
  }
  return out;
}

/**
 * The number of rows of `rows` whose feature values equal those of some row of `reference`
 * (every feature the same number; 0 and −0 are equal): after a split, the held-out rows that
 * repeat a row trained on, whose score is then optimistic. Labels are not compared (a repeated
 * row with another label is as much a row the model has seen). O((n + m)·d) with a hash per row.
 */
export function repeatedRows(reference: Dataset, rows: Dataset): number {
  const d = reference.d;
  if (rows.d !== d || reference.n === 0 || rows.n === 0) return 0;
  const f = new Float64Array(1), w = new Uint32Array(f.buffer);
  const hashRow = (x: Float64Array, r: number): number => {
    let h = 0x811c9dc5;
    for (let j = 0; j < d; j++) {
      f[0] = x[r * d + j] + 0; // −0 + 0 = +0
      h = Math.imul(h ^ w[0], 0x01000193);
      h = Math.imul(h ^ w[1], 0x01000193);
      h ^= h >>> 15;
    }
    return h;
  };
  const buckets = new Map<number, number[]>();
  for (let r = 0; r < reference.n; r++) {
    const h = hashRow(reference.x, r);
    const b = buckets.get(h);
    if (b === undefined) buckets.set(h, [r]);
    else b.push(r);
  }
  let count = 0;
  for (let r = 0; r < rows.n; r++) {
    const b = buckets.get(hashRow(rows.x, r));
    if (b === undefined) continue;
    const same = b.some((q) => {
      for (let j = 0; j < d; j++) if (reference.x[q * d + j] !== rows.x[r * d + j]) return false;
      return true;
    });
    if (same) count++;
  }
  return count;
}

/**
 * Stratified k folds of a data set's rows, for cross-validation: the rows of each class (in label
 * order) are shuffled by a generator seeded with `seed` (Fisher–Yates, j = ⌊u·(i + 1)⌋ from i =
 * count − 1 down), then dealt to the folds in turn, each class starting at the fold after the
 * last row of the classes before it, so every fold holds ⌊count/k⌋ or ⌈count/k⌉ rows of each class
 * and the folds differ in size by at most one row. A regression set (real targets, y all 0) is
 * one group. Every row is in exactly one fold; the rows of a fold are in the order dealt.
 * @param k folds, 2 ≤ k ≤ ds.n.
 * @returns k lists of row indices into `ds`.
 */
export function stratifiedFolds(ds: Dataset, k: number, seed: number): number[][] {
  const rng = new Rng(seed);
  const byClass = new Map<number, number[]>();
  for (let r = 0; r < ds.n; r++) {
    const c = ds.targets !== undefined ? 0 : ds.y[r];
    const rows = byClass.get(c);
    if (rows === undefined) byClass.set(c, [r]);
    else rows.push(r);
  }
  const folds: number[][] = Array.from({ length: k }, () => []);
  let offset = 0;
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const rows = byClass.get(c) as number[];
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(rng.uniform() * (i + 1));
      const t = rows[i];
      rows[i] = rows[j];
      rows[j] = t;
    }
    rows.forEach((r, i) => folds[(i + offset) % k].push(r));
    offset += rows.length;
  }
  return folds;
}
