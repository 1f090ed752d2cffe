/**
 * Parallel current sweeps on Node worker threads. This file is both the pool (imported on the
 * main thread) and the worker entry (the same file loaded in each worker). Currents are handed
 * out one at a time to whichever worker is free; each current uses the random stream
 * deriveSeed(seed, index), so the result is identical for any number of workers.
 *
 * Under tsx (tests, benchmarks) the file is `.ts`: Node 20 does not apply `--import tsx` to a
 * worker's entry module, so each worker starts from a two-line bootstrap that registers tsx
 * (`tsx/esm/api`) and then imports this file. From the built `dist/` the file is `.js` and is the worker entry itself.
 */
import { ComputationError } from "../util/errors.js";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { startModuleWorker } from "./worker-start.js";
import type { ResolvedDevice } from "../physics/params.js";
import { resolveSweepOptions, simulateCurrent, type CurvePoint, type ResolvedSweepOptions, type SweepOptions } from "../physics/sweep.js";

interface WorkerInit {
  kind: "dynaspin-llg";
  device: ResolvedDevice;
  options: ResolvedSweepOptions;
}

interface Task {
  index: number;
  current: number;
}

interface Done {
  index: number;
  point: CurvePoint;
}

if (!isMainThread && parentPort && (workerData as WorkerInit | undefined)?.kind === "dynaspin-llg") {
  const { device, options } = workerData as WorkerInit;
  const port = parentPort;
  port.on("message", (t: Task | null) => {
    if (t === null) {
      port.close();
      return;
    }
    // Fault injection for the reliability tests: a worker thread that exits mid-sweep.
    if (process.env.DYNASPIN_FAULT === "llg-worker-exit") process.exit(7);
    const point = simulateCurrent(device, options, t.current, t.index);
    port.postMessage({ index: t.index, point } satisfies Done);
  });
}

function startWorker(init: WorkerInit): Worker {
  return startModuleWorker(import.meta.url, { workerData: init });
}

/** Number of workers used when none is given: min(2, available cores). */
export function defaultWorkers(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

/**
 * Sweeps currents on `workers` threads (1 runs on this thread), same results as
 * `sweepCurrents` of `src/physics/sweep.ts`.
 * @param currents in the device's current unit.
 * @param workers number of worker threads (≥ 1). @default min(2, cores)
 * @param onPoint called on the main thread as each current finishes, with the number done so far.
 */
export async function sweepParallel(
  device: ResolvedDevice,
  currents: ArrayLike<number>,
  options: SweepOptions = {},
  workers = defaultWorkers(),
  onPoint?: (index: number, point: CurvePoint, done: number) => void,
): Promise<CurvePoint[]> {
  const resolved = resolveSweepOptions(device, options);
  const n = currents.length;
  const out: CurvePoint[] = new Array<CurvePoint>(n);
  if (n === 0) return out;
  const count = Math.max(1, Math.min(workers, n));
  if (count === 1) {
    for (let k = 0; k < n; k++) {
      out[k] = simulateCurrent(device, resolved, currents[k], k);
      onPoint?.(k, out[k], k + 1);
      // Yield so progress callbacks and signals get a chance to run.
      await new Promise<void>((r) => setImmediate(r));
    }
    return out;
  }
  const init: WorkerInit = { kind: "dynaspin-llg", device, options: resolved };
  let next = 0;
  let done = 0;
  const pool = Array.from({ length: count }, () => startWorker(init));
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (w: Worker): void => {
        if (next < n) {
          const index = next++;
          w.postMessage({ index, current: currents[index] } satisfies Task);
        }
      };
      for (const w of pool) {
        w.on("message", (msg: Done) => {
          out[msg.index] = msg.point;
          done++;
          onPoint?.(msg.index, msg.point, done);
          if (done === n) resolve();
          else feed(w);
        });
        w.on("error", (e) => reject(new ComputationError(`llg: a worker thread failed: ${e instanceof Error ? e.message : String(e)}`)));
        w.on("exit", (code) => {
          if (done < n) reject(new ComputationError(`llg: a worker thread exited with code ${code} before the sweep finished`));
        });
        feed(w);
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return out;
}
