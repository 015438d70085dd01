"""repr/str of torchless tensors must match torch's byte for byte.

Real torch is used here only as a test oracle: every case builds a torch tensor and a
torchless tensor from the same NumPy values and compares their reprs.
"""
import os
import sys

import numpy as np
import pytest

try:
    import torchless  # noqa: F401
except ImportError:  # the package may not be installed; fall back to the source tree
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir, "src"))

from torchless import _dtype as D  # noqa: E402
from torchless import _tensor_str as TS  # noqa: E402
from torchless._tensor import _wrap  # noqa: E402

torch = pytest.importorskip("torch")

hyp = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

NP_DTYPES = {
    "bool": np.bool_, "uint8": np.uint8, "int8": np.int8, "int16": np.int16,
    "int32": np.int32, "int64": np.int64, "float16": np.float16, "float32": np.float32,
    "float64": np.float64, "complex64": np.complex64, "complex128": np.complex128,
}
FLOATS = ("float16", "float32", "float64")
COMPLEX = ("complex64", "complex128")
INTS = ("uint8", "int8", "int16", "int32", "int64")


@pytest.fixture(autouse=True)
def _reset():
    """Every test starts and ends with default print options and default dtype."""
    TS.set_printoptions(profile="default")
    torch.set_printoptions(profile="default")
    yield
    TS.set_printoptions(profile="default")
    torch.set_printoptions(profile="default")
    D.set_default_dtype(D.float32)
    torch.set_default_dtype(torch.float32)


class _Node:
    """Stand-in for an autograd node: only name_() matters to printing."""

    def __init__(self, name):
        self._name = name

    def name_(self):
        return self._name


def _pair(arr):
    arr = np.ascontiguousarray(arr)
    return _wrap(arr.copy()), torch.from_numpy(arr.copy())


def _set_both(**kw):
    TS.set_printoptions(**kw)
    torch.set_printoptions(**kw)


def _mismatch(arr):
    """None when the reprs agree, else a description of the difference."""
    ours, theirs = _pair(arr)
    a, b = repr(ours), repr(theirs)
    if a != b:
        return f"dtype={arr.dtype} shape={arr.shape}\n--- torchless\n{a}\n--- torch\n{b}"
    if str(ours) != str(theirs):
        return f"str differs for dtype={arr.dtype} shape={arr.shape}"
    return None


def _check_all(arrays):
    bad = [m for m in map(_mismatch, arrays) if m is not None]
    assert not bad, f"{len(bad)} mismatches; first:\n{bad[0]}"


# ------------------------------------------------------------------ value grids
SHAPES = [(), (1,), (5,), (2, 3), (2, 3, 4), (2, 1, 3, 2), (30,), (7, 13), (3, 1, 25),
          (1001,), (40, 50), (10, 10, 11), (3, 400), (2, 3, 4, 50), (6, 7, 8, 3)]
EMPTY_SHAPES = [(0,), (0, 3), (3, 0), (3, 0, 2), (0, 0), (1, 0, 1, 1)]
MAGNITUDES = [1e-10, 1e-5, 1e-4, 1e-3, 0.1, 1.0, 10.0, 999.0, 1000.0, 1e5, 1e8, 1e9, 1e12]


def _values(rng, shape, dtype, mag):
    n = int(np.prod(shape, dtype=np.int64))
    if dtype == "bool":
        return (rng.random(n) < 0.5).reshape(shape)
    if dtype in INTS:
        info = np.iinfo(NP_DTYPES[dtype])
        hi = min(info.max, max(1, int(mag)))
        lo = 0 if info.min == 0 else max(info.min, -hi)
        return rng.integers(lo, hi, size=n, endpoint=True).astype(dtype).reshape(shape)
    x = rng.standard_normal(n) * mag
    if dtype in COMPLEX:
        x = x + 1j * rng.standard_normal(n) * mag * rng.choice([1e-3, 1.0, 10.0])
    return x.astype(dtype).reshape(shape)


@pytest.mark.parametrize("dtype", list(NP_DTYPES))
def test_empty(dtype):
    _check_all([np.zeros(s, dtype=NP_DTYPES[dtype]) for s in EMPTY_SHAPES])


@pytest.mark.parametrize("dtype,mag", [
    (d, m) for d in NP_DTYPES for m in MAGNITUDES if d in FLOATS + COMPLEX or m >= 1])
def test_grid(dtype, mag):
    rng = np.random.default_rng([list(NP_DTYPES).index(dtype), MAGNITUDES.index(mag)])
    arrays = []
    for shape in SHAPES:
        v = _values(rng, shape, dtype, mag)
        arrays.append(v)
        if dtype in FLOATS + COMPLEX:
            arrays.append(np.abs(v))            # one sign only
            arrays.append(np.round(v))          # integer-valued floats
    _check_all(arrays)


@pytest.mark.parametrize("dtype", FLOATS + COMPLEX)
def test_special_values(dtype):
    nan, inf = float("nan"), float("inf")
    cases = [
        [nan], [inf], [-inf], [0.0], [-0.0], [nan, inf, -inf], [0.0, nan], [nan, 0.0, 1.0],
        [1.0, inf, 100.0], [-0.0, 1.0], [-0.0, 1.5], [0.0, -0.0], [1e-5, nan], [1e10, -inf, 1.0],
        [1.5, nan, -2.25], [1000.0, 1.0], [1001.0, 1.0], [1000.5, 1.0], [1e8, 1.0], [1e8 + 1, 1.0],
        [1e-4, 1.0], [1.0001e-4, 1.0], [0.1, 0.2, 0.3], [-1e-4, 0.5], [123456789.0], [1e20, 1.0],
        [0.5, 2.0, 1e3], [12345.678, 0.02], [2.5, -3.5], [1e-30, 1e30], [5e-324 if dtype != "float16" else 6e-8],
        [65504.0, -65504.0], [0.99999, 9.99995], [0.00015, 0.15],
    ]
    arrays = []
    for c in cases:
        a = np.array(c, dtype=np.float64)
        arrays.append(a.astype(dtype))
        arrays.append(a.reshape(1, -1).repeat(2, 0).astype(dtype))
        arrays.append(np.array(c[0]).astype(dtype))                     # 0-dim
    if dtype in COMPLEX:
        arrays += [np.array(v, dtype=dtype) for v in (
            [complex(nan, 2), complex(1, inf)], [complex(1, 0), complex(-0.0, -0.0)], [0j],
            [1 + 2j, 3 - 4j], [1.5 + 2j, 3 - 400j], [1e-5 + 2j, -3.25 - 4e5j], 1 + 2j, -0.5j,
            [complex(0, nan)], [complex(inf, -inf)])]
    with np.errstate(all="ignore"):
        _check_all(arrays)


def test_bool_and_int_columns():
    _check_all([
        np.array(True), np.array([True, False]), np.array([[False], [True]]),
        np.array(-7, dtype=np.int64), np.array([0, -1, 100000], dtype=np.int64),
        np.array([255, 0], dtype=np.uint8), np.array([-128, 127], dtype=np.int8),
        np.array([np.iinfo(np.int64).min, np.iinfo(np.int64).max]),
        np.arange(2000, dtype=np.int32), np.arange(2000).reshape(40, 50) - 1000,
    ])


# ------------------------------------------------------------------ print options
OPTION_CASES = [
    dict(precision=2), dict(precision=0), dict(precision=10), dict(threshold=5),
    dict(threshold=5, edgeitems=1), dict(threshold=0, edgeitems=1), dict(edgeitems=5, threshold=20),
    dict(linewidth=5), dict(linewidth=30), dict(linewidth=120), dict(sci_mode=True),
    dict(sci_mode=False), dict(profile="short"), dict(profile="full"),
    dict(profile="short", precision=6), dict(edgeitems=0), dict(edgeitems=0, threshold=5),
    dict(edgeitems=0, threshold=0), dict(threshold=float("inf")),
]


@pytest.mark.parametrize("opts", OPTION_CASES, ids=lambda o: ",".join(f"{k}={v}" for k, v in o.items()))
def test_printoptions(opts):
    _set_both(**opts)
    assert TS.get_printoptions() == torch._tensor_str.get_printoptions()
    rng = np.random.default_rng(7)
    arrays = []
    for shape in [(), (3,), (12,), (2, 3), (10, 10), (4, 5, 6), (2000,)]:
        n = int(np.prod(shape))
        arrays += [
            (rng.standard_normal(n) * 3).reshape(shape).astype(np.float32),
            np.arange(n, dtype=np.float64).reshape(shape) * 1.5,
            np.arange(n, dtype=np.float32).reshape(shape),
            (rng.standard_normal(n) * 1e9).reshape(shape),
            (rng.standard_normal(n) + 1j).reshape(shape).astype(np.complex64),
            np.arange(n, dtype=np.int32).reshape(shape), (np.arange(n) % 3 == 0).reshape(shape),
        ]
    arrays += [np.zeros(0), np.zeros((0, 3), np.int64), np.zeros(4), np.array([np.nan, 0.0])]
    _check_all(arrays)


def test_set_printoptions_semantics():
    TS.set_printoptions(precision=2, sci_mode=True)
    torch.set_printoptions(precision=2, sci_mode=True)
    assert TS.get_printoptions() == torch._tensor_str.get_printoptions()
    # sci_mode is reset to None whenever it is left out
    TS.set_printoptions(precision=3)
    torch.set_printoptions(precision=3)
    assert TS.get_printoptions() == torch._tensor_str.get_printoptions()
    _set_both(precision=2, threshold=7, edgeitems=1, linewidth=50)
    for prof in ("unknown", "SHORT", "short", "full", "default"):
        TS.set_printoptions(profile=prof, linewidth=100)
        torch.set_printoptions(profile=prof, linewidth=100)
        assert TS.get_printoptions() == torch._tensor_str.get_printoptions()


def test_printoptions_context_manager():
    _set_both(precision=2, sci_mode=True)
    before = TS.get_printoptions()
    with TS.printoptions(precision=5, linewidth=10):
        with torch._tensor_str.printoptions(precision=5, linewidth=10):
            assert TS.get_printoptions() == torch._tensor_str.get_printoptions()
            t, u = _pair(np.arange(6.0) / 7)
            assert repr(t) == repr(u)
    assert TS.get_printoptions() == before == torch._tensor_str.get_printoptions()


def test_linewidth_sweep_and_suffix_wrapping():
    arrays = [np.arange(12.0) * 1.5, np.arange(7.0) * 1.5, (np.arange(10) * (1.5 + 2j)),
              np.arange(24.0).reshape(2, 3, 4) / 3, np.arange(60, dtype=np.int16), np.arange(3.0)]
    for lw in range(1, 100, 3):
        _set_both(linewidth=lw)
        for a in arrays:
            for dt in (None, np.float64, np.float32):
                b = a if dt is None or a.dtype.kind != "f" else a.astype(dt)
                ours, theirs = _pair(b)
                assert repr(ours) == repr(theirs), (lw, b.dtype)
                if b.dtype.kind == "f":
                    ours.requires_grad = True
                    theirs.requires_grad_(True)
                    assert repr(ours) == repr(theirs), (lw, b.dtype)
                    theirs2 = theirs + 0
                    ours.requires_grad = False
                    ours.grad_fn = _Node("AddBackward0")
                    assert repr(ours) == repr(theirs2), (lw, b.dtype)


# ------------------------------------------------------------------ dtype suffix / autograd
def test_default_dtype_float64():
    D.set_default_dtype(D.float64)
    torch.set_default_dtype(torch.float64)
    _check_all([
        np.array([1.0, 2.0]), np.array([1.0, 2.0], np.float32), np.array([1.5], np.float16),
        np.array([1 + 2j]), np.array([1 + 2j], np.complex64), np.array([1, 2]), np.array([True]),
        np.zeros(0), np.zeros(0, np.float32), np.zeros((0, 2), np.complex128), np.array(2.5, np.float32),
    ])


def test_default_dtype_float16():
    D.set_default_dtype(D.float16)
    torch.set_default_dtype(torch.float16)
    _check_all([np.array([1.0, 2.0], np.float16), np.array([1.0, 2.0], np.float32),
                np.array([1 + 2j], np.complex64), np.array([1 + 2j]), np.zeros(0, np.float16)])


def test_requires_grad_and_grad_fn():
    cases = [np.array([1.0, 2.0], np.float32), np.array([[1.0, 2.0]]), np.array(6.0, np.float32),
             np.zeros((0, 3)), np.zeros(0, np.float32), np.arange(40.0).reshape(4, 10) / 3,
             np.array([1 + 1j], np.complex64)]
    for a in cases:
        ours, theirs = _pair(a)
        ours.requires_grad = True
        theirs.requires_grad_(True)
        assert repr(ours) == repr(theirs)
        for name, make in (("AddBackward0", lambda x: x + 0), ("MulBackward0", lambda x: x * 1)):
            res = make(theirs)
            ours.grad_fn = _Node(name)
            assert repr(ours) == repr(res)
            ours.grad_fn = None
    t, u = _pair(np.array([1.0, 2.0], np.float32))
    t.grad_fn = _Node("SumBackward0")
    t._a = np.array(3.0, np.float32)
    assert repr(t) == repr(u.requires_grad_().sum()) == "tensor(3., grad_fn=<SumBackward0>)"


def test_edgeitems_zero_suffixes():
    _set_both(edgeitems=0, threshold=5)
    t, u = _pair(np.arange(10.0))
    t.requires_grad = True
    u.requires_grad_(True)
    assert repr(t) == repr(u)
    _check_all([np.arange(10, dtype=np.int32), np.arange(4, dtype=np.int32), np.array(4.0),
                np.arange(1000).reshape(10, 10, 10), np.zeros(0), np.zeros((0, 10))])


# ------------------------------------------------------------------ random arrays
_OPTS = st.fixed_dictionaries({
    "precision": st.integers(0, 8), "threshold": st.sampled_from([5, 50, 1000]),
    "edgeitems": st.integers(1, 4), "linewidth": st.integers(10, 120),
    "sci_mode": st.sampled_from([None, None, True, False]),
})


@settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
@given(arr=hnp.arrays(
    dtype=st.sampled_from([np.float16, np.float32, np.float64]),
    shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=7),
    elements=st.floats(allow_nan=True, allow_infinity=True, width=16)), opts=_OPTS)
def test_hypothesis_floats(arr, opts):
    _set_both(**opts)
    m = _mismatch(arr)
    assert m is None, m


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(arr=hnp.arrays(
    dtype=st.sampled_from([np.float32, np.float64]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=6),
    elements=st.one_of(st.floats(-2.0**40, 2.0**40, width=32), st.integers(-10**6, 10**6).map(float),
                       st.floats(-2.0**-10, 2.0**-10, width=32))))
def test_hypothesis_magnitudes(arr):
    m = _mismatch(arr)
    assert m is None, m


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(arr=hnp.arrays(
    dtype=st.sampled_from([np.complex64, np.complex128]),
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=5),
    elements=st.one_of(st.complex_numbers(max_magnitude=1e10, width=64),
                       st.complex_numbers(allow_nan=True, allow_infinity=True, width=64))),
    opts=_OPTS)
def test_hypothesis_complex(arr, opts):
    _set_both(**opts)
    m = _mismatch(arr)
    assert m is None, m


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(arr=hnp.arrays(
    dtype=st.sampled_from([np.bool_, np.uint8, np.int8, np.int16, np.int32, np.int64]),
    shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=7)), opts=_OPTS)
def test_hypothesis_ints(arr, opts):
    _set_both(**opts)
    m = _mismatch(arr)
    assert m is None, m


def test_small_tensor_repr_is_fast():
    import time
    t = _wrap(np.arange(12, dtype=np.float32).reshape(3, 4) / 7)
    start = time.perf_counter()
    for _ in range(200):
        repr(t)
    assert (time.perf_counter() - start) / 200 < 2e-3
