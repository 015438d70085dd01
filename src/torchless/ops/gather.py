"""Index-driven copies: gather, scatter(_add), index_select, index_add, take, masked_fill,
masked_select, nonzero/argwhere, and ``in``.

Each gradient is the matching op the other way round (gather <-> scatter_add,
index_select <-> index_add, masked_select <-> masked scatter into zeros).
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, wrap_dim
from ..autograd.function import NOCTX, NONE, Op, tracked as _tracked
from ..autograd.grad_mode import ENABLED
from ._index import convert_scalar
from ._inplace import apply_inplace
from ._strides import broadcast_pair, canonical, fmt
from .indexing import EmbedBasic, _simple

_FULL = slice(None)
# C++ type names torch prints for a mask's dtype
_CTYPE = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char", "int16": "short int",
          "int32": "int", "int64": "long int", "float16": "c10::Half", "float32": "float",
          "float64": "double", "complex64": "c10::complex<float>",
          "complex128": "c10::complex<double>"}


def _run(op, inputs, params, dt):
    """op applied, skipping Op.apply when nothing needs a graph."""
    if ENABLED[0] and _tracked(*inputs):
        return op.apply(*inputs, **params)
    if len(inputs) == 1:
        return _wrap(op.forward(NOCTX, inputs[0]._a, **params), dt)
    arrays = [x._a if isinstance(x, Tensor) else x for x in inputs]
    return _wrap(op.forward(NOCTX, *arrays, **params), dt)


def _along(index, dim):
    """The NumPy fancy index that reads/writes a[..., index[i, j, k], ...] at dim."""
    nd = index.ndim
    out = []
    for d, n in enumerate(index.shape):
        if d == dim:
            out.append(index)
        else:
            shape = [1] * nd
            shape[d] = n
            out.append(np.arange(n).reshape(shape))
    return tuple(out)


def _index_array(index, fname, what="int32/int64"):
    if not isinstance(index, Tensor):
        raise TypeError(f"{fname}(): argument 'index' must be Tensor, not {type(index).__name__}")
    if index.dtype is not D.int64 and index.dtype is not D.int32:
        raise RuntimeError(f"{fname}(): Expected dtype {what} for index")
    return index._a


def _pad_to(g, shape):
    """g placed at the start of zeros of shape (a gradient for an input larger than used)."""
    if g._a.shape == tuple(shape):
        return g
    return EmbedBasic.apply(g, shape=tuple(shape),
                            p=_simple(tuple(slice(0, n) for n in g._a.shape), "SliceBackward0"))


def _outside(idx, lo, n):
    """Any index outside [lo, n)?  (Python's min/max beat NumPy's call overhead when small.)"""
    if idx.size <= 32:
        vals = idx.ravel().tolist()
        return bool(vals) and (max(vals) >= n or min(vals) < lo)
    return bool(idx.size) and bool(idx.max() >= n or idx.min() < lo)


def _check_bounds(idx, n, d):
    if _outside(idx, 0, n):
        bad = idx[(idx >= n) | (idx < 0)].flat[0]
        raise RuntimeError(f"index {bad} is out of bounds for dimension {d} with size {n}")


# ------------------------------------------------------------------ gather / scatter
class Gather(Op):
    name = "GatherBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, a, dim=0, index=None):
        ctx.dim, ctx.index, ctx.in_shape = dim, index, a.shape
        if a.ndim == 0:
            return a.reshape(1)[index.reshape(-1)].reshape(index.shape)
        return a[_along(index, dim)]

    @staticmethod
    def backward(ctx, g):
        return (ScatterAddInto.apply(g, shape=ctx.in_shape, dim=ctx.dim, index=ctx.index),)


class ScatterAddInto(Op):
    """zeros(shape).scatter_add(dim, index, g): the backward of gather."""
    name = "GatherBackwardBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, g, shape=(), dim=0, index=None):
        ctx.dim, ctx.index = dim, index
        if not shape:
            z = np.zeros(1, g.dtype)
            np.add.at(z, index.reshape(-1), g.reshape(-1))
            return z.reshape(())
        z = np.zeros(shape, g.dtype)
        np.add.at(z, _along(index, dim), g)
        return z

    @staticmethod
    def backward(ctx, gg):
        return (Gather.apply(gg, dim=ctx.dim, index=ctx.index),)


def _scatter_checks(a, d, idx, src, fname):
    nd = max(a.ndim, 1)
    if max(idx.ndim, 1) != nd:
        raise RuntimeError(f"Index tensor must have the same number of dimensions as {fname} "
                           f"tensor")
    ishape = idx.shape
    ashape = a.shape or (1,)
    bad_self = any(k != d and ishape[k] > ashape[k] for k in range(idx.ndim))
    bad_src = src is not None and any(ishape[k] > (src.shape or (1,))[k] for k in range(idx.ndim))
    if bad_self or bad_src:
        if fname == "input":
            k = next(k for k in range(idx.ndim) if k != d and ishape[k] > ashape[k])
            raise RuntimeError(f"Size does not match at dimension {k} expected index "
                               f"{fmt(ishape)} to be "
                               f"no larger than self {fmt(a.shape)} apart from dimension {d}")
        msg = (f"Expected index {fmt(ishape)} to be no larger than self {fmt(a.shape)} apart from "
               f"dimension {d}")
        if src is not None:
            msg += f" and to be no larger size than src {fmt(src.shape)}"
        raise RuntimeError(msg)
    _check_bounds(idx, ashape[d], d)


def gather(input, dim, index, *, sparse_grad=False, out=None):
    """out[i][j] = input[index[i][j]][j] (for dim=0): values picked along dim."""
    idx = _index_array(index, "gather")
    a = input._a
    d = wrap_dim(dim, a.ndim)
    _scatter_checks(a, d, idx, None, "input")
    return _run(Gather, (input,), {"dim": d, "index": idx}, input.dtype)


class Scatter(Op):
    name = "ScatterBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, a, src, dim=0, index=None, reduce=None):
        ctx.dim, ctx.index, ctx.reduce = dim, index, reduce
        if not isinstance(src, np.ndarray):
            ctx.name = "ScatterBackward1"
        out = a.copy()
        flat = out.ndim == 0
        o = out.reshape(1) if flat else out
        where = (index.reshape(-1),) if flat else _along(index, dim)
        if isinstance(src, np.ndarray):
            vals = src.reshape(-1)[:index.size].reshape(index.shape) if src.ndim == 0 or flat else \
                src[tuple(slice(0, n) for n in index.shape)]
        else:
            vals = src
        if reduce is None:
            o[where] = vals
        elif reduce == "add":
            np.add.at(o, where, vals)
        else:
            np.multiply.at(o, where, vals)
        return out

    @staticmethod
    def backward(ctx, g):
        if ctx.reduce is not None:
            raise RuntimeError("the derivative for 'scatter' with a reduce argument is not "
                               "implemented.")
        x, src = ctx.inputs
        gx = Scatter.apply(g, 0.0, dim=ctx.dim, index=ctx.index)
        gsrc = None
        if isinstance(src, Tensor) and src.requires_grad:
            gsrc = _pad_to(Gather.apply(g, dim=ctx.dim, index=ctx.index), src._a.shape)
        return gx, gsrc


class ScatterAdd(Op):
    name = "ScatterAddBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, a, src, dim=0, index=None):
        ctx.dim, ctx.index = dim, index
        return Scatter.forward(NOCTX, a, src, dim=dim, index=index, reduce="add")

    @staticmethod
    def backward(ctx, g):
        x, src = ctx.inputs
        gsrc = None
        if src.requires_grad:
            gsrc = _pad_to(Gather.apply(g, dim=ctx.dim, index=ctx.index), src._a.shape)
        return g, gsrc


def _scatter_args(input, dim, index, src, value, reduce, fname):
    idx = _index_array(index, fname)
    a = input._a
    d = wrap_dim(dim, a.ndim)
    if src is None:
        src = value
    if reduce is not None and reduce not in ("add", "multiply"):
        raise RuntimeError("reduce argument must be either add or multiply.")
    if isinstance(src, Tensor):
        if src.dtype is not input.dtype:
            raise RuntimeError(f"{fname}(): Expected self.dtype to be equal to src.dtype")
        _scatter_checks(a, d, idx, src._a, "self")
    else:
        if src is None:
            raise TypeError(f"{fname}() missing 1 required positional argument: 'src' or 'value'")
        _scatter_checks(a, d, idx, None, "self")
        src = convert_scalar(src, input.dtype)
    return d, idx, src


def scatter(input, dim, index, src=None, value=None, *, reduce=None):
    """A copy of input with src (or value) written at index along dim."""
    d, idx, src = _scatter_args(input, dim, index, src, value, reduce, "scatter")
    return _run(Scatter, (input, src), {"dim": d, "index": idx, "reduce": reduce}, input.dtype)


def scatter_(self, dim, index, src=None, value=None, *, reduce=None):
    """In-place scatter."""
    d, idx, src = _scatter_args(self, dim, index, src, value, reduce, "scatter")
    return apply_inplace(Scatter, self, src, dim=d, index=idx, reduce=reduce)


def scatter_add(input, dim, index, src):
    """A copy of input with src added at index along dim (repeated indices add up)."""
    d, idx, src = _scatter_args(input, dim, index, src, None, None, "scatter")
    return _run(ScatterAdd, (input, src), {"dim": d, "index": idx}, input.dtype)


def scatter_add_(self, dim, index, src):
    """In-place scatter_add."""
    d, idx, src = _scatter_args(self, dim, index, src, None, None, "scatter")
    return apply_inplace(ScatterAdd, self, src, dim=d, index=idx)


# ------------------------------------------------------------------ index_select / index_add
class IndexSelect(Op):
    name = "IndexSelectBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, a, dim=0, index=None):
        ctx.dim, ctx.index, ctx.in_shape = dim, index, a.shape
        if a.ndim == 0:
            return a.reshape(1)[index].reshape(())
        return np.take(a, index, axis=dim)

    @staticmethod
    def backward(ctx, g):
        return (IndexAddInto.apply(g, shape=ctx.in_shape, dim=ctx.dim, index=ctx.index),)


class IndexAddInto(Op):
    """zeros(shape).index_add(dim, index, g): the backward of index_select."""
    name = "IndexSelectBackwardBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, g, shape=(), dim=0, index=None):
        ctx.dim, ctx.index = dim, index
        if not shape:
            return g.reshape(()).copy()
        z = np.zeros(shape, g.dtype)
        np.add.at(z, (_FULL,) * dim + (index,), g)
        return z

    @staticmethod
    def backward(ctx, gg):
        return (IndexSelect.apply(gg, dim=ctx.dim, index=ctx.index),)


def index_select(input, dim, index, *, out=None):
    """The entries of input at index (a 1-D tensor) along dim."""
    if not isinstance(index, Tensor):
        raise TypeError(f"index_select(): argument 'index' (position 2) must be Tensor, not "
                        f"{type(index).__name__}")
    idx = _index_array(index, "index_select", "int32 or int64")
    if idx.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    a = input._a
    d = wrap_dim(dim, a.ndim)
    idx = idx.reshape(-1)
    n = a.shape[d] if a.ndim else 1
    if _outside(idx, 0, n):
        bad = idx[(idx >= n) | (idx < 0)][0]
        if a.ndim == 0:
            raise IndexError("index out of range in self")
        raise RuntimeError(f"INDICES element is out of DATA bounds, id={bad} axis_dim={n}")
    return _run(IndexSelect, (input,), {"dim": d, "index": idx}, input.dtype)


class IndexAdd(Op):
    name = "IndexAddBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, a, source, dim=0, index=None, alpha=1):
        ctx.dim, ctx.index, ctx.alpha = dim, index, alpha
        out = a.copy()
        o = out.reshape(1) if out.ndim == 0 else out
        s = source.reshape(-1) if out.ndim == 0 else source
        np.add.at(o, (_FULL,) * dim + (index,), s if alpha == 1 else s * alpha)
        return out

    @staticmethod
    def backward(ctx, g):
        x, source = ctx.inputs
        gs = None
        if source.requires_grad:
            gs = IndexSelect.apply(g, dim=ctx.dim, index=ctx.index)
            if ctx.alpha != 1:
                gs = gs * ctx.alpha
            gs = gs.reshape(source._a.shape)
        return g, gs


def _index_add_args(self, dim, index, source):
    idx = _index_array(index, "index_add_")
    if idx.ndim > 1:
        raise IndexError("index_add_(): Index is supposed to be a vector")
    a, s = self._a, source._a
    d = wrap_dim(dim, a.ndim)
    if source.dtype is not self.dtype:
        raise RuntimeError(f"index_add_(): self ({self.dtype.type_name}) and source "
                           f"({source.dtype.type_name}) must have the same scalar type")
    ash, ssh = a.shape or (1,), s.shape or (1,)
    if len(ash) != len(ssh) or any(k != d and ash[k] != ssh[k] for k in range(len(ash))):
        raise RuntimeError(
            "source tensor shape must match self tensor shape, excluding the specified dimension. "
            "Got "
            f"self.shape = {fmt(a.shape)} source.shape = {fmt(s.shape)}")
    idx = idx.reshape(-1)
    if idx.size != ssh[d]:
        raise RuntimeError(f"index_add_(): Number of indices ({idx.size}) should be equal to "
                           f"source.size(dim): ({ssh[d]}), for dim: {d}")
    _check_bounds(idx, ash[d], d)
    return d, idx


def index_add(input, dim, index, source, *, alpha=1, out=None):
    """A copy of input with alpha * source added at index along dim."""
    d, idx = _index_add_args(input, dim, index, source)
    return _run(IndexAdd, (input, source), {"dim": d, "index": idx, "alpha": alpha}, input.dtype)


def index_add_(self, dim, index, source, *, alpha=1):
    """In-place index_add."""
    d, idx = _index_add_args(self, dim, index, source)
    return apply_inplace(IndexAdd, self, source, dim=d, index=idx, alpha=alpha)


# ------------------------------------------------------------------ take
class Take(Op):
    name = "TakeBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, a, index=None):
        ctx.index, ctx.in_shape = index, a.shape
        return a.reshape(-1)[index]

    @staticmethod
    def backward(ctx, g):
        return (TakeInto.apply(g, shape=ctx.in_shape, index=ctx.index),)


class TakeInto(Op):
    name = "TakeBackwardBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, g, shape=(), index=None):
        ctx.index = index
        z = np.zeros(int(np.prod(shape)), g.dtype)
        np.add.at(z, index, g)
        return z.reshape(shape)

    @staticmethod
    def backward(ctx, gg):
        return (Take.apply(gg, index=ctx.index),)


def take(input, index):
    """input viewed as 1-D, read at index (negative counts from the end)."""
    if not isinstance(index, Tensor):
        raise TypeError(f"take(): argument 'index' (position 2) must be Tensor, not "
                        f"{type(index).__name__}")
    if index.dtype is not D.int64:
        raise RuntimeError(f"take(): Expected a long tensor for index, but got "
                           f"{index.dtype.type_name}")
    idx = index._a
    n = input._a.size
    if _outside(idx, -n, n):
        bad = idx[(idx >= n) | (idx < -n)].flat[0]
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} elements.")
    return _run(Take, (input,), {"index": idx}, input.dtype)


# ------------------------------------------------------------------ masks
def _mask_array(mask, fname):
    if not isinstance(mask, Tensor):
        raise TypeError(f"{fname}(): argument 'mask' (position 1) must be Tensor, not "
                        f"{type(mask).__name__}")
    if mask.dtype is not D.bool_:
        if fname == "masked_select":
            raise RuntimeError("masked_select: expected BoolTensor for mask")
        raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                           f"{_CTYPE[mask.dtype.name]}")
    return mask._a


class MaskedFill(Op):
    name = "MaskedFillBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, a, value, mask=None, shape=None):
        ctx.mask = mask
        if isinstance(value, np.ndarray):
            ctx.name = "MaskedFillBackward1"      # torch's name when the value is a tensor
            value = value.reshape(()).astype(a.dtype)
        r = np.where(mask, value, a)
        return r if canonical(r) else r.copy()

    @staticmethod
    def backward(ctx, g):
        x, value = ctx.inputs
        mask = ctx.mask
        gx = MaskedFill.apply(g, 0.0, mask=mask)
        gv = None
        if isinstance(value, Tensor) and value.requires_grad:
            gv = MaskedFill.apply(g, 0.0, mask=~mask).sum()
        return gx, gv


def _fill_value(self, value):
    if isinstance(value, Tensor):
        if value._a.ndim:
            raise RuntimeError("masked_fill_ only supports a 0-dimensional value tensor, but got "
                               "tensor "
                               f"with {value._a.ndim} dimension(s).")
        convert_scalar(value._a.item(), self.dtype)
        return value
    if isinstance(value, (bool, int, float, complex, np.number)):
        return convert_scalar(value, self.dtype)
    raise TypeError(f"masked_fill() received an invalid combination of arguments - got (Tensor, "
                    f"{type(value).__name__}), but expected one of:\n * (Tensor mask, Tensor "
                    f"value)\n"
                    " * (Tensor mask, Number value)\n")


def masked_fill(input, mask, value):
    """A copy of input with value where mask is True (mask broadcasts)."""
    m = _mask_array(mask, "masked_fill")
    v = _fill_value(input, value)
    shape = m.shape if m.shape == input._a.shape else broadcast_pair(m.shape, input._a.shape)
    return _run(MaskedFill, (input, v), {"mask": m, "shape": shape}, input.dtype)


def masked_fill_(self, mask, value):
    """In-place masked_fill (mask must broadcast to self's shape)."""
    m = _mask_array(mask, "masked_fill")
    v = _fill_value(self, value)
    shape = broadcast_pair(m.shape, self._a.shape)
    return apply_inplace(MaskedFill, self, v, mask=m, shape=shape)


class MaskedSelect(Op):
    name = "MaskedSelectBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, a, mask=None, shape=()):
        m = np.broadcast_to(mask, shape)
        ctx.mask, ctx.shape = m, shape
        return np.broadcast_to(a, shape)[m]

    @staticmethod
    def backward(ctx, g):
        return (MaskedScatterInto.apply(g, mask=ctx.mask, shape=ctx.shape),)


class MaskedScatterInto(Op):
    """zeros(shape) with g's values placed where mask is True (backward of masked_select)."""
    name = "MaskedSelectBackwardBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, g, mask=None, shape=()):
        ctx.mask, ctx.shape = mask, shape
        z = np.zeros(shape, g.dtype)
        z[mask] = g
        return z

    @staticmethod
    def backward(ctx, gg):
        return (MaskedSelect.apply(gg, mask=ctx.mask, shape=ctx.shape),)


def masked_select(input, mask, *, out=None):
    """The elements of input where mask is True, as a 1-D tensor (both broadcast)."""
    m = _mask_array(mask, "masked_select")
    shape = broadcast_pair(m.shape, input._a.shape)
    return _run(MaskedSelect, (input,), {"mask": m, "shape": shape}, input.dtype)


def nonzero(input, *, out=None, as_tuple=False):
    """Indices of the nonzero elements: an (n, ndim) int64 tensor, or one tensor per dim."""
    a = input._a
    flat = a.ndim == 0
    nz = np.nonzero(a.reshape(1) if flat else a)
    if as_tuple:
        return tuple(_wrap(np.array(k, np.int64), D.int64) for k in nz)
    if flat:
        return _wrap(np.zeros((nz[0].size, 0), np.int64), D.int64)
    # torch returns the (n, ndim) result in column-major memory: strides (1, n)
    out = np.empty((len(nz), nz[0].size), np.int64)
    for i, k in enumerate(nz):
        out[i] = k
    return _wrap(out.T, D.int64)


def argwhere(input):
    """nonzero(input) as an (n, ndim) tensor."""
    return nonzero(input)


def _contains(self, element):
    if isinstance(element, Tensor):
        e = element._a
        broadcast_pair(e.shape, self._a.shape)
    elif isinstance(element, (bool, int, float, complex, np.number)):
        e = element
    else:
        raise RuntimeError(f"Tensor.__contains__ only supports Tensor or scalar, but you passed "
                           f"in a "
                           f"{type(element)}.")
    return bool(np.any(self._a == e))


def _nonzero_method(self, *, as_tuple=False):
    return nonzero(self, as_tuple=as_tuple)


Tensor.gather = gather
Tensor.scatter = scatter
Tensor.scatter_ = scatter_
Tensor.scatter_add = scatter_add
Tensor.scatter_add_ = scatter_add_
Tensor.index_select = index_select
Tensor.index_add = index_add
Tensor.index_add_ = index_add_
Tensor.take = take
Tensor.masked_fill = masked_fill
Tensor.masked_fill_ = masked_fill_
Tensor.masked_select = masked_select
Tensor.nonzero = _nonzero_method
Tensor.argwhere = argwhere
Tensor.__contains__ = _contains

__all__ = ["gather", "scatter", "scatter_add", "index_select", "index_add", "take", "masked_fill",
           "masked_select", "nonzero", "argwhere"]
