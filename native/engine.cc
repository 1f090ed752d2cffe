// dynaspin native engine: one chunk / one batch of training (forward, eq. 4, softmax, adjoint,
// gradient sums) over the kernels of kernels.h, the matrix products split by rows over the
// engine's own threads. Same bits as src/network/dynamics.ts and the WebAssembly engine
// (src/network/wasm/engine.as): same chunk order, same sums; threads split outputs, never a sum.
#include "engine_impl.h"

#include <cmath>
#include <ctime>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

const KernelTable* selectKernels(const char* want) {
  bool any = want == nullptr || std::strcmp(want, "auto") == 0;
#if defined(__x86_64__) || defined(__i386__)
  __builtin_cpu_init();
  bool has512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl");
  bool has2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if ((any || std::strcmp(want, "avx512") == 0) && has512) return &ds_avx512::table;
  if ((any || std::strcmp(want, "avx2") == 0) && has2) return &ds_avx2::table;
#endif
  if (any || std::strcmp(want, "sse2") == 0 || std::strcmp(want, "base") == 0) return &ds_base::table;
  return nullptr;
}

Pool::Pool(int n) : n(n < 1 ? 1 : n) {
  const char* fault = std::getenv("DYNASPIN_FAULT");
  injectFault = fault != nullptr && std::strcmp(fault, "native-thread-fail") == 0;
  try {
    for (int i = 1; i < this->n; i++) threads.emplace_back([this, i] { loop(i); });
  } catch (const std::exception& e) {
    // Stop the threads already started, then report (no destructor runs for a failed constructor).
    {
      std::lock_guard<std::mutex> l(m);
      stop = true;
      gen++;
    }
    cv.notify_all();
    for (auto& t : threads) t.join();
    throw std::runtime_error(std::string("cannot start ") + std::to_string(this->n) + " threads (" + e.what() + "); use fewer --workers");
  }
}

void Pool::fail(int id, const char* what) {
  std::lock_guard<std::mutex> l(m);
  if (failure.empty()) failure = "thread " + std::to_string(id) + " of " + std::to_string(n) + ": " + what;
}

Pool::~Pool() {
  {
    std::lock_guard<std::mutex> l(m);
    stop = true;
    gen++;
  }
  cv.notify_all();
  for (auto& t : threads) t.join();
}

void Pool::loop(int id) {
  long seen = 0;
  for (;;) {
    const Job* j;
    {
      std::unique_lock<std::mutex> l(m);
      cv.wait(l, [&] { return gen != seen; });
      seen = gen;
      if (stop) return;
      j = job;
    }
    try {
      if (injectFault) throw std::runtime_error("injected fault (DYNASPIN_FAULT=native-thread-fail)");
      j->run(j->ctx, id);
    } catch (const std::exception& e) {
      fail(id, e.what());
    } catch (...) {
      fail(id, "unknown exception");
    }
    {
      std::lock_guard<std::mutex> l(m);
      if (--pending == 0) done.notify_one();
    }
  }
}

void Pool::run(const Job& j) {
  if (n == 1) {
    j.run(j.ctx, 0);
    return;
  }
  {
    std::lock_guard<std::mutex> l(m);
    job = &j;
    pending = n - 1;
    failure.clear();
    gen++;
  }
  cv.notify_all();
  // This thread's share may throw too: the others still use the job, so wait for them first.
  try {
    j.run(j.ctx, 0);
  } catch (const std::exception& e) {
    fail(0, e.what());
  } catch (...) {
    fail(0, "unknown exception");
  }
  std::unique_lock<std::mutex> l(m);
  done.wait(l, [&] { return pending == 0; });
  if (!failure.empty()) throw std::runtime_error("a thread of the native engine failed (" + failure + ")");
}

static double* allocd(size_t n) { return alignedAlloc<double>(n); }

size_t Engine::sharedDoubles(int k, int steps, int classes, int ldx, size_t* off) {
  size_t nG = (size_t)steps * k * k + (size_t)steps * k + (size_t)classes * k + classes;
  size_t sizes[NREGIONS] = {
      (size_t)steps * k * k, (size_t)steps * k, (size_t)classes * k, (size_t)classes, (size_t)8 * k,
      (size_t)k * ldx + 8, ((size_t)ldx + 8 + 1) / 2, nG, nG + 2, 2, ((size_t)ldx + 8 + 1) / 2,
  };
  size_t o = 0;
  for (int r = 0; r < NREGIONS; r++) {
    off[r] = o;
    o += up8(sizes[r] + 8);
  }
  return o;
}

Engine* Engine::create(const KernelTable* kt, int k, int steps, int classes, int cap, int ldx, int threads, double* shared) {
  Engine* e = new Engine();
  e->kt = kt;
  e->k = k, e->steps = steps, e->classes = classes, e->cap = cap, e->ldx = ldx;
  e->cs = (int)up8(cap);
  e->kp = (int)up8(k > classes ? k : classes);
  size_t off[NREGIONS];
  sharedDoubles(k, steps, classes, ldx, off);
  e->A = shared + off[0], e->B = shared + off[1], e->W = shared + off[2], e->c = shared + off[3], e->par = shared + off[4];
  e->X = shared + off[5], e->y = reinterpret_cast<int32_t*>(shared + off[6]);
  e->g = shared + off[7], e->total = shared + off[8], e->out = shared + off[9];
  e->pred = reinterpret_cast<int32_t*>(shared + off[10]);
  e->nG = (size_t)steps * k * k + (size_t)steps * k + (size_t)classes * k + classes;
  size_t kc = (size_t)k * e->cs;
  e->P = allocd((steps + 1) * kc);
  e->U = allocd(steps * kc);
  e->D = allocd(steps * kc);
  e->L = allocd((size_t)classes * e->cs);
  e->lam = allocd(kc);
  e->lam2 = allocd(kc);
  e->gU = allocd(kc);
  e->XT = allocd((size_t)e->cs * e->kp);
  if (!e->P || !e->U || !e->D || !e->L || !e->lam || !e->lam2 || !e->gU || !e->XT) {
    delete e;
    return nullptr;
  }
  e->pool = new Pool(threads);
  return e;
}

Engine::~Engine() {
  delete pool;
  free(wideMem);
  free(P), free(U), free(D), free(L), free(lam), free(lam2), free(gU), free(XT);
}


template <class F>
void Engine::rows(int n, double work, F f) {
  // Below ~2·10^5 multiply–adds a thread hand-over costs more than it saves.
  splitRows(pool, n, work, 2e5, f);
}

void Engine::forward(const Bufs& w, const double* P0, int ld0, int nb, bool withD) {
  const KernelTable& K = *kt;
  int nbp = (int)up8(nb);
  const int cs = w.ld;
  size_t kc = (size_t)k * cs;
  double work = (double)k * k * nbp;
  for (int t = 0; t < steps; t++) {
    const double* Pt = t == 0 ? P0 : w.P + t * kc;
    int ldp = t == 0 ? ld0 : cs;
    double* Ut = w.U + t * kc;
    double* Pn = w.P + (t + 1) * kc;
    double* Dt = withD ? w.D + t * kc : nullptr;
    const double* At = A + (size_t)t * k * k;
    const double* Bt = B + (size_t)t * k;
    rows(k, work, [&](int r0, int r1) {
      K.gemmBias(r0, r1, k, nbp, At, Bt, Pt, ldp, Ut, cs);
      K.drive(r0, r1, nbp, cs, Ut, par, Pn, Dt);
    });
  }
  const double* Pn = w.P + steps * kc;
  K.gemmBias(0, classes, k, nbp, W, c, Pn, cs, w.L, cs);
}

void Engine::backward(const Bufs& w, const double* P0, int ld0, int nb) {
  const KernelTable& K = *kt;
  int nbp = (int)up8(nb);
  const int cs = w.ld;
  size_t kc = (size_t)k * cs;
  double* gA = g;
  double* gB = g + (size_t)steps * k * k;
  double* gW = gB + (size_t)steps * k;
  double* gC = gW + (size_t)classes * k;
  double work = (double)k * k * nbp;
  K.cSums(classes, nb, cs, w.L, gC);
  const double* Pn = w.P + steps * kc;
  // Narrow networks (k < 8) sum ∂A and ∂W without the transpose (same order, same bits).
  const bool narrow = k < 8;
  if (narrow) {
    K.gemmABtNarrow(0, classes, k, nb, w.L, cs, Pn, cs, gW);
  } else {
    K.transpose(k, kp, nb, Pn, cs, XT);
    K.gemmABt(0, classes, k, kp, nb, w.L, cs, XT, gW);
  }
  rows(k, (double)classes * k * nbp, [&](int r0, int r1) { K.gemmAtB(r0, r1, classes, k, nbp, W, w.L, cs, w.lam, cs); });
  double* la = w.lam;
  double* lb = w.lam2;
  for (int t = steps - 1; t >= 0; t--) {
    const double* Ut = w.U + t * kc;
    const double* Dt = w.D + t * kc;
    const double* Pt = t == 0 ? P0 : w.P + t * kc;
    int ldp = t == 0 ? ld0 : cs;
    const double* lc = la;
    rows(k, (double)k * nbp * 4, [&](int r0, int r1) { K.adjointRows(r0, r1, nb, nbp, cs, lc, Dt, Ut, par, w.gU, gB + (size_t)t * k); });
    double* gAt = gA + (size_t)t * k * k;
    if (narrow) {
      K.gemmABtNarrow(0, k, k, nb, w.gU, cs, Pt, ldp, gAt);
    } else {
      K.transpose(k, kp, nb, Pt, ldp, XT);
      rows(k, work, [&](int r0, int r1) { K.gemmABt(r0, r1, k, kp, nb, w.gU, cs, XT, gAt); });
    }
    if (t == 0) break;
    const double* At = A + (size_t)t * k * k;
    rows(k, work, [&](int r0, int r1) { K.gemmAtB(r0, r1, k, k, nbp, At, w.gU, cs, lb, cs); });
    double* tmp = la;
    la = lb;
    lb = tmp;
  }
}

void Engine::chunk(int lo, int len, double scale) {
  const double* P0 = X + lo;
  Bufs w = chunkBufs();
  forward(w, P0, ldx, len, true);
  kt->softmax(classes, len, cs, L, y + lo, scale, out, nullptr);
  // backward() writes every gradient entry once (0 + its sum): no zeroing pass.
  backward(w, P0, ldx, len);
}

// A small network's batch of several chunks runs its forward pass (each sample's column on its
// own, so the same bits) and its softmax (each chunk's loss and correct count summed in its own
// samples' order) once over the whole batch, then each chunk's backward pass on its columns of
// the same buffers: no padding to a whole vector per chunk, and fewer, longer kernel calls. Chunk
// q's adjoints may write a few columns past its end, into the next chunk's columns of the adjoint
// buffers, which that chunk computes afresh; softmax writes no column past a chunk's end.
// The buffers (all of forward's and backward's, for ldx columns) must stay within WIDE_BYTES, so
// that they stay in the core's cache: larger networks run chunk by chunk.
constexpr size_t WIDE_BYTES = 512 * 1024;

bool Engine::wideBatch(int nb, int count) {
  if (count < 2) return false;
  size_t ld = up8((size_t)ldx) + 8;
  size_t rowsPer = (size_t)(3 * steps + 1 + 3) * k + classes;
  if (rowsPer * ld * sizeof(double) > WIDE_BYTES) return false;
  if (wideMem == nullptr) {
    wideMem = alignedAlloc<double>(rowsPer * ld);
    if (wideMem == nullptr) return false;
    size_t kc = (size_t)k * ld;
    double* o = wideMem;
    wide.P = o, o += (steps + 1) * kc;
    wide.U = o, o += steps * kc;
    wide.D = o, o += steps * kc;
    wide.L = o, o += (size_t)classes * ld;
    wide.lam = o, o += kc;
    wide.lam2 = o, o += kc;
    wide.gU = o;
    wide.ld = (int)ld;
    wideCap = ldx;
  }
  return nb <= wideCap;
}

const double* Engine::batchGradient(int nb, int count, double scale) {
  const bool wideRun = wideBatch(nb, count);
  if (wideRun) forward(wide, X, ldx, nb, true);
  for (int q = 0; q < count; q++) {
    int lo = (int)(((long long)q * nb) / count), hi = (int)(((long long)(q + 1) * nb) / count);
    if (wideRun) {
      Bufs w = wide.at(lo);
      kt->softmax(classes, hi - lo, w.ld, w.L, y + lo, scale, out, nullptr);
      backward(w, X + lo, ldx, hi - lo);
    } else {
      chunk(lo, hi - lo, scale);
    }
    if (q == 0) {
      if (count > 1) std::memcpy(total, g, nG * sizeof(double));
      total[nG] = out[0];
      total[nG + 1] = out[1];
    } else {
      for (size_t e = 0; e < nG; e++) total[e] = total[e] + g[e];
      total[nG] = total[nG] + out[0];
      total[nG + 1] = total[nG + 1] + out[1];
    }
  }
  return count == 1 ? g : total;
}

void Engine::batch(int nb, int count, double scale) {
  if (batchGradient(nb, count, scale) == g) std::memcpy(total, g, nG * sizeof(double));
}

void Engine::evaluate(int lo, int len) {
  forward(chunkBufs(), X + lo, ldx, len, false);
  kt->softmax(classes, len, cs, L, y + lo, 0.0, out, pred + lo);
}

double Engine::product(int which, int nb, int reps) {
  const KernelTable& K = *kt;
  int nbp = (int)up8(nb);
  double work = (double)k * k * nbp;
  // CPU time of this thread (one-thread engines only are timed this way by the benchmark).
  timespec c0, c1;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c0);
  for (int r = 0; r < reps; r++) {
    if (which == 0) {
      rows(k, work, [&](int r0, int r1) { K.gemmBias(r0, r1, k, nbp, A, B, X, ldx, U, cs); });
    } else if (which == 1) {
      K.transpose(k, kp, nb, X, ldx, XT);
      rows(k, work, [&](int r0, int r1) { K.gemmABt(r0, r1, k, kp, nb, U, cs, XT, g); });
    } else {
      rows(k, work, [&](int r0, int r1) { K.gemmAtB(r0, r1, k, k, nbp, A, U, cs, lam, cs); });
    }
  }
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &c1);
  return (c1.tv_sec - c0.tv_sec) + 1e-9 * (c1.tv_nsec - c0.tv_nsec);
}

namespace {
// Adam over runs whose elements are numbered one after the other; thread id of `parts` takes the
// elements [N·id/parts, N·(id + 1)/parts) (boundaries rounded down to 8) of every run they touch.
struct AdamJob {
  const KernelTable* kt;
  const AdamRun* runs;
  int count, parts;
  size_t n;
  double c1, c2, b1, b2, eps;
  bool ok[256];
  static void call(const void* ctx, int id) {
    AdamJob* j = const_cast<AdamJob*>(static_cast<const AdamJob*>(ctx));
    size_t lo = j->n * id / j->parts & ~(size_t)7, hi = id + 1 == j->parts ? j->n : (j->n * (id + 1) / j->parts & ~(size_t)7);
    bool ok = true;
    size_t base = 0;
    for (int r = 0; r < j->count && base < hi; base += j->runs[r].n, r++) {
      const AdamRun& u = j->runs[r];
      size_t e0 = lo > base ? lo - base : 0, e1 = hi - base < u.n ? hi - base : u.n;
      if (e0 < e1) ok = j->kt->adam(e0, e1, u.p, u.g, u.m, u.v, u.a, j->c1, j->c2, j->b1, j->b2, j->eps, u.shrink) && ok;
    }
    j->ok[id] = ok;
  }
};

// Below this many parameters Adam runs on the calling thread (a hand-over costs more).
constexpr size_t ADAM_SPLIT = 65536;
}  // namespace

bool Engine::adam(size_t n, double* p, const double* g, double* m, double* v, double a, double c1, double c2, double b1, double b2, double eps, double shrink) {
  if (pool->n == 1 || n < ADAM_SPLIT) return kt->adam(0, n, p, g, m, v, a, c1, c2, b1, b2, eps, shrink);
  AdamRun run{p, g, m, v, n, a, shrink};
  AdamJob j{kt, &run, 1, pool->n, n, c1, c2, b1, b2, eps, {}};
  Job job{&AdamJob::call, &j};
  pool->run(job);
  bool ok = true;
  for (int i = 0; i < pool->n; i++) ok = ok && j.ok[i];
  return ok;
}

int Engine::step(int nb, int count, double scale, const double* h, int runs, double* mv) {
  const double* gr = batchGradient(nb, count, scale);
  if (!std::isfinite(total[nG])) return 1;
  double* base[4] = {A, B, W, c};
  size_t at[4] = {0, (size_t)steps * k * k, (size_t)steps * k * k + (size_t)steps * k, (size_t)steps * k * k + (size_t)steps * k + (size_t)classes * k};
  std::vector<AdamRun>& rs = runScratch;
  rs.clear();
  size_t n = 0;
  for (int r = 0; r < runs; r++) {
    const double* u = h + 5 + 5 * r;
    int q = (int)u[0];
    size_t e0 = (size_t)u[1], e1 = (size_t)u[2];
    size_t o = at[q] + e0;
    rs.push_back(AdamRun{base[q] + e0, gr + o, mv + o, mv + nG + o, e1 - e0, u[3], u[4]});
    n += e1 - e0;
  }
  AdamJob j{kt, rs.data(), runs, pool->n == 1 || n < ADAM_SPLIT ? 1 : pool->n, n, h[0], h[1], h[2], h[3], h[4], {}};
  Job job{&AdamJob::call, &j};
  if (j.parts == 1) AdamJob::call(&j, 0);
  else pool->run(job);
  bool ok = true;
  for (int i = 0; i < j.parts; i++) ok = ok && j.ok[i];
  return ok ? 0 : 2;
}
