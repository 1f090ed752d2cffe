#!/usr/bin/env python3
"""Which BLAS NumPy runs on, verified with threadpoolctl, and a thread limit for it.

The benchmark compares dynaspin only with a NumPy a researcher would actually use: one on an
optimised BLAS (OpenBLAS, MKL or BLIS, as pip's wheels or Debian's libopenblas0-pthread provide).
Debian's python3-numpy alone runs on the reference BLAS (libblas3), several times slower on
matrix products; against that NumPy a ratio would flatter dynaspin, so the peers refuse to run.

`python3 blas.py [THREADS]` prints one JSON object:
  {"ok": true, "blas": "openblas", "version": "0.3.21", "architecture": "Cooperlake",
   "threads": 1, "label": "...", "env": {...}}
or {"ok": false, "reason": "..."} (exit status 0 either way; bench/*.ts reads it).
"""
import json
import os
import sys

OPTIMISED = ("openblas", "mkl", "blis")
_limits = None


def numpy_blas(threads=None):
    """Limits NumPy's BLAS to `threads` (None: leave it) and describes it; raises RuntimeError when
    NumPy's BLAS is not an optimised one or threadpoolctl is missing."""
    global _limits
    import numpy as np
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        raise RuntimeError("python3-threadpoolctl is not installed, so NumPy's BLAS cannot be verified (apt-get install -y python3-threadpoolctl)")
    np.ones((2, 2)) @ np.ones((2, 2))  # make sure the BLAS is loaded
    blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    good = [i for i in blas if i.get("internal_api") in OPTIMISED]
    if not good:
        found = ", ".join(i.get("internal_api", "?") for i in blas) or "none that threadpoolctl recognises"
        raise RuntimeError("NumPy " + np.__version__ + " runs on the reference BLAS (optimised BLAS found: " + found +
                           "); refusing to report a ratio against it: install libopenblas0-pthread (Debian) or use pip's numpy")
    if threads is not None:
        _limits = threadpool_limits(limits=threads, user_api="blas")
    info = [i for i in threadpool_info() if i.get("internal_api") == good[0]["internal_api"]][0]
    env = {k: os.environ[k] for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS") if k in os.environ}
    n = info.get("num_threads")
    name = {"openblas": "OpenBLAS", "mkl": "MKL", "blis": "BLIS"}[info["internal_api"]]
    arch = info.get("architecture")
    label = "NumPy %s on %s %s%s, %d BLAS thread%s" % (np.__version__, name, info.get("version"), " (" + arch + " kernels)" if arch else "", n, "" if n == 1 else "s")
    if env:
        label += " [" + ", ".join("%s=%s" % kv for kv in env.items()) + "]"
    return {"ok": True, "blas": info["internal_api"], "version": info.get("version"), "architecture": arch, "threads": n, "label": label, "env": env}


def torch_blas():
    """The BLAS PyTorch was built with (from torch.__config__.show()), e.g. "open" or "mkl"."""
    import re
    import torch
    m = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    return m.group(1) if m else "unknown"


if __name__ == "__main__":
    try:
        out = numpy_blas(int(sys.argv[1]) if len(sys.argv) > 1 else None)
    except Exception as e:  # reported, not raised: the caller decides
        out = {"ok": False, "reason": str(e)}
    print(json.dumps(out))
