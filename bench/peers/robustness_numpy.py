#!/usr/bin/env python3
"""NumPy peer of dynaspin's robustness sweep (bench/robustness.ts, src/sweep/robustness.ts).

Same network (paper eqs. 4-6 with I = polarity*u^2, softmax readout argmax), same model JSON,
same normalised test set; vectorised over trials and samples: the state is a (trials, samples,
oscillators) array and each step's A·p is one BLAS product (NumPy must run on an optimised BLAS:
blas.py verifies it and the peer refuses otherwise), parameter a of eq. 4 drawn per (trial, oscillator) from N(a0, sigma^2).
Random draws come from NumPy's own generator (default_rng([seed, sigma_index])), so results agree
with dynaspin exactly at sigma = 0 and statistically elsewhere.

Reads one JSON object on stdin:
  {model: <dynaspin.model JSON>, p0: [[...k] * n] (normalised inputs), y: [n], sigmas: [...],
   trials: T, seed: S, chunk: trials per vectorised block}
Prints {"numpy": version, "seconds": wall time of the sweep, "cpuSeconds": its CPU time, "mean": [...], "std": [...],
"p5": [...], "p50": [...], "p95": [...]} (accuracies as fractions).
"""
import json
import sys
import time

import numpy as np

from blas import numpy_blas


def main() -> None:
    try:
        label = numpy_blas()["label"]
    except RuntimeError as e:
        sys.stderr.write(str(e) + "\n")
        sys.exit(3)
    a = json.load(sys.stdin)
    m = a["model"]
    k, steps, classes = m["k"], m["steps"], m["classes"]
    dev = m["device"]
    devs = dev if isinstance(dev, list) else [dev] * k
    for d in devs:
        if d["model"] != "eq4":
            raise SystemExit("robustness_numpy.py: only eq4 devices")
    a0 = np.array([d["a"] for d in devs], dtype=np.float64)
    b0 = np.array([d["b"] for d in devs], dtype=np.float64)
    ic = np.array([d["Ic"] for d in devs], dtype=np.float64)
    q = np.array([d["Q"] for d in devs], dtype=np.float64)
    p0s = np.array([d.get("P0", 1.0) for d in devs], dtype=np.float64)
    pol = np.where(ic < 0, -1.0, 1.0)
    A = np.array(m["A"], dtype=np.float64)  # (steps, k, k), A[t][i][j]: j -> i
    B = np.array(m["B"], dtype=np.float64)  # (steps, k)
    W = np.array(m["W"], dtype=np.float64)  # (classes, k)
    c = np.array(m["c"], dtype=np.float64)
    x = np.array(a["p0"], dtype=np.float64)  # (n, k)
    y = np.array(a["y"], dtype=np.int64)
    n = x.shape[0]
    T = int(a["trials"])
    chunk = int(a.get("chunk", 2000))
    seed = int(a["seed"])
    out = {"mean": [], "std": [], "p5": [], "p50": [], "p95": []}
    t0 = time.perf_counter()
    c0 = time.process_time()
    # Trials per vectorised block: at most ~4M values per (trials, samples, oscillators) array.
    chunk = max(1, min(chunk, (1 << 22) // max(1, n * k)))
    # u(0) does not depend on the trial: one product for every block.
    u0 = x @ A[0].T + B[0]  # (n, k)
    for s, sigma in enumerate(a["sigmas"]):
        rng = np.random.default_rng([seed, s])
        correct = np.empty(T, dtype=np.int64)
        for start in range(0, T, chunk):
            nt = min(chunk, T - start)
            av = (a0[None, :] + sigma * rng.standard_normal((nt, k)))[:, None, :]  # (nt, 1, k)
            P = None
            for t in range(steps):
                # u = P @ A[t].T + B[t] for every trial and sample at once: one BLAS product.
                u = np.broadcast_to(u0, (nt, n, k)) if t == 0 else P @ A[t].T + B[t]
                cur = pol * u * u
                th = np.tanh(av * cur - b0)
                P = 0.5 * p0s * (1.0 + th) * ((cur - ic) / (cur + q * ic))  # (nt, n, k)
            logits = P @ W.T + c  # (nt, n, classes)
            pred = np.argmax(logits, axis=-1)
            correct[start:start + nt] = (pred == y[None, :]).sum(axis=1)
        accs = correct / n
        out["mean"].append(float(correct.sum() / (T * n)))
        out["std"].append(float(accs.std()))
        for p in (5, 50, 95):
            out[f"p{p}"].append(float(np.percentile(accs, p)))
    seconds = time.perf_counter() - t0
    cpu = time.process_time() - c0
    print(json.dumps({"numpy": label, "seconds": seconds, "cpuSeconds": cpu, **out}))


if __name__ == "__main__":
    main()
