"""Losses and optimizers: torch vs torchless in the same run, ratios printed.

    PYTHONPATH=src python bench/bench_optim.py [--quick] [--threads N]

(a) loss functions per call (forward, and forward + backward) on tiny float32 inputs
    (1x5 and 64x10) and on a large batch (4096x1000): goal <= 0.6x torch for the tiny ones;
    the large ones show NumPy-bound cost.
(b) optimizer step (us) on the parameters of the beginner MLP 784-128-64-10 with gradients
    present: SGD, SGD with momentum, Adam, RMSprop, Adagrad — and on one tiny 1x5 parameter.
    torch runs its default (for-loop) implementation, as torchless reproduces it.
--threads N sets torch's intra-op threads (its default uses every core, which on a busy
machine makes its small kernels wait for each other).
"""
from __future__ import annotations

import sys
import timeit
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import torch  # noqa: E402

import torchless  # noqa: E402

QUICK = "--quick" in sys.argv
if "--threads" in sys.argv:
    torch.set_num_threads(int(sys.argv[sys.argv.index("--threads") + 1]))


def us(fn, number):
    fn()
    return min(timeit.repeat(fn, number=number, repeat=5)) / number * 1e6


def ratio(a, b, goal=None):
    r = b / a
    if goal is None:
        return f"{r:6.2f}"
    return f"{r:6.2f}  {'ok' if r <= goal else 'MISSED'} (goal <= {goal})"


# ---------------------------------------------------------------- (a) losses
def losses():
    print("(a) loss functions, float32 (us): torch / torchless / ratio")
    rng = np.random.default_rng(0)
    for n, c, goal in ((1, 5, 0.6), (64, 10, 0.6), (4096, 1000, None)):
        x = rng.standard_normal((n, c)).astype(np.float32)
        y = rng.standard_normal((n, c)).astype(np.float32)
        p = rng.uniform(0.01, 0.99, (n, c)).astype(np.float32)
        t = rng.integers(0, c, n)
        number = 50 if n > 1000 else (300 if QUICK else 3000)
        cases = [("nll_loss", lambda F, d: F.nll_loss(d["x"], d["t"])),
                 ("cross_entropy", lambda F, d: F.cross_entropy(d["x"], d["t"])),
                 ("mse_loss", lambda F, d: F.mse_loss(d["x"], d["y"])),
                 ("bce_with_logits", lambda F, d: F.binary_cross_entropy_with_logits(
                     d["x"], d["p"]))]
        for name, f in cases:
            row = []
            for lib in (torch, torchless):
                F = lib.nn.functional
                d = {"x": lib.tensor(x), "y": lib.tensor(y), "p": lib.tensor(p),
                     "t": lib.tensor(t)}
                dg = dict(d, x=lib.tensor(x, requires_grad=True))
                row.append((us(lambda: f(F, d), number),
                            us(lambda: f(F, dg).backward(), number)))
            (f1, b1), (f2, b2) = row
            print(f"  {name:16s} {n}x{c:<5d} fwd {f1:8.1f} {f2:8.1f} {ratio(f1, f2, goal)}"
                  f"   fwd+bwd {b1:8.1f} {b2:8.1f} {ratio(b1, b2, goal)}")


# ---------------------------------------------------------------- (b) optimizer steps
def mlp(lib):
    lib.manual_seed(0)
    nn = lib.nn
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                          nn.Linear(64, 10))
    rng = np.random.default_rng(1)
    for p in model.parameters():
        p.grad = lib.tensor((rng.standard_normal(tuple(p.shape)) * 0.01).astype(np.float32))
    return list(model.parameters())


def steps():
    print("(b) optimizer step (us): torch / torchless / ratio")
    configs = [("SGD", dict(lr=0.01)), ("SGD", dict(lr=0.01, momentum=0.9)),
               ("Adam", dict(lr=1e-3)), ("AdamW", dict(lr=1e-3)), ("RMSprop", dict(lr=1e-3)),
               ("Adagrad", dict(lr=1e-2))]
    for label, make_params, number in (("MLP 784-128-64-10", mlp, 50 if QUICK else 300),
                                       ("one 1x5 parameter", _tiny, 500 if QUICK else 5000)):
        for name, kw in configs:
            t = []
            for lib in (torch, torchless):
                opt = getattr(lib.optim, name)(make_params(lib), **kw)
                t.append(us(opt.step, number))
            args = ", ".join(f"{k}={v}" for k, v in kw.items())
            print(f"  {label:18s} {name}({args}){'':{max(0, 24 - len(name) - len(args))}s}"
                  f"{t[0]:8.1f} {t[1]:8.1f} {ratio(t[0], t[1], 0.6 if name == 'SGD' else None)}")


def _tiny(lib):
    p = lib.nn.Parameter(lib.ones(1, 5))
    p.grad = lib.ones(1, 5) * 0.1
    return [p]


if __name__ == "__main__":
    print(f"torch threads: {torch.get_num_threads()}")
    losses()
    steps()
