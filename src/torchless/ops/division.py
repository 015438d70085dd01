"""Division with rounding and its remainders: div(rounding_mode='trunc'|'floor'),
floor_divide (//), remainder (%) and fmod, with torch's rules where NumPy's differ: integer
division by zero raises, a zero remainder keeps the dividend's sign, float16 goes through
float32, and floor_divide (like remainder with a Number dividend) has no derivative.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ._pw import (F16, FAST_FLOAT, NUMBER, TENSOR_OR_NUMBER, TENSOR_OR_NUMBER_SIGS,
                  NotImplementedGrad, Pointwise, binary_method, check_cast, check_operand, f32_of,
                  inplace, inplace_from, inplace_method, invalid_combination, not_implemented,
                  write_out)


def _dtype_of(a, b):
    """The compute dtype of a promoted pair (one side may be a Python scalar)."""
    return a.dtype if a.__class__ is np.ndarray else b.dtype


def _check_zero(b):
    """torch raises for integer division by zero where NumPy returns 0 with a warning."""
    if not np.all(b):
        raise RuntimeError("ZeroDivisionError")


def _floor_div(a, b):
    dt = _dtype_of(a, b)
    k = dt.kind
    if k in "iu":
        _check_zero(b)
        return np.floor_divide(a, b)
    if k == "f":
        return np.floor_divide(a, b) if dt != F16 else \
            np.floor_divide(f32_of(a), f32_of(b, True)).astype(F16)
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
            return np.trunc(f32_of(a) / f32_of(b, True)).astype(F16)
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
        return g, -g * DivFloor.apply(x, y)


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
        return g, -g * DivTrunc.apply(x, y)


# ---------------------------------------------------------------- public functions
def floor_divide(input, other, *, out=None):
    """input // other (rounded toward -inf)."""
    check_operand("floor_divide", input, "input", 1)
    check_operand("floor_divide", other)
    r = FloorDivide.apply(input, other)
    return r if out is None else write_out(out, r)


def remainder(input, other, *, out=None):
    """Python's modulus: the result has the sign of other."""
    check_operand("remainder", input, "input", 1)
    check_operand("remainder", other)
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


# ---------------------------------------------------------------- Tensor methods
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


Tensor.__floordiv__ = binary_method(FloorDivide, np.floor_divide, FAST_FLOAT, FAST_FLOAT,
                                    FAST_FLOAT)
Tensor.__rfloordiv__ = _rfloordiv
Tensor.__ifloordiv__ = inplace_method(FloorDivide, np.floor_divide, FAST_FLOAT, FAST_FLOAT,
                                      FAST_FLOAT)
Tensor.__mod__ = _mod
Tensor.__rmod__ = _rmod
Tensor.__imod__ = _imod
Tensor.floor_divide = floor_divide
Tensor.remainder = remainder
Tensor.fmod = fmod
Tensor.floor_divide_ = inplace_method(FloorDivide, np.floor_divide, FAST_FLOAT, FAST_FLOAT,
                                      FAST_FLOAT, name="floor_divide_")
Tensor.remainder_ = inplace_from(remainder)
Tensor.fmod_ = inplace_from(fmod, lambda self, other: check_cast(self, (self, other)))

__all__ = ["floor_divide", "remainder", "fmod"]
