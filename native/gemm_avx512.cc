// The packed matrix products for avx512 (8 float64 lanes); see gemm_kernels.h. FMA stays off (-ffp-contract=off).
#include <new>
#pragma GCC target("avx512f,avx512dq,avx512vl,avx2,fma")
#define DS_GNS ds_gemm_avx512
#define DS_W 8
#define DS_NAME "avx512"
#include "gemm_kernels.h"
