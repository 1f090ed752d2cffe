/**
 * The in-place network engine: a {@link Workspace} whose buffers live in the memory of a
 * WebAssembly SIMD instance (`wasm/engine.as`), so that the forward pass, the softmax
 * cross-entropy and the discrete adjoint of a network of eq. 4 (and table) devices each run as one call
 * without copying the batch between JavaScript and WebAssembly. Only the parameters (A, B, W, c
 * and the device scalars) are copied in per call and the gradients in and out.
 *
 * Same bits as the TypeScript path of `dynamics.ts` (same matrix kernels, same eq. 4, exp and log,
 * same summation orders; tested), so using it changes speed only. `dynamics.ts` takes this path by
 * itself when the workspace has an engine, every device is an `Eq4Curve`, the matrix kernels are
 * the single-threaded ones and no input gradient is asked for.
 *
 * With a batch input (`createWorkspace(…, { engine: true, batchCapacity })`), `chunk` runs one
 * chunk of a batch (src/train/chunks.ts) reading p(0) straight from the batch input `X`, and
 * `batch` runs every chunk of a batch and adds their gradients in chunk order — one call per batch.
 *
 * Each engine is its own WebAssembly instance with its own memory, sized once for the workspace
 * (the memory never grows afterwards, so the views stay valid). Pure: only the standard
 * `WebAssembly` global.
 */
import { ENGINE_WASM_BASE64 } from "./wasm/engine-wasm.js";
import { ENGINE32_WASM_BASE64 } from "./wasm/engine32-wasm.js";
import { lazyWasmModule, instantiateWasm, ensureWasmMemory, wasmUnavailable, WASM_BASE as BASE } from "../kernels/wasm-module.js";
import type { Normalization } from "../data/dataset.js";

interface EngineExports {
  memory: WebAssembly.Memory;
  forward(k: number, steps: number, classes: number, nb: number, cap: number, A: number, B: number, W: number, C: number, par: number, P0: number, ld0: number, P: number, U: number, D: number, L: number, withD: number): void;
  tables(desc: number, data: number): void;
  softmax(classes: number, nb: number, cap: number, L: number, y: number, scale: number, out: number): void;
  backward(k: number, steps: number, classes: number, nb: number, cap: number, A: number, W: number, par: number, P0: number, ld0: number, P: number, U: number, D: number, G: number, lam: number, lam2: number, gU: number, gA: number, gB: number, gW: number, gC: number, XT: number): void;
  layout(k: number, steps: number, classes: number, cap: number, ldx: number, A: number, B: number, W: number, C: number, par: number, X: number, Y: number, P: number, U: number, D: number, L: number, lam: number, lam2: number, gU: number, XT: number, gA: number, out: number, tA: number, tOut: number): void;
  chunk(lo: number, len: number, scale: number): void;
  batch(nb: number, count: number, scale: number): void;
}

const engineModule = lazyWasmModule(ENGINE_WASM_BASE64);
const engine32Module = lazyWasmModule(ENGINE32_WASM_BASE64);

/**
 * Arithmetic of training's per-sample work: "float64" (the default: the same bits as the
 * TypeScript path) or "float32" (mixed precision, `createEngine32`, src/network/engine.ts).
 */
export type Precision = "float64" | "float32";

/** The precisions, for validation. */
export const PRECISIONS: readonly Precision[] = ["float64", "float32"];

/**
 * The engines that run a training batch, one specification (the TypeScript reference of
 * `dynamics.ts`: eq. 4, the step, the softmax cross-entropy, the adjoint) and one interface
 * ({@link BatchEngine}):
 * - `"reference"`: the TypeScript loops of `dynamics.ts` (every device model; the specification);
 * - `"wasm64"`: the float64 WebAssembly SIMD engine (`wasm/engine.as`; two lanes, no FMA); the
 *   same bits as the reference;
 * - `"wasm32"`: the float32 mixed-precision WebAssembly engine (`wasm/engine32.as`);
 * - `"native"`: the C++ engine built by node-gyp (`native/`; AVX-512 or AVX2 chosen at run time,
 *   no FMA, its own threads for large matrices; Node only, see `src/node/native-engine.ts`); the
 *   same bits as the reference for any instruction set and thread count.
 */
export type EngineKind = "reference" | "wasm64" | "wasm32" | "native";

/**
 * Makes {@link BatchEngine}s of one kind: chosen once (by the caller: the CLI from `--engine`, the
 * library from `TrainOptions.engine`) and passed in explicitly; nothing in the numeric core
 * decides it from hidden state.
 */
export interface EngineFactory {
  readonly kind: EngineKind;
  /** Arithmetic of its engines. */
  readonly precision: Precision;
  /** What runs, for reports: e.g. "native (avx512, 8 float64 lanes, 2 threads)". */
  readonly label: string;
  /**
   * An engine for chunks of up to `cap` samples of a batch input of `ldx` samples of a network
   * with k oscillators, `steps` steps and `classes` classes (eq. 4 devices, and table devices where
   * {@link EngineFactory.tables}), or null when this runtime cannot make one.
   */
  create(k: number, steps: number, classes: number, cap: number, ldx: number): BatchEngine | null;
  /**
   * Its engines compute table devices (`"model": "table"`) as well as eq. 4 ones
   * ({@link EngineBase.setTables}). @default false (eq. 4 only)
   */
  readonly tables?: boolean;
  /** An {@link InferenceEngine} of the same kind (chunks of up to `cap`, input of `ldx` samples), when this kind has one. */
  createInference?(k: number, steps: number, classes: number, cap: number, ldx: number): InferenceEngine | null;
}

/**
 * The TypeScript reference as an {@link EngineFactory}: a training run given it computes its
 * batches with the plain loops of `dynamics.ts` (the specification; every device model) instead of
 * the WebAssembly engine. It makes no {@link BatchEngine} (`create` returns null): the run's own
 * workspace is the engine. float64 only. The matrix products use the kernels of
 * `setKernelBackend` (WebAssembly or TypeScript: the same bits).
 */
export function referenceFactory(): EngineFactory {
  return { kind: "reference", precision: "float64", label: "reference (TypeScript)", create: () => null };
}

/** The float64 WebAssembly engine as an {@link EngineFactory} (null without WebAssembly SIMD). */
export function wasm64Factory(): EngineFactory | null {
  if (engineModule() === null) return null;
  return { kind: "wasm64", precision: "float64", label: "wasm64 (WebAssembly SIMD, 2 float64 lanes)", create: (k, steps, classes, cap, ldx) => createEngine(k, steps, classes, cap, ldx) };
}

/** The float32 WebAssembly engine as an {@link EngineFactory} (null without WebAssembly SIMD). */
export function wasm32Factory(): EngineFactory | null {
  if (engine32Module() === null) return null;
  return { kind: "wasm32", precision: "float32", label: "wasm32 (WebAssembly SIMD, 4 float32 lanes)", create: createEngine32 };
}

/**
 * What every engine holds, in one place: the network's shape, its chunk and batch capacities, the
 * device parameters, the batch input and labels, the last call's loss and correct count, and the
 * copy-in of the parameters. {@link InferenceEngine} and {@link BatchEngine} add what inference and
 * training need.
 */
export interface EngineBase {
  /** Which engine this is (see {@link EngineKind}). */
  readonly kind?: EngineKind;
  k: number;
  steps: number;
  classes: number;
  /** Samples per chunk. */
  cap: number;
  /** Capacity of the batch input X. */
  ldx: number;
  /** Device kernel parameters, 8 per oscillator (`Eq4Curve.writeKernelParams`; `eq4DriveParams` in dynamics.ts). */
  par: Float64Array;
  /** The batch input: p(0) of up to ldx samples, oscillator-major with row stride ldx. */
  X: Float64Array;
  /** Batch labels (int32). */
  y: Int32Array;
  /** [summed loss, correct count] of the last chunk or evaluation. */
  out: Float64Array;
  /** Copies A, B, W, c in (write `par` first); the float32 engine rounds them all to float32 here. */
  setParams(A: Float64Array, B: Float64Array, W: Float64Array, c: Float64Array): void;
  /**
   * Present on the engines that compute table devices (the native float64 engine; the float64
   * WebAssembly engine when it was made with room for tables): copies the oscillators' tables in
   * ({@link KernelTables}, written by `writeEngineDevices` in dynamics.ts), or, given null, forgets
   * them (every device is eq. 4, read from `par`). Write `par` too: a table oscillator's polarity is
   * its eighth value. Returns false (holding no tables) when they do not fit in the room reserved.
   */
  setTables?(tables: KernelTables | null): boolean;
}

/**
 * The table devices of a network as the fast engines read them: `desc` holds
 * `TABLE_DESC` = 3 numbers per oscillator (offset into `data`, node count n, 1 for linear
 * extrapolation else 0; n = 0 for an oscillator that is not a table), `data` the tables in
 * `TableCurve.writeKernelTable`'s layout (node currents, powers, tangents: 3n numbers each).
 */
export interface KernelTables {
  /** 3 numbers per oscillator: offset into `data`, node count (0: not a table), linear (1) or clamp (0). */
  desc: Float64Array;
  /** The tables, each its node currents, powers and PCHIP tangents back to back. */
  data: Float64Array;
}

/**
 * What inference needs of an engine (the native engine provides it): evaluate samples
 * [lo, lo + len) of its input X (len ≤ cap) with labels y: forward pass without derivative and the
 * softmax cross-entropy — summed loss and correct count into `out`, predicted classes (first
 * largest logit) into `pred` — with the same bits as `dynamics.ts` (`forward`,
 * `softmaxCrossEntropy`, `argmaxColumn`).
 */
export interface InferenceEngine extends EngineBase {
  /** Predicted class of each evaluated sample (after {@link InferenceEngine.evaluate}). */
  pred: Int32Array;
  evaluate(lo: number, len: number): void;
  /**
   * Samples [lo, lo + len) of X (len ≤ ldx) in one call, with the bits of one
   * {@link InferenceEngine.evaluate} call per chunk of `chunk` samples from lo (chunk ≤ cap):
   * `out[0]` = loss0 + the chunks' summed losses, added in chunk order; `out[1]` = the correct
   * count; `pred` as evaluate writes it. The native engine's work is shared out over its threads.
   * Optional: without it, callers evaluate chunk by chunk.
   */
  evaluateAll?(lo: number, len: number, chunk: number, loss0: number): void;
  /**
   * The readout logits z = W·p(n) + c of samples [lo, lo + len) of X (len ≤ ldx) in one call,
   * without labels or softmax, into `dst` sample-major: `dst[b·classes + c]` is class c of sample
   * lo + b (dst holds at least len·classes values). The forward pass of {@link InferenceEngine.evaluateAll}
   * (shared out over the native engine's threads); the bits of `dynamics.ts`' `forward` and
   * `readout` for any thread count and instruction set. Optional: without it, callers run
   * `forward` chunk by chunk (`predictLogits` in api.ts).
   */
  logitsAll?(lo: number, len: number, dst: Float64Array): void;
  /**
   * p(0) of samples [0, nb) of X from raw inputs, as `gatherColumns` (src/network/dynamics.ts)
   * writes it without a feature map: sample b is row `rows[start + b]` (or `start + b`) of `x`
   * (c values per row); oscillator j < d gets feature j, normalised by `norm` when given
   * ((v − min_j)/(max_j − min_j), 0 when that span is not positive); oscillators d..k−1 get `fill`.
   * Optional: without it, callers gather in TypeScript.
   */
  loadInputs?(x: Float64Array, c: number, d: number, rows: Int32Array | null, start: number, nb: number, norm: Normalization | null, fill: number): void;
}

/**
 * What chunked training needs of an engine (src/train/chunks.ts, src/node/data-parallel.ts); both
 * the float64 {@link Engine} and the float32 engine provide it. Parameters, batch input, labels
 * and gradients are float64 views in the engine's memory.
 */
export interface BatchEngine extends EngineBase {
  readonly precision: Precision;
  A: Float64Array;
  B: Float64Array;
  W: Float64Array;
  c: Float64Array;
  /** One chunk's gradients ∂A, ∂B, ∂W, ∂c back to back (after {@link BatchEngine.chunk}). */
  g: Float64Array;
  /** A batch's gradients (after {@link BatchEngine.batch}), laid out as `g`, then its loss and correct count. */
  total: Float64Array;
  /** Chunk [lo, lo + len) of the batch input: forward, softmax cross-entropy scaled by `scale`, adjoint into `g` (zeroed first). */
  chunk(lo: number, len: number, scale: number): void;
  /** All `count` chunks of a batch of nb samples and their sum in src/train/chunks.ts' order, into `total`. */
  batch(nb: number, count: number, scale: number): void;
  /** The optimiser's update on this engine's kernels and threads, when it has one (see {@link AdamKernel}). */
  adam?: AdamKernel;
  /**
   * Training with the parameters and Adam's moments kept in this engine between batches, when it
   * can ({@link ResidentTraining}; the native engine). Made on first call (it allocates the
   * moments), the same object afterwards.
   */
  resident?(): ResidentTraining;
}

/**
 * Whole training steps inside an engine: the parameters (the engine's `A`, `B`, `W`, `c`) and
 * Adam's first and second moments stay in the engine's memory across batches, so a step copies
 * nothing in or out; the caller copies them back only when it needs them (`store`: end of an
 * epoch, a checkpoint, validation). A step is the batch gradient exactly as {@link BatchEngine.batch}
 * computes it followed by the update of src/train/adam.ts (`Adam.engineStep` writes its constants),
 * so training gives the same bits as `batch` followed by `Adam.step`.
 */
export interface ResidentTraining {
  /**
   * Copies the parameters (A, B, W, c) and Adam's moments (m, v per array, in the same order) into
   * the engine; an empty list leaves that part of the engine as it is.
   */
  load(params: readonly Float64Array[], m: readonly Float64Array[], v: readonly Float64Array[]): void;
  /** Copies the engine's parameters and moments back into the given arrays (an empty list: that part is not copied). */
  store(params: readonly Float64Array[], m: readonly Float64Array[], v: readonly Float64Array[]): void;
  /**
   * One step on the batch in X/y (nb samples in `count` chunks of src/train/chunks.ts, softmax
   * scaled by `scale`): the gradient, its loss and correct count into `total[nG]` and
   * `total[nG + 1]`, then — when the loss is finite — Adam with the constants `hyper` (see
   * `Adam.engineStep`). Returns 0, 1 when the loss is not finite (nothing was updated) or 2 when an
   * updated parameter is not finite. Write the devices' parameters (`par`) first.
   */
  step(nb: number, count: number, scale: number, hyper: Float64Array): 0 | 1 | 2;
}

/**
 * One Adam update of one parameter array, element by element exactly as src/train/adam.ts does it
 * (so the same bits): `hyper` = (a, c1, c2, β1, β2, ε, shrink, L1 threshold a·λ₁ or 0). Returns
 * false when an updated parameter is not finite.
 */
export type AdamKernel = (p: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, hyper: Float64Array) => boolean;

/**
 * The float64 engine: a {@link BatchEngine} (`ldx` is 0 when it was made without a batch input)
 * whose regions also back a workspace, with byte offsets and float64/int32 views on them.
 */
export interface Engine extends BatchEngine {
  readonly precision: "float64";
  ex: EngineExports;
  /** Gradient accumulators (copied in and out around `backward`; one chunk's gradients for `chunk`): views of `g`. */
  gA: Float64Array;
  gB: Float64Array;
  gW: Float64Array;
  gc: Float64Array;
  /** Byte offsets, by region name. */
  at: Record<"A" | "B" | "W" | "c" | "par" | "g" | "total" | "P" | "U" | "D" | "I" | "L" | "lam" | "lam2" | "gU" | "XT" | "y" | "out" | "X" | "tab", number>;
  /** The float64 view over the whole region block (workspace views are subarrays of it). */
  f64: Float64Array;
}

/**
 * An engine for a workspace of the given shape, or null where WebAssembly SIMD is unavailable or
 * the memory cannot be reserved. The caller builds the workspace's views from `f64` and `at`.
 * `ldx` > 0 adds a batch input X of that many samples (and labels) for {@link engineBatch}.
 * `tables` > 0 reserves room for table devices of that many packed numbers (`tableKernelSize` in
 * dynamics.ts) and gives the engine {@link EngineBase.setTables}: the memory never grows after
 * creation, so the room is sized once, for the model's devices.
 */
export function createEngine(k: number, steps: number, classes: number, cap: number, ldx = 0, tables = 0): Engine | null {
  const mod = engineModule();
  if (mod === null) return null;
  const kc = k * cap;
  const nG = steps * k * k + steps * k + classes * k + classes;
  // Region sizes in float64 (each padded by 2 so a spare SIMD lane never crosses into the next
  // region, and rounded to even for 16-byte alignment of the region starts).
  const sizes: [keyof Engine["at"], number][] = [
    ["A", steps * k * k], ["B", steps * k], ["W", classes * k], ["c", classes], ["par", 8 * k],
    ["g", nG], ["total", nG + 2],
    ["P", (steps + 1) * kc], ["U", steps * kc], ["D", steps * kc], ["I", kc], ["L", classes * cap],
    ["lam", kc], ["lam2", kc], ["gU", kc], ["XT", cap * Math.max(k, classes)], ["y", Math.ceil(Math.max(cap, ldx) / 2)], ["out", 2],
    ["X", k * ldx], ["tab", tables > 0 ? 3 * k + tables : 0],
  ];
  const at = {} as Engine["at"];
  let off = 0;
  for (const [name, n] of sizes) {
    at[name] = BASE + off * 8;
    off += n + 2 + ((n + 2) & 1);
  }
  try {
    const ex = instantiateWasm<EngineExports>(mod);
    ensureWasmMemory(ex.memory, BASE + off * 8);
    const buf = ex.memory.buffer;
    const f64 = new Float64Array(buf, BASE, off);
    const view = (name: keyof Engine["at"], n: number, from = 0): Float64Array => f64.subarray((at[name] - BASE) / 8 + from, (at[name] - BASE) / 8 + from + n);
    const gA = steps * k * k, gB = steps * k, gW = classes * k;
    ex.layout(k, steps, classes, cap, ldx, at.A, at.B, at.W, at.c, at.par, at.X, at.y, at.P, at.U, at.D, at.L, at.lam, at.lam2, at.gU, at.XT, at.g, at.out, at.total, at.total + nG * 8);
    const A = view("A", steps * k * k), B = view("B", steps * k), W = view("W", classes * k), c = view("c", classes);
    // The tables the engine holds (the packed object last given: `writeEngineDevices` gives the same
    // object for the same devices), copied into the "tab" region: descriptors, then the tables.
    let held: KernelTables | null = null;
    const tab = view("tab", tables > 0 ? 3 * k + tables : 0);
    const setTables = (t: KernelTables | null): boolean => {
      if (t === held) return true;
      held = null;
      ex.tables(0, 0);
      if (t === null) return true;
      if (t.desc.length !== 3 * k || t.data.length > tables) return false;
      tab.set(t.desc, 0);
      tab.set(t.data, 3 * k);
      ex.tables(at.tab, at.tab + 3 * k * 8);
      held = t;
      return true;
    };
    return {
      precision: "float64", ex, k, steps, classes, cap, ldx, at, f64,
      ...(tables > 0 ? { setTables } : {}),
      A, B, W, c, par: view("par", 8 * k),
      gA: view("g", gA), gB: view("g", gB, gA), gW: view("g", gW, gA + gB), gc: view("g", classes, gA + gB + gW), g: view("g", nG),
      total: view("total", nG + 2),
      y: new Int32Array(buf, at.y, Math.max(cap, ldx)), out: view("out", 2), X: view("X", k * ldx),
      setParams: (a, b, w, cc) => copyParams(A, B, W, c, a, b, w, cc),
      chunk: (lo, len, scale) => ex.chunk(lo, len, scale),
      batch: (nb, count, scale) => ex.batch(nb, count, scale),
    };
  } catch (e) {
    if (!wasmUnavailable(e)) throw e;
    return null;
  }
}

/**
 * Copies the model's A, B, W, c into the engine (the device parameters are written by the
 * caller, see `dynamics.ts`).
 */
export function engineSetParams(en: Engine, A: Float64Array, B: Float64Array, W: Float64Array, c: Float64Array): void {
  copyParams(en.A, en.B, en.W, en.c, A, B, W, c);
}

function copyParams(dA: Float64Array, dB: Float64Array, dW: Float64Array, dc: Float64Array, A: Float64Array, B: Float64Array, W: Float64Array, c: Float64Array): void {
  dA.set(A.subarray(0, dA.length));
  dB.set(B.subarray(0, dB.length));
  dW.set(W.subarray(0, dW.length));
  dc.set(c.subarray(0, dc.length));
}

interface Engine32Exports {
  memory: WebAssembly.Memory;
  layout(k: number, steps: number, classes: number, cap: number, ldx: number, A: number, B: number, W: number, C: number, par: number, X: number, Y: number, gA: number, out: number, tA: number, tOut: number, F: number, P: number, U: number, D: number, L: number, lam: number, lam2: number, gU: number): void;
  prepare(): void;
  chunk(lo: number, len: number, scale: number): void;
  batch(nb: number, count: number, scale: number): void;
}

/**
 * A float32 training engine (`wasm/engine32.as`) for chunks of up to `cap` samples of a batch
 * input of `ldx` samples, or null where WebAssembly SIMD is unavailable. Mixed precision: the
 * parameters are rounded to float32 once per batch (`setParams`), each chunk's inputs when it
 * runs; forward pass, eq. 4 and its derivative, softmax and adjoint run in float32 on four
 * samples per SIMD vector; each gradient entry is summed over the chunk in four float32 lanes
 * added in float64, and chunks, losses and the optimiser stay float64. Results differ from
 * float64 by float32 rounding (gradients ≈ 1e-6 relative on the paper's tasks, see
 * test/network/engine32.test.ts) and do not depend on the number of threads. Devices: eq. 4 only.
 */
export function createEngine32(k: number, steps: number, classes: number, cap: number, ldx: number): BatchEngine | null {
  const mod = engine32Module();
  if (mod === null) return null;
  const cap4 = Math.ceil(cap / 4) * 4;
  const nG = steps * k * k + steps * k + classes * k + classes;
  const nF = nG + 8 * k;
  // Sizes in bytes; every region 16-byte aligned with 16 spare bytes (a chunk's label vector
  // may read up to three labels past the batch).
  const sizes: [string, number][] = [
    ["A", 8 * steps * k * k], ["B", 8 * steps * k], ["W", 8 * classes * k], ["c", 8 * classes], ["par", 64 * k],
    ["X", 8 * k * ldx], ["y", 4 * ldx], ["g", 8 * nG], ["out", 16], ["total", 8 * (nG + 2)],
    ["F", 4 * nF], ["P", 4 * (steps + 1) * k * cap4], ["U", 4 * steps * k * cap4], ["D", 4 * steps * k * cap4],
    ["L", 4 * classes * cap4], ["lam", 4 * k * cap4], ["lam2", 4 * k * cap4], ["gU", 4 * k * cap4],
  ];
  const at: Record<string, number> = {};
  let off = BASE;
  for (const [name, n] of sizes) {
    at[name] = off;
    off += Math.ceil((n + 16) / 16) * 16;
  }
  try {
    const ex = instantiateWasm<Engine32Exports>(mod);
    ensureWasmMemory(ex.memory, off);
    const buf = ex.memory.buffer;
    const f64 = (name: string, n: number): Float64Array => new Float64Array(buf, at[name], n);
    ex.layout(k, steps, classes, cap4, ldx, at.A, at.B, at.W, at.c, at.par, at.X, at.y, at.g, at.out, at.total, at.total + 8 * nG, at.F, at.P, at.U, at.D, at.L, at.lam, at.lam2, at.gU);
    const A = f64("A", steps * k * k), B = f64("B", steps * k), W = f64("W", classes * k), c = f64("c", classes);
    return {
      precision: "float32", k, steps, classes, cap: cap4, ldx,
      A, B, W, c, par: f64("par", 8 * k), g: f64("g", nG), total: f64("total", nG + 2), out: f64("out", 2),
      y: new Int32Array(buf, at.y, ldx), X: f64("X", k * ldx),
      setParams: (a, b, w, cc) => {
        copyParams(A, B, W, c, a, b, w, cc);
        ex.prepare();
      },
      chunk: (lo, len, scale) => ex.chunk(lo, len, scale),
      batch: (nb, count, scale) => ex.batch(nb, count, scale),
    };
  } catch (e) {
    if (!wasmUnavailable(e)) throw e;
    return null;
  }
}
