/**
 * Partitioning rules for running the matrix kernels on several threads with results that do not
 * depend on the number of threads. Every output element is computed whole by one thread, with the
 * same kernel and the same reduction order as the single-threaded code, so 1, 2 or N threads give
 * the same bits; threads split only *which* outputs they compute:
 *
 * - `u = A·p + B` and `∂A += g·pᵀ`: rows of the output (oscillators i),
 * - `λ = Aᵀ·g`: columns of the output (batch samples b), because each of its sums runs over i.
 *
 * Pure: the thread pool lives in `src/node/train-worker.ts`.
 */

/**
 * The half-open range [lo, hi) of items 0..n−1 that part p of `parts` covers: contiguous, in
 * order, sizes differing by at most one.
 * @example partRange(10, 3, 1) // [3, 6]
 */
export function partRange(n: number, parts: number, p: number): [number, number] {
  return [Math.floor((p * n) / parts), Math.floor(((p + 1) * n) / parts)];
}

/** Kernel ids of the shared job descriptor. */
export const KERNEL_IDS = { gemmBias: 0, gemmAccABt: 1, gemmAtB: 2 } as const;

/**
 * Smallest problem (multiply–adds m·kk·nb) worth splitting across threads: below it, the
 * synchronisation and copies cost more than they save. @default 2^20
 */
export const PARALLEL_MIN_MACS = 1 << 20;
