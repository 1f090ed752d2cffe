// Node-API binding of the dynaspin native engine (src/network/engines/native.ts loads it).
//   info() → { kernels, width, hardwareThreads, api }
//   create(k, steps, classes, cap, ldx, threads, isa) → [handle, ArrayBuffer, offsets (doubles)]
//   chunk(handle, lo, len, scale), batch(handle, nb, count, scale), evaluate(handle, lo, len)
// The ArrayBuffer holds A, B, W, c, par, X, y, g, total, out, pred at the given offsets; the handle keeps
// it alive. Argument errors throw TypeError (the TypeScript side validates shapes first).
#include <node_api.h>

#include <thread>

#include "engine_impl.h"
#include "sweep32.h"

namespace {

struct Handle {
  Engine* engine;
  napi_ref buffer;
};

#define CHECK(call)                                   \
  do {                                                \
    if ((call) != napi_ok) {                          \
      napi_throw_error(env, nullptr, "native: " #call); \
      return nullptr;                                 \
    }                                                 \
  } while (0)

bool argInts(napi_env env, napi_callback_info info, size_t want, napi_value* argv, double* nums, size_t from) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < want) {
    napi_throw_type_error(env, nullptr, "native: wrong number of arguments");
    return false;
  }
  for (size_t i = from; i < want; i++) {
    if (napi_get_value_double(env, argv[i], &nums[i]) != napi_ok) {
      napi_throw_type_error(env, nullptr, "native: expected a number");
      return false;
    }
  }
  return true;
}

Engine* engineOf(napi_env env, napi_value v) {
  Handle* h = nullptr;
  if (napi_get_value_external(env, v, reinterpret_cast<void**>(&h)) != napi_ok || h == nullptr || h->engine == nullptr) {
    napi_throw_type_error(env, nullptr, "native: not an engine handle");
    return nullptr;
  }
  return h->engine;
}

void finalizeHandle(napi_env env, void* data, void*) {
  Handle* h = static_cast<Handle*>(data);
  delete h->engine;
  napi_delete_reference(env, h->buffer);
  delete h;
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
  CHECK(napi_create_int32(env, 3, &v));
  CHECK(napi_set_named_property(env, o, "api", v));
  return o;
}

napi_value Create(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  double n[7];
  size_t argc = 7;
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (argc < 7) {
    napi_throw_type_error(env, nullptr, "native: create needs 7 arguments");
    return nullptr;
  }
  for (int i = 0; i < 6; i++) CHECK(napi_get_value_double(env, argv[i], &n[i]));
  char isa[16] = {0};
  size_t len = 0;
  CHECK(napi_get_value_string_utf8(env, argv[6], isa, sizeof isa, &len));
  int k = (int)n[0], steps = (int)n[1], classes = (int)n[2], cap = (int)n[3], ldx = (int)n[4], threads = (int)n[5];
  if (k < 1 || steps < 1 || classes < 1 || cap < 1 || ldx < 1 || threads < 1 || threads > 256) {
    napi_throw_range_error(env, nullptr, "native: bad engine shape");
    return nullptr;
  }
  const KernelTable* kt = selectKernels(isa);
  if (kt == nullptr) {
    napi_throw_error(env, nullptr, "native: this CPU lacks the requested instruction set");
    return nullptr;
  }
  size_t off[NREGIONS];
  size_t total = Engine::sharedDoubles(k, steps, classes, ldx, off);
  void* data = nullptr;
  napi_value buf;
  CHECK(napi_create_arraybuffer(env, total * sizeof(double), &data, &buf));
  Engine* e = Engine::create(kt, k, steps, classes, cap, ldx, threads, static_cast<double*>(data));
  if (e == nullptr) {
    napi_throw_error(env, nullptr, "native: out of memory");
    return nullptr;
  }
  Handle* h = new Handle{e, nullptr};
  CHECK(napi_create_reference(env, buf, 1, &h->buffer));
  napi_value handle, offs, arr, v;
  CHECK(napi_create_external(env, h, finalizeHandle, nullptr, &handle));
  CHECK(napi_create_array_with_length(env, NREGIONS, &offs));
  for (int r = 0; r < NREGIONS; r++) {
    CHECK(napi_create_double(env, (double)off[r], &v));
    CHECK(napi_set_element(env, offs, r, v));
  }
  CHECK(napi_create_array_with_length(env, 3, &arr));
  CHECK(napi_set_element(env, arr, 0, handle));
  CHECK(napi_set_element(env, arr, 1, buf));
  CHECK(napi_set_element(env, arr, 2, offs));
  return arr;
}

napi_value Chunk(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  double n[4];
  if (!argInts(env, info, 4, argv, n, 1)) return nullptr;
  Engine* e = engineOf(env, argv[0]);
  if (!e) return nullptr;
  int lo = (int)n[1], len = (int)n[2];
  if (lo < 0 || len < 1 || len > e->cap || lo + len > e->ldx) {
    napi_throw_range_error(env, nullptr, "native: chunk out of range");
    return nullptr;
  }
  e->chunk(lo, len, n[3]);
  return nullptr;
}

napi_value Batch(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  double n[4];
  if (!argInts(env, info, 4, argv, n, 1)) return nullptr;
  Engine* e = engineOf(env, argv[0]);
  if (!e) return nullptr;
  int nb = (int)n[1], count = (int)n[2];
  if (nb < 1 || nb > e->ldx || count < 1 || (nb + count - 1) / count > e->cap) {
    napi_throw_range_error(env, nullptr, "native: batch out of range");
    return nullptr;
  }
  e->batch(nb, count, n[3]);
  return nullptr;
}

napi_value Evaluate(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  double n[3];
  if (!argInts(env, info, 3, argv, n, 1)) return nullptr;
  Engine* e = engineOf(env, argv[0]);
  if (!e) return nullptr;
  int lo = (int)n[1], len = (int)n[2];
  if (lo < 0 || len < 1 || len > e->cap || lo + len > e->ldx) {
    napi_throw_range_error(env, nullptr, "native: evaluate out of range");
    return nullptr;
  }
  e->evaluate(lo, len);
  return nullptr;
}

napi_value Product(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  double n[4];
  if (!argInts(env, info, 4, argv, n, 1)) return nullptr;
  Engine* e = engineOf(env, argv[0]);
  if (!e) return nullptr;
  int which = (int)n[1], nb = (int)n[2], reps = (int)n[3];
  if (which < 0 || which > 2 || nb < 1 || nb > e->cap || nb > e->ldx || reps < 1) {
    napi_throw_range_error(env, nullptr, "native: product out of range");
    return nullptr;
  }
  napi_value v;
  CHECK(napi_create_double(env, e->product(which, nb, reps), &v));
  return v;
}

// adam(handle, p, g, m, v, [a, c1, c2, b1, b2, eps, shrink]) → true when every updated p is finite.
napi_value Adam(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (argc < 6) {
    napi_throw_type_error(env, nullptr, "native: adam needs 6 arguments");
    return nullptr;
  }
  Engine* e = engineOf(env, argv[0]);
  if (!e) return nullptr;
  double* arr[5];
  size_t len[5];
  for (int i = 0; i < 5; i++) {
    napi_typedarray_type type;
    void* data;
    napi_value ab;
    size_t off;
    if (napi_get_typedarray_info(env, argv[i + 1], &type, &len[i], &data, &ab, &off) != napi_ok || type != napi_float64_array) {
      napi_throw_type_error(env, nullptr, "native: adam takes Float64Arrays");
      return nullptr;
    }
    arr[i] = static_cast<double*>(data);
  }
  if (len[1] != len[0] || len[2] != len[0] || len[3] != len[0] || len[4] < 7) {
    napi_throw_range_error(env, nullptr, "native: adam array lengths differ");
    return nullptr;
  }
  const double* h = arr[4];
  bool ok = e->adam(len[0], arr[0], arr[1], arr[2], arr[3], h[0], h[1], h[2], h[3], h[4], h[5], h[6]);
  napi_value v;
  CHECK(napi_get_boolean(env, ok, &v));
  return v;
}

napi_value Peak(napi_env env, napi_callback_info info) {
  double out[2];
  int lanes = measurePeak(20000000, out);
  napi_value o, v;
  CHECK(napi_create_object(env, &o));
  CHECK(napi_create_int32(env, lanes, &v));
  CHECK(napi_set_named_property(env, o, "lanes", v));
  CHECK(napi_create_double(env, out[0], &v));
  CHECK(napi_set_named_property(env, o, "fma", v));
  CHECK(napi_create_double(env, out[1], &v));
  CHECK(napi_set_named_property(env, o, "mulAdd", v));
  return o;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"create", nullptr, Create, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"chunk", nullptr, Chunk, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"batch", nullptr, Batch, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"evaluate", nullptr, Evaluate, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"product", nullptr, Product, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"peak", nullptr, Peak, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adam", nullptr, Adam, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  registerSweep(env, exports);  // sweep.cc
  registerEngine32(env, exports);  // engine32.cc
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
