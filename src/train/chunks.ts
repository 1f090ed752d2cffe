/**
 * Chunked minibatches: how training splits a minibatch into chunks of at most {@link CHUNK_SIZE}
 * samples, and the fixed order in which the chunks' gradients are added. This order is part of
 * the definition of a training step, so that the chunks can run on any number of threads (see
 * `src/node/data-parallel.ts`) and give the same bits as one thread:
 *
 *   chunks q = 0..Q−1 cover samples [⌊q·nb/Q⌋, ⌊(q+1)·nb/Q⌋) of the batch (sizes differ by at
 *   most one), with Q = ⌈nb / CHUNK_SIZE⌉ rounded up to an even number when it is above 1;
 *   chunk q's gradient g_q starts from zero and sums over its samples as `dynamics.ts` does;
 *   the batch gradient is ((g_0 + g_1) + g_2) + … and the batch loss ((ℓ_0 + ℓ_1) + ℓ_2) + …
 *
 * A batch of at most CHUNK_SIZE samples is one chunk, computed exactly as before chunking existed.
 * Training with hardware effects (`TrainOptions.hardware`: read noise drawn per batch, quantisers)
 * runs each batch whole, on this thread.
 * Each chunk's softmax is scaled by 1/nb (the whole batch), so the sum is the batch mean's gradient.
 *
 * A {@link ChunkExecutor} (registered by `startParallelTraining` in `src/node/data-parallel.ts`)
 * computes the chunks of a batch on several threads and hands back one result slot per chunk;
 * training adds the slots in the order above. Pure: no Node or browser API here.
 */
import { createGradients, type Model, type Gradients } from "../network/model.js";
import { forward, softmaxCrossEntropy, squaredError, backward, engineReady, writeEngineDevices, type Workspace } from "../network/dynamics.js";
import type { BatchEngine, Precision, ResidentTraining } from "../network/engine.js";
import type { Adam, ScaleRun } from "./adam.js";
import { Eq4Curve } from "../device/analytic.js";

/** Largest number of samples in one chunk of a minibatch. @default 128 */
export const CHUNK_SIZE = 128;

/** How a batch of nb samples splits into chunks (see {@link chunkStart}). */
export interface ChunkPlan {
  /** Samples in the batch. */
  nb: number;
  /** Number of chunks. */
  count: number;
}

/**
 * The chunks of a batch of `nb` samples (nb ≥ 1): count = ⌈nb/CHUNK_SIZE⌉, plus one when that is
 * odd and above 1 (an even count splits evenly over two threads).
 * @example chunkPlan(800) // { nb: 800, count: 8 }: eight chunks of 100
 */
export function chunkPlan(nb: number): ChunkPlan {
  const count = Math.max(1, Math.ceil(nb / CHUNK_SIZE));
  return { nb, count: count > 1 ? count + (count & 1) : 1 };
}

/** First sample of chunk q (q = count gives nb): ⌊q·nb/count⌋. */
export function chunkStart(plan: ChunkPlan, q: number): number {
  return Math.floor((q * plan.nb) / plan.count);
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
 * (lets the in-place engine skip copying them). `targets`: a regression model's standardised
 * targets in batch order (row b's m outputs at `targets[b·m + o]`, m = model.classes); the loss is
 * then the squared error (`squaredError`) and `y` is not read.
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
  targets: Float64Array | null = null,
): void {
  const k = model.k, cap = ws.capacity, p0 = ws.P[0];
  for (let j = 0; j < k; j++) {
    const src = j * ldx + lo, dst = j * cap;
    for (let b = 0; b < len; b++) p0[dst + b] = X[src + b];
  }
  forward(model, ws, len, true, paramsLoaded);
  if (targets !== null) squaredError(ws, model.classes, len, targets, lo, scale, out);
  else softmaxCrossEntropy(ws, model.classes, len, y, lo, scale, out);
  backward(model, ws, len, grads);
}

/**
 * Writes a chunk's gradients — `parts` back to back (∂A, ∂B, ∂W, ∂c, as separate arrays or one
 * contiguous one) — then its loss and correct count into slot q of `slots` (width {@link slotWidth}).
 */
export function writeSlot(slots: Float64Array, q: number, parts: readonly Float64Array[], loss: number, correct: number): void {
  let n = 0;
  for (const a of parts) n += a.length;
  let o = q * (n + 2);
  for (const a of parts) {
    slots.set(a, o);
    o += a.length;
  }
  slots[o] = loss;
  slots[o + 1] = correct;
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

/** Scratch of {@link batchGradients}: one chunk's gradients and the chunks' result slots. */
export interface ChunkScratch {
  grads: Gradients;
  /** grads' four arrays, in slot order. */
  parts: readonly Float64Array[];
  slots: Float64Array;
}

/** Scratch for batches of up to `maxBatch` samples of this model's shape. */
export function createChunkScratch(model: Model, maxBatch: number): ChunkScratch {
  const grads = createGradients(model);
  return { grads, parts: [grads.A, grads.B, grads.W, grads.c], slots: new Float64Array(chunkPlan(Math.max(1, maxBatch)).count * slotWidth(model.k, model.steps, model.classes)) };
}

/**
 * The gradient of a batch on this thread, in the chunk order above: samples 0..nb−1 of the batch
 * input X (oscillator-major, row stride ldx) with labels y; the softmax is scaled by 1/nb, so
 * `grads` (overwritten) receives ∂(mean loss)/∂(A, B, W, c) and `out` the summed loss and the
 * number of correct predictions. When X and y are the workspace engine's own batch input
 * (`Engine.X`, `Engine.y`) and the engine can run the model, the whole batch is one WebAssembly
 * call; otherwise chunk by chunk through `dynamics.ts` (same bits). With `targets` (a regression
 * model's standardised targets in batch order, see {@link computeChunk}) always chunk by chunk:
 * the engines' fused batch call is softmax only.
 */
export function batchGradients(
  model: Model,
  ws: Workspace,
  X: Float64Array,
  ldx: number,
  y: Int32Array,
  nb: number,
  grads: Gradients,
  out: { loss: number; correct: number },
  scratch: ChunkScratch,
  targets: Float64Array | null = null,
): void {
  const plan = chunkPlan(nb);
  const scale = 1 / nb;
  const en = ws.engine;
  if (targets === null && en !== null && X === en.X && y === en.y && ldx === en.ldx && engineReady(model, ws)) {
    engineBatchGradients(model, en, nb, grads, out);
    return;
  }
  const cg = plan.count === 1 ? grads : scratch.grads;
  const parts = scratch.parts;
  const width = slotWidth(model.k, model.steps, model.classes);
  if (scratch.slots.length < plan.count * width) scratch.slots = new Float64Array(plan.count * width);
  for (let q = 0; q < plan.count; q++) {
    cg.A.fill(0);
    cg.B.fill(0);
    cg.W.fill(0);
    cg.c.fill(0);
    const lo = chunkStart(plan, q);
    computeChunk(model, ws, X, ldx, y, lo, chunkStart(plan, q + 1) - lo, scale, cg, out, q > 0, targets);
    if (plan.count > 1) writeSlot(scratch.slots, q, parts, out.loss, out.correct);
  }
  if (plan.count > 1) reduceSlots(scratch.slots, plan.count, grads, out);
}

/**
 * The gradient of the batch held in an engine's own batch input (`en.X`, labels `en.y`), in one
 * WebAssembly call, in the chunk order above: `grads` (overwritten) receives ∂(mean loss) of the
 * first nb samples and `out` their summed loss and correct count. Writes the devices' parameters
 * into the engine first.
 * @returns false (computing nothing) when a device has no kernel in this engine (eq. 4 everywhere;
 *   tables on engines with `setTables`).
 */
export function engineBatchGradients(model: Model, en: BatchEngine, nb: number, grads: Gradients, out: { loss: number; correct: number }): boolean {
  if (!writeEngineDevices(model, en)) return false;
  en.setParams(model.A, model.B, model.W, model.c);
  en.batch(nb, chunkPlan(nb).count, 1 / nb);
  const t = en.total;
  let o = 0;
  for (const a of [grads.A, grads.B, grads.W, grads.c]) {
    a.set(t.subarray(o, o + a.length));
    o += a.length;
  }
  out.loss = t[o];
  out.correct = t[o + 1];
  return true;
}

/**
 * One training step on an engine that keeps the parameters and Adam's moments between batches
 * ({@link ResidentTraining}, loaded by the caller): writes the devices' parameters, then the batch
 * gradient of the first nb samples of `en.X` in the chunk order above and Adam's update with
 * `adam`'s step t+1 constants (`Adam.engineStep`; learning-rate scales as `runs`), all in one
 * call; `out` receives the summed loss and correct count. The same bits as
 * {@link engineBatchGradients} followed by `Adam.step`.
 * @returns 0; 1 when the loss is not finite (nothing updated, the step not counted); 2 when an
 *   updated parameter is not finite.
 */
export function engineTrainStep(model: Model, en: BatchEngine, res: ResidentTraining, nb: number, adam: Adam, runs: readonly ScaleRun[], lr: number, decay: number[] | undefined, l1: number[] | undefined, out: { loss: number; correct: number }): 0 | 1 | 2 {
  if (!writeEngineDevices(model, en)) throw new TypeError("engineTrainStep: a device has no kernel in this engine (writeEngineDevices)");
  const count = chunkPlan(nb).count;
  const status = adam.engineStep(runs, lr, decay, l1, (h) => res.step(nb, count, 1 / nb, h));
  const t = en.total, o = t.length - 2;
  out.loss = t[o];
  out.correct = t[o + 1];
  return status;
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
   * Computes the `plan.count` chunks of the batch held in X[j·ldx + b] (b < plan.nb) with labels y,
   * the parameters and devices of `model` (every device an `Eq4Curve`), softmax scale `scale`, in
   * `precision` ("float32": each chunk as the float32 engine's `chunk`, see `createEngine32`).
   * `owner` and `version` identify X's contents: the executor may keep its copy of an input whose
   * owner and version it has seen last.
   * @returns the slots (width {@link slotWidth}), valid until the next call.
   */
  run(owner: object, version: number, model: Model, X: Float64Array, ldx: number, y: Int32Array, plan: ChunkPlan, scale: number, precision?: Precision): Float64Array;
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
