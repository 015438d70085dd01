"""torch.nn.functional: more activations and losses (see modules/activation_more.py,
modules/loss_more.py).

The activations with a dedicated torch kernel are Ops in ops/activation_more.py; softsign,
tanhshrink and the losses torch writes in Python (or as composite ATen functions) are composed
from Tensor ops in torch's order, so the grad_fn shown is torch's (kl_div ends in SubBackward0
for reduction='none', cosine_embedding_loss in AddBackward0 ...).
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ..ops import activation_more as _A
from ..ops._pw import broadcast_shape, check_tensor, not_implemented
from ._reduction import (RED_NONE, RED_SUM, legacy_reduction, no_grad_arg,
                         reduction_enum, size_of, torch_size, warn_size)

__all__ = ["celu", "celu_", "selu", "selu_", "glu", "hardshrink", "hardsigmoid", "hardswish",
           "logsigmoid", "mish", "prelu", "rrelu", "rrelu_", "softshrink", "softsign",
           "tanhshrink", "threshold", "threshold_", "kl_div", "huber_loss",
           "cosine_embedding_loss", "hinge_embedding_loss", "margin_ranking_loss",
           "soft_margin_loss", "multilabel_soft_margin_loss", "multi_margin_loss",
           "poisson_nll_loss", "gaussian_nll_loss", "triplet_margin_loss", "cosine_similarity",
           "pairwise_distance"]


# ---------------------------------------------------------------- activations
def celu(input, alpha=1.0, inplace=False):
    """max(0, x) + min(0, alpha * (exp(x / alpha) - 1))."""
    check_tensor("celu", input)
    if alpha == 0:
        raise RuntimeError("ZeroDivisionError: alpha cannot be 0 for CELU")
    return _A.Celu.run(input, inplace, alpha=alpha, scale=1.0, input_scale=1.0 / alpha)


def celu_(input, alpha=1.0):
    return celu(input, alpha, True)


def selu(input, inplace=False):
    """scale * elu(x, alpha) with the self-normalising constants."""
    check_tensor("selu", input)
    return _A.EluFull.run(input, inplace, alpha=_A.SELU_ALPHA, scale=_A.SELU_SCALE,
                          input_scale=1.0)


def selu_(input):
    return selu(input, True)


def glu(input, dim=-1):
    """a * sigmoid(b), a and b the halves of input along dim."""
    check_tensor("glu", input)
    nd = input._a.ndim
    if nd == 0:
        raise RuntimeError("glu does not support scalars because halving size must be even")
    if not -nd <= dim < nd:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-nd}, {nd - 1}], "
                         f"but got {dim})")
    d = dim % nd
    size = input._a.shape[d]
    if size % 2:
        raise RuntimeError(f"Halving dimension must be even, but dimension {d} is size {size}")
    return _A.Glu.apply(input, dim=d)


def hardshrink(input, lambd=0.5):
    """x where |x| > lambd, else 0."""
    check_tensor("hardshrink", input)
    return _A.Hardshrink.apply(input, lambd=lambd)


def softshrink(input, lambd=0.5):
    """x - lambd above lambd, x + lambd below -lambd, 0 between."""
    check_tensor("softshrink", input)
    if lambd < 0:
        top = {"Float": "3.40282e+38", "Half": "65504", "BFloat16": "3.38953e+38"}.get(
            input.dtype.type_name, "1.79769e+308")
        raise RuntimeError(f"lambda must be in range [0, {top}] for input dtype "
                           f"{input.dtype.type_name}, but found {lambd:g}")
    return _A.Softshrink.apply(input, lambd=lambd)


def hardsigmoid(input, inplace=False):
    """relu6(x + 3) / 6."""
    check_tensor("hardsigmoid", input)
    return _A.Hardsigmoid.run(input, inplace)


def hardswish(input, inplace=False):
    """x * relu6(x + 3) / 6."""
    check_tensor("hardswish", input)
    return _A.Hardswish.run(input, inplace)


def logsigmoid(input):
    """log(sigmoid(x)), computed stably."""
    check_tensor("logsigmoid", input)
    return _A.LogSigmoid.apply(input)


def mish(input, inplace=False):
    """x * tanh(softplus(x))."""
    check_tensor("mish", input)
    return _A.Mish.run(input, inplace)


def prelu(input, weight):
    """x where positive, weight * x elsewhere (one weight, or one per channel, dim 1)."""
    check_tensor("prelu", input)
    wd = weight._a.ndim
    nw = weight._a.size
    if nw != 1:
        nd = input._a.ndim
        if nd == 0:
            raise RuntimeError("Not allow zero-dim input tensor.")
        c = input._a.shape[1] if nd >= 2 else 1
        if c != nw:
            raise RuntimeError(f"Mismatch of parameter numbers and input channel size. Found "
                               f"parameter numbers = {nw} and channel size = {c}.")
    if wd > 1:
        raise RuntimeError(f"prelu: Expected `weight` to be a scalar or 1D tensor, but got: "
                           f"ndim = {wd}")
    if input.dtype is not weight.dtype:
        raise RuntimeError(f"prelu: Type promoting not supported. Got {input.dtype.type_name} "
                           f"and {weight.dtype.type_name}")
    return _A.Prelu.apply(input, weight)


def rrelu(input, lower=1.0 / 8, upper=1.0 / 3, training=False, inplace=False):
    """leaky relu with slope (lower + upper) / 2 in eval; a uniform slope in [lower, upper)
    drawn per non-positive element in training (torch's draws, from the global generator)."""
    check_tensor("rrelu", input)
    if lower > upper:
        raise RuntimeError("Lower bound should be less than or equal to the upper bound")
    if not training:
        return _A.Rrelu.run(input, inplace, lower=lower, upper=upper)
    x = input._a
    if x.dtype.kind != "f":
        raise not_implemented("rrelu_with_noise_out_cpu", input.dtype)
    from .._generator import _eng
    noise = np.ones(x.shape, np.float64)
    neg = ~(x > 0)
    k = int(neg.sum())
    if k:
        u = _eng(None, "rrelu").u53(k)
        npd = x.dtype if x.dtype != np.float16 else np.dtype(np.float32)
        # torch's kernel holds lower and upper in the op's math type (float32 below float64)
        lo, hi = (float(lower), float(upper)) if npd == np.float64 else (
            float(np.float32(lower)), float(np.float32(upper)))
        r = (u * (hi - lo) + lo).astype(npd)
        idx = np.flatnonzero(neg.reshape(-1))
        flat = noise.reshape(-1).astype(npd)
        flat[idx] = r
        noise = flat.reshape(x.shape)
    return _A.Rrelu.run(input, inplace, lower=lower, upper=upper, noise=noise)


def rrelu_(input, lower=1.0 / 8, upper=1.0 / 3, training=False):
    return rrelu(input, lower, upper, training, True)


def softsign(input):
    """x / (1 + |x|)."""
    return input / (input.abs() + 1)


def tanhshrink(input):
    """x - tanh(x)."""
    return input - input.tanh()


def threshold(input, threshold, value, inplace=False):
    """value where x <= threshold, else x."""
    check_tensor("threshold", input)
    return _A.Threshold.run(input, inplace, threshold=threshold, value=value)


def threshold_(input, threshold, value):
    return _A.Threshold.run(input, True, threshold=threshold, value=value)


# ---------------------------------------------------------------- helpers
def _legacy(size_average, reduce, reduction):
    if size_average is not None or reduce is not None:
        return legacy_reduction(size_average, reduce)
    return reduction


def _pair_dtype(input, target, kernel):
    dt = input.dtype
    if target.dtype is not dt:
        dt = D.result_type_of((input, target))
    if dt.category != D.FLOAT:
        raise not_implemented(kernel, dt)
    return dt


# ---------------------------------------------------------------- losses
def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Kullback-Leibler divergence of target from input (input holds log-probabilities)."""
    if size_average is not None or reduce is not None:
        reduction_enum_ = legacy_reduction(size_average, reduce)
    else:
        if reduction == "mean":
            warnings.warn(
                "reduction: 'mean' divides the total loss by both the batch size and the support "
                "size.'batchmean' divides only by the batch size, and aligns with the KL div math "
                "definition.'mean' will be changed to behave the same as 'batchmean' in the next "
                "major release.", stacklevel=2)
        reduction_enum_ = "sum" if reduction == "batchmean" else reduction
    red = reduction_enum(reduction_enum_)
    if log_target:
        loss = target.exp() * (target - input)
    else:
        from ..ops.special_binary import xlogy
        loss = xlogy(target, target) - target * input
    if red == RED_NONE:
        out = loss
    elif red == RED_SUM:
        out = loss.sum()
    else:
        out = loss.mean()
    if reduction == "batchmean" and input._a.ndim != 0:
        out = out / input._a.shape[0]
    return out


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """0.5 d**2 where |d| < delta, delta (|d| - 0.5 delta) elsewhere; d = input - target."""
    warn_size(input, target)
    if weight is None:
        red = reduction_enum(reduction)
        if input._a.shape != target._a.shape:
            broadcast_shape((input._a.shape, target._a.shape))
        if delta <= 0:
            raise RuntimeError("huber_loss does not support non-positive values for delta.")
        dt = _pair_dtype(input, target, "huber_cpu")
        if input._a.shape != target._a.shape:
            shp = broadcast_shape((input._a.shape, target._a.shape))
            input, target = input.expand(shp), target.expand(shp)
        return _A.HuberLoss.apply(input, target, red=red, dt=dt, delta=float(delta))
    if size_of(weight) != input._a.shape:
        raise ValueError("Weights and input must have the same size.")
    red = reduction_enum(reduction)
    t = input - target
    z = t.abs()
    from ..ops.ternary import where
    loss = where(z < delta, 0.5 * t * t, delta * (z - 0.5 * delta)) * weight
    if red == RED_NONE:
        return loss
    return loss.sum() if red == RED_SUM else loss.mean()


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                          reduction="mean"):
    """1 - cos(x1, x2) for target 1, max(0, cos(x1, x2) - margin) for target -1."""
    reduction = _legacy(size_average, reduce, reduction)
    red = reduction_enum(reduction)
    td = target._a.ndim
    if td > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    s1, s2 = input1._a.shape, input2._a.shape
    if td == 1 and not (input1._a.ndim == 2 and input2._a.ndim == 2):
        raise RuntimeError(f"1D target tensor expects 2D input tensors, but found inputs with "
                           f"sizes {list(s1)} and {list(s2)}.")
    if td == 0 and not (input1._a.ndim == 1 and input2._a.ndim == 1):
        raise RuntimeError(f"0D target tensor expects 1D input tensors, but found inputs with "
                           f"sizes {list(s1)} and {list(s2)}.")
    if td > 1:
        raise RuntimeError(f"{td}D target tensor expected, multi-target not supported")
    dim = input1._a.ndim - 1
    eps = 1e-12
    from ..ops.ternary import where
    prod_sum = (input1 * input2).sum(dim)
    mag1 = (input1 * input1).sum(dim) + eps
    mag2 = (input2 * input2).sum(dim) + eps
    denom = (mag1 * mag2).sqrt()
    cos = prod_sum / denom
    zeros = _wrap(np.zeros(cos._a.shape, cos._a.dtype), cos.dtype)
    pos = 1 - cos
    neg = (cos - margin).clamp_min(0)
    out = where(target == 1, pos, zeros) + where(target == -1, neg, zeros)
    if red == RED_NONE:
        return out
    return out.sum() if red == RED_SUM else out.mean()


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None,
                         reduction="mean"):
    """x where target is 1, max(0, margin - x) where target is -1."""
    reduction = _legacy(size_average, reduce, reduction)
    red = reduction_enum(reduction)
    from ..ops.ternary import where
    zeros = _wrap(np.zeros(input._a.shape, input._a.dtype), input.dtype)
    margin_clamp = (margin - input).clamp_min(0)
    out = where(target != 1, margin_clamp, zeros) + where(target != -1, input, zeros)
    if red == RED_NONE:
        return out
    return out.sum() if red == RED_SUM else out.mean()


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None,
                        reduction="mean"):
    """max(0, -target * (x1 - x2) + margin)."""
    reduction = _legacy(size_average, reduce, reduction)
    red = reduction_enum(reduction)
    if not (input1._a.ndim == input2._a.ndim == target._a.ndim):
        raise RuntimeError(
            f"margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {torch_size(input1._a.shape)}, input2: {torch_size(input2._a.shape)}, "
            f"target: {torch_size(target._a.shape)} ")
    out = (-target * (input1 - input2) + margin).clamp_min(0)
    if red == RED_NONE:
        return out
    return out.sum() if red == RED_SUM else out.mean()


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """log(1 + exp(-target * input))."""
    reduction = _legacy(size_average, reduce, reduction)
    red = reduction_enum(reduction)
    no_grad_arg("soft_margin_loss", target, "target")
    if input._a.shape != target._a.shape:
        shp = broadcast_shape((input._a.shape, target._a.shape))
        input, target = input.expand(shp), target.expand(shp)
    dt = _pair_dtype(input, target, "soft_margin_loss")
    return _A.SoftMarginLoss.apply(input, target, red=red, dt=dt)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None,
                                reduction="mean"):
    """Mean over classes of the binary logistic loss of each label."""
    reduction = _legacy(size_average, reduce, reduction)
    loss = -(target * logsigmoid(input) + (1 - target) * logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    class_dim = input.dim() - 1
    c = input._a.shape[class_dim]
    loss = loss.sum(dim=class_dim) / c
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"{reduction} is not valid")


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None,
                      reduce=None, reduction="mean"):
    """sum_i max(0, margin - x[y] + x[i])**p / C over i != y (weighted by weight[y])."""
    reduction = _legacy(size_average, reduce, reduction)
    red = reduction_enum(reduction)
    if p != 1 and p != 2:
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight._a.ndim != 1:
        raise ValueError("weight must be one-dimensional")
    x, t = input._a, target._a
    nd = x.ndim
    c = x.shape[-1] if nd else 1
    n = 1 if nd <= 1 else x.shape[0]
    if nd > 2 or (nd == 2 and x.shape[1] == 0) or (nd == 1 and x.shape[0] == 0):
        raise RuntimeError(f"Expected non-empty vector or matrix with optional 0-dim batch size, "
                           f"but got: {list(x.shape)}")
    if t.ndim > 1 or t.size != n:
        raise RuntimeError(
            "multi_margin_loss: target tensor should be 1-D with size equal to the number of "
            f"input samples (batch size). Expected target size [{n}], but got {list(t.shape)}. "
            f"Input has shape {list(x.shape)}.")
    if weight is not None and weight._a.size != c:
        raise RuntimeError(f"inconsistent weight size, expected {c} but got "
                           f"{list(weight._a.shape)}")
    if target.dtype is not D.int64:
        raise RuntimeError(f"expected scalar type Long but found {target.dtype.type_name}")
    if weight is not None and weight.dtype is not input.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype.type_name} but found "
                           f"{weight.dtype.type_name}")
    if t.size and (t.min() < 0 or t.max() >= c):
        raise RuntimeError("target out of range")
    if input.dtype.category != D.FLOAT or input.dtype is D.float16:
        raise not_implemented("multi_margin_loss_cpu_kernel", input.dtype)
    return _A.MultiMarginLoss.apply(input, target, weight, red=red, p=int(p), margin=margin)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8,
                     reduce=None, reduction="mean"):
    """exp(input) - target * input (log_input), or input - target * log(input + eps); full adds
    Stirling's approximation of log(target!)."""
    reduction = _legacy(size_average, reduce, reduction)
    red = reduction_enum(reduction)
    if log_input:
        loss = input.exp() - target * input
    else:
        loss = input - target * (input + eps).log()
    if full:
        stirling = target * target.log() - target + 0.5 * (2 * math.pi * target).log()
        loss = loss + stirling.masked_fill(target <= 1, 0)
    if red == RED_NONE:
        return loss
    return loss.sum() if red == RED_SUM else loss.mean()


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """0.5 (log(max(var, eps)) + (input - target)**2 / max(var, eps)), plus 0.5 log(2 pi) when
    full; var is input's size, or one less trailing dim, or a trailing dim of 1, or a float."""
    from .._creation import full_like as _full_like
    if isinstance(var, float):
        var = _full_like(input, var)
    elif not isinstance(var, Tensor):
        # torch goes on to torch.any(var < 0) with a Python bool
        raise TypeError(
            "any() received an invalid combination of arguments - got (bool), but expected one "
            "of:\n * (Tensor input, *, Tensor out = None)\n * (Tensor input, tuple of ints dim = "
            "None, bool keepdim = False, *, Tensor out = None)\n * (Tensor input, int dim, bool "
            "keepdim = False, *, Tensor out = None)\n")
    ish, vsh = input._a.shape, var._a.shape
    if vsh != ish:
        if ish[:-1] == vsh:
            var = var.unsqueeze(-1)
        elif ish[:-1] == vsh[:-1] and vsh[-1:] == (1,):
            pass
        else:
            raise ValueError("var is of incorrect size")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction + " is not valid")
    if (var._a < 0).any():
        raise ValueError("var has negative entry/entries")
    from ..autograd.grad_mode import no_grad
    var = var.clone()
    with no_grad():
        var.clamp_(min=eps)
    loss = 0.5 * (var.log() + (input - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """||x1 - x2 + eps||_p along the last dim."""
    nd = max(x1._a.ndim, x2._a.ndim)
    d = x1 - x2 + eps
    if nd == 0:
        return _A.NormP.apply(d, p=float(p), dim=0, keepdim=keepdim)
    return _A.NormP.apply(d, p=float(p), dim=nd - 1, keepdim=keepdim)


def cosine_similarity(x1, x2, dim=1, eps=1e-8):
    """sum(x1 * x2, dim) / (max(||x1||, eps) * max(||x2||, eps)), each divided first."""
    from ..ops.statistics import vector_norm
    cdt = x1.dtype if x1.dtype is x2.dtype else D.result_type_of((x1, x2))
    if cdt.category != D.FLOAT:
        raise RuntimeError(f"expected common dtype to be floating point, yet common dtype is "
                           f"{cdt.type_name}")
    # integer inputs are converted; floating ones keep their dtype (the division promotes)
    if x1.dtype.category != D.FLOAT:
        x1 = x1.to(cdt)
    if x2.dtype.category != D.FLOAT:
        x2 = x2.to(cdt)
    shp = broadcast_shape((x1._a.shape, x2._a.shape))
    a = x1 if x1._a.shape == shp else x1.expand(shp)
    b = x2 if x2._a.shape == shp else x2.expand(shp)
    from ..autograd.grad_mode import no_grad
    with no_grad():
        v1 = vector_norm(a, 2, dim=dim, keepdim=True)._a
        v2 = vector_norm(b, 2, dim=dim, keepdim=True)._a
    n1 = _A.ClampedNorm.apply(a, norm=v1, eps=eps, dim=dim)
    n2 = _A.ClampedNorm.apply(b, norm=v2, eps=eps, dim=dim)
    return ((a / n1) * (b / n2)).sum(dim)


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False,
                        size_average=None, reduce=None, reduction="mean"):
    """max(d(a, p) - d(a, n) + margin, 0), d the pairwise p-distance (swap: the smaller of
    d(a, n) and d(p, n))."""
    reduction = _legacy(size_average, reduce, reduction)
    red = reduction_enum(reduction)
    a_dim, p_dim, n_dim = anchor._a.ndim, positive._a.ndim, negative._a.ndim
    if not (a_dim == p_dim == n_dim):
        raise RuntimeError(
            f"The anchor, positive, and negative tensors are expected to have the same number of "
            f"dimensions, but got: anchor {a_dim}D, positive {p_dim}D, and negative {n_dim}D "
            "inputs")
    d_pos = pairwise_distance(anchor, positive, p, eps)
    d_neg = pairwise_distance(anchor, negative, p, eps)
    if swap:
        from ..ops.comparison import minimum
        d_neg = minimum(d_neg, pairwise_distance(positive, negative, p, eps))
    out = (margin + d_pos - d_neg).clamp_min(0)
    if red == RED_NONE:
        return out
    return out.sum() if red == RED_SUM else out.mean()
