/**
 * The worker layer, part 1: a pool of message-passing worker threads for jobs made of independent
 * tasks (a robustness sweep's chunks of trials, an LLG sweep's currents, a design-space sweep's
 * trainings). Part 2, for jobs that must not wait for a message per call, is the shared-memory
 * executor of `./shared.ts`.
 *
 * A job names the module that serves its tasks ({@link serveTasks}, called at the top level of that
 * module, which is also the worker's entry), sends each worker a set-up once, then hands out tasks
 * (`depth` queued per worker) and gets one result per task back. A task's result must depend only
 * on the set-up and the task, never on the thread, so the results are the same bits for any number
 * of workers; {@link runTasks} hands each one to `onResult` with the task's index.
 *
 * Faults end the job, never hang it: a worker whose task throws, or that exits (process.exit, out of
 * memory) while the job runs, rejects {@link runTasks} with a `ComputationError` naming the job and
 * carrying the worker's message; the job's other workers are terminated. Workers are kept between
 * jobs (idle workers are unref'd, so they never keep the process alive) and a job leases idle
 * workers of its module before starting new ones. With one thread the tasks run on this thread,
 * yielding to the event loop between tasks so that signals and progress output get through.
 *
 * Test-only fault injection: DYNASPIN_FAULT=`<kind>-worker-exit` makes a worker exit with code 7
 * as it receives a task, `<kind>-worker-throw` makes the task throw.
 */
import { isMainThread, parentPort, workerData, type Worker } from "node:worker_threads";
import { ComputationError } from "../../util/errors.js";
import { startModuleWorker } from "./start.js";

/** What a pooled worker is started with. */
interface PoolWorkerData {
  dynaspinPool: string;
}

type ToWorker = { job: number; init: unknown } | { job: number; id: number; task: unknown };
type FromWorker = "ready" | { id: number; result: unknown } | { id: number; error: string } | { id: number; progress: unknown };

/** Least interval between two progress messages of one task (see {@link serveTasks}). */
const PROGRESS_EVERY_MS = 200;

function messageOf(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split("\n")[0] ?? m;
}

/**
 * Serves the tasks of jobs of `kind` when this module runs as a pooled worker (no-op otherwise):
 * `setup` receives each job's set-up once and returns the function computing one task. A long task
 * may call its `progress` argument as often as it likes; at most one call per 0.2 s reaches the
 * job's `onProgress` (an LLG current's steps, an explore point's epochs).
 * @param kind names the job in messages and faults ("robustness", "llg", "explore").
 */
export function serveTasks<Init, Task, Result>(kind: string, setup: (init: Init) => (task: Task, progress: (p: unknown) => void) => Result): void {
  if (isMainThread || parentPort === null || (workerData as PoolWorkerData | undefined)?.dynaspinPool !== kind) return;
  const port = parentPort;
  let job = 0;
  let run: ((task: Task, progress: (p: unknown) => void) => Result) | null = null;
  let setupError: string | null = null;
  port.on("message", (m: ToWorker) => {
    if ("init" in m) {
      job = m.job;
      run = null;
      setupError = null;
      try {
        run = setup(m.init as Init);
      } catch (e) {
        setupError = messageOf(e);
      }
      return;
    }
    if (process.env.DYNASPIN_FAULT === `${kind}-worker-exit`) process.exit(7);
    try {
      if (process.env.DYNASPIN_FAULT === `${kind}-worker-throw`) throw new Error(`injected fault (DYNASPIN_FAULT=${kind}-worker-throw)`);
      if (run === null || m.job !== job) throw new Error(setupError ?? `task of job ${m.job} without its set-up`);
      let last = Date.now();
      const progress = (p: unknown): void => {
        const now = Date.now();
        if (now - last < PROGRESS_EVERY_MS) return;
        last = now;
        port.postMessage({ id: m.id, progress: p } satisfies FromWorker);
      };
      port.postMessage({ id: m.id, result: run(m.task as Task, progress) } satisfies FromWorker);
    } catch (e) {
      port.postMessage({ id: m.id, error: messageOf(e) } satisfies FromWorker);
    }
  });
  port.postMessage("ready" satisfies FromWorker);
}

/** A pooled worker thread: kept between jobs (unref'd while idle). */
interface Pooled {
  worker: Worker;
  module: string;
  kind: string;
  /** True once the worker has posted "ready" (module loaded). */
  ready: boolean;
  /** The job whose set-up the worker holds (0: none). */
  job: number;
  /** Tasks sent to the worker and not yet returned. */
  queued: number;
  /** Called with each message while a job leases the worker. */
  onMessage: ((m: FromWorker) => void) | null;
  /** Called when the worker fails (an uncaught error) or exits while leased. */
  onFault: ((fault: { error: string } | { exitCode: number }) => void) | null;
}

const idle: Pooled[] = [];
let jobs = 0;

function startPooled(module: string, kind: string): Pooled {
  const data: PoolWorkerData = { dynaspinPool: kind };
  const pw: Pooled = { worker: startModuleWorker(module, { workerData: data }), module, kind, ready: false, job: 0, queued: 0, onMessage: null, onFault: null };
  const forget = (): void => {
    const at = idle.indexOf(pw);
    if (at >= 0) idle.splice(at, 1);
  };
  pw.worker.on("message", (m: FromWorker) => {
    if (m === "ready") pw.ready = true;
    pw.onMessage?.(m);
  });
  pw.worker.on("error", (e) => {
    forget();
    pw.onFault?.({ error: messageOf(e) });
  });
  pw.worker.on("exit", (code) => {
    forget();
    pw.onFault?.({ exitCode: code });
  });
  // After the listeners: adding a "message" listener refs the worker's port again.
  pw.worker.unref();
  return pw;
}

/** Takes `n` workers of `module`: idle ones first (already loaded), then new ones. */
function lease(module: string, kind: string, n: number): Pooled[] {
  const out: Pooled[] = [];
  for (let i = 0; i < idle.length && out.length < n; ) {
    if (idle[i].module === module && idle[i].kind === kind) out.push(...idle.splice(i, 1));
    else i++;
  }
  while (out.length < n) out.push(startPooled(module, kind));
  return out;
}

/**
 * Starts (or keeps) `n` idle workers of `module` and resolves when all have loaded, so that the
 * next job does not spend its first ≈ 0.1 s (0.4 s under tsx) waiting for workers to boot.
 */
export async function prestartWorkers(module: string, kind: string, n: number): Promise<void> {
  const mine = idle.filter((pw) => pw.module === module && pw.kind === kind);
  while (mine.length < n) {
    const pw = startPooled(module, kind);
    idle.push(pw);
    mine.push(pw);
  }
  await Promise.all(
    mine.map((pw) =>
      pw.ready
        ? undefined
        : new Promise<void>((resolve, reject) => {
            pw.worker.ref();
            const done = (e?: Error): void => {
              pw.worker.unref();
              pw.onMessage = pw.onFault = null;
              if (e === undefined) resolve();
              else reject(e);
            };
            pw.onMessage = (m) => {
              if (m === "ready") done();
            };
            pw.onFault = (f) => done(new ComputationError(`${kind}: a worker thread failed to start: ${"error" in f ? f.error : `exit code ${f.exitCode}`}`));
          }),
    ),
  );
}

/** A job for {@link runTasks}. */
export interface PoolJob<Init, Task, Result> {
  /** Names the job in error messages ("robustness: a worker thread failed: …") and in the faults; the module's {@link serveTasks} kind. */
  kind: string;
  /** `import.meta.url` of the module that calls {@link serveTasks} for `kind`. */
  module: string;
  /** The set-up each worker receives once (structured-cloned); made only when workers run. */
  init: () => Init;
  tasks: readonly Task[];
  /** Computes one task on this thread (the serial path, and this thread's share with `shareWork`). */
  local: (task: Task) => Result;
  /**
   * Threads: with `shareWork`, this thread plus `threads − 1` workers; otherwise `threads` workers.
   * ≤ 1 runs every task on this thread.
   */
  threads: number;
  /** This thread computes tasks too (one at a time, yielding in between). @default false */
  shareWork?: boolean;
  /**
   * With `threads` ≤ 1, run the tasks on one worker thread instead of this one: a task that takes
   * seconds (an LLG current, a training) then never holds up signals (Ctrl-C) and progress. @default false
   */
  workerThread?: boolean;
  /** Called with a running task's index and what it reported (see {@link serveTasks}); workers only. */
  onProgress?: (index: number, progress: unknown, thread: number) => void;
  /** Tasks queued per worker (2 keeps a worker busy while its result travels). @default 1 */
  depth?: number;
  /** Called with each task's index and result, in completion order; `thread` 0 is this one. A throw fails the job. */
  onResult: (index: number, result: Result, thread: number) => void;
  /** How the message for a worker that exits mid-job ends, after "exited with code N ". @default "during the job" */
  unfinished?: string;
}

/** Lets pending events (signals, worker messages) run. */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs the tasks of `job` and resolves when every result has been handed to `onResult`.
 * @throws ComputationError when a worker's task throws or a worker exits before the job ends.
 */
export async function runTasks<Init, Task, Result>(job: PoolJob<Init, Task, Result>): Promise<void> {
  const { tasks } = job;
  const share = job.shareWork ?? false;
  const alone = (job.workerThread ?? false) && !share;
  const nWorkers = Math.max(alone ? 1 : 0, Math.min(job.threads, tasks.length) - (share ? 1 : 0));
  if (tasks.length === 0) return;
  if ((job.threads <= 1 && !alone) || nWorkers === 0) {
    for (let i = 0; i < tasks.length; i++) {
      job.onResult(i, job.local(tasks[i]), 0);
      await nextTurn();
    }
    return;
  }
  const init = job.init();
  const id = ++jobs;
  const depth = Math.max(1, job.depth ?? 1);
  const pool = lease(job.module, job.kind, nWorkers);
  // Leased workers keep the process alive until the job ends; idle ones do not.
  for (const pw of pool) pw.worker.ref();
  await new Promise<void>((resolve, reject) => {
    let next = 0, left = tasks.length, failed = false, hereBusy = share;
    const fail = (e: unknown): void => {
      if (failed) return;
      failed = true;
      for (const pw of pool) {
        pw.onMessage = pw.onFault = null;
        void pw.worker.terminate();
      }
      reject(e);
    };
    const maybeDone = (): void => {
      if (failed || hereBusy || left > 0) return;
      for (const pw of pool) {
        pw.onMessage = pw.onFault = null;
        pw.worker.unref();
        idle.push(pw);
      }
      resolve();
    };
    const give = (pw: Pooled): void => {
      if (pw.job !== id && next < tasks.length) {
        pw.worker.postMessage({ job: id, init } satisfies ToWorker);
        pw.job = id;
      }
      while (next < tasks.length && pw.queued < depth) {
        pw.queued++;
        const i = next++;
        pw.worker.postMessage({ job: id, id: i, task: tasks[i] } satisfies ToWorker);
      }
    };
    pool.forEach((pw, w) => {
      // A worker gets its first tasks once loaded ("ready"), so a job this thread shares never waits for one.
      pw.onMessage = (m) => {
        if (failed) return;
        if (m !== "ready" && "progress" in m) {
          job.onProgress?.(m.id, m.progress, w + 1);
          return;
        }
        if (m !== "ready") {
          pw.queued--;
          if ("error" in m) return fail(new ComputationError(`${job.kind}: a worker thread failed: ${m.error}`));
          left--;
          try {
            job.onResult(m.id, m.result as Result, w + 1);
          } catch (e) {
            return fail(e);
          }
        }
        give(pw);
        maybeDone();
      };
      pw.onFault = (f) =>
        fail(new ComputationError("error" in f ? `${job.kind}: a worker thread failed: ${f.error}` : `${job.kind}: a worker thread exited with code ${f.exitCode} ${job.unfinished ?? "during the job"}`));
      if (pw.ready) give(pw);
    });
    if (!share) return;
    // One task at a time on this thread, yielding in between so worker results come in.
    const step = (): void => {
      if (failed) return;
      if (next >= tasks.length) {
        hereBusy = false;
        maybeDone();
        return;
      }
      const i = next++;
      try {
        const r = job.local(tasks[i]);
        left--;
        job.onResult(i, r, 0);
      } catch (e) {
        fail(e);
        return;
      }
      setImmediate(step);
    };
    setImmediate(step);
  });
}
