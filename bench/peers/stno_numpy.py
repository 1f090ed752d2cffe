#!/usr/bin/env python3
"""NumPy peer of dynaspin's STNO network training (bench/train.ts drives it).

The same model as src/network/dynamics.ts, written the way a researcher would in NumPy, with the
adjoint by hand (batch-major arrays: P[t] is nb x k):

    u = P[t] @ A[t].T + B[t],  I = s*u^2,  P[t+1] = f(I)           (f = eq. 4 device curve)
    logits = P[n] @ W.T + c,  loss = mean softmax cross-entropy
    gU = lam * f'(I) * 2 s u,  dA[t] = gU.T @ P[t],  dB[t] = sum(gU),  lam = gU @ A[t]

and Adam (beta1 0.9, beta2 0.999, eps 1e-8) with the same per-parameter learning-rate scales as
dynaspin's `parameterScales`. float64 throughout.

NumPy must run on an optimised BLAS (blas.py verifies it with threadpoolctl and refuses the
reference BLAS); THREADS limits its BLAS threads (default: the BLAS's own default).

Protocol: `python3 stno_numpy.py SETUP.json [THREADS]`, then one command per stdin line, one JSON reply per
stdout line:
  verify  -> one epoch from the initial parameters in the setup's batch order:
             {"epochLoss": mean minibatch loss, "lossAfter": training loss after the epoch}
             (parameters and Adam state are then reset)
  epoch   -> one more epoch (timed inside, perf_counter): {"seconds": s}
  infer   -> forward pass over the inference set (timed): {"seconds": s, "correct": n}
  quit
"""
import json
import sys

import numpy as np

from blas import numpy_blas
from peer_protocol import serve


class Net:
    def __init__(self, s):
        self.k, self.steps, self.classes = s["k"], s["steps"], s["classes"]
        k, n = self.k, self.steps
        self.A0 = np.array(s["A"], dtype=np.float64).reshape(n, k, k)
        self.B0 = np.array(s["B"], dtype=np.float64).reshape(n, k)
        self.W0 = np.array(s["W"], dtype=np.float64).reshape(self.classes, k)
        self.c0 = np.array(s["c"], dtype=np.float64)
        d = s["device"]
        self.a, self.b, self.Ic, self.Q, self.pol = d["a"], d["b"], d["Ic"], d["Q"], d["polarity"]
        self.x = np.array(s["x"], dtype=np.float64).reshape(-1, k)
        self.y = np.array(s["y"], dtype=np.int64)
        self.order = np.array(s["order"], dtype=np.int64)
        self.batch = s["batch"] if s["batch"] > 0 else len(self.y)
        self.lr, self.scales = s["lr"], s["scales"]
        # Learning rate per entry of A: A(0) (inputs) has its own scale (dynaspin's updateScales).
        self.aA = np.full((n, 1, 1), self.lr * self.scales[0])
        self.aA[0] = self.lr * s.get("scaleA0", self.scales[0])
        # Adam's eps per array (dynaspin's eps·r/s), A(0) its own.
        self.eps = s.get("eps", [1e-8] * 4)
        self.epsA = np.full((n, 1, 1), self.eps[0])
        self.epsA[0] = s.get("epsA0", self.eps[0])
        self.xi = np.array(s["inferX"], dtype=np.float64).reshape(-1, k)
        self.yi = np.array(s["inferY"], dtype=np.int64)
        self.reset()

    def reset(self):
        self.params = [self.A0.copy(), self.B0.copy(), self.W0.copy(), self.c0.copy()]
        self.m = [np.zeros_like(p) for p in self.params]
        self.v = [np.zeros_like(p) for p in self.params]
        self.t = 0

    def curve(self, I, with_derivative):
        h = 0.5
        th = np.tanh(self.a * I - self.b)
        inv = 1.0 / (I + self.Q * self.Ic)
        r = (I - self.Ic) * inv
        g = h * (1.0 + th)
        p = g * r
        if not with_derivative:
            return p, None
        dp = h * self.a * (1.0 - th * th) * r + g * (self.Ic * (1.0 + self.Q)) * inv * inv
        return p, dp

    def forward(self, x, with_derivative):
        A, B, W, c = self.params
        P, U, D = [x], [], []
        for t in range(self.steps):
            u = P[t] @ A[t].T + B[t]
            p, dp = self.curve(self.pol * u * u, with_derivative)
            U.append(u)
            D.append(dp)
            P.append(p)
        return P, U, D, P[-1] @ W.T + c

    def step(self, idx):
        A, B, W, c = self.params
        nb = len(idx)
        P, U, D, L = self.forward(self.x[idx], True)
        y = self.y[idx]
        mx = L.max(axis=1, keepdims=True)
        e = np.exp(L - mx)
        ssum = e.sum(axis=1, keepdims=True)
        loss = float(np.sum(np.log(ssum[:, 0]) + mx[:, 0] - L[np.arange(nb), y]))
        G = e / ssum
        G[np.arange(nb), y] -= 1.0
        G *= 1.0 / nb
        gA = np.empty_like(A)
        gB = np.empty_like(B)
        gW = G.T @ P[-1]
        gc = G.sum(axis=0)
        lam = G @ W
        for t in range(self.steps - 1, -1, -1):
            gU = lam * D[t] * (2.0 * self.pol) * U[t]
            gB[t] = gU.sum(axis=0)
            gA[t] = gU.T @ P[t]
            if t > 0:
                lam = gU @ A[t]
        self.adam([gA, gB, gW, gc])
        return loss

    def adam(self, grads):
        b1, b2 = 0.9, 0.999
        self.t += 1
        c1 = 1.0 / (1.0 - b1 ** self.t)
        c2 = 1.0 / (1.0 - b2 ** self.t)
        for q in range(4):
            p, g, m, v = self.params[q], grads[q], self.m[q], self.v[q]
            a = self.aA if q == 0 else self.lr * self.scales[q]
            eps = self.epsA if q == 0 else self.eps[q]
            m *= b1
            m += (1.0 - b1) * g
            v *= b2
            v += (1.0 - b2) * g * g
            p -= (a * (m * c1)) / (np.sqrt(v * c2) + eps)

    def epoch(self):
        n = len(self.order)
        total = 0.0
        for start in range(0, n, self.batch):
            total += self.step(self.order[start:start + self.batch])
        return total / n

    def loss(self, x, y):
        _, _, _, L = self.forward(x, False)
        mx = L.max(axis=1, keepdims=True)
        ssum = np.exp(L - mx).sum(axis=1)
        return float(np.sum(np.log(ssum) + mx[:, 0] - L[np.arange(len(y)), y]) / len(y))

    def infer(self):
        _, _, _, L = self.forward(self.xi, False)
        return int(np.sum(np.argmax(L, axis=1) == self.yi))


def main():
    try:
        label = numpy_blas(int(sys.argv[2]) if len(sys.argv) > 2 else None)["label"]
    except RuntimeError as e:
        sys.stderr.write(str(e) + "\n")
        sys.exit(3)
    with open(sys.argv[1]) as f:
        net = Net(json.load(f))
    serve(net, label, lambda n: n.loss(n.x, n.y))

if __name__ == "__main__":
    main()
