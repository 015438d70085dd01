"""Matrix products (mm, matmul/@, bmm, mv, dot, outer, addmm, einsum) against real torch:
values, dtypes, shapes, strides, grad_fn names, gradients and torch's errors."""
import itertools

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import torchless as tl

RNG = np.random.default_rng(1234)

NP = {"float32": np.float32, "float64": np.float64, "float16": np.float16, "int64": np.int64,
      "int32": np.int32, "int16": np.int16, "int8": np.int8, "uint8": np.uint8, "bool": np.bool_,
      "complex64": np.complex64, "complex128": np.complex128}


def ints(shape, dtype="float32", lo=-4, hi=5):
    """Small integer values: every product and sum is exact, whatever the summation order."""
    a = RNG.integers(lo, hi, size=shape)
    if dtype == "bool":
        return a > 0
    if dtype.startswith("complex"):
        return (a + 1j * RNG.integers(lo, hi, size=shape)).astype(NP[dtype])
    return a.astype(NP[dtype])


def pair(a, requires_grad=False):
    a = np.asarray(a)
    return tl.tensor(a, requires_grad=requires_grad), torch.tensor(a, requires_grad=requires_grad)


def same(r, t, exact=True, rtol=1e-6, atol=0.0, strides=True):
    """r (torchless) matches t (torch): dtype, shape, strides and values."""
    assert str(r.dtype) == str(t.dtype)
    assert tuple(r.shape) == tuple(t.shape)
    if strides and t.numel():           # (torch's strides of an empty result are arbitrary)
        assert r.stride() == t.stride()
    got, want = r._a, t.detach().numpy()
    if exact:
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol)


def outcome(fn):
    try:
        return fn(), None
    except Exception as e:  # noqa: BLE001  (comparing the exception itself)
        return None, e


def same_outcome(fn_tl, fn_torch, **kw):
    """Both succeed with equal results, or both raise the same type and message."""
    r, e1 = outcome(fn_tl)
    t, e2 = outcome(fn_torch)
    if e2 is not None:
        assert e1 is not None, f"torch raised {type(e2).__name__}: {e2}, torchless returned"
        assert type(e1) is type(e2), (e1, e2)
        assert str(e1) == str(e2)
        return None, None
    assert e1 is None, f"torchless raised {type(e1).__name__}: {e1}"
    same(r, t, **kw)
    return r, t


# ---------------------------------------------------------------- matmul's cases
SHAPES = [(3,), (4,), (2, 3), (3, 4), (4, 5), (5, 3, 4), (5, 4, 3), (2, 3, 5), (1, 3, 4),
          (2, 1, 3, 4), (2, 5, 4, 3), (5, 2, 4), (0, 3), (3, 0), (2, 0, 3), (0,), ()]


@pytest.mark.parametrize("grad", [(False, False), (True, False), (False, True), (True, True)])
def test_matmul_every_dim_combination(grad):
    """Values, shapes, the grad_fn torch ends with, and the kernel's error for each mismatch."""
    for sa, sb in itertools.product(SHAPES, SHAPES):
        x, tx = pair(ints(sa), grad[0])
        y, ty = pair(ints(sb), grad[1])
        r, t = same_outcome(lambda: tl.matmul(x, y), lambda: torch.matmul(tx, ty))
        if t is not None and t.grad_fn is not None:
            assert r.grad_fn.name_() == type(t.grad_fn).__name__, (sa, sb)
        elif t is not None:
            assert r.grad_fn is None and not r.requires_grad


def test_matmul_operator_and_methods():
    x, tx = pair(ints((2, 3)))
    y, ty = pair(ints((3, 4)))
    same(x @ y, tx @ ty)
    same(x.matmul(y), tx.matmul(ty))
    same(x.mm(y), tx.mm(ty))
    v, tv = pair(ints((3,)))
    same(x @ v, tx @ tv)
    same(v @ y, tv @ ty)
    same(v @ v, tv @ tv)
    # the result of 1-D @ 1-D is 0-dim, and a fresh tensor
    assert (v @ v).dim() == 0
    for bad in (2, 2.5, [1.0, 2.0, 3.0], None):
        same_outcome(lambda: x @ bad, lambda: tx @ bad)
        same_outcome(lambda: bad @ x, lambda: bad @ tx)


def test_rmatmul():
    (x, tx), (y, ty) = pair(ints((2, 3))), pair(ints((3, 2)))
    same(y.__rmatmul__(x), ty.__rmatmul__(tx))
    assert y.__rmatmul__(3) is NotImplemented and y.__matmul__([1.0]) is NotImplemented


DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool",
          "complex64", "complex128"]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("sa,sb", [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)),
                                   ((5, 2, 3), (3, 4)), ((2, 3), (5, 3, 4)), ((5, 2, 3), (5, 3, 4)),
                                   ((3,), (5, 3, 4)), ((5, 2, 3), (3,))])
def test_matmul_dtypes(dtype, sa, sb):
    """No promotion: the result keeps the dtype; integers wrap; bool is not implemented."""
    lo, hi = (0, 200) if dtype in ("int8", "uint8") else (-4, 5)
    x, tx = pair(ints(sa, dtype, lo, hi))
    y, ty = pair(ints(sb, dtype, lo, hi))
    same_outcome(lambda: tl.matmul(x, y), lambda: torch.matmul(tx, ty),
                 exact=dtype != "float16", rtol=1e-3)


@pytest.mark.parametrize("d1,d2", [("float32", "float64"), ("float64", "float32"), ("float32", "int64"),
                                   ("int32", "float32"), ("bool", "float32"), ("float16", "float32"),
                                   ("complex64", "float32"), ("int8", "uint8"), ("int16", "complex128")])
@pytest.mark.parametrize("sa,sb", [((3,), (3,)), ((3,), (4,)), ((2, 3), (3,)), ((2, 3), (4,)),
                                   ((3,), (3, 4)), ((2, 3), (3, 4)), ((2, 3), (4, 5)),
                                   ((5, 2, 3), (3, 4)), ((5, 2, 3), (4, 5)), ((2, 3), (5, 3, 4)),
                                   ((2, 3), (5, 4, 3)), ((5, 2, 3), (5, 3, 4)), ((5, 2, 3), (5, 4, 5)),
                                   ((3,), (5, 3, 4)), ((3,), (5, 4, 3)), ((5, 2, 3), (3,)),
                                   ((5, 2, 3), (4, 2, 3))])
def test_matmul_dtype_mismatch_messages(d1, d2, sa, sb):
    x, tx = pair(ints(sa, d1))
    y, ty = pair(ints(sb, d2))
    same_outcome(lambda: tl.matmul(x, y), lambda: torch.matmul(tx, ty))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([1, 2, 3]), min_size=0, max_size=3),
       st.lists(st.sampled_from([1, 2, 3]), min_size=0, max_size=3),
       st.sampled_from([1, 2, 3]), st.sampled_from([1, 2, 3]), st.sampled_from([1, 2, 3]),
       st.sampled_from([1, 2, 3]), st.booleans(), st.booleans())
def test_matmul_broadcast_batches(ba, bb, n, m, k, p, va, vb):
    """Batch dims broadcast as torch's (or fail with torch's message)."""
    sa = (m,) if va else tuple(ba) + (n, m)
    sb = (k,) if vb else tuple(bb) + (k, p)
    x, tx = pair(ints(sa, "float64"))
    y, ty = pair(ints(sb, "float64"))
    same_outcome(lambda: tl.matmul(x, y), lambda: torch.matmul(tx, ty))


# ---------------------------------------------------------------- mm, bmm, mv, dot
KERNEL_CASES = [
    ("mm", [(2, 3), (3, 4)]), ("mm", [(1, 5), (4, 1)]), ("mm", [(5,), (5, 1)]), ("mm", [(1, 5), (5,)]),
    ("mm", [(2, 3, 4), (4, 2)]), ("mm", [(0, 3), (3, 2)]), ("mm", [(2, 0), (0, 3)]),
    ("bmm", [(2, 2, 3), (2, 3, 4)]), ("bmm", [(2, 3), (2, 3, 4)]), ("bmm", [(2, 2, 3), (3, 4)]),
    ("bmm", [(2, 2, 3), (3, 3, 4)]), ("bmm", [(2, 2, 3), (2, 4, 4)]), ("bmm", [(0, 2, 3), (0, 3, 1)]),
    ("mv", [(2, 3), (3,)]), ("mv", [(2, 3), (4,)]), ("mv", [(3,), (3,)]), ("mv", [(2, 3), (3, 1)]),
    ("mv", [(0, 3), (3,)]),
    ("dot", [(3,), (3,)]), ("dot", [(3,), (4,)]), ("dot", [(3, 1), (3,)]), ("dot", [(3,), (3, 1)]),
    ("dot", [(), ()]), ("dot", [(0,), (0,)]),
    ("outer", [(3,), (2,)]), ("outer", [(3, 1), (2,)]), ("outer", [(), (2,)]), ("outer", [(3,), (0,)]),
    ("ger", [(3,), (2,)]),
]


@pytest.mark.parametrize("name,shapes", KERNEL_CASES)
@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
def test_kernels(name, shapes, dtype):
    args = [pair(ints(s, dtype)) for s in shapes]
    same_outcome(lambda: getattr(tl, name)(*[a for a, _ in args]),
                 lambda: getattr(torch, name)(*[b for _, b in args]))
    if name not in ("ger",):
        same_outcome(lambda: getattr(args[0][0], name)(*[a for a, _ in args[1:]]),
                     lambda: getattr(args[0][1], name)(*[b for _, b in args[1:]]))


@pytest.mark.parametrize("name,shapes", [(n, s) for n, s in KERNEL_CASES if n != "ger"])
def test_kernels_dtype_mismatch(name, shapes):
    (x, tx), (y, ty) = pair(ints(shapes[0], "float32")), pair(ints(shapes[1], "float64"))
    same_outcome(lambda: getattr(tl, name)(x, y), lambda: getattr(torch, name)(tx, ty))
    same_outcome(lambda: getattr(tl, name)(y, x), lambda: getattr(torch, name)(ty, tx))


@pytest.mark.parametrize("name,argnames", [("mm", ("input", "mat2")), ("matmul", ("input", "other")),
                                            ("bmm", ("input", "mat2")), ("mv", ("input", "vec")),
                                            ("dot", ("input", "tensor")), ("outer", ("input", "vec2"))])
def test_non_tensor_arguments(name, argnames):
    x, tx = pair(ints((2, 3)))
    for bad in (3, None, [[1.0]], np.ones((3, 2))):
        same_outcome(lambda: getattr(tl, name)(x, bad), lambda: getattr(torch, name)(tx, bad))
        same_outcome(lambda: getattr(tl, name)(bad, x), lambda: getattr(torch, name)(bad, tx))
        same_outcome(lambda: getattr(x, name)(bad), lambda: getattr(tx, name)(bad))
    if name in ("mm", "matmul"):
        y, ty = pair(ints((3, 2)))
        same_outcome(lambda: getattr(tl, name)(**dict(zip(argnames, (x, y)))),
                     lambda: getattr(torch, name)(**dict(zip(argnames, (tx, ty)))))


def test_outer_promotes_like_mul():
    for d1, d2 in [("float32", "int64"), ("int32", "int64"), ("bool", "int8"), ("float32", "float64")]:
        (x, tx), (y, ty) = pair(ints((3,), d1)), pair(ints((2,), d2))
        same_outcome(lambda: tl.outer(x, y), lambda: torch.outer(tx, ty))


def test_out_argument():
    x, tx = pair(ints((2, 3)))
    y, ty = pair(ints((3, 4)))
    o, to_ = pair(np.zeros((2, 4), np.float32))
    r = tl.mm(x, y, out=o)
    torch.mm(tx, ty, out=to_)
    assert r is o
    same(o, to_)
    o, to_ = pair(np.zeros((2, 4), np.float64))
    same_outcome(lambda: tl.matmul(x, y, out=o), lambda: torch.matmul(tx, ty, out=to_))
    o, to_ = pair(np.zeros((0,), np.float32))
    tl.matmul(x, y, out=o)
    torch.matmul(tx, ty, out=to_)
    same(o, to_)


# ---------------------------------------------------------------- addmm
ADDMM_CASES = [
    [(2, 2), (2, 3), (3, 2)], [(2,), (2, 3), (3, 2)], [(1,), (2, 3), (3, 2)], [(), (2, 3), (3, 2)],
    [(2, 1), (2, 3), (3, 2)], [(1, 2), (2, 3), (3, 2)], [(3,), (2, 3), (3, 2)], [(2, 3), (2, 3), (3, 2)],
    [(2, 2, 2), (2, 3), (3, 2)], [(2, 2), (3,), (3, 2)], [(2, 2), (2, 3), (3,)], [(2, 2), (2, 3), (4, 2)],
]


@pytest.mark.parametrize("shapes", ADDMM_CASES)
@pytest.mark.parametrize("dtype", ["float32", "int64", "bool"])
@pytest.mark.parametrize("beta,alpha", [(1, 1), (2, 3), (0.5, 1.5), (0, 1), (1, 0)])
def test_addmm(shapes, dtype, beta, alpha):
    if dtype == "float32":
        beta, alpha = float(beta), float(alpha)
    args = [pair(ints(s, dtype)) for s in shapes]
    same_outcome(lambda: tl.addmm(*[a for a, _ in args], beta=beta, alpha=alpha),
                 lambda: torch.addmm(*[b for _, b in args], beta=beta, alpha=alpha))
    same_outcome(lambda: args[0][0].addmm(args[1][0], args[2][0], beta=beta, alpha=alpha),
                 lambda: args[0][1].addmm(args[1][1], args[2][1], beta=beta, alpha=alpha))


def test_addmm_special_values_and_dtypes():
    nan = np.full((2, 2), np.nan, np.float32)
    (c, tc), (a, ta), (b, tb) = pair(nan), pair(ints((2, 3))), pair(ints((3, 2)))
    same(tl.addmm(c, a, b, beta=0), torch.addmm(tc, ta, tb, beta=0))   # beta=0 ignores nan input
    (an, tan), (one, tone) = pair(np.full((2, 3), np.nan, np.float32)), pair(np.ones((2, 2), np.float32))
    same(tl.addmm(one, an, b, alpha=0), torch.addmm(tone, tan, tb, alpha=0))  # and alpha=0 the product
    for d1, d2, d3 in [("float64", "float32", "float32"), ("float32", "float64", "float32"),
                       ("float32", "float32", "float64")]:
        args = [pair(ints(s, d)) for s, d in zip([(2, 2), (2, 3), (3, 2)], (d1, d2, d3))]
        same_outcome(lambda: tl.addmm(*[x for x, _ in args]), lambda: torch.addmm(*[y for _, y in args]))
    args = [pair(ints(s)) for s in [(2, 2), (2, 3), (3, 2)]]
    same_outcome(lambda: tl.addmm(*[x for x, _ in args], beta=1j),
                 lambda: torch.addmm(*[y for _, y in args], beta=1j))


@pytest.mark.parametrize("shape", [(2, 2), (2, 1), (2,)])
def test_addmm_inplace(shape):
    (c, tc), (a, ta), (b, tb) = pair(ints(shape)), pair(ints((2, 3))), pair(ints((3, 2)))
    r, t = same_outcome(lambda: c.addmm_(a, b, beta=2, alpha=3), lambda: tc.addmm_(ta, tb, beta=2, alpha=3))
    if r is not None:
        assert r is c
    same(c, tc)                                           # unchanged when it failed
    (c, tc) = pair(ints((2, 2), "float64"))
    same_outcome(lambda: c.addmm_(a, b), lambda: tc.addmm_(ta, tb))


# ---------------------------------------------------------------- einsum
EINSUM_CASES = [
    ("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]), ("ij->ji", [(2, 3)]),
    ("ij->", [(2, 3)]), ("ii->i", [(3, 3)]), ("ii", [(3, 3)]), ("...j,j->...", [(2, 3), (3,)]),
    ("i j , j k -> i k", [(2, 3), (3, 4)]), ("ij,jk->ik", [(2, 3)]), ("ij,jk->ik", [(2, 3), (3, 4), (3, 4)]),
    ("ij,jk->iz", [(2, 3), (3, 4)]), ("ijk,jk->ik", [(2, 3), (3, 4)]), ("ij,jk->ik", [(2, 3), (4, 4)]),
    ("ij,jk->iik", [(2, 3), (3, 4)]), ("Ij,jk->Ik", [(2, 3), (3, 4)]), ("1j,jk->ik", [(2, 3), (3, 4)]),
    ("ij,jk->ik->", [(2, 3), (3, 4)]), ("ij..,jk->ik", [(2, 3), (3, 4)]), ("ij,j1", [(2, 3), (3, 4)]),
    ("ij,jk->i", [(2, 3), (3, 4)]), ("i,i->i", [(3,), (1,)]), ("ij,ij->ij", [(2, 3), (1, 3)]),
    ("ij,ij->ij", [(2, 3), (2, 1)]), ("i,i->", [(3,), (4,)]), ("ii->i", [(2, 3)]),
    ("...ij,...jk->...ik", [(5, 2, 3), (3, 4)]), ("...ij,...jk", [(5, 2, 3), (3, 4)]),
    ("ij...,jk...->ik...", [(2, 3, 5), (3, 4, 1)]), ("", [()]), ("->", [()]), ("i", [(3,)]),
    ("ba", [(2, 3)]), ("bA", [(2, 3)]), ("ij->jj", [(2, 2)]), ("ij->ij", [(2, 3)]),
    ("bij,bjk->bik", [(5, 2, 3), (5, 3, 4)]), ("i,j->ij", [(3,), (4,)]), ("ij,ij->", [(2, 3), (2, 3)]),
    ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 5)]), ("ij,kl->ijkl", [(2, 3), (4, 5)]),
    ("...i,...i", [(2, 3), (4, 3)]), ("...i,...i", [(2, 3), (2, 1, 3)]), ("ij...,j->...", [(2, 3), (3,)]),
    ("ijk...->ijk", [(2, 3)]), ("i..j", [(2, 3)]), ("ij->i.", [(2, 3)]), ("i...->....", [(2, 3)]),
    ("...,...->...", [(2,), (2,)]), ("...i,...i->...", [(2, 3, 4), (3, 1, 4)]), ("i,->i", [(2,), ()]),
    ("ij,->", [(2, 3), ()]), ("...ij->...ji", [(2, 3, 4)]), ("ij...->...", [(2, 3)]),
    ("iij->ji", [(3, 3, 2)]), ("ij,jk->ki", [(20, 30), (30, 40)]), ("iji->j", [(2, 3, 2)]),
    ("i...i->...", [(2, 3, 2)]), ("i...,i...", [(7, 2, 3), (7, 5, 3)]),
    ("...i,...i->...", [(4, 2, 3, 7), (5, 3, 7)]), ("ab...c,...c", [(1, 2, 4, 2, 3, 7), (5, 3, 7)]),
    ("...i...->i", [(2, 3)]), ("i j 1", [(2, 3)]), ("i--> i", [(2,)]), ("...ii->...i", [(2, 3, 3)]),
    ("a...b,b...->a...", [(2, 3, 4), (4, 3)]), ("ij,jk->ik", [(2, 0), (0, 3)]), ("ij->i", [(2, 0)]),
]


@pytest.mark.parametrize("eq,shapes", EINSUM_CASES)
@pytest.mark.parametrize("grad", [False, True])
def test_einsum(eq, shapes, grad):
    args = [pair(ints(s, "float64"), grad) for s in shapes]
    # (torch lays out a contraction's result in its internal bmm order; only views are compared)
    r, t = same_outcome(lambda: tl.einsum(eq, *[a for a, _ in args]),
                        lambda: torch.einsum(eq, *[b for _, b in args]), strides=len(shapes) == 1)
    if t is None:
        return
    if grad:
        assert r.grad_fn.name_() == type(t.grad_fn).__name__
        g = ints(t.shape, "float64")
        r.backward(tl.tensor(g))
        t.backward(torch.tensor(g))
        for (a, ta) in args:
            same(a.grad, ta.grad, strides=False)


def test_einsum_views_share_memory():
    for eq, shape in [("ij->ji", (2, 3)), ("ij->ij", (2, 3)), ("ii->i", (3, 3))]:
        x, tx = pair(ints(shape))
        r, t = tl.einsum(eq, x), torch.einsum(eq, tx)
        same(r, t)
        assert np.shares_memory(r._a, x._a)


@pytest.mark.parametrize("dtype", ["int32", "bool", "uint8", "float16", "complex64"])
@pytest.mark.parametrize("eq,shapes", [("ij->j", [(2, 3)]), ("ij->ji", [(2, 3)]), ("ij,jk->ik", [(2, 3), (3, 4)]),
                                       ("i,i->i", [(3,), (3,)]), ("i,i->", [(3,), (3,)])])
def test_einsum_dtypes(dtype, eq, shapes):
    args = [pair(ints(s, dtype)) for s in shapes]
    same_outcome(lambda: tl.einsum(eq, *[a for a, _ in args]),
                 lambda: torch.einsum(eq, *[b for _, b in args]), exact=dtype != "float16", rtol=1e-3,
                 strides=len(shapes) == 1)


def test_einsum_arguments():
    x, tx = pair(ints((2, 3)))
    y, ty = pair(ints((3, 4)))
    v, tv = pair(ints((3,)))
    same_outcome(lambda: tl.einsum("ij,jk->ik", [x, y]), lambda: torch.einsum("ij,jk->ik", [tx, ty]),
                 strides=False)
    same_outcome(lambda: tl.einsum("ij,jk->ik", (x, y)), lambda: torch.einsum("ij,jk->ik", (tx, ty)))
    same_outcome(lambda: tl.einsum(x, [0, 1], y, [1, 2], [0, 2]), lambda: torch.einsum(tx, [0, 1], ty, [1, 2], [0, 2]))
    same_outcome(lambda: tl.einsum(x, [0, 1], v, [1]), lambda: torch.einsum(tx, [0, 1], tv, [1]))
    same_outcome(lambda: tl.einsum(x, [..., 1], v, [1], [...]), lambda: torch.einsum(tx, [..., 1], tv, [1], [...]))
    same_outcome(lambda: tl.einsum(x, [0, 1], [1]), lambda: torch.einsum(tx, [0, 1], [1]))
    same_outcome(lambda: tl.einsum(x, [0, 60]), lambda: torch.einsum(tx, [0, 60]))
    same_outcome(lambda: tl.einsum(3, x), lambda: torch.einsum(3, tx))
    same_outcome(lambda: tl.einsum("i", 3), lambda: torch.einsum("i", 3))
    same_outcome(lambda: tl.einsum("ij"), lambda: torch.einsum("ij"))
    same_outcome(lambda: tl.einsum("i,i", v, [1, 2, 3]), lambda: torch.einsum("i,i", tv, [1, 2, 3]))
    w, tw = pair(ints((3,), "float64"))
    same_outcome(lambda: tl.einsum("i,i", v, w), lambda: torch.einsum("i,i", tv, tw))
    same_outcome(lambda: tl.einsum("i,i,i", v, v, w), lambda: torch.einsum("i,i,i", tv, tv, tw))


def test_einsum_large_contraction_uses_blas_and_is_right():
    a, ta = pair(RNG.standard_normal((64, 128)).astype(np.float32))
    b, tb = pair(RNG.standard_normal((128, 32)).astype(np.float32))
    same(tl.einsum("ij,jk->ik", a, b), torch.einsum("ij,jk->ik", ta, tb), exact=False, rtol=1e-4,
         atol=1e-5, strides=False)


# ---------------------------------------------------------------- gradients
GRAD_CASES = [
    ("mm", [(2, 3), (3, 4)]), ("bmm", [(2, 2, 3), (2, 3, 4)]), ("mv", [(2, 3), (3,)]), ("dot", [(3,), (3,)]),
    ("outer", [(3,), (2,)]), ("matmul", [(3,), (3,)]), ("matmul", [(3,), (3, 4)]), ("matmul", [(2, 3), (3,)]),
    ("matmul", [(5, 2, 3), (3, 4)]), ("matmul", [(2, 3), (5, 3, 4)]), ("matmul", [(5, 2, 3), (5, 3, 4)]),
    ("matmul", [(5, 1, 2, 3), (4, 3, 2)]), ("matmul", [(3,), (5, 3, 4)]), ("matmul", [(5, 2, 3), (3,)]),
    ("matmul", [(3,), (2, 5, 3, 4)]), ("matmul", [(5, 3, 4), (1, 4, 3)]), ("matmul", [(1, 3, 4), (5, 4, 3)]),
    ("addmm", [(2, 2), (2, 3), (3, 2)]), ("addmm", [(2,), (2, 3), (3, 2)]), ("addmm", [(1, 1), (2, 3), (3, 2)]),
]


@pytest.mark.parametrize("name,shapes", GRAD_CASES)
@pytest.mark.parametrize("which", [None, 0, 1])
def test_gradients_match_torch(name, shapes, which):
    """x.grad of each input (float64) for a random output gradient; some inputs without grad."""
    args = [pair(RNG.standard_normal(s), which is None or i == which) for i, s in enumerate(shapes)]
    r = getattr(tl, name)(*[a for a, _ in args])
    t = getattr(torch, name)(*[b for _, b in args])
    assert r.grad_fn.name_() == type(t.grad_fn).__name__
    g = RNG.standard_normal(tuple(t.shape))
    r.backward(tl.tensor(g))
    t.backward(torch.tensor(g))
    for a, ta in args:
        if ta.grad is None:
            assert a.grad is None
        else:
            same(a.grad, ta.grad, exact=False, rtol=1e-12, atol=1e-12, strides=False)


def test_addmm_gradients_with_beta_alpha():
    args = [pair(RNG.standard_normal(s), True) for s in [(2, 1), (2, 3), (3, 2)]]
    r = tl.addmm(*[a for a, _ in args], beta=0.5, alpha=-2.0)
    t = torch.addmm(*[b for _, b in args], beta=0.5, alpha=-2.0)
    g = RNG.standard_normal((2, 2))
    r.backward(tl.tensor(g))
    t.backward(torch.tensor(g))
    for a, ta in args:
        same(a.grad, ta.grad, exact=False, rtol=1e-12, atol=1e-12, strides=False)


def test_second_derivative_through_mm():
    (x, tx), (w, tw) = pair(RNG.standard_normal((2, 3)), True), pair(RNG.standard_normal((3, 4)), True)
    g = RNG.standard_normal((2, 4))
    h = RNG.standard_normal((2, 3))
    gx, = tl.autograd.grad(tl.mm(x * x, w), x, tl.tensor(g), create_graph=True)
    tgx, = torch.autograd.grad(torch.mm(tx * tx, tw), tx, torch.tensor(g), create_graph=True)
    same(gx, tgx, exact=False, rtol=1e-12)
    gw, = tl.autograd.grad(gx, w, tl.tensor(h))
    tgw, = torch.autograd.grad(tgx, tw, torch.tensor(h))
    same(gw, tgw, exact=False, rtol=1e-12)


def numeric_grad(f, arrays, k, eps=1e-6):
    """Central differences of sum(f(*arrays) * weights) with respect to arrays[k]."""
    x = arrays[k]
    out = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        hi = f(*arrays)
        x[idx] = old - eps
        lo = f(*arrays)
        x[idx] = old
        out[idx] = (hi - lo) / (2 * eps)
    return out


FD_CASES = [
    (lambda a, b: tl.mm(a, b), [(2, 3), (3, 2)]),
    (lambda a, b: tl.matmul(a, b), [(2, 1, 2, 3), (3, 3, 2)]),
    (lambda a, b: tl.matmul(a, b), [(3,), (2, 3, 2)]),
    (lambda a, b: tl.matmul(a, b), [(2, 2, 3), (3,)]),
    (lambda a, b: tl.mv(a, b), [(2, 3), (3,)]),
    (lambda a, b: tl.dot(a, b), [(3,), (3,)]),
    (lambda a, b: tl.outer(a, b), [(3,), (2,)]),
    (lambda c, a, b: tl.addmm(c, a, b, beta=0.7, alpha=1.3), [(2,), (2, 3), (3, 2)]),
    (lambda a, b: tl.einsum("ii,ij->j", a, b), [(3, 3), (3, 2)]),
    (lambda a, b: tl.einsum("...i,i->...", a, b), [(2, 2, 3), (3,)]),
    (lambda a: tl.einsum("iji->j", a), [(2, 3, 2)]),
    (lambda a, b, c: tl.einsum("ij,jk,kl->il", a, b, c), [(2, 3), (3, 2), (2, 2)]),
]


@pytest.mark.parametrize("fn,shapes", FD_CASES)
def test_gradcheck_finite_differences(fn, shapes):
    """Analytical gradients against central differences (float64)."""
    arrays = [RNG.standard_normal(s) for s in shapes]
    probe = fn(*[tl.tensor(a) for a in arrays])
    weights = RNG.standard_normal(probe.shape)

    def scalar(*arrs):
        return float((fn(*[tl.tensor(a) for a in arrs])._a * weights).sum())

    leaves = [tl.tensor(a, requires_grad=True) for a in arrays]
    fn(*leaves).backward(tl.tensor(weights))
    for k, leaf in enumerate(leaves):
        np.testing.assert_allclose(leaf.grad._a, numeric_grad(scalar, arrays, k), rtol=1e-6, atol=1e-8)


# ---------------------------------------------------------------- speed-related behaviour
def test_large_float32_matmul_values():
    a, ta = pair(RNG.standard_normal((300, 200)).astype(np.float32))
    b, tb = pair(RNG.standard_normal((200, 100)).astype(np.float32))
    same(a @ b, ta @ tb, exact=False, rtol=1e-4, atol=1e-4)
    # transposed operands go to BLAS as they are: same values as torch
    same(tl.mm(tl.from_numpy(b._a.T), tl.from_numpy(a._a.T)), torch.mm(tb.t(), ta.t()),
         exact=False, rtol=1e-4, atol=1e-4)


def test_no_grad_results_have_no_history():
    (x, _), (w, _) = pair(ints((2, 3)), True), pair(ints((3, 2)), True)
    with tl.no_grad():
        r = x @ w
    assert r.grad_fn is None and not r.requires_grad
    r = tl.mm(x, w)
    assert r.requires_grad and r.grad_fn.name_() == "MmBackward0"


_LINALG_ALIASES = {
    "det": lambda L, A, B: L.det(A), "Tdet": lambda L, A, B: A.det(),
    "inverse": lambda L, A, B: L.inverse(A), "Tinverse": lambda L, A, B: A.inverse(),
    "slogdet": lambda L, A, B: L.slogdet(A), "logdet": lambda L, A, B: L.logdet(A),
    "Tlogdet": lambda L, A, B: (A @ A.T).logdet(), "pinverse": lambda L, A, B: L.pinverse(B),
    "pinverse_rcond": lambda L, A, B: B.pinverse(0.5), "matrix_power": lambda L, A, B: A.matrix_power(3),
    "matrix_power_neg": lambda L, A, B: L.matrix_power(A, -2), "matrix_exp": lambda L, A, B: A.matrix_exp(),
}


@pytest.mark.parametrize("name", list(_LINALG_ALIASES))
def test_torch_level_linalg_aliases(name):
    """torch.det, torch.inverse, Tensor.logdet ... : values, return type, grad_fn, gradient."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 3)), rng.standard_normal((4, 3))
    out = []
    for L in (torch, tl):
        A, B = L.tensor(a, requires_grad=True), L.tensor(b, requires_grad=True)
        r = _LINALG_ALIASES[name](L, A, B)
        t = r[1] if isinstance(r, tuple) else r
        t.sum().backward()
        out.append((type(r).__name__, t.grad_fn.name(), t.detach().numpy(),
                    A.grad.numpy() if A.grad is not None else None,
                    B.grad.numpy() if B.grad is not None else None))
    (tn, tg, tv, ta, tb), (ln, lg, lv, la, lb) = out
    assert (ln, lg) == (tn, tg)
    np.testing.assert_allclose(lv, tv, rtol=1e-10, atol=1e-12)
    for x, y in ((la, ta), (lb, tb)):
        assert (x is None) == (y is None)
        if x is not None:
            np.testing.assert_allclose(x, y, rtol=1e-9, atol=1e-11)


def test_logdet_special_values():
    for m in ([[-1.0, 0], [0, 1]], [[0.0, 0], [0, 0]]):
        assert str(tl.logdet(tl.tensor(m))) == str(torch.logdet(torch.tensor(m)))
