// The 8 × 8 register transpose of the 8-lane (AVX-512) builds, written once for the kernel table
// (kernels.h: the batch transpose before ∂A = g·pᵀ) and the packed products (gemm_kernels.h:
// packing a transposed right operand). Copies only, so it changes no bit.
#pragma once

// r[q][l] ← r[l][q] for q, l < 8: three rounds of two-source shuffles (pairs of rows interleaved,
// then pairs of pairs, then halves). V is a GCC vector of 8 doubles; internal linkage, so each
// instruction-set translation unit keeps its own copy.
template <class V>
static inline __attribute__((always_inline)) void transpose8(V (&r)[8]) {
  static_assert(sizeof(V) == 8 * sizeof(double), "transpose8 takes vectors of 8 doubles");
  V t[8], u[8];
  // t[q], t[q + 1] (q even): rows q and q + 1 interleaved at the even / at the odd columns.
  for (int q = 0; q < 8; q += 2) {
    t[q] = __builtin_shufflevector(r[q], r[q + 1], 0, 8, 2, 10, 4, 12, 6, 14);
    t[q + 1] = __builtin_shufflevector(r[q], r[q + 1], 1, 9, 3, 11, 5, 13, 7, 15);
  }
  // u[h + q]: rows h … h + 3 at columns q and q + 4; u[h + q + 2]: at columns q + 2 and q + 6.
  for (int h = 0; h < 8; h += 4)
    for (int q = 0; q < 2; q++) {
      u[h + q] = __builtin_shufflevector(t[h + q], t[h + q + 2], 0, 1, 8, 9, 4, 5, 12, 13);
      u[h + q + 2] = __builtin_shufflevector(t[h + q], t[h + q + 2], 2, 3, 10, 11, 6, 7, 14, 15);
    }
  // r[q]: column q of all eight rows; r[q + 4]: column q + 4.
  for (int q = 0; q < 4; q++) {
    r[q] = __builtin_shufflevector(u[q], u[q + 4], 0, 1, 2, 3, 8, 9, 10, 11);
    r[q + 4] = __builtin_shufflevector(u[q], u[q + 4], 4, 5, 6, 7, 12, 13, 14, 15);
  }
}
