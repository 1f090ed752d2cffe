/**
 * A labelled data set in memory: row-major features and integer class indices (classification)
 * or real targets (regression, `targets`). Structurally identical to what the CSV loader returns,
 * so every source feeds the same code.
 */
export interface Dataset {
  /** Features, n×d row-major: sample r, feature j at `r*d + j`. */
  x: Float64Array;
  /** Class index of each sample, in 0..classNames.length−1. */
  y: Int32Array;
  /** Number of samples. */
  n: number;
  /** Number of features (= oscillators k). */
  d: number;
  /** Feature names (length d). */
  featureNames: string[];
  /** Class names in class-index order (a regression set: empty). */
  classNames: string[];
  /**
   * Regression targets, n×m row-major (sample r, target o at `r*m + o`, m = `targetNames.length`):
   * present exactly when the set is a regression problem; `y` is then all zeros.
   */
  targets?: Float64Array;
  /** Names of the m regression targets (with `targets`). */
  targetNames?: string[];
  /**
   * Text of each sample's id column (`CsvOptions.idColumn`), length n, carried into predictions;
   * absent when no id column was read. Not kept by `subset`.
   */
  ids?: string[];
}

/** True when the data set is a regression problem (it has real `targets`). */
export function isRegression(ds: Dataset): ds is Dataset & {
  /** The n×m real targets, row-major. */
  targets: Float64Array;
  /** Names of the m targets. */
  targetNames: string[];
} {
  return ds.targets !== undefined;
}

/** Number of regression targets m of a data set (0 for a classification set). */
export function targetCount(ds: Dataset): number {
  return ds.targets === undefined ? 0 : (ds.targetNames?.length ?? 1);
}

/** Per-feature min–max normalisation mapping raw features to p(0) ∈ [0, 1]. */
export interface Normalization {
  /** Minimum of each feature over the training split. */
  min: Float64Array;
  /** Maximum of each feature over the training split. */
  max: Float64Array;
}

/** Rows `idx` of a data set as a new data set. */
export function subset(ds: Dataset, idx: Int32Array | number[]): Dataset {
  const n = idx.length, d = ds.d;
  const x = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const s = idx[r];
    x.set(ds.x.subarray(s * d, (s + 1) * d), r * d);
    y[r] = ds.y[s];
  }
  const out: Dataset = { x, y, n, d, featureNames: ds.featureNames, classNames: ds.classNames };
  if (ds.targets !== undefined) {
    const m = targetCount(ds);
    const t = new Float64Array(n * m);
    for (let r = 0; r < n; r++) t.set(ds.targets.subarray(idx[r] * m, (idx[r] + 1) * m), r * m);
    out.targets = t;
    out.targetNames = ds.targetNames?.slice() ?? ["target"];
  }
  return out;
}
