// The native kernels for avx2 (4 float64 lanes); see kernels.h. FMA stays off (-ffp-contract=off).
#include <cstddef>
#include <cstdint>
#include <cstring>
#pragma GCC target("avx2,fma")
#define DS_NS ds_avx2
#define DS_W 4
#define DS_NAME "avx2"
#include "kernels.h"
