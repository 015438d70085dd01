"""Reductions, scans and order statistics compared with real torch 2.13: values, dtypes,
shapes, strides, errors, printed return types, gradients (torch's and a finite-difference
check) and where ties land."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings, strategies as st

import torchless as tl

rng = np.random.default_rng(1234)
NAN, INF = float("nan"), float("inf")


def _arr(shape, dtype, lo=-3, hi=4):
    return rng.integers(lo, hi, size=shape).astype(dtype)


# Inputs with ties (small integers), so that tie rules are exercised everywhere.
INPUTS = {
    "f32": _arr((3, 4), np.float32) + rng.random((3, 4)).astype(np.float32).round(1),
    "f64": _arr((2, 3, 4), np.float64),
    "f16": _arr((3, 4), np.float16),
    "i64": _arr((3, 4), np.int64),
    "i32": _arr((2, 5), np.int32),
    "i16": _arr((4, 3), np.int16),
    "i8": _arr((3, 4), np.int8),
    "u8": _arr((3, 4), np.uint8, 0, 6),
    "bool": _arr((3, 4), np.bool_, 0, 2),
    "c64": (_arr((2, 3), np.float32) + 1j * _arr((2, 3), np.float32)).astype(np.complex64),
    "nan": np.array([[1.0, NAN, -2.0, 3.0], [INF, 0.5, -INF, 2.0], [0.0, -0.0, 1.0, NAN]],
                    np.float32),
    "empty": np.zeros((0, 3), np.float32),
    "scalar": np.array(2.5, np.float32),
    "vec": np.array([3, 1, 2, 3, 1, 0, 3], np.int64),
}
FLOATS = ["f32", "f64", "f16", "nan"]
REAL = FLOATS + ["i64", "i32", "i16", "i8", "u8"]
NUMERIC = REAL + ["bool"]
ALL = NUMERIC + ["c64"]
ND = ["f32", "f64", "i64", "u8", "bool", "nan"]


def pair(name, requires_grad=False):
    a = INPUTS[name]
    return (tl.tensor(a, requires_grad=requires_grad),
            torch.tensor(a, requires_grad=requires_grad))


def run(expr, name):
    """Evaluate expr with x bound to the input in both libraries; exceptions are returned."""
    x, tx = pair(name)
    out = []
    for lib, t in ((tl, x), (torch, tx)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                out.append(eval(expr, {"torch": lib, "x": t, "nan": NAN, "inf": INF}))
            except Exception as e:           # compared below
                out.append(e)
    return out


def same(a, b, rtol=None, strides=True):
    """a (torchless) equals b (torch): type, dtype, shape, strides, values."""
    if isinstance(b, Exception):
        assert isinstance(a, Exception), f"torch raised {b!r}, torchless returned {a!r}"
        assert type(a) is type(b) and str(a) == str(b), (a, b)
        return
    assert not isinstance(a, Exception), f"torchless raised {a!r}; torch gave {b!r}"
    if isinstance(b, torch.Tensor):
        assert isinstance(a, tl.Tensor)
        assert str(a.dtype) == str(b.dtype), (a.dtype, b.dtype)
        assert tuple(a.shape) == tuple(b.shape)
        if strides and b.numel() > 1:
            assert a.stride() == b.stride(), (a.stride(), b.stride())
        got, want = np.asarray(a._a), b.detach().numpy()
        if b.dtype.is_floating_point or b.dtype.is_complex:
            tol = rtol if rtol is not None else {torch.float16: 1e-3, torch.float32: 2e-6,
                                                  torch.complex64: 2e-6}.get(b.dtype, 1e-12)
            np.testing.assert_allclose(got, want, rtol=tol, atol=tol * 1e-3, equal_nan=True)
            # the sign of zeros and where NaN/inf sit are exact
            assert np.array_equal(np.isnan(got), np.isnan(want))
        else:
            np.testing.assert_array_equal(got, want)
        return
    if isinstance(b, tuple):
        assert isinstance(a, tuple) and len(a) == len(b)
        assert type(a).__name__ == type(b).__name__
        for x, y in zip(a, b):
            same(x, y, rtol, strides)
        return
    assert a == b


# ---------------------------------------------------------------- values, dtypes, shapes
CASES = [
    # sum: ints and bool sum to int64; dim forms; dtype=
    ("x.sum()", ALL + ["empty", "scalar"]),
    ("x.sum(0)", ALL + ["empty", "scalar"]),
    ("x.sum(-1, keepdim=True)", ALL + ["empty"]),
    ("x.sum((0, 1))", ["f32", "f64", "i64", "bool"]),
    ("x.sum([1, 0], True)", ["f32", "f64", "i64"]),
    ("x.sum(())", ["f32", "i64"]),
    ("x.sum(dim=None, keepdim=True)", ["f32", "i64"]),
    ("torch.sum(x, 1, dtype=torch.float64)", ["f32", "i64", "bool"]),
    ("x.sum(dtype=torch.int32)", ["f32", "i64"]),
    ("x.sum(torch.tensor(1))", ["f32"]),
    ("x.transpose(0, 1).sum(0)", ["f32", "i64"]),
    ("x.nansum()", ["nan", "f32", "i64"]),
    ("x.nansum(1)", ["nan"]),
    # mean
    ("x.mean()", FLOATS + ["c64", "empty", "scalar"]),
    ("x.mean(1)", FLOATS + ["c64", "empty"]),
    ("x.mean((0, -1), keepdim=True)", FLOATS),
    ("x.mean(dtype=torch.float64)", ["f32", "i64", "bool"]),
    ("x.mean(0, dtype=torch.complex64)", ["i64"]),
    # prod
    ("x.prod()", ALL + ["empty", "scalar"]),
    ("x.prod(1)", ALL + ["empty"]),
    ("x.prod(0, keepdim=True, dtype=torch.float64)", ["f32", "i64"]),
    # extremes
    ("x.max()", NUMERIC + ["scalar"]),
    ("x.min()", NUMERIC + ["scalar"]),
    ("x.max(1)", NUMERIC + ["scalar"]),
    ("x.min(0, keepdim=True)", NUMERIC),
    ("torch.max(x, dim=-1, keepdim=True)", ["f32", "nan"]),
    ("x.max(0)", ["empty"]),
    ("x.max(1)", ["empty"]),
    ("x.amax()", NUMERIC),
    ("x.amax((0, 1))", ["f64", "nan"]),
    ("x.amin(1, keepdim=True)", NUMERIC + ["empty"]),
    ("x.amax(-1)", ["empty"]),
    ("torch.aminmax(x)", ["f32", "i64"]),
    ("torch.aminmax(x, dim=1, keepdim=True)", ["f32", "nan"]),
    ("torch.max(x, torch.zeros_like(x))", ["f32", "i64", "nan"]),
    ("x.min(other=torch.ones_like(x))", ["f32", "u8"]),
    ("torch.max(x, torch.tensor(1.5))", ["i64", "f32"]),
    ("x.argmax()", REAL + ["scalar"]),
    ("x.argmin()", REAL),
    ("x.argmax(1)", REAL + ["empty", "scalar"]),
    ("x.argmin(0, keepdim=True)", REAL),
    ("x.argmax(keepdim=True)", ["f32"]),
    ("x.transpose(0, 1).argmax()", ["f32", "i64"]),
    # all / any / count_nonzero
    ("x.all()", ALL + ["empty"]),
    ("x.any()", ALL + ["empty"]),
    ("x.all(1)", ND + ["u8", "c64"]),
    ("x.any(0, keepdim=True)", ND + ["u8"]),
    ("torch.all(x, dim=(0, 1))", ["f32", "u8"]),
    ("x.any(())", ["f32", "u8"]),
    ("torch.count_nonzero(x)", ALL + ["empty"]),
    ("torch.count_nonzero(x, 1)", ND),
    ("x.count_nonzero((0, 1))", ND),
    ("x.count_nonzero(())", ["f32"]),
    # logsumexp
    ("x.logsumexp(1)", FLOATS + ["i64", "bool", "empty"]),
    ("torch.logsumexp(x, (0, 1), keepdim=True)", ["f32", "nan"]),
    ("x.logsumexp(0)", ["empty", "scalar"]),
    # var / std
    ("x.var()", FLOATS + ["c64", "scalar"]),
    ("x.std(1)", FLOATS + ["c64", "empty"]),
    ("x.var(1, unbiased=False)", ["f32", "f64"]),
    ("x.std(0, True, True)", ["f32"]),
    ("x.std(False)", ["f32"]),
    ("x.var(dim=(0, 1), correction=2)", ["f32", "f64"]),
    ("x.std(correction=0.5, keepdim=True)", ["f32"]),
    ("torch.std(x, 1, correction=4)", ["f32"]),
    ("torch.var_mean(x, 1)", ["f32", "f64"]),
    ("torch.std_mean(x, dim=0, correction=0, keepdim=True)", ["f32"]),
    # norm
    ("x.norm()", FLOATS + ["c64", "empty", "scalar"]),
    ("x.norm(1)", FLOATS + ["c64"]),
    ("x.norm(3, dim=1)", ["f32", "f64", "c64"]),
    ("x.norm(p=0.5, dim=(0, 1), keepdim=True)", ["f32"]),
    ("x.norm(inf)", FLOATS + ["c64"]),
    ("x.norm(-inf, 1)", FLOATS),
    ("x.norm(0, 1)", ["f32", "nan"]),
    ("x.norm(-1)", ["f32"]),
    ("x.norm('fro', dim=0)", ["f32"]),
    ("x.norm('fro', dim=(0, 1))", ["f32"]),
    ("x.norm('nuc')", ["f32"]),
    ("x.norm('nuc', keepdim=True)", ["f32"]),
    ("x.norm(dtype=torch.float64)", ["f32", "f16"]),
    ("x.norm(1, dim=0)", ["empty"]),
    ("torch.norm(x, 2, 1, True)", ["f32"]),
    # scans
    ("x.cumsum(1)", ALL + ["empty"]),
    ("x.cumsum(0, dtype=torch.float64)", ["f32", "i64"]),
    ("x.cumsum(0)", ["scalar"]),
    ("torch.cumprod(x, 0)", ALL),
    ("x.cumprod(-1, dtype=torch.int32)", ["i64"]),
    ("x.transpose(0, 1).cumsum(1)", ["f32"]),
    ("x.cummax(1)", REAL),
    ("x.cummin(0)", REAL),
    ("torch.cummax(x, 0)", ["bool"]),
    # order statistics
    ("x.sort()", NUMERIC + ["scalar"]),
    ("x.sort(0, descending=True)", NUMERIC),
    ("x.sort(dim=1, stable=True, descending=True)", NUMERIC),
    ("x.transpose(0, 1).sort(0)", ["f32", "i64"]),
    ("x.argsort(0)", NUMERIC),
    ("torch.argsort(x, dim=1, descending=True)", NUMERIC),
    ("x.transpose(0, 1).argsort(1)", ["i64"]),
    ("x.msort()", ["f32", "i64"]),
    ("x.topk(2)", REAL),
    ("x.topk(3, 0, largest=False)", ["f32", "i64", "nan"]),
    ("x.topk(2, 1, True, False)", REAL),
    ("x.topk(4, dim=1)", ["f32", "nan"]),
    ("x.topk(0)", ["f32"]),
    ("x.topk(1, 0)", ["scalar"]),
    ("x.kthvalue(2)", REAL),
    ("x.kthvalue(1, 0, True)", ["f32", "i64", "nan"]),
    ("x.median()", REAL + ["empty", "scalar"]),
    ("x.median(1)", REAL),
    ("torch.median(x, 0, keepdim=True)", REAL),
    ("x.nanmedian()", ["nan", "f32"]),
    ("x.nanmedian(1)", ["nan", "f32"]),
    ("x.mode()", NUMERIC),
    ("x.mode(0, True)", REAL),
    ("torch.unique(x)", NUMERIC),
    ("torch.unique(x, return_inverse=True, return_counts=True)", NUMERIC + ["empty"]),
    ("x.unique(sorted=False, return_inverse=True)", ["i64"]),
    ("torch.unique(x, dim=0, return_inverse=True, return_counts=True)", ["i64", "u8", "bool"]),
    ("x.unique(dim=1, return_counts=True)", ["i64"]),
    ("x.unique(dim=0)", ["empty"]),
    ("torch.unique_consecutive(x, return_inverse=True, return_counts=True)", ["vec", "i64"]),
    ("torch.unique_consecutive(x, dim=0)", ["i64"]),
]


@pytest.mark.parametrize("expr,name", [(e, n) for e, names in CASES for n in names])
def test_matches_torch(expr, name):
    got, want = run(expr, name)
    same(got, want)


def test_nan_zero_and_empty_edge_values():
    # NaN propagates in max/min/amax and sorts last; a NaN row's median is its first NaN
    for expr in ["x.max()", "x.amin()", "x.sort(1)", "x.sort(1, descending=True)",
                 "x.median(1)", "x.argmax(1)", "x.argmin()", "x.max(1)", "x.cummax(1)"]:
        same(*run(expr, "nan"))
    t = tl.tensor([[1.0, 2.0, NAN, 3.0, NAN]])
    v, i = t.max(1)
    assert np.isnan(v._a[0]) and i._a[0] == 2
    # empty reductions
    for expr in ["x.sum(0)", "x.prod(0)", "x.mean(0)", "x.std(0)", "x.logsumexp(1)",
                 "x.all(0)", "x.any(1)", "x.median(1)", "x.sort(0)"]:
        same(*run(expr, "empty"))


# ---------------------------------------------------------------- errors
ERRORS = [
    ("x.sum(2)", ["f32"]),
    ("x.sum((0, -2))", ["f32"]),
    ("x.sum((0, 0))", ["scalar"]),
    ("x.sum(1)", ["scalar"]),
    ("x.mean()", ["i64", "bool", "u8"]),
    ("x.mean(dtype=torch.int32)", ["f32"]),
    ("x.max()", ["empty", "c64"]),
    ("x.min()", ["empty"]),
    ("x.amax()", ["empty"]),
    ("x.amax((0, 1))", ["empty"]),
    ("x.max(0)", ["empty"]),
    ("x.argmax()", ["empty", "bool"]),
    ("x.argmax(0)", ["empty"]),
    ("x.argmin(1)", ["c64"]),
    ("x.max(2)", ["f32"]),
    ("x.argmax(-3)", ["f32"]),
    ("x.std()", ["i64"]),
    ("x.var(1)", ["bool"]),
    ("x.norm()", ["i64"]),
    ("x.norm(dtype=torch.int64)", ["f32"]),
    ("x.norm(dtype=torch.float16)", ["f32"]),
    ("x.norm('abc')", ["f32"]),
    ("x.norm('nuc')", ["vec"]),
    ("x.norm('fro', dim=(0, 1, 2))", ["f64"]),
    ("x.norm(inf)", ["empty"]),
    ("x.norm(inf, dim=0)", ["empty"]),
    ("x.cumsum(2)", ["f32"]),
    ("x.cumsum(0, dtype=torch.bool)", ["f32"]),
    ("x.logsumexp(())", ["f32"]),
    ("x.sort(2)", ["f32"]),
    ("x.sort()", ["c64"]),
    ("x.topk(5)", ["f32"]),
    ("x.topk(-1)", ["f32"]),
    ("x.topk(1)", ["bool", "c64"]),
    ("x.kthvalue(0)", ["f32"]),
    ("x.kthvalue(5)", ["f32"]),
    ("x.median(0)", ["empty"]),
    ("x.median()", ["bool"]),
    ("x.mode(0)", ["empty"]),
    ("x.unique(dim=0)", ["scalar"]),
    ("x.unique(dim=2)", ["f32"]),
    ("x.unique(dim=1)", ["empty"]),
    ("x.logsumexp(1)", ["scalar"]),
]


@pytest.mark.parametrize("expr,name", [(e, n) for e, names in ERRORS for n in names])
def test_errors_match_torch(expr, name):
    got, want = run(expr, name)
    assert isinstance(want, Exception), f"torch did not raise: {want!r}"
    same(got, want)


def test_type_errors():
    x = tl.ones(2, 3)
    for f in (lambda: x.sum(1.0), lambda: x.argmax((0, 1)), lambda: x.prod((0, 1)),
              lambda: x.max(2.0), lambda: x.sum("a"), lambda: tl.max(x, 2.0)):
        with pytest.raises(TypeError):
            f()


def test_degrees_of_freedom_warning():
    for lib in (tl, torch):
        with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
            r = lib.tensor([3.0]).std()
        assert np.isnan(float(r))
    with pytest.warns(UserWarning, match="degrees of freedom is <= 0"):
        assert float(tl.tensor([1.0, 2.0]).var(correction=2)) == float("inf")


# ---------------------------------------------------------------- printed return types
def test_return_types_print_and_behave_like_torch():
    x, tx = pair("f32")
    for expr in ("x.max(1)", "x.sort(0)", "x.topk(2)", "x.median(1, keepdim=True)",
                 "x.mode()", "x.kthvalue(1)", "x.cummin(1)", "torch.aminmax(x)"):
        a = eval(expr, {"torch": tl, "x": x})
        b = eval(expr, {"torch": torch, "x": tx})
        assert repr(a) == repr(b)
        assert str(a) == str(b)
        assert isinstance(a, tuple) and len(a) == 2 and a.n_fields == 2
        assert type(a).__module__ == type(b).__module__ == "torch.return_types"
    v, i = x.max(1)
    r = x.max(1)
    assert r.values is r[0] and r.indices is r[1]
    assert tl.return_types.max((v, i)).values is v
    import pickle
    r2 = pickle.loads(pickle.dumps(r))
    assert type(r2) is type(r) and np.array_equal(r2.values._a, v._a)


# ---------------------------------------------------------------- out=
def test_out_argument():
    x, tx = pair("f32")
    o, to = tl.empty(3), torch.empty(3)
    assert tl.sum(x, 1, out=o) is o
    torch.sum(tx, 1, out=to)
    same(o, to)
    o, to = tl.empty(3, dtype=tl.float64), torch.empty(3, dtype=torch.float64)
    tl.mean(x, 1, out=o)
    torch.mean(tx, 1, out=to)
    same(o, to)
    o = tl.empty(5)
    with pytest.warns(UserWarning, match="was resized"):
        tl.cumsum(x, 1, out=o)
    assert tuple(o.shape) == (3, 4)
    with pytest.raises(RuntimeError, match="can't be cast to the desired output type Long"):
        tl.mean(x, 1, out=tl.empty(3, dtype=tl.int64))
    vals, idx = tl.empty(3), tl.empty(3, dtype=tl.int64)
    r = tl.max(x, 1, out=(vals, idx))
    same(r, torch.max(tx, 1))
    assert r.values is vals
    base = tl.zeros(2, 4)
    tl.sum(x, 0, out=base[1])            # writes through a view
    assert np.allclose(base._a[1], INPUTS["f32"].sum(0))
    xr = tl.tensor(INPUTS["f32"], requires_grad=True)
    with pytest.raises(RuntimeError, match="don't support automatic differentiation"):
        tl.sum(xr, 1, out=tl.empty(3))


# ---------------------------------------------------------------- hypothesis
DTYPES = [np.float32, np.float64, np.int64, np.int32, np.uint8, np.bool_]


@st.composite
def arrays(draw, min_dims=1):
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=min_dims, max_size=3)))
    dt = draw(st.sampled_from(DTYPES))
    hi = draw(st.sampled_from([2, 5, 100]))
    a = np.random.default_rng(draw(st.integers(0, 2**32 - 1))).integers(-hi, hi, size=shape)
    return a.astype(dt)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(arrays(), st.data())
def test_random_reductions(a, data):
    x, tx = tl.tensor(a), torch.tensor(a)
    nd = a.ndim
    dim = data.draw(st.integers(-nd, nd - 1))
    dims = tuple(data.draw(st.sets(st.integers(0, nd - 1), min_size=1)))
    keep = data.draw(st.booleans())
    exprs = ["x.sum(dims, keep)", "x.amax(dims, keep)", "x.amin(dim, keep)", "x.max(dim, keep)",
             "x.min(dim, keep)", "x.argmax(dim, keep)", "x.argmin()", "x.all(dim)",
             "x.any(dims, keep)", "torch.count_nonzero(x, dims)", "x.cumsum(dim)",
             "x.prod(dim, keep)", "x.sort(dim)", "x.sort(dim, descending=True)",
             "x.argsort(dim=dim, stable=True)", "x.median(dim, keep)", "x.mode(dim, keep)",
             "x.kthvalue(1, dim, keep)", "torch.unique(x, return_counts=True)"]
    if a.dtype.kind == "f":
        exprs += ["x.mean(dims, keep)", "x.std(dim, keep)",
                  "x.var(dims, keepdim=keep, correction=0)",
                  "x.norm(2, dims, keep)", "x.logsumexp(dims, keep)", "x.cumprod(dim)"]
    if a.dtype != np.bool_:
        k = data.draw(st.integers(0, a.shape[dim]))
        exprs += [f"x.topk({k}, dim, sorted=False)", f"x.topk({k}, dim, largest=False)"]
    for e in exprs:
        env = {"dim": dim, "dims": dims, "keep": keep}
        got = _eval(e, tl, x, env)
        want = _eval(e, torch, tx, env)
        same(got, want, strides=False)


def _eval(e, lib, x, env):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")      # std over one element warns in both
        try:
            return eval(e, {"torch": lib, "x": x, **env})
        except Exception as ex:
            return ex


# ---------------------------------------------------------------- where ties land
def _tie_arrays():
    out = []
    for n in (5, 16, 17, 40, 300, 2000):
        for hi in (2, 5):
            out.append(rng.integers(0, hi, size=(3, n)))
    return out


@pytest.mark.parametrize("dtype", [np.int64, np.float32, np.uint8, np.int16, np.float16])
def test_sort_ties_like_torch(dtype):
    for a in _tie_arrays():
        a = a.astype(dtype)
        if dtype == np.float32:
            a[rng.random(a.shape) < 0.1] = np.nan
        x, tx = tl.tensor(a), torch.tensor(a)
        for desc in (False, True):
            for stable in (False, True):
                same(x.sort(dim=1, descending=desc, stable=stable),
                     tx.sort(dim=1, descending=desc, stable=stable))
        same(x.t().sort(0), tx.t().sort(0))
        same(x.argsort(0, True), tx.argsort(0, True))


def test_sort_bool_ties_and_long_integer_vectors():
    a = rng.integers(0, 2, size=(2, 200)).astype(bool)
    same(tl.tensor(a).sort(1), torch.tensor(a).sort(1))
    # torch sorts long 1-D integer vectors with a stable radix sort (ascending only)
    for n in (32767, 32768, 40000):
        a = rng.integers(0, 3, size=n)
        for desc in (False, True):
            same(tl.tensor(a).sort(descending=desc), torch.tensor(a).sort(descending=desc))


def test_topk_ties_like_torch():
    for a in _tie_arrays():
        x, tx = tl.tensor(a), torch.tensor(a)
        n = a.shape[1]
        for k in sorted({1, 2, n // 64, n // 64 + 1, n // 2, n} - {0}):
            for largest in (True, False):
                for srt in (True, False):
                    same(x.topk(k, 1, largest, srt), tx.topk(k, 1, largest, srt))
    # distinct values with sorted=False: torch's selection order, not sorted order
    a = rng.permutation(200).reshape(2, 100).astype(np.float32)
    same(tl.tensor(a).topk(30, sorted=False), torch.tensor(a).topk(30, sorted=False))
    f = rng.standard_normal((4, 1000)).astype(np.float32)
    f[0, :10] = NAN
    same(tl.tensor(f).topk(5), torch.tensor(f).topk(5))
    same(tl.tensor(f).topk(5, largest=False), torch.tensor(f).topk(5, largest=False))


def test_kthvalue_median_mode_ties_like_torch():
    for a in _tie_arrays():
        x, tx = tl.tensor(a), torch.tensor(a)
        n = a.shape[1]
        for k in (1, (n + 1) // 2, n):
            same(x.kthvalue(k, 1), tx.kthvalue(k, 1))
        same(x.median(1), tx.median(1))
        same(x.t().median(0), tx.t().median(0))
        same(x.mode(1), tx.mode(1))
        same(x.float().median(), tx.float().median())


# ---------------------------------------------------------------- gradients
GRADS = [
    "x.sum()", "x.sum(1)", "x.sum((0, 2), keepdim=True)", "x.sum(dtype=torch.float32)",
    "x.nansum(1)", "x.mean()", "x.mean(-1)", "x.mean((0, 1), True)", "x.prod()", "x.prod(1)",
    "x.prod(2, keepdim=True)", "x.max()", "x.min()", "x.max(1)[0]", "x.min(2, True)[0]",
    "x.amax()", "x.amax((1, 2))", "x.amin(0, keepdim=True)", "torch.aminmax(x, dim=1)[1]",
    "x.logsumexp(2)", "x.logsumexp((0, 1), keepdim=True)", "x.var()", "x.var(1, correction=0)",
    "x.std()", "x.std(2, keepdim=True)", "torch.std_mean(x, 1)[0]", "x.norm()", "x.norm(dim=1)",
    "x.norm(1, 2)", "x.norm(3)", "x.norm(0.5, 0)", "x.norm(inf, 1)", "x.norm(-inf)",
    "x.norm('fro', (1, 2))", "x.cumsum(1)", "x.cumprod(2)", "x.cummax(2)[0]", "x.cummin(0)[0]",
    "x.sort(1)[0]", "x.sort(2, descending=True)[0]", "x.topk(2)[0]",
    "x.topk(2, 0, sorted=False)[0]",
    "x.kthvalue(2, 1)[0]", "x.median()", "x.median(2)[0]", "x.nanmedian()", "x.mode(2)[0]",
    "x.msort()",
]
# ties on purpose: 0 twice, 2 twice, a zero for prod/cumprod
GRAD_INPUT = np.array([[[0.0, 2.0, -1.0, 2.0], [3.0, 0.0, 1.5, -2.0], [1.0, 4.0, -3.0, 0.5]],
                       [[2.0, -1.0, 0.25, 5.0], [1.0, 1.0, -0.5, 3.0], [-2.0, 0.0, 2.0, 6.0]]])


def _backward(lib, expr, a):
    x = lib.tensor(a, requires_grad=True)
    y = eval(expr, {"torch": lib, "x": x, "inf": INF})
    g = np.arange(1.0, y.numel() + 1).reshape(tuple(y.shape)) / 7
    y.backward(lib.tensor(g, dtype=y.dtype))
    return x.grad, y.grad_fn


@pytest.mark.parametrize("expr", GRADS)
def test_gradients_match_torch(expr):
    g, fn = _backward(tl, expr, GRAD_INPUT)
    tg, tfn = _backward(torch, expr, GRAD_INPUT)
    assert fn.name_() == type(tfn).__name__
    same(g, tg, rtol=1e-12)


def test_gradient_ties_and_special_values():
    cases = [("x.max()", [[1.0, NAN, 3.0, NAN]]), ("x.amax(1)", [[1.0, 3.0, 3.0, 2.0]]),
             ("x.norm(inf)", [[1.0, -3.0, 3.0, 0.0]]), ("x.norm()", [[0.0, 0.0]]),
             ("x.norm(3)", [[0.0, 0.0]]), ("x.norm(-1)", [[0.0, 2.0]]), ("x.std()", [[1.0, 1.0]]),
             ("x.prod(1)", [[1.0, 0.0, 5.0], [0.0, 0.0, 7.0]]), ("x.prod()", [[2.0, 0.0, 3.0]]),
             ("x.cumprod(1)", [[2.0, 0.0, 3.0, 0.0, 5.0], [0.0, 1.0, 2.0, 3.0, 4.0]]),
             ("x.logsumexp(1)", [[-INF, -INF], [1.0, 2.0]]), ("x.median()", [[1.0, NAN, 3.0]]),
             ("x.norm(0)", [[1.0, 0.0]])]
    for expr, a in cases:
        g, _ = _backward(tl, expr, np.array(a))
        tg, _ = _backward(torch, expr, np.array(a))
        if tg is None:
            assert g is None, expr
        else:
            same(g, tg, rtol=1e-12)


def _numeric_grad(f, a, v, eps=1e-6):
    """Finite-difference gradient of sum(f(a) * v) with respect to a."""
    out = np.zeros_like(a)
    flat = a.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + eps
        up = (f(a) * v).sum()
        flat[i] = old - eps
        down = (f(a) * v).sum()
        flat[i] = old
        out.reshape(-1)[i] = (up - down) / (2 * eps)
    return out


@pytest.mark.parametrize("expr", [e for e in GRADS if "inf" not in e and "dtype" not in e]
                         + ["x.norm(inf, 1)"])
def test_gradcheck_finite_differences(expr):
    """Our analytic gradients against finite differences (distinct values: no ties)."""
    a = np.random.default_rng(5).permutation(24).reshape(2, 3, 4) / 4 + 0.1
    a = a * np.where(np.arange(24).reshape(2, 3, 4) % 3 == 0, -1, 1)

    def f(arr):
        with tl.no_grad():
            return eval(expr, {"torch": tl, "x": tl.tensor(arr), "inf": INF})._a
    v = np.random.default_rng(6).standard_normal(np.shape(f(a)))
    x = tl.tensor(a, requires_grad=True)
    y = eval(expr, {"torch": tl, "x": x, "inf": INF})
    y.backward(tl.tensor(v))
    np.testing.assert_allclose(x.grad._a, _numeric_grad(f, a.copy(), v), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("expr", ["(x * x).sum(1)", "x.mean(1, True) * x", "x.var(1)", "x.std()",
                                  "x.logsumexp(1)", "x.prod(1)", "x.norm()", "x.sort(1)[0] * x",
                                  "x.max(1)[0] * x.sum(1)", "x.cumsum(1) * x",
                                  "x.cumprod(1)", "x.amax(1) * x.mean(1)"])
def test_double_backward_matches_torch(expr):
    a = np.array([[0.5, -1.0, 2.0, 1.5], [3.0, 0.25, -2.0, 1.0]])
    res = []
    for lib in (tl, torch):
        x = lib.tensor(a, requires_grad=True)
        y = eval(expr, {"x": x}).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (gg,) = lib.autograd.grad((g * g).sum(), x)
        res.append((g, gg))
    same(res[0][0], res[1][0], rtol=1e-12)
    same(res[0][1], res[1][1], rtol=1e-10)


def test_engine_sums_with_tuple_dims_and_keepdim():
    # the autograd engine reduces broadcast gradients as g.sum(tuple_of_dims, keepdim=True)
    g = tl.ones(2, 3, 4)
    r = g.sum((0, 2), keepdim=True)
    assert tuple(r.shape) == (1, 3, 1) and r.dtype is tl.float32 and float(r._a[0, 0, 0]) == 8
    a, b = tl.tensor(np.ones((3, 1)), requires_grad=True), tl.tensor(np.ones((2, 1, 4)))
    (a * b).sum().backward()
    assert np.array_equal(a.grad._a, np.full((3, 1), 8.0))


def test_no_graph_when_not_needed():
    x = tl.tensor(INPUTS["f32"], requires_grad=True)
    with tl.no_grad():
        assert x.sum().grad_fn is None and not x.sum(1).requires_grad
    assert x.argmax().grad_fn is None and not x.max(1).indices.requires_grad
    assert x.max(1).values.requires_grad
    for expr in ("x.unique()", "x.unique(dim=0)", "torch.unique_consecutive(x)"):
        u = eval(expr, {"torch": tl, "x": x})
        tu = eval(expr, {"torch": torch, "x": torch.tensor(INPUTS["f32"], requires_grad=True)})
        assert u.grad_fn.name_() == type(tu.grad_fn).__name__
        with pytest.raises(NotImplementedError) as e1:
            tu.sum().backward()
        with pytest.raises(NotImplementedError) as e2:
            u.sum().backward()
        assert str(e1.value) == str(e2.value)
