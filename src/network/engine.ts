/**
 * The in-place network engine: a {@link Workspace} whose buffers live in the memory of a
 * WebAssembly SIMD instance (`wasm/engine.as`), so that the forward pass, the softmax
 * cross-entropy and the discrete adjoint of a network of eq. 4 devices each run as one call
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
import { lazyWasmModule, instantiateWasm, ensureWasmMemory, WASM_BASE as BASE } from "../kernels/wasm-module.js";

interface EngineExports {
  memory: WebAssembly.Memory;
  forward(k: number, steps: number, classes: number, nb: number, cap: number, A: number, B: number, W: number, C: number, par: number, P0: number, ld0: number, P: number, U: number, D: number, L: number, withD: number): void;
  softmax(classes: number, nb: number, cap: number, L: number, y: number, scale: number, out: number): void;
  backward(k: number, steps: number, classes: number, nb: number, cap: number, A: number, W: number, par: number, P0: number, ld0: number, P: number, U: number, D: number, G: number, lam: number, lam2: number, gU: number, gA: number, gB: number, gW: number, gC: number, XT: number): void;
  layout(k: number, steps: number, classes: number, cap: number, ldx: number, A: number, B: number, W: number, C: number, par: number, X: number, Y: number, P: number, U: number, D: number, L: number, lam: number, lam2: number, gU: number, XT: number, gA: number, out: number, tA: number, tOut: number): void;
  chunk(lo: number, len: number, scale: number): void;
  batch(nb: number, count: number, scale: number): void;
}

const engineModule = lazyWasmModule(ENGINE_WASM_BASE64);

/** Byte offsets of the engine's regions and float64/int32 views on them. */
export interface Engine {
  ex: EngineExports;
  k: number;
  steps: number;
  classes: number;
  cap: number;
  /** Capacity of the batch input X (0 when the engine was made without one). */
  ldx: number;
  /** Parameter copies: A, B, W, c and the device scalars (8 per oscillator). */
  A: Float64Array;
  B: Float64Array;
  W: Float64Array;
  c: Float64Array;
  par: Float64Array;
  /** Gradient accumulators (copied in and out around `backward`; one chunk's gradients for `chunk`): views of `g`. */
  gA: Float64Array;
  gB: Float64Array;
  gW: Float64Array;
  gc: Float64Array;
  /** gA, gB, gW, gc back to back. */
  g: Float64Array;
  /** A batch's gradients (from `batch`), laid out as `g`, then its loss and correct count. */
  total: Float64Array;
  /** Labels of the batch (int32) and the softmax's [loss, correct]. */
  y: Int32Array;
  out: Float64Array;
  /** The batch input: p(0) of up to ldx samples, oscillator-major with row stride ldx. */
  X: Float64Array;
  /** Byte offsets, by region name. */
  at: Record<"A" | "B" | "W" | "c" | "par" | "g" | "total" | "P" | "U" | "D" | "I" | "L" | "lam" | "lam2" | "gU" | "XT" | "y" | "out" | "X", number>;
  /** The float64 view over the whole region block (workspace views are subarrays of it). */
  f64: Float64Array;
}

/**
 * An engine for a workspace of the given shape, or null where WebAssembly SIMD is unavailable or
 * the memory cannot be reserved. The caller builds the workspace's views from `f64` and `at`.
 * `ldx` > 0 adds a batch input X of that many samples (and labels) for {@link engineBatch}.
 */
export function createEngine(k: number, steps: number, classes: number, cap: number, ldx = 0): Engine | null {
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
    ["X", k * ldx],
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
    return {
      ex, k, steps, classes, cap, ldx, at, f64,
      A: view("A", steps * k * k), B: view("B", steps * k), W: view("W", classes * k), c: view("c", classes), par: view("par", 8 * k),
      gA: view("g", gA), gB: view("g", gB, gA), gW: view("g", gW, gA + gB), gc: view("g", classes, gA + gB + gW), g: view("g", nG),
      total: view("total", nG + 2),
      y: new Int32Array(buf, at.y, Math.max(cap, ldx)), out: view("out", 2), X: view("X", k * ldx),
    };
  } catch {
    return null;
  }
}

/**
 * Copies the model's A, B, W, c into the engine (the device parameters are written by the
 * caller, see `dynamics.ts`).
 */
export function engineSetParams(en: Engine, A: Float64Array, B: Float64Array, W: Float64Array, c: Float64Array): void {
  en.A.set(A.subarray(0, en.A.length));
  en.B.set(B.subarray(0, en.B.length));
  en.W.set(W.subarray(0, en.W.length));
  en.c.set(c.subarray(0, en.c.length));
}
