"""Pointwise ops: torchless against torch (tiny tensors, per-call time) and against NumPy doing
the same work directly (10M elements).  Run: PYTHONPATH=src python bench/bench_pointwise.py

Targets: tiny add/mul/exp/sigmoid at most 0.6x torch's per-call time; 10M-element ops at
least 0.9x NumPy's speed (ratio = numpy time / torchless time).
"""
from __future__ import annotations

import sys
import timeit

import numpy as np
import torch

import torchless as tl

torch.set_num_threads(1)    # compare per-call overhead, not thread pools


def per_call(fn, number, repeat=7):
    """Best of `repeat` runs, in microseconds per call."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def interleaved(f, g, number, rounds=3):
    """Best times of f and g, measured alternately (the machine's load drifts over time)."""
    tf = tg = float("inf")
    for _ in range(rounds):
        tf = min(tf, per_call(f, number, 3))
        tg = min(tg, per_call(g, number, 3))
    return tf, tg


TINY = {
    "x + y": lambda L, x, y: x + y,
    "x * y": lambda L, x, y: x * y,
    "x + 2.0": lambda L, x, y: x + 2.0,
    "x.exp()": lambda L, x, y: x.exp(),
    "x.sigmoid()": lambda L, x, y: x.sigmoid(),
    "torch.sigmoid(x)": lambda L, x, y: L.sigmoid(x),
    "x.relu()": lambda L, x, y: x.relu(),
    "x > y": lambda L, x, y: x > y,
    "torch.add(x, y)": lambda L, x, y: L.add(x, y),
    "x.add_(y)": lambda L, x, y: x.add_(y),
    "torch.where": lambda L, x, y: L.where(x > 0, x, y),
    "x.clamp(0, 1)": lambda L, x, y: x.clamp(0, 1),
}


def tiny(shape):
    rng = np.random.default_rng(0)
    a = rng.standard_normal(shape).astype(np.float32)
    b = rng.standard_normal(shape).astype(np.float32)
    print(f"\ntiny {shape} float32: µs per call (torchless / torch: target <= 0.6 for + * exp sigmoid)")
    print(f"{'op':22s} {'torch':>8s} {'torchless':>10s} {'ratio':>7s}")
    for name, fn in TINY.items():
        tx, ty = torch.from_numpy(a.copy()), torch.from_numpy(b.copy())
        lx, ly = tl.tensor(a), tl.tensor(b)
        t, ll = interleaved(lambda: fn(torch, tx, ty), lambda: fn(tl, lx, ly), 20000)
        print(f"{name:22s} {t:8.2f} {ll:10.2f} {ll / t:7.2f}")


def _np_sigmoid(a, b=None):
    return 1 / (1 + np.exp(-a))


LARGE = {  # name: (torchless fn, the same work in NumPy)
    "add": (lambda x, y: x + y, lambda a, b: a + b),
    "mul scalar": (lambda x, y: x * 2.5, lambda a, b: a * np.float32(2.5)),
    "exp": (lambda x, y: x.exp(), lambda a, b: np.exp(a)),
    "sigmoid": (lambda x, y: x.sigmoid(), _np_sigmoid),
    "relu": (lambda x, y: x.relu(), lambda a, b: np.maximum(a, np.float32(0))),
    "x > y": (lambda x, y: x > y, lambda a, b: a > b),
    "x += y": (lambda x, y: x.__iadd__(y), lambda a, b: np.add(a, b, out=a)),
    "clamp": (lambda x, y: x.clamp(-1, 1), lambda a, b: np.clip(a, -1, 1)),
    "where": (lambda x, y: tl.where(x > y, x, y), lambda a, b: np.where(a > b, a, b)),
    # torch fuses a + alpha * b (one rounding): the same work in NumPy is a float64 pass
    "add alpha (fma)": (lambda x, y: tl.add(x, y, alpha=0.5),
                        lambda a, b: (a + b.astype(np.float64) * 0.5).astype(np.float32)),
}


def large(n):
    rng = np.random.default_rng(1)
    a = rng.standard_normal(n).astype(np.float32)
    b = rng.standard_normal(n).astype(np.float32)
    lx, ly = tl.from_numpy(a.copy()), tl.from_numpy(b.copy())
    tx, ty = torch.from_numpy(a.copy()), torch.from_numpy(b.copy())
    print(f"\n{n:,} float32 elements: ms per call (speed = numpy / torchless: target >= 0.9)")
    print(f"{'op':18s} {'numpy':>8s} {'torchless':>10s} {'speed':>7s} {'torch(1 thr)':>13s}")
    torch_ops = {"add": lambda: tx + ty, "exp": lambda: tx.exp(), "sigmoid": lambda: tx.sigmoid()}
    for name, (lfn, nfn) in LARGE.items():
        a2, b2 = a.copy(), b.copy()
        nt, lt = (v / 1e3 for v in interleaved(lambda: nfn(a2, b2), lambda: lfn(lx, ly), 3))
        tt = per_call(torch_ops[name], 3) / 1e3 if name in torch_ops else float("nan")
        print(f"{name:18s} {nt:8.2f} {lt:10.2f} {nt / lt:7.2f} {tt:13.2f}")


if __name__ == "__main__":
    tiny((1, 5))
    tiny((64, 10))
    large(10_000_000 if "--small" not in sys.argv else 1_000_000)
