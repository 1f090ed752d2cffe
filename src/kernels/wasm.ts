/**
 * The WebAssembly SIMD (f64x2) matrix kernels (`wasm/gemm.as`, compiled by AssemblyScript) behind
 * the same signatures as the TypeScript kernels of `gemm.ts`, with identical results (same
 * reduction order per output; tested bit for bit). Operands are copied into the module's linear
 * memory (packed, leading dimension = nb) and the output copied back: O(k·nb + k²) moves for
 * O(k²·nb) multiply–adds. Uses only the standard `WebAssembly` global, so it runs in Node, workers
 * and browsers; {@link wasmKernels} returns null where WebAssembly SIMD is unavailable.
 */
import { GEMM_WASM_BASE64 } from "./wasm/gemm-wasm.js";
import { packRows, unpackRows } from "./pack.js";
import { lazyWasmModule, instantiateWasm, ensureWasmMemory, wasmUnavailable, WASM_BASE as BASE } from "./wasm-module.js";

interface GemmExports {
  memory: WebAssembly.Memory;
  gemmBias(m: number, kk: number, nb: number, M: number, bias: number, X: number, ldx: number, out: number, ldo: number): void;
  gemmAccABt(m: number, kk: number, nb: number, Y: number, ldy: number, X: number, ldx: number, G: number, XT: number): void;
  gemmAtB(m: number, kk: number, nb: number, M: number, Y: number, ldy: number, out: number, ldo: number): void;
}

/** The three kernels with the signatures of `gemm.ts`. */
export interface GemmKernels {
  gemmBias(m: number, kk: number, nb: number, M: Float64Array, mOff: number, bias: Float64Array | null, biasOff: number, X: Float64Array, ldx: number, out: Float64Array, outOff: number, ldo: number): Float64Array;
  gemmAccABt(m: number, kk: number, nb: number, Y: Float64Array, ldy: number, X: Float64Array, ldx: number, G: Float64Array, gOff: number): Float64Array;
  gemmAtB(m: number, kk: number, nb: number, M: Float64Array, mOff: number, Y: Float64Array, ldy: number, out: Float64Array, ldo: number): Float64Array;
}

const gemmModule = lazyWasmModule(GEMM_WASM_BASE64);
let cached: GemmKernels | null | undefined;

/** The WebAssembly kernels, or null when this runtime cannot instantiate them. */
export function wasmKernels(): GemmKernels | null {
  if (cached !== undefined) return cached;
  const mod = gemmModule();
  try {
    cached = mod === null ? null : wrap(instantiateWasm<GemmExports>(mod));
  } catch (e) {
    if (!wasmUnavailable(e)) throw e;
    cached = null;
  }
  return cached;
}

function wrap(ex: GemmExports): GemmKernels {
  let f64 = new Float64Array(ex.memory.buffer);
  /** Makes sure `doubles` float64 fit from BASE; returns the float64 index of BASE. */
  const reserve = (doubles: number): number => {
    const need = BASE + doubles * 8;
    ensureWasmMemory(ex.memory, need);
    if (f64.buffer !== ex.memory.buffer || f64.length * 8 < need) f64 = new Float64Array(ex.memory.buffer);
    return BASE / 8;
  };
  /** Copies rows×nb values from src (leading dimension ld, from off) packed to f64[at..]. */
  const packIn = (src: Float64Array, off: number, rows: number, nb: number, ld: number, at: number): void => packRows(f64, at, src, off, rows, nb, ld);
  const packOut = (dst: Float64Array, off: number, rows: number, nb: number, ld: number, at: number): void => unpackRows(dst, off, f64, at, rows, nb, ld);
  const even = (n: number): number => n + (n & 1);
  return {
    gemmBias(m, kk, nb, M, mOff, bias, biasOff, X, ldx, out, outOff, ldo) {
      const base = reserve(even(m * kk) + even(m) + even(kk * nb) + m * nb);
      const pM = base, pB = pM + even(m * kk), pX = pB + even(m), pO = pX + even(kk * nb);
      f64.set(M.subarray(mOff, mOff + m * kk), pM);
      if (bias !== null) f64.set(bias.subarray(biasOff, biasOff + m), pB);
      packIn(X, 0, kk, nb, ldx, pX);
      ex.gemmBias(m, kk, nb, pM * 8, bias === null ? 0 : pB * 8, pX * 8, nb, pO * 8, nb);
      packOut(out, outOff, m, nb, ldo, pO);
      return out;
    },
    gemmAccABt(m, kk, nb, Y, ldy, X, ldx, G, gOff) {
      const base = reserve(even(m * nb) + even(kk * nb) + even(m * kk) + kk * nb);
      const pY = base, pX = pY + even(m * nb), pG = pX + even(kk * nb), pT = pG + even(m * kk);
      packIn(Y, 0, m, nb, ldy, pY);
      packIn(X, 0, kk, nb, ldx, pX);
      f64.set(G.subarray(gOff, gOff + m * kk), pG);
      ex.gemmAccABt(m, kk, nb, pY * 8, nb, pX * 8, nb, pG * 8, pT * 8);
      G.set(f64.subarray(pG, pG + m * kk), gOff);
      return G;
    },
    gemmAtB(m, kk, nb, M, mOff, Y, ldy, out, ldo) {
      const base = reserve(even(m * kk) + even(m * nb) + kk * nb);
      const pM = base, pY = pM + even(m * kk), pO = pY + even(m * nb);
      f64.set(M.subarray(mOff, mOff + m * kk), pM);
      packIn(Y, 0, m, nb, ldy, pY);
      ex.gemmAtB(m, kk, nb, pM * 8, pY * 8, nb, pO * 8, nb);
      packOut(out, 0, kk, nb, ldo, pO);
      return out;
    },
  };
}
