#!/usr/bin/env python3
"""PyTorch (autograd) peer of dynaspin's STNO network training (bench/train.ts drives it).

The same model as src/network/dynamics.ts in float64, gradients by autograd, optimiser
torch.optim.Adam (beta1 0.9, beta2 0.999, eps 1e-8) with one parameter group per array whose
learning rate is lr * dynaspin's `parameterScales` entry (Adam's update is the same formula).

Usage: `python3 stno_torch.py SETUP.json THREADS`; same stdin/stdout protocol as stno_numpy.py
(verify, epoch, infer, version, quit).
"""
import json
import sys

import torch

from peer_protocol import serve

torch.set_default_dtype(torch.float64)


class Net:
    def __init__(self, s):
        self.k, self.steps, self.classes = s["k"], s["steps"], s["classes"]
        k, n = self.k, self.steps
        t = lambda v: torch.tensor(v, dtype=torch.float64)
        self.A0 = t(s["A"]).reshape(n, k, k)
        self.B0 = t(s["B"]).reshape(n, k)
        self.W0 = t(s["W"]).reshape(self.classes, k)
        self.c0 = t(s["c"])
        d = s["device"]
        self.a, self.b, self.Ic, self.Q, self.pol = d["a"], d["b"], d["Ic"], d["Q"], d["polarity"]
        self.x = t(s["x"]).reshape(-1, k)
        self.y = torch.tensor(s["y"], dtype=torch.int64)
        self.order = torch.tensor(s["order"], dtype=torch.int64)
        self.batch = s["batch"] if s["batch"] > 0 else len(self.y)
        self.lr, self.scales = s["lr"], s["scales"]
        self.scaleA0 = s.get("scaleA0", self.scales[0])
        # Adam's eps per array (dynaspin's eps·r/s), A(0) its own.
        self.eps = s.get("eps", [1e-8] * 4)
        self.epsA0 = s.get("epsA0", self.eps[0])
        self.xi = t(s["inferX"]).reshape(-1, k)
        self.yi = torch.tensor(s["inferY"], dtype=torch.int64)
        self.reset()

    def reset(self):
        # A(0) (inputs) and A(t >= 1) are separate parameters: A(0) has its own learning-rate
        # scale (dynaspin's updateScales).
        first, rest = self.A0[:1].clone(), self.A0[1:].clone()
        self.params = [p.requires_grad_(True) for p in (first, rest, self.B0.clone(), self.W0.clone(), self.c0.clone())]
        scales = [self.scaleA0] + list(self.scales)
        epss = [self.epsA0] + list(self.eps)
        groups = [{"params": [p], "lr": self.lr * sc, "eps": e} for p, sc, e in zip(self.params, scales, epss) if p.numel() > 0]
        self.opt = torch.optim.Adam(groups, betas=(0.9, 0.999), eps=1e-8)

    def logits(self, x):
        A0, Ar, B, W, c = self.params
        p = x
        for t in range(self.steps):
            u = p @ (A0[0] if t == 0 else Ar[t - 1]).T + B[t]
            I = self.pol * u * u
            p = 0.5 * (1.0 + torch.tanh(self.a * I - self.b)) * ((I - self.Ic) / (I + self.Q * self.Ic))
        return p @ W.T + c

    def epoch(self):
        n = len(self.order)
        total = 0.0
        for start in range(0, n, self.batch):
            idx = self.order[start:start + self.batch]
            self.opt.zero_grad(set_to_none=True)
            loss = torch.nn.functional.cross_entropy(self.logits(self.x[idx]), self.y[idx])
            loss.backward()
            self.opt.step()
            total += loss.item() * len(idx)
        return total / n

    def infer(self):
        with torch.no_grad():
            return int((self.logits(self.xi).argmax(dim=1) == self.yi).sum())


def loss_after(net):
    with torch.no_grad():
        return float(torch.nn.functional.cross_entropy(net.logits(net.x), net.y))


def blas_label(threads):
    """PyTorch's own BLAS as threadpoolctl sees it in this process, limited to `threads`."""
    try:
        from threadpoolctl import threadpool_info, threadpool_limits
    except ImportError:
        return "BLAS not verified: python3-threadpoolctl missing"
    torch.ones(2, 2) @ torch.ones(2, 2)
    global _limits
    _limits = threadpool_limits(limits=threads, user_api="blas")
    blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    if not blas:
        return "no BLAS library found by threadpoolctl"
    i = blas[0]
    return "%s %s" % (i.get("internal_api"), i.get("version"))


def main():
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(1)
    blas = blas_label(threads)
    with open(sys.argv[1]) as f:
        net = Net(json.load(f))
    serve(net, "PyTorch %s (%d thread%s; BLAS %s)" % (torch.__version__, threads, "" if threads == 1 else "s", blas), loss_after)

if __name__ == "__main__":
    main()
