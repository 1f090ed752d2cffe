// The sweep trial and float32 training kernels for avx512 (8 float64 / 16 float32 lanes); see
// sweep32_kernels.h. FMA stays off (-ffp-contract=off).
#include <cstddef>
#include <cstdint>
#include <cstring>
#pragma GCC target("avx512f,avx512dq,avx512vl,avx2,fma")
#define DS_NS ds_s_avx512
#define DS_W 8
#define DS_NAME "avx512"
#include "sweep32_kernels.h"
