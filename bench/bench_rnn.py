"""nn.LSTM / nn.GRU speed against real torch in the same run; ratios printed.

    PYTHONPATH=src python bench/bench_rnn.py [--quick] [--threads N]

LSTM(32, 64) and GRU(32, 64) over 50 steps, batch 16, float32: forward alone (no_grad) and
forward + backward of output.sum().  Each library runs in its own process, single-threaded by
default (torch's OpenMP threads and NumPy's BLAS threads spin-wait and slow each other down
when they share a process or a small machine).
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
THREADS = sys.argv[sys.argv.index("--threads") + 1] if "--threads" in sys.argv else "1"
if LIB == "torch":
    import torch as lib
elif LIB == "torchless":
    import torchless as lib

STEPS, BATCH, IN, HID = 50, 16, 32, 64


def best_ms(fn, number, repeat=5):
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number * 1e3


def time_model(kind):
    lib.manual_seed(0)
    m = getattr(lib.nn, kind)(IN, HID)
    x = lib.tensor(np.random.default_rng(0).standard_normal((STEPS, BATCH, IN))
                   .astype(np.float32))

    def fwd():
        with lib.no_grad():
            m(x)

    def fwd_bwd():
        for p in m.parameters():
            p.grad = None
        m(x)[0].sum().backward()
    n = 3 if QUICK else 10
    return {f"{kind} forward": best_ms(fwd, n), f"{kind} forward+backward": best_ms(fwd_bwd, n)}


def child():
    if THREADS:
        try:
            lib.set_num_threads(int(THREADS))
        except AttributeError:
            pass
    out = {}
    for kind in ("LSTM", "GRU"):
        out.update(time_model(kind))
    return out


def run(which):
    cmd = [sys.executable, __file__, "--lib", which, "--threads", THREADS]
    if QUICK:
        cmd.append("--quick")
    env = dict(os.environ, OMP_NUM_THREADS=THREADS, OPENBLAS_NUM_THREADS=THREADS,
               MKL_NUM_THREADS=THREADS)
    return json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True,
                                     env=env).stdout)


def main():
    if LIB:
        print(json.dumps(child()))
        return
    t, tl = run("torch"), run("torchless")
    print(f"{STEPS} steps, batch {BATCH}, input {IN}, hidden {HID}, float32, "
          f"{THREADS} thread(s)")
    print(f"{'':28s}{'torch ms':>10s}{'torchless ms':>14s}{'ratio':>8s}")
    for k in t:
        print(f"{k:28s}{t[k]:10.3f}{tl[k]:14.3f}{tl[k] / t[k]:8.1f}x")


if __name__ == "__main__":
    main()
