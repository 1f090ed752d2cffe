// The native kernels for base (2 float64 lanes); see kernels.h. FMA stays off (-ffp-contract=off).
#include <cstddef>
#include <cstdint>
#include <cstring>

#define DS_NS ds_base
#define DS_W 2
#define DS_NAME "sse2"
#include "kernels.h"
