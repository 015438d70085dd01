"""torch.nn speed against real torch in the same run; ratios printed.

    PYTHONPATH=src python bench/bench_nn.py [--quick]

(a) F.linear (64x784) @ (784x128)^T + bias, forward + backward: goal <= 1.0x torch.
(b) a 784-128-64-10 ReLU MLP with log_softmax, batch 64, forward + backward: goal <= 0.7x torch.
(c) tiny modules per call (Linear(5, 3) on 1x5, ReLU on 64x10, Dropout on 64x10, LayerNorm(10)
    on 64x10), forward only: torch us, torchless us, ratio (goal <= 0.6).
(d) one epoch of the MLP with SGD over 60,000 random samples (manual batching, batch 64),
    against torch and a hand-written NumPy loop.

Each library is timed in its own process: torch's OpenMP threads and NumPy's BLAS threads
spin-wait after each call and slow each other down badly when they share a process.  Both
run single-threaded by default (``--threads N`` to change): on a small shared machine a
second BLAS thread that loses its core makes timings meaningless.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import timeit
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

QUICK = "--quick" in sys.argv
LIB = sys.argv[sys.argv.index("--lib") + 1] if "--lib" in sys.argv else None
if LIB == "torch":
    import torch as lib
elif LIB == "torchless":
    import torchless as lib


def best_us(fn, number, repeat=5):
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def mlp():
    nn = lib.nn
    lib.manual_seed(0)
    return nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                         nn.Linear(64, 10), nn.LogSoftmax(dim=1))


def time_linear():
    x = lib.tensor(np.random.default_rng(0).standard_normal((64, 784)).astype(np.float32))
    lin = lib.nn.Linear(784, 128)

    def step():
        lin.weight.grad = None
        lin.bias.grad = None
        lin(x).sum().backward()
    return best_us(step, 50 if QUICK else 200)


def time_mlp():
    x = lib.tensor(np.random.default_rng(0).standard_normal((64, 784)).astype(np.float32))
    m = mlp()

    def step():
        m.zero_grad()
        m(x).sum().backward()
    return best_us(step, 30 if QUICK else 100)


TINY = [("Linear(5, 3) on 1x5", lambda: lib.nn.Linear(5, 3), (1, 5)),
        ("ReLU on 64x10", lambda: lib.nn.ReLU(), (64, 10)),
        ("Dropout(0.5) train on 64x10", lambda: lib.nn.Dropout(0.5), (64, 10)),
        ("Dropout(0.5) eval on 64x10", lambda: lib.nn.Dropout(0.5).eval(), (64, 10)),
        ("LayerNorm(10) on 64x10", lambda: lib.nn.LayerNorm(10), (64, 10)),
        ("Softmax(dim=1) on 64x10", lambda: lib.nn.Softmax(dim=1), (64, 10)),
        ("GELU on 64x10", lambda: lib.nn.GELU(), (64, 10))]


def time_tiny():
    out = []
    for _, make, shape in TINY:
        x = lib.tensor(np.random.default_rng(1).standard_normal(shape).astype(np.float32))
        m = make()
        with lib.no_grad():
            out.append(best_us(lambda: m(x), 2000 if QUICK else 10000))
    return out


N_EPOCH = 12000 if QUICK else 60000


def data():
    rng = np.random.default_rng(0)
    return (rng.standard_normal((N_EPOCH, 784)).astype(np.float32),
            rng.integers(0, 10, N_EPOCH))


def time_epoch():
    xs, ys = data()
    m = mlp()
    X, Y = lib.tensor(xs), lib.tensor(ys)
    params = list(m.parameters())

    def epoch():
        for i in range(0, N_EPOCH, 64):
            out = m(X[i:i + 64])
            # NLL by indexing (the loss modules have their own bench)
            loss = -out[lib.arange(out.shape[0]), Y[i:i + 64]].mean()
            for p in params:
                p.grad = None
            loss.backward()
            with lib.no_grad():
                for p in params:
                    p.sub_(p.grad * 0.01)
    return min(timeit.repeat(epoch, number=1, repeat=1 if QUICK else 3))


def time_numpy_epoch():
    """The same epoch written by hand in NumPy (forward, softmax-NLL gradient, SGD)."""
    xs, ys = data()
    rng = np.random.default_rng(2)
    w = [rng.standard_normal(s).astype(np.float32) * 0.05
         for s in ((128, 784), (128,), (64, 128), (64,), (10, 64), (10,))]

    def epoch():
        w1, b1, w2, b2, w3, b3 = w
        for i in range(0, N_EPOCH, 64):
            x, y = xs[i:i + 64], ys[i:i + 64]
            h1 = x @ w1.T + b1
            a1 = np.maximum(h1, 0)
            h2 = a1 @ w2.T + b2
            a2 = np.maximum(h2, 0)
            z = a2 @ w3.T + b3
            z = z - z.max(1, keepdims=True)
            e = np.exp(z)
            g = e / e.sum(1, keepdims=True)
            g[np.arange(len(y)), y] -= 1
            g /= len(y)
            gw3, gb3 = g.T @ a2, g.sum(0)
            g2 = (g @ w3) * (h2 > 0)
            gw2, gb2 = g2.T @ a1, g2.sum(0)
            g1 = (g2 @ w2) * (h1 > 0)
            gw1, gb1 = g1.T @ x, g1.sum(0)
            for a, ga in zip(w, (gw1, gb1, gw2, gb2, gw3, gb3)):
                a -= 0.01 * ga
    return min(timeit.repeat(epoch, number=1, repeat=1 if QUICK else 3))


def child():
    if LIB == "numpy":
        return {"epoch": time_numpy_epoch()}
    return {"linear": time_linear(), "mlp": time_mlp(), "tiny": time_tiny(),
            "epoch": time_epoch()}


THREADS = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv else "1"


def run(name):
    cmd = [sys.executable, __file__, "--lib", name] + (["--quick"] if QUICK else [])
    env = dict(os.environ, OMP_NUM_THREADS=THREADS, OPENBLAS_NUM_THREADS=THREADS,
               MKL_NUM_THREADS=THREADS)
    return json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True,
                                     env=env).stdout)


def row(label, t_torch, t_less, goal):
    r = t_less / t_torch
    print(f"{label:40s} torch {t_torch:8.1f} us   torchless {t_less:8.1f} us   ratio {r:5.2f}  "
          f"{'ok' if r <= goal else 'MISSED'} (goal <= {goal})")


def main():
    t, tl, tn = run("torch"), run("torchless"), run("numpy")
    row("F.linear 64x784 -> 128, fwd + bwd", t["linear"], tl["linear"], 1.0)
    row("MLP 784-128-64-10, batch 64, fwd + bwd", t["mlp"], tl["mlp"], 0.7)
    for (label, _, _), a, b in zip(TINY, t["tiny"], tl["tiny"]):
        row(label + " (no_grad)", a, b, 0.6)
    print(f"epoch of {N_EPOCH} samples, batch 64, SGD:  torch {t['epoch']:.3f} s   torchless "
          f"{tl['epoch']:.3f} s   numpy {tn['epoch']:.3f} s   ratio vs torch "
          f"{tl['epoch'] / t['epoch']:.2f} (goal <= 0.6)   vs numpy "
          f"{tl['epoch'] / tn['epoch']:.2f} (goal <= 1.3)")


if __name__ == "__main__":
    if LIB:
        print(json.dumps(child()))
    else:
        main()
