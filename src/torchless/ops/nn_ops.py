"""Fused ops that need their own primitive for numerical stability: softmax, log_softmax.

Both subtract the maximum along ``dim`` before exponentiating, so large inputs don't overflow;
float16 is computed in float32 and rounded once.  ``dtype=`` casts the input first, as torch
does (the cast happens inside the op, so the graph has no separate ToCopyBackward0 node).
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, wrap_dim
from ..autograd.function import NONE, Op
from ._pw import F16, F32, check_tensor, not_implemented


def _prepare(ctx, a, dim, dtype, kernel):
    """The array to work on (cast to dtype, float16 widened) and the wrapped dim."""
    d = wrap_dim(dim, a.ndim)
    if dtype is not None:
        # torch casts complex to a real dtype by dropping the imaginary part
        a = (a.real if a.dtype.kind == "c" and dtype.category < D.COMPLEX else a).astype(
            dtype.np, copy=False)
    if a.dtype.kind != "f":
        last = "lastdim_" if d == max(a.ndim - 1, 0) else ""
        raise not_implemented(f"{kernel}_{last}kernel_impl", a.dtype)
    ctx.dim = d
    out_dtype = a.dtype
    if a.ndim == 0:
        a = a.reshape(1)        # a 0-dim tensor acts as a 1-element vector
    return (a.astype(F32) if a.dtype == F16 else a), out_dtype, d


def _shifted(a, d):
    """a - max(a, dim), a fresh array."""
    m = np.max(a, axis=d, keepdims=True) if a.shape[d] else a
    return a - m


class Softmax(Op):
    name = "SoftmaxBackward0"
    kind = NONE
    save_output = True

    @staticmethod
    def forward(ctx, a, dim=None, dtype=None):
        shape = a.shape
        a, out_dtype, d = _prepare(ctx, a, dim, dtype, "softmax")
        e = _shifted(a, d)
        np.exp(e, out=e)
        e /= e.sum(axis=d, keepdims=True)
        return e.astype(out_dtype, copy=False).reshape(shape)

    @staticmethod
    def backward(ctx, g):
        y = ctx.out
        return (y * (g - (g * y).sum(ctx.dim, keepdim=True)),)


class LogSoftmax(Op):
    name = "LogSoftmaxBackward0"
    kind = NONE
    save_output = True

    @staticmethod
    def forward(ctx, a, dim=None, dtype=None):
        shape = a.shape
        a, out_dtype, d = _prepare(ctx, a, dim, dtype, "log_softmax")
        s = _shifted(a, d)
        s -= np.log(np.exp(s).sum(axis=d, keepdims=True))
        return s.astype(out_dtype, copy=False).reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return (g - ctx.out.exp() * g.sum(ctx.dim, keepdim=True),)


_MISSING = object()


def _check_dim(name, dim):
    if dim is _MISSING:
        raise TypeError(f'{name}() missing 1 required positional arguments: "dim"')
    if not isinstance(dim, int):
        raise TypeError(f"{name}(): argument 'dim' (position 2) must be int, not "
                        f"{type(dim).__name__}")


def softmax(input, dim=_MISSING, dtype=None):
    """exp(input) / sum(exp(input), dim): probabilities along dim."""
    check_tensor("softmax", input)
    _check_dim("softmax", dim)
    return Softmax.apply(input, dim=dim, dtype=dtype)


def log_softmax(input, dim=_MISSING, dtype=None):
    """input - logsumexp(input, dim), computed stably."""
    check_tensor("log_softmax", input)
    _check_dim("log_softmax", dim)
    return LogSoftmax.apply(input, dim=dim, dtype=dtype)


Tensor.softmax = softmax
Tensor.log_softmax = log_softmax

__all__ = ["softmax", "log_softmax"]
