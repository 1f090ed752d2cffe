// The sweep trial and float32 training kernels for sse2 (2 float64 / 4 float32 lanes); see
// sweep32_kernels.h. FMA stays off (-ffp-contract=off).
#include <cstddef>
#include <cstdint>
#include <cstring>

#define DS_NS ds_s_base
#define DS_W 2
#define DS_NAME "sse2"
#include "sweep32_kernels.h"
