"""Core speed goals, measured against real torch (and NumPy) in the same run; ratios printed.

    PYTHONPATH=src python bench/bench_core.py [--quick]

(a) start-up: ``import torchless`` vs ``import torch``; the seed notebook as a whole process
    (time and peak RSS) under ``torchless run`` vs the same runner with real torch.
    Goals: import <= 0.2 s, whole process <= 0.12x torch, peak RSS <= 0.2x torch.
(b) per call on tiny float32 tensors (1x5 and 64x10): torch us, torchless us, ratio (goal <= 0.6).
(c) large: 10M-element add/exp/sum and a 2048x2048 matmul against NumPy itself
    (goal: time ratio <= 1.11, i.e. at least 0.9x NumPy's speed).
An op that torchless lacks prints n/a instead of failing the run.
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
CLI = SRC / "torchless" / "cli.py"
SEED = Path(os.environ.get("TORCHLESS_SEED_NOTEBOOK", "/work/shared/seed/tensors.ipynb"))
QUICK = "--quick" in sys.argv

sys.path.insert(0, str(SRC))
ENV = dict(os.environ, PYTHONPATH=str(SRC) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def fmt_ratio(r, goal, less=True):
    if r is None:
        return "n/a"
    ok = r <= goal if less else r >= goal
    return f"{r:6.3f}  {'ok' if ok else 'MISSED'} (goal {'<=' if less else '>='} {goal})"


# ---------------------------------------------------------------- (a) start-up
def child_stats(cmd):
    """(seconds, peak RSS in MiB, return code) of cmd, measured by a wrapper process whose
    RUSAGE_CHILDREN holds only that one child."""
    wrapper = ("import resource, subprocess, sys, time\n"
               "t = time.perf_counter()\n"
               "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
               "dt = time.perf_counter() - t\n"
               "print(dt, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode)\n")
    out = subprocess.run([sys.executable, "-c", wrapper, *cmd], capture_output=True, text=True,
                         env=ENV).stdout.split()
    return (float(out[0]), int(out[1]) / 1024, int(out[2])) if len(out) == 3 else (0.0, 0.0, 1)


def import_time(module):
    """Median seconds of ``import module`` in a fresh interpreter (None when it fails)."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    runs = []
    for _ in range(3 if QUICK else 7):
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=ENV)
        if r.returncode:
            return None
        runs.append(float(r.stdout))
    return statistics.median(runs)


def import_breakdown(module, top=6):
    """The modules whose own import time is largest (python -X importtime)."""
    err = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                         capture_output=True, text=True, env=ENV).stderr
    rows = []
    for line in err.splitlines():
        if line.startswith("import time:") and "|" in line and "self" not in line:
            self_us, cum_us, name = [p.strip() for p in line[len("import time:"):].split("|")]
            rows.append((int(self_us), int(cum_us), name.strip()))
    rows.sort(reverse=True)
    return rows[:top]


def startup():
    print("(a) start-up")
    t_tl, t_torch = import_time("torchless"), import_time("torch")
    if t_tl is None or t_torch is None:
        print("  import: n/a (import failed)")
        return
    print(f"  import torchless {t_tl:.3f} s   import torch {t_torch:.3f} s   "
          f"goal <= 0.2 s: {'ok' if t_tl <= 0.2 else 'MISSED'}")
    print("  largest own import times under torchless:",
          ", ".join(f"{n} {s / 1000:.1f} ms" for s, _, n in import_breakdown("torchless")))
    if not SEED.exists():
        print("  seed notebook not found: n/a")
        return
    n = 3 if QUICK else 5
    ours = [child_stats([sys.executable, str(CLI), "run", "--numpy-seed", "0", str(SEED)]) for _ in range(n)]
    real = [child_stats([sys.executable, str(CLI), "run", "--real-torch", "--numpy-seed", "0", str(SEED)])
            for _ in range(n)]
    if any(r[2] for r in ours) or any(r[2] for r in real):
        print(f"  seed notebook failed (exit {ours[0][2]} / {real[0][2]}): n/a")
        return
    t1, t2 = statistics.median(r[0] for r in ours), statistics.median(r[0] for r in real)
    m1, m2 = max(r[1] for r in ours), max(r[1] for r in real)
    print(f"  seed notebook, whole process: torchless {t1:.3f} s, torch {t2:.3f} s, "
          f"ratio {fmt_ratio(t1 / t2, 0.12)}")
    print(f"  seed notebook, peak RSS:      torchless {m1:.0f} MiB, torch {m2:.0f} MiB, "
          f"ratio {fmt_ratio(m1 / m2, 0.2)}")


# ---------------------------------------------------------------- (b) per call
def per_call_us(stmt, env, number):
    try:
        eval(compile(stmt, "<bench>", "eval"), env)
    except Exception:  # noqa: BLE001  (an op torchless lacks: reported as n/a)
        return None
    t = timeit.Timer(stmt, globals=env)
    return min(t.repeat(repeat=5, number=number)) / number * 1e6


def tiny():
    import numpy as np
    import torch
    import torchless
    print("(b) per call, float32 (us): torch / torchless / ratio (goal <= 0.6)")
    rng = np.random.default_rng(0)
    ops = [("add", "x + y"), ("mul", "x * y"), ("exp", "L.exp(x)"), ("sigmoid", "L.sigmoid(x)"),
           ("sum", "x.sum()"), ("mm", "L.mm(x, w)"), ("view", "x.view(-1)"), ("x[0]", "x[0]")]
    number = 2000 if QUICK else 20000
    for shape in [(1, 5), (64, 10)]:
        a = rng.standard_normal(shape).astype(np.float32)
        b = rng.standard_normal(shape).astype(np.float32)
        wt = np.ascontiguousarray(a.T)
        envs = {"torch": {"x": torch.from_numpy(a.copy()), "y": torch.from_numpy(b.copy()),
                          "w": torch.from_numpy(wt.copy()), "L": torch},
                "torchless": {"x": torchless.from_numpy(a.copy()), "y": torchless.from_numpy(b.copy()),
                              "w": torchless.from_numpy(wt.copy()), "L": torchless}}
        for name, stmt in ops:
            t1 = per_call_us(stmt, envs["torch"], number)
            t2 = per_call_us(stmt, envs["torchless"], number)
            label = f"{name} {shape[0]}x{shape[1]}" + (f" @ {shape[1]}x{shape[0]}" if name == "mm" else "")
            if t1 is None or t2 is None:
                print(f"  {label:22s} n/a")
                continue
            print(f"  {label:22s} {t1:7.2f} {t2:7.2f}   {fmt_ratio(t2 / t1, 0.6)}")


# ---------------------------------------------------------------- (c) large
def best_of(fn, repeat):
    try:
        fn()
    except Exception:  # noqa: BLE001
        return None
    return min(timeit.repeat(fn, number=1, repeat=repeat))


def large():
    import numpy as np
    import torchless
    print("(c) large, time ratio torchless / NumPy (goal <= 1.11)")
    rng = np.random.default_rng(0)
    n = 10_000_000
    a = rng.standard_normal(n).astype(np.float32)
    b = rng.standard_normal(n).astype(np.float32)
    x, y = torchless.from_numpy(a), torchless.from_numpy(b)
    m1 = rng.standard_normal((2048, 2048)).astype(np.float32)
    m2 = rng.standard_normal((2048, 2048)).astype(np.float32)
    p, q = torchless.from_numpy(m1), torchless.from_numpy(m2)
    rep = 3 if QUICK else 7
    cases = [("add 10M", lambda: a + b, lambda: x + y),
             ("exp 10M", lambda: np.exp(a), lambda: torchless.exp(x)),
             ("sum 10M", lambda: a.sum(), lambda: x.sum()),
             ("matmul 2048^2", lambda: m1 @ m2, lambda: p @ q)]
    for name, f_np, f_tl in cases:
        t1, t2 = best_of(f_np, rep), best_of(f_tl, rep)
        if t2 is None:
            print(f"  {name:14s} n/a")
            continue
        print(f"  {name:14s} NumPy {t1 * 1e3:8.2f} ms  torchless {t2 * 1e3:8.2f} ms   "
              f"{fmt_ratio(t2 / t1, 1.11)}")


if __name__ == "__main__":
    startup()
    try:
        import torchless  # noqa: F401
    except Exception as e:  # noqa: BLE001  (a broken checkout still gets a report)
        print(f"(b), (c): n/a, import torchless failed: {type(e).__name__}: {e}")
    else:
        tiny()
        large()
