"""Random-number speed against real torch in the same process, and a long bit-exactness stress run.

    PYTHONPATH=src python bench/bench_random.py [--quick] [--stress]

Speed: best-of-N wall time of each call for torch (one thread, as its samplers are serial)
and torchless, and the ratio torchless/torch.  Goals: rand and randint of 1M elements
<= 3x torch, float32 randn of 1M <= 20x, randperm(1M) <= 5x.
--stress: 3 seeds x 4 (mean, std) x 2 dtypes x 2,000,007-element normal_, plus large rand,
uniform_, randint, randperm, bernoulli_ and exponential_ calls, all compared bit for bit with
torch together with the generator state after each call.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import torch  # noqa: E402  (the oracle)

import torchless._dtype as D  # noqa: E402
import torchless._random as R  # noqa: E402
from torchless._tensor import _wrap  # noqa: E402

QUICK = "--quick" in sys.argv
N = 1_000_000
torch.set_num_threads(1)


def best(fn, reps):
    fn()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def tl_empty(n, d):
    return _wrap(np.empty(n, d.np), d)


CASES = [
    # name, torch call, torchless call, goal (max ratio) or None
    ("rand(1M) float32", lambda: torch.rand(N), lambda: R.rand(N), 3),
    ("rand(1M) float64", lambda: torch.rand(N, dtype=torch.float64),
     lambda: R.rand(N, dtype=D.float64), None),
    ("randint(0,100,(1M,))", lambda: torch.randint(0, 100, (N,)), lambda: R.randint(0, 100, (N,)), 3),
    ("randn(1M) float32", lambda: torch.randn(N), lambda: R.randn(N), 20),
    ("randn(1M) float64", lambda: torch.randn(N, dtype=torch.float64),
     lambda: R.randn(N, dtype=D.float64), None),
    ("randperm(1M)", lambda: torch.randperm(N), lambda: R.randperm(N), 5),
    ("uniform_(-1,1) 1M", lambda: torch.empty(N).uniform_(-1, 1),
     lambda: tl_empty(N, D.float32).uniform_(-1, 1), None),
    ("normal_(2,3) 1M f32", lambda: torch.empty(N).normal_(2, 3),
     lambda: tl_empty(N, D.float32).normal_(2, 3), None),
    ("bernoulli_(0.3) 1M", lambda: torch.empty(N).bernoulli_(0.3),
     lambda: tl_empty(N, D.float32).bernoulli_(0.3), None),
    ("exponential_() 1M", lambda: torch.empty(N).exponential_(),
     lambda: tl_empty(N, D.float32).exponential_(), None),
    ("randn(1000,1000).t().normal_", lambda: torch.empty(1000, 1000).t().normal_(),
     lambda: _wrap(np.empty((1000, 1000), np.float32).T).normal_(), None),
    ("multinomial(1000 cats, 100)", lambda: torch.multinomial(torch.ones(1000), 100),
     lambda: R.multinomial(_wrap(np.ones(1000, np.float32)), 100), None),
    ("randn(3)", lambda: torch.randn(3), lambda: R.randn(3), None),
    ("rand(3)", lambda: torch.rand(3), lambda: R.rand(3), None),
    ("manual_seed", lambda: torch.manual_seed(1), lambda: R.manual_seed(1), None),
]


def speed():
    reps = 3 if QUICK else 25
    print(f"{'call':32s} {'torch ms':>10s} {'torchless ms':>13s} {'ratio':>7s}")
    for name, tf, lf, goal in CASES:
        a, b = best(tf, reps), best(lf, reps)
        verdict = "" if goal is None else ("ok" if b / a <= goal else "MISSED") + f" (goal <= {goal})"
        print(f"{name:32s} {a * 1e3:10.3f} {b * 1e3:13.3f} {b / a:7.1f}  {verdict}")


def same(a, b):
    a = a.numpy() if isinstance(a, torch.Tensor) else a
    b = b._a if hasattr(b, "_a") else b
    if a.dtype != b.dtype or a.shape != b.shape:
        return False
    if a.dtype.kind == "f":
        a, b = a.view(f"u{a.itemsize}"), b.view(f"u{b.itemsize}")
    return bool(np.array_equal(a, b))


def stress():
    n = 2_000_007
    total = bad = 0
    t0 = time.perf_counter()
    dts = [(torch.float32, D.float32), (torch.float64, D.float64)]
    for seed in (0, 1, 123456789):
        torch.manual_seed(seed)
        R.manual_seed(seed)
        runs = []
        for td, ld in dts:
            for mean, std in ((0.0, 1.0), (2.5, 0.5), (-1e3, 1e-2), (1e-3, 7.0)):
                runs.append((f"normal_({mean},{std}) {td}",
                             lambda td=td, m=mean, s=std: torch.empty(n, dtype=td).normal_(m, s),
                             lambda ld=ld, m=mean, s=std: tl_empty(n, ld).normal_(m, s)))
            runs.append((f"rand {td}", lambda td=td: torch.rand(n, dtype=td),
                         lambda ld=ld: R.rand(n, dtype=ld)))
            runs.append((f"uniform_ {td}", lambda td=td: torch.empty(n, dtype=td).uniform_(-3.3, 0.1),
                         lambda ld=ld: tl_empty(n, ld).uniform_(-3.3, 0.1)))
            runs.append((f"bernoulli_ {td}", lambda td=td: torch.empty(n, dtype=td).bernoulli_(0.37),
                         lambda ld=ld: tl_empty(n, ld).bernoulli_(0.37)))
            runs.append((f"exponential_ {td}", lambda td=td: torch.empty(n, dtype=td).exponential_(2.0),
                         lambda ld=ld: tl_empty(n, ld).exponential_(2.0)))
        runs.append(("randint", lambda: torch.randint(-7, 2**30, (n,)), lambda: R.randint(-7, 2**30, (n,))))
        runs.append(("randperm", lambda: torch.randperm(n), lambda: R.randperm(n)))
        for name, tf, lf in runs:
            ok = same(tf(), lf()) and same(torch.get_rng_state(), R.get_rng_state())
            total += n
            if not ok:
                bad += 1
                print(f"  MISMATCH seed={seed} {name}")
    print(f"stress: {total / 1e6:.1f}M elements, {bad} mismatching calls, "
          f"{time.perf_counter() - t0:.0f} s")


if __name__ == "__main__":
    speed()
    if "--stress" in sys.argv:
        stress()
