"""Memory layout of a result computed from strided operands, the way torch's TensorIterator
chooses it: dims are ordered from fastest to slowest by the operands' strides, so a result
computed from transposed inputs comes out transposed too."""
from __future__ import annotations


def _compare(ops, shape, d0, d1):
    """>0 when dim d0 should be laid out outside d1 (slower), <0 when inside, 0 undecided."""
    for st in ops:
        s0, s1 = st[d0], st[d1]
        if s0 == 0 or s1 == 0:
            continue      # a broadcast dim says nothing about the order
        if s0 < s1:
            return -1
        if s0 > s1:
            return 1
        if shape[d0] > shape[d1]:
            return 1
    return 0


def iter_layout_strides(shape, ops):
    """Contiguous-in-some-order strides (elements) for a result of ``shape`` computed from
    operands whose strides (elements, one list per operand, in the result's dims) are ``ops``."""
    n = len(shape)
    # perm[0] is the fastest-varying dim; start from the C order and insertion-sort
    perm = list(range(n - 1, -1, -1))
    for i in range(1, n):
        d1 = i
        for d0 in range(i - 1, -1, -1):
            c = _compare(ops, shape, perm[d0], perm[d1])
            if c > 0:
                perm[d0], perm[d1] = perm[d1], perm[d0]
                d1 = d0
            elif c < 0:
                break
    strides = [0] * n
    acc = 1
    for d in perm:
        strides[d] = acc
        acc *= shape[d]
    return tuple(strides)


def preserved_strides(a):
    """The strides (elements) torch's empty_like(preserve_format) gives a copy of array a: a's
    own, size-1 dims included, when a is dense without overlap; else its dims' order made
    contiguous."""
    it = a.itemsize
    st = tuple(s // it for s in a.strides)
    dims = sorted((k for k in range(a.ndim) if a.shape[k] != 1), key=lambda k: st[k])
    expect = 1
    for k in dims:
        if st[k] != expect:
            return iter_layout_strides(a.shape, [st])
        expect *= a.shape[k]
    return st
