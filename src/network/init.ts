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
import { inputCount, extraInput, type Model } from "./model.js";
import { stepSpec, deviceRowSpec, type StepScratch } from "./spec.js";
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
  /**
   * Steps initialised by the mixing rule above; every later step t starts near the identity flow
   * instead: A[t] = diag(a) + small mixing, with (a_i, B_i) fitted by Gauss–Newton so that
   * p_i(t+1) ≈ p_i(t) over the samples (least squares). A deep network then starts as a shallow
   * one followed by steps that pass the state on, and gradients cross them nearly unchanged.
   * @default steps (no identity steps)
   */
  mixSteps?: number;
  /** Mixing of the near-identity steps, relative to `mixing`. @default 0.1 */
  identityMixing?: number;
  /**
   * Steps 0..keepSteps−1 and the readout already hold trained parameters (a depth curriculum):
   * they are kept and only propagate the samples; the later steps start near the identity flow,
   * so the deeper network starts out computing what the shallow one did. @default 0
   */
  keepSteps?: number;
}

/**
 * Initialises A, B (data-dependent, see module doc) and W, c (zero or small random) in place.
 * @param p0 inputs already normalised to p(0), row-major n×d (d = the model's input features;
 *   oscillators beyond them start at its `extraP0`).
 * @param n number of rows in p0.
 */
export function initializeModel(model: Model, p0: Float64Array, n: number, rng: Rng, options: InitOptions = {}): void {
  const mixing = options.mixing ?? 1;
  const spread = options.spread ?? 0.65;
  const maxSamples = options.maxSamples ?? 512;
  const { k, steps } = model;
  const d = inputCount(model);
  const fill = extraInput(model);
  const m = Math.min(n, maxSamples);
  // Pick m distinct rows (deterministic from rng).
  const rows = new Int32Array(n);
  for (let r = 0; r < n; r++) rows[r] = r;
  if (m < n) rng.shuffle(rows);
  // State of the sample set, oscillator-major: cur[j*m + s].
  let cur = new Float64Array(k * m);
  let next = new Float64Array(k * m);
  for (let s = 0; s < m; s++) for (let j = 0; j < k; j++) cur[j * m + s] = j < d ? p0[rows[s] * d + j] : fill;
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
  const keep = Math.max(0, Math.min(steps, options.keepSteps ?? 0));
  const mixSteps = keep > 0 ? keep : Math.max(1, Math.min(steps, options.mixSteps ?? steps));
  const scaleI = scaleG * (options.identityMixing ?? 0.1);
  const D = new Float64Array(m);
  const scratch: StepScratch = { u, I, row: pRow };
  for (let t = 0; t < steps; t++) {
    const aOff = t * k * k;
    if (t >= mixSteps || t < keep) {
      if (t >= keep) for (let i = 0; i < k; i++) identityRow(model, t, i, cur, m, scaleI, rng, u, I, pRow, D, uc[i], uw[i] * spread);
      // Kept and near-identity steps: the network's step itself carries the samples on.
      stepSpec(model, t, cur, next, m, scratch);
    } else for (let i = 0; i < k; i++) {
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
      for (let s = 0; s < m; s++) u[s] = g * (u[s] - mean) + uc[i];
      deviceRowSpec(model, i, next, m, scratch);
    }
    const tmp = cur;
    cur = next;
    next = tmp;
  }
  // Readout: kept when trained (keepSteps); else zero biases and zero or small random weights.
  if (keep > 0) return;
  const rStd = options.readoutStd ?? 0;
  model.c.fill(0);
  for (let q = 0; q < model.W.length; q++) model.W[q] = rStd === 0 ? 0 : rStd * rng.normal();
}

/**
 * Sets row i of A[t] to a_i·(e_i + mixing·G/√k) and B[t]_i so that oscillator i's next power
 * reproduces its current one over the samples: minimises Σ_s (f(s·(a·z_s + b)²) − p_s)² with
 * z = (e_i + mixing·G)·p(t) by Gauss–Newton from the window-centred guess (drive mean uc, spread sd).
 * Falls back to that guess when the fit does not improve on it.
 */
function identityRow(model: Model, t: number, i: number, cur: Float64Array, m: number, scale: number, rng: Rng, z: Float64Array, I: Float64Array, p: Float64Array, D: Float64Array, uc: number, sd: number): void {
  const { k } = model;
  const row = t * k * k + i * k;
  for (let j = 0; j < k; j++) model.A[row + j] = (i === j ? 1 : 0) + scale * rng.normal();
  z.fill(0);
  for (let j = 0; j < k; j++) {
    const a = model.A[row + j];
    for (let s = 0; s < m; s++) z[s] += a * cur[j * m + s];
  }
  const target = cur.subarray(i * m, (i + 1) * m);
  let mean = 0;
  for (let s = 0; s < m; s++) mean += z[s];
  mean /= m;
  let v = 0;
  for (let s = 0; s < m; s++) v += (z[s] - mean) ** 2;
  const zsd = Math.sqrt(v / m);
  const dev = model.devices[i];
  const pol = dev.polarity;
  const cost = (a: number, b: number, withD: boolean): number => {
    for (let s = 0; s < m; s++) {
      const u = a * z[s] + b;
      I[s] = pol * u * u;
    }
    dev.evaluate(I, p, withD ? D : null, 0, m);
    let c = 0;
    for (let s = 0; s < m; s++) c += (p[s] - target[s]) ** 2;
    return c;
  };
  let a = zsd > 1e-12 ? sd / zsd : 1;
  let b = uc - a * mean;
  let c = cost(a, b, true);
  let mu = 1e-3;
  for (let it = 0; it < 60; it++) {
    // Normal equations of the 2-parameter Gauss–Newton (Levenberg–Marquardt damped) step.
    let h00 = 0, h01 = 0, h11 = 0, g0 = 0, g1 = 0;
    for (let s = 0; s < m; s++) {
      const u = a * z[s] + b;
      const d = D[s] * 2 * pol * u;
      const r = p[s] - target[s];
      h00 += d * d * z[s] * z[s];
      h01 += d * d * z[s];
      h11 += d * d;
      g0 += d * z[s] * r;
      g1 += d * r;
    }
    const d00 = h00 * (1 + mu) + 1e-300, d11 = h11 * (1 + mu) + 1e-300;
    const det = d00 * d11 - h01 * h01;
    if (!(Math.abs(det) > 0)) break;
    const da = -(d11 * g0 - h01 * g1) / det;
    const db = -(d00 * g1 - h01 * g0) / det;
    const c2 = cost(a + da, b + db, true);
    if (Number.isFinite(c2) && c2 < c) {
      const done = c - c2 < 1e-12 * c;
      a += da;
      b += db;
      c = c2;
      mu *= 0.3;
      if (done) break;
    } else {
      mu *= 10;
      cost(a, b, true);
      if (mu > 1e8) break;
    }
  }
  for (let j = 0; j < k; j++) model.A[row + j] *= a;
  model.B[t * k + i] = b;
}
