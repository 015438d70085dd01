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
            if len(failures) > 40:
                break
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
        if d in COMPLEX and (not isinstance(s, tuple) and s != s or s in (math.inf, 1 + 2j)):
            return None         # complex special values: see _binary_operands
        if d == "float16" and (s == 1 + 2j or isinstance(s, tuple) and s[1] in COMPLEX):
            return None         # torch gives complex32, which torchless does not have
        if d in COMPLEX and side == "left" and s == 0 and name in ("pow", "a**b"):
            return None         # 0 ** complex: C99 special values again
        special = d in COMPLEX or s.__class__ is complex or isinstance(s, tuple) and s[1] in COMPLEX
        a = values(d, 12, nonzero=True, seed=2) if not special else finite(d, 12, seed=2)
        if isinstance(s, tuple):
            s = np.array(values(s[1], 3, nonzero=True)[2])
        args = [a, s] if side == "right" else [s, a]
        if type(s) is int and abs(s) == 2 ** 63 and name in _DIVISIONS:
            return None        # torch itself dies of SIGFPE on INT64_MIN // -1

        if side == "left" and name in ("isclose", "equal", "rsub", "add_alpha", "add_alpha_f",
                                      "sub_alpha") and not isinstance(s, np.ndarray):
            return None
        return compare(fn, args, 1e-3 if ("pow" in name or "**" in name) and special else exact)
    run_table(cases, check)


TERNARY = {  # name: (function of (lib, a, b, c), exact)
    "where": (lambda L, a, b, c: L.where(c > 0 if c.dtype != L.bool else c, a, b), True),
    "where_scalar": (lambda L, a, b, c: L.where(a > 1 if a.dtype != L.bool else a, b, 2), True),
    "clamp_t": (lambda L, a, b, c: L.clamp(a, b, c), True),
    "clamp_min_t": (lambda L, a, b, c: a.clamp(min=b), True),
    "clamp_max_t": (lambda L, a, b, c: L.clamp_max(a, c), True),
    "clip_t": (lambda L, a, b, c: L.clip(a, max=c), True),
    # "fma": bit-exact for float32 (torch fuses the multiply-add; torchless reproduces it),
    # within tolerance for float64 (NumPy has no fused multiply-add to match torch's)
    "lerp": (lambda L, a, b, c: L.lerp(a, b, c), "fma"),
    "lerp_s": (lambda L, a, b, c: L.lerp(a, b, 0.3), "fma"),
    "lerp_s7": (lambda L, a, b, c: a.lerp(b, 0.7), "fma"),
    "addcmul": (lambda L, a, b, c: L.addcmul(a, b, c), "fma"),
    "addcmul_v": (lambda L, a, b, c: L.addcmul(a, b, c, value=0.5), "fma"),
    "addcmul_vi": (lambda L, a, b, c: a.addcmul(b, c, value=3), "fma"),
    "addcdiv": (lambda L, a, b, c: L.addcdiv(a, b, c), True),
    "addcdiv_v": (lambda L, a, b, c: L.addcdiv(a, b, c, value=-0.25), True),
}


@pytest.mark.parametrize("name", list(TERNARY))
def test_ternary(name):
    """Same dtype for the three operands (all dtypes), then mixed dtypes and 0-dim operands."""
    fn, exact = TERNARY[name]
    cases = [(d, d, d) for d in DTYPES] + [
        (d1, d2, d3) for d1, d2, d3 in [("float32", "float64", "float32"), ("int64", "float32", "int8"),
                                        ("uint8", "int8", "bool"), ("float16", "float32", "float32"),
                                        ("int32", "int64", "float64"), ("bool", "bool", "float32")]]

    def check(case):
        if any(d in COMPLEX for d in case):
            args = [finite(d, 12, seed=i + 1) for i, d in enumerate(case)]
        else:
            args = [values(d, 12, seed=i + 1, nonzero=i == 2) for i, d in enumerate(case)]
        # float16 results go through float32 with fused steps that torch rounds per loop
        ok = exact is True or exact == "fma" and case[0] not in ("float64", "float16")
        return compare(fn, args, ok and case[0] != "float16" and not any(d in COMPLEX for d in case))
    run_table(cases, check)
    # broadcasting and 0-dim operands
    bcast = [(values("float32", 6, seed=1).reshape(2, 3), values("float32", 3, seed=2),
              values("float32", 2, seed=3, nonzero=True).reshape(2, 1)),
             (np.array(1.5, np.float32), values("float32", 4, seed=2), np.array(0.25, np.float32))]
    run_table(list(range(len(bcast))), lambda i: compare(fn, list(bcast[i]), bool(exact)))


def test_ternary_errors():
    z = np.zeros(3, np.float32)
    cases = [
        (lambda L: L.where(L.tensor([1.0, 0.0]), L.ones(2), L.zeros(2)), ()),
        (lambda L: L.where(L.tensor([True, False]), L.ones(3), L.zeros(2)), ()),
        (lambda L: L.where(L.tensor([True]), L.tensor([1], dtype=L.int8), 300), ()),
        (lambda L: L.clamp(L.ones(2)), ()),
        (lambda L: L.clip(L.ones(2), None, None), ()),
        (lambda L: L.clamp(L.tensor([1j]), 0), ()),
        (lambda L: L.clamp(L.ones(2), L.ones(1), 3.0), ()),
        (lambda L: L.clamp(L.tensor([True]), max=True), ()),
        (lambda L: L.clamp(L.tensor([1], dtype=L.int8), 300), ()),
        (lambda L: L.clamp(L.tensor([1], dtype=L.uint8), -1), ()),
        (lambda L: L.lerp(L.tensor([1]), L.tensor([2]), 0.5), ()),
        (lambda L: L.lerp(L.ones(2), L.ones(2, dtype=L.float64), 0.5), ()),
        (lambda L: L.lerp(L.ones(2), L.ones(2), L.ones(2, dtype=L.float64)), ()),
        (lambda L: L.lerp(L.ones(2), L.ones(2), L.tensor(0.5, dtype=L.float64)), ()),
        (lambda L: L.lerp(L.ones(2, dtype=L.int8), L.ones(2), 0.5), ()),
        (lambda L: L.addcdiv(L.ones(2), L.tensor([1, 2]), L.tensor([1, 2])), ()),
        (lambda L: L.addcmul(L.tensor([True]), L.tensor([True]), L.tensor([True])), ()),
        (lambda L: L.addcmul(L.ones(2), 2.0, L.ones(2)), ()),
        (lambda L: L.addcmul(L.tensor([1], dtype=L.int8), L.tensor([1], dtype=L.int8),
                             L.tensor([1], dtype=L.int8), value=300), ()),
        (lambda L: L.where(L.tensor([[True, False], [False, True]])), ()),
        (lambda L: L.where(L.tensor(True)), ()),
        (lambda L: L.where(L.tensor(False)), ()),
        (lambda L, a: L.clamp(a, min=float("nan")), (z,)),
    ]
    run_table(list(range(len(cases))), lambda i: compare(cases[i][0], list(cases[i][1])))


# ====================================================================== messages for common mistakes
MISTAKES = [
    lambda L: L.ones(3) + L.ones(2),
    lambda L: L.ones(2, 3) * L.ones(4, 2),
    lambda L: L.ones(3, 4) - L.ones(2, 3, 5),
    lambda L: L.add(L.ones(2, 3, 4), L.ones(3, 3, 5)),
    lambda L: L.tensor([5]) // 0,
    lambda L: L.tensor([5]) % L.tensor([0]),
    lambda L: L.fmod(L.tensor([5]), 0),
    lambda L: L.div(L.tensor([5]), 0, rounding_mode="trunc"),
    lambda L: L.div(L.tensor([5]), 2, rounding_mode="round"),
    lambda L: L.tensor([2]) ** -1,
    lambda L: L.tensor([True]) ** -1,
    lambda L: L.tensor([True]) - L.tensor([False]),
    lambda L: L.tensor([True]) - 1,
    lambda L: -L.tensor([True]),
    lambda L: +L.tensor([True]),
    lambda L: L.ones(2) & L.ones(2),
    lambda L: L.tensor([1]) << 1.5,
    lambda L: ~L.ones(2),
    lambda L: L.bitwise_not(L.ones(2)),
    lambda L: L.ones(2) + None,
    lambda L: L.ones(2) + "a",
    lambda L: L.ones(2) < None,
    lambda L: L.ones(2) == None,                     # noqa: E711 — torch returns False
    lambda L: L.ones(2) != "a",
    lambda L: L.add(L.ones(2), None),
    lambda L: L.mul(L.ones(2), "a"),
    lambda L: L.exp([1.0]),
    lambda L: L.exp(1.0),
    lambda L: L.sigmoid(None),
    lambda L: L.maximum(L.ones(2), 2),
    lambda L: L.maximum(L.tensor([1j]), L.tensor([1j])),
    lambda L: L.isclose(L.ones(2), 1.0),
    lambda L: L.isclose(L.ones(2), L.ones(2, dtype=L.float64)),
    lambda L: L.isclose(L.ones(2), L.ones(2), rtol=-1),
    lambda L: L.allclose(L.ones(2), L.ones(2), atol=-1),
    lambda L: L.equal(L.ones(2), 1),
    lambda L: L.logical_and(L.ones(2), 1),
    lambda L: L.fmod(2, L.ones(2)),
    lambda L: L.eq(2, L.ones(2)),
    lambda L: L.rsub(2, L.ones(2)),
    lambda L: L.atan2(2, L.ones(2)),
    lambda L: L.relu(L.tensor([True])),
    lambda L: L.abs(L.tensor([True])),
    lambda L: L.frac(L.tensor([1])),
    lambda L: L.round(L.tensor([1]), decimals=1),
    lambda L: L.sign(L.tensor([1j])),
    lambda L: L.erf(L.tensor([1j])),
    lambda L: L.floor(L.tensor([1j])),
    lambda L: L.isposinf(L.tensor([1j])),
    lambda L: L.deg2rad(L.tensor([1j])),
    lambda L: L.tensor([1j]) < 1,
    lambda L: L.add(L.tensor([1]), L.tensor([1]), alpha=1.5),
    lambda L: L.add(L.ones(1), L.ones(1), alpha=True),
    lambda L: L.add(L.ones(1), L.ones(1), alpha=1j),
    lambda L: L.tensor([1]) + 2 ** 64,
    lambda L: L.ones(1) + 2 ** 70,
    lambda L: L.tensor([1]) - (-(2 ** 63) - 1),
    lambda L: L.tensor([True]) + 2 ** 63,
    lambda L: L.tensor([1], dtype=L.uint8) ** 256,
    lambda L: L.ones(1, dtype=L.float16) ** 70000,
    lambda L: L.softmax(L.tensor([[1, 2]]), 1),
    lambda L: L.softmax(L.tensor([[1, 2]]), 0),
    lambda L: L.log_softmax(L.tensor([[1, 2]]), -1),
    lambda L: L.softmax(L.ones(2, 2), 2),
    lambda L: L.softmax(L.tensor(1.0), 1),
    lambda L: L.softmax(L.ones(2), 0, dtype=L.int64),
    lambda L: L.softmax(L.ones(2)),
    lambda L: L.clamp(L.ones(2), 1e300),
    lambda L: L.clamp(L.ones(2), max=2 ** 70),
    lambda L: L.ones(2).clamp(-(2 ** 64), 1),
    lambda L: L.clamp(L.ones(2, dtype=L.float16), min=1e6),
    lambda L: L.where(L.ones(2) > 0, L.ones(2), 2 ** 70),
]


def test_messages_for_common_mistakes():
    """Exception type and message, torch's in each case (or torch's result where it has one)."""
    run_table(list(range(len(MISTAKES))), lambda i: compare(MISTAKES[i], []))


# ====================================================================== in-place
INPLACE = {  # name: (function of (lib, a, b) that mutates a and returns it)
    "add_": lambda L, a, b: a.add_(b), "iadd": lambda L, a, b: a.__iadd__(b),
    "add_alpha_": lambda L, a, b: a.add_(b, alpha=2), "sub_": lambda L, a, b: a.sub_(b),
    "isub": lambda L, a, b: a.__isub__(b), "mul_": lambda L, a, b: a.mul_(b),
    "imul": lambda L, a, b: a.__imul__(b), "div_": lambda L, a, b: a.div_(b),
    "itruediv": lambda L, a, b: a.__itruediv__(b),
    "div_floor_": lambda L, a, b: a.div_(b, rounding_mode="floor"),
    "ifloordiv": lambda L, a, b: a.__ifloordiv__(b), "imod": lambda L, a, b: a.__imod__(b),
    "fmod_": lambda L, a, b: a.fmod_(b), "pow_": lambda L, a, b: a.pow_(b),
    "ipow": lambda L, a, b: a.__ipow__(b), "atan2_": lambda L, a, b: a.atan2_(b),
    "clamp_": lambda L, a, b: a.clamp_(min=b), "clamp_min_": lambda L, a, b: a.clamp_min_(b),
    "lerp_": lambda L, a, b: a.lerp_(b, 0.5), "addcmul_": lambda L, a, b: a.addcmul_(b, b),
    "addcdiv_": lambda L, a, b: a.addcdiv_(b, b), "eq_": lambda L, a, b: a.eq_(b),
    "lt_": lambda L, a, b: a.lt_(b), "logical_and_": lambda L, a, b: a.logical_and_(b),
    "iand": lambda L, a, b: a.__iand__(b), "ior": lambda L, a, b: a.__ior__(b),
    "ixor": lambda L, a, b: a.__ixor__(b), "ilshift": lambda L, a, b: a.__ilshift__(b),
    "irshift": lambda L, a, b: a.__irshift__(b),
    "exp_": lambda L, a, b: a.exp_(), "sigmoid_": lambda L, a, b: a.sigmoid_(),
    "relu_": lambda L, a, b: a.relu_(), "abs_": lambda L, a, b: a.abs_(),
    "neg_": lambda L, a, b: a.neg_(), "round_": lambda L, a, b: a.round_(),
    "sqrt_": lambda L, a, b: a.sqrt_(), "tanh_": lambda L, a, b: L.tanh_(a),
    "clamp_s": lambda L, a, b: L.clamp_(a, 0, 2), "nan_to_num_": lambda L, a, b: a.nan_to_num_(),
    "square_": lambda L, a, b: a.square_(), "sign_": lambda L, a, b: a.sign_(),
    "floor_": lambda L, a, b: a.floor_(), "logical_not_": lambda L, a, b: a.logical_not_(),
    "bitwise_not_": lambda L, a, b: a.bitwise_not_(),
}

_IP_DTYPES = ["bool", "uint8", "int32", "int64", "float16", "float32", "float64", "complex64"]


@pytest.mark.parametrize("name", list(INPLACE))
def test_inplace(name):
    """In-place ops: torch's cast rule (or its error), the result written into self's memory
    (seen through a view), self unchanged after a failure."""
    fn = INPLACE[name]
    cases = [(d1, d2, kind) for d1 in _IP_DTYPES for d2 in _IP_DTYPES for kind in ("t", "s")]

    def check(case):
        d1, d2, kind = case
        a0 = finite(d1, 6, seed=1) if d1 in COMPLEX or d2 in COMPLEX else values(d1, 6, seed=1)
        b = finite(d2, 6, seed=2, lo=0.5) if d1 in COMPLEX or d2 in COMPLEX else \
            values(d2, 6, nonzero=True, seed=2)
        b = b if kind == "t" else b[1].item()
        results = []
        for lib in (torch, tl):
            base = to_lib(lib, a0.copy())
            view = base[1:]
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore" if lib is torch else "error")
                    r = fn(lib, base, to_lib(lib, b))
                results.append((r is base, None, base, view))
            except Exception as e:      # noqa: BLE001
                results.append((None, e, base, view))
        (t_same, texc, tbase, tview), (l_same, lexc, lbase, lview) = results
        if (texc is None) != (lexc is None):
            return f"torch {texc!r} vs torchless {lexc!r}"
        if texc is not None:
            # (torch words a method's "invalid combination of arguments" with its overloads)
            if type(texc) is not type(lexc) or str(texc) != str(lexc) and not (
                    "invalid combination" in str(texc) or d1 == "float16" and d2 in COMPLEX):
                return f"exception {lexc!r} != {texc!r}"
            return same_result(lbase, tbase)        # unchanged after the failure
        if not l_same:
            return "in-place op did not return self"
        exact = name not in ("lerp_", "addcmul_", "addcdiv_", "exp_", "sigmoid_", "sqrt_",
                             "tanh_", "atan2_", "pow_", "ipow", "add_alpha_") and \
            d1 not in COMPLEX and d2 not in COMPLEX
        if "pow" in name and (d1 in COMPLEX or d2 in COMPLEX):
            exact = 1e-3            # complex pow: exp(b log a) in torch, products in NumPy
        return same_result(lbase, tbase, exact) or same_result(lview, tview, exact)
    run_table(cases, check)


def test_inplace_shape_and_leaf_rules():
    cases = [
        lambda L: L.zeros(3).add_(L.zeros(2, 3)),
        lambda L: L.zeros(1, 3).__iadd__(L.zeros(2, 3)),
        lambda L: L.zeros(()).mul_(L.zeros(3)),
        lambda L: L.zeros(3).add_(L.zeros(2)),
        lambda L: L.zeros(2, 3).add_(L.ones(3)),
        lambda L: L.ones(2, requires_grad=True).add_(1),
        lambda L: L.ones(2, requires_grad=True).mul_(L.ones(2)),
        lambda L: L.tensor([3]).mul_(1.5),
        lambda L: L.tensor([3]).exp_(),
        lambda L: L.tensor([True]).__iadd__(1),
        lambda L: L.tensor([1.0]).__iadd__(1j),
        lambda L: L.tensor([100], dtype=L.int8).__iadd__(L.tensor([100])),
        lambda L: L.tensor([True, False]).__iand__(L.tensor([3, 1])),
    ]
    run_table(list(range(len(cases))), lambda i: compare(cases[i], []))


def test_inplace_through_views_and_numpy():
    """An in-place op writes the shared memory: views, the base and NumPy arrays see it."""
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    t = tl.from_numpy(a)
    col = t[:, 1]
    col.mul_(10)
    assert a[:, 1].tolist() == [10.0, 40.0]
    t += 1
    assert a.tolist() == [[1, 11, 3], [4, 41, 6]] and col.tolist() == [11, 41]
    t.T.sigmoid_()
    assert np.allclose(a, 1 / (1 + np.exp(-np.array([[1, 11, 3], [4, 41, 6]], np.float32))))
    x = tl.tensor([1.0, 2.0])
    before = x._a.copy()
    with pytest.raises(RuntimeError):
        x.add_(tl.ones(3))
    assert np.array_equal(x._a, before)


# ====================================================================== gradients
def _pos(L, x):
    return x.abs() + 0.5


GRAD = {  # name: (function of (lib, *inputs), input shapes, grad_fn name)
    "add": (lambda L, a, b: L.add(a, b), [(2, 3), (2, 3)], "AddBackward0"),
    "add_bcast": (lambda L, a, b: a + b, [(2, 1), (1, 3)], "AddBackward0"),
    "add_alpha": (lambda L, a, b: L.add(a, b, alpha=-1.5), [(2, 3), (3,)], "AddBackward0"),
    "add_scalar": (lambda L, a: 2 + a, [(4,)], "AddBackward0"),
    "sub": (lambda L, a, b: a - b, [(2, 3), (2, 3)], "SubBackward0"),
    "sub_alpha": (lambda L, a, b: a.sub(b, alpha=2), [(3,), (2, 3)], "SubBackward0"),
    "rsub": (lambda L, a: 1 - a, [(4,)], "RsubBackward1"),
    "rsub_t": (lambda L, a, b: L.rsub(a, b, alpha=3), [(4,), (4,)], "RsubBackward0"),
    "mul": (lambda L, a, b: a * b, [(2, 3), (2, 3)], "MulBackward0"),
    "mul_0d": (lambda L, a, b: a * b, [(2, 3), ()], "MulBackward0"),
    "mul_scalar": (lambda L, a: 2.5 * a, [(4,)], "MulBackward0"),
    "div": (lambda L, a, b: a / _pos(L, b), [(2, 3), (2, 3)], "DivBackward0"),
    "div_scalar": (lambda L, a: a / 3, [(4,)], "DivBackward0"),
    "rdiv": (lambda L, a: 2 / _pos(L, a), [(4,)], "MulBackward0"),
    "div_trunc": (lambda L, a, b: L.div(a, _pos(L, b), rounding_mode="trunc"), [(4,), (4,)],
                  "DivBackward2"),
    "pow_s": (lambda L, a: _pos(L, a) ** 2.5, [(4,)], "PowBackward0"),
    "pow_2": (lambda L, a: a ** 2, [(4,)], "PowBackward0"),
    "pow_0": (lambda L, a: a ** 0, [(4,)], "PowBackward0"),
    "pow_t": (lambda L, a, b: _pos(L, a) ** b, [(4,), (4,)], "PowBackward1"),
    "rpow": (lambda L, a: 2 ** a, [(4,)], "PowBackward2"),
    "rpow0": (lambda L, a: 0 ** a, [(4,)], "PowBackward2"),
    "square": (lambda L, a: L.square(a), [(4,)], "PowBackward0"),
    "neg": (lambda L, a: -a, [(4,)], "NegBackward0"),
    "abs": (lambda L, a: L.abs(a), [(5,)], "AbsBackward0"),
    "exp": (lambda L, a: a.exp(), [(4,)], "ExpBackward0"),
    "exp2": (lambda L, a: L.exp2(a), [(4,)], "Exp2Backward0"),
    "expm1": (lambda L, a: L.expm1(a), [(4,)], "Expm1Backward0"),
    "log": (lambda L, a: L.log(_pos(L, a)), [(4,)], "LogBackward0"),
    "log2": (lambda L, a: L.log2(_pos(L, a)), [(4,)], "Log2Backward0"),
    "log10": (lambda L, a: L.log10(_pos(L, a)), [(4,)], "Log10Backward0"),
    "log1p": (lambda L, a: L.log1p(_pos(L, a)), [(4,)], "Log1PBackward0"),
    "sqrt": (lambda L, a: L.sqrt(_pos(L, a)), [(4,)], "SqrtBackward0"),
    "rsqrt": (lambda L, a: L.rsqrt(_pos(L, a)), [(4,)], "RsqrtBackward0"),
    "reciprocal": (lambda L, a: L.reciprocal(_pos(L, a)), [(4,)], "ReciprocalBackward0"),
    "sin": (lambda L, a: L.sin(a), [(4,)], "SinBackward0"),
    "cos": (lambda L, a: L.cos(a), [(4,)], "CosBackward0"),
    "tan": (lambda L, a: L.tan(a * 0.4), [(4,)], "TanBackward0"),
    "asin": (lambda L, a: L.asin(a * 0.3), [(4,)], "AsinBackward0"),
    "acos": (lambda L, a: L.acos(a * 0.3), [(4,)], "AcosBackward0"),
    "atan": (lambda L, a: L.atan(a), [(4,)], "AtanBackward0"),
    "atan2": (lambda L, a, b: L.atan2(a, b), [(2, 3), (3,)], "Atan2Backward0"),
    "sinh": (lambda L, a: L.sinh(a), [(4,)], "SinhBackward0"),
    "cosh": (lambda L, a: L.cosh(a), [(4,)], "CoshBackward0"),
    "tanh": (lambda L, a: L.tanh(a), [(4,)], "TanhBackward0"),
    "sigmoid": (lambda L, a: L.sigmoid(a), [(4,)], "SigmoidBackward0"),
    "relu": (lambda L, a: L.relu(a), [(6,)], "ReluBackward0"),
    "erf": (lambda L, a: L.erf(a), [(4,)], "ErfBackward0"),
    "sign": (lambda L, a: L.sign(a), [(4,)], "SignBackward0"),
    "floor": (lambda L, a: L.floor(a), [(4,)], "FloorBackward0"),
    "round": (lambda L, a: L.round(a), [(4,)], "RoundBackward0"),
    "round1": (lambda L, a: L.round(a, decimals=1), [(4,)], "RoundBackward1"),
    "frac": (lambda L, a: L.frac(a), [(4,)], "FracBackward0"),
    "clamp": (lambda L, a: L.clamp(a, -1, 1), [(6,)], "ClampBackward1"),
    "clamp_min": (lambda L, a: a.clamp_min(0.2), [(6,)], "ClampMinBackward0"),
    "clamp_lo": (lambda L, a: a.clamp(min=0.2), [(6,)], "ClampBackward1"),
    "clamp_hi": (lambda L, a: L.clip(a, max=0.2), [(6,)], "ClampBackward1"),
    "clamp_max_t": (lambda L, a, b: a.clamp_max(b), [(6,), (6,)], "ClampMaxBackward1"),
    "clamp_t": (lambda L, a, b, c: L.clamp(a, b, c + 1), [(6,), (6,), (6,)], "ClampBackward0"),
    "maximum": (lambda L, a, b: L.maximum(a, b.round()), [(6,), (6,)], "MaximumBackward0"),
    "minimum": (lambda L, a, b: L.minimum(a.round(), b), [(6,), (6,)], "MinimumBackward0"),
    "fmod": (lambda L, a: L.fmod(a, 0.7), [(4,)], "FmodBackward0"),
    "fmod_t": (lambda L, a, b: L.fmod(a, _pos(L, b)), [(4,), (4,)], "FmodBackward1"),
    "remainder": (lambda L, a: a % 0.7, [(4,)], "RemainderBackward0"),
    "remainder_t": (lambda L, a, b: a % _pos(L, b), [(4,), (4,)], "RemainderBackward1"),
    "where": (lambda L, a, b: L.where(a > 0, a, b), [(2, 3), (3,)], "WhereBackward0"),
    "where_s": (lambda L, a: L.where(a > 0, a, 0.0), [(4,)], "WhereBackward0"),
    "lerp": (lambda L, a, b: L.lerp(a, b, 0.3), [(4,), (4,)], "LerpBackward0"),
    "lerp_t": (lambda L, a, b, c: L.lerp(a, b, c), [(4,), (4,), (4,)], "LerpBackward1"),
    "addcmul": (lambda L, a, b, c: L.addcmul(a, b, c, value=0.5), [(4,), (4,), (4,)],
                "AddcmulBackward0"),
    "addcdiv": (lambda L, a, b, c: L.addcdiv(a, b, _pos(L, c), value=2), [(4,), (4,), (4,)],
                "AddcdivBackward0"),
    "nan_to_num": (lambda L, a: L.nan_to_num(a), [(4,)], "NanToNumBackward0"),
    "deg2rad": (lambda L, a: L.deg2rad(a), [(4,)], "Deg2RadBackward0"),
    "rad2deg": (lambda L, a: a.rad2deg(), [(4,)], "Rad2DegBackward0"),
    "softmax": (lambda L, a: L.softmax(a, 1), [(2, 4)], "SoftmaxBackward0"),
    "softmax0": (lambda L, a: a.softmax(0), [(3, 2)], "SoftmaxBackward0"),
    "log_softmax": (lambda L, a: L.log_softmax(a, -1), [(2, 4)], "LogSoftmaxBackward0"),
    "inplace_chain": (lambda L, a, b: (a * 2).add_(b).sigmoid_() * 3, [(4,), (4,)],
                      "MulBackward0"),
    "inplace_mul_": (lambda L, a, b: (a + 0).mul_(b).exp_(), [(4,), (4,)], "ExpBackward0"),
}


def _grad_inputs(shapes, seed):
    rng = np.random.default_rng(seed)
    return [np.round(rng.uniform(-2, 2, s), 1) if s else np.array(np.round(rng.uniform(-2, 2), 1))
            for s in shapes]


@pytest.mark.parametrize("name", list(GRAD))
def test_gradients_match_torch(name):
    """float64 gradients of every input equal torch's, and grad_fn has torch's name."""
    fn, shapes, gf = GRAD[name]
    xs = _grad_inputs(shapes, seed=len(name))
    grads = {}
    for lib in (torch, tl):
        ins = [to_lib(lib, Req(x)) for x in xs]
        out = fn(lib, *ins)
        assert type(out.grad_fn).__name__ if lib is torch else out.grad_fn.name_() == gf
        g = np.linspace(-1, 1, out.numel()).reshape(tuple(out.shape))
        out.backward(to_lib(lib, g))
        grads[lib] = [None if x.grad is None else _np(x.grad) for x in ins]
    for lg, tg in zip(grads[tl], grads[torch]):
        assert (lg is None) == (tg is None)
        if tg is not None:
            assert same_values(lg, tg, 1e-13, 1e-15) is None, (lg, tg)


def _numeric_grad(f, xs, g, eps=1e-6):
    """Central differences of sum(f(xs) * g) for each element of each input."""
    out = []
    for i, x in enumerate(xs):
        d = np.zeros_like(x)
        for j in np.ndindex(x.shape):
            hi = [a.copy() for a in xs]
            lo = [a.copy() for a in xs]
            hi[i][j] += eps
            lo[i][j] -= eps
            d[j] = (np.sum(f(hi) * g) - np.sum(f(lo) * g)) / (2 * eps)
        out.append(d)
    return out


_NO_GRADCHECK = {"sign", "floor", "round", "round1", "div_trunc", "pow_0", "rpow0"}


@pytest.mark.parametrize("name", [n for n in GRAD if n not in _NO_GRADCHECK])
def test_gradcheck_finite_differences(name):
    """Analytic float64 gradients agree with central finite differences."""
    fn, shapes, _ = GRAD[name]
    xs = [np.asarray(x + 0.0123) for x in _grad_inputs(shapes, seed=7 + len(name))]  # off kinks

    def f(arrays):
        with tl.no_grad():
            return fn(tl, *[tl.tensor(a) for a in arrays])._a
    out = f(xs)
    g = np.cos(np.arange(out.size)).reshape(out.shape)
    ins = [tl.tensor(x, requires_grad=True) for x in xs]
    fn(tl, *ins).backward(tl.tensor(g))
    for x, num in zip(ins, _numeric_grad(f, xs, g)):
        assert np.allclose(x.grad._a, num, rtol=1e-5, atol=1e-6), (x.grad._a, num)


def test_second_derivatives_create_graph():
    for fn in (lambda L, x: L.tanh(x) * x, lambda L, x: L.sigmoid(x) ** 3, lambda L, x: x.exp() / (1 + x * x),
               lambda L, x: L.softmax(x, 0) * x):
        res = []
        for lib in (torch, tl):
            x = to_lib(lib, Req(np.array([0.3, -1.2, 2.0])))
            (g,) = lib.autograd.grad(fn(lib, x), x, grad_outputs=lib.ones(3, dtype=lib.float64),
                                     create_graph=True)
            (h,) = lib.autograd.grad(g, x, grad_outputs=lib.ones(3, dtype=lib.float64))
            res.append((_np(g), _np(h)))
        assert np.allclose(res[0][0], res[1][0], rtol=1e-12) and np.allclose(res[0][1], res[1][1], rtol=1e-12)


def test_non_differentiable_results():
    for lib in (torch, tl):
        x = lib.tensor([1.5, -2.0], requires_grad=True)
        assert not (x > 0).requires_grad and (x > 0).grad_fn is None
        y = x // 2                     # torch: requires grad, but backward is not implemented
        assert y.requires_grad
        with pytest.raises(RuntimeError, match="derivative for aten::floor_divide is not implemented"):
            y.backward(lib.ones(2))


# ====================================================================== shapes, layouts, odds and ends
_shape = st.lists(st.integers(1, 3), min_size=0, max_size=3).map(tuple)


@settings(max_examples=60, deadline=None)
@given(_shape, _shape, st.sampled_from(["a+b", "a*b", "a/b", "a<b", "maximum", "a&b", "atan2",
                                        "pow", "where"]),
       st.sampled_from(["float32", "int64", "bool", "float64"]))
def test_broadcasting_shapes(s1, s2, name, dtype):
    """Any pair of shapes: torch's broadcast result, or torch's error message."""
    fn = TERNARY["where"][0] if name == "where" else BINARY[name][0]
    a, b = finite(dtype, int(np.prod(s1)), seed=1).reshape(s1), finite(dtype, int(np.prod(s2)), seed=2).reshape(s2)
    args = [a, b, b] if name == "where" else [a, b]
    d = compare(fn, args, exact=name not in ("atan2", "pow"))
    assert d is None, d


def test_strides_follow_the_input_layout():
    """Like torch (and NumPy), a pointwise result keeps a transposed operand's layout."""
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    for fn in (lambda L, x: x.t() + 1, lambda L, x: L.exp(x.t()), lambda L, x: x.t() * x.t(),
               lambda L, x: x.t().sigmoid(), lambda L, x: x[:, ::2] * 2, lambda L, x: x.t() > 2):
        rt, rl = fn(torch, torch.from_numpy(a.copy())), fn(tl, tl.tensor(a))
        assert rl.stride() == rt.stride() and rl.is_contiguous() == rt.is_contiguous()
        assert same_result(rl, rt, exact=False) is None


def test_default_dtype_float64():
    """Integer division, exp of ints and Python floats follow the default dtype."""
    cases = [lambda L: L.tensor([1, 2]) / 2, lambda L: L.exp(L.tensor([1])),
             lambda L: L.tensor([1, 2]) * 1.5, lambda L: L.tensor([1]).sigmoid(),
             lambda L: L.where(L.tensor([True]), 1.0, 0), lambda L: L.ones(2, dtype=L.float32) + 2.5,
             lambda L: L.tensor([1]) + 1j, lambda L: L.atan2(L.tensor([1]), L.tensor([2])),
             lambda L: L.softmax(L.tensor([1, 2]), 0, dtype=L.float64)]
    for lib in (torch, tl):
        lib.set_default_dtype(lib.float64)
    try:
        run_table(list(range(len(cases))), lambda i: compare(cases[i], [], exact=False))
    finally:
        for lib in (torch, tl):
            lib.set_default_dtype(lib.float32)


def test_numpy_scalars_act_as_python_scalars():
    x = np.array([1.0, 2.5], np.float32)
    cases = [lambda L, t: t + np.float64(1.5), lambda L, t: np.float64(1.5) * t,
             lambda L, t: t.to(L.int8) + np.int64(300), lambda L, t: t > np.float32(2),
             lambda L, t: np.float64(2) ** t, lambda L, t: L.add(t, np.int64(2))]
    run_table(list(range(len(cases))), lambda i: compare(cases[i], [x]))


def test_out_argument():
    for lib in (torch, tl):
        a, b = lib.tensor([1.0, 2.0]), lib.tensor([3.0, 4.0])
        out = lib.empty(2)
        r = lib.add(a, b, out=out)
        assert r is out and out.tolist() == [4.0, 6.0]
        lib.exp(a, out=out)
        assert np.allclose(_np(out), np.exp([1.0, 2.0]))
        with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
            lib.div(a, b, out=lib.empty(2, dtype=lib.int64))


def test_float16_scalar_arithmetic_rounds_like_torch():
    """float16 times/over a Python float is computed in float32 and rounded once; plus is
    rounded through float16 — as torch's kernels do."""
    h = (np.random.default_rng(0).standard_normal(4000) * 10).astype(np.float16)
    for fn in (lambda L, t: t * 0.1, lambda L, t: t / 0.3, lambda L, t: t + 0.1, lambda L, t: t - 0.7,
               lambda L, t: t // 0.3, lambda L, t: t % 0.3, lambda L, t: L.sigmoid(t),
               lambda L, t: L.round(t, decimals=1), lambda L, t: L.mul(0.1, t)):
        assert compare(fn, [h]) is None


def test_float32_fused_multiply_add_matches_torch_bits():
    """add(alpha=), sub(alpha=), addcmul and lerp on float32 equal torch bit for bit, for
    arrays large enough to go through the chunked path."""
    rng = np.random.default_rng(1)
    a, b, c = (rng.standard_normal(70000).astype(np.float32) * 10 for _ in range(3))
    w = rng.random(70000).astype(np.float32)
    for fn in (lambda L, x, y, z, t: L.add(x, y, alpha=0.3), lambda L, x, y, z, t: x.sub(y, alpha=1.7),
               lambda L, x, y, z, t: L.addcmul(x, y, z, value=0.3), lambda L, x, y, z, t: L.lerp(x, y, 0.3),
               lambda L, x, y, z, t: L.lerp(x, y, 0.8), lambda L, x, y, z, t: L.lerp(x, y, t),
               lambda L, x, y, z, t: x.add_(y, alpha=-0.01)):
        assert compare(fn, [a, b, c, w]) is None


def test_sigmoid_float32_within_a_few_ulp():
    """torch's float32 sigmoid is a vectorised approximation: torchless's 1 / (1 + exp(-x)) is
    within 4 ulp of it (and exactly 0 / 1 at the extremes)."""
    x = np.linspace(-100, 100, 20001).astype(np.float32)
    t, l = torch.sigmoid(torch.from_numpy(x)).numpy(), tl.sigmoid(tl.tensor(x))._a
    assert np.max(np.abs(t.view(np.int32) - l.view(np.int32))) <= 4
    assert l[0] == t[0] and l[-1] == t[-1] == 1.0


def test_softmax_is_stable_and_matches():
    big = np.array([[1000.0, 1001.0, 999.0], [-1000.0, -1e30, 0.0]], np.float32)
    for fn in (lambda L, x: L.softmax(x, 1), lambda L, x: L.log_softmax(x, 1),
               lambda L, x: L.softmax(x, 0), lambda L, x: x.log_softmax(0, dtype=L.float64),
               lambda L, x: L.softmax(x.half(), -1)):
        assert compare(fn, [big], exact=False) is None
    for x in (np.zeros((0, 3), np.float32), np.array(2.0, np.float32),
              np.array([[-np.inf, -np.inf], [np.inf, 1.0], [np.nan, 1.0]], np.float32)):
        for fn in (lambda L, t: L.softmax(t, -1), lambda L, t: L.log_softmax(t, -1)):
            assert compare(fn, [x], exact=False) is None


def test_erf_accuracy():
    """Our own erf: float64 within a few ulp of math.erf everywhere, float32 torch's to 1 ulp."""
    x = np.concatenate([np.linspace(-7, 7, 20001), [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-300]])
    ref = np.array([math.erf(v) for v in x])
    got = tl.erf(tl.tensor(x))._a
    fin = np.isfinite(ref)
    assert np.all(np.abs(got[fin] - ref[fin]) <= 4 * np.spacing(np.abs(ref[fin])) + 1e-300)
    assert np.isnan(got[-2]) and got[-4] == 1 and got[-3] == -1
    assert compare(lambda L, t: L.erf(t), [x.astype(np.float32)], exact=False) is None


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "rsub", "pow", "atan2", "maximum"])
@pytest.mark.parametrize("sdt", ["float32", "float64"])
@pytest.mark.parametrize("side", ["right", "left", "inplace"])
def test_float16_with_wider_0dim_tensor(op, sdt, side):
    """A float16 tensor with a 0-dim float32/float64 tensor holding a value float16 can't
    represent: torch applies the scalar in float32 for add/sub/mul/div, rounding once."""
    h = np.random.default_rng(0).standard_normal(500).astype(np.float16)
    res = []
    for L in (torch, tl):
        a, s = L.tensor(h), L.tensor(0.1, dtype=getattr(L, sdt))
        f = getattr(L, op)
        if side == "inplace":
            if op in ("rsub", "maximum"):
                pytest.skip("no in-place form")
            r = getattr(a.clone(), op + "_")(s)
        else:
            r = f(a, s) if side == "right" else f(s, a)
        res.append(r.numpy())
    assert res[0].dtype == res[1].dtype
    np.testing.assert_array_equal(res[1], res[0])
