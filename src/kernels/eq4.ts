/**
 * The WebAssembly SIMD twins of the eq. 4 and tanh kernels of ./fast-math.ts (same bits, tested):
 * row kernels for a device curve's `evaluate`, the fused drive step of the network's forward
 * pass, and whole-array kernels for tests. Each thread gets its own instance, made on first use;
 * every getter returns null where the runtime lacks WebAssembly SIMD, so callers fall back to the
 * TypeScript kernel. The parameter packing (seven numbers per device, eight with the polarity) is
 * written down once, in src/device/eq4.ts.
 *
 * Pure: only the standard `WebAssembly` global; no I/O.
 */
import { EQ4_WASM_BASE64 } from "./wasm/eq4-wasm.js";
import { lazyWasmModule, instantiateWasm, ensureWasmMemory, wasmUnavailable, WASM_BASE as BASE } from "./wasm-module.js";

interface Eq4Exports {
  memory: WebAssembly.Memory;
  tanhArray(n: number, x: number, out: number): void;
  eq4Array(n: number, I: number, par: number, out: number): void;
  eq4Deriv(n: number, I: number, par: number, P: number, D: number): void;
  eq4Drive(k: number, n: number, ld: number, U: number, par: number, P: number, D: number): void;
}

/** The compiled eq. 4 module, or null where WebAssembly SIMD is unavailable. Compiled on first use. */
const eq4Module = lazyWasmModule(EQ4_WASM_BASE64);

/** A fresh instance with at least `bytes` of memory from BASE, or null without WebAssembly SIMD. */
function instantiate(bytes: number): Eq4Exports | null {
  const mod = eq4Module();
  if (mod === null) return null;
  try {
    const ex = instantiateWasm<Eq4Exports>(mod);
    ensureWasmMemory(ex.memory, BASE + bytes);
    return ex;
  } catch (e) {
    if (!wasmUnavailable(e)) throw e;
    return null;
  }
}

/**
 * The WebAssembly SIMD tanh and eq. 4 kernels on whole arrays, for tests that compare them with the
 * TypeScript ones bit for bit; null without WebAssembly SIMD. Allocates; not for hot loops.
 */
export function wasmMathKernels(): { tanh(x: Float64Array): Float64Array; eq4(I: Float64Array, a: number, b: number, Ic: number, QIc: number, P0: number): Float64Array } | null {
  if (eq4Module() === null) return null;
  const call = (x: Float64Array, f: (ex: Eq4Exports, n2: number, xp: number, op: number, pp: number) => void, par: number[]): Float64Array => {
    const n2 = x.length + (x.length & 1);
    const ex = instantiate((2 * n2 + 6) * 8) as Eq4Exports;
    const m = new Float64Array(ex.memory.buffer, BASE, 2 * n2 + 6);
    m.set(x, 0);
    m.set(par, 2 * n2);
    f(ex, n2, BASE, BASE + n2 * 8, BASE + 2 * n2 * 8);
    return m.slice(n2, n2 + x.length);
  };
  return {
    tanh: (x) => call(x, (ex, n2, xp, op) => ex.tanhArray(n2, xp, op), []),
    eq4: (I, a, b, Ic, QIc, P0) => call(I, (ex, n2, xp, op, pp) => ex.eq4Array(n2, xp, pp, op), [2 * a, 2 * b, Ic, QIc, P0]),
  };
}

/** Signature of the eq. 4 row kernels ({@link fastEq4Rows} and its WebAssembly twin). */
export type Eq4RowKernel = (I: Float64Array, p: Float64Array, dp: Float64Array | null, start: number, end: number, par: Float64Array) => void;

let rowKernel: Eq4RowKernel | null | undefined;

/**
 * {@link fastEq4Rows} running in this thread's WebAssembly SIMD instance (same bits), or null
 * without WebAssembly SIMD. The rows are copied into the instance's memory and the results back
 * (plain loops: no allocation per call); the memory grows when a longer row arrives.
 */
export function wasmEq4Rows(): Eq4RowKernel | null {
  if (rowKernel !== undefined) return rowKernel;
  const ex = instantiate(1 << 16);
  if (ex === null) return (rowKernel = null);
  let cap = 0, m = new Float64Array(0);
  // Layout from BASE: par (8 doubles), then I, P, D (cap doubles each, cap even).
  const fit = (n: number): void => {
    if (n <= cap && m.buffer === ex.memory.buffer) return;
    cap = Math.max(cap, n + (n & 1));
    ensureWasmMemory(ex.memory, BASE + (8 + 3 * cap) * 8);
    m = new Float64Array(ex.memory.buffer, BASE, 8 + 3 * cap);
  };
  fit(256);
  rowKernel = (I, p, dp, start, end, par) => {
    const n = end - start;
    if (n <= 0) return;
    fit(n);
    const oI = 8, oP = 8 + cap, oD = 8 + 2 * cap;
    for (let q = 0; q < 7; q++) m[q] = par[q];
    for (let j = 0; j < n; j++) m[oI + j] = I[start + j];
    if (n & 1) m[oI + n] = 0;
    ex.eq4Deriv(n + (n & 1), BASE + oI * 8, BASE, BASE + oP * 8, dp === null ? 0 : BASE + oD * 8);
    for (let j = 0; j < n; j++) p[start + j] = m[oP + j];
    if (dp !== null) for (let j = 0; j < n; j++) dp[start + j] = m[oD + j];
  };
  return rowKernel;
}

/**
 * One forward step for k eq. 4 oscillators: `I = s·u²` from the drives `U` (k rows of stride ld),
 * then p and, when `D` is not null, p' into the rows of `P` and `D`, for the first `nb` columns
 * only. `par` holds 8 numbers per oscillator: {@link eq4RowParams}'s seven and the polarity s.
 * Same bits as computing I in TypeScript and calling {@link fastEq4Rows} row by row.
 */
export type Eq4DriveKernel = (k: number, nb: number, ld: number, U: Float64Array, par: Float64Array, P: Float64Array, D: Float64Array | null) => void;

let driveKernel: Eq4DriveKernel | null | undefined;

/**
 * {@link Eq4DriveKernel} in this thread's WebAssembly SIMD instance, or null without WebAssembly
 * SIMD: the k·ld block of drives is copied in with one `set`, the kernel runs over all rows in one
 * call, and the first nb columns of each row are copied back.
 */
export function wasmEq4Drive(): Eq4DriveKernel | null {
  if (driveKernel !== undefined) return driveKernel;
  const ex = instantiate(1 << 16);
  if (ex === null) return (driveKernel = null);
  let size = -1, m = new Float64Array(0);
  let oU = 0, oP = 0, oD = 0;
  const fit = (kPar: number, block: number): void => {
    if (8 * kPar + 3 * (block + 2) <= size && m.buffer === ex.memory.buffer) return;
    size = Math.max(size, 8 * kPar + 3 * (block + 2));
    ensureWasmMemory(ex.memory, BASE + size * 8);
    m = new Float64Array(ex.memory.buffer, BASE, size);
  };
  const copyBack = (dst: Float64Array, at: number, k: number, nb: number, ld: number): void => {
    if (nb === ld) dst.set(m.subarray(at, at + k * ld));
    else for (let i = 0; i < k; i++) dst.set(m.subarray(at + i * ld, at + i * ld + nb), i * ld);
  };
  driveKernel = (k, nb, ld, U, par, P, D) => {
    if (nb <= 0 || k <= 0) return;
    const block = k * ld;
    fit(k, block);
    // Layout from BASE: par (8k), U, P, D (block + 2 each: the spill column of the last row).
    oU = 8 * k;
    oP = oU + block + 2;
    oD = oP + block + 2;
    m.set(par.subarray(0, 8 * k), 0);
    m.set(U.subarray(0, block), oU);
    ex.eq4Drive(k, nb + (nb & 1), ld, BASE + oU * 8, BASE, BASE + oP * 8, D === null ? 0 : BASE + oD * 8);
    copyBack(P, oP, k, nb, ld);
    if (D !== null) copyBack(D, oD, k, nb, ld);
  };
  return driveKernel;
}
