// dynaspin native engine: the packed, cache-blocked matrix products used for large networks
// (gemm_kernels.h, compiled per instruction set). Same bits as the reference kernels
// (src/kernels/gemm.ts): every output is its own sum in ascending reduction order, no FMA.
#pragma once
#include <cstddef>

// Networks with at least this many oscillators use the packed products (measured on Zen 4, one
// core, minibatch 64: at k = 64 the kernel table's products are 5 % faster, from k = 128 on these).
constexpr int GEMM_MIN_K = 128;

struct GemmTable {
  const char* name;
  int width;  // float64 lanes per vector
  int mr, nr, kc;  // register tile (rows × columns) and reduction block
  // The three products of a training step, with the signatures and the bits of the kernel table's
  // gemmBias, gemmAtB and gemmABt (kernels.h) — abt takes X itself, not its transpose:
  // out[i·ldo + b] = (bias ? bias[i] : 0) + Σ_{j<kk} M[i·kk + j]·X[j·ldx + b] for i in [r0, r1), b < nbp.
  void (*bias)(int r0, int r1, int kk, int nbp, const double* M, const double* bias, const double* X, int ldx, double* out, int ldo);
  // out[j·ldo + b] = Σ_{i<m} M[i·kk + j]·Y[i·ldy + b] for j in [r0, r1), b < nbp.
  void (*atb)(int r0, int r1, int m, int kk, int nbp, const double* M, const double* Y, int ldy, double* out, int ldo);
  // G[i·kk + j] = 0 + Σ_{b<nb} Y[i·ldy + b]·X[j·ldx + b] for i in [r0, r1), j < kk.
  void (*abt)(int r0, int r1, int kk, int nb, const double* Y, int ldy, const double* X, int ldx, double* G);
  // bias over a subset of M's columns: out[i·ldo + b] = (bias ? bias[i] : 0) + Σ_{c<kk} M[i·ldm + J(c)]·X[c·ldx + b],
  // c ascending, J(c) = idx[c] (ascending column indices) or c when idx is null: the sum of the
  // full product with the terms of the columns not in idx left out (Engine::sparseInput).
  void (*biasIdx)(int r0, int r1, int kk, int nbp, const double* M, int ldm, const int* idx, const double* bias, const double* X, int ldx, double* out, int ldo);
};

namespace ds_gemm_avx512 { extern const GemmTable table; }
namespace ds_gemm_avx2 { extern const GemmTable table; }
namespace ds_gemm_base { extern const GemmTable table; }

// Adds gemm() to the addon's exports (gemm.cc), the products' entry for the tests.
// (napi_env and napi_value, spelled out so that the kernels need no Node headers.)
struct napi_env__;
struct napi_value__;
void registerGemm(napi_env__* env, napi_value__* exports);

// The products for the kernel table named `kernels` ("avx512", "avx2", "sse2"); null for another name.
const GemmTable* selectGemm(const char* kernels);
