/**
 * Parallel current sweeps on Node worker threads, through the worker layer's pool
 * (`./workers/pool.ts`; this file is also the worker entry). Currents are handed out one at a time
 * to whichever worker is free; each current uses the random stream deriveSeed(seed, index), so the
 * result is identical for any number of workers.
 */
import { defaultThreads } from "./threads.js";
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

// A current reports the steps it has done (at most every 0.2 s), so a long one shows progress.
serveTasks("llg", (init: WorkerInit) => (t: Task, progress): CurvePoint => simulateCurrent(init.device, init.options, t.current, t.index, progress));

/** Number of workers used when none is given: the available cores (`defaultThreads`). */
export function defaultWorkers(): number {
  return defaultThreads();
}

/**
 * Sweeps currents on `workers` worker threads (1: one worker thread, so this thread stays free for
 * progress and Ctrl-C), same results as `sweepCurrents` of `src/physics/sweep.ts`.
 * @param currents in the device's current unit.
 * @param workers number of worker threads (≥ 1). @default the available cores
 * @param onPoint called on the main thread as each current finishes, with the number done so far.
 * @param onSteps called on the main thread while currents run (at most every 0.2 s per worker),
 *   with the sweep's progress in currents, fractional (the running currents' steps count).
 */
export async function sweepParallel(
  device: ResolvedDevice,
  currents: ArrayLike<number>,
  options: SweepOptions = {},
  workers = defaultWorkers(),
  onPoint?: (index: number, point: CurvePoint, done: number) => void,
  onSteps?: (currentsDone: number) => void,
): Promise<CurvePoint[]> {
  const resolved = resolveSweepOptions(device, options);
  const n = currents.length;
  const out: CurvePoint[] = new Array<CurvePoint>(n);
  const tasks: Task[] = Array.from({ length: n }, (_, index) => ({ index, current: currents[index] }));
  let done = 0;
  // Steps done of each running current (by index), for the fractional progress.
  const running = new Map<number, number>();
  await runTasks<WorkerInit, Task, CurvePoint>({
    kind: "llg",
    module: import.meta.url,
    init: () => ({ device, options: resolved }),
    tasks,
    local: (t) => simulateCurrent(device, resolved, t.current, t.index),
    threads: workers,
    workerThread: true,
    onProgress: (index, steps) => {
      running.set(index, steps as number);
      let frac = 0;
      for (const s of running.values()) frac += Math.min(1, s / resolved.steps);
      onSteps?.(done + frac);
    },
    onResult: (index, point) => {
      running.delete(index);
      out[index] = point;
      onPoint?.(index, point, ++done);
    },
    unfinished: "before the sweep finished",
  });
  return out;
}
