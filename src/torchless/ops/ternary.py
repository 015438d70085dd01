"""Ops with three operands: where, clamp/clip (and clamp_min/clamp_max), lerp, addcmul, addcdiv.

float32 lerp and addcmul are fused multiply-adds in torch's kernels; ``fma`` reproduces their
single rounding.  Tensor methods and in-place forms are installed at the bottom.
"""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ..autograd.function import NONE
from ._pw import (CLIP, CLIP_LIKE_TORCH, F16, F32, FAST_FLOAT, NUMBER, TENSOR_OR_NUMBER,
                  TIES_KEEP_SECOND, Pointwise, arg_error, check_cast, check_int_scalar,
                  check_tensor, fma, inplace_from, keep_first, not_implemented, write_out)

# the C++ names torch uses in "value cannot be converted" and "expected dtype" messages
_CPP = {D.bool_: "bool", D.uint8: "uint8_t", D.int8: "int8_t", D.int16: "int16_t",
        D.int32: "int", D.int64: "int64_t", D.float16: "c10::Half", D.float32: "float",
        D.float64: "double", D.complex64: "c10::complex<float>",
        D.complex128: "c10::complex<double>"}
_CPP_TYPE = {**_CPP, D.uint8: "unsigned char", D.int8: "signed char", D.int16: "short int",
             D.int64: "long int"}


def _fits(value, dt):
    """Raise torch's error when a Python number can't be converted to dtype dt."""
    if value.__class__ is int:
        check_int_scalar(value)
    bad = False
    if dt.category == D.INT and dt is not D.int64 and value.__class__ in (int, bool):
        bits = dt.itemsize * 8
        bad = not -(1 << (bits - 1)) <= value < (1 << bits)
    elif value.__class__ is complex and dt.category < D.COMPLEX:
        bad = True
    elif dt in (D.float16, D.float32) and value.__class__ in (int, float) and math.isfinite(value):
        bad = abs(value) > 65504 and not math.isfinite(float(dt.np.type(value)))
    if bad:
        raise RuntimeError(f"value cannot be converted to type {_CPP[dt]} without overflow")


def _as(x, npd):
    """x (an array or a Python number) as an array of NumPy dtype npd; ints wrap like torch."""
    if x.__class__ is np.ndarray:
        return x if x.dtype == npd else x.astype(npd)
    if npd.kind in "iub" and x.__class__ is not bool:
        return np.asarray(x).astype(npd)
    return np.asarray(x, npd)


# ---------------------------------------------------------------- where
class Where(Pointwise):
    name = "WhereBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, cond, x, y, dt=None):
        npd = dt.np
        return np.where(cond, _as(x, npd), _as(y, npd))

    @staticmethod
    def backward(ctx, g):
        c = ctx.inputs[0]
        return None, where(c, g, 0.0), where(c, 0.0, g)


def where(condition, input=None, other=None, *, out=None):
    """Elements of input where condition holds, of other elsewhere; where(condition) gives the
    indices of condition's nonzero elements as a tuple."""
    if not isinstance(condition, Tensor):
        raise TypeError(f"where(): argument 'condition' (position 1) must be Tensor, not "
                        f"{type(condition).__name__}")
    if input is None and other is None:
        return tuple(_wrap(i.astype(np.int64, copy=False))
                     for i in np.nonzero(np.atleast_1d(condition._a)))
    if (out is None and input.__class__ is Tensor and condition.dtype is D.bool_
            and input.dtype in FAST_FLOAT and not input.requires_grad and (
                other.__class__ is Tensor and other.dtype is input.dtype and not other.requires_grad
                or other.__class__ is float)):
        try:
            return _wrap(np.where(condition._a, input._a, other if other.__class__ is float
                                  else other._a), input.dtype)
        except ValueError:
            pass                                # the slow path raises torch's message
    for v, name, pos in ((input, "input", 2), (other, "other", 3)):
        if not isinstance(v, TENSOR_OR_NUMBER):
            raise arg_error("where", name, pos, v)
    if condition.dtype is not D.bool_:
        raise RuntimeError("where expected condition to be a boolean tensor, but got a tensor with "
                           f"dtype {condition.dtype.type_name}")
    dt = D.result_type_of((input, other))
    for v in (input, other):
        if not isinstance(v, Tensor):
            _fits(v, dt)
    r = Where.apply(condition, input, other, dt=dt)
    return r if out is None else write_out(out, r)


# ---------------------------------------------------------------- clamp
def _clamp_kernel(a, lo, hi):
    # ties keep a (so -0.0 stays -0.0), and nan in a or a bound propagates, as in torch
    if CLIP_LIKE_TORCH and a.dtype.kind != "b" and lo is not None and hi is not None:
        return CLIP(a, lo, hi)
    if lo is not None:
        a = keep_first(np.maximum, a, lo)
    if hi is not None:
        a = keep_first(np.minimum, np.asarray(a), hi)
    return a


class Clamp(Pointwise):
    """clamp with Number bounds."""

    name = "ClampBackward1"
    kind = NONE

    @staticmethod
    def forward(ctx, a, lo=None, hi=None, dt=None):
        npd = dt.np
        ctx.lo, ctx.hi = lo, hi
        return _clamp_kernel(_as(a, npd), None if lo is None else _as(lo, npd),
                             None if hi is None else _as(hi, npd))

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        lo, hi = ctx.lo, ctx.hi
        if lo is None:
            mask = x <= hi
        elif hi is None:
            mask = x >= lo
        else:
            mask = (x >= lo) & (x <= hi)
        return (g * mask,)


class ClampMin(Clamp):
    name = "ClampMinBackward0"


class ClampMax(Clamp):
    name = "ClampMaxBackward0"


class ClampTensor(Pointwise):
    """clamp with Tensor bounds (either may be None)."""

    name = "ClampBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, lo, hi, dt=None):
        npd = dt.np
        return _clamp_kernel(_as(a, npd), None if lo is None else _as(lo, npd),
                             None if hi is None else _as(hi, npd))

    @staticmethod
    def backward(ctx, g):
        x, lo, hi = ctx.inputs
        glo = ghi = None
        if lo is not None and hi is not None:
            # with min > max the result is max everywhere: max gets the whole gradient
            inside = (x >= lo) & (x <= hi)
            if ctx.needs_input_grad[1]:
                glo = g * ((x < lo) & (lo <= hi))
            if ctx.needs_input_grad[2]:
                ghi = g * ((x > hi) | (lo > hi))
        elif lo is not None:
            inside = x >= lo
            if ctx.needs_input_grad[1]:
                glo = g * (x < lo)
        else:
            inside = x <= hi
            if ctx.needs_input_grad[2]:
                ghi = g * (x > hi)
        return g * inside, glo, ghi


class ClampMinTensor(ClampTensor):
    name = "ClampMinBackward1"


class ClampMaxTensor(ClampTensor):
    name = "ClampMaxBackward1"


def _clamp_types_error(input, min, max):
    got = ", ".join(type(v).__name__ if not isinstance(v, Tensor) else "Tensor"
                    for v in (input, min, max) if v is not None)
    return TypeError(
        f"clamp() received an invalid combination of arguments - got ({got}), but expected one of:\n"
        " * (Tensor input, Tensor min = None, Tensor max = None, *, Tensor out = None)\n"
        " * (Tensor input, Number min = None, Number max = None, *, Tensor out = None)\n")


_CLAMP_KERNELS = {"clamp": "clamp_scalar_cpu", "clamp_min": "clamp_min_scalar_cpu",
                  "clamp_max": "clamp_max_scalar_cpu"}


def _clamp_checks(input, min, max, variant):
    """torch's checks of clamp's arguments, in its order; returns (tensor bounds?, dtype)."""
    check_tensor(variant, input)
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    tensors = isinstance(min, Tensor) or isinstance(max, Tensor)
    for v in (min, max):
        if v is not None and (isinstance(v, Tensor) != tensors
                              or not isinstance(v, TENSOR_OR_NUMBER)):
            raise _clamp_types_error(input, min, max)
    dt = D.result_type_of([v for v in (min, max, input) if v is not None])
    if tensors:
        if dt.category == D.COMPLEX:
            if variant == "clamp":
                raise NotImplementedError("clamp is not supported for complex types")
            raise not_implemented("maximum_cpu" if variant == "clamp_min" else "minimum_cpu", dt)
        if dt is D.bool_ and min is not None and max is not None:
            raise not_implemented("clamp_cpu", dt)
        return True, dt
    if dt.category == D.COMPLEX:
        if variant == "clamp" and input.dtype.category == D.FLOAT:
            # torch reads clamp's Number bounds as double, which a complex can't be
            raise RuntimeError("value cannot be converted to type double without overflow")
        raise NotImplementedError("clamp is not supported for complex types")
    if dt is D.bool_:
        if variant == "clamp" and (min is None or max is None):
            variant = "clamp_min" if max is None else "clamp_max"      # torch's kernel names
        raise not_implemented(_CLAMP_KERNELS[variant], dt)
    for v in (min, max):
        if v is not None:
            _fits(v, dt)
    return False, dt


def _clamp(input, min, max, variant, ops):
    tensors, dt = _clamp_checks(input, min, max, variant)
    if tensors:
        return ops[1].apply(input, min, max, dt=dt)
    return ops[0].apply(input, lo=min, hi=max, dt=dt)


def clamp(input, min=None, max=None, *, out=None):
    """Limit input to [min, max]; a bound may be None, a number or a tensor."""
    if out is None and input.__class__ is Tensor and CLIP_LIKE_TORCH and (
            input.dtype in FAST_FLOAT and not input.requires_grad):
        # short path: finite-range Python number bounds on a float tensor (np.clip has
        # torch's semantics, see _pw.CLIP_LIKE_TORCH)
        mc, xc = min.__class__, max.__class__
        if (mc is float or mc is int) and _in_range(min):
            if (xc is float or xc is int) and _in_range(max):
                return _wrap(CLIP(input._a, min, max), input.dtype)
            if max is None and TIES_KEEP_SECOND:
                return _wrap(np.maximum(min, input._a), input.dtype)
        elif min is None and (xc is float or xc is int) and _in_range(max) and TIES_KEEP_SECOND:
            return _wrap(np.minimum(max, input._a), input.dtype)
    r = _clamp(input, min, max, "clamp", (Clamp, ClampTensor))
    return r if out is None else write_out(out, r)


def clamp_min(input, min, *, out=None):
    """max(input, min) elementwise."""
    r = _clamp(input, min, None, "clamp_min", (ClampMin, ClampMinTensor))
    return r if out is None else write_out(out, r)


def clamp_max(input, max, *, out=None):
    """min(input, max) elementwise."""
    r = _clamp(input, None, max, "clamp_max", (ClampMax, ClampMaxTensor))
    return r if out is None else write_out(out, r)


clip = clamp


def _in_range(v):
    """A bound float32 can hold (larger ones take the slow path, which raises torch's error)."""
    if v.__class__ is int:
        return -(1 << 63) <= v < (1 << 64)
    return -3.4e38 < v < 3.4e38 or v != v or v in (math.inf, -math.inf)


# ---------------------------------------------------------------- lerp
def _lerp_kernel(a, b, w):
    """torch's lerp: a + w (b - a) for |w| < 0.5, else b - (b - a)(1 - w), each one fused
    multiply-add (exact for float32/float16 through float64, see fma)."""
    dt = a.dtype
    if dt == F16:
        a, b = a.astype(F32), b.astype(F32)
        w = w.astype(F32) if isinstance(w, np.ndarray) else np.float32(w)
    elif isinstance(w, np.ndarray):
        w = w.astype(dt, copy=False)
    else:
        w = dt.type(w)
    diff = b - a
    one = diff.dtype.type(1)
    if not isinstance(w, np.ndarray) or w.ndim == 0:
        r = fma(a, w, diff, a.dtype) if abs(w) < 0.5 else fma(b, -(one - w), diff, a.dtype)
    else:
        r = np.where(np.abs(w) < 0.5, fma(a, w, diff, a.dtype), fma(b, -(one - w), diff, a.dtype))
    return r.astype(F16) if dt == F16 else r


class Lerp(Pointwise):
    name = "LerpBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, b, w):
        return _lerp_kernel(a, b, w)

    @staticmethod
    def backward(ctx, g):
        w = ctx.inputs[2]
        return g * (1 - w), g * w, None


class LerpTensor(Lerp):
    name = "LerpBackward1"

    @staticmethod
    def backward(ctx, g):
        a, b, w = ctx.inputs
        return g * (1 - w), g * w, g * (b - a)


def lerp(input, end, weight, *, out=None):
    """input + weight * (end - input)."""
    check_tensor("lerp", input)
    check_tensor("lerp", end, "end", 2)
    if not isinstance(weight, TENSOR_OR_NUMBER):
        raise arg_error("lerp", "weight", 3, weight)
    dt = input.dtype
    if end.dtype is not dt:
        raise RuntimeError(f"expected dtype {_CPP_TYPE[dt]} for `end` but got dtype "
                           f"{_CPP_TYPE[end.dtype]}")
    tensor_w = isinstance(weight, Tensor)
    if tensor_w and weight.dtype is not dt and weight._a.ndim:
        raise RuntimeError(f"expected dtype {_CPP_TYPE[dt]} for `weight` but got dtype "
                           f"{_CPP_TYPE[weight.dtype]}")
    if dt.category < D.FLOAT:
        raise not_implemented("lerp_kernel_tensor" if tensor_w else "lerp_kernel_scalar", dt)
    r = (LerpTensor if tensor_w else Lerp).apply(input, end, weight)
    return r if out is None else write_out(out, r)


# ---------------------------------------------------------------- addcmul / addcdiv
class Addcmul(Pointwise):
    name = "AddcmulBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, t1, t2, value=1, dt=None):
        npd = dt.np
        a, t1, t2 = _as(a, npd), _as(t1, npd), _as(t2, npd)
        ctx.value = value
        if npd == F32 or npd == F16:
            # torch: fma(value * tensor1, tensor2, input) in float32
            v = t1.astype(F32) if value == 1 else np.float32(value) * t1.astype(F32)
            return fma(a.astype(F32), v, t2.astype(F32), npd)
        if npd.kind in "iu":
            value = int(value)
        return a + value * t1 * t2 if value != 1 else a + t1 * t2

    @staticmethod
    def backward(ctx, g):
        a, t1, t2 = ctx.inputs
        v = ctx.value
        return g, g * t2 * v, g * t1 * v


class Addcdiv(Pointwise):
    name = "AddcdivBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, t1, t2, value=1, dt=None):
        npd = dt.np
        ctx.value = value
        if npd == F16:
            r = a.astype(F32) + np.float32(value) * t1.astype(F32) / t2.astype(F32)
            return r.astype(F16)
        a, t1, t2 = _as(a, npd), _as(t1, npd), _as(t2, npd)
        if npd == F32:
            return a + np.float32(value) * t1 / t2
        return a + value * t1 / t2

    @staticmethod
    def backward(ctx, g):
        a, t1, t2 = ctx.inputs
        v = ctx.value
        return g, g * v / t2, -g * v * t1 / (t2 * t2)


def _check_value(value, dt):
    if not isinstance(value, NUMBER):
        raise arg_error("addcmul", "value", None, value, "Number")
    _fits(value, dt)


_ADDCDIV_INT = (
    "Integer division with addcdiv is no longer supported, and in a future  release addcdiv "
    "will perform a true division of tensor1 and tensor2. The historic addcdiv behavior can "
    "be implemented as (input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) for "
    "integer inputs and as (input + value * tensor1 / tensor2) for float inputs. The future "
    "addcdiv behavior is just the latter implementation: (input + value * tensor1 / tensor2), "
    "for all dtypes.")


def _addc_checks(name, input, tensor1, tensor2, division=False):
    """Argument checks of addcmul/addcdiv (name ending in _ for the in-place methods, whose
    argument positions don't count self)."""
    shift = 1 if name.endswith("_") else 0
    if not shift:
        check_tensor(name, input)
    check_tensor(name, tensor1, "tensor1", 2 - shift)
    check_tensor(name, tensor2, "tensor2", 3 - shift)
    if division and tensor1.dtype.category <= D.INT and tensor2.dtype.category <= D.INT:
        raise RuntimeError(_ADDCDIV_INT)


def addcmul(input, tensor1, tensor2, *, value=1, out=None):
    """input + value * tensor1 * tensor2."""
    _addc_checks("addcmul", input, tensor1, tensor2)
    dt = D.result_type_of((input, tensor1, tensor2))
    if dt is D.bool_:
        raise not_implemented("addcmul_cpu_out", dt)
    _check_value(value, dt)
    r = Addcmul.apply(input, tensor1, tensor2, value=value, dt=dt)
    return r if out is None else write_out(out, r)


def addcdiv(input, tensor1, tensor2, *, value=1, out=None):
    """input + value * tensor1 / tensor2."""
    _addc_checks("addcdiv", input, tensor1, tensor2, division=True)
    dt = D.result_type_of((input, tensor1, tensor2))
    _check_value(value, dt)
    r = Addcdiv.apply(input, tensor1, tensor2, value=value, dt=dt)
    return r if out is None else write_out(out, r)


# ---------------------------------------------------------------- Tensor methods
Tensor.where = lambda self, condition, y: where(condition, self, y)
Tensor.clamp = Tensor.clip = clamp


def _in_range(v):
    """A bound float32 can hold (larger ones take the slow path, which raises torch's error)."""
    if v.__class__ is int:
        return -(1 << 63) <= v < (1 << 64)
    return -3.4e38 < v < 3.4e38 or v != v or v in (math.inf, -math.inf)
Tensor.clamp_min = clamp_min
Tensor.clamp_max = clamp_max
Tensor.lerp = lerp
Tensor.addcmul = addcmul
Tensor.addcdiv = addcdiv
def _clamp_cast(variant):
    """clamp_'s checks before its kernel; with Number bounds torch names self's type the
    C++ way in the cast error."""
    def check(self, min=None, max=None):
        bounds = [v for v in (min, max) if v is not None]
        if any(isinstance(v, Tensor) for v in bounds) or (
                variant == "clamp" and self.dtype.category < D.FLOAT):
            # torch checks the cast before the bounds' dtypes here
            check_cast(self, (self, *bounds), out_name=None if isinstance(
                bounds[0], Tensor) else _CPP_TYPE[self.dtype])
        tensors, dt = _clamp_checks(self, min, max, variant)
        check_cast(self, (self, *bounds), out_name=None if tensors else _CPP_TYPE[self.dtype])
    return check


def _addcmul_checks(self, tensor1, tensor2, **kwargs):
    _addc_checks("addcmul_", self, tensor1, tensor2)
    check_cast(self, (self, tensor1, tensor2))


def _addcdiv_checks(self, tensor1, tensor2, **kwargs):
    _addc_checks("addcdiv_", self, tensor1, tensor2, division=True)
    check_cast(self, (self, tensor1, tensor2))


clamp_ = clip_ = Tensor.clamp_ = Tensor.clip_ = inplace_from(clamp, _clamp_cast("clamp"))
clamp_min_ = Tensor.clamp_min_ = inplace_from(
    clamp_min, lambda self, min: _clamp_cast("clamp_min")(self, min))
clamp_max_ = Tensor.clamp_max_ = inplace_from(
    clamp_max, lambda self, max: _clamp_cast("clamp_max")(self, None, max))
Tensor.lerp_ = inplace_from(lerp)
Tensor.addcmul_ = inplace_from(addcmul, _addcmul_checks)
Tensor.addcdiv_ = inplace_from(addcdiv, _addcdiv_checks)

__all__ = ["where", "clamp", "clip", "clamp_min", "clamp_max", "lerp", "addcmul", "addcdiv",
           "clamp_", "clip_", "clamp_min_", "clamp_max_"]
