"""Joining and splitting: cat/stack (and h/v/d/column stacks), split/chunk/unbind/tensor_split
(views) and iteration.  flip, roll, repeat and tile are in reorder.py."""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, wrap_dim
from ..autograd.function import NOCTX as _NOCTX, NONE, Op
from ..autograd.grad_mode import ENABLED
from ._strides import canonical, fmt, int_list, multi_views, track_view
from .indexing import Parsed, basic_view, select, slice_dim
from .shape import reshape, unsqueeze

_FULL = slice(None)
_PROMOTE = D.PROMOTE


def _tensor_list(tensors, fname):
    if not isinstance(tensors, (list, tuple)):
        raise TypeError(f"{fname}(): argument 'tensors' (position 1) must be tuple of Tensors, "
                        f"not {type(tensors).__name__}")
    tensors = list(tensors)
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(t).__name__}")
    return tensors


def _c(r):
    """torch's cat and stack always return a contiguous tensor; NumPy follows the inputs' order."""
    return r if canonical(r) else r.copy()


def _any_grad(tensors):
    if ENABLED[0]:
        for t in tensors:
            if t.requires_grad:
                return True
    return False


# ------------------------------------------------------------------ cat / stack
class Cat(Op):
    name = "CatBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, *arrays, dim=0, dtype=None, used=()):
        ctx.dim = dim
        ctx.sizes = [a.shape[dim] if u else None for a, u in zip(arrays, used)]
        parts = [a for a, u in zip(arrays, used) if u]
        return _c(np.concatenate(parts, axis=dim, dtype=dtype, casting="unsafe"))

    @staticmethod
    def backward(ctx, g):
        out, off = [], 0
        for n in ctx.sizes:
            if n is None:
                out.append(None)
                continue
            out.append(slice_dim(g, ctx.dim, off, off + n))
            off += n
        return tuple(out)


def cat(tensors, dim=0, *, axis=None, out=None):
    """Concatenate tensors along dim (dtypes promote; legacy empty (0,) tensors are skipped)."""
    if axis is not None:
        dim = axis
    if tensors.__class__ in (list, tuple) and tensors and dim.__class__ is int:
        r = _cat_short(tensors, dim)
        if r is not None:
            return r
    tensors = _tensor_list(tensors, "cat")
    if not tensors:
        raise ValueError("torch.cat(): expected a non-empty list of Tensors")
    rd = tensors[0].dtype
    for i, t in enumerate(tensors):
        rd = _PROMOTE[rd, t.dtype]
        if t._a.ndim == 0:
            raise RuntimeError(f"zero-dimensional tensor (at position {i}) cannot be concatenated")
    used = [not (t._a.ndim == 1 and t._a.shape[0] == 0) for t in tensors]
    ref = next((t for t, u in zip(tensors, used) if u), None)
    if ref is None:
        return _wrap(np.zeros((0,), rd.np), rd)
    shape = ref._a.shape
    nd = len(shape)
    d = wrap_dim(dim, nd)
    for i, (t, u) in enumerate(zip(tensors, used)):
        if not u:
            continue
        s = t._a.shape
        if len(s) != nd:
            raise RuntimeError(f"Tensors must have same number of dimensions: got {nd} and "
                               f"{len(s)}")
        for j in range(nd):
            if j != d and s[j] != shape[j]:
                raise RuntimeError(
                    f"Sizes of tensors must match except in dimension {d}. Expected size "
                    f"{shape[j]} "
                    f"but got size {s[j]} for tensor number {i} in the list.")
    if _any_grad(tensors):
        return Cat.apply(*tensors, dim=d, dtype=rd.np, used=used)
    parts = [t._a for t, u in zip(tensors, used) if u]
    return _wrap(_c(np.concatenate(parts, axis=d, dtype=rd.np, casting="unsafe")), rd)


def _cat_short(tensors, dim):
    """cat of same-dtype tensors that need no graph, straight to NumPy (None: general path)."""
    t0 = tensors[0]
    if t0.__class__ is not Tensor:
        return None
    d = t0.dtype
    arrays = []
    for t in tensors:
        if t.__class__ is not Tensor or t.dtype is not d or t.requires_grad:
            return None
        a = t._a
        if a.ndim == 0 or (a.ndim == 1 and a.shape[0] == 0):
            return None
        arrays.append(a)
    try:
        r = np.concatenate(arrays, axis=dim)
    except (ValueError, IndexError, TypeError):
        return None      # torch's message from the general path
    return _wrap(_c(r), d)


class Stack(Op):
    name = "StackBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, *arrays, dim=0, dtype=None):
        ctx.dim = dim
        return _c(np.stack(arrays, axis=dim, dtype=dtype, casting="unsafe"))

    @staticmethod
    def backward(ctx, g):
        return tuple(select(g, ctx.dim, i) for i in range(g._a.shape[ctx.dim]))


def stack(tensors, dim=0, *, out=None):
    """Join equal-shaped tensors along a new dim."""
    if tensors.__class__ in (list, tuple) and tensors and dim.__class__ is int:
        r = _stack_short(tensors, dim)
        if r is not None:
            return r
    tensors = _tensor_list(tensors, "stack")
    if not tensors:
        raise RuntimeError("stack expects a non-empty TensorList")
    shape = tensors[0]._a.shape
    rd = tensors[0].dtype
    for i, t in enumerate(tensors):
        if t._a.shape != shape:
            raise RuntimeError(f"stack expects each tensor to be equal size, but got {fmt(shape)} "
                               f"at "
                               f"entry 0 and {fmt(t._a.shape)} at entry {i}")
        rd = _PROMOTE[rd, t.dtype]
    d = wrap_dim(dim, len(shape) + 1)
    if _any_grad(tensors):
        return Stack.apply(*tensors, dim=d, dtype=rd.np)
    return _wrap(_c(np.stack([t._a for t in tensors], axis=d, dtype=rd.np, casting="unsafe")), rd)


def _stack_short(tensors, dim):
    """stack of same-dtype, same-shape tensors that need no graph (None: general path)."""
    t0 = tensors[0]
    if t0.__class__ is not Tensor:
        return None
    d = t0.dtype
    shape = t0._a.shape
    n = len(shape)
    if not -n - 1 <= dim <= n:
        return None
    if dim < 0:
        dim += n + 1
    key = (_FULL,) * dim + (None,)
    arrays = []
    for t in tensors:
        if t.__class__ is not Tensor or t.dtype is not d or t.requires_grad or t._a.shape != shape:
            return None
        arrays.append(t._a[key])
    return _wrap(_c(np.concatenate(arrays, axis=dim)), d)


def atleast_1d(*tensors):
    """Each tensor with at least one dim (0-d becomes shape (1,))."""
    return _atleast(tensors, 1)


def atleast_2d(*tensors):
    """Each tensor with at least two dims."""
    return _atleast(tensors, 2)


def atleast_3d(*tensors):
    """Each tensor with at least three dims."""
    return _atleast(tensors, 3)


def _atleast(tensors, n):
    single = len(tensors) == 1 and isinstance(tensors[0], Tensor)
    if len(tensors) == 1 and isinstance(tensors[0], (tuple, list)):
        tensors = tuple(tensors[0])
    out = []
    for x in tensors:
        nd = x._a.ndim
        if nd >= n:
            out.append(x)
        elif n == 1 or nd == 0:
            out.append(reshape(x, (1,) * n))
        elif n == 2:
            out.append(unsqueeze(x, 0))
        elif nd == 1:
            out.append(unsqueeze(unsqueeze(x, 0), 2))
        else:
            out.append(unsqueeze(x, 2))
    return out[0] if single else tuple(out)


def hstack(tensors, *, out=None):
    """Concatenate along dim 1 (dim 0 for 1-D tensors)."""
    ts = _atleast(_tensor_list(tensors, "hstack"), 1)
    return cat(ts, 0 if ts and ts[0]._a.ndim == 1 else 1)


def vstack(tensors, *, out=None):
    """Concatenate along dim 0 after making each tensor at least 2-D."""
    return cat(_atleast(_tensor_list(tensors, "vstack"), 2), 0)


row_stack = vstack


def dstack(tensors, *, out=None):
    """Concatenate along dim 2 after making each tensor at least 3-D."""
    return cat(_atleast(_tensor_list(tensors, "dstack"), 3), 2)


def column_stack(tensors, *, out=None):
    """Stack 0-d/1-D tensors as columns (others concatenate along dim 1)."""
    ts = [reshape(t, (t._a.size, 1)) if t._a.ndim <= 1 else t
          for t in _tensor_list(tensors, "column_stack")]
    return hstack(ts)


# ------------------------------------------------------------------ split / chunk / unbind
class Split(Op):
    """Several views along dim; backward concatenates their gradients."""
    name = "SplitBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, a, dim=0, bounds=(), name=None):
        if name is not None:
            ctx.name = name
        ctx.dim = dim
        return tuple(_piece(a, dim, s, e) for s, e in bounds)

    @staticmethod
    def backward(ctx, *grads):
        return (cat(list(grads), ctx.dim),)


class Unbind(Op):
    name = "UnbindBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, a, dim=0):
        ctx.dim = dim
        pre = (_FULL,) * dim
        return tuple(a[pre + (i, Ellipsis)] for i in range(a.shape[dim]))

    @staticmethod
    def backward(ctx, *grads):
        return (stack(list(grads), ctx.dim),)


def _piece(a, dim, s, e):
    key = (_FULL,) * dim + (slice(s, e),)
    if e > s:
        return a[key]
    p = Parsed()
    p.key, p.news, p.adv, p.name, p.view = key, [], [], "", True
    return basic_view(a, p)


def _split(t, dim, bounds, name):
    a = t._a
    if t.requires_grad and ENABLED[0]:
        params = {"dim": dim, "bounds": bounds, "name": name}
        r = Split.apply(t, **params)
        r = r if isinstance(r, tuple) else (r,)
        return tuple(track_view(x, t, Split, params, i) for i, x in enumerate(r))
    dt = t.dtype
    pre = (_FULL,) * dim
    pieces = []
    for s, e in bounds:
        pieces.append(a[pre + (slice(s, e),)] if e > s else _piece(a, dim, s, e))
    return tuple(multi_views(pieces, dt, t))


def split(tensor, split_size_or_sections, dim=0):
    """Views of equal size split_size (the last may be smaller), or of the given sizes."""
    a = tensor._a
    if a.ndim == 0:
        raise RuntimeError("split expects at least a 1-dimensional tensor")
    d = wrap_dim(dim, a.ndim)
    n = a.shape[d]
    s = split_size_or_sections
    if isinstance(s, (list, tuple)):
        sizes = int_list(s, "split_with_sizes", "split_sizes")
        if any(k < 0 for k in sizes):
            raise RuntimeError("split_with_sizes expects split_sizes have only non-negative "
                               "entries, "
                               f"but got split_sizes={fmt(sizes)}")
        if sum(sizes) != n:
            raise RuntimeError(
                f"split_with_sizes expects split_sizes to sum exactly to {n} (input tensor's size "
                f"at "
                f"dimension {d}), but got split_sizes={fmt(sizes)}")
        bounds, off = [], 0
        for k in sizes:
            bounds.append((off, off + k))
            off += k
        return _split(tensor, d, bounds, "SplitWithSizesBackward0")
    s = s.__index__() if s.__class__ is not int else s
    if s < 0:
        raise RuntimeError(f"split expects split_size be non-negative, but got split_size={s}")
    if s == 0 and n != 0:
        raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension "
                           f"size of {n}")
    count = max(-(-n // s), 1) if s else 1
    bounds = [(i * s, min((i + 1) * s, n)) for i in range(count)]
    return _split(tensor, d, bounds, "SplitBackward0")


def chunk(input, chunks, dim=0):
    """Split into at most `chunks` views of equal size (the last may be smaller)."""
    a = input._a
    if a.ndim == 0:
        raise RuntimeError("chunk expects at least a 1-dimensional tensor")
    if chunks <= 0:
        raise RuntimeError(f"chunk expects `chunks` to be greater than 0, got: {chunks}")
    d = wrap_dim(dim, a.ndim)
    n = a.shape[d]
    s = -(-n // chunks)
    if s == 0:
        return _split(input, d, [(0, 0)] * chunks, "SplitWithSizesBackward0")
    return _split(input, d, [(i, min(i + s, n)) for i in range(0, n, s)], "SplitBackward0")


def unbind(input, dim=0):
    """The views input.select(dim, i) for every i."""
    a = input._a
    if a.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = wrap_dim(dim, a.ndim)
    if input.requires_grad and ENABLED[0]:
        r = Unbind.apply(input, dim=d)
        r = r if isinstance(r, tuple) else (r,)
        return tuple(track_view(x, input, Unbind, {"dim": d}, i)
                     for i, x in enumerate(r))
    pre = (_FULL,) * d
    dt = input.dtype
    return tuple(multi_views([a[pre + (i, Ellipsis)] for i in range(a.shape[d])], dt, input))


def tensor_split(input, indices_or_sections, dim=0):
    """Split into n nearly equal views, or at the given indices."""
    a = input._a
    if a.ndim == 0:
        raise RuntimeError("tensor_split expected at least a 1-dimensional tensor, but got a "
                           "tensor "
                           "with 0 dims")
    d = wrap_dim(dim, a.ndim)
    n = a.shape[d]
    x = indices_or_sections
    if isinstance(x, Tensor):
        x = int(x._a) if x._a.ndim == 0 else x._a.tolist()
    if isinstance(x, (list, tuple)):
        idx = int_list(x, "tensor_split", "indices")
        cuts = [0] + idx + [n]
        bounds = []
        for s, e in zip(cuts[:-1], cuts[1:]):
            s = min(max(s, 0) if s >= 0 else max(s + n, 0), n)
            e = min(max(e, 0) if e >= 0 else max(e + n, 0), n)
            bounds.append((s, max(e, s)))
    else:
        k = x.__index__()
        if k <= 0:
            raise RuntimeError(f"number of sections must be larger than 0, got {k}")
        q, r = divmod(n, k)
        bounds, off = [], 0
        for i in range(k):
            m = q + (1 if i < r else 0)
            bounds.append((off, off + m))
            off += m
    return tuple(slice_dim(input, d, s, e) for s, e in bounds)


def _iter(self):
    a = self._a
    if a.ndim == 0:
        raise TypeError("iteration over a 0-d tensor")
    if self.requires_grad and ENABLED[0]:
        return iter(unbind(self, 0))
    dt = self.dtype
    return iter(multi_views([a[i, ...] for i in range(a.shape[0])], dt, self))


def _split_method(self, split_size, dim=0):
    return split(self, split_size, dim)


Tensor.split = _split_method
Tensor.chunk = chunk
Tensor.unbind = unbind
Tensor.tensor_split = tensor_split
Tensor.__iter__ = _iter

concat = cat


def concatenate(tensors, axis=0, *, out=None):
    """cat with NumPy's argument name."""
    return cat(tensors, axis)


__all__ = ["cat", "concat", "concatenate", "stack", "hstack", "vstack", "row_stack", "dstack",
           "column_stack", "atleast_1d", "atleast_2d", "atleast_3d", "split", "chunk", "unbind",
           "tensor_split"]
