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
 * Each engine is its own WebAssembly instance with its own memory, sized once for the workspace
 * (the memory never grows afterwards, so the views stay valid). Pure: only the standard
 * `WebAssembly` global.
 */
import { ENGINE_WASM_BASE64 } from "./wasm/engine-wasm.js";
import { lazyWasmModule, instantiateWasm, ensureWasmMemory, WASM_BASE as BASE } from "../kernels/wasm-module.js";

interface EngineExports {
  memory: WebAssembly.Memory;
  forward(k: number, steps: number, classes: number, nb: number, cap: number, A: number, B: number, W: number, C: number, par: number, P: number, U: number, D: number, L: number, withD: number): void;
  softmax(classes: number, nb: number, cap: number, L: number, y: number, scale: number, out: number): void;
  backward(k: number, steps: number, classes: number, nb: number, cap: number, A: number, W: number, par: number, P: number, U: number, D: number, G: number, lam: number, lam2: number, gU: number, gA: number, gB: number, gW: number, gC: number, XT: number): void;
}

const engineModule = lazyWasmModule(ENGINE_WASM_BASE64);

/** Byte offsets of the engine's regions and float64/int32 views on them. */
export interface Engine {
  ex: EngineExports;
  k: number;
  steps: number;
  classes: number;
  cap: number;
  /** Parameter copies: A, B, W, c and the device scalars (8 per oscillator). */
  A: Float64Array;
  B: Float64Array;
  W: Float64Array;
  c: Float64Array;
  par: Float64Array;
  /** Gradient accumulators (copied in and out around `backward`). */
  gA: Float64Array;
  gB: Float64Array;
  gW: Float64Array;
  gc: Float64Array;
  /** Labels of the batch (int32) and the softmax's [loss, correct]. */
  y: Int32Array;
  out: Float64Array;
  /** Byte offsets, by region name. */
  at: Record<"A" | "B" | "W" | "c" | "par" | "gA" | "gB" | "gW" | "gc" | "P" | "U" | "D" | "I" | "L" | "lam" | "lam2" | "gU" | "XT" | "y" | "out", number>;
  /** The float64 view over the whole region block (workspace views are subarrays of it). */
  f64: Float64Array;
}

/**
 * An engine for a workspace of the given shape, or null where WebAssembly SIMD is unavailable or
 * the memory cannot be reserved. The caller builds the workspace's views from `f64` and `at`.
 */
export function createEngine(k: number, steps: number, classes: number, cap: number): Engine | null {
  const mod = engineModule();
  if (mod === null) return null;
  const kc = k * cap;
  // Region sizes in float64 (each padded by 2 so a spare SIMD lane never crosses into the next
  // region, and rounded to even for 16-byte alignment of the region starts).
  const sizes: [keyof Engine["at"], number][] = [
    ["A", steps * k * k], ["B", steps * k], ["W", classes * k], ["c", classes], ["par", 8 * k],
    ["gA", steps * k * k], ["gB", steps * k], ["gW", classes * k], ["gc", classes],
    ["P", (steps + 1) * kc], ["U", steps * kc], ["D", steps * kc], ["I", kc], ["L", classes * cap],
    ["lam", kc], ["lam2", kc], ["gU", kc], ["XT", cap * Math.max(k, classes)], ["y", Math.ceil(cap / 2)], ["out", 2],
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
    const view = (name: keyof Engine["at"], n: number): Float64Array => f64.subarray((at[name] - BASE) / 8, (at[name] - BASE) / 8 + n);
    return {
      ex, k, steps, classes, cap, at, f64,
      A: view("A", steps * k * k), B: view("B", steps * k), W: view("W", classes * k), c: view("c", classes), par: view("par", 8 * k),
      gA: view("gA", steps * k * k), gB: view("gB", steps * k), gW: view("gW", classes * k), gc: view("gc", classes),
      y: new Int32Array(buf, at.y, cap), out: view("out", 2),
    };
  } catch {
    return null;
  }
}
