/**
 * Parallel robustness sweeps on Node worker threads. This file is both the pool (main thread) and
 * the worker entry. Work is handed out in chunks of trials (σ index, [t0, t1)) to whichever worker
 * is free; each trial uses only deriveSeed(seed, σ index, trial), and results are integer counts
 * placed by trial index, so the result is bit-identical for any number of workers.
 *
 * Under tsx (tests, benchmarks) the file is `.ts`: each worker starts from a bootstrap that
 * registers tsx and then imports this file; from dist/ the `.js` file is the entry itself.
 */
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { startModuleWorker } from "./worker-start.js";
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
  type RobustnessOptions,
  type ResolvedRobustness,
  type RobustnessResult,
  type SigmaRaw,
  type SigmaStats,
} from "../sweep/robustness.js";
import type { ResolvedVariation } from "../sweep/variation.js";
import { resolveHardware } from "../network/hardware.js";

interface WorkerInit {
  kind: "dynaspin-robustness";
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
  id: number;
  correct: Int32Array;
  redraws: number;
  clipped: number;
}

function variationOf(o: ResolvedRobustness, s: number): ResolvedVariation {
  return { params: o.params, sigma: o.sigmas[s], relative: o.relative, distribution: o.distribution };
}

if (!isMainThread && parentPort && (workerData as WorkerInit | undefined)?.kind === "dynaspin-robustness") {
  const init = workerData as WorkerInit;
  const model = modelFromJson(init.model);
  const test: Dataset = { ...init.test, featureNames: [], classNames: [] };
  const hw = init.options.hardware ? resolveHardware(init.options.hardware.spec) : null;
  const ctx = createTrialContext(model, test, hw);
  const port = parentPort;
  port.on("message", (t: Task | null) => {
    if (t === null) {
      port.close();
      return;
    }
    const correct = new Int32Array(t.t1 - t.t0);
    const r = runTrials(ctx, model.devices, variationOf(init.options, t.s), init.options.seed, t.s, t.t0, t.t1, correct);
    port.postMessage({ id: t.id, correct, redraws: r.redraws, clipped: r.clipped } satisfies Done, [correct.buffer]);
  });
}

function startWorker(init: WorkerInit): Worker {
  return startModuleWorker(import.meta.url, { workerData: init });
}

/** Number of workers used when none is given: the available cores. */
export function defaultRobustnessWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** Options of {@link robustnessParallel} beyond the sweep's. */
export interface ParallelOptions {
  /** Worker threads; 0 runs on this thread. @default available cores */
  workers?: number;
  /** Trials per work unit handed to a worker. @default 250 */
  chunk?: number;
  /** Only these σ indices (e.g. the ones missing when resuming). @default all */
  sigmaIndices?: readonly number[];
  /** Called as chunks finish with (trials done, trials total). */
  onProgress?: (done: number, total: number) => void;
  /** Called when every trial of a σ has finished (e.g. to save it), in completion order. */
  onSigma?: (raw: SigmaRaw, stats: SigmaStats) => void;
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
  const finish = (t: Task, r: Omit<Done, "id">): void => {
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
  const workers = Math.max(0, Math.min(par.workers ?? defaultRobustnessWorkers(), tasks.length));
  if (workers === 0 || per === 0) {
    const ctx = createTrialContext(model, test, o.hardware);
    for (const t of tasks) {
      const correct = new Int32Array(t.t1 - t.t0);
      const r = runTrials(ctx, model.devices, variationOf(o, t.s), o.seed, t.s, t.t0, t.t1, correct);
      finish(t, { correct, ...r });
    }
  } else {
    const init: WorkerInit = {
      kind: "dynaspin-robustness",
      model: modelToJson(model),
      test: { x: test.x, y: test.y, n: test.n, d: test.d },
      options: o,
    };
    await new Promise<void>((resolve, reject) => {
      let next = 0, running = 0, failed = false;
      const pool = Array.from({ length: workers }, () => startWorker(init));
      const give = (w: Worker): void => {
        if (next < tasks.length) {
          running++;
          w.postMessage(tasks[next++]);
        } else w.postMessage(null);
      };
      for (const w of pool) {
        w.on("message", (m: Done) => {
          running--;
          try {
            finish(tasks[m.id], m);
          } catch (e) {
            failed = true;
            reject(e);
          }
          if (failed) return;
          give(w);
          if (running === 0 && next >= tasks.length) resolve();
        });
        w.on("error", (e) => {
          if (failed) return;
          failed = true;
          for (const x of pool) void x.terminate();
          reject(e);
        });
        give(w);
      }
    });
  }
  return { options: o, testSamples: test.n, raw: indices.map((s) => raws.get(s)!), stats: indices.map((s) => stats.get(s)!) };
}
