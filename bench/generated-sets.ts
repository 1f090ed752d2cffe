/**
 * The benchmarks' generated data sets, in one place: seeded tables after scikit-learn's
 * `make_classification`, the catalogue of larger sets, and the CSV files the benchmarks give to
 * `dynaspin train --data` as a user's file would be.
 *
 * Every table comes from one row generator ({@link drawClusterRows}): each class owns Gaussian
 * clusters centred on vertices of the hypercube [−sep, sep]^informative, a row is a cluster's
 * centre plus the cluster's own linear mixing of informative standard normals, redundant features
 * are fixed linear combinations of the informative ones, the other features are N(0, 1) noise,
 * and a fraction of the labels are replaced by random classes. Two recipes fill in the
 * class-cluster tables and place the columns, each with its own documented draws:
 *
 * - {@link makeTabular}: untuned tables for the training-time and accuracy benchmarks
 *   (bench/train-time.ts, bench/accuracy.ts), rows × features × classes as a user's CSV would have
 *   them; only the shape is chosen, everything else is fixed.
 * - {@link makeClassification}: scikit-learn's parameters by name, for the larger sets of
 *   {@link LARGE_SETS} (bench/large-sets.ts runs them).
 *
 * The regression sets ({@link REGRESSION_SETS}, run by bench/regression-large.ts) come from their
 * own generators, Friedman #1 and #2 ({@link makeFriedman1}, {@link makeFriedman2}), and are
 * written with their real target by {@link writeRegressionCsv}.
 *
 * Pure: a set's rows depend on its options only (one `Rng(seed)` per set, draws in a fixed order),
 * so they are the same on every machine.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Dataset } from "../src/data/dataset.js";
import { Rng } from "../src/util/rng.js";
import { formatCsvDataset } from "../src/data/csv.js";
import { makeSpiral } from "../src/data/spiral.js";
import { makeMoons, makeCircles, makeXor } from "../src/data/synthetic.js";
import { loadDigits } from "../src/node/tasks.js";

/** A generated set of a benchmark: its id (also its CSV file's name), what it is, and its generator. */
export interface GeneratedSet {
  /** Id in the benchmark's tables and `--only`/`--sets` lists. */
  id: string;
  /** What the set is, for the tables. */
  label: string;
  /** The set (pure: the same rows on every call). */
  make: () => Dataset;
}

/** Writes `ds` to DIR/ID.csv (its features, then a `label` column), as a user's `--data` file; returns the path. */
export function writeSetCsv(dir: string, id: string, ds: Dataset): string {
  const file = join(dir, `${id}.csv`);
  writeFileSync(file, formatCsvDataset(ds, "label"));
  return file;
}

// ---- the shared pieces: class-cluster tables and the row generator ----

/**
 * The class-cluster tables of a set with `inf` informative and `red` redundant features: cluster
 * q's centre (inf coordinates, each ±sep), its mixing matrix M_q (inf × inf, entry (i, j) at
 * i·inf + j) and class, and the redundant features' coefficients R (red × inf, entry (i, j) at
 * i·inf + j).
 */
interface ClusterTables {
  inf: number;
  red: number;
  centres: Float64Array[];
  mixing: Float64Array[];
  classOf: Int32Array;
  redundant: Float64Array;
}

/** n entries, each `draw()` in index order. */
function drawArray(n: number, draw: () => number): Float64Array {
  const a = new Float64Array(n);
  for (let e = 0; e < n; e++) a[e] = draw();
  return a;
}

/**
 * The rows of a set from its tables, each drawn in one fixed order: its cluster q = pick(r) (which
 * may draw), z ~ N(0, 1)^inf, the informative features centre_q + M_q·z, the redundant ones R·(the
 * informative ones), the noise features N(0, 1), then `place(r, row)` (which writes the row's d
 * features where the recipe wants them), then the label: the cluster's class, replaced with
 * probability `flip` by a uniform class (one U(0, 1) per row when flip > 0, then one class draw if
 * replaced). Returns the labels.
 */
function drawClusterRows(
  rng: Rng,
  n: number,
  d: number,
  classes: number,
  flip: number,
  t: ClusterTables,
  pick: (r: number) => number,
  place: (r: number, row: Float64Array) => void,
): Int32Array {
  const { inf, red } = t;
  const y = new Int32Array(n);
  const z = new Float64Array(inf), row = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const q = pick(r);
    const a = t.mixing[q], ctr = t.centres[q];
    for (let j = 0; j < inf; j++) z[j] = rng.normal();
    for (let i = 0; i < inf; i++) {
      let s = ctr[i];
      for (let j = 0; j < inf; j++) s += a[i * inf + j] * z[j];
      row[i] = s;
    }
    for (let i = 0; i < red; i++) {
      let s = 0;
      for (let j = 0; j < inf; j++) s += t.redundant[i * inf + j] * row[j];
      row[inf + i] = s;
    }
    for (let j = inf + red; j < d; j++) row[j] = rng.normal();
    place(r, row);
    const cls = t.classOf[q];
    y[r] = flip > 0 && rng.uniform() < flip ? rng.int(classes) : cls;
  }
  return y;
}

/** Feature names prefix1, prefix2, …, and class names c0, c1, … */
function names(prefix: string, d: number, classes: number): Pick<Dataset, "featureNames" | "classNames"> {
  return { featureNames: Array.from({ length: d }, (_, j) => `${prefix}${j + 1}`), classNames: Array.from({ length: classes }, (_, c) => `c${c}`) };
}

// ---- untuned tables (training-time and accuracy benchmarks) ----

/** Shape and seed of a generated untuned table ({@link makeTabular}). */
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

/**
 * An untuned table of `rows` × `features` × `classes` (features f1…fd, classes c0…):
 *
 * - `informative` = max(2, round(0.2·d)) features carry the classes: each class has two Gaussian
 *   clusters whose centres sit on random vertices of the hypercube [−sep, sep]^informative (sep 1.5;
 *   each vertex by one fair coin per coordinate, redrawn up to 50 times while it repeats one taken),
 *   each cluster with its own random linear mixing (entries N(0, 1)/√informative);
 * - `redundant` = round(0.1·d) features are random linear combinations (N(0, 1) coefficients) of
 *   the informative ones;
 * - the rest are N(0, 1) noise; then the columns are shuffled, each column gets its own unit
 *   (scale 10^U(−2, 3)) and offset (U(−100, 100)·scale), and 1 % of the labels are flipped.
 *
 * Row r belongs to class r mod classes, in one of its two clusters at random.
 */
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
    let v: Float64Array = new Float64Array(inf), key = "";
    for (let tries = 0; tries < 50; tries++) {
      v = drawArray(inf, () => (rng.uniform() < 0.5 ? -sep : sep));
      key = Array.from(v, (x) => (x > 0 ? "1" : "0")).join("");
      if (!used.has(key)) break;
    }
    used.add(key);
    centres.push(v);
  }
  const mixing = Array.from({ length: clusters }, () => drawArray(inf * inf, () => rng.normal() / Math.sqrt(inf)));
  const redundant = drawArray(red * inf, () => rng.normal());
  const tables: ClusterTables = { inf, red, centres, mixing, classOf: Int32Array.from({ length: clusters }, (_, c) => c >> 1), redundant };
  const perm = rng.shuffle(Int32Array.from({ length: d }, (_, j) => j));
  const scale = Float64Array.from({ length: d }, () => 10 ** (rng.uniform() * 5 - 2));
  const offset = Float64Array.from({ length: d }, (_, j) => (rng.uniform() * 200 - 100) * scale[j]);
  const x = new Float64Array(n * d);
  const y = drawClusterRows(rng, n, d, m, 0.01, tables, (r) => (r % m) * 2 + rng.int(2), (r, row) => {
    for (let j = 0; j < d; j++) x[r * d + perm[j]] = row[j] * scale[perm[j]] + offset[perm[j]];
  });
  return { x, y, n, d, ...names("f", d, m) };
}

/** Id of a generated untuned table in the benchmarks, e.g. "tab-300x64x2". */
export function tabularId(o: TabularOptions): string {
  return `tab-${o.rows}x${o.features}x${o.classes}${o.seed ? `-s${o.seed}` : ""}`;
}

// ---- scikit-learn's make_classification by its parameters (the larger sets) ----

/** Options of {@link makeClassification} (scikit-learn's names in brackets). */
export interface ClassificationOptions {
  /** Rows [n_samples]. */
  rows: number;
  /** Features [n_features]. */
  features: number;
  /** Informative features [n_informative]. */
  informative: number;
  /** Redundant features: random linear combinations of the informative ones [n_redundant]. */
  redundant: number;
  /** Classes [n_classes]. */
  classes: number;
  /** Gaussian clusters per class [n_clusters_per_class]. */
  clustersPerClass: number;
  /** Half the side of the hypercube whose vertices are the cluster centres [class_sep]. */
  classSep: number;
  /** Fraction of labels replaced by a random class [flip_y]. */
  flip: number;
  /** Per-feature scales drawn log-uniformly from [1/scaleRange, scaleRange] (1: none). */
  scaleRange?: number;
  /** Seed of the generator [random_state]. */
  seed: number;
}

/**
 * scikit-learn's `make_classification` (features x1…xd, classes c0…), seeded: classes ×
 * clustersPerClass clusters on distinct vertices of the hypercube [−classSep, classSep]^informative
 * (each vertex one uniform index, redrawn while it repeats one taken), mixing entries and redundant
 * coefficients U(−1, 1), row r in cluster r mod clusters (class: cluster mod classes), the
 * features scaled (when scaleRange > 1), then the rows shuffled (clusters alternate otherwise).
 * Throws a RangeError when the clusters outnumber the vertices.
 */
export function makeClassification(o: ClassificationOptions): Dataset {
  const rng = new Rng(o.seed);
  const { rows: n, features: d, informative: inf, redundant: red, classes: C, clustersPerClass: cpc } = o;
  const clusters = C * cpc;
  if (clusters > 2 ** inf) throw new RangeError(`${clusters} clusters need more than ${inf} informative features`);
  // Distinct hypercube vertices, one per cluster.
  const vertices: number[] = [];
  while (vertices.length < clusters) {
    const v = rng.int(2 ** inf);
    if (!vertices.includes(v)) vertices.push(v);
  }
  const centres = vertices.map((v) => Float64Array.from({ length: inf }, (_, j) => ((v >> j) & 1 ? 1 : -1) * o.classSep));
  const mixing = Array.from({ length: clusters }, () => drawArray(inf * inf, () => 2 * rng.uniform() - 1));
  // Drawn informative-major (entry (j, i) at j·red + i), stored as the tables' red × inf.
  const drawn = drawArray(inf * red, () => 2 * rng.uniform() - 1);
  const redundant = Float64Array.from({ length: red * inf }, (_, e) => drawn[(e % inf) * red + Math.floor(e / inf)]);
  const tables: ClusterTables = { inf, red, centres, mixing, classOf: Int32Array.from({ length: clusters }, (_, c) => c % C), redundant };
  const scale = Array.from({ length: d }, () => (o.scaleRange && o.scaleRange > 1 ? Math.exp((2 * rng.uniform() - 1) * Math.log(o.scaleRange)) : 1));
  const x = new Float64Array(n * d);
  const y = drawClusterRows(rng, n, d, C, o.flip, tables, (r) => r % clusters, (r, row) => {
    for (let j = 0; j < d; j++) x[r * d + j] = row[j] * scale[j];
  });
  const order = rng.shuffle(Array.from({ length: n }, (_, r) => r));
  const xs = new Float64Array(n * d), ys = new Int32Array(n);
  for (let q = 0; q < n; q++) {
    xs.set(x.subarray(order[q] * d, order[q] * d + d), q * d);
    ys[q] = y[order[q]];
  }
  return { x: xs, y: ys, n, d, ...names("x", d, C) };
}

/**
 * Larger sets (2 000–100 000 rows), none used to tune the training defaults before issue 15's fourth
 * pass: the accuracy benchmark's "large" rows and the sets of bench/large-sets.ts.
 */
export const LARGE_SETS: GeneratedSet[] = [
  { id: "mc2k", label: "make_classification 2 000 × 8, 2 classes", make: () => makeClassification({ rows: 2000, features: 8, informative: 4, redundant: 2, classes: 2, clustersPerClass: 2, classSep: 1, flip: 0.01, seed: 1501 }) },
  { id: "mc5k", label: "make_classification 5 000 × 10, 3 classes", make: () => makeClassification({ rows: 5000, features: 10, informative: 5, redundant: 2, classes: 3, clustersPerClass: 3, classSep: 1, flip: 0.01, seed: 1502 }) },
  { id: "mc10k", label: "make_classification 10 000 × 20, 5 classes, scales 0.1–10", make: () => makeClassification({ rows: 10000, features: 20, informative: 6, redundant: 4, classes: 5, clustersPerClass: 2, classSep: 1.5, flip: 0.02, scaleRange: 10, seed: 1503 }) },
  { id: "mc30k", label: "make_classification 30 000 × 12, 4 classes", make: () => makeClassification({ rows: 30000, features: 12, informative: 5, redundant: 3, classes: 4, clustersPerClass: 3, classSep: 1, flip: 0.01, seed: 1504 }) },
  { id: "mc100k", label: "make_classification 100 000 × 6, 3 classes", make: () => makeClassification({ rows: 100000, features: 6, informative: 3, redundant: 1, classes: 3, clustersPerClass: 2, classSep: 1, flip: 0.01, seed: 1505 }) },
  { id: "digits", label: "digits 8×8 (1 797 rows, 64 features, 10 classes)", make: () => loadDigits() },
  { id: "moons10k", label: "two moons σ 0.2, 10 000 rows", make: () => makeMoons({ count: 10000, noise: 0.2, seed: 1506 }) },
  { id: "spiral10k", label: "spiral 1.5 turns, 10 000 rows", make: () => makeSpiral({ count: 10000, turns: 1.5, seed: 1507 }) },
  { id: "3arm10k", label: "3-arm spiral, 9 999 rows", make: () => makeSpiral({ count: 9999, arms: 3, turns: 1, seed: 1508 }) },
  { id: "circles10k", label: "circles, 10 000 rows", make: () => makeCircles({ count: 10000, seed: 1509 }) },
  { id: "xor10k", label: "XOR, 10 000 rows", make: () => makeXor({ count: 10000, seed: 1510 }) },
];


// ---- regression sets (real targets, no class clusters) ----

/**
 * Friedman #1 (scikit-learn's `make_friedman1`): x ~ U(0, 1)^d, y = 10·sin(π·x1·x2) +
 * 20·(x3 − 0.5)² + 10·x4 + 5·x5 + σ·N(0, 1); the features x6..xd do not enter y. Each row draws its
 * d uniforms, then its noise: `rows` rows of `features` (≥ 5) features, noise std `noise`, from `Rng(seed)`.
 */
export function makeFriedman1(o: { rows: number; features: number; noise: number; seed: number }): Dataset {
  if (o.features < 5) throw new Error(`Friedman #1 needs at least 5 features; got ${o.features}`);
  const { rows: n, features: d } = o;
  const rng = new Rng(o.seed);
  const x = new Float64Array(n * d), t = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < d; j++) x[r * d + j] = rng.uniform();
    const v = x.subarray(r * d, r * d + 5);
    t[r] = 10 * Math.sin(Math.PI * v[0] * v[1]) + 20 * (v[2] - 0.5) ** 2 + 10 * v[3] + 5 * v[4] + o.noise * rng.normal();
  }
  return { x, y: new Int32Array(n), n, d, featureNames: Array.from({ length: d }, (_, j) => `x${j + 1}`), classNames: [], targets: t, targetNames: ["y"] };
}

/**
 * Friedman #2 (scikit-learn's `make_friedman2`): x1 ~ U(0, 100), x2 ~ U(40π, 560π), x3 ~ U(0, 1),
 * x4 ~ U(1, 11), y = √(x1² + (x2·x3 − 1/(x2·x4))²) + σ·N(0, 1): features in units three decades
 * apart and a right-skewed target (mean ≈ 500), as a table of physical measurements would have them.
 */
export function makeFriedman2(o: { rows: number; noise: number; seed: number }): Dataset {
  const n = o.rows, d = 4;
  const rng = new Rng(o.seed);
  const x = new Float64Array(n * d), t = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const x1 = 100 * rng.uniform(), x2 = 40 * Math.PI + 520 * Math.PI * rng.uniform(), x3 = rng.uniform(), x4 = 1 + 10 * rng.uniform();
    x.set([x1, x2, x3, x4], r * d);
    t[r] = Math.sqrt(x1 ** 2 + (x2 * x3 - 1 / (x2 * x4)) ** 2) + o.noise * rng.normal();
  }
  return { x, y: new Int32Array(n), n, d, featureNames: ["x1", "x2", "x3", "x4"], classNames: [], targets: t, targetNames: ["y"] };
}

/** The sets of bench/regression-large.ts (none used to tune a default before they were measured). */
export const REGRESSION_SETS: readonly GeneratedSet[] = [
  { id: "friedman2k", label: "Friedman #1, 2 000 × 10, σ 1", make: () => makeFriedman1({ rows: 2000, features: 10, noise: 1, seed: 1601 }) },
  { id: "friedman10k", label: "Friedman #1, 10 000 × 10, σ 1", make: () => makeFriedman1({ rows: 10_000, features: 10, noise: 1, seed: 1602 }) },
  { id: "friedman10k20", label: "Friedman #1, 10 000 × 20, σ 1", make: () => makeFriedman1({ rows: 10_000, features: 20, noise: 1, seed: 1603 }) },
  { id: "friedman2-10k", label: "Friedman #2, 10 000 × 4 (mixed units, σ 25)", make: () => makeFriedman2({ rows: 10_000, noise: 25, seed: 1605 }) },
  { id: "friedman50k", label: "Friedman #1, 50 000 × 10, σ 1", make: () => makeFriedman1({ rows: 50_000, features: 10, noise: 1, seed: 1604 }) },
];

/** A regression set (one target) as CSV text: a header of its feature names and `y`, then each row's features and target (shortest round-trip decimals). */
export function regressionCsv(ds: Dataset): string {
  const lines = [[...ds.featureNames, "y"].join(",")];
  for (let r = 0; r < ds.n; r++) lines.push(`${Array.from(ds.x.subarray(r * ds.d, (r + 1) * ds.d)).join(",")},${ds.targets![r]}`);
  return lines.join("\n") + "\n";
}

/** Writes `ds` (a regression set) to DIR/ID.csv ({@link regressionCsv}), as a user's `--data` file; returns the path. */
export function writeRegressionCsv(dir: string, id: string, ds: Dataset): string {
  const file = join(dir, `${id}.csv`);
  writeFileSync(file, regressionCsv(ds));
  return file;
}
