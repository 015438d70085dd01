"""Reordering copies: flip (fliplr/flipud), roll, repeat and tile."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap, wrap_dim
from ..autograd.function import NOCTX as _NOCTX, NONE, Op
from ..autograd.grad_mode import ENABLED
from ._layout import preserved_strides
from ._strides import canonical, empty_strided, fmt, int_list

_FULL = slice(None)
_REV = slice(None, None, -1)


def _c(r):
    """torch returns these contiguous; NumPy may follow the input's memory order."""
    return r if canonical(r) else r.copy()


def _dims(dims, n):
    if isinstance(dims, int):
        dims = (dims,)
    if len(dims) == 1 and dims[0].__class__ is int and -n <= dims[0] < n:
        return (dims[0] % n,)
    out = []
    for k in dims:
        w = wrap_dim(k, n)
        if w in out:
            raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
        out.append(w)
    return tuple(out)


def _like_layout(a):
    """An empty array laid out like a (torch's preserve_format)."""
    if canonical(a):
        return np.empty(a.shape, a.dtype)
    return empty_strided(a.shape, preserved_strides(a), a.dtype)


class Flip(Op):
    name = "FlipBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, a, dims=()):
        ctx.dims = dims
        key = [_FULL] * a.ndim
        for d in dims:
            key[d] = _REV
        rev = a[tuple(key)]
        if canonical(a):           # (NumPy's flag ignores the strides of size-1 dims)
            return rev.copy()
        out = _like_layout(a)
        np.copyto(out, rev)
        return out

    @staticmethod
    def backward(ctx, g):
        return (flip(g, ctx.dims),)


def flip(input, *dims):
    """A copy with the order of elements reversed along dims."""
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    a = input._a
    ds = _dims(dims, a.ndim) if a.ndim else ()
    if input.requires_grad and ENABLED[0]:
        return Flip.apply(input, dims=ds)
    return _wrap(Flip.forward(_NOCTX, a, dims=ds), input.dtype)


def fliplr(input):
    """Flip left/right (dim 1)."""
    if input._a.ndim < 2:
        raise RuntimeError("Input must be >= 2-d.")
    return flip(input, (1,))


def flipud(input):
    """Flip up/down (dim 0)."""
    if input._a.ndim < 1:
        raise RuntimeError("Input must be >= 1-d.")
    return flip(input, (0,))


class Roll(Op):
    name = "RollBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, a, shifts=(), dims=()):
        ctx.shifts, ctx.dims = shifts, dims
        if not dims:
            return _c(np.roll(a.reshape(-1), shifts[0]).reshape(a.shape))
        return _c(np.roll(a, shifts, dims))

    @staticmethod
    def backward(ctx, g):
        return (roll(g, tuple(-s for s in ctx.shifts), ctx.dims or None),)


def roll(input, shifts, dims=None):
    """Shift elements cyclically along dims (over the flattened tensor when dims is None)."""
    a = input._a
    sh = (shifts,) if not isinstance(shifts, (tuple, list)) else tuple(shifts)
    sh = tuple(int_list(sh, "roll", "shifts")) if sh else ()
    if dims is None:
        if len(sh) != 1:
            if not sh:
                raise RuntimeError("`shifts` required")
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(sh)}, dims:0")
        ds = ()
    else:
        ds = (dims,) if not isinstance(dims, (tuple, list)) else tuple(dims)
        if not sh:
            raise RuntimeError("`shifts` required")
        if len(sh) != len(ds):
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(sh)}, "
                               f"dims:{len(ds)}")
        ds = tuple(wrap_dim(k, a.ndim) for k in ds)
    if input.requires_grad and ENABLED[0]:
        return Roll.apply(input, shifts=sh, dims=ds)
    return _wrap(Roll.forward(_NOCTX, a, shifts=sh, dims=ds), input.dtype)


class Repeat(Op):
    name = "RepeatBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, a, reps=()):
        ctx.reps = reps
        ctx.in_shape = a.shape
        shape = (1,) * (len(reps) - a.ndim) + a.shape
        # each dim (s) becomes (r, s): broadcast a view, then one contiguous copy
        inter = []
        target = []
        for r, s in zip(reps, shape):
            inter += [1, s]
            target += [r, s]
        out = np.empty(target, a.dtype)
        np.copyto(out, a.reshape(inter))
        return out.reshape([r * s for r, s in zip(reps, shape)])

    @staticmethod
    def backward(ctx, g):
        reps = ctx.reps
        shape = (1,) * (len(reps) - len(ctx.in_shape)) + ctx.in_shape
        inter = []
        for r, s in zip(reps, shape):
            inter += [r, s]
        g = g.reshape(inter).sum(tuple(range(0, 2 * len(reps), 2)))
        return (g.reshape(ctx.in_shape),)


def repeat(self, *sizes):
    """self tiled sizes[i] times along each dim (sizes may add leading dims)."""
    if not sizes:
        raise TypeError('repeat() missing 1 required positional arguments: "repeats"')
    reps = tuple(int_list(sizes, "repeat", "repeats"))
    a = self._a
    if len(reps) < a.ndim:
        raise RuntimeError("Number of dimensions of repeat dims can not be smaller than number of "
                           "dimensions of tensor")
    shape = (1,) * (len(reps) - a.ndim) + a.shape
    target = [r * s for r, s in zip(reps, shape)]
    for k in target:
        if k < 0:
            raise RuntimeError(f"Trying to create tensor with negative dimension {k}: "
                               f"{fmt(target)}")
    if self.requires_grad and ENABLED[0]:
        return Repeat.apply(self, reps=reps)
    return _wrap(Repeat.forward(_NOCTX, a, reps=reps), self.dtype)


def tile(input, dims):
    """repeat, with dims padded by leading 1s to input's number of dims."""
    reps = tuple(int_list((dims,) if isinstance(dims, int) else tuple(dims), "tile", "dims"))
    n = input._a.ndim
    if len(reps) < n:
        reps = (1,) * (n - len(reps)) + reps
    return repeat(input, reps)


def _tile_method(self, *dims):
    if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
        dims = dims[0]
    return tile(self, dims)


Tensor.flip = flip
Tensor.fliplr = fliplr
Tensor.flipud = flipud
Tensor.roll = roll
Tensor.repeat = repeat
Tensor.tile = _tile_method

__all__ = ["flip", "fliplr", "flipud", "roll", "tile"]
