// dynaspin native engine: the choice of packed matrix products (gemm.h) matching a kernel table,
// and their Node-API entry for the tests (gemm(isa, op, dims, M, bias, X, out)).
#include "gemm.h"

#include <node_api.h>

#include <cstring>

#include "engine.h"
#include "napi_args.h"

const GemmTable* selectGemm(const char* kernels) {
  if (kernels == nullptr) return nullptr;
  if (std::strcmp(kernels, ds_gemm_avx512::table.name) == 0) return &ds_gemm_avx512::table;
  if (std::strcmp(kernels, ds_gemm_avx2::table.name) == 0) return &ds_gemm_avx2::table;
  if (std::strcmp(kernels, ds_gemm_base::table.name) == 0) return &ds_gemm_base::table;
  return nullptr;
}

namespace {

using namespace napi_args;

// gemm(isa, op, dims, M, bias, X, out) runs one packed product of the instruction set `isa`
// ("avx512", "avx2", "sse2"; error code ERR_DYNASPIN_NATIVE_ISA when this CPU lacks it) on the
// calling thread, for the tests. dims = [r0, r1, m, kk, nb, ldm, ldx, ldo]:
//   op 0 (bias): out[i·ldo + b] = bias[i] + Σ_{j<kk} M[i·kk + j]·X[j·ldx + b], i in [r0, r1), b < nb
//                (bias may be null: 0);
//   op 1 (atb):  out[j·ldo + b] = Σ_{i<m} M[i·kk + j]·X[i·ldx + b], j in [r0, r1), b < nb;
//   op 2 (abt):  out[i·kk + j] = 0 + Σ_{b<nb} M[i·ldm + b]·X[j·ldx + b], i in [r0, r1), j < kk.
// nb is a multiple of 8 for ops 0 and 1. Every array is checked to hold what the product reads
// and writes (RangeError "native: gemm out of range").
napi_value Gemm(napi_env env, napi_callback_info info) {
  napi_value argv[7];
  double op = 0;
  size_t argc = 7;
  CHECK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (argc < 7 || napi_get_value_double(env, argv[1], &op) != napi_ok) {
    napi_throw_type_error(env, nullptr, "native: gemm(isa, op, dims, M, bias, X, out)");
    return nullptr;
  }
  char isa[16] = {0};
  size_t slen = 0;
  if (napi_get_value_string_utf8(env, argv[0], isa, sizeof isa, &slen) != napi_ok) {
    napi_throw_type_error(env, nullptr, "native: expected an instruction-set name");
    return nullptr;
  }
  const KernelTable* kt = selectKernels(isa);
  const GemmTable* gt = kt ? selectGemm(kt->name) : nullptr;
  if (!gt) {
    napi_throw_error(env, "ERR_DYNASPIN_NATIVE_ISA", "native: this CPU lacks the instruction set");
    return nullptr;
  }
  size_t ld = 0, lm = 0, lx = 0, lo = 0, lb = 0;
  const double* dims = float64Arg(env, argv[2], &ld, "gemm");
  const double* M = dims ? float64Arg(env, argv[3], &lm, "gemm") : nullptr;
  napi_valuetype bt;
  CHECK(napi_typeof(env, argv[4], &bt));
  const double* bias = nullptr;
  if (M && bt != napi_null) bias = float64Arg(env, argv[4], &lb, "gemm");
  const double* X = M && (bt == napi_null || bias) ? float64Arg(env, argv[5], &lx, "gemm") : nullptr;
  double* out = X ? float64Arg(env, argv[6], &lo, "gemm") : nullptr;
  if (!out) return nullptr;
  const double lim = 1 << 20, mn[8] = {0, 0, 0, 0, 0, 0, 0, 0}, mx[8] = {lim, lim, lim, lim, lim, lim, lim, lim};
  if (ld < 8 || !(op == 0 || op == 1 || op == 2)) return outOfRange(env, "gemm"), nullptr;
  if (!intsIn(env, "gemm", 8, dims, mn, mx)) return nullptr;
  const size_t r0 = (size_t)dims[0], r1 = (size_t)dims[1], m = (size_t)dims[2], kk = (size_t)dims[3], nb = (size_t)dims[4];
  const size_t ldm = (size_t)dims[5], ldx = (size_t)dims[6], ldo = (size_t)dims[7];
  // Elements read or written: rows × stride, the last row only up to its width.
  auto span = [](size_t rows, size_t stride, size_t width) { return rows == 0 || width == 0 ? 0 : (rows - 1) * stride + width; };
  bool ok = r0 <= r1;
  if (op == 0) ok = ok && nb % 8 == 0 && lm >= r1 * kk && (!bias || lb >= r1) && ldx >= nb && lx >= span(kk, ldx, nb) && ldo >= nb && lo >= span(r1, ldo, nb);
  if (op == 1) ok = ok && nb % 8 == 0 && r1 <= kk && lm >= m * kk && ldx >= nb && lx >= span(m, ldx, nb) && ldo >= nb && lo >= span(r1, ldo, nb);
  if (op == 2) ok = ok && ldm >= nb && lm >= span(r1, ldm, nb) && ldx >= nb && lx >= span(kk, ldx, nb) && lo >= r1 * kk;
  if (!ok) return outOfRange(env, "gemm"), nullptr;
  GUARD({
    if (op == 0) gt->bias((int)r0, (int)r1, (int)kk, (int)nb, M, bias, X, (int)ldx, out, (int)ldo);
    else if (op == 1) gt->atb((int)r0, (int)r1, (int)m, (int)kk, (int)nb, M, X, (int)ldx, out, (int)ldo);
    else gt->abt((int)r0, (int)r1, (int)kk, (int)nb, M, (int)ldm, X, (int)ldx, out);
  });
  return nullptr;
}

}  // namespace

void registerGemm(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"gemm", nullptr, Gemm, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}
