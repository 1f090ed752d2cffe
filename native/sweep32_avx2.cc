// The sweep trial and float32 training kernels for avx2 (4 float64 / 8 float32 lanes); see
// sweep32_kernels.h. FMA stays off (-ffp-contract=off).
#include <cstddef>
#include <cstdint>
#include <cstring>
#pragma GCC target("avx2,fma")
#define DS_NS ds_s_avx2
#define DS_W 4
#define DS_NAME "avx2"
#include "sweep32_kernels.h"
