// The lifetime of an object the addon owns on behalf of a JavaScript handle — the float32 engine
// (engine32.cc) and the robustness sweep (sweep.cc) — written once: its create call's ending (the
// ArrayBuffer it works in, the object, the handle), the finaliser, and the handle check.
#pragma once

#include <memory>

#include "napi_args.h"

namespace napi_args {

// The object and a reference that keeps the ArrayBuffer it works in alive as long as the handle.
template <class T>
struct Owned {
  T* obj;
  napi_ref buffer;
};

template <class T>
void finalizeOwned(napi_env env, void* data, void*) {
  Owned<T>* h = static_cast<Owned<T>*>(data);
  delete h->obj;
  napi_delete_reference(env, h->buffer);
  delete h;
}

// The object behind a handle made by createOwned<T>, or null (TypeError "native: not a <what> handle").
template <class T>
T* ownedOf(napi_env env, napi_value v, const char* what) {
  Owned<T>* h = nullptr;
  if (napi_get_value_external(env, v, reinterpret_cast<void**>(&h)) != napi_ok || h == nullptr || h->obj == nullptr) {
    char msg[64];
    snprintf(msg, sizeof msg, "native: not a %s handle", what);
    napi_throw_type_error(env, nullptr, msg);
    return nullptr;
  }
  return h->obj;
}

// The end of a create call: an ArrayBuffer of `total` doubles, the object `make(shared)` builds in
// it (null: "native: out of memory"; an exception becomes DYNASPIN_NATIVE_FAILED, and the object
// is freed either way), its handle, and createResult's [handle, buffer, offsets of the `nregions`
// regions].
template <class T, class Make>
napi_value createOwned(napi_env env, size_t total, const size_t* off, int nregions, Make make) {
  void* data = nullptr;
  napi_value buf;
  CHECK(napi_create_arraybuffer(env, total * sizeof(double), &data, &buf));
  std::unique_ptr<T> obj;
  GUARD(obj = make(static_cast<double*>(data)));
  if (!obj) {
    napi_throw_error(env, nullptr, "native: out of memory");
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
