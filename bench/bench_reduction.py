"""Reductions, scans and sorting: torchless against torch (and NumPy for the big ones).

Run: PYTHONPATH=src python bench/bench_reduction.py [--quick]
Prints microseconds per call and the ratio torchless / torch (below 1: torchless is faster).
"""
import sys
import timeit

import numpy as np
import torch

import torchless as tl

QUICK = "--quick" in sys.argv


def best(fn, number):
    return min(timeit.repeat(fn, number=number, repeat=3 if QUICK else 5)) / number * 1e6


def row(label, t_tl, t_torch, extra=""):
    print(f"{label:34s} {t_torch:10.2f} {t_tl:10.2f} {t_tl / t_torch:7.2f}  {extra}")


OPS = [
    ("x.sum()", lambda m, x: x.sum()),
    ("x.sum(1)", lambda m, x: x.sum(1)),
    ("x.mean()", lambda m, x: x.mean()),
    ("x.max()", lambda m, x: x.max()),
    ("x.max(1)", lambda m, x: x.max(1)),
    ("x.argmax()", lambda m, x: x.argmax()),
    ("x.amax(1)", lambda m, x: x.amax(1)),
    ("x.std()", lambda m, x: x.std()),
    ("x.norm()", lambda m, x: x.norm()),
    ("x.logsumexp(1)", lambda m, x: x.logsumexp(1)),
    ("x.cumsum(1)", lambda m, x: x.cumsum(1)),
    ("x.sort()", lambda m, x: x.sort()),
    ("x.topk(3)", lambda m, x: x.topk(3)),
    ("x.median()", lambda m, x: x.median()),
    ("x.all()", lambda m, x: x.all()),
]


def main():
    rng = np.random.default_rng(0)
    print(f"{'op (shape)':34s} {'torch us':>10s} {'ours us':>10s} {'ratio':>7s}")
    for shape, number in (((1, 5), 20000), ((64, 10), 10000), ((1000, 1000), 10)):
        if QUICK:
            number = max(number // 10, 3)
        a = rng.standard_normal(shape).astype(np.float32)
        x, tx = tl.tensor(a), torch.tensor(a)
        for label, f in OPS:
            if shape[0] == 1000 and label == "x.sort()" and QUICK:
                continue
            t1 = best(lambda: f(tl, x), number)
            t2 = best(lambda: f(torch, tx), number)
            row(f"{label} {shape}", t1, t2)
    # ties: integer data, where the exact tie order of torch's unstable sort is re-enacted
    a = rng.integers(0, 10, size=(100, 1000))
    x, tx = tl.tensor(a), torch.tensor(a)
    for label, f in (("int ties x.sort()", lambda m, x: x.sort()),
                     ("int ties x.topk(500, sorted=False)", lambda m, x: x.topk(500, sorted=False)),
                     ("int ties x.mode()", lambda m, x: x.mode())):
        row(f"{label} (100, 1000)", best(lambda: f(tl, x), 3), best(lambda: f(torch, tx), 3))
    # large: against NumPy doing the same directly (the target is NumPy speed)
    n = 10_000_000 if not QUICK else 2_000_000
    a = rng.standard_normal(n).astype(np.float32)
    x, tx = tl.tensor(a), torch.tensor(a)
    print(f"\n{'op (10M float32)':34s} {'torch us':>10s} {'ours us':>10s} {'ratio':>7s}"
          "    numpy us  numpy/ours")
    for label, f, g in (("x.sum()", lambda m, x: x.sum(), lambda: np.add.reduce(a)),
                        ("x.mean()", lambda m, x: x.mean(), lambda: np.add.reduce(a) / a.size),
                        ("x.max()", lambda m, x: x.max(), lambda: np.maximum.reduce(a)),
                        ("x.argmax()", lambda m, x: x.argmax(), lambda: np.argmax(a)),
                        ("x.norm()", lambda m, x: x.norm(), lambda: np.sqrt(np.dot(a, a)))):
        t1, t2, t3 = best(lambda: f(tl, x), 5), best(lambda: f(torch, tx), 5), best(g, 5)
        row(label, t1, t2, f"{t3:10.2f} {t3 / t1:5.2f}")


if __name__ == "__main__":
    main()
