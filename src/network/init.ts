/**
 * Data-dependent initialisation that keeps every step in the sensitive part of the device curve.
 *
 * A naive initialisation (small random A, B) drives every sample to the same state within a few
 * steps — the curve saturates or sits below threshold — and gradients vanish. Instead, step by step
 * over a sample of training inputs:
 *   1. draw `A[t] = 1 + mixing·G/√k` (identity keeps each oscillator's own history — the memory —
 *      while G ~ N(0,1) mixes oscillators),
 *   2. rescale row i so that the drive u_i = Σ_j A_ij·p_j has, over the samples, mean
 *      `u*_i = (√lo_i + √hi_i)/2` and standard deviation `spread·(√hi_i − √lo_i)`, where
 *      [lo_i, hi_i] is oscillator i's operating window (|I| where p rises from 10 % to 60 % of its
 *      maximum, see {@link operatingRange}): currents then fall a little above threshold, where
 *      p(I) is steep, whatever the device's units;
 *   3. propagate the samples to p(t+1) and repeat.
 * Because the targets come from each oscillator's own curve, the same rule works for the paper's
 * dimensionless device, for devices in mA or µA, and for per-oscillator device arrays.
 */
import type { Model } from "./model.js";
import type { Rng } from "../util/rng.js";
import { operatingRange } from "../device/operating.js";

/** Options of {@link initializeModel}. */
export interface InitOptions {
  /** Strength of random mixing between oscillators relative to the identity. @default 1 */
  mixing?: number;
  /** Target std of each drive u_i over samples, as a fraction of the window width √hi − √lo. @default 0.65 */
  spread?: number;
  /** Maximum number of training samples used to set the scales. @default 512 */
  maxSamples?: number;
  /** Std of the random readout weights (in units of 1/power scale). @default 0 */
  readoutStd?: number;
}

/**
 * Initialises A, B (data-dependent, see module doc) and W, c (zero or small random) in place.
 * @param p0 inputs already normalised to p(0), row-major n×k.
 * @param n number of rows in p0.
 */
export function initializeModel(model: Model, p0: Float64Array, n: number, rng: Rng, options: InitOptions = {}): void {
  const mixing = options.mixing ?? 1;
  const spread = options.spread ?? 0.65;
  const maxSamples = options.maxSamples ?? 512;
  const { k, steps } = model;
  const m = Math.min(n, maxSamples);
  // Pick m distinct rows (deterministic from rng).
  const rows = new Int32Array(n);
  for (let r = 0; r < n; r++) rows[r] = r;
  if (m < n) rng.shuffle(rows);
  // State of the sample set, oscillator-major: cur[j*m + s].
  let cur = new Float64Array(k * m);
  let next = new Float64Array(k * m);
  for (let s = 0; s < m; s++) for (let j = 0; j < k; j++) cur[j * m + s] = p0[rows[s] * k + j];
  const uc = new Float64Array(k);
  const uw = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    const { lo, hi } = operatingRange(model.devices[i]);
    uc[i] = 0.5 * (Math.sqrt(lo) + Math.sqrt(hi));
    uw[i] = Math.sqrt(hi) - Math.sqrt(lo);
  }
  const u = new Float64Array(m);
  const I = new Float64Array(m);
  const pRow = new Float64Array(m);
  const scaleG = mixing / Math.sqrt(k);
  for (let t = 0; t < steps; t++) {
    const aOff = t * k * k;
    for (let i = 0; i < k; i++) {
      const row = aOff + i * k;
      for (let j = 0; j < k; j++) model.A[row + j] = (i === j ? 1 : 0) + scaleG * rng.normal();
      u.fill(0);
      for (let j = 0; j < k; j++) {
        const a = model.A[row + j];
        for (let s = 0; s < m; s++) u[s] += a * cur[j * m + s];
      }
      let mean = 0;
      for (let s = 0; s < m; s++) mean += u[s];
      mean /= m;
      let varr = 0;
      for (let s = 0; s < m; s++) varr += (u[s] - mean) * (u[s] - mean);
      const sd = Math.sqrt(varr / m);
      const target = spread * uw[i];
      const g = sd > 1e-12 * uc[i] ? target / sd : 1;
      for (let j = 0; j < k; j++) model.A[row + j] *= g;
      model.B[t * k + i] = uc[i] - g * mean;
      const dev = model.devices[i];
      for (let s = 0; s < m; s++) {
        const v = g * (u[s] - mean) + uc[i];
        I[s] = dev.polarity * v * v;
      }
      dev.evaluate(I, pRow, null, 0, m);
      next.set(pRow, i * m);
    }
    const tmp = cur;
    cur = next;
    next = tmp;
  }
  // Readout: zero biases; weights zero or small random scaled by the final-state spread.
  const rStd = options.readoutStd ?? 0;
  model.c.fill(0);
  for (let q = 0; q < model.W.length; q++) model.W[q] = rStd === 0 ? 0 : rStd * rng.normal();
}
