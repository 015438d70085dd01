"""Unary math: exp/log family, powers and roots, trigonometric and hyperbolic functions,
sigmoid, relu, erf, sign, rounding, reciprocal, deg2rad/rad2deg, nan_to_num.

FLOAT-kind ops turn integer and bool inputs into the default float dtype first; float16 is
computed in float32 and rounded once, as torch's kernels do.  Each op's public function is
also its Tensor method; the in-place ``_`` forms are installed at the bottom.
"""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ..autograd.function import FLOAT
from ..autograd.grad_mode import ENABLED
from ._erf import erf as _erf64
from .activation import ThresholdBackward
from ._pw import (F16, FAST_FLOAT, TIES_KEEP_SECOND, Pointwise, check_tensor, inplace, keep_first,
                  not_implemented, unary_function, unary_inplace, via_f32, write_out)
from ._pw import holomorphic
from ._rounding import Ceil, Floor, Frac, Round, Trunc

_INTS = frozenset((D.uint8, D.int8, D.int16, D.int32, D.int64))
_REAL = FAST_FLOAT | _INTS
_LN2, _LN10 = math.log(2.0), math.log(10.0)


def _float_forward(fn):
    """forward of a float op: float16 goes through float32, rounded once."""
    def forward(ctx, a):
        return fn(a) if a.dtype != F16 else via_f32(fn, a)
    return staticmethod(forward)


# ---------------------------------------------------------------- kernels
def _fresh(r):
    """A ufunc's result as an array (NumPy returns a scalar for 0-dim input) to work in place."""
    return r if r.__class__ is np.ndarray else np.asarray(r)


def _rsqrt(a):
    r = _fresh(np.sqrt(a))
    return np.reciprocal(r, out=r)


_ONE = {np.dtype(t): np.ones((), t) for t in (np.float32, np.float64)}


def _sigmoid(a):
    """1 / (1 + exp(-a)) in four in-place passes (exp overflows to inf, giving exactly 0)."""
    r = _fresh(np.negative(a))
    np.exp(r, out=r)
    np.add(r, _ONE.get(r.dtype, 1), out=r)       # a 0-dim array: NumPy's cheapest operand
    return np.reciprocal(r, out=r)


def _erf(a):
    if a.dtype.kind == "c":
        raise not_implemented("erf_vml_cpu", a.dtype)
    return _erf64(a).astype(a.dtype)


def _sign(a):
    # torch's sign is (0 < a) - (a < 0): zero for nan, where NumPy's np.sign gives nan
    return np.subtract(a > 0, a < 0, dtype=a.dtype)


# torch rounds degrees<->radians with a float constant of the tensor's own precision
def _deg2rad(a):
    return a * a.dtype.type(math.pi / 180)


def _rad2deg(a):
    return a * a.dtype.type(180 / math.pi)


# ---------------------------------------------------------------- exp / log
@holomorphic
class Exp(Pointwise):
    name = "ExpBackward0"
    kind = FLOAT
    save_output = True
    forward = _float_forward(np.exp)

    @staticmethod
    def backward(ctx, g):
        return (g * ctx.out,)


@holomorphic
class Exp2(Pointwise):
    name = "Exp2Backward0"
    kind = FLOAT
    save_output = True
    forward = _float_forward(np.exp2)

    @staticmethod
    def backward(ctx, g):
        return (g * ctx.out * _LN2,)


@holomorphic
class Expm1(Pointwise):
    name = "Expm1Backward0"
    kind = FLOAT
    save_output = True
    forward = _float_forward(np.expm1)

    @staticmethod
    def backward(ctx, g):
        return (g * (ctx.out + 1),)


@holomorphic
class Log(Pointwise):
    name = "LogBackward0"
    kind = FLOAT
    forward = _float_forward(np.log)

    @staticmethod
    def backward(ctx, g):
        return (g / ctx.inputs[0],)


@holomorphic
class Log2(Pointwise):
    name = "Log2Backward0"
    kind = FLOAT
    forward = _float_forward(np.log2)

    @staticmethod
    def backward(ctx, g):
        return (g / (ctx.inputs[0] * _LN2),)


@holomorphic
class Log10(Pointwise):
    name = "Log10Backward0"
    kind = FLOAT
    forward = _float_forward(np.log10)

    @staticmethod
    def backward(ctx, g):
        return (g / (ctx.inputs[0] * _LN10),)


@holomorphic
class Log1p(Pointwise):
    name = "Log1PBackward0"
    kind = FLOAT
    forward = _float_forward(np.log1p)

    @staticmethod
    def backward(ctx, g):
        return (g / (ctx.inputs[0] + 1),)


# ---------------------------------------------------------------- roots, reciprocal
@holomorphic
class Sqrt(Pointwise):
    name = "SqrtBackward0"
    kind = FLOAT
    save_output = True
    forward = _float_forward(np.sqrt)

    @staticmethod
    def backward(ctx, g):
        return (g / (2 * ctx.out),)


@holomorphic
class Rsqrt(Pointwise):
    name = "RsqrtBackward0"
    kind = FLOAT
    save_output = True
    forward = _float_forward(_rsqrt)

    @staticmethod
    def backward(ctx, g):
        return (-0.5 * g * ctx.out ** 3,)


class Reciprocal(Pointwise):
    name = "ReciprocalBackward0"
    kind = FLOAT
    save_output = True
    forward = _float_forward(np.reciprocal)

    @staticmethod
    def backward(ctx, g):
        o = ctx.out
        if o.dtype.is_complex:      # complex: the conjugate of the derivative
            o = o.conj()
        return (-g * (o * o),)


# ---------------------------------------------------------------- trigonometric, hyperbolic
@holomorphic
class Sin(Pointwise):
    name = "SinBackward0"
    kind = FLOAT
    forward = _float_forward(np.sin)

    @staticmethod
    def backward(ctx, g):
        return (g * ctx.inputs[0].cos(),)


@holomorphic
class Cos(Pointwise):
    name = "CosBackward0"
    kind = FLOAT
    forward = _float_forward(np.cos)

    @staticmethod
    def backward(ctx, g):
        return (g * -ctx.inputs[0].sin(),)


@holomorphic
class Tan(Pointwise):
    name = "TanBackward0"
    kind = FLOAT
    save_output = True
    forward = _float_forward(np.tan)

    @staticmethod
    def backward(ctx, g):
        return (g * (1 + ctx.out * ctx.out),)


@holomorphic
class Asin(Pointwise):
    name = "AsinBackward0"
    kind = FLOAT
    forward = _float_forward(np.arcsin)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        return (g * (1 - x * x).rsqrt(),)


@holomorphic
class Acos(Pointwise):
    name = "AcosBackward0"
    kind = FLOAT
    forward = _float_forward(np.arccos)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        return (g * -(1 - x * x).rsqrt(),)


@holomorphic
class Atan(Pointwise):
    name = "AtanBackward0"
    kind = FLOAT
    forward = _float_forward(np.arctan)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        return (g / (x * x + 1),)


@holomorphic
class Sinh(Pointwise):
    name = "SinhBackward0"
    kind = FLOAT
    forward = _float_forward(np.sinh)

    @staticmethod
    def backward(ctx, g):
        return (g * ctx.inputs[0].cosh(),)


@holomorphic
class Cosh(Pointwise):
    name = "CoshBackward0"
    kind = FLOAT
    forward = _float_forward(np.cosh)

    @staticmethod
    def backward(ctx, g):
        return (g * ctx.inputs[0].sinh(),)


@holomorphic
class Tanh(Pointwise):
    name = "TanhBackward0"
    kind = FLOAT
    save_output = True
    forward = _float_forward(np.tanh)

    @staticmethod
    def backward(ctx, g):
        y = ctx.out
        return (g * (1 - y * y),)


# ---------------------------------------------------------------- activations, erf
@holomorphic
class Sigmoid(Pointwise):
    name = "SigmoidBackward0"
    kind = FLOAT
    save_output = True
    forward = _float_forward(_sigmoid)

    @staticmethod
    def backward(ctx, g):
        y = ctx.out
        return (g * (1 - y) * y,)


class Relu(Pointwise):
    name = "ReluBackward0"
    save_output = True

    @staticmethod
    def forward(ctx, a):
        k = a.dtype.kind
        if k == "b":
            raise RuntimeError("Boolean inputs not supported for relu")
        if k == "c":
            raise NotImplementedError("clamp is not supported for complex types")
        return keep_first(np.maximum, a, a.dtype.type(0))     # relu(-0.0) is -0.0

    @staticmethod
    def backward(ctx, g):
        if not ENABLED[0]:
            # no graph of the backward: g * (out > 0) straight on the arrays
            return (_wrap(g._a * (ctx.out._a > 0), g.dtype),)
        return (ThresholdBackward.apply(g, ctx.out),)


class Erf(Pointwise):
    name = "ErfBackward0"
    kind = FLOAT
    forward = _float_forward(_erf)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        return (g * (2 / math.sqrt(math.pi)) * (-(x * x)).exp(),)


# ---------------------------------------------------------------- abs, sign (rounding: _rounding.py)
class Abs(Pointwise):
    name = "AbsBackward0"

    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind == "b":
            raise not_implemented("abs_cpu", a.dtype)
        return np.abs(a)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        return (g * (x.sgn() if x.dtype.is_complex else x.sign()),)   # sgn: z / |z| (0 at 0)


class Sign(Pointwise):
    name = "SignBackward0"

    @staticmethod
    def forward(ctx, a):
        k = a.dtype.kind
        if k == "b":
            return a.copy()
        if k == "c":
            raise NotImplementedError("Unlike NumPy, torch.sign is not intended to support complex "
                                      "numbers. Please use torch.sgn instead.")
        return _sign(a) if k == "f" else np.sign(a)

    @staticmethod
    def backward(ctx, g):
        return (g * 0,)


# ---------------------------------------------------------------- angles, nan_to_num
class Deg2Rad(Pointwise):
    name = "Deg2RadBackward0"
    kind = FLOAT

    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind == "c":
            raise RuntimeError("deg2rad is not supported for complex tensors.")
        return _deg2rad(a)

    @staticmethod
    def backward(ctx, g):
        return (g * (math.pi / 180),)


class Rad2Deg(Pointwise):
    name = "Rad2DegBackward0"
    kind = FLOAT

    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind == "c":
            raise RuntimeError("rad2deg is not supported for complex tensors.")
        return _rad2deg(a)

    @staticmethod
    def backward(ctx, g):
        return (g * (180 / math.pi),)


class NanToNum(Pointwise):
    name = "NanToNumBackward0"

    @staticmethod
    def forward(ctx, a, nan=0.0, posinf=None, neginf=None):
        if a.dtype.kind not in "fc":
            return a.copy()
        return np.nan_to_num(a, nan=nan, posinf=posinf, neginf=neginf)

    @staticmethod
    def backward(ctx, g):
        return (g * ctx.inputs[0].isfinite(),)


# ---------------------------------------------------------------- public functions
exp = unary_function(Exp, np.exp, "exp")
exp2 = unary_function(Exp2, np.exp2, "exp2")
expm1 = unary_function(Expm1, np.expm1, "expm1")
log = unary_function(Log, np.log, "log", doc="Natural logarithm of input.")
log2 = unary_function(Log2, np.log2, "log2")
log10 = unary_function(Log10, np.log10, "log10")
log1p = unary_function(Log1p, np.log1p, "log1p", doc="log(1 + input), accurate for small input.")
sqrt = unary_function(Sqrt, np.sqrt, "sqrt")
rsqrt = unary_function(Rsqrt, _rsqrt, "rsqrt", doc="1 / sqrt(input).")
reciprocal = unary_function(Reciprocal, np.reciprocal, "reciprocal", doc="1 / input.")
sin = unary_function(Sin, np.sin, "sin")
cos = unary_function(Cos, np.cos, "cos")
tan = unary_function(Tan, np.tan, "tan")
asin = unary_function(Asin, np.arcsin, "asin")
acos = unary_function(Acos, np.arccos, "acos")
atan = unary_function(Atan, np.arctan, "atan")
sinh = unary_function(Sinh, np.sinh, "sinh")
cosh = unary_function(Cosh, np.cosh, "cosh")
tanh = unary_function(Tanh, np.tanh, "tanh")
sigmoid = unary_function(Sigmoid, _sigmoid, "sigmoid", doc="1 / (1 + exp(-input)).")
erf = unary_function(Erf, _erf, "erf", doc="The error function of input.")
abs = unary_function(Abs, np.abs, "abs", _REAL, doc="|input|.")
sign = unary_function(Sign, _sign, "sign", doc="-1, 0 or 1 by the sign of input (0 for nan).")
floor = unary_function(Floor, np.floor, "floor")
ceil = unary_function(Ceil, np.ceil, "ceil")
trunc = unary_function(Trunc, np.trunc, "trunc", doc="input rounded toward zero.")
deg2rad = unary_function(Deg2Rad, _deg2rad, "deg2rad")
rad2deg = unary_function(Rad2Deg, _rad2deg, "rad2deg")


def round(input, *, decimals=None, out=None):
    """input rounded to `decimals` places, halves to even."""
    check_tensor("round", input)
    if not decimals and input.dtype in FAST_FLOAT and not input.requires_grad and out is None:
        return _wrap(np.round(input._a), input.dtype)
    r = Round.apply(input) if decimals is None else Round.apply(input, decimals=decimals,
                                                                  overload=True)
    return r if out is None else write_out(out, r)


def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):
    """Replace nan, +inf and -inf by finite values (defaults: 0 and the dtype's extremes)."""
    check_tensor("nan_to_num", input)
    r = NanToNum.apply(input, nan=nan, posinf=posinf, neginf=neginf)
    return r if out is None else write_out(out, r)


absolute = abs
arcsin, arccos, arctan = asin, acos, atan
fix = trunc


# 0-dim zeros per dtype: NumPy's cheapest operand (a Python 0 costs a conversion per call)
_ZEROS = {d.np: np.zeros((), d.np) for d in _REAL}


def _relu_kernel(a):
    if TIES_KEEP_SECOND:
        return np.maximum(_ZEROS[a.dtype], a)     # returns a on ties: relu(-0.0) is -0.0
    return Relu.forward(None, a)


def _frac_kernel(a):
    return Frac.forward(None, a)


relu = unary_function(Relu, _relu_kernel, "relu", _REAL, doc="max(input, 0).")
frac = unary_function(Frac, _frac_kernel, "frac", doc="input - trunc(input).")

_UNARY = {
    "exp": (exp, Exp, np.exp), "exp2": (exp2, Exp2, np.exp2), "expm1": (expm1, Expm1, np.expm1),
    "log": (log, Log, np.log), "log2": (log2, Log2, np.log2), "log10": (log10, Log10, np.log10),
    "log1p": (log1p, Log1p, np.log1p), "sqrt": (sqrt, Sqrt, np.sqrt),
    "rsqrt": (rsqrt, Rsqrt, _rsqrt), "reciprocal": (reciprocal, Reciprocal, np.reciprocal),
    "sin": (sin, Sin, np.sin), "cos": (cos, Cos, np.cos), "tan": (tan, Tan, np.tan),
    "asin": (asin, Asin, np.arcsin), "acos": (acos, Acos, np.arccos),
    "atan": (atan, Atan, np.arctan), "sinh": (sinh, Sinh, np.sinh), "cosh": (cosh, Cosh, np.cosh),
    "tanh": (tanh, Tanh, np.tanh), "sigmoid": (sigmoid, Sigmoid, _sigmoid),
    "relu": (relu, Relu, _relu_kernel), "erf": (erf, Erf, _erf), "abs": (abs, Abs, np.abs),
    "sign": (sign, Sign, _sign), "floor": (floor, Floor, np.floor), "ceil": (ceil, Ceil, np.ceil),
    "trunc": (trunc, Trunc, np.trunc), "frac": (frac, Frac, _frac_kernel),
    "deg2rad": (deg2rad, Deg2Rad, _deg2rad), "rad2deg": (rad2deg, Rad2Deg, _rad2deg),
}
_ALIASES = {"absolute": "abs", "arcsin": "asin", "arccos": "acos", "arctan": "atan",
            "fix": "trunc"}



def round_(input, *, decimals=None):
    """In-place round."""
    return inplace(Round, input) if decimals is None else inplace(
        Round, input, decimals=decimals, overload=True)


def nan_to_num_(input, nan=0.0, posinf=None, neginf=None):
    """In-place nan_to_num."""
    return inplace(NanToNum, input, nan=nan, posinf=posinf, neginf=neginf)


# Tensor methods and in-place forms; torch also exposes most in-place forms as torch.<name>_
_inplace_fns = {n + "_": unary_inplace(op, kernel, FAST_FLOAT)
                for n, (_, op, kernel) in _UNARY.items()}
_abs_values_ = _inplace_fns["abs_"]


def abs_(input):
    """In-place abs (not for complex tensors: their abs is real)."""
    if input.dtype.is_complex:
        raise RuntimeError("In-place abs is not supported for complex tensors.")
    return _abs_values_(input)


_inplace_fns["abs_"] = abs_
for _alias, _name in _ALIASES.items():
    _UNARY[_alias] = _UNARY[_name]
    _inplace_fns[_alias + "_"] = _inplace_fns[_name + "_"]
for _name, (_fn, _, _) in _UNARY.items():
    setattr(Tensor, _name, _fn)
    setattr(Tensor, _name + "_", _inplace_fns[_name + "_"])
del _alias, _name, _fn
Tensor.__abs__ = abs
Tensor.round = round
Tensor.round_ = round_
Tensor.nan_to_num = nan_to_num
Tensor.nan_to_num_ = nan_to_num_
del _inplace_fns["sign_"], _inplace_fns["absolute_"]      # Tensor methods only, not in torch.*
globals().update(_inplace_fns)

__all__ = list(_UNARY) + ["round", "nan_to_num", "round_", "nan_to_num_"] + list(_inplace_fns)
