"""The loss functions of torch.nn.functional: mse_loss, l1_loss, smooth_l1_loss,
binary_cross_entropy, binary_cross_entropy_with_logits here, nll_loss and cross_entropy in
_nll.py (re-exported, so this module holds all seven).

Each fused loss is one ``Op`` (forward on arrays, backward with Tensor ops) carrying torch's
grad_fn name (MseLossBackward0, BinaryCrossEntropyBackward0 ...); the rest is composed from
Tensor ops the way torch composes it, so the printed grad_fn is torch's too (l1_loss ends in
MeanBackward0).  Where the order of floating-point operations could be observed it is torch's
(the backward formulas of mse_loss and binary_cross_entropy are bit-exact in float32).  Checks
run in torch's order and raise torch's exception types and messages.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ..autograd.function import NONE, Op
from ..autograd.grad_mode import ENABLED
from ..ops._pw import broadcast_shape, not_implemented
from ._nll import cross_entropy, nll_loss  # noqa: F401  (re-exported: all seven live here)
from ._reduction import (RED_MEAN, RED_NONE, RED_SUM, check_arg, float_compute,
                         legacy_reduction, no_grad_arg, reduce_array, reduction_enum, size_of,
                         torch_size, warn_size)

__all__ = ["mse_loss", "l1_loss", "smooth_l1_loss", "nll_loss", "cross_entropy",
           "binary_cross_entropy", "binary_cross_entropy_with_logits"]

_F16 = np.dtype(np.float16)
_F32 = np.dtype(np.float32)
_EPS = 1e-12          # BCE's gradient denominator floor


# ---------------------------------------------------------------- mse / l1 / smooth l1
def _pair_dtype(input, target, kernel):
    """The computing dtype of a pointwise loss (torch.result_type), floating point only."""
    dt = input.dtype
    if target.dtype is not dt:
        dt = D.result_type_of((input, target))
    if dt.category != D.FLOAT:
        raise not_implemented(kernel, dt)
    return dt


def _check_shapes(input, target):
    """torch's broadcast error when input and target don't broadcast."""
    if input._a.shape != target._a.shape:
        broadcast_shape((input._a.shape, target._a.shape))


def _diff(x, y, dt):
    """x - y in dt (float16 in float32) as a fresh array the caller may overwrite."""
    d = np.subtract(float_compute(x.astype(dt.np, copy=False)),
                    float_compute(y.astype(dt.np, copy=False)))
    return d if d.__class__ is np.ndarray else np.asarray(d)


class MseLoss(Op):
    name = "MseLossBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, x, y, red=RED_MEAN, dt=None):
        d = _diff(x, y, dt)
        ctx.red, ctx.n, ctx.dt = red, d.size, dt
        return reduce_array(np.multiply(d, d, out=d), red, dt.np)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        # torch: (2 / numel) * diff * grad for the mean, 2 * diff * grad otherwise
        coef = (2.0 / ctx.n if ctx.n else 1.0) if ctx.red == RED_MEAN else 2.0
        if not ENABLED[0]:
            # no graph of the backward (create_graph=False): NumPy in place
            d = _diff(x._a, y._a, ctx.dt)            # scaled in place: one temporary in all
            np.multiply(d, d.dtype.type(coef), out=d)
            np.multiply(d, g._a, out=d, casting="unsafe")
            gx = _wrap(d.astype(ctx.dt.np, copy=False), ctx.dt)
        else:
            gx = coef * (x - y) * g
        return gx, (-gx if ctx.needs_input_grad[1] else None)


class SmoothL1Loss(Op):
    name = "SmoothL1LossBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, x, y, red=RED_MEAN, dt=None, beta=1.0):
        d = float_compute(x.astype(dt.np, copy=False)) - float_compute(y.astype(dt.np,
                                                                                  copy=False))
        z = np.abs(d)
        b = z.dtype.type(beta)
        loss = np.where(z < b, z.dtype.type(0.5) * z * z / b, z - z.dtype.type(0.5) * b)
        ctx.red, ctx.n, ctx.beta = red, d.size, beta
        return reduce_array(loss, red, dt.np)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        if ctx.red == RED_MEAN:
            g = g / ctx.n                              # torch scales the grad first
        gx = ((x - y) / ctx.beta).clamp(-1.0, 1.0) * g
        return gx, (-gx if ctx.needs_input_grad[1] else None)


def _weighted(loss, weight, red):
    """A pointwise loss times weight (of input's size), then reduced as torch does."""
    loss = loss * weight
    if red == RED_NONE:
        return loss
    if red == RED_SUM:
        return loss.sum()
    return loss.sum() / weight.sum()


def _check_weight_shape(weight, input):
    if size_of(weight) != input._a.shape:
        raise ValueError("Weights and input must have the same size.")


def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
             reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean squared error (input - target)**2, optionally weighted."""
    warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    _check_shapes(input, target)
    if weight is not None:
        _check_weight_shape(weight, input)
        return _weighted((input - target) ** 2, weight, reduction_enum(reduction))
    red = reduction_enum(reduction)
    dt = _pair_dtype(input, target, "mse_cpu")
    return MseLoss.apply(input, target, red=red, dt=dt)


def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
            reduction: str = "mean", weight: Tensor | None = None) -> Tensor:
    """Mean absolute error |input - target|, optionally weighted."""
    warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    _check_shapes(input, target)
    if weight is not None:
        _check_weight_shape(weight, input)
        return _weighted((input - target).abs(), weight, reduction_enum(reduction))
    red = reduction_enum(reduction)
    loss = (input - target).abs()
    return loss if red == RED_NONE else loss.sum() if red == RED_SUM else loss.mean()


def smooth_l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                   reduction: str = "mean", beta: float = 1.0) -> Tensor:
    """Huber-like loss: 0.5 (x - y)**2 / beta where |x - y| < beta, else |x - y| - 0.5 beta."""
    warn_size(input, target)
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
    _check_shapes(input, target)
    red = reduction_enum(reduction)
    beta = float(beta)
    if beta < 0:
        raise RuntimeError("smooth_l1_loss does not support negative values for beta.")
    if beta == 0.0:
        loss = (input - target).abs()
        return loss if red == RED_NONE else loss.sum() if red == RED_SUM else loss.mean()
    dt = _pair_dtype(input, target, "smooth_l1_cpu")
    return SmoothL1Loss.apply(input, target, red=red, dt=dt, beta=beta)


# ---------------------------------------------------------------- binary cross entropy
class BinaryCrossEntropy(Op):
    name = "BinaryCrossEntropyBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, x, y, weight, red=RED_MEAN):
        out_dtype = x.dtype
        p, t = float_compute(x), float_compute(y)
        one = p.dtype.type(1)
        floor = p.dtype.type(-100)
        log_p = np.maximum(np.log(p), floor)         # torch clamps the logs at -100
        log_q = np.maximum(np.log(one - p), floor)
        loss = (t - one) * log_q - t * log_p
        if weight is not None:
            loss = loss * float_compute(weight).astype(p.dtype, copy=False)
        ctx.red, ctx.n = red, loss.size
        return reduce_array(loss, red, out_dtype)

    @staticmethod
    def backward(ctx, g):
        x, y, w = ctx.inputs
        gx = gy = None
        if ctx.needs_input_grad[0]:
            # torch: grad * (x - y) / max((1 - x) x, eps), then times weight, then / numel
            gx = g * (x - y) / ((1 - x) * x).clamp_min(_EPS)
            if w is not None:
                gx = gx * w
            if ctx.red == RED_MEAN:
                gx = gx / ctx.n
        if ctx.needs_input_grad[1]:
            gy = g * ((1 - x).log().clamp_min(-100.0) - x.log().clamp_min(-100.0))
            if w is not None:
                gy = gy * w
            if ctx.red == RED_MEAN:
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
                f"argument at index 1 had {torch_size(ws)}; but expected shape should be "
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
    red = reduction_enum(reduction)
    ts, xs = size_of(target), size_of(input)
    if ts != xs:
        raise ValueError(f"Using a target size ({torch_size(ts)}) that is different to the input "
                         f"size ({torch_size(xs)}) is deprecated. Please ensure they have the "
                         "same size.")
    if weight is not None:
        size_of(weight)
        _bce_weight(weight, xs)
    no_grad_arg("binary_cross_entropy", weight, "weight")
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
    def forward(ctx, x, y, weight, pos_weight, red=RED_MEAN, dt=None):
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
        return reduce_array(loss, red, npd)

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
            if ctx.red == RED_MEAN:
                gx = gx / ctx.n
        if ctx.needs_input_grad[1]:
            gy = -x if pw is None else -x - (pw - 1) * _log_sigmoid(x)
            gy = gy * g
            if w is not None:
                gy = gy * w
            if ctx.red == RED_MEAN:
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
    red = reduction_enum(reduction)
    ts, xs = size_of(target), size_of(input)
    if ts != xs:
        raise ValueError(f"Target size ({torch_size(ts)}) must be the same as input size "
                         f"({torch_size(xs)})")
    fname = "binary_cross_entropy_with_logits"
    check_arg(fname, weight, "weight", 3, optional=True)
    check_arg(fname, pos_weight, "pos_weight", 4, optional=True)
    no_grad_arg(fname, weight, "weight")
    no_grad_arg(fname, pos_weight, "pos_weight")
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
