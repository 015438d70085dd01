"""Scans along one dim: cumsum, cumprod, cummax, cummin — forward (NumPy) and backward side
by side."""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, wrap_dim
from ..autograd.function import NONE, Op
from ..autograd.grad_mode import ENABLED
from .reduction import constant, return_types, sum, write_out

_F16 = np.dtype(np.float16)
_F32 = np.dtype(np.float32)


def _scan_dtype(name, input, dtype, out):
    """Result dtype of cumsum/cumprod: bool and integers accumulate in int64 unless dtype= (or
    out=) says otherwise."""
    dtype = dtype or (out.dtype if out is not None else None)
    d = dtype or (D.int64 if input.dtype.category < D.FLOAT else input.dtype)
    if d is D.bool_:
        raise NotImplementedError(f'"{name}_out_cpu" not implemented for \'Bool\'')
    return d


def _accumulate(ufunc, a, dim, npd):
    if a.dtype != npd:
        a = a.astype(npd)
    if not a.ndim:
        return a.copy()
    a = np.ascontiguousarray(a)      # torch's result is contiguous whatever the input's layout
    if npd == _F16:
        # torch accumulates half precision in float
        return ufunc.accumulate(a, dim, _F32).astype(_F16)
    return ufunc.accumulate(a, dim, npd)


def _reverse_cumsum(g, dim):
    """sum_{j >= i} g_j along dim, with Tensor ops (differentiable again)."""
    return sum(g, dim, True) - g.cumsum(dim) + g


class Cumsum(Op):
    name = "CumsumBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, dim=0, npd=None):
        ctx.dim = dim
        return _accumulate(np.add, a, dim, npd)

    @staticmethod
    def backward(ctx, g):
        if not g._a.ndim:
            return (g,)
        return (_reverse_cumsum(g, ctx.dim),)


class Cumprod(Op):
    name = "CumprodBackward0"
    kind = NONE
    save_output = True

    @staticmethod
    def forward(ctx, a, dim=0, npd=None):
        ctx.dim = dim
        return _accumulate(np.multiply, a, dim, npd)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        if not g._a.ndim:
            return (g,)
        if np.all(x._a):
            # no zeros: d out_j / d x_i = out_j / x_i for j >= i
            return (_reverse_cumsum(g * ctx.out, ctx.dim) / x,)
        return (constant(_cumprod_grad(x._a, ctx.out._a, g._a, ctx.dim)),)


def _cumprod_grad(x, out, g, dim):
    """Gradient of cumprod where x has zeros.  Before a slice's first zero z the usual
    out_j / x_i formula holds (out_j is 0 from z on); at z it is sum_{j>=z} g_j * prod_{k<=j, k!=z}
    x_k; after z every product contains x_z, so it is 0."""
    x, out, g = (np.moveaxis(v, dim, -1) for v in (x, out, g))
    n = x.shape[-1]
    zero = x == 0
    first = np.where(zero.any(-1), zero.argmax(-1), n)[..., None]
    pos = np.arange(n)
    before = pos < first
    rev = np.cumsum((g * out)[..., ::-1], -1)[..., ::-1]
    with np.errstate(all="ignore"):
        grad = np.where(before, rev / np.where(before, x, 1), 0)
    # at the first zero: cumulative products with x_z replaced by 1, summed from z on
    y = np.where(pos == first, 1, x)
    at = np.where(pos >= first, g * np.cumprod(y, -1), 0).sum(-1, keepdims=True)
    grad = np.where(pos == first, at, grad)
    return np.moveaxis(grad, -1, dim)


def cumsum(input, dim, *, dtype=None, out=None) -> Tensor:
    """Cumulative sum along dim; bool and integer inputs accumulate in int64."""
    a = input._a
    if dtype is None and out is None and a.ndim and a.flags.c_contiguous and (
            input.dtype is D.float32 or input.dtype is D.float64) and not (
            input.requires_grad and ENABLED[0]):
        return _wrap(np.add.accumulate(a, wrap_dim(dim, a.ndim)), input.dtype)   # short path
    d = _scan_dtype("cumsum", input, dtype, out)
    r = Cumsum.apply(input, dim=wrap_dim(dim, input._a.ndim), npd=d.np)
    return r if out is None else write_out(out, r, "cumsum")


def cumprod(input, dim, *, dtype=None, out=None) -> Tensor:
    """Cumulative product along dim; bool and integer inputs accumulate in int64."""
    d = _scan_dtype("cumprod", input, dtype, out)
    r = Cumprod.apply(input, dim=wrap_dim(dim, input._a.ndim), npd=d.np)
    return r if out is None else write_out(out, r, "cumprod")


class Cummax(Op):
    """cummax/cummin: running extreme and the index of its last occurrence (NaN sticks)."""

    name = "CummaxBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, dim=0, largest=True):
        ctx.dim, ctx.non_differentiable = dim, (1,)
        if not largest:
            ctx.name = "CumminBackward0"
        if not a.ndim:
            return a.copy(), np.zeros((), np.int64)
        a = np.ascontiguousarray(a)
        vals = (np.maximum if largest else np.minimum).accumulate(a, dim)
        hit = a == vals
        if a.dtype.kind in "fc":
            hit |= np.isnan(a)
        shape = [1] * a.ndim
        shape[dim] = a.shape[dim]
        pos = np.where(hit, np.arange(a.shape[dim]).reshape(shape), 0)
        ctx.idx = idx = np.maximum.accumulate(pos, dim) if pos.size else pos
        return vals, idx.astype(np.int64, copy=False)

    @staticmethod
    def backward(ctx, g, _gi=None):
        # each output's gradient is added to the input its index names
        if not g._a.ndim:
            return (g,)
        out = np.zeros_like(g._a)
        where = list(np.indices(g._a.shape))
        where[ctx.dim] = ctx.idx
        np.add.at(out, tuple(where), g._a)
        return (constant(out),)


def _cummax(input, dim, largest, out):
    name = "cummax" if largest else "cummin"
    if input.dtype.category == D.COMPLEX:
        raise RuntimeError(f"{name}(): does not support complex input")
    v, i = Cummax.apply(input, dim=wrap_dim(dim, input._a.ndim), largest=largest)
    r = getattr(return_types, name)((v, i))
    if out is not None:
        write_out(out, r, name)
        return getattr(return_types, name)(tuple(out))
    return r


def cummax(input, dim, *, out=None):
    """(values, indices) of the running maximum along dim."""
    return _cummax(input, dim, True, out)


def cummin(input, dim, *, out=None):
    """(values, indices) of the running minimum along dim."""
    return _cummax(input, dim, False, out)


Tensor.cumsum = lambda self, dim, *, dtype=None: cumsum(self, dim, dtype=dtype)
Tensor.cumprod = lambda self, dim, *, dtype=None: cumprod(self, dim, dtype=dtype)
Tensor.cummax = cummax
Tensor.cummin = cummin

__all__ = ["cumsum", "cumprod", "cummax", "cummin"]

