"""Pointwise ops (arithmetic, unary math, comparisons, bitwise, where/clamp/lerp/addc*, softmax)
checked against real torch: value, dtype, shape, exception type and message, gradients."""
from __future__ import annotations

import warnings

import numpy as np
import torch

import torchless as tl

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64",
          "complex64", "complex128"]
INTS = DTYPES[1:6]
FLOATS = ["float16", "float32", "float64"]
COMPLEX = ["complex64", "complex128"]

_NAN, _INF = float("nan"), float("inf")


def values(dtype, n=12, nonzero=False, seed=0):
    """A 1-D array of edge values of dtype (zeros, extremes, nan, inf, -0.0, halves)."""
    rng = np.random.default_rng(seed)
    npd = np.dtype(dtype)
    if dtype == "bool":
        v = [True, False] * (n // 2) if not nonzero else [True] * n
    elif dtype in INTS:
        info = np.iinfo(npd)
        v = [0, 1, -1, 2, -3, 7, info.min, info.max, 5, -8, 100, 3]
        v = [x for x in v if info.min <= x <= info.max]
        if nonzero:
            v = [x for x in v if x != 0]
    elif dtype in FLOATS:
        v = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 2.5, 3.75, _NAN, _INF, -_INF, 1e-3, -7.0, 100.25]
        if nonzero:
            v = [x for x in v if x != 0]
    else:
        v = [0j, 1 + 2j, -1.5 + 0.5j, 2.5 - 1j, complex(_NAN, 1), complex(_INF, 0), 0.5j, -3 + 0j]
        if nonzero:
            v = [x for x in v if x != 0]
    v = (v * (n // len(v) + 1))[:n]
    a = np.array(v, dtype=npd if dtype != "bool" else np.bool_)
    return a[rng.permutation(n)] if seed else a


def finite(dtype, n=12, seed=0, lo=-3.0, hi=3.0):
    """Moderate random values (for transcendental functions and gradients)."""
    rng = np.random.default_rng(seed)
    if dtype == "bool":
        return rng.random(n) < 0.5
    if dtype in INTS:
        info = np.iinfo(np.dtype(dtype))
        return rng.integers(max(info.min, -20), min(info.max, 20), n).astype(dtype)
    a = rng.uniform(lo, hi, n)
    if dtype in COMPLEX:
        a = a + 1j * rng.uniform(lo, hi, n)
    return a.astype(dtype)


def to_lib(lib, x):
    """numpy arrays become tensors (0-d arrays become 0-dim tensors); others pass through."""
    if isinstance(x, np.ndarray):
        if lib is torch:
            return torch.from_numpy(x.copy())
        return tl.tensor(x)
    if isinstance(x, Req):
        t = to_lib(lib, x.a)
        return t.requires_grad_(True)
    return x


class Req:
    """An argument that becomes a tensor requiring grad."""

    def __init__(self, a):
        self.a = a


def _np(r):
    if isinstance(r, torch.Tensor):
        return r.detach().numpy()
    return r.detach()._a if r.requires_grad else r._a


def same_values(lv, tv, rtol=0.0, atol=0.0, zero_sign=True):
    """Equal arrays: nan where torch has nan, equal signs of zero, else within rtol/atol.
    (Complex zeros' signs are not compared: torch's own differ between its vectorized and
    scalar loops.)"""
    if lv.shape != tv.shape:
        return f"shape {lv.shape} != {tv.shape}"
    if tv.dtype.kind == "c":
        return (same_values(lv.real, tv.real, rtol, atol, False)
                or same_values(lv.imag, tv.imag, rtol, atol, False))
    if tv.dtype.kind != "f":
        return None if np.array_equal(lv, tv) else f"values\n  tl   {lv}\n  torch {tv}"
    lv64, tv64 = lv.astype(np.float64), tv.astype(np.float64)
    ln, tn = np.isnan(lv64), np.isnan(tv64)
    if not np.array_equal(ln, tn):
        return f"nan positions\n  tl   {lv}\n  torch {tv}"
    lv64, tv64 = lv64[~ln], tv64[~tn]
    if rtol == 0 and atol == 0:
        ok = np.array_equal(lv64, tv64) and (
            not zero_sign or np.array_equal(np.signbit(lv64), np.signbit(tv64)))
    else:
        inf = np.isinf(tv64)
        ok = np.array_equal(lv64[inf], tv64[inf]) and np.allclose(
            lv64[~inf], tv64[~inf], rtol=rtol, atol=atol)
    return None if ok else f"values\n  tl   {lv!r}\n  torch {tv!r}"


# tolerance for functions whose float kernels differ in the last bits between torch (SLEEF,
# MKL, FMA) and NumPy; complex results always get it (torch's complex division and
# multiplication round differently); everything else is compared bit for bit
TOL = {"float16": 2e-3, "float32": 3e-6, "float64": 1e-14, "complex64": 3e-6, "complex128": 1e-14}


def compare(fn, args, exact=True, message=True, kwargs=None):
    """Run fn(lib, *args) for both libraries; return None if they agree, else a description."""
    kwargs = kwargs or {}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tr = fn(torch, *[to_lib(torch, a) for a in args], **kwargs)
        texc = None
    except Exception as e:          # noqa: BLE001 — any torch exception is the expectation
        texc = e
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")          # no NumPy warning may leak
            lr = fn(tl, *[to_lib(tl, a) for a in args], **kwargs)
        lexc = None
    except Exception as e:          # noqa: BLE001
        lexc = e
    if texc is not None:
        if lexc is None:
            return f"torch raised {type(texc).__name__}: {texc}; torchless returned {lr!r:.200}"
        if type(lexc) is not type(texc):
            return f"exception type {type(lexc).__name__}: {lexc} != {type(texc).__name__}: {texc}"
        if message and str(lexc) != str(texc):
            return f"message {str(lexc)!r} != {str(texc)!r}"
        return None
    if lexc is not None:
        return f"torchless raised {type(lexc).__name__}: {lexc}; torch returned {tr!r:.200}"
    return same_result(lr, tr, exact)


def same_result(lr, tr, exact=True):
    if isinstance(tr, torch.Tensor):
        if not isinstance(lr, tl.Tensor):
            return f"type {type(lr)} is not a Tensor"
        if str(tr.dtype) != repr(lr.dtype):
            return f"dtype {lr.dtype} != {tr.dtype}"
        if tuple(tr.shape) != tuple(lr.shape):
            return f"shape {tuple(lr.shape)} != {tuple(tr.shape)}"
        rtol = exact if exact.__class__ is float else \
            0.0 if exact and not tr.dtype.is_complex else TOL.get(str(tr.dtype)[6:], 0.0)
        return same_values(_np(lr), _np(tr), rtol, rtol * 1e-3)
    if isinstance(tr, (tuple, list)):
        if not isinstance(lr, type(tr)) or len(lr) != len(tr):
            return f"{lr!r:.100} != {tr!r:.100}"
        for a, b in zip(lr, tr):
            d = same_result(a, b, exact)
            if d:
                return d
        return None
    if type(lr) is not type(tr) or lr != tr:
        return f"{lr!r} != {tr!r}"
    return None


def run_table(cases, fn_of_case):
    """Check every case; report all disagreements at once."""
    failures = []
    for case in cases:
        d = fn_of_case(case)
        if d:
            failures.append(f"{case}: {d}")
    assert not failures, f"{len(failures)} of {len(cases)} cases differ:\n" + "\n".join(failures[:25])


# ====================================================================== tables
import math  # noqa: E402

import pytest  # noqa: E402
from hypothesis import given, settings, strategies as st  # noqa: E402

UNARY = {  # name: (function of (lib, x), exact)
    "neg": (lambda L, x: L.neg(x), True), "-x": (lambda L, x: -x, True),
    "abs": (lambda L, x: L.abs(x), True), "abs()": (lambda L, x: abs(x), True),
    "sign": (lambda L, x: L.sign(x), True), "floor": (lambda L, x: L.floor(x), True),
    "ceil": (lambda L, x: x.ceil(), True), "round": (lambda L, x: L.round(x), True),
    "round1": (lambda L, x: L.round(x, decimals=1), True),
    "round-1": (lambda L, x: x.round(decimals=-1), True),
    "trunc": (lambda L, x: L.trunc(x), True), "fix": (lambda L, x: L.fix(x), True),
    "frac": (lambda L, x: L.frac(x), True), "reciprocal": (lambda L, x: L.reciprocal(x), True),
    "square": (lambda L, x: L.square(x), True), "relu": (lambda L, x: L.relu(x), True),
    "positive": (lambda L, x: L.positive(x), True), "+x": (lambda L, x: +x, True),
    "nan_to_num": (lambda L, x: L.nan_to_num(x), True),
    "nan_to_num2": (lambda L, x: x.nan_to_num(nan=1.5, posinf=2.0, neginf=-3.0), True),
    "isnan": (lambda L, x: L.isnan(x), True), "isinf": (lambda L, x: L.isinf(x), True),
    "isfinite": (lambda L, x: x.isfinite(), True), "isposinf": (lambda L, x: L.isposinf(x), True),
    "isneginf": (lambda L, x: L.isneginf(x), True),
    "logical_not": (lambda L, x: L.logical_not(x), True),
    "bitwise_not": (lambda L, x: L.bitwise_not(x), True), "~x": (lambda L, x: ~x, True),
    "deg2rad": (lambda L, x: L.deg2rad(x), False), "rad2deg": (lambda L, x: L.rad2deg(x), False),
    "rsqrt": (lambda L, x: L.rsqrt(x), False), "sqrt": (lambda L, x: L.sqrt(x), False),
    "exp": (lambda L, x: L.exp(x), False), "exp()": (lambda L, x: x.exp(), False),
    "exp2": (lambda L, x: L.exp2(x), False), "expm1": (lambda L, x: L.expm1(x), False),
    "log": (lambda L, x: L.log(x), False), "log2": (lambda L, x: L.log2(x), False),
    "log10": (lambda L, x: L.log10(x), False), "log1p": (lambda L, x: L.log1p(x), False),
    "sin": (lambda L, x: L.sin(x), False), "cos": (lambda L, x: L.cos(x), False),
    "tan": (lambda L, x: L.tan(x), False), "asin": (lambda L, x: L.asin(x), False),
    "acos": (lambda L, x: L.arccos(x), False), "atan": (lambda L, x: L.atan(x), False),
    "sinh": (lambda L, x: L.sinh(x), False), "cosh": (lambda L, x: L.cosh(x), False),
    "tanh": (lambda L, x: L.tanh(x), False), "sigmoid": (lambda L, x: L.sigmoid(x), False),
    "sigmoid()": (lambda L, x: x.sigmoid(), False), "erf": (lambda L, x: L.erf(x), False),
    "softmax0": (lambda L, x: L.softmax(x, 0), False),
    "log_softmax-1": (lambda L, x: x.log_softmax(-1), False),
    "softmax_f64": (lambda L, x: L.softmax(x, 0, dtype=L.float64), False),
}


@pytest.mark.parametrize("name", list(UNARY))
def test_unary_all_dtypes(name):
    fn, exact = UNARY[name]
    # complex special values (inf, nan parts) follow C99 Annex G in neither library: skip them
    cases = [(d, kind) for d in DTYPES for kind in ("edge", "finite", "0d")
             if not (d in COMPLEX and kind == "edge" and name not in ("neg", "-x", "positive"))]

    def check(case):
        d, kind = case
        x = values(d) if kind == "edge" else finite(d, seed=3) if kind == "finite" else \
            values(d)[2:3].reshape(())
        return compare(fn, [x], exact and d not in COMPLEX)
    run_table(cases, check)


def _binary_operands(d1, d2):
    """Left operand: edge values; right operand: nonzero values (so that integer division
    doesn't simply raise for every case — division by zero has its own test)."""
    if d1 in COMPLEX or d2 in COMPLEX:
        # complex special values (inf, nan parts) follow C99 Annex G in neither library
        return finite(d1, 12, seed=1), finite(d2, 12, seed=5, lo=0.5, hi=3.0)
    return values(d1, 12), values(d2, 12, nonzero=True, seed=5)


BINARY = {  # name: (function of (lib, a, b), exact)
    "add": (lambda L, a, b: L.add(a, b), True), "a+b": (lambda L, a, b: a + b, True),
    # float16 alpha: torch's vectorized and scalar loops round differently (tolerance)
    "add_alpha": (lambda L, a, b: L.add(a, b, alpha=2), False),
    "add_alpha_f": (lambda L, a, b: L.add(a, b, alpha=0.3), False),
    "sub": (lambda L, a, b: L.sub(a, b), True), "a-b": (lambda L, a, b: a - b, True),
    "sub_alpha": (lambda L, a, b: a.sub(b, alpha=3), False),
    "rsub": (lambda L, a, b: L.rsub(a, b), True),
    "mul": (lambda L, a, b: L.mul(a, b), True), "a*b": (lambda L, a, b: a * b, True),
    "div": (lambda L, a, b: L.div(a, b), True), "a/b": (lambda L, a, b: a / b, True),
    "true_divide": (lambda L, a, b: L.true_divide(a, b), True),
    "div_trunc": (lambda L, a, b: L.div(a, b, rounding_mode="trunc"), True),
    "div_floor": (lambda L, a, b: a.div(b, rounding_mode="floor"), True),
    "floor_divide": (lambda L, a, b: L.floor_divide(a, b), True),
    "a//b": (lambda L, a, b: a // b, True),
    "remainder": (lambda L, a, b: L.remainder(a, b), True), "a%b": (lambda L, a, b: a % b, True),
    "fmod": (lambda L, a, b: L.fmod(a, b), True),
    "pow": (lambda L, a, b: L.pow(a, b), False), "a**b": (lambda L, a, b: a ** b, False),
    "atan2": (lambda L, a, b: L.atan2(a, b), False),
    "maximum": (lambda L, a, b: L.maximum(a, b), True),
    "minimum": (lambda L, a, b: L.minimum(a, b), True),
    "eq": (lambda L, a, b: L.eq(a, b), True), "a==b": (lambda L, a, b: a == b, True),
    "ne": (lambda L, a, b: a != b, True), "lt": (lambda L, a, b: L.lt(a, b), True),
    "a<b": (lambda L, a, b: a < b, True), "le": (lambda L, a, b: a <= b, True),
    "gt": (lambda L, a, b: L.greater(a, b), True), "ge": (lambda L, a, b: a >= b, True),
    "logical_and": (lambda L, a, b: L.logical_and(a, b), True),
    "logical_or": (lambda L, a, b: L.logical_or(a, b), True),
    "logical_xor": (lambda L, a, b: L.logical_xor(a, b), True),
    "bitwise_and": (lambda L, a, b: L.bitwise_and(a, b), True),
    "a&b": (lambda L, a, b: a & b, True), "a|b": (lambda L, a, b: a | b, True),
    "a^b": (lambda L, a, b: a ^ b, True),
    "lshift": (lambda L, a, b: L.bitwise_left_shift(a, b), True),
    "a<<b": (lambda L, a, b: a << b, True), "a>>b": (lambda L, a, b: a >> b, True),
    "isclose": (lambda L, a, b: L.isclose(a, b), True),
    "equal": (lambda L, a, b: L.equal(a, b), True),
}


@pytest.mark.parametrize("name", list(BINARY))
def test_binary_all_dtype_pairs(name):
    """Every pair of dtypes, tensor with tensor."""
    fn, exact = BINARY[name]
    cases = [(d1, d2) for d1 in DTYPES for d2 in DTYPES]

    def check(case):
        a, b = _binary_operands(*case)
        # complex pow: torch goes through exp(b log a), NumPy multiplies for integral b
        return compare(fn, [a, b], 1e-3 if ("pow" in name or "**" in name) and case[0] in COMPLEX else exact)
    run_table(cases, check)


SCALARS = [True, False, 0, 2, -3, 300, 2 ** 40, 2 ** 63, -(2 ** 63), 2 ** 64, 2.5, -0.0, 0.1,
           1e6, float("nan"), float("inf"), 1 + 2j]


_DIVISIONS = {"div_trunc", "div_floor", "floor_divide", "a//b", "remainder", "a%b", "fmod"}


@pytest.mark.parametrize("name", list(BINARY))
def test_binary_with_scalars_and_0dim(name):
    """A tensor of every dtype with Python scalars (both sides) and 0-dim tensors."""
    fn, exact = BINARY[name]
    cases = [(d, s, side) for d in DTYPES for s in SCALARS for side in ("right", "left")]
    cases += [(d, ("0d", d0), "right") for d in DTYPES for d0 in DTYPES]

    def check(case):
        d, s, side = case
        a = values(d, 12, nonzero=True, seed=2)
        if isinstance(s, tuple):
            s = values(s[1], 3, nonzero=True)[2].reshape(())
        args = [a, s] if side == "right" else [s, a]
        if type(s) is int and abs(s) == 2 ** 63 and name in _DIVISIONS:
            return None        # torch itself dies of SIGFPE on INT64_MIN // -1

        if side == "left" and name in ("isclose", "equal", "rsub", "add_alpha", "add_alpha_f",
                                      "sub_alpha") and not isinstance(s, np.ndarray):
            return None
        return compare(fn, args, exact)
    run_table(cases, check)
