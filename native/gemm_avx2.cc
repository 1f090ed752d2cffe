// The packed matrix products for avx2 (4 float64 lanes); see gemm_kernels.h. FMA stays off (-ffp-contract=off).
#include <new>
#pragma GCC target("avx2,fma")
#define DS_GNS ds_gemm_avx2
#define DS_W 4
#define DS_NAME "avx2"
#include "gemm_kernels.h"
