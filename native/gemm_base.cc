// The packed matrix products for sse2 (2 float64 lanes); see gemm_kernels.h. FMA stays off (-ffp-contract=off).
#include <new>

#define DS_GNS ds_gemm_base
#define DS_W 2
#define DS_NAME "sse2"
#include "gemm_kernels.h"
