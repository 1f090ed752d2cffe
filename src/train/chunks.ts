/**
 * Chunked minibatches: how training splits a minibatch into chunks of at most {@link CHUNK_SIZE}
 * samples, and the fixed order in which the chunks' gradients are added. This order is part of
 * the definition of a training step, so that the chunks can run on any number of threads (see
 * `src/node/data-parallel.ts`) and give the same bits as one thread:
 *
 *   chunks q = 0..Q−1 cover samples [q·s, min(nb, (q+1)·s)) of the batch, with
 *   Q = ⌈nb / CHUNK_SIZE⌉ and s = 4·⌈nb / (4Q)⌉ (near-equal sizes, multiples of 4);
 *   chunk q's gradient g_q starts from zero and sums over its samples as `dynamics.ts` does;
 *   the batch gradient is ((g_0 + g_1) + g_2) + … and the batch loss ((ℓ_0 + ℓ_1) + ℓ_2) + …
 *
 * A batch of at most CHUNK_SIZE samples is one chunk, computed exactly as before chunking existed.
 * Each chunk's softmax is scaled by 1/nb (the whole batch), so the sum is the batch mean's gradient.
 *
 * A {@link ChunkExecutor} (registered by `startParallelTraining` in `src/node/data-parallel.ts`)
 * computes the chunks of a batch on several threads and hands back one result slot per chunk;
 * training adds the slots in the order above. Pure: no Node or browser API here.
 */
import type { Model, Gradients } from "../network/model.js";
import { forward, softmaxCrossEntropy, backward, type Workspace } from "../network/dynamics.js";
import { Eq4Curve } from "../device/analytic.js";

/** Largest number of samples in one chunk of a minibatch. @default 128 */
export const CHUNK_SIZE = 128;

/** How a batch of nb samples splits into chunks: `count` chunks of `size` samples (the last may be shorter). */
export interface ChunkPlan {
  count: number;
  size: number;
}

/**
 * The chunks of a batch of `nb` samples (nb ≥ 1): count = ⌈nb/CHUNK_SIZE⌉, size = nb when count is
 * 1, else 4·⌈nb/(4·count)⌉.
 * @example chunkPlan(800) // { count: 7, size: 116 }: six chunks of 116 and one of 104
 */
export function chunkPlan(nb: number): ChunkPlan {
  let count = Math.max(1, Math.ceil(nb / CHUNK_SIZE));
  if (count === 1) return { count, size: nb };
  count += count & 1;
  const size = 4 * Math.ceil(nb / (4 * count));
  // With sizes rounded up to a multiple of 4 the last chunk could come out empty; never for
  // CHUNK_SIZE = 128 (count·size − nb < 4·count ≤ size), but keep the plan honest for any size.
  return { count: Math.ceil(nb / size), size };
}

/** Number of float64 values in one chunk's result slot: ∂A, ∂B, ∂W, ∂c, then the loss and the correct count. */
export function slotWidth(k: number, steps: number, classes: number): number {
  return steps * k * k + steps * k + classes * k + classes + 2;
}

/**
 * Computes one chunk: copies samples [lo, lo + len) of the batch input X (oscillator-major, row
 * stride ldx) into p(0) of `ws` (capacity ≥ len), runs the forward pass, the softmax cross-entropy
 * scaled by `scale` (labels y[lo..lo+len)) and the adjoint, and accumulates the chunk's gradients
 * into `grads` (the caller zeroes them). `out` receives the chunk's summed loss and correct count.
 * `paramsLoaded`: the model's parameters are unchanged since the last forward pass on `ws`
 * (lets the in-place engine skip copying them).
 */
export function computeChunk(
  model: Model,
  ws: Workspace,
  X: Float64Array,
  ldx: number,
  y: Int32Array,
  lo: number,
  len: number,
  scale: number,
  grads: Gradients,
  out: { loss: number; correct: number },
  paramsLoaded = false,
): void {
  const k = model.k, cap = ws.capacity, p0 = ws.P[0];
  for (let j = 0; j < k; j++) {
    const src = j * ldx + lo, dst = j * cap;
    for (let b = 0; b < len; b++) p0[dst + b] = X[src + b];
  }
  forward(model, ws, len, true, paramsLoaded);
  softmaxCrossEntropy(ws, model.classes, len, y, lo, scale, out);
  backward(model, ws, len, grads);
}

/** Writes a chunk's gradients, loss and correct count into slot q of `slots` (width {@link slotWidth}). */
export function writeSlot(slots: Float64Array, q: number, g: Gradients, out: { loss: number; correct: number }): void {
  let o = q * (g.A.length + g.B.length + g.W.length + g.c.length + 2);
  slots.set(g.A, o);
  slots.set(g.B, (o += g.A.length));
  slots.set(g.W, (o += g.B.length));
  slots.set(g.c, (o += g.W.length));
  o += g.c.length;
  slots[o] = out.loss;
  slots[o + 1] = out.correct;
}

/**
 * Adds the slots of chunks 0..count−1 in order: g = ((g_0 + g_1) + …) (g's previous contents are
 * overwritten), out.loss = ((ℓ_0 + ℓ_1) + …), out.correct = Σ correct.
 */
export function reduceSlots(slots: Float64Array, count: number, g: Gradients, out: { loss: number; correct: number }): void {
  const parts = [g.A, g.B, g.W, g.c];
  const width = g.A.length + g.B.length + g.W.length + g.c.length + 2;
  let o = 0;
  for (const a of parts) {
    for (let e = 0; e < a.length; e++) {
      let s = slots[o + e];
      for (let q = 1; q < count; q++) s += slots[q * width + o + e];
      a[e] = s;
    }
    o += a.length;
  }
  let loss = slots[o], correct = slots[o + 1];
  for (let q = 1; q < count; q++) {
    loss += slots[q * width + o];
    correct += slots[q * width + o + 1];
  }
  out.loss = loss;
  out.correct = correct;
}

/**
 * Computes the chunks of minibatches on several threads. `run` returns when every chunk's slot
 * is written; the caller adds them with {@link reduceSlots}. Implementations must give every slot
 * exactly the bits {@link computeChunk} gives on one thread.
 */
export interface ChunkExecutor {
  /** Threads computing chunks, the calling one included. */
  readonly threads: number;
  /**
   * Computes the `plan.count` chunks of the batch held in X[j·ldx + b] (b < nb) with labels y,
   * the parameters and devices of `model` (every device an `Eq4Curve`), softmax scale `scale`.
   * `owner` and `version` identify X's contents: the executor may keep its copy of an input whose
   * owner and version it has seen last.
   * @returns the slots (width {@link slotWidth}), valid until the next call.
   */
  run(owner: object, version: number, model: Model, X: Float64Array, ldx: number, y: Int32Array, nb: number, plan: ChunkPlan, scale: number): Float64Array;
}

let executor: ChunkExecutor | null = null;

/** Registers the executor that training uses for batches of several chunks (null: this thread only). */
export function setChunkExecutor(e: ChunkExecutor | null): void {
  executor = e;
}

/** The registered executor, or null. */
export function chunkExecutor(): ChunkExecutor | null {
  return executor;
}

/** True when a model's chunks can go to a {@link ChunkExecutor}: every device is an `Eq4Curve`. */
export function executorCanRun(model: Model): boolean {
  for (const d of model.devices) if (!(d instanceof Eq4Curve)) return false;
  return true;
}
