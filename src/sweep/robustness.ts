/**
 * Monte Carlo of device-to-device variation (paper Fig. 4): for each σ, many trials in which every
 * oscillator draws its own device parameters (fixed over the time steps and shared by all test
 * samples of the trial), and the test accuracy of the trained network with those devices.
 *
 * Determinism: trial t at σ index s uses `new Rng(deriveSeed(seed, s, t))` and nothing else, so a
 * trial's result does not depend on which worker, shard or trial range computed it. Raw results are
 * integer counts of correct test samples, so merging is exact and statistics recomputed from merged
 * counts are bit-identical to an unsharded run.
 *
 * Pure: no I/O, no platform imports. The worker pool and CLI are in src/node and src/cli.
 */
import { columnCount, type Model } from "../network/model.js";
import type { Dataset } from "../data/dataset.js";
import { createWorkspace, loadInputs, forward, countCorrect, type Workspace } from "../network/dynamics.js";
import { Eq4Curve } from "../device/analytic.js";
import { createFastTrials, DEFAULT_SCREEN_MARGIN, type FastTrials, type SweepEngine, type TrialBatch } from "./fast-trials.js";
import { eq4RowParams, EQ4_PACKED, EQ4_PACKED_DRIVE } from "../device/eq4.js";
import { drawDevicesResolved, drawEq4Params, resolveVariation, type Eq4Draw, type ResolvedVariation, type VariationParam, type VariationDistribution } from "../device/variation.js";
import type { Hardware } from "../network/hardware.js";
import { resolveHardware, forwardHardware, createHardwareState, type HardwareState, type ResolvedHardware } from "../network/hardware.js";
import { Rng, deriveSeed } from "../util/rng.js";
import { InputError } from "../util/errors.js";
import { integer, inRange, finite } from "../util/check.js";

/** Options of {@link robustnessSweep}. */
export interface RobustnessOptions {
  /** Device parameters that vary (each oscillator draws each independently). */
  params: readonly VariationParam[];
  /** Standard deviations σ to sweep (absolute, or relative when `relative`). */
  sigmas: readonly number[];
  /** Trials per σ. @default 10000 (the paper's Fig. 4) */
  trials?: number;
  /** Sweep seed; trial (s, t) uses deriveSeed(seed, s, t). @default 0 */
  seed?: number;
  /** σ relative to each base parameter value. @default false */
  relative?: boolean;
  /** @default "normal" (the paper's Gaussian) */
  distribution?: VariationDistribution;
  /** Accuracy threshold (fraction in [0, 1]) for `fractionAbove`. @default 0.9 */
  threshold?: number;
  /** Only trials in [start, end) of every σ (a shard). @default [0, trials) */
  trialRange?: readonly [number, number];
  /** Hardware non-idealities applied in every trial (read noise draws come after the device draws
   * from the trial's generator). @default none (ideal) */
  hardware?: Hardware;
}

/** Resolved options. */
export interface ResolvedRobustness {
  params: VariationParam[];
  sigmas: number[];
  trials: number;
  seed: number;
  relative: boolean;
  distribution: VariationDistribution;
  threshold: number;
  trialRange: [number, number];
  hardware: ResolvedHardware | null;
}

/** Statistics of one σ over its trials (accuracies as fractions in [0, 1]). */
export interface SigmaStats {
  /** The σ of this entry (absolute, or relative to each base value when the sweep is relative). */
  sigma: number;
  /** Number of trials the statistics cover. */
  trials: number;
  /** Mean test accuracy over the trials, in [0, 1]. */
  mean: number;
  /** Population standard deviation (ddof = 0) of the trial accuracies. */
  std: number;
  /** 5th percentile of the trial accuracies, in [0, 1] (percentiles interpolate linearly between order statistics, NumPy's default). */
  p5: number;
  /** Median trial accuracy, in [0, 1]. */
  p50: number;
  /** 95th percentile of the trial accuracies, in [0, 1]. */
  p95: number;
  /** Fraction of trials with accuracy ≥ threshold. */
  fractionAbove: number;
  /** Non-physical draws redrawn (see src/device/variation.ts). */
  redraws: number;
  /** Parameters clipped after too many redraws. */
  clipped: number;
}

/** Raw results of one σ for a trial range. */
export interface SigmaRaw {
  sigmaIndex: number;
  sigma: number;
  /** First trial index covered. */
  trialStart: number;
  /** Correct test samples per trial (trial trialStart + i at i). */
  correct: Int32Array;
  redraws: number;
  clipped: number;
}

/** Result of {@link robustnessSweep}. */
export interface RobustnessResult {
  /** The resolved options the sweep ran with. */
  options: ResolvedRobustness;
  /** Test samples per trial. */
  testSamples: number;
  /** Per σ (in σ-index order): correct test samples of every trial, and the redraw/clip counters. */
  raw: SigmaRaw[];
  /** Per σ (in σ-index order): the statistics of the trial accuracies. */
  stats: SigmaStats[];
  /** Which kernel ran the trials (as `trialEngineLabel` in src/sweep/robustness.ts names it). */
  engine?: string;
}

/** Validates and completes sweep options. @throws InputError naming the option. */
export function resolveRobustnessOptions(model: Model, o: RobustnessOptions): ResolvedRobustness {
  if (!Array.isArray(o.sigmas) || o.sigmas.length === 0) throw new InputError("robustness: sigmas must list at least one σ");
  const sigmas = o.sigmas.map((s, i) => {
    const x = finite(s, `robustness: sigmas[${i}]`);
    if (x < 0) throw new InputError(`robustness: sigmas[${i}] must be >= 0 (got ${x})`);
    return x;
  });
  const v = resolveVariation({ params: o.params, sigma: 0, relative: o.relative, distribution: o.distribution }, model.devices, "robustness");
  const trials = integer(o.trials ?? 10000, 1, 100_000_000, "robustness: trials");
  const range: [number, number] = o.trialRange ? [o.trialRange[0], o.trialRange[1]] : [0, trials];
  integer(range[0], 0, trials, "robustness: trialRange start");
  integer(range[1], range[0], trials, "robustness: trialRange end");
  return {
    params: v.params,
    sigmas,
    trials,
    seed: integer(o.seed ?? 0, 0, Number.MAX_SAFE_INTEGER, "robustness: seed"),
    relative: v.relative,
    distribution: v.distribution,
    threshold: inRange(o.threshold ?? 0.9, 0, 1, "robustness: threshold"),
    trialRange: range,
    hardware: o.hardware ? resolveHardware(o.hardware) : null,
  };
}

/**
 * Reusable per-sweep scratch: a workspace holding the test set's p(0) (loaded once when it fits)
 * and a model shell whose `devices` each trial replaces.
 */
export interface TrialContext {
  model: Model;
  test: Dataset;
  ws: Workspace;
  /** True when the whole test set sits in the workspace (p(0) loaded once). */
  loaded: boolean;
  hw: ResolvedHardware | null;
  hwState: HardwareState | null;
  /** The caller's trial kernel (the native sweep), used where the fused trial applies; null: WebAssembly / TypeScript. */
  sweep: SweepEngine | null;
}

/**
 * Creates the scratch for running trials of `model` on `test` (capacity ≤ 4096 samples).
 * @param sweep the trial kernel to use where the fused trial applies (the native sweep, chosen
 *   once by the caller), or null for the WebAssembly / TypeScript kernels.
 */
export function createTrialContext(model: Model, test: Dataset, hardware: ResolvedHardware | null = null, sweep: SweepEngine | null = null): TrialContext {
  const cap = Math.max(1, Math.min(test.n, 4096));
  const ws = createWorkspace(model.k, model.steps, model.classes, cap);
  const loaded = test.n <= cap;
  if (loaded) loadInputs(model, ws, test.x, null, 0, test.n);
  const shell: Model = { ...model, devices: model.devices.slice() };
  return { model: shell, test, ws, loaded, hw: hardware, hwState: hardware ? createHardwareState(model.k, model.steps, cap) : null, sweep };
}


/**
 * Runs trials [t0, t1) of σ index `s` and writes the correct counts into `out[t − t0]`.
 * Returns the redraw / clip counts. The core of every sweep, worker and shard.
 *
 * With ideal hardware and only eq. 4 devices (the paper's Fig. 4 case) the trials run on the fused
 * kernel of src/sweep/fast-trials.ts: same draws, step-0 drive computed once, the same eq. 4 bits as
 * the device curves, and in WebAssembly a float32 screen — each trial runs first in float32 and only
 * the test samples whose float32 logit margin is below 1 % of the logit scale are recomputed in
 * float64 — so the counts are those of the float64 forward pass (tests compare them trial by trial).
 * Everything else runs the general forward pass.
 */
export function runTrials(ctx: TrialContext, base: Model["devices"], v: ResolvedVariation, seed: number, s: number, t0: number, t1: number, out: Int32Array): { redraws: number; clipped: number } {
  const batch = trialBatchFor(ctx, base);
  if (batch !== null) return runBatchTrials(batch, base as unknown as readonly Eq4Curve[], v, seed, s, t0, t1, out);
  const fast = fastTrialsFor(ctx, base);
  if (fast !== null) return runFastTrials(fast, base as unknown as readonly Eq4Curve[], v, seed, s, t0, t1, out);
  const { model, test, ws } = ctx;
  const cap = ws.capacity;
  let redraws = 0, clipped = 0;
  for (let t = t0; t < t1; t++) {
    // σ = 0 draws nothing, so every trial equals the first (read noise, if any, still varies).
    if (v.sigma === 0 && (ctx.hw === null || ctx.hw.noiseSigma === 0) && t > t0) {
      out[t - t0] = out[0];
      continue;
    }
    const rng = new Rng(deriveSeed(seed, s, t));
    const d = drawDevicesResolved(base, v, rng);
    redraws += d.redraws;
    clipped += d.clipped;
    model.devices = d.devices;
    let correct = 0;
    for (let start = 0; start < test.n; start += cap) {
      const nb = Math.min(cap, test.n - start);
      if (!ctx.loaded) loadInputs(model, ws, test.x, null, start, nb);
      if (ctx.hw !== null) forwardHardware(model, ws, nb, ctx.hw, ctx.hwState as HardwareState, rng, false);
      else forward(model, ws, nb, false);
      correct += countCorrect(ws, model.classes, nb, test.y, start);
    }
    out[t - t0] = correct;
  }
  model.devices = base.slice();
  return { redraws, clipped };
}

const fastCache = new WeakMap<TrialContext, FastTrials>();

/**
 * The fused trial kernel (src/sweep/fast-trials.ts) for this context and base devices, or null when
 * it does not apply: hardware non-idealities, a device that is not eq. 4, or a test set larger than
 * the context's workspace. Made once per context (rebuilt only if the base polarities change).
 */
function fastTrialsFor(ctx: TrialContext, base: Model["devices"]): FastTrials | null {
  if (!fusedApplies(ctx, base)) return null;
  const k = ctx.model.k;
  let f = fastCache.get(ctx);
  if (f !== undefined) {
    let same = true;
    for (let i = 0; i < k; i++) if (f.par[EQ4_PACKED_DRIVE * i + EQ4_PACKED] !== base[i].polarity) same = false;
    if (same) return f;
  }
  const pol = base.map((d) => d.polarity);
  f = createFastTrials(ctx.model, ctx.ws.P[0], ctx.ws.capacity, ctx.test.n, ctx.test.y, pol);
  for (let i = 0; i < k; i++) f.par[EQ4_PACKED_DRIVE * i + EQ4_PACKED] = pol[i];
  fastCache.set(ctx, f);
  return f;
}

/** Trials per call of a {@link TrialBatch} (the native sweep's block of device parameters). */
const BATCH_TRIALS = 256;

const batchCache = new WeakMap<TrialContext, { batch: TrialBatch; pol: number[] }>();

/** Whether the fused trial applies: ideal hardware, every device eq. 4, the test set loaded. */
function fusedApplies(ctx: TrialContext, base: Model["devices"]): boolean {
  if (ctx.hw !== null || !ctx.loaded) return false;
  for (const d of base) if (!(d instanceof Eq4Curve)) return false;
  return true;
}

/**
 * The caller's trial kernel (ctx.sweep) for this context and base devices, or null when there is
 * none or the fused trial does not apply (or the kernel cannot be made). Made once per context
 * (rebuilt only if the base polarities change: I(0) depends on them).
 */
function trialBatchFor(ctx: TrialContext, base: Model["devices"]): TrialBatch | null {
  if (ctx.sweep === null || !fusedApplies(ctx, base)) return null;
  const pol = base.map((d) => d.polarity);
  const had = batchCache.get(ctx);
  if (had !== undefined && had.pol.every((p, i) => p === pol[i])) return had.batch;
  const batch = ctx.sweep.create(ctx.model, ctx.ws.P[0], ctx.ws.capacity, ctx.test.n, ctx.test.y, pol, BATCH_TRIALS, DEFAULT_SCREEN_MARGIN);
  if (batch === null) return null;
  batchCache.set(ctx, { batch, pol });
  return batch;
}

/**
 * Which kernel {@link runTrials} uses for this context and base devices, for reports: the caller's
 * sweep engine's label, "wasm (WebAssembly SIMD, float32 screen + float64)", "ts (TypeScript fused
 * trial)" or "reference (forward pass)" (hardware effects or other device curves).
 */
export function trialEngineLabel(ctx: TrialContext, base: Model["devices"]): string {
  if (trialBatchFor(ctx, base) !== null) return (ctx.sweep as SweepEngine).label;
  const f = fastTrialsFor(ctx, base);
  if (f === null) return "reference (forward pass)";
  return f.backend === "wasm" ? `wasm (WebAssembly SIMD, ${f.screened ? "float32 screen + float64" : "float64"})` : "ts (TypeScript fused trial)";
}

/**
 * One trial's devices, packed for the fused kernels: each base device's eq. 4 parameters drawn
 * from `rng` (or copied when `rng` is null, σ = 0) and packed by `eq4RowParams` at
 * `at + EQ4_PACKED_DRIVE·i`, with the drive polarity after them when `polarity` is set.
 */
function packTrial(base: readonly Eq4Curve[], v: ResolvedVariation, rng: Rng | null, n: { redraws: number; clipped: number }, q: Eq4Draw, par: Float64Array, at: number, polarity: boolean): void {
  for (let i = 0; i < base.length; i++) {
    const d = base[i];
    if (rng !== null) drawEq4Params(d, v, rng, n, q);
    else {
      q.a = d.a;
      q.b = d.b;
      q.Ic = d.Ic;
      q.Q = d.Q;
    }
    const o = at + EQ4_PACKED_DRIVE * i;
    eq4RowParams(q.a, q.b, q.Ic, q.Q, d.P0, par, o);
    if (polarity) par[o + EQ4_PACKED] = d.polarity;
  }
}

/** {@link runTrials} on a {@link TrialBatch}: the same draws and σ = 0 shortcut, trials in blocks of its capacity. */
function runBatchTrials(b: TrialBatch, base: readonly Eq4Curve[], v: ResolvedVariation, seed: number, s: number, t0: number, t1: number, out: Int32Array): { redraws: number; clipped: number } {
  const n = { redraws: 0, clipped: 0 };
  const q: Eq4Draw = { a: 0, b: 0, Ic: 0, Q: 0 };
  const par = b.par;
  const row = EQ4_PACKED_DRIVE * base.length;
  // σ = 0 draws nothing, so every trial equals the first.
  const last = v.sigma === 0 ? Math.min(t1, t0 + 1) : t1;
  for (let a = t0; a < last; a += b.capacity) {
    const e = Math.min(last, a + b.capacity);
    for (let t = a; t < e; t++) {
      packTrial(base, v, v.sigma === 0 ? null : new Rng(deriveSeed(seed, s, t)), n, q, par, (t - a) * row, true);
    }
    out.set(b.run(e - a).subarray(0, e - a), a - t0);
  }
  for (let t = last; t < t1; t++) out[t - t0] = out[0];
  return n;
}

/** {@link runTrials} on the fused kernel: same draws (shared draw routine), same σ = 0 shortcut. */
function runFastTrials(f: FastTrials, base: readonly Eq4Curve[], v: ResolvedVariation, seed: number, s: number, t0: number, t1: number, out: Int32Array): { redraws: number; clipped: number } {
  const n = { redraws: 0, clipped: 0 };
  const q: Eq4Draw = { a: 0, b: 0, Ic: 0, Q: 0 };
  const par = f.par;
  for (let t = t0; t < t1; t++) {
    // σ = 0 draws nothing, so every trial equals the first.
    if (v.sigma === 0 && t > t0) {
      out[t - t0] = out[0];
      continue;
    }
    packTrial(base, v, v.sigma === 0 ? null : new Rng(deriveSeed(seed, s, t)), n, q, par, 0, false);
    out[t - t0] = f.run();
  }
  return n;
}

/** Percentile q ∈ [0, 100] of sorted values with linear interpolation (NumPy's default method). */
export function percentileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = ((n - 1) * q) / 100;
  const lo = Math.floor(h), hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/**
 * Statistics of one σ from correct counts (in trial order) over `testSamples` samples each.
 * mean = Σ correct/(trials·n); std = population std (ddof 0). Equal inputs give bit-identical outputs.
 */
export function sigmaStats(sigma: number, correct: Int32Array, testSamples: number, threshold: number, redraws: number, clipped: number): SigmaStats {
  const n = correct.length;
  const acc = new Float64Array(n);
  // Sums of integer counts are exact, so the mean is exact to one rounding.
  let sum = 0, above = 0;
  for (let i = 0; i < n; i++) {
    sum += correct[i];
    acc[i] = correct[i] / testSamples;
    if (acc[i] >= threshold) above++;
  }
  const m = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (correct[i] - m) * (correct[i] - m);
  acc.sort();
  return {
    sigma,
    trials: n,
    mean: sum / (n * testSamples),
    std: Math.sqrt(ss / n) / testSamples,
    p5: percentileSorted(acc, 5),
    p50: percentileSorted(acc, 50),
    p95: percentileSorted(acc, 95),
    fractionAbove: above / n,
    redraws,
    clipped,
  };
}

/**
 * Monte Carlo robustness sweep on one thread: for each σ in `options.sigmas`, trials in
 * `trialRange` (default all), each with freshly drawn devices; per-σ statistics of test accuracy.
 * @param onProgress called after each σ with (trials done, trials total).
 * @example
 * const r = robustnessSweep(model, split.test, { params: ["a"], sigmas: [0, 0.25, 0.5], trials: 1000, seed: 1 });
 * r.stats[1].mean // ≈ 0.9x
 */
export function robustnessSweep(model: Model, test: Dataset, options: RobustnessOptions, onProgress?: (done: number, total: number) => void): RobustnessResult {
  const o = resolveRobustnessOptions(model, options);
  checkTestSet(model, test);
  const ctx = createTrialContext(model, test, o.hardware);
  const [t0, t1] = o.trialRange;
  const total = o.sigmas.length * (t1 - t0);
  const raw: SigmaRaw[] = [];
  const stats: SigmaStats[] = [];
  o.sigmas.forEach((sigma, s) => {
    const v: ResolvedVariation = { params: o.params, sigma, relative: o.relative, distribution: o.distribution };
    const correct = new Int32Array(t1 - t0);
    const { redraws, clipped } = runTrials(ctx, model.devices, v, o.seed, s, t0, t1, correct);
    raw.push({ sigmaIndex: s, sigma, trialStart: t0, correct, redraws, clipped });
    stats.push(sigmaStats(sigma, correct, test.n, o.threshold, redraws, clipped));
    onProgress?.((s + 1) * (t1 - t0), total);
  });
  return { options: o, testSamples: test.n, raw, stats, engine: trialEngineLabel(ctx, model.devices) };
}

/** Checks the test set matches the model. @throws InputError */
export function checkTestSet(model: Model, test: Dataset): void {
  if (test.d !== columnCount(model)) throw new InputError(`robustness: data has ${test.d} features but the model reads ${columnCount(model)} (k = ${model.k} oscillators)`);
  if (test.n < 1) throw new InputError("robustness: the test set is empty");
  for (let r = 0; r < test.n; r++) {
    if (test.y[r] < 0 || test.y[r] >= model.classes) throw new InputError(`robustness: data row ${r + 1}: class index ${test.y[r]} is outside the model's ${model.classes} classes`);
  }
}

