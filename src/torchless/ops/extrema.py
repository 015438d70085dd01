"""Extremes: max/min (whole tensor, along a dim, or elementwise against another tensor),
amax/amin, aminmax, argmax/argmin — forward (NumPy) and backward side by side.

Ties: indices name the first extreme; the gradient of a whole-tensor max (and of amax) is
shared evenly between tied extremes, that of max(dim) goes to the index it reports.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, wrap_dim
from ..autograd.function import NONE, Op
from ..autograd.grad_mode import ENABLED
from .reduction import (PutAlong, check_empty, constant, one_dim, reduce_dims, return_types,
                        unsqueeze_back, write_out)

_add = np.add.reduce
_max = np.maximum.reduce
_min = np.minimum.reduce
_COMPLEX = D.COMPLEX


def _no_complex(name, d):
    if d.category == D.COMPLEX:
        raise NotImplementedError(f'"{name}" not implemented for \'{d.type_name}\'')


class Amax(Op):
    """amax/amin and full max()/min(): the gradient is shared evenly between tied extremes."""

    name = "AmaxBackward0"
    kind = NONE
    save_output = True

    @staticmethod
    def forward(ctx, a, dims=None, keepdim=False, largest=True, name="AmaxBackward0",
                nan_ties=False):
        ctx.dims, ctx.keepdim, ctx.shape, ctx.name = dims, keepdim, a.shape, name
        ctx.nan_ties = nan_ties
        return (_max if largest else _min)(a, dims, None, None, keepdim)

    @staticmethod
    def backward(ctx, g):
        a = ctx.inputs[0]._a
        o = unsqueeze_back(ctx, ctx.out)._a
        mask = a == o
        if ctx.nan_ties:
            # full max()/min() count NaN as equal to a NaN result (amax's gradient is NaN there)
            mask |= np.isnan(a) & np.isnan(o)
        w = mask / _add(mask, ctx.dims, a.dtype, None, True)
        return (unsqueeze_back(ctx, g) * constant(w),)


def amax(input, dim=(), keepdim=False, *, out=None) -> Tensor:
    """Maximum over dim (all when empty); ties share the gradient."""
    return _amax(input, dim, keepdim, out, True, "amax", "AmaxBackward0")


def amin(input, dim=(), keepdim=False, *, out=None) -> Tensor:
    """Minimum over dim (all when empty); ties share the gradient."""
    return _amax(input, dim, keepdim, out, False, "amin", "AminBackward0")


def _amax(input, dim, keepdim, out, largest, fname, gname):
    a = input._a
    _no_complex("max_values_cpu" if largest else "min_values_cpu", input.dtype)
    dims = reduce_dims(dim, a.ndim)
    check_empty(fname, a, dims)
    if out is None and not (input.requires_grad and ENABLED[0]):
        return _wrap((_max if largest else _min)(a, dims, None, None, keepdim), input.dtype)
    r = Amax.apply(input, dims=dims, keepdim=keepdim, largest=largest, name=gname)
    if out is not None:
        if out.dtype is not input.dtype:
            raise RuntimeError(
                f"Expected the dtype for input and out to match, but got {input.dtype.type_name} "
                f"for input's dtype and {out.dtype.type_name} for out's dtype.")
        return write_out(out, r, fname)
    return r


class MaxDim(Op):
    """max(dim)/min(dim): values and the index of the first extreme; the gradient goes there."""

    name = "MaxBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, dim=0, keepdim=False, largest=True):
        ctx.dims, ctx.keepdim, ctx.shape = (dim,), keepdim, a.shape
        ctx.non_differentiable = (1,)
        if not largest:
            ctx.name = "MinBackward0"
        if a.ndim == 0:
            ctx.idx = idx = np.zeros((), np.int64)
            return a.copy(), idx
        idx = (np.argmax if largest else np.argmin)(a, dim, keepdims=True)
        ctx.idx = idx
        vals = np.take_along_axis(a, idx, dim)
        if not keepdim:
            idx, vals = idx.squeeze(dim), vals.squeeze(dim)
        return vals, idx

    @staticmethod
    def backward(ctx, g, _gi=None):
        return (PutAlong.apply(g, idx=ctx.idx, dim=ctx.dims[0], shape=ctx.shape),)


def _max_min(input, dim, keepdim, out, largest):
    name = "max" if largest else "min"
    if isinstance(dim, Tensor):
        other = dim                # torch.max(input, other) is the elementwise maximum
        return getattr(input, "maximum" if largest else "minimum")(other)
    a = input._a
    if dim is None:
        _no_complex(name + "_all", input.dtype)
        check_empty(name, a, None)
        r = Amax.apply(input, dims=None, keepdim=False, largest=largest,
                       name="MaxBackward1" if largest else "MinBackward1", nan_ties=True)
        return r if out is None else write_out(out, r, name)
    if isinstance(dim, (tuple, list)) or isinstance(dim, (float, complex)):
        raise TypeError(f"{name}() received an invalid combination of arguments - got "
                        f"({type(dim).__name__}), but expected one of:\n * ()\n * (Tensor other)\n"
                        " * (int dim, bool keepdim = False)\n")
    _no_complex(name, input.dtype)
    d = wrap_dim(dim, a.ndim)
    if a.ndim:
        check_empty(name, a, (d,))
    cls = _MAX if largest else _MIN
    if out is None and a.ndim and not (input.requires_grad and ENABLED[0]):
        # no graph: two C passes (NaN propagates in both, so values and indices agree)
        i = (np.argmax if largest else np.argmin)(a, d, keepdims=keepdim)
        v = (_max if largest else _min)(a, d, None, None, keepdim)
        return tuple.__new__(cls, (_wrap(v, input.dtype), _wrap(i)))
    v, i = MaxDim.apply(input, dim=d, keepdim=keepdim, largest=largest)
    r = cls((v, i))
    if out is not None:
        if out[1].dtype is not D.int64:
            got = "int" if out[1].dtype is D.int32 else out[1].dtype.type_name
            raise RuntimeError(f"Expected out tensor to have dtype long int, but got {got} instead")
        write_out(out, r, name)
        return getattr(return_types, name)(tuple(out))
    return r


_MAX, _MIN = return_types.max, return_types.min


def max(input, dim=None, keepdim=False, *, out=None, other=None):
    """max(input): 0-dim; max(input, dim, keepdim): (values, indices); max(input, other)."""
    if dim is None and other is None and out is None and input._a.size and not (
            input.requires_grad and ENABLED[0]) and input.dtype.category != _COMPLEX:
        return _wrap(_max(input._a, None), input.dtype)       # the short path
    return _max_min(input, other if other is not None else dim, keepdim, out, True)


def min(input, dim=None, keepdim=False, *, out=None, other=None):
    """min(input): 0-dim; min(input, dim, keepdim): (values, indices); min(input, other)."""
    if dim is None and other is None and out is None and input._a.size and not (
            input.requires_grad and ENABLED[0]) and input.dtype.category != _COMPLEX:
        return _wrap(_min(input._a, None), input.dtype)
    return _max_min(input, other if other is not None else dim, keepdim, out, False)


def aminmax(input, *, dim=None, keepdim=False, out=None):
    """(min, max) over dim (all when None)."""
    d = () if dim is None else dim
    r = return_types.aminmax((_amax(input, d, keepdim, None, False, "aminmax", "AminmaxBackward0"),
                              _amax(input, d, keepdim, None, True, "aminmax", "AminmaxBackward0")))
    if out is not None:
        write_out(out, r, "aminmax")
        return return_types.aminmax(tuple(out))
    return r


def _argmax(input, dim, keepdim, out, largest):
    name = "argmax" if largest else "argmin"
    d = input.dtype
    if d is D.bool_ or d.category == D.COMPLEX:
        kind = "bool" if d is D.bool_ else "complex"
        raise RuntimeError(f"{name}(): does not support {kind} input")
    a = input._a
    f = np.argmax if largest else np.argmin
    if dim is None:
        if not a.size:
            raise IndexError(f"{name}(): Expected reduction dim to be specified for "
                             "input.numel() == 0.")
        r = np.asarray(f(a), np.int64)
        if keepdim:
            r = r.reshape((1,) * a.ndim)
    else:
        k = one_dim(dim, a.ndim, name)
        if a.ndim == 0:
            r = np.zeros((), np.int64)
        else:
            if a.shape[k] == 0:
                raise IndexError(f"{name}(): Expected reduction dim {k} to have non-zero size.")
            r = f(a, k, keepdims=keepdim)
    r = _wrap(r, D.int64)
    return r if out is None else write_out(out, r, name)


def argmax(input, dim=None, keepdim=False, *, out=None) -> Tensor:
    """Index of the first maximum over dim (of the flattened input when None)."""
    return _argmax(input, dim, keepdim, out, True)


def argmin(input, dim=None, keepdim=False, *, out=None) -> Tensor:
    """Index of the first minimum over dim (of the flattened input when None)."""
    return _argmax(input, dim, keepdim, out, False)


Tensor.amax = amax
Tensor.amin = amin
Tensor.max = max
Tensor.min = min
Tensor.aminmax = aminmax
Tensor.argmax = argmax
Tensor.argmin = argmin

__all__ = ["max", "min", "amax", "amin", "aminmax", "argmax", "argmin"]
