"""Type promotion (torchless._dtype) checked exhaustively against torch: result_type over every
pair (and triples) of dim > 0 tensors, 0-dim tensors and Python scalars of every kind,
promote_types and can_cast over every pair of dtypes, under both default float dtypes."""
from __future__ import annotations

import itertools
import warnings

import pytest
import torch

import torchless as tl
from torchless import _dtype as D

NAMES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64",
         "complex64", "complex128"]
SCALARS = [True, 3, 2.5, 1 + 2j]


def _operands(lib):
    """(label, operand) for every dtype as a dim > 0 tensor and as a 0-dim tensor, and scalars."""
    ops = []
    for n in NAMES:
        ops.append(("T" + n, lib.zeros(2, dtype=getattr(lib, n))))
        ops.append(("Z" + n, lib.zeros((), dtype=getattr(lib, n))))
    ops += [("S" + type(s).__name__, s) for s in SCALARS]
    return ops


def _name(d):
    return str(d).replace("torch.", "")


@pytest.fixture(params=["float32", "float64"])
def default_dtype(request):
    """Run under both default float dtypes (Python floats follow the default)."""
    torch.set_default_dtype(getattr(torch, request.param))
    tl.set_default_dtype(getattr(tl, request.param))
    yield request.param
    torch.set_default_dtype(torch.float32)
    tl.set_default_dtype(tl.float32)


def test_result_type_all_pairs(default_dtype):
    """Every ordered pair with at least one tensor.  torch's complex32 (which NumPy lacks, so
    torchless gives complex64) must be exactly where is_complex_half says."""
    tops, lops = _operands(torch), _operands(tl)
    bad = []
    n = 0
    for (la, ta), (_, xa) in zip(tops, lops):
        for (lb, tb), (_, xb) in zip(tops, lops):
            if not (isinstance(ta, torch.Tensor) or isinstance(tb, torch.Tensor)):
                continue
            n += 1
            expected = _name(torch.result_type(ta, tb))
            got = D.result_type_of((xa, xb)).name
            half = D.is_complex_half((xa, xb))
            if (expected == "complex32") != half or (expected != "complex32" and got != expected) \
                    or (half and got != "complex64"):
                bad.append((la, lb, expected, got, half))
    assert n == (2 * len(NAMES) + len(SCALARS)) ** 2 - len(SCALARS) ** 2
    assert not bad, bad[:20]


def test_result_type_triples(default_dtype):
    """Triples of tensors (all kinds) through addcmul, torch's three-operand promotion, and
    triples with Python scalars through clamp (real dtypes)."""
    tops, lops = _operands(torch), _operands(tl)
    tensors = [(t, l) for t, l in zip(tops, lops) if isinstance(t[1], torch.Tensor)]
    bad = []
    checked = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")         # torch warns that ComplexHalf is experimental
        for (a, b, c) in itertools.product(tensors, repeat=3):
            try:
                expected = _name(torch.addcmul(a[0][1], b[0][1], c[0][1]).dtype)
            except RuntimeError:
                continue                        # bool results: addcmul has no bool kernel
            checked += 1
            ops = (a[1][1], b[1][1], c[1][1])
            got = "complex32" if D.is_complex_half(ops) else D.result_type_of(ops).name
            if got != expected:
                bad.append((a[0][0], b[0][0], c[0][0], expected, got))
        for t, l in tensors:
            if "complex" in t[0] or "bool" in t[0]:
                continue
            for lo, hi in itertools.product([3, 2.5, True], repeat=2):
                expected = _name(torch.clamp(t[1], lo, hi).dtype)
                checked += 1
                got = D.result_type_of((l[1], lo, hi)).name
                if got != expected:
                    bad.append((t[0], lo, hi, expected, got))
    assert checked > 10000
    assert not bad, bad[:20]


def test_promote_types_and_can_cast_all_pairs():
    for a, b in itertools.product(NAMES, repeat=2):
        ta, tb, la, lb = getattr(torch, a), getattr(torch, b), getattr(tl, a), getattr(tl, b)
        assert _name(torch.promote_types(ta, tb)) == tl.promote_types(la, lb).name, (a, b)
        assert torch.can_cast(ta, tb) == tl.can_cast(la, lb), (a, b)


def test_operators_use_result_type(default_dtype):
    """The dtype of a + b is result_type(a, b) for every pair of operands (int / int and
    comparisons have their own rules, checked in test_pointwise)."""
    tops, lops = _operands(torch), _operands(tl)
    bad = []
    for (la, ta), (_, xa) in zip(tops, lops):
        for (lb, tb), (_, xb) in zip(tops, lops):
            if not isinstance(ta, torch.Tensor):
                continue
            if D.is_complex_half((xa, xb)):
                continue            # complex32: not in torchless
            for op in (lambda x, y: x + y, lambda x, y: x * y):
                expected = _name(op(ta, tb).dtype)
                got = op(xa, xb).dtype.name
                if got != expected:
                    bad.append((la, lb, expected, got))
    assert not bad, bad[:20]


def test_python_float_follows_default_dtype(default_dtype):
    assert tl.tensor([1, 2]).__add__(1.5).dtype.name == default_dtype
    assert (tl.tensor([1, 2]) / 2).dtype.name == default_dtype
    assert (tl.tensor([1.0], dtype=tl.float16) + 2.5).dtype is tl.float16
    assert (tl.tensor([1, 2], dtype=tl.int32) + tl.tensor(5)).dtype is tl.int32
    # a 0-dim tensor's own dtype wins over a dim > 0 tensor of a lower category
    assert (tl.tensor([1, 2]) + tl.tensor(5.0, dtype=tl.float64)).dtype is tl.float64
    assert (tl.tensor([1, 2]) + tl.tensor(5.0, dtype=tl.float16)).dtype is tl.float16
