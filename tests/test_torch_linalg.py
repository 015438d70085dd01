"""torch.linalg against real torch 2.13: values, dtypes, shapes, strides, grad_fn names,
gradients (torch's, and a float64 finite-difference gradcheck), torch's errors and messages.

Decompositions are unique only up to signs, and NumPy's LAPACK and torch's may choose
differently, so qr/svd/eigh are compared through what does not depend on the choice:
reconstruction, orthogonality, singular values / eigenvalues, |entries|, and the gradient of
sign-invariant functions of the factors."""
import math
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import torchless as tl
from torchless.autograd import gradcheck, gradgradcheck

rng = np.random.default_rng(2024)
INF, NAN = math.inf, math.nan


def _well(shape, dtype=np.float64):
    """Well-conditioned square matrices (a random matrix plus n times the identity)."""
    n = shape[-1]
    return (rng.standard_normal(shape) + n * np.eye(n)).astype(dtype)


def _spd(shape, dtype=np.float64):
    a = rng.standard_normal(shape)
    return (a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])).astype(dtype)


INPUTS = {
    "sq": _well((3, 3)),
    "sq32": _well((4, 4), np.float32),
    "bsq": _well((2, 3, 3)),
    "bsq32": _well((2, 1, 3, 3), np.float32),
    "spd": _spd((3, 3)),
    "bspd": _spd((2, 4, 4)),
    "spd32": _spd((3, 3), np.float32),
    "rect": rng.standard_normal((3, 5)),
    "tall": rng.standard_normal((5, 3)),
    "brect": rng.standard_normal((2, 3, 4)),
    "btall32": rng.standard_normal((2, 4, 3)).astype(np.float32),
    "x3d": rng.standard_normal((2, 3, 4)).astype(np.float32),
    "x3d64": rng.standard_normal((2, 3, 4)),
    "v3": rng.standard_normal(3),
    "v4": rng.standard_normal(4).astype(np.float32),
    "bv3": rng.standard_normal((2, 3)),
    "rhs": rng.standard_normal((3, 2)),
    "brhs": rng.standard_normal((2, 3, 2)),
    "rhs5": rng.standard_normal((5, 2)),
    "b5": rng.standard_normal(5),
    "bbrhs": rng.standard_normal((4, 1, 3, 2)),
    "sing": np.array([[1.0, 2.0], [2.0, 4.0]]),
    "sing3": np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]]),
    "zeros": np.zeros((3, 3)),
    "bsing": np.stack([np.eye(3), np.array([[1.0, 1, 1], [0, 0, 0], [0, 0, 0]])]),
    "notpd": np.array([[1.0, 2.0], [2.0, 1.0]]),
    "bnotpd": np.stack([np.eye(3), -np.eye(3)]),
    "int": np.arange(9).reshape(3, 3),
    "int2": np.array([[2, 1], [1, 3]]),
    "ivec": np.array([1, 2, 3]),
    "half": np.eye(3, dtype=np.float16),
    "bool": np.array([True, False]),
    "empty": np.zeros((0, 0)),
    "bempty": np.zeros((2, 0, 0)),
    "e03": np.zeros((0, 3), np.float32),
    "c64": (rng.standard_normal((3, 3)) + 1j * rng.standard_normal((3, 3))
            + 3 * np.eye(3)).astype(np.complex64),
    "nanm": np.array([[NAN, 1.0], [1.0, 1.0]]),
    "rank1": np.ones((3, 4)),
    "ties": np.array([[1.0, -2.0, 0.0], [2.0, 1.0, -1.0], [0.0, 1.0, 2.0]]),
    "scalar": np.array(-3.0, np.float32),
}


def pair(name, requires_grad=False):
    a = INPUTS[name]
    return tl.tensor(a, requires_grad=requires_grad), torch.tensor(a, requires_grad=requires_grad)


def run(expr, names, requires_grad=False):
    """Evaluate expr in both libraries with x, y, z bound to the named inputs; an exception
    is returned as the result."""
    out = []
    args = [pair(n, requires_grad) for n in names]
    for k, lib in enumerate((tl, torch)):
        env = {"torch": lib, "L": lib.linalg, "inf": INF, "nan": NAN}
        env.update(zip("xyz", (a[k] for a in args)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                out.append(eval(expr, env))
            except Exception as e:  # noqa: BLE001  (compared with torch's below)
                out.append(e)
    return out[0], out[1], args


def tol(dtype):
    """float64: tight; float32: torch.testing's tolerance, a little wider for the
    decompositions two LAPACK builds round differently."""
    return (1e-10, 1e-12) if str(dtype) in ("torch.float64", "torch.complex128") else (2e-5, 2e-5)


def same(r, t, strides=False):
    """torchless result r matches torch's t: type, dtype, shape, (strides), values."""
    if isinstance(t, tuple):
        assert repr(type(r)) == repr(type(t))      # torch.return_types.linalg_...
        assert isinstance(r, tuple) and len(r) == len(t)
        for a, b in zip(r, t):
            same(a, b, strides)
        return
    if not isinstance(t, torch.Tensor):
        assert r == t
        return
    assert isinstance(r, tl.Tensor), r
    assert str(r.dtype) == str(t.dtype)
    assert tuple(r.shape) == tuple(t.shape)
    if strides and t.numel() > 1:
        assert r.stride() == t.stride()
    got, want = r.detach()._a, t.detach().numpy()
    if t.dtype.is_floating_point or t.dtype.is_complex:
        rt, at = tol(t.dtype)
        np.testing.assert_allclose(got, want, rtol=rt, atol=at, equal_nan=True)
    else:
        np.testing.assert_array_equal(got, want)


def same_error(e1, e2):
    assert isinstance(e1, Exception), f"torch raised {type(e2).__name__}: {e2}; torchless gave {e1}"
    assert type(e1).__name__ == type(e2).__name__, (e1, e2)
    assert str(e1) == str(e2)
    if isinstance(e2, torch.linalg.LinAlgError):
        assert isinstance(e1, tl.linalg.LinAlgError) and isinstance(e1, RuntimeError)


# ---------------------------------------------------------------- the namespace
def test_namespace():
    assert tl.linalg.__name__ == "torchless.linalg"
    import torchless.linalg as L
    assert L is tl.linalg
    for name in L.__all__:
        assert hasattr(torch.linalg, name), name
    assert tl.linalg.matmul is tl.matmul
    assert issubclass(tl.linalg.LinAlgError, RuntimeError)
    assert tl.linalg.LinAlgError.__name__ == torch.linalg.LinAlgError.__name__ == "_LinAlgError"
    assert "linalg" in dir(tl)
    # the matrix products stay in the torch namespace
    assert tl.mm is not None and tl.bmm is not None and tl.einsum is not None


def test_import_is_lazy():
    import subprocess
    import sys
    code = "import sys, torchless; print('torchless.linalg' in sys.modules)"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.stdout.strip() == "False", r.stderr


# ---------------------------------------------------------------- values
VALUES = [
    # norms
    ("L.vector_norm(x)", ["x3d"]), ("L.vector_norm(x, 1)", ["x3d"]),
    ("L.vector_norm(x, 0.5, dim=(0, 2))", ["x3d"]), ("L.vector_norm(x, 3, 1, True)", ["x3d"]),
    ("L.vector_norm(x, inf, dim=-1)", ["x3d"]), ("L.vector_norm(x, -inf)", ["x3d"]),
    ("L.vector_norm(x, 0)", ["ties"]), ("L.vector_norm(x, -1, dim=[0, 1])", ["x3d"]),
    ("L.vector_norm(x, dim=())", ["x3d"]), ("L.vector_norm(x, dtype=torch.float64)", ["x3d"]),
    ("L.vector_norm(x)", ["half"]), ("L.vector_norm(x)", ["c64"]), ("L.vector_norm(x)", ["e03"]),
    ("L.vector_norm(x, inf, dim=1)", ["e03"]), ("L.vector_norm(x, True)", ["x3d"]),
    ("L.vector_norm(x, torch.tensor(3.0))", ["x3d"]), ("L.vector_norm(x)", ["scalar"]),
    ("L.vector_norm(x, 2, 0)", ["scalar"]),
    ("L.matrix_norm(x)", ["x3d"]), ("L.matrix_norm(x, 'nuc')", ["x3d"]),
    ("L.matrix_norm(x, 2)", ["x3d"]), ("L.matrix_norm(x, -2)", ["x3d"]),
    ("L.matrix_norm(x, 1)", ["x3d"]), ("L.matrix_norm(x, -1)", ["x3d"]),
    ("L.matrix_norm(x, inf)", ["x3d"]), ("L.matrix_norm(x, -inf)", ["x3d"]),
    ("L.matrix_norm(x, 2.0, dim=(2, 0), keepdim=True)", ["x3d"]),
    ("L.matrix_norm(x, 'nuc', dim=(2, 0), keepdim=True)", ["x3d"]),
    ("L.matrix_norm(x, 1, dim=(2, 0))", ["x3d"]), ("L.matrix_norm(x, -inf, (0, 1), True)", ["x3d"]),
    ("L.matrix_norm(x, inf, dim=(-1, 0))", ["x3d"]),
    ("L.matrix_norm(x, -1, keepdim=True)", ["x3d"]),
    ("L.matrix_norm(x, dtype=torch.float64)", ["x3d"]),
    ("L.matrix_norm(x, 2, dtype=torch.float64)", ["x3d"]),
    ("L.matrix_norm(x, 'nuc', dtype=torch.float64)", ["x3d"]),
    ("L.matrix_norm(x, 1, dtype=torch.float64)", ["x3d"]),
    ("L.matrix_norm(x)", ["half"]), ("L.matrix_norm(x, 1)", ["half"]),
    ("L.matrix_norm(x, 1)", ["e03"]), ("L.matrix_norm(x, 2)", ["e03"]),
    ("L.matrix_norm(x, inf)", ["e03"]), ("L.matrix_norm(x, 'nuc')", ["e03"]),
    ("L.norm(x)", ["x3d"]), ("L.norm(x, 2, dim=1)", ["x3d"]), ("L.norm(x, 2, dim=(1, 2))", ["x3d"]),
    ("L.norm(x, dim=(0, 1))", ["x3d"]), ("L.norm(x, 3)", ["v4"]), ("L.norm(x, 'fro')", ["sq"]),
    ("L.norm(x, 1)", ["sq"]), ("L.norm(x, -2)", ["sq"]), ("L.norm(x, 'nuc')", ["sq"]),
    ("L.norm(x, inf, dim=[1], keepdim=True)", ["x3d"]), ("L.norm(x)", ["scalar"]),
    ("L.norm(x, dtype=torch.float64)", ["x3d"]), ("L.norm(x, dim=-1)", ["c64"]),
    ("L.cond(x)", ["sq"]), ("L.cond(x, 2)", ["bsq"]), ("L.cond(x, -2)", ["rect"]),
    ("L.cond(x, 1)", ["sq"]), ("L.cond(x, -1)", ["bsq"]), ("L.cond(x, inf)", ["sq32"]),
    ("L.cond(x, -inf)", ["sq"]), ("L.cond(x, 'fro')", ["bsq"]), ("L.cond(x, 'nuc')", ["sq"]),
    ("L.cond(x, 1)", ["sing"]), ("L.cond(x, 'fro')", ["zeros"]), ("L.cond(x, inf)", ["nanm"]),
    ("L.cond(x)", ["empty"]), ("L.cond(x, 1)", ["bempty"]), ("L.cond(x)", ["tall"]),
    # products
    ("L.matmul(x, y)", ["sq", "rhs"]), ("L.vecdot(x, y)", ["x3d", "x3d"]),
    ("L.vecdot(x, y, dim=0)", ["x3d64", "x3d64"]), ("L.vecdot(x, y)", ["c64", "c64"]),
    ("L.vecdot(x, y)", ["bv3", "v3"]),
    ("L.cross(x, y)", ["bsq", "bsq"]), ("L.cross(x, y, dim=0)", ["rhs", "rhs"]),
    ("L.cross(x, y)", ["int", "int"]), ("L.cross(x, y)", ["bsq", "bsq"]),
    ("L.multi_dot([x, y])", ["sq", "rhs"]), ("L.multi_dot([x, x, y])", ["sq", "rhs"]),
    ("L.multi_dot((y.mT, x, x, y))", ["sq", "rhs"]),
    ("L.multi_dot([z, x, z])", ["sq", "rhs", "v3"]),
    ("L.multi_dot([z, z])", ["sq", "rhs", "v3"]), ("L.multi_dot([z, x, y])", ["sq", "rhs", "v3"]),
    ("L.multi_dot([x, y, y.mT, x, x])", ["sq", "rhs"]), ("L.multi_dot([x, x])", ["int", "int"]),
    ("L.diagonal(x)", ["bsq"]), ("L.diagonal(x, offset=1)", ["rect"]),
    ("L.diagonal(x, offset=-2, dim1=0, dim2=2)", ["x3d"]), ("L.diagonal(x, offset=9)", ["sq"]),
    ("L.matrix_power(x, 0)", ["bsq"]), ("L.matrix_power(x, 1)", ["sq"]),
    ("L.matrix_power(x, 2)", ["sq"]), ("L.matrix_power(x, 3)", ["bsq"]),
    ("L.matrix_power(x, 6)", ["sq32"]), ("L.matrix_power(x, -1)", ["bsq"]),
    ("L.matrix_power(x, -3)", ["sq"]), ("L.matrix_power(x, 3)", ["int"]),
    ("L.matrix_power(x, 0)", ["int"]), ("L.matrix_power(x, 2)", ["empty"]),
    ("L.vander(x)", ["v3"]), ("L.vander(x, N=5)", ["v4"]), ("L.vander(x)", ["ivec"]),
    ("L.vander(x, N=2)", ["bv3"]),
    # inverses, determinants, solves
    ("L.inv(x)", ["sq"]), ("L.inv(x)", ["bsq32"]), ("L.inv(x)", ["empty"]),
    ("L.inv(x)", ["bempty"]),
    ("L.inv(x)", ["c64"]), ("L.inv_ex(x)", ["bsq"]), ("L.inv_ex(x).info", ["bsing"]),
    ("L.inv_ex(x).info", ["sing"]), ("L.inv_ex(x)[0][0]", ["bsing"]),
    ("L.det(x)", ["bsq"]), ("L.det(x)", ["sq32"]), ("L.det(x)", ["sing"]), ("L.det(x)", ["empty"]),
    ("L.det(x)", ["bempty"]), ("L.det(x)", ["c64"]),
    ("L.slogdet(x)", ["bsq"]), ("L.slogdet(x)", ["sq32"]), ("L.slogdet(x)", ["zeros"]),
    ("L.slogdet(-x)", ["sq"]), ("L.slogdet(x)", ["empty"]),
    ("L.solve(x, y)", ["sq", "rhs"]), ("L.solve(x, y)", ["bsq", "brhs"]),
    ("L.solve(x, y)", ["sq", "v3"]), ("L.solve(x, y)", ["bsq", "v3"]),
    ("L.solve(x, y)", ["bsq", "bv3"]),
    ("L.solve(x, y)", ["bsq", "bbrhs"]), ("L.solve(x, y.mT, left=False)", ["sq", "rhs"]),
    ("L.solve(x, y)", ["sq", "rect"]), ("L.solve(x, y)", ["bsq", "x3d64"]),
    ("L.solve(x, y.mT, left=False)", ["bsq", "x3d64"]),
    ("L.solve(x, y.mT, left=False)", ["bsq", "bbrhs"]), ("L.solve(x, x)", ["bsq32"]),
    ("L.solve(x, y[:1], left=False)", ["bsq", "bv3"]), ("L.solve(x, y)", ["empty", "empty"]),
    ("L.solve_ex(x, y)", ["bsq", "brhs"]), ("L.solve_ex(x, y.mT, left=False)", ["sq", "rhs"]),
    ("L.solve_ex(x, x).info", ["bsing"]), ("L.solve(x, x)", ["c64"]),
    ("L.pinv(x)", ["rect"]), ("L.pinv(x)", ["btall32"]), ("L.pinv(x)", ["sing"]),
    ("L.pinv(x, hermitian=True)", ["spd"]), ("L.pinv(x, atol=0.5)", ["sing3"]),
    ("L.pinv(x, rtol=0.5)", ["sq"]), ("L.pinv(x, 0.5)", ["sq"]), ("L.pinv(x, rcond=0.5)", ["bsq"]),
    ("L.pinv(x)", ["e03"]), ("L.pinv(x, atol=torch.tensor([0.5, 5.0]))", ["brect"]),
    ("L.matrix_rank(x)", ["bsq"]), ("L.matrix_rank(x)", ["sing3"]), ("L.matrix_rank(x)", ["rank1"]),
    ("L.matrix_rank(x, hermitian=True)", ["spd"]), ("L.matrix_rank(x, atol=3.0)", ["sq"]),
    ("L.matrix_rank(x, rtol=0.5)", ["bsq"]), ("L.matrix_rank(x, 2.0)", ["sq"]),
    ("L.matrix_rank(x)", ["e03"]), ("L.matrix_rank(x)", ["zeros"]),
    ("L.lstsq(x, y)", ["tall", "rhs5"]), ("L.lstsq(x, y, driver='gelsd')", ["tall", "rhs5"]),
    ("L.lstsq(x, y, driver='gelss')", ["tall", "rhs5"]),
    ("L.lstsq(x, y, driver='gels')", ["tall", "rhs5"]),
    ("L.lstsq(x, y)", ["tall", "b5"]), ("L.lstsq(x, y, driver='gelsd')", ["tall", "b5"]),
    ("L.lstsq(x, y)", ["rect", "rhs"]), ("L.lstsq(x, y, driver='gelsd')", ["brect", "brhs"]),
    ("L.lstsq(x, y, rcond=0.5, driver='gelsd')", ["sq", "rhs"]),
    ("L.lstsq(x, y, driver='gelsd')", ["sing3", "rhs"]),
    ("L.lstsq(x, y, driver='gelss')", ["sing3", "rhs"]),
    ("L.lstsq(x, y[..., :2])", ["btall32", "btall32"]),
    ("L.matrix_exp(x)", ["sq"]), ("L.matrix_exp(x * 5)", ["bsq"]), ("L.matrix_exp(x)", ["sq32"]),
    ("L.matrix_exp(x)", ["empty"]), ("L.matrix_exp(x)", ["zeros"]),
    ("L.matrix_exp(x / 4)", ["c64"]),
    # decompositions: the sign-free parts
    ("L.cholesky(x)", ["spd"]), ("L.cholesky(x)", ["bspd"]),
    ("L.cholesky(x, upper=True)", ["bspd"]),
    ("L.cholesky(x)", ["spd32"]), ("L.cholesky(x)", ["empty"]), ("L.cholesky_ex(x)", ["bspd"]),
    ("L.cholesky_ex(x)", ["notpd"]), ("L.cholesky_ex(x).info", ["bnotpd"]),
    ("L.cholesky_ex(x, upper=True).info", ["notpd"]),
    ("L.svdvals(x)", ["brect"]), ("L.svdvals(x)", ["btall32"]), ("L.svdvals(x)", ["e03"]),
    ("L.svd(x).S", ["rect"]), ("L.svd(x, full_matrices=False)[1]", ["btall32"]),
    ("L.eigvalsh(x)", ["bspd"]), ("L.eigvalsh(x, UPLO='U')", ["sq"]), ("L.eigvalsh(x)", ["spd32"]),
    ("L.eigh(x).eigenvalues", ["sq"]), ("L.eigh(x, 'U')[0]", ["bsq"]),
    ("L.qr(x, mode='r')", ["rect"]), ("L.qr(x, mode='r')[1].abs()", ["btall32"]),
    ("L.qr(x).R.abs()", ["brect"]), ("L.qr(x, 'complete').Q.abs()", ["tall"]),
]


@pytest.mark.parametrize("expr,names", VALUES, ids=[f"{e}-{n}" for e, n in VALUES])
def test_values(expr, names):
    r, t, _ = run(expr, names)
    if isinstance(t, Exception):
        same_error(r, t)
    else:
        assert not isinstance(r, Exception), f"torchless raised {type(r).__name__}: {r}"
        same(r, t)


# the LAPACK outputs are column-major per matrix in torch; torchless lays them out the same
STRIDES = [
    ("L.inv(x)", ["bsq"]), ("L.inv(x)", ["sq"]), ("L.inv_ex(x)", ["bsq"]),
    ("L.solve(x, y)", ["bsq", "brhs"]), ("L.solve(x, y.mT, left=False)", ["sq", "rhs"]),
    ("L.cholesky(x)", ["bspd"]), ("L.cholesky(x, upper=True)", ["bspd"]),
    ("L.qr(x)", ["brect"]), ("L.qr(x)", ["btall32"]), ("L.qr(x, 'complete')", ["tall"]),
    ("L.svdvals(x)", ["brect"]), ("L.eigvalsh(x)", ["bspd"]), ("L.pinv(x)", ["brect"]),
    ("L.matrix_exp(x)", ["bsq"]), ("L.matrix_power(x, 3)", ["bsq"]),
    ("L.matrix_power(x, 0)", ["bsq"]),
    ("L.matrix_power(x, -1)", ["bsq"]), ("L.cross(x, y)", ["bsq", "bsq"]), ("L.vander(x)", ["bv3"]),
    ("L.lstsq(x, y, driver='gelsd').solution", ["brect", "brhs"]),
    ("L.lstsq(x, y).solution", ["tall", "rhs5"]),
    ("L.diagonal(x, offset=-2, dim1=0, dim2=2)", ["x3d"]), ("L.diagonal(x, offset=1)", ["bsq"]),
]


@pytest.mark.parametrize("expr,names", STRIDES, ids=[f"{e}-{n}" for e, n in STRIDES])
def test_layout(expr, names):
    r, t, _ = run(expr, names)
    rs = r if isinstance(r, tuple) else (r,)
    ts = t if isinstance(t, tuple) else (t,)
    for a, b in zip(rs, ts):
        if b.numel() > 1:
            assert a.stride() == b.stride(), (a.stride(), b.stride())
            assert a.is_contiguous() == b.is_contiguous()


def test_diagonal_is_a_view():
    x, tx = pair("bsq")
    x, tx = x.clone(), tx.clone()
    d, td = tl.linalg.diagonal(x, offset=1), torch.linalg.diagonal(tx, offset=1)
    assert d.storage_offset() == td.storage_offset()
    d.mul_(0)
    td.mul_(0)
    np.testing.assert_array_equal(x._a, tx.numpy())


# ---------------------------------------------------------------- decompositions: invariants
def _np(t):
    return t.detach()._a if isinstance(t, tl.Tensor) else t.detach().numpy()


@pytest.mark.parametrize("name", ["rect", "tall", "brect", "btall32", "sq", "e03"])
@pytest.mark.parametrize("full", [True, False])
def test_svd_invariants(name, full):
    x, tx = pair(name)
    u, s, vh = tl.linalg.svd(x, full_matrices=full)
    tu, ts, tvh = torch.linalg.svd(tx, full_matrices=full)
    for a, b in ((u, tu), (s, ts), (vh, tvh)):
        assert tuple(a.shape) == tuple(b.shape) and str(a.dtype) == str(b.dtype)
        if b.numel() > 1:
            assert a.stride() == b.stride()
    rt, at = tol(tx.dtype)
    np.testing.assert_allclose(_np(s), _np(ts), rtol=rt, atol=at)
    k = s.shape[-1]
    a = INPUTS[name]
    rec = (_np(u)[..., :k] * _np(s)[..., None, :]) @ _np(vh)[..., :k, :]
    np.testing.assert_allclose(rec, a, rtol=rt * 10, atol=at * 10)
    for q in (_np(u), np.swapaxes(_np(vh), -1, -2)):
        eye = np.swapaxes(q, -1, -2) @ q
        np.testing.assert_allclose(eye, np.broadcast_to(np.eye(eye.shape[-1]), eye.shape),
                                   atol=at * 10)
    # singular vectors agree up to sign (the singular values here are distinct)
    np.testing.assert_allclose(np.abs(_np(u)[..., :k]), np.abs(_np(tu)[..., :k]), rtol=rt * 100,
                               atol=at * 100)


@pytest.mark.parametrize("name,mode", [("rect", "reduced"), ("tall", "reduced"),
                                       ("tall", "complete"), ("brect", "complete"),
                                       ("btall32", "reduced"), ("sq", "reduced"),
                                       ("e03", "reduced")])
def test_qr_invariants(name, mode):
    x, tx = pair(name)
    q, r = tl.linalg.qr(x, mode)
    tq, tr = torch.linalg.qr(tx, mode)
    for a, b in ((q, tq), (r, tr)):
        assert tuple(a.shape) == tuple(b.shape) and str(a.dtype) == str(b.dtype)
    rt, at = tol(tx.dtype)
    np.testing.assert_allclose(_np(q) @ _np(r), INPUTS[name], rtol=rt * 10, atol=at * 10)
    np.testing.assert_allclose(np.triu(_np(r)), _np(r))
    np.testing.assert_allclose(np.abs(_np(r)), np.abs(_np(tr)), rtol=rt * 10, atol=at * 10)
    eye = np.swapaxes(_np(q), -1, -2) @ _np(q)
    np.testing.assert_allclose(eye, np.broadcast_to(np.eye(eye.shape[-1]), eye.shape), atol=at * 10)


@pytest.mark.parametrize("name,uplo", [("spd", "L"), ("bspd", "U"), ("sq", "L"), ("sq", "U"),
                                       ("spd32", "L"), ("empty", "L")])
def test_eigh_invariants(name, uplo):
    x, tx = pair(name)
    w, v = tl.linalg.eigh(x, uplo)
    tw, tv = torch.linalg.eigh(tx, uplo)
    rt, at = tol(tx.dtype)
    same(w, tw)
    assert tuple(v.shape) == tuple(tv.shape) and str(v.dtype) == str(tv.dtype)
    if tv.numel() > 1:
        assert v.stride() == tv.stride()
    a = INPUTS[name]
    sym = np.tril(a) + np.swapaxes(np.tril(a, -1), -1, -2) if uplo == "L" else \
        np.triu(a) + np.swapaxes(np.triu(a, 1), -1, -2)
    rec = (_np(v) * _np(w)[..., None, :]) @ np.swapaxes(_np(v), -1, -2)
    np.testing.assert_allclose(rec, sym, rtol=rt * 10, atol=at * 10)
    np.testing.assert_allclose(np.abs(_np(v)), np.abs(_np(tv)), rtol=rt * 100, atol=at * 100)


# ---------------------------------------------------------------- errors
ERRORS = [
    ("L.vector_norm(x)", ["int"]), ("L.vector_norm(x, 'fro')", ["x3d"]),
    ("L.vector_norm(x, None)", ["x3d"]), ("L.vector_norm(x, 2 + 0j)", ["x3d"]),
    ("L.vector_norm(x, -inf)", ["empty"]), ("L.vector_norm(x, inf, dim=0)", ["e03"]),
    ("L.vector_norm(x, dtype=torch.float16)", ["x3d"]),
    ("L.vector_norm(x, dtype=torch.int64)", ["x3d"]),
    ("L.vector_norm(x, dim=3)", ["x3d"]), ("L.vector_norm(x, dim=(0, 0))", ["x3d"]),
    ("L.matrix_norm(x)", ["v4"]), ("L.matrix_norm(x, 3)", ["x3d"]),
    ("L.matrix_norm(x, 3.5)", ["x3d"]),
    ("L.matrix_norm(x, 0)", ["x3d"]), ("L.matrix_norm(x, 'abc')", ["x3d"]),
    ("L.matrix_norm(x, nan)", ["x3d"]), ("L.matrix_norm(x, dim=0)", ["x3d"]),
    ("L.matrix_norm(x, dim=(0, 1, 2))", ["x3d"]), ("L.matrix_norm(x, dim=(1, -2))", ["x3d"]),
    ("L.matrix_norm(x, 'nuc', dim=(1, 1))", ["x3d"]), ("L.matrix_norm(x)", ["int"]),
    ("L.matrix_norm(x, 1)", ["int"]), ("L.matrix_norm(x, dtype=torch.int64)", ["x3d"]),
    ("L.matrix_norm(x, 2)", ["half"]), ("L.matrix_norm(x, 'nuc')", ["half"]),
    ("L.norm(x, 2)", ["x3d"]), ("L.norm(x, 'fro')", ["x3d"]), ("L.norm(x, 2)", ["scalar"]),
    ("L.norm(x, 'fro', dim=1)", ["x3d"]), ("L.norm(x, 'nuc')", ["v4"]),
    ("L.norm(x, dim=(0, 1, 2))", ["x3d"]), ("L.norm(x, 3)", ["sq"]), ("L.norm(x)", ["int"]),
    ("L.cond(x)", ["v4"]), ("L.cond(x, 3)", ["sq"]), ("L.cond(x, 'abc')", ["sq"]),
    ("L.cond(x, 0.5)", ["sq"]), ("L.cond(x)", ["int"]), ("L.cond(x, 1)", ["int"]),
    ("L.cond(x, 'fro')", ["rect"]), ("L.cond(x, inf)", ["rect"]), ("L.cond(x, 'nuc')", ["rect"]),
    ("L.cond(x, 1)", ["half"]), ("L.cond(x)", ["half"]), ("L.cond(x)", ["nanm"]),
    ("L.vecdot(x, y)", ["v3", "v4"]), ("L.vecdot(x, y)", ["v4", "v3"]),
    ("L.vecdot(x, y.float())", ["v3", "v3"]), ("L.vecdot(x, y)", ["int", "int"]),
    ("L.vecdot(x, y)", ["bsq", "brect"]),
    ("L.cross(x, y)", ["rhs", "rhs"]), ("L.cross(x, y)", ["bsq", "v3"]),
    ("L.cross(x, y)", ["bsq", "x3d64"]), ("L.cross(x, y.float())", ["sq", "sq"]),
    ("L.cross(x, y, dim=2)", ["sq", "sq"]),
    ("L.multi_dot([x])", ["sq"]), ("L.multi_dot([])", ["sq"]),
    ("L.multi_dot([y, x])", ["sq", "bsq"]),
    ("L.multi_dot([x, y])", ["sq", "bsq"]), ("L.multi_dot([x, y, x])", ["sq", "v3"]),
    ("L.multi_dot([y, x])", ["sq", "rhs"]), ("L.multi_dot([x, y.float()])", ["sq", "sq"]),
    ("L.multi_dot([x, y, y])", ["sq", "rhs"]),
    ("L.diagonal(x)", ["v3"]), ("L.diagonal(x, dim1=1, dim2=-2)", ["x3d"]),
    ("L.matrix_power(x, 2)", ["rect"]), ("L.matrix_power(x, 2)", ["v3"]),
    ("L.matrix_power(x, 2.0)", ["sq"]), ("L.matrix_power(x, -1)", ["int"]),
    ("L.matrix_power(x, -1)", ["sing"]), ("L.matrix_power(x, -2)", ["bsing"]),
    ("L.vander(x)", ["bool"]), ("L.vander(x)", ["scalar"]), ("L.vander(x, N=1)", ["v3"]),
    ("L.inv(x)", ["sing"]), ("L.inv(x)", ["zeros"]), ("L.inv(x)", ["bsing"]),
    ("L.inv(x)", ["rect"]),
    ("L.inv(x)", ["v3"]), ("L.inv(x)", ["int"]), ("L.inv(x)", ["half"]), ("L.inv(x)", ["ivec"]),
    ("L.inv_ex(x, check_errors=True)", ["bsing"]), ("L.inv_ex(x)", ["rect"]),
    ("L.det(x)", ["rect"]), ("L.det(x)", ["v3"]), ("L.det(x)", ["int"]), ("L.det(x)", ["half"]),
    ("L.slogdet(x)", ["int"]), ("L.slogdet(x)", ["half"]), ("L.slogdet(x)", ["rect"]),
    ("L.solve(x, y)", ["sing", "sing"]), ("L.solve(x, y)", ["bsing", "v3"]),
    ("L.solve(x, y)", ["sq", "b5"]), ("L.solve(x, y)", ["sq", "tall"]),
    ("L.solve(x, y)", ["rect", "v3"]), ("L.solve(x, y)", ["int", "int"]),
    ("L.solve(x, y)", ["ivec", "ivec"]), ("L.solve(x, y)", ["v3", "v3"]),
    ("L.solve(x.float(), y)", ["sq", "rhs"]), ("L.solve(x, y)", ["half", "half"]),
    ("L.solve(x, y, left=False)", ["sq", "v3"]), ("L.solve(x, y, left=False)", ["bsq", "bv3"]),
    ("L.solve(x, y, left=False)", ["sq", "rhs"]), ("L.solve(x, y, left=False)", ["bsq", "x3d64"]),
    ("L.solve(x, y)", ["bsq", "rhs5"]),
    ("L.solve_ex(x, y, check_errors=True)", ["bsing", "v3"]),
    ("L.cholesky(x)", ["notpd"]), ("L.cholesky(x)", ["bnotpd"]), ("L.cholesky(-x)", ["spd"]),
    ("L.cholesky(x)", ["rect"]), ("L.cholesky(x)", ["int"]), ("L.cholesky(x)", ["half"]),
    ("L.cholesky(x)", ["v3"]), ("L.cholesky(x, upper=True)", ["notpd"]),
    ("L.cholesky_ex(x, check_errors=True)", ["bnotpd"]), ("L.cholesky(x)", ["nanm"]),
    ("L.qr(x)", ["int"]), ("L.qr(x)", ["half"]), ("L.qr(x)", ["v3"]), ("L.qr(x, mode='x')", ["sq"]),
    ("L.svd(x)", ["int"]), ("L.svd(x)", ["half"]), ("L.svd(x)", ["v3"]), ("L.svd(x)", ["nanm"]),
    ("L.svdvals(x)", ["int"]), ("L.svdvals(x)", ["nanm"]), ("L.svd(x, driver='gesvd')", ["sq"]),
    ("L.svdvals(x, driver='gesvd')", ["sq"]),
    ("L.diagonal(x, 1)", ["sq"]), ("L.vander(x, 4)", ["v3"]),
    ("L.eigh(x)", ["rect"]), ("L.eigh(x)", ["int"]), ("L.eigh(x)", ["half"]), ("L.eigh(x)", ["v3"]),
    ("L.eigh(x, UPLO='X')", ["sq"]), ("L.eigvalsh(x)", ["int"]),
    ("L.pinv(x)", ["int"]), ("L.pinv(x)", ["v3"]), ("L.pinv(x)", ["half"]), ("L.pinv(x)", ["nanm"]),
    ("L.matrix_rank(x)", ["int"]), ("L.matrix_rank(x)", ["v3"]), ("L.matrix_rank(x)", ["half"]),
    ("L.lstsq(x, y)", ["int", "int"]), ("L.lstsq(x, y)", ["v3", "v3"]),
    ("L.lstsq(x, y.float())", ["tall", "rhs5"]), ("L.lstsq(x, y)", ["tall", "v3"]),
    ("L.lstsq(x, y)", ["tall", "rhs"]), ("L.lstsq(x, y, driver='foo')", ["tall", "rhs5"]),
    ("L.lstsq(x, y)", ["tall", "bbrhs"]),
    ("L.matrix_exp(x)", ["int"]), ("L.matrix_exp(x)", ["rect"]), ("L.matrix_exp(x)", ["v3"]),
]


@pytest.mark.parametrize("expr,names", ERRORS, ids=[f"{e}-{n}" for e, n in ERRORS])
def test_errors(expr, names):
    r, t, _ = run(expr, names)
    assert isinstance(t, Exception), f"torch returned {t!r}"
    same_error(r, t)


# ---------------------------------------------------------------- gradients
def _grad_fn_names(r):
    rs = r if isinstance(r, tuple) else (r,)
    return [None if o.grad_fn is None else o.grad_fn.name().replace("torch::autograd::", "")
            for o in rs]


GRADS = [
    # (expression giving the tensor(s) to differentiate, inputs, run gradcheck)
    ("L.vector_norm(x)", ["x3d64"], True), ("L.vector_norm(x, 1, dim=1)", ["x3d64"], True),
    ("L.vector_norm(x, inf, dim=(0, 2))", ["x3d64"], True),
    ("L.vector_norm(x, 0.5, dim=-1, keepdim=True)", ["x3d64"], True),
    ("L.matrix_norm(x)", ["x3d64"], True), ("L.matrix_norm(x, 'nuc')", ["x3d64"], True),
    ("L.matrix_norm(x, 2)", ["x3d64"], True),
    ("L.matrix_norm(x, -2, keepdim=True)", ["x3d64"], True),
    ("L.matrix_norm(x, 1)", ["x3d64"], True),
    ("L.matrix_norm(x, -inf, dim=(2, 0))", ["x3d64"], True),
    ("L.matrix_norm(x, 'nuc', dim=(0, 2), keepdim=True)", ["x3d64"], True),
    ("L.matrix_norm(x, inf, keepdim=True)", ["x3d64"], True),
    ("L.norm(x, 'fro')", ["sq"], True), ("L.norm(x, 2, dim=0)", ["sq"], True),
    ("L.cond(x)", ["sq"], True), ("L.cond(x, -2)", ["bsq"], True),
    ("L.cond(x, 'nuc')", ["sq"], True),
    ("L.vecdot(x, y)", ["x3d64", "x3d64"], True), ("L.cross(x, y)", ["bsq", "bsq"], True),
    ("L.multi_dot([x, y])", ["sq", "rhs"], True),
    ("L.multi_dot([z, x, y])", ["sq", "rhs", "v3"], True),
    ("L.multi_dot([x, x, x, y])", ["sq", "rhs"], True),
    ("L.diagonal(x, offset=1)", ["bsq"], True),
    ("L.matrix_power(x, 0)", ["bsq"], False), ("L.matrix_power(x, 1)", ["sq"], True),
    ("L.matrix_power(x, 2)", ["sq"], True), ("L.matrix_power(x, 3)", ["bsq"], True),
    ("L.matrix_power(x, -1)", ["sq"], True), ("L.matrix_power(x, -3)", ["bsq"], True),
    ("L.vander(x)", ["v3"], True), ("L.vander(x, N=4)", ["bv3"], True),
    ("L.inv(x)", ["bsq"], True), ("L.inv_ex(x)", ["sq"], True), ("L.det(x)", ["bsq"], True),
    ("L.slogdet(x)", ["bsq"], True), ("L.slogdet(-x)", ["sq"], True),
    ("L.solve(x, y)", ["sq", "rhs"], True), ("L.solve(x, y)", ["bsq", "v3"], True),
    ("L.solve(x, y)", ["bsq", "bbrhs"], True), ("L.solve(x, y, left=False)", ["bsq", "sq"], True),
    ("L.solve_ex(x, y)", ["bsq", "bv3"], True),
    ("L.solve(x, y.mT, left=False)", ["sq", "brhs"], True),
    ("L.pinv(x)", ["brect"], True), ("L.pinv(x)", ["tall"], True), ("L.pinv(x)", ["sq"], True),
    ("L.pinv(x + x.mT, hermitian=True)", ["spd"], True),
    ("L.lstsq(x, y)", ["tall", "rhs5"], True), ("L.lstsq(x, y)", ["rect", "rhs"], True),
    ("L.lstsq(x, y, driver='gelsd')[:2]", ["tall", "rhs5"], True),
    ("L.lstsq(x, y, driver='gels')[:2]", ["tall", "b5"], True),
    ("L.matrix_exp(x)", ["bsq"], True), ("L.matrix_exp(x / 3)", ["sq"], True),
    ("L.cholesky(x @ x.mT + torch.eye(3, dtype=x.dtype))", ["sq"], True),
    ("L.cholesky(x @ x.mT + torch.eye(3, dtype=x.dtype), upper=True)", ["bsq"], True),
    ("L.cholesky_ex(x @ x.mT + torch.eye(3, dtype=x.dtype))", ["sq"], True),
    ("L.cholesky(x)", ["spd"], False), ("L.cholesky(x, upper=True)", ["bspd"], False),
    ("L.eigvalsh(x + x.mT)", ["bsq"], True), ("L.eigvalsh(x, UPLO='U')", ["sq"], False),
    ("L.eigvalsh(x)", ["bsq"], False),
    ("L.svdvals(x)", ["brect"], True), ("L.svdvals(x)", ["tall"], True),
    ("L.qr(x)", ["tall"], True), ("L.qr(x)", ["brect"], True), ("L.qr(x)", ["sq"], True),
    ("L.qr(x, 'complete')", ["rect"], True),
    # sign-invariant functions of the factors
    ("(lambda e: (e[0], e[1] ** 2))(L.eigh(x + x.mT))", ["bsq"], True),
    ("(lambda e: (e[0], e[1] ** 2))(L.eigh(x, 'U'))", ["sq"], False),
    ("(lambda r: (r[0] ** 2, r[1], r[2] ** 2))(L.svd(x, full_matrices=False))", ["brect"], True),
    ("(lambda r: (r[0] ** 2, r[1], r[2] ** 2))(L.svd(x, full_matrices=False))", ["tall"], True),
    ("(lambda r: (r[0] ** 2, r[1], r[2] ** 2))(L.svd(x))", ["sq"], True),
    ("(lambda r: (r[0][..., :3] ** 2, r[1], r[2][..., :3, :] ** 2))(L.svd(x))", ["brect"], True),
    ("(lambda r: (r[0][..., :3] ** 2, r[1]))(L.svd(x))", ["tall"], True),
]


def _weights(outs, seed):
    g = np.random.default_rng(seed)
    return [g.standard_normal(tuple(o.shape)) for o in outs]


@pytest.mark.parametrize("expr,names,check", GRADS, ids=[f"{e}-{n}" for e, n, _ in GRADS])
def test_gradients(expr, names, check):
    r, t, args = run(expr, names, requires_grad=True)
    assert not isinstance(t, Exception), t
    assert not isinstance(r, Exception), f"torchless raised {type(r).__name__}: {r}"
    rs, ts = (r if isinstance(r, tuple) else (r,)), (t if isinstance(t, tuple) else (t,))
    assert _grad_fn_names(rs) == _grad_fn_names(ts)
    for a, b in zip(rs, ts):
        assert str(a.dtype) == str(b.dtype) and tuple(a.shape) == tuple(b.shape)
    pairs = [(a, b) for a, b in zip(rs, ts) if b.requires_grad and b.numel()]
    w = _weights([b for _, b in pairs], 7)
    sum((a * tl.tensor(c)).sum() for (a, _), c in zip(pairs, w)).backward()
    sum((b * torch.tensor(c)).sum() for (_, b), c in zip(pairs, w)).backward()
    for x, tx in args:
        if tx.grad is None:
            assert x.grad is None
            continue
        np.testing.assert_allclose(x.grad._a, tx.grad.numpy(), rtol=1e-8, atol=1e-10)
    if check:
        xs = [tl.tensor(INPUTS[n], requires_grad=True) for n in names]

        def f(*ts_):
            env = {"torch": tl, "L": tl.linalg, "inf": INF}
            env.update(zip("xyz", ts_))
            out = eval(expr, env)
            out = out if isinstance(out, tuple) else (out,)
            return tuple(o for o in out if o.dtype.is_floating_point)   # (not info, rank)
        assert gradcheck(f, xs, eps=1e-6, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("p", [1, -1, INF, "fro"])
def test_cond_gradient_through_the_inverse(p):
    """torch 2.13's cond in these norms cannot be differentiated (its inverse is changed in
    place); torchless's gradient is checked against finite differences instead."""
    x, tx = pair("bsq", True)
    r, t = tl.linalg.cond(x, p), torch.linalg.cond(tx, p)
    assert _grad_fn_names(r) == _grad_fn_names(t) == ["NanToNumBackward0"]
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        t.sum().backward()
    assert gradcheck(lambda a: tl.linalg.cond(a, p), [tl.tensor(INPUTS["bsq"], requires_grad=True)],
                     eps=1e-6, atol=1e-6, rtol=1e-5)


@pytest.mark.parametrize("expr,names", [
    ("L.inv(x)", ["sq"]), ("L.det(x)", ["sq"]), ("L.slogdet(x)[1]", ["sq"]),
    ("L.solve(x, y)", ["sq", "rhs"]),
    ("L.cholesky(x @ x.mT + torch.eye(3, dtype=x.dtype))", ["sq"]),
    ("L.matrix_exp(x / 3)", ["sq"]), ("L.pinv(x)", ["rect"]), ("L.svdvals(x)", ["tall"]),
    ("L.eigvalsh(x + x.mT)", ["sq"]), ("L.qr(x)[1]", ["tall"]), ("L.matrix_norm(x, 2)", ["sq"]),
])
def test_second_derivatives(expr, names):
    """Backward is written in Tensor ops, so create_graph=True differentiates it again."""
    xs = [tl.tensor(INPUTS[n], requires_grad=True) for n in names]

    def f(*ts_):
        env = {"torch": tl, "L": tl.linalg}
        env.update(zip("xyz", ts_))
        return eval(expr, env)
    assert gradgradcheck(f, xs, eps=1e-6, atol=1e-5, rtol=1e-4)
    # and the same second derivative as torch
    ts = [torch.tensor(INPUTS[n], requires_grad=True) for n in names]
    env = {"torch": torch, "L": torch.linalg}
    env.update(zip("xyz", ts))
    t = eval(expr, env)
    r = f(*xs)
    w = _weights([t], 3)[0]
    (g,) = tl.autograd.grad((r * tl.tensor(w)).sum(), xs[0], create_graph=True)
    (tg,) = torch.autograd.grad((t * torch.tensor(w)).sum(), ts[0], create_graph=True)
    (g * g).sum().backward()
    (tg * tg).sum().backward()
    np.testing.assert_allclose(xs[0].grad._a, ts[0].grad.numpy(), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", ["sing", "sing3", "zeros", "bsing"])
def test_det_gradient_of_singular_matrices(name):
    """torch gives 0 for an exactly singular matrix (first order), the adjugate with
    create_graph=True."""
    x, tx = pair(name, True)
    tl.linalg.det(x).sum().backward()
    torch.linalg.det(tx).sum().backward()
    np.testing.assert_allclose(x.grad._a, tx.grad.numpy(), atol=1e-12)
    x, tx = pair(name, True)
    (g,) = tl.autograd.grad(tl.linalg.det(x).sum(), x, create_graph=True)
    (tg,) = torch.autograd.grad(torch.linalg.det(tx).sum(), tx, create_graph=True)
    np.testing.assert_allclose(g._a, tg.detach().numpy(), atol=1e-12)


def test_det_gradient_of_1x1_zero():
    x, tx = tl.tensor([[0.0]], requires_grad=True), torch.tensor([[0.0]], requires_grad=True)
    tl.linalg.det(x).backward()
    torch.linalg.det(tx).backward()
    assert x.grad.tolist() == tx.grad.tolist() == [[1.0]]


@pytest.mark.parametrize("expr,names", [
    ("L.qr(x, mode='r')[1]", ["tall"]), ("L.qr(x, mode='r')[1]", ["rect"]),
    ("L.qr(x, mode='complete')[0]", ["tall"]),
])
def test_gradient_errors(expr, names):
    r, t, _ = run(expr, names, requires_grad=True)
    errs = []
    for out in (r, t):
        try:
            (out * out).sum().backward()
            errs.append(None)
        except Exception as e:  # noqa: BLE001
            errs.append(e)
    same_error(*errs)


# ---------------------------------------------------------------- out= and return types
def test_out_arguments():
    x, tx = pair("bsq")
    o, to = tl.empty(0, dtype=tl.float64), torch.empty(0, dtype=torch.float64)
    assert tl.linalg.inv(x, out=o) is o
    torch.linalg.inv(tx, out=to)
    same(o, to)
    o, to = tl.empty(0), torch.empty(0)
    xs, txs = pair("x3d")
    tl.linalg.vector_norm(xs, dim=1, out=o)
    torch.linalg.vector_norm(txs, dim=1, out=to)
    same(o, to)
    outs = (tl.empty(0, dtype=tl.float64), tl.empty(0, dtype=tl.int32))
    touts = (torch.empty(0, dtype=torch.float64), torch.empty(0, dtype=torch.int32))
    r = tl.linalg.inv_ex(x, out=outs)
    t = torch.linalg.inv_ex(tx, out=touts)
    assert r[0] is outs[0]
    same(r, t)
    x.requires_grad_()
    tx.requires_grad_()
    e1 = e2 = None
    try:
        tl.linalg.det(x, out=tl.empty(2, dtype=tl.float64))
    except RuntimeError as e:
        e1 = e
    try:
        torch.linalg.det(tx, out=torch.empty(2, dtype=torch.float64))
    except RuntimeError as e:
        e2 = e
    same_error(e1, e2)


@pytest.mark.parametrize("expr,names", [
    ("L.inv(x, out=o)", ["sq"]), ("L.inv_ex(x, out=(o, oi))", ["sq"]), ("L.det(x, out=o)", ["sq"]),
    ("L.slogdet(x, out=(o, o2))", ["sq"]), ("L.solve(x, x, out=o)", ["sq"]),
    ("L.solve_ex(x, x, out=(o, oi))", ["sq"]), ("L.cholesky(x, out=o)", ["spd"]),
    ("L.qr(x, out=(o, o2))", ["sq"]), ("L.svd(x, out=(o, o2, o3))", ["sq"]),
    ("L.svdvals(x, out=o)", ["sq"]), ("L.eigh(x, out=(o, o2))", ["spd"]),
    ("L.eigvalsh(x, out=o)", ["spd"]), ("L.pinv(x, out=o)", ["sq"]),
    ("L.vector_norm(x, out=o)", ["sq"]), ("L.vecdot(x, x, out=o)", ["sq"]),
    ("L.cross(x, x, out=o)", ["sq"]), ("L.multi_dot([x, x], out=o)", ["sq"]),
    ("L.matrix_power(x, 2, out=o)", ["sq"]),
])
def test_out_with_grad_is_refused(expr, names):
    """torch names the kernel that refuses out= with an input requiring grad."""
    res = []
    for lib in (tl, torch):
        x = lib.tensor(INPUTS[names[0]], requires_grad=True)
        env = {"L": lib.linalg, "x": x, "o": lib.empty(0, dtype=lib.float64),
               "o2": lib.empty(0, dtype=lib.float64), "o3": lib.empty(0, dtype=lib.float64),
               "oi": lib.empty(0, dtype=lib.int32)}
        try:
            eval(expr, env)
            res.append(None)
        except RuntimeError as e:
            res.append(e)
    same_error(*res)


@pytest.mark.parametrize("expr", ["L.matrix_norm(x, out=o)", "L.matrix_norm(x, 2, out=o)",
                                  "L.norm(x, 1, out=o)", "L.cond(x, out=o)"])
def test_out_of_composites_is_a_copy(expr):
    """matrix_norm, norm and cond copy into out, which then carries the gradient."""
    res = []
    for lib in (tl, torch):
        x = lib.tensor(INPUTS["sq"], requires_grad=True)
        o = lib.empty(0, dtype=lib.float64)
        r = eval(expr, {"L": lib.linalg, "x": x, "o": o})
        assert r is o and o.requires_grad
        o.backward()
        res.append((o, x.grad))
    same(res[0][0], res[1][0])
    assert res[0][0].grad_fn.name().endswith("CopyBackwards")
    same(res[0][1], res[1][1])


def test_return_types_print_like_torch():
    x, tx = pair("sq")
    for fn in ("slogdet", "inv_ex", "cholesky_ex"):
        arg, targ = (x, tx) if fn != "cholesky_ex" else pair("spd")
        r, t = getattr(tl.linalg, fn)(arg), getattr(torch.linalg, fn)(targ)
        assert type(r).__name__ == type(t).__name__
        assert r._fields if hasattr(r, "_fields") else True
        assert repr(r).split("(")[0] == repr(t).split("(")[0]
    q = tl.linalg.qr(x)
    assert q.Q is q[0] and q.R is q[1]
    r = tl.linalg.lstsq(*pair("tall")[:1], pair("rhs5")[0])
    assert r.solution is r[0] and r.singular_values is r[3]
    u = tl.linalg.svd(x)
    assert u.U is u[0] and u.S is u[1] and u.Vh is u[2]
    e = tl.linalg.eigh(pair("spd")[0])
    assert e.eigenvalues is e[0] and e.eigenvectors is e[1]


# ---------------------------------------------------------------- random shapes
@settings(max_examples=25, deadline=None)
@given(batch=st.lists(st.integers(1, 3), max_size=2), n=st.integers(1, 4), k=st.integers(1, 3),
       seed=st.integers(0, 2 ** 31))
def test_batched_shapes(batch, n, k, seed):
    g = np.random.default_rng(seed)
    a = g.standard_normal(tuple(batch) + (n, n)) + n * np.eye(n)
    b = g.standard_normal(tuple(batch[1:]) + (n, k))
    x, tx = tl.tensor(a), torch.tensor(a)
    y, ty = tl.tensor(b), torch.tensor(b)
    for fn in ("inv", "det", "slogdet", "matrix_exp", "svdvals", "eigvalsh", "pinv"):
        same(getattr(tl.linalg, fn)(x), getattr(torch.linalg, fn)(tx))
    same(tl.linalg.solve(x, y), torch.linalg.solve(tx, ty))
    spd = a @ np.swapaxes(a, -1, -2) + np.eye(n)
    same(tl.linalg.cholesky(tl.tensor(spd)), torch.linalg.cholesky(torch.tensor(spd)))
    same(tl.linalg.matrix_norm(x, 2), torch.linalg.matrix_norm(tx, 2))
    same(tl.linalg.matrix_power(x, n), torch.linalg.matrix_power(tx, n))
