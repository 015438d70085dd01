"""Spread and size reductions: var, std, var_mean, std_mean and norm (torch.norm's vector
norms, 'fro' and 'nuc') — forward (NumPy) and backward (Tensor ops) side by side."""
from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ..autograd.function import NOCTX, NONE, Op
from ..autograd.grad_mode import ENABLED
from .reduction import (constant, keep_shape, mean, reduce_dims, reduced_count, unsqueeze_back,
                        write_out)

_add = np.add.reduce
_INF = float("inf")


# ---------------------------------------------------------------- var, std
def _correction(name, dim, unbiased, correction):
    """torch's overloads: var(dim, unbiased, keepdim), var(unbiased) and var(dim, correction=)."""
    if isinstance(dim, bool):
        if unbiased is not None:
            raise TypeError(f"{name}(): argument 'dim' must be tuple of ints, not bool")
        dim, unbiased = None, dim
    if unbiased is not None and correction is not None:
        raise TypeError(f"{name}() received an invalid combination of arguments - got both "
                        "'unbiased' and 'correction'")
    if correction is None:
        correction = 0 if unbiased is False else 1
    return dim, correction


def _moments(a, dims, correction):
    """(variance with keepdim, divisor), two-pass; half precision is computed in float32."""
    if a.dtype == np.float16:
        a = a.astype(np.float32)
    n = reduced_count(a.shape, dims)
    dev = np.asarray(a - _add(a, dims, None, None, True) / n)     # n = 0: 0/0, NaN as in torch
    if dev.dtype.kind == "c":
        dev = np.abs(dev)
    np.multiply(dev, dev, out=dev)
    div = max(0, n - correction)
    return _add(dev, dims, None, None, True) / div, div


class Var(Op):
    """var and std (``root``); the result is real (complex input gives its real dtype)."""

    name = "VarBackward0"
    kind = NONE
    save_output = True

    @staticmethod
    def forward(ctx, a, dims=None, keepdim=False, correction=1, root=False, name=None):
        ctx.dims, ctx.keepdim, ctx.shape, ctx.root = dims, keepdim, a.shape, root
        ctx.name = name or ("StdBackward0" if root else "VarBackward0")
        v, div = _moments(a, dims, correction)
        ctx.div = div
        r = np.sqrt(v) if root else v
        if not keepdim:
            r = r.reshape([s for i, s in enumerate(a.shape) if dims is not None and i not in dims])
        return r.astype(a.real.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        dev = x - mean(x, ctx.dims, True)
        if not ctx.root:
            return (unsqueeze_back(ctx, g) * dev * (2.0 / ctx.div),)
        # d std = dev / (std * div); where std is 0 every deviation is 0 and torch gives 0
        s = unsqueeze_back(ctx, ctx.out)
        safe = s + constant((s._a == 0).astype(s._a.dtype))
        return (unsqueeze_back(ctx, g) * dev / (safe * ctx.div),)


def _var_std(name, input, dim, unbiased, keepdim, correction, out, root, gname=None):
    if input.dtype.category < D.FLOAT:
        raise RuntimeError("std and var only support floating point and complex dtypes")
    dim, c = _correction(name, dim, unbiased, correction)
    a = input._a
    dims = reduce_dims(dim, a.ndim)
    if reduced_count(a.shape, dims) - c <= 0:
        warnings.warn(f"{name}(): degrees of freedom is <= 0. Correction should be strictly less "
                      "than the reduction factor (input numel divided by output numel).",
                      UserWarning, stacklevel=3)
    if out is None and not (input.requires_grad and ENABLED[0]):
        return _wrap(Var.forward(NOCTX, a, dims, keepdim, c, root))
    r = Var.apply(input, dims=dims, keepdim=keepdim, correction=c, root=root, name=gname)
    return r if out is None else write_out(out, r, name)


def var(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None) -> Tensor:
    """Variance over dim with Bessel's correction (correction=1) unless told otherwise."""
    return _var_std("var", input, dim, unbiased, keepdim, correction, out, False)


def std(input, dim=None, unbiased=None, keepdim=False, *, correction=None, out=None) -> Tensor:
    """Standard deviation over dim with Bessel's correction (correction=1) unless told otherwise."""
    return _var_std("std", input, dim, unbiased, keepdim, correction, out, True)


def var_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(var, mean) over dim."""
    v = _var_std("var_mean", input, dim, unbiased, keepdim, correction, None, False,
                 "VarMeanBackward0")
    dim = _correction("var_mean", dim, unbiased, correction)[0]
    return v, mean(input, dim, keepdim, _name="VarMeanBackward0")


def std_mean(input, dim=None, unbiased=None, keepdim=False, *, correction=None):
    """(std, mean) over dim."""
    s = _var_std("std_mean", input, dim, unbiased, keepdim, correction, None, True,
                 "StdMeanBackward0")
    dim = _correction("std_mean", dim, unbiased, correction)[0]
    return s, mean(input, dim, keepdim, _name="StdMeanBackward0")


# ---------------------------------------------------------------- norm
def _vector_norm(a, p, dims):
    """The p-norm of a over dims (None: all) with keepdim=True; a is real or complex."""
    if a.dtype == np.float16:       # torch accumulates half precision in float
        return _vector_norm(a.astype(np.float32), p, dims).astype(np.float16)
    x = np.abs(a) if a.dtype.kind == "c" or p != 2 else a
    if p == 2:
        if dims is None and x.flags.c_contiguous:
            f = x.reshape(-1)
            return np.sqrt(np.dot(f, f)).reshape(keep_shape(a.shape, None))
        return np.sqrt(_add(x * x, dims, None, None, True))
    if p == 1:
        return _add(x, dims, None, None, True)
    if p == _INF:
        return np.maximum.reduce(x, dims, None, None, True)
    if p == -_INF:
        return np.minimum.reduce(x, dims, None, None, True)
    if p == 0:
        return _add(x != 0, dims, x.dtype, None, True)
    return _add(x ** p, dims, None, None, True) ** (1.0 / p)


class Norm(Op):
    name = "LinalgVectorNormBackward0"
    kind = NONE
    save_output = True

    @staticmethod
    def forward(ctx, a, p=2, dims=None, keepdim=False, npd=None):
        if npd is not None and a.dtype != npd:
            a = a.astype(npd)
        ctx.dims, ctx.keepdim, ctx.shape, ctx.p = dims, keepdim, a.shape, p
        r = _vector_norm(a, p, dims)
        if not keepdim:
            r = r.reshape([s for i, s in enumerate(a.shape) if dims is not None and i not in dims])
        return r.astype(a.real.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        p = ctx.p
        n = unsqueeze_back(ctx, ctx.out)
        g = unsqueeze_back(ctx, g)
        if p == 0:
            return (None,)          # torch leaves the gradient of the 0-"norm" undefined
        if p == 2:
            # x / norm, and 0 where the norm is 0 (x is all zeros there)
            safe = n + constant((n._a == 0).astype(n._a.dtype))
            return (g * x / safe,)
        a, na = x._a, n._a
        sign = np.sign(a) if a.dtype.kind != "c" else a / np.where(a == 0, 1, np.abs(a))
        if p == 1:
            return (g * constant(sign),)
        ax = np.abs(a)
        if p in (_INF, -_INF):
            # shared evenly between the entries that attain the max (min) magnitude
            mask = ax == na
            w = sign * mask / _add(mask, ctx.dims, ax.dtype, None, True)
            return (g * constant(w),)
        with np.errstate(all="ignore"):
            w = sign * (ax / na) ** (p - 1)
        w = np.where((ax == 0) | (na == 0), 0, w)
        return (g * constant(w),)


class NuclearNorm(Op):
    """The sum of singular values of a matrix (torch names its node SumBackward1)."""

    name = "SumBackward1"
    kind = NONE

    @staticmethod
    def forward(ctx, a, dims=(0, 1), keepdim=False, npd=None):
        if npd is not None and a.dtype != npd:
            a = a.astype(npd)
        m = np.moveaxis(a, dims, (-2, -1))
        u, s, vh = np.linalg.svd(m, full_matrices=False)
        ctx.dims, ctx.keepdim, ctx.shape = dims, keepdim, a.shape
        # d(sum of singular values)/dA = U V^H
        ctx.w = np.moveaxis(u @ vh, (-2, -1), dims)
        r = s.sum(-1)
        if keepdim:
            r = np.expand_dims(r, tuple(sorted(dims)))
        return r.astype(a.real.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        return (unsqueeze_back(ctx, g) * constant(ctx.w),)


def _inf_name(p):
    return "inf" if p > 0 else "-inf"


def _norm_dtype(input, dtype, fname="linalg.vector_norm"):
    d = input.dtype
    if d.category < D.FLOAT:
        raise RuntimeError(f"{fname}: Expected a floating point or complex tensor as "
                           f"input. Got {d.type_name}")
    if dtype is None:
        return None
    if dtype.category < D.FLOAT:
        raise RuntimeError(f"{fname}: dtype should be floating point or complex, but got "
                           f"{dtype.type_name}")
    if D.promote_types(d, dtype) is not dtype:
        raise RuntimeError(f"{fname}: the dtype of the input ({d.type_name}) should be "
                           "convertible without narrowing to the specified dtype "
                           f"({dtype.type_name})")
    return dtype.np


def norm(input, p="fro", dim=None, keepdim=False, out=None, dtype=None) -> Tensor:
    """The p-norm over dim: a number p is a vector norm, 'fro' the 2-norm, 'nuc' the nuclear."""
    if isinstance(p, str):
        if p == "fro":
            p = 2
            if isinstance(dim, (tuple, list)) and len(dim) > 2:
                raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got "
                                   + " ".join(map(str, dim)))
        elif p == "nuc":
            return _nuclear(input, dim, keepdim, out, dtype)
        else:
            raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
    elif p is None:
        p = 2
    return _vector_norm_of(input, p, dim, keepdim, dtype, out, "norm")


def vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None, out=None) -> Tensor:
    """torch.linalg.vector_norm: the ord-norm of the entries over dim (every entry by default);
    ord is any real number or +-inf (0 counts the non-zero entries)."""
    if isinstance(ord, Tensor):
        ord = ord.item()
    if isinstance(ord, (complex, np.complexfloating)):
        raise RuntimeError("linalg.vector_norm: Expected a non-complex scalar as the order of "
                           "norm.")
    if not isinstance(ord, (int, float, np.number)):
        raise TypeError("linalg_vector_norm(): argument 'ord' (position 2) must be Number, not "
                        f"{type(ord).__name__}")
    return _vector_norm_of(x, ord, dim, keepdim, dtype, out, "linalg_vector_norm")


def _vector_norm_of(input, p, dim, keepdim, dtype, out, outname):
    """The vector p-norm shared by torch.norm and torch.linalg.vector_norm (p a number)."""
    a = input._a
    npd = _norm_dtype(input, dtype)
    p = float(p)
    dims = reduce_dims(dim, a.ndim)
    if np.isinf(p):
        if a.size == 0 and dims is None:
            raise RuntimeError(f"linalg.vector_norm cannot compute the {_inf_name(p)} norm on an "
                               "empty tensor because the operation does not have an identity")
        for d in dims or ():
            if a.shape[d] == 0:
                # (torch's message lacks the space after the dim)
                raise RuntimeError(f"linalg.vector_norm cannot compute the {_inf_name(p)} norm on "
                                   f"the dimension {d}because this dimension is empty and the "
                                   "operation does not have an identity")
    p = int(p) if p.is_integer() else p
    if out is None and not (input.requires_grad and ENABLED[0]):
        return _wrap(Norm.forward(NOCTX, a, p, dims, keepdim, npd))
    r = Norm.apply(input, p=p, dims=dims, keepdim=keepdim, npd=npd)
    return r if out is None else write_out(out, r, outname)


def _nuclear(input, dim, keepdim, out, dtype):
    a = input._a
    if dim is None:
        if a.ndim < 2:
            raise RuntimeError("linalg.matrix_norm: The input tensor A must have at least 2 "
                               "dimensions.")
        dim = (a.ndim - 2, a.ndim - 1)
    if not isinstance(dim, (tuple, list)) or len(dim) != 2:
        got = " ".join(map(str, dim)) if isinstance(dim, (tuple, list)) else str(dim)
        raise RuntimeError(f"linalg.matrix_norm: dim must be a 2-tuple. Got {got}")
    dims = reduce_dims(dim, a.ndim)
    r = NuclearNorm.apply(input, dims=dims, keepdim=keepdim, npd=_norm_dtype(input, dtype))
    return r if out is None else write_out(out, r, "norm")


# ---------------------------------------------------------------- Tensor methods
Tensor.var = var
Tensor.std = std
Tensor.norm = lambda self, p="fro", dim=None, keepdim=False, dtype=None: norm(
    self, p, dim, keepdim, dtype=dtype)

__all__ = ["var", "std", "var_mean", "std_mean", "norm"]

