"""Activation primitives of torch.nn.functional: leaky_relu, elu, gelu, silu, softplus and
hardtanh (relu, sigmoid and tanh are plain unary ops in unary.py).

Each forward follows the formula of torch's CPU kernel in the tensor's own precision (float16
through float32, rounded once); the in-place forms that torch records from the result
(LeakyReluBackward1, EluBackward1) have their own classes.  None of these is in the torch
namespace: nn.functional exposes them.
"""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype as D
from .._tensor import _wrap
from ..autograd.function import NONE, Op
from ..autograd.grad_mode import ENABLED
from ._erf import erf as _erf64
from ._inplace import apply_inplace
from ._pw import F16, F32, Pointwise, check_tensor, not_implemented
from .ternary import where

__all__: list = []

_SQRT1_2 = math.sqrt(0.5)
_KBETA = math.sqrt(2.0) * (2.0 / math.sqrt(math.pi)) * 0.5      # sqrt(2/pi)
_KAPPA = 0.044715
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _float_input(a, kernel):
    """a as a float array to compute on (float16 widened); torch's error for other dtypes."""
    k = a.dtype.kind
    if k != "f":
        raise not_implemented(kernel, _dt(a))
    return a.astype(F32) if a.dtype == F16 else a


def _dt(a):
    return D.NP_TO_TORCH[a.dtype]


def _back(r, a):
    """Round a float32 result of a float16 input back to float16."""
    return r.astype(a.dtype, copy=False)


class ThresholdBackward(Pointwise):
    """relu's gradient g * (out > 0) as one op (torch's threshold_backward), differentiable in
    g for double backward; the mask is a constant."""
    name = "ThresholdBackwardBackward0"
    kind = None
    needs_inputs = False

    @staticmethod
    def forward(ctx, g, out):
        mask = out > 0
        ctx.mask = mask
        return g * mask

    @staticmethod
    def backward(ctx, gg):
        return ThresholdBackward.apply(gg, _wrap(ctx.mask)), None



class _Activation(Op):
    kind = NONE

    @classmethod
    def run(cls, input, inplace, **params):
        """Out of place, or written into input (leaf and cast checks of apply_inplace)."""
        if inplace:
            return apply_inplace(cls.inplace_op or cls, input, **params)
        return cls.apply(input, **params)

    inplace_op = None


# ---------------------------------------------------------------- leaky_relu
class LeakyRelu(_Activation):
    name = "LeakyReluBackward0"

    @staticmethod
    def forward(ctx, a, negative_slope=0.01):
        ctx.slope = negative_slope
        x = _float_input(a, "leaky_relu_cpu")
        return _back(np.where(x > 0, x, x * x.dtype.type(negative_slope)), a)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        return (where(x > 0, g, g * ctx.slope),)


class LeakyReluInplace(LeakyRelu):
    name = "LeakyReluBackward1"
    save_output = True

    @staticmethod
    def backward(ctx, g):
        if ctx.slope < 0:
            raise RuntimeError(
                "In-place leakyReLu backward calculation is triggered with a negative slope which "
                "is not supported. This is caused by calling in-place forward function with a "
                "negative slope, please call out-of-place version instead. File an issue at "
                "https://github.com/pytorch/pytorch if you do require supporting in-place leakRelu "
                "backward calculation with negative slope")
        return (where(ctx.out > 0, g, g * ctx.slope),)


LeakyRelu.inplace_op = LeakyReluInplace


# ---------------------------------------------------------------- elu
class Elu(_Activation):
    name = "EluBackward0"

    @staticmethod
    def forward(ctx, a, alpha=1.0):
        ctx.alpha = alpha
        x = _float_input(a, "elu_cpu")
        t = x.dtype.type
        return _back(np.where(x > 0, x, np.expm1(x) * t(alpha)), a)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        return (where(x > 0, g, g * ctx.alpha * x.exp()),)


class EluInplace(Elu):
    name = "EluBackward1"
    save_output = True

    @staticmethod
    def backward(ctx, g):
        if ctx.alpha < 0:
            raise RuntimeError(
                "In-place elu backward calculation is triggered with a negative slope which is not "
                "supported. This is caused by calling in-place forward function with a negative "
                "slope, please call out-of-place version instead.")
        y = ctx.out
        return (where(y > 0, g, g * (y + ctx.alpha)),)


Elu.inplace_op = EluInplace


# ---------------------------------------------------------------- gelu
# erf for float32 gelu, computed in float64 to float32 accuracy at a fraction of the float64
# erf's cost: the Maclaurin series below |u| = 1; above, 1 - erfc with erfc(z) =
# t * exp(-z^2 + P(t)), t = 1 / (1 + z/2) (the Chebyshev-fitted "erfcc" of Numerical Recipes,
# relative error under 1.2e-7).  gelu then follows torch's float32 formula, whose 1 + erf
# cancels in the far negative tail (gelu(-6) is -0.0 in float32, as in torch).
_ERFCC = (-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807,
          -1.13520398, 1.48851587, -0.82215223, 0.17087277)
_MACLAURIN = [2 / math.sqrt(math.pi) * (-1) ** n / (math.factorial(n) * (2 * n + 1))
              for n in range(16)]


def _erf_f32(x):
    """erf(x * sqrt(1/2)) of a float32 array x, as float32 (the product rounded to float32
    first, as torch's kernel rounds it)."""
    u = (x * np.float32(_SQRT1_2)).astype(np.float64)
    z = np.abs(u)
    t = 1.0 / (1.0 + 0.5 * z)
    p = np.full(t.shape, _ERFCC[-1])
    for c in _ERFCC[-2::-1]:
        p *= t
        p += c
    p -= z * z
    tail = 1.0 - t * np.exp(p, out=p)           # erf(|u|)
    u2 = u * u
    s = np.full(u.shape, _MACLAURIN[-1])
    for c in _MACLAURIN[-2::-1]:
        s *= u2
        s += c
    s *= u
    return np.where(z < 1.0, s, np.copysign(tail, u)).astype(np.float32)


def _cdf(x):
    """0.5 * (1 + erf(x / sqrt(2))) in x's float dtype, as torch's kernel rounds it."""
    t = x.dtype.type
    e = _erf_f32(x) if x.dtype == np.float32 else _erf64(x * _SQRT1_2).astype(x.dtype)
    e += t(1)
    e *= t(0.5)
    return e


class Gelu(_Activation):
    name = "GeluBackward0"

    @staticmethod
    def forward(ctx, a, approximate="none"):
        ctx.approximate = approximate
        x = _float_input(a, "GeluKernelImpl")
        t = x.dtype.type
        if approximate == "tanh":
            inner = t(_KBETA) * (x + t(_KAPPA) * (x * x * x))
            r = t(0.5) * x * (t(1) + np.tanh(inner))
        else:
            r = x * _cdf(x)
        return _back(r, a)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        if ctx.approximate == "tanh":
            x2 = x * x
            inner = _KBETA * (x + _KAPPA * x2 * x)
            th = inner.tanh()
            left, right = 0.5 * x, 1 + th
            d_inner = _KBETA * (1 + 3 * _KAPPA * x2)
            return (g * (0.5 * right + left * (1 - th * th) * d_inner),)
        if not ENABLED[0] and x.dtype is not D.float16:
            xa = x._a
            t = xa.dtype.type
            pdf = np.exp(t(-0.5) * xa * xa)
            pdf *= t(_INV_SQRT_2PI)
            pdf *= xa
            pdf += _cdf(xa)
            return (_wrap(g._a * pdf),)
        cdf = 0.5 * (1 + (x * _SQRT1_2).erf())
        pdf = (-0.5 * x * x).exp() * _INV_SQRT_2PI
        return (g * (cdf + x * pdf),)


# ---------------------------------------------------------------- silu
class Silu(_Activation):
    name = "SiluBackward0"

    @staticmethod
    def forward(ctx, a):
        x = _float_input(a, "silu_cpu")
        e = np.exp(-x)
        e += x.dtype.type(1)
        return _back(np.divide(x, e, out=e), a)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        s = x.sigmoid()
        return (g * s * (1 + x * (1 - s)),)


# ---------------------------------------------------------------- softplus
class Softplus(_Activation):
    name = "SoftplusBackward0"

    @staticmethod
    def forward(ctx, a, beta=1.0, threshold=20.0):
        ctx.beta, ctx.threshold = beta, threshold
        x = _float_input(a, "softplus_cpu")
        t = x.dtype.type
        bx = x * t(beta)
        return _back(np.where(bx > t(threshold), x, np.log1p(np.exp(bx)) / t(beta)), a)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        bx = x * ctx.beta
        z = bx.exp()
        return (where(bx > ctx.threshold, g, g * z / (z + 1)),)


# ---------------------------------------------------------------- hardtanh / relu6
class Hardtanh(_Activation):
    """clamp(input, min_val, max_val); the gradient passes strictly inside the interval."""

    name = "HardtanhBackward0"

    @staticmethod
    def forward(ctx, a, min_val=-1.0, max_val=1.0):
        ctx.lo, ctx.hi = min_val, max_val
        k = a.dtype.kind
        if k == "b":
            raise RuntimeError("Bool inputs not supported for hardtanh")
        if k == "c":
            raise not_implemented("hardtanh", _dt(a))
        if k in "iu":
            # integer tensors clamp with integer bounds (torch converts the scalars)
            return np.minimum(np.maximum(a, a.dtype.type(int(min_val))), a.dtype.type(int(max_val)))
        x = a.astype(F32) if a.dtype == F16 else a
        t = x.dtype.type
        # nan stays nan (np.maximum/minimum propagate it, as torch's clamp does)
        return _back(np.minimum(np.maximum(x, t(min_val)), t(max_val)), a)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        return (where((x <= ctx.lo) | (x >= ctx.hi), 0.0, g),)


class HardtanhInplace(Hardtanh):
    save_output = True

    @staticmethod
    def backward(ctx, g):
        y = ctx.out
        return (where((y <= ctx.lo) | (y >= ctx.hi), 0.0, g),)


Hardtanh.inplace_op = HardtanhInplace


# ---------------------------------------------------------------- public functions
def leaky_relu(input, negative_slope=0.01, inplace=False):
    """input where positive, negative_slope * input elsewhere."""
    check_tensor("leaky_relu", input)
    return LeakyRelu.run(input, inplace, negative_slope=negative_slope)


def elu(input, alpha=1.0, inplace=False):
    """input where positive, alpha * (exp(input) - 1) elsewhere."""
    check_tensor("elu", input)
    return Elu.run(input, inplace, alpha=alpha)


def gelu(input, approximate="none"):
    """input * Phi(input), Phi the standard normal CDF (approximate='tanh': tanh formula)."""
    check_tensor("gelu", input)
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")
    if approximate == "none":
        return Gelu.apply(input)
    return Gelu.apply(input, approximate=approximate)


def silu(input, inplace=False):
    """input * sigmoid(input)."""
    check_tensor("silu", input)
    return Silu.run(input, inplace)


def softplus(input, beta=1.0, threshold=20.0):
    """log(1 + exp(beta * input)) / beta, and input itself where beta * input > threshold."""
    check_tensor("softplus", input)
    return Softplus.apply(input, beta=beta, threshold=threshold)


def hardtanh(input, min_val=-1.0, max_val=1.0, inplace=False):
    """clamp(input, min_val, max_val)."""
    check_tensor("hardtanh", input)
    if min_val > max_val:
        raise ValueError("min_val cannot be greater than max_val")
    return Hardtanh.run(input, inplace, min_val=min_val, max_val=max_val)


def relu6(input, inplace=False):
    """min(max(0, input), 6)."""
    check_tensor("relu6", input)
    return Hardtanh.run(input, inplace, min_val=0.0, max_val=6.0)


# the in-place functional forms torch has
def leaky_relu_(input, negative_slope=0.01):
    return leaky_relu(input, negative_slope, True)


def elu_(input, alpha=1.0):
    return elu(input, alpha, True)


def hardtanh_(input, min_val=-1.0, max_val=1.0):
    return hardtanh(input, min_val, max_val, True)

