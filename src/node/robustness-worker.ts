/**
 * Parallel robustness sweeps on Node threads, through the worker layer's pool (`./workers/pool.ts`;
 * this file is also the worker entry). Work is handed out in chunks of trials (σ index, [t0, t1)):
 * this thread runs one chunk at a time (yielding in between) and each of the `workers − 1` worker
 * threads holds up to two queued chunks. Each trial uses only deriveSeed(seed, σ index, trial), and
 * results are integer counts placed by trial index, so the result is bit-identical for any number
 * of threads. Pooled workers of an earlier sweep (already loaded) are reused.
 */
import { defaultThreads } from "./threads.js";
import { runTasks, serveTasks, prestartWorkers } from "./workers/pool.js";
import type { Model } from "../network/model.js";
import type { Dataset } from "../data/dataset.js";
import { modelToJson, modelFromJson } from "../network/io.js";
import type { ModelJson } from "../io/model-schema.js";
import {
  resolveRobustnessOptions,
  createTrialContext,
  runTrials,
  sigmaStats,
  checkTestSet,
  trialEngineLabel,
  type RobustnessOptions,
  type ResolvedRobustness,
  type RobustnessResult,
  type SigmaRaw,
  type SigmaStats,
} from "../sweep/robustness.js";
import type { ResolvedVariation } from "../device/variation.js";
import type { SweepEngine } from "../sweep/fast-trials.js";
import { resolveHardware } from "../network/hardware.js";

interface WorkerInit {
  model: ModelJson;
  test: { x: Float64Array; y: Int32Array; n: number; d: number };
  options: ResolvedRobustness;
}

/** A chunk of trials of one σ. */
interface Task {
  id: number;
  s: number;
  t0: number;
  t1: number;
}

interface Done {
  correct: Int32Array;
  redraws: number;
  clipped: number;
}

function variationOf(o: ResolvedRobustness, s: number): ResolvedVariation {
  return { params: o.params, sigma: o.sigmas[s], relative: o.relative, distribution: o.distribution };
}

serveTasks("robustness", (init: WorkerInit) => {
  const model = modelFromJson(init.model);
  const test: Dataset = { ...init.test, featureNames: [], classNames: [] };
  const hw = init.options.hardware ? resolveHardware(init.options.hardware.spec) : null;
  const ctx = createTrialContext(model, test, hw);
  return (t: Task): Done => {
    const correct = new Int32Array(t.t1 - t.t0);
    const r = runTrials(ctx, model.devices, variationOf(init.options, t.s), init.options.seed, t.s, t.t0, t.t1, correct);
    return { correct, redraws: r.redraws, clipped: r.clipped };
  };
});

/**
 * Starts (or keeps) enough pooled worker threads for sweeps on `threads` threads and resolves when
 * all of them have loaded, so that a following {@link robustnessParallel} call does not spend its
 * first ≈ 0.1 s (0.4 s under tsx) waiting for workers to boot. Optional: sweeps start workers
 * themselves. Idle pooled workers never keep the process alive.
 */
export async function prestartRobustnessWorkers(threads: number = defaultRobustnessWorkers()): Promise<void> {
  await prestartWorkers(import.meta.url, "robustness", threads - 1);
}

/** Number of workers used when none is given: the available cores. */
export function defaultRobustnessWorkers(): number {
  return defaultThreads();
}

/** Options of {@link robustnessParallel} beyond the sweep's. */
export interface ParallelOptions {
  /**
   * Threads computing trials: this thread plus `workers − 1` worker threads (0 or 1: this thread
   * only). @default available cores
   */
  workers?: number;
  /** Trials per work unit handed to a worker. @default 250 */
  chunk?: number;
  /** Only these σ indices (e.g. the ones missing when resuming). @default all */
  sigmaIndices?: readonly number[];
  /** Called as chunks finish with (trials done, trials total). */
  onProgress?: (done: number, total: number) => void;
  /** Called when every trial of a σ has finished (e.g. to save it), in completion order. */
  onSigma?: (raw: SigmaRaw, stats: SigmaStats) => void;
  /** Diagnostics: called after each chunk with the thread that computed it (0 = this thread, 1.. = workers). */
  onChunk?: (thread: number) => void;
  /**
   * The trial kernel (the native sweep, src/node/native-sweep.ts, made with its thread count),
   * chosen once by the caller. Where it applies (eq. 4 devices, ideal hardware) every chunk runs on
   * it from this thread, with its own threads, and no worker thread starts; elsewhere the sweep
   * runs on worker threads as without it. The counts are the same either way. @default null
   */
  engine?: SweepEngine | null;
}

/**
 * The robustness sweep on worker threads (same result as `robustnessSweep`, bit for bit, for any
 * number of workers). Only σ values in `sigmaIndices` are computed; `raw`/`stats` list those in
 * σ-index order.
 */
export async function robustnessParallel(model: Model, test: Dataset, options: RobustnessOptions, par: ParallelOptions = {}): Promise<RobustnessResult> {
  const o = resolveRobustnessOptions(model, options);
  checkTestSet(model, test);
  const indices = (par.sigmaIndices ?? o.sigmas.map((_, i) => i)).slice().sort((a, b) => a - b);
  const [t0, t1] = o.trialRange;
  const per = t1 - t0;
  const chunk = Math.max(1, par.chunk ?? 250);
  const tasks: Task[] = [];
  for (const s of indices) for (let a = t0; a < t1; a += chunk) tasks.push({ id: tasks.length, s, t0: a, t1: Math.min(t1, a + chunk) });
  const bySigma = new Map<number, { correct: Int32Array; redraws: number; clipped: number; left: number }>();
  for (const s of indices) bySigma.set(s, { correct: new Int32Array(per), redraws: 0, clipped: 0, left: tasks.filter((t) => t.s === s).length });
  const total = indices.length * per;
  let done = 0;
  const raws = new Map<number, SigmaRaw>();
  const stats = new Map<number, SigmaStats>();
  const finish = (t: Task, r: Done): void => {
    const acc = bySigma.get(t.s)!;
    acc.correct.set(r.correct, t.t0 - t0);
    acc.redraws += r.redraws;
    acc.clipped += r.clipped;
    done += t.t1 - t.t0;
    par.onProgress?.(done, total);
    if (--acc.left === 0) {
      const raw: SigmaRaw = { sigmaIndex: t.s, sigma: o.sigmas[t.s], trialStart: t0, correct: acc.correct, redraws: acc.redraws, clipped: acc.clipped };
      const st = sigmaStats(raw.sigma, raw.correct, test.n, o.threshold, raw.redraws, raw.clipped);
      raws.set(t.s, raw);
      stats.set(t.s, st);
      par.onSigma?.(raw, st);
    }
  };
  const ctx = createTrialContext(model, test, o.hardware, par.engine ?? null);
  const engine = trialEngineLabel(ctx, model.devices);
  // The native sweep runs chunk by chunk on this thread with its own threads; otherwise this thread
  // computes too: `threads` = this one + (threads − 1) worker threads, so the trials start at once
  // while the workers boot.
  const native = par.engine !== undefined && par.engine !== null && engine === par.engine.label;
  const threads = native ? 1 : Math.max(0, Math.min(par.workers ?? defaultRobustnessWorkers(), tasks.length));
  await runTasks<WorkerInit, Task, Done>({
    kind: "robustness",
    module: import.meta.url,
    init: () => ({ model: modelToJson(model), test: { x: test.x, y: test.y, n: test.n, d: test.d }, options: o }),
    tasks,
    local: (t) => {
      const correct = new Int32Array(t.t1 - t.t0);
      const r = runTrials(ctx, model.devices, variationOf(o, t.s), o.seed, t.s, t.t0, t.t1, correct);
      return { correct, ...r };
    },
    threads,
    shareWork: true,
    depth: 2,
    onResult: (i, r, thread) => {
      finish(tasks[i], r);
      par.onChunk?.(thread);
    },
    unfinished: "during the sweep; rerun (finished σ values are kept) or use --workers 1",
  });
  return { options: o, testSamples: test.n, raw: indices.map((s) => raws.get(s)!), stats: indices.map((s) => stats.get(s)!), engine: native ? engine : `${engine}${threads > 1 ? `, ${threads} threads (this one + ${threads - 1} worker${threads > 2 ? "s" : ""})` : ""}` };
}
