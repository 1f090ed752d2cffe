// The lifetime of an object the addon owns on behalf of a JavaScript handle — the float64 engine
// (addon.cc), the float32 engine (engine32.cc) and the robustness sweep (sweep.cc) — written once:
// its create call's ending (the ArrayBuffer it works in, the object, the handle), a second buffer
// made later (the float64 engine's Adam moments), the finaliser, and the handle check.
#pragma once

#include <cstring>
#include <memory>

#include "napi_args.h"

namespace napi_args {

// The object and a reference that keeps the ArrayBuffer it works in alive as long as the handle;
// `second` and its data: the buffer made by secondBuffer, or null before.
template <class T>
struct Owned {
  T* obj;
  napi_ref buffer;
  napi_ref second = nullptr;
  double* secondData = nullptr;
};

template <class T>
void finalizeOwned(napi_env env, void* data, void*) {
  Owned<T>* h = static_cast<Owned<T>*>(data);
  delete h->obj;
  napi_delete_reference(env, h->buffer);
  if (h->second) napi_delete_reference(env, h->second);
  delete h;
}

// The handle made by createOwned<T>, or null (TypeError "native: not <what> handle"; what names
// the object with its article: "an engine").
template <class T>
Owned<T>* handleOf(napi_env env, napi_value v, const char* what) {
  Owned<T>* h = nullptr;
  if (napi_get_value_external(env, v, reinterpret_cast<void**>(&h)) != napi_ok || h == nullptr || h->obj == nullptr) {
    char msg[64];
    snprintf(msg, sizeof msg, "native: not %s handle", what);
    napi_throw_type_error(env, nullptr, msg);
    return nullptr;
  }
  return h;
}

// The object behind a handle made by createOwned<T>, or null (handleOf's TypeError).
template <class T>
T* ownedOf(napi_env env, napi_value v, const char* what) {
  Owned<T>* h = handleOf<T>(env, v, what);
  return h ? h->obj : nullptr;
}

// A second ArrayBuffer of n doubles kept alive with the handle: zeroed when made by the first call,
// the same buffer on every later one (its data in h->secondData).
template <class T>
napi_value secondBuffer(napi_env env, Owned<T>* h, size_t n) {
  napi_value buf;
  if (h->second) {
    CHECK(napi_get_reference_value(env, h->second, &buf));
    return buf;
  }
  void* data = nullptr;
  CHECK(napi_create_arraybuffer(env, n * sizeof(double), &data, &buf));
  std::memset(data, 0, n * sizeof(double));
  CHECK(napi_create_reference(env, buf, 1, &h->second));
  h->secondData = static_cast<double*>(data);
  return buf;
}

// The end of a create call: an ArrayBuffer of `total` doubles, the object `make(shared)` builds in
// it (null: "native: out of memory" and an exception alike become an Error with code
// DYNASPIN_NATIVE_FAILED, a failed computation on the TypeScript side; the object is freed either way), its handle, and createResult's [handle, buffer, offsets of the `nregions`
// regions].
template <class T, class Make>
napi_value createOwned(napi_env env, size_t total, const size_t* off, int nregions, Make make) {
  void* data = nullptr;
  napi_value buf;
  CHECK(napi_create_arraybuffer(env, total * sizeof(double), &data, &buf));
  std::unique_ptr<T> obj;
  GUARD(obj = make(static_cast<double*>(data)));
  if (!obj) {
    napi_throw_error(env, "DYNASPIN_NATIVE_FAILED", "native: out of memory");
    return nullptr;
  }
  std::unique_ptr<Owned<T>> h(new Owned<T>{obj.get(), nullptr});
  CHECK(napi_create_reference(env, buf, 1, &h->buffer));
  napi_value handle;
  CHECK(napi_create_external(env, h.get(), finalizeOwned<T>, nullptr, &handle));
  obj.release();
  h.release();
  return createResult(env, handle, buf, off, nregions);
}

}  // namespace napi_args
