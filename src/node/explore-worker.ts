/**
 * Runs the tasks of a design-space sweep on worker threads. This file is both the pool (main
 * thread) and the worker entry. Each worker gets the spec and the three splits once, then trains
 * one task at a time (a task is seconds of work, so one queued task per worker is enough). A task's
 * result depends only on the spec, the data and its index, never on the worker, so any number of
 * threads gives the same bits.
 */
import { isMainThread, parentPort, workerData, type Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { startModuleWorker } from "./worker-start.js";
import type { Dataset } from "../data/dataset.js";
import { resolveExplore, type ExploreSpec } from "../explore/spec.js";
import { runExploreTask, type ExploreRow, type ExploreSplits } from "../explore/run.js";
import { ComputationError } from "../util/errors.js";

interface Init {
  kind: "dynaspin-explore";
  spec: ExploreSpec;
  splits: ExploreSplits;
}

function revive(d: Dataset): Dataset {
  return { ...d, x: d.x, y: d.y };
}

if (!isMainThread && parentPort && (workerData as { kind?: string } | undefined)?.kind === "dynaspin-explore") {
  const port = parentPort;
  const init = workerData as Init;
  const r = resolveExplore(init.spec);
  const splits: ExploreSplits = { train: revive(init.splits.train), validation: revive(init.splits.validation), test: revive(init.splits.test) };
  port.on("message", (t: number) => {
    port.postMessage({ t, rows: runExploreTask(r, splits, t) });
  });
  port.postMessage("ready");
}

/** Default thread count: the machine's available parallelism. */
export function defaultExploreWorkers(): number {
  return availableParallelism();
}

/**
 * Runs `tasks` (indices) and calls `onTask` with each task's rows as it finishes (in completion
 * order). With `workers` ≤ 1 the tasks run on this thread, in order.
 * @throws ComputationError when a worker crashes.
 */
export async function runExploreTasks(spec: ExploreSpec, splits: ExploreSplits, tasks: readonly number[], workers: number, onTask: (t: number, rows: ExploreRow[]) => void): Promise<void> {
  if (tasks.length === 0) return;
  if (workers <= 1) {
    const r = resolveExplore(spec);
    for (const t of tasks) {
      onTask(t, runExploreTask(r, splits, t));
      // Let signals and progress output through between tasks.
      await new Promise((res) => setImmediate(res));
    }
    return;
  }
  const queue = tasks.slice();
  const n = Math.min(workers, tasks.length);
  const pool: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let running = 0;
      let failed = false;
      const next = (w: Worker): void => {
        const t = queue.shift();
        if (t === undefined) {
          if (running === 0) resolve();
          return;
        }
        running++;
        w.postMessage(t);
      };
      for (let i = 0; i < n; i++) {
        const w = startModuleWorker(import.meta.url, { workerData: { kind: "dynaspin-explore", spec, splits } satisfies Init });
        pool.push(w);
        w.on("message", (m: "ready" | { t: number; rows: ExploreRow[] }) => {
          if (failed) return;
          if (m !== "ready") {
            running--;
            try {
              onTask(m.t, m.rows);
            } catch (e) {
              failed = true;
              reject(e);
              return;
            }
          }
          next(w);
        });
        w.on("error", (e) => {
          if (failed) return;
          failed = true;
          reject(new ComputationError(`explore: a worker thread failed: ${(e as Error).message?.split("\n")[0] ?? String(e)}`));
        });
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
}
