"""The loss functions of torch.nn.functional: mse_loss, l1_loss, smooth_l1_loss, nll_loss,
cross_entropy, binary_cross_entropy, binary_cross_entropy_with_logits.

Each fused loss is one ``Op`` (forward on arrays, backward with Tensor ops) carrying torch's
grad_fn name (NllLossBackward0, MseLossBackward0 ...); the rest is composed from Tensor ops the
way torch composes it, so the printed grad_fn is torch's too (l1_loss ends in MeanBackward0,
cross_entropy with probabilities in DivBackward1).  Where the order of floating-point operations
could be observed it is torch's: nll_loss sums with torch's cascade (so its float32 results are
bit-exact), and the backward formulas round as torch's kernels do.  Checks run in torch's order
and raise torch's exception types and messages.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ..autograd.function import NONE, Op
from ..autograd.grad_mode import ENABLED
from ..ops._pw import broadcast_shape, not_implemented
from ..ops.nn_ops import LogSoftmax

__all__ = ["mse_loss", "l1_loss", "smooth_l1_loss", "nll_loss", "cross_entropy",
           "binary_cross_entropy", "binary_cross_entropy_with_logits"]

_F16 = np.dtype(np.float16)
_F32 = np.dtype(np.float32)
_NONE, _MEAN, _SUM = 0, 1, 2
_ENUM = {"none": _NONE, "mean": _MEAN, "sum": _SUM}
_EPS = 1e-12          # BCE's gradient denominator floor
_min, _max, _acc = np.minimum.reduce, np.maximum.reduce, np.add.accumulate


# ---------------------------------------------------------------- shared checks
def legacy_reduction(size_average, reduce) -> str:
    """The reduction the deprecated size_average/reduce flags stand for (with torch's warning)."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = "mean" if size_average and reduce else "sum" if reduce else "none"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{ret}' "
                  "instead.", stacklevel=3)
    return ret


def _enum(reduction):
    r = _ENUM.get(reduction) if reduction.__class__ is str else None
    if r is None:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return r


def _size(x):
    """x.size(), as torch's Python losses call it (a non-tensor fails there)."""
    if not isinstance(x, Tensor):
        raise AttributeError(f"'{type(x).__name__}' object has no attribute 'size'")
    return x._a.shape


def _arg(fname, x, name, pos, kind="Tensor", optional=False):
    """torch's argument-parser TypeError for a non-Tensor (or non-int) argument."""
    ok = (x is None and optional) or (isinstance(x, Tensor) if kind == "Tensor" else
                                      x.__class__ is int or isinstance(x, np.integer))
    if not ok:
        raise TypeError(f"{fname}(): argument '{name}' (position {pos}) must be {kind}, not "
                        f"{type(x).__name__}")


def _torch_size(shape):
    return f"torch.Size([{', '.join(map(str, shape))}])"


def _warn_size(input, target):
    t, i = _size(target), _size(input)
    if t != i:
        warnings.warn(
            f"Using a target size ({_torch_size(t)}) that is different to the input size "
            f"({_torch_size(i)}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.", stacklevel=3)


def _no_grad_arg(fname, x, name):
    if x is not None and x.requires_grad and ENABLED[0]:
        raise RuntimeError(f"The function '{fname}' is not differentiable with respect to argument "
                           f"'{name}'. This input cannot have requires_grad True.")


def _float_compute(a):
    """float16 is computed in float32 and rounded once at the end, as torch's kernels do."""
    return a.astype(_F32) if a.dtype == _F16 else a


def _reduce(loss, red, out_dtype):
    if red == _NONE:
        return loss.astype(out_dtype, copy=False)
    s = np.add.reduce(loss, None)
    if red == _MEAN:
        s = s / loss.dtype.type(loss.size) if loss.size else loss.dtype.type(np.nan)
    return np.asarray(s).astype(out_dtype)


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
    def forward(ctx, x, target, weight, red=_MEAN, ignore_index=-100, all_valid=False):
        out_dtype = x.dtype
        a = _float_compute(x)
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
            w = _float_compute(weight)[t]
            if not all_valid:
                w = np.where(valid, w, a.dtype.type(0))
        loss = np.negative(picked, out=picked) if w is None else -(picked * w)
        ctx.red, ctx.w = red, w
        # backward writes only the rows that count (an ignored row keeps a zero gradient even
        # when every row is ignored and the mean's grad / total_weight is nan)
        ctx.rows, ctx.t = (rows, t) if all_valid else (rows[valid], t[valid])
        if w is not None and not all_valid:
            ctx.w = w[valid]
        if red == _NONE:
            # a 1-D input gives a 0-dim loss, whether its target is 0-dim or of size 1
            return loss.reshape(target.shape if nd != 1 else ()).astype(out_dtype, copy=False)
        vmask = None if all_valid else valid
        total = cascade_sum(loss, vmask)
        if red == _SUM:
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
        n = int(np.prod(shape[:1] + shape[2:])) if nd > 1 else 1
        out = np.zeros((n, C), npd)
        if not g.requires_grad:
            # the usual case: write -w * grad straight into the target positions
            gv = g._a
            if red == _MEAN:
                gv = gv / ctx.tw                  # torch: -w * (grad / total_weight)
            elif red == _NONE:
                gv = gv.reshape(-1)[rows]
            out[rows, t] = np.negative(gv) if w is None else np.negative(w) * gv
            return _wrap(_from_rows(out, shape), dt), None, None
        if red == _MEAN:
            g = g / float(ctx.tw)
        # create_graph: the same product as Tensor ops, so that it is differentiated again
        out[rows, t] = -1 if w is None else np.negative(w)
        r = _wrap(out, dt) * (g.reshape(-1, 1) if red == _NONE else g)
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
    """nll_loss's checks in torch's order; returns (target as int64, no target ignored)."""
    if weight is None and isinstance(input, Tensor) and isinstance(target, Tensor):
        # the common case (float (N, C) input, int64 (N,) target) needs only the bounds check
        xs, ts = input._a.shape, target._a.shape
        if (len(xs) == 2 and len(ts) == 1 and xs[0] == ts[0] and target.dtype is D.int64
                and input.dtype.category == D.FLOAT and ignore_index.__class__ is int):
            return _targets(target._a, xs[1], ignore_index)
    _arg(fname, input, "input", 1)
    _arg(fname, target, "target", 2)
    _arg(fname, weight, "weight", 3, optional=True)
    _arg(fname, ignore_index, "ignore_index", 5, "int")
    if ignore_index.__class__ is bool:
        raise TypeError(f"{fname}(): argument 'ignore_index' (position 5) must be int, not bool")
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
    _no_grad_arg("nll_loss_forward" if not spatial else "nll_loss2d_forward", weight, "weight")
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
    red = _enum(reduction)
    t, dense = _check_nll(input, target, weight, ignore_index, "nll_loss_nd")
    return NllLoss.apply(input, t, weight, red=red, ignore_index=ignore_index, all_valid=dense)


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
    _arg(fname, input, "input", 1)
    _arg(fname, target, "target", 2)
    _arg(fname, weight, "weight", 3, optional=True)
    ls = _label_smoothing(label_smoothing)
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    red = _enum(reduction)
    ndim = input._a.ndim
    cdim = 1 if ndim >= 2 else 0
    if input._a.shape == target._a.shape:
        return _cross_entropy_probs(input, target, weight, red, ignore_index, ls, cdim)
    if ls > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {ls:g}")
    _arg(fname, ignore_index, "ignore_index", 5, "int")
    logp = LogSoftmax.apply(input, dim=cdim, dtype=None) if ndim else _log_softmax0(input)
    t, dense = _check_nll(logp, target, weight, ignore_index, fname)
    nll = NllLoss.apply(logp, t, weight, red=red, ignore_index=ignore_index, all_valid=dense)
    if ls <= 0.0:
        return nll
    C = input._a.shape[cdim]
    smooth = -(logp if weight is None else logp * _class_view(weight, ndim, cdim)).sum(cdim)
    ignored = t == ignore_index
    if ignored.any():
        smooth = smooth.masked_fill(_wrap(ignored), 0.0)
    if red == _MEAN:
        if weight is None:
            denom = _wrap(np.asarray(np.count_nonzero(~ignored)).astype(smooth.dtype.np))
        else:
            w = weight._a[np.where(ignored, 0, t)]
            denom = _wrap(np.asarray(np.add.reduce(np.where(ignored, 0, w), None)).astype(
                smooth.dtype.np))
        smooth = smooth.sum() / denom
    elif red == _SUM:
        smooth = smooth.sum()
    return nll * (1 - ls) + smooth * (ls / C)


def _log_softmax0(input):
    """log_softmax of a 0-dim input along dim 0."""
    return LogSoftmax.apply(input, dim=0, dtype=None)


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
    C = input._a.shape[cdim] if ndim else 1
    if weight is not None:
        _no_grad_arg("cross_entropy_loss", None, "weight")
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
    if red == _NONE:
        return -prod.sum(cdim)
    if red == _SUM:
        return -prod.sum()
    out = -prod.sum() / (input._a.size // C if C else 0)
    if out.grad_fn is not None:
        out.grad_fn.name = "DivBackward1"          # torch's name for a division by a number
    return out


# ---------------------------------------------------------------- mse / l1 / smooth l1
def _pair_dtype(input, target, kernel):
    """The computing dtype of a pointwise loss (torch.result_type), floating point only."""
    dt = D.result_type_of((input, target))
    if dt.category != D.FLOAT:
        raise not_implemented(kernel, dt)
    return dt


class MseLoss(Op):
    name = "MseLossBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, x, y, red=_MEAN, dt=None):
        d = _float_compute(x.astype(dt.np, copy=False)) - _float_compute(y.astype(dt.np,
                                                                                  copy=False))
        ctx.red, ctx.n = red, d.size
        return _reduce(d * d, red, dt.np)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        d = x - y
        if ctx.red == _MEAN:
            gx = (2.0 / ctx.n) * d * g if ctx.n else d * g   # torch: (2 / numel) * diff * grad
        else:
            gx = 2.0 * d * g
        return gx, (-gx if ctx.needs_input_grad[1] else None)


class SmoothL1Loss(Op):
    name = "SmoothL1LossBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, x, y, red=_MEAN, dt=None, beta=1.0):
        d = _float_compute(x.astype(dt.np, copy=False)) - _float_compute(y.astype(dt.np,
                                                                                  copy=False))
        z = np.abs(d)
        b = z.dtype.type(beta)
        loss = np.where(z < b, z.dtype.type(0.5) * z * z / b, z - z.dtype.type(0.5) * b)
        ctx.red, ctx.n, ctx.beta = red, d.size, beta
        return _reduce(loss, red, dt.np)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        if ctx.red == _MEAN:
            g = g / ctx.n                              # torch scales the grad first
        gx = ((x - y) / ctx.beta).clamp(-1.0, 1.0) * g
        return gx, (-gx if ctx.needs_input_grad[1] else None)


def _weighted(loss, weight, red):
    """A pointwise loss times weight (of input's size), then reduced as torch does."""
    loss = loss * weight
    if red == _NONE:
        return loss
    if red == _SUM:
        return loss.sum()
    return loss.sum() / weight.sum()


def _check_weight_size(weight, input):
    if _size(weight) != input._a.shape:
        raise ValueError("Weights and input must have the same size.")


def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
             reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean squared error (input - target)**2, optionally weighted."""
    _warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    broadcast_shape((input._a.shape, target._a.shape))
    if weight is not None:
        _check_weight_size(weight, input)
        return _weighted((input - target) ** 2, weight, _enum(reduction))
    red = _enum(reduction)
    dt = _pair_dtype(input, target, "mse_cpu")
    return MseLoss.apply(input, target, red=red, dt=dt)


def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
            reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean absolute error |input - target|, optionally weighted."""
    _warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    broadcast_shape((input._a.shape, target._a.shape))
    if weight is not None:
        _check_weight_size(weight, input)
        return _weighted((input - target).abs(), weight, _enum(reduction))
    red = _enum(reduction)
    loss = (input - target).abs()
    return loss if red == _NONE else loss.sum() if red == _SUM else loss.mean()


def smooth_l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Huber-like loss: 0.5 (x - y)**2 / beta where |x - y| < beta, else |x - y| - 0.5 beta."""
    _warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    broadcast_shape((input._a.shape, target._a.shape))
    red = _enum(reduction)
    beta = float(beta)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:
        loss = (input - target).abs()
        return loss if red == _NONE else loss.sum() if red == _SUM else loss.mean()
    dt = _pair_dtype(input, target, "smooth_l1_cpu")
    return SmoothL1Loss.apply(input, target, red=red, dt=dt, beta=beta)


# ---------------------------------------------------------------- binary cross entropy
class BinaryCrossEntropy(Op):
    name = "BinaryCrossEntropyBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, x, y, weight, red=_MEAN):
        out_dtype = x.dtype
        p, t = _float_compute(x), _float_compute(y)
        one = p.dtype.type(1)
        floor = p.dtype.type(-100)
        log_p = np.maximum(np.log(p), floor)         # torch clamps the logs at -100
        log_q = np.maximum(np.log(one - p), floor)
        loss = (t - one) * log_q - t * log_p
        if weight is not None:
            loss = loss * _float_compute(weight).astype(p.dtype, copy=False)
        ctx.red, ctx.n = red, loss.size
        return _reduce(loss, red, out_dtype)

    @staticmethod
    def backward(ctx, g):
        x, y, w = ctx.inputs
        gx = gy = None
        if ctx.needs_input_grad[0]:
            # torch: grad * (x - y) / max((1 - x) x, eps), then times weight, then / numel
            gx = g * (x - y) / ((1 - x) * x).clamp_min(_EPS)
            if w is not None:
                gx = gx * w
            if ctx.red == _MEAN:
                gx = gx / ctx.n
        if ctx.needs_input_grad[1]:
            gy = g * ((1 - x).log().clamp_min(-100.0) - x.log().clamp_min(-100.0))
            if w is not None:
                gy = gy * w
            if ctx.red == _MEAN:
                gy = gy / ctx.n
        return gx, gy, None


def _bce_weight(weight, shape):
    """weight broadcast to input's shape, with torch's two messages when it does not fit."""
    ws = weight._a.shape
    nd = max(len(ws), len(shape))
    expect = (1,) * (nd - len(shape)) + tuple(shape)
    wpad = (1,) * (nd - len(ws)) + tuple(ws)
    for k in range(nd - 1, -1, -1):
        if wpad[k] != 1 and expect[k] != 1 and wpad[k] != expect[k]:
            raise RuntimeError(
                f"Attempting to broadcast a dimension of length {wpad[k]} at {k - nd}! Mismatching "
                f"argument at index 1 had {_torch_size(ws)}; but expected shape should be "
                f"broadcastable to {list(expect)}")
    full = tuple(max(a, b) for a, b in zip(wpad, expect))
    if full != tuple(shape):
        raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape "
                           f"{list(full)}")
    return weight


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """-w (y log x + (1 - y) log(1 - x)) for probabilities input, the logs clamped at -100."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    red = _enum(reduction)
    ts, xs = _size(target), _size(input)
    if ts != xs:
        raise ValueError(f"Using a target size ({_torch_size(ts)}) that is different to the input "
                         f"size ({_torch_size(xs)}) is deprecated. Please ensure they have the "
                         "same size.")
    if weight is not None:
        _size(weight)
        _bce_weight(weight, xs)
    _no_grad_arg("binary_cross_entropy", weight, "weight")
    dt = input.dtype
    if target.dtype is not dt:
        raise RuntimeError(f"Found dtype {target.dtype.type_name} but expected {dt.type_name}")
    if dt.category != D.FLOAT:
        raise not_implemented("binary_cross_entropy", dt)
    x, y = input._a, target._a
    if not ((x >= 0) & (x <= 1)).all():
        raise RuntimeError("all elements of input should be between 0 and 1")
    if not ((y >= 0) & (y <= 1)).all():
        raise RuntimeError("all elements of target should be between 0 and 1")
    return BinaryCrossEntropy.apply(input, target, weight, red=red)


class BinaryCrossEntropyWithLogits(Op):
    name = "BinaryCrossEntropyWithLogitsBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, x, y, weight, pos_weight, red=_MEAN, dt=None):
        npd = dt.np
        cd = _F32 if npd == _F16 else npd
        z, t = x.astype(cd, copy=False), y.astype(cd, copy=False)
        one = cd.type(1)
        # log(sigmoid(z)) = min(z, 0) - log1p(exp(-|z|)), stable for large |z|
        log_sig = np.minimum(z, cd.type(0)) - np.log1p(np.exp(-np.abs(z)))
        if pos_weight is None:
            loss = (one - t) * z - log_sig
        else:
            lw = (pos_weight.astype(cd, copy=False) - one) * t + one
            loss = (one - t) * z - lw * log_sig
        if weight is not None:
            loss = loss * weight.astype(cd, copy=False)
        ctx.red, ctx.n = red, loss.size
        return _reduce(loss, red, npd)

    @staticmethod
    def backward(ctx, g):
        x, y, w, pw = ctx.inputs
        gx = gy = None
        if ctx.needs_input_grad[0]:
            s = x.sigmoid()
            gx = (s - y) if pw is None else ((pw - 1) * y + 1) * s - pw * y
            gx = gx * g
            if w is not None:
                gx = gx * w
            if ctx.red == _MEAN:
                gx = gx / ctx.n
        if ctx.needs_input_grad[1]:
            gy = -x if pw is None else -x - (pw - 1) * _log_sigmoid(x)
            gy = gy * g
            if w is not None:
                gy = gy * w
            if ctx.red == _MEAN:
                gy = gy / ctx.n
        return gx, gy, None, None


def _log_sigmoid(x):
    return x.clamp_max(0.0) - (-x.abs()).exp().log1p()


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     size_average=None, reduce=None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """binary_cross_entropy(sigmoid(input), target) computed stably from the logits; pos_weight
    weighs the positive term (one weight per class, broadcast along the last dim)."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    red = _enum(reduction)
    ts, xs = _size(target), _size(input)
    if ts != xs:
        raise ValueError(f"Target size ({_torch_size(ts)}) must be the same as input size "
                         f"({_torch_size(xs)})")
    fname = "binary_cross_entropy_with_logits"
    _arg(fname, weight, "weight", 3, optional=True)
    _arg(fname, pos_weight, "pos_weight", 4, optional=True)
    _no_grad_arg(fname, weight, "weight")
    _no_grad_arg(fname, pos_weight, "pos_weight")
    for extra in (pos_weight, weight):
        if extra is not None:
            full = broadcast_shape((xs, extra._a.shape)) if extra is weight else \
                broadcast_shape((extra._a.shape, xs))
            if full != tuple(xs):
                raise RuntimeError(f"output with shape {list(xs)} doesn't match the broadcast "
                                   f"shape {list(full)}")
    if input.dtype.category != D.FLOAT:
        raise not_implemented("log_sigmoid_cpu", input.dtype)
    tdt = target.dtype
    if tdt is D.bool_:
        raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not supported. "
                           "Use the `^` or `logical_xor()` operator instead.")
    if tdt.category != D.FLOAT:
        # torch computes (1 - target) * input into a tensor of target's dtype
        rt = D.result_type_of((input, target))
        raise RuntimeError(f"result type {rt.type_name} can't be cast to the desired output type "
                           f"{tdt.type_name}")
    # the result has target's dtype (torch accumulates into (1 - target) in place)
    return BinaryCrossEntropyWithLogits.apply(input, target, weight, pos_weight, red=red, dt=tdt)
