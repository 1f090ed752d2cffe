/**
 * The native float32 (mixed-precision) training engine (C++ through Node-API, `native/engine32.cc`,
 * built with the native engine): `--precision float32` on 16 float32 lanes with AVX-512 (8 with
 * AVX2, 4 with SSE2), chosen at run time, with its own threads for large matrices. Node only; the
 * WebAssembly float32 engine (`createEngine32`, four lanes) runs elsewhere.
 *
 * The same mixed precision as the WebAssembly float32 engine (parameters rounded to float32 once per
 * batch, inputs per chunk; float32 forward pass, eq. 4, softmax and adjoint; float64 gradients,
 * chunk sums, loss and optimiser), but each gradient entry's sum over a chunk runs in 16 float32
 * partial sums (samples b ≡ l mod 16) added in float64 in a fixed tree, on every instruction set.
 * So its bits differ from the WebAssembly float32 engine's by float32 rounding, and do not depend on
 * the instruction set or the number of threads (docs/engines.md; tested against the float64
 * reference within the float32 engine's documented tolerance in test/network/engine32.test.ts).
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { BatchEngine, EngineFactory } from "../network/engine.js";
import { nativeCall, nativeFactory, nativeStatus, type EngineChoice, type NativeIsa } from "./native-engine.js";
import { ComputationError, InputError } from "../util/errors.js";

interface Engine32Addon {
  e32Create(k: number, steps: number, classes: number, cap: number, ldx: number, threads: number, isa: string): [object, ArrayBuffer, number[]];
  e32Prepare(h: object): void;
  e32Chunk(h: object, lo: number, len: number, scale: number): void;
  e32Batch(h: object, nb: number, count: number, scale: number): void;
}

const ADDON = fileURLToPath(new URL("../../build/Release/dynaspin_native.node", import.meta.url));

/** The addon when it is built, current and has the float32 engine, else the reason. */
function engine32Addon(): { addon: Engine32Addon } | { reason: string } {
  const st = nativeStatus();
  if (!st.available) return { reason: st.reason };
  const addon = createRequire(import.meta.url)(ADDON) as Partial<Engine32Addon>;
  if (typeof addon.e32Create !== "function") return { reason: "stale build without the float32 engine; run `npm run build:native`" };
  return { addon: addon as Engine32Addon };
}

/**
 * The native float32 engine's factory with `threads` threads per engine (results are identical for
 * any count), or null when the addon is not available. `isa` forces an instruction set (tests).
 */
export function native32Factory(threads = 1, isa: NativeIsa = "auto"): EngineFactory | null {
  const a = engine32Addon();
  const st = nativeStatus();
  if (!("addon" in a) || !st.available) return null;
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) throw new RangeError(`native engine threads must be an integer in 1..256, got ${threads}`);
  const kernels = isa === "auto" ? st.kernels : isa;
  const lanes = 2 * ({ avx512: 8, avx2: 4, sse2: 2 }[kernels] ?? st.width);
  const addon = a.addon;
  return {
    kind: "native",
    precision: "float32",
    label: `native (${kernels}, ${lanes} float32 lanes, ${threads} thread${threads === 1 ? "" : "s"})`,
    create: (k, steps, classes, cap, ldx) => createNative32(addon, k, steps, classes, cap, ldx, threads, isa),
    // Evaluation stays float64 (as with the WebAssembly float32 engine): the native float64 engine's inference.
    createInference: (k, steps, classes, cap, ldx) => nativeFactory(threads, isa)?.createInference?.(k, steps, classes, cap, ldx) ?? null,
  };
}

function createNative32(addon: Engine32Addon, k: number, steps: number, classes: number, cap: number, ldx: number, threads: number, isa: NativeIsa): BatchEngine | null {
  let made: [object, ArrayBuffer, number[]];
  try {
    made = nativeCall(() => addon.e32Create(k, steps, classes, cap, Math.max(1, ldx), threads, isa));
  } catch (e) {
    // A failed start of its threads is a failure, not "not available".
    if (e instanceof ComputationError) throw e;
    return null;
  }
  const [h, buf, off] = made;
  const nG = steps * k * k + steps * k + classes * k + classes;
  const f64 = (r: number, n: number): Float64Array => new Float64Array(buf, off[r] * 8, n);
  const A = f64(0, steps * k * k), B = f64(1, steps * k), W = f64(2, classes * k), c = f64(3, classes);
  return {
    kind: "native", precision: "float32", k, steps, classes, cap, ldx,
    A, B, W, c, par: f64(4, 8 * k), X: f64(5, k * ldx), y: new Int32Array(buf, off[6] * 8, ldx),
    g: f64(7, nG), total: f64(8, nG + 2), out: f64(9, 2),
    setParams: (a, b, w, cc) => {
      A.set(a.subarray(0, A.length));
      B.set(b.subarray(0, B.length));
      W.set(w.subarray(0, W.length));
      c.set(cc.subarray(0, c.length));
      addon.e32Prepare(h);
    },
    chunk: (lo, len, scale) => nativeCall(() => addon.e32Chunk(h, lo, len, scale)),
    batch: (nb, count, scale) => nativeCall(() => addon.e32Batch(h, nb, count, scale)),
  };
}

/**
 * The float32 training engine for an `--engine` choice, resolved once: "auto" = native when built,
 * else null (the WebAssembly float32 engine); "native" insists (InputError naming the reason);
 * "wasm" = null.
 */
export function engine32ForChoice(choice: EngineChoice, threads: number): EngineFactory | null {
  if (choice === "wasm") return null;
  const f = native32Factory(threads);
  if (f === null && choice === "native") {
    const a = engine32Addon();
    throw new InputError(`--engine native: the native float32 engine is ${"reason" in a ? a.reason : "unavailable"}; use --engine auto or wasm`);
  }
  return f;
}
