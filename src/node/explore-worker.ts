/**
 * Runs the tasks of a design-space sweep on worker threads, through the worker layer's pool
 * (`./workers/pool.ts`; this file is also the worker entry). Each worker gets the spec and the
 * three splits once, then trains one task at a time (a task is seconds of work, so one queued task
 * per worker is enough). A task's result depends only on the spec, the data and its index, never
 * on the worker, so any number of threads gives the same bits.
 */
import { defaultThreads } from "./threads.js";
import { runTasks, serveTasks } from "./workers/pool.js";
import type { Dataset } from "../data/dataset.js";
import { resolveExplore, type ExploreSpec } from "../explore/spec.js";
import { runExploreTask, type ExploreRow, type ExploreSplits } from "../explore/run.js";

interface Init {
  spec: ExploreSpec;
  splits: ExploreSplits;
}

function revive(d: Dataset): Dataset {
  return { ...d, x: d.x, y: d.y };
}

serveTasks("explore", (init: Init) => {
  const r = resolveExplore(init.spec);
  const splits: ExploreSplits = { train: revive(init.splits.train), validation: revive(init.splits.validation), test: revive(init.splits.test) };
  // A task reports the fraction of its training epochs done (at most every 0.2 s).
  return (t: number, progress): ExploreRow[] => runExploreTask(r, splits, t, progress);
});

/** Default thread count: the available cores (see {@link defaultThreads}). */
export function defaultExploreWorkers(): number {
  return defaultThreads();
}

/**
 * Runs `tasks` (indices) on `workers` worker threads (1: one worker thread, so this thread stays
 * free for progress and Ctrl-C) and calls `onTask` with each task's rows as it finishes (in
 * completion order).
 * @param onFraction called at most every 0.2 s per worker with the tasks done, fractional (the running tasks' epochs count).
 * @throws ComputationError when a worker crashes.
 */
export async function runExploreTasks(
  spec: ExploreSpec,
  splits: ExploreSplits,
  tasks: readonly number[],
  workers: number,
  onTask: (t: number, rows: ExploreRow[]) => void,
  onFraction?: (done: number) => void,
): Promise<void> {
  let resolved: ReturnType<typeof resolveExplore> | null = null;
  let finished = 0;
  const partial = new Map<number, number>();
  await runTasks<Init, number, ExploreRow[]>({
    kind: "explore",
    module: import.meta.url,
    init: () => ({ spec, splits }),
    tasks,
    local: (t) => runExploreTask((resolved ??= resolveExplore(spec)), splits, t),
    threads: workers,
    workerThread: true,
    onProgress: (i, fraction) => {
      partial.set(i, fraction as number);
      let f = 0;
      for (const x of partial.values()) f += x;
      onFraction?.(finished + f);
    },
    onResult: (i, rows) => {
      partial.delete(i);
      finished++;
      onTask(tasks[i], rows);
    },
    unfinished: "during the sweep; rerun to resume (finished points are kept) or use --workers 1",
  });
}
