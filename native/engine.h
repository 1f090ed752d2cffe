// dynaspin native engine: shared declarations (see kernels.h for the arithmetic).
#pragma once
#include <cstddef>
#include <cstdint>

// One oscillator's table device for the drive step (src/device/table.ts, `writeKernelTable`'s
// packed layout): n ≥ 2 node currents x (strictly increasing), then their powers, then the PCHIP
// tangents, back to back from x; linear = 1 extends the curve beyond the nodes with the end
// tangents, 0 clamps it. n = 0: the oscillator is not a table (eq. 4 from its par row).
// To find a current's interval without a binary search, the engine first tries the interval of
// an evenly spaced table (even), then cuts [x0, x[n − 1]) into
// `cells` equal cells of width 1/inv and keeps, per cell, the interval of its left edge (start):
// a lookup starts there and steps up (or down) to the interval that holds the current. The
// interval is unique, so the bits are those of the reference's binary search.
struct TableRow {
  const double* x;
  int n;
  int linear;
  const int32_t* start;
  int cells;
  double inv;
  // (n − 1)/(x[n − 1] − x[0]), or 0 when not finite: the interval an evenly spaced table would
  // give, tried first.
  double even;
};

// The kernels of one instruction set (kernels.h compiled for it).
struct KernelTable {
  const char* name;
  int width;  // float64 lanes per vector
  // tab: null when no oscillator is a table, else one TableRow per oscillator.
  void (*drive)(int r0, int r1, int nbp, int ld, const double* U, const double* par, const TableRow* tab, double* P, double* D);
  void (*gemmBias)(int r0, int r1, int kk, int nbp, const double* M, const double* bias, const double* X, int ldx, double* out, int ldo);
  void (*gemmAtB)(int r0, int r1, int m, int kk, int nbp, const double* M, const double* Y, int ldy, double* out, int ldo);
  void (*transpose)(int kk, int kkp, int nb, const double* X, int ldx, double* XT);
  void (*gemmABt)(int r0, int r1, int kk, int kkp, int nb, const double* Y, int ldy, const double* XT, double* G);
  void (*softmax)(int classes, int nb, int ld, double* L, const int32_t* y, double scale, double* out, int32_t* pred);
  void (*adjointRows)(int r0, int r1, int nb, int nbp, int ld, const double* lam, const double* D, const double* U, const double* par, double* gU, double* gB);
  void (*cSums)(int classes, int nb, int ld, const double* G, double* gC);
  bool (*adam)(size_t e0, size_t e1, double* p, const double* g, double* m, double* v, double a, double c1, double c2, double b1, double b2, double eps, double shrink, double thr);
  void (*gemmABtNarrow)(int r0, int r1, int kk, int nb, const double* Y, int ldy, const double* X, int ldx, double* G);
  // Chunks in lanes (kernels.h): one block of a group of W chunks, sample i of chunk l in
  // column i·W + l, the sums carried over between blocks in acc.
  void (*softmaxLanes)(int classes, int rows, int i0, const double* len, int ld, double* L, const int32_t* y, double scale, double* loss, double* correct);
  void (*laneDots)(int n, const double* const* Y, const double* const* X, int rows, int i0, int full, const double* len, double* acc);
  void (*laneSums)(int n, const double* const* Y, int rows, int i0, int full, const double* len, double* acc);
  // Step 0's weight gradient from p(0)'s nonzero entries, sgCols() of its rows at a time (kernels.h).
  void (*sparseGrad)(int i0, int n, const int* roff, const int* bidx, const double* val, const double* gT, int ldt, double* T);
  // p(0) from raw rows (Engine::load): X[j·ldx + b] = feature j of row src[b] for j < d, b < nb,
  // normalised as (v − mn[j])/span[j] (0 unless span[j] > 0) when mn is not null.
  void (*loadRows)(int d, int nb, const double* const* src, const double* mn, const double* span, double* X, int ldx);
  // Rows of ∂A(0) per sparseGrad call: 8 vectors.
  int sgCols() const { return 8 * width; }
};

namespace ds_avx512 { extern const KernelTable table; }
namespace ds_avx2 { extern const KernelTable table; }
namespace ds_base { extern const KernelTable table; }

// The kernel table for this CPU ("auto"), or the named one ("avx512", "avx2", "base"); null when
// the CPU lacks it.
const KernelTable* selectKernels(const char* want);

// The measured float64 peak of this core (peak.cc): out[0] with FMA, out[1] with separate
// multiplies and adds, out[2] the clock (GHz); returns the lanes used (0: no AVX2/AVX-512).
int measurePeak(long n, double* out);
