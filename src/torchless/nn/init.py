"""torch.nn.init: fill a tensor in place, drawing exactly torch's random numbers.

Every initialiser runs outside autograd (so it works on a Parameter) and draws from the
global generator, or ``generator``, with the same calls in the same order as torch, so
``manual_seed(s); nn.Linear(784, 128)`` gives torch's weights bit for bit.  Bounds are
computed in Python floats with torch's formulas (kaiming's a = sqrt(5) squares to
5.000000000000001, which matters in the last bit).
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from .._random import uniform_into
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import no_grad
from ..ops._inplace import bump_version
from ._erfinv import erfinv

__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "ones_",
           "zeros_", "eye_", "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
           "kaiming_normal_", "orthogonal_"]

_LINEAR = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
           "conv_transpose3d")


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for a nonlinearity (tanh 5/3, relu sqrt(2), leaky_relu
    sqrt(2 / (1 + slope^2)), selu 3/4, linear and sigmoid 1)."""
    if nonlinearity in _LINEAR or nonlinearity == "sigmoid":
        return 1
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif (not isinstance(param, bool) and isinstance(param, int)) or isinstance(param, float):
            slope = param
        else:
            raise ValueError(f"negative_slope {param} not a valid number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"Unsupported nonlinearity {nonlinearity}")


def _calculate_fan_in_and_fan_out(tensor):
    """(fan_in, fan_out): size(1) and size(0) times the receptive field (the other dims)."""
    shape = tensor._a.shape
    if len(shape) < 2:
        raise ValueError("Fan in and fan out can not be computed for tensor with fewer than 2 "
                         "dimensions")
    receptive = 1
    for s in shape[2:]:
        receptive *= s
    return shape[1] * receptive, shape[0] * receptive


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    valid = ["fan_in", "fan_out"]
    if mode not in valid:
        raise ValueError(f"Mode {mode} not supported, please use one of {valid}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def _fill(tensor, value):
    tensor._a[...] = value
    bump_version(tensor)
    return tensor


# ---------------------------------------------------------------- plain fills
def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0, generator=None) -> Tensor:
    """Fill with U(a, b)."""
    return uniform_into(tensor, a, b, generator)


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, generator=None) -> Tensor:
    """Fill with N(mean, std^2)."""
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0, generator=None) -> Tensor:
    """Fill with N(mean, std^2) truncated to [a, b].

    As torch 2.13 does: when at least 30 % of the normal's mass lies in [a, b], draw normals
    and redraw the whole tensor, keeping the new values where the old ones fell outside, until
    all are inside (bit-exact with torch); otherwise invert the normal CDF on uniforms (torch
    uses another method there, so those values are not torch's).
    """
    def cdf(x):
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    if mean < a - 2 * std or mean > b + 2 * std:
        warnings.warn("mean is more than 2 std from [a, b] in nn.init.trunc_normal_. "
                      "The distribution of values may be incorrect.", stacklevel=2)
    lo, hi = cdf((a - mean) / std), cdf((b - mean) / std)
    x = tensor._a
    t = x.dtype.type
    if hi - lo >= 0.3:
        with no_grad():
            tensor.normal_(mean, std, generator=generator)
            redraw = _wrap(np.empty(x.shape, x.dtype), tensor.dtype)
            out = (x < t(a)) | (x > t(b))
            while out.any():
                redraw.normal_(mean, std, generator=generator)
                x[out] = redraw._a[out]
                out = (x < t(a)) | (x > t(b))
    else:
        uniform_into(tensor, 2 * lo - 1, 2 * hi - 1, generator)
        x[...] = erfinv(x)
        x *= t(std * math.sqrt(2.0))
        x += t(mean)
        np.clip(x, t(a), t(b), out=x)
    bump_version(tensor)
    return tensor


def constant_(tensor: Tensor, val: float) -> Tensor:
    """Fill with val."""
    return _fill(tensor, val)


def ones_(tensor: Tensor) -> Tensor:
    return _fill(tensor, 1)


def zeros_(tensor: Tensor) -> Tensor:
    return _fill(tensor, 0)


def eye_(tensor: Tensor) -> Tensor:
    """The identity matrix (2-D tensors only)."""
    if tensor._a.ndim != 2:
        raise ValueError("Only tensors with 2 dimensions are supported")
    a = tensor._a
    a[...] = 0
    np.fill_diagonal(a, 1)
    bump_version(tensor)
    return tensor


def dirac_(tensor: Tensor, groups: int = 1) -> Tensor:
    """The Dirac delta for convolution weights (3-5 dims): identity on the kernel's centre."""
    a = tensor._a
    if a.ndim not in (3, 4, 5):
        raise ValueError("Only tensors with 3, 4, or 5 dimensions are supported")
    if a.shape[0] % groups != 0:
        raise ValueError("dim 0 must be divisible by groups")
    out_per = a.shape[0] // groups
    n = min(out_per, a.shape[1])
    a[...] = 0
    centre = tuple(s // 2 for s in a.shape[2:])
    for g in range(groups):
        for d in range(n):
            a[(g * out_per + d, d) + centre] = 1
    bump_version(tensor)
    return tensor


# ---------------------------------------------------------------- scaled by fans
def xavier_uniform_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)) (Glorot)."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return uniform_into(tensor, -a, a, generator)


def xavier_normal_(tensor: Tensor, gain: float = 1.0, generator=None) -> Tensor:
    """N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)) (Glorot)."""
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return normal_(tensor, 0.0, std, generator)


def _kaiming_std(tensor, a, mode, nonlinearity):
    fan = _calculate_correct_fan(tensor, mode)
    gain = calculate_gain(nonlinearity, a)
    return gain / math.sqrt(fan)


def kaiming_uniform_(tensor: Tensor, a: float = 0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu", generator=None) -> Tensor:
    """U(-bound, bound), bound = gain * sqrt(3 / fan) (He)."""
    if 0 in tensor._a.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    bound = math.sqrt(3.0) * _kaiming_std(tensor, a, mode, nonlinearity)
    return uniform_into(tensor, -bound, bound, generator)


def kaiming_normal_(tensor: Tensor, a: float = 0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu", generator=None) -> Tensor:
    """N(0, std^2), std = gain / sqrt(fan) (He)."""
    if 0 in tensor._a.shape:
        warnings.warn("Initializing zero-element tensors is a no-op", stacklevel=2)
        return tensor
    return normal_(tensor, 0.0, _kaiming_std(tensor, a, mode, nonlinearity), generator)


def orthogonal_(tensor: Tensor, gain: float = 1, generator=None) -> Tensor:
    """A (semi-)orthogonal matrix from the QR decomposition of a normal sample."""
    a = tensor._a
    if a.ndim < 2:
        raise ValueError("Only tensors with 2 or more dimensions are supported")
    if a.size == 0:
        return tensor
    rows = a.shape[0]
    cols = a.size // rows
    flat = _wrap(np.empty((rows, cols), a.dtype), tensor.dtype)
    with no_grad():
        flat.normal_(0.0, 1.0, generator=generator)
    m = flat._a
    if rows < cols:
        m = m.T
    q, r = np.linalg.qr(m)
    q = q * np.sign(np.diagonal(r))        # make the decomposition unique, as torch does
    if rows < cols:
        q = q.T
    a[...] = (q.reshape(a.shape) * gain).astype(a.dtype)
    bump_version(tensor)
    return tensor


# torch keeps the old names without the underscore, deprecated
def _deprecated(fn):
    def old(*args, **kwargs):
        warnings.warn(f"`nn.init.{fn.__name__[:-1]}` is now deprecated in favor of "
                      f"`nn.init.{fn.__name__}`.", FutureWarning, stacklevel=2)
        return fn(*args, **kwargs)
    old.__name__ = fn.__name__[:-1]
    return old


uniform = _deprecated(uniform_)
normal = _deprecated(normal_)
constant = _deprecated(constant_)
eye = _deprecated(eye_)
dirac = _deprecated(dirac_)
xavier_uniform = _deprecated(xavier_uniform_)
xavier_normal = _deprecated(xavier_normal_)
kaiming_uniform = _deprecated(kaiming_uniform_)
kaiming_normal = _deprecated(kaiming_normal_)
orthogonal = _deprecated(orthogonal_)
