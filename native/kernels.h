// dynaspin native engine: the per-batch work of training (forward pass with eq. 4, softmax
// cross-entropy, discrete adjoint, chunk sums) on W float64 lanes, written once with GCC vector
// extensions and compiled once per instruction set (kernels_avx512.cc, kernels_avx2.cc,
// kernels_base.cc, each defining DS_NS and DS_W before including this file).
//
// Bits: every operation is the one of the TypeScript reference (src/network/dynamics.ts,
// src/kernels/gemm.ts, src/sweep/fast-tanh.ts) and of the WebAssembly engine, in the same order,
// without fused multiply-add (built with -ffp-contract=off): each output of a matrix product is
// summed over its reduction index in ascending order from the bias or from 0, vector lanes run
// over independent outputs (batch columns or matrix columns), batch sums use batchSum's four
// interleaved partial sums. So results are bit-identical to the reference for every instruction
// set and any thread count (threads split the outputs, never a sum).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include "engine.h"
#include "transpose8.h"

namespace DS_NS {

typedef double vd __attribute__((vector_size(DS_W * 8)));
typedef long long vi __attribute__((vector_size(DS_W * 8)));
typedef unsigned long long vu __attribute__((vector_size(DS_W * 8)));
typedef double vd_u __attribute__((vector_size(DS_W * 8), aligned(8)));
typedef int32_t vi32 __attribute__((vector_size(DS_W * 4)));

// x in every lane (x − 0 is x for every x, −0 and NaN included, so this is a plain broadcast).
static inline vd splat(double x) {
  vd z = {};
  return x - z;
}
static inline vd vload(const double* p) { return *reinterpret_cast<const vd_u*>(p); }
static inline void st(double* p, vd v) { *reinterpret_cast<vd_u*>(p) = v; }
static inline vd bits(vi x) { return (vd)x; }  // GCC vector casts reinterpret the bits
static inline vi ibits(vd x) { return (vi)x; }
// WebAssembly's pmin(a, b) = b < a ? b : a and pmax(a, b) = a < b ? b : a (NaN in a passes).
static inline vd pmin(vd a, vd b) { return bits(b < a ? ibits(b) : ibits(a)); }
static inline vd pmax(vd a, vd b) { return bits(a < b ? ibits(b) : ibits(a)); }

static const double MAGIC = 6755399441055744.0, INV_LN2 = 1.4426950408889634;
static const double LN2_HI = 6.93147180369123816490e-1, LN2_LO = 1.90821492927058770002e-10;
static const double CLAMP2 = 700.0;

// (expm1(r) − r)/r² in Estrin's scheme (simd-math.as expm1Tail, same constants and order).
static inline vd expm1Tail(vd r, vd r2) {
  vd e0 = splat(0.5) + r * splat(0.16666666666666666);
  vd e1 = splat(0.041666666666666664) + r * splat(0.008333333333333333);
  vd e2 = splat(0.001388888888888889) + r * splat(0.0001984126984126984);
  vd e3 = splat(0.0000248015873015873) + r * splat(0.0000027557319223985893);
  vd e4 = splat(2.755731922398589e-7) + r * splat(2.505210838544172e-8);
  vd e5 = splat(2.08767569878681e-9) + r * splat(1.6059043836821613e-10);
  vd f0 = e0 + r2 * e1;
  vd f1 = e2 + r2 * e3;
  vd f2 = e4 + r2 * e5;
  vd r4 = r2 * r2;
  return f0 + r4 * (f1 + r4 * f2);
}
static inline vd expm1Poly(vd r) {
  vd r2 = r * r;
  return r + r2 * expm1Tail(r, r2);
}
// y = k·ln2 + r: t holds k in its low bits, returns r; scale(t) = 2^k.
static inline vd reduce(vd y, vd& t) {
  t = y * splat(INV_LN2) + splat(MAGIC);
  vd kf = t - splat(MAGIC);
  return (y - kf * splat(LN2_HI)) - kf * splat(LN2_LO);
}
static inline vd scale2k(vd t) {
  vi s = (ibits(t) + 1023LL) << 52;
  return bits(s);
}
// e^x (fastExp / expv): x clamped to [−700, 700], e^x = s + s·expm1(r).
static inline vd expv(vd x) {
  vd y = pmin(pmax(x, splat(-700.0)), splat(700.0));
  vd t;
  vd r = reduce(y, t);
  vd p = expm1Poly(r);
  vd s = scale2k(t);
  return s + s * p;
}
// log of positive normal lanes (fastLog / logv); NaN and +∞ pass through.
static inline vd logv(vd x) {
  vi xb = ibits(x);
  vu sh = (vu)xb >> 52;
  vd e = bits((vi)sh | ibits(splat(4503599627370496.0))) - splat(4503599627371519.0);
  vd m = bits((xb & 0x000fffffffffffffLL) | 0x3ff0000000000000LL);
  vi big = m > splat(1.4142135623730951);
  m = bits(big ? ibits(m * splat(0.5)) : ibits(m));
  e = bits(big ? ibits(e + splat(1.0)) : ibits(e));
  vd f = m - splat(1.0);
  vd s = f / (splat(2.0) + f);
  vd z = s * s;
  vd a0 = splat(1.0) + z * splat(0.3333333333333333), a1 = splat(0.2) + z * splat(0.14285714285714285);
  vd a2 = splat(0.1111111111111111) + z * splat(0.09090909090909091), a3 = splat(0.07692307692307693) + z * splat(0.06666666666666667);
  vd a4 = splat(0.058823529411764705) + z * splat(0.05263157894736842), a5 = splat(0.047619047619047616) + z * splat(0.043478260869565216);
  vd z2 = z * z;
  vd b0 = a0 + z2 * a1, b1 = a2 + z2 * a3, b2 = a4 + z2 * a5;
  vd z4 = z2 * z2;
  vd tail = b0 + z4 * (b1 + z4 * b2);
  vd w = (splat(2.0) * s) * tail;
  vd res = e * splat(LN2_HI) + (e * splat(LN2_LO) + w);
  vi fin = x < splat(__builtin_inf());
  return bits(fin ? ibits(res) : ibits(x));
}

// Eq. 4 value (and derivative when D) at currents x for one device (simd-math.as eq4Store) on NV
// vectors, each operation on all NV before the next: the chains are independent, so the
// out-of-order core overlaps them (one vector's chain alone is latency-bound; four are 22 % faster
// at the spiral's shape). Same operations per lane, so the same bits.
// q = (2a, 2b, Ic, Q·Ic, P0, 2a·P0, P0·Ic·(1 + Q)).
template <int NV>
static inline void eq4StoreN(const vd* x, const double* q, double* P, double* D) {
  vd a2 = splat(q[0]), b2 = splat(q[1]), Ic = splat(q[2]), QIc = splat(q[3]), P0 = splat(q[4]);
  vd y[NV], t[NV], r[NV], p[NV], s[NV];
  for (int n = 0; n < NV; n++) y[n] = pmax(pmin(b2 - a2 * x[n], splat(CLAMP2)), splat(-CLAMP2));
  for (int n = 0; n < NV; n++) r[n] = reduce(y[n], t[n]);
  for (int n = 0; n < NV; n++) p[n] = expm1Poly(r[n]);
  for (int n = 0; n < NV; n++) s[n] = scale2k(t[n]);
  if (D == nullptr) {
    for (int n = 0; n < NV; n++) {
      vd den = (splat(1.0) + s[n]) + s[n] * p[n];
      st(P + n * DS_W, (P0 * (x[n] - Ic)) / (den * (x[n] + QIc)));
    }
    return;
  }
  for (int n = 0; n < NV; n++) {
    vd sp = s[n] * p[n];
    vd w = (splat(1.0) + s[n]) + sp;
    vd E = s[n] + sp;
    vd num = x[n] - Ic, dI = x[n] + QIc;
    vd wd = w * dI;
    st(P + n * DS_W, (P0 * num) / wd);
    vd inv = splat(1.0) / wd;
    vd g = (splat(q[5]) * ((E * inv) * dI)) * num;
    st(D + n * DS_W, inv * (g + splat(q[6]) * (w * inv)));
  }
}

// One vector (the robustness sweep's kernels use it too).
static inline void eq4Store(vd x, const double* q, double* P, double* D) { eq4StoreN<1>(&x, q, P, D); }

template <int NV>
static inline void driveN(const double* U, const double* q, vd pol, double* P, double* D) {
  vd x[NV];
  for (int n = 0; n < NV; n++) {
    vd u = vload(U + n * DS_W);
    x[n] = (pol * u) * u;
  }
  eq4StoreN<NV>(x, q, P, D);
}
// Index k with x[k] <= v < x[k + 1], for x[0] < v < x[n − 1] (table.ts locate; the index is
// unique, so any search gives the same one): the interval an evenly spaced table would give when
// it holds v (one test on a tabulated grid), else from the start of v's cell (TableRow), stepping
// to the interval that holds v.
static inline int tableLocate(const TableRow& tr, double v) {
  const double* x = tr.x;
  double e = (v - x[0]) * tr.even;
  int g = e < (double)(tr.n - 2) ? (int)e : tr.n - 2;
  if (x[g] <= v && v < x[g + 1]) return g;
  double c = (v - x[0]) * tr.inv;
  int cell = c < (double)tr.cells ? (int)c : tr.cells - 1;
  int k = tr.start[cell];
  while (k + 2 < tr.n && x[k + 1] <= v) k++;
  while (k > 0 && x[k] > v) k--;
  return k;
}

// A table device's row of the step (src/device/table.ts TableCurve.evaluate, operation for
// operation and in its order): I = (s·u)·u, then the monotone cubic Hermite piece of I's interval,
// or beyond the nodes the end value held (clamp: derivative 0 strictly outside, the end tangent on
// the end node) or continued with the end tangent (linear); NaN stays NaN. W samples at a time:
// each lane's interval is found on its own (tableLocate) and its nodes gathered into vectors, then
// the cubic, the extrapolations and the choice between them run on all lanes (the same operations
// per lane as the scalar reference, so the same bits).
static void tableRowCurve(const TableRow& tr, int nbp, const double* U, double pol, double* P, double* D) {
  const int n = tr.n;
  const double *x = tr.x, *y = x + n, *m = y + n;
  const double x0 = x[0], xl = x[n - 1];
  const vd X0 = splat(x0), XL = splat(xl), Y0 = splat(y[0]), M0 = splat(m[0]), YL = splat(y[n - 1]), ML = splat(m[n - 1]);
  const vd zero = splat(0.0), s = splat(pol);
  const bool linear = tr.linear != 0;
  for (int b = 0; b < nbp; b += DS_W) {
    const vd u = vload(U + b);
    const vd v = (s * u) * u;
    vd xk, xk1, yk, yk1, mk, mk1;
    for (int l = 0; l < DS_W; l++) {
      const double vl = v[l];
      const int k = vl > x0 && vl < xl ? tableLocate(tr, vl) : 0;
      xk[l] = x[k], xk1[l] = x[k + 1], yk[l] = y[k], yk1[l] = y[k + 1], mk[l] = m[k], mk1[l] = m[k + 1];
    }
    const vd h = xk1 - xk, t = (v - xk) / h, t2 = t * t, t3 = t2 * t;
    vd p = (splat(2.0) * t3 - splat(3.0) * t2 + splat(1.0)) * yk + (t3 - splat(2.0) * t2 + t) * h * mk + (splat(3.0) * t2 - splat(2.0) * t3) * yk1 + (t3 - t2) * h * mk1;
    // Beyond the nodes: below (or on x0, or NaN) and from the last node up.
    const vi low = ~(v > X0), high = ~low & (v >= XL), nan = v != v;
    const vd pLow = linear ? Y0 + M0 * (v - X0) : Y0, pHigh = linear ? YL + ML * (v - XL) : YL;
    p = bits(high ? ibits(pHigh) : ibits(p));
    p = bits(low ? (nan ? ibits(v) : ibits(pLow)) : ibits(p));
    st(P + b, p);
    if (!D) continue;
    vd d = ((splat(6.0) * t2 - splat(6.0) * t) * (yk - yk1)) / h + (splat(3.0) * t2 - splat(4.0) * t + splat(1.0)) * mk + (splat(3.0) * t2 - splat(2.0) * t) * mk1;
    const vd dLow = linear ? M0 : bits(v < X0 ? ibits(zero) : ibits(M0)), dHigh = linear ? ML : bits(v > XL ? ibits(zero) : ibits(ML));
    d = bits(high ? ibits(dHigh) : ibits(d));
    d = bits(low ? (nan ? ibits(v) : ibits(dLow)) : ibits(d));
    st(D + b, d);
  }
}

// Rows [r0, r1) of one step: P[i] = f_i(s_i·u_i²), D[i] = f_i' on nbp columns (a multiple of W);
// a table row (tab[i].n > 0) by tableRowCurve, an eq. 4 row four vectors at a time (then two,
// then one).
void drive(int r0, int r1, int nbp, int ld, const double* U, const double* par, const TableRow* tab, double* P, double* D) {
  for (int i = r0; i < r1; i++) {
    const double* q = par + 8 * i;
    size_t row = (size_t)i * ld;
    if (tab && tab[i].n > 0) {
      tableRowCurve(tab[i], nbp, U + row, q[7], P + row, D ? D + row : nullptr);
      continue;
    }
    vd pol = splat(q[7]);
    int b = 0;
    // Without the derivative (inference), eight vectors at a time: twice the independent chains
    // (about 4 % faster on the digits network's inference); training's pass, with it, keeps four.
    if (D == nullptr)
      for (; b + 8 * DS_W <= nbp; b += 8 * DS_W) driveN<8>(U + row + b, q, pol, P + row + b, nullptr);
    for (; b + 4 * DS_W <= nbp; b += 4 * DS_W) driveN<4>(U + row + b, q, pol, P + row + b, D ? D + row + b : nullptr);
    if (b + 2 * DS_W <= nbp) driveN<2>(U + row + b, q, pol, P + row + b, D ? D + row + b : nullptr), b += 2 * DS_W;
    if (b < nbp) driveN<1>(U + row + b, q, pol, P + row + b, D ? D + row + b : nullptr);
  }
}

// out[i][b] = bias[i] + Σ_j M[i][j]·X[j][b] (j ascending) for rows [r0, r1), nbp columns.
void gemmBias(int r0, int r1, int kk, int nbp, const double* M, const double* bias, const double* X, int ldx, double* out, int ldo) {
  const int V = 4, BW = V * DS_W;
  int i = r0;
  for (; i + 4 <= r1; i += 4) {
    const double *m0 = M + (size_t)i * kk, *m1 = m0 + kk, *m2 = m1 + kk, *m3 = m2 + kk;
    double c0 = bias ? bias[i] : 0.0, c1 = bias ? bias[i + 1] : 0.0, c2 = bias ? bias[i + 2] : 0.0, c3 = bias ? bias[i + 3] : 0.0;
    int b = 0;
    for (; b + BW <= nbp; b += BW) {
      vd s[4][V];
      for (int v = 0; v < V; v++) s[0][v] = splat(c0), s[1][v] = splat(c1), s[2][v] = splat(c2), s[3][v] = splat(c3);
      const double* x = X + b;
      for (int j = 0; j < kk; j++, x += ldx) {
        vd xv[V];
        for (int v = 0; v < V; v++) xv[v] = vload(x + v * DS_W);
        vd a0 = splat(m0[j]), a1 = splat(m1[j]), a2 = splat(m2[j]), a3 = splat(m3[j]);
        for (int v = 0; v < V; v++) {
          s[0][v] += a0 * xv[v];
          s[1][v] += a1 * xv[v];
          s[2][v] += a2 * xv[v];
          s[3][v] += a3 * xv[v];
        }
      }
      for (int r = 0; r < 4; r++)
        for (int v = 0; v < V; v++) st(out + (size_t)(i + r) * ldo + b + v * DS_W, s[r][v]);
    }
    for (; b < nbp; b += DS_W) {
      vd s0 = splat(c0), s1 = splat(c1), s2 = splat(c2), s3 = splat(c3);
      const double* x = X + b;
      for (int j = 0; j < kk; j++, x += ldx) {
        vd xv = vload(x);
        s0 += splat(m0[j]) * xv;
        s1 += splat(m1[j]) * xv;
        s2 += splat(m2[j]) * xv;
        s3 += splat(m3[j]) * xv;
      }
      st(out + (size_t)i * ldo + b, s0);
      st(out + (size_t)(i + 1) * ldo + b, s1);
      st(out + (size_t)(i + 2) * ldo + b, s2);
      st(out + (size_t)(i + 3) * ldo + b, s3);
    }
  }
  for (; i < r1; i++) {
    const double* m0 = M + (size_t)i * kk;
    double c0 = bias ? bias[i] : 0.0;
    for (int b = 0; b < nbp; b += DS_W) {
      vd s0 = splat(c0);
      const double* x = X + b;
      for (int j = 0; j < kk; j++, x += ldx) s0 += splat(m0[j]) * vload(x);
      st(out + (size_t)i * ldo + b, s0);
    }
  }
}

// out[j][b] = Σ_i M[i][j]·Y[i][b] (i ascending from 0) for output rows j in [r0, r1), nbp columns.
void gemmAtB(int r0, int r1, int m, int kk, int nbp, const double* M, const double* Y, int ldy, double* out, int ldo) {
  const int V = 4, BW = V * DS_W;
  int j = r0;
  for (; j + 4 <= r1; j += 4) {
    int b = 0;
    for (; b + BW <= nbp; b += BW) {
      vd s[4][V];
      for (int r = 0; r < 4; r++)
        for (int v = 0; v < V; v++) s[r][v] = splat(0.0);
      const double* y = Y + b;
      const double* mm = M + j;
      for (int i = 0; i < m; i++, y += ldy, mm += kk) {
        vd yv[V];
        for (int v = 0; v < V; v++) yv[v] = vload(y + v * DS_W);
        vd a0 = splat(mm[0]), a1 = splat(mm[1]), a2 = splat(mm[2]), a3 = splat(mm[3]);
        for (int v = 0; v < V; v++) {
          s[0][v] += a0 * yv[v];
          s[1][v] += a1 * yv[v];
          s[2][v] += a2 * yv[v];
          s[3][v] += a3 * yv[v];
        }
      }
      for (int r = 0; r < 4; r++)
        for (int v = 0; v < V; v++) st(out + (size_t)(j + r) * ldo + b + v * DS_W, s[r][v]);
    }
    for (; b < nbp; b += DS_W) {
      vd s0 = splat(0.0), s1 = splat(0.0), s2 = splat(0.0), s3 = splat(0.0);
      const double* y = Y + b;
      const double* mm = M + j;
      for (int i = 0; i < m; i++, y += ldy, mm += kk) {
        vd yv = vload(y);
        s0 += splat(mm[0]) * yv;
        s1 += splat(mm[1]) * yv;
        s2 += splat(mm[2]) * yv;
        s3 += splat(mm[3]) * yv;
      }
      st(out + (size_t)j * ldo + b, s0);
      st(out + (size_t)(j + 1) * ldo + b, s1);
      st(out + (size_t)(j + 2) * ldo + b, s2);
      st(out + (size_t)(j + 3) * ldo + b, s3);
    }
  }
  for (; j < r1; j++) {
    for (int b = 0; b < nbp; b += DS_W) {
      vd s0 = splat(0.0);
      const double* y = Y + b;
      const double* mm = M + j;
      for (int i = 0; i < m; i++, y += ldy, mm += kk) s0 += splat(mm[0]) * vload(y);
      st(out + (size_t)j * ldo + b, s0);
    }
  }
}

// XT[b][j] = X[j][b] for j < kk, b < nb; XT rows of length kkp (≥ kk, a multiple of W), the tail zeroed.
// (Copies only, so any order gives the same bits.) With 8 lanes, blocks of 8×8 in registers.
void transpose(int kk, int kkp, int nb, const double* X, int ldx, double* XT) {
  int b0 = 0;
#if DS_W == 8
  if (kk >= 8) {
    const int kk8 = kk & ~7;
    for (; b0 + 8 <= nb; b0 += 8) {
      for (int j = 0; j < kk8; j += 8) {
        const double* x = X + (size_t)j * ldx + b0;
        vd r[8];
        for (int m = 0; m < 8; m++) r[m] = vload(x + (size_t)m * ldx);
        transpose8(r);
        for (int m = 0; m < 8; m++) st(XT + (size_t)(b0 + m) * kkp + j, r[m]);
      }
      for (int m = 0; m < 8; m++) {
        double* row = XT + (size_t)(b0 + m) * kkp;
        for (int j = kk8; j < kk; j++) row[j] = X[(size_t)j * ldx + b0 + m];
        for (int j = kk; j < kkp; j++) row[j] = 0.0;
      }
    }
  }
#endif
  for (int b = b0; b < nb; b++) {
    double* row = XT + (size_t)b * kkp;
    for (int j = 0; j < kk; j++) row[j] = X[(size_t)j * ldx + b];
    for (int j = kk; j < kkp; j++) row[j] = 0.0;
  }
}

// G[i][j] = 0 + Σ_b Y[i][b]·X[j][b] (b ascending from 0) for rows i in [r0, r1), j < kk, with X
// given transposed (XT[b][j], rows of kkp). "0 +": the reference adds each sum to a zeroed
// gradient (so a −0 sum is stored as +0, as there); each output is written once per chunk, so no
// zeroing pass and no read of G.
void gemmABt(int r0, int r1, int kk, int kkp, int nb, const double* Y, int ldy, const double* XT, double* G) {
  const int V = 3, BW = V * DS_W;
  double tmp[4][BW];
  int i = r0;
  for (; i < r1; i += 4) {
    int R = r1 - i < 4 ? r1 - i : 4;
    const double* yr[4];
    for (int r = 0; r < 4; r++) yr[r] = Y + (size_t)(i + (r < R ? r : 0)) * ldy;
    for (int j = 0; j < kk; j += BW) {
      vd s[4][V];
      for (int r = 0; r < 4; r++)
        for (int v = 0; v < V; v++) s[r][v] = splat(0.0);
      int nv = (kkp - j) / DS_W;
      if (nv >= V) {
        const double* x = XT + j;
        for (int b = 0; b < nb; b++, x += kkp) {
          vd xv[V];
          for (int v = 0; v < V; v++) xv[v] = vload(x + v * DS_W);
          for (int r = 0; r < 4; r++) {
            vd q = splat(yr[r][b]);
            for (int v = 0; v < V; v++) s[r][v] += q * xv[v];
          }
        }
      } else {
        const double* x = XT + j;
        for (int b = 0; b < nb; b++, x += kkp) {
          for (int v = 0; v < nv; v++) {
            vd xv = vload(x + v * DS_W);
            for (int r = 0; r < 4; r++) s[r][v] += splat(yr[r][b]) * xv;
          }
        }
      }
      int n = kk - j < BW ? kk - j : BW;
      for (int r = 0; r < R; r++) {
        double* g = G + (size_t)(i + r) * kk + j;
        if (n == BW) {
          for (int v = 0; v < V; v++) st(g + v * DS_W, splat(0.0) + s[r][v]);
          continue;
        }
        for (int v = 0; v < V; v++)
          for (int l = 0; l < DS_W; l++) tmp[r][v * DS_W + l] = s[r][v][l];
        for (int e = 0; e < n; e++) g[e] = 0.0 + tmp[r][e];
      }
    }
  }
}

// gemmABt for narrow X (kk < 8: the spiral's k = 2), without a transpose: G[i][j] = 0 + Σ_b
// Y[i][b]·X[j][b] with each sum over b ascending from 0 (the same bits), four outputs at a time.
void gemmABtNarrow(int r0, int r1, int kk, int nb, const double* Y, int ldy, const double* X, int ldx, double* G) {
  const int n = (r1 - r0) * kk;
  for (int o = 0; o < n; o += 4) {
    const double* y[4];
    const double* x[4];
    double s[4] = {0, 0, 0, 0};
    int cnt = n - o < 4 ? n - o : 4;
    for (int q = 0; q < 4; q++) {
      int oo = o + (q < cnt ? q : 0);
      y[q] = Y + (size_t)(r0 + oo / kk) * ldy;
      x[q] = X + (size_t)(oo % kk) * ldx;
    }
    for (int b = 0; b < nb; b++) {
      s[0] += y[0][b] * x[0][b];
      s[1] += y[1][b] * x[1][b];
      s[2] += y[2][b] * x[2][b];
      s[3] += y[3][b] * x[3][b];
    }
    for (int q = 0; q < cnt; q++) {
      int oo = o + q;
      G[(size_t)(r0 + oo / kk) * kk + oo % kk] = 0.0 + s[q];
    }
  }
}

// Softmax cross-entropy of NV vectors of samples from column b0 (n valid samples in the last
// one, the others full), each operation on all NV before the next: one vector's exp → sum →
// division → log chain is latency-bound, NV independent ones overlap (as eq4StoreN). The labels
// are converted in one instruction and the label's logit is picked by a select in the max pass
// (the same value as a load of L[y]); padding lanes get label −1. Returns each sample's loss in
// ls and whether its first largest logit is its label in ok; with PART (a last vector of n < W
// samples) only the n columns are written (the exp is computed again for the update instead of
// being stored), so a chunk may end inside a vector whose other columns belong to the next chunk.
template <int NV, bool PART>
static inline void softmaxCore(int classes, int b0, int n, int ld, double* L, const int32_t* y, double scale, vd* ls, vi* ok, vd* argOut = nullptr) {
  vd yv[NV], best[NV], arg[NV], lab[NV], sum[NV], inv[NV];
  for (int u = 0; u < NV; u++) {
    vi32 yi;
    if (!PART || u < NV - 1) {
      std::memcpy(&yi, y + b0 + u * DS_W, sizeof yi);
    } else {
      for (int l = 0; l < DS_W; l++) yi[l] = l < n ? y[b0 + u * DS_W + l] : -1;
    }
    yv[u] = __builtin_convertvector(yi, vd);
    best[u] = splat(-__builtin_inf()), arg[u] = splat(0.0), lab[u] = splat(0.0), sum[u] = splat(0.0);
  }
  for (int c = 0; c < classes; c++) {
    const double* at = L + (size_t)c * ld + b0;
    vd cv = splat((double)c);
    for (int u = 0; u < NV; u++) {
      vd v = vload(at + u * DS_W);
      vi gt = v > best[u];
      best[u] = bits(gt ? ibits(v) : ibits(best[u]));
      arg[u] = bits(gt ? ibits(cv) : ibits(arg[u]));
      vi hot = cv == yv[u];
      lab[u] = bits(hot ? ibits(v) : ibits(lab[u]));
    }
  }
  for (int c = 0; c < classes; c++) {
    double* at = L + (size_t)c * ld + b0;
    for (int u = 0; u < NV; u++) {
      vd e = expv(vload(at + u * DS_W) - best[u]);
      if (!PART) st(at + u * DS_W, e);
      sum[u] = sum[u] + e;
    }
  }
  for (int u = 0; u < NV; u++) inv[u] = splat(1.0) / sum[u];
  for (int c = 0; c < classes; c++) {
    double* at = L + (size_t)c * ld + b0;
    vd cv = splat((double)c);
    for (int u = 0; u < NV; u++) {
      vi hot = cv == yv[u];
      vd h = bits(hot & ibits(splat(1.0)));
      if (!PART) {
        st(at + u * DS_W, splat(scale) * (vload(at + u * DS_W) * inv[u] - h));
      } else {
        alignas(64) double r[DS_W];
        st(r, splat(scale) * (expv(vload(at + u * DS_W) - best[u]) * inv[u] - h));
        for (int l = 0; l < n; l++) at[u * DS_W + l] = r[l];
      }
    }
  }
  for (int u = 0; u < NV; u++) {
    ls[u] = (logv(sum[u]) + best[u]) - lab[u];
    ok[u] = arg[u] == yv[u];
    if (argOut) argOut[u] = arg[u];
  }
}

// softmaxCore, then the loss added sample by sample in order, the correct count, the predictions.
template <int NV, bool PART>
static inline void softmaxN(int classes, int b0, int n, int ld, double* L, const int32_t* y, double scale, double& loss, int& correct, int32_t* pred) {
  vd ls[NV], arg[NV];
  vi ok[NV];
  softmaxCore<NV, PART>(classes, b0, n, ld, L, y, scale, ls, ok, arg);
  alignas(64) double lsv[NV][DS_W];
  alignas(64) long long okv[NV][DS_W];
  for (int u = 0; u < NV; u++) {
    st(lsv[u], ls[u]);
    std::memcpy(okv[u], &ok[u], sizeof ok[u]);
  }
  for (int u = 0; u < NV; u++) {
    int m = PART && u == NV - 1 ? n : DS_W;
    for (int l = 0; l < m; l++) {
      loss += lsv[u][l];
      correct += okv[u][l] != 0;
    }
    if (pred) {
      vi32 pi = __builtin_convertvector(arg[u], vi32);
      std::memcpy(pred + b0 + u * DS_W, &pi, (size_t)m * sizeof(int32_t));
    }
  }
}

// Softmax cross-entropy of columns [0, nb) of L (classes rows of stride ld): L becomes
// scale·(softmax − onehot(y)); returns the summed loss (samples in order) and the correct count,
// and (pred not null) each sample's predicted class (the first largest logit). Four vectors of
// samples at a time (softmaxN), then one; columns from nb on are neither read as samples nor
// written.
void softmax(int classes, int nb, int ld, double* L, const int32_t* y, double scale, double* out, int32_t* pred) {
  double loss = 0.0;
  int correct = 0;
  int b0 = 0;
  for (; b0 + 4 * DS_W <= nb; b0 += 4 * DS_W) softmaxN<4, false>(classes, b0, DS_W, ld, L, y, scale, loss, correct, pred);
  for (; b0 + DS_W <= nb; b0 += DS_W) softmaxN<1, false>(classes, b0, DS_W, ld, L, y, scale, loss, correct, pred);
  if (b0 < nb) softmaxN<1, true>(classes, b0, nb - b0, ld, L, y, scale, loss, correct, pred);
  out[0] = loss;
  out[1] = (double)correct;
}

// Σ_b x[b] for b < n in four interleaved partial sums, (s0 + s2) + (s1 + s3) (dynamics.ts batchSum).
static inline double batchSum(const double* x, int n) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int n4 = n & ~3;
  for (int b = 0; b < n4; b += 4) {
    s0 += x[b];
    s1 += x[b + 1];
    s2 += x[b + 2];
    s3 += x[b + 3];
  }
  if (n4 < n) s0 += x[n4];
  if (n4 + 1 < n) s1 += x[n4 + 1];
  if (n4 + 2 < n) s2 += x[n4 + 2];
  return s0 + s2 + (s1 + s3);
}

// Rows [r0, r1) of gU = λ·f'·2s·u, and gB[i] = 0 + their sums (written once per chunk, as gemmABt).
void adjointRows(int r0, int r1, int nb, int nbp, int ld, const double* lam, const double* D, const double* U, const double* par, double* gU, double* gB) {
  for (int i = r0; i < r1; i++) {
    size_t ro = (size_t)i * ld;
    vd s2 = splat(2.0 * par[8 * i + 7]);
    for (int b = 0; b < nbp; b += DS_W) st(gU + ro + b, ((vload(lam + ro + b) * vload(D + ro + b)) * s2) * vload(U + ro + b));
    gB[i] = 0.0 + batchSum(gU + ro, nb);
  }
}

// gC[c] = 0 + the batch sum of row c of G (written once per chunk, as gemmABt).
void cSums(int classes, int nb, int ld, const double* G, double* gC) {
  for (int c = 0; c < classes; c++) gC[c] = 0.0 + batchSum(G + (size_t)c * ld, nb);
}

// Adam on elements [e0, e1) (src/train/adam.ts, operation for operation): p ← p·shrink, m ← b1·m +
// (1 − b1)·g, v ← b2·v + ((1 − b2)·g)·g, p ← p − (a·(m·c1))/(√(v·c2) + eps), then with an L1
// threshold thr > 0 the soft threshold p ← 0 if −thr ≤ p ≤ thr, else p ∓ thr (softThreshold; NaN
// stays NaN). (p·1 is p, so the multiply by shrink = 1 costs nothing in bits.) Returns false when an updated parameter is not
// finite. Element-wise with an OR of flags, so GCC vectorises it for the table's lanes (sqrt and
// division are correctly rounded, as JavaScript's) and it can be split freely over threads.
// The loop is written twice (with and without the threshold) so that each vectorises: with the
// test of thr inside one loop GCC vectorised neither (the L1 change made plain Adam scalar).
template <bool L1>
static inline bool adamLoop(size_t e0, size_t e1, double* __restrict p, const double* __restrict g, double* __restrict m, double* __restrict v, double a, double c1, double c2, double b1, double b2, double eps, double shrink, double thr) {
  const double ob1 = 1 - b1, ob2 = 1 - b2;
  long bad = 0;
  for (size_t e = e0; e < e1; e++) {
    double ge = g[e];
    double me = b1 * m[e] + ob1 * ge;
    double ve = b2 * v[e] + (ob2 * ge) * ge;
    m[e] = me;
    v[e] = ve;
    double pe = p[e] * shrink - (a * (me * c1)) / (__builtin_sqrt(ve * c2) + eps);
    if (L1) {
      const double down = pe - thr, up = pe + thr;
      pe = (pe >= -thr && pe <= thr) ? 0.0 : (pe > 0 ? down : up);
    }
    p[e] = pe;
    bad |= !(pe - pe == 0);
  }
  return bad == 0;
}

bool adam(size_t e0, size_t e1, double* __restrict p, const double* __restrict g, double* __restrict m, double* __restrict v, double a, double c1, double c2, double b1, double b2, double eps, double shrink, double thr) {
  return thr > 0 ? adamLoop<true>(e0, e1, p, g, m, v, a, c1, c2, b1, b2, eps, shrink, thr)
                 : adamLoop<false>(e0, e1, p, g, m, v, a, c1, c2, b1, b2, eps, shrink, thr);
}

// ---- Chunks in lanes (engine.cc, Engine::laneGradient) ----
// A group of W chunks keeps sample i of its chunk l in column i·W + l, so lane l of every vector
// belongs to one chunk and a vector sum over rows i = 0, 1, … adds each chunk's samples in their
// own order: the chunk sums of src/train/chunks.ts, W at a time, with the same bits. The rows are
// processed in blocks (rows i0 … i0 + rows − 1); the sums carry over from block to block in acc.
// Lane l has len[l] samples: rows i ≥ len[l] are padding in that lane and are skipped (a select,
// never an addition); rows below `full` are samples in every lane.

// Softmax cross-entropy of one block of a group (rows vectors from L, classes rows of stride ld):
// L becomes scale·(softmax − onehot(y)) as in softmax; loss[l] += the lane's samples' losses in
// row order, correct[l] += its correct count (both W values, carried over between blocks).
void softmaxLanes(int classes, int rows, int i0, const double* len, int ld, double* L, const int32_t* y, double scale, double* loss, double* correct) {
  vd lv = vload(loss), cv = vload(correct), lenv = vload(len);
  int i = 0;
  for (; i + 4 <= rows; i += 4) {
    vd ls[4];
    vi ok[4];
    softmaxCore<4, false>(classes, i * DS_W, DS_W, ld, L, y, scale, ls, ok);
    for (int u = 0; u < 4; u++) {
      vi on = splat((double)(i0 + i + u)) < lenv;
      lv = bits(on ? ibits(lv + ls[u]) : ibits(lv));
      cv = bits(on & ok[u] ? ibits(cv + splat(1.0)) : ibits(cv));
    }
  }
  for (; i < rows; i++) {
    vd ls[1];
    vi ok[1];
    softmaxCore<1, false>(classes, i * DS_W, DS_W, ld, L, y, scale, ls, ok);
    vi on = splat((double)(i0 + i)) < lenv;
    lv = bits(on ? ibits(lv + ls[0]) : ibits(lv));
    cv = bits(on & ok[0] ? ibits(cv + splat(1.0)) : ibits(cv));
  }
  st(loss, lv);
  st(correct, cv);
}

// For n pairs (Y[p], X[p]) of rows of one block: acc[p·W + l] += Y[p][i·W + l]·X[p][i·W + l] for
// the lane's samples i in order (gemmABt's sum of one chunk; the caller adds the final 0 +), four
// pairs at a time (independent chains).
void laneDots(int n, const double* const* Y, const double* const* X, int rows, int i0, int full, const double* len, double* acc) {
  vd lenv = vload(len);
  int nf = full - i0 < 0 ? 0 : (full - i0 < rows ? full - i0 : rows);
  for (int p0 = 0; p0 < n; p0 += 4) {
    int cnt = n - p0 < 4 ? n - p0 : 4;
    const double* y[4];
    const double* x[4];
    vd s[4];
    for (int q = 0; q < 4; q++) {
      int p = p0 + (q < cnt ? q : 0);
      y[q] = Y[p], x[q] = X[p], s[q] = vload(acc + (size_t)p * DS_W);
    }
    int i = 0;
    for (; i < nf; i++) {
      size_t o = (size_t)i * DS_W;
      for (int q = 0; q < 4; q++) s[q] += vload(y[q] + o) * vload(x[q] + o);
    }
    for (; i < rows; i++) {
      size_t o = (size_t)i * DS_W;
      vi on = splat((double)(i0 + i)) < lenv;
      for (int q = 0; q < 4; q++) s[q] = bits(on ? ibits(s[q] + vload(y[q] + o) * vload(x[q] + o)) : ibits(s[q]));
    }
    for (int q = 0; q < cnt; q++) st(acc + (size_t)(p0 + q) * DS_W, s[q]);
  }
}

// For n rows Y[p] of one block: the lane's batchSum partials acc[(p·4 + r)·W + l] += its samples
// with index ≡ r mod 4, in order (i0 is a multiple of 4; the caller forms (s0 + s2) + (s1 + s3)).
void laneSums(int n, const double* const* Y, int rows, int i0, int full, const double* len, double* acc) {
  vd lenv = vload(len);
  int nf = full - i0 < 0 ? 0 : (full - i0 < rows ? full - i0 : rows);
  for (int p = 0; p < n; p++) {
    const double* y = Y[p];
    double* a = acc + (size_t)p * 4 * DS_W;
    vd s[4] = {vload(a), vload(a + DS_W), vload(a + 2 * DS_W), vload(a + 3 * DS_W)};
    int i = 0;
    for (; i + 4 <= nf; i += 4)
      for (int r = 0; r < 4; r++) s[r] += vload(y + (size_t)(i + r) * DS_W);
    for (; i < rows; i++) {
      vi on = splat((double)(i0 + i)) < lenv;
      vd v = vload(y + (size_t)i * DS_W);
      s[i & 3] = bits(on ? ibits(s[i & 3] + v) : ibits(s[i & 3]));
    }
    for (int r = 0; r < 4; r++) st(a + r * DS_W, s[r]);
  }
}

// Step 0's weight gradient from p(0)'s nonzero entries (engine.cc, Engine::sparseGradRows): T[c][l]
// = Σ_b gT[b][i0 + l]·x over compact row c's entries (b, x) = (bidx[e], val[e]), e in [roff[c],
// roff[c + 1]), b ascending, from +0, for the n compact rows c and l < 8·W (T: n rows of 8·W).
// Column l is row i0 + l of the compact ∂A(0), stored as 0 + the sum: gemmABt's sum without the terms
// whose p(0) entry is ±0 (each ±0 when gU is finite, so leaving them out changes no bit). Eight
// vectors of columns: eight independent sums per entry, gT's 8·W columns staying in L1.
void sparseGrad(int i0, int n, const int* roff, const int* bidx, const double* val, const double* gT, int ldt, double* T) {
  constexpr int NV = 8, BW = NV * DS_W;
  for (int c = 0; c < n; c++) {
    vd acc[NV];
    for (int v = 0; v < NV; v++) acc[v] = splat(0.0);
    for (int e = roff[c]; e < roff[c + 1]; e++) {
      const double* g = gT + (size_t)bidx[e] * ldt + i0;
      const vd x = splat(val[e]);
      for (int v = 0; v < NV; v++) acc[v] += vload(g + v * DS_W) * x;
    }
    for (int v = 0; v < NV; v++) st(T + (size_t)c * BW + v * DS_W, splat(0.0) + acc[v]);
  }
}

// Feature j of a raw row, normalised: (v − mn[j])/span[j] when span[j] > 0, else 0 (mn null: v).
// The IEEE operations of gatherColumns (src/network/dynamics.ts), lane by lane, so the same bits.
static inline vd normalised(vd v, const double* mn, const double* span, int j) {
  if (mn == nullptr) return v;
  const vd sp = vload(span + j);
  return bits((sp > splat(0.0)) & ibits((v - vload(mn + j)) / sp));
}

// X[j·ldx + b] = feature j of row src[b] (normalised as above) for j < d, b < nb: blocks of W rows
// by W features, transposed in registers with 8 lanes (copies: any order gives the same bits).
void loadRows(int d, int nb, const double* const* src, const double* mn, const double* span, double* X, int ldx) {
  int b0 = 0;
  const int dW = d / DS_W * DS_W;
#if DS_W == 8
  for (; b0 + 8 <= nb; b0 += 8) {
    for (int j = 0; j < dW; j += 8) {
      vd r[8];
      for (int q = 0; q < 8; q++) r[q] = normalised(vload(src[b0 + q] + j), mn, span, j);
      transpose8(r);
      for (int q = 0; q < 8; q++) st(X + (size_t)(j + q) * ldx + b0, r[q]);
    }
  }
#endif
  for (int b = b0; b < nb; b++) {
    alignas(64) double t[DS_W];
    for (int j = 0; j < dW; j += DS_W) {
      st(t, normalised(vload(src[b] + j), mn, span, j));
      for (int l = 0; l < DS_W; l++) X[(size_t)(j + l) * ldx + b] = t[l];
    }
  }
  for (int j = dW; j < d; j++) {
    const double lo = mn ? mn[j] : 0.0, sp = mn ? span[j] : 0.0;
    for (int b = 0; b < nb; b++) X[(size_t)j * ldx + b] = mn == nullptr ? src[b][j] : sp > 0 ? (src[b][j] - lo) / sp : 0.0;
  }
}

const KernelTable table = {DS_NAME, DS_W, drive, gemmBias, gemmAtB, transpose, gemmABt, softmax, adjointRows, cSums, adam, gemmABtNarrow, softmaxLanes, laneDots, laneSums, sparseGrad, loadRows};

}  // namespace DS_NS
