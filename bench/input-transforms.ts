/**
 * Input transforms for the issue-15 experiments on the input representation (`npm run
 * bench:tabular -- --transform NAME`): each is fitted on a split's training rows and applied to its
 * training and test rows before the library fits its own min–max scaling, so that p(0) =
 * minmax(transform(x)). Experiments only (docs/results.md, seventh pass: inputs); none is part of
 * the library. Names:
 * - `none`: the library's min–max scaling alone.
 * - `quantile`: the empirical CDF of the training rows (mid-rank of tied values over n − 1), linear
 *   between training values, clamped outside; `quantile-x` extrapolates the end segments instead.
 * - `log`, `logP`: log(x + c) of the features ≥ 0 whose training skewness exceeds P (`log`: 1);
 *   c = 0 when every training value is positive, else the smallest positive training value.
 * - `robustP`: (x − q_P)/(q_{100−P} − q_P) from the training percentiles (numpy's linear
 *   interpolation), clamped to [0, 1] (`robust` = `robust1`).
 * - `yj`: Yeo–Johnson power transform with λ per feature by maximum likelihood (scikit-learn's
 *   PowerTransformer: the same λ to 4 digits on wine); `yjskewP` only on features whose training
 *   |skewness| exceeds P.
 * - `pca`: PCA whitening of the standardised features (Jacobi eigen-decomposition of the training
 *   covariance); `pcaP` keeps the fewest leading components that explain P % of the variance;
 *   `pcatol` sets the components of eigenvalue ≤ 1e-10 of the largest to 0 (`pca` scales them,
 *   rounding noise of collinear features, to the full range [0, 1]).
 * - `comp`: complementary encoding, every feature also as its negation (min–max maps it to 1 − p).
 * - `cs-KIND`, `cs-KINDqP`: standardised features rotated onto the principal axes of their
 *   correlation, scaled per component and then by one common scale (see `commonScale`): rotation
 *   only, partial / full / Ledoit–Wolf / OAS-shrunk whitening, whitening above the mean eigenvalue.
 *   They need the trainer's min–max to be the identity (not in the library; docs/results.md, eighth
 *   pass: inputs2).
 */
import type { Dataset } from "../src/data/dataset.js";

/** The transform names `--transform` accepts (P: a number). */
export const TRANSFORMS = ["none", "cs-rot", "cs-std", "cs-white", "cs-pwP", "cs-lw", "cs-oas", "cs-kaiser", "cs-rotqP", "cs-stdqP", "cs-whiteqP", "cs-lwqP", "cs-oasqP", "cs-kaiserqP", "quantile", "quantile-x", "log", "logP", "robust", "robustP", "yj", "yjskewP", "pca", "pcaP", "pcatol", "comp"] as const;
/** `name` (see the module comment) fitted on `sp.train`, applied to both splits; returns new data sets. */
export function pretransform(sp: { train: Dataset; test: Dataset }, name: string): { train: Dataset; test: Dataset } {
  if (name === "none") return sp;
  const d = sp.train.d, n = sp.train.n;
  if (name === "comp") {
    // Complementary encoding: every feature also as its negation, which min-max maps to 1 − p.
    const dup = (ds: Dataset): Dataset => {
      const x = new Float64Array(ds.n * 2 * d);
      for (let r = 0; r < ds.n; r++) for (let j = 0; j < d; j++) { x[r * 2 * d + j] = ds.x[r * d + j]; x[r * 2 * d + d + j] = -ds.x[r * d + j]; }
      return { ...ds, x, d: 2 * d, featureNames: [...ds.featureNames, ...ds.featureNames.map((f) => `not ${f}`)] };
    };
    return { train: dup(sp.train), test: dup(sp.test) };
  }
  if (name.startsWith("cs-")) return commonScale(sp, name.slice(3));
  if (name === "pcatol") return whiten(sp, 1, 1e-10);
  if (name.startsWith("pca")) return whiten(sp, name === "pca" ? 1 : Number(name.slice(3)) / 100);
  const fns: ((v: number) => number)[] = [];
  for (let j = 0; j < d; j++) {
    const col = Float64Array.from({ length: n }, (_, r) => sp.train.x[r * d + j]).sort();
    const pct = (q: number): number => { const h = (n - 1) * q, lo = Math.floor(h), hi = Math.min(n - 1, lo + 1); return col[lo] + (h - lo) * (col[hi] - col[lo]); };
    if (name === "quantile" || name === "quantile-x") {
      const u: number[] = [], q: number[] = [];
      for (let i = 0; i < n; ) { let e = i; while (e + 1 < n && col[e + 1] === col[i]) e++; u.push(col[i]); q.push((i + e) / 2 / (n - 1)); i = e + 1; }
      const m = u.length;
      fns.push((v) => {
        if (m === 1) return 0.5;
        if (v <= u[0]) return name === "quantile-x" ? q[0] + (v - u[0]) * (q[1] - q[0]) / (u[1] - u[0]) : q[0];
        if (v >= u[m - 1]) return name === "quantile-x" ? q[m - 1] + (v - u[m - 1]) * (q[m - 1] - q[m - 2]) / (u[m - 1] - u[m - 2]) : q[m - 1];
        let lo = 0, hi = m - 1;
        while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (u[mid] <= v) lo = mid; else hi = mid; }
        return q[lo] + (v - u[lo]) * (q[hi] - q[lo]) / (u[hi] - u[lo]);
      });
    } else if (name.startsWith("log")) {
      let mean = 0; for (const v of col) mean += v; mean /= n;
      let m2 = 0, m3 = 0; for (const v of col) { m2 += (v - mean) ** 2; m3 += (v - mean) ** 3; }
      m2 /= n; m3 /= n;
      const skew = m2 > 0 ? m3 / m2 ** 1.5 : 0;
      const thr = name === "log" ? 1 : Number(name.slice(3));
      let minPos = Infinity; for (const v of col) if (v > 0 && v < minPos) minPos = v;
      if (col[0] >= 0 && skew > thr && Number.isFinite(minPos)) {
        const c = col[0] > 0 ? 0 : minPos;
        fns.push((v) => Math.log(Math.max(v, 0) + c > 0 ? Math.max(v, 0) + c : minPos));
      } else fns.push((v) => v);
    } else if (name.startsWith("robust")) {
      const q = Number(name.slice(6) || "1") / 100;
      const lo = pct(q), hi = pct(1 - q), span = hi - lo;
      fns.push((v) => (span > 0 ? Math.min(1, Math.max(0, (v - lo) / span)) : 0));
    } else if (name.startsWith("yjskew") && Math.abs(skewOf(col)) <= Number(name.slice(6))) {
      fns.push((v) => v);
    } else if (name.startsWith("yj")) {
      // Yeo-Johnson with lambda by maximum likelihood (as scikit-learn's PowerTransformer), golden search on [-2, 2].
      const yj = (v: number, l: number): number => v >= 0 ? (Math.abs(l) < 1e-12 ? Math.log1p(v) : ((v + 1) ** l - 1) / l) : (Math.abs(l - 2) < 1e-12 ? -Math.log1p(-v) : -(((1 - v) ** (2 - l)) - 1) / (2 - l));
      const ll = (l: number): number => {
        let m = 0; const t = new Float64Array(n);
        for (let i = 0; i < n; i++) { t[i] = yj(col[i], l); m += t[i]; }
        m /= n; let vv = 0; for (let i = 0; i < n; i++) vv += (t[i] - m) ** 2; vv /= n;
        let s = 0; for (let i = 0; i < n; i++) s += Math.sign(col[i]) * Math.log1p(Math.abs(col[i]));
        return -n / 2 * Math.log(vv) + (l - 1) * s;
      };
      let a = -2, b = 2; const g = (Math.sqrt(5) - 1) / 2;
      for (let it = 0; it < 80; it++) { const c1 = b - g * (b - a), c2 = a + g * (b - a); if (ll(c1) > ll(c2)) b = c2; else a = c1; }
      const l = (a + b) / 2;
      fns.push((v) => yj(v, l));
    } else throw new Error(`unknown transform ${name}`);
  }
  const apply = (ds: Dataset): Dataset => {
    const x = new Float64Array(ds.x.length);
    for (let r = 0; r < ds.n; r++) for (let j = 0; j < d; j++) x[r * d + j] = fns[j](ds.x[r * d + j]);
    return { ...ds, x };
  };
  return { train: apply(sp.train), test: apply(sp.test) };
}

/** PCA whitening fitted on the training rows (Jacobi eigen-decomposition of the covariance). */
function whiten(sp: { train: Dataset; test: Dataset }, keep = 1, tol = 0): { train: Dataset; test: Dataset } {
  const d = sp.train.d, n = sp.train.n, x = sp.train.x;
  const mean = new Float64Array(d), sd = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) mean[j] += x[r * d + j] / n;
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) sd[j] += (x[r * d + j] - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]) || 1;
  const C = new Float64Array(d * d);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) C[i * d + j] += ((x[r * d + i] - mean[i]) / sd[i]) * ((x[r * d + j] - mean[j]) / sd[j]) / n;
  // Its eigenvalues end on C's diagonal (the convergence tolerance this transform was measured with).
  const { values, V } = eigSym(C, d, 1e-22);
  for (let k = 0; k < d; k++) C[k * d + k] = values[k];
  // Components by decreasing variance; keep the fewest that explain `keep` of the total.
  const order = Array.from({ length: d }, (_, k) => k).sort((a, b) => C[b * d + b] - C[a * d + a]);
  let total = 0; for (let k = 0; k < d; k++) total += C[k * d + k];
  let m = 0, acc = 0;
  while (m < d && (keep >= 1 || acc < keep * total)) { acc += C[order[m] * d + order[m]]; m++; }
  const apply = (ds: Dataset): Dataset => {
    const out = new Float64Array(ds.n * m);
    for (let r = 0; r < ds.n; r++) for (let kk = 0; kk < m; kk++) {
      const k = order[kk];
      let v = 0; for (let j = 0; j < d; j++) v += ((ds.x[r * d + j] - mean[j]) / sd[j]) * V[j * d + k];
      // pcatol: a direction of eigenvalue <= tol * the largest (collinear or constant features) is absent: p(0) = 0.
      out[r * m + kk] = tol > 0 && !(C[k * d + k] > tol * C[order[0] * d + order[0]]) ? 0 : v / Math.sqrt(Math.max(C[k * d + k], 1e-12));
    }
    return { ...ds, x: out, d: m, featureNames: Array.from({ length: m }, (_, k) => `pc${k + 1}`) };
  };
  return { train: apply(sp.train), test: apply(sp.test) };
}

/** Sample skewness m3 / m2^1.5 (population moments) of `col`. */
function skewOf(col: Float64Array): number {
  const n = col.length;
  let mean = 0; for (const v of col) mean += v; mean /= n;
  let m2 = 0, m3 = 0; for (const v of col) { m2 += (v - mean) ** 2; m3 += (v - mean) ** 3; }
  m2 /= n; m3 /= n;
  return m2 > 0 ? m3 / m2 ** 1.5 : 0;
}

/** Jacobi eigen-decomposition of the symmetric d×d matrix `S` (copied): eigenvalues and V (columns, V[j*d+k]); sweeps stop when the squared off-diagonal sum is below `tol`. */
export function eigSym(S: Float64Array, d: number, tol = 1e-24): { values: Float64Array; V: Float64Array } {
  const C = S.slice();
  const V = new Float64Array(d * d); for (let i = 0; i < d; i++) V[i * d + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0; for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) off += C[i * d + j] ** 2;
    if (off < tol) break;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) {
      if (Math.abs(C[p * d + q]) < 1e-300) continue;
      const th = (C[q * d + q] - C[p * d + p]) / (2 * C[p * d + q]);
      const t = Math.sign(th || 1) / (Math.abs(th) + Math.sqrt(th * th + 1)), c = 1 / Math.sqrt(t * t + 1), s = t * c;
      for (let k = 0; k < d; k++) { const a = C[k * d + p], b = C[k * d + q]; C[k * d + p] = c * a - s * b; C[k * d + q] = s * a + c * b; }
      for (let k = 0; k < d; k++) { const a = C[p * d + k], b = C[q * d + k]; C[p * d + k] = c * a - s * b; C[q * d + k] = s * a + c * b; }
      for (let k = 0; k < d; k++) { const a = V[k * d + p], b = V[k * d + q]; V[k * d + p] = c * a - s * b; V[k * d + q] = s * a + c * b; }
    }
  }
  return { values: Float64Array.from({ length: d }, (_, k) => C[k * d + k]), V };
}

/**
 * Ledoit–Wolf shrinkage intensity of the rows `X` (n×d, centred), as scikit-learn's
 * `ledoit_wolf_shrinkage` (assume_centered on centred data): δ in [0, 1] of (1 − δ)·S + δ·μ·I.
 */
export function ledoitWolfShrinkage(X: Float64Array, n: number, d: number): number {
  const S = new Float64Array(d * d), B = new Float64Array(d * d), tr = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) {
    const xi = X[r * d + i];
    tr[i] += xi * xi / n;
    for (let j = 0; j < d; j++) { const xj = X[r * d + j]; S[i * d + j] += xi * xj; B[i * d + j] += xi * xi * xj * xj; }
  }
  let mu = 0; for (let i = 0; i < d; i++) mu += tr[i]; mu /= d;
  let betaSum = 0, deltaSum = 0, trSum = 0;
  for (let i = 0; i < d * d; i++) { betaSum += B[i]; deltaSum += S[i] * S[i]; }
  for (let i = 0; i < d; i++) trSum += tr[i];
  const delta0 = deltaSum / (n * n);
  let beta = (betaSum / n - delta0) / (d * n);
  const delta = (delta0 - 2 * mu * trSum + d * mu * mu) / d;
  beta = Math.min(beta, delta);
  return beta === 0 ? 0 : beta / delta;
}

/** Oracle approximating shrinkage (scikit-learn 1.2's `oas` on centred data): δ in [0, 1]. */
export function oasShrinkage(S: Float64Array, n: number, d: number): number {
  let mu = 0; for (let i = 0; i < d; i++) mu += S[i * d + i]; mu /= d;
  let alpha = 0; for (let i = 0; i < d * d; i++) alpha += S[i] * S[i]; alpha /= d * d;
  const num = alpha + mu * mu, den = (n + 1) * (alpha - mu * mu / d);
  return den === 0 ? 1 : Math.min(num / den, 1);
}

/**
 * Standardised features (training mean and population sd), rotated onto the principal axes of their
 * correlation, each component scaled by s_k, then one common scale for every component:
 * p = 0.5 + z/(2c), c = max |z| over the training rows and components (or its P-th percentile for
 * the `…qP` variants, values beyond then leave [0, 1]). These set p(0) themselves: measured with the
 * trainer's min–max replaced by the identity (a scratch change, docs/results.md, eighth pass:
 * inputs2); through the library's per-feature min–max their common scale is undone (and a
 * per-component min–max after any of the rotations equals `pca` whatever the s_k).
 * Kinds: rot (s = 1), std (no rotation, s = 1), white (s = λ^−½), pwP (s = λ^(−P/200): α = P/100),
 * lw / oas (s = ((1 − δ)λ + δ)^−½, δ by Ledoit–Wolf / OAS), kaiser (s = max(λ, 1)^−½: components
 * above the mean eigenvalue whitened, the rest keep their spread).
 */
function commonScale(sp: { train: Dataset; test: Dataset }, kind0: string): { train: Dataset; test: Dataset } {
  const d = sp.train.d, n = sp.train.n, x = sp.train.x;
  let q = 100, kind = kind0;
  const mq = /^(.*)q([0-9.]+)$/.exec(kind0);
  if (mq) { kind = mq[1]; q = Number(mq[2]); }
  let pw = 0;
  if (kind.startsWith("pw")) { pw = Number(kind.slice(2)) / 100; kind = "pw"; }
  const mean = new Float64Array(d), sd = new Float64Array(d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) mean[j] += x[r * d + j] / n;
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) sd[j] += (x[r * d + j] - mean[j]) ** 2 / n;
  for (let j = 0; j < d; j++) sd[j] = Math.sqrt(sd[j]) || 1;
  const Z = new Float64Array(n * d);
  for (let r = 0; r < n; r++) for (let j = 0; j < d; j++) Z[r * d + j] = (x[r * d + j] - mean[j]) / sd[j];
  const S = new Float64Array(d * d);
  for (let r = 0; r < n; r++) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) S[i * d + j] += Z[r * d + i] * Z[r * d + j] / n;
  const { values, V } = eigSym(S, d);
  const delta = kind === "lw" ? ledoitWolfShrinkage(Z, n, d) : kind === "oas" ? oasShrinkage(S, n, d) : 0;
  const sc = new Float64Array(d);
  for (let k = 0; k < d; k++) {
    const l = Math.max(values[k], 1e-12);
    sc[k] = kind === "rot" || kind === "std" ? 1 : kind === "white" ? l ** -0.5 : kind === "pw" ? l ** (-pw / 2)
      : kind === "lw" || kind === "oas" ? ((1 - delta) * l + delta) ** -0.5 : kind === "kaiser" ? Math.max(l, 1) ** -0.5 : NaN;
    if (!Number.isFinite(sc[k])) throw new Error(`unknown transform cs-${kind0}`);
  }
  const project = (ds: Dataset): Float64Array => {
    const out = new Float64Array(ds.n * d);
    for (let r = 0; r < ds.n; r++) for (let k = 0; k < d; k++) {
      if (kind === "std") { out[r * d + k] = (ds.x[r * d + k] - mean[k]) / sd[k]; continue; }
      let v = 0; for (let j = 0; j < d; j++) v += ((ds.x[r * d + j] - mean[j]) / sd[j]) * V[j * d + k];
      out[r * d + k] = v * sc[k];
    }
    return out;
  };
  const ztr = project(sp.train);
  const abs = Float64Array.from(ztr, Math.abs).sort();
  const c = q >= 100 ? abs[abs.length - 1] : abs[Math.min(abs.length - 1, Math.floor((abs.length - 1) * q / 100))];
  const fin = (z: Float64Array, ds: Dataset): Dataset => ({ ...ds, x: Float64Array.from(z, (v) => 0.5 + v / (2 * c)), featureNames: Array.from({ length: d }, (_, k) => `pc${k + 1}`) });
  return { train: fin(ztr, sp.train), test: fin(project(sp.test), sp.test) };
}
