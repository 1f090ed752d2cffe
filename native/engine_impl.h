// dynaspin native engine: the engine object and its thread pool (engine.cc).
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine.h"
#include "gemm.h"

// A type-erased job run by every thread of a Pool with its thread index (run), or as shares
// (Pool::share: run with the share's index, or shareOn with the share's and the thread's index).
struct Job {
  void (*run)(const void* ctx, int id);
  const void* ctx;
  void (*shareOn)(const void* ctx, int share, int id) = nullptr;
};

// n − 1 persistent threads plus the caller; run() returns when every thread has done the job.
// A thread whose share of a job throws (or, for the reliability tests, fails by
// DYNASPIN_FAULT=native-thread-fail) makes run() throw std::runtime_error naming it after every
// thread has finished; a thread that cannot be started makes the constructor throw.
//
// share() runs a job as `shares` shares (j.run(ctx, share)) that the caller and the other threads
// claim one at a time as they get to it: the caller starts at once and waits only for shares another
// thread has claimed, never for a thread that has not woken up yet (on a loaded machine that can
// take a scheduler time slice), so sharing out work is never much slower than doing it alone.
// Failures are reported as run() reports them; with DYNASPIN_FAULT=native-thread-fail the caller
// leaves every share to the other threads, so that the injected failure always happens.
struct Pool {
  explicit Pool(int n);
  ~Pool();
  void run(const Job& j);
  void share(const Job& j, int shares);
  int n;

 private:
  void loop(int id);
  void fail(int id, const char* what);
  // Claims and runs shares of the share() call of generation g until none is left.
  void runShares(const Job* j, unsigned g, int id);
  // share(): generation (low 32 bits) << 32 | shares << 16 | next share to claim; shares finished.
  std::atomic<unsigned long long> claim{0};
  std::atomic<int> finished{0};
  bool shareMode = false;
  std::string failure;
  bool injectFault = false;
  std::vector<std::thread> threads;
  std::mutex m;
  std::condition_variable cv, done;
  long gen = 0;
  int pending = 0;
  bool stop = false;
  const Job* job = nullptr;
};

// Rows [0, n) split over the pool's threads in blocks of 4 (each thread a contiguous range), or run
// on this thread when the work (multiply–adds) is below minWork: a thread hand-over would cost more.
template <class F>
struct RowJob {
  F f;
  int n, parts;
  static void call(const void* ctx, int id) {
    const RowJob* j = static_cast<const RowJob*>(ctx);
    int blocks = (j->n + 3) / 4;
    int r0 = (int)((long)blocks * id / j->parts) * 4, r1 = (int)((long)blocks * (id + 1) / j->parts) * 4;
    if (r1 > j->n) r1 = j->n;
    if (r0 < r1) j->f(r0, r1);
  }
};

template <class F>
void splitRows(Pool* pool, int n, double work, double minWork, F f) {
  if (pool->n == 1 || work < minWork || n < 8) {
    f(0, n);
    return;
  }
  RowJob<F> j{f, n, pool->n};
  Job job{&RowJob<F>::call, &j};
  pool->run(job);
}

// n elements of T, zeroed, 64-byte aligned, with 64 bytes of slack for vector tails; null when out
// of memory. Free with free().
template <class T>
T* alignedAlloc(size_t n) {
  void* p = nullptr;
  if (posix_memalign(&p, 64, (n ? n : 1) * sizeof(T) + 64) != 0) return nullptr;
  std::memset(p, 0, (n ? n : 1) * sizeof(T) + 64);
  return static_cast<T*>(p);
}

// n rounded up to a multiple of 8.
inline size_t up8(size_t n) { return (n + 7) & ~(size_t)7; }

// Entries of a network's gradient (and of its parameters): ∂A, ∂B, ∂W, ∂c back to back.
inline size_t gradientLength(int k, int steps, int classes) { return (size_t)steps * k * k + (size_t)steps * k + (size_t)classes * k + classes; }

// The layout of an object's JavaScript-visible block (owned.h createOwned): region r of sizes[r]
// doubles starts at off[r], each followed by 8 doubles of slack for vector tails and rounded up to
// a multiple of 8 (64-byte alignment). Returns the block's size in doubles.
inline size_t regionOffsets(const size_t* sizes, int n, size_t* off) {
  size_t o = 0;
  for (int r = 0; r < n; r++) {
    off[r] = o;
    o += up8(sizes[r] + 8);
  }
  return o;
}

// The batch's sums over its chunks, in chunk order (src/train/chunks.ts reduceSlots): chunk q's
// values src[e0, e1) into total[e0, e1), copied for q = 0 and added for q > 0, so each entry is
// ((s_0 + s_1) + s_2) + … whichever way the chunks were computed. Every engine's chunk sums
// (gradients, loss and correct count) go through here.
inline void addChunk(int q, const double* src, double* total, size_t e0, size_t e1) {
  if (q == 0) {
    std::memcpy(total + e0, src + e0, (e1 - e0) * sizeof(double));
    return;
  }
  for (size_t e = e0; e < e1; e++) total[e] = total[e] + src[e];
}

// Numbers before the runs in a training step's hyper-parameters (Adam.engineStep): c1, c2, b1, b2.
constexpr int RUN_HEAD = 4;
// Numbers per run in a training step's hyper-parameters (Adam.engineStep): q, e0, e1, a, eps, shrink,
// L1 threshold. eps is the run's own, ε·r/s in the parameter's units (src/train/adam.ts unitEps), so
// that Adam acts on dimensionless parameters whatever the device's units.
constexpr int RUN_STRIDE = 7;

// One array's stretch of an Adam update: elements [0, n) of p, g, m, v with rate a, eps, shrink and L1 threshold thr.
struct AdamRun {
  double* p;
  const double* g;
  double *m, *v;
  size_t n;
  double a, eps, shrink, thr;
};

// Adam on A inside backward() (Engine::step, one chunk on the packed products, finite loss): each
// row of ∂A(t) goes from the product (step 0 with sparse input: the compact ∂A(0), expanded) to a
// row buffer from which that row of A(t) and its moments are updated at once; the gradient is not
// written to g. runs: the stretches [e0, e1) of A's entries with their rate, ε, shrink and L1
// threshold; p, m, v: A and its moments (entry e at p[e], m[e], v[e]); done[t]: backward updated
// A(t) (steps entries); bad: an updated entry was not finite.
struct AdamFuse {
  struct Run {
    size_t e0, e1;
    double a, eps, shrink, thr;
  };
  const Run* runs = nullptr;
  int count = 0;
  double *p = nullptr, *m = nullptr, *v = nullptr;
  double c1 = 0, c2 = 0, b1 = 0, b2 = 0;
  char* done = nullptr;
  std::atomic<bool> bad{false};
};

// Where a forward/backward pass keeps its states (p(t) for t ≥ 1, u, f', logits, the adjoints
// and gU): rows of stride ld, step t's k rows at t·k·ld. at(lo) is the same arrays from column lo.
// XT is the transpose scratch and g where backward writes the gradient; split: whether the
// matrix products may be split over the engine's threads (false inside a job already running on
// them).
struct Bufs {
  double *P, *U, *D, *L, *lam, *lam2, *gU;
  int ld;
  double* XT = nullptr;
  double* g = nullptr;
  bool split = true;
  // Sparse input (Engine::sparseInput): step 0's products skip p(0)'s zero rows.
  const struct SparseInput* sparse = nullptr;
  // Adam on A inside backward (Engine::step): A's rows are updated as their gradient rows come out
  // of the products, and not written to g.
  AdamFuse* fuse = nullptr;
  // Inference (Engine::evaluateAll): p(t) for t ≥ 1 in two slots (p(t) in slot t mod 2) and u in
  // one, since nothing reads them after the next step; the logits with row stride ldl (0: ld).
  bool ring = false;
  int ldl = 0;
  Bufs at(int lo) const { return {P + lo, U + lo, D + lo, L + lo, lam + lo, lam2 + lo, gU + lo, ld, XT, g, split}; }
};

// p(0)'s rows that are not zero in any column of a batch (ascending, n of them, as runs of
// consecutive rows: runs[2r] first row, runs[2r + 1] end, rows the runs' concatenation), copied to
// X (n rows of stride ld), and the scratch G (k × n) of step 0's weight gradient on those columns.
//
// With Adam inside backward (AdamFuse), ∂A(0) is summed from p(0)'s nonzero entries instead
// (Engine::sparseEntries): compact row c's entries are (bidx[e], val[e]) for e in [off[c],
// off[c + 1]) (sample, value; samples ascending), gT is gU(0) transposed (rows of ldt, zero past
// k); emem owns them.
struct SparseInput {
  int n = 0, nruns = 0, ld = 0;
  int* rows = nullptr;
  int* runs = nullptr;
  double* X = nullptr;
  double* G = nullptr;
  double* mem = nullptr;
  int ldt = 0;
  int *off = nullptr, *bidx = nullptr;
  double *val = nullptr, *gT = nullptr;
  double* emem = nullptr;
};

// One engine: the shapes, views into the JavaScript-visible block (parameters, batch input,
// labels, gradients) and its own scratch (states, adjoint, transposes), 64-byte aligned.
// Regions of the shared block: A, B, W, c, par, X, y, g, total, out, pred.
constexpr int NREGIONS = 11;

struct Engine {
  // Offsets (in doubles) of A, B, W, c, par, X, y, g, total, out, pred in the shared block; returns its size.
  static size_t sharedDoubles(int k, int steps, int classes, int ldx, size_t* off);
  // The engine in `shared` (sharedDoubles' layout) with its scratch and `threads` threads; null when
  // out of memory (the Pool's exception when its threads cannot start; nothing leaks either way).
  static std::unique_ptr<Engine> create(const KernelTable* kt, int k, int steps, int classes, int cap, int ldx, int threads, double* shared);
  ~Engine();
  void chunk(int lo, int len, double scale);
  // One chunk (forward, softmax, backward) with the buffers w: gradient into w.g, loss and
  // correct count into res[0], res[1].
  void chunkOn(const Bufs& w, int lo, int len, double scale, double* res);
  void batch(int nb, int count, double scale);
  // Forward pass (no derivative) and softmax of samples [lo, lo + len): loss and correct count into
  // out, predicted classes into pred[lo..]. With threads and at least EVAL_THREAD_WORK multiply–adds, the
  // forward pass runs as shares of the columns that the threads claim as they are free
  // (Pool::share; one hand-over instead of one per matrix product, and no wait for a thread that
  // is not running); the softmax sums on this thread, so the bits do not depend on the threads.
  void evaluate(int lo, int len);
  // Inference on a whole window: samples [lo, lo + len) of X (len ≤ ldx) with their labels,
  // loss and correct count summed chunk by chunk — chunks of `chunk` samples from lo, each chunk's
  // loss summed in its samples' order as evaluate() sums it, the chunks' added in order to loss0 —
  // into out (out[0] = loss0 + l_0 + l_1 + …, out[1] the window's correct count), predicted classes
  // into pred[lo..]: the bits of one evaluate() call per chunk. The forward pass runs in blocks of
  // EVAL_BLOCK columns (each through all steps while in cache), shared out over the engine's
  // threads as they are free (Pool::share); each column's arithmetic does not depend on its block,
  // so neither do the bits on the thread count. Falls back to evaluate() per chunk when its
  // buffers cannot be made (chunk ≤ cap).
  void evaluateAll(int lo, int len, int chunk, double loss0);
  // The readout logits z = W·p(n) + c of samples [lo, lo + len) of X (len ≤ ldx) into dst,
  // sample-major (dst[b·classes + c] for sample lo + b): evaluateAll's forward pass (its blocks
  // shared out over the threads), without the softmax; the bits of dynamics.ts' forward and
  // readout for any thread count and instruction set. Chunk by chunk of cap when evaluateAll's
  // buffers cannot be made.
  void logitsAll(int lo, int len, double* dst);
  // evaluateAll's forward pass over the window, logits into evalL; false (nothing run) when its
  // buffers cannot be made.
  bool forwardWindow(int lo, int len);
  // One block of evaluateAll's forward pass: columns [c0, c0 + nb) of the window from lo, on
  // thread id's buffers, logits into evalL.
  void evaluateBlock(int lo, int c0, int nb, int id);
  // p(0) of samples [0, nb) in X from nb rows of raw inputs (gatherColumns of
  // src/network/dynamics.ts without a feature map): row b of x (c values) is sample start + b,
  // rows[start + b] when rows is not null; oscillator j < d gets feature j, normalised as
  // (v − mn[j])/(mx[j] − mn[j]) (0 when that span is not positive) when mn is not null;
  // oscillators d..k−1 get `fill`.
  void load(const double* x, int c, int d, const int32_t* rows, int start, int nb, const double* mn, const double* mx, double fill);
  // Share `id` (of `parts`) of evaluate()'s forward pass over samples [lo, lo + len): the columns
  // split at multiples of 8, so that each share's padding stays inside it.
  void evaluateShare(int lo, int len, int id, int parts);
  // CPU seconds of this thread for `reps` calls of one matrix product at step 0 on nb columns (which: 0 u = A·p + B,
  // 1 ∂A += g·pᵀ including its transpose, 2 λ = Aᵀ·g), on the engine's threads.
  double product(int which, int nb, int reps);
  // One Adam update of n parameters (kernels.h adam), split over the engine's threads when large.
  bool adam(size_t n, double* p, const double* g, double* m, double* v, double a, double c1, double c2, double b1, double b2, double eps, double shrink, double thr);
  // One training step with the parameters (A, B, W, c) and Adam's moments resident in the engine:
  // the batch's gradient as batch() computes it (loss and correct count into total[nG], total[nG + 1]),
  // then, when the loss is finite, Adam on every run of h = (c1, c2, b1, b2, then per run:
  // array q (0 A, 1 B, 2 W, 3 c), first entry, end, a, eps, shrink, L1 threshold), the moments in mv (m then v, in g's
  // layout, 2·nG). Returns 0, 1 (loss not finite: nothing updated) or 2 (an updated parameter is
  // not finite). The caller has checked the runs against the arrays' lengths. A one-chunk batch on
  // the packed products updates A inside backward (AdamFuse): g then holds no ∂A.
  int step(int nb, int count, double scale, const double* h, int runs, double* mv);
  // The caller wrote the parameters (A may now hold anything): step() checks A(0) again before it
  // leaves out zero rows of the input.
  void written() { a0Finite = false; }
  // The table devices (tables() of addon.cc): desc holds 3 numbers per oscillator (offset into
  // data, node count n, linear 0/1), n = 0 for an oscillator that is not a table; each table's
  // nodes, powers and tangents are data[offset .. offset + 3n). Copies data; the caller checked
  // every offset and count. No table at all: the drive step reads par only.
  void setTables(const double* desc, const double* data, size_t len);

  const KernelTable* kt;
  // The packed products (gemm.h) for this instruction set when k ≥ GEMM_MIN_K, else null: then the
  // kernel table's products run (faster for small networks, where everything fits in L1/L2).
  const GemmTable* gt = nullptr;
  // The packed products for evaluateAll's blocks, at every k: there they were 10–15 % faster than
  // the kernel table's at k = 64 (a block's 64 columns, AVX-512 and AVX2).
  const GemmTable* gi = nullptr;
  int k, steps, classes, cap, ldx, cs, kp;
  size_t nG;
  double *A, *B, *W, *c, *par, *X, *g, *total, *out;
  int32_t* y;
  int32_t* pred;
  double *P = nullptr, *U = nullptr, *D = nullptr, *L = nullptr, *lam = nullptr, *lam2 = nullptr, *gU = nullptr, *XT = nullptr;
  std::unique_ptr<Pool> pool;
  // Whole-batch buffers of small networks (wideBatch), made on first use; wideMem owns them.
  Bufs wide{};
  int wideCap = 0;
  double* wideMem = nullptr;
  // Chunks-in-lanes buffers (laneBatch) for one batch shape, made on first use; mem owns them.
  struct Lanes {
    int nb = -1, count = 0, groups = 0, rows = 0;
    Bufs b{};                 // one block's states, P(0) its inputs in the lane layout
    int32_t* y = nullptr;     // the block's labels in the lane layout, −1 on padding samples
    double* len = nullptr;    // per group: its W chunk lengths (0 for lanes past the last chunk)
    int* full = nullptr;      // per group: the rows every lane of it has
    double* slots = nullptr;  // per chunk: its gradient (nG), then loss and correct count
    double* acc = nullptr;    // the group's sums, W lanes each (laneGradient)
    double* dummy = nullptr;  // k values adjointRows writes and nobody reads
    double* mem = nullptr;
    std::vector<const double*> Y, Xp;
  } lanes;
  // Chunks on threads (chunkThreads): each thread's buffers, and every chunk's result.
  std::vector<Bufs> tbufs;
  std::vector<double*> tmem;
  double* slots = nullptr;
  int slotCount = 0;
  // evaluateAll's buffers, made on first use: per thread of the pool p(t) (two slots) and u for
  // EVAL_BLOCK columns (evalMem), the window's logits (classes rows of stride evalLd).
  std::vector<double*> evalMem;
  double* evalL = nullptr;
  int evalLd = 0;
  bool evalBuffers();
  // load()'s row addresses and normalisation (min, then max − min, each padded to whole vectors).
  std::vector<const double*> loadSrc;
  std::vector<double> loadNorm;
  // step()'s runs (reused: no allocation per step once it has grown).
  std::vector<AdamRun> runScratch;
  // step()'s runs over A and which steps of A backward updated (AdamFuse), reused likewise.
  std::vector<AdamFuse::Run> fuseScratch;
  std::vector<char> fuseDone;
  // step()'s sparse input, and whether A(0) is known to hold only finite values (checked once after
  // the caller last wrote the parameters, kept by Adam's updates: see sparseInput).
  SparseInput sp;
  bool a0Finite = false;
  // The oscillators' table devices (setTables): tabRows[i] points into tabData; tab is null when
  // no oscillator is a table.
  std::vector<double> tabData;
  std::vector<int32_t> tabCells;
  std::vector<TableRow> tabRows;
  const TableRow* tab = nullptr;

 private:
  Bufs chunkBufs() const { return {P, U, D, L, lam, lam2, gU, cs, XT, g, true}; }
  // Whether a batch of count chunks runs whole chunks on the engine's threads (see
  // chunkGradient), making each thread's buffers on first use.
  bool chunkThreads(int nb, int count);
  const double* chunkGradient(int nb, int count, double scale);
  void forward(const Bufs& w, const double* P0, int ld0, int nb, bool withD);
  void backward(const Bufs& w, const double* P0, int ld0, int nb);
  // Whether a batch of nb samples in count chunks runs its forward pass and softmax once over the
  // whole batch (small networks: see batchGradient), making the buffers on first use.
  bool wideBatch(int nb, int count);
  // Whether a batch of nb samples in count chunks runs with its chunks in vector lanes (see
  // laneGradient), making the buffers for this shape on first use.
  bool laneBatch(int nb, int count);
  const double* laneGradient(int nb, int count, double scale);
  // Whether a one-chunk step on the packed products can leave out p(0)'s zero rows (see engine.cc),
  // filling sp for the batch of nb samples in X.
  bool sparseInput(int nb);
  bool finiteRows(const double* Y, int ld, int nb) const;
  // sp's entries by compact row and gU0 transposed, for the first nb samples (see SparseInput);
  // false when out of memory.
  bool sparseEntries(int nb, const double* gU0);
  // Rows [r0, r1) of ∂A(0) from sp's entries, each updated by Adam at once (f).
  void sparseGradRows(int r0, int r1, AdamFuse& f) const;
  // Adam on row i of A (row t·k + i: row i of A(t)) from its gradient row (AdamFuse).
  void adamRow(AdamFuse& f, int i, const double* row) const;
  // batch() without its final copy: returns where the batch gradient is (g for one chunk, else total).
  const double* batchGradient(int nb, int count, double scale);
  template <class F>
  void rows(bool split, int n, double work, F f);
};
