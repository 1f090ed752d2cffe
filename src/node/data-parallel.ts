/**
 * Both cores for training: data-parallel minibatches. A {@link ChunkExecutor} (src/train/chunks.ts)
 * that computes the chunks of a batch on this thread and `threads − 1` worker threads, through the
 * worker layer's shared-memory executor (`./workers/shared.ts`: chunks are its units, claimed by
 * whichever thread is free). Training adds the chunks' result slots in a fixed order, so the bits
 * do not depend on the number of threads, nor on which thread computed which chunk.
 *
 * Shared memory: the parameters (A, B, W, c and each oscillator's eq. 4 parameters a, b, Ic, Q,
 * P0), the batch input and labels, and one result slot per chunk; the job descriptor (chunk plan,
 * input version, precision) is in the executor's words.
 */
import { startSharedExecutor, serveShared, SHARED_MAX_THREADS, type SharedExecutor, type SharedHandler } from "./workers/shared.js";
import { createWorkspace, engineReady, eq4DriveParams, type Workspace } from "../network/dynamics.js";
import { createEngine32, type BatchEngine } from "../network/engine.js";
import { createGradients, type Model, type Gradients } from "../network/model.js";
import { Eq4Curve } from "../device/analytic.js";
import { inRange, integer } from "../util/check.js";
import { CHUNK_SIZE, chunkPlan, chunkStart, computeChunk, writeSlot, slotWidth, setChunkExecutor, chunkExecutor, type ChunkExecutor, type ChunkPlan } from "../train/chunks.js";

// Job descriptor words (the executor's words).
const NB = 0, COUNT = 1, VERSION = 2, FLOAT32 = 3;
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

  /** Prepares this thread for the current job (devices, parameters, input) and returns the chunk computation. */
  job(words: Int32Array, buf: Buffers): (q: number) => void {
    const plan: ChunkPlan = { nb: words[NB], count: words[COUNT] };
    const version = words[VERSION];
    const scale = buf.theta[0];
    const m = this.model as Model, ws = this.ws as Workspace;
    this.syncDevices(buf);
    // The engine computing this job's chunks (float64: the workspace's, when it can run the model;
    // float32: always), or null for the TypeScript path.
    let e: BatchEngine | null;
    if (words[FLOAT32] !== 0) {
      this.engine32 ??= createEngine32(m.k, m.steps, m.classes, Math.min(CHUNK_SIZE, buf.ldx), buf.ldx);
      e = this.engine32;
      if (e === null || !eq4DriveParams(m, e.par)) throw new Error("float32 engine unavailable");
    } else {
      e = ws.engine !== null && engineReady(m, ws) ? ws.engine : null;
    }
    if (e !== null) {
      const engine = e;
      engine.setParams(m.A, m.B, m.W, m.c);
      if (this.loaded !== engine || this.inputVersion !== version) {
        engine.X.set(buf.X);
        engine.y.set(buf.y.subarray(0, engine.y.length));
        this.loaded = engine;
        this.inputVersion = version;
      }
      const parts = [engine.g];
      return (q) => {
        const lo = chunkStart(plan, q), len = chunkStart(plan, q + 1) - lo;
        engine.chunk(lo, len, scale);
        writeSlot(buf.slots, q, parts, engine.out[0], engine.out[1]);
      };
    }
    const g = this.grads as Gradients;
    let first = true;
    return (q) => {
      const lo = chunkStart(plan, q), len = chunkStart(plan, q + 1) - lo;
      g.A.fill(0);
      g.B.fill(0);
      g.W.fill(0);
      g.c.fill(0);
      computeChunk(m, ws, buf.X, buf.ldx, buf.y, lo, len, scale, g, this.out, !first);
      first = false;
      writeSlot(buf.slots, q, this.parts, this.out.loss, this.out.correct);
    };
  }
}

serveShared("chunk", (_init: null, words) => {
  const thread = new ChunkThread();
  let buf: Buffers | null = null;
  return {
    message(m) {
      buf = viewBuffers(m as BufferMessage);
      thread.bind(buf);
    },
    job: () => thread.job(words, buf as Buffers),
  };
});

let running: SharedExecutor | null = null;

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
  if (running !== null) throw new Error("startParallelTraining: already running (stop the running one first)");
  const ex = startSharedExecutor({
    kind: "chunk", module: import.meta.url, threads: Math.min(threads, SHARED_MAX_THREADS), init: null, spinMs, waitSpinMs: Infinity,
    label: "data-parallel training", unit: "chunk", hint: "train with --workers 1, or rerun",
  });
  running = ex;
  const words = ex.words;
  const local = new ChunkThread();
  let buf: Buffers | null = null;
  let lastOwner: object | null = null;
  let lastVersion = -1;

  /** Makes the shared buffers fit the shape and batch capacity (no batch has more chunks than chunkPlan(ldx)); new ones go to every worker. */
  const reserve = (k: number, steps: number, classes: number, ldx: number): Buffers => {
    const width = slotWidth(k, steps, classes);
    const nTheta = 1 + width - 2 + DEV * k;
    if (buf !== null && buf.k === k && buf.steps === steps && buf.classes === classes && buf.ldx === ldx) return buf;
    const sab = (bytes: number): SharedArrayBuffer => new SharedArrayBuffer(Math.max(8, bytes));
    const msg: BufferMessage = {
      k, steps, classes, ldx,
      theta: sab(nTheta * 8), X: sab(k * ldx * 8), y: sab(ldx * 4), slots: sab(chunkPlan(ldx).count * width * 8),
    };
    ex.broadcast(msg);
    buf = viewBuffers(msg);
    local.bind(buf);
    lastOwner = null;
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
        words[VERSION] = (words[VERSION] + 1) | 0;
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
      words[NB] = plan.nb;
      words[COUNT] = plan.count;
      words[FLOAT32] = precision === "float32" ? 1 : 0;
      try {
        ex.run(plan.count, { job: () => local.job(words, b) });
      } catch (e) {
        stop();
        throw e;
      }
      return b.slots;
    },
  };
  setChunkExecutor(executor);
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    if (chunkExecutor() === executor) setChunkExecutor(null);
    ex.stop();
    if (running === ex) running = null;
  };
  return stop;
}

/** Resolves once every worker of the running {@link startParallelTraining} has loaded (at once when none runs). */
export async function parallelTrainingReady(): Promise<void> {
  await running?.ready();
}

/** Chunks computed by each thread (index 0 = this thread) since the running executor started; [] when none runs. */
export function parallelTrainingChunks(): number[] {
  return running?.counts() ?? [];
}
