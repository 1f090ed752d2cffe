// A per-thread scratch buffer of doubles, 64-byte aligned, grown once: the engine's pool threads
// live as long as the engine, so after the first call of a size there is no allocation per call.
// Used by the GEMM's packing (gemm_kernels.h) and the backward pass's fused Adam rows (engine.cc).
// The anonymous namespace gives every translation unit its own copy, so the per-ISA GEMM units,
// compiled with different instruction-set flags, never share one definition.
#pragma once
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>

namespace {
struct Scratch {
  double* p = nullptr;
  size_t n = 0;
  Scratch() = default;
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() { free(p); }
  /** A buffer of at least `want` doubles plus 64 bytes of slack for vector tails, zeroed when it
   *  grows (its contents are not kept then). */
  double* get(size_t want) {
    if (want <= n) return p;
    free(p);
    p = nullptr;
    n = 0;
    void* q = nullptr;
    if (posix_memalign(&q, 64, want * sizeof(double) + 64) != 0) throw std::bad_alloc();
    std::memset(q, 0, want * sizeof(double) + 64);
    p = static_cast<double*>(q);
    n = want;
    return p;
  }
};
}  // namespace
