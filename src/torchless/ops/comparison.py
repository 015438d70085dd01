"""Comparisons and tests: eq/ne/lt/le/gt/ge (and their aliases and operators), equal,
isclose, allclose, isnan/isinf/isfinite/isposinf/isneginf, maximum, minimum.

Comparisons compute in torch.result_type of their operands (an int tensor compared with 2.5
compares in float32, an int8 tensor with 300 compares with 300 wrapped to int8), and give bool.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ._pw import (FAST_FLOAT, FAST_NUM, TENSOR_OR_NUMBER, TENSOR_OR_NUMBER_SIGS, Pointwise,
                  binary_method, check_tensor, inplace_from, invalid_combination, keep_first,
                  not_implemented, raise_broadcast, write_out)
from .ternary import where

_ALL = frozenset(D.ALL)
_ORDERED = _ALL - {D.complex64, D.complex128}


# ---------------------------------------------------------------- eq / ne / lt / le / gt / ge
def _compare_op(name, ufunc, ordered):
    """An Op class comparing two operands in their common dtype."""
    kernel = name + "_cpu"

    def forward(ctx, a, b):
        if ordered:
            dt = a.dtype if a.__class__ is np.ndarray else b.dtype
            if dt.kind == "c":
                raise not_implemented(kernel, dt, a, b)
        return ufunc(a, b)

    return type(name.capitalize(), (Pointwise,), {"name": "NotImplemented",
                                                  "forward": staticmethod(forward)})


Eq = _compare_op("eq", np.equal, False)
Ne = _compare_op("ne", np.not_equal, False)
Lt = _compare_op("lt", np.less, True)
Le = _compare_op("le", np.less_equal, True)
Gt = _compare_op("gt", np.greater, True)
Ge = _compare_op("ge", np.greater_equal, True)


def _compare_fn(name, op):
    def fn(input, other, *, out=None):
        if not isinstance(input, Tensor) or not isinstance(other, TENSOR_OR_NUMBER):
            raise invalid_combination(name, (input, other), TENSOR_OR_NUMBER_SIGS)
        r = op.apply(input, other)
        return r if out is None else write_out(out, r)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise input {name} other, as a bool tensor."
    return fn


eq = _compare_fn("eq", Eq)
ne = _compare_fn("ne", Ne)
lt = _compare_fn("lt", Lt)
le = _compare_fn("le", Le)
gt = _compare_fn("gt", Gt)
ge = _compare_fn("ge", Ge)
# aliases are functions of their own: torch's messages name the function called
not_equal = _compare_fn("not_equal", Ne)
less = _compare_fn("less", Lt)
less_equal = _compare_fn("less_equal", Le)
greater = _compare_fn("greater", Gt)
greater_equal = _compare_fn("greater_equal", Ge)


def equal(input, other) -> bool:
    """True if input and other have the same shape and elements."""
    check_tensor("equal", input)
    check_tensor("equal", other, "other", 2)
    if input._a.shape != other._a.shape:
        return False
    return bool(Eq.apply(input, other)._a.all())


# ---------------------------------------------------------------- isclose / allclose
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):
    """|input - other| <= atol + rtol * |other| elementwise (an infinity is close only to itself)."""
    check_tensor("isclose", input)
    check_tensor("isclose", other, "other", 2)
    if input.dtype is not other.dtype:
        raise RuntimeError(f"{input.dtype.type_name} did not match {other.dtype.type_name}")
    if rtol < 0:
        raise RuntimeError(f"rtol must be greater than or equal to zero, but got {rtol}")
    if atol < 0:
        raise RuntimeError(f"atol must be greater than or equal to zero, but got {atol}")
    a, b = input._a, other._a
    try:
        close = np.equal(a, b)
    except ValueError:
        raise_broadcast((input, other))
    if input.dtype.category < D.FLOAT:
        # integers and bools are compared through the default float dtype, as torch does
        npd = D.get_default_dtype().np
        a, b = a.astype(npd), b.astype(npd)
    if equal_nan:
        close |= np.isnan(a) & np.isnan(b)
    if rtol or atol:
        err = np.abs(a - b)
        allowed = np.abs(rtol * b)
        allowed += atol
        close |= np.isfinite(err) & (err <= allowed)
    return _wrap(close)


def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:
    """True if every element of input is close to the matching element of other."""
    return bool(isclose(input, other, rtol, atol, equal_nan)._a.all())


# ---------------------------------------------------------------- isnan / isinf / ...
def _test(name, fn, allow_complex=True):
    def test(input):
        check_tensor(name, input)
        a = input._a
        if a.dtype.kind in "fc":
            if not allow_complex and a.dtype.kind == "c":
                raise RuntimeError(f"{name} does not support complex inputs.")
            return _wrap(fn(a), D.bool_)
        # integers and bools are finite numbers
        return _wrap(np.full(a.shape, name == "isfinite"), D.bool_)
    test.__name__ = test.__qualname__ = name
    test.__doc__ = f"Elementwise {name} of input, as a bool tensor."
    return test


isnan = _test("isnan", np.isnan)
isinf = _test("isinf", np.isinf)
isfinite = _test("isfinite", np.isfinite)
isposinf = _test("isposinf", np.isposinf, allow_complex=False)
isneginf = _test("isneginf", np.isneginf, allow_complex=False)


# ---------------------------------------------------------------- maximum / minimum
class Maximum(Pointwise):
    name = "MaximumBackward0"

    @staticmethod
    def forward(ctx, a, b):
        if a.dtype.kind == "c":
            raise_broadcast((a, b))
            raise RuntimeError("maximum not implemented for complex tensors.")
        return keep_first(np.maximum, a, b)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        tie = x == y
        half = where(tie, g / 2, g)
        return where(x < y, 0.0, half), where(x > y, 0.0, half)


class Minimum(Pointwise):
    name = "MinimumBackward0"

    @staticmethod
    def forward(ctx, a, b):
        if a.dtype.kind == "c":
            raise_broadcast((a, b))
            raise RuntimeError("minimum not implemented for complex tensors.")
        return keep_first(np.minimum, a, b)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        tie = x == y
        half = where(tie, g / 2, g)
        return where(x > y, 0.0, half), where(x < y, 0.0, half)


def maximum(input, other, *, out=None):
    """Elementwise maximum of two tensors (nan wins)."""
    check_tensor("maximum", input)
    check_tensor("maximum", other, "other", 2)
    r = Maximum.apply(input, other)
    return r if out is None else write_out(out, r)


def minimum(input, other, *, out=None):
    """Elementwise minimum of two tensors (nan wins)."""
    check_tensor("minimum", input)
    check_tensor("minimum", other, "other", 2)
    r = Minimum.apply(input, other)
    return r if out is None else write_out(out, r)


# ---------------------------------------------------------------- Tensor methods
Tensor.__eq__ = binary_method(Eq, np.equal, _ALL, FAST_FLOAT, FAST_NUM, D.bool_)
Tensor.__ne__ = binary_method(Ne, np.not_equal, _ALL, FAST_FLOAT, FAST_NUM, D.bool_)
Tensor.__lt__ = binary_method(Lt, np.less, _ORDERED, FAST_FLOAT, FAST_NUM, D.bool_)
Tensor.__le__ = binary_method(Le, np.less_equal, _ORDERED, FAST_FLOAT, FAST_NUM, D.bool_)
Tensor.__gt__ = binary_method(Gt, np.greater, _ORDERED, FAST_FLOAT, FAST_NUM, D.bool_)
Tensor.__ge__ = binary_method(Ge, np.greater_equal, _ORDERED, FAST_FLOAT, FAST_NUM, D.bool_)

for _name, _fn in (("eq", eq), ("ne", ne), ("lt", lt), ("le", le), ("gt", gt), ("ge", ge),
                   ("not_equal", not_equal), ("less", less), ("less_equal", less_equal),
                   ("greater", greater), ("greater_equal", greater_equal)):
    setattr(Tensor, _name, _fn)
    setattr(Tensor, _name + "_", inplace_from(_fn))
del _name, _fn
Tensor.equal = equal
Tensor.isclose = isclose
Tensor.allclose = allclose
Tensor.isnan = isnan
Tensor.isinf = isinf
Tensor.isfinite = isfinite
Tensor.isposinf = isposinf
Tensor.isneginf = isneginf
Tensor.maximum = maximum
Tensor.minimum = minimum

__all__ = ["eq", "ne", "lt", "le", "gt", "ge", "not_equal", "less", "less_equal", "greater",
           "greater_equal", "equal", "isclose", "allclose", "isnan", "isinf", "isfinite",
           "isposinf", "isneginf", "maximum", "minimum"]
