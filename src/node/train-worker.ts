/**
 * Both cores for training and inference: runs the network's three matrix kernels on several
 * threads (this thread plus `workers − 1` worker threads), with the split of `src/train/parallel.ts`
 * so that results are bit-identical for any number of workers. Operands are copied once into a
 * SharedArrayBuffer that every thread reads; each thread writes its own block of outputs there;
 * threads meet through `Atomics.wait`/`Atomics.notify` (no message per call), so the numeric core
 * stays synchronous and unchanged: {@link startParallelKernels} swaps the kernels that
 * `src/kernels/backend.ts` hands to the network, and its return value swaps them back.
 *
 * Under tsx (tests, benchmarks) the worker starts from a bootstrap that registers tsx, as in
 * `llg-worker.ts`.
 */
import { Worker, isMainThread, workerData, receiveMessageOnPort, MessageChannel, type MessagePort } from "node:worker_threads";
import { startModuleWorker } from "./worker-start.js";
import { gemm, kernelBackend } from "../kernels/backend.js";
import { gemmBias, gemmAccABt, gemmAtB } from "../kernels/gemm.js";
import { wasmKernels, type GemmKernels } from "../kernels/wasm.js";
import { partRange, KERNEL_IDS, PARALLEL_MIN_MACS } from "../train/parallel.js";
import { packRows, unpackRows } from "../kernels/pack.js";

// Control words (Int32Array over a SharedArrayBuffer).
const SEQ = 0, DONE = 1, KERNEL = 2, M = 3, KK = 4, NB = 5, HAS_BIAS = 6, PARTS = 7, NEW_ARENA = 8, EXIT = 9;
// Arena offsets (float64 index) of the operands: written by the caller of each job.
const P_A = 10, P_B = 11, P_C = 12, P_D = 13;
const CTRL_WORDS = 16;

interface WorkerInit {
  kind: "dynaspin-gemm";
  ctrl: SharedArrayBuffer;
  port: MessagePort;
  part: number;
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

if (!isMainThread && (workerData as WorkerInit | undefined)?.kind === "dynaspin-gemm") {
  const init = workerData as WorkerInit;
  const ctrl = new Int32Array(init.ctrl);
  const kernels: GemmKernels = (init.useWasm ? wasmKernels() : null) ?? { gemmBias, gemmAccABt, gemmAtB };
  let arena: Float64Array = new Float64Array(0);
  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, SEQ, seen);
    seen = Atomics.load(ctrl, SEQ);
    if (ctrl[EXIT]) break;
    if (ctrl[NEW_ARENA]) {
      for (let msg = receiveMessageOnPort(init.port); msg; msg = receiveMessageOnPort(init.port)) arena = new Float64Array(msg.message as SharedArrayBuffer);
    }
    runPart(kernels, ctrl, arena, init.part);
    Atomics.add(ctrl, DONE, 1);
    Atomics.notify(ctrl, DONE);
  }
}

function startWorker(init: WorkerInit): Worker {
  return startModuleWorker(import.meta.url, { workerData: init, transferList: [init.port] });
}

/** Options of {@link startParallelKernels}. */
export interface ParallelOptions {
  /** Smallest m·kk·nb split across threads; smaller calls run on this thread. @default PARALLEL_MIN_MACS (2^20) */
  minMacs?: number;
}

/**
 * Runs the network's matrix kernels on `workers` threads (this one included) until the returned
 * function is called. Results are bit-identical to one thread. `workers` ≤ 1 changes nothing.
 * @example const stop = startParallelKernels(2); try { train(...) } finally { stop(); }
 */
export function startParallelKernels(workers: number, options: ParallelOptions = {}): () => void {
  if (workers <= 1) return () => undefined;
  const minMacs = options.minMacs ?? PARALLEL_MIN_MACS;
  const useWasm = kernelBackend() === "wasm";
  const serial: GemmKernels = { ...gemm };
  const ctrl = new Int32Array(new SharedArrayBuffer(CTRL_WORDS * 4));
  const ports: MessagePort[] = [];
  const pool: Worker[] = [];
  for (let p = 1; p < workers; p++) {
    const ch = new MessageChannel();
    ports.push(ch.port1);
    const w = startWorker({ kind: "dynaspin-gemm", ctrl: ctrl.buffer as SharedArrayBuffer, port: ch.port2, part: p, useWasm });
    w.unref();
    pool.push(w);
  }
  let arena: Float64Array = new Float64Array(0);
  /** Makes the arena hold `n` doubles (a new buffer is announced to the workers with the next job). */
  const reserve = (n: number): void => {
    if (arena.length >= n) return;
    arena = new Float64Array(new SharedArrayBuffer(Math.max(n, 2 * arena.length) * 8));
    for (const port of ports) port.postMessage(arena.buffer);
    ctrl[NEW_ARENA] = 1;
  };
  const run = (kernel: number, m: number, kk: number, nb: number, offs: number[], hasBias: boolean): void => {
    ctrl[KERNEL] = kernel;
    ctrl[M] = m;
    ctrl[KK] = kk;
    ctrl[NB] = nb;
    ctrl[HAS_BIAS] = hasBias ? 1 : 0;
    ctrl[PARTS] = workers;
    for (let q = 0; q < 4; q++) ctrl[P_A + q] = offs[q] ?? 0;
    Atomics.store(ctrl, DONE, 0);
    Atomics.add(ctrl, SEQ, 1);
    Atomics.notify(ctrl, SEQ);
    runPart(serial, ctrl, arena, 0);
    for (let done = Atomics.load(ctrl, DONE); done < workers - 1; done = Atomics.load(ctrl, DONE)) Atomics.wait(ctrl, DONE, done);
    ctrl[NEW_ARENA] = 0;
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
    ctrl[EXIT] = 1;
    Atomics.add(ctrl, SEQ, 1);
    Atomics.notify(ctrl, SEQ);
    for (const w of pool) void w.terminate();
    for (const port of ports) port.close();
  };
}
