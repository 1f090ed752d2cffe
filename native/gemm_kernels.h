// dynaspin native engine: the packed, cache-blocked matrix products of the large networks (the
// MNIST shape, k = 784), written once with GCC vector extensions and compiled once per instruction
// set (gemm_avx512.cc, gemm_avx2.cc, gemm_base.cc, each defining DS_GNS, DS_W and DS_NAME before
// including this file). See gemm.h for the two operations and docs/engines.md for the design.
//
// Bits: every output is one sum over its reduction index in ascending order, started from the
// bias or from +0, one multiply then one add per term (built with -ffp-contract=off, so no FMA):
// exactly the textbook loop of src/kernels/gemm.ts. Blocking the reduction index (KC) only stops
// a sum in the output array and continues it from there, which changes no bit; packing copies
// values; vector lanes and register tiles run over independent outputs. So the results are
// bit-identical to the reference kernels for every instruction set, tile size and thread count.
//
// Structure (the usual packed GEMM, e.g. Goto & van de Geijn 2008, BLIS): the reduction index is
// cut into blocks of KC; for each block the right-hand operand (KC rows × the output's columns) is
// packed into panels of NR columns, KC·NR doubles contiguous and 64-byte aligned (a panel stays in
// L1 while the row tiles stream past it); the micro-kernel keeps an MR × NR tile of outputs in
// MR·NV vector registers (AVX-512: 6 × 32 doubles = 24 zmm) and, per reduction step, loads NV
// vectors of the panel and broadcasts MR values of the left operand (read in place: a row of A,
// a row of Aᵀ — contiguous in A — or a row of the adjoint; packing them would cost a full copy of
// A per product, more than it saves at these shapes).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "gemm.h"
#include "transpose8.h"

namespace DS_GNS {

typedef double vd __attribute__((vector_size(DS_W * 8)));
typedef double vd_u __attribute__((vector_size(DS_W * 8), aligned(8)));

#define DS_INLINE inline __attribute__((always_inline))

static DS_INLINE vd splat(double x) {
  vd z = {};
  return x - z;  // x − (+0) is x for every x (−0 and NaN included): a plain broadcast
}
static DS_INLINE vd vload(const double* p) { return *reinterpret_cast<const vd_u*>(p); }
static DS_INLINE void vstore(double* p, vd v) { *reinterpret_cast<vd_u*>(p) = v; }

// Register tile: MR rows × NV vectors of outputs. AVX-512 (32 registers): 24 accumulators, NV
// panel vectors and a product; AVX2 and SSE2 (16 registers): 12 accumulators.
constexpr int NV = DS_W == 8 ? 4 : 2;
constexpr int MR = 6;
constexpr int NR = NV * DS_W;
// Reduction block: a panel is KC·NR doubles (AVX-512: 64 × 32 × 8 B = 16 KiB) and the broadcast
// left block MR·KC vectors (24 KiB).
constexpr int KC = DS_W == 8 ? 64 : 128;
// Column block of the packed right operand: KC·NC doubles (AVX-512: 512 KiB), inside L2.
constexpr int NC = 1024;
// Rows of λᵀ computed per block (gemmAtB): its scratch is LB × the thread's columns.
constexpr int LB = 240;

// Per-thread scratch buffers, grown once (the threads of the engine's pool live as long as the
// engine, so there is no allocation per call once they have their size).
struct Scratch {
  double* p = nullptr;
  size_t n = 0;
  ~Scratch() { free(p); }
  double* get(size_t want) {
    if (want <= n) return p;
    free(p);
    p = nullptr;
    n = 0;
    void* q = nullptr;
    if (posix_memalign(&q, 64, want * sizeof(double)) != 0) throw std::bad_alloc();
    p = static_cast<double*>(q);
    n = want;
    return p;
  }
};
static thread_local Scratch packedScratch, broadcastScratch, transposeScratch;

// acc[r][v] += L(r, k) · panel[k][v] for k = 0 … kc − 1 in order (one multiply, one add), the
// left values read pre-broadcast (lb: MR vectors per k), so the loop has no broadcast.
template <int R, int V>
static DS_INLINE void microKernel(int kc, const double* __restrict lb, const double* __restrict bp, vd (&acc)[MR][NV]) {
  for (int k = 0; k < kc; k++, bp += V * DS_W, lb += MR * DS_W) {
    vd b[V];
    for (int v = 0; v < V; v++) b[v] = *reinterpret_cast<const vd*>(bp + v * DS_W);
    for (int r = 0; r < R; r++) {
      vd a = *reinterpret_cast<const vd*>(lb + r * DS_W);
      for (int v = 0; v < V; v++) acc[r][v] += a * b[v];
    }
  }
}

// Tile start S: 0 = +0, 1 = the row's bias, 2 = the running sums already in the output.
// Tile end E: 0 = store the sums, 1 = store 0 + the sums (the gradient's convention: a −0 sum is
// stored as +0, as when the reference adds it to a zeroed gradient).
template <int R, int V, int S>
static DS_INLINE void startTile(vd (&acc)[MR][NV], const double* c, size_t ldc, const double* bias) {
  for (int r = 0; r < R; r++)
    for (int v = 0; v < V; v++) acc[r][v] = S == 0 ? splat(0.0) : S == 1 ? splat(bias[r]) : vload(c + (size_t)r * ldc + v * DS_W);
}
template <int R, int V, int E>
static DS_INLINE void endTile(vd (&acc)[MR][NV], double* c, size_t ldc) {
  for (int r = 0; r < R; r++)
    for (int v = 0; v < V; v++) vstore(c + (size_t)r * ldc + v * DS_W, E == 1 ? splat(0.0) + acc[r][v] : acc[r][v]);
}

// A tile of R × V vectors, all columns valid; the modes are template arguments, so the
// accumulators stay in registers from start to end.
template <int R, int V, int S, int E>
static void tile(int kc, const double* lb, const double* bp, double* c, size_t ldc, const double* bias) {
  vd acc[MR][NV];
  startTile<R, V, S>(acc, c, ldc, bias);
  microKernel<R, V>(kc, lb, bp, acc);
  endTile<R, V, E>(acc, c, ldc);
}

// The last tile of a row whose length is not a multiple of W (the weight gradient's rows are kk
// long and packed, so a full-vector store would write into the next row): cols < V·W valid
// columns, through a buffer.
template <int R, int V>
static void tilePartial(int kc, const double* lb, const double* bp, double* c, size_t ldc, int cols, int start, const double* bias, int end) {
  double t[MR][NV * DS_W] = {};
  for (int r = 0; r < R; r++)
    for (int l = 0; l < cols; l++) t[r][l] = start == 0 ? 0.0 : start == 1 ? bias[r] : c[(size_t)r * ldc + l];
  vd acc[MR][NV];
  startTile<R, V, 2>(acc, &t[0][0], NV * DS_W, nullptr);
  microKernel<R, V>(kc, lb, bp, acc);
  if (end == 1) endTile<R, V, 1>(acc, &t[0][0], NV * DS_W);
  else endTile<R, V, 0>(acc, &t[0][0], NV * DS_W);
  for (int r = 0; r < R; r++)
    for (int l = 0; l < cols; l++) c[(size_t)r * ldc + l] = t[r][l];
}

typedef void (*TileFn)(int, const double*, const double*, double*, size_t, const double*);
typedef void (*PartialFn)(int, const double*, const double*, double*, size_t, int, int, const double*, int);

template <int S, int E, int R, int... V>
struct TileRow {
  static constexpr TileFn f[sizeof...(V)] = {&tile<R, V, S, E>...};
  static constexpr PartialFn p[sizeof...(V)] = {&tilePartial<R, V>...};
};
template <int S, int E, int R, int... V>
constexpr TileFn TileRow<S, E, R, V...>::f[sizeof...(V)];
template <int S, int E, int R, int... V>
constexpr PartialFn TileRow<S, E, R, V...>::p[sizeof...(V)];

#if DS_W == 8
#define DS_VS 1, 2, 3, 4
#else
#define DS_VS 1, 2
#endif
template <int S, int E>
struct Tiles {
  static constexpr const TileFn* f[MR] = {TileRow<S, E, 1, DS_VS>::f, TileRow<S, E, 2, DS_VS>::f, TileRow<S, E, 3, DS_VS>::f,
                                          TileRow<S, E, 4, DS_VS>::f, TileRow<S, E, 5, DS_VS>::f, TileRow<S, E, 6, DS_VS>::f};
  static constexpr const PartialFn* p[MR] = {TileRow<S, E, 1, DS_VS>::p, TileRow<S, E, 2, DS_VS>::p, TileRow<S, E, 3, DS_VS>::p,
                                             TileRow<S, E, 4, DS_VS>::p, TileRow<S, E, 5, DS_VS>::p, TileRow<S, E, 6, DS_VS>::p};
};
template <int S, int E>
constexpr const TileFn* Tiles<S, E>::f[MR];
template <int S, int E>
constexpr const PartialFn* Tiles<S, E>::p[MR];
#undef DS_VS

// The full tile of R ≤ MR rows and V ≤ NV vectors for the modes used: (start, end) = (0, 0),
// (0, 1), (1, 0), (2, 0), (2, 1).
static TileFn tileFor(int S, int E, int R, int V) {
  const TileFn* const* t = S == 0 ? (E ? Tiles<0, 1>::f : Tiles<0, 0>::f) : S == 1 ? Tiles<1, 0>::f : (E ? Tiles<2, 1>::f : Tiles<2, 0>::f);
  return t[R - 1][V - 1];
}

// Packs the right operand's rows [k0, k0 + kc) × columns [n0, n0 + nc) (nc a multiple of W) into
// panels of NR columns (the last one narrower), kc rows of the panel's width each, contiguous.
// Element (k, n) is R[k·lr + n] (trans = false) or R[n·lr + k] (trans = true); columns from
// nvalid on are zero.
static void packRight(int k0, int kc, int n0, int nc, int nvalid, const double* Rm, size_t lr, bool trans, double* bp) {
  for (int p = 0; p < nc; p += NR) {
    int w = nc - p < NR ? nc - p : NR;
    double* out = bp + (size_t)p * kc;
    int n1 = n0 + p;
    if (!trans) {
      if (n1 + w <= nvalid) {
        for (int k = 0; k < kc; k++) {
          const double* x = Rm + (size_t)(k0 + k) * lr + n1;
          for (int v = 0; v < w; v += DS_W) vstore(out + (size_t)k * w + v, vload(x + v));
        }
      } else {
        for (int k = 0; k < kc; k++)
          for (int c = 0; c < w; c++) out[(size_t)k * w + c] = n1 + c < nvalid ? Rm[(size_t)(k0 + k) * lr + n1 + c] : 0.0;
      }
    } else {
#if DS_W == 8
      // Whole 8 × 8 blocks through registers (transpose8.h), the rest one by one.
      int c8 = n1 + w <= nvalid ? w : 0, k8 = kc & ~7;
      for (int c = 0; c < c8; c += 8)
        for (int k = 0; k < k8; k += 8) {
          vd r[8];
          for (int q = 0; q < 8; q++) r[q] = vload(Rm + (size_t)(n1 + c + q) * lr + k0 + k);
          transpose8(r);
          for (int q = 0; q < 8; q++) vstore(out + (size_t)(k + q) * w + c, r[q]);
        }
#else
      const int c8 = 0, k8 = 0;
#endif
      for (int c = 0; c < w; c++) {
        double* o = out + c;
        int from = c < c8 ? k8 : 0;
        if (n1 + c < nvalid) {
          const double* x = Rm + (size_t)(n1 + c) * lr + k0;
          for (int k = from; k < kc; k++) o[(size_t)k * w] = x[k];
        } else {
          for (int k = from; k < kc; k++) o[(size_t)k * w] = 0.0;
        }
      }
    }
  }
}

// The left values L(r, k) = L[r·lm + k·lk] (or L[r·lm + idx[k]] with a column index) of R ≤ MR rows
// and kc steps, each broadcast to a whole vector: lb[(k·MR + r)·W …].
static void broadcastLeft(int R, int kc, const double* Lm, size_t lm, size_t lk, const int* idx, double* lb) {
  for (int k = 0; k < kc; k++) {
    const size_t o = idx ? (size_t)idx[k] : (size_t)k * lk;
    for (int r = 0; r < R; r++) vstore(lb + ((size_t)k * MR + r) * DS_W, splat(Lm[(size_t)r * lm + o]));
  }
}

// C[m·ldc + n] = start + Σ_{k<K} L(m, k)·R(k, n), k ascending, for m < M, n < nvalid (N = nvalid
// rounded up to W; columns up to N are written only when ldc allows: fullRows), with L(m, k) =
// L[m·lm + k·lk] (L[m·lm + lidx[k]] when a column index lidx is given), R as packRight; start: 0 =
// +0, 1 = bias[m], then end = 1 stores 0 + the sum.
static void core(int M, int K, int nvalid, bool fullRows, const double* Lm, size_t lm, size_t lk, const double* Rm, size_t lr, bool rTrans, double* C, size_t ldc, int start, const double* bias, int end, const int* lidx = nullptr) {
  if (M <= 0 || nvalid <= 0) return;
  const int N = (nvalid + DS_W - 1) / DS_W * DS_W;
  const int writable = fullRows ? N : nvalid;
  if (K == 0) {
    for (int m = 0; m < M; m++)
      for (int n = 0; n < writable; n++) {
        double s = start == 1 ? bias[m] : 0.0;
        C[(size_t)m * ldc + n] = end == 1 ? 0.0 + s : s;
      }
    return;
  }
  double* bp = packedScratch.get((size_t)KC * NC);
  double* lb = broadcastScratch.get((size_t)MR * KC * DS_W);
  for (int n0 = 0; n0 < N; n0 += NC) {
    int nc = N - n0 < NC ? N - n0 : NC;
    for (int k0 = 0; k0 < K; k0 += KC) {
      int kc = K - k0 < KC ? K - k0 : KC;
      packRight(k0, kc, n0, nc, nvalid, Rm, lr, rTrans, bp);
      int st = k0 == 0 ? start : 2, en = k0 + kc >= K ? end : 0;
      for (int m = 0; m < M; m += MR) {
        int R = M - m < MR ? M - m : MR;
        broadcastLeft(R, kc, lidx ? Lm + (size_t)m * lm : Lm + (size_t)m * lm + (size_t)k0 * lk, lm, lk, lidx ? lidx + k0 : nullptr, lb);
        for (int p = 0; p < nc; p += NR) {
          int w = nc - p < NR ? nc - p : NR;
          int cols = writable - n0 - p < w ? writable - n0 - p : w;
          double* c = C + (size_t)m * ldc + n0 + p;
          const double* bm = bias ? bias + m : nullptr;
          if (cols == w) tileFor(st, en, R, w / DS_W)(kc, lb, bp + (size_t)p * kc, c, ldc, bm);
          else Tiles<0, 0>::p[R - 1][w / DS_W - 1](kc, lb, bp + (size_t)p * kc, c, ldc, cols, st, bm, en);
        }
      }
    }
  }
}

#if DS_W == 8
// The two products whose left operand is a weight matrix (u = A·p + B and λ = Aᵀ·g) have few
// output columns (the batch) and many rows: there each left value is used by one panel only, so
// broadcasting it ahead would cost as much as broadcasting it in the loop. These tiles broadcast
// in the loop instead, from the matrix read in place, MRB rows × NVB vectors (3 × 64 doubles:
// 3 broadcasts per 24 vector multiply–adds).
constexpr int MRB = 3, NVB = 8, NRB = NVB * DS_W, KCB = 1024;

template <bool T>
static DS_INLINE double leftAt(const double* a, size_t lda, int r, int k) {
  return T ? a[(size_t)k * lda + r] : a[(size_t)r * lda + k];
}

// I: the left operand's k-th value of row r is a[r·lda + idx[k]] (a column index; T = false).
template <int R, int V, int S, bool T, bool I>
static void tileB(int kc, const double* a, size_t lda, const int* idx, const double* bp, double* c, size_t ldc, const double* bias) {
  vd acc[MRB][NVB];
  for (int r = 0; r < R; r++)
    for (int v = 0; v < V; v++) acc[r][v] = S == 0 ? splat(0.0) : S == 1 ? splat(bias[r]) : vload(c + (size_t)r * ldc + v * DS_W);
  for (int k = 0; k < kc; k++, bp += V * DS_W) {
    vd b[V];
    for (int v = 0; v < V; v++) b[v] = *reinterpret_cast<const vd*>(bp + v * DS_W);
    // Aᵀ's tile reads one value of each of kc rows of A: fetch the columns two tiles on ahead
    // (a strided walk the hardware prefetchers do not follow).
    if (T) __builtin_prefetch(a + (size_t)k * lda + 2 * MRB + 8);
    for (int r = 0; r < R; r++) {
      vd x = splat(I ? a[(size_t)r * lda + idx[k]] : leftAt<T>(a, lda, r, k));
      for (int v = 0; v < V; v++) acc[r][v] += x * b[v];
    }
  }
  for (int r = 0; r < R; r++)
    for (int v = 0; v < V; v++) vstore(c + (size_t)r * ldc + v * DS_W, acc[r][v]);
}

typedef void (*TileBFn)(int, const double*, size_t, const int*, const double*, double*, size_t, const double*);
template <int S, bool T, bool I, int R, int... V>
struct TileBRow {
  static constexpr TileBFn f[sizeof...(V)] = {&tileB<R, V, S, T, I>...};
};
template <int S, bool T, bool I, int R, int... V>
constexpr TileBFn TileBRow<S, T, I, R, V...>::f[sizeof...(V)];
template <int S, bool T, bool I = false>
struct TilesB {
  static constexpr const TileBFn* f[MRB] = {TileBRow<S, T, I, 1, 1, 2, 3, 4, 5, 6, 7, 8>::f, TileBRow<S, T, I, 2, 1, 2, 3, 4, 5, 6, 7, 8>::f,
                                            TileBRow<S, T, I, 3, 1, 2, 3, 4, 5, 6, 7, 8>::f};
};
template <int S, bool T, bool I>
constexpr const TileBFn* TilesB<S, T, I>::f[MRB];

// C[m·ldc + n] = start + Σ_{k<K} L(m, k)·X[k·ldx + n] for m < M, n < N (a multiple of W), with
// L(m, k) = L[m·lda + k] (T = false; L[m·lda + idx[k]] with a column index idx) or L[k·lda + m]
// (T = true); start: bias[m] or +0.
template <bool T>
static void coreB(int M, int K, int N, const double* Lm, size_t lda, const double* bias, const double* X, size_t ldx, double* C, size_t ldc, const int* idx = nullptr) {
  if (M <= 0 || N <= 0) return;
  if (K == 0) {
    for (int m = 0; m < M; m++)
      for (int n = 0; n < N; n++) C[(size_t)m * ldc + n] = bias ? bias[m] : 0.0;
    return;
  }
  double* bp = packedScratch.get((size_t)KCB * NRB);
  for (int n0 = 0; n0 < N; n0 += NRB) {
    int nc = N - n0 < NRB ? N - n0 : NRB;
    for (int k0 = 0; k0 < K; k0 += KCB) {
      int kc = K - k0 < KCB ? K - k0 : KCB;
      // Panels of NRB columns: the packing of packRight with the wider panel.
      for (int p = 0; p < nc; p += NRB) {
        int w = nc - p < NRB ? nc - p : NRB;
        double* out = bp + (size_t)p * kc;
        for (int k = 0; k < kc; k++) {
          const double* x = X + (size_t)(k0 + k) * ldx + n0 + p;
          for (int v = 0; v < w; v += DS_W) vstore(out + (size_t)k * w + v, vload(x + v));
        }
      }
      const TileBFn* const* tiles = idx ? (k0 > 0 ? TilesB<2, false, true>::f : bias ? TilesB<1, false, true>::f : TilesB<0, false, true>::f)
                                        : k0 > 0 ? TilesB<2, T>::f : bias && !T ? TilesB<1, T>::f : TilesB<0, T>::f;
      const double* a0 = T ? Lm + (size_t)k0 * lda : idx ? Lm : Lm + k0;
      const int* ix = idx ? idx + k0 : nullptr;
      for (int p = 0; p < nc; p += NRB) {
        int w = nc - p < NRB ? nc - p : NRB;
        for (int m = 0; m < M; m += MRB) {
          int R = M - m < MRB ? M - m : MRB;
          const double* a = T ? a0 + m : a0 + (size_t)m * lda;
          tiles[R - 1][w / DS_W - 1](kc, a, lda, ix, bp + (size_t)p * kc, C + (size_t)m * ldc + n0 + p, ldc, bias ? bias + m : nullptr);
        }
      }
    }
  }
}
#endif

// out[i·ldo + b] = (bias ? bias[i] : 0) + Σ_{c<kk} M[i·ldm + J(c)]·X[c·ldx + b], c ascending, with J(c) =
// idx[c] (idx ascending) or c when idx is null (gemm.h biasIdx).
void biasIdx(int r0, int r1, int kk, int nbp, const double* M, int ldm, const int* idx, const double* bias, const double* X, int ldx, double* out, int ldo) {
#if DS_W == 8
  coreB<false>(r1 - r0, kk, nbp, M + (size_t)r0 * ldm, (size_t)ldm, bias ? bias + r0 : nullptr, X, (size_t)ldx, out + (size_t)r0 * ldo, (size_t)ldo, idx);
#else
  core(r1 - r0, kk, nbp, true, M + (size_t)r0 * ldm, (size_t)ldm, 1, X, (size_t)ldx, false, out + (size_t)r0 * ldo, (size_t)ldo, bias ? 1 : 0, bias ? bias + r0 : nullptr, 0, idx);
#endif
}

// out[i·ldo + b] = (bias ? bias[i] : 0) + Σ_{j<kk} M[i·kk + j]·X[j·ldx + b], j ascending (kernels.h
// gemmBias).
void bias(int r0, int r1, int kk, int nbp, const double* M, const double* bias, const double* X, int ldx, double* out, int ldo) {
  biasIdx(r0, r1, kk, nbp, M, kk, nullptr, bias, X, ldx, out, ldo);
}

// out[j·ldo + b] = Σ_{i<m} M[i·kk + j]·Y[i·ldy + b], i ascending from 0, for j in [r0, r1) (kernels.h
// gemmAtB). Without AVX-512: computed as its transpose λᵀ[b][j] (the rows of M are then the
// packed operand and the adjoint the broadcast one) in blocks of LB samples, then transposed.
void atb(int r0, int r1, int m, int kk, int nbp, const double* M, const double* Y, int ldy, double* out, int ldo) {
#if DS_W == 8
  coreB<true>(r1 - r0, m, nbp, M + r0, (size_t)kk, nullptr, Y, (size_t)ldy, out + (size_t)r0 * ldo, (size_t)ldo);
#else
  const int nj = r1 - r0;
  if (nj <= 0 || nbp <= 0) return;
  const int njp = (nj + DS_W - 1) / DS_W * DS_W;
  double* T = transposeScratch.get((size_t)LB * njp);
  for (int b0 = 0; b0 < nbp; b0 += LB) {
    int nb = nbp - b0 < LB ? nbp - b0 : LB;
    core(nb, m, nj, true, Y + b0, 1, (size_t)ldy, M + r0, (size_t)kk, false, T, (size_t)njp, 0, nullptr, 0);
    for (int j = 0; j < nj; j++) {
      double* o = out + (size_t)(r0 + j) * ldo + b0;
      for (int b = 0; b < nb; b++) o[b] = T[(size_t)b * njp + j];
    }
  }
#endif
}

// G[i·kk + j] = 0 + Σ_{b<nb} Y[i·ldy + b]·X[j·ldx + b], b ascending from 0, for i in [r0, r1),
// j < kk (kernels.h gemmABt, with X's transpose packed here instead of a separate transpose).
void abt(int r0, int r1, int kk, int nb, const double* Y, int ldy, const double* X, int ldx, double* G) {
  core(r1 - r0, nb, kk, false, Y + (size_t)r0 * ldy, (size_t)ldy, 1, X, (size_t)ldx, true, G + (size_t)r0 * kk, (size_t)kk, 0, nullptr, 1);
}

const GemmTable table = {DS_NAME, DS_W, MR, NR, KC, bias, atb, abt, biasIdx};

}  // namespace DS_GNS
