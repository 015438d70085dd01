"""randperm as torch's CPU kernel computes it, without its serial swap loop.

torch (RNG.md §2), for n below 214,748,364: start from [0..n-1]; for i = 0..n-2 draw
z = r32 % (n - i) and swap slots i and t_i = i + z.  Slot i is final once step i has run,
because later steps only touch slots >= their own index.  So:

* the value slot i ends with is what slot t_i held just before step i: the value carried
  there by the most recent earlier step j with the same target (t_j == t_i), or t_i itself
  if no earlier step hit that slot;
* the value a step i carries away (what slot i held before step i) is, by the same rule,
  the value carried by the most recent earlier step whose target was i — or i.

Both "most recent earlier step with target x" lookups come from one sort of the steps by
(target, index); the carried values follow chains of strictly decreasing step indices,
which pointer jumping resolves in O(log depth) gathers.  Everything is NumPy; the result
equals the swap loop exactly (tests compare both, and torch).

For n >= 214,748,364 torch switches to the "inside-out" shuffle: for i = 0..n-1,
z = r64 % (i + 1); r[i] = r[z]; r[z] = i.  The same idea applies (see _inside_out).
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


def forward_shuffle(z):
    """The permutation left by swapping i <-> i + z[i] for i = 0..n-2 (n = len(z) + 1)."""
    n = len(z) + 1
    idx = np.arange(n, dtype=np.int64)
    target = idx.copy()
    target[:-1] += z                          # the last slot takes a virtual self-swap
    pred, last = _group_links(target, n)
    # step k carries away what slot k held: the value brought by the latest earlier step
    # aimed at k.  If step k is itself aimed at k (z = 0) that is its group predecessor.
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
    """torch.randperm(n)'s values as an int64 array, drawing from engine `eng`."""
    if n < 2:
        return np.arange(n, dtype=np.int64)
    if n < small_limit:
        r = eng.r32(n - 1)
        z = r % np.arange(n, 1, -1, dtype=np.uint32)
        return forward_shuffle(z.astype(np.int64))
    r = eng.r64(n)
    z = r % np.arange(1, n + 1, dtype=np.uint64)
    return inside_out(z.astype(np.int64))
