"""Powers: pow (tensor ** number, tensor ** tensor, number ** tensor — PowBackward0/1/2) and
square, with torch's integer rules (negative exponents, overflow checks of a Number exponent)
and its special cases for small exponents, so results match it bit for bit.
"""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ._pw import (F16, F32, FAST_FLOAT, NUMBER, TENSOR_OR_NUMBER, Pointwise, check_cast,
                  check_int_scalar, check_operand, check_tensor, f32_of, inplace, inplace_from,
                  not_implemented, write_out)
from ._pw import holomorphic
from .ternary import where


def _dtype_of(a, b):
    """The compute dtype of a promoted pair (one side may be a Python scalar)."""
    return a.dtype if a.__class__ is np.ndarray else b.dtype


def _int_pow(a, b):
    """Integer power with torch's rule for negative exponents: 1 ** -n = 1,
    (-1) ** -n = ±1, anything else ** -n = 0 (NumPy refuses negative integer powers)."""
    b = np.asarray(b)
    if b.dtype.kind == "i" and (b < 0).any():
        neg = b < 0
        r = np.power(a, np.where(neg, 0, b).astype(b.dtype))
        odd = (b & 1).astype(bool)
        small = np.where(a == 1, 1, np.where(a == -1, np.where(odd, -1, 1), 0)).astype(r.dtype)
        return np.where(neg, small, r)
    return np.power(a, b)


def _float_pow(a, e):
    """Float power by a Number exponent, computed as torch does for the exponents it
    special-cases (multiplication, sqrt, rsqrt), so values and special cases match."""
    if e == 2:
        return a * a
    if e == 3:
        return a * a * a
    if e == 1:
        return a.copy()
    if e == -1:
        return np.reciprocal(a)
    if e == -2:
        return np.reciprocal(a * a)
    if e == 0.5:
        return np.sqrt(a)
    if e == -0.5:
        return np.reciprocal(np.sqrt(a))
    if e == 0:
        return np.ones_like(a)
    return np.power(a, e)


def _pow_kernel(a, b, number_exponent=False):
    """a ** b in the promoted dtype; ``number_exponent``: b was a Python number."""
    dt = _dtype_of(a, b)
    k = dt.kind
    if k in "iu":
        return _int_pow(a, b)
    if k == "b":
        raise not_implemented("pow", dt, a, b)
    f16 = dt == F16
    if f16:
        a = f32_of(a)
        b = b.astype(F32) if isinstance(b, np.ndarray) else b
    if number_exponent:
        r = _float_pow(a, b)
    else:
        r = np.power(a, b)
        if isinstance(b, np.ndarray) and b.size == 1 and b.reshape(-1)[0] == 0.5:
            # NumPy computes x ** 0.5 as sqrt(x) when the exponent is a single element;
            # torch follows C's pow for tensor exponents: (-inf) ** 0.5 = inf, (-0) ** 0.5 = +0
            r = np.where(a == -np.inf, np.inf, r + 0.0)
    return r.astype(F16) if f16 else r


_CPP_NAMES = {D.uint8: "uint8_t", D.int8: "int8_t", D.int16: "int16_t", D.int32: "int",
              D.int64: "int64_t", D.float16: "c10::Half"}


def _check_int_exponent(base, exponent):
    """torch's checks of a Number exponent against the result dtype."""
    if isinstance(exponent, Tensor) or not isinstance(exponent, (int, float, np.number)):
        return
    if exponent.__class__ is int:
        check_int_scalar(exponent)
    dt = D.result_type_of((base, exponent))
    integral = isinstance(exponent, (int, np.integer)) and not isinstance(exponent, bool)
    if dt.category == D.INT and integral and exponent < 0:
        raise RuntimeError("Integers to negative integer powers are not allowed.")
    if dt not in _CPP_NAMES or isinstance(exponent, bool) or not math.isfinite(exponent):
        return
    if dt.category == D.INT and integral and exponent > np.iinfo(np.int64).max:
        name = "int64_t"
    elif dt.category == D.INT:
        info = np.iinfo(dt.np)
        if not integral or info.min <= exponent <= info.max:
            return
        name = _CPP_NAMES[dt]
    elif math.isfinite(float(np.float16(exponent))):
        return
    else:
        name = "c10::Half"
    raise RuntimeError(f"value cannot be converted to type {name} without overflow")


@holomorphic
class Pow(Pointwise):
    """tensor ** scalar"""

    name = "PowBackward0"

    @staticmethod
    def forward(ctx, a, e):
        return _pow_kernel(a, e, number_exponent=True)

    @staticmethod
    def backward(ctx, g):
        x, e = ctx.inputs
        if e == 0:
            return g * 0, None
        return g * (e * x ** (e - 1)), None


def _masked_zero(cond, t):
    return where(cond, 0.0, t)


@holomorphic
class PowTensor(Pointwise):
    """tensor ** tensor"""

    name = "PowBackward1"
    save_output = True

    @staticmethod
    def forward(ctx, a, e):
        return _pow_kernel(a, e)

    @staticmethod
    def backward(ctx, g):
        x, e = ctx.inputs
        gx = ge = None
        if ctx.needs_input_grad[0]:
            gx = g * _masked_zero(e == 0, e * x ** (e - 1))
        if ctx.needs_input_grad[1]:
            er = e.real if e.dtype.is_complex else e
            ge = g * _masked_zero((x == 0) & (er >= 0), ctx.out * x.log())
        return gx, ge


@holomorphic
class PowScalarBase(Pointwise):
    """scalar ** tensor"""

    name = "PowBackward2"
    save_output = True

    @staticmethod
    def forward(ctx, s, e):
        return _pow_kernel(s, e)

    @staticmethod
    def backward(ctx, g):
        s, e = ctx.inputs
        log_s = math.log(s) if s > 0 else -math.inf if s == 0 else math.nan
        r = g * (ctx.out * log_s)
        return None, (_masked_zero(e >= 0, r) if s == 0 else r)


# ---------------------------------------------------------------- public functions
def pow(input, exponent, *, out=None):
    """input ** exponent; either may be a Python number."""
    if isinstance(input, Tensor):
        check_operand("pow", exponent, "exponent", 2)
        if isinstance(exponent, Tensor):
            r = PowTensor.apply(input, exponent)
        elif input.dtype is D.bool_ and exponent.__class__ is bool:
            # torch short-cuts the exponents True (copy) and False (ones) of a bool tensor
            r = _wrap(input._a.copy() if exponent else np.ones_like(input._a), D.bool_)
        else:
            _check_int_exponent(input, exponent)
            r = Pow.apply(input, exponent)
    else:
        check_operand("pow", input, "self", 1)
        check_tensor("pow", exponent, "exponent", 2)
        r = PowScalarBase.apply(input, exponent)
    return r if out is None else write_out(out, r)


def square(input, *, out=None):
    """input ** 2 (torch computes it as pow, so bool gives int64 and grad_fn is PowBackward0)."""
    check_tensor("square", input)
    if input.dtype in FAST_FLOAT and not input.requires_grad and out is None:
        a = input._a
        return _wrap(a * a, input.dtype)
    return pow(input, 2, out=out)


# ---------------------------------------------------------------- Tensor methods
def _rpow(self, other):
    if not isinstance(other, NUMBER):
        return NotImplemented
    return PowScalarBase.apply(other, self)


def _pow_method(self, exponent):
    if not isinstance(exponent, TENSOR_OR_NUMBER):
        return NotImplemented
    return pow(self, exponent)


def _pow_checks(self, exponent):
    _check_int_exponent(self, exponent)
    check_cast(self, (self, exponent))


_pow_inplace = inplace_from(pow, _pow_checks)


def _ipow(self, exponent):
    if not isinstance(exponent, TENSOR_OR_NUMBER):
        return NotImplemented
    return _pow_inplace(self, exponent)


Tensor.__pow__ = _pow_method
Tensor.__rpow__ = _rpow
Tensor.__ipow__ = _ipow
Tensor.pow = pow
Tensor.pow_ = _pow_inplace
Tensor.square = square
def square_(input):
    """In-place square."""
    return inplace(Pow, input, 2)


Tensor.square_ = square_

__all__ = ["pow", "square", "square_"]
