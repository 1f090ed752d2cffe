/**
 * Runs the tasks of a design-space sweep on worker threads, through the worker layer's pool
 * (`./workers/pool.ts`; this file is also the worker entry). Each worker gets the spec and the
 * three splits once, then trains one task at a time (a task is seconds of work, so one queued task
 * per worker is enough). A task's result depends only on the spec, the data and its index, never
 * on the worker, so any number of threads gives the same bits.
 */
import { availableParallelism } from "node:os";
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
  return (t: number): ExploreRow[] => runExploreTask(r, splits, t);
});

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
  let resolved: ReturnType<typeof resolveExplore> | null = null;
  await runTasks<Init, number, ExploreRow[]>({
    kind: "explore",
    module: import.meta.url,
    init: () => ({ spec, splits }),
    tasks,
    local: (t) => runExploreTask((resolved ??= resolveExplore(spec)), splits, t),
    threads: workers,
    onResult: (i, rows) => onTask(tasks[i], rows),
    unfinished: "during the sweep; rerun to resume (finished points are kept) or use --workers 1",
  });
}
