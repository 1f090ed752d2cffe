// dynaspin native engine: the float32 network, written once for the float32 training engine
// (engine32.cc) and the robustness sweep's float32 screen (sweep.cc): the parameters rounded to
// float32 as the float32 kernels (sweep32_kernels.h) read them.
#pragma once
#include <cstdlib>

#include "engine_impl.h"

// log2 e: the float32 kernels evaluate eq. 4's exponentials as exp2, so 2a and 2b come pre-scaled.
constexpr double LOG2E = 1.4426950408889634;

// A, B, W, c rounded to float32, in the float64 network's layouts (A[t][i][j] at t·k·k + i·k + j,
// B[t][i] at t·k + i, W[q][i] at q·k + i, c[q]); 64-byte aligned (alignedAlloc).
struct Net32 {
  float *A = nullptr, *B = nullptr, *W = nullptr, *C = nullptr;
  size_t nA = 0, nB = 0, nW = 0, nC = 0;

  Net32() = default;
  Net32(const Net32&) = delete;
  Net32& operator=(const Net32&) = delete;
  ~Net32() { free(A), free(B), free(W), free(C); }

  // The arrays for k oscillators, `steps` steps and `classes` classes; false when out of memory.
  bool alloc(int k, int steps, int classes) {
    nA = (size_t)steps * k * k, nB = (size_t)steps * k, nW = (size_t)classes * k, nC = (size_t)classes;
    A = alignedAlloc<float>(nA), B = alignedAlloc<float>(nB), W = alignedAlloc<float>(nW), C = alignedAlloc<float>(nC);
    return A && B && W && C;
  }

  // Rounds the float64 parameters (round to nearest, as src/network/wasm/engine32.as and
  // src/sweep/fast-trials.ts do).
  void round(const double* A64, const double* B64, const double* W64, const double* c64) {
    for (size_t e = 0; e < nA; e++) A[e] = (float)A64[e];
    for (size_t e = 0; e < nB; e++) B[e] = (float)B64[e];
    for (size_t e = 0; e < nW; e++) W[e] = (float)W64[e];
    for (size_t e = 0; e < nC; e++) C[e] = (float)c64[e];
  }
};

// The k oscillators' eq. 4 parameters (8 doubles each, the packed layout of src/device/eq4.ts
// eq4RowParams plus the polarity: 2a, 2b, Ic, Q·Ic, P0, 2a·P0, P0·Ic·(1 + Q), polarity) rounded for
// the float32 kernels: 2a and 2b times log2 e, the others as they are.
inline void roundPar32(int k, const double* par, float* out) {
  for (int i = 0; i < k; i++) {
    const double* src = par + 8 * i;
    float* dst = out + 8 * i;
    dst[0] = (float)(src[0] * LOG2E);
    dst[1] = (float)(src[1] * LOG2E);
    for (int q = 2; q < 8; q++) dst[q] = (float)src[q];
  }
}
