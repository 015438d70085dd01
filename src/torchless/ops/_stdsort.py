"""Where torch's CPU sort, topk and kthvalue put equal elements.

Without ties every correct algorithm gives the same answer and NumPy's fast sorts are used.
With ties the order of equal elements depends on the algorithm, and torch's CPU kernels use
unstable ones: an introsort (median-of-three quicksort, insertion sort below 17 elements,
heapsort past a depth limit of 2*floor(log2(n))) for sort(stable=False); an introselect, or a
heap selection for small k, for topk; and a Numerical-Recipes style quickselect for kthvalue.
These functions re-enact those algorithms (behaviour observed against torch; our own code),
so ties land exactly where torch puts them.

Keys: ``K`` is a C-contiguous array of shape (rows, n), changed in place, compared with ``<``:
usually int64 ranks of the values (NaN highest; reversed for descending order), or raw values
where torch compares them NaN-unaware (mode).  ``P``, the original indices, travels with the
keys.  The quicksort and quickselect steps run on many segments at once.
"""
from __future__ import annotations

import numpy as np

_THRESHOLD = 16      # introsort leaves segments this short to the final insertion sort


def ranks(values, descending=False):
    """int64 keys ordering ``values`` like torch's comparator: NaN last (first when descending),
    equal values (including 0.0 and -0.0, and all NaNs) equal keys."""
    _, inv = np.unique(values.reshape(-1), return_inverse=True)
    inv = inv.reshape(values.shape).astype(np.int64, copy=False)
    return inv.max(initial=0) - inv if descending else inv


def _lg(n):
    return int(n).bit_length() - 1


# ---------------------------------------------------------------- partition (many segments)
def _swap(K, P, i, j):
    K[i], K[j] = K[j], K[i]
    P[i], P[j] = P[j], P[i]


def _partition(K, P, lo, hi):
    """One quicksort step on each flat segment [lo, hi) (len > 3) of the 1-D K/P: move the
    median of (lo+1, middle, hi-1) to lo, then partition [lo+1, hi) around it with the two
    converging scans; returns each segment's cut."""
    a, b, c = lo + 1, lo + (hi - lo) // 2, hi - 1
    ka, kb, kc = K[a], K[b], K[c]
    ab, bc, ac = ka < kb, kb < kc, ka < kc
    med = np.where(ab, np.where(bc, b, np.where(ac, c, a)), np.where(ac, a, np.where(bc, c, b)))
    _swap(K, P, lo, med)
    # Left scan stops on keys >= pivot, right scan on keys <= pivot (the pivot at lo stops it).
    # Swapped pairs are the t-th stop from the left with the t-th from the right while the
    # former lies left of the latter; the cut is where the scans cross.
    nseg = lo.size
    lens = hi - lo
    starts = np.cumsum(lens) - lens             # where each segment begins in ``pos``
    seg = np.repeat(np.arange(nseg), lens)
    pos = np.arange(seg.size) + np.repeat(lo - starts, lens)
    kv, pv = K[pos], np.repeat(K[lo], lens)
    # "not less" rather than ">=": keys may be raw floats compared the NaN-unaware C++ way
    left = ~(kv < pv)
    left[starts] = False                        # the left scan starts after the pivot
    right = ~(pv < kv)
    lpos, lseg = pos[left], seg[left]
    rpos, rseg = pos[right], seg[right]
    nl = np.bincount(lseg, minlength=nseg)
    nr = np.bincount(rseg, minlength=nseg)
    l0 = np.cumsum(nl) - nl
    r_end = np.cumsum(nr) - 1   # segment s's t-th stop from the right is rpos[r_end[s] - t]
    lrank = np.arange(lpos.size) - l0[lseg]
    has = lrank < nr[lseg]
    partner = rpos[np.where(has, r_end[lseg] - lrank, 0)]
    cross = has & (lpos < partner)
    t = np.bincount(lseg[cross], minlength=nseg)
    ls, rs = lpos[cross], partner[cross]
    K[ls], K[rs] = K[rs], K[ls]
    P[ls], P[rs] = P[rs], P[ls]
    big = np.iinfo(np.int64).max
    lt = np.where(t < nl, lpos[np.minimum(l0 + t, lpos.size - 1)], big) if lpos.size else big
    rt = np.where(t > 0, rpos[np.where(t > 0, r_end - t + 1, 0)], big)
    return np.minimum(lt, rt)


# ---------------------------------------------------------------- heap (one segment)
def _adjust_heap(k, p, first, hole, length, vk, vp):
    top = hole
    child = hole
    while child < (length - 1) // 2:
        child = 2 * (child + 1)
        if k[first + child] < k[first + child - 1]:
            child -= 1
        k[first + hole], p[first + hole] = k[first + child], p[first + child]
        hole = child
    if length % 2 == 0 and child == (length - 2) // 2:
        child = 2 * (child + 1)
        k[first + hole], p[first + hole] = k[first + child - 1], p[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and k[first + parent] < vk:
        k[first + hole], p[first + hole] = k[first + parent], p[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    k[first + hole], p[first + hole] = vk, vp


def _make_heap(k, p, first, last):
    n = last - first
    if n < 2:
        return
    for parent in range((n - 2) // 2, -1, -1):
        _adjust_heap(k, p, first, parent, n, k[first + parent], p[first + parent])


def _pop_heap(k, p, first, last, result):
    vk, vp = k[result], p[result]
    k[result], p[result] = k[first], p[first]
    _adjust_heap(k, p, first, 0, last - first, vk, vp)


def _sort_heap(k, p, first, last):
    while last - first > 1:
        last -= 1
        _pop_heap(k, p, first, last, last)


def _heap_select(k, p, first, middle, last, keys=None):
    """Keep the (middle - first) smallest of [first, last) in a max-heap at [first, middle).
    ``keys`` (the NumPy row) lets a chunked pre-filter skip elements that cannot enter."""
    _make_heap(k, p, first, middle)
    i, step = middle, max(middle - first, 64)
    while i < last:
        end = min(i + step, last)
        if keys is None:
            cand = range(i, end)
        else:       # only elements below the current top can enter; the top only decreases
            cand = (np.flatnonzero(keys[i:end] < k[first]) + i).tolist()
        for j in cand:
            if k[j] < k[first]:
                _pop_heap(k, p, first, middle, j)
        i, step = end, step * 2


def _heap_sort_segment(K, P, first, last):
    """std::partial_sort(first, last, last): heapsort of one flat segment."""
    k, p = K[first:last].tolist(), P[first:last].tolist()
    _make_heap(k, p, 0, len(k))
    _sort_heap(k, p, 0, len(k))
    K[first:last], P[first:last] = k, p


# ---------------------------------------------------------------- the algorithms, per row
def _stable_segments(K, P, lo, hi):
    """Stable sort of each flat segment (what insertion sort does to it)."""
    lens = hi - lo
    if not lens.size or lens.max(initial=0) < 2:
        return
    seg = np.repeat(np.arange(lo.size), lens)
    pos = lo[seg] + (np.arange(seg.size) - (np.cumsum(lens) - lens)[seg])
    order = np.lexsort((pos, K[pos], seg))
    K[pos], P[pos] = K[pos[order]], P[pos[order]]


def introsort(K, P):
    """std::sort of every row of K (in place), carrying P along."""
    rows, n = K.shape
    if n < 2:
        return
    Kf, Pf = K.reshape(-1), P.reshape(-1)
    lo = np.arange(rows, dtype=np.int64) * n
    hi = lo + n
    depth = 2 * _lg(n)
    while True:
        keep = hi - lo > _THRESHOLD
        lo, hi = lo[keep], hi[keep]
        if not lo.size:
            break
        if depth == 0:
            for f, l in zip(lo.tolist(), hi.tolist()):
                _heap_sort_segment(Kf, Pf, f, l)
            break
        depth -= 1
        cut = _partition(Kf, Pf, lo, hi)
        lo, hi = np.concatenate([cut, lo]), np.concatenate([hi, cut])
    # The final insertion sort is stable for keys with a total order.  Raw float keys with NaN
    # (compared false both ways) are re-enacted step by step on the rows that have NaN.
    nan = np.isnan(K).any(1) if K.dtype.kind == "f" else np.zeros(rows, bool)
    order = np.argsort(K, axis=1, kind="stable")
    K[~nan] = np.take_along_axis(K[~nan], order[~nan], 1)
    P[~nan] = np.take_along_axis(P[~nan], order[~nan], 1)
    for r in np.flatnonzero(nan).tolist():
        k, p = K[r].tolist(), P[r].tolist()
        _insertion_sort(k, p, 0, min(n, _THRESHOLD))
        for i in range(_THRESHOLD, n):
            _linear_insert(k, p, i)
        K[r], P[r] = k, p


def _linear_insert(k, p, i):
    """Move k[i] left past the elements it is less than."""
    v, vp = k[i], p[i]
    j = i - 1
    while j >= 0 and v < k[j]:
        k[j + 1], p[j + 1] = k[j], p[j]
        j -= 1
    k[j + 1], p[j + 1] = v, vp


def _insertion_sort(k, p, first, last):
    """Insertion sort of [first, last); an element less than the first jumps to the front."""
    for i in range(first + 1, last):
        if k[i] < k[first]:
            v, vp = k[i], p[i]
            k[first + 1:i + 1], p[first + 1:i + 1] = k[first:i], p[first:i]
            k[first], p[first] = v, vp
        else:
            _linear_insert(k, p, i)


def nth_element(K, P, nth):
    """std::nth_element(row, row + nth, row_end) on every row of K (in place)."""
    rows, n = K.shape
    if n < 2:
        return
    Kf, Pf = K.reshape(-1), P.reshape(-1)
    lo = np.arange(rows, dtype=np.int64) * n
    hi = lo + n
    target = lo + nth
    depth = 2 * _lg(n)
    done_lo, done_hi = [], []
    while lo.size:
        small = hi - lo <= 3
        done_lo.append(lo[small])
        done_hi.append(hi[small])
        lo, hi, target = lo[~small], hi[~small], target[~small]
        if not lo.size:
            break
        if depth == 0:
            for f, l, t in zip(lo.tolist(), hi.tolist(), target.tolist()):
                k, p = Kf[f:l].tolist(), Pf[f:l].tolist()
                _heap_select(k, p, 0, t - f + 1, l - f)
                k[0], k[t - f], p[0], p[t - f] = k[t - f], k[0], p[t - f], p[0]
                Kf[f:l], Pf[f:l] = k, p
            break
        depth -= 1
        cut = _partition(Kf, Pf, lo, hi)
        right = cut <= target
        lo = np.where(right, cut, lo)
        hi = np.where(right, hi, cut)
    _stable_segments(Kf, Pf, np.concatenate(done_lo), np.concatenate(done_hi))


def partial_sort(K, P, m):
    """std::partial_sort(row, row + m, row_end) on every row: the m smallest, sorted, first."""
    rows, n = K.shape
    for r in range(rows):
        k, p = K[r].tolist(), P[r].tolist()
        _heap_select(k, p, 0, m, n, K[r])
        _sort_heap(k, p, 0, m)
        K[r, :m], P[r, :m] = k[:m], p[:m]


def topk_rows(K, P, k, sorted_):
    """The first k of each row as torch's topk arranges them (K: keys, smallest wanted)."""
    n = K.shape[1]
    if k * 64 <= n:
        partial_sort(K, P, k)
    else:
        nth_element(K, P, k - 1)
        if sorted_ and k > 1:
            Ks, Ps = K[:, :k - 1].copy(), P[:, :k - 1].copy()
            introsort(Ks, Ps)
            K[:, :k - 1], P[:, :k - 1] = Ks, Ps
    return P[:, :k]


def quickselect(K, P, kth):
    """kthvalue's selection (Numerical Recipes' quickselect) on each row; returns P[:, kth]."""
    out = np.empty(K.shape[0], np.int64)
    for r in range(K.shape[0]):
        k, p = K[r].tolist(), P[r].tolist()
        lo, hi = 0, len(k) - 1
        while hi > lo:
            if hi == lo + 1:
                if k[lo] > k[hi]:
                    k[lo], k[hi], p[lo], p[hi] = k[hi], k[lo], p[hi], p[lo]
                break
            mid = lo + (hi - lo) // 2
            k[mid], k[lo + 1], p[mid], p[lo + 1] = k[lo + 1], k[mid], p[lo + 1], p[mid]
            for x, y in ((lo + 1, hi), (lo, hi), (lo + 1, lo)):
                if k[x] > k[y]:
                    k[x], k[y], p[x], p[y] = k[y], k[x], p[y], p[x]
            i, j, piv = lo + 1, hi, k[lo]
            while True:
                i += 1
                while piv > k[i]:
                    i += 1
                j -= 1
                while k[j] > piv:
                    j -= 1
                if j < i:
                    break
                k[i], k[j], p[i], p[j] = k[j], k[i], p[j], p[i]
            k[lo], k[j], p[lo], p[j] = k[j], k[lo], p[j], p[lo]
            if j <= kth:
                lo = i
            if j >= kth:
                hi = j - 1
        out[r] = p[kth]
    return out
