"""Normalisation primitives: layer_norm (over the trailing dims) and batch_norm (per channel,
over the batch and any length dims), forward and backward side by side.

Statistics are computed in float64 and rounded to the tensor's dtype, as torch's CPU
kernels accumulate float32 in double; the output is then x * scale + shift in the tensor's
dtype.  Backward runs in NumPy; when a graph of the backward is asked for (create_graph=True)
it is written with Tensor ops instead, so second derivatives work.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._size import Size
from .._tensor import _wrap
from ..autograd.function import NOCTX, NONE, Op
from ..autograd.grad_mode import ENABLED
from ._inplace import bump_version
from ._pw import F16, F32, not_implemented

__all__: list = []

_F64 = np.float64
_add_reduce = np.add.reduce


def _work(a, kernel):
    """The array to compute on: float16 widened; torch's error for non-float dtypes."""
    if a.dtype.kind != "f":
        raise not_implemented(kernel, D.NP_TO_TORCH[a.dtype])
    return a.astype(F32) if a.dtype == F16 else a


def _moments(x, axes):
    """Mean and biased variance along axes, accumulated in float64 (keepdims)."""
    x64 = x.astype(_F64)
    mean = x64.mean(axis=axes, keepdims=True)
    d = x64 - mean
    var = np.mean(d * d, axis=axes, keepdims=True)
    return mean, var


# ---------------------------------------------------------------- layer_norm
class LayerNorm(Op):
    """(x - mean) / sqrt(var + eps) * weight + bias over the last len(normalized_shape) dims."""

    name = "NativeLayerNormBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, x, w, b, k=1, eps=1e-5):
        a = _work(x, "LayerNormKernelImpl")
        shape = a.shape
        n = 1
        for s in shape[len(shape) - k:]:
            n *= s
        # rows of the normalised elements; statistics in float64, one rounding at the end
        rows = a.reshape(-1, n).astype(_F64)
        mean = _add_reduce(rows, 1, keepdims=True)
        mean /= n
        rows -= mean
        var = _add_reduce(rows * rows, 1, keepdims=True)
        var /= n
        var += eps
        rstd = np.sqrt(var, out=var)
        np.divide(1.0, rstd, out=rstd)
        rows *= rstd
        y = rows.astype(a.dtype).reshape(shape)
        if ctx is not NOCTX:
            stat = shape[:len(shape) - k] + (1,) * k
            ctx.axes, ctx.k, ctx.eps = tuple(range(a.ndim - k, a.ndim)), k, eps
            ctx.mean = mean.astype(a.dtype).reshape(stat)
            ctx.rstd = rstd.astype(a.dtype).reshape(stat)
        if w is not None:
            y *= w
        if b is not None:
            y += b
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, w, b = ctx.inputs
        need = ctx.needs_input_grad
        axes = ctx.axes
        batch = tuple(range(x._a.ndim - ctx.k))
        if ENABLED[0]:
            # create_graph: the same formulas with Tensor ops, recomputing the statistics
            mean = x.mean(axes, keepdim=True)
            xc = x - mean
            rstd = ((xc * xc).mean(axes, keepdim=True) + ctx.eps).rsqrt()
            xhat = xc * rstd
            gx = gw = gb = None
            gh = g * w if w is not None else g
            if need[0]:
                gx = rstd * (gh - gh.mean(axes, keepdim=True)
                             - xhat * (gh * xhat).mean(axes, keepdim=True))
            if need[1]:
                gw = (g * xhat).sum(batch) if batch else g * xhat
            if need[2]:
                gb = g.sum(batch) if batch else g
            return gx, gw, gb
        ga = g._a
        dt = ga.dtype
        xa = x._a.astype(dt, copy=False)
        xhat = (xa - ctx.mean) * ctx.rstd
        gx = gw = gb = None
        if need[0]:
            gh = ga * w._a if w is not None else ga
            n = 1
            for i in axes:
                n *= xa.shape[i]
            s1 = gh.sum(axis=axes, keepdims=True)
            s2 = (gh * xhat).sum(axis=axes, keepdims=True)
            gx = _wrap((ctx.rstd / dt.type(n)) * (dt.type(n) * gh - s1 - xhat * s2))
        if need[1]:
            gw = _wrap((ga * xhat).sum(axis=batch) if batch else ga * xhat)
        if need[2]:
            gb = _wrap(ga.sum(axis=batch) if batch else ga.copy())
        return gx, gw, gb


def _shape_list(s):
    return "[" + ", ".join(str(v) for v in s) + "]"


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5):
    """Normalise over the trailing dims given by normalized_shape, then scale and shift."""
    if not isinstance(normalized_shape, (tuple, list)) and type(normalized_shape).__name__ != "Size":
        raise TypeError("layer_norm(): argument 'normalized_shape' (position 2) must be tuple of "
                        f"ints, not {type(normalized_shape).__name__}")
    ns = tuple(int(s) for s in normalized_shape)
    k = len(ns)
    shape = input._a.shape
    if k == 0:
        raise RuntimeError("Expected normalized_shape to be at least 1-dimensional, i.e., "
                           "containing at least one element, but got normalized_shape = []")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and tuple(t._a.shape) != ns:
            raise RuntimeError(f"Expected {name} to be of same shape as normalized_shape, but got "
                               f"{name} of shape {_shape_list(t._a.shape)} and normalized_shape = "
                               f"{_shape_list(ns)}")
    if len(shape) < k or tuple(shape[len(shape) - k:]) != ns:
        raise RuntimeError(f"Given normalized_shape={_shape_list(ns)}, expected input with shape "
                           f"[*, {', '.join(str(s) for s in ns)}], but got input of size"
                           f"{_shape_list(shape)}")
    return LayerNorm.apply(input, weight, bias, k=k, eps=eps)


# ---------------------------------------------------------------- batch_norm
class BatchNorm(Op):
    """Per-channel (dim 1) normalisation with batch statistics (training) or given ones."""

    name = "NativeBatchNormBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, x, w, b, mean=None, invstd=None, training=True, eps=1e-5):
        a = _work(x, "batch_norm")
        shape = [1] * a.ndim
        shape[1] = a.shape[1]
        # the statistics arrive in float64 (batch's or running ones), rounded here as torch does
        mean = mean.reshape(shape).astype(a.dtype)
        invstd = invstd.reshape(shape).astype(a.dtype)
        ctx.axes, ctx.training, ctx.eps = (0,) + tuple(range(2, a.ndim)), training, eps
        ctx.mean, ctx.invstd = mean, invstd
        # y = x * alpha + beta with alpha = invstd * weight, beta = bias - mean * alpha
        alpha = invstd if w is None else invstd * w.reshape(shape)
        beta = -mean * alpha
        if b is not None:
            beta += b.reshape(shape)
        y = a * alpha
        y += beta
        return y.astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x, w, b = ctx.inputs[:3]
        need = ctx.needs_input_grad
        axes = ctx.axes
        nd = x._a.ndim
        shape = [1] * nd
        shape[1] = x._a.shape[1]
        if ENABLED[0]:
            return _batch_norm_backward_graph(ctx, g, x, w, axes, shape, need)
        ga = g._a
        dt = ga.dtype
        xhat = (x._a.astype(dt, copy=False) - ctx.mean) * ctx.invstd
        gx = gw = gb = None
        wv = w._a.reshape(shape) if w is not None else None
        sum_g = ga.sum(axis=axes, keepdims=True)
        sum_gx = (ga * xhat).sum(axis=axes, keepdims=True)
        if need[0]:
            scale = ctx.invstd if wv is None else ctx.invstd * wv
            if ctx.training:
                n = ga.size // ga.shape[1]
                gx = scale * (ga - sum_g / dt.type(n) - xhat * (sum_gx / dt.type(n)))
            else:
                gx = ga * scale
            gx = _wrap(gx)
        if need[1]:
            gw = _wrap(sum_gx.reshape(-1))
        if need[2]:
            gb = _wrap(sum_g.reshape(-1))
        return gx, gw, gb


def _batch_norm_backward_graph(ctx, g, x, w, axes, shape, need):
    """batch_norm's backward as Tensor ops (create_graph=True)."""
    if ctx.training:
        mean = x.mean(axes, keepdim=True)
        xc = x - mean
        invstd = ((xc * xc).mean(axes, keepdim=True) + ctx.eps).rsqrt()
    else:
        mean = _wrap(ctx.mean)
        xc = x - mean
        invstd = _wrap(ctx.invstd)
    xhat = xc * invstd
    wv = w.reshape(shape) if w is not None else None
    gx = gw = gb = None
    if need[0]:
        scale = invstd if wv is None else invstd * wv
        if ctx.training:
            gx = scale * (g - g.mean(axes, keepdim=True)
                          - xhat * (g * xhat).mean(axes, keepdim=True))
        else:
            gx = g * scale
    if need[1]:
        gw = (g * xhat).sum(axes)
    if need[2]:
        gb = g.sum(axes)
    return gx, gw, gb


def batch_norm(input, running_mean, running_var, weight=None, bias=None, training=False,
               momentum=0.1, eps=1e-5):
    """Normalise each channel (dim 1); in training, with the batch's statistics, updating
    running_mean/running_var in place (unbiased variance) when given."""
    a = input._a
    c = a.shape[1] if a.ndim > 1 else 0
    for name, t in (("weight", weight), ("bias", bias), ("running_mean", running_mean),
                    ("running_var", running_var)):
        if t is not None and t._a.size != c:
            raise RuntimeError(f"{name} should contain {c} elements not {t._a.size}")
    if a.ndim < 2:
        raise RuntimeError(f"batch_norm: expected input with at least 2 dimensions, got {a.ndim}")
    _work(a[:0], "batch_norm")
    if training:
        n = a.size // c if c else 0
        if n <= 1:
            raise ValueError("Expected more than 1 value per channel when training, got input "
                             f"size {Size(a.shape)}")
        axes = (0,) + tuple(range(2, a.ndim))
        m64, v64 = _moments(a, axes)
        m64, v64 = m64.reshape(-1), v64.reshape(-1)
        y = BatchNorm.apply(input, weight, bias, mean=m64, invstd=1.0 / np.sqrt(v64 + eps),
                            training=True, eps=eps)
        _update_running(running_mean, running_var, momentum, m64, v64 * (n / (n - 1)))
        return y
    if running_mean is None or running_var is None:
        raise RuntimeError("running_mean must be defined in evaluation mode")
    invstd = 1.0 / np.sqrt(running_var._a.astype(_F64) + eps)
    return BatchNorm.apply(input, weight, bias, mean=running_mean._a.astype(_F64), invstd=invstd,
                           training=False, eps=eps)


def _update_running(running_mean, running_var, momentum, mean, var):
    """running = (1 - momentum) * running + momentum * batch statistic, in float64 then
    rounded, as torch's CPU kernel does; written in place (views and optimisers see it)."""
    for t, stat in ((running_mean, mean), (running_var, var)):
        if t is not None:
            ra = t._a
            ra[...] = momentum * stat + (1 - momentum) * ra.astype(_F64)
            bump_version(t)
