// The float64 peak of one core, measured: 12 independent dependency chains of 8-lane (AVX-512)
// or 4-lane (AVX2) fused multiply–adds, and of separate multiplies and adds (what the engine
// issues: no FMA), for the benchmark's statement of the machine's peak.
#include <chrono>
#include <ctime>
#include <cstring>
#include <immintrin.h>

#include "engine.h"

namespace {
// CPU time of this thread: on a shared machine, wall time would count other processes' turns.
double seconds() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

#define PEAK_BODY(V, LANES, SET, FMA, MUL, ADD)                                   \
  V a[12], b[12];                                                               \
  V x = SET(1.0000001), y = SET(0.9999999);                                     \
  for (int i = 0; i < 12; i++) a[i] = SET(i), b[i] = SET(i);                    \
  double t0 = seconds();                                                        \
  for (long r = 0; r < n; r++) {                                                \
    _Pragma("GCC unroll 12") for (int i = 0; i < 12; i++) a[i] = FMA(a[i], x, y); \
  }                                                                             \
  double t1 = seconds();                                                        \
  for (long r = 0; r < n; r++) {                                                \
    _Pragma("GCC unroll 12") for (int i = 0; i < 12; i++) a[i] = ADD(a[i], y), b[i] = MUL(b[i], x); \
  }                                                                             \
  double t2 = seconds();                                                        \
  double sink[LANES];                                                           \
  double s = 0;                                                                 \
  for (int i = 0; i < 12; i++) {                                                \
    std::memcpy(sink, &a[i], sizeof sink);                                      \
    s += sink[0];                                                               \
    std::memcpy(sink, &b[i], sizeof sink);                                      \
    s += sink[0];                                                               \
  }                                                                             \
  guard = s;                                                                    \
  out[0] = 12.0 * n * LANES * 2 / (t1 - t0) / 1e9;                              \
  out[1] = 12.0 * n * LANES * 2 / (t2 - t1) / 1e9;

volatile double guard;

__attribute__((target("avx512f"))) void peak512(long n, double* out) { PEAK_BODY(__m512d, 8, _mm512_set1_pd, _mm512_fmadd_pd, _mm512_mul_pd, _mm512_add_pd) }
__attribute__((target("avx2,fma"))) void peak256(long n, double* out) { PEAK_BODY(__m256d, 4, _mm256_set1_pd, _mm256_fmadd_pd, _mm256_mul_pd, _mm256_add_pd) }
}  // namespace

// The core's clock while busy (GHz): a chain of dependent integer adds retires one add per cycle
// on every x86-64 core, so adds per CPU second is the clock (a hypervisor's TSC rate is not).
__attribute__((noinline)) double measureClock(long n) {
  long x = 0;
  double t0 = seconds();
  for (long i = 0; i < n; i++) {
#if defined(__x86_64__)
    __asm__ volatile("add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\t"
                     "add $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0\n\tadd $1, %0"
                     : "+r"(x));
#endif
  }
  double t1 = seconds();
  guard = (double)x;
  return 10.0 * n / (t1 - t0) / 1e9;
}

// out[0] = FMA GFLOP/s, out[1] = separate multiply + add GFLOP/s, with the widest vectors of this
// CPU (width returned; 0 when it has neither AVX-512 nor AVX2+FMA); out[2] = the clock (GHz)
// measured just before, so out[0] / out[2] is float64 flops per cycle (16 on Zen 4: two 256-bit
// FMA pipes, a 512-bit operation taking both for one cycle).
int measurePeak(long n, double* out) {
  __builtin_cpu_init();
  out[2] = measureClock(n * 4);
  if (__builtin_cpu_supports("avx512f")) return peak512(n, out), 8;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return peak256(n, out), 4;
  out[0] = out[1] = 0;
  return 0;
}
