"""Logical ops (any dtype in, bool out) and bitwise ops (bool and integer dtypes only):
logical_and/or/xor/not, bitwise_and/or/xor/not, bitwise_left_shift/right_shift and the
operators & | ^ ~ << >> with their reflected and in-place forms.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ..autograd.function import NONE
from ._pw import (NUMBER, Pointwise, binary_method, check_operand, check_tensor,
                  inplace_from, inplace_method, not_implemented, write_out)

_INTEGRAL = frozenset((D.bool_, D.uint8, D.int8, D.int16, D.int32, D.int64))
_INTS = _INTEGRAL - {D.bool_}


# ---------------------------------------------------------------- logical
def _logical_op(name, ufunc):
    def forward(ctx, a, b):
        return ufunc(a, b)
    return type(name, (Pointwise,), {"name": "NotImplemented", "kind": NONE,
                                     "forward": staticmethod(forward)})


LogicalAnd = _logical_op("LogicalAnd", np.logical_and)
LogicalOr = _logical_op("LogicalOr", np.logical_or)
LogicalXor = _logical_op("LogicalXor", np.logical_xor)


def _logical_fn(name, op):
    def fn(input, other, *, out=None):
        check_tensor(name, input)
        check_tensor(name, other, "other", 2)
        r = op.apply(input, other)
        return r if out is None else write_out(out, r)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise {name.replace('_', ' ')} of the truth values, as a bool tensor."
    return fn


logical_and = _logical_fn("logical_and", LogicalAnd)
logical_or = _logical_fn("logical_or", LogicalOr)
logical_xor = _logical_fn("logical_xor", LogicalXor)


def logical_not(input, *, out=None):
    """Elementwise logical not of the truth values, as a bool tensor."""
    check_tensor("logical_not", input)
    r = _wrap(np.logical_not(input._a), D.bool_)
    return r if out is None else write_out(out, r)


# ---------------------------------------------------------------- bitwise
def _bitwise_op(name, ufunc, kernel, allow_bool=True):
    """An Op applying ufunc in the operands' common dtype, which must be integral."""
    def forward(ctx, a, b):
        dt = a.dtype if a.__class__ is np.ndarray else b.dtype
        if dt.kind not in "biu" or (dt.kind == "b" and not allow_bool):
            raise not_implemented(kernel, dt, a, b)
        return ufunc(a, b)
    return type(name, (Pointwise,), {"name": "NotImplemented", "forward": staticmethod(forward)})


BitwiseAnd = _bitwise_op("BitwiseAnd", np.bitwise_and, "bitwise_and_cpu")
BitwiseOr = _bitwise_op("BitwiseOr", np.bitwise_or, "bitwise_or_cpu")
BitwiseXor = _bitwise_op("BitwiseXor", np.bitwise_xor, "bitwise_xor_cpu")
LeftShift = _bitwise_op("LeftShift", np.left_shift, "lshift_cpu", allow_bool=False)
RightShift = _bitwise_op("RightShift", np.right_shift, "rshift_cpu", allow_bool=False)


def _bitwise_fn(name, op):
    def fn(input, other, *, out=None):
        if not isinstance(input, Tensor):
            check_operand(name, input, "self", 1)
            check_tensor(name, other, "other", 2)
        else:
            check_operand(name, other)
        r = op.apply(input, other)
        return r if out is None else write_out(out, r)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise {name.replace('_', ' ')} of bool or integer operands."
    return fn


bitwise_and = _bitwise_fn("bitwise_and", BitwiseAnd)
bitwise_or = _bitwise_fn("bitwise_or", BitwiseOr)
bitwise_xor = _bitwise_fn("bitwise_xor", BitwiseXor)
bitwise_left_shift = _bitwise_fn("bitwise_left_shift", LeftShift)
bitwise_right_shift = _bitwise_fn("bitwise_right_shift", RightShift)


def bitwise_not(input, *, out=None):
    """Elementwise bitwise not (logical not for bool)."""
    check_tensor("bitwise_not", input)
    if input.dtype not in _INTEGRAL:
        raise not_implemented("bitwise_not_cpu", input.dtype)
    r = _wrap(np.invert(input._a), input.dtype)
    return r if out is None else write_out(out, r)


# ---------------------------------------------------------------- Tensor methods
def _invert(self):
    if self.dtype not in _INTEGRAL:
        raise TypeError(
            "~ (operator.invert) is only implemented on integer and Boolean-type tensors")
    return _wrap(np.invert(self._a), self.dtype)


def _reflected(op):
    def method(self, other):
        if not isinstance(other, NUMBER):
            return NotImplemented
        return op.apply(other, self)
    return method


def _inplace_op(op, ufunc, fast):
    return inplace_method(op, ufunc, fast, frozenset(), frozenset({D.int64}))


for _name, _fn, _op, _uf, _fast in (
        ("and", bitwise_and, BitwiseAnd, np.bitwise_and, _INTEGRAL),
        ("or", bitwise_or, BitwiseOr, np.bitwise_or, _INTEGRAL),
        ("xor", bitwise_xor, BitwiseXor, np.bitwise_xor, _INTEGRAL),
        ("lshift", bitwise_left_shift, LeftShift, np.left_shift, _INTS),
        ("rshift", bitwise_right_shift, RightShift, np.right_shift, _INTS)):
    setattr(Tensor, f"__{_name}__",
            binary_method(_op, _uf, _fast, frozenset(), frozenset({D.int64})))
    setattr(Tensor, f"__r{_name}__", _reflected(_op))
    setattr(Tensor, f"__i{_name}__", _inplace_op(_op, _uf, _fast))
    setattr(Tensor, _fn.__name__, _fn)
    setattr(Tensor, _fn.__name__ + "_", inplace_from(_fn))
del _name, _fn, _op, _uf, _fast

Tensor.__invert__ = _invert
Tensor.bitwise_not = bitwise_not
Tensor.bitwise_not_ = inplace_from(bitwise_not)
for _fn in (logical_and, logical_or, logical_xor, logical_not):
    setattr(Tensor, _fn.__name__, _fn)
    setattr(Tensor, _fn.__name__ + "_", inplace_from(_fn))
del _fn

__all__ = ["logical_and", "logical_or", "logical_xor", "logical_not", "bitwise_and", "bitwise_or",
           "bitwise_xor", "bitwise_not", "bitwise_left_shift", "bitwise_right_shift"]
