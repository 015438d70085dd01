"""Views, shape ops and indexing: torch vs torchless per-call time (same process), with ratios.

Run: PYTHONPATH=src python bench/bench_shape.py [--quick]
A ratio below 1 means torchless is faster than torch.
"""
import sys
import timeit

import numpy as np
import torch

import torchless as tl


def bench(stmt, env, number):
    t = timeit.Timer(stmt, globals=env)
    return min(t.repeat(repeat=5, number=number)) / number * 1e6


def main():
    quick = "--quick" in sys.argv
    rng = np.random.default_rng(0)
    data = {
        "x": rng.standard_normal((1, 5)).astype(np.float32),
        "y": rng.standard_normal((64, 10)).astype(np.float32),
        "big": rng.standard_normal((1000, 1000)).astype(np.float32),
    }
    envs = {}
    for name, lib in (("torch", torch), ("torchless", tl)):
        env = {k: lib.from_numpy(v.copy()) for k, v in data.items()}
        env["lib"] = lib
        env["idx"] = lib.tensor([0, 3, 5, 7])
        env["bidx"] = lib.from_numpy(rng.integers(0, 1000, 100_000))
        env["gi"] = lib.zeros(64, 2, dtype=lib.int64)
        env["mask"] = env["y"] > 0
        env["bmask"] = env["big"] > 0
        envs[name] = env
    tiny = [
        "x.view(5, 1)", "x[0]", "x[:, 1:3]", "x.reshape(5)", "x.t()", "x.unsqueeze(0)",
        "x.squeeze()", "x.transpose(0, 1)", "x.permute(1, 0)", "x.expand(3, 5)", "x.flatten()",
        "x[0, 1]", "y[3]", "y[:, 2]", "y[None]", "y[..., 1:]", "y[[0, 1]]", "y[idx]", "y[mask]",
        "lib.cat([x, x])", "lib.stack([x, x])", "y.chunk(2)", "y.split(16)", "x.select(1, 2)",
        "x.narrow(1, 0, 2)", "x.flip(0)", "y.index_select(0, idx)", "y.gather(1, gi)",
        "y.masked_fill(mask, 0.0)", "y.nonzero()", "list(y[:8])",
        "x.__setitem__(0, 1.0)", "y.__setitem__((slice(None), 1), 2.0)", "y.__setitem__(idx, 0.0)",
    ]
    large = [
        "big.view(1000000)", "big.t().reshape(1000000)", "big[::2, ::2]", "big[bidx]",
        "big[:, bidx[:1000]]", "big[bmask]", "lib.cat([big, big])", "lib.stack([big, big], 2)",
        "big.flip(0)", "big.roll(3, 1)", "big.repeat(2, 1)", "big.index_select(1, bidx[:1000])",
        "big.masked_fill(bmask, 0.0)", "big.__setitem__(bmask, 0.0)",
    ]
    print(f"{'op':42s} {'torch us':>10s} {'torchless us':>13s} {'ratio':>7s}")
    for group, stmts, number in (("tiny", tiny, 2000 if quick else 20000),
                                 ("large", large, 3 if quick else 10)):
        print(f"-- {group}")
        for s in stmts:
            tt = bench(s, envs["torch"], number)
            tlt = bench(s, envs["torchless"], number)
            print(f"{s:42s} {tt:10.2f} {tlt:13.2f} {tlt / tt:7.2f}")


if __name__ == "__main__":
    main()
