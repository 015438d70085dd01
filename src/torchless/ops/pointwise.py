"""Pointwise ops with broadcasting: forward (NumPy) and backward (Tensor ops) side by side.

Each op declares its promotion kind (see autograd.function): SAME computes in
torch.result_type of the inputs, FLOAT turns integer results into the default float dtype.
The Tensor operators and methods, including the in-place ``_`` forms, are installed at the
bottom of this file.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ..autograd.function import FLOAT, NONE, SAME, Op
from ._inplace import apply_inplace


# ---------------------------------------------------------------- arithmetic
class Add(Op):
    name = "AddBackward0"

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        ctx.alpha = alpha
        return a + b if alpha == 1 else a + b * alpha

    @staticmethod
    def backward(ctx, g):
        return g, (g if ctx.alpha == 1 else g * ctx.alpha)


class Sub(Op):
    name = "SubBackward0"

    @staticmethod
    def forward(ctx, a, b, alpha=1):
        if getattr(a, "dtype", None) == np.bool_ and getattr(b, "dtype", None) == np.bool_:
            raise RuntimeError(
                "Subtraction, the `-` operator, with two bool tensors is not supported. If you are "
                "trying to invert a mask, use the `~` or `logical_not()` operator instead.")
        ctx.alpha = alpha
        return a - b if alpha == 1 else a - b * alpha

    @staticmethod
    def backward(ctx, g):
        return g, (-g if ctx.alpha == 1 else g * -ctx.alpha)


class Mul(Op):
    name = "MulBackward0"

    @staticmethod
    def forward(ctx, a, b):
        return a * b

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        return g * y, g * x


class Div(Op):
    name = "DivBackward0"
    kind = FLOAT

    @staticmethod
    def forward(ctx, a, b):
        return np.true_divide(a, b)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        gx = g / y
        return gx, (-gx * x / y if isinstance(y, Tensor) else None)


class Neg(Op):
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


class Exp(Op):
    name = "ExpBackward0"
    kind = FLOAT
    save_output = True

    @staticmethod
    def forward(ctx, a):
        return np.exp(a)

    @staticmethod
    def backward(ctx, g):
        return (g * ctx.out,)


# ---------------------------------------------------------------- public functions
def add(input, other, *, alpha=1, out=None):
    """input + alpha * other."""
    return Add.apply(input, other, alpha=alpha) if alpha != 1 else Add.apply(input, other)


def sub(input, other, *, alpha=1, out=None):
    """input - alpha * other."""
    return Sub.apply(input, other, alpha=alpha) if alpha != 1 else Sub.apply(input, other)


def mul(input, other, *, out=None):
    return Mul.apply(input, other)


def div(input, other, *, rounding_mode=None, out=None):
    return Div.apply(input, other)


def neg(input, *, out=None):
    return Neg.apply(input)


def exp(input, *, out=None):
    return Exp.apply(input)


# ---------------------------------------------------------------- Tensor methods
def binary_method(op, ufunc, *, reflected=False, float_only=False):
    """A Tensor operator for a binary op, with a short path for the common no-grad case:
    two tensors of one dtype, or a float tensor and a Python float.  Everything else —
    promotion, scalars, autograd — goes through ``op.apply``.  ``float_only`` limits the
    short path to float dtypes (ops whose integer result type differs, like division)."""
    if reflected:
        def method(self, other):
            if other.__class__ is float and self.dtype.category == 2 and not self.requires_grad:
                return _wrap(ufunc(other, self._a), self.dtype)
            return op.apply(other, self)
    else:
        def method(self, other):
            if other.__class__ is Tensor:
                d = self.dtype
                if other.dtype is d and not (self.requires_grad or other.requires_grad) and (
                        not float_only or d.category == 2):
                    return _wrap(ufunc(self._a, other._a), d)
            elif other.__class__ is float and self.dtype.category == 2 and not self.requires_grad:
                return _wrap(ufunc(self._a, other), self.dtype)
            return op.apply(self, other)
    return method


Tensor.__add__ = Tensor.__radd__ = binary_method(Add, np.add)
Tensor.__sub__ = binary_method(Sub, np.subtract)
Tensor.__rsub__ = binary_method(Sub, np.subtract, reflected=True)
Tensor.__mul__ = Tensor.__rmul__ = binary_method(Mul, np.multiply)
Tensor.__truediv__ = binary_method(Div, np.true_divide, float_only=True)
Tensor.__rtruediv__ = binary_method(Div, np.true_divide, reflected=True)
Tensor.__neg__ = neg
Tensor.add = add
Tensor.sub = sub
Tensor.mul = mul
Tensor.div = div
Tensor.neg = neg
Tensor.exp = exp
Tensor.add_ = lambda self, other, *, alpha=1: apply_inplace(Add, self, other, alpha=alpha)
Tensor.sub_ = lambda self, other, *, alpha=1: apply_inplace(Sub, self, other, alpha=alpha)
Tensor.mul_ = lambda self, other: apply_inplace(Mul, self, other)
Tensor.div_ = lambda self, other: apply_inplace(Div, self, other)
Tensor.exp_ = lambda self: apply_inplace(Exp, self)
Tensor.__iadd__ = Tensor.add_
Tensor.__isub__ = Tensor.sub_
Tensor.__imul__ = Tensor.mul_
Tensor.__itruediv__ = Tensor.div_

__all__ = ["add", "sub", "mul", "div", "neg", "exp"]
