/**
 * Both cores for training and inference: runs the network's three matrix kernels on several
 * threads (this thread plus `workers − 1` worker threads), with the split of `src/train/parallel.ts`
 * so that results are bit-identical for any number of workers. Operands are copied once into a
 * shared arena that every thread reads; each thread computes its own part of a product (the
 * executor's owned units; this thread takes over the part of a worker not running) and writes its
 * own block of outputs there. The threads meet through the
 * worker layer's shared-memory executor (`./workers/shared.ts`: no message per call), so the
 * numeric core stays synchronous and unchanged: {@link startParallelKernels} swaps the kernels
 * that `src/kernels/backend.ts` hands to the network, and its return value swaps them back.
 */
import { startSharedExecutor, serveShared } from "./workers/shared.js";
import { gemm, kernelBackend } from "../kernels/backend.js";
import { gemmBias, gemmAccABt, gemmAtB } from "../kernels/gemm.js";
import { wasmKernels, type GemmKernels } from "../kernels/wasm.js";
import { partRange, KERNEL_IDS, PARALLEL_MIN_MACS } from "../train/parallel.js";
import { packRows, unpackRows } from "../kernels/pack.js";

// Job descriptor words (the executor's words).
const KERNEL = 0, M = 1, KK = 2, NB = 3, HAS_BIAS = 4, PARTS = 5;
// Arena offsets (float64 index) of the operands: written by the caller of each job.
const P_A = 6, P_B = 7, P_C = 8, P_D = 9;

interface WorkerInit {
  useWasm: boolean;
}

/** Computes part `part` of the job described in ctrl over the arena (same code on every thread). */
function runPart(k: GemmKernels, ctrl: Int32Array, arena: Float64Array, part: number): void {
  const m = ctrl[M], kk = ctrl[KK], nb = ctrl[NB], parts = ctrl[PARTS];
  const a = ctrl[P_A], b = ctrl[P_B], c = ctrl[P_C], d = ctrl[P_D];
  switch (ctrl[KERNEL]) {
    case KERNEL_IDS.gemmBias: {
      // a: M (m×kk), b: bias (m), c: X (kk×nb), d: out (m×nb)
      const [lo, hi] = partRange(m, parts, part);
      if (hi > lo) k.gemmBias(hi - lo, kk, nb, arena, a + lo * kk, ctrl[HAS_BIAS] ? arena : null, b + lo, arena.subarray(c), nb, arena, d + lo * nb, nb);
      break;
    }
    case KERNEL_IDS.gemmAccABt: {
      // a: Y (m×nb), b: X (kk×nb), c: G (m×kk)
      const [lo, hi] = partRange(m, parts, part);
      if (hi > lo) k.gemmAccABt(hi - lo, kk, nb, arena.subarray(a + lo * nb), nb, arena.subarray(b), nb, arena, c + lo * kk);
      break;
    }
    case KERNEL_IDS.gemmAtB: {
      // a: M (m×kk), b: Y (m×nb), c: out (kk×nb); split over columns b
      const [lo, hi] = partRange(nb, parts, part);
      if (hi > lo) k.gemmAtB(m, kk, hi - lo, arena, a, arena.subarray(b + lo), nb, arena.subarray(c + lo), nb);
      break;
    }
  }
}

serveShared("gemm", (init: WorkerInit, words) => {
  const kernels: GemmKernels = (init.useWasm ? wasmKernels() : null) ?? { gemmBias, gemmAccABt, gemmAtB };
  let arena: Float64Array = new Float64Array(0);
  return {
    message(m) {
      arena = new Float64Array(m as SharedArrayBuffer);
    },
    job: () => (part) => runPart(kernels, words, arena, part),
  };
});

/** Options of {@link startParallelKernels}. */
export interface ParallelOptions {
  /** Smallest m·kk·nb split across threads; smaller calls run on this thread. @default PARALLEL_MIN_MACS (2^20) */
  minMacs?: number;
}

/**
 * Runs the network's matrix kernels on `workers` threads (this one included) until the returned
 * function is called. Results are bit-identical to one thread. `workers` ≤ 1 changes nothing.
 * For large networks (MNIST-size: k²·min(batch, 128) ≥ 2^20 multiply-adds per product); smaller
 * ones gain more from {@link startParallelTraining}, which splits the batch (the CLI's `--workers`
 * picks between the two by that rule).
 * @example const stop = startParallelKernels(2); try { train(...) } finally { stop(); }
 */
export function startParallelKernels(workers: number, options: ParallelOptions = {}): () => void {
  if (workers <= 1) return () => undefined;
  const minMacs = options.minMacs ?? PARALLEL_MIN_MACS;
  const useWasm = kernelBackend() === "wasm";
  const serial: GemmKernels = { ...gemm };
  const ex = startSharedExecutor<WorkerInit>({ kind: "gemm", module: import.meta.url, threads: workers, init: { useWasm }, assignment: "owned", label: "parallel kernels", unit: "part", hint: "run with --workers 1, or rerun" });
  const ctrl = ex.words;
  let arena: Float64Array = new Float64Array(0);
  /** Makes the arena hold `n` doubles (a new buffer goes to the workers before the next job). */
  const reserve = (n: number): void => {
    if (arena.length >= n) return;
    arena = new Float64Array(new SharedArrayBuffer(Math.max(n, 2 * arena.length) * 8));
    ex.broadcast(arena.buffer);
  };
  const here = { job: () => (part: number) => runPart(serial, ctrl, arena, part) };
  const run = (kernel: number, m: number, kk: number, nb: number, offs: number[], hasBias: boolean): void => {
    ctrl[KERNEL] = kernel;
    ctrl[M] = m;
    ctrl[KK] = kk;
    ctrl[NB] = nb;
    ctrl[HAS_BIAS] = hasBias ? 1 : 0;
    ctrl[PARTS] = ex.threads;
    for (let q = 0; q < 4; q++) ctrl[P_A + q] = offs[q] ?? 0;
    ex.run(ex.threads, here);
  };
  const packIn = (src: Float64Array, off: number, rows: number, nb: number, ld: number, at: number): void => packRows(arena, at, src, off, rows, nb, ld);
  const packOut = (dst: Float64Array, off: number, rows: number, nb: number, ld: number, at: number): void => unpackRows(dst, off, arena, at, rows, nb, ld);
  const parallel: GemmKernels = {
    gemmBias(m, kk, nb, Mx, mOff, bias, biasOff, X, ldx, out, outOff, ldo) {
      if (m * kk * nb < minMacs) return serial.gemmBias(m, kk, nb, Mx, mOff, bias, biasOff, X, ldx, out, outOff, ldo);
      const a = 0, b = a + m * kk, c = b + m, d = c + kk * nb;
      reserve(d + m * nb);
      arena.set(Mx.subarray(mOff, mOff + m * kk), a);
      if (bias !== null) arena.set(bias.subarray(biasOff, biasOff + m), b);
      packIn(X, 0, kk, nb, ldx, c);
      run(KERNEL_IDS.gemmBias, m, kk, nb, [a, b, c, d], bias !== null);
      packOut(out, outOff, m, nb, ldo, d);
      return out;
    },
    gemmAccABt(m, kk, nb, Y, ldy, X, ldx, G, gOff) {
      if (m * kk * nb < minMacs) return serial.gemmAccABt(m, kk, nb, Y, ldy, X, ldx, G, gOff);
      const a = 0, b = a + m * nb, c = b + kk * nb;
      reserve(c + m * kk);
      packIn(Y, 0, m, nb, ldy, a);
      packIn(X, 0, kk, nb, ldx, b);
      arena.set(G.subarray(gOff, gOff + m * kk), c);
      run(KERNEL_IDS.gemmAccABt, m, kk, nb, [a, b, c], false);
      G.set(arena.subarray(c, c + m * kk), gOff);
      return G;
    },
    gemmAtB(m, kk, nb, Mx, mOff, Y, ldy, out, ldo) {
      if (m * kk * nb < minMacs) return serial.gemmAtB(m, kk, nb, Mx, mOff, Y, ldy, out, ldo);
      const a = 0, b = a + m * kk, c = b + m * nb;
      reserve(c + kk * nb);
      arena.set(Mx.subarray(mOff, mOff + m * kk), a);
      packIn(Y, 0, m, nb, ldy, b);
      run(KERNEL_IDS.gemmAtB, m, kk, nb, [a, b, c], false);
      packOut(out, 0, kk, nb, ldo, c);
      return out;
    },
  };
  Object.assign(gemm, parallel);
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    Object.assign(gemm, serial);
    ex.stop();
  };
}
