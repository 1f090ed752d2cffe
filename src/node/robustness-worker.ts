/**
 * Parallel robustness sweeps on Node threads. This file is both the pool (main thread) and the
 * worker entry. Work is handed out in chunks of trials (σ index, [t0, t1)): this thread runs one
 * chunk at a time (yielding in between) and each of the `workers − 1` worker threads holds up to two
 * queued chunks. Each trial uses only deriveSeed(seed, σ index, trial), and results are integer
 * counts placed by trial index, so the result is bit-identical for any number of threads.
 *
 * Worker threads are pooled: a sweep leases idle workers of an earlier sweep (already loaded) before
 * starting new ones, sends them its set-up (model, test set, options) once, and returns them at the
 * end; idle workers are unref'd, so they never keep the process alive.
 *
 * Under tsx (tests, benchmarks) the file is `.ts`: each worker starts from a bootstrap that
 * registers tsx and then imports this file; from dist/ the `.js` file is the entry itself.
 */
import { ComputationError } from "../util/errors.js";
import { isMainThread, parentPort, workerData, type Worker } from "node:worker_threads";
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
  type TrialContext,
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

/** What the pool posts to a worker: a new sweep to set up, or a chunk of the current one. */
type ToWorker = { sweep: number; init: WorkerInit } | (Task & { sweep: number });

if (!isMainThread && parentPort && (workerData as { kind?: string } | undefined)?.kind === "dynaspin-robustness-pool") {
  const port = parentPort;
  let current: { sweep: number; init: WorkerInit; model: Model; ctx: TrialContext } | null = null;
  port.on("message", (m: ToWorker) => {
    if ("init" in m) {
      const model = modelFromJson(m.init.model);
      const test: Dataset = { ...m.init.test, featureNames: [], classNames: [] };
      const hw = m.init.options.hardware ? resolveHardware(m.init.options.hardware.spec) : null;
      current = { sweep: m.sweep, init: m.init, model, ctx: createTrialContext(model, test, hw) };
      return;
    }
    // Fault injection for the reliability tests: a worker thread that exits mid-sweep.
    if (process.env.DYNASPIN_FAULT === "robustness-worker-exit") process.exit(7);
    if (current === null || current.sweep !== m.sweep) throw new Error(`robustness worker: chunk of sweep ${m.sweep} without its set-up`);
    const o = current.init.options;
    const correct = new Int32Array(m.t1 - m.t0);
    const r = runTrials(current.ctx, current.model.devices, variationOf(o, m.s), o.seed, m.s, m.t0, m.t1, correct);
    port.postMessage({ id: m.id, correct, redraws: r.redraws, clipped: r.clipped } satisfies Done, [correct.buffer]);
  });
  port.postMessage("ready");
}

/** A pooled worker thread: kept between sweeps (unref'd, so it never keeps the process alive). */
interface PooledWorker {
  worker: Worker;
  /** True once the worker has posted "ready" (module loaded). */
  ready: boolean;
  /** The sweep whose set-up the worker holds (0: none). */
  sweep: number;
  /** Chunks sent to the worker and not yet returned. */
  queued: number;
  /** Called with each message while a sweep leases the worker. */
  onMessage: ((m: Done | "ready") => void) | null;
  onError: ((e: unknown) => void) | null;
}

/** Idle pooled workers, reused by the next sweep of this process. */
const idle: PooledWorker[] = [];
let sweeps = 0;

function startPooled(): PooledWorker {
  const pw: PooledWorker = { worker: startModuleWorker(import.meta.url, { workerData: { kind: "dynaspin-robustness-pool" } }), ready: false, sweep: 0, queued: 0, onMessage: null, onError: null };
  pw.worker.on("message", (m: Done | "ready") => {
    if (m === "ready") pw.ready = true;
    pw.onMessage?.(m);
  });
  pw.worker.on("error", (e) => {
    const at = idle.indexOf(pw);
    if (at >= 0) idle.splice(at, 1);
    pw.onError?.(new ComputationError(`robustness: a worker thread failed: ${e instanceof Error ? e.message : String(e)}`));
  });
  // A worker that exits (process.exit, out of memory) fails the sweep that leases it, never hangs it.
  pw.worker.on("exit", (code) => {
    const at = idle.indexOf(pw);
    if (at >= 0) idle.splice(at, 1);
    pw.onError?.(new ComputationError(`robustness: a worker thread exited with code ${code} during the sweep; rerun (finished σ values are kept) or use --workers 1`));
  });
  // After the listeners: adding a "message" listener refs the worker's port again.
  pw.worker.unref();
  return pw;
}

/**
 * Starts (or keeps) enough pooled worker threads for sweeps on `threads` threads and resolves when
 * all of them have loaded, so that a following {@link robustnessParallel} call does not spend its
 * first ≈ 0.1 s (0.4 s under tsx) waiting for workers to boot. Optional: sweeps start workers
 * themselves. Idle pooled workers never keep the process alive.
 */
export async function prestartRobustnessWorkers(threads: number = defaultRobustnessWorkers()): Promise<void> {
  while (idle.length < threads - 1) idle.push(startPooled());
  await Promise.all(
    idle.map((pw) =>
      pw.ready
        ? undefined
        : new Promise<void>((resolve, reject) => {
            pw.worker.ref();
            const done = (e?: unknown): void => {
              pw.worker.unref();
              pw.onMessage = pw.onError = null;
              if (e === undefined) resolve();
              else reject(e);
            };
            pw.onMessage = (m) => {
              if (m === "ready") done();
            };
            pw.onError = (e) => done(e);
          }),
    ),
  );
}

/** Number of workers used when none is given: the available cores. */
export function defaultRobustnessWorkers(): number {
  return Math.max(1, availableParallelism());
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
  // This thread computes too: `threads` = this one + (threads − 1) worker threads, so the trials
  // start at once while the workers boot.
  const threads = Math.max(0, Math.min(par.workers ?? defaultRobustnessWorkers(), tasks.length));
  const ctx = createTrialContext(model, test, o.hardware, par.engine ?? null);
  const engine = trialEngineLabel(ctx, model.devices);
  const runHere = (t: Task): void => {
    const correct = new Int32Array(t.t1 - t.t0);
    const r = runTrials(ctx, model.devices, variationOf(o, t.s), o.seed, t.s, t.t0, t.t1, correct);
    finish(t, { correct, ...r });
  };
  if (par.engine && engine === par.engine.label) {
    // The native sweep with its own threads: chunk by chunk on this thread, yielding in between
    // (progress, signals).
    for (const t of tasks) {
      runHere(t);
      par.onChunk?.(0);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } else if (threads <= 1 || per === 0) {
    for (const t of tasks) runHere(t);
  } else {
    const init: WorkerInit = {
      kind: "dynaspin-robustness",
      model: modelToJson(model),
      test: { x: test.x, y: test.y, n: test.n, d: test.d },
      options: o,
    };
    const sweep = ++sweeps;
    // Lease threads − 1 workers: idle ones from an earlier sweep first (already loaded), then new ones.
    const pool = idle.splice(0, threads - 1);
    while (pool.length < threads - 1) pool.push(startPooled());
    // Leased workers keep the process alive until the sweep ends; idle ones do not.
    for (const pw of pool) pw.worker.ref();
    await new Promise<void>((resolve, reject) => {
      let next = 0, failed = false, hereBusy = true;
      const release = (): void => {
        for (const pw of pool) {
          pw.onMessage = pw.onError = null;
          pw.worker.unref();
          idle.push(pw);
        }
      };
      const fail = (e: unknown): void => {
        if (failed) return;
        failed = true;
        for (const pw of pool) {
          pw.onMessage = pw.onError = null;
          void pw.worker.terminate();
        }
        reject(e);
      };
      const maybeDone = (): void => {
        if (failed || hereBusy || next < tasks.length || pool.some((pw) => pw.queued > 0)) return;
        release();
        resolve();
      };
      // Each worker holds up to two chunks, so it never idles while this thread is busy with its own.
      const give = (pw: PooledWorker): void => {
        if (pw.sweep !== sweep && next < tasks.length) {
          pw.worker.postMessage({ sweep, init } satisfies ToWorker);
          pw.sweep = sweep;
        }
        while (next < tasks.length && pw.queued < 2) {
          pw.queued++;
          pw.worker.postMessage({ ...tasks[next++], sweep } satisfies ToWorker);
        }
      };
      pool.forEach((pw, w) => {
        // A worker gets its first chunks once loaded ("ready"), so a short sweep never waits for one.
        pw.onMessage = (m) => {
          if (m !== "ready") {
            pw.queued--;
            par.onChunk?.(w + 1);
            try {
              finish(tasks[m.id], m);
            } catch (e) {
              fail(e);
            }
          }
          if (failed) return;
          give(pw);
          maybeDone();
        };
        pw.onError = fail;
        if (pw.ready) give(pw);
      });
      // One chunk at a time on this thread, yielding in between so worker results come in.
      const step = (): void => {
        if (failed) return;
        if (next >= tasks.length) {
          hereBusy = false;
          maybeDone();
          return;
        }
        try {
          runHere(tasks[next++]);
          par.onChunk?.(0);
        } catch (e) {
          fail(e);
          return;
        }
        setImmediate(step);
      };
      setImmediate(step);
    });
  }
  return { options: o, testSamples: test.n, raw: indices.map((s) => raws.get(s)!), stats: indices.map((s) => stats.get(s)!), engine: par.engine && engine === par.engine.label ? engine : `${engine}${threads > 1 ? `, ${threads} threads (this one + ${threads - 1} worker${threads > 2 ? "s" : ""})` : ""}` };
}
