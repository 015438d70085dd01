"""Reductions: sum, nansum, mean, prod, all/any, count_nonzero, logsumexp — forward (NumPy)
and backward (Tensor ops) side by side.

Also what the other reduction-like modules (extrema, statistics, scan, sorting) share: dim
normalisation (``reduce_dims``), gradient shaping (``expand_back``, ``PutAlong``),
torch.return_types, and ``out=`` handling.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, wrap_dim
from ..autograd.function import NONE, Op
from ..autograd.grad_mode import ENABLED

_add = np.add.reduce
_mul = np.multiply.reduce
_max = np.maximum.reduce
_F32 = np.dtype(np.float32)
_I64 = np.dtype(np.int64)
_F16 = np.dtype(np.float16)
_FLOAT = D.FLOAT
_HALF = D.float16


# ---------------------------------------------------------------- shared helpers
def reduce_dims(dim, ndim):
    """``dim`` (None, an int, or a sequence of ints) as a tuple of distinct wrapped dims.

    None stands for "every dim" (dim None or empty).  A 0-dim tensor accepts dim 0 / -1 but
    has no axis to reduce, so its dims come back as ``()``."""
    if dim is None:
        return None
    if dim.__class__ is int:
        d = wrap_dim(dim, ndim)
        return (d,) if ndim else ()
    if isinstance(dim, (tuple, list)):
        if not dim:
            return None
        out = []
        for x in dim:
            w = wrap_dim(x, ndim)
            if w in out:
                raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
            out.append(w)
        return tuple(out) if ndim else ()
    if isinstance(dim, bool) or not hasattr(dim, "__index__"):
        raise TypeError(f"argument 'dim' must be tuple of ints, not {type(dim).__name__}")
    return reduce_dims(dim.__index__(), ndim)


def one_dim(dim, ndim, fname="dim"):
    """A single wrapped dim for ops that take exactly one (argmax, cumsum, sort ...)."""
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"{fname}(): argument 'dim' (position 1) must be int, not "
                        f"{type(dim).__name__}")
    return wrap_dim(dim, ndim)


def keep_shape(shape, dims):
    """The shape a reduction over ``dims`` has with keepdim=True."""
    if dims is None:
        return (1,) * len(shape)
    return tuple(1 if i in dims else s for i, s in enumerate(shape))


def reduced_count(shape, dims):
    """How many elements each output element of a reduction over ``dims`` reduces."""
    n = 1
    for i, s in enumerate(shape):
        if dims is None or i in dims:
            n *= s
    return n


def expand_back(ctx, g):
    """Broadcast a reduction's gradient back to the input's shape (ctx.dims/keepdim/shape)."""
    if not ctx.keepdim and ctx.dims is not None:
        g = g.reshape(keep_shape(ctx.shape, ctx.dims))
    return g.expand(ctx.shape)


def unsqueeze_back(ctx, g):
    """A reduction's gradient with the reduced dims restored as size 1 (broadcasts to input)."""
    if ctx.keepdim:
        return g
    return g.reshape(keep_shape(ctx.shape, ctx.dims))


def constant(a):
    """A tensor around a NumPy array computed in backward that carries no gradient."""
    return _wrap(np.asarray(a, order="C"))


def check_empty(name, a, dims):
    """torch refuses max-like reductions (no identity) over an empty dim."""
    if a.size:
        return
    if dims is None:
        raise RuntimeError(
            f"{name}(): Expected reduction dim to be specified for input.numel() == 0. Specify "
            "the reduction dim with the 'dim' argument.")
    for d in sorted(dims):
        if a.shape[d] == 0:
            raise IndexError(f"{name}(): Expected reduction dim {d} to have non-zero size.")


class PutAlong(Op):
    """Zeros of ``shape`` with g written where ``idx`` (keepdim-shaped) points along ``dim``:
    the gradient of every op that picks values by index (max(dim), sort, topk, median ...)."""

    name = "ScatterBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, g, idx=None, dim=0, shape=()):
        ctx.idx, ctx.dim, ctx.gshape = idx, dim, g.shape
        out = np.zeros(shape, g.dtype)
        if out.ndim:
            np.put_along_axis(out, idx, g.reshape(idx.shape), dim)
        else:
            out[()] = g
        return out

    @staticmethod
    def backward(ctx, g):
        return (TakeAlong.apply(g, idx=ctx.idx, dim=ctx.dim, out_shape=ctx.gshape),)


class TakeAlong(Op):
    """The values at ``idx`` along ``dim``, reshaped to out_shape (PutAlong's adjoint)."""

    name = "GatherBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, x, idx=None, dim=0, out_shape=()):
        ctx.idx, ctx.dim, ctx.shape = idx, dim, x.shape
        return (np.take_along_axis(x, idx, dim) if x.ndim else x.copy()).reshape(out_shape)

    @staticmethod
    def backward(ctx, g):
        return (PutAlong.apply(g, idx=ctx.idx, dim=ctx.dim, shape=ctx.shape),)


def write_out(out, r, name=None):
    """Copy result ``r`` into ``out`` as torch's ``out=`` does (resize with a warning, cast)."""
    if isinstance(out, (tuple, list)):
        for o, x in zip(out, r):
            write_out(o, x, name)
        return out
    if ENABLED[0] and (r.requires_grad or out.requires_grad):
        raise RuntimeError(
            f"{name}(): functions with out=... arguments don't support automatic differentiation, "
            "but one of the arguments requires grad.")
    if not D.can_cast(r.dtype, out.dtype):
        raise RuntimeError(f"result type {r.dtype.type_name} can't be cast to the desired output "
                           f"type {out.dtype.type_name}")
    if out._a.shape != r._a.shape:
        if out._a.size:
            warnings.warn(
                f"An output with one or more elements was resized since it had shape "
                f"[{', '.join(map(str, out._a.shape))}], which does not match the required output "
                f"shape [{', '.join(map(str, r._a.shape))}]. This behavior is deprecated, and in a "
                "future PyTorch release outputs will not be resized unless they have zero "
                "elements. You can explicitly reuse an out tensor t by resizing it, inplace, to "
                "zero elements with t.resize_(0).", UserWarning, stacklevel=3)
        out._a = np.empty(r._a.shape, out.dtype.np)
    np.copyto(out._a, r._a, casting="unsafe")
    return out


# ---------------------------------------------------------------- torch.return_types
class _StructSeq(tuple):
    """A tuple with named fields printed like torch's structseq (torch.return_types.max ...)."""

    __slots__ = ()
    _names = ()

    def __new__(cls, seq):
        seq = tuple(seq)
        if len(seq) != len(cls._names):
            raise TypeError(f"torch.return_types.{cls.__name__} takes a {len(cls._names)}-sequence "
                            f"({len(seq)}-sequence given)")
        return tuple.__new__(cls, seq)

    def __repr__(self):
        body = ",\n".join(f"{n}={v!r}" for n, v in zip(self._names, self))
        return f"torch.return_types.{type(self).__name__}(\n{body})"

    def __reduce__(self):
        return (_rebuild_structseq, (type(self).__name__, tuple(self)))


def _field(i):
    return property(lambda self: tuple.__getitem__(self, i))


def _structseq(name, names):
    ns = {"__slots__": (), "_names": names, "n_fields": len(names),
          "n_sequence_fields": len(names), "n_unnamed_fields": 0,
          "__module__": "torch.return_types"}
    ns.update({n: _field(i) for i, n in enumerate(names)})
    return type(name, (_StructSeq,), ns)


class _ReturnTypes:
    """The torch.return_types namespace."""

    def __init__(self):
        vi = ("values", "indices")
        for n in ("max", "min", "sort", "topk", "kthvalue", "median", "nanmedian", "mode",
                  "cummax", "cummin"):
            setattr(self, n, _structseq(n, vi))
        self.aminmax = _structseq("aminmax", ("min", "max"))

    def __repr__(self):
        return "<module 'torch.return_types'>"


return_types = _ReturnTypes()


def _rebuild_structseq(name, items):
    return getattr(return_types, name)(items)


# ---------------------------------------------------------------- sum, mean, prod
class Sum(Op):
    name = "SumBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, dims=None, keepdim=False, npd=None, named=False):
        ctx.dims, ctx.keepdim, ctx.shape = dims, keepdim, a.shape
        if named:
            ctx.name = "SumBackward1"
        if npd == _F16:
            return _add(a.astype(npd), dims, _F32, None, keepdim).astype(_F16)
        if a.dtype != npd and not (npd == _I64 and a.dtype.kind in "biu"):
            a = a.astype(npd)      # dtype=... casts the input first (integers widen in the sum)
        return _add(a, dims, npd, None, keepdim)

    @staticmethod
    def backward(ctx, g):
        return (expand_back(ctx, g),)


def sum(input, dim=None, keepdim=False, *, dtype=None, out=None) -> Tensor:
    """Sum of input over dim (all when None); bool and integer inputs sum to int64."""
    d = input.dtype
    if dtype is None and out is None and d.category == _FLOAT and d is not _HALF and (
            not input.requires_grad or not ENABLED[0]):
        # the short path: float, no graph
        if dim is None and not keepdim:
            return _wrap(_add(input._a, None), d)
        return _wrap(_add(input._a, reduce_dims(dim, input._a.ndim), None, None, keepdim), d)
    dims = reduce_dims(dim, input._a.ndim)
    dtype = dtype or (out.dtype if out is not None else None)   # out= sets the compute dtype
    rd = dtype or (D.int64 if d.category < _FLOAT else d)
    r = Sum.apply(input, dims=dims, keepdim=keepdim, npd=rd.np, named=dim is not None or keepdim)
    if r.dtype is not rd:
        r = _wrap(r._a.astype(rd.np), rd)
    return r if out is None else write_out(out, r, "sum")


class Nansum(Sum):
    name = "NansumBackward0"

    @staticmethod
    def forward(ctx, a, dims=None, keepdim=False, npd=None, named=False):
        nan = np.isnan(a)
        ctx.mask = ~nan
        return Sum.forward(ctx, np.where(nan, 0, a), dims, keepdim, npd)

    @staticmethod
    def backward(ctx, g):
        return (expand_back(ctx, g) * constant(ctx.mask.astype(g.dtype.np)),)


def nansum(input, dim=None, keepdim=False, *, dtype=None, out=None) -> Tensor:
    """Sum over dim treating NaN as zero."""
    if input.dtype.category != _FLOAT:
        return sum(input, dim, keepdim, dtype=dtype, out=out)
    r = Nansum.apply(input, dims=reduce_dims(dim, input._a.ndim), keepdim=keepdim,
                     npd=(dtype or input.dtype).np)
    return r if out is None else write_out(out, r, "nansum")


class Mean(Op):
    name = "MeanBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, dims=None, keepdim=False, npd=None, named=False, name=None):
        ctx.dims, ctx.keepdim, ctx.shape = dims, keepdim, a.shape
        if named or name:
            ctx.name = name or "MeanBackward1"
        if a.dtype != npd:
            a = a.astype(npd)
        n = ctx.n = reduced_count(a.shape, dims)
        if npd == _F16:
            return (_add(a, dims, _F32, None, keepdim) / n).astype(_F16)
        return np.true_divide(_add(a, dims, None, None, keepdim), n, dtype=npd)

    @staticmethod
    def backward(ctx, g):
        return (expand_back(ctx, g) / ctx.n,)


def mean(input, dim=None, keepdim=False, *, dtype=None, out=None, _name=None) -> Tensor:
    """Mean of input over dim; input (or dtype) must be floating point or complex."""
    d = input.dtype
    if dim is None and dtype is None and out is None and not keepdim and (
            not input.requires_grad or not ENABLED[0]) and d.category == _FLOAT and d is not _HALF:
        a = input._a
        return _wrap(_add(a, None) / d.np.type(a.size), d)
    if dtype is not None and dtype.category < _FLOAT:
        raise RuntimeError("mean(): could not infer output dtype. Optional dtype must be either a "
                           f"floating point or complex dtype. Got: {dtype.type_name}")
    if dtype is None:
        if d.category < _FLOAT:
            raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a "
                               f"floating point or complex dtype. Got: {d.type_name}")
        if out is not None and out.dtype.category >= _FLOAT:
            dtype = out.dtype
    dims = reduce_dims(dim, input._a.ndim)
    rd = dtype or d
    r = Mean.apply(input, dims=dims, keepdim=keepdim, npd=rd.np, named=dim is not None or keepdim,
                   name=_name)
    return r if out is None else write_out(out, r, "mean")


def _prod_of_others(a, axis):
    """For each element, the product of the other elements along axis (None: all), zero-safe."""
    if axis is None:
        return _prod_of_others(a.reshape(-1), 0).reshape(a.shape)
    b = np.moveaxis(a, axis, -1)
    ones = np.ones(b.shape[:-1] + (1,), a.dtype)
    left = np.cumprod(np.concatenate([ones, b[..., :-1]], -1), -1)
    right = np.cumprod(np.concatenate([ones, b[..., :0:-1]], -1), -1)[..., ::-1]
    return np.moveaxis(left * right, -1, axis)


class Prod(Op):
    name = "ProdBackward0"
    kind = NONE
    save_output = True

    @staticmethod
    def forward(ctx, a, dim=None, keepdim=False, npd=None):
        ctx.dims = None if dim is None else (dim,)
        ctx.keepdim, ctx.shape = keepdim, a.shape
        if dim is not None:
            ctx.name = "ProdBackward1"
        if a.dtype != npd:
            a = a.astype(npd)
        if not a.ndim:
            dim = None
        if npd == _F16:
            return _mul(a, dim, _F32, None, keepdim).astype(_F16)
        return _mul(a, dim, None, None, keepdim)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        if np.all(x._a):
            # no zeros: d(prod)/dx_i = prod / x_i, kept in Tensor ops for double backward
            return (expand_back(ctx, g * ctx.out) / x,)
        others = _prod_of_others(x._a, None if ctx.dims is None else ctx.dims[0])
        return (expand_back(ctx, g) * constant(others),)


def prod(input, dim=None, keepdim=False, *, dtype=None, out=None) -> Tensor:
    """Product of input over one dim (all when None); bool and integer inputs give int64."""
    if isinstance(dim, (tuple, list)):
        raise TypeError(f"prod(): argument 'dim' must be int, not {type(dim).__name__}")
    d = input.dtype
    dims = None if dim is None else wrap_dim(dim, input._a.ndim)
    dtype = dtype or (out.dtype if out is not None else None)
    rd = dtype or (D.int64 if d.category < _FLOAT else d)
    r = Prod.apply(input, dim=dims, keepdim=keepdim, npd=rd.np)
    if r.dtype is not rd:
        r = _wrap(r._a.astype(rd.np), rd)
    return r if out is None else write_out(out, r, "prod")


# ---------------------------------------------------------------- all, any, count_nonzero
def _all_any(input, dim, keepdim, out, f, name):
    a = input._a
    if isinstance(dim, (tuple, list)) and not dim:
        r = a.astype(np.bool_)          # all(x, dim=()) reduces nothing
    else:
        r = f(a, reduce_dims(dim, a.ndim), None, None, keepdim)
    # uint8 in, uint8 out (torch keeps the legacy byte result)
    rd = D.uint8 if input.dtype is D.uint8 else D.bool_
    r = _wrap(np.asarray(r, rd.np), rd)
    if out is not None:
        if out.dtype is not rd:
            raise RuntimeError(f"{name} only supports bool tensor for result, got: "
                               f"{out.dtype.type_name}")
        return write_out(out, r, name)
    return r


def all(input, dim=None, keepdim=False, *, out=None) -> Tensor:
    """True where every element over dim is nonzero."""
    return _all_any(input, dim, keepdim, out, np.logical_and.reduce, "all")


def any(input, dim=None, keepdim=False, *, out=None) -> Tensor:
    """True where some element over dim is nonzero."""
    return _all_any(input, dim, keepdim, out, np.logical_or.reduce, "any")


def count_nonzero(input, dim=None) -> Tensor:
    """Number of nonzero elements over dim (all when None), as int64."""
    a = input._a
    dims = reduce_dims(dim, a.ndim)
    if dims == ():
        return _wrap(np.asarray(a != 0, np.int64))
    return _wrap(np.asarray(np.count_nonzero(a, dims), np.int64))


# ---------------------------------------------------------------- logsumexp
class Logsumexp(Op):
    name = "LogsumexpBackward0"
    kind = NONE
    save_output = True

    @staticmethod
    def forward(ctx, a, dims=None, keepdim=False):
        ctx.dims, ctx.keepdim, ctx.shape = dims, keepdim, a.shape
        if not a.size:
            return np.log(_add(np.exp(a), dims, None, None, keepdim))
        m = _max(a, dims, None, None, True)
        # shift by the max for stability; an infinite max is not shifted (inf - inf is nan)
        m = np.where(np.isfinite(m), m, 0).astype(a.dtype, copy=False)
        r = np.log(_add(np.exp(a - m), dims, None, None, True)) + m
        if not keepdim:
            r = r.reshape([s for i, s in enumerate(a.shape) if dims is not None and i not in dims])
        return r

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        return ((x - unsqueeze_back(ctx, ctx.out)).exp() * unsqueeze_back(ctx, g),)


def logsumexp(input, dim, keepdim=False, *, out=None) -> Tensor:
    """log(sum(exp(input))) over dim, computed stably; integer inputs give the default float."""
    a = input._a
    if isinstance(dim, (tuple, list)) and not dim and a.ndim:
        # torch's logsumexp has no "all dims" meaning for dim=() and fails this way
        raise RuntimeError("output with shape [] doesn't match the broadcast shape "
                           f"[{', '.join(['1'] * a.ndim)}]")
    dims = reduce_dims(dim, a.ndim)
    if out is not None and out.dtype.category == _FLOAT and out.dtype is not input.dtype:
        input = input.to(out.dtype)
    elif input.dtype.category < _FLOAT:
        input = input.to(D.get_default_dtype())
    r = Logsumexp.apply(input, dims=dims, keepdim=keepdim)
    return r if out is None else write_out(out, r, "logsumexp")


# ---------------------------------------------------------------- Tensor methods
Tensor.sum = sum
Tensor.nansum = nansum
Tensor.mean = mean
Tensor.prod = prod
Tensor.all = all
Tensor.any = any
Tensor.count_nonzero = count_nonzero
Tensor.logsumexp = logsumexp

__all__ = ["sum", "nansum", "mean", "prod", "all", "any", "count_nonzero", "logsumexp",
           "return_types"]

