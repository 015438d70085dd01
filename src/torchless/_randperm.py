"""randperm as torch's CPU kernel computes it, without its serial swap loop.

torch (RNG.md §2), for n below 214,748,364: start from [0..n-1]; for i = 0..n-2 draw
z = r32 % (n - i) and swap slots i and t_i = i + z.  Slot i is final once step i has run,
because later steps only touch slots >= their own index.  So:

* the value slot i ends with is what slot t_i held just before step i: the value carried
  there by the most recent earlier step j with the same target (t_j == t_i), or t_i itself
  if no earlier step hit that slot;
* the value a step p carries away (what slot p held before step p) is, by the same rule,
  the value carried by the most recent earlier step aimed at p — or p.

forward_shuffle answers both "most recent earlier step aimed at x" questions with a
table swept in blocks (see its docstring): about a dozen NumPy passes over the data and no
global sort (NumPy's int64 sort alone costs ~10x torch's whole randperm here).  The result
equals the swap loop exactly; tests compare it with the loop and with torch.

For n >= 214,748,364 torch switches to the "inside-out" shuffle: for i = 0..n-1,
z = r64 % (i + 1); r[i] = r[z]; r[z] = i.  inside_out solves that one with the same idea,
using one sort (it is only reached for n above 2e8).
"""
from __future__ import annotations

import numpy as np

SMALL_LIMIT = 214748364        # first n that takes the inside-out path


def _group_links(target, n):
    """For steps 0..n-1 with targets `target`: (pred, last).

    pred[i]: the previous step (smaller index) with the same target, or -1.
    last[x]: the largest step index whose target is x, or -1.
    """
    idx = np.arange(n, dtype=np.int64)
    keys = target * n + idx                    # unique, so an unstable sort is fine
    keys.sort()
    ts = keys // n
    js = keys - ts * n
    same = np.empty(n, dtype=bool)
    same[0] = False
    np.equal(ts[1:], ts[:-1], out=same[1:])
    pred = np.full(n, -1, dtype=np.int64)
    pred[js[same]] = js[:-1][same[1:]]
    ends = np.ones(n, dtype=bool)
    ends[:-1] = ~same[1:]
    last = np.full(n, -1, dtype=np.int64)
    last[ts[ends]] = js[ends]
    return pred, last


def _resolve(parent, known):
    """Follow parent links (parent[i] < i, or i itself at a root) to each chain's root,
    then return known[root]."""
    p = parent
    while True:
        q = p[p]
        if np.array_equal(q, p):
            break
        p = q
    return known[p]


def forward_shuffle(z=None, beta=16, min_block=8192, draws=None):
    """The permutation left by swapping i <-> i + z[i] for i = 0..n-2 (n = len(z) + 1).

    Give either z, or the raw r32 draws (then z[i] = draws[i] % (n - i), computed here block
    by block while it is in cache).

    Steps are swept in blocks (each 1/beta of what is left, at least min_block) against a
    table of "last step aimed at each slot so far", so no global sort is needed:

    * pred(i), the latest earlier step aimed at i's target, is a gather from that table,
      corrected by a small sort for the few slots hit twice inside one block;
    * once a block is done, its slots will never be hit again (targets are >= the step),
      so the value each of its steps carries away is known: W(p) = W(last step aimed at p)
      or p itself — a gather, iterated for the rare links inside the block;
    * out[i] = W(pred(i)), or t_i when nothing hit t_i before step i.

    "Nothing yet" is encoded as n + slot, with W[n + x] = x, so both lookups are plain
    gathers.  int32 tables keep the random gathers in cache (n < 2**30 here).
    """
    n = (len(z) if draws is None else len(draws)) + 1
    last = np.arange(n, 2 * n, dtype=np.int32)
    carried = np.empty(2 * n, np.int32)
    carried[n:] = np.arange(n, dtype=np.int32)
    out = np.empty(n, np.int32)
    s = 0
    while s < n:
        e = min(n, s + max(min_block, (n - s) // beta))
        m = min(e, n - 1)                     # the last slot takes a virtual self-swap
        if draws is None:
            zb = z[s:m]
        else:
            zb = draws[s:m].astype(np.uint32)
            zb %= np.arange(n - s, n - m, -1, dtype=np.uint32)
        ti = np.arange(s, e, dtype=np.intp)
        ti[:m - s] += zb
        ii = np.arange(s, e, dtype=np.int32)
        pred = last.take(ti, mode='wrap').astype(np.intp)
        last[ti] = ii                         # in-block duplicates: the last write wins
        repeat = np.flatnonzero(last.take(ti, mode='wrap') != ii)
        if repeat.size:                       # slots hit more than once inside the block
            keys = ti[repeat] * n + (repeat + s)
            keys.sort()
            ks = keys // n
            js = keys - ks * n
            same = np.flatnonzero(ks[1:] == ks[:-1])
            pred[js[same + 1] - s] = js[same]
            ends = np.flatnonzero(np.append(ks[1:] != ks[:-1], True))
            winner = last.take(ks[ends], mode='wrap')
            if (winner <= js[ends]).any():    # NumPy did not apply duplicates in order
                if z is None:
                    z = draws % np.arange(n, 1, -1, dtype=np.uint64)
                return forward_shuffle_sorted(z)
            pred[winner - s] = js[ends]
        prev = last[s:e].astype(np.intp)      # final now: no later step can aim below e
        own = np.flatnonzero(zb == 0)         # a self-swap is its slot's last hit
        if own.size:
            prev[own] = pred[own]
        if e == n:
            prev[-1] = pred[-1]
        w = carried.take(prev, mode='wrap')
        inner = np.flatnonzero((prev >= s) & (prev < n))
        carried[s:e] = w
        if inner.size:                        # chains inside the block: relax to a fixed point
            src = prev[inner]
            dst = inner + s
            cur = w[inner]
            while True:
                nw = carried.take(src, mode='wrap')
                if np.array_equal(nw, cur):
                    break
                carried[dst] = cur = nw
        carried.take(pred, out=out[s:e], mode='wrap')
        s = e
    return out


def forward_shuffle_sorted(z):
    """forward_shuffle via one global sort: slower, but assumes nothing about how NumPy
    orders duplicate writes."""
    n = len(z) + 1
    idx = np.arange(n, dtype=np.int64)
    target = idx.copy()
    target[:-1] += z.astype(np.int64)
    pred, last = _group_links(target, n)
    prev = np.where(target == idx, pred, last)
    carried = _resolve(np.where(prev >= 0, prev, idx), idx)
    return np.where(pred >= 0, carried[np.maximum(pred, 0)], target)


def forward_shuffle_loop(z):
    """Reference: the swap loop itself (for tests)."""
    n = len(z) + 1
    r = list(range(n))
    for i, zi in enumerate(z.tolist()):
        j = i + zi
        r[i], r[j] = r[j], r[i]
    return np.array(r, dtype=np.int64)


def inside_out(z):
    """The permutation of: for i in range(n): r[i] = r[z[i]]; r[z[i]] = i  (z[i] <= i).

    Slot p's final value is the last step aimed at it (any step j with z[j] == p writes j,
    and j >= p), if there is one.  Otherwise it keeps what step p wrote there: p itself when
    z[p] == p, else what slot z[p] held before step p — the latest earlier step aimed at
    z[p], or, failing that, recursively what step z[p] wrote.
    """
    n = len(z)
    idx = np.arange(n, dtype=np.int64)
    z = np.asarray(z, dtype=np.int64)
    pred, last = _group_links(z, n)
    self_step = z == idx
    root = self_step | (pred >= 0)
    known = np.where(self_step, idx, pred)     # the value where it is already determined
    wrote = _resolve(np.where(root, idx, z), known)
    return np.where(last >= 0, last, wrote)


def inside_out_loop(z):
    """Reference: the inside-out loop itself (for tests)."""
    n = len(z)
    r = [0] * n
    for i, zi in enumerate(z.tolist()):
        r[i] = r[zi]
        r[zi] = i
    return np.array(r, dtype=np.int64)


def randperm_array(eng, n, small_limit=SMALL_LIMIT):
    """torch.randperm(n)'s values (an int32 or int64 array), drawing from engine `eng`."""
    if n < 2:
        return np.arange(n, dtype=np.int64)
    if n < small_limit:
        return forward_shuffle(draws=eng.raw(n - 1))
    r = eng.r64(n)
    z = r % np.arange(1, n + 1, dtype=np.uint64)
    return inside_out(z.astype(np.int64))
