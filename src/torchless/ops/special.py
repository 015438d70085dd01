"""More elementwise maths, one variable: inverse hyperbolics, the error and gamma families
(erfc, erfinv, lgamma, digamma, polygamma, mvlgamma), Bessel i0, sinc, logit, sgn, signbit,
frexp, and nanmean.  The two-operand ones (xlogy, logaddexp, hypot, copysign, gcd ...) are in
special_binary.py and join this module's ``__all__``.

Integer and bool inputs become the default float dtype; float16 is computed in float32 and
rounded once, as torch does (except where torch rounds an intermediate to float16 itself:
logit's ratio x / (1 - x), polygamma's zeta factor, mvlgamma's terms — reproduced here).  The
numeric kernels NumPy lacks live in _gamma.py (computed in float64): their values agree with
torch's own implementations to within torch.testing's tolerances, not bit for bit (float32
results are our float64 values rounded once, so they are often closer to the exact value
than torch's float32 kernels).  Special values (poles, infinities, nan) are torch's — including
the ones that are torch's conventions rather than maths: digamma(+-0) = -+inf, digamma at
negative integers is nan, polygamma(1, x) at a negative integer is large and finite (torch
reflects through sin(pi x) rounded in the input's precision), polygamma(n >= 2, inf) is nan,
i0 overflows where exp(x) does, and sgn(z) = z * (1 / |z|) with complex arithmetic.
"""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ..autograd.function import FLOAT, NONE, Op
from . import _gamma as G
from ._pw import (F16, F32, FAST_FLOAT, Pointwise, arg_error, check_tensor, inplace,
                  not_implemented, unary_function, unary_inplace, via_f32, write_out)
from ._pw import holomorphic
from .reduction import _structseq, nansum, return_types
from .special_binary import (copysign, float_power, fmax, fmin, gcd, gcd_, heaviside, hypot,
                             lcm, lcm_, ldexp, ldexp_, logaddexp, logaddexp2, nextafter, xlogy,
                             xlogy_)
from .special_binary import __all__ as _binary_names, as_method
from .ternary import where
from .unary import _float_forward

_SQRT_PI = math.sqrt(math.pi)


def _real(fn64, kernel):
    """A kernel computed in float64 by _gamma, rounded to the input's dtype; complex inputs
    raise torch's "<kernel>" not implemented error."""
    def run(a):
        if a.dtype.kind == "c":
            raise not_implemented(kernel, a.dtype)
        return fn64(a).astype(a.dtype)
    return run


def _mask(cond):
    """A bool tensor around a NumPy condition computed in backward."""
    return _wrap(np.asarray(cond), D.bool_)


# ---------------------------------------------------------------- inverse hyperbolics
@holomorphic
class Acosh(Pointwise):
    name = "AcoshBackward0"
    kind = FLOAT
    forward = _float_forward(np.arccosh)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        if x.dtype.is_complex:      # torch's branch for complex z: 1 / (sqrt(z-1) sqrt(z+1))
            return (g / ((x - 1).sqrt() * (x + 1).sqrt()),)
        return (g * (x * x - 1).rsqrt(),)


@holomorphic
class Asinh(Pointwise):
    name = "AsinhBackward0"
    kind = FLOAT
    forward = _float_forward(np.arcsinh)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        return (g * (x * x + 1).rsqrt(),)


@holomorphic
class Atanh(Pointwise):
    name = "AtanhBackward0"
    kind = FLOAT
    forward = _float_forward(np.arctanh)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        return (g / (1 - x * x),)


# ---------------------------------------------------------------- error functions
_erfc = _real(G.erfc, "erfc_vml_cpu")
_erfinv = _real(G.erfinv, "erfinv_vml_cpu")


class Erfc(Pointwise):
    name = "ErfcBackward0"
    kind = FLOAT
    forward = _float_forward(_erfc)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        return (g * (-2 / _SQRT_PI) * (-(x * x)).exp(),)


class Erfinv(Pointwise):
    name = "ErfinvBackward0"
    kind = FLOAT
    save_output = True
    forward = _float_forward(_erfinv)

    @staticmethod
    def backward(ctx, g):
        y = ctx.out
        return (g * (_SQRT_PI / 2) * (y * y).exp(),)


# ---------------------------------------------------------------- gamma family
_lgamma = _real(G.lgamma, "lgamma_vml_cpu")
_digamma = _real(G.digamma, "digamma")


class Lgamma(Pointwise):
    name = "LgammaBackward0"
    kind = FLOAT
    forward = _float_forward(_lgamma)

    @staticmethod
    def backward(ctx, g):
        return (g * digamma(ctx.inputs[0]),)


class Digamma(Pointwise):
    name = "DigammaBackward0"
    kind = FLOAT
    forward = _float_forward(_digamma)

    @staticmethod
    def backward(ctx, g):
        return (g * polygamma(1, ctx.inputs[0]),)


def _polygamma_kernel(a, n):
    if a.dtype.kind == "c":
        raise not_implemented(("digamma", "trigamma")[n] if n < 2 else "polygamma", a.dtype)
    work = a.astype(F32) if a.dtype == F16 else a
    sin_pi_x = None
    if n == 1:
        # torch's reflection divides by sin(pi x) rounded in the computing precision
        sin_pi_x = np.sin(work.dtype.type(np.pi) * work)
    r = G.polygamma(n, work, sin_pi_x)
    if a.dtype == F16 and n >= 2:
        # torch rounds the Hurwitz zeta factor to float16 before multiplying by -+n!
        scale = math.factorial(n) * (1.0 if n % 2 else -1.0)
        return ((r / scale).astype(F16).astype(F32) * F32.type(scale)).astype(F16)
    r = r.astype(work.dtype)
    return r.astype(F16) if a.dtype == F16 else r


class Polygamma(Pointwise):
    name = "PolygammaBackward0"
    kind = FLOAT

    @staticmethod
    def forward(ctx, a, n=0):
        ctx.n = n
        return _polygamma_kernel(a, n)

    @staticmethod
    def backward(ctx, g):
        return (g * polygamma(ctx.n + 1, ctx.inputs[0]),)


def _mvlgamma_args(a, p):
    """a - i/2 for i = p-1 ... 0 along a new last axis, in a's precision (as torch adds them)."""
    offsets = np.arange(-(p - 1) / 2, 0.5, 0.5)[:p].astype(a.dtype)
    return a[..., None] + offsets


class Mvlgamma(Pointwise):
    name = "MvlgammaBackward0"
    kind = FLOAT

    @staticmethod
    def forward(ctx, a, p=1):
        # torch composes it: lgamma of (a - i/2) summed over i, plus p(p-1)/4 log(pi), each
        # step rounded to a's dtype (a float16 sum accumulates in float32, the constant is
        # rounded to float16 first)
        ctx.p = p
        if a.dtype.kind == "c":
            raise not_implemented("arange_cpu", a.dtype)
        args = _mvlgamma_args(a, p)
        lg = _lgamma(args) if a.dtype != F16 else via_f32(_lgamma, args)
        s = lg.sum(-1, dtype=F32 if a.dtype == F16 else a.dtype).astype(a.dtype)
        return s + a.dtype.type(p * (p - 1) / 4 * math.log(math.pi))

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        s = digamma(x - (ctx.p - 1) / 2)
        for i in range(ctx.p - 2, -1, -1):
            s = s + digamma(x - i / 2)
        return (g * s,)


# ---------------------------------------------------------------- Bessel i0
def _overflow(dt):
    """Where exp(x) overflows in the precision torch computes dt in (float32 for float16)."""
    return 88.72283935546875 if dt != np.float64 else None


def _i0(a):
    if a.dtype.kind == "c":
        raise not_implemented("i0_vml_cpu", a.dtype)
    return G.bessel_i(0, a, _overflow(a.dtype)).astype(a.dtype)


class I0(Pointwise):
    name = "I0Backward0"
    kind = FLOAT
    forward = _float_forward(_i0)

    @staticmethod
    def backward(ctx, g):
        return (g * I1.apply(ctx.inputs[0]),)


class I1(Pointwise):
    """I1, i0's derivative (torch.special.i1; torchless uses it for i0's gradient)."""

    name = "SpecialI1Backward0"
    kind = FLOAT

    @staticmethod
    def forward(ctx, a):
        work = a.astype(F32) if a.dtype == F16 else a
        return G.bessel_i(1, work, _overflow(work.dtype)).astype(a.dtype)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        zero = x == 0
        safe = where(zero, 1.0, x)
        # I1' = I0 - I1 / x, 1/2 at 0
        return (g * where(zero, 0.5, I0.apply(x) - I1.apply(x) / safe),)


# ---------------------------------------------------------------- sinc, logit
def _sinc(a):
    """sin(pi x) / (pi x) with pi x rounded in the input's precision (so sinc(1) is a tiny
    nonzero number, as torch's), 1 at 0."""
    t = a * a.dtype.type(np.pi)
    r = np.sin(t) / t
    r = r if r.__class__ is np.ndarray else np.asarray(r)
    r[a == 0] = 1
    return r


class Sinc(Pointwise):
    name = "SincBackward0"
    kind = FLOAT
    forward = _float_forward(_sinc)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        zero = x == 0
        safe = where(zero, 1.0, x)
        return (g * where(zero, 0.0, ((math.pi * safe).cos() - sinc(safe)) / safe),)


def _logit_kernel(a, eps=None):
    if a.dtype.kind == "c":
        raise not_implemented("logit_cpu", a.dtype)
    if eps is not None and eps >= 0:
        lo = a.dtype.type(eps)
        hi = a.dtype.type(1) - lo
        a = np.where(a < lo, lo, np.where(a > hi, hi, a))
    # (float16 too: torch divides in float16, rounding the ratio before the log)
    return np.log(a / (a.dtype.type(1) - a))


class Logit(Pointwise):
    name = "LogitBackward0"
    kind = FLOAT

    @staticmethod
    def forward(ctx, a, eps=None):
        ctx.eps = eps
        return _logit_kernel(a, eps)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        a = x._a
        eps = ctx.eps
        if eps is None or eps < 0:
            # outside the domain the gradient is nan
            keep, value = ~((a < 0) | (a > 1)), math.nan
        else:
            # outside [eps, 1 - eps] (and at nan) it is zero: the clamp was constant there
            work = a.astype(F32) if a.dtype == F16 else a
            lo = work.dtype.type(eps)
            keep, value = (work >= lo) & (work <= work.dtype.type(1) - lo), 0.0
        return (where(_mask(keep), g / (x * (1 - x)), value),)


# ---------------------------------------------------------------- sgn, signbit, frexp
def _sgn(a):
    k = a.dtype.kind
    if k == "b":
        return a.copy()
    if k == "c":
        # torch multiplies by 1/|z| as a complex number: a tiny z gives inf+nanj, an infinite
        # part nan+nanj
        r = a * (1 / np.abs(a))
        r = r if r.__class__ is np.ndarray else np.asarray(r)
        r[a == 0] = 0
        return r
    if k == "f":
        return np.subtract(a > 0, a < 0, dtype=a.dtype)      # 0 for nan, as torch.sign
    return np.sign(a)


class Sgn(Pointwise):
    name = "SgnBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a):
        return _sgn(a)

    @staticmethod
    def backward(ctx, g):
        return (g * 0,)


def signbit(input, *, out=None):
    """True where input's sign bit is set (-0.0 and negative nan included)."""
    check_tensor("signbit", input)
    a = input._a
    k = a.dtype.kind
    if k == "c":
        raise NotImplementedError("signbit is not implemented for complex tensors.")
    r = _wrap(np.signbit(a) if k == "f" else a < 0 if k == "i" else np.zeros(a.shape, bool),
              D.bool_)
    return r if out is None else write_out(out, r)


return_types.frexp = _structseq("frexp", ("mantissa", "exponent"))


class Frexp(Op):
    name = "FrexpBackward0"
    kind = NONE
    non_differentiable = (1,)

    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind != "f":
            raise RuntimeError("torch.frexp() only supports floating-point dtypes")
        m, e = np.frexp(a)
        ctx.e = e
        return m, np.asarray(e, np.int32)

    @staticmethod
    def backward(ctx, g, _ge=None):
        # d mantissa / dx = 2^-exponent
        return (g * _wrap(np.ldexp(np.ones((), g.dtype.np), -ctx.e)),)


def frexp(input, *, out=None):
    """input = mantissa * 2 ** exponent with |mantissa| in [0.5, 1): (mantissa, exponent)."""
    check_tensor("frexp", input)
    m, e = Frexp.apply(input)
    if out is not None:
        write_out(out[0], m)
        write_out(out[1], e)
        m, e = out
    return return_types.frexp((m, e))


# ---------------------------------------------------------------- nanmean
def nanmean(input, dim=None, keepdim=False, *, dtype=None, out=None):
    """Mean over dim of the elements that are not nan (nan where all are)."""
    check_tensor("nanmean", input)
    if input.dtype.category < D.FLOAT:
        raise RuntimeError("nanmean(): expected input to have floating point or complex dtype "
                           f"but got {input.dtype.type_name}")
    if dtype is not None and dtype.category < D.FLOAT:
        raise RuntimeError("nanmean(): could not infer output dtype. Optional dtype must be either "
                           f"a floating point or complex dtype. Got: {dtype.type_name}")
    if input.dtype.is_complex:
        raise RuntimeError("nansum on CPU does not support complex inputs")
    count = input.isnan().logical_not().sum(dim, keepdim)
    r = nansum(input, dim, keepdim, dtype=dtype) / count
    return r if out is None else write_out(out, r)


# ---------------------------------------------------------------- public functions
acosh = unary_function(Acosh, np.arccosh, "acosh")
asinh = unary_function(Asinh, np.arcsinh, "asinh")
atanh = unary_function(Atanh, np.arctanh, "atanh")
erfc = unary_function(Erfc, _erfc, "erfc", doc="1 - erf(input).")
erfinv = unary_function(Erfinv, _erfinv, "erfinv", doc="The inverse of erf.")
lgamma = unary_function(Lgamma, _lgamma, "lgamma", doc="log |Gamma(input)|.")
digamma = unary_function(Digamma, _digamma, "digamma", doc="The derivative of lgamma.")
i0 = unary_function(I0, _i0, "i0", doc="The modified Bessel function of the first kind, order 0.")
sinc = unary_function(Sinc, _sinc, "sinc", doc="sin(pi x) / (pi x), 1 at 0.")
sgn = unary_function(Sgn, _sgn, "sgn", doc="sign for real input, z / |z| for complex.")


def _check_n(n, fname):
    if isinstance(n, Tensor) and n.dtype.category == D.INT and n.ndim == 0:
        n = int(n)
    if n.__class__ is not int:
        raise arg_error(fname, "n", 1, n, "int")
    if n < 0:
        raise RuntimeError("polygamma(n, x) does not support negative n.")
    return n


def polygamma(n, input, *, out=None):
    """The n-th derivative of digamma (polygamma(0, x) is digamma(x))."""
    n = _check_n(n, "polygamma")
    check_tensor("polygamma", input, "input", 2)
    r = Polygamma.apply(input, n=n)
    return r if out is None else write_out(out, r)


def _check_mvlgamma(input, p):
    if input.dtype is D.bool_:
        raise RuntimeError("The input tensor may not be a boolean tensor.")
    if p.__class__ is not int:
        raise arg_error("mvlgamma", "p", 2, p, "int")
    if p < 1:
        raise RuntimeError("p has to be greater than or equal to 1")


def mvlgamma(input, p, *, out=None):
    """The multivariate log-gamma of dimension p: sum_i lgamma(x - i/2) + p(p-1)/4 log(pi)."""
    check_tensor("mvlgamma", input)
    _check_mvlgamma(input, p)
    r = Mvlgamma.apply(input, p=p)
    return r if out is None else write_out(out, r)


def logit(input, eps=None, *, out=None):
    """log(x / (1 - x)), x clamped to [eps, 1 - eps] first when eps is given."""
    check_tensor("logit", input)
    if input.dtype in FAST_FLOAT and out is None and eps is None and not input.requires_grad:
        return _wrap(_logit_kernel(input._a), input.dtype)
    r = Logit.apply(input, eps=eps)
    return r if out is None else write_out(out, r)


# ---------------------------------------------------------------- in-place forms, Tensor methods
def polygamma_(self, n):
    """In-place polygamma (self is the input)."""
    return inplace(Polygamma, self, n=_check_n(n, "polygamma_"))


def mvlgamma_(self, p):
    """In-place mvlgamma."""
    _check_mvlgamma(self, p)
    if self.dtype.category < D.FLOAT:     # (torch's message has the two types swapped)
        raise RuntimeError(f"mvlgamma: result type {self.dtype.type_name} can't be cast to the "
                           f"desired output type {D.get_default_dtype().type_name}")
    return inplace(Mvlgamma, self, p=p)


def logit_(self, eps=None):
    """In-place logit."""
    return inplace(Logit, self, eps=eps)


_UNARY = {"acosh": (acosh, Acosh, np.arccosh), "asinh": (asinh, Asinh, np.arcsinh),
          "atanh": (atanh, Atanh, np.arctanh), "erfc": (erfc, Erfc, _erfc),
          "erfinv": (erfinv, Erfinv, _erfinv), "lgamma": (lgamma, Lgamma, _lgamma),
          "digamma": (digamma, Digamma, _digamma), "i0": (i0, I0, _i0),
          "sinc": (sinc, Sinc, _sinc), "sgn": (sgn, Sgn, _sgn)}
_ALIASES = {"arccosh": "acosh", "arcsinh": "asinh", "arctanh": "atanh"}

_inplace_fns = {n + "_": unary_inplace(op, kernel) for n, (_, op, kernel) in _UNARY.items()}
_inplace_fns["logit_"] = logit_
for _alias, _name in _ALIASES.items():
    _UNARY[_alias] = _UNARY[_name]
    _inplace_fns[_alias + "_"] = _inplace_fns[_name + "_"]
for _name, (_fn, _, _) in _UNARY.items():
    setattr(Tensor, _name, _fn)
    setattr(Tensor, _name + "_", _inplace_fns[_name + "_"])
del _alias, _name, _fn
arccosh, arcsinh, arctanh = acosh, asinh, atanh

def _polygamma_method(self, n):
    """Tensor.polygamma(n): polygamma(n, self)."""
    return polygamma(n, self)


Tensor.polygamma = _polygamma_method
Tensor.polygamma_ = polygamma_
Tensor.mvlgamma = as_method(mvlgamma)
Tensor.mvlgamma_ = mvlgamma_
Tensor.logit = logit
Tensor.logit_ = logit_
Tensor.signbit = signbit
Tensor.frexp = frexp
Tensor.nanmean = nanmean

# torch exposes these in-place forms as torch.<name>_ too (the others are Tensor methods only)
_TORCH_INPLACE = ("acosh_", "asinh_", "atanh_", "arccosh_", "arcsinh_", "arctanh_", "erfc_",
                  "i0_", "sinc_", "logit_")
globals().update({n: _inplace_fns[n] for n in _TORCH_INPLACE})

__all__ = list(_UNARY) + ["polygamma", "mvlgamma", "logit", "signbit", "frexp", "nanmean"] + \
    list(_TORCH_INPLACE) + list(_binary_names)
