/**
 * The native engine (C++ through Node-API, `native/`, built by node-gyp during `npm ci`): loading
 * it, and its {@link EngineFactory}. Node only; the browser keeps the WebAssembly engine.
 *
 * The addon computes a chunk or a whole batch of training (forward pass, eq. 4 and its derivative
 * with its own vector exp or a table device's PCHIP curve, softmax cross-entropy, adjoint, gradient sums in the chunk order of
 * src/train/chunks.ts) with AVX-512 (8 float64 lanes) or AVX2 (4) chosen at run time from the CPU,
 * and splits large matrix products by rows over its own threads. It gives the same bits as the
 * TypeScript reference and the WebAssembly engine for any instruction set and thread count: the
 * same operations in the same order, without fused multiply-add (docs/engines.md says why).
 *
 * When the addon was not built (no compiler, unsupported platform, `DYNASPIN_NATIVE=0` at install),
 * {@link nativeStatus} says why and callers fall back to WebAssembly.
 */
import { createRequire } from "node:module";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { BatchEngine, EngineFactory, InferenceEngine, ResidentTraining } from "../network/engine.js";
import { ComputationError, InputError } from "../util/errors.js";
import type { Normalization } from "../data/dataset.js";

interface Addon {
  info(): { kernels: string; width: number; hardwareThreads: number; api?: number };
  create(k: number, steps: number, classes: number, cap: number, ldx: number, threads: number, isa: string): [object, ArrayBuffer, number[]];
  chunk(h: object, lo: number, len: number, scale: number): void;
  batch(h: object, nb: number, count: number, scale: number): void;
  evaluate(h: object, lo: number, len: number): void;
  /** Absent from builds older than this file (then inference goes chunk by chunk). */
  evaluateAll?(h: object, lo: number, len: number, chunk: number, loss0: number): void;
  /** Absent from builds older than this file (then prediction runs on WebAssembly). */
  logitsAll?(h: object, lo: number, len: number, dst: Float64Array): void;
  load?(h: object, x: Float64Array, c: number, d: number, rows: Int32Array | null, start: number, nb: number, min: Float64Array | null, max: Float64Array | null, fill: number): void;
  product(h: object, which: number, nb: number, reps: number): number;
  peak(): { lanes: number; fma: number; mulAdd: number; ghz: number };
  adam(h: object, p: Float64Array, g: Float64Array, m: Float64Array, v: Float64Array, hyper: Float64Array): boolean;
  optimizer(h: object): ArrayBuffer;
  step(h: object, nb: number, count: number, scale: number, hyper: Float64Array): 0 | 1 | 2;
  written(h: object): void;
  tables(h: object, desc: Float64Array, data: Float64Array): void;
}

const ADDON = fileURLToPath(new URL("../../build/Release/dynaspin_native.node", import.meta.url));
const STATUS = fileURLToPath(new URL("../../build/native-status.json", import.meta.url));

/** The addon interface this file speaks (native/addon.cc `info().api`). */
const NATIVE_API = 6;

let loaded: { addon: Addon | null; reason: string } | null = null;

function load(): { addon: Addon | null; reason: string } {
  if (loaded) return loaded;
  if (!existsSync(ADDON)) {
    let reason = "not built";
    if (existsSync(STATUS)) {
      // The install script's record of why (scripts/build-native.mjs); without it the script did
      // not run (e.g. npm ci --ignore-scripts). An unreadable record is reported, not hidden.
      try {
        const st = JSON.parse(readFileSync(STATUS, "utf8")) as { reason?: string };
        if (st.reason) reason = `not built (${st.reason})`;
      } catch (e) {
        reason = `not built (its build record ${STATUS} is unreadable: ${(e as Error).message.split("\n")[0]})`;
      }
    }
    loaded = { addon: null, reason: `${reason}; run \`npm run build:native\`` };
    return loaded;
  }
  try {
    const addon = createRequire(import.meta.url)(ADDON) as Addon;
    const api = addon.info().api;
    loaded = api === NATIVE_API ? { addon, reason: "" } : { addon: null, reason: `stale build (interface ${api ?? 1}, this dynaspin needs ${NATIVE_API}); run \`npm run build:native\`` };
  } catch (e) {
    loaded = { addon: null, reason: `failed to load: ${(e as Error).message.split("\n")[0]}` };
  }
  return loaded;
}

/** Whether the native engine loaded here ({@link nativeStatus}): what it runs, or why it does not. */
export type NativeStatus =
  | {
      /** The addon is built, current and loaded: `train` with engine "auto" runs it. */
      available: true;
      /** The instruction set its kernels were chosen for at load time: "avx512", "avx2" or "sse2". */
      kernels: string;
      /** float64 lanes per vector of those kernels (8, 4 or 2). */
      width: number;
      /** Hardware threads of this machine, as the addon sees them. */
      hardwareThreads: number;
    }
  | {
      /** The addon is not available: training runs WebAssembly. */
      available: false;
      /** Why, with the way to fix it, e.g. "not built (…); run `npm run build:native`". */
      reason: string;
    };

/** Whether the native engine can run here, its kernels ("avx512", "avx2" or "sse2") and lanes, or why not. */
export function nativeStatus(): NativeStatus {
  const l = load();
  if (l.addon === null) return { available: false, reason: l.reason };
  const { kernels, width, hardwareThreads } = l.addon.info();
  return { available: true, kernels, width, hardwareThreads };
}

/** Instruction sets the native engine can be asked for: "auto" (the best this CPU has), or one of them (tests). */
export type NativeIsa = "auto" | "avx512" | "avx2" | "sse2";

/**
 * The native engine's factory with `threads` threads per engine (1 = this thread only; results are
 * identical for any count), or null when the addon is not available (see {@link nativeStatus}).
 * `isa` forces an instruction set (for tests; creation fails when the CPU lacks it).
 */
export function nativeFactory(threads = 1, isa: NativeIsa = "auto"): EngineFactory | null {
  const st = nativeStatus();
  const addon = load().addon;
  if (!st.available || addon === null) return null;
  if (!Number.isInteger(threads) || threads < 1 || threads > 256) throw new RangeError(`native engine threads must be an integer in 1..256, got ${threads}`);
  const kernels = isa === "auto" ? st.kernels : isa;
  const lanes = { avx512: 8, avx2: 4, sse2: 2 }[kernels] ?? st.width;
  return {
    kind: "native",
    precision: "float64",
    tables: true,
    label: `native (${kernels}, ${lanes} float64 lanes, ${threads} thread${threads === 1 ? "" : "s"})`,
    create: (k, steps, classes, cap, ldx) => createNative(addon, k, steps, classes, cap, ldx, threads, isa),
    createInference: (k, steps, classes, cap, ldx) => createNative(addon, k, steps, classes, cap, ldx, threads, isa),
  };
}

/**
 * A native {@link BatchEngine}, with `evaluate` for inference and {@link ResidentTraining}; null
 * when the CPU lacks the requested `isa` (the one documented refusal); any other failure (out of
 * memory, a shape the addon refuses) throws.
 */
export interface NativeEngine extends BatchEngine, InferenceEngine {
  readonly kind: "native";
  /**
   * CPU seconds of this thread for `reps` calls of one of the step's matrix products on nb columns
   * of X (0: u = A·p + B; 1: ∂A += g·pᵀ with its transpose; 2: λ = Aᵀ·g), for the benchmark.
   */
  product(which: 0 | 1 | 2, nb: number, reps: number): number;
}

/**
 * This core's float64 peak, measured (GFLOP/s): 12 independent chains of fused multiply–adds
 * (`fma`) and of separate multiplies and adds (`mulAdd`, what the engine issues) on `lanes`-wide
 * vectors, timed in thread CPU time, and the clock while busy (`ghz`, a chain of dependent integer
 * adds: one per cycle), so `fma / ghz` is float64 flops per cycle; null without the addon.
 */
export function nativePeak(): { lanes: number; fma: number; mulAdd: number; ghz: number } | null {
  return load().addon?.peak() ?? null;
}

/**
 * Runs an addon call; a failure inside the native engine (a thread of it failed, no memory: the
 * addon's Error with code DYNASPIN_NATIVE_FAILED) becomes a ComputationError (exit 1, one line)
 * that names the engine and the way around it.
 */
export function nativeCall<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if ((e as { code?: unknown }).code === "DYNASPIN_NATIVE_FAILED") {
      throw new ComputationError(`native engine: ${(e as Error).message}; rerun with --engine wasm to use the WebAssembly engine`);
    }
    throw e;
  }
}

function createNative(addon: Addon, k: number, steps: number, classes: number, cap: number, ldx: number, threads: number, isa: NativeIsa): NativeEngine | null {
  let made: [object, ArrayBuffer, number[]];
  try {
    made = nativeCall(() => addon.create(k, steps, classes, cap, Math.max(1, ldx), threads, isa));
  } catch (e) {
    // A failed start of its threads is a failure (ComputationError), not "not available".
    if ((e as { code?: string }).code === "ERR_DYNASPIN_NATIVE_ISA") return null;
    throw e;
  }
  const [h, buf, off] = made;
  const nG = steps * k * k + steps * k + classes * k + classes;
  const f64 = (r: number, n: number): Float64Array => new Float64Array(buf, off[r] * 8, n);
  const A = f64(0, steps * k * k), B = f64(1, steps * k), W = f64(2, classes * k), c = f64(3, classes);
  const params = [A, B, W, c];
  let resident: ResidentTraining | null = null;
  const makeResident = (): ResidentTraining => {
    // Adam's m then v in the gradient's layout (∂A, ∂B, ∂W, ∂c back to back).
    const mv = new Float64Array(addon.optimizer(h), 0, 2 * nG);
    const part = (base: number): Float64Array[] => {
      let o = base;
      return params.map((p) => mv.subarray(o, (o += p.length)));
    };
    const m = part(0), v = part(nG);
    // Called twice per epoch: no subarray (an allocation) when the lengths agree, as they do for
    // the model's arrays and Adam's moments. An empty list copies nothing (that part stays).
    const copy = (from: readonly Float64Array[], to: readonly Float64Array[]): void => {
      for (let q = 0, n = Math.min(from.length, to.length); q < n; q++) {
        const f = from[q], t = to[q];
        t.set(f.length === t.length ? f : f.subarray(0, t.length));
      }
    };
    return {
      load: (p, mm, vv) => {
        copy(p, params);
        addon.written(h);
        copy(mm, m);
        copy(vv, v);
      },
      store: (p, mm, vv) => {
        copy(params, p);
        copy(m, mm);
        copy(v, vv);
      },
      step: (nb, count, scale, hyper) => nativeCall(() => addon.step(h, nb, count, scale, hyper)),
    };
  };
  // The tables the engine holds (setTables), to copy them only when they change.
  let tables: { desc: Float64Array; data: Float64Array } | null = null;
  const sameArray = (a: Float64Array, b: Float64Array): boolean => {
    if (a.length !== b.length) return false;
    for (let q = 0; q < a.length; q++) if (!Object.is(a[q], b[q])) return false;
    return true;
  };
  return {
    kind: "native", precision: "float64", k, steps, classes, cap, ldx,
    A, B, W, c, par: f64(4, 8 * k), X: f64(5, k * ldx), y: new Int32Array(buf, off[6] * 8, ldx),
    g: f64(7, nG), total: f64(8, nG + 2), out: f64(9, 2), pred: new Int32Array(buf, off[10] * 8, ldx),
    setParams: (a, b, w, cc) => {
      addon.written(h);
      A.set(a.subarray(0, A.length));
      B.set(b.subarray(0, B.length));
      W.set(w.subarray(0, W.length));
      c.set(cc.subarray(0, c.length));
    },
    setTables: (t) => {
      if (t === null ? tables === null : tables !== null && sameArray(t.desc, tables.desc) && sameArray(t.data, tables.data)) return true;
      addon.tables(h, t === null ? new Float64Array(3 * k) : t.desc, t === null ? new Float64Array(0) : t.data);
      tables = t === null ? null : { desc: t.desc.slice(), data: t.data.slice() };
      return true;
    },
    chunk: (lo, len, scale) => nativeCall(() => addon.chunk(h, lo, len, scale)),
    batch: (nb, count, scale) => nativeCall(() => addon.batch(h, nb, count, scale)),
    evaluate: (lo, len) => nativeCall(() => addon.evaluate(h, lo, len)),
    ...(addon.evaluateAll && { evaluateAll: (lo: number, len: number, chunk: number, loss0: number) => nativeCall(() => addon.evaluateAll!(h, lo, len, chunk, loss0)) }),
    ...(addon.logitsAll && { logitsAll: (lo: number, len: number, dst: Float64Array) => nativeCall(() => addon.logitsAll!(h, lo, len, dst)) }),
    ...(addon.load && {
      loadInputs: (x: Float64Array, cols: number, d: number, rows: Int32Array | null, start: number, nb: number, norm: Normalization | null, fill: number) =>
        addon.load!(h, x, cols, d, rows, start, nb, norm?.min ?? null, norm?.max ?? null, fill),
    }),
    product: (which, nb, reps) => nativeCall(() => addon.product(h, which, nb, reps)),
    adam: (p, g, m, v, hyper) => nativeCall(() => addon.adam(h, p, g, m, v, hyper)),
    resident: () => (resident ??= makeResident()),
  };
}

/** Values of the CLI's `--engine`. */
export const ENGINE_CHOICES = ["auto", "native", "wasm"] as const;
export type EngineChoice = (typeof ENGINE_CHOICES)[number];

/**
 * The training engine for an `--engine` choice, resolved once: "auto" = native when built, else
 * WebAssembly (null: TrainingRun's default); "native" insists (InputError naming the reason when
 * it is not built); "wasm" = WebAssembly. `threads` = the native engine's threads.
 */
export function engineForChoice(choice: EngineChoice, threads: number): EngineFactory | null {
  if (choice === "wasm") return null;
  const f = nativeFactory(threads);
  if (f === null && choice === "native") {
    const st = nativeStatus();
    throw new InputError(`--engine native: the native engine is ${st.available ? "unavailable" : st.reason}; use --engine auto or wasm`);
  }
  return f;
}

/** One line for `dynaspin --version`: which engine training uses here and why. */
export function engineSummary(): string {
  const st = nativeStatus();
  return st.available
    ? `engine: native (${st.kernels}, ${st.width} float64 lanes; --workers N threads); WebAssembly in the browser and where the native engine is not built`
    : `engine: WebAssembly SIMD (native engine ${st.reason})`;
}
