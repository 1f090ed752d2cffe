{
  "targets": [
    {
      "target_name": "dynaspin_native",
      "sources": ["native/addon.cc", "native/engine.cc", "native/kernels_avx512.cc", "native/kernels_avx2.cc", "native/kernels_base.cc", "native/peak.cc", "native/sweep.cc", "native/engine32.cc", "native/sweep32_avx512.cc", "native/sweep32_avx2.cc", "native/sweep32_base.cc", "native/gemm.cc", "native/gemm_avx512.cc", "native/gemm_avx2.cc", "native/gemm_base.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-ffp-contract=off", "-fno-fast-math", "-fno-math-errno", "-fexceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "conditions": [["OS!='linux' and OS!='mac'", {"sources!": []}]]
    }
  ]
}
