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
// cut into blocks; for each block the right-hand operand (the block's rows × the output's
// columns) is packed into panels of NR columns, contiguous and 64-byte aligned (a panel stays in
// L1 while row tiles stream past it); the micro-kernel keeps an MR × NR tile of outputs in vector
// registers and, per reduction step, loads the panel's vectors and multiplies them by MR values
// of the left operand, read in place (a row of A, a row of Aᵀ — a strided column of A — or a row
// of the adjoint: packing them would cost a full copy of A per product, more than it saves at
// these shapes). AVX-512 multiplies by each left value straight from memory with an embedded
// broadcast (its section below has the tiles and blocks of each product); AVX2 and SSE2, which
// have no such operand, broadcast the left values ahead into whole vectors.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "gemm.h"
#include "scratch.h"
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

// Per-thread scratch buffers (scratch.h).
static thread_local Scratch packedScratch;
#if DS_W != 8
static thread_local Scratch broadcastScratch, transposeScratch;
#endif

// Packs the right operand's rows [k0, k0 + kc) × columns [n0, n0 + nc) (nc a multiple of W) into
// panels of nr columns (the last one narrower), kc rows of the panel's width each, contiguous.
// Element (k, n) is R[k·lr + n] (trans = false) or R[n·lr + k] (trans = true); columns from
// nvalid on are zero.
static void packRight(int k0, int kc, int n0, int nc, int nvalid, const double* Rm, size_t lr, bool trans, double* bp, int nr) {
  for (int p = 0; p < nc; p += nr) {
    int w = nc - p < nr ? nc - p : nr;
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

#if DS_W != 8
// AVX2 and SSE2 (16 registers; no embedded broadcast): the left values are broadcast ahead into
// whole vectors (broadcastLeft), so the micro-kernel loop has only loads, multiplies and adds.

// Register tile: MR rows × NV vectors of outputs (12 accumulators, NV panel vectors, a product).
constexpr int NV = 2;
constexpr int MR = 6;
constexpr int NR = NV * DS_W;
// Reduction block: a panel is KC·NR doubles (AVX2: 128 × 8 × 8 B = 8 KiB) and the broadcast left
// block MR·KC vectors (24 KiB).
constexpr int KC = 128;
// Column block of the packed right operand: KC·NC doubles (1 MiB), L2.
constexpr int NC = 1024;
// Rows of λᵀ computed per block (gemmAtB): its scratch is LB × the thread's columns.
constexpr int LB = 240;

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

#define DS_VS 1, 2
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
      packRight(k0, kc, n0, nc, nvalid, Rm, lr, rTrans, bp, NR);
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

#else
// AVX-512: every product runs on one micro-kernel that multiplies by the left value straight from
// memory with an embedded broadcast (vmulpd m64{1to8}): on Zen 4 that costs a load only, while a
// separate broadcast (vbroadcastsd into a register, or a splat in the loop) takes an FP pipe for a
// cycle, so a 6 × 4 tile with one broadcast per row ran at 80 % of peak and with embedded
// broadcasts at 100 % (docs/engines.md). So the left operand is read in place — a row of A, a
// column of A (a row of Aᵀ, strided), a row of the adjoint, or A's columns through an index — and
// neither packed nor pre-broadcast; only the right operand is packed, per reduction block.

// The three products' tiles and blocks, chosen by measurement at k = 784, batch 64 on one Zen 4
// core (a sweep of tile shapes 3 × 8 … 12 × 2 and blocks; docs/engines.md); each runs at 89–94 %
// of peak there, the rest within about 2 % of each other:
// u = A·p + B: 6 × 4 vectors, reduction blocks of 256 (A's row segments of 2 KiB, read once from
// memory as they stream), row blocks of 96 (A's block, 192 KiB, in L2 for the second panel).
constexpr int U_MR = 6, U_NV = 4, U_KC = 256, U_MC = 96, U_NC = 1024;
// λ = Aᵀ·g: 8 × 3 vectors (a tile's 8 left values of one k are one 64-byte line of A), blocks of
// 256 rows of A, each row tile over all panels of its column block before the next (its 256 lines
// of A, 16 KiB, stay in L1; the panels, 256 × 64 doubles, in L2), column blocks of 96.
constexpr int L_MR = 8, L_NV = 3, L_KC = 256, L_MC = 8, L_NC = 96;
// ∂A = g·pᵀ (reduction = the batch, usually 64: one block): 12 × 2 vectors, each row tile over
// all panels (the adjoint's 12 rows stay in L1), the packed pᵀ (64 × 1024 at most, 512 KiB) in L2.
constexpr int G_MR = 12, G_NV = 2, G_KC = 64, G_MC = 12, G_NC = 1024;

// x · (broadcast *p): one vmulpd with an embedded-broadcast memory operand. Written as asm because
// GCC otherwise broadcasts once into a register (the FP-pipe cycle this avoids), and as an asm
// statement it cannot be contracted with the following add. The address goes in as a register,
// not as a memory operand: with a memory operand GCC kept the accumulators in memory (2× slower).
// That is sound here because nothing in these products writes the left operand (the outputs and
// the packed panels never alias it), so no store has to be ordered before the load.
static DS_INLINE vd mulBroadcast(vd x, const double* p) {
  vd r;
  __asm__("vmulpd (%2)%{1to8%}, %1, %0" : "=v"(r) : "v"(x), "r"(p));
  return r;
}

// The left operand: L(r, k) = L[r·lm + k·lk], or L[r·lm + idx[k]] with a column index.
struct Left {
  const double* p;
  size_t lm, lk;
  const int* idx;
};

// Accumulates acc[r][v] += L(r, k) · panel[k][v] for k < kc in order, one multiply then one add.
template <int R, int V, bool I>
static DS_INLINE void kernelE(int kc, const double* __restrict a, size_t lm, size_t lk, const int* __restrict idx, const double* __restrict bp, vd (&acc)[R][V]) {
  int k = 0;
  do {
    vd b[V];
    for (int v = 0; v < V; v++) b[v] = *reinterpret_cast<const vd*>(bp + v * DS_W);
    const double* ak = I ? a + idx[k] : a + (size_t)k * lk;
    // Aᵀ's tile (lm = 1) reads one line of each of kc rows of A, a strided walk that the hardware
    // prefetchers follow late: fetch the line of the tile after next.
    if (!I && lm == 1) __builtin_prefetch(ak + 2 * R);
    for (int r = 0; r < R; r++)
      for (int v = 0; v < V; v++) acc[r][v] += mulBroadcast(b[v], ak + (size_t)r * lm);
    bp += V * DS_W;
  } while (++k < kc);
}

// One R × V-vector tile; start S (0: +0, 1: bias, 2: the running sums in C) and end E (0: store,
// 1: store 0 + the sum) as in tile().
template <int R, int V, int S, int E, bool I>
static void tileE(int kc, const double* a, size_t lm, size_t lk, const int* idx, const double* bp, double* c, size_t ldc, const double* bias) {
  vd acc[R][V];
  for (int r = 0; r < R; r++)
    for (int v = 0; v < V; v++) acc[r][v] = S == 0 ? splat(0.0) : S == 1 ? splat(bias[r]) : vload(c + (size_t)r * ldc + v * DS_W);
  kernelE<R, V, I>(kc, a, lm, lk, idx, bp, acc);
  for (int r = 0; r < R; r++)
    for (int v = 0; v < V; v++) vstore(c + (size_t)r * ldc + v * DS_W, E == 1 ? splat(0.0) + acc[r][v] : acc[r][v]);
}

// The same tile when fewer than V·W columns may be written (a packed gradient row's end): through
// a buffer.
template <int R, int V, bool I>
static void tileEPartial(int kc, const double* a, size_t lm, size_t lk, const int* idx, const double* bp, double* c, size_t ldc, int cols, int start, const double* bias, int end) {
  alignas(64) double t[R][V * DS_W] = {};
  for (int r = 0; r < R; r++)
    for (int l = 0; l < cols; l++) t[r][l] = start == 0 ? 0.0 : start == 1 ? bias[r] : c[(size_t)r * ldc + l];
  if (end == 1) tileE<R, V, 2, 1, I>(kc, a, lm, lk, idx, bp, &t[0][0], V * DS_W, nullptr);
  else tileE<R, V, 2, 0, I>(kc, a, lm, lk, idx, bp, &t[0][0], V * DS_W, nullptr);
  for (int r = 0; r < R; r++)
    for (int l = 0; l < cols; l++) c[(size_t)r * ldc + l] = t[r][l];
}

typedef void (*TileEFn)(int, const double*, size_t, size_t, const int*, const double*, double*, size_t, const double*);
typedef void (*TileEPartialFn)(int, const double*, size_t, size_t, const int*, const double*, double*, size_t, int, int, const double*, int);

// The tiles of one shape family: MRE rows × NVE vectors at most, all (rows, vectors, start, end)
// combinations, for a strided (I = false) or indexed (I = true) left operand.
template <int MRE, int NVE, bool I>
struct FamilyE {
  template <int R, int V>
  static TileEFn one(int S, int E) {
    return S == 0 ? (E ? &tileE<R, V, 0, 1, I> : &tileE<R, V, 0, 0, I>) : S == 1 ? (E ? &tileE<R, V, 1, 1, I> : &tileE<R, V, 1, 0, I>) : (E ? &tileE<R, V, 2, 1, I> : &tileE<R, V, 2, 0, I>);
  }
  template <int R, int V>
  static void fill(TileEFn (&f)[3][2][MRE][NVE], TileEPartialFn (&p)[MRE][NVE]) {
    for (int S = 0; S < 3; S++)
      for (int E = 0; E < 2; E++) f[S][E][R - 1][V - 1] = one<R, V>(S, E);
    p[R - 1][V - 1] = &tileEPartial<R, V, I>;
    if constexpr (V > 1) fill<R, V - 1>(f, p);
    else if constexpr (R > 1) fill<R - 1, NVE>(f, p);
  }
  TileEFn f[3][2][MRE][NVE];
  TileEPartialFn p[MRE][NVE];
  FamilyE() { fill<MRE, NVE>(f, p); }
};

// C[m·ldc + n] = start + Σ_{k<K} L(m, k)·R(k, n), k ascending, for m < M and n < nvalid (N =
// nvalid rounded up to W; columns up to N are written only when fullRows), R(k, n) = Rm[k·lr + n]
// (rTrans = false) or Rm[n·lr + k] (true), start 0: +0, 1: bias[m]; end 1 stores 0 + the sum.
// The loops of a packed GEMM (BLIS's jc, pc, ic, jr, ir): column blocks of NCE, reduction blocks
// of KE (a sum stopped in C and continued: no bit changes) whose right operand is packed once
// into panels of NR = NVE·W columns (KE × NCE doubles, in L2), row blocks of MCE rows (their
// left values KE × MCE, in L2), then each panel (KE × NR, in L1) with the block's row tiles of
// MRE rows streaming past it.
template <int MRE, int NVE, int KE, int MCE, int NCE, bool I>
static void coreE(int M, int K, int nvalid, bool fullRows, Left L, const double* Rm, size_t lr, bool rTrans, double* C, size_t ldc, int start, const double* bias, int end) {
  static const FamilyE<MRE, NVE, I> fam;
  constexpr int NRE = NVE * DS_W;
  static_assert(NCE % NRE == 0 && MCE % MRE == 0, "blocks of whole panels and tiles");
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
  double* bp = packedScratch.get((size_t)KE * (N < NCE ? N : NCE));
  for (int n0 = 0; n0 < N; n0 += NCE) {
    const int nc = N - n0 < NCE ? N - n0 : NCE;
    for (int k0 = 0; k0 < K; k0 += KE) {
      const int kc = K - k0 < KE ? K - k0 : KE;
      const int st = k0 == 0 ? start : 2, en = k0 + kc >= K ? end : 0;
      const double* a0 = I ? L.p : L.p + (size_t)k0 * L.lk;
      const int* ix = I ? L.idx + k0 : nullptr;
      packRight(k0, kc, n0, nc, nvalid, Rm, lr, rTrans, bp, NRE);
      for (int m0 = 0; m0 < M; m0 += MCE) {
        const int mc = M - m0 < MCE ? M - m0 : MCE;
        for (int p = 0; p < nc; p += NRE) {
          const int w = nc - p < NRE ? nc - p : NRE, V = w / DS_W;
          const int cols = writable - n0 - p < w ? writable - n0 - p : w;
          const double* panel = bp + (size_t)p * kc;
          for (int m = m0; m < m0 + mc; m += MRE) {
            const int R = m0 + mc - m < MRE ? m0 + mc - m : MRE;
            const double* a = a0 + (size_t)m * L.lm;
            double* c = C + (size_t)m * ldc + n0 + p;
            const double* bm = bias ? bias + m : nullptr;
            if (cols == w) fam.f[st][en][R - 1][V - 1](kc, a, L.lm, L.lk, ix, panel, c, ldc, bm);
            else fam.p[R - 1][V - 1](kc, a, L.lm, L.lk, ix, panel, c, ldc, cols, st, bm, en);
          }
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
  const Left L{M + (size_t)r0 * ldm, (size_t)ldm, 1, idx};
  if (idx) coreE<U_MR, U_NV, U_KC, U_MC, U_NC, true>(r1 - r0, kk, nbp, true, L, X, (size_t)ldx, false, out + (size_t)r0 * ldo, (size_t)ldo, bias ? 1 : 0, bias ? bias + r0 : nullptr, 0);
  else coreE<U_MR, U_NV, U_KC, U_MC, U_NC, false>(r1 - r0, kk, nbp, true, L, X, (size_t)ldx, false, out + (size_t)r0 * ldo, (size_t)ldo, bias ? 1 : 0, bias ? bias + r0 : nullptr, 0);
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
  coreE<L_MR, L_NV, L_KC, L_MC, L_NC, false>(r1 - r0, m, nbp, true, Left{M + r0, 1, (size_t)kk, nullptr}, Y, (size_t)ldy, false, out + (size_t)r0 * ldo, (size_t)ldo, 0, nullptr, 0);
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
#if DS_W == 8
  // Without the final `0 +`: a sum started from +0 is never −0 (in round-to-nearest x + y is −0
  // only when both are −0), and 0 + s is s for every other s (NaN payloads included), so storing
  // the sum as it is gives the same bits and saves an add per output.
  coreE<G_MR, G_NV, G_KC, G_MC, G_NC, false>(r1 - r0, nb, kk, false, Left{Y + (size_t)r0 * ldy, (size_t)ldy, 1, nullptr}, X, (size_t)ldx, true, G + (size_t)r0 * kk, (size_t)kk, 0, nullptr, 0);
#else
  core(r1 - r0, nb, kk, false, Y + (size_t)r0 * ldy, (size_t)ldy, 1, X, (size_t)ldx, true, G + (size_t)r0 * kk, (size_t)kk, 0, nullptr, 1);
#endif
}

#if DS_W == 8
const GemmTable table = {DS_NAME, DS_W, U_MR, U_NV * DS_W, U_KC, bias, atb, abt, biasIdx};
#else
const GemmTable table = {DS_NAME, DS_W, MR, NR, KC, bias, atb, abt, biasIdx};
#endif

}  // namespace DS_GNS
