/**
 * The worker layer, part 2: a shared-memory executor, for jobs whose units are too small to cost a
 * message each (a training batch's chunks, the parts of one matrix product). The numeric core stays
 * synchronous: {@link SharedExecutor.run} announces a job, computes units on this thread too and
 * returns when every unit is done. Part 1, the message pool for larger tasks, is `./pool.ts`.
 *
 * Protocol (an Int32Array over a SharedArrayBuffer): a job is `units` numbered units; every thread,
 * this one included, claims units from a counter and computes them, so a worker that is still
 * waking up or loading only means the others compute more (or, with `assignment: "owned"`, unit t
 * is thread t's and this thread computes only the units of workers not running: loading or
 * exited). Claims carry the job's sequence number
 * (high bits of the counter), so a worker that wakes late never takes a unit of a newer job. The
 * job's descriptor lives in the user words ({@link SharedExecutor.words}); larger data (buffers)
 * goes to every worker with {@link SharedExecutor.broadcast}, received before its next job. A worker
 * spins `spinMs` after a job (back-to-back jobs find it awake), then sleeps in `Atomics.wait`.
 * A unit's result must not depend on the thread computing it, so the bits are the same for any
 * number of threads.
 *
 * Faults end the job, never hang it: a worker whose unit throws makes `run` throw a
 * `ComputationError` with the worker's message; a worker that exits holding a unit (it counts
 * itself as dead as it exits) makes `run` stop the executor and throw once the remaining units
 * have made no progress for 200 ms. Test-only: DYNASPIN_FAULT=`<kind>-worker-exit` makes a worker
 * exit with code 7 right after claiming a unit.
 */
import { isMainThread, workerData, receiveMessageOnPort, MessageChannel, type MessagePort, type Worker } from "node:worker_threads";
import { ComputationError } from "../../util/errors.js";
import { inRange } from "../../util/check.js";
import { startModuleWorker } from "./start.js";

// Control words.
const SEQ = 0, DONE = 1, NEXT = 2, COUNT = 3, EXIT = 4, READY = 5, DEAD = 6, ERROR = 7, GEN = 8, OWNED = 9;
/** Most threads of one executor (this one included). */
export const SHARED_MAX_THREADS = 64;
/** Units computed by thread t (this thread: t = 0) since the executor started, at BY_THREAD + t. */
const BY_THREAD = 16;
/** 1 while worker t runs its loop (0 before it starts and after it exits), at LIVE + t. */
const LIVE = BY_THREAD + SHARED_MAX_THREADS;
/** With owned units: 1 once unit u of the current job is taken, at CLAIMED + u. */
const CLAIMED = LIVE + SHARED_MAX_THREADS;
const USER = CLAIMED + SHARED_MAX_THREADS;
/** Job descriptor words available to the client. */
const USER_WORDS = 32;
/** A claim is (job tag << TAG_SHIFT) | unit index. */
const TAG_SHIFT = 20;
const TAG_MASK = 0x7ff;
/** Most units of one job. */
export const SHARED_MAX_UNITS = 1 << TAG_SHIFT;
/** How long units may make no progress after a worker died before the job fails (ms). */
const DEAD_GRACE_MS = 200;

/** What a worker of the executor is started with. */
interface SharedWorkerData {
  dynaspinShared: string;
  ctrl: SharedArrayBuffer;
  port: MessagePort;
  thread: number;
  spinMs: number;
  init: unknown;
}

/** One thread's side of a job: how it computes the units it claims. */
export interface SharedHandler {
  /** Receives what the main thread broadcast (e.g. new shared buffers), before the next job. */
  message?(m: unknown): void;
  /** Called on this thread's first claimed unit of each job; returns the function computing one unit. */
  job(): (unit: number) => void;
}

function messageOf(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split("\n")[0] ?? m;
}

/**
 * Claims and computes units of job `seq` until none is left (or a newer job started).
 * @param onError called with a unit's error (the unit still counts as done).
 */
function claimUnits(ctrl: Int32Array, seq: number, thread: number, handler: SharedHandler, fault: boolean, onError: (e: unknown) => void): void {
  const tag = seq & TAG_MASK;
  const count = ctrl[COUNT];
  const owned = ctrl[OWNED] !== 0;
  let compute: ((unit: number) => void) | null = null;
  for (let mine = owned && thread < count; ; mine = false) {
    let q: number;
    if (owned) {
      // Unit t is thread t's (this thread takes over the units of workers not running, see `run`).
      if (!mine || Atomics.compareExchange(ctrl, CLAIMED + thread, 0, 1) !== 0) break;
      q = thread;
    } else {
      const v = Atomics.load(ctrl, NEXT);
      if (v >>> TAG_SHIFT !== tag) break;
      q = v & (SHARED_MAX_UNITS - 1);
      if (q >= count) break;
      if (Atomics.compareExchange(ctrl, NEXT, v, v + 1) !== v) continue;
    }
    if (fault) process.exit(7);
    try {
      compute ??= handler.job();
      compute(q);
    } catch (e) {
      onError(e);
    }
    Atomics.add(ctrl, BY_THREAD + thread, 1);
    Atomics.add(ctrl, DONE, 1);
    Atomics.notify(ctrl, DONE);
  }
}

/**
 * Serves jobs of `kind` when this module runs as a worker of a {@link startSharedExecutor} (no-op
 * otherwise). `setup` receives the executor's `init` and the shared user words once.
 */
export function serveShared<Init>(kind: string, setup: (init: Init, words: Int32Array) => SharedHandler): void {
  if (isMainThread || (workerData as SharedWorkerData | undefined)?.dynaspinShared !== kind) return;
  const d = workerData as SharedWorkerData;
  const ctrl = new Int32Array(d.ctrl);
  const handler = setup(d.init as Init, ctrl.subarray(USER, USER + USER_WORDS));
  const fault = process.env.DYNASPIN_FAULT === `${kind}-worker-exit`;
  // However this thread ends (process.exit, an uncaught error), the main thread sees it without its
  // event loop: it may be waiting in `run` for a unit this thread claimed.
  process.on("exit", () => {
    Atomics.store(ctrl, LIVE + d.thread, 0);
    if (!Atomics.load(ctrl, EXIT)) Atomics.add(ctrl, DEAD, 1);
  });
  const onError = (e: unknown): void => {
    if (Atomics.compareExchange(ctrl, ERROR, 0, 1) === 0) d.port.postMessage({ error: messageOf(e) });
  };
  let gen = 0;
  let seen = Atomics.load(ctrl, SEQ);
  Atomics.store(ctrl, LIVE + d.thread, 1);
  Atomics.add(ctrl, READY, 1);
  // The first pass looks at the job running as this worker starts (its unit may still be free).
  for (let first = true; ; first = false) {
    if (!first) {
      // Poll briefly for the next job, then sleep until one is announced.
      const t0 = performance.now();
      while (Atomics.load(ctrl, SEQ) === seen && performance.now() - t0 < d.spinMs);
      Atomics.wait(ctrl, SEQ, seen);
    }
    seen = Atomics.load(ctrl, SEQ);
    if (Atomics.load(ctrl, EXIT)) break;
    const want = Atomics.load(ctrl, GEN);
    if (want !== gen) {
      for (let msg = receiveMessageOnPort(d.port); msg; msg = receiveMessageOnPort(d.port)) {
        const m = msg.message as { gen: number; body: unknown };
        gen = m.gen;
        handler.message?.(m.body);
      }
    }
    // A worker that has not yet received the newest broadcast leaves this job to the others.
    if (gen === want) claimUnits(ctrl, seen, d.thread, handler, fault, onError);
  }
}

/** Options of {@link startSharedExecutor}. */
export interface SharedExecutorOptions<Init> {
  /** The module's {@link serveShared} kind; also names the fault hook. */
  kind: string;
  /** `import.meta.url` of the module that calls {@link serveShared} for `kind`. */
  module: string;
  /** Threads computing units, this one included (capped at {@link SHARED_MAX_THREADS}). */
  threads: number;
  /** What each worker's set-up receives (structured-cloned once). */
  init: Init;
  /** How long (ms) a worker polls for the next job before sleeping. @default 0 */
  spinMs?: number;
  /**
   * How units go to threads: "claim" (any thread takes the next unit; a slow or loading worker only
   * leaves more to the others) or "owned" (unit t is thread t's, units = threads: each thread
   * computes its own part, as a product split in fixed blocks wants). @default "claim"
   */
  assignment?: "claim" | "owned";
  /**
   * How long (ms) this thread polls for the workers' last units before sleeping until they finish:
   * Infinity for jobs whose tail is one short unit (a batch's chunks), 0 for long parts. @default 0
   */
  waitSpinMs?: number;
  /** Starts error messages ("data-parallel training: a worker thread …"). */
  label: string;
  /** What a unit is called in messages. @default "unit" */
  unit?: string;
  /** What to do about a worker that died, ending its message. @default "rerun" */
  hint?: string;
}

/** A running shared-memory executor (see the module comment). */
export interface SharedExecutor {
  /** Threads computing units, this one included. */
  readonly threads: number;
  /** The job descriptor: words every thread reads (write them before {@link run}). */
  readonly words: Int32Array;
  /** Sends `body` to every worker, which receives it before computing its next job. */
  broadcast(body: unknown): void;
  /**
   * Computes units 0..units−1 on every thread and returns when all are done. `handler.job` is this
   * thread's side. A throw on this thread is rethrown once the workers have finished their units.
   * @throws ComputationError when a worker's unit threw or a worker died holding a unit.
   */
  run(units: number, handler: SharedHandler): void;
  /** Resolves once every worker has loaded (or exited). */
  ready(): Promise<void>;
  /** Units computed by each thread (index 0 = this thread) since the executor started. */
  counts(): number[];
  /** Ends the workers (idempotent). */
  stop(): void;
}

/**
 * Starts `threads − 1` workers of `module` (loading in the background: until one is ready, this
 * thread computes its units). Stop it with {@link SharedExecutor.stop}.
 */
export function startSharedExecutor<Init>(options: SharedExecutorOptions<Init>): SharedExecutor {
  const spinMs = inRange(options.spinMs ?? 0, 0, 60_000, "spinMs");
  const waitSpinMs = options.waitSpinMs ?? 0;
  const threads = Math.max(1, Math.min(options.threads, SHARED_MAX_THREADS));
  const ctrl = new Int32Array(new SharedArrayBuffer((USER + USER_WORDS) * 4));
  ctrl[OWNED] = options.assignment === "owned" ? 1 : 0;
  const workers: Worker[] = [];
  const ports: MessagePort[] = [];
  let exited = 0;
  let stopped = false;
  for (let t = 1; t < threads; t++) {
    const ch = new MessageChannel();
    ports.push(ch.port1);
    const data: SharedWorkerData = { dynaspinShared: options.kind, ctrl: ctrl.buffer as SharedArrayBuffer, port: ch.port2, thread: t, spinMs, init: options.init };
    const w = startModuleWorker(options.module, { workerData: data, transferList: [ch.port2] });
    w.unref();
    // A worker that dies before it claims a unit only leaves its share to the other threads (one
    // that dies holding a unit is caught by `run`).
    w.on("error", () => undefined);
    w.on("exit", () => void exited++);
    workers.push(w);
  }
  const unit = options.unit ?? "unit";
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    Atomics.store(ctrl, EXIT, 1);
    Atomics.add(ctrl, SEQ, 1);
    Atomics.notify(ctrl, SEQ);
    for (const w of workers) void w.terminate();
    for (const port of ports) port.close();
  };
  /** The first worker error message waiting on the ports. */
  const workerError = (): string => {
    for (const port of ports) {
      for (let msg = receiveMessageOnPort(port); msg; msg = receiveMessageOnPort(port)) {
        const m = msg.message as { error?: string };
        if (typeof m.error === "string") return m.error;
      }
    }
    return "unknown error";
  };
  return {
    threads,
    words: ctrl.subarray(USER, USER + USER_WORDS),
    broadcast(body) {
      const gen = (Atomics.load(ctrl, GEN) + 1) | 0;
      for (const port of ports) port.postMessage({ gen, body });
      Atomics.store(ctrl, GEN, gen);
    },
    run(units, handler) {
      if (stopped) throw new Error(`${options.label}: the executor was stopped`);
      if (ctrl[OWNED] && units > threads) throw new RangeError(`${options.label}: ${units} owned ${unit}s for ${threads} threads`);
      if (!(units >= 0 && units < SHARED_MAX_UNITS)) throw new RangeError(`${options.label}: ${units} ${unit}s in one job (at most ${SHARED_MAX_UNITS - 1})`);
      ctrl[COUNT] = units;
      Atomics.store(ctrl, ERROR, 0);
      Atomics.store(ctrl, DONE, 0);
      const owned = ctrl[OWNED] !== 0;
      if (owned) for (let u = 0; u < units; u++) Atomics.store(ctrl, CLAIMED + u, 0);
      const seq = (Atomics.load(ctrl, SEQ) + 1) | 0;
      // The claim counter carries the new job's tag before the job is announced.
      Atomics.store(ctrl, NEXT, (seq & TAG_MASK) << TAG_SHIFT);
      Atomics.store(ctrl, SEQ, seq);
      Atomics.notify(ctrl, SEQ);
      let mine: { error: unknown } | null = null;
      const onMine = (e: unknown): void => void (mine ??= { error: e });
      claimUnits(ctrl, seq, 0, handler, false, onMine);
      /** Owned units of workers not running (still loading, or exited) are computed here. */
      const takeOver = (): void => {
        let compute: ((unit: number) => void) | null = null;
        for (let u = 1; u < units; u++) {
          if (Atomics.load(ctrl, LIVE + u) !== 0 || Atomics.compareExchange(ctrl, CLAIMED + u, 0, 1) !== 0) continue;
          try {
            compute ??= handler.job();
            compute(u);
          } catch (e) {
            onMine(e);
          }
          Atomics.add(ctrl, BY_THREAD, 1);
          Atomics.add(ctrl, DONE, 1);
        }
      };
      if (owned) takeOver();
      // Units still in a worker's hands: at most one each. Spin (waitSpinMs), then sleep between checks —
      // and give up if a worker died holding one (DONE would stay short forever).
      const t0 = performance.now();
      let stalledAt = -1, stalledSince = 0;
      for (let d = Atomics.load(ctrl, DONE); d < units; d = Atomics.load(ctrl, DONE)) {
        if (Atomics.load(ctrl, DEAD) > 0) {
          if (owned) takeOver();
          const now = performance.now();
          if (d !== stalledAt) {
            stalledAt = d;
            stalledSince = now;
          } else if (now - stalledSince > DEAD_GRACE_MS) {
            stop();
            throw new ComputationError(`${options.label}: a worker thread exited while computing a ${unit} (${units - d} of ${units} ${unit}s unfinished); ${options.hint ?? "rerun"}`);
          }
        }
        if (waitSpinMs !== Infinity && performance.now() - t0 >= waitSpinMs) Atomics.wait(ctrl, DONE, d, 5);
      }
      if (mine !== null) throw (mine as { error: unknown }).error;
      if (Atomics.load(ctrl, ERROR)) throw new ComputationError(`${options.label}: a worker thread failed: ${workerError()}`);
    },
    async ready() {
      while (!stopped && Atomics.load(ctrl, READY) + exited < workers.length) await new Promise((r) => setTimeout(r, 5));
    },
    counts() {
      const out: number[] = [];
      for (let t = 0; t < threads; t++) out.push(Atomics.load(ctrl, BY_THREAD + t));
      return out;
    },
    stop,
  };
}
