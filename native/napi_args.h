// Node-API glue shared by the addon's entry points (addon.cc, engine32.cc, sweep.cc): turning C++
// exceptions into JavaScript errors, and reading and range-checking call arguments before any cast
// (a cast of NaN or of a value beyond int is undefined behaviour).
#pragma once

#include <node_api.h>

#include <cmath>
#include <cstdio>
#include <exception>

// Runs `body`; a C++ exception (a failed engine thread, no memory) becomes a JavaScript Error with
// code DYNASPIN_NATIVE_FAILED, which the TypeScript side reports as a failed computation.
#define GUARD(body)                                                        \
  try {                                                                    \
    body;                                                                  \
  } catch (const std::exception& ex) {                                     \
    napi_throw_error(env, "DYNASPIN_NATIVE_FAILED", ex.what());            \
    return nullptr;                                                        \
  } catch (...) {                                                          \
    napi_throw_error(env, "DYNASPIN_NATIVE_FAILED", "unknown exception");  \
    return nullptr;                                                        \
  }

// A failed Node-API call throws "native: <call>" and returns null.
#define CHECK(call)                                     \
  do {                                                  \
    if ((call) != napi_ok) {                            \
      napi_throw_error(env, nullptr, "native: " #call); \
      return nullptr;                                   \
    }                                                   \
  } while (0)

namespace napi_args {

// Reads `want` arguments into argv and argv[from..want) as numbers into nums[from..want); throws a
// TypeError and returns false when an argument is missing or not a number.
inline bool numbers(napi_env env, napi_callback_info info, size_t want, napi_value* argv, double* nums, size_t from) {
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

// Reads `want` arguments of the call `what` into argv; throws "native: <what> needs <want> arguments"
// (TypeError) and returns false when fewer were passed.
inline bool callArgs(napi_env env, napi_callback_info info, size_t want, napi_value* argv, const char* what) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < want) {
    char msg[96];
    snprintf(msg, sizeof msg, "native: %s needs %zu arguments", what, want);
    napi_throw_type_error(env, nullptr, msg);
    return false;
  }
  return true;
}

// Throws "native: <what> out of range" (RangeError); returns false.
inline bool outOfRange(napi_env env, const char* what) {
  char msg[96];
  snprintf(msg, sizeof msg, "native: %s out of range", what);
  napi_throw_range_error(env, nullptr, msg);
  return false;
}

// True when every x[i] (i < n) is an integer in [lo[i], hi[i]]; else outOfRange.
inline bool intsIn(napi_env env, const char* what, int n, const double* x, const double* lo, const double* hi) {
  for (int i = 0; i < n; i++)
    if (!(x[i] >= lo[i] && x[i] <= hi[i] && x[i] == std::floor(x[i]))) return outOfRange(env, what);
  return true;
}

// The arguments of a create call: six integers checked against [lo, hi] (into out) and an
// instruction-set name (into isa[16]). Throws and returns false on a missing, mistyped or
// out-of-range argument.
inline bool shapeArgs(napi_env env, napi_callback_info info, const char* what, const double* lo, const double* hi, int* out, char* isa) {
  napi_value argv[7];
  double n[6];
  size_t argc = 7;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 7) {
    napi_throw_type_error(env, nullptr, "native: wrong number of arguments");
    return false;
  }
  for (int i = 0; i < 6; i++) {
    if (napi_get_value_double(env, argv[i], &n[i]) != napi_ok) {
      napi_throw_type_error(env, nullptr, "native: expected a number");
      return false;
    }
  }
  size_t len = 0;
  if (napi_get_value_string_utf8(env, argv[6], isa, 16, &len) != napi_ok) {
    napi_throw_type_error(env, nullptr, "native: expected an instruction-set name");
    return false;
  }
  if (!intsIn(env, what, 6, n, lo, hi)) return false;
  for (int i = 0; i < 6; i++) out[i] = (int)n[i];
  return true;
}

// What a create call returns: [handle, the ArrayBuffer the engine works in, the offsets (in
// doubles) of its `nregions` regions].
inline napi_value createResult(napi_env env, napi_value handle, napi_value buf, const size_t* off, int nregions) {
  napi_value offs, arr, v;
  CHECK(napi_create_array_with_length(env, nregions, &offs));
  for (int r = 0; r < nregions; r++) {
    CHECK(napi_create_double(env, (double)off[r], &v));
    CHECK(napi_set_element(env, offs, r, v));
  }
  CHECK(napi_create_array_with_length(env, 3, &arr));
  CHECK(napi_set_element(env, arr, 0, handle));
  CHECK(napi_set_element(env, arr, 1, buf));
  CHECK(napi_set_element(env, arr, 2, offs));
  return arr;
}

// A Float64Array argument: its data and its length (into len), or null (TypeError thrown).
inline double* float64Arg(napi_env env, napi_value v, size_t* len, const char* what) {
  napi_typedarray_type type;
  void* data;
  napi_value ab;
  size_t off;
  if (napi_get_typedarray_info(env, v, &type, len, &data, &ab, &off) != napi_ok || type != napi_float64_array) {
    char msg[64];
    snprintf(msg, sizeof msg, "native: %s takes Float64Arrays", what);
    napi_throw_type_error(env, nullptr, msg);
    return nullptr;
  }
  return static_cast<double*>(data);
}

}  // namespace napi_args
