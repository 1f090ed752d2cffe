// dynaspin native engine: one chunk / one batch of training (forward, eq. 4, softmax, adjoint,
// gradient sums) over the kernels of kernels.h, the matrix products split by rows over the
// engine's own threads. Same bits as src/network/dynamics.ts and the WebAssembly engine
// (src/network/wasm/engine.as): same chunk order, same sums; threads split outputs, never a sum.
#include "engine_impl.h"
#include "scratch.h"

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

void Pool::runShares(const Job* j, unsigned g, int id) {
  for (;;) {
    unsigned long long c = claim.load(std::memory_order_acquire);
    if ((unsigned)(c >> 32) != g) return;
    const int shares = (int)((c >> 16) & 0xffff), next = (int)(c & 0xffff);
    if (next >= shares) return;
    if (!claim.compare_exchange_weak(c, c + 1, std::memory_order_acq_rel)) continue;
    try {
      if (injectFault && id != 0) throw std::runtime_error("injected fault (DYNASPIN_FAULT=native-thread-fail)");
      if (j->shareOn) j->shareOn(j->ctx, next, id);
      else j->run(j->ctx, next);
    } catch (const std::exception& e) {
      fail(id, e.what());
    } catch (...) {
      fail(id, "unknown exception");
    }
    if (finished.fetch_add(1, std::memory_order_acq_rel) + 1 == shares) {
      std::lock_guard<std::mutex> l(m);
      done.notify_all();
    }
  }
}

void Pool::share(const Job& j, int shares) {
  if (n == 1 || shares > 0xffff) {
    for (int s = 0; s < shares; s++) j.shareOn ? j.shareOn(j.ctx, s, 0) : j.run(j.ctx, s);
    return;
  }
  unsigned g;
  {
    std::lock_guard<std::mutex> l(m);
    job = &j;
    shareMode = true;
    failure.clear();
    gen++;
    g = (unsigned)gen;
    finished.store(0, std::memory_order_relaxed);
    claim.store((unsigned long long)g << 32 | (unsigned long long)shares << 16, std::memory_order_release);
  }
  cv.notify_all();
  if (!injectFault) runShares(&j, g, 0);
  std::unique_lock<std::mutex> l(m);
  done.wait(l, [&] { return finished.load(std::memory_order_acquire) == shares; });
  if (!failure.empty()) throw std::runtime_error("a thread of the native engine failed (" + failure + ")");
}

void Pool::loop(int id) {
  long seen = 0;
  for (;;) {
    const Job* j;
    bool shared;
    unsigned g;
    {
      std::unique_lock<std::mutex> l(m);
      cv.wait(l, [&] { return gen != seen; });
      seen = gen;
      if (stop) return;
      j = job;
      shared = shareMode;
      g = (unsigned)gen;
    }
    if (shared) {
      runShares(j, g, id);
      continue;
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
    shareMode = false;
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

// A thread's row buffer for backward's fused Adam (scratch.h).
static thread_local Scratch rowScratch;

size_t Engine::sharedDoubles(int k, int steps, int classes, int ldx, size_t* off) {
  size_t nG = gradientLength(k, steps, classes);
  size_t sizes[NREGIONS] = {
      (size_t)steps * k * k, (size_t)steps * k, (size_t)classes * k, (size_t)classes, (size_t)8 * k,
      (size_t)k * ldx + 8, ((size_t)ldx + 8 + 1) / 2, nG, nG + 2, 2, ((size_t)ldx + 8 + 1) / 2,
  };
  return regionOffsets(sizes, NREGIONS, off);
}

std::unique_ptr<Engine> Engine::create(const KernelTable* kt, int k, int steps, int classes, int cap, int ldx, int threads, double* shared) {
  std::unique_ptr<Engine> e(new Engine());
  e->kt = kt;
  e->k = k, e->steps = steps, e->classes = classes, e->cap = cap, e->ldx = ldx;
  e->cs = (int)up8(cap);
  e->kp = (int)up8(k > classes ? k : classes);
  e->gt = k >= GEMM_MIN_K ? selectGemm(kt->name) : nullptr;
  e->gi = selectGemm(kt->name);
  size_t off[NREGIONS];
  sharedDoubles(k, steps, classes, ldx, off);
  e->A = shared + off[0], e->B = shared + off[1], e->W = shared + off[2], e->c = shared + off[3], e->par = shared + off[4];
  e->X = shared + off[5], e->y = reinterpret_cast<int32_t*>(shared + off[6]);
  e->g = shared + off[7], e->total = shared + off[8], e->out = shared + off[9];
  e->pred = reinterpret_cast<int32_t*>(shared + off[10]);
  e->nG = gradientLength(k, steps, classes);
  size_t kc = (size_t)k * e->cs;
  e->P = allocd((steps + 1) * kc);
  e->U = allocd(steps * kc);
  e->D = allocd(steps * kc);
  e->L = allocd((size_t)classes * e->cs);
  e->lam = allocd(kc);
  e->lam2 = allocd(kc);
  e->gU = allocd(kc);
  e->XT = allocd((size_t)e->cs * e->kp);
  if (!e->P || !e->U || !e->D || !e->L || !e->lam || !e->lam2 || !e->gU || !e->XT) return nullptr;
  e->pool.reset(new Pool(threads));
  return e;
}

void Engine::setTables(const double* desc, const double* data, size_t len) {
  bool any = false;
  for (int i = 0; i < k; i++) any = any || desc[3 * i + 1] > 0;
  tab = nullptr;
  if (!any) return;
  tabData.assign(data, data + len);
  tabRows.assign(k, TableRow{nullptr, 0, 0, nullptr, 0, 0.0, 0.0});
  // Each distinct table's cells (2n of them) once, at the offset of its first oscillator.
  std::vector<size_t> cellAt((size_t)k);
  size_t cellCount = 0;
  for (int i = 0; i < k; i++) {
    int n = (int)desc[3 * i + 1];
    int first = i;
    for (int j = 0; j < i; j++)
      if (desc[3 * j + 1] == n && desc[3 * j] == desc[3 * i]) first = j, j = i;
    cellAt[i] = first == i ? cellCount : cellAt[first];
    if (n > 0 && first == i) cellCount += 2 * (size_t)n;
  }
  tabCells.assign(cellCount, 0);
  for (int i = 0; i < k; i++) {
    int n = (int)desc[3 * i + 1];
    if (n == 0) continue;
    const double* x = tabData.data() + (size_t)desc[3 * i];
    int cells = 2 * n;
    int32_t* start = tabCells.data() + cellAt[i];
    double span = x[n - 1] - x[0];
    // inv = 0 for a span too small to cut (every current then starts from interval 0).
    double inv = span > 0 && cells / span < 1e300 ? cells / span : 0.0;
    int q = 0;
    for (int c = 0; c < cells; c++) {
      double edge = x[0] + c / inv;
      while (q + 2 < n && x[q + 1] <= edge) q++;
      start[c] = inv > 0 ? q : 0;
    }
    double even = (double)(n - 1) / span;
    tabRows[i] = TableRow{x, n, desc[3 * i + 2] != 0 ? 1 : 0, start, cells, inv, span > 0 && even < 1e300 ? even : 0.0};
  }
  tab = tabRows.data();
}

Engine::~Engine() {
  // The threads first: nothing below may be in use by one.
  pool.reset();
  free(wideMem);
  for (double* m : tmem) free(m);
  for (double* m : evalMem) free(m);
  free(evalL);
  free(slots);
  free(lanes.mem);
  free(sp.mem);
  free(sp.emem);
  free(P), free(U), free(D), free(L), free(lam), free(lam2), free(gU), free(XT);
}


// Work (multiply–adds) from which the engine's threads share out a batch rather than run it on one
// thread: below it a hand-over to the other threads costs more than it saves (the digits network,
// k = 64: a product of 512 samples, 2.1·10^6, split over two threads made inference slower).
constexpr double THREAD_WORK = 4e6;
// The same for inference (evaluate), higher: on this shared 2-core machine the digits network's
// 512 samples (8.7·10^6) ran slower on 2 threads than on 1 even as shares claimed by free threads,
// because a worker preempted in the middle of its share holds up the call for a time slice.
constexpr double EVAL_THREAD_WORK = 1.6e7;
// Rows of ∂A(t) per block when Adam runs inside backward() (AdamFuse): a block (FUSE_ROWS·k
// values, 588 KiB at k = 784) stays in L2 from the product to the update; each block packs the
// product's right operand again, so blocks much smaller cost more than they save.
constexpr int FUSE_ROWS = 96;

template <class F>
void Engine::rows(bool split, int n, double work, F f) {
  // Below ~10^6 multiply–adds a thread hand-over costs more than it saves: the digits minibatch
  // of 64 (k = 64: 2.6·10^5 per product) ran 30 % slower on 2 threads than on 1 when split.
  if (!split) {
    f(0, n);
    return;
  }
  splitRows(pool.get(), n, work, 1e6, f);
}

void Engine::forward(const Bufs& w, const double* P0, int ld0, int nb, bool withD) {
  const KernelTable& K = *kt;
  int nbp = (int)up8(nb);
  const int cs = w.ld;
  size_t kc = (size_t)k * cs;
  double work = (double)k * k * nbp;
  // Inference blocks (Bufs::ring) take the packed products at every k (Engine::gi).
  const GemmTable* G = w.ring ? gi : gt;
  // p(t) (t ≥ 1) at slot t, or t mod 2 in a ring (Bufs::ring: nothing reads p(t) after step t).
  auto state = [&](int t) { return w.P + (w.ring ? (size_t)(t & 1) : (size_t)t) * kc; };
  for (int t = 0; t < steps; t++) {
    const double* Pt = t == 0 ? P0 : state(t);
    int ldp = t == 0 ? ld0 : cs;
    double* Ut = w.U + (w.ring ? 0 : t * kc);
    double* Pn = state(t + 1);
    double* Dt = withD ? w.D + t * kc : nullptr;
    const double* At = A + (size_t)t * k * k;
    const double* Bt = B + (size_t)t * k;
    const SparseInput* sp = t == 0 ? w.sparse : nullptr;
    rows(w.split, k, sp ? work * sp->n / k : work, [&](int r0, int r1) {
      if (sp) gt->biasIdx(r0, r1, sp->n, nbp, At, k, sp->rows, Bt, sp->X, sp->ld, Ut, cs);
      else (G ? G->bias : K.gemmBias)(r0, r1, k, nbp, At, Bt, Pt, ldp, Ut, cs);
      K.drive(r0, r1, nbp, cs, Ut, par, tab, Pn, Dt);
    });
  }
  K.gemmBias(0, classes, k, nbp, W, c, state(steps), cs, w.L, w.ldl ? w.ldl : cs);
}

void Engine::backward(const Bufs& w, const double* P0, int ld0, int nb) {
  const KernelTable& K = *kt;
  int nbp = (int)up8(nb);
  const int cs = w.ld;
  size_t kc = (size_t)k * cs;
  double* gA = w.g;
  double* gB = w.g + (size_t)steps * k * k;
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
    K.transpose(k, kp, nb, Pn, cs, w.XT);
    K.gemmABt(0, classes, k, kp, nb, w.L, cs, w.XT, gW);
  }
  rows(w.split, k, (double)classes * k * nbp, [&](int r0, int r1) { K.gemmAtB(r0, r1, classes, k, nbp, W, w.L, cs, w.lam, cs); });
  double* la = w.lam;
  double* lb = w.lam2;
  for (int t = steps - 1; t >= 0; t--) {
    const double* Ut = w.U + t * kc;
    const double* Dt = w.D + t * kc;
    const double* Pt = t == 0 ? P0 : w.P + t * kc;
    int ldp = t == 0 ? ld0 : cs;
    const double* lc = la;
    rows(w.split, k, (double)k * nbp * 4, [&](int r0, int r1) { K.adjointRows(r0, r1, nb, nbp, cs, lc, Dt, Ut, par, w.gU, gB + (size_t)t * k); });
    double* gAt = gA + (size_t)t * k * k;
    const SparseInput* sp = t == 0 && w.sparse && finiteRows(w.gU, cs, nb) ? w.sparse : nullptr;
    AdamFuse* fz = gt ? w.fuse : nullptr;
    // λ(t − 1) = A(t)ᵀ·gU(t) before A(t)'s update (fz).
    if (t > 0) {
      const double* At = A + (size_t)t * k * k;
      rows(w.split, k, work, [&](int r0, int r1) { (gt ? gt->atb : K.gemmAtB)(r0, r1, k, k, nbp, At, w.gU, cs, lb, cs); });
    }
    if (sp && fz && sparseEntries(nb, w.gU)) {
      // ∂A(0) from p(0)'s nonzero entries (each ±0 entry adds a ±0 term, which changes no sum when
      // gU(0) is finite), each row updated by Adam at once.
      rows(w.split, k, work * sp->n / k, [&](int r0, int r1) { sparseGradRows(r0, r1, *fz); });
      fz->done[0] = 1;
    } else if (sp) {
      // ∂A(0) on p(0)'s nonzero rows, then each row expanded: +0 in the columns left out. With
      // fz, into a row buffer from which Adam updates that row of A(0) at once.
      rows(w.split, k, work * sp->n / k, [&](int r0, int r1) {
        gt->abt(r0, r1, sp->n, nb, w.gU, cs, sp->X, sp->ld, sp->G);
        double* row = fz ? rowScratch.get(k) : nullptr;
        for (int i = r0; i < r1; i++) {
          double* dst = fz ? row : gAt + (size_t)i * k;
          const double* src = sp->G + (size_t)i * sp->n;
          int at = 0;
          for (int r = 0; r < sp->nruns; r++) {
            const int j0 = sp->runs[2 * r], j1 = sp->runs[2 * r + 1];
            std::memset(dst + at, 0, (size_t)(j0 - at) * sizeof(double));
            std::memcpy(dst + j0, src, (size_t)(j1 - j0) * sizeof(double));
            src += j1 - j0;
            at = j1;
          }
          std::memset(dst + at, 0, (size_t)(k - at) * sizeof(double));
          if (fz) adamRow(*fz, i, row);
        }
      });
      if (fz) fz->done[0] = 1;
    } else if (fz) {
      // ∂A(t) in blocks of FUSE_ROWS rows into a scratch block, each block's rows updated by Adam
      // while they are in the cache: the gradient never goes to memory.
      rows(w.split, k, work, [&](int r0, int r1) {
        double* blk = rowScratch.get((size_t)FUSE_ROWS * k);
        for (int b0 = r0; b0 < r1; b0 += FUSE_ROWS) {
          const int b1 = r1 - b0 < FUSE_ROWS ? r1 : b0 + FUSE_ROWS;
          gt->abt(0, b1 - b0, k, nb, w.gU + (size_t)b0 * cs, cs, Pt, ldp, blk);
          for (int i = b0; i < b1; i++) adamRow(*fz, t * k + i, blk + (size_t)(i - b0) * k);
        }
      });
      fz->done[t] = 1;
    } else if (narrow) {
      K.gemmABtNarrow(0, k, k, nb, w.gU, cs, Pt, ldp, gAt);
    } else if (gt) {
      rows(w.split, k, work, [&](int r0, int r1) { gt->abt(r0, r1, k, nb, w.gU, cs, Pt, ldp, gAt); });
    } else {
      K.transpose(k, kp, nb, Pt, ldp, w.XT);
      rows(w.split, k, work, [&](int r0, int r1) { K.gemmABt(r0, r1, k, kp, nb, w.gU, cs, w.XT, gAt); });
    }
    if (t == 0) break;
    double* tmp = la;
    la = lb;
    lb = tmp;
  }
}

bool Engine::sparseEntries(int nb, const double* gU0) {
  SparseInput& s = sp;
  if (s.emem == nullptr) {
    s.ldt = kp + kt->sgCols();
    const size_t ints = up8((size_t)k + 1 + (size_t)k * cs);
    s.emem = alignedAlloc<double>(ints / 2 + (size_t)k * cs + (size_t)cs * s.ldt);
    if (s.emem == nullptr) return false;
    s.off = reinterpret_cast<int*>(s.emem);
    s.bidx = s.off + k + 1;
    s.val = s.emem + ints / 2;
    s.gT = s.val + (size_t)k * cs;
  }
  // Row c's entries: its nonzero values in the first nb samples, in sample order.
  int e = 0;
  for (int c = 0; c < s.n; c++) {
    s.off[c] = e;
    const double* x = s.X + (size_t)c * s.ld;
    for (int b = 0; b < nb; b++) {
      if (x[b] == 0) continue;
      s.bidx[e] = b;
      s.val[e++] = x[b];
    }
  }
  s.off[s.n] = e;
  kt->transpose(k, s.ldt, nb, gU0, cs, s.gT);
  return true;
}

void Engine::sparseGradRows(int r0, int r1, AdamFuse& f) const {
  const int BW = kt->sgCols(), n = sp.n, n8 = (int)up8(n);
  double* T = rowScratch.get((size_t)n * BW + (size_t)BW * n8 + k);
  double* Gc = T + (size_t)n * BW;
  double* row = Gc + (size_t)BW * n8;
  for (int i0 = r0; i0 < r1; i0 += BW) {
    const int bw = r1 - i0 < BW ? r1 - i0 : BW;
    kt->sparseGrad(i0, n, sp.off, sp.bidx, sp.val, sp.gT, sp.ldt, T);
    // The block's compact rows (Gc: bw rows of n8), then each expanded: +0 in the columns left out.
    kt->transpose(n, n8, bw, T, BW, Gc);
    for (int l = 0; l < bw; l++) {
      const double* src = Gc + (size_t)l * n8;
      int at = 0;
      for (int r = 0; r < sp.nruns; r++) {
        const int j0 = sp.runs[2 * r], j1 = sp.runs[2 * r + 1];
        std::memset(row + at, 0, (size_t)(j0 - at) * sizeof(double));
        std::memcpy(row + j0, src, (size_t)(j1 - j0) * sizeof(double));
        src += j1 - j0;
        at = j1;
      }
      std::memset(row + at, 0, (size_t)(k - at) * sizeof(double));
      adamRow(f, i0 + l, row);
    }
  }
}

// Adam (kernels.h adam) on row i of A (row t·k + i is row i of A(t)) from its gradient row (k
// entries): each run's part of the row's entries [i·k, (i + 1)·k).
void Engine::adamRow(AdamFuse& f, int i, const double* row) const {
  const size_t r0 = (size_t)i * k, r1 = r0 + k;
  bool ok = true;
  for (int q = 0; q < f.count; q++) {
    const AdamFuse::Run& u = f.runs[q];
    const size_t s = u.e0 > r0 ? u.e0 : r0, e = u.e1 < r1 ? u.e1 : r1;
    if (s < e) ok = kt->adam(0, e - s, f.p + s, row + (s - r0), f.m + s, f.v + s, u.a, f.c1, f.c2, f.b1, f.b2, u.eps, u.shrink, u.thr) && ok;
  }
  if (!ok) f.bad.store(true, std::memory_order_relaxed);
}

// Whether the first nb columns of the k rows of Y (stride ld) are all finite.
bool Engine::finiteRows(const double* Y, int ld, int nb) const {
  long bad = 0;
  for (int i = 0; i < k; i++) {
    const double* y = Y + (size_t)i * ld;
    for (int b = 0; b < nb; b++) bad |= !(y[b] - y[b] == 0);  // NaN exactly when y is ±∞ or NaN
  }
  return bad == 0;
}

// Sparse input. A row j of p(0) that is zero (±0) in every column a step's products read adds only
// ±0 terms to them. To u(0) = A(0)·p(0) + B(0) it adds A(0)[i][j]·(±0) = ±0 (A(0) finite), which
// leaves every partial sum as it is unless that sum is −0; a sum started from B(0)[i] ≠ −0 is never
// −0 (in round-to-nearest x + y is −0 only when both are). To ∂A(0)[i][j] = 0 + Σ_b gU[i][b]·(±0)
// it gives +0 (gU(0) finite). So when B(0) holds no −0, A(0) only finite values and gU(0) only
// finite values (checked when the backward pass gets there), step 0's two products run on p(0)'s
// nonzero rows only, with the bits of the full products: u(0) with A(0)'s columns indexed, ∂A(0)
// on the compact rows expanded with +0. (Images: MNIST's batches of 64 have about 45 % of their
// pixels zero in every image.) Used from 1/8 of the rows zero; a0Finite is checked with one scan
// after the parameters were written (written()) and kept by Adam's updates.
bool Engine::sparseInput(int nb) {
  if (gt == nullptr) return false;
  const int nbp = (int)up8(nb);
  if (sp.mem == nullptr) {
    size_t ints = up8((size_t)3 * k + 2);
    sp.mem = alignedAlloc<double>(ints / 2 + (size_t)k * cs + (size_t)k * k + 8);
    if (sp.mem == nullptr) return false;
    sp.rows = reinterpret_cast<int*>(sp.mem);
    sp.runs = sp.rows + k;
    sp.X = sp.mem + ints / 2;
    sp.G = sp.X + (size_t)k * cs;
    sp.ld = cs;
  }
  for (int i = 0; i < k; i++)
    if (B[i] == 0 && std::signbit(B[i])) return false;
  int n = 0, nr = 0;
  for (int j = 0; j < k; j++) {
    const double* x = X + (size_t)j * ldx;
    int b = 0;
    while (b < nbp && x[b] == 0) b++;
    if (b == nbp) continue;
    sp.rows[n++] = j;
    if (nr > 0 && sp.runs[2 * nr - 1] == j) {
      sp.runs[2 * nr - 1] = j + 1;
    } else {
      sp.runs[2 * nr] = j, sp.runs[2 * nr + 1] = j + 1;
      nr++;
    }
  }
  if (n > k - k / 8) return false;
  if (!a0Finite) {
    long bad = 0;
    for (size_t e = 0; e < (size_t)k * k; e++) bad |= !(A[e] - A[e] == 0);
    a0Finite = bad == 0;
    if (!a0Finite) return false;
  }
  for (int c = 0; c < n; c++) std::memcpy(sp.X + (size_t)c * cs, X + (size_t)sp.rows[c] * ldx, (size_t)nbp * sizeof(double));
  sp.n = n, sp.nruns = nr;
  return true;
}

void Engine::chunk(int lo, int len, double scale) {
  // backward() writes every gradient entry once (0 + its sum): no zeroing pass.
  chunkOn(chunkBufs(), lo, len, scale, out);
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
    wide.XT = XT;
    wide.g = g;
    wideCap = ldx;
  }
  return nb <= wideCap;
}

// A batch of at least W chunks (W = the vector lanes) can keep its chunks in lanes: a group of W
// chunks holds sample i of its chunk l in column i·W + l (padding where a chunk is one shorter),
// processed in blocks of LANE_ROWS rows (W·LANE_ROWS samples, about a chunk's worth, so the
// buffers stay in the first-level caches). Every per-sample operation (forward pass, softmax,
// adjoints, products over samples) runs on a block's columns, and every chunk sum of
// src/train/chunks.ts — ∂A, ∂B, ∂W, ∂c, loss, correct count, each over the chunk's samples in
// order from 0 — becomes a vector sum whose lane l is chunk l's, carried from block to block: W
// chunks' sums in one chain instead of one scalar chain per chunk, with the same bits (padding
// samples are skipped by a select, never added). The chunk gradients are then added in chunk order
// as batchGradient does. Used for networks whose block buffers fit in LANE_BYTES and when at most a
// quarter of the lanes would be empty.
constexpr int LANE_ROWS = 16;
constexpr size_t LANE_BYTES = 256 * 1024;

bool Engine::laneBatch(int nb, int count) {
  const int W = kt->width;
  if (count < 2 || count < W) return false;
  int groups = (count + W - 1) / W;
  if ((size_t)groups * W * 4 > (size_t)count * 5) return false;
  size_t ld = (size_t)LANE_ROWS * W + 8;
  size_t rowsPer = (size_t)(3 * steps + 1 + 3) * k + classes;
  if (rowsPer * ld * sizeof(double) > LANE_BYTES) return false;
  Lanes& Ln = lanes;
  if (Ln.nb == nb && Ln.count == count) return true;
  free(Ln.mem);
  Ln.mem = nullptr;
  Ln.nb = -1;
  size_t pairs = (size_t)steps * k * k + (size_t)classes * k;
  size_t sums = (size_t)steps * k + classes;
  size_t need = rowsPer * ld + up8(ld / 2 + 8) + up8((size_t)groups * W) + up8(groups) + up8((size_t)count * (nG + 2)) + (pairs + 4 * sums + 2) * W + up8(k);
  Ln.mem = alignedAlloc<double>(need + 8 * 8);
  if (Ln.mem == nullptr) return false;
  size_t kc = (size_t)k * ld;
  double* o = Ln.mem;
  Ln.b.P = o, o += (steps + 1) * kc;  // P(0): the block's inputs
  Ln.b.U = o, o += steps * kc;
  Ln.b.D = o, o += steps * kc;
  Ln.b.L = o, o += (size_t)classes * ld;
  Ln.b.lam = o, o += kc;
  Ln.b.lam2 = o, o += kc;
  Ln.b.gU = o, o += kc;
  Ln.b.ld = (int)ld;
  Ln.y = reinterpret_cast<int32_t*>(o), o += up8(ld / 2 + 8);
  Ln.len = o, o += up8((size_t)groups * W);
  Ln.full = reinterpret_cast<int*>(o), o += up8(groups);
  Ln.slots = o, o += up8((size_t)count * (nG + 2));
  Ln.acc = o, o += (pairs + 4 * sums + 2) * W;
  Ln.dummy = o;
  Ln.Y.assign(pairs + sums, nullptr);
  Ln.Xp.assign(pairs, nullptr);
  Ln.groups = groups, Ln.rows = (nb + count - 1) / count;
  for (int g = 0; g < groups; g++) {
    int full = Ln.rows;
    for (int l = 0; l < W; l++) {
      int q = g * W + l;
      int len = 0;
      if (q < count) len = (int)(((long long)(q + 1) * nb) / count) - (int)(((long long)q * nb) / count);
      Ln.len[g * W + l] = len;
      if (len < full) full = len;
    }
    Ln.full[g] = full;
  }
  Ln.nb = nb, Ln.count = count;
  return true;
}

const double* Engine::laneGradient(int nb, int count, double scale) {
  const KernelTable& K = *kt;
  Lanes& Ln = lanes;
  const int W = kt->width, R = Ln.rows, G = Ln.groups;
  const int ld = Ln.b.ld;
  const size_t kc = (size_t)k * ld, sw = nG + 2;
  const size_t pairs = (size_t)steps * k * k + (size_t)classes * k, sums = (size_t)steps * k + classes;
  // acc: the pairs' sums (∂A by step, then ∂W), then the batchSum partials (∂B by step, then ∂c),
  // then loss and correct count; W lanes each.
  double* accD = Ln.acc;
  double* accS = accD + pairs * W;
  double* accL = accS + 4 * sums * W;
  const Bufs& w = Ln.b;
  const size_t oB = (size_t)steps * k * k, oW = oB + (size_t)steps * k, oC = oW + (size_t)classes * k;
  for (int g = 0; g < G; g++) {
    int lo[8];
    for (int l = 0; l < W; l++) {
      int q = g * W + l;
      lo[l] = q < count ? (int)(((long long)q * nb) / count) : 0;
    }
    const double* len = Ln.len + g * W;
    const int full = Ln.full[g];
    std::memset(Ln.acc, 0, (pairs + 4 * sums + 2) * W * sizeof(double));
    for (int i0 = 0; i0 < R; i0 += LANE_ROWS) {
      const int rows = R - i0 < LANE_ROWS ? R - i0 : LANE_ROWS;
      const int ncols = rows * W, nbp = (int)up8(ncols);
      // The block's inputs and labels in the lane layout (padding samples: input 0, label −1).
      for (int j = 0; j < k; j++) {
        const double* src = X + (size_t)j * ldx + i0;
        double* dst = w.P + (size_t)j * ld;
        for (int i = 0; i < rows; i++)
          for (int l = 0; l < W; l++) dst[(size_t)i * W + l] = i0 + i < len[l] ? src[lo[l] + i] : 0.0;
        for (int c = ncols; c < nbp; c++) dst[c] = 0.0;
      }
      for (int i = 0; i < rows; i++)
        for (int l = 0; l < W; l++) Ln.y[(size_t)i * W + l] = i0 + i < len[l] ? y[lo[l] + i0 + i] : -1;
      forward(w, w.P, ld, ncols, true);
      K.softmaxLanes(classes, rows, i0, len, ld, w.L, Ln.y, scale, accL, accL + W);
      const double* Pn = w.P + steps * kc;
      // ∂c, ∂W, then λ(n) = Wᵀ·G.
      size_t n = 0;
      for (int c = 0; c < classes; c++) Ln.Y[n++] = w.L + (size_t)c * ld;
      K.laneSums((int)n, Ln.Y.data(), rows, i0, full, len, accS + (size_t)steps * k * 4 * W);
      n = 0;
      for (int c = 0; c < classes; c++)
        for (int j = 0; j < k; j++) Ln.Y[n] = w.L + (size_t)c * ld, Ln.Xp[n++] = Pn + (size_t)j * ld;
      K.laneDots((int)n, Ln.Y.data(), Ln.Xp.data(), rows, i0, full, len, accD + oB * W);
      K.gemmAtB(0, k, classes, k, nbp, this->W, w.L, ld, w.lam, ld);
      double* la = w.lam;
      double* lb = w.lam2;
      for (int t = steps - 1; t >= 0; t--) {
        K.adjointRows(0, k, 0, nbp, ld, la, w.D + t * kc, w.U + t * kc, par, w.gU, Ln.dummy);
        n = 0;
        for (int i = 0; i < k; i++) Ln.Y[n++] = w.gU + (size_t)i * ld;
        K.laneSums((int)n, Ln.Y.data(), rows, i0, full, len, accS + (size_t)t * k * 4 * W);
        const double* Pt = w.P + t * kc;
        n = 0;
        for (int i = 0; i < k; i++)
          for (int j = 0; j < k; j++) Ln.Y[n] = w.gU + (size_t)i * ld, Ln.Xp[n++] = Pt + (size_t)j * ld;
        K.laneDots((int)n, Ln.Y.data(), Ln.Xp.data(), rows, i0, full, len, accD + (size_t)t * k * k * W);
        if (t == 0) break;
        K.gemmAtB(0, k, k, k, nbp, A + (size_t)t * k * k, w.gU, ld, lb, ld);
        double* tmp = la;
        la = lb;
        lb = tmp;
      }
    }
    // The group's chunk sums into the chunks' slots ("0 +" as every gradient entry is written).
    for (int l = 0; l < W && g * W + l < count; l++) {
      double* slot = Ln.slots + (size_t)(g * W + l) * sw;
      for (size_t p = 0; p < (size_t)steps * k * k; p++) slot[p] = 0.0 + accD[p * W + l];
      for (size_t p = 0; p < (size_t)classes * k; p++) slot[oW + p] = 0.0 + accD[(oB + p) * W + l];
      for (size_t p = 0; p < sums; p++) {
        const double* a = accS + p * 4 * W + l;
        double v = 0.0 + ((a[0] + a[2 * W]) + (a[W] + a[3 * W]));
        if (p < (size_t)steps * k) slot[oB + p] = v;
        else slot[oC + (p - (size_t)steps * k)] = v;
      }
      slot[nG] = accL[l];
      slot[nG + 1] = accL[W + l];
    }
  }
  // The batch: the chunks' gradients, losses and counts added in chunk order.
  for (int q = 0; q < count; q++) addChunk(q, Ln.slots + (size_t)q * sw, total, 0, sw);
  return total;
}

// A batch of several chunks on an engine with threads runs whole chunks on them: each thread
// claims the next chunk as it is free (Pool::share: the caller never waits for a thread that has
// not started), computes it in its own buffers and writes the chunk's gradient, loss and correct
// count to the chunk's slot; the slots are then added in chunk order (each entry's sum on one
// thread; entries split over the threads from THREAD_WORK additions). One hand-over per batch
// instead of one per matrix product, and the same bits as one thread. Used from THREAD_WORK
// multiply–adds per batch and while the slots take at most CHUNK_SLOT_BYTES (a large network's
// chunks split their products instead).
constexpr size_t CHUNK_SLOT_BYTES = 32u << 20;

bool Engine::chunkThreads(int nb, int count) {
  if (pool->n == 1 || count < 2) return false;
  // The batch's products (forward and two backward per step) below THREAD_WORK: one thread.
  if (3.0 * steps * k * k * nb < THREAD_WORK) return false;
  if ((size_t)count * (nG + 2) * sizeof(double) > CHUNK_SLOT_BYTES) return false;
  if (tbufs.empty()) {
    size_t kc = (size_t)k * cs;
    size_t per = (steps + 1) * kc + 2 * steps * kc + (size_t)classes * cs + 3 * kc + (size_t)cs * kp;
    for (int id = 0; id < pool->n; id++) {
      double* m = id == 0 ? nullptr : alignedAlloc<double>(per + 8 * 8);
      if (id > 0 && m == nullptr) return false;
      tmem.push_back(m);
      if (id == 0) {
        Bufs b = chunkBufs();
        b.split = false;
        tbufs.push_back(b);
        continue;
      }
      Bufs b{};
      double* o = m;
      b.P = o, o += (steps + 1) * kc;
      b.U = o, o += steps * kc;
      b.D = o, o += steps * kc;
      b.L = o, o += up8((size_t)classes * cs);
      b.lam = o, o += kc;
      b.lam2 = o, o += kc;
      b.gU = o, o += kc;
      b.XT = o;
      b.ld = cs;
      b.split = false;
      tbufs.push_back(b);
    }
  }
  if (count > slotCount) {
    free(slots);
    slots = alignedAlloc<double>((size_t)count * (nG + 2));
    slotCount = slots ? count : 0;
    if (!slots) return false;
  }
  return true;
}

namespace {
// Chunk q of the batch on thread id's buffers, into chunk q's slot: a share of Pool::share, so
// which thread computes a chunk changes no bit.
struct ChunkJob {
  Engine* e;
  int nb, count;
  double scale;
  static void call(const void* ctx, int q, int id) {
    const ChunkJob* j = static_cast<const ChunkJob*>(ctx);
    Engine& e = *j->e;
    const size_t sw = e.nG + 2;
    int lo = (int)(((long long)q * j->nb) / j->count), hi = (int)(((long long)(q + 1) * j->nb) / j->count);
    Bufs w = e.tbufs[id];
    w.g = e.slots + (size_t)q * sw;
    e.chunkOn(w, lo, hi - lo, j->scale, w.g + e.nG);
  }
};
struct SumJob {
  Engine* e;
  int count, parts;
  static void call(const void* ctx, int id) {
    const SumJob* j = static_cast<const SumJob*>(ctx);
    Engine& e = *j->e;
    const size_t sw = e.nG + 2;
    size_t e0 = sw * id / j->parts, e1 = sw * (id + 1) / j->parts;
    for (int q = 0; q < j->count; q++) addChunk(q, e.slots + (size_t)q * sw, e.total, e0, e1);
  }
};
}  // namespace

void Engine::chunkOn(const Bufs& w, int lo, int len, double scale, double* res) {
  const double* P0 = X + lo;
  forward(w, P0, ldx, len, true);
  kt->softmax(classes, len, w.ld, w.L, y + lo, scale, res, nullptr);
  if (w.fuse && !std::isfinite(res[0])) {
    // A step whose loss is not finite updates nothing: the plain gradient.
    Bufs v = w;
    v.fuse = nullptr;
    backward(v, P0, ldx, len);
    return;
  }
  backward(w, P0, ldx, len);
}

const double* Engine::chunkGradient(int nb, int count, double scale) {
  ChunkJob cj{this, nb, count, scale};
  pool->share(Job{nullptr, &cj, &ChunkJob::call}, count);
  // The slots' sum on the threads only when it is THREAD_WORK additions or more.
  SumJob sj{this, count, (double)count * (nG + 2) < THREAD_WORK ? 1 : pool->n};
  if (sj.parts == 1) SumJob::call(&sj, 0);
  else pool->run(Job{&SumJob::call, &sj});
  return total;
}

const double* Engine::batchGradient(int nb, int count, double scale) {
  if (laneBatch(nb, count)) return laneGradient(nb, count, scale);
  const bool wideRun = wideBatch(nb, count);
  if (!wideRun && chunkThreads(nb, count)) return chunkGradient(nb, count, scale);
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
    // One chunk's gradient stays in g (batch() copies it, step() reads it there).
    if (count > 1) addChunk(q, g, total, 0, nG);
    addChunk(q, out, total + nG, 0, 2);
  }
  return count == 1 ? g : total;
}

void Engine::batch(int nb, int count, double scale) {
  if (batchGradient(nb, count, scale) == g) std::memcpy(total, g, nG * sizeof(double));
}

namespace {
struct EvalJob {
  Engine* e;
  int lo, len, parts;
  static void call(const void* ctx, int share) {
    const EvalJob* j = static_cast<const EvalJob*>(ctx);
    j->e->evaluateShare(j->lo, j->len, share, j->parts);
  }
};
}  // namespace

void Engine::evaluateShare(int lo, int len, int id, int parts) {
  const int blocks = (len + 7) / 8;
  const int c0 = (int)((long)blocks * id / parts) * 8;
  int c1 = (int)((long)blocks * (id + 1) / parts) * 8;
  if (c1 > len) c1 = len;
  if (c0 >= c1) return;
  Bufs w = chunkBufs().at(c0);
  w.split = false;
  forward(w, X + lo + c0, ldx, c1 - c0, false);
}

void Engine::evaluate(int lo, int len) {
  const double work = ((double)steps * k + classes) * k * len;
  if (pool->n > 1 && len >= 16 && work >= EVAL_THREAD_WORK) {
    // Shares of about EVAL_THREAD_WORK / 4 (at least one per thread, at most one per 8 columns),
    // claimed by whichever thread is free (Pool::share).
    int parts = (int)(work / (EVAL_THREAD_WORK / 4));
    if (parts < pool->n) parts = pool->n;
    if (parts > (len + 7) / 8) parts = (len + 7) / 8;
    EvalJob j{this, lo, len, parts};
    pool->share(Job{&EvalJob::call, &j}, parts);
  } else {
    Bufs w = chunkBufs();
    w.split = false;
    forward(w, X + lo, ldx, len, false);
  }
  kt->softmax(classes, len, cs, L, y + lo, 0.0, out, pred + lo);
}

// Columns per block of evaluateAll's forward pass: a block's states (k × EVAL_BLOCK doubles each)
// stay in the first- and second-level caches through every step.
constexpr int EVAL_BLOCK = 64;
// Multiply–adds from which evaluateAll shares its blocks out over the engine's threads (the caller
// starts at once and only waits for blocks another thread has claimed, so a small window loses
// little; below this a wake-up costs more than the work).
constexpr double EVAL_SHARE_WORK = 2e6;

bool Engine::evalBuffers() {
  if (evalL != nullptr) return true;
  const size_t bk = (size_t)k * EVAL_BLOCK;
  while ((int)evalMem.size() < pool->n) {
    double* m = allocd(3 * bk);
    if (m == nullptr) return false;
    evalMem.push_back(m);
  }
  evalLd = (int)up8(ldx);
  evalL = allocd((size_t)classes * evalLd);
  return evalL != nullptr;
}

void Engine::evaluateBlock(int lo, int c0, int nb, int id) {
  const size_t bk = (size_t)k * EVAL_BLOCK;
  double* m = evalMem[id];
  Bufs w{m, m + 2 * bk, nullptr, evalL + c0, nullptr, nullptr, nullptr, EVAL_BLOCK};
  w.split = false;
  w.ring = true;
  w.ldl = evalLd;
  forward(w, X + lo + c0, ldx, nb, false);
}

namespace {
struct BlockJob {
  Engine* e;
  int lo, len, block;
  static void call(const void* ctx, int share, int id) {
    const BlockJob* j = static_cast<const BlockJob*>(ctx);
    const int c0 = share * j->block;
    j->e->evaluateBlock(j->lo, c0, j->len - c0 < j->block ? j->len - c0 : j->block, id);
  }
};
}  // namespace

bool Engine::forwardWindow(int lo, int len) {
  if (!evalBuffers()) return false;
  const int blocks = (len + EVAL_BLOCK - 1) / EVAL_BLOCK;
  const double work = ((double)steps * k + classes) * k * len;
  BlockJob j{this, lo, len, EVAL_BLOCK};
  Job job{nullptr, &j, &BlockJob::call};
  if (pool->n > 1 && blocks > 1 && work >= EVAL_SHARE_WORK) {
    pool->share(job, blocks);
  } else {
    for (int b = 0; b < blocks; b++) BlockJob::call(&j, b, 0);
  }
  return true;
}

void Engine::evaluateAll(int lo, int len, int chunk, double loss0) {
  double loss = loss0, correct = 0;
  if (!forwardWindow(lo, len)) {
    for (int c = 0; c < len; c += chunk) {
      evaluate(lo + c, len - c < chunk ? len - c : chunk);
      loss += out[0];
      correct += out[1];
    }
    out[0] = loss, out[1] = correct;
    return;
  }
  double o[2];
  for (int c = 0; c < len; c += chunk) {
    kt->softmax(classes, len - c < chunk ? len - c : chunk, evalLd, evalL + c, y + lo + c, 0.0, o, pred + lo + c);
    loss += o[0];
    correct += o[1];
  }
  out[0] = loss, out[1] = correct;
}

void Engine::logitsAll(int lo, int len, double* dst) {
  const int m = classes;
  if (forwardWindow(lo, len)) {
    for (int c = 0; c < m; c++) {
      const double* row = evalL + (size_t)c * evalLd;
      for (int b = 0; b < len; b++) dst[(size_t)b * m + c] = row[b];
    }
    return;
  }
  // Without the window's buffers: chunk by chunk of cap samples on the chunk buffers (the same
  // columns, so the same bits).
  for (int c0 = 0; c0 < len; c0 += cap) {
    const int nb = len - c0 < cap ? len - c0 : cap;
    Bufs w = chunkBufs();
    w.split = false;
    forward(w, X + lo + c0, ldx, nb, false);
    for (int c = 0; c < m; c++)
      for (int b = 0; b < nb; b++) dst[(size_t)(c0 + b) * m + c] = L[(size_t)c * cs + b];
  }
}

void Engine::load(const double* x, int c, int d, const int32_t* rows, int start, int nb, const double* mn, const double* mx, double fill) {
  for (int j = d; j < k; j++)
    for (int b = 0; b < nb; b++) X[(size_t)j * ldx + b] = fill;
  // The rows' addresses, and the spans max − min (with a vector's slack: loadRows reads whole vectors).
  loadSrc.resize((size_t)nb);
  for (int b = 0; b < nb; b++) loadSrc[b] = x + (size_t)(rows ? rows[start + b] : start + b) * c;
  const size_t dv = up8((size_t)d);
  if (mn != nullptr) {
    loadNorm.assign(2 * dv, 0.0);
    for (int j = 0; j < d; j++) loadNorm[j] = mn[j], loadNorm[dv + j] = mx[j] - mn[j];
  }
  kt->loadRows(d, nb, loadSrc.data(), mn ? loadNorm.data() : nullptr, mn ? loadNorm.data() + dv : nullptr, X, ldx);
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
      rows(true, k, work, [&](int r0, int r1) { (gt ? gt->bias : K.gemmBias)(r0, r1, k, nbp, A, B, X, ldx, U, cs); });
    } else if (which == 1 && gt) {
      rows(true, k, work, [&](int r0, int r1) { gt->abt(r0, r1, k, nb, U, cs, X, ldx, g); });
    } else if (which == 1) {
      K.transpose(k, kp, nb, X, ldx, XT);
      rows(true, k, work, [&](int r0, int r1) { K.gemmABt(r0, r1, k, kp, nb, U, cs, XT, g); });
    } else {
      rows(true, k, work, [&](int r0, int r1) { (gt ? gt->atb : K.gemmAtB)(r0, r1, k, k, nbp, A, U, cs, lam, cs); });
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
  double c1, c2, b1, b2;
  bool ok[256];
  static void call(const void* ctx, int id) {
    AdamJob* j = const_cast<AdamJob*>(static_cast<const AdamJob*>(ctx));
    size_t lo = j->n * id / j->parts & ~(size_t)7, hi = id + 1 == j->parts ? j->n : (j->n * (id + 1) / j->parts & ~(size_t)7);
    bool ok = true;
    size_t base = 0;
    for (int r = 0; r < j->count && base < hi; base += j->runs[r].n, r++) {
      const AdamRun& u = j->runs[r];
      size_t e0 = lo > base ? lo - base : 0, e1 = hi - base < u.n ? hi - base : u.n;
      if (e0 < e1) ok = j->kt->adam(e0, e1, u.p, u.g, u.m, u.v, u.a, j->c1, j->c2, j->b1, j->b2, u.eps, u.shrink, u.thr) && ok;
    }
    j->ok[id] = ok;
  }
};

// Below this many parameters Adam runs on the calling thread (a hand-over costs more).
constexpr size_t ADAM_SPLIT = 65536;
}  // namespace

bool Engine::adam(size_t n, double* p, const double* g, double* m, double* v, double a, double c1, double c2, double b1, double b2, double eps, double shrink, double thr) {
  if (pool->n == 1 || n < ADAM_SPLIT) return kt->adam(0, n, p, g, m, v, a, c1, c2, b1, b2, eps, shrink, thr);
  AdamRun run{p, g, m, v, n, a, eps, shrink, thr};
  AdamJob j{kt, &run, 1, pool->n, n, c1, c2, b1, b2, {}};
  Job job{&AdamJob::call, &j};
  pool->run(job);
  bool ok = true;
  for (int i = 0; i < pool->n; i++) ok = ok && j.ok[i];
  return ok;
}

int Engine::step(int nb, int count, double scale, const double* h, int runs, double* mv) {
  const double* gr = g;
  const size_t kk = (size_t)k * k;
  AdamFuse fz;
  if (count == 1 && gt != nullptr) {
    // The one chunk of batchGradient (chunk), with step 0's products on p(0)'s nonzero rows when
    // there are enough zero rows, and A's update inside backward when the loss is finite.
    std::vector<AdamFuse::Run>& fr = fuseScratch;
    fr.clear();
    for (int r = 0; r < runs; r++) {
      const double* u = h + RUN_HEAD + RUN_STRIDE * r;
      if ((int)u[0] == 0) fr.push_back(AdamFuse::Run{(size_t)u[1], (size_t)u[2], u[3], u[4], u[5], u[6]});
    }
    fuseDone.assign(steps, 0);
    fz.runs = fr.data(), fz.count = (int)fr.size(), fz.done = fuseDone.data();
    fz.p = A, fz.m = mv, fz.v = mv + nG;
    fz.c1 = h[0], fz.c2 = h[1], fz.b1 = h[2], fz.b2 = h[3];
    Bufs w = chunkBufs();
    if (sparseInput(nb)) w.sparse = &sp;
    w.fuse = &fz;
    chunkOn(w, 0, nb, scale, out);
    total[nG] = out[0];
    total[nG + 1] = out[1];
  } else {
    gr = batchGradient(nb, count, scale);
  }
  if (!std::isfinite(total[nG])) return 1;
  double* base[4] = {A, B, W, c};
  size_t at[4] = {0, (size_t)steps * k * k, (size_t)steps * k * k + (size_t)steps * k, (size_t)steps * k * k + (size_t)steps * k + (size_t)classes * k};
  std::vector<AdamRun>& rs = runScratch;
  rs.clear();
  size_t n = 0;
  for (int r = 0; r < runs; r++) {
    const double* u = h + RUN_HEAD + RUN_STRIDE * r;
    int q = (int)u[0];
    const size_t e0 = (size_t)u[1], e1 = (size_t)u[2];
    // A(t)'s entries updated in backward (fz.done[t]) are left out of A's runs.
    for (int t = 0; q == 0 ? t < steps : t < 1; t++) {
      size_t s = e0, e = e1;
      if (q == 0) {
        if (fz.done && fz.done[t]) continue;
        s = e0 > t * kk ? e0 : t * kk;
        e = e1 < (t + 1) * kk ? e1 : (t + 1) * kk;
      }
      if (s >= e) continue;
      const size_t o = at[q] + s;
      rs.push_back(AdamRun{base[q] + s, gr + o, mv + o, mv + nG + o, e - s, u[3], u[4], u[5], u[6]});
      n += e - s;
    }
  }
  AdamJob j{kt, rs.data(), (int)rs.size(), pool->n == 1 || n < ADAM_SPLIT ? 1 : pool->n, n, h[0], h[1], h[2], h[3], {}};
  Job job{&AdamJob::call, &j};
  if (j.parts == 1) AdamJob::call(&j, 0);
  else pool->run(job);
  bool ok = !fz.bad.load(std::memory_order_relaxed);
  for (int i = 0; i < j.parts; i++) ok = ok && j.ok[i];
  // Adam's updates keep A(0) finite unless they report otherwise.
  if (!ok) a0Finite = false;
  return ok ? 0 : 2;
}
