"""Order statistics: sort, argsort, msort, topk, kthvalue, median, nanmedian, mode, unique,
unique_consecutive.

Values come from NumPy; where equal elements make the indices depend on the algorithm,
``_stdsort`` re-enacts the one torch's CPU kernel uses, so indices match torch's exactly.
The gradient of every (values, indices) op goes back through the indices (PutAlong).
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, wrap_dim
from ..autograd.function import NONE, Op
from ..autograd.grad_mode import ENABLED
from . import _stdsort
from .conversion import copy_array
from .extrema import Amax
from .reduction import PutAlong, check_empty, one_dim, return_types, write_out

_RADIX_MIN = 32768      # torch sorts 1-D integer tensors this long with a stable radix sort
_INSERTION_MAX = 16     # up to this length the introsort is a (stable) insertion sort
_I64 = np.dtype(np.int64)


# ---------------------------------------------------------------- helpers
# Every op works on "rows": the input with the op's dim moved last, as a 2-D (m, n) array.
def _rows(a, dim):
    """a with dim moved last, as a 2-D (rows, n) array (a copy only when needed)."""
    if not a.ndim:
        return a.reshape(1, 1)
    if dim != a.ndim - 1:
        a = np.moveaxis(a, dim, -1)
    return a.reshape(a.size // a.shape[-1] if a.shape[-1] else int(np.prod(a.shape[:-1])),
                     a.shape[-1])


def _unrows(r, a, dim):
    """Undo _rows: r (m, k) back to a's layout of dims, k entries along dim (a view)."""
    shape = a.shape[:dim] + a.shape[dim + 1:] + (r.shape[1],)
    r = r.reshape(shape)
    return r if dim == a.ndim - 1 else np.moveaxis(r, -1, dim)


def _take(rows, idx):
    """rows[i, idx[i, j]] for every i, j."""
    m, n = rows.shape
    if not idx.size:
        return np.empty(idx.shape, rows.dtype)
    if m == 1:
        return rows[0].take(idx)
    return rows.take(idx + np.arange(0, m * n, n)[:, None])


def _tied_rows(s):
    """Which rows of sorted values s hold two equal neighbours (NaNs count as equal), or None
    when none does."""
    eq = s[:, 1:] == s[:, :-1]
    if s.dtype.kind == "f":
        nan = np.isnan(s)
        if nan.any():
            eq |= nan[:, 1:] & nan[:, :-1]
    if not eq.any():
        return None
    return eq.any(1)


def _stable_order(rows, descending):
    """Stable argsort of each row in torch's order (NaN last; first when descending)."""
    if not descending:
        return np.argsort(rows, axis=1, kind="stable")
    n = rows.shape[1]
    # ascending on the reversed row, reversed back: descending with ties still in index order
    return (n - 1 - np.argsort(rows[:, ::-1], axis=1, kind="stable"))[:, ::-1]


def _no_complex(d, msg):
    if d.category == D.COMPLEX:
        raise RuntimeError(msg)


def _like(a, npd):
    """An uninitialised array laid out like a (torch's empty_like: a dense permutation keeps
    its strides, which sort's outputs follow)."""
    return np.empty(a.shape, npd) if a.flags.c_contiguous else copy_array(a, npd)


class _Select(Op):
    """Values picked by index along one dim (sort, topk, kthvalue, median(dim), mode); the
    gradient goes back to the picked positions."""

    name = "SortBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, vals=None, idx=None, idx_k=None, dim=0, name="SortBackward0"):
        ctx.idx, ctx.dim, ctx.shape, ctx.name = idx_k, dim, a.shape, name
        ctx.non_differentiable = (1,)
        return vals, idx

    @staticmethod
    def backward(ctx, g, _gi=None):
        if ctx.idx is None:         # a 0-dim input picks itself
            return (g,)
        return (PutAlong.apply(g, idx=ctx.idx, dim=ctx.dim, shape=ctx.shape),)


def _select(input, idx_rows, rows, dim, keepdim, name, kind, out, like_input=False):
    """Wrap picked values and indices (computed on rows) in torch's shape and layout."""
    a = input._a
    cls = getattr(return_types, kind)
    if not a.ndim:
        vals, idx, idx_k = a.copy(), np.zeros((), np.int64), None
    elif dim == a.ndim - 1 and a.flags.c_contiguous:
        # the common case: rows are a's own layout, results are fresh contiguous copies
        shape = a.shape[:-1] + (idx_rows.shape[1],)
        idx_k = idx_rows.reshape(shape)
        out_shape = shape if keepdim or like_input else a.shape[:-1]
        vals = _take(rows, idx_rows).reshape(out_shape)
        idx = idx_rows.reshape(out_shape).copy()
    else:
        vals = _unrows(_take(rows, idx_rows), a, dim)
        idx = idx_k = _unrows(idx_rows, a, dim)
        if like_input:
            v, i = _like(a, a.dtype), _like(a, _I64)
            v[...], i[...] = vals, idx
            vals, idx = v, i
        else:
            if not keepdim:
                vals, idx = vals.squeeze(dim), idx.squeeze(dim)
            vals, idx = vals.copy(), idx.copy()     # fresh arrays have torch's strides
    if out is None and not (input.requires_grad and ENABLED[0]):
        return tuple.__new__(cls, (_wrap(vals, input.dtype), _wrap(idx, D.int64)))
    r = cls(_Select.apply(input, vals=vals, idx=idx, idx_k=idx_k, dim=dim, name=name))
    if out is not None:
        write_out(out, r, kind)
        return cls(tuple(out))
    return r


# ---------------------------------------------------------------- sort
def _sort_order(a, rows, descending, stable):
    """Indices sorting each row exactly as torch's CPU sort does."""
    n = rows.shape[1]
    order = _stable_order(rows, descending)
    radix = a.ndim == 1 and a.dtype.kind in "iu" and not descending and n >= _RADIX_MIN
    if not stable and n > _INSERTION_MAX and not radix:
        tied = _tied_rows(_take(rows, order))
        if tied is not None:
            # ties: the unstable introsort decides where equal elements go
            K = _stdsort.ranks(rows[tied], descending)
            P = np.broadcast_to(np.arange(n), K.shape).copy()
            _stdsort.introsort(K, P)
            order[tied] = P
    return order


def sort(input, dim=-1, descending=False, *, stable=False, out=None):
    """(values, indices) of input sorted along dim; NaN sorts last (first when descending)."""
    _no_complex(input.dtype, " Sort does not support complex dtypes on CPU")
    a = input._a
    d = wrap_dim(dim, a.ndim)
    rows = _rows(a, d)
    idx = _sort_order(a, rows, descending, stable)
    return _select(input, idx, rows, d, True, "SortBackward0", "sort", out, like_input=True)


def argsort(input, dim=-1, descending=False, *, stable=False) -> Tensor:
    """Indices that sort input along dim (see sort)."""
    _no_complex(input.dtype, " Sort does not support complex dtypes on CPU")
    a = input._a
    d = wrap_dim(dim, a.ndim)
    if not a.ndim:
        return _wrap(np.zeros((), np.int64))
    i = _like(a, _I64)
    i[...] = _unrows(_sort_order(a, _rows(a, d), descending, stable), a, d)
    return _wrap(i)


def msort(input, *, out=None) -> Tensor:
    """input sorted along its first dim."""
    r = sort(input, 0).values
    return r if out is None else write_out(out, r, "msort")


# ---------------------------------------------------------------- topk
def topk(input, k, dim=-1, largest=True, sorted=True, *, out=None):
    """(values, indices) of the k largest (smallest) elements along dim."""
    d = input.dtype
    if d is D.bool_:
        raise RuntimeError("topk does not support bool dtypes on CPU")
    _no_complex(d, " topk does not support complex dtypes on CPU")
    a = input._a
    dim = wrap_dim(dim, a.ndim)
    rows = _rows(a, dim)
    n = rows.shape[1]
    k = k.__index__()
    if k < 0 or k > n:
        raise RuntimeError("selected index k out of range")
    idx = _topk_order(rows, k, largest, sorted)
    return _select(input, idx, rows, dim, True, "TopkBackward0", "topk", out)


def _topk_order(rows, k, largest, sorted_):
    n = rows.shape[1]
    if k == 0:
        return np.zeros((rows.shape[0], 0), np.int64)
    heap = k * 64 <= n      # torch's small-k path: a heap selection, always sorted
    if sorted_ or heap:
        m = min(k + 1, n)   # ties among the best k + 1 make the order algorithm-dependent
        if 4 * m < n:
            # NumPy orders NaN last, which is "largest": the best m in torch's order are the
            # last m of an ascending partition (largest) or the first m
            part = np.argpartition(rows, n - m if largest else m - 1, axis=1)
            cand = part[:, n - m:] if largest else part[:, :m]
            best = _take(cand, _stable_order(_take(rows, cand), largest))
        else:
            best = _stable_order(rows, largest)[:, :m]
        tied = _tied_rows(_take(rows, best))
        idx = best[:, :k]
        if tied is None:
            return idx
        idx = idx.copy()
    else:
        tied = np.ones(rows.shape[0], bool)
        idx = np.empty((rows.shape[0], k), np.int64)
    K = _stdsort.ranks(rows[tied], largest)
    P = np.broadcast_to(np.arange(n), K.shape).copy()
    idx[tied] = _stdsort.topk_rows(K, P, k, sorted_)
    return idx


# ---------------------------------------------------------------- kthvalue, median, mode
def kthvalue(input, k, dim=-1, keepdim=False, *, out=None):
    """(values, indices) of the k-th smallest element along dim."""
    if input.dtype is D.bool_ or input.dtype.category == D.COMPLEX:
        raise NotImplementedError(f'"kthvalue_cpu" not implemented for \'{input.dtype.type_name}\'')
    a = input._a
    dim = wrap_dim(dim, a.ndim)
    rows = _rows(a, dim)
    n = rows.shape[1]
    if not 1 <= k <= n:
        raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {dim}")
    order = np.argsort(rows, axis=1, kind="stable")
    idx = order[:, k - 1:k].copy()
    vals = _take(rows, order)
    kv = vals[:, k - 1:k]
    eq = (vals == kv) | (np.isnan(vals) & np.isnan(kv)) if vals.dtype.kind == "f" else vals == kv
    tied = eq.sum(1) > 1
    if tied.any():
        # ties at the k-th value: torch's quickselect decides which of them is reported
        K = _stdsort.ranks(rows[tied])
        P = np.broadcast_to(np.arange(n), K.shape).copy()
        idx[tied, 0] = _stdsort.quickselect(K, P, k - 1)
    return _select(input, idx, rows, dim, keepdim, "KthvalueBackward0", "kthvalue", out)


def _median_all(a, ignore_nan):
    """The lower median of all of a's elements (NaN when there is one, unless ignored)."""
    f = a.reshape(-1)
    if f.dtype.kind == "f":
        nan = np.isnan(f)
        if nan.any():
            if not ignore_nan:
                return np.array(np.nan, a.dtype)
            f = f[~nan]
    if not f.size:
        return np.array(np.nan, a.dtype)
    k = (f.size - 1) // 2
    return np.partition(f, k)[k]


class _Median(Amax):
    """median() over all elements: the lower median; ties share the gradient."""

    name = "MedianBackward0"

    @staticmethod
    def forward(ctx, a, ignore_nan=False):
        ctx.dims, ctx.keepdim, ctx.shape, ctx.nan_ties = None, False, a.shape, True
        if ignore_nan:
            ctx.name = "NanmedianBackward0"
        return _median_all(a, ignore_nan)


def _median(input, dim, keepdim, out, name, ignore_nan):
    a = input._a
    if input.dtype is D.bool_ or input.dtype.category == D.COMPLEX:
        kernel = "median_cpu" if dim is None else "median_out"
        raise NotImplementedError(f'"{kernel}" not implemented for \'{input.dtype.type_name}\'')
    if dim is None:
        if out is None and not (input.requires_grad and ENABLED[0]):
            return _wrap(_median_all(a, ignore_nan), input.dtype)
        r = _Median.apply(input, ignore_nan=ignore_nan)
        return r if out is None else write_out(out, r, name)
    dim = one_dim(dim, a.ndim, name)
    if a.ndim:
        check_empty(name, a, (dim,))
    rows = _rows(a, dim)
    # torch's index is that of the stably sorted position (NaN last)
    order = np.argsort(rows, axis=1, kind="stable")
    if ignore_nan and rows.dtype.kind == "f":
        k = np.maximum((~np.isnan(rows)).sum(1) - 1, 0) // 2
        idx = _take(order, k[:, None])
    else:
        idx = order[:, (rows.shape[1] - 1) // 2][:, None]
        if rows.dtype.kind == "f":
            nan = np.isnan(rows)
            has = nan.any(1)
            idx[has, 0] = nan[has].argmax(1)     # a row with NaN has median NaN, at its first NaN
    gname = "NanmedianBackward1" if ignore_nan else "MedianBackward1"
    return _select(input, idx, rows, dim, keepdim, gname, name, out)


def median(input, dim=None, keepdim=False, *, out=None):
    """The lower median of all elements, or (values, indices) along dim; NaN propagates."""
    return _median(input, dim, keepdim, out, "median", False)


def nanmedian(input, dim=None, keepdim=False, *, out=None):
    """median ignoring NaN (NaN only where a slice is all NaN)."""
    return _median(input, dim, keepdim, out, "nanmedian", True)


def mode(input, dim=-1, keepdim=False, *, out=None):
    """(values, indices) of the most frequent value along dim (the smallest on a tie in count)."""
    if input.dtype.category == D.COMPLEX:
        raise NotImplementedError(f'"mode_cpu" not implemented for \'{input.dtype.type_name}\'')
    a = input._a
    dim = wrap_dim(dim, a.ndim)
    if a.ndim:
        check_empty("mode", a, (dim,))
    rows = _rows(a, dim)
    m, n = rows.shape
    # torch sorts each slice (an introsort: ties unstable; NaN compared as C++ does, false
    # both ways) and takes the longest run of equal values, reporting the index of the run's
    # last element
    K = rows.copy()
    P = np.broadcast_to(np.arange(n), K.shape).copy()
    _stdsort.introsort(K, P)
    start = np.ones((m, n), bool)     # where each run of equal values begins
    start[:, 1:] = K[:, 1:] != K[:, :-1]
    run_id = np.cumsum(start, 1) - 1
    lengths = np.zeros((m, n), np.int64)
    np.add.at(lengths, (np.repeat(np.arange(m), n), run_id.reshape(-1)), 1)
    best = lengths.argmax(1)                      # first longest run = smallest value
    last = np.cumsum(lengths, 1)[np.arange(m), best] - 1
    idx = P[np.arange(m), last][:, None]
    return _select(input, idx, rows, dim, keepdim, "ModeBackward0", "mode", out)


# ---------------------------------------------------------------- unique
class _Unique(Op):
    """unique's values (torch records the node but has no derivative for it)."""

    name = "Unique2Backward0"
    kind = NONE
    _torch_names = {"Unique2Backward0": "_unique2", "UniqueDimBackward0": "unique_dim",
                    "UniqueConsecutiveBackward0": "unique_consecutive"}

    @staticmethod
    def forward(ctx, a, vals=None, name="Unique2Backward0"):
        ctx.name = name
        return vals

    @staticmethod
    def backward(ctx, *grads):
        raise NotImplementedError(
            f"the derivative for '{_Unique._torch_names[ctx.name_()]}' is not implemented.")


def _groups(s):
    """Starts of runs of equal rows in s (2-D, one row per item); NaN never equals NaN."""
    start = np.ones(s.shape[0], bool)
    if s.shape[0] > 1:
        start[1:] = ~(s[1:] == s[:-1]).all(1)
    return start


def _unique_along(a, dim, sort, return_inverse, return_counts):
    """unique values (or slices along dim), inverse indices and counts."""
    if dim is None:
        items = a.reshape(-1, 1)
    else:
        b = np.moveaxis(a, dim, 0)
        items = b.reshape(b.shape[0], int(np.prod(b.shape[1:])))
    if sort:
        if items.shape[1] == 1:
            order = np.argsort(items[:, 0], kind="stable")
        else:
            order = np.lexsort(items.T[::-1])
    else:
        order = np.arange(items.shape[0])
    s = items[order]
    start = _groups(s)
    first = np.flatnonzero(start)
    vals = s[first]
    if dim is None:
        vals = vals.reshape(-1)
    else:
        rest = np.moveaxis(a, dim, 0).shape[1:]
        vals = np.moveaxis(vals.reshape((len(first),) + rest), 0, dim)
    inv = cnt = None
    if return_inverse:
        inv = np.empty(items.shape[0], np.int64)
        inv[order] = np.cumsum(start) - 1
        if dim is None:
            inv = inv.reshape(a.shape)
    if return_counts:
        cnt = np.diff(np.append(first, items.shape[0])).astype(np.int64)
    return vals, inv, cnt


def _unique(input, return_inverse, return_counts, dim, consecutive):
    a = input._a
    if dim is not None:
        if not a.ndim:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        dim = wrap_dim(dim, a.ndim)
        if a.size == 0 and any(s == 0 for i, s in enumerate(a.shape) if i != dim):
            raise RuntimeError("There are 0 sized dimensions, and they aren't selected, so unique "
                               "cannot be applied")
    elif input.dtype.category == D.COMPLEX:
        raise NotImplementedError(f'"unique" not implemented for \'{input.dtype.type_name}\'')
    vals, inv, cnt = _unique_along(a, dim, not consecutive, return_inverse, return_counts)
    name = ("UniqueConsecutiveBackward0" if consecutive else
            "Unique2Backward0" if dim is None else "UniqueDimBackward0")
    v = _Unique.apply(input, vals=vals, name=name)
    if not (return_inverse or return_counts):
        return v
    out = [v]
    if return_inverse:
        out.append(_wrap(inv))
    if return_counts:
        out.append(_wrap(cnt))
    return tuple(out)


def unique(input, sorted=True, return_inverse=False, return_counts=False, dim=None):
    """The distinct values, optionally with inverse indices and counts; torch's CPU kernel
    sorts them whatever ``sorted`` says, and so does this."""
    return _unique(input, return_inverse, return_counts, dim, False)


def unique_consecutive(input, return_inverse=False, return_counts=False, dim=None):
    """Collapse runs of equal consecutive values (or slices along dim)."""
    return _unique(input, return_inverse, return_counts, dim, True)


# ---------------------------------------------------------------- Tensor methods
Tensor.sort = sort
Tensor.argsort = argsort
Tensor.msort = msort
Tensor.topk = topk
Tensor.kthvalue = kthvalue
Tensor.median = median
Tensor.nanmedian = nanmedian
Tensor.mode = mode
Tensor.unique = unique
Tensor.unique_consecutive = unique_consecutive

__all__ = ["sort", "argsort", "msort", "topk", "kthvalue", "median", "nanmedian", "mode", "unique",
           "unique_consecutive"]

