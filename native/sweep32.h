// dynaspin native engine, part two: the robustness-sweep trial (sweep.cc) and the float32
// training engine (engine32.cc). Their kernels (sweep32_kernels.h) are compiled once per
// instruction set (sweep32_avx512.cc, sweep32_avx2.cc, sweep32_base.cc) and chosen at run time
// with the float64 engine's choice (selectKernels in engine.cc).
#pragma once
#include <cstddef>
#include <cstdint>

#include <node_api.h>

struct Table32 {
  const char* name;
  int width;  // float64 lanes per vector (float32 lanes: twice as many)
  // One robustness trial in float64 on ncols columns (a multiple of 8): p(1) = f(I0), p(t+1) =
  // f(s·(A[t]·p(t) + B[t])²), argmax of W·p(n) + c against the labels y (−1: padding). I0, P, Pn
  // have row stride ncols; *last is set to the buffer holding p(n). Returns the correct count.
  int (*trial64)(int k, int steps, int classes, int ncols, const double* A, const double* B, const double* W, const double* C, const double* par, const double* I0, double* P, double* Pn, const double* y, const double** last);
  // The same trial in float32 on n16 columns (a multiple of 16) as a screen: counts the samples
  // whose two largest logits differ by ≥ tau (finite, no NaN) and whose argmax is the label, and
  // lists the other real samples (label ≥ 0) in list[1..list[0]], ascending. par: 8 floats per
  // oscillator (net32.h roundPar32).
  int (*screen32)(int k, int steps, int classes, int n16, const float* A, const float* B, const float* W, const float* C, const float* par, const float* I0, float* P, float* Pn, const float* y, float tau, int32_t* list);
  // ---- float32 training (engine32.cc; the operations of src/network/wasm/engine32.as) ----
  // out[r·ldo + b] = bias[r] + Σ_q M[r·rs + q·cs]·X[q·ldx + b] (q ascending) for rows [r0, r1), n
  // columns (a multiple of 2·width); bias null: 0.
  void (*gemm32)(int r0, int r1, int kk, int n, const float* M, int rs, int cs, const float* bias, const float* X, int ldx, float* out, int ldo);
  // Rows [r0, r1): eq. 4 value and derivative at s·u² (par32: 8 floats per oscillator).
  void (*drive32)(int r0, int r1, int n, int ld, const float* U, const float* par, float* P, float* D);
  // Rows [r0, r1) of gU = λ·f'·2s·u, and their sums added to gB (float64).
  void (*adjoint32)(int r0, int r1, int n, int ld, const float* lam, const float* D, const float* U, const float* par, float* gU, double* gB);
  // XT[b·kkp + j] = X[j·ld + b] (j < kk, b < n), tails zeroed.
  void (*transpose32)(int kk, int kkp, int n, const float* X, int ld, float* XT);
  // G[i·kk + j] += Σ_b Y[i·ld + b]·XT[b·kkp + j] for rows i in [r0, r1), j < kk (one float32 chain
  // per output over b ascending, then added to G in float64).
  void (*accABt32)(int r0, int r1, int kk, int kkp, int n, const float* Y, int ld, const float* XT, double* G);
  // Softmax cross-entropy of columns [0, len) of L (n columns): L ← scale·(softmax − onehot), 0
  // in the padding; out = (Σ loss, correct).
  void (*softmax32)(int classes, int len, int n, int ld, float* L, const int32_t* y, double scale, double* out);
  // Σ_b x[b] for b < n (lanes summed in a fixed tree, in float64).
  double (*rowSum32)(const float* x, int n);
};

namespace ds_s_avx512 { extern const Table32 table32; }
namespace ds_s_avx2 { extern const Table32 table32; }
namespace ds_s_base { extern const Table32 table32; }

// The float32/sweep table for an instruction-set request ("auto", "avx512", "avx2", "sse2"), or
// null when the CPU lacks it.
const Table32* selectTable32(const char* want);

// Node-API registration (called from addon.cc's Init).
void registerSweep(napi_env env, napi_value exports);
void registerEngine32(napi_env env, napi_value exports);
