#!/usr/bin/env python3
"""NumPy peer of dynaspin's macrospin RK4 (bench/llg.ts).

Same equations as src/physics/llg.ts (LLG in explicit Landau-Lifshitz form with the
Slonczewski torque written as an extra field, SI units), same classical RK4 with
renormalisation after each step, vectorised over currents: m has shape (3, K).

Reads one JSON object on stdin:
  {gammaLL, alpha, b:[3], d:[3], bk, u:[3], p:[3], effEta, effA, effC, beta,
   bJ:[K], dt, steps, m0:[3], repeats}
and prints {"numpy": version, "seconds": [..], "stepsPerSecond": median oscillator-steps/s,
"m": final m as [[mx...],[my...],[mz...]]}.
"""
import json
import sys
import time

import numpy as np

from blas import numpy_blas


def main() -> None:
    a = json.load(sys.stdin)
    gLL, alpha = a["gammaLL"], a["alpha"]
    bx, by, bz = a["b"]
    dx, dy, dz = a["d"]
    bk = a["bk"]
    ux, uy, uz = a["u"]
    px, py, pz = a["p"]
    eta, ea, ec, beta = a["effEta"], a["effA"], a["effC"], a["beta"]
    bJ = np.asarray(a["bJ"], dtype=np.float64)
    dt, steps = a["dt"], int(a["steps"])
    K = bJ.size

    def rhs(m):
        mx, my, mz = m[0], m[1], m[2]
        mu = mx * ux + my * uy + mz * uz
        mp = mx * px + my * py + mz * pz
        aj = bJ * eta / (ea + ec * mp)
        fl = beta * aj
        Bx = bx - dx * mx + bk * mu * ux + aj * (py * mz - pz * my) + fl * px
        By = by - dy * my + bk * mu * uy + aj * (pz * mx - px * mz) + fl * py
        Bz = bz - dz * mz + bk * mu * uz + aj * (px * my - py * mx) + fl * pz
        cx = my * Bz - mz * By
        cy = mz * Bx - mx * Bz
        cz = mx * By - my * Bx
        return -gLL * np.stack((cx + alpha * (my * cz - mz * cy),
                                cy + alpha * (mz * cx - mx * cz),
                                cz + alpha * (mx * cy - my * cx)))

    def integrate():
        m = np.repeat(np.asarray(a["m0"], dtype=np.float64).reshape(3, 1), K, axis=1)
        h2, h6 = 0.5 * dt, dt / 6.0
        for _ in range(steps):
            k1 = rhs(m)
            k2 = rhs(m + h2 * k1)
            k3 = rhs(m + h2 * k2)
            k4 = rhs(m + dt * k3)
            m = m + h6 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
            m = m / np.sqrt((m * m).sum(axis=0))
        return m

    seconds = []
    m = None
    for _ in range(int(a.get("repeats", 3))):
        t0 = time.perf_counter()
        m = integrate()
        seconds.append(time.perf_counter() - t0)
    med = float(np.median(seconds))
    print(json.dumps({"numpy": blas_label(), "seconds": seconds,
                      "stepsPerSecond": K * steps / med, "m": m.tolist()}))


def blas_label():
    """NumPy's version and BLAS (blas.py); exits when NumPy runs on the reference BLAS."""
    try:
        return numpy_blas()["label"]
    except RuntimeError as e:
        sys.stderr.write(str(e) + "\n")
        sys.exit(3)


if __name__ == "__main__":
    main()
