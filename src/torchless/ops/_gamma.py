"""Numeric kernels for special.py on float64 NumPy arrays (NumPy has none, and SciPy is not a
dependency): lgamma, digamma, polygamma, erfc, erfinv and the Bessel functions I0 and I1.

Our own formulations, accurate to a few ulp in float64 (away from the zeros of lgamma and
digamma, where the error is a few ulp of the neighbouring values instead):

* lgamma(2 + t) and its derivative digamma(2 + t) are Taylor series in t for |t| <= 1/2,
  with coefficients (-1)^k (zeta(k) - 1) / k; arguments in [0, 10) are moved there by the
  recurrences lgamma(x + 1) = lgamma(x) + log(x) and digamma(x + 1) = digamma(x) + 1/x, larger
  ones use Stirling's series, negative ones the reflection formulas.
* polygamma(n, x), n >= 1: the recurrence up to x >= 10 + n, then the asymptotic series in
  Bernoulli numbers; reflection for x < 0 through the n-th derivative of cot(pi x), written as
  a polynomial in cot(pi x).
* erfc: 1 - erf below 1, exp(-x^2) times _erf's interpolant of erfc(x) exp(x^2) on [1, 6), a
  continued fraction beyond.  exp(-x^2) is evaluated with x^2 split into an exact head and a
  small tail, so the result keeps its relative accuracy until it underflows.
* erfinv: Halley steps on erf(x) = y for |y| <= 1/2 and on erfc(x) = 1 - |y| beyond (1 - |y|
  is exact there), so the tails near +-1 keep their relative accuracy.  (nn/_erfinv.py, which
  init.trunc_normal_ uses, refines erf(x) = y only and loses it there.)
* I0, I1: their power series below 20, the asymptotic series exp(x) / sqrt(2 pi x) * S(1/x)
  above — written as exp(x) * (...), so exp overflows where torch's own formula overflows.

The special values at poles and infinities are torch's, as special.py documents.
"""
from __future__ import annotations

import math

import numpy as np

from ._erf import chebval as _chebval, erf as _erf64, pieces as _erfc_scaled

F64 = np.dtype(np.float64)
_LOG_PI = math.log(math.pi)
_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)
EULER = 0.5772156649015329

# lgamma(2 + t) = sum_k C[k] t^k for |t| <= 1/2: C[1] = 1 - Euler's gamma and
# C[k] = (-1)^k (zeta(k) - 1) / k (computed with mpmath to 40 digits); 30 terms reach 1e-19.
_C = (0.0, 0.42278433509846713, 0.3224670334241132, -0.0673523010531981, 0.020580808427784546,
      -0.007385551028673986, 0.0028905103307415234, -0.001192753911703261,
      0.0005096695247430425, -0.00022315475845357939, 9.945751278180853e-05,
      -4.492623673813314e-05, 2.050721277567069e-05, -9.439488275268397e-06,
      4.374866789907488e-06, -2.039215753801366e-06, 9.55141213040742e-07,
      -4.492469198764566e-07, 2.1207184805554665e-07, -1.0043224823968099e-07,
      4.7698101693639804e-08, -2.2711094608943164e-08, 1.0838659214896955e-08,
      -5.183475041970047e-09, 2.4836745438024785e-09, -1.1921401405860912e-09,
      5.731367241678862e-10, -2.7595228851242334e-10, 1.330476437424449e-10,
      -6.4229645638381e-11, 3.1044247747322276e-11)
_DC = tuple(k * c for k, c in enumerate(_C))[1:]        # digamma(2 + t) = sum_k DC[k] t^k

# Bernoulli numbers B_2, B_4, ..., B_26
_B2K = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510, 43867 / 798,
        -174611 / 330, 854513 / 138, -236364091 / 2730, 8553103 / 6)


# Stirling's series of lgamma and the asymptotic series of digamma, in 1/x^2
_STIRLING = [b / (2 * k * (2 * k - 1)) for k, b in enumerate(_B2K[:8], 1)]
_DIGAMMA_ASYMPTOTIC = [b / (2 * k) for k, b in enumerate(_B2K[:9], 1)]


def _horner(coefs, t):
    """sum_k coefs[k] t^k."""
    r = np.full_like(t, coefs[-1])
    for c in coefs[-2::-1]:
        r *= t
        r += c
    return r


def _flat(x):
    x = np.asarray(x, F64)
    return x.reshape(-1), x.shape


def _sinpi_abs(x):
    """|sin(pi x)| (x finite): x - round(x), in [-1/2, 1/2], is exact."""
    return np.sin(np.pi * np.abs(x - np.round(x)))


def _cotpi(x):
    """cot(pi x) (x finite, not an integer), reduced exactly as in _sinpi_abs; near the zeros
    of cot, tan(pi (1/2 - |r|)) keeps the relative accuracy that 1 / tan(pi r) loses."""
    r = x - np.round(x)
    a = np.abs(r)
    near_zero = a > 0.25
    t = np.tan(np.pi * np.where(near_zero, 0.5 - a, a))
    return np.copysign(np.where(near_zero, t, 1 / t), r)


def _shift_down(x):
    """For 2.5 <= x < 10: (t, log of prod_{j=1..k} (x - j)) with x - k - 2 = t in [-1/2, 1/2)."""
    k = np.floor(x - 1.5)
    t = x - (k + 2)
    p = np.ones_like(x)
    for j in range(1, 9):
        p *= np.where(k >= j, x - j, 1.0)
    return t, p, k


# ---------------------------------------------------------------- lgamma
def _lgamma_pos(x):
    """lgamma for finite x > 0."""
    out = np.empty_like(x)
    m = x < 0.5
    if m.any():
        v = x[m]
        out[m] = _horner(_C, v) - np.log1p(v) - np.log(v)
    m = (x >= 0.5) & (x < 1.5)
    if m.any():
        v = x[m]
        out[m] = _horner(_C, v - 1) - np.log(v)
    m = (x >= 1.5) & (x < 2.5)
    if m.any():
        out[m] = _horner(_C, x[m] - 2)
    m = (x >= 2.5) & (x < 10)
    if m.any():
        t, p, _ = _shift_down(x[m])
        out[m] = _horner(_C, t) + np.log(p)
    m = x >= 10
    if m.any():
        v = x[m]
        r = 1 / v
        r2 = r * r
        s = _horner(_STIRLING, r2) * r
        out[m] = (v - 0.5) * np.log(v) - v + _HALF_LOG_2PI + s
    return out


def lgamma(x):
    """log|Gamma(x)|: inf at the poles (0, -1, -2 ...) and at +-inf, nan for nan."""
    x, shape = _flat(x)
    out = np.full_like(x, np.inf)
    out[np.isnan(x)] = np.nan
    pos = (x > 0) & (x < np.inf)
    if pos.any():
        out[pos] = _lgamma_pos(x[pos])
    neg = (x < 0) & (x > -np.inf) & (x != np.floor(x))
    if neg.any():
        v = x[neg]
        out[neg] = _LOG_PI - np.log(_sinpi_abs(v)) - _lgamma_pos(1 - v)
    return out.reshape(shape)


# ---------------------------------------------------------------- digamma
def _digamma_pos(x):
    """digamma for x > 0 (inf included)."""
    out = np.empty_like(x)
    m = x < 0.5
    if m.any():
        v = x[m]
        out[m] = _horner(_DC, v) - 1 / (v + 1) - 1 / v
    m = (x >= 0.5) & (x < 1.5)
    if m.any():
        v = x[m]
        out[m] = _horner(_DC, v - 1) - 1 / v
    m = (x >= 1.5) & (x < 2.5)
    if m.any():
        out[m] = _horner(_DC, x[m] - 2)
    m = (x >= 2.5) & (x < 10)
    if m.any():
        v = x[m]
        t, _, k = _shift_down(v)
        s = _horner(_DC, t)
        for j in range(1, 9):
            s += np.where(k >= j, 1 / (v - j), 0.0)
        out[m] = s
    m = x >= 10
    if m.any():
        v = x[m]
        r = 1 / v
        r2 = r * r
        s = _horner(_DIGAMMA_ASYMPTOTIC, r2) * r2
        out[m] = np.log(v) - 0.5 * r - s
    return out


def digamma(x):
    """d/dx lgamma(x), with torch's special values: digamma(+-0) = -+inf, nan at the
    negative integers and -inf, inf at inf."""
    x, shape = _flat(x)
    out = np.full_like(x, np.nan)
    pos = x > 0
    if pos.any():
        out[pos] = _digamma_pos(x[pos])
    z = x == 0
    out[z] = np.copysign(np.inf, -x[z])
    neg = (x < 0) & (x != np.floor(x))
    if neg.any():
        v = x[neg]
        out[neg] = _digamma_pos(1 - v) - np.pi * _cotpi(v)
    return out.reshape(shape)


# ---------------------------------------------------------------- polygamma
def _polygamma_pos(n, x):
    """psi^(n)(x) for n >= 1 and x > 0 (inf included: 0): sum_{j < N} n! / (x + j)^(n+1)
    moves x to y >= 10 + n, where the asymptotic series in Bernoulli numbers converges."""
    fact = math.factorial(n)
    sign = 1.0 if n % 2 else -1.0
    lim = 10.0 + n
    acc = np.zeros_like(x)
    y = x.copy()
    for _ in range(int(lim) + 1):
        low = y < lim
        if not low.any():
            break
        acc += np.where(low, 1 / np.where(low, y, 1.0) ** (n + 1), 0.0)
        y = np.where(low, y + 1, y)
    r = 1 / y
    # (n-1)!/y^n + n!/(2 y^(n+1)) + sum_k B_2k (2k+n-1)! / (2k)! / y^(2k+n), divided by n!
    coefs = [math.factorial(2 * k + n - 1) / math.factorial(2 * k) / fact * b
             for k, b in enumerate(_B2K[:12], 1)]
    tail = (1 / n + 0.5 * r + _horner(coefs, r * r) * (r * r)) * r ** n
    return sign * fact * (acc + tail)


_COT_DERIVATIVES = {}


def _cot_derivative(n):
    """Coefficients (in c = cot u) of the polynomial P_n with d^n/du^n cot(u) = P_n(cot u):
    P_0 = c, P_(k+1) = -(1 + c^2) P_k'."""
    p = _COT_DERIVATIVES.get(n)
    if p is None:
        p = [0.0, 1.0]
        for _ in range(n):
            d = [k * p[k] for k in range(1, len(p))] + [0.0]     # P'
            q = [0.0] * (len(d) + 2)
            for k, c in enumerate(d):                             # -(1 + c^2) P'
                q[k] -= c
                q[k + 2] -= c
            while len(q) > 1 and q[-1] == 0:
                q.pop()
            p = q
        _COT_DERIVATIVES[n] = p
    return p


def trigamma(x, sin_pi_x=None):
    """psi^(1): torch's reflection for x < 1/2 uses sin(pi x) as computed in the input's
    precision (``sin_pi_x``), so its values at the poles are finite and large, as torch's."""
    x, shape = _flat(x)
    out = np.full_like(x, np.nan)
    pos = x >= 0.5
    if pos.any():
        out[pos] = _polygamma_pos(1, x[pos])
    low = x < 0.5
    if low.any():
        v = x[low]
        s = np.sin(np.pi * v) if sin_pi_x is None else np.asarray(sin_pi_x, F64).reshape(-1)[low]
        out[low] = np.pi ** 2 / (s * s) - _polygamma_pos(1, 1 - v)
    return out.reshape(shape)


def polygamma(n, x, sin_pi_x=None):
    """The n-th derivative of digamma, with torch's special values: for n >= 2 +-inf at the
    poles and -inf, nan at +inf."""
    if n == 0:
        return digamma(x)
    if n == 1:
        return trigamma(x, sin_pi_x)
    x, shape = _flat(x)
    sign = 1.0 if n % 2 else -1.0
    out = np.full_like(x, np.nan)
    pos = (x > 0) & (x < np.inf)
    if pos.any():
        out[pos] = _polygamma_pos(n, x[pos])
    pole = (x <= 0) & (x == np.floor(x))
    out[pole] = sign * np.inf
    neg = (x < 0) & ~pole
    if neg.any():
        v = x[neg]
        # psi^(n)(x) = (-1)^n psi^(n)(1 - x) - pi^(n+1) P_n(cot(pi x))
        c = _cotpi(v)
        refl = _horner(_cot_derivative(n), c) * np.pi ** (n + 1)
        out[neg] = (-sign) * _polygamma_pos(n, 1 - v) - refl
    return out.reshape(shape)


# ---------------------------------------------------------------- erfc
def _exp_minus_square(x):
    """exp(-x*x) without the rounding error of x*x: x = hi + lo with hi of 26 bits, hi*hi exact."""
    hi = x.astype(np.float32).astype(F64)
    lo = x - hi
    return np.exp(-hi * hi) * np.exp(-lo * (x + hi))


# continued fraction terms for 3 ulp: 80 from x = 2, 40 from x = 2.5 (fewer as x grows)
_CF_TERMS = ((2.0, 2.5, 80), (2.5, 27.3, 40))


def erfc(x):
    """1 - erf(x), keeping its relative accuracy for large x (until it underflows past 27)."""
    x, shape = _flat(x)
    out = _erfc_pos(np.abs(x))
    neg = x < 0
    out[neg] = 2 - out[neg]
    out[np.isnan(x)] = np.nan
    return out.reshape(shape)


def _erfc_pos(ax):
    """erfc of a flat array of x >= 0."""
    out = np.empty_like(ax)
    m = ax < 1
    out[m] = 1 - _erf64(ax[m])
    for lo, hi, coef in _erfc_scaled():
        m = (ax >= lo) & (ax < min(hi, 2.0))
        if m.any():
            v = ax[m]
            out[m] = _exp_minus_square(v) * _chebval((v - lo) * (2 / (hi - lo)) - 1, coef)
    for lo, hi, terms in _CF_TERMS:
        m = (ax >= lo) & (ax < hi)
        if m.any():
            # erfc(x) = exp(-x^2) / sqrt(pi) / (x + (1/2) / (x + 1 / (x + (3/2) / (x + ...))))
            v = ax[m]
            t = v.copy()
            for k in range(terms, 0, -1):
                t = v + (k / 2) / t
            out[m] = _exp_minus_square(v) / (math.sqrt(math.pi) * t)
    out[ax >= 27.3] = 0.0          # below the smallest subnormal
    return out


# ---------------------------------------------------------------- Bessel I0, I1
def _series_coefs(nu, k):
    """Power series of I_nu(x) / (x/2)^nu in z = x^2/4: 1 / (j! (j + nu)!)."""
    return [1 / (math.factorial(j) * math.factorial(j + nu)) for j in range(k)]


def _asymptotic_coefs(nu, k):
    """I_nu(x) ~ exp(x) / sqrt(2 pi x) * sum_j a_j / x^j, a_j = prod_(i<=j) -(4nu^2 - (2i-1)^2)
    / (8 i)."""
    a, out = 1.0, [1.0]
    for i in range(1, k):
        a *= -(4 * nu * nu - (2 * i - 1) ** 2) / (8 * i)
        out.append(a)
    return out


_BESSEL = {}


def _bessel_coefs(nu):
    c = _BESSEL.get(nu)
    if c is None:
        c = _BESSEL[nu] = (_series_coefs(nu, 42), _asymptotic_coefs(nu, 36))
    return c


def bessel_i(nu, x, overflow=None):
    """I0 (nu = 0) or I1 (nu = 1) of a float array.  ``overflow``: the argument beyond which
    exp(x) overflows in the caller's precision, where torch's result is inf (nan at inf)."""
    series, asym = _bessel_coefs(nu)
    x, shape = _flat(x)
    ax = np.abs(x)
    out = np.empty_like(x)
    m = ax < 20
    if m.any():
        v = ax[m]
        s = _horner(series, v * v / 4)
        out[m] = s if nu == 0 else s * (v / 2)
    m = ~m
    if m.any():
        v = ax[m]
        scaled = _horner(asym, 1 / v) / np.sqrt(2 * np.pi * v)
        with np.errstate(all="ignore"):
            e = np.exp(v)
            if overflow is not None:
                e[v > overflow] = np.inf
            out[m] = e * scaled           # inf * 0 = nan at x = inf, as torch
    if nu == 1:
        out = np.where(x < 0, -out, out)
    out[np.isnan(x)] = np.nan
    return out.reshape(shape)


# ---------------------------------------------------------------- erfinv
_TWO_OVER_SQRT_PI = 2 / math.sqrt(math.pi)


def erfinv(y):
    """The inverse of erf: nan outside [-1, 1], +-inf at +-1.  Halley steps from a rough
    guess solve erf(x) = |y| for |y| <= 1/2 and erfc(x) = 1 - |y| (exact) beyond, so the tails
    keep their relative accuracy."""
    y, shape = _flat(y)
    out = np.full_like(y, np.nan)
    a = np.abs(y)
    m = a <= 0.5
    if m.any():
        v = a[m]
        z = v * v
        # the first terms of erfinv's Maclaurin series: within 1e-3 for |y| <= 1/2
        x = v * (0.886226925452758 + z * (0.2320136665346544 + z * 0.1275561753055979))
        for _ in range(2):
            f = (_erf64(x) - v) / (_TWO_OVER_SQRT_PI * np.exp(-x * x))
            x -= f / (1 + x * f)
        out[m] = x
    m = (a > 0.5) & (a < 1)
    if m.any():
        q = 1 - a[m]
        w = -np.log(q)
        x = np.sqrt(np.maximum(w - 0.5 * np.log(np.pi * w), 0.25))
        for _ in range(3):         # the guess is within 15 %: Halley's cubic convergence
            f = (_erfc_pos(x) - q) / (_TWO_OVER_SQRT_PI * _exp_minus_square(x))
            x += f / (1 - x * f)
        out[m] = x
    out[a == 1] = np.inf
    out = np.copysign(out, y)
    return out.reshape(shape)
