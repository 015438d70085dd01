"""Arithmetic: add, sub, mul, div (and its rounding modes), floor_divide, remainder, fmod, pow,
neg, positive, atan2 — forward (NumPy) and backward (Tensor ops) side by side.

Promotion follows torch.result_type (see autograd.function's kinds).  Where NumPy's arithmetic
differs from torch's the forward says so: integer division by zero raises, remainder keeps
the dividend's sign of zero, float16 products with a scalar are rounded once from float32,
and float32 multiply-adds (``alpha=``) are fused as torch's kernels fuse them.
The Tensor operators, methods and in-place forms are installed at the bottom.
"""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ..autograd.function import FLOAT, SAME
from ._pw import (F16, F32, FAST_FLOAT, FAST_NUM, NUMBER, TENSOR_OR_NUMBER, TENSOR_OR_NUMBER_SIGS,
                  NotImplementedGrad, Pointwise, binary_method, check_int_scalar, check_operand, check_tensor, fma,
                  check_cast, inplace, inplace_from, inplace_method, invalid_combination,
                  not_implemented,
                  write_out)
from .ternary import where
from .unary import reciprocal

_ALL = frozenset(D.ALL)
_NO_BOOL = _ALL - {D.bool_}
_FLOATS = frozenset((D.float16, D.float32, D.float64, D.complex64, D.complex128))
_SCALAR_F16 = FAST_FLOAT | {D.float16}


def _is_bool(x):
    return x.dtype is D.bool_ if isinstance(x, Tensor) else x.__class__ is bool or x.__class__ is np.bool_


def _dtype_of(a, b):
    """The compute dtype of a promoted pair (one side may be a Python scalar)."""
    return a.dtype if a.__class__ is np.ndarray else b.dtype


def _is_pyscalar(x):
    return x.__class__ in (float, int)


def _f32(x, scalar_as_is=False):
    """A float16 operand widened to float32.  A Python scalar is first rounded to float16
    (torch wraps it as a tensor of the op's dtype) — except the second operand of mul/div,
    which torch's kernels take at float32 precision directly (``scalar_as_is``)."""
    if x.__class__ is np.ndarray:
        return x.astype(F32)
    return np.float32(x) if scalar_as_is else np.float32(np.float16(x))


def _check_zero(b, kernel=None):
    """torch raises for integer division by zero where NumPy returns 0 with a warning."""
    if not np.all(b):
        raise RuntimeError("ZeroDivisionError")


# ---------------------------------------------------------------- add / sub
def _check_alpha(dt, alpha):
    if alpha.__class__ is bool or isinstance(alpha, np.bool_):
        if dt != np.bool_:
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
    elif isinstance(alpha, (float, np.floating)) and dt.kind in "biu":
        raise RuntimeError(
            "For integral input tensors, argument alpha must not be a floating point number.")
    elif isinstance(alpha, (complex, np.complexfloating)) and dt.kind != "c":
        raise RuntimeError(
            "For non-complex input tensors, argument alpha must not be a complex number.")


def _axpy(a, alpha, b):
    """a + alpha * b in a's dtype, with torch's roundings: float32 fuses the multiply-add
    (one rounding), float16 rounds the product to float16 first (as torch's scalar loop does)."""
    dt = _dtype_of(a, b)
    _check_alpha(dt, alpha)
    k = dt.kind
    if k == "b":
        return np.logical_or(a, b) if alpha else np.asarray(a).copy()
    if dt == F32:
        return fma(np.asarray(a, dt), np.float32(alpha), np.asarray(b, dt), dt)
    if k in "iu":
        alpha = np.asarray(alpha).astype(dt)          # wraps like torch's integer cast
    elif k == "f":
        alpha = dt.type(alpha)
    return a + b * alpha


class Add(Pointwise):
    name = "AddBackward0"

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        if alpha.__class__ is int and alpha == 1:
            return a + b
        ctx.alpha = alpha
        return _axpy(a, alpha, b)

    @staticmethod
    def backward(ctx, g):
        alpha = ctx.__dict__.get("alpha", 1)
        return g, (g if alpha == 1 else g * alpha)


def _check_sub(a, b):
    if _is_bool(a) or _is_bool(b):
        if _is_bool(a) and _is_bool(b):
            raise RuntimeError("Subtraction, the `-` operator, with two bool tensors is not "
                               "supported. Use the `^` or `logical_xor()` operator instead.")
        raise RuntimeError(
            "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying "
            "to invert a mask, use the `~` or `logical_not()` operator instead.")


class Sub(Pointwise):
    name = "SubBackward0"

    @staticmethod
    def check_operands(a, b, *rest):
        for x in (a, b):
            if x.__class__ is int:
                check_int_scalar(x)          # torch converts the scalar before its bool check
        _check_sub(a, b)

    @classmethod
    def apply(cls, a, b, **params):
        cls.check_operands(a, b)
        return super().apply(a, b, **params)

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        if alpha.__class__ is int and alpha == 1:
            return a - b
        ctx.alpha = alpha
        return _axpy(a, -alpha, b)

    @staticmethod
    def backward(ctx, g):
        alpha = ctx.__dict__.get("alpha", 1)
        return g, (-g if alpha == 1 else g * -alpha)


class Rsub(Sub):
    """rsub(input, other, alpha) = other - alpha * input (``2 - x`` is RsubBackward1)."""

    name = "RsubBackward0"

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return b - a if alpha.__class__ is int and alpha == 1 else _axpy(b, -alpha, a)

    @staticmethod
    def backward(ctx, g):
        alpha = ctx.alpha
        return (-g if alpha == 1 else g * -alpha), g


class RsubScalar(Rsub):
    name = "RsubBackward1"


# ---------------------------------------------------------------- mul / div
class Mul(Pointwise):
    name = "MulBackward0"

    @staticmethod
    def forward(ctx, a, b):
        # torch multiplies float16 by a Python scalar in float32 (its "opmath"), rounding once
        if b.__class__ in (float, int) and a.dtype == F16:
            return (a.astype(F32) * np.float32(b)).astype(F16)
        return a * b

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        return g * y, g * x


class Div(Pointwise):
    name = "DivBackward0"
    kind = FLOAT

    @staticmethod
    def forward(ctx, a, b):
        if b.__class__ in (float, int) and a.dtype == F16:
            return (a.astype(F32) / np.float32(b)).astype(F16)
        return np.true_divide(a, b)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        gx = g / y
        return gx, (-g * ((x / y) / y) if isinstance(y, Tensor) else None)


def _floor_div(a, b):
    dt = _dtype_of(a, b)
    k = dt.kind
    if k in "iu":
        _check_zero(b)
        return np.floor_divide(a, b)
    if k == "f":
        return np.floor_divide(a, b) if dt != F16 else \
            np.floor_divide(_f32(a), _f32(b, True)).astype(F16)
    raise not_implemented("div_floor_cpu", dt, a, b)


def _trunc_div(a, b):
    dt = _dtype_of(a, b)
    k = dt.kind
    if k in "iu":
        _check_zero(b)
        q = np.floor_divide(a, b)
        # floor and trunc differ when the division is inexact and the signs differ
        fix = (q * b != a) & ((a < 0) != (b < 0))
        return q + fix.astype(dt) if fix.any() else q
    if k == "f":
        if dt == F16:
            return np.trunc(_f32(a) / _f32(b, True)).astype(F16)
        return np.trunc(np.true_divide(a, b))
    raise not_implemented("div_trunc_cpu", dt, a, b)


class DivFloor(Pointwise):
    """div(..., rounding_mode='floor'): its gradient is zero, as torch defines it."""

    name = "DivBackward2"

    @staticmethod
    def forward(ctx, a, b):
        return _floor_div(a, b)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        return g * 0, (g * 0 if isinstance(y, Tensor) else None)


class DivTrunc(DivFloor):
    @staticmethod
    def forward(ctx, a, b):
        return _trunc_div(a, b)


class FloorDivide(NotImplementedGrad):
    aten = "aten::floor_divide"

    @staticmethod
    def forward(ctx, a, b):
        return _floor_div(a, b)


# ---------------------------------------------------------------- remainder / fmod
def _remainder_kernel(a, b):
    dt = _dtype_of(a, b)
    k = dt.kind
    if k in "iu":
        _check_zero(b)
        return np.remainder(a, b)
    if k != "f":
        raise not_implemented("remainder_cpu", dt, a, b)
    r = np.remainder(a, b)
    # NumPy gives a zero remainder the divisor's sign; torch keeps fmod's (the dividend's)
    z = r == 0
    if z.any():
        r = np.where(z, np.copysign(r, a), r)
    return r


def _fmod_kernel(a, b):
    dt = _dtype_of(a, b)
    k = dt.kind
    if k in "iu":
        _check_zero(b)
    elif k != "f":
        raise not_implemented("fmod_cpu", dt, a, b)
    return np.fmod(a, b)


class Remainder(Pointwise):
    name = "RemainderBackward0"

    @staticmethod
    def forward(ctx, a, b):
        return _remainder_kernel(a, b)

    @staticmethod
    def backward(ctx, g):
        return g, None


class RemainderTensor(Remainder):
    name = "RemainderBackward1"

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        return g, -g * div(x, y, rounding_mode="floor")


class RemainderScalarSelf(NotImplementedGrad):
    aten = "aten::remainder"

    @staticmethod
    def forward(ctx, a, b):
        return _remainder_kernel(a, b)


class Fmod(Pointwise):
    name = "FmodBackward0"

    @staticmethod
    def forward(ctx, a, b):
        return _fmod_kernel(a, b)

    @staticmethod
    def backward(ctx, g):
        return g, None


class FmodTensor(Fmod):
    name = "FmodBackward1"

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        return g, -g * div(x, y, rounding_mode="trunc")


# ---------------------------------------------------------------- pow
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
        a = _f32(a)
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
            ge = g * _masked_zero((x == 0) & (e >= 0), ctx.out * x.log())
        return gx, ge


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


# ---------------------------------------------------------------- neg / positive / atan2
class Neg(Pointwise):
    name = "NegBackward0"

    @staticmethod
    def forward(ctx, a):
        if a.dtype == np.bool_:
            raise RuntimeError(
                "Negation, the `-` operator, on a bool tensor is not supported. If you are trying to "
                "invert a mask, use the `~` or `logical_not()` operator instead.")
        return np.negative(a)

    @staticmethod
    def backward(ctx, g):
        return (-g,)


class Atan2(Pointwise):
    name = "Atan2Backward0"
    kind = FLOAT

    @staticmethod
    def forward(ctx, a, b):
        if a.dtype.kind == "c":
            raise not_implemented("atan2_cpu", a.dtype, a, b)
        return np.arctan2(a, b) if a.dtype != F16 else np.arctan2(
            a.astype(F32), b.astype(F32)).astype(F16)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        r = g / (x * x + y * y)
        return r * y, -r * x


# ---------------------------------------------------------------- public functions
def _operands(fname, input, other):
    """These functions take a Tensor or a Number on either side (torch.sub(2, t), and even
    torch.add(2, 3), which is tensor(5))."""
    check_operand(fname, input, "input", 1)
    check_operand(fname, other)


def add(input, other, *, alpha=1, out=None):
    """input + alpha * other."""
    _operands("add", input, other)
    r = Add.apply(input, other) if alpha.__class__ is int and alpha == 1 else \
        Add.apply(input, other, alpha=alpha)
    return r if out is None else write_out(out, r)


def sub(input, other, *, alpha=1, out=None):
    """input - alpha * other."""
    _operands("sub", input, other)
    r = Sub.apply(input, other) if alpha.__class__ is int and alpha == 1 else \
        Sub.apply(input, other, alpha=alpha)
    return r if out is None else write_out(out, r)


def rsub(input, other, *, alpha=1):
    """other - alpha * input."""
    if not isinstance(input, Tensor) or not isinstance(other, TENSOR_OR_NUMBER):
        raise invalid_combination("rsub", (input, other), (
            "Tensor input, Tensor other, *, Number alpha = 1",
            "Tensor input, Number other, Number alpha = 1"))
    op = Rsub if isinstance(other, Tensor) else RsubScalar
    return op.apply(input, other, alpha=alpha)


def mul(input, other, *, out=None):
    """input * other."""
    _operands("mul", input, other)
    r = Mul.apply(input, other)
    return r if out is None else write_out(out, r)


_ROUNDING = {None: Div, "trunc": DivTrunc, "floor": DivFloor}


def div(input, other, *, rounding_mode=None, out=None):
    """input / other, optionally rounded ('trunc' or 'floor')."""
    _operands("div", input, other)
    op = _ROUNDING.get(rounding_mode) if rounding_mode.__class__ in (str, type(None)) else None
    if op is None:
        raise RuntimeError("div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
                           f"found '{rounding_mode}'")
    r = op.apply(input, other)
    return r if out is None else write_out(out, r)


def true_divide(dividend, divisor, *, out=None):
    """dividend / divisor, always in floating point."""
    return div(dividend, divisor, out=out)


def floor_divide(input, other, *, out=None):
    """input // other (rounded toward -inf)."""
    _operands("floor_divide", input, other)
    r = FloorDivide.apply(input, other)
    return r if out is None else write_out(out, r)


def remainder(input, other, *, out=None):
    """Python's modulus: the result has the sign of other."""
    _operands("remainder", input, other)
    if not isinstance(input, Tensor):
        r = RemainderScalarSelf.apply(input, other)
    else:
        r = (RemainderTensor if isinstance(other, Tensor) else Remainder).apply(input, other)
    return r if out is None else write_out(out, r)


def fmod(input, other, *, out=None):
    """C's fmod: the result has the sign of input."""
    if not isinstance(input, Tensor) or not isinstance(other, TENSOR_OR_NUMBER):
        raise invalid_combination("fmod", (input, other), TENSOR_OR_NUMBER_SIGS)
    r = (FmodTensor if isinstance(other, Tensor) else Fmod).apply(input, other)
    return r if out is None else write_out(out, r)


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


def neg(input, *, out=None):
    """-input."""
    check_tensor("neg", input)
    r = Neg.apply(input)
    return r if out is None else write_out(out, r)


def positive(input):
    """input itself (bool tensors are refused, as torch does)."""
    check_tensor("positive", input)
    if input.dtype is D.bool_:
        raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
    return input


def atan2(input, other, *, out=None):
    """Elementwise arctangent of input / other, in the right quadrant."""
    check_tensor("atan2", input)
    check_tensor("atan2", other, "other", 2)
    r = Atan2.apply(input, other)
    return r if out is None else write_out(out, r)


def square(input, *, out=None):
    """input ** 2 (torch computes it as pow, so bool gives int64 and grad_fn is PowBackward0)."""
    check_tensor("square", input)
    if input.dtype in FAST_FLOAT and not input.requires_grad and out is None:
        a = input._a
        return _wrap(a * a, input.dtype)
    return pow(input, 2, out=out)


subtract = sub
multiply = mul
divide = div
negative = neg
arctan2 = atan2


# ---------------------------------------------------------------- Tensor methods
def _neg_fast(self):
    if self.dtype in FAST_FLOAT and not self.requires_grad:
        return _wrap(np.negative(self._a), self.dtype)
    return Neg.apply(self)


def _rtruediv(self, other):
    """other / self: torch computes other * reciprocal(self) (so its grad_fn is MulBackward0)."""
    if other.__class__ is float and self.dtype in FAST_FLOAT and not self.requires_grad:
        r = np.reciprocal(self._a)
        r *= other
        return _wrap(r, self.dtype)
    if not isinstance(other, NUMBER):
        return NotImplemented
    return Mul.apply(reciprocal(self), other)


def _rpow(self, other):
    if not isinstance(other, NUMBER):
        return NotImplemented
    return PowScalarBase.apply(other, self)


def _pow_method(self, exponent):
    if not isinstance(exponent, TENSOR_OR_NUMBER):
        return NotImplemented
    return pow(self, exponent)


def _pow_(self, exponent):
    if not isinstance(exponent, TENSOR_OR_NUMBER):
        return NotImplemented
    return _pow_inplace(self, exponent)


def _div_(self, other, *, rounding_mode=None):
    if rounding_mode is None:
        return _idiv(self, other)
    op = _ROUNDING.get(rounding_mode) if isinstance(rounding_mode, str) else None
    if op is None:
        div(self, other, rounding_mode=rounding_mode)      # raises torch's message
    return inplace(op, self, other)


def _rfloordiv(self, other):
    if not isinstance(other, NUMBER):
        return NotImplemented
    return FloorDivide.apply(other, self)


def _rmod(self, other):
    if not isinstance(other, NUMBER):
        return NotImplemented
    return RemainderScalarSelf.apply(other, self)


def _mod(self, other):
    if not isinstance(other, TENSOR_OR_NUMBER):
        return NotImplemented
    return remainder(self, other)


def _imod(self, other):
    if not isinstance(other, TENSOR_OR_NUMBER):
        return NotImplemented
    return inplace(RemainderTensor if isinstance(other, Tensor) else Remainder, self, other)


def _fmod_(self, other):
    return inplace(FmodTensor if isinstance(other, Tensor) else Fmod, self, other)


def _add_(self, other, *, alpha=1):
    if alpha.__class__ is int and alpha == 1:
        return _iadd(self, other)
    return inplace(Add, self, other, alpha=alpha)


def _sub_(self, other, *, alpha=1):
    if alpha.__class__ is int and alpha == 1:
        return _isub(self, other)
    return inplace(Sub, self, other, alpha=alpha)


def _rsub_method(self, other):
    if not isinstance(other, NUMBER):
        return NotImplemented
    if other.__class__ is float and self.dtype in FAST_FLOAT and not self.requires_grad:
        return _wrap(np.subtract(other, self._a), self.dtype)
    return RsubScalar.apply(self, other)


def _neg_(self):
    return inplace(Neg, self)


_iadd = inplace_method(Add, np.add, _NO_BOOL, _SCALAR_F16)
_isub = inplace_method(Sub, np.subtract, _NO_BOOL, _SCALAR_F16)
_imul = inplace_method(Mul, np.multiply, _ALL)
_idiv = inplace_method(Div, np.true_divide, _FLOATS, FAST_FLOAT, FAST_FLOAT)
_ifloordiv = inplace_method(FloorDivide, np.floor_divide, FAST_FLOAT, FAST_FLOAT, FAST_FLOAT)

Tensor.__array_priority__ = 1000      # NumPy arrays and scalars defer to Tensor's operators
Tensor.__add__ = Tensor.__radd__ = binary_method(Add, np.add, _ALL, _SCALAR_F16)
Tensor.__sub__ = binary_method(Sub, np.subtract, _NO_BOOL, _SCALAR_F16)
Tensor.__rsub__ = _rsub_method
Tensor.__mul__ = Tensor.__rmul__ = binary_method(Mul, np.multiply, _ALL)
Tensor.__truediv__ = binary_method(Div, np.true_divide, _FLOATS, FAST_FLOAT, FAST_FLOAT)
Tensor.__rtruediv__ = _rtruediv
Tensor.__floordiv__ = binary_method(FloorDivide, np.floor_divide, FAST_FLOAT, FAST_FLOAT,
                                    FAST_FLOAT)
Tensor.__rfloordiv__ = _rfloordiv
Tensor.__mod__ = _mod
Tensor.__rmod__ = _rmod
Tensor.__pow__ = _pow_method
Tensor.__rpow__ = _rpow
Tensor.__neg__ = _neg_fast
Tensor.__pos__ = positive
Tensor.__iadd__ = _iadd
Tensor.__isub__ = _isub
Tensor.__imul__ = _imul
Tensor.__itruediv__ = _idiv
Tensor.__ifloordiv__ = _ifloordiv
Tensor.__imod__ = _imod
Tensor.__ipow__ = _pow_

Tensor.add = add
Tensor.sub = Tensor.subtract = sub
Tensor.mul = Tensor.multiply = mul
Tensor.div = Tensor.divide = div
Tensor.true_divide = true_divide
Tensor.floor_divide = floor_divide
Tensor.remainder = remainder
Tensor.fmod = fmod
Tensor.pow = pow
Tensor.neg = Tensor.negative = neg
Tensor.positive = positive
Tensor.square = square
Tensor.square_ = lambda self: inplace(Pow, self, 2)
Tensor.atan2 = Tensor.arctan2 = atan2
Tensor.add_ = _add_
Tensor.sub_ = Tensor.subtract_ = _sub_
Tensor.mul_ = Tensor.multiply_ = lambda self, other: _imul(self, other)
Tensor.div_ = Tensor.divide_ = _div_
Tensor.true_divide_ = lambda self, other: _idiv(self, other)
Tensor.floor_divide_ = lambda self, other: _ifloordiv(self, other)
Tensor.remainder_ = lambda self, other: _imod(self, other)
Tensor.fmod_ = _fmod_
def _pow_checks(self, exponent):
    _check_int_exponent(self, exponent)
    check_cast(self, (self, exponent))


_pow_inplace = inplace_from(pow, _pow_checks)
Tensor.pow_ = _pow_
Tensor.neg_ = Tensor.negative_ = _neg_
def _atan2_(self, other):
    check_tensor("atan2_", other, "other", 1)
    return inplace(Atan2, self, other)


Tensor.atan2_ = Tensor.arctan2_ = _atan2_

__all__ = ["add", "sub", "subtract", "rsub", "mul", "multiply", "div", "divide", "true_divide",
           "floor_divide", "remainder", "fmod", "pow", "square", "neg", "negative", "positive",
           "atan2", "arctan2"]
