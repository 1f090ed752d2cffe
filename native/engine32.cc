// dynaspin native engine: the float32 (mixed-precision) training engine, src/network/wasm/engine32.as
// on 16 float32 lanes (AVX-512; 8 on AVX2, 4 on SSE2) with the kernels of sweep32_kernels.h, the
// matrix products split by output rows over the engine's own threads.
//
// Mixed precision as the WebAssembly float32 engine: parameters, batch input, gradients and loss
// live in float64 (the layout of the float64 native engine, so training treats both alike);
// `prepare` rounds the parameters to float32 once per batch, `chunk` rounds its samples of the batch
// input; the per-sample work runs in float32; each gradient entry's sum over a chunk is formed in
// float32 in an order that does not depend on the vector width and added in float64
// (sweep32_kernels.h), chunks are added in float64 in src/train/chunks.ts' order. Every sum has a fixed order, so the bits do not depend on the number
// of threads or the instruction set.
//
//   e32Create(k, steps, classes, cap, ldx, threads, isa) → [handle, ArrayBuffer, offsets]
//     (offsets in doubles of A, B, W, c, par, X, y, g, total, out)
//   e32Prepare(handle), e32Chunk(handle, lo, len, scale), e32Batch(handle, nb, count, scale)
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "engine_impl.h"
#include "net32.h"
#include "sweep32.h"
#include "owned.h"

namespace {

using namespace napi_args;

constexpr int EREGIONS = 10;

// Rows [0, n) split over the pool's threads in blocks of 4 (each thread a contiguous range), or on
// this thread when the work is small (below ~4·10^5 multiply–adds a hand-over costs more).
template <class F>
void rows(const std::unique_ptr<Pool>& pool, int n, double work, F f) {
  splitRows(pool.get(), n, work, 4e5, f);
}

struct Engine32 {
  const Table32* kt;
  int k, steps, classes, cap, ldx, cs;
  size_t nG;
  double *A, *B, *W, *c, *par, *X, *g, *total, *out;
  int32_t* y;
  // The parameters as the float32 kernels read them (prepare).
  Net32 net;
  float* par32 = nullptr;
  float *P = nullptr, *U = nullptr, *D = nullptr, *L = nullptr, *lam = nullptr, *lam2 = nullptr, *gU = nullptr, *XT = nullptr;
  int kp = 0;
  std::unique_ptr<Pool> pool;

  static size_t sharedDoubles(int k, int steps, int classes, int ldx, size_t* off) {
    size_t nG = gradientLength(k, steps, classes);
    size_t sizes[EREGIONS] = {(size_t)steps * k * k, (size_t)steps * k, (size_t)classes * k, (size_t)classes, (size_t)8 * k, (size_t)k * ldx + 8, ((size_t)ldx + 8 + 1) / 2, nG, nG + 2, 2};
    return regionOffsets(sizes, EREGIONS, off);
  }

  ~Engine32() {
    pool.reset();
    free(par32), free(P), free(U), free(D), free(L), free(lam), free(lam2), free(gU), free(XT);
  }

  bool init(int threads) {
    size_t kc = (size_t)k * cs;
    if (!net.alloc(k, steps, classes)) return false;
    par32 = alignedAlloc<float>((size_t)8 * k);
    P = alignedAlloc<float>((steps + 1) * kc), U = alignedAlloc<float>(steps * kc), D = alignedAlloc<float>(steps * kc), L = alignedAlloc<float>((size_t)classes * cs);
    lam = alignedAlloc<float>(kc), lam2 = alignedAlloc<float>(kc), gU = alignedAlloc<float>(kc);
    kp = (k + 15) & ~15;
    XT = alignedAlloc<float>((size_t)cs * kp);
    if (!par32 || !P || !U || !D || !L || !lam || !lam2 || !gU || !XT) return false;
    pool.reset(new Pool(threads));
    return true;
  }

  // engine32.as prepare: the parameters and the device's eight kernel values in float32 (net32.h).
  void prepare() {
    net.round(A, B, W, c);
    roundPar32(k, par, par32);
  }

  void forward(int n) {
    const Table32& K = *kt;
    size_t kc = (size_t)k * cs;
    double work = (double)k * k * n;
    for (int t = 0; t < steps; t++) {
      float* Pt = P + t * kc;
      float* Ut = U + t * kc;
      float* Dt = D + t * kc;
      float* Pn = Pt + kc;
      const float* At = net.A + (size_t)t * k * k;
      const float* Bt = net.B + (size_t)t * k;
      rows(pool, k, work, [&](int r0, int r1) {
        K.gemm32(r0, r1, k, n, At, k, 1, Bt, Pt, cs, Ut, cs);
        K.drive32(r0, r1, n, cs, Ut, par32, Pn, Dt);
      });
    }
    K.gemm32(0, classes, k, n, net.W, k, 1, net.C, P + steps * kc, cs, L, cs);
  }

  void backward(int n) {
    const Table32& K = *kt;
    size_t kc = (size_t)k * cs;
    double* gA = g;
    double* gB = g + (size_t)steps * k * k;
    double* gW = gB + (size_t)steps * k;
    double* gC = gW + (size_t)classes * k;
    double work = (double)k * k * n;
    for (int q = 0; q < classes; q++) gC[q] += K.rowSum32(L + (size_t)q * cs, n);
    const float* Pn = P + steps * kc;
    K.transpose32(k, kp, n, Pn, cs, XT);
    rows(pool, classes, (double)classes * k * n, [&](int r0, int r1) { K.accABt32(r0, r1, k, kp, n, L, cs, XT, gW); });
    rows(pool, k, (double)classes * k * n, [&](int r0, int r1) { K.gemm32(r0, r1, classes, n, net.W, 1, k, nullptr, L, cs, lam, cs); });
    float* la = lam;
    float* lb = lam2;
    for (int t = steps - 1; t >= 0; t--) {
      const float* Ut = U + t * kc;
      const float* Dt = D + t * kc;
      const float* Pt = P + t * kc;
      const float* lc = la;
      double* gBt = gB + (size_t)t * k;
      rows(pool, k, (double)k * n * 4, [&](int r0, int r1) { K.adjoint32(r0, r1, n, cs, lc, Dt, Ut, par32, gU, gBt); });
      double* gAt = gA + (size_t)t * k * k;
      K.transpose32(k, kp, n, Pt, cs, XT);
      rows(pool, k, work, [&](int r0, int r1) { K.accABt32(r0, r1, k, kp, n, gU, cs, XT, gAt); });
      if (t == 0) break;
      const float* At = net.A + (size_t)t * k * k;
      rows(pool, k, work, [&](int r0, int r1) { K.gemm32(r0, r1, k, n, At, 1, k, nullptr, gU, cs, lb, cs); });
      float* tmp = la;
      la = lb;
      lb = tmp;
    }
  }

  void chunk(int lo, int len, double scale) {
    int n = (len + 15) & ~15;
    for (int j = 0; j < k; j++) {
      const double* src = X + (size_t)j * ldx + lo;
      float* dst = P + (size_t)j * cs;
      int b = 0;
      for (; b < len; b++) dst[b] = (float)src[b];
      for (; b < n; b++) dst[b] = 0.0f;
    }
    forward(n);
    kt->softmax32(classes, len, n, cs, L, y + lo, scale, out);
    std::memset(g, 0, nG * sizeof(double));
    backward(n);
  }

  void batch(int nb, int count, double scale) {
    for (int q = 0; q < count; q++) {
      int lo = (int)(((long long)q * nb) / count), hi = (int)(((long long)(q + 1) * nb) / count);
      chunk(lo, hi - lo, scale);
      addChunk(q, g, total, 0, nG);
      addChunk(q, out, total + nG, 0, 2);
    }
  }
};

Engine32* args(napi_env env, napi_callback_info info, size_t want, double* nums) {
  napi_value argv[4];
  if (!numbers(env, info, want, argv, nums, 1)) return nullptr;
  return ownedOf<Engine32>(env, argv[0], "a float32 engine");
}

napi_value Create(napi_env env, napi_callback_info info) {
  // k, steps, classes, cap, ldx, threads.
  const double mn[6] = {1, 1, 1, 1, 1, 1}, mx[6] = {46340, 1e6, 1e6, 1e8, 1e8, 256};
  int a[6];
  char isa[16] = {0};
  if (!shapeArgs(env, info, "float32 engine shape", mn, mx, a, isa)) return nullptr;
  int k = a[0], steps = a[1], classes = a[2], cap = a[3], ldx = a[4], threads = a[5];
  const Table32* kt = selectTable32(isa);
  if (kt == nullptr) {
    napi_throw_error(env, nullptr, "native: this CPU lacks the requested instruction set");
    return nullptr;
  }
  size_t off[EREGIONS];
  size_t total = Engine32::sharedDoubles(k, steps, classes, ldx, off);
  return createOwned<Engine32>(env, total, off, EREGIONS, [&](double* sh) {
    std::unique_ptr<Engine32> e(new Engine32());
    e->kt = kt, e->k = k, e->steps = steps, e->classes = classes, e->cap = cap, e->ldx = ldx, e->cs = (cap + 15) & ~15;
    e->nG = gradientLength(k, steps, classes);
    e->A = sh + off[0], e->B = sh + off[1], e->W = sh + off[2], e->c = sh + off[3], e->par = sh + off[4], e->X = sh + off[5];
    e->y = reinterpret_cast<int32_t*>(sh + off[6]), e->g = sh + off[7], e->total = sh + off[8], e->out = sh + off[9];
    if (!e->init(threads)) e.reset();
    return e;
  });
}

napi_value Prepare(napi_env env, napi_callback_info info) {
  double a[1];
  Engine32* e = args(env, info, 1, a);
  if (e) e->prepare();
  return nullptr;
}

napi_value Chunk(napi_env env, napi_callback_info info) {
  double a[4];
  Engine32* e = args(env, info, 4, a);
  if (!e) return nullptr;
  int lo = (int)a[1], len = (int)a[2];
  if (lo < 0 || len < 1 || len > e->cap || lo + len > e->ldx) {
    napi_throw_range_error(env, nullptr, "native: chunk out of range");
    return nullptr;
  }
  GUARD(e->chunk(lo, len, a[3]));
  return nullptr;
}

napi_value Batch(napi_env env, napi_callback_info info) {
  double a[4];
  Engine32* e = args(env, info, 4, a);
  if (!e) return nullptr;
  int nb = (int)a[1], count = (int)a[2];
  if (nb < 1 || nb > e->ldx || count < 1 || count > nb || (nb + count - 1) / count > e->cap) {
    napi_throw_range_error(env, nullptr, "native: batch out of range");
    return nullptr;
  }
  GUARD(e->batch(nb, count, a[3]));
  return nullptr;
}

}  // namespace

void registerEngine32(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"e32Create", nullptr, Create, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"e32Prepare", nullptr, Prepare, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"e32Chunk", nullptr, Chunk, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"e32Batch", nullptr, Batch, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
