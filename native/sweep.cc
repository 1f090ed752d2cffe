// dynaspin native engine: the robustness sweep (src/node/native-sweep.ts). One Sweep holds a
// network and its test set (A, B, W, c, the step-0 currents I(0) and the labels, written by the
// caller) and runs blocks of trials, each with its own device parameters, on its own threads:
// trial q reads par[q·8k ..] and writes counts[q]; threads take trials one at a time from a shared
// counter, and a trial's count depends on nothing else, so the counts are the same for any thread
// count. A trial runs as src/sweep/fast-trials.ts does it in WebAssembly: the float32 screen, then
// the undecided samples in float64 (or everything in float64 when tau ≤ 0) — the same operations,
// so the same counts.
//
//   sweepCreate(k, steps, classes, n, maxTrials, threads, isa) → [handle, ArrayBuffer, offsets]
//     (offsets in doubles of A, B, W, c, I0, y, par, counts, state)
//   sweepRun(handle, trials, tau)       trials [0, trials) with par → counts
//   sweepState(handle, q)               trial q in float64 on this thread, p(n) into state; → count
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "engine_impl.h"
#include "net32.h"
#include "sweep32.h"
#include "owned.h"

const Table32* selectTable32(const char* want) {
  const KernelTable* kt = selectKernels(want);
  if (kt == nullptr) return nullptr;
  if (std::strcmp(kt->name, "avx512") == 0) return &ds_s_avx512::table32;
  if (std::strcmp(kt->name, "avx2") == 0) return &ds_s_avx2::table32;
  return &ds_s_base::table32;
}

namespace {

using namespace napi_args;

constexpr int SREGIONS = 9;

struct Scratch {
  double *P = nullptr, *Pn = nullptr, *subI0 = nullptr, *subP = nullptr, *subPn = nullptr, *subY = nullptr;
  float *P32 = nullptr, *Pn32 = nullptr, *par32 = nullptr;
  int32_t* list = nullptr;
  void release() {
    free(P), free(Pn), free(subI0), free(subP), free(subPn), free(subY), free(P32), free(Pn32), free(par32), free(list);
  }
};

struct Sweep {
  const Table32* kt;
  int k, steps, classes, n, n8, n16, maxT;
  double *A, *B, *W, *C, *I0, *y, *par, *state;
  int32_t* counts;
  // The network as the float32 screen reads it, and I(0) and the labels rounded likewise (prepare).
  Net32 net;
  float *I032 = nullptr, *y32 = nullptr;
  std::vector<Scratch> scr;
  std::unique_ptr<Pool> pool;
  // Set per run.
  int trials = 0;
  float tau = 0;
  std::atomic<int> next{0};

  static size_t sharedDoubles(int k, int steps, int classes, int n8, int maxT, size_t* off) {
    size_t sizes[SREGIONS] = {(size_t)steps * k * k, (size_t)steps * k, (size_t)classes * k, (size_t)classes, (size_t)k * n8, (size_t)n8, (size_t)maxT * 8 * k, ((size_t)maxT + 1) / 2, (size_t)k * n8};
    return regionOffsets(sizes, SREGIONS, off);
  }

  ~Sweep() {
    pool.reset();
    for (auto& s : scr) s.release();
    free(I032), free(y32);
  }

  bool init(int threads) {
    if (!net.alloc(k, steps, classes)) return false;
    I032 = alignedAlloc<float>((size_t)k * n16);
    y32 = alignedAlloc<float>(n16);
    if (!I032 || !y32) return false;
    scr.resize(threads);
    for (auto& s : scr) {
      s.P = alignedAlloc<double>((size_t)k * n8), s.Pn = alignedAlloc<double>((size_t)k * n8);
      s.subI0 = alignedAlloc<double>((size_t)k * n8), s.subP = alignedAlloc<double>((size_t)k * n8), s.subPn = alignedAlloc<double>((size_t)k * n8);
      s.subY = alignedAlloc<double>(n8);
      s.P32 = alignedAlloc<float>((size_t)k * n16), s.Pn32 = alignedAlloc<float>((size_t)k * n16), s.par32 = alignedAlloc<float>((size_t)8 * k);
      s.list = alignedAlloc<int32_t>(n16 + 1);
      if (!s.P || !s.Pn || !s.subI0 || !s.subP || !s.subPn || !s.subY || !s.P32 || !s.Pn32 || !s.par32 || !s.list) return false;
    }
    pool.reset(new Pool(threads));
    return true;
  }

  // The float32 copies of the network, I(0) and the labels (fast-trials.ts does the same roundings).
  void prepare() {
    net.round(A, B, W, C);
    for (int i = 0; i < k; i++)
      for (int b = 0; b < n16; b++) I032[(size_t)i * n16 + b] = b < n8 ? (float)I0[(size_t)i * n8 + b] : 0.0f;
    for (int b = 0; b < n16; b++) y32[b] = b < n ? (float)y[b] : -1.0f;
  }

  int trial(int q, Scratch& s) {
    const double* pq = par + (size_t)q * 8 * k;
    if (!(tau > 0)) return kt->trial64(k, steps, classes, n8, A, B, W, C, pq, I0, s.P, s.Pn, y, nullptr);
    roundPar32(k, pq, s.par32);
    int correct = kt->screen32(k, steps, classes, n16, net.A, net.B, net.W, net.C, s.par32, I032, s.P32, s.Pn32, y32, tau, s.list);
    int m = s.list[0];
    if (m == 0) return correct;
    int m8 = (m + 7) & ~7;
    for (int i = 0; i < k; i++) {
      double* dst = s.subI0 + (size_t)i * m8;
      const double* src = I0 + (size_t)i * n8;
      for (int j = 0; j < m8; j++) dst[j] = j < m ? src[s.list[1 + j]] : 0.0;
    }
    for (int j = 0; j < m8; j++) s.subY[j] = j < m ? y[s.list[1 + j]] : -1.0;
    return correct + kt->trial64(k, steps, classes, m8, A, B, W, C, pq, s.subI0, s.subP, s.subPn, s.subY, nullptr);
  }

  static void job(const void* ctx, int id) {
    Sweep* sw = const_cast<Sweep*>(static_cast<const Sweep*>(ctx));
    Scratch& s = sw->scr[id];
    for (;;) {
      int q = sw->next.fetch_add(1, std::memory_order_relaxed);
      if (q >= sw->trials) return;
      sw->counts[q] = sw->trial(q, s);
    }
  }

  void run(int T, double tauIn) {
    prepare();
    trials = T;
    tau = (float)tauIn;
    next.store(0);
    Job j{&Sweep::job, this};
    pool->run(j);
  }

  int stateOf(int q) {
    const double* last = nullptr;
    int c = kt->trial64(k, steps, classes, n8, A, B, W, C, par + (size_t)q * 8 * k, I0, scr[0].P, scr[0].Pn, y, &last);
    std::memcpy(state, last, (size_t)k * n8 * sizeof(double));
    return c;
  }
};

napi_value SweepCreate(napi_env env, napi_callback_info info) {
  // k, steps, classes, samples, trials per block, threads.
  const double mn[6] = {1, 1, 1, 1, 1, 1}, mx[6] = {46340, 1e6, 1e6, 1 << 24, 1e8, 256};
  int a[6];
  char isa[16] = {0};
  if (!shapeArgs(env, info, "sweep shape", mn, mx, a, isa)) return nullptr;
  int k = a[0], steps = a[1], classes = a[2], n = a[3], maxT = a[4], threads = a[5];
  const Table32* kt = selectTable32(isa);
  if (kt == nullptr) {
    napi_throw_error(env, nullptr, "native: this CPU lacks the requested instruction set");
    return nullptr;
  }
  int n8 = (n + 7) & ~7, n16 = (n + 15) & ~15;
  size_t off[SREGIONS];
  size_t total = Sweep::sharedDoubles(k, steps, classes, n8, maxT, off);
  return createOwned<Sweep>(env, total, off, SREGIONS, [&](double* sh) {
    std::unique_ptr<Sweep> s(new Sweep());
    s->kt = kt, s->k = k, s->steps = steps, s->classes = classes, s->n = n, s->n8 = n8, s->n16 = n16, s->maxT = maxT;
    s->A = sh + off[0], s->B = sh + off[1], s->W = sh + off[2], s->C = sh + off[3], s->I0 = sh + off[4], s->y = sh + off[5];
    s->par = sh + off[6], s->counts = reinterpret_cast<int32_t*>(sh + off[7]), s->state = sh + off[8];
    if (!s->init(threads)) s.reset();
    return s;
  });
}

napi_value SweepRun(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  double a[3];
  if (!numbers(env, info, 3, argv, a, 1)) return nullptr;
  Sweep* s = ownedOf<Sweep>(env, argv[0], "a sweep");
  if (!s) return nullptr;
  int T = (int)a[1];
  if (T < 0 || T > s->maxT || !std::isfinite(a[2])) {
    napi_throw_range_error(env, nullptr, "native: sweep trials out of range");
    return nullptr;
  }
  if (T > 0) GUARD(s->run(T, a[2]));
  return nullptr;
}

napi_value SweepState(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  double a[2];
  if (!numbers(env, info, 2, argv, a, 1)) return nullptr;
  Sweep* s = ownedOf<Sweep>(env, argv[0], "a sweep");
  if (!s) return nullptr;
  int q = (int)a[1];
  if (q < 0 || q >= s->maxT) {
    napi_throw_range_error(env, nullptr, "native: sweep trial out of range");
    return nullptr;
  }
  napi_value v;
  CHECK(napi_create_int32(env, s->stateOf(q), &v));
  return v;
}

}  // namespace

void registerSweep(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"sweepCreate", nullptr, SweepCreate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sweepRun", nullptr, SweepRun, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sweepState", nullptr, SweepState, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
