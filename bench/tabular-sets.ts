/**
 * Seeded generator of untuned tabular classification sets, after scikit-learn's
 * `make_classification`, for the training-time and accuracy benchmarks (bench/train-time.ts,
 * bench/accuracy.ts): rows × features × classes as a user's CSV would have them, nothing tuned.
 *
 * - `informative` = max(2, round(0.2·d)) features carry the classes: each class has two Gaussian
 *   clusters whose centres sit on random vertices of the hypercube [−sep, sep]^informative (sep 1.5),
 *   each cluster with its own random linear mixing (entries N(0, 1)/√informative);
 * - `redundant` = round(0.1·d) features are random linear combinations of the informative ones;
 * - the rest are N(0, 1) noise; then the columns are shuffled, each column gets its own unit
 *   (scale 10^U(−2, 3)) and offset (U(−100, 100)·scale), and 1 % of the labels are flipped.
 *
 * Pure: the same options give the same rows (one `Rng(seed)`, draws in a fixed order).
 */
import type { Dataset } from "../src/data/dataset.js";
import { Rng } from "../src/util/rng.js";

/** Shape and seed of a generated set. */
export interface TabularOptions {
  /** Rows (samples). */
  rows: number;
  /** Features (columns besides the label). */
  features: number;
  /** Classes (≥ 2), about equally frequent. */
  classes: number;
  /** Seed of the generator. @default 0 */
  seed?: number;
}

/** The generated set for `o` (see the file comment). */
export function makeTabular(o: TabularOptions): Dataset {
  const { rows: n, features: d, classes: m } = o;
  if (!(Number.isInteger(n) && n >= m && Number.isInteger(d) && d >= 2 && Number.isInteger(m) && m >= 2)) {
    throw new RangeError(`makeTabular needs integers rows ≥ classes ≥ 2 and features ≥ 2 (got ${n}, ${d}, ${m})`);
  }
  const rng = new Rng(o.seed ?? 0);
  const inf = Math.min(d, Math.max(2, Math.round(0.2 * d)));
  const red = Math.min(d - inf, Math.round(0.1 * d));
  const sep = 1.5;
  const clusters = 2 * m;
  // Cluster centres on distinct hypercube vertices when there are enough, random ones otherwise.
  const centres: Float64Array[] = [];
  const used = new Set<string>();
  for (let c = 0; c < clusters; c++) {
    let v = new Float64Array(inf), key = "";
    for (let tries = 0; tries < 50; tries++) {
      v = new Float64Array(inf);
      for (let j = 0; j < inf; j++) v[j] = rng.uniform() < 0.5 ? -sep : sep;
      key = Array.from(v, (x) => (x > 0 ? "1" : "0")).join("");
      if (!used.has(key)) break;
    }
    used.add(key);
    centres.push(v);
  }
  const mixing: Float64Array[] = [];
  for (let c = 0; c < clusters; c++) {
    const a = new Float64Array(inf * inf);
    for (let e = 0; e < a.length; e++) a[e] = rng.normal() / Math.sqrt(inf);
    mixing.push(a);
  }
  const redundant = new Float64Array(red * inf);
  for (let e = 0; e < redundant.length; e++) redundant[e] = rng.normal();
  const perm = Int32Array.from({ length: d }, (_, j) => j);
  for (let j = d - 1; j > 0; j--) {
    const r = rng.int(j + 1);
    [perm[j], perm[r]] = [perm[r], perm[j]];
  }
  const scale = Float64Array.from({ length: d }, () => 10 ** (rng.uniform() * 5 - 2));
  const offset = Float64Array.from({ length: d }, (_, j) => (rng.uniform() * 200 - 100) * scale[j]);
  const x = new Float64Array(n * d);
  const y = new Int32Array(n);
  const z = new Float64Array(inf), row = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const cls = r % m;
    const c = cls * 2 + rng.int(2);
    const a = mixing[c], ctr = centres[c];
    for (let j = 0; j < inf; j++) z[j] = rng.normal();
    for (let i = 0; i < inf; i++) {
      let s = ctr[i];
      for (let j = 0; j < inf; j++) s += a[i * inf + j] * z[j];
      row[i] = s;
    }
    for (let i = 0; i < red; i++) {
      let s = 0;
      for (let j = 0; j < inf; j++) s += redundant[i * inf + j] * row[j];
      row[inf + i] = s;
    }
    for (let j = inf + red; j < d; j++) row[j] = rng.normal();
    for (let j = 0; j < d; j++) x[r * d + perm[j]] = row[j] * scale[perm[j]] + offset[perm[j]];
    y[r] = rng.uniform() < 0.01 ? rng.int(m) : cls;
  }
  return {
    x,
    y,
    n,
    d,
    featureNames: Array.from({ length: d }, (_, j) => `f${j + 1}`),
    classNames: Array.from({ length: m }, (_, k) => `c${k}`),
  };
}

/** Id of a generated set in the benchmarks, e.g. "tab-300x64x2". */
export function tabularId(o: TabularOptions): string {
  return `tab-${o.rows}x${o.features}x${o.classes}${o.seed ? `-s${o.seed}` : ""}`;
}
