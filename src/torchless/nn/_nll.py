"""The classification losses: nll_loss (one Op, summed in torch's order so that its float32
values and gradients are bit-exact) and cross_entropy (log_softmax + nll_loss, with class
probabilities, weights, ignore_index and label smoothing composed as torch composes them)."""
from __future__ import annotations

from math import prod as _prod

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ..autograd.function import NONE, Op
from ..ops._pw import not_implemented
from ..ops.nn_ops import LogSoftmax
from ._reduction import (RED_MEAN, RED_NONE, RED_SUM, check_arg, float_compute, int_arg,
                         legacy_reduction, no_grad_arg, reduction_enum)

__all__ = ["nll_loss", "cross_entropy"]

_min, _max, _acc = np.minimum.reduce, np.maximum.reduce, np.add.accumulate


# ---------------------------------------------------------------- torch's cascade sum
_LEVEL = 16


def _seq(a):
    """Left-to-right sum along the last axis in a's dtype (add.accumulate is sequential)."""
    return _acc(a, -1)[..., -1] if a.shape[-1] else np.zeros(a.shape[:-1], a.dtype)


def cascade_sum(v, valid=None):
    """sum(v) rounded as torch's nll_loss kernel rounds it: the first element plus a cascade
    over the rest, whose level l is pushed to level l+1 after every 16**(l+1)-th element —
    unless that element is ignored (``valid`` False), which skips the push."""
    dt = v.dtype.type
    n = v.size
    if n == 0:
        return dt(0)
    if valid is not None and not valid[0]:
        first = dt(0)
    else:
        first = v[0]
    if valid is None:
        return first + _dense_cascade(v[1:]) if n > 1 else first
    vals = v[1:]
    pos = np.arange(1, n)
    active = valid[1:]
    step = _LEVEL
    leftovers = []
    while True:
        cut = (pos % step) == 0
        if active is not None:
            cut &= active
        ends = np.flatnonzero(cut)
        tail = vals[ends[-1] + 1:] if ends.size else vals
        leftovers.append(_seq(tail))
        if not ends.size:
            break
        vals, pos = _segment_sums(vals, ends), pos[ends]
        active = None
        step *= _LEVEL
    s = dt(0)
    for x in leftovers:
        s = dt(s + x)
    return dt(first + s)


def _dense_cascade(rest):
    """The cascade over rest when nothing is ignored: blocks of 16 at every level."""
    s = rest.dtype.type(0)
    while True:
        n = rest.size
        cut = n - n % _LEVEL
        if cut < n:
            s = s + _acc(rest[cut:])[-1]          # NumPy scalars: rounded in rest's dtype
        if not cut:
            return s
        rest = _acc(rest[:cut].reshape(-1, _LEVEL), 1)[:, -1]


def _segment_sums(vals, ends):
    """Left-to-right sums of vals[ends[k-1]+1 : ends[k]+1] for each k."""
    starts = np.concatenate(([0], ends[:-1] + 1))
    lengths = ends + 1 - starts
    width = int(lengths.max())
    if width == _LEVEL and lengths.min() == _LEVEL and starts[0] == 0:
        # no ignored elements: the segments tile the front of vals
        return _seq(vals[:ends[-1] + 1].reshape(-1, _LEVEL))
    if width * lengths.size <= 4 * vals.size + 4096:
        # pad the segments with trailing zeros (adding +0 changes no sum) and sum row-wise
        grid = np.zeros((lengths.size, width), vals.dtype)
        cols = np.arange(width)
        mask = cols < lengths[:, None]
        grid[mask] = vals[(starts[:, None] + cols)[mask]]
        return _seq(grid)
    return np.array([_seq(vals[s:e + 1]) for s, e in zip(starts, ends)], vals.dtype)


# ---------------------------------------------------------------- nll_loss
class NllLoss(Op):
    """Negative log-likelihood of the target classes: input (N, C) / (C,) / (N, C, d1 ...),
    computed on the (rows, C) view whose rows follow the targets' order."""

    name = "NllLossBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, x, target, weight, red=RED_MEAN, ignore_index=-100, all_valid=False):
        out_dtype = x.dtype
        a = float_compute(x)
        nd = a.ndim
        if nd > 2:
            ctx.name = "NllLoss2DBackward0"        # torch's nll_loss2d path
        if nd != 2:
            # (C,) -> (1, C); (N, C, d...) -> (N * d..., C)
            a = a[None] if nd == 1 else np.moveaxis(a, 1, -1).reshape(-1, a.shape[1])
        t = target.reshape(-1)
        rows = np.arange(t.size)
        if not all_valid:
            valid = t != ignore_index
            t = np.where(valid, t, 0)
        picked = a[rows, t]
        if weight is None:
            w = None if all_valid else valid.astype(a.dtype)
        else:
            w = float_compute(weight)[t]
            if not all_valid:
                w = np.where(valid, w, a.dtype.type(0))
        loss = np.negative(picked, out=picked) if w is None else -(picked * w)
        ctx.red, ctx.w = red, w
        # backward writes only the rows that count (an ignored row keeps a zero gradient even
        # when every row is ignored and the mean's grad / total_weight is nan)
        ctx.rows, ctx.t = (rows, t) if all_valid else (rows[valid], t[valid])
        if w is not None and not all_valid:
            ctx.w = w[valid]
        if red == RED_NONE:
            # a 1-D input gives a 0-dim loss, whether its target is 0-dim or of size 1
            return loss.reshape(target.shape if nd != 1 else ()).astype(out_dtype, copy=False)
        vmask = None if all_valid else valid
        total = cascade_sum(loss, vmask)
        if red == RED_SUM:
            return total.astype(out_dtype)
        tw = a.dtype.type(loss.size) if w is None else cascade_sum(w, vmask)
        ctx.tw = tw
        return (total / tw).astype(out_dtype)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        dt = x.dtype
        npd = dt.np
        shape = x._a.shape
        nd = len(shape)
        C = shape[1] if nd > 1 else shape[0]
        rows, t, w, red = ctx.rows, ctx.t, ctx.w, ctx.red
        n = _prod(shape[:1] + shape[2:]) if nd > 1 else 1
        out = np.zeros((n, C), npd)
        if not g.requires_grad:
            # the usual case: write -w * grad straight into the target positions
            gv = g._a
            if red == RED_MEAN:
                gv = gv / ctx.tw                  # torch: -w * (grad / total_weight)
            elif red == RED_NONE:
                gv = gv.reshape(-1)[rows]
            out[rows, t] = np.negative(gv) if w is None else np.negative(w) * gv
            return _wrap(_from_rows(out, shape), dt), None, None
        if red == RED_MEAN:
            g = g / float(ctx.tw)
        # create_graph: the same product as Tensor ops, so that it is differentiated again
        out[rows, t] = -1 if w is None else np.negative(w)
        r = _wrap(out, dt) * (g.reshape(-1, 1) if red == RED_NONE else g)
        if nd == 1:
            return r.reshape(C), None, None
        if nd == 2:
            return r, None, None
        lead = (shape[0],) + shape[2:]
        return (r.reshape(*lead, C).permute(0, nd - 1, *range(1, nd - 1)).contiguous(), None,
                None)


def _from_rows(out, shape):
    """The (rows, C) gradient in the input's layout (contiguous, as torch's)."""
    nd = len(shape)
    if nd == 2:
        return out
    if nd == 1:
        return out.reshape(shape)
    lead = (shape[0],) + shape[2:]
    return np.ascontiguousarray(np.moveaxis(out.reshape(lead + (shape[1],)), -1, 1))


def _check_nll(input, target, weight, ignore_index, fname):
    """nll_loss's checks in torch's order, after the argument types; returns (target as int64,
    no target ignored)."""
    if weight is None and isinstance(input, Tensor) and isinstance(target, Tensor):
        # the common case (float (N, C) input, int64 (N,) target) needs only the bounds check
        xs, ts = input._a.shape, target._a.shape
        if (len(xs) == 2 and len(ts) == 1 and xs[0] == ts[0] and target.dtype is D.int64
                and input.dtype.category == D.FLOAT and ignore_index.__class__ is int):
            return _targets(target._a, xs[1], ignore_index)
    xs, ts = input._a.shape, target._a.shape
    nd = len(xs)
    if nd < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {nd})")
    if nd != 1 and xs[0] != (ts[0] if ts else 0):
        raise ValueError(f"Expected input batch_size ({xs[0]}) to match target batch_size "
                         f"({ts[0] if ts else 0}).")
    spatial = nd > 2
    if nd <= 2:
        if len(ts) > 1:
            raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
        if nd == 1 and len(ts) == 1 and ts[0] != 1:
            raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: "
                             f"{ts[0]}")
    elif nd != 4 and ts != xs[:1] + xs[2:]:
        raise RuntimeError(f"Expected target size {list(xs[:1] + xs[2:])}, got {list(ts)}")
    no_grad_arg("nll_loss_forward" if not spatial else "nll_loss2d_forward", weight, "weight")
    if target.dtype is not D.int64 and target.dtype is not D.uint8:
        raise RuntimeError("expected target dtype to be Long or Byte, but got "
                           f"{target.dtype.type_name}")
    if nd == 4:
        if len(ts) != 3:
            raise RuntimeError("only batches of spatial targets supported (3D tensors) but got "
                               f"targets of dimension: {len(ts)}")
        if ts != xs[:1] + xs[2:]:
            raise RuntimeError(f"size mismatch (got input: {list(xs)} , target: {list(ts)}")
    C = xs[1] if nd > 1 else xs[0]
    if weight is not None:
        wshape = weight._a.shape
        if spatial:
            if weight._a.size != C:
                raise RuntimeError("weight tensor should be defined either for all or no classes")
        elif len(wshape) != 1 or wshape[0] != C:
            raise RuntimeError(f"weight tensor should be defined either for all {C} classes or no "
                               f"classes but got weight tensor of shape: {list(wshape)}")
    dt = input.dtype
    if dt.category != D.FLOAT:
        raise not_implemented("nll_loss2d_forward_out_frame" if spatial else "nll_loss_out_frame",
                              dt)
    if weight is not None and weight.dtype is not dt:
        raise RuntimeError(f"expected scalar type {dt.type_name} but found {weight.dtype.type_name}")
    return _targets(target._a, C, ignore_index)


def _targets(t, C, ignore_index):
    """(target as int64, whether no target is ignore_index); torch's IndexError for the first
    target outside [0, C) that is not ignored."""
    if t.dtype != np.int64:
        t = t.astype(np.int64)
    if not t.size:
        return t, True
    lo, hi = _min(t, None), _max(t, None)
    if 0 <= lo and hi < C and not 0 <= ignore_index < C:
        return t, True                         # the common case: two reductions, done
    ignored = t == ignore_index
    bad = ((t < 0) | (t >= C)) & ~ignored
    if bad.any():
        raise IndexError(f"Target {t.reshape(-1)[np.argmax(bad.reshape(-1))]} is out of bounds.")
    return t, not ignored.any()


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
             ignore_index: int = -100, reduce=None, reduction: str = "mean") -> Tensor:
    """The negative log likelihood loss of log-probabilities input at the target classes."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    red = reduction_enum(reduction)
    fname = "nll_loss_nd"
    check_arg(fname, input, "input", 1)
    check_arg(fname, target, "target", 2)
    check_arg(fname, weight, "weight", 3, optional=True)
    ignore_index = int_arg(fname, ignore_index, "ignore_index", 5)
    t, dense = _check_nll(input, target, weight, ignore_index, fname)
    return _nll(input, t, weight, red, ignore_index, dense)


def _nll(input, t, weight, red, ignore_index, dense):
    out = NllLoss.apply(input, t, weight, red=red, ignore_index=ignore_index, all_valid=dense)
    nd = input._a.ndim
    if red == RED_NONE and (nd == 3 or nd > 4):
        # torch runs these through nll_loss2d on a 4-D view and views the result back
        out = out.view(*out._a.shape)
    return out


# ---------------------------------------------------------------- cross_entropy
def _label_smoothing(value):
    if isinstance(value, Tensor):
        return float(value)
    if value.__class__ not in (float, int, bool) and not isinstance(value, (np.floating,
                                                                              np.integer)):
        raise TypeError("cross_entropy_loss(): argument 'label_smoothing' (position 6) must be "
                        f"float, not {type(value).__name__}")
    return float(value)


def _class_view(weight, ndim, cdim):
    """weight (C,) shaped to broadcast along the class dim of an ndim-dim input."""
    shape = [1] * ndim
    shape[cdim] = weight._a.shape[0]
    return weight.view(*shape) if ndim > 1 else weight


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
                  ignore_index: int = -100, reduce=None, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """log_softmax over the class dim then nll_loss; target holds class indices, or class
    probabilities of input's shape; label_smoothing mixes in the uniform distribution."""
    fname = "cross_entropy_loss"
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    red = reduction_enum(reduction)
    check_arg(fname, input, "input", 1)
    check_arg(fname, target, "target", 2)
    check_arg(fname, weight, "weight", 3, optional=True)
    ignore_index = int_arg(fname, ignore_index, "ignore_index", 5)
    ls = _label_smoothing(label_smoothing)
    ndim = input._a.ndim
    cdim = 0 if ndim == 1 else 1
    if input._a.shape == target._a.shape:
        return _cross_entropy_probs(input, target, weight, red, ignore_index, ls, cdim)
    if ls > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {ls:g}")
    logp = LogSoftmax.apply(input, dim=cdim, dtype=None)
    t, dense = _check_nll(logp, target, weight, ignore_index, fname)
    nll = _nll(logp, t, weight, red, ignore_index, dense)
    if ls <= 0.0:
        return nll
    C = input._a.shape[cdim]
    smooth = -(logp if weight is None else logp * _class_view(weight, ndim, cdim)).sum(cdim)
    ignored = t == ignore_index
    if ignored.any():
        smooth = smooth.masked_fill(_wrap(ignored), 0.0)
    if red == RED_MEAN:
        if weight is None:
            denom = _wrap(np.asarray(np.count_nonzero(~ignored)).astype(smooth.dtype.np))
        else:
            w = weight._a[np.where(ignored, 0, t)]
            denom = _wrap(np.asarray(np.add.reduce(np.where(ignored, 0, w), None)).astype(
                smooth.dtype.np))
        smooth = smooth.sum() / denom
    elif red == RED_SUM:
        smooth = smooth.sum()
    return nll * (1 - ls) + smooth * (ls / C)


def _cross_entropy_probs(input, target, weight, red, ignore_index, ls, cdim):
    """cross_entropy against class probabilities (target of input's shape)."""
    if target.dtype.category != D.FLOAT:
        raise RuntimeError("Expected floating point type for target with class probabilities, "
                           f"got {target.dtype.type_name}")
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    if ls > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {ls:g}")
    ndim = input._a.ndim
    if ndim == 0:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    C = input._a.shape[cdim]
    if weight is not None:
        no_grad_arg("cross_entropy_loss", None, "weight")
        if weight._a.ndim != 1 or weight._a.shape[0] != C:
            raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all {C} "
                               "classes or no classes but got weight tensor of shape: "
                               f"{list(weight._a.shape)}")
    if ls > 0.0:
        target = target * (1 - ls) + ls / C
    logp = LogSoftmax.apply(input, dim=cdim, dtype=None)
    prod = logp * target
    if weight is not None:
        prod = prod * _class_view(weight, ndim, cdim)
    if red == RED_NONE:
        return -prod.sum(cdim)
    if red == RED_SUM:
        return -prod.sum()
    out = -prod.sum() / (input._a.size // C if C else 0)
    if out.grad_fn is not None:
        out.grad_fn.name = "DivBackward1"          # torch's name for a division by a number
    return out
