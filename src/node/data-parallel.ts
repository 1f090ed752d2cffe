/**
 * Both cores for training: data-parallel minibatches. A {@link ChunkExecutor} (src/train/chunks.ts)
 * that computes the chunks of a batch on this thread and `threads − 1` worker threads. Training
 * adds the chunks' result slots in a fixed order, so the bits do not depend on the number of
 * threads, nor on which thread computed which chunk.
 *
 * Shared memory (SharedArrayBuffer): the job descriptor and the parameters (A, B, W, c and each
 * oscillator's eq. 4 parameters a, b, Ic, Q, P0), the batch input and labels, and one result slot
 * per chunk. Threads claim chunks from a counter (this thread included), so a worker that is
 * still waking up or loading only means this thread computes more chunks; nothing waits for it.
 * A worker spins briefly after a job (back-to-back batches find it awake), then sleeps in
 * `Atomics.wait`.
 *
 * Claims carry the job's sequence number (high bits of the counter), so a worker that wakes late
 * can never take a chunk of a newer job with the descriptor of an older one.
 *
 * Under tsx (tests, benchmarks) the worker starts from a bootstrap that registers tsx.
 */
import { isMainThread, workerData, receiveMessageOnPort, MessageChannel, type MessagePort, type Worker } from "node:worker_threads";
import { startModuleWorker } from "./worker-start.js";
import { createWorkspace, engineReady, eq4DriveParams, type Workspace } from "../network/dynamics.js";
import { createEngine32, type BatchEngine } from "../network/engine.js";
import { createGradients, type Model, type Gradients } from "../network/model.js";
import { Eq4Curve } from "../device/analytic.js";
import { inRange, integer } from "../util/check.js";
import { ComputationError } from "../util/errors.js";
import { CHUNK_SIZE, chunkPlan, chunkStart, computeChunk, writeSlot, slotWidth, setChunkExecutor, chunkExecutor, type ChunkExecutor, type ChunkPlan } from "../train/chunks.js";

// Control words (Int32Array over a SharedArrayBuffer).
const SEQ = 0, DONE = 1, NEXT = 2, GEN = 3, EXIT = 4, VERSION = 5, NB = 8, COUNT = 10, ERROR = 12, READY = 13, FLOAT32 = 14, DEAD = 15;
/** Chunks computed by thread t (this thread t = 0) since the executor started, at CHUNKS_BY_THREAD + t. */
const CHUNKS_BY_THREAD = 16;
const CTRL_WORDS = 16 + 64;
/** A claim is (job tag << TAG_SHIFT) | chunk index. */
const TAG_SHIFT = 20;
const TAG_MASK = 0x7ff;
/** Default of {@link ParallelTrainingOptions.spinMs}. */
export const DEFAULT_SPIN_MS = 1;
/** Per-oscillator device parameters in the shared parameter block: a, b, Ic, Q, P0. */
const DEV = 5;

/** The shared buffers of one network shape and batch capacity (posted to each worker once). */
interface Buffers {
  k: number;
  steps: number;
  classes: number;
  ldx: number;
  /** [scale, A, B, W, c, device parameters]. */
  theta: Float64Array;
  X: Float64Array;
  y: Int32Array;
  slots: Float64Array;
}

interface BufferMessage {
  k: number;
  steps: number;
  classes: number;
  ldx: number;
  theta: SharedArrayBuffer;
  X: SharedArrayBuffer;
  y: SharedArrayBuffer;
  slots: SharedArrayBuffer;
}

interface WorkerInit {
  kind: "dynaspin-chunks";
  ctrl: SharedArrayBuffer;
  port: MessagePort;
  thread: number;
  spinMs: number;
}

function tagOf(seq: number): number {
  return seq & TAG_MASK;
}

function viewBuffers(m: BufferMessage): Buffers {
  return { k: m.k, steps: m.steps, classes: m.classes, ldx: m.ldx, theta: new Float64Array(m.theta), X: new Float64Array(m.X), y: new Int32Array(m.y), slots: new Float64Array(m.slots) };
}

/** A thread's view of the current job: a model over the shared parameters and its own workspace. */
class ChunkThread {
  private model: Model | null = null;
  private ws: Workspace | null = null;
  private grads: Gradients | null = null;
  /** The slot parts of the TypeScript path (grads' arrays). */
  private parts: Float64Array[] = [];
  private readonly out = { loss: 0, correct: 0 };
  private devParams = new Float64Array(0);
  /** The float32 engine, made when a float32 job first comes. */
  private engine32: BatchEngine | null = null;
  /** The engine holding the input of version `inputVersion` (null: none). */
  private loaded: BatchEngine | null = null;
  private inputVersion = -1;

  /** Points the model at the shared parameters of `buf` (after a new buffer generation). */
  bind(buf: Buffers): void {
    const { k, steps, classes, theta } = buf;
    let o = 1;
    const take = (n: number): Float64Array => theta.subarray(o, (o += n));
    const A = take(steps * k * k), B = take(steps * k), W = take(classes * k), c = take(classes);
    const same = this.model !== null && this.model.k === k && this.model.steps === steps && this.model.classes === classes && this.ws?.engine?.ldx === buf.ldx;
    this.model = { k, steps, classes, devices: this.model?.devices ?? [], A, B, W, c, normalization: null };
    if (!same) {
      this.ws = createWorkspace(k, steps, classes, Math.min(CHUNK_SIZE, buf.ldx), { engine: true, batchCapacity: buf.ldx });
      const g = createGradients(this.model);
      this.grads = g;
      this.parts = [g.A, g.B, g.W, g.c];
      this.devParams = new Float64Array(0);
      this.engine32 = null;
    }
    this.loaded = null;
  }

  /** Rebuilds the devices when their parameters in theta changed. */
  private syncDevices(buf: Buffers): void {
    const m = this.model as Model;
    const at = 1 + m.steps * m.k * m.k + m.steps * m.k + m.classes * m.k + m.classes;
    const cur = buf.theta.subarray(at, at + DEV * m.k);
    let same = this.devParams.length === cur.length;
    for (let e = 0; same && e < cur.length; e++) same = Object.is(this.devParams[e], cur[e]);
    if (same) return;
    this.devParams = cur.slice();
    const devices: Eq4Curve[] = [];
    for (let i = 0; i < m.k; i++) {
      const p = cur.subarray(DEV * i, DEV * i + DEV);
      const prev = devices[i - 1];
      // Oscillators sharing one curve share one object here too (cheaper, same results).
      if (prev && prev.a === p[0] && prev.b === p[1] && prev.Ic === p[2] && prev.Q === p[3] && prev.P0 === p[4]) devices.push(prev);
      else devices.push(new Eq4Curve({ a: p[0], b: p[1], Ic: p[2], Q: p[3], P0: p[4] }));
    }
    m.devices = devices;
  }

  /**
   * Claims and computes chunks of job `seq` until none is left (or a newer job started).
   * @returns the number of chunks computed.
   */
  work(ctrl: Int32Array, buf: Buffers, seq: number, thread: number): number {
    const tag = tagOf(seq);
    const plan: ChunkPlan = { nb: ctrl[NB], count: ctrl[COUNT] };
    const count = plan.count, version = ctrl[VERSION];
    const scale = buf.theta[0];
    const f32 = ctrl[FLOAT32] !== 0;
    let done = 0;
    let ready = false;
    // The engine computing this job's chunks (float64: the workspace's, when it can run the model;
    // float32: always), or null for the TypeScript path; and its slot parts.
    let e: BatchEngine | null = null;
    let eParts: Float64Array[] = [];
    for (;;) {
      const v = Atomics.load(ctrl, NEXT);
      if (v >>> TAG_SHIFT !== tag) break;
      const q = v & ((1 << TAG_SHIFT) - 1);
      if (q >= count) break;
      if (Atomics.compareExchange(ctrl, NEXT, v, v + 1) !== v) continue;
      // Fault injection for the reliability tests: a worker thread that exits holding a chunk.
      if (thread > 0 && process.env.DYNASPIN_FAULT === "chunk-worker-exit") process.exit(7);
      try {
        const m = this.model as Model, ws = this.ws as Workspace;
        if (!ready) {
          // First chunk of this job on this thread: devices, parameters and (when new) the input.
          this.syncDevices(buf);
          if (f32) {
            this.engine32 ??= createEngine32(m.k, m.steps, m.classes, Math.min(CHUNK_SIZE, buf.ldx), buf.ldx);
            e = this.engine32;
            if (e === null || !eq4DriveParams(m, e.par)) throw new Error("float32 engine unavailable");
          } else {
            e = ws.engine !== null && engineReady(m, ws) ? ws.engine : null;
          }
          if (e !== null) {
            e.setParams(m.A, m.B, m.W, m.c);
            if (this.loaded !== e || this.inputVersion !== version) {
              e.X.set(buf.X);
              e.y.set(buf.y.subarray(0, e.y.length));
              this.loaded = e;
              this.inputVersion = version;
            }
            eParts = [e.g];
          }
          ready = true;
        }
        const lo = chunkStart(plan, q), len = chunkStart(plan, q + 1) - lo;
        if (e !== null) {
          e.chunk(lo, len, scale);
          writeSlot(buf.slots, q, eParts, e.out[0], e.out[1]);
        } else {
          const g = this.grads as Gradients;
          g.A.fill(0);
          g.B.fill(0);
          g.W.fill(0);
          g.c.fill(0);
          computeChunk(m, ws, buf.X, buf.ldx, buf.y, lo, len, scale, g, this.out, done > 0);
          writeSlot(buf.slots, q, this.parts, this.out.loss, this.out.correct);
        }
      } catch {
        Atomics.store(ctrl, ERROR, 1);
      }
      done++;
      Atomics.add(ctrl, CHUNKS_BY_THREAD + thread, 1);
      Atomics.add(ctrl, DONE, 1);
    }
    return done;
  }
}

if (!isMainThread && (workerData as WorkerInit | undefined)?.kind === "dynaspin-chunks") {
  const init = workerData as WorkerInit;
  const ctrl = new Int32Array(init.ctrl);
  const thread = new ChunkThread();
  let buf: Buffers | null = null;
  let gen = 0;
  let seen = Atomics.load(ctrl, SEQ);
  // However this thread ends (process.exit, an uncaught error), the main thread can see it without
  // its event loop: it may be spinning on DONE for a chunk this thread claimed.
  process.on("exit", () => {
    if (!Atomics.load(ctrl, EXIT)) Atomics.add(ctrl, DEAD, 1);
  });
  Atomics.add(ctrl, READY, 1);
  for (;;) {
    // Poll briefly for the next job, then sleep until one is announced.
    const t0 = performance.now();
    while (Atomics.load(ctrl, SEQ) === seen && performance.now() - t0 < init.spinMs);
    Atomics.wait(ctrl, SEQ, seen);
    seen = Atomics.load(ctrl, SEQ);
    if (Atomics.load(ctrl, EXIT)) break;
    if (Atomics.load(ctrl, GEN) !== gen) {
      for (let msg = receiveMessageOnPort(init.port); msg; msg = receiveMessageOnPort(init.port)) {
        const m = msg.message as BufferMessage & { gen: number };
        buf = viewBuffers(m);
        gen = m.gen;
        thread.bind(buf);
      }
    }
    if (buf !== null && gen === Atomics.load(ctrl, GEN)) thread.work(ctrl, buf, seen, init.thread);
  }
}

/** The running executor's shared control block and workers. */
interface Pool {
  ctrl: Int32Array;
  workers: Worker[];
  ports: MessagePort[];
  /** Workers that exited (ready waits for the others only). */
  exited: number;
}

let pool: Pool | null = null;

/** Options of {@link startParallelTraining}. */
export interface ParallelTrainingOptions {
  /**
   * How long (ms) a worker keeps polling for the next batch after finishing one before it sleeps
   * in `Atomics.wait` (as OpenMP runtimes spin before blocking): consecutive batches then find it
   * awake, while waking a sleeping thread takes 10–40 µs here (measured), a large share of a
   * small batch. 0 sleeps at once. @default 1
   */
  spinMs?: number;
}

/**
 * Trains on `threads` threads (this one included) until the returned function is called: batches
 * of more than CHUNK_SIZE samples of networks of eq. 4 devices have their chunks computed in
 * parallel (other batches run on this thread as before). Results are bit-identical for any
 * number of threads. `threads` ≤ 1 changes nothing. Workers load in the background; until one is
 * ready this thread computes its chunks. Await {@link parallelTrainingReady} to start timing
 * with every thread in place.
 * @example const stop = startParallelTraining(2); try { train(...) } finally { stop(); }
 */
export function startParallelTraining(threads: number, options: ParallelTrainingOptions = {}): () => void {
  const spinMs = inRange(options.spinMs ?? DEFAULT_SPIN_MS, 0, 60_000, "spinMs");
  integer(threads, 0, 64, "threads");
  if (threads <= 1) return () => undefined;
  if (pool !== null) throw new Error("startParallelTraining: already running (stop the running one first)");
  const ctrl = new Int32Array(new SharedArrayBuffer(CTRL_WORDS * 4));
  const workers: Worker[] = [];
  const ports: MessagePort[] = [];
  const nWorkers = Math.min(threads, CTRL_WORDS - CHUNKS_BY_THREAD) - 1;
  for (let t = 1; t <= nWorkers; t++) {
    const ch = new MessageChannel();
    ports.push(ch.port1);
    const w = startModuleWorker(import.meta.url, { workerData: { kind: "dynaspin-chunks", ctrl: ctrl.buffer as SharedArrayBuffer, port: ch.port2, thread: t, spinMs } satisfies WorkerInit, transferList: [ch.port2] });
    w.unref();
    // A worker that dies before it claims a chunk only leaves its share to the other threads (a
    // failure inside a chunk is caught there and reported through ERROR).
    w.on("error", () => undefined);
    w.on("exit", () => void me.exited++);
    workers.push(w);
  }
  const me: Pool = { ctrl, workers, ports, exited: 0 };
  pool = me;

  const local = new ChunkThread();
  let buf: Buffers | null = null;
  let gen = 0;
  let lastOwner: object | null = null;
  let lastVersion = -1;

  /** Makes the shared buffers fit the shape and batch capacity (no batch has more chunks than chunkPlan(ldx)); new ones are posted to every worker. */
  const reserve = (k: number, steps: number, classes: number, ldx: number): Buffers => {
    const width = slotWidth(k, steps, classes);
    const nTheta = 1 + width - 2 + DEV * k;
    if (buf !== null && buf.k === k && buf.steps === steps && buf.classes === classes && buf.ldx === ldx) return buf;
    const sab = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(Math.max(8, bytes));
    const msg: BufferMessage & { gen: number } = {
      k, steps, classes, ldx, gen: ++gen,
      theta: sab(nTheta * 8), X: sab(k * ldx * 8), y: sab(ldx * 4), slots: sab(chunkPlan(ldx).count * width * 8),
    };
    for (const port of ports) port.postMessage(msg);
    buf = viewBuffers(msg);
    local.bind(buf);
    lastOwner = null;
    Atomics.store(ctrl, GEN, gen);
    return buf;
  };

  const executor: ChunkExecutor = {
    threads,
    run(owner, version, model, X, ldx, y, plan: ChunkPlan, scale, precision = "float64") {
      const { k, steps, classes } = model;
      const b = reserve(k, steps, classes, ldx);
      if (owner !== lastOwner || version !== lastVersion) {
        // A new input: X and the labels go to the shared buffers once; each thread copies them
        // into its engine when it first meets this input version.
        b.X.set(X.subarray(0, k * ldx));
        b.y.set(y.subarray(0, ldx));
        lastOwner = owner;
        lastVersion = version;
        ctrl[VERSION] = (ctrl[VERSION] + 1) | 0;
      }
      const th = b.theta;
      th[0] = scale;
      let o = 1;
      for (const a of [model.A, model.B, model.W, model.c]) {
        th.set(a, o);
        o += a.length;
      }
      for (let i = 0; i < k; i++, o += DEV) {
        const d = model.devices[i] as Eq4Curve;
        th[o] = d.a;
        th[o + 1] = d.b;
        th[o + 2] = d.Ic;
        th[o + 3] = d.Q;
        th[o + 4] = d.P0;
      }
      ctrl[NB] = plan.nb;
      ctrl[COUNT] = plan.count;
      ctrl[FLOAT32] = precision === "float32" ? 1 : 0;
      Atomics.store(ctrl, ERROR, 0);
      Atomics.store(ctrl, DONE, 0);
      const seq = (Atomics.load(ctrl, SEQ) + 1) | 0;
      // The claim counter carries the new job's tag before the job is announced.
      Atomics.store(ctrl, NEXT, tagOf(seq) << TAG_SHIFT);
      Atomics.store(ctrl, SEQ, seq);
      Atomics.notify(ctrl, SEQ);
      local.work(ctrl, b, seq, 0);
      // Chunks still in a worker's hands: at most one each, so wait briefly — unless a worker
      // died holding one (it counts itself in DEAD as it exits), which would leave DONE short forever.
      for (let d = Atomics.load(ctrl, DONE), t = performance.now(); d < plan.count; d = Atomics.load(ctrl, DONE)) {
        if (Atomics.load(ctrl, DEAD) === 0) continue;
        if (d !== Atomics.load(ctrl, DONE)) continue;
        if (performance.now() - t > 200) {
          stop();
          throw new ComputationError(`data-parallel training: a worker thread exited while computing a chunk (${plan.count - d} of ${plan.count} chunks unfinished); train with --workers 1, or rerun`);
        }
      }
      if (Atomics.load(ctrl, ERROR)) throw new ComputationError("data-parallel training: a worker thread failed to compute its chunk (train on one thread to see its error)");
      return b.slots;
    },
  };
  setChunkExecutor(executor);
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    if (chunkExecutor() === executor) setChunkExecutor(null);
    Atomics.store(ctrl, EXIT, 1);
    Atomics.add(ctrl, SEQ, 1);
    Atomics.notify(ctrl, SEQ);
    for (const w of workers) void w.terminate();
    for (const port of ports) port.close();
    if (pool === me) pool = null;
  };
  return stop;
}

/** Resolves once every worker of the running {@link startParallelTraining} has loaded (at once when none runs). */
export async function parallelTrainingReady(): Promise<void> {
  const p = pool;
  if (p === null) return;
  while (Atomics.load(p.ctrl, READY) + p.exited < p.workers.length && pool === p) await new Promise((r) => setTimeout(r, 5));
}

/** Chunks computed by each thread (index 0 = this thread) since the running executor started; [] when none runs. */
export function parallelTrainingChunks(): number[] {
  const p = pool;
  if (p === null) return [];
  const counts: number[] = [];
  for (let t = 0; t <= p.workers.length; t++) counts.push(Atomics.load(p.ctrl, CHUNKS_BY_THREAD + t));
  return counts;
}
