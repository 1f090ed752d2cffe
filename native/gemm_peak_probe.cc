// A stand-alone probe of this core's float64 peak and of what the GEMM micro-kernel's left-value
// broadcast costs (docs/engines.md, "FMA buys no peak here"). Not part of the addon: build and run
//   g++ -O2 -mavx512f -mavx512vl native/gemm_peak_probe.cc -o /tmp/gemm-peak && /tmp/gemm-peak
// Each loop is written in assembly (GAS .irp lists), so the compiler can neither spill nor fuse
// anything; timed in thread CPU time (on a shared machine, wall time counts other processes'
// turns); the clock is a chain of dependent integer adds (one per cycle on every x86-64 core).
#include <cstdio>
#include <cstdlib>
#include <ctime>

static double now() {
  timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return t.tv_sec + 1e-9 * t.tv_nsec;
}

alignas(64) static double buf[512];

#define ZERO ".irp i,0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31\n vxorpd %%zmm\\i, %%zmm\\i, %%zmm\\i\n .endr\n"
#define CLOBBER "zmm0", "zmm1", "zmm2", "zmm3", "zmm4", "zmm5", "zmm6", "zmm7", "zmm8", "zmm9", "zmm10", "zmm11", "zmm12", "zmm13", \
  "zmm14", "zmm15", "zmm16", "zmm17", "zmm18", "zmm19", "zmm20", "zmm21", "zmm22", "zmm23", "zmm24", "zmm25", "zmm26", "zmm27", "zmm28", "zmm29", "zmm30", "zmm31", "memory"
// One timed loop of n iterations of BODY (registers zeroed first: no denormals), seconds.
#define PROBE(name, BODY)                                                                           \
  static double name(long n) {                                                                      \
    double t0 = now();                                                                              \
    __asm__ volatile(ZERO "1:\n" BODY "dec %0\n jnz 1b\n" : "+r"(n) : "r"(buf) : CLOBBER); \
    return now() - t0;                                                                              \
  }
#define R12 "0,1,2,3,4,5,6,7,8,9,10,11"
#define R24 R12 ",12,13,14,15,16,17,18,19,20,21,22,23"

// Fused multiply–adds on C independent accumulators (zmm: 8 lanes, ymm: 4).
PROBE(fma512x8, ".irp i,0,1,2,3,4,5,6,7\n vfmadd231pd %%zmm30, %%zmm31, %%zmm\\i\n .endr\n")
PROBE(fma512x12, ".irp i," R12 "\n vfmadd231pd %%zmm30, %%zmm31, %%zmm\\i\n .endr\n")
PROBE(fma512x24, ".irp i," R24 "\n vfmadd231pd %%zmm30, %%zmm31, %%zmm\\i\n .endr\n")
PROBE(fma256x12, ".irp i," R12 "\n vfmadd231pd %%ymm30, %%ymm31, %%ymm\\i\n .endr\n")
PROBE(fma256x24, ".irp i," R24 "\n vfmadd231pd %%ymm30, %%ymm31, %%ymm\\i\n .endr\n")
// Separate multiplies and adds, 12 + 12 chains (what the engine issues: no FMA).
PROBE(muladd512, ".irp i," R12 "\n vmulpd %%zmm30, %%zmm\\i, %%zmm\\i\n .endr\n .irp i,12,13,14,15,16,17,18,19,20,21,22,23\n vaddpd %%zmm31, %%zmm\\i, %%zmm\\i\n .endr\n")
PROBE(muladd256, ".irp i," R12 "\n vmulpd %%ymm30, %%ymm\\i, %%ymm\\i\n .endr\n .irp i,12,13,14,15,16,17,18,19,20,21,22,23\n vaddpd %%ymm31, %%ymm\\i, %%ymm\\i\n .endr\n")
// FMAs and independent adds at once: more flops per cycle than either, but a GEMM has no use for
// a lone add (each of its flops is half of a multiply–add pair, and only two pipes multiply).
PROBE(fmaAndAdd512, ".irp i,0,1,2,3,4,5,6,7\n vfmadd231pd %%zmm30, %%zmm31, %%zmm\\i\n vaddpd %%zmm31, %%zmm1\\i, %%zmm1\\i\n .endr\n")
// The GEMM micro-kernel's reduction step without FMA: a 6 × 4 tile (24 accumulators zmm0–23),
// 4 panel vectors (zmm24–27) loaded, each of 6 left values multiplied by them: broadcast into a
// register first (vbroadcastsd), loaded pre-broadcast (a whole vector), or as an embedded
// broadcast operand of the multiply (vmulpd m64{1to8}).
#define PANEL " vmovapd (%1), %%zmm24\n vmovapd 64(%1), %%zmm25\n vmovapd 128(%1), %%zmm26\n vmovapd 192(%1), %%zmm27\n"
#define ROW_REG(r, a, b, c, d)                                                                                    \
  " vmulpd %%zmm28, %%zmm24, %%zmm29\n vaddpd %%zmm29, %%zmm" #a ", %%zmm" #a "\n vmulpd %%zmm28, %%zmm25, %%zmm29\n" \
  " vaddpd %%zmm29, %%zmm" #b ", %%zmm" #b "\n vmulpd %%zmm28, %%zmm26, %%zmm29\n vaddpd %%zmm29, %%zmm" #c ", %%zmm" #c  \
  "\n vmulpd %%zmm28, %%zmm27, %%zmm29\n vaddpd %%zmm29, %%zmm" #d ", %%zmm" #d "\n"
#define ROW_EMB(r, a, b, c, d)                                                                                                    \
  " vmulpd 512+8*" #r "(%1)%{1to8%}, %%zmm24, %%zmm29\n vaddpd %%zmm29, %%zmm" #a ", %%zmm" #a "\n vmulpd 512+8*" #r "(%1)%{1to8%}, %%zmm25, %%zmm29\n" \
  " vaddpd %%zmm29, %%zmm" #b ", %%zmm" #b "\n vmulpd 512+8*" #r "(%1)%{1to8%}, %%zmm26, %%zmm29\n vaddpd %%zmm29, %%zmm" #c ", %%zmm" #c               \
  "\n vmulpd 512+8*" #r "(%1)%{1to8%}, %%zmm27, %%zmm29\n vaddpd %%zmm29, %%zmm" #d ", %%zmm" #d "\n"
#define BC(r) " vbroadcastsd 512+8*" #r "(%1), %%zmm28\n"
#define PRE(r) " vmovapd 1024+64*" #r "(%1), %%zmm28\n"
#define TILE(ROW, LOAD) PANEL LOAD(0) ROW(0, 0, 1, 2, 3) LOAD(1) ROW(1, 4, 5, 6, 7) LOAD(2) ROW(2, 8, 9, 10, 11) LOAD(3) ROW(3, 12, 13, 14, 15) LOAD(4) ROW(4, 16, 17, 18, 19) LOAD(5) ROW(5, 20, 21, 22, 23)
#define NONE(r) ""
PROBE(tileBroadcast, TILE(ROW_REG, BC))
PROBE(tilePreBroadcast, TILE(ROW_REG, PRE))
PROBE(tileEmbedded, TILE(ROW_EMB, NONE))

__attribute__((noinline)) static double clockGHz(long n) {
  long x = 0;
  double t0 = now();
  for (long i = 0; i < n; i++) __asm__ volatile(".rept 10\n add $1, %0\n .endr" : "+r"(x));
  return 10.0 * n / (now() - t0) / 1e9;
}

int main(int argc, char** argv) {
  const long n = argc > 1 ? atol(argv[1]) : 20000000;
  for (int i = 0; i < 512; i++) buf[i] = 1.0;
  const double ghz = clockGHz(4 * n);
  printf("clock while busy: %.3f GHz\n", ghz);
  struct Case { const char* what; double (*f)(long); double flops; } cases[] = {
      {"FMA, 8 zmm chains", fma512x8, 8 * 16}, {"FMA, 12 zmm chains", fma512x12, 12 * 16}, {"FMA, 24 zmm chains", fma512x24, 24 * 16},
      {"FMA, 12 ymm chains", fma256x12, 12 * 8}, {"FMA, 24 ymm chains", fma256x24, 24 * 8},
      {"mul + add, 12 + 12 zmm chains", muladd512, 24 * 8}, {"mul + add, 12 + 12 ymm chains", muladd256, 24 * 4},
      {"FMA + separate add, 8 + 8 zmm", fmaAndAdd512, 8 * 16 + 8 * 8},
      {"6x4 tile, vbroadcastsd per row", tileBroadcast, 24 * 16}, {"6x4 tile, pre-broadcast loads", tilePreBroadcast, 24 * 16},
      {"6x4 tile, embedded broadcast", tileEmbedded, 24 * 16},
  };
  for (const Case& c : cases) {
    double best = 1e30;
    for (int r = 0; r < 3; r++) {
      double t = c.f(n / 2);
      if (t < best) best = t;
    }
    const double gf = c.flops * (n / 2) / best / 1e9;
    printf("%-32s %6.1f GFLOP/s  %5.2f flops/cycle\n", c.what, gf, gf / ghz);
  }
  printf("clock after: %.3f GHz\n", clockGHz(4 * n));
}
