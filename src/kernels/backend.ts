/**
 * Which implementation of the matrix kernels the network uses: WebAssembly SIMD (`wasm.ts`) when
 * the runtime supports it, else the TypeScript kernels (`gemm.ts`). Both give the same bits, so
 * the choice changes speed only.
 */
import { gemmBias, gemmAccABt, gemmAtB } from "./gemm.js";
import { wasmKernels, type GemmKernels } from "./wasm.js";

/** Kernel implementations: `"wasm"` (SIMD f64x2) or `"js"` (TypeScript). */
export type KernelBackend = "wasm" | "js";

const JS_KERNELS: GemmKernels = { gemmBias, gemmAccABt, gemmAtB };

/**
 * The kernels in use (mutated in place by {@link setKernelBackend}, so importers see the switch).
 * Until a backend is chosen, the first call picks `"auto"`, so importing this module has no side
 * effect (the WebAssembly module is compiled on first use).
 */
export const gemm: GemmKernels = {
  gemmBias(m, kk, nb, M, mOff, bias, biasOff, X, ldx, out, outOff, ldo) {
    setKernelBackend("auto");
    return gemm.gemmBias(m, kk, nb, M, mOff, bias, biasOff, X, ldx, out, outOff, ldo);
  },
  gemmAccABt(m, kk, nb, Y, ldy, X, ldx, G, gOff) {
    setKernelBackend("auto");
    return gemm.gemmAccABt(m, kk, nb, Y, ldy, X, ldx, G, gOff);
  },
  gemmAtB(m, kk, nb, M, mOff, Y, ldy, out, ldo) {
    setKernelBackend("auto");
    return gemm.gemmAtB(m, kk, nb, M, mOff, Y, ldy, out, ldo);
  },
};

let current: KernelBackend | null = null;

/**
 * Selects the kernels: `"auto"` (the default at load time) picks wasm when available.
 * @returns the backend now in use (`"js"` when wasm was asked for but is unavailable).
 */
export function setKernelBackend(backend: KernelBackend | "auto"): KernelBackend {
  const w = backend === "js" ? null : wasmKernels();
  Object.assign(gemm, w ?? JS_KERNELS);
  current = w ? "wasm" : "js";
  return current;
}

/** The backend in use (choosing `"auto"` first if none was chosen yet). */
export function kernelBackend(): KernelBackend {
  return current ?? setKernelBackend("auto");
}

/**
 * True when the network's kernels are the single-threaded WebAssembly or TypeScript ones (not the
 * multi-threaded split of `src/node/train-worker.ts`): the in-place engine (`src/network/engine.ts`)
 * is then the faster path; with threads, the split kernels are.
 */
export function singleThreadKernels(): boolean {
  kernelBackend(); // choose "auto" first: before any product the kernels are the lazy stubs above
  const f = gemm.gemmBias;
  return f === JS_KERNELS.gemmBias || f === wasmKernels()?.gemmBias;
}
