"""Fused ops that need their own primitive for stability or speed: softmax, log_softmax,
linear (one BLAS call plus the bias, the layer every network runs) and embedding.

softmax and log_softmax subtract the maximum along ``dim`` before exponentiating, so large inputs don't overflow;
float16 is computed in float32 and rounded once.  ``dtype=`` casts the input first, as torch
does (the cast happens inside the op, so the graph has no separate ToCopyBackward0 node).
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, wrap_dim
from ..autograd.function import NOCTX, NONE, Op, tracked
from ..autograd.grad_mode import ENABLED
from ._pw import F16, F32, check_tensor, not_implemented
from .linalg import Matmul, _mm_dtype_error, _mm_shape_error, matmul, mm
from .matmul_add import _check_addmm, addmm


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


_FAST_NP = (np.dtype(np.float32), np.dtype(np.float64))


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
        if not ENABLED[0] and y._a.dtype in _FAST_NP:
            ya, ga = y._a, g._a
            return (_wrap(ya * (ga - (ga * ya).sum(ctx.dim, keepdims=True)), g.dtype),)
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
        y = ctx.out
        if not ENABLED[0] and y._a.dtype in _FAST_NP:
            # no graph of the backward: the same formula straight on the arrays
            ga = g._a
            return (_wrap(ga - np.exp(y._a) * ga.sum(ctx.dim, keepdims=True), g.dtype),)
        return (g - y.exp() * g.sum(ctx.dim, keepdim=True),)


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


# ---------------------------------------------------------------- linear
_ndot = np.ndarray.dot
_matmul = np.matmul


def _linear_kernel(ctx, x, wt, b):
    """x @ wt (+ b) with wt = weight.T (a view): one BLAS product; the grad_fn name torch shows
    for the case goes to ctx."""
    if x.ndim == 2:
        r = _ndot(x, wt) if x.flags.c_contiguous else _matmul(x, wt)
        if b is not None:
            r += b
        else:
            ctx.name = "MmBackward0"
        return r
    shape = x.shape[:-1] + (wt.shape[1],)
    r = _matmul(x.reshape(-1, x.shape[-1]), wt)
    if b is not None:
        r += b
        ctx.name = "ViewBackward0"
    else:
        ctx.name = "SqueezeBackward4" if x.ndim == 1 else "UnsafeViewBackward0"
    return r.reshape(shape)


class Linear(Op):
    """bias + input @ weight.T for input of any rank >= 1 (weight 2-D): one BLAS product.

    Its edges come in torch's order: (bias, input, weight) for AddmmBackward0 (2-D with bias),
    (input, weight) for MmBackward0, so walks over next_functions (as the 60-minute blitz
    prints them) meet the nodes torch shows.  torch reaches the weight through a TBackward0
    node; here the product's node leads to the weight directly (the transpose is fused, which
    saves a node per layer in every backward).  Other ranks take the name of torch's last
    node for the case: ViewBackward0 (with bias), UnsafeViewBackward0 / SqueezeBackward4."""

    name = "AddmmBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, *args):
        if len(args) == 3:
            b, x, w = args
        else:
            (x, w), b = args, None
        return _linear_kernel(ctx, x, w.T, b)

    @staticmethod
    def backward(ctx, g):
        inputs = ctx.inputs
        need = ctx.needs_input_grad
        if len(inputs) == 3:
            _, x, w = inputs
            nb, nx, nw = need
        else:
            (x, w), nb = inputs, False
            nx, nw = need
        xs = x._a.shape
        if not ENABLED[0]:
            # no graph of the backward is wanted: straight NumPy, no op bookkeeping
            ga, xa, wa = g._a, x._a, w._a
            if len(xs) != 2:
                ga = ga.reshape(-1, wa.shape[0])
                xa = xa.reshape(-1, xs[-1])
            gx = _wrap(_matmul(ga, wa).reshape(xs)) if nx else None
            gw = _wrap(_matmul(ga.T, xa)) if nw else None
            gb = _wrap(ga.sum(0)) if nb else None
            return (gb, gx, gw) if len(inputs) == 3 else (gx, gw)
        g2 = g if len(xs) == 2 else g.reshape(-1, w._a.shape[0])
        gx = gw = None
        if nx:
            gx = Matmul.apply(g2, w)
            if len(xs) != 2:
                gx = gx.reshape(xs)
        if nw:
            x2 = x if len(xs) == 2 else x.reshape(-1, xs[-1])
            gw = Matmul.apply(g2, x2, ta=True)
        if len(inputs) == 2:
            return gx, gw
        # the bias gradient is g summed over the batch: the engine sums it to bias's shape
        return (g2 if nb else None), gx, gw


_LINEAR_FAST = frozenset((D.float32, D.float64))


def linear(input, weight, bias=None):
    """input @ weight.T + bias."""
    if isinstance(input, Tensor) and isinstance(weight, Tensor):
        xa, wa = input._a, weight._a
        dt = weight.dtype
        if (wa.ndim == 2 and xa.ndim and xa.shape[-1] == wa.shape[1] and input.dtype is dt
                and dt in _LINEAR_FAST and (bias is None or (
                    isinstance(bias, Tensor) and bias.dtype is dt
                    and bias._a.shape == wa.shape[:1]))):
            if ENABLED[0] and (weight.requires_grad or input.requires_grad or (
                    bias is not None and bias.requires_grad)):
                return _linear_recorded(input, weight, bias)
            # nothing to record: the forward alone
            return _wrap(_linear_kernel(NOCTX, xa, wa.T, None if bias is None else bias._a), dt)
    return _linear_general(input, weight, bias)


def _linear_recorded(input, weight, bias):
    return Linear.apply(input, weight) if bias is None else Linear.apply(bias, input, weight)


def _linear_general(input, weight, bias):
    """linear's checks with torch's messages, and the cases the fast path leaves out
    (1-D weight, bias broadcast, integer and float16 dtypes)."""
    for name, pos, t in (("input", 1, input), ("weight", 2, weight)):
        if not isinstance(t, Tensor):
            raise TypeError(f"linear(): argument '{name}' (position {pos}) must be Tensor, not "
                            f"{type(t).__name__}")
    if bias is not None and not isinstance(bias, Tensor):
        raise TypeError(f"linear(): argument 'bias' (position 3) must be Tensor, not "
                        f"{type(bias).__name__}")
    xa, wa = input._a, weight._a
    if xa.ndim == 0 or wa.ndim == 0:
        raise RuntimeError("both arguments to linear need to be at least 1D, but they are "
                           f"{xa.ndim}D and {wa.ndim}D")
    if wa.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {wa.ndim}D")
    if wa.ndim == 1:
        if bias is not None:
            raise RuntimeError("mat2 must be a matrix, got 1-D tensor")   # torch's addmm check
        return matmul(input, weight)
    rows = 1
    for s in xa.shape[:-1]:
        rows *= s
    x2 = input.reshape(rows, xa.shape[-1])
    wt = weight.t()
    if bias is None:
        if xa.shape[-1] != wa.shape[1]:
            raise _mm_shape_error(rows, xa.shape[-1], wa.shape[1], wa.shape[0])
        if input.dtype is not weight.dtype:
            raise _mm_dtype_error(input.dtype, weight.dtype)
    else:
        _check_addmm(bias, x2, wt, 1, 1)
    if input.dtype in _LINEAR_FAST and bias is None:
        return _linear_recorded(input, weight, None) if tracked(input, weight) else \
            _wrap(_linear_kernel(NOCTX, xa, wa.T, None), weight.dtype)
    r = mm(x2, wt) if bias is None else addmm(bias, x2, wt)
    return r if xa.ndim == 2 else r.reshape(xa.shape[:-1] + (wa.shape[0],))


# ---------------------------------------------------------------- embedding
class Embedding(Op):
    """weight[indices]: rows of the table; the gradient adds g's rows back into them."""

    name = "EmbeddingBackward0"
    kind = NONE
    needs_inputs = False      # backward reads the indices and shapes, not the weight

    @staticmethod
    def forward(ctx, w, idx, padding_idx=None, scale_grad_by_freq=False):
        ctx.idx, ctx.shape = idx, w.shape
        ctx.padding_idx, ctx.scale = padding_idx, scale_grad_by_freq
        return np.take(w, idx, axis=0)

    @staticmethod
    def backward(ctx, g):
        return EmbeddingDense.apply(g, idx=ctx.idx, shape=ctx.shape, padding_idx=ctx.padding_idx,
                                    scale_grad_by_freq=ctx.scale), None


class EmbeddingDense(Op):
    """embedding's weight gradient: g's rows added into a zero table at their indices (divided by
    each index's count with scale_grad_by_freq; padding_idx's row left at zero).  Its own
    backward gathers the rows again, with neither adjustment, as torch's double backward does."""

    name = "EmbeddingBackwardBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, g, idx=None, shape=(), padding_idx=None, scale_grad_by_freq=False):
        ctx.idx, ctx.padding_idx = idx, padding_idx
        flat = idx.reshape(-1)
        g2 = g.reshape(-1, shape[1])
        if scale_grad_by_freq:
            counts = np.bincount(flat, minlength=shape[0])
            g2 = g2 / counts[flat].astype(g.dtype).reshape(-1, 1)
        out = np.zeros(shape, g.dtype)
        np.add.at(out, flat, g2)
        if padding_idx is not None:
            out[padding_idx] = 0
        return out

    @staticmethod
    def backward(ctx, gg):
        r = Embedding.apply(gg, ctx.idx)
        if ctx.padding_idx is not None:
            keep = (ctx.idx != ctx.padding_idx)[..., None].astype(gg.dtype.np)
            r = r * _wrap(keep)
        return (r,)


Tensor.softmax = softmax
Tensor.log_softmax = log_softmax

__all__ = ["softmax", "log_softmax"]
