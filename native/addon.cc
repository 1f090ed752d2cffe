// Node-API binding of the dynaspin native engine (src/network/engines/native.ts loads it).
//   info() → { kernels, width, hardwareThreads, api }
//   create(k, steps, classes, cap, ldx, threads, isa) → [handle, ArrayBuffer, offsets (doubles)]
//   chunk(handle, lo, len, scale), batch(handle, nb, count, scale), evaluate(handle, lo, len)
//   evaluateAll(handle, lo, len, chunk, loss0), logitsAll(handle, lo, len, dst)
//   load(handle, x, c, d, rows, start, nb, min, max, fill)
//   optimizer(handle) → ArrayBuffer of Adam's m and v (2·nG doubles, g's layout; made once)
//   step(handle, nb, count, scale, hyper) → 0, 1 (loss not finite, nothing updated), 2 (a non-finite parameter)
//   written(handle): the caller wrote the parameters (A, B, W, c) since the last step
//   tables(handle, desc, data): the oscillators' table devices (Engine::setTables; desc 3 numbers
//   per oscillator: offset into data, node count, linear), replacing the last ones
// The ArrayBuffer holds A, B, W, c, par, X, y, g, total, out, pred at the given offsets; the handle
// (owned.h, as the float32 engine's and the sweep's) keeps it and the optimizer's alive. Argument
// errors throw TypeError or RangeError (the TypeScript side validates shapes first; these checks
// keep a wrong call from touching memory outside the buffers).
#include <node_api.h>

#include <cmath>
#include <cstdio>
#include <memory>
#include <thread>

#include "engine_impl.h"
#include "sweep32.h"
#include "napi_args.h"
#include "owned.h"

namespace {

using namespace napi_args;

// The engine's handle (owned.h); its second buffer holds Adam's moments for step() (optimizer()).
typedef Owned<Engine> Handle;

// The handle in argv[0] and the numbers argv[1..want) of a call (into nums[1..want)); throws a
// TypeError and returns null when an argument is missing or of the wrong type.
Handle* handleArgs(napi_env env, napi_callback_info info, size_t want, napi_value* argv, double* nums) {
  if (!numbers(env, info, want, argv, nums, 1)) return nullptr;
  return handleOf<Engine>(env, argv[0], "an engine");
}

// A call `what` that takes `want` arguments, the handle first: argv[0..want) read, the numbers
// argv[1..numeric) into nums[1..numeric) (none by default); the handle, or null after throwing a
// TypeError for too few arguments ("native: <what> needs <want> arguments"), a wrong number or a
// wrong handle. For calls whose other arguments are arrays.
Handle* handleCall(napi_env env, napi_callback_info info, size_t want, napi_value* argv, const char* what, size_t numeric = 1, double* nums = nullptr) {
  if (!callArgs(env, info, want, argv, what)) return nullptr;
  for (size_t i = 1; i < numeric; i++) {
    if (napi_get_value_double(env, argv[i], &nums[i]) != napi_ok) {
      napi_throw_type_error(env, nullptr, "native: expected a number");
      return nullptr;
    }
  }
  return handleOf<Engine>(env, argv[0], "an engine");
}

// A window of samples [lo, lo + len) of engine e's input: 0 ≤ lo, 1 ≤ len ≤ cap, lo + len ≤ ldx.
bool windowIn(napi_env env, const char* what, const Engine* e, double lo, double len) {
  const double x[2] = {lo, len}, mn[2] = {0, 1}, mx[2] = {(double)e->ldx - 1, (double)e->cap};
  if (!intsIn(env, what, 2, x, mn, mx)) return false;
  return lo + len <= e->ldx || outOfRange(env, what);
}

// A batch of nb samples in `count` chunks: 1 ≤ nb ≤ ldx, 1 ≤ count ≤ nb, each chunk ≤ cap.
bool batchIn(napi_env env, const Engine* e, double nb, double count) {
  const double x[2] = {nb, count}, mn[2] = {1, 1}, mx[2] = {(double)e->ldx, nb};
  if (!intsIn(env, "batch", 2, x, mn, mx)) return false;
  return std::ceil(nb / count) <= e->cap || outOfRange(env, "batch");
}

napi_value Info(napi_env env, napi_callback_info info) {
  const KernelTable* kt = selectKernels("auto");
  napi_value o, v;
  CHECK(napi_create_object(env, &o));
  CHECK(napi_create_string_utf8(env, kt->name, NAPI_AUTO_LENGTH, &v));
  CHECK(napi_set_named_property(env, o, "kernels", v));
  CHECK(napi_create_int32(env, kt->width, &v));
  CHECK(napi_set_named_property(env, o, "width", v));
  CHECK(napi_create_int32(env, (int)std::thread::hardware_concurrency(), &v));
  CHECK(napi_set_named_property(env, o, "hardwareThreads", v));
  // The interface version src/node/native-engine.ts expects (a stale build is not used).
  CHECK(napi_create_int32(env, 6, &v));
  CHECK(napi_set_named_property(env, o, "api", v));
  // Thread failures are reported as errors (code DYNASPIN_NATIVE_FAILED), not a crash.
  CHECK(napi_get_boolean(env, true, &v));
  CHECK(napi_set_named_property(env, o, "threadFaults", v));
  return o;
}

napi_value Create(napi_env env, napi_callback_info info) {
  // k, steps, classes, cap, ldx, threads (sizes below 2^31 elements per region: int indices).
  const double mn[6] = {1, 1, 1, 1, 1, 1}, mx[6] = {46340, 1e6, 1e6, 1e8, 1e8, 256};
  int a[6];
  char isa[16] = {0};
  if (!shapeArgs(env, info, "engine shape", mn, mx, a, isa)) return nullptr;
  int k = a[0], steps = a[1], classes = a[2], cap = a[3], ldx = a[4], threads = a[5];
  const KernelTable* kt = selectKernels(isa);
  if (kt == nullptr) {
    // The one refusal src/node/native-engine.ts turns into "not available" (error.code).
    napi_throw_error(env, "ERR_DYNASPIN_NATIVE_ISA", "native: this CPU lacks the requested instruction set");
    return nullptr;
  }
  size_t off[NREGIONS];
  size_t total = Engine::sharedDoubles(k, steps, classes, ldx, off);
  return createOwned<Engine>(env, total, off, NREGIONS, [&](double* shared) {
    return Engine::create(kt, k, steps, classes, cap, ldx, threads, shared);
  });
}

napi_value Chunk(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  double n[4];
  Handle* h = handleArgs(env, info, 4, argv, n);
  if (!h || !windowIn(env, "chunk", h->obj, n[1], n[2])) return nullptr;
  GUARD(h->obj->chunk((int)n[1], (int)n[2], n[3]));
  return nullptr;
}

napi_value Batch(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  double n[4];
  Handle* h = handleArgs(env, info, 4, argv, n);
  if (!h || !batchIn(env, h->obj, n[1], n[2])) return nullptr;
  GUARD(h->obj->batch((int)n[1], (int)n[2], n[3]));
  return nullptr;
}

napi_value Evaluate(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  double n[3];
  Handle* h = handleArgs(env, info, 3, argv, n);
  if (!h || !windowIn(env, "evaluate", h->obj, n[1], n[2])) return nullptr;
  GUARD(h->obj->evaluate((int)n[1], (int)n[2]));
  return nullptr;
}

// evaluateAll(handle, lo, len, chunk, loss0): Engine::evaluateAll on samples [lo, lo + len) of X
// (len ≤ ldx) in chunks of 1 ≤ chunk ≤ cap.
napi_value EvaluateAll(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  double n[5];
  Handle* h = handleArgs(env, info, 5, argv, n);
  if (!h) return nullptr;
  Engine* e = h->obj;
  const double mn[3] = {0, 1, 1}, mx[3] = {(double)e->ldx - 1, (double)e->ldx, (double)e->cap};
  if (!intsIn(env, "evaluateAll", 3, n + 1, mn, mx)) return nullptr;
  if (n[1] + n[2] > e->ldx) return outOfRange(env, "evaluateAll"), nullptr;
  GUARD(e->evaluateAll((int)n[1], (int)n[2], (int)n[3], n[4]));
  return nullptr;
}

// logitsAll(handle, lo, len, dst): Engine::logitsAll on samples [lo, lo + len) of X (len ≤ ldx),
// the logits into the Float64Array dst (at least len·classes values, sample-major).
napi_value LogitsAll(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  double n[3];
  Handle* h = handleCall(env, info, 4, argv, "logitsAll", 3, n);
  if (!h) return nullptr;
  Engine* e = h->obj;
  const double mn[2] = {0, 1}, mx[2] = {(double)e->ldx - 1, (double)e->ldx};
  if (!intsIn(env, "logitsAll", 2, n + 1, mn, mx)) return nullptr;
  if (n[1] + n[2] > e->ldx) return outOfRange(env, "logitsAll"), nullptr;
  size_t len = 0;
  double* dst = float64Arg(env, argv[3], &len, "logitsAll");
  if (!dst) return nullptr;
  if (len < (size_t)n[2] * e->classes) return outOfRange(env, "logitsAll output"), nullptr;
  GUARD(e->logitsAll((int)n[1], (int)n[2], dst));
  return nullptr;
}

// load(handle, x, c, d, rows | null, start, nb, min | null, max | null, fill): Engine::load — p(0)
// of nb samples into X from the rows of x (c values each), every row index checked against x.
napi_value Load(napi_env env, napi_callback_info info) {
  napi_value argv[10];
  double n[10];
  Handle* h = handleCall(env, info, 10, argv, "load");
  if (!h) return nullptr;
  Engine* e = h->obj;
  for (int i : {2, 3, 5, 6, 9})
    if (napi_get_value_double(env, argv[i], &n[i]) != napi_ok) {
      napi_throw_type_error(env, nullptr, "native: load expects numbers");
      return nullptr;
    }
  size_t xl = 0;
  const double* x = float64Arg(env, argv[1], &xl, "load");
  if (!x) return nullptr;
  // c, d, start, nb: 1 ≤ c ≤ 2^30, 0 ≤ d ≤ min(k, c), 0 ≤ start, 1 ≤ nb ≤ ldx.
  const double v[4] = {n[2], n[3], n[5], n[6]}, lo[4] = {1, 0, 0, 1}, hi[4] = {1073741824.0, (double)e->k, 2147483647.0, (double)e->ldx};
  if (!intsIn(env, "load", 4, v, lo, hi) || n[3] > n[2]) return n[3] > n[2] ? (outOfRange(env, "load"), nullptr) : nullptr;
  const int c = (int)n[2], d = (int)n[3], start = (int)n[5], nb = (int)n[6];
  const size_t rowsInX = xl / (size_t)c;
  napi_valuetype t;
  const int32_t* rows = nullptr;
  CHECK(napi_typeof(env, argv[4], &t));
  if (t != napi_null) {
    napi_typedarray_type type;
    size_t len, off;
    void* data;
    napi_value ab;
    if (napi_get_typedarray_info(env, argv[4], &type, &len, &data, &ab, &off) != napi_ok || type != napi_int32_array) {
      napi_throw_type_error(env, nullptr, "native: load's rows is an Int32Array or null");
      return nullptr;
    }
    rows = static_cast<const int32_t*>(data);
    if ((size_t)start + nb > len) return outOfRange(env, "load rows"), nullptr;
    for (int b = 0; b < nb; b++)
      if (rows[start + b] < 0 || (size_t)rows[start + b] >= rowsInX) return outOfRange(env, "load rows"), nullptr;
  } else if ((size_t)start + nb > rowsInX) {
    return outOfRange(env, "load"), nullptr;
  }
  const double *mn = nullptr, *mx = nullptr;
  CHECK(napi_typeof(env, argv[7], &t));
  if (t != napi_null) {
    size_t l1 = 0, l2 = 0;
    if (!(mn = float64Arg(env, argv[7], &l1, "load")) || !(mx = float64Arg(env, argv[8], &l2, "load"))) return nullptr;
    if (l1 < (size_t)d || l2 < (size_t)d) return outOfRange(env, "load normalisation"), nullptr;
  }
  e->load(x, c, d, rows, start, nb, mn, mx, n[9]);
  return nullptr;
}

napi_value Product(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  double n[4];
  Handle* h = handleArgs(env, info, 4, argv, n);
  if (!h) return nullptr;
  Engine* e = h->obj;
  const double mn[3] = {0, 1, 1}, mx[3] = {2, (double)(e->cap < e->ldx ? e->cap : e->ldx), 1e9};
  if (!intsIn(env, "product", 3, n + 1, mn, mx)) return nullptr;
  napi_value v;
  double seconds = 0;
  GUARD(seconds = e->product((int)n[1], (int)n[2], (int)n[3]));
  CHECK(napi_create_double(env, seconds, &v));
  return v;
}

// adam(handle, p, g, m, v, [a, c1, c2, b1, b2, eps, shrink, thr]) → true when every updated p is finite.
napi_value Adam(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  Handle* h = handleCall(env, info, 6, argv, "adam");
  if (!h) return nullptr;
  double* arr[5];
  size_t len[5];
  for (int i = 0; i < 5; i++)
    if (!(arr[i] = float64Arg(env, argv[i + 1], &len[i], "adam"))) return nullptr;
  if (len[1] != len[0] || len[2] != len[0] || len[3] != len[0] || len[4] < 8) {
    napi_throw_range_error(env, nullptr, "native: adam array lengths differ");
    return nullptr;
  }
  const double* hy = arr[4];
  bool ok = false;
  GUARD(ok = h->obj->adam(len[0], arr[0], arr[1], arr[2], arr[3], hy[0], hy[1], hy[2], hy[3], hy[4], hy[5], hy[6], hy[7]));
  napi_value v;
  CHECK(napi_get_boolean(env, ok, &v));
  return v;
}

// optimizer(handle) → the ArrayBuffer of Adam's m and v that step() updates (zeroed when made).
napi_value Optimizer(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  double unused[1];
  Handle* h = handleArgs(env, info, 1, argv, unused);
  return h ? secondBuffer(env, h, 2 * h->obj->nG) : nullptr;
}

// step(handle, nb, count, scale, hyper) → Engine::step's status; hyper = (c1, c2, b1, b2, then
// per run: q, e0, e1, a, eps, shrink, L1 threshold), every run inside its array.
napi_value Step(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  double n[4];
  Handle* h = handleCall(env, info, 5, argv, "step", 4, n);
  if (!h || !batchIn(env, h->obj, n[1], n[2])) return nullptr;
  size_t len = 0;
  const double* hy = float64Arg(env, argv[4], &len, "step");
  if (!hy) return nullptr;
  if (!h->secondData) {
    napi_throw_error(env, nullptr, "native: step before optimizer()");
    return nullptr;
  }
  Engine* e = h->obj;
  if (len < RUN_HEAD || (len - RUN_HEAD) % RUN_STRIDE != 0 || (len - RUN_HEAD) / RUN_STRIDE > 1024) {
    napi_throw_range_error(env, nullptr, "native: step hyper-parameters malformed");
    return nullptr;
  }
  const double sizes[4] = {(double)e->steps * e->k * e->k, (double)e->steps * e->k, (double)e->classes * e->k, (double)e->classes};
  int runs = (int)((len - RUN_HEAD) / RUN_STRIDE);
  for (int r = 0; r < runs; r++) {
    const double* u = hy + RUN_HEAD + RUN_STRIDE * r;
    const double mn[3] = {0, 0, 0}, mx[3] = {3, 0, 0};
    if (!intsIn(env, "step run", 1, u, mn, mx)) return nullptr;
    const double lim = sizes[(int)u[0]], mx2[2] = {lim, lim};
    if (!intsIn(env, "step run", 2, u + 1, mn, mx2)) return nullptr;
    if (u[1] > u[2]) return outOfRange(env, "step run"), nullptr;
  }
  napi_value v;
  int stepped = 0;
  GUARD(stepped = e->step((int)n[1], (int)n[2], n[3], hy, runs, h->secondData));
  CHECK(napi_create_int32(env, stepped, &v));
  return v;
}

// written(handle): the parameters in the shared block were written by the caller (Engine::written).
napi_value Written(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  double unused[1];
  Handle* h = handleArgs(env, info, 1, argv, unused);
  if (h) h->obj->written();
  return nullptr;
}

// tables(handle, desc, data): desc = (offset, n, linear) per oscillator, n = 0 (not a table) or
// n ≥ 2 nodes whose currents, powers and tangents are data[offset .. offset + 3n). Every entry is
// checked here, so that the drive step never reads outside the copied data.
napi_value Tables(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  Handle* h = handleCall(env, info, 3, argv, "tables");
  if (!h) return nullptr;
  size_t nd = 0, len = 0;
  const double* desc = float64Arg(env, argv[1], &nd, "tables");
  if (!desc) return nullptr;
  const double* data = float64Arg(env, argv[2], &len, "tables");
  bool pending = false;
  if (!data && (napi_is_exception_pending(env, &pending) != napi_ok || pending)) return nullptr;  // an empty array has no data
  Engine* e = h->obj;
  if (nd != (size_t)3 * e->k) {
    napi_throw_range_error(env, nullptr, "native: tables needs 3 numbers per oscillator");
    return nullptr;
  }
  for (int i = 0; i < e->k; i++) {
    const double* d = desc + 3 * i;
    const double mn[3] = {0, 0, 0}, mx[3] = {(double)len, (double)len, 1};
    if (!intsIn(env, "tables", 3, d, mn, mx)) return nullptr;
    if (d[1] == 1 || d[0] + 3 * d[1] > (double)len) return outOfRange(env, "tables"), nullptr;
  }
  e->setTables(desc, data, len);
  return nullptr;
}

napi_value Peak(napi_env env, napi_callback_info info) {
  double out[3];
  int lanes = measurePeak(20000000, out);
  napi_value o, v;
  CHECK(napi_create_object(env, &o));
  CHECK(napi_create_int32(env, lanes, &v));
  CHECK(napi_set_named_property(env, o, "lanes", v));
  CHECK(napi_create_double(env, out[0], &v));
  CHECK(napi_set_named_property(env, o, "fma", v));
  CHECK(napi_create_double(env, out[1], &v));
  CHECK(napi_set_named_property(env, o, "mulAdd", v));
  CHECK(napi_create_double(env, out[2], &v));
  CHECK(napi_set_named_property(env, o, "ghz", v));
  return o;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"create", nullptr, Create, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"chunk", nullptr, Chunk, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batch", nullptr, Batch, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"evaluate", nullptr, Evaluate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"evaluateAll", nullptr, EvaluateAll, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"logitsAll", nullptr, LogitsAll, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"load", nullptr, Load, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"product", nullptr, Product, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"peak", nullptr, Peak, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adam", nullptr, Adam, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"optimizer", nullptr, Optimizer, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"step", nullptr, Step, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"written", nullptr, Written, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"tables", nullptr, Tables, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  registerSweep(env, exports);  // sweep.cc
  registerEngine32(env, exports);  // engine32.cc
  registerGemm(env, exports);  // gemm.cc
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
