/**
 * A labelled classification data set in memory: row-major features and integer class indices.
 * Structurally identical to what the CSV loader returns, so every source feeds the same code.
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
  /** Class names in class-index order. */
  classNames: string[];
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
  return { x, y, n, d, featureNames: ds.featureNames, classNames: ds.classNames };
}
