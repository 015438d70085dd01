"""More index-driven copies, gather.py's siblings: index_fill, index_copy, scatter_reduce,
masked_scatter, take_along_dim and put (each with its in-place form and backward).

As in gather.py each gradient is the matching op the other way round: what was written is
read back (index_select, gather, masked_select, take) and what was overwritten gets zero.
Where a gradient depends on the values (scatter_reduce's prod, mean, amax, amin) the
coefficients are computed once in NumPy and the gradient stays linear in the incoming one.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, wrap_dim
from ..autograd.function import NONE, Op
from ._index import convert_scalar
from ._inplace import apply_inplace
from ._strides import broadcast_pair
from .conversion import copy_array
from .gather import (Gather, IndexSelect, MaskedSelect, Take, _along, _index_array, _outside,
                     _pad_to, _run, _scatter_checks)
from .reduction import constant, write_out

_FULL = slice(None)


def _dim_index(d, idx):
    return (_FULL,) * d + (idx,)


# ------------------------------------------------------------------ index_fill
class IndexFill(Op):
    name = "IndexFillBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a, value, dim=0, index=None):
        ctx.dim, ctx.index = dim, index
        if isinstance(value, np.ndarray):
            ctx.name = "IndexFillBackward1"
            value = value.reshape(())
        out = copy_array(a)                   # torch keeps input's layout here
        o = out.reshape(1) if out.ndim == 0 else out
        o[_dim_index(dim, index)] = value
        return out

    @staticmethod
    def backward(ctx, g):
        x, value = ctx.inputs
        gx = IndexFill.apply(g, 0.0, dim=ctx.dim, index=ctx.index)
        gv = None
        if isinstance(value, Tensor) and value.requires_grad:
            gv = (g - gx).sum()               # each filled position once
        return gx, gv


def _index_fill_args(self, dim, index, value):
    if not isinstance(index, Tensor) or index.dtype is not D.int64:
        raise IndexError("index_fill_(): Expected dtype int64 for index.")
    idx = index._a
    if idx.ndim > 1:
        raise RuntimeError("Index has to be a vector/scalar")
    a = self._a
    d = wrap_dim(dim, a.ndim)
    n = a.shape[d] if a.ndim else 1
    idx = idx.reshape(-1)
    if _outside(idx, -n, n):
        bad = idx[(idx >= n) | (idx < -n)][0]
        raise IndexError(f"index {bad} is out of bounds for dimension {d} with size {n}")
    idx = np.where(idx < 0, idx + n, idx)
    if isinstance(value, Tensor):
        if value._a.ndim:
            raise RuntimeError(f"index_fill_ only supports a 0-dimensional value tensor, but got "
                               f"tensor with {value._a.ndim} dimension(s).")
        if value.dtype.category <= self.dtype.category:
            convert_scalar(value._a.item(), self.dtype)       # torch's overflow check
    else:
        value = convert_scalar(value, self.dtype)
    return d, idx, value


def index_fill(input, dim, index, value) -> Tensor:
    """A copy of input with value at the positions index names along dim."""
    d, idx, value = _index_fill_args(input, dim, index, value)
    return _run(IndexFill, (input, value), {"dim": d, "index": idx}, input.dtype)


def index_fill_(self, dim, index, value) -> Tensor:
    """In-place index_fill."""
    d, idx, value = _index_fill_args(self, dim, index, value)
    return apply_inplace(IndexFill, self, value, dim=d, index=idx)


# ------------------------------------------------------------------ index_copy
class IndexCopy(Op):
    name = "IndexCopyBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a, source, dim=0, index=None):
        ctx.dim, ctx.index, ctx.sshape = dim, index, source.shape
        out = np.array(a, order="C")
        if out.ndim == 0:
            out[()] = source.reshape(-1)[0]       # (index and source hold one element)
            return out
        s = source.reshape(_slice_shape(out.shape, dim, index.size)) if source.ndim == 0 \
            else source
        out[_dim_index(dim, index)] = s
        return out

    @staticmethod
    def backward(ctx, g):
        gx = IndexFill.apply(g, 0.0, dim=ctx.dim, index=ctx.index)
        gs = IndexSelect.apply(g, dim=ctx.dim, index=ctx.index).reshape(ctx.sshape)
        return gx, gs


def _slice_shape(shape, d, n):
    return shape[:d] + (n,) + shape[d + 1:]


def _index_copy_args(self, dim, index, source):
    if not isinstance(index, Tensor) or index.dtype is not D.int64:
        raise RuntimeError(f"index_copy_(): Expected a long tensor for index, but got "
                           f"{index.dtype.type_name}")
    idx = index._a
    if idx.ndim > 1:
        raise IndexError(f"index_copy_(): Index should have dimension 1 or 0 (got {idx.ndim})")
    if source.dtype is not self.dtype:
        raise RuntimeError(f"index_copy_(): self and source expected to have the same dtype, but "
                           f"got (self) {self.dtype.type_name} and (source) "
                           f"{source.dtype.type_name}")
    a, s = self._a, source._a
    d = wrap_dim(dim, a.ndim)
    idx = idx.reshape(-1)
    if a.ndim and s.ndim and a.ndim != s.ndim:
        raise IndexError(f"index_copy_(): When source and destination are not scalars, their "
                         f"dimensionality must match. Source dimensionality ({s.ndim}), "
                         f"destination dimensionality ({a.ndim})")
    sn = s.shape[d] if s.ndim else 1
    if idx.size != sn:
        raise IndexError(f"index_copy_(): Number of indices ({idx.size}) should be equal to "
                         f"source.size(dim) ({sn})")
    if a.ndim and s.ndim:
        ds = a.shape[:d] + a.shape[d + 1:]
        ss = s.shape[:d] + s.shape[d + 1:]
        if ds != ss:
            raise RuntimeError(
                "index_copy_(): Source/destination tensor must have same slice shapes. "
                f"Destination slice shape: {' '.join(map(str, ds))} at dimension {d} and source "
                f"slice shape: {' '.join(map(str, ss))} at dimension 0.")
    n = a.shape[d] if a.ndim else 1
    if _outside(idx, 0, n):
        bad = idx[(idx >= n) | (idx < 0)][0]
        raise IndexError(f"index_copy_(): index {bad} is out of bounds for dimension {d} with "
                         f"size {n}")
    return d, idx


def index_copy(input, dim, index, source, *, out=None) -> Tensor:
    """A copy of input with source's slices written at the positions index names along dim."""
    d, idx = _index_copy_args(input, dim, index, source)
    r = _run(IndexCopy, (input, source), {"dim": d, "index": idx}, input.dtype)
    return r if out is None else write_out(out, r, "index_copy")


def index_copy_(self, dim, index, source) -> Tensor:
    """In-place index_copy."""
    d, idx = _index_copy_args(self, dim, index, source)
    return apply_inplace(IndexCopy, self, source, dim=d, index=idx)


# ------------------------------------------------------------------ scatter_reduce
_REDUCES = {"sum": "sum", "prod": "prod", "mean": "mean", "amax": "amax", "amin": "amin",
            "max": "amax", "min": "amin"}


def _targets(a, dim, index):
    """The fancy index of the positions of a that index's entries scatter to (a 0-d a as 1-D)."""
    if a.ndim == 0:
        return (index.reshape(-1),)
    return _along(index, dim)


def _src_vals(src, index):
    """The part of src that index's shape covers."""
    if src.ndim == 0:
        return src.reshape(1)[:index.size].reshape(index.shape)
    return src[tuple(slice(0, n) for n in index.shape)]


class ScatterReduce(Op):
    name = "ScatterReduceBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, src, dim=0, index=None, reduce="sum", include_self=True):
        ctx.dim, ctx.index, ctx.reduce, ctx.include_self = dim, index, reduce, include_self
        ctx.needs_inputs = reduce not in ("sum", "mean")   # only these gradients read values
        out = np.array(a, order="C")
        o = out.reshape(1) if out.ndim == 0 else out
        where = _targets(a, dim, index)
        vals = _src_vals(src, index)
        hit = np.zeros(o.shape, bool)
        hit[where] = True
        ctx.hit = hit
        if reduce in ("sum", "mean"):
            if not include_self:
                o[hit] = 0
            np.add.at(o, where, vals)
            if reduce == "mean":
                cnt = np.zeros(o.shape, np.int64)
                np.add.at(cnt, where, 1)
                if include_self:
                    cnt += 1
                cnt = np.maximum(cnt, 1)
                ctx.count = cnt
                if o.dtype.kind in "fc":
                    o[...] = o / cnt.astype(o.dtype)
                else:
                    o[...] = np.floor_divide(o, cnt).astype(o.dtype)
        elif reduce == "prod":
            if not include_self:
                o[hit] = 1
            np.multiply.at(o, where, vals)
        else:
            f = np.maximum if reduce == "amax" else np.minimum
            if not include_self:
                if o.dtype.kind == "f":
                    o[hit] = -np.inf if reduce == "amax" else np.inf
                elif o.dtype == np.bool_:
                    o[hit] = reduce != "amax"
                else:
                    info = np.iinfo(o.dtype)
                    o[hit] = info.min if reduce == "amax" else info.max
            f.at(o, where, vals)
        return out

    @staticmethod
    def backward(ctx, g):
        x, src = ctx.inputs
        dim, index, reduce, inc = ctx.dim, ctx.index, ctx.reduce, ctx.include_self
        hit = ctx.hit.reshape(g._a.shape)
        keep = constant((~hit).astype(g._a.dtype))
        need_x, need_src = ctx.needs_input_grad
        gx = gsrc = None
        if reduce == "sum":
            gx = g if inc else g * keep
            if need_src:
                gsrc = _gather(g, dim, index)
        elif reduce == "mean":
            cnt = constant(ctx.count.reshape(g._a.shape).astype(g._a.dtype))
            gm = g / cnt
            gx = gm if inc else g * keep
            if need_src:
                gsrc = _gather(gm, dim, index)
        elif reduce == "prod":
            gx, gsrc = _prod_grads(g, x._a, src._a, dim, index, inc, hit, need_src)
        else:
            # amax/amin: the gradient is shared evenly by every value equal to the result (as in
            # torch, a NaN result equals nothing, and its gradient is NaN)
            shape = g._a.shape
            r = ScatterReduce.forward(_Ctx(), x._a, src._a, dim, index, reduce, inc)
            rr = r.reshape(shape)
            vals = _src_vals(src._a, index)
            at = (rr.reshape(1) if rr.ndim == 0 else rr)[_targets(rr, dim, index)]
            m_src = vals == at.reshape(vals.shape)
            m_self = x._a.reshape(shape) == rr if inc else ~hit
            cnt = m_self.astype(np.int64)
            np.add.at(cnt.reshape(1) if cnt.ndim == 0 else cnt, _targets(cnt, dim, index),
                      m_src.astype(np.int64).reshape(-1) if cnt.ndim == 0 else m_src)
            gn = g / constant(cnt.astype(g._a.dtype))
            gx = gn * constant(m_self.astype(g._a.dtype))
            if need_src:
                gsrc = _gather(gn, dim, index) * constant(m_src.astype(g._a.dtype))
        if gsrc is not None:
            gsrc = _pad_to(gsrc.reshape(index.shape), src._a.shape) if src._a.ndim else \
                gsrc.reshape(-1)[:1].reshape(())
        return gx, gsrc


class _Ctx:
    """A throwaway ctx for re-running a forward inside backward."""


def _gather(g, dim, index):
    if g._a.ndim == 0:
        return Gather.apply(g, dim=0, index=index)
    return Gather.apply(g, dim=dim, index=index)


def _prod_grads(g, xa, srca, dim, index, inc, hit, need_src):
    """scatter_reduce prod's gradients: each factor's is the product of the other factors
    written to its position (computed without dividing, so zeros are handled)."""
    shape = g._a.shape
    xs = xa.reshape(shape)
    vals = _src_vals(srca, index)
    prod_src = np.ones(shape, xs.dtype)
    pv = prod_src.reshape(1) if prod_src.ndim == 0 else prod_src
    np.multiply.at(pv, _targets(prod_src, dim, index), vals)
    gx = g * constant(prod_src) if inc else g * constant((~hit).astype(xs.dtype))
    gsrc = None
    if need_src:
        # per src element: (self if include_self) * product of the other src at its position
        others = np.empty(vals.shape, xs.dtype)
        flat_t = np.ravel_multi_index(_targets(prod_src, dim, index), prod_src.shape or (1,))
        flat_t = np.broadcast_to(flat_t, vals.shape).reshape(-1)
        fv = vals.reshape(-1)
        base = xs.reshape(-1) if inc else np.ones(xs.size, xs.dtype)
        total = pv.reshape(-1)
        out = others.reshape(-1)
        with np.errstate(all="ignore"):
            out[:] = np.where(fv != 0, total[flat_t] / np.where(fv != 0, fv, 1), 0)
        for k in np.flatnonzero(fv == 0):
            same = np.flatnonzero(flat_t == flat_t[k])
            out[k] = np.prod(fv[same[same != k]])
        out *= base[flat_t]
        gsrc = _gather(g, dim, index) * constant(others)
    return gx, gsrc


def _scatter_reduce_args(self, dim, index, src, reduce):
    if reduce not in _REDUCES:
        raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got "
                           f"{reduce}")
    if not isinstance(src, Tensor):
        raise TypeError(f"scatter_reduce(): argument 'src' (position 3) must be Tensor, not "
                        f"{type(src).__name__}")
    idx = _index_array(index, "scatter")
    a = self._a
    d = wrap_dim(dim, a.ndim)
    if src.dtype is not self.dtype:
        raise RuntimeError("scatter(): Expected self.dtype to be equal to src.dtype")
    _scatter_checks(a, d, idx, src._a, "self")
    reduce = _REDUCES[reduce]
    if reduce == "mean" and self.dtype is D.bool_:
        raise NotImplementedError(
            "\"scatter_gather_tensor_cpu_reduce_mean\" not implemented for 'Bool'")
    return d, idx.astype(np.int64, copy=False), reduce


def scatter_reduce(input, dim, index, src, reduce, *, include_self=True, out=None) -> Tensor:
    """A copy of input with src's values reduced (sum, prod, mean, amax or amin) into the
    positions index names along dim, with or without input's own value."""
    d, idx, reduce = _scatter_reduce_args(input, dim, index, src, reduce)
    r = _run(ScatterReduce, (input, src), {"dim": d, "index": idx, "reduce": reduce,
                                           "include_self": bool(include_self)}, input.dtype)
    return r if out is None else write_out(out, r, "scatter_reduce")


def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True) -> Tensor:
    """In-place scatter_reduce."""
    d, idx, reduce = _scatter_reduce_args(self, dim, index, src, reduce)
    return apply_inplace(ScatterReduce, self, src, dim=d, index=idx, reduce=reduce,
                         include_self=bool(include_self))


# ------------------------------------------------------------------ masked_scatter
class MaskedScatter(Op):
    name = "MaskedScatterBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a, source, mask=None, shape=()):
        m = np.broadcast_to(mask, shape)
        ctx.mask, ctx.shape, ctx.sshape = m, shape, source.shape
        out = np.array(np.broadcast_to(a, shape), order="C")
        k = int(m.sum())
        out[m] = source.reshape(-1)[:k]
        return out

    @staticmethod
    def backward(ctx, g):
        gx = MaskedFillZero.apply(g, mask=ctx.mask)
        # source's first k elements were used, in order; the rest get zero
        gs = MaskedSelect.apply(g, mask=ctx.mask, shape=ctx.shape)
        n = int(np.prod(ctx.sshape))
        if gs._a.size < n:
            gs = _pad_to(gs, (n,))
        return gx, gs.reshape(ctx.sshape)


class MaskedFillZero(Op):
    """g with zeros where mask is True (the gradient of the overwritten values)."""
    name = "MaskedFillBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, g, mask=None):
        ctx.mask = mask
        return np.where(mask, np.zeros((), g.dtype), g)

    @staticmethod
    def backward(ctx, gg):
        return (MaskedFillZero.apply(gg, mask=ctx.mask),)


def _masked_scatter_args(self, mask, source):
    if not isinstance(mask, Tensor) or mask.dtype is not D.bool_:
        if isinstance(mask, Tensor) and mask.dtype is D.uint8:
            warnings.warn("masked_scatter_ received a mask with dtype torch.uint8, this behavior "
                          "is now deprecated,please use a mask with dtype torch.bool instead.",
                          UserWarning, stacklevel=3)
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype "
                           f"{mask.dtype.type_name}")
    if source.dtype is not self.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got"
                           f"{self.dtype.type_name} and {source.dtype.type_name}")
    return mask._a


def _check_count(m, shape, source):
    if int(np.broadcast_to(m, shape).sum()) > source._a.size:
        raise RuntimeError("Number of elements of source < number of ones in mask")


def masked_scatter(input, mask, source) -> Tensor:
    """A copy of input (broadcast with mask) with source's elements, in order, written where
    mask is True."""
    m = _masked_scatter_args(input, mask, source)
    shape = broadcast_pair(m.shape, input._a.shape)
    _check_count(m, shape, source)
    return _run(MaskedScatter, (input, source), {"mask": m, "shape": shape}, input.dtype)


def masked_scatter_(self, mask, source) -> Tensor:
    """In-place masked_scatter (mask must expand to self's shape)."""
    m = _masked_scatter_args(self, mask, source)
    shape = self._a.shape
    try:
        mask.expand(shape)
    except RuntimeError as e:
        raise RuntimeError(str(e).replace(f"{mask.dtype.legacy}{{", "CPUBoolType{")) from None
    _check_count(m, shape, source)
    return apply_inplace(MaskedScatter, self, source, mask=m, shape=shape)


# ------------------------------------------------------------------ take_along_dim
def take_along_dim(input, indices, dim=None, *, out=None) -> Tensor:
    """The values of input at indices along dim (shapes broadcast apart from dim; an index
    wraps around the dim's size); with dim None, along input flattened."""
    if dim is None:
        r = input.reshape(-1).gather(0, indices.reshape(-1))
        return r if out is None else write_out(out, r, "take_along_dim")
    if indices.dtype is not D.int64:
        raise RuntimeError(f"torch.take_along_dim(): dtype of indices should be Long but got "
                           f"{indices.dtype.type_name}")
    a, i = input._a, indices._a
    if a.ndim != i.ndim:
        raise RuntimeError(f"torch.take_along_dim(): input and indices should have the same "
                           f"number of dimensions, but got {a.ndim} dimensions for input, and "
                           f"{i.ndim} dimensions for indices")
    if a.ndim == 0:
        raise IndexError("Dimension specified as 0 but tensor has no dimensions")
    d = wrap_dim(dim, a.ndim)
    s = list(a.shape)
    s[d] = i.shape[d]
    ishape = broadcast_pair(tuple(s), i.shape)
    xshape = ishape[:d] + (a.shape[d],) + ishape[d + 1:]
    n = a.shape[d]
    idx = np.broadcast_to(i, ishape) % n if n else np.broadcast_to(i, ishape)
    r = input.expand(xshape).gather(d, _wrap(np.ascontiguousarray(idx, np.int64)))
    return r if out is None else write_out(out, r, "take_along_dim")


# ------------------------------------------------------------------ put
class Put(Op):
    name = "PutBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a, source, index=None, accumulate=False):
        ctx.index, ctx.accumulate, ctx.sshape = index, accumulate, source.shape
        out = copy_array(a)                  # input's layout kept
        flat = out.reshape(-1) if out.flags.c_contiguous else None
        vals = source.reshape(-1)
        if flat is None:
            c = np.array(out, order="C").reshape(-1)
            _put_flat(c, index, vals, accumulate)
            out[...] = c.reshape(out.shape)
        else:
            _put_flat(flat, index, vals, accumulate)
        return out

    @staticmethod
    def backward(ctx, g):
        gx = g if ctx.accumulate else Put.apply(g, _wrap(np.zeros(ctx.index.size, g._a.dtype)),
                                                index=ctx.index)
        gs = Take.apply(g, index=ctx.index).reshape(ctx.sshape)
        return gx, gs


def _put_flat(flat, index, vals, accumulate):
    if accumulate:
        np.add.at(flat, index, vals)
    else:
        flat[index] = vals


def _put_args(self, index, source):
    if not isinstance(index, Tensor) or index.dtype is not D.int64:
        raise RuntimeError(f"put_(): Expected a long tensor for index, but got "
                           f"{index.dtype.type_name}")
    if source.dtype is not self.dtype:
        raise RuntimeError(f"put_(): self and source expected to have the same dtype, but got "
                           f"self.dtype = {self.dtype.type_name} and source.dtype = "
                           f"{source.dtype.type_name}")
    idx = index._a.reshape(-1)
    if idx.size != source._a.size:
        raise IndexError(f"put_(): Expected source and index to have the same number of elements, "
                         f"but got source.numel() = {source._a.size}, index.numel() = {idx.size}")
    n = self._a.size
    if n == 0 and idx.size:
        raise IndexError("put_(): Tried to put elements into an empty tensor")
    if _outside(idx, -n, n):
        bad = idx[(idx >= n) | (idx < -n)][0]
        raise IndexError(f"out of range: tried to access index {bad} on a tensor of {n} "
                         f"elements.")
    return np.where(idx < 0, idx + n, idx)


def put(input, index, source, accumulate=False) -> Tensor:
    """A copy of input (seen as 1-D) with source written (or added) at index."""
    idx = _put_args(input, index, source)
    return _run(Put, (input, source), {"index": idx, "accumulate": bool(accumulate)},
                input.dtype)


def put_(self, index, source, accumulate=False) -> Tensor:
    """In-place put."""
    idx = _put_args(self, index, source)
    return apply_inplace(Put, self, source, index=idx, accumulate=bool(accumulate))


# ------------------------------------------------------------------ Tensor methods
Tensor.index_fill = index_fill
Tensor.index_fill_ = index_fill_
Tensor.index_copy = index_copy
Tensor.index_copy_ = index_copy_
Tensor.scatter_reduce = scatter_reduce
Tensor.scatter_reduce_ = scatter_reduce_
Tensor.masked_scatter = masked_scatter
Tensor.masked_scatter_ = masked_scatter_
Tensor.take_along_dim = take_along_dim
Tensor.put = put
Tensor.put_ = put_

__all__ = ["index_fill", "index_copy", "scatter_reduce", "masked_scatter", "take_along_dim",
           "put"]
