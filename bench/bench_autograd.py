"""Autograd speed against torch (same process): the tiny neuron and an MLP forward+backward.

Goals (issue "Autograd equal to PyTorch's"): tiny neuron forward + backward <= 0.25x torch;
784-128-64-10 MLP forward + backward (no optimiser) at batch 64 <= 0.7x torch.
Run: python bench/bench_autograd.py [--quick] [--threads N]

Every library gets the same number of BLAS / intra-op threads (default 1; NumPy's BLAS
thread count must be fixed before NumPy loads).  The "numpy" column is the same work written
by hand in NumPy, with no autograd at all: its ratio to torch ("floor") is the best any
NumPy-backed autograd could reach on this machine.
"""
import os
import sys
import time

THREADS = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv else "1"
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = THREADS

import numpy as np  # noqa: E402
import torch  # noqa: E402

import torchless as tl  # noqa: E402

torch.set_num_threads(int(THREADS))


def per_call(fn, n):
    fn()
    best = float("inf")
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        best = min(best, (time.perf_counter() - t0) / n)
    return best


def neuron(lib, x, w, b):
    def step():
        w.grad = None
        b.grad = None
        y = lib.sigmoid(lib.mm(x, w) + b)
        y.backward()
    return step


def numpy_neuron(x, w, b):
    def step():
        z = x @ w
        z += b
        y = np.exp(np.negative(z))
        y += 1
        np.reciprocal(y, out=y)
        gz = y * (1 - y)                # dy/dz, with dL/dy = 1
        return x.T @ gz, gz.sum(0, keepdims=True)
    return step


def mlp(lib, x, target, params):
    W1, b1, W2, b2, W3, b3 = params

    def step():
        for p in params:
            p.grad = None
        h = (x @ W1 + b1).relu()
        h = (h @ W2 + b2).relu()
        logp = (h @ W3 + b3).log_softmax(1)
        loss = -logp.gather(1, target).mean()
        loss.backward()
    return step


def numpy_mlp(x, target, params):
    W1, b1, W2, b2, W3, b3 = params
    n = x.shape[0]

    def step():
        z1 = x @ W1 + b1
        h1 = np.maximum(z1, 0)
        z2 = h1 @ W2 + b2
        h2 = np.maximum(z2, 0)
        z3 = h2 @ W3 + b3
        m = z3.max(1, keepdims=True)
        e = np.exp(z3 - m)
        s = e.sum(1, keepdims=True)
        p = e / s
        g3 = p
        g3[np.arange(n), target[:, 0]] -= 1
        g3 /= n
        gW3 = h2.T @ g3
        gb3 = g3.sum(0)
        g2 = (g3 @ W3.T) * (z2 > 0)
        gW2 = h1.T @ g2
        gb2 = g2.sum(0)
        g1 = (g2 @ W2.T) * (z1 > 0)
        gW1 = x.T @ g1
        gb1 = g1.sum(0)
        return gW1, gb1, gW2, gb2, gW3, gb3
    return step


def main():
    quick = "--quick" in sys.argv
    rng = np.random.default_rng(0)
    rows = []

    x, w, b = (rng.standard_normal(s).astype(np.float32) for s in [(1, 5), (5, 1), (1, 1)])
    t_args = (torch.tensor(x), torch.tensor(w, requires_grad=True), torch.tensor(b, requires_grad=True))
    l_args = (tl.tensor(x), tl.tensor(w, requires_grad=True), tl.tensor(b, requires_grad=True))
    n = 2000 if quick else 20000
    rows.append(("tiny neuron fwd+bwd", per_call(neuron(torch, *t_args), n),
                 per_call(neuron(tl, *l_args), n), per_call(numpy_neuron(x, w, b), n), 0.25))

    sizes = [(784, 128), (128,), (128, 64), (64,), (64, 10), (10,)]
    arrs = [(rng.standard_normal(s) * 0.05).astype(np.float32) for s in sizes]
    X = rng.standard_normal((64, 784)).astype(np.float32)
    Y = rng.integers(0, 10, (64, 1))
    tp = [torch.tensor(a, requires_grad=True) for a in arrs]
    lp = [tl.tensor(a, requires_grad=True) for a in arrs]
    n = 200 if quick else 2000
    rows.append(("MLP 784-128-64-10 b64 fwd+bwd", per_call(mlp(torch, torch.tensor(X), torch.tensor(Y), tp), n),
                 per_call(mlp(tl, tl.tensor(X), tl.tensor(Y), lp), n),
                 per_call(numpy_mlp(X, Y, arrs), n), 0.7))

    print(f"{THREADS} thread(s) each")
    print(f"{'case':34} {'torch us':>10} {'torchless us':>13} {'numpy us':>9} {'ratio':>7} "
          f"{'goal':>6} {'floor':>6}")
    for name, t, l, npt, goal in rows:
        print(f"{name:34} {t * 1e6:10.1f} {l * 1e6:13.1f} {npt * 1e6:9.1f} {l / t:7.2f} "
              f"{goal:6.2f} {npt / t:6.2f}  {'ok' if l / t <= goal else 'MISSED'}")


if __name__ == "__main__":
    main()
