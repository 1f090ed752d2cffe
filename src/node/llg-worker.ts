/**
 * Parallel current sweeps on Node worker threads, through the worker layer's pool
 * (`./workers/pool.ts`; this file is also the worker entry). Currents are handed out one at a time
 * to whichever worker is free; each current uses the random stream deriveSeed(seed, index), so the
 * result is identical for any number of workers.
 */
import { availableParallelism } from "node:os";
import { runTasks, serveTasks } from "./workers/pool.js";
import type { ResolvedDevice } from "../physics/params.js";
import { resolveSweepOptions, simulateCurrent, type CurvePoint, type ResolvedSweepOptions, type SweepOptions } from "../physics/sweep.js";

interface WorkerInit {
  device: ResolvedDevice;
  options: ResolvedSweepOptions;
}

interface Task {
  index: number;
  current: number;
}

serveTasks("llg", (init: WorkerInit) => (t: Task): CurvePoint => simulateCurrent(init.device, init.options, t.current, t.index));

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
  const tasks: Task[] = Array.from({ length: n }, (_, index) => ({ index, current: currents[index] }));
  let done = 0;
  await runTasks<WorkerInit, Task, CurvePoint>({
    kind: "llg",
    module: import.meta.url,
    init: () => ({ device, options: resolved }),
    tasks,
    local: (t) => simulateCurrent(device, resolved, t.current, t.index),
    threads: workers,
    onResult: (index, point) => {
      out[index] = point;
      onPoint?.(index, point, ++done);
    },
    unfinished: "before the sweep finished",
  });
  return out;
}
