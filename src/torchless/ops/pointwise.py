"""Arithmetic: add, sub, rsub, mul, div (true division; its rounding modes live in
division.py), neg, positive, atan2 — forward (NumPy) and backward (Tensor ops) side by side.

Promotion follows torch.result_type (see autograd.function's kinds).  Where NumPy's arithmetic
differs from torch's the forward says so: float16 products and quotients with a Python scalar
are rounded once from float32, and float32 multiply-adds (``alpha=``) are fused as torch's
kernels fuse them.  The Tensor operators, methods and in-place forms are installed at the bottom;
powers are in power.py, floor division and remainders in division.py.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ..autograd.function import FLOAT
from ._pw import (F16, F32, FAST_FLOAT, NUMBER, TENSOR_OR_NUMBER, Pointwise, binary_method,
                  check_int_scalar, check_operand, check_tensor, fma, inplace, inplace_method,
                  invalid_combination, not_implemented, write_out)
from .division import DivFloor, DivTrunc
from .unary import reciprocal

_ALL = frozenset(D.ALL)
_NO_BOOL = _ALL - {D.bool_}
_FLOATS = frozenset((D.float16, D.float32, D.float64, D.complex64, D.complex128))
_SCALAR_F16 = FAST_FLOAT | {D.float16}


def _is_bool(x):
    if isinstance(x, Tensor):
        return x.dtype is D.bool_
    return x.__class__ is bool or x.__class__ is np.bool_


def _dtype_of(a, b):
    """The compute dtype of a promoted pair (one side may be a Python scalar)."""
    return a.dtype if a.__class__ is np.ndarray else b.dtype


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
    f16_opmath = True

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
    f16_opmath = True

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
    f16_opmath = True

    @staticmethod
    def forward(ctx, a, b):
        # torch multiplies float16 by a Python scalar in float32 (its "opmath"), rounding once
        if b.__class__ in (float, int) and a.dtype == F16:
            return (a.astype(F32) * np.float32(b)).astype(F16)
        return a * b

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        if g.dtype.is_complex:                    # complex: multiply by the conjugates
            x, y = _conj(x), _conj(y)
        (fx, _), (fy, _) = ctx.next_functions     # compute only the gradients that flow
        return (g * y if fx is not None else None), (g * x if fy is not None else None)


def _conj(x):
    """The complex conjugate of an operand (a tensor or a Python number); the gradient of a
    product or quotient of complex numbers multiplies by the other operand's conjugate."""
    if isinstance(x, Tensor):
        return x.conj() if x.dtype.is_complex else x
    return x.conjugate() if isinstance(x, complex) else x


class Div(Pointwise):
    name = "DivBackward0"
    f16_opmath = True
    kind = FLOAT

    @staticmethod
    def forward(ctx, a, b):
        if b.__class__ in (float, int) and a.dtype == F16:
            return (a.astype(F32) / np.float32(b)).astype(F16)
        return np.true_divide(a, b)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        if g.dtype.is_complex:                    # complex: divide by the conjugates
            x, y = _conj(x), _conj(y)
        gx = g / y if ctx.next_functions[0][0] is not None else None
        return gx, (-g * ((x / y) / y) if ctx.next_functions[1][0] is not None else None)


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
    if out is None and input.__class__ is Tensor and alpha.__class__ is int and alpha == 1:
        r = _add_op(input, other)          # the operator's short path
        if r is not NotImplemented:
            return r
    _operands("add", input, other)
    r = Add.apply(input, other) if alpha.__class__ is int and alpha == 1 else \
        Add.apply(input, other, alpha=alpha)
    return r if out is None else write_out(out, r)


def sub(input, other, *, alpha=1, out=None):
    """input - alpha * other."""
    if out is None and input.__class__ is Tensor and alpha.__class__ is int and alpha == 1:
        r = _sub_op(input, other)
        if r is not NotImplemented:
            return r
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
    if out is None and input.__class__ is Tensor:
        r = _mul_op(input, other)
        if r is not NotImplemented:
            return r
    _operands("mul", input, other)
    r = Mul.apply(input, other)
    return r if out is None else write_out(out, r)


_ROUNDING = {None: Div, "trunc": DivTrunc, "floor": DivFloor}


def div(input, other, *, rounding_mode=None, out=None):
    """input / other, optionally rounded ('trunc' or 'floor')."""
    if out is None and rounding_mode is None and input.__class__ is Tensor:
        r = _div_op(input, other)
        if r is not NotImplemented:
            return r
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


def _rsub(self, other):
    if not isinstance(other, NUMBER):
        return NotImplemented
    if other.__class__ is float and self.dtype in FAST_FLOAT and not self.requires_grad:
        return _wrap(np.subtract(other, self._a), self.dtype)
    return RsubScalar.apply(self, other)


def _div_(self, other, *, rounding_mode=None):
    """In-place div."""
    if rounding_mode is None:
        return div_(self, other)
    op = _ROUNDING.get(rounding_mode) if isinstance(rounding_mode, str) else None
    if op is None:
        div(self, other, rounding_mode=rounding_mode)      # raises torch's message
    return inplace(op, self, other)


def _atan2_(self, other):
    """In-place atan2."""
    check_tensor("atan2_", other, "other", 1)
    return inplace(Atan2, self, other)


# operators: the short paths go straight to NumPy when nothing requires grad
Tensor.__array_priority__ = 1000      # NumPy arrays and scalars defer to Tensor's operators
_add_op = binary_method(Add, np.add, _ALL, _SCALAR_F16)
_sub_op = binary_method(Sub, np.subtract, _NO_BOOL, _SCALAR_F16)
_mul_op = binary_method(Mul, np.multiply, _ALL)
_div_op = binary_method(Div, np.true_divide, _FLOATS, FAST_FLOAT, FAST_FLOAT)
Tensor.__add__ = Tensor.__radd__ = _add_op
Tensor.__sub__ = _sub_op
Tensor.__rsub__ = _rsub
Tensor.__mul__ = Tensor.__rmul__ = _mul_op
Tensor.__truediv__ = _div_op
Tensor.__rtruediv__ = _rtruediv
Tensor.__neg__ = _neg_fast
Tensor.__pos__ = positive
Tensor.__iadd__ = inplace_method(Add, np.add, _NO_BOOL, _SCALAR_F16)
Tensor.__isub__ = inplace_method(Sub, np.subtract, _NO_BOOL, _SCALAR_F16)
Tensor.__imul__ = inplace_method(Mul, np.multiply, _ALL)
Tensor.__itruediv__ = inplace_method(Div, np.true_divide, _FLOATS, FAST_FLOAT, FAST_FLOAT)

# methods and in-place methods
add_ = inplace_method(Add, np.add, _NO_BOOL, _SCALAR_F16, name="add_")
sub_ = inplace_method(Sub, np.subtract, _NO_BOOL, _SCALAR_F16, name="sub_")
mul_ = inplace_method(Mul, np.multiply, _ALL, name="mul_")
div_ = inplace_method(Div, np.true_divide, _FLOATS, FAST_FLOAT, FAST_FLOAT, name="div_")
Tensor.add = add
Tensor.sub = Tensor.subtract = sub
Tensor.mul = Tensor.multiply = mul
Tensor.div = Tensor.divide = div
Tensor.true_divide = true_divide
Tensor.neg = Tensor.negative = neg
Tensor.positive = positive
Tensor.atan2 = Tensor.arctan2 = atan2
Tensor.add_ = add_
Tensor.sub_ = Tensor.subtract_ = sub_
Tensor.mul_ = Tensor.multiply_ = mul_
Tensor.div_ = Tensor.divide_ = _div_
Tensor.true_divide_ = div_
def neg_(input):
    """In-place neg."""
    return inplace(Neg, input)


negative_ = neg_
Tensor.neg_ = Tensor.negative_ = neg_
Tensor.atan2_ = Tensor.arctan2_ = _atan2_

__all__ = ["add", "sub", "subtract", "rsub", "mul", "multiply", "div", "divide", "true_divide",
           "neg", "negative", "positive", "atan2", "arctan2", "neg_", "negative_"]
