"""Convolution and pooling speed against real torch in the same run; ratios printed.

    PYTHONPATH=src python bench/bench_conv.py [--quick] [--threads N]

(a) the blitz tutorial's LeNet / CIFAR-10 net (conv 3->6 5x5, maxpool 2, conv 6->16 5x5,
    maxpool 2, three Linear layers) on a 4x3x32x32 batch: forward, and forward + backward +
    SGD step;  goal: within a few x of torch.
(b) the single layers on that batch: conv2d forward, conv2d forward + backward, max_pool2d
    forward + backward, avg_pool2d forward + backward.
(c) a larger batch (64x3x32x32) LeNet forward + backward.

Each library is timed in its own process (torch's OpenMP threads and NumPy's BLAS threads
spin-wait and slow each other down when they share one), single-threaded by default.
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
    import torch.nn.functional as F
elif LIB == "torchless":
    import torchless as lib
    import torchless.nn.functional as F


def best_us(fn, number, repeat=5):
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e6


def lenet():
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 6, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = self.pool(F.relu(self.conv1(x)))
            x = self.pool(F.relu(self.conv2(x)))
            x = lib.flatten(x, 1)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    lib.manual_seed(0)
    return Net()


def measure():
    n = 20 if QUICK else 200
    rng = np.random.default_rng(0)
    res = {}
    for batch in (4, 64):
        x = lib.tensor(rng.standard_normal((batch, 3, 32, 32)).astype(np.float32))
        y = lib.tensor(rng.integers(0, 10, batch))
        net = lenet()
        opt = lib.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
        crit = lib.nn.CrossEntropyLoss()

        def step():
            opt.zero_grad()
            crit(net(x), y).backward()
            opt.step()

        def fwd():
            with lib.no_grad():
                net(x)
        k = n if batch == 4 else max(n // 10, 2)
        res[f"LeNet forward, batch {batch}"] = best_us(fwd, k)
        res[f"LeNet fwd+bwd+SGD step, batch {batch}"] = best_us(step, k)
    x = lib.tensor(rng.standard_normal((4, 3, 32, 32)).astype(np.float32), requires_grad=True)
    w = lib.tensor(rng.standard_normal((6, 3, 5, 5)).astype(np.float32), requires_grad=True)
    b = lib.tensor(rng.standard_normal(6).astype(np.float32), requires_grad=True)
    with lib.no_grad():
        res["conv2d 4x3x32x32 * 6x3x5x5, forward"] = best_us(lambda: F.conv2d(x, w, b), n)
    res["conv2d 4x3x32x32 * 6x3x5x5, fwd+bwd"] = best_us(
        lambda: F.conv2d(x, w, b).sum().backward(), n)
    h = lib.tensor(rng.standard_normal((4, 6, 28, 28)).astype(np.float32), requires_grad=True)
    res["max_pool2d(2) 4x6x28x28, fwd+bwd"] = best_us(lambda: F.max_pool2d(h, 2).sum().backward(), n)
    res["avg_pool2d(2) 4x6x28x28, fwd+bwd"] = best_us(lambda: F.avg_pool2d(h, 2).sum().backward(), n)
    return res


THREADS = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv else "1"


def run(which):
    cmd = [sys.executable, __file__, "--lib", which] + [a for a in sys.argv[1:]]
    env = dict(os.environ, OMP_NUM_THREADS=THREADS, OPENBLAS_NUM_THREADS=THREADS,
               MKL_NUM_THREADS=THREADS)
    return json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True,
                                     env=env).stdout)


def main():
    if LIB:
        print(json.dumps(measure()))
        return
    t, tl_ = run("torch"), run("torchless")
    print(f"{'case':44s} {'torch us':>10s} {'torchless us':>13s} {'ratio':>7s}")
    for k in t:
        print(f"{k:44s} {t[k]:10.1f} {tl_[k]:13.1f} {tl_[k] / t[k]:7.2f}")


if __name__ == "__main__":
    main()
