"""More elementwise maths, two operands: xlogy, logaddexp/logaddexp2, hypot, copysign,
nextafter, ldexp, float_power, fmax/fmin, heaviside, gcd/lcm (special.py re-exports them).

hypot (float64 with one correction step, as torch's is correctly rounded and the C library's
hypot is not quite), copysign, nextafter, fmax/fmin, gcd/lcm, heaviside and ldexp by an
integer exponent are the same IEEE (or integer) operations in NumPy as in torch, so their
results are torch's bit for bit; xlogy, logaddexp and logaddexp2 go through log/exp, which round differently in the
last bit.  Each op's dtype rule is torch's: xlogy and copysign turn integers into the default
float dtype, logaddexp, hypot and nextafter refuse them, gcd/lcm take integers only, heaviside
wants two tensors of one dtype, float_power computes in float64 (complex128).
"""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ..autograd.function import FLOAT, NONE
from ._pw import (F16, F32, NUMBER, TENSOR_OR_NUMBER, TENSOR_OR_NUMBER_SIGS, NotImplementedGrad,
                  Pointwise, check_cast, check_operand, check_tensor, inplace, inplace_from,
                  invalid_combination, method_type_error, not_implemented, raise_broadcast,
                  write_out)
from .power import pow as _pow
from .ternary import where

_LN2 = math.log(2.0)
_NAN = float("nan")


def _dtype_of(a, b):
    """The compute dtype of a promoted pair (one side may be a Python scalar)."""
    return a.dtype if a.__class__ is np.ndarray else b.dtype


def _f32(x):
    """A float16 operand widened to float32 (a Python scalar as it is)."""
    return x.astype(F32) if x.__class__ is np.ndarray else x


def _floats_only(kernel, a, b, complex_ok=False):
    """The operands' dtype; torch's error when it is not a float (or complex) type."""
    dt = _dtype_of(a, b)
    if dt.kind not in ("fc" if complex_ok else "f"):
        raise not_implemented(kernel, dt, a, b)
    return dt


def _mask(cond):
    """A bool tensor around a NumPy condition computed in backward."""
    return _wrap(np.asarray(cond), D.bool_)


# ---------------------------------------------------------------- xlogy
def _xlogy(a, b):
    dt = _floats_only("xlogy_cpu", a, b)
    if dt == F16:
        return _xlogy(_f32(a), _f32(b)).astype(F16)
    a, b = np.asarray(a, dt), np.asarray(b, dt)
    r = np.where(a == 0, dt.type(0), a * np.log(b))      # 0 * log(0) is 0 ...
    return np.where(np.isnan(b), dt.type(_NAN), r)         # ... but a nan y always gives nan


class Xlogy(Pointwise):
    name = "XlogyBackward0"
    kind = FLOAT

    @staticmethod
    def forward(ctx, a, b):
        return _xlogy(a, b)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        gx = gy = None
        if ctx.needs_input_grad[0]:
            gx = g * xlogy(x != 0, y)
        if ctx.needs_input_grad[1]:
            gy = g * x / y
        return gx, gy


class XlogyScalarSelf(Xlogy):
    name = "XlogyBackward1"


class XlogyScalarOther(Xlogy):
    name = "XlogyBackward2"


def xlogy(input, other, *, out=None):
    """input * log(other), 0 where input is 0 (unless other is nan)."""
    if not (isinstance(input, Tensor) and isinstance(other, TENSOR_OR_NUMBER)
            or isinstance(input, NUMBER) and isinstance(other, Tensor)):
        raise invalid_combination("xlogy", (input, other), (
            "Tensor input, Tensor other, *, Tensor out = None",
            "Number self, Tensor other, *, Tensor out = None",
            "Tensor input, Number other, *, Tensor out = None"))
    op = Xlogy if isinstance(input, Tensor) and isinstance(other, Tensor) else \
        XlogyScalarSelf if isinstance(other, Tensor) else XlogyScalarOther
    r = op.apply(input, other)
    return r if out is None else write_out(out, r)


# ---------------------------------------------------------------- logaddexp, logaddexp2
def _logaddexp(a, b, base2=False):
    """log(exp(a) + exp(b)) (base 2: log2(2^a + 2^b)) as max + log1p(exp(-|a - b|))."""
    if a.dtype == F16:
        return _logaddexp(a.astype(F32), b.astype(F32), base2).astype(F16)
    if a.dtype.kind == "c":
        big = a.real >= b.real
        m, d = np.where(big, a, b), np.where(big, b - a, a - b)
        return m + np.log1p(np.exp(d))
    m = np.maximum(a, b)
    d = -np.abs(a - b)
    r = m + (np.log1p(np.exp2(d)) / a.dtype.type(_LN2) if base2 else np.log1p(np.exp(d)))
    return np.where(np.isinf(a) & (a == b), a, r)       # inf + inf (and -inf, -inf) stay


class Logaddexp(Pointwise):
    name = "LogaddexpBackward0"

    @staticmethod
    def forward(ctx, a, b):
        _floats_only("logaddexp_cpu", a, b, complex_ok=True)
        return _logaddexp(a, b)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        return g / (1 + (y - x).exp()), g / (1 + (x - y).exp())


class Logaddexp2(Pointwise):
    name = "Logaddexp2Backward0"

    @staticmethod
    def forward(ctx, a, b):
        _floats_only("logaddexp2_cpu", a, b)
        return _logaddexp(a, b, base2=True)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        return g / (1 + (y - x).exp2()), g / (1 + (x - y).exp2())


# ---------------------------------------------------------------- hypot, copysign, nextafter
_SPLIT = 134217729.0        # 2^27 + 1: Veltkamp's splitting of a double into two halves


def _two_square(x):
    """x*x as p + e exactly (Dekker's product without a fused multiply-add)."""
    p = x * x
    c = _SPLIT * x
    hi = c - (c - x)
    lo = x - hi
    return p, ((hi * hi - p) + 2 * hi * lo) + lo * lo


def _hypot64(a, b):
    """float64 hypot correctly rounded, as torch's is: NumPy's (the C library's) is 1 ulp off
    for a few arguments in 10^4, which one Newton step on the exact residual
    x^2 + y^2 - h^2 (scaled by a power of two, so nothing overflows) puts right."""
    h = np.hypot(a, b)
    if h.__class__ is not np.ndarray:
        h = np.asarray(h)
    x, y = np.broadcast_arrays(np.abs(a), np.abs(b))
    x, y = np.maximum(x, y), np.minimum(x, y)
    fix = np.isfinite(h) & (y > 0) & (h > 2.0 ** -1000)
    if fix.any():
        hv = h[fix]
        e = np.frexp(hv)[1]
        hs, xs, ys = np.ldexp(hv, -e), np.ldexp(x[fix], -e), np.ldexp(y[fix], -e)
        (px, ex), (py, ey), (ph, eh) = _two_square(xs), _two_square(ys), _two_square(hs)
        r = ((px - ph) + py) + ((ex + ey) - eh)
        h[fix] = np.ldexp(hs + r / (2 * hs), e)
    return h


class Hypot(Pointwise):
    name = "HypotBackward0"
    save_output = True

    @staticmethod
    def forward(ctx, a, b):
        dt = _floats_only("hypot_cpu", a, b)
        if dt == F16:
            return np.hypot(a.astype(F32), b.astype(F32)).astype(F16)
        return _hypot64(a, b) if dt == np.float64 else np.hypot(a, b)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        r = ctx.out
        return g * x / r, g * y / r


class Copysign(Pointwise):
    name = "CopysignBackward0"
    kind = FLOAT
    save_output = True

    @staticmethod
    def forward(ctx, a, b):
        _floats_only("copysign_cpu", a, b)
        return np.copysign(a, b)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        # the result over x: +-1, but 0 at x = 0 (and nan at infinite x)
        gx = where(x == 0, 0.0, ctx.out / x) * g
        return gx, (g * 0 if isinstance(ctx.inputs[1], Tensor) else None)


class CopysignScalar(Copysign):
    name = "CopysignBackward1"


class Nextafter(Pointwise):
    name = "NextafterBackward0"

    @staticmethod
    def forward(ctx, a, b):
        _floats_only("nextafter_cpu", a, b)
        # equal operands give other (C's rule, which NumPy's float16 loop does not follow)
        return np.where(a == b, b, np.nextafter(a, b))

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        return where(_mask(x._a != y._a), g, 0.0), g * 0


def logaddexp(input, other, *, out=None):
    """log(exp(input) + exp(other)), without overflow."""
    return _tensors(Logaddexp, "logaddexp", input, other, out)


def logaddexp2(input, other, *, out=None):
    """log2(2 ** input + 2 ** other), without overflow."""
    return _tensors(Logaddexp2, "logaddexp2", input, other, out)


def hypot(input, other, *, out=None):
    """sqrt(input ** 2 + other ** 2), without overflow."""
    return _tensors(Hypot, "hypot", input, other, out)


def nextafter(input, other, *, out=None):
    """The next float after input in the direction of other."""
    return _tensors(Nextafter, "nextafter", input, other, out)


def copysign(input, other, *, out=None):
    """|input| with the sign of other (a tensor or a number)."""
    if not isinstance(input, Tensor) or not isinstance(other, TENSOR_OR_NUMBER):
        raise invalid_combination("copysign", (input, other), TENSOR_OR_NUMBER_SIGS)
    r = (Copysign if isinstance(other, Tensor) else CopysignScalar).apply(input, other)
    return r if out is None else write_out(out, r)


def _tensors(op, fname, input, other, out, arg="other"):
    check_tensor(fname, input)
    check_tensor(fname, other, arg, 2)
    r = op.apply(input, other)
    return r if out is None else write_out(out, r)


# ---------------------------------------------------------------- fmax, fmin
def _fminmax(fname, keep):
    """fmax / fmin: a nan loses to a number; ties keep the first operand (its sign of zero)."""
    def forward(ctx, a, b):
        k = a.dtype.kind
        if k == "c":
            raise_broadcast((a, b))
            raise RuntimeError(f"{fname} not implemented for complex tensors.")
        if k != "f":
            return np.maximum(a, b) if fname == "fmax" else np.minimum(a, b)
        return np.where(keep(a, b) | np.isnan(b), a, b)
    return staticmethod(forward)


class Fmax(Pointwise):
    name = "FmaxBackward0"
    forward = _fminmax("fmax", np.greater_equal)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        first = _mask(np.greater_equal(x._a, y._a) | np.isnan(y._a))
        return where(first, g, 0.0), where(first, 0.0, g)


class Fmin(Pointwise):
    name = "FminBackward0"
    forward = _fminmax("fmin", np.less_equal)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        first = _mask(np.less_equal(x._a, y._a) | np.isnan(y._a))
        return where(first, g, 0.0), where(first, 0.0, g)


def fmax(input, other, *, out=None):
    """Elementwise maximum where a nan loses to a number."""
    return _tensors(Fmax, "fmax", input, other, out)


def fmin(input, other, *, out=None):
    """Elementwise minimum where a nan loses to a number."""
    return _tensors(Fmin, "fmin", input, other, out)


# ---------------------------------------------------------------- heaviside
class Heaviside(NotImplementedGrad):
    aten = "aten::heaviside"
    kind = NONE

    @staticmethod
    def forward(ctx, a, v):
        return np.where(a == 0, v, a > 0).astype(a.dtype)


def _check_heaviside(input, values):
    if input.dtype.is_complex or values.dtype.is_complex:
        raise RuntimeError("heaviside is not yet implemented for complex tensors.")
    if input.dtype is not values.dtype:
        raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")


def heaviside(input, values, *, out=None):
    """0 where input < 0, 1 where input > 0, values where input == 0 (0 for nan)."""
    check_tensor("heaviside", input)
    check_tensor("heaviside", values, "values", 2)
    _check_heaviside(input, values)
    r = Heaviside.apply(input, values)
    return r if out is None else write_out(out, r)


# ---------------------------------------------------------------- gcd, lcm
def _gcd(a, b):
    """Euclid's algorithm as torch runs it: on |a|, |b| in the operands' own integer type
    (so |INT_MIN| stays negative), with C's truncating remainder."""
    a, b = np.broadcast_arrays(np.abs(a), np.abs(b))
    a, b = a.copy(), b.copy()
    nz = b != 0
    while nz.any():
        r = np.fmod(a[nz], b[nz])
        a[nz] = b[nz]
        b[nz] = r
        nz = b != 0
    return a


def _lcm(a, b):
    dt = a.dtype
    g = _gcd(a, b)
    # torch computes |a / g * b| in C's int (at least 32 bits), then narrows to the dtype
    wide = dt if dt.itemsize >= 4 else np.dtype(np.int32)
    a, b, g = (np.asarray(v).astype(wide) for v in (a, b, g))
    zero = g == 0
    r = np.abs(a // np.where(zero, 1, g) * b)
    return np.where(zero, 0, r).astype(dt)


class Gcd(Pointwise):
    name = "GcdBackward0"

    @staticmethod
    def forward(ctx, a, b):
        dt = _dtype_of(a, b)
        if dt.kind not in "iu":
            raise not_implemented("gcd_cpu", dt, a, b)
        return _gcd(a, b)


class Lcm(Pointwise):
    name = "LcmBackward0"

    @staticmethod
    def forward(ctx, a, b):
        dt = _dtype_of(a, b)
        if dt.kind not in "iu":
            raise not_implemented("lcm_cpu", dt, a, b)
        return _lcm(a, b)


def gcd(input, other, *, out=None):
    """The greatest common divisor of integer tensors (gcd(0, 0) = 0)."""
    return _tensors(Gcd, "gcd", input, other, out)


def lcm(input, other, *, out=None):
    """The least common multiple of integer tensors (0 when either is 0)."""
    return _tensors(Lcm, "lcm", input, other, out)


# ---------------------------------------------------------------- ldexp
class Ldexp(Pointwise):
    """input * 2 ** other.  An integer exponent scales a float input exactly (C's ldexp, the
    exponent taken as a 32-bit int); otherwise torch multiplies by pow(2, other) computed in
    other's dtype (the default float for integers), rounding, overflowing and underflowing
    there — which the forward reproduces."""

    name = "LdexpBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, b, rd=None):
        npd = rd.np
        if b.dtype.kind in "iu" and a.dtype.kind in "fc" or b.dtype.kind == "b" and npd.kind == "c":
            e = b.astype(np.int32)
            if npd.kind == "c":
                return (np.ldexp(a.real, e) + 1j * np.ldexp(a.imag, e)).astype(npd)
            work = F32 if npd == F16 else npd
            return np.ldexp(a.astype(work), e).astype(npd)
        if b.dtype.kind in "biu":
            # 2 ** other in rd: exact powers of two, 0 below the subnormals and inf above
            p = np.ldexp(np.ones((), npd), np.clip(b, -20000, 20000).astype(np.int32))
        elif npd.kind == "c" and b.dtype == F16:
            raise NotImplementedError("\"pow\" not implemented for 'ComplexHalf'")
        elif b.dtype == F16:
            p = np.power(F32.type(2), b.astype(F32)).astype(F16)
        else:
            p = np.power(b.dtype.type(2), b)
        return a.astype(npd) * p.astype(npd)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        gx = gy = None
        if ctx.needs_input_grad[0]:
            gx = g * y.to(g.dtype).exp2()
        if ctx.needs_input_grad[1]:
            gy = g * x * y.exp2() * _LN2
        return gx, gy


def _ldexp_dtype(input, other):
    if other.dtype is D.bool_ and input.dtype.category == D.FLOAT:
        raise not_implemented("ldexp_cpu_exp", D.bool_)
    rd = D.result_type_of((input, other))
    return D.get_default_dtype() if rd.category < D.FLOAT else rd


def ldexp(input, other, *, out=None):
    """input * 2 ** other."""
    check_tensor("ldexp", input)
    check_tensor("ldexp", other, "other", 2)
    r = Ldexp.apply(input, other, rd=_ldexp_dtype(input, other))
    return r if out is None else write_out(out, r)


def _ldexp_precheck(self, other):
    check_tensor("ldexp_", other, "other", 1)
    if self.dtype.category < D.FLOAT:
        raise RuntimeError(f"ldexp can't be cast to the desired output type {self.dtype.type_name}")


# ---------------------------------------------------------------- float_power
_FLOAT_POWER_SIGS = ("Tensor input, Tensor exponent, *, Tensor out = None",
                     "Number self, Tensor exponent, *, Tensor out = None",
                     "Tensor input, Number exponent, *, Tensor out = None")


def _float_power_dtype(input, exponent):
    if not (isinstance(input, Tensor) and isinstance(exponent, TENSOR_OR_NUMBER)
            or isinstance(input, NUMBER) and isinstance(exponent, Tensor)):
        raise invalid_combination("float_power", (input, exponent), _FLOAT_POWER_SIGS)
    cplx = any(x.dtype.is_complex if isinstance(x, Tensor) else isinstance(x, complex)
               for x in (input, exponent))
    return D.complex128 if cplx else D.float64


def _as_dtype(x, dt):
    if isinstance(x, Tensor):
        return x.to(dt)
    return complex(x) if dt.is_complex else float(x)


def float_power(input, exponent, *, out=None):
    """input ** exponent computed in double precision (float64, or complex128)."""
    dt = _float_power_dtype(input, exponent)
    r = _pow(_as_dtype(input, dt), _as_dtype(exponent, dt))
    return r if out is None else write_out(out, r)


def float_power_(self, exponent):
    """In-place float_power: self must already be float64 (complex128)."""
    dt = _float_power_dtype(self, exponent)
    if self.dtype is not dt:
        raise RuntimeError(f"the base given to float_power_ has dtype {self.dtype.type_name} but "
                           f"the operation's result requires dtype {dt.type_name}")
    return self.pow_(_as_dtype(exponent, dt))


# ---------------------------------------------------------------- in-place forms, Tensor methods
def _tensor_other(fname):
    """torch's checks before an in-place kernel: a tensor operand, and the cast rule (which
    it applies before the kernel's dtype check)."""
    def precheck(self, other):
        check_tensor(fname, other, "other", 1)
        check_cast(self, (self, other))
    return precheck


def as_method(fn):
    """fn as a Tensor method: its argument errors count positions after self, as torch's do."""
    name = fn.__name__

    def method(self, *args, **kwargs):
        try:
            return fn(self, *args, **kwargs)
        except TypeError as e:
            raise method_type_error(e, name, name) from None
    method.__name__, method.__doc__ = name, fn.__doc__
    return method


def xlogy_(self, other):
    """In-place xlogy."""
    check_operand("xlogy_", other, "other", 1)
    return inplace(Xlogy if isinstance(other, Tensor) else XlogyScalarOther, self, other)


def copysign_(self, other):
    """In-place copysign."""
    check_operand("copysign_", other, "other", 1)
    return inplace(Copysign if isinstance(other, Tensor) else CopysignScalar, self, other)


def heaviside_(self, values):
    """In-place heaviside."""
    check_tensor("heaviside_", values, "values", 1)
    _check_heaviside(self, values)
    return inplace(Heaviside, self, values)


ldexp_ = inplace_from(ldexp, _ldexp_precheck)
gcd_ = inplace_from(gcd, _tensor_other("gcd_"))
lcm_ = inplace_from(lcm, _tensor_other("lcm_"))

for _name, _fn, _ifn in (
        ("xlogy", xlogy, xlogy_), ("copysign", copysign, copysign_),
        ("heaviside", heaviside, heaviside_), ("ldexp", ldexp, ldexp_), ("gcd", gcd, gcd_),
        ("lcm", lcm, lcm_), ("float_power", float_power, float_power_),
        ("hypot", hypot, inplace_from(hypot, _tensor_other("hypot_"))),
        ("nextafter", nextafter, inplace_from(nextafter, _tensor_other("nextafter_"))),
        ("logaddexp", logaddexp, None), ("logaddexp2", logaddexp2, None), ("fmax", fmax, None),
        ("fmin", fmin, None)):
    setattr(Tensor, _name, as_method(_fn))
    if _ifn is not None:
        setattr(Tensor, _name + "_", _ifn)
del _name, _fn, _ifn

__all__ = ["xlogy", "logaddexp", "logaddexp2", "hypot", "copysign", "nextafter", "ldexp",
           "float_power", "fmax", "fmin", "heaviside", "gcd", "lcm", "xlogy_", "ldexp_", "gcd_",
           "lcm_"]
