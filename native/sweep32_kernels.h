// dynaspin native engine: the robustness-sweep trial (float64, and its float32 screen) and the
// float32 training kernels, written once with GCC vector extensions on W float64 / 2W float32
// lanes and compiled once per instruction set (sweep32_avx512.cc, sweep32_avx2.cc,
// sweep32_base.cc, each defining DS_NS, DS_W and DS_NAME first). The float64 helpers (eq. 4, exp,
// the matrix product) are the training engine's, from kernels.h, compiled into this namespace.
//
// Bits (built with -ffp-contract=off, no fused multiply-add):
// - trial64 is src/sweep/wasm/trials.as `trial` operation for operation (sums over j ascending
//   from the bias, eq. 4 as simd-math.as eq4v, first largest logit), lanes over independent
//   samples: the same bits as the WebAssembly and TypeScript trials for every instruction set.
// - screen32 is trials.as `trialScreen` operation for operation in float32 (the same constants,
//   rounded from the same decimal literals through float64 as AssemblyScript does), so it decides
//   and lists exactly the samples the WebAssembly screen does, and the counts are equal.
// - The float32 training kernels follow src/network/wasm/engine32.as, with sums whose order does
//   not depend on the vector width: ∂A and ∂W entries (accABt32) one float32 chain over the chunk's
//   samples in order (lanes run over outputs), ∂B and ∂c entries (rowSum32) 16 float32 partial sums
//   (samples b ≡ l mod 16, in order) added in float64 in a fixed tree; so avx512, avx2 and sse2 give
//   the same bits, and threads split outputs, never a sum. They differ from the WebAssembly
//   float32 engine (4 partial sums everywhere) by float32 rounding only.
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "kernels.h"
#include "sweep32.h"

namespace DS_NS {

constexpr int WF = 2 * DS_W;  // float32 lanes
constexpr int NV16 = 16 / WF;  // vectors per 16 float32 partial sums
typedef float vf __attribute__((vector_size(DS_W * 8)));
typedef int32_t vfi __attribute__((vector_size(DS_W * 8)));
typedef uint32_t vfu __attribute__((vector_size(DS_W * 8)));
typedef float vf_u __attribute__((vector_size(DS_W * 8), aligned(4)));

static inline vf fsplat(float x) {
  vf z = {};
  return x - z;
}
static inline vf fload(const float* p) { return *reinterpret_cast<const vf_u*>(p); }
static inline void fst(float* p, vf v) { *reinterpret_cast<vf_u*>(p) = v; }
static inline vf fbits(vfi x) { return (vf)x; }
static inline vfi fibits(vf x) { return (vfi)x; }
static inline vf fpmin(vf a, vf b) { return fbits(b < a ? fibits(b) : fibits(a)); }
static inline vf fpmax(vf a, vf b) { return fbits(a < b ? fibits(b) : fibits(a)); }

// Float32 constants exactly as simd-math.as / engine32.as store them: the decimal literal read as
// float64, then rounded to float32.
static const float F_C1 = (float)0.6931472, F_C2 = (float)0.2402265, F_C3 = (float)0.05550411, F_C4 = (float)0.009618129;
static const float F_C5 = (float)0.0013333558, F_C6 = (float)0.00015403530, F_C7 = (float)0.000015252734;
static const float F_MAGIC = (float)12582912.0, F_CLAMP = (float)115.0;
static const float E_LOG2E = (float)1.442695, E_LN2 = (float)0.6931472, E_SQRT2 = (float)1.4142135, E_HALF = (float)0.5;
static const float E_T3 = (float)0.33333334, E_T5 = (float)0.2, E_T7 = (float)0.14285715, E_T9 = (float)0.11111111;

// 2^y = s·(1 + p) (simd-math.as pow2fRound / pow2fFrac / pow2fScale).
static inline vf pow2fFrac(vf y, vf t) {
  vf r = y - (t - fsplat(F_MAGIC));
  vf r2 = r * r;
  vf e0 = fsplat(F_C2) + r * fsplat(F_C3);
  vf e1 = fsplat(F_C4) + r * fsplat(F_C5);
  vf e2 = fsplat(F_C6) + r * fsplat(F_C7);
  vf tail = e0 + r2 * (e1 + r2 * e2);
  return r * fsplat(F_C1) + r2 * tail;
}
static inline vf pow2fScale(vf t) { return (vf)(((vfu)t + 127u) << 23); }

// Eq. 4 in float32 (trials.as eq4f): slope and offset pre-scaled by log2 e.
static inline vf eq4f(vf I, vf a2, vf b2, vf Ic, vf QIc, vf P0) {
  vf y = fpmax(fpmin(b2 - a2 * I, fsplat(F_CLAMP)), fsplat(-F_CLAMP));
  vf t = y + fsplat(F_MAGIC);
  vf p = pow2fFrac(y, t);
  vf s = pow2fScale(t);
  vf den = (fsplat(1.0f) + s) + s * p;
  return (P0 * (I - Ic)) / (den * (I + QIc));
}

// Eq. 4 value (at P) at currents I for one device, float64 (simd-math.as eq4v; kernels.h eq4Store).
static inline void eq4Val(vd I, const double* q, double* P) { eq4Store(I, q, P, nullptr); }

int trial64(int k, int steps, int classes, int ncols, const double* A, const double* B, const double* W, const double* C, const double* par, const double* I0, double* P, double* Pn, const double* y, const double** last) {
  for (int i = 0; i < k; i++) {
    const double* q = par + 8 * i;
    size_t row = (size_t)i * ncols;
    for (int b = 0; b < ncols; b += DS_W) eq4Val(vload(I0 + row + b), q, P + row + b);
  }
  double* cur = P;
  double* nxt = Pn;
  for (int t = 1; t < steps; t++) {
    gemmBias(0, k, k, ncols, A + (size_t)t * k * k, B + (size_t)t * k, cur, ncols, nxt, ncols);
    drive(0, k, ncols, ncols, nxt, par, nullptr, nxt, nullptr);
    double* tmp = cur;
    cur = nxt;
    nxt = tmp;
  }
  if (last) *last = cur;
  int hits = 0;
  for (int b = 0; b < ncols; b += DS_W) {
    vd best = splat(-__builtin_inf()), arg = splat(0.0);
    for (int c = 0; c < classes; c++) {
      vd l = splat(C[c]);
      const double* src = cur + b;
      const double* wr = W + (size_t)c * k;
      for (int j = 0; j < k; j++, src += ncols) l = l + splat(wr[j]) * vload(src);
      vi gt = l > best;
      best = bits(gt ? ibits(l) : ibits(best));
      arg = bits(gt ? ibits(splat((double)c)) : ibits(arg));
    }
    vi eq = arg == vload(y + b);
    for (int l = 0; l < DS_W; l++) hits += eq[l] != 0;
  }
  return hits;
}

// out[r·ldo + b] = bias[r] + Σ_q M[r·rs + q·cs]·X[q·ldx + b] (q ascending) for rows [r0, r1),
// n columns (a multiple of WF), four rows by up to four vectors at a time.
void gemm32(int r0, int r1, int kk, int n, const float* M, int rs, int cs, const float* bias, const float* X, int ldx, float* out, int ldo) {
  const int V = 4, BW = V * WF;
  int r = r0;
  for (; r + 4 <= r1; r += 4) {
    const float *m0 = M + (size_t)r * rs, *m1 = m0 + rs, *m2 = m1 + rs, *m3 = m2 + rs;
    float c0 = bias ? bias[r] : 0.0f, c1 = bias ? bias[r + 1] : 0.0f, c2 = bias ? bias[r + 2] : 0.0f, c3 = bias ? bias[r + 3] : 0.0f;
    int b = 0;
    for (; b + BW <= n; b += BW) {
      vf s[4][V];
      for (int v = 0; v < V; v++) s[0][v] = fsplat(c0), s[1][v] = fsplat(c1), s[2][v] = fsplat(c2), s[3][v] = fsplat(c3);
      const float* x = X + b;
      for (int q = 0; q < kk; q++, x += ldx) {
        vf xv[V];
        for (int v = 0; v < V; v++) xv[v] = fload(x + v * WF);
        size_t o = (size_t)q * cs;
        vf a0 = fsplat(m0[o]), a1 = fsplat(m1[o]), a2 = fsplat(m2[o]), a3 = fsplat(m3[o]);
        for (int v = 0; v < V; v++) {
          s[0][v] += a0 * xv[v];
          s[1][v] += a1 * xv[v];
          s[2][v] += a2 * xv[v];
          s[3][v] += a3 * xv[v];
        }
      }
      for (int rr = 0; rr < 4; rr++)
        for (int v = 0; v < V; v++) fst(out + (size_t)(r + rr) * ldo + b + v * WF, s[rr][v]);
    }
    for (; b < n; b += WF) {
      vf s0 = fsplat(c0), s1 = fsplat(c1), s2 = fsplat(c2), s3 = fsplat(c3);
      const float* x = X + b;
      for (int q = 0; q < kk; q++, x += ldx) {
        vf xv = fload(x);
        size_t o = (size_t)q * cs;
        s0 += fsplat(m0[o]) * xv;
        s1 += fsplat(m1[o]) * xv;
        s2 += fsplat(m2[o]) * xv;
        s3 += fsplat(m3[o]) * xv;
      }
      fst(out + (size_t)r * ldo + b, s0);
      fst(out + (size_t)(r + 1) * ldo + b, s1);
      fst(out + (size_t)(r + 2) * ldo + b, s2);
      fst(out + (size_t)(r + 3) * ldo + b, s3);
    }
  }
  for (; r < r1; r++) {
    const float* m0 = M + (size_t)r * rs;
    float c0 = bias ? bias[r] : 0.0f;
    for (int b = 0; b < n; b += WF) {
      vf s0 = fsplat(c0);
      const float* x = X + b;
      for (int q = 0; q < kk; q++, x += ldx) s0 += fsplat(m0[(size_t)q * cs]) * fload(x);
      fst(out + (size_t)r * ldo + b, s0);
    }
  }
}

int screen32(int k, int steps, int classes, int n16, const float* A, const float* B, const float* W, const float* C, const float* par, const float* I0, float* P, float* Pn, const float* y, float tau, int32_t* list) {
  for (int i = 0; i < k; i++) {
    const float* q = par + 8 * i;
    vf a2 = fsplat(q[0]), b2 = fsplat(q[1]), Ic = fsplat(q[2]), QIc = fsplat(q[3]), P0 = fsplat(q[4]);
    size_t row = (size_t)i * n16;
    for (int b = 0; b < n16; b += WF) fst(P + row + b, eq4f(fload(I0 + row + b), a2, b2, Ic, QIc, P0));
  }
  float* cur = P;
  float* nxt = Pn;
  for (int t = 1; t < steps; t++) {
    gemm32(0, k, k, n16, A + (size_t)t * k * k, k, 1, B + (size_t)t * k, cur, n16, nxt, n16);
    for (int i = 0; i < k; i++) {
      const float* q = par + 8 * i;
      vf a2 = fsplat(q[0]), b2 = fsplat(q[1]), Ic = fsplat(q[2]), QIc = fsplat(q[3]), P0 = fsplat(q[4]), pol = fsplat(q[7]);
      float* row = nxt + (size_t)i * n16;
      for (int b = 0; b < n16; b += WF) {
        vf u = fload(row + b);
        fst(row + b, eq4f((pol * u) * u, a2, b2, Ic, QIc, P0));
      }
    }
    float* tmp = cur;
    cur = nxt;
    nxt = tmp;
  }
  const vf tauv = fsplat(tau);
  int hits = 0, m = 0;
  for (int b = 0; b < n16; b += WF) {
    vf best = fsplat(-__builtin_inff()), second = best;
    vfi arg = {}, nan = {};
    for (int c = 0; c < classes; c++) {
      vf l = fsplat(C[c]);
      const float* src = cur + b;
      const float* wr = W + (size_t)c * k;
      for (int j = 0; j < k; j++, src += n16) l = l + fsplat(wr[j]) * fload(src);
      nan = nan | (l != l);
      vfi gt = l > best;
      second = fbits(gt ? fibits(best) : fibits(fpmax(second, l)));
      best = fbits(gt ? fibits(l) : fibits(best));
      vfi cv = {};
      cv = cv + c;
      arg = gt ? cv : arg;
    }
    vf yl = fload(y + b);
    vfi fin = (best < fsplat(__builtin_inff())) & (best > fsplat(-__builtin_inff()));
    vfi decided = ((best - second) >= tauv) & fin & ~nan;
    for (int l = 0; l < WF; l++) {
      // Labels are small integers or −1 (padding): exact in float32, so (int) is trunc_sat's value.
      int lab = (int)yl[l];
      if (decided[l]) {
        hits += arg[l] == lab;
      } else if (lab >= 0) {
        list[1 + m++] = b + l;
      }
    }
  }
  list[0] = m;
  return hits;
}

// ---- float32 training ------------------------------------------------------------------------
static inline vf expNeg(vf x) {
  vf y = fpmax(x * fsplat(E_LOG2E), fsplat(-F_CLAMP));
  vf t = y + fsplat(F_MAGIC);
  vf s = pow2fScale(t);
  return s + s * pow2fFrac(y, t);
}
static inline vf logPos(vf x) {
  vfi xb = fibits(x);
  vfi e = (vfi)((vfu)xb >> 23) - 127;
  vf m = fbits((xb & 0x007fffff) | 0x3f800000);
  vfi big = m > fsplat(E_SQRT2);
  m = fbits(big ? fibits(m * fsplat(E_HALF)) : fibits(m));
  e = e - big;
  vf s = (m - fsplat(1.0f)) / (m + fsplat(1.0f));
  vf s2 = s * s;
  vf poly = fsplat(E_T7) + s2 * fsplat(E_T9);
  vf q = fsplat(1.0f) + s2 * (fsplat(E_T3) + s2 * (fsplat(E_T5) + s2 * poly));
  vf ef = __builtin_convertvector(e, vf);
  return ef * fsplat(E_LN2) + (fsplat(2.0f) * s) * q;
}

// Sixteen float32 partial sums (lane l of vector v holds samples ≡ v·WF + l mod 16) added in
// float64 as a balanced tree.
static inline double hsum16(const vf* acc) {
  double t[16];
  for (int v = 0; v < NV16; v++)
    for (int l = 0; l < WF; l++) t[v * WF + l] = (double)acc[v][l];
  for (int w = 8; w >= 1; w /= 2)
    for (int i = 0; i < w; i++) t[i] = t[2 * i] + t[2 * i + 1];
  return t[0];
}

double rowSum32(const float* x, int n) {
  vf acc[NV16];
  for (int v = 0; v < NV16; v++) acc[v] = fsplat(0.0f);
  for (int b = 0; b < n; b += 16)
    for (int v = 0; v < NV16; v++) acc[v] += fload(x + b + v * WF);
  return hsum16(acc);
}

void drive32(int r0, int r1, int n, int ld, const float* U, const float* par, float* P, float* D) {
  for (int i = r0; i < r1; i++) {
    const float* q = par + 8 * i;
    vf a2 = fsplat(q[0]), b2 = fsplat(q[1]), Ic = fsplat(q[2]), QIc = fsplat(q[3]), P0 = fsplat(q[4]);
    vf a2P0 = fsplat(q[5]), cP0 = fsplat(q[6]), pol = fsplat(q[7]);
    size_t row = (size_t)i * ld;
    for (int b = 0; b < n; b += WF) {
      vf u = fload(U + row + b);
      vf x = (pol * u) * u;
      vf y = fpmax(fpmin(b2 - a2 * x, fsplat(F_CLAMP)), fsplat(-F_CLAMP));
      vf t = y + fsplat(F_MAGIC);
      vf s = pow2fScale(t);
      vf sp = s * pow2fFrac(y, t);
      vf w = (fsplat(1.0f) + s) + sp;
      vf E = s + sp;
      vf num = x - Ic, dI = x + QIc;
      vf inv = fsplat(1.0f) / (w * dI);
      fst(P + row + b, (P0 * num) * inv);
      vf g = (a2P0 * ((E * inv) * dI)) * num;
      fst(D + row + b, inv * (g + cP0 * (w * inv)));
    }
  }
}

void adjoint32(int r0, int r1, int n, int ld, const float* lam, const float* D, const float* U, const float* par, float* gU, double* gB) {
  for (int i = r0; i < r1; i++) {
    size_t row = (size_t)i * ld;
    vf s2 = fsplat(2.0f * par[8 * i + 7]);
    for (int b = 0; b < n; b += WF) fst(gU + row + b, ((fload(lam + row + b) * fload(D + row + b)) * s2) * fload(U + row + b));
    gB[i] += rowSum32(gU + row, n);
  }
}

// XT[b·kkp + j] = X[j·ld + b] for j < kk, b < n; the row tails j in [kk, kkp) zeroed.
void transpose32(int kk, int kkp, int n, const float* X, int ld, float* XT) {
  for (int b = 0; b < n; b++) {
    float* row = XT + (size_t)b * kkp;
    for (int j = 0; j < kk; j++) row[j] = X[(size_t)j * ld + b];
    for (int j = kk; j < kkp; j++) row[j] = 0.0f;
  }
}

// G[i·kk + j] += Σ_b Y[i·ld + b]·X[j·ld + b] for rows i in [r0, r1), j < kk, with X given
// transposed (XT, rows of kkp ≥ kk, a multiple of WF): each output summed over b ascending from 0
// in one float32 chain (vector lanes run over outputs j, so the order does not depend on the
// width), then added to G in float64; four rows by up to three vectors at a time.
void accABt32(int r0, int r1, int kk, int kkp, int n, const float* Y, int ld, const float* XT, double* G) {
  const int V = 3, BW = V * WF;
  for (int i = r0; i < r1; i += 4) {
    int R = r1 - i < 4 ? r1 - i : 4;
    const float* yr[4];
    for (int r = 0; r < 4; r++) yr[r] = Y + (size_t)(i + (r < R ? r : 0)) * ld;
    for (int j = 0; j < kk; j += BW) {
      vf acc[4][V];
      for (int r = 0; r < 4; r++)
        for (int v = 0; v < V; v++) acc[r][v] = fsplat(0.0f);
      int nv = (kkp - j) / WF;
      if (nv > V) nv = V;
      const float* x = XT + j;
      if (nv == V) {
        for (int b = 0; b < n; b++, x += kkp) {
          vf xv[V];
          for (int v = 0; v < V; v++) xv[v] = fload(x + v * WF);
          for (int r = 0; r < 4; r++) {
            vf q = fsplat(yr[r][b]);
            for (int v = 0; v < V; v++) acc[r][v] += q * xv[v];
          }
        }
      } else {
        for (int b = 0; b < n; b++, x += kkp) {
          for (int v = 0; v < nv; v++) {
            vf xv = fload(x + v * WF);
            for (int r = 0; r < 4; r++) acc[r][v] += fsplat(yr[r][b]) * xv;
          }
        }
      }
      int m = kk - j < BW ? kk - j : BW;
      for (int r = 0; r < R; r++) {
        double* g = G + (size_t)(i + r) * kk + j;
        for (int e = 0; e < m; e++) g[e] += (double)acc[r][e / WF][e % WF];
      }
    }
  }
}

void softmax32(int classes, int len, int n, int ld, float* L, const int32_t* y, double scale, double* out) {
  const vf sc = fsplat((float)scale);
  double loss = 0.0;
  int correct = 0;
  for (int b = 0; b < n; b += WF) {
    vfi lab, valid;
    for (int l = 0; l < WF; l++) {
      valid[l] = b + l < len ? -1 : 0;
      lab[l] = b + l < len ? y[b + l] : -1;
    }
    vf best = fsplat(-__builtin_inff()), ly = fsplat(0.0f);
    vfi arg = {};
    for (int c = 0; c < classes; c++) {
      vf l = fload(L + (size_t)c * ld + b);
      vfi gt = l > best;
      best = fbits(gt ? fibits(l) : fibits(best));
      vfi cv = {};
      cv = cv + c;
      arg = gt ? cv : arg;
      ly = fbits(lab == cv ? fibits(l) : fibits(ly));
    }
    vf sum = fsplat(0.0f);
    for (int c = 0; c < classes; c++) {
      float* at = L + (size_t)c * ld + b;
      vf e = expNeg(fload(at) - best);
      fst(at, e);
      sum = sum + e;
    }
    vf inv = fsplat(1.0f) / sum;
    for (int c = 0; c < classes; c++) {
      float* at = L + (size_t)c * ld + b;
      vfi cv = {};
      cv = cv + c;
      vf hot = fbits((lab == cv) & fibits(fsplat(1.0f)));
      fst(at, fbits(fibits(sc * (fload(at) * inv - hot)) & valid));
    }
    vf lv = (logPos(sum) + best) - ly;
    for (int l = 0; l < WF; l++) {
      if (!valid[l]) continue;
      loss += (double)lv[l];
      correct += arg[l] == lab[l];
    }
  }
  out[0] = loss;
  out[1] = (double)correct;
}

const Table32 table32 = {DS_NAME, DS_W, trial64, screen32, gemm32, drive32, adjoint32, transpose32, accABt32, softmax32, rowSum32};

}  // namespace DS_NS
