"""One training epoch of PyTorch's beginner MLP: torch vs torchless vs a hand-written NumPy loop.

    PYTHONPATH=src python bench/bench_training.py [--quick] [--repeat N] [--threads N] [--profile]

784-128-64-10 ReLU MLP, LogSoftmax + NLLLoss, SGD(lr=0.01), batch 64, over 60,000 random
float32 samples (6,000 with --quick), each library:
  manual      for i in range(0, n, 64): xb, yb = X[i:i+64], y[i:i+64]
  DataLoader  DataLoader(TensorDataset(X, y), batch_size=64, shuffle=True)
The NumPy loop writes the forward pass, the backward pass and the SGD update directly (its
"DataLoader" row gathers X[perm[i:i+64]]).  All three start from the same weights (torch's
after manual_seed(0)).  Goals: torchless <= 0.6x torch and <= 1.3x NumPy.  Times are the
best of --repeat epochs (default 3), the libraries taking turns.  Each library gets --threads
BLAS / intra-op threads (default 1: on a shared machine multi-threaded BLAS makes these small
products erratic, 10-20x slower at times).  --profile prints cProfile's top functions for one
torchless epoch of each kind.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from pathlib import Path

# BLAS threads must be fixed before NumPy loads its BLAS (see the docstring)
THREADS = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv else "1"
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = THREADS

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import torch  # noqa: E402

import torchless  # noqa: E402

BATCH, LR = 64, 0.01


def make_data(n):
    rng = np.random.default_rng(0)
    return (rng.random((n, 784), dtype=np.float32),
            rng.integers(0, 10, n).astype(np.int64))


# ---------------------------------------------------------------- torch and torchless
def build(T):
    """The beginner-course model, its loss and optimiser, from manual_seed(0)."""
    T.manual_seed(0)
    nn = T.nn
    model = nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 64), nn.ReLU(),
                          nn.Linear(64, 10), nn.LogSoftmax(dim=1))
    return model, nn.NLLLoss(), T.optim.SGD(model.parameters(), lr=LR)


def step(model, loss_fn, opt, xb, yb):
    opt.zero_grad()
    loss = loss_fn(model(xb), yb)
    loss.backward()
    opt.step()
    return loss


def epoch_manual(T, X, y, state):
    model, loss_fn, opt = state
    n = X.shape[0]
    for i in range(0, n, BATCH):
        loss = step(model, loss_fn, opt, X[i:i + BATCH], y[i:i + BATCH])
    return loss.item()


def epoch_loader(T, X, y, state):
    model, loss_fn, opt = state
    loader = T.utils.data.DataLoader(T.utils.data.TensorDataset(X, y), batch_size=BATCH,
                                     shuffle=True)
    for xb, yb in loader:
        loss = step(model, loss_fn, opt, xb, yb)
    return loss.item()


# ---------------------------------------------------------------- hand-written NumPy
def numpy_params(torch_model):
    """The torch model's initial weights as (W, b) float32 arrays, W transposed (in, out)."""
    layers = [m for m in torch_model if isinstance(m, torch.nn.Linear)]
    return [(m.weight.detach().numpy().T.copy(), m.bias.detach().numpy().copy())
            for m in layers]


def numpy_step(params, xb, yb):
    (W1, b1), (W2, b2), (W3, b3) = params
    m = xb.shape[0]
    h1 = xb @ W1
    h1 += b1
    np.maximum(h1, 0, out=h1)
    h2 = h1 @ W2
    h2 += b2
    np.maximum(h2, 0, out=h2)
    z = h2 @ W3
    z += b3
    z -= z.max(axis=1, keepdims=True)
    e = np.exp(z)
    s = e.sum(axis=1, keepdims=True)
    rows = np.arange(m)
    loss = -(z[rows, yb] - np.log(s[:, 0])).mean()
    # d loss / d z = (softmax - onehot) / m
    g = e / s
    g[rows, yb] -= 1.0
    g /= m
    gW3, gb3 = h2.T @ g, g.sum(axis=0)
    g = g @ W3.T
    g *= h2 > 0
    gW2, gb2 = h1.T @ g, g.sum(axis=0)
    g = g @ W2.T
    g *= h1 > 0
    gW1, gb1 = xb.T @ g, g.sum(axis=0)
    for (W, b), gW, gb in zip(params, (gW1, gW2, gW3), (gb1, gb2, gb3)):
        W -= LR * gW
        b -= LR * gb
    return loss


def numpy_manual(_, X, y, params):
    for i in range(0, X.shape[0], BATCH):
        loss = numpy_step(params, X[i:i + BATCH], y[i:i + BATCH])
    return float(loss)


def numpy_loader(_, X, y, params):
    perm = np.random.default_rng(1).permutation(X.shape[0])
    for i in range(0, X.shape[0], BATCH):
        idx = perm[i:i + BATCH]
        loss = numpy_step(params, X[idx], y[idx])
    return float(loss)


# ---------------------------------------------------------------- driver
def timed(runs, repeat):
    """Best seconds and last final loss of each (fn, lib, X, y, make_state) run.  The
    libraries take turns, so a busy machine slows each of them alike."""
    best = [float("inf")] * len(runs)
    loss = [None] * len(runs)
    for _ in range(repeat):
        for i, (fn, lib, X, y, make_state) in enumerate(runs):
            state = make_state()
            t = time.perf_counter()
            loss[i] = fn(lib, X, y, state)
            best[i] = min(best[i], time.perf_counter() - t)
    return best, loss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="6,000 samples instead of 60,000")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--threads", type=int, default=1,
                    help="BLAS threads for NumPy and torch's intra-op threads (default 1)")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    n = 6000 if args.quick else 60000
    Xn, yn = make_data(n)
    data = {torch: (torch.from_numpy(Xn), torch.from_numpy(yn)),
            torchless: (torchless.from_numpy(Xn), torchless.from_numpy(yn)),
            np: (Xn, yn)}
    init = numpy_params(build(torch)[0])
    makers = {torch: lambda: build(torch), torchless: lambda: build(torchless),
              np: lambda: [(W.copy(), b.copy()) for W, b in init]}
    print(f"one epoch, {n} samples, batch {BATCH}, 784-128-64-10 MLP, SGD lr={LR} "
          f"({args.threads} thread(s) each; best of {args.repeat})")
    print(f"{'':12s}{'torch s':>9s}{'torchless s':>13s}{'numpy s':>9s}{'tl/torch':>10s}"
          f"{'tl/numpy':>10s}   final losses (torch, torchless, numpy)")
    for label, fns in (("manual", (epoch_manual, numpy_manual)),
                       ("DataLoader", (epoch_loader, numpy_loader))):
        lib_fn, np_fn = fns
        (t_torch, t_tl, t_np), (l_torch, l_tl, l_np) = timed(
            [(lib_fn, torch, *data[torch], makers[torch]),
             (lib_fn, torchless, *data[torchless], makers[torchless]),
             (np_fn, np, *data[np], makers[np])], args.repeat)
        r1, r2 = t_tl / t_torch, t_tl / t_np
        print(f"{label:12s}{t_torch:9.3f}{t_tl:13.3f}{t_np:9.3f}"
              f"{r1:10.3f}{r2:10.3f}   {l_torch:.5f} {l_tl:.5f} {l_np:.5f}")
        print(f"{'':12s}goals: tl/torch <= 0.6 {'ok' if r1 <= 0.6 else 'MISSED'}, "
              f"tl/numpy <= 1.3 {'ok' if r2 <= 1.3 else 'MISSED'}")
    if args.profile:
        for fn in (epoch_manual, epoch_loader):
            state = build(torchless)
            prof = cProfile.Profile()
            prof.runcall(fn, torchless, *data[torchless], state)
            print(f"\ncProfile, one torchless epoch ({fn.__name__}), by own time:")
            pstats.Stats(prof).sort_stats("tottime").print_stats(14)


if __name__ == "__main__":
    main()
