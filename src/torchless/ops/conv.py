"""Convolution (conv1d, conv2d, conv3d): im2col on a strided window view, then one batched
BLAS product per call.

Three primitive ops, each the adjoint of the others, so that gradients of any order exist:

- ``Convolution(x, w, b)``       y = w (*) x + b                  (torch's ConvolutionBackward0)
- ``ConvGradInput(g, w)``        dL/dx: the transposed convolution of g with w
- ``ConvGradWeight(x, g)``       dL/dw: the correlation of x with g

(both gradient ops are torch's ConvolutionBackwardBackward0 node).  ``pads`` is one
``(low, high)`` pair per spatial dim, so padding='same' with an even kernel needs no copy.
"""
from __future__ import annotations

import warnings
from itertools import product

import numpy as np

from .._tensor import Tensor
from ..autograd.function import NONE, Op
from .padding import pad as _constant_pad

_as_strided = np.lib.stride_tricks.as_strided
_matmul = np.matmul


def out_size(size, k, s, d, lo, hi):
    return (size + lo + hi - d * (k - 1) - 1) // s + 1


def _pad(x, pads, value=0):
    if any(lo or hi for lo, hi in pads):
        return np.pad(x, ((0, 0), (0, 0)) + tuple(pads), constant_values=value)
    return x


def _windows(xp, ks, stride, dilation, outs):
    """The read-only view (N, C, *out, *k) of the padded input's windows."""
    st = xp.strides
    shape = xp.shape[:2] + tuple(outs) + tuple(ks)
    strides = (st[:2] + tuple(a * s for a, s in zip(st[2:], stride))
               + tuple(a * d for a, d in zip(st[2:], dilation)))
    return _as_strided(xp, shape, strides, writeable=False)


def _prod(t):
    r = 1
    for v in t:
        r *= v
    return r


def conv_forward(x, w, stride, pads, dilation, groups):
    n = x.ndim - 2
    N, C = x.shape[:2]
    O = w.shape[0]
    ks = w.shape[2:]
    outs = tuple(out_size(x.shape[2 + i], ks[i], stride[i], dilation[i], *pads[i])
                 for i in range(n))
    G = groups
    Cg, Og = C // G, O // G
    K, L = _prod(ks), _prod(outs)
    v = _windows(_pad(x, pads), ks, stride, dilation, outs)
    if G == 1 and n == 2 and ks == (1, 1) and not any(lo or hi for lo, hi in pads) \
            and stride == (1, 1):
        cols = x.reshape(N, C, L)
        y = _matmul(w.reshape(O, C), cols)
        return y.reshape((N, O) + outs)
    # cols (G, Cg*K, N*L): one product per group
    v = v.reshape((N, G, Cg) + outs + ks)
    perm = (1, 2) + tuple(range(3 + n, 3 + 2 * n)) + (0,) + tuple(range(3, 3 + n))
    cols = v.transpose(perm).reshape(G, Cg * K, N * L)
    y = _matmul(w.reshape(G, Og, Cg * K), cols)           # (G, Og, N*L)
    y = y.reshape(O, N, L).transpose(1, 0, 2)
    return np.ascontiguousarray(y).reshape((N, O) + outs)


def conv_grad_input(g, w, xshape, stride, pads, dilation, groups):
    n = g.ndim - 2
    N, O = g.shape[:2]
    outs = g.shape[2:]
    ks = w.shape[2:]
    G = groups
    C = xshape[1]
    Cg, Og = C // G, O // G
    K, L = _prod(ks), _prod(outs)
    wm = w.reshape(G, Og, Cg * K).transpose(0, 2, 1)      # (G, Cg*K, Og)
    gm = g.reshape(N, G, Og, L)
    cols = _matmul(wm, gm).reshape((N, C) + ks + outs)  # (N, G, Cg*K, L)
    pshape = (N, C) + tuple(xshape[2 + i] + pads[i][0] + pads[i][1] for i in range(n))
    # windows that reach past the padded input (an output size rounded down) never do here
    xp = np.zeros(pshape, np.result_type(g, w))
    for kidx in product(*(range(k) for k in ks)):
        sl = (slice(None), slice(None)) + tuple(
            slice(kidx[i] * dilation[i], kidx[i] * dilation[i] + stride[i] * (outs[i] - 1) + 1,
                  stride[i]) for i in range(n))
        xp[sl] += cols[(slice(None), slice(None)) + kidx]
    if any(lo or hi for lo, hi in pads):
        xp = xp[(slice(None), slice(None)) + tuple(
            slice(lo, lo + xshape[2 + i]) for i, (lo, hi) in enumerate(pads))]
        xp = np.ascontiguousarray(xp)
    return xp


def conv_grad_weight(x, g, ks, stride, pads, dilation, groups):
    n = x.ndim - 2
    N, C = x.shape[:2]
    O = g.shape[1]
    outs = g.shape[2:]
    G = groups
    Cg, Og = C // G, O // G
    K, L = _prod(ks), _prod(outs)
    v = _windows(_pad(x, pads), ks, stride, dilation, outs).reshape((N, G, Cg) + outs + ks)
    perm = (1, 0) + tuple(range(3, 3 + n)) + (2,) + tuple(range(3 + n, 3 + 2 * n))
    cols = v.transpose(perm).reshape(G, N * L, Cg * K)
    gm = g.reshape(N, G, Og, L).transpose(1, 2, 0, 3).reshape(G, Og, N * L)
    return _matmul(gm, cols).reshape((O, Cg) + tuple(ks))


def _bias_shape(b, n):
    return b.reshape((-1,) + (1,) * n)


class Convolution(Op):
    """y = conv(x, w) + b; params stride, pads ((lo, hi) per dim), dilation, groups."""

    name = "ConvolutionBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, x, w, b=None, stride=(1,), pads=((0, 0),), dilation=(1,), groups=1):
        ctx.p = (stride, pads, dilation, groups)
        y = conv_forward(x, w, stride, pads, dilation, groups)
        if b is not None:
            y += _bias_shape(b, x.ndim - 2)
        return y

    @staticmethod
    def backward(ctx, g):
        x, w, b = ctx.inputs
        need = ctx.needs_input_grad
        stride, pads, dilation, groups = ctx.p
        gx = gw = gb = None
        if need[0]:
            gx = ConvGradInput.apply(g, w, xshape=x._a.shape, stride=stride, pads=pads,
                                     dilation=dilation, groups=groups)
        if need[1]:
            gw = ConvGradWeight.apply(x, g, ks=w._a.shape[2:], stride=stride, pads=pads,
                                      dilation=dilation, groups=groups)
        if need[2]:
            gb = g.sum((0,) + tuple(range(2, g.ndim)))
        return gx, gw, gb


class ConvGradInput(Op):
    """The input gradient of a convolution: linear in g and in w."""

    name = "ConvolutionBackwardBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, g, w, xshape=(), stride=(1,), pads=((0, 0),), dilation=(1,), groups=1):
        ctx.p = (stride, pads, dilation, groups)
        return conv_grad_input(g, w, xshape, stride, pads, dilation, groups)

    @staticmethod
    def backward(ctx, h):
        g, w = ctx.inputs
        need = ctx.needs_input_grad
        stride, pads, dilation, groups = ctx.p
        dg = dw = None
        if need[0]:
            dg = Convolution.apply(h, w, None, stride=stride, pads=pads, dilation=dilation,
                                   groups=groups)
        if need[1]:
            dw = ConvGradWeight.apply(h, g, ks=w._a.shape[2:], stride=stride, pads=pads,
                                      dilation=dilation, groups=groups)
        return dg, dw


class ConvGradWeight(Op):
    """The weight gradient of a convolution: linear in x and in g."""

    name = "ConvolutionBackwardBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, x, g, ks=(), stride=(1,), pads=((0, 0),), dilation=(1,), groups=1):
        ctx.p = (stride, pads, dilation, groups)
        return conv_grad_weight(x, g, tuple(ks), stride, pads, dilation, groups)

    @staticmethod
    def backward(ctx, h):
        x, g = ctx.inputs
        need = ctx.needs_input_grad
        stride, pads, dilation, groups = ctx.p
        dx = dg = None
        if need[0]:
            dx = ConvGradInput.apply(g, h, xshape=x._a.shape, stride=stride, pads=pads,
                                     dilation=dilation, groups=groups)
        if need[1]:
            dg = Convolution.apply(x, h, None, stride=stride, pads=pads, dilation=dilation,
                                   groups=groups)
        return dx, dg


# ---------------------------------------------------------------- argument handling
def _shape_str(shape):
    return "[" + ", ".join(str(s) for s in shape) + "]"


def _expand(name, v, n, nd_weight):
    if isinstance(v, int):
        v = (v,) * n
    v = tuple(int(a) for a in v)
    if len(v) == 1 and nd_weight != 1:
        v = v * nd_weight
    if len(v) != nd_weight:
        raise RuntimeError(f"expected {name} to be a single integer value or a list of "
                           f"{nd_weight} values to match the convolution dimensions, but got "
                           f"{name}={list(v)}")
    return v


_CNAME = {"float32": "float", "float64": "double", "float16": "c10::Half",
          "bfloat16": "c10::BFloat16", "int64": "long int", "int32": "int"}


def convolution(input, weight, bias, stride, padding, dilation, groups, n):
    """conv{n}d with torch's checks and messages."""
    fname = f"conv{n}d"
    for name, pos, t in (("input", 1, input), ("weight", 2, weight)):
        if not isinstance(t, Tensor):
            raise TypeError(f"{fname}() received an invalid combination of arguments - got "
                            f"{name} of type {type(t).__name__}")
    xa, wa = input._a, weight._a
    if xa.ndim not in (n + 1, n + 2):
        raise RuntimeError(f"Expected {n + 1}D (unbatched) or {n + 2}D (batched) input to "
                           f"{fname}, but got input of size: {_shape_str(xa.shape)}")
    unbatched = xa.ndim == n + 1
    xshape = (1,) + xa.shape if unbatched else xa.shape
    nw = wa.ndim - 2
    stride = _expand("stride", stride, n, nw)
    if isinstance(padding, str):
        pstr = padding
    else:
        pstr = None
        padding = _expand("padding", padding, n, nw)
    dilation = _expand("dilation", dilation, n, nw)
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if pstr is None and any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(d <= 0 for d in dilation):
        raise RuntimeError("non-positive dilation is not supported")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    ks = wa.shape[2:]
    if pstr is not None:
        if pstr == "valid":
            pads = ((0, 0),) * nw
        elif pstr == "same":
            if any(s != 1 for s in stride):
                raise RuntimeError("padding='same' is not supported for strided convolutions")
            pads = []
            if any(d % 2 and not k % 2 for k, d in zip(ks, dilation)):
                warnings.warn("Using padding='same' with even kernel lengths and odd dilation may "
                              "require a zero-padded copy of the input be created", UserWarning,
                              stacklevel=3)
            for k, d in zip(ks, dilation):
                total = d * (k - 1)
                pads.append((total // 2, total - total // 2))
            pads = tuple(pads)
        else:
            raise RuntimeError(f"Invalid padding string: '{pstr}'")
    else:
        pads = tuple((p, p) for p in padding)
    if wa.shape[0] % groups:
        raise RuntimeError(f"Given groups={groups}, expected weight to be divisible by {groups} "
                           f"at dimension 0, but got weight of size [{_shape_str(wa.shape)}] "
                           "instead")
    if xshape[1] != wa.shape[1] * groups:
        raise RuntimeError(f"Given groups={groups}, weight of size {_shape_str(wa.shape)}, "
                           f"expected input{_shape_str(xshape)} to have {wa.shape[1] * groups} "
                           f"channels, but got {xshape[1]} channels instead")
    if bias is not None and (bias._a.ndim != 1 or bias._a.shape[0] != wa.shape[0]):
        raise RuntimeError(f"Given weight of size {_shape_str(wa.shape)}, expected bias to be "
                           f"1-dimensional with {wa.shape[0]} elements, but got bias of size "
                           f"{_shape_str(bias._a.shape)} instead")
    padded = [xshape[2 + i] + pads[i][0] + pads[i][1] for i in range(nw)]
    kd = [dilation[i] * (ks[i] - 1) + 1 for i in range(nw)]
    if any(p < k for p, k in zip(padded, kd)):
        raise RuntimeError("Calculated padded input size per channel: ("
                           + " x ".join(map(str, padded)) + "). Kernel size: ("
                           + " x ".join(map(str, kd)) + "). Kernel size can't be greater than "
                           "actual input size")
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"Input type ({input.dtype.legacy}) and weight type "
                           f"({weight.dtype.legacy}) should be the same or input should be a "
                           "MKLDNN tensor and weight is a dense tensor")
    if bias is not None and bias.dtype is not weight.dtype:
        raise RuntimeError(f"Input type ({_CNAME.get(input.dtype.name, input.dtype.name)}) and "
                           f"bias type ({_CNAME.get(bias.dtype.name, bias.dtype.name)}) should "
                           "be the same")
    x = input.unsqueeze(0) if unbatched else input
    if any(lo != hi for lo, hi in pads):
        # torch pads the extra element on the high side as a separate op (ConstantPadNd)
        extra = []
        for lo, hi in reversed(pads):
            extra += [0, hi - lo]
        x = _constant_pad(x, extra)
        pads = tuple((lo, lo) for lo, _ in pads)
    y = Convolution.apply(x, weight, bias, stride=stride, pads=pads, dilation=dilation,
                          groups=groups)
    return y.squeeze(0) if unbatched else y


def conv1d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """1-D convolution over (N, C, L) or (C, L) input."""
    return convolution(input, weight, bias, stride, padding, dilation, groups, 1)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """2-D convolution over (N, C, H, W) or (C, H, W) input."""
    return convolution(input, weight, bias, stride, padding, dilation, groups, 2)


def conv3d(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1):
    """3-D convolution over (N, C, D, H, W) or (C, D, H, W) input."""
    return convolution(input, weight, bias, stride, padding, dilation, groups, 3)


__all__ = ["conv1d", "conv2d", "conv3d"]
