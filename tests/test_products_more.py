"""addmv, addr, baddbmm, addbmm, chain_matmul, dist, renorm, vdot, trapezoid family,
torch.cross and histogram against real torch: values, dtypes, grad_fn names, gradients,
errors and warnings."""
import warnings

import numpy as np
import pytest
import torch

import torchless as tl

RNG = np.random.default_rng(7)


def arr(shape, dtype="float64"):
    if dtype.startswith("int"):
        return RNG.integers(-4, 5, size=shape).astype(dtype)
    if dtype.startswith("complex"):
        return (RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)).astype(dtype)
    return RNG.standard_normal(shape).astype(dtype)


def pair(a, rg=False):
    return tl.tensor(a, requires_grad=rg), torch.tensor(a, requires_grad=rg)


def close(r, t, tol=None):
    assert str(r.dtype) == str(t.dtype), (r.dtype, t.dtype)
    assert tuple(r.shape) == tuple(t.shape)
    want = t.detach().numpy()
    if tol is None:
        tol = 1e-5 if t.dtype in (torch.float32, torch.complex64) else 1e-12
    np.testing.assert_allclose(r.detach().numpy() if hasattr(r, "detach") else r._a, want,
                               rtol=tol, atol=tol)


def same_error(f_tl, f_t):
    with pytest.raises(Exception) as e2:
        f_t()
    with pytest.raises(type(e2.value)) as e1:
        f_tl()
    assert str(e1.value) == str(e2.value)


def grads_match(fn, shapes, dtype="float64", **kw):
    """fn(module, *tensors): values, grad_fn name and gradients agree."""
    arrays = [arr(s, dtype) for s in shapes]
    tls = [tl.tensor(a, requires_grad=True) for a in arrays]
    tts = [torch.tensor(a, requires_grad=True) for a in arrays]
    r, t = fn(tl, *tls), fn(torch, *tts)
    close(r, t)
    assert r.grad_fn.name() == t.grad_fn.name()
    g = arr(tuple(t.shape), dtype)
    r.backward(tl.tensor(g))
    t.backward(torch.tensor(g))
    for a, b in zip(tls, tts):
        close(a.grad, b.grad)


# ---------------------------------------------------------------- fused products
FUSED = {
    "addmv": (lambda m, c, a, b, **k: m.addmv(c, a, b, **k), [(3,), (3, 4), (4,)]),
    "addmv_b": (lambda m, c, a, b, **k: m.addmv(c, a, b, **k), [(1,), (3, 4), (4,)]),
    "addr": (lambda m, c, a, b, **k: m.addr(c, a, b, **k), [(3, 4), (3,), (4,)]),
    "addr_b": (lambda m, c, a, b, **k: m.addr(c, a, b, **k), [(4,), (3,), (4,)]),
    "baddbmm": (lambda m, c, a, b, **k: m.baddbmm(c, a, b, **k), [(2, 3, 5), (2, 3, 4), (2, 4, 5)]),
    "baddbmm_b": (lambda m, c, a, b, **k: m.baddbmm(c, a, b, **k), [(3, 1), (2, 3, 4), (2, 4, 5)]),
    "addbmm": (lambda m, c, a, b, **k: m.addbmm(c, a, b, **k), [(3, 5), (2, 3, 4), (2, 4, 5)]),
    "addbmm_b": (lambda m, c, a, b, **k: m.addbmm(c, a, b, **k), [(5,), (2, 3, 4), (2, 4, 5)]),
}


@pytest.mark.parametrize("name", list(FUSED))
@pytest.mark.parametrize("beta,alpha", [(1, 1), (0.5, 2), (0, 1), (2, 0), (-1.5, 0.25)])
def test_fused_grad(name, beta, alpha):
    f, shapes = FUSED[name]
    grads_match(lambda m, *x: f(m, *x, beta=beta, alpha=alpha), shapes)


@pytest.mark.parametrize("name", list(FUSED))
@pytest.mark.parametrize("dtype", ["float32", "int64", "complex128"])
def test_fused_dtypes(name, dtype):
    f, shapes = FUSED[name]
    arrays = [arr(s, dtype) for s in shapes]
    for beta, alpha in ((1, 1), (2, 3), (0, 1)):
        r = f(tl, *[tl.tensor(a) for a in arrays], beta=beta, alpha=alpha)
        t = f(torch, *[torch.tensor(a) for a in arrays], beta=beta, alpha=alpha)
        close(r, t)


@pytest.mark.parametrize("name", list(FUSED))
def test_beta_zero_ignores_nan(name):
    f, shapes = FUSED[name]
    arrays = [arr(s) for s in shapes]
    arrays[0][...] = np.nan
    r = f(tl, *[tl.tensor(a) for a in arrays], beta=0)
    t = f(torch, *[torch.tensor(a) for a in arrays], beta=0)
    close(r, t)
    assert not np.isnan(r.numpy()).any()


@pytest.mark.parametrize("name", ["addmv", "addr", "baddbmm", "addbmm"])
def test_inplace_and_out(name):
    f, shapes = FUSED[name]
    arrays = [arr(s) for s in shapes]
    a, b = pair(arrays[0])
    getattr(a, name + "_")(tl.tensor(arrays[1]), tl.tensor(arrays[2]), beta=0.5, alpha=2)
    getattr(b, name + "_")(torch.tensor(arrays[1]), torch.tensor(arrays[2]), beta=0.5, alpha=2)
    close(a, b)
    o1, o2 = tl.empty(0, dtype=tl.float64), torch.empty(0, dtype=torch.float64)
    r1 = getattr(tl, name)(*[tl.tensor(x) for x in arrays], out=o1)
    r2 = getattr(torch, name)(*[torch.tensor(x) for x in arrays], out=o2)
    assert r1 is o1
    close(o1, o2)


def test_inplace_grad():
    c = arr((3,))
    m, v = arr((3, 4)), arr((4,))
    x1, x2 = pair(c, True)
    y1 = (x1 * 1).addmv_(tl.tensor(m), tl.tensor(v), alpha=2)
    y2 = (x2 * 1).addmv_(torch.tensor(m), torch.tensor(v), alpha=2)
    assert y1.grad_fn.name() == y2.grad_fn.name()
    y1.sum().backward()
    y2.sum().backward()
    close(x1.grad, x2.grad)


def test_inplace_shape_error():
    same_error(lambda: tl.ones(1).addmv_(tl.ones(3, 4), tl.ones(4)),
               lambda: torch.ones(1).addmv_(torch.ones(3, 4), torch.ones(4)))


ERRORS = [
    lambda m: m.addmv(m.ones(3), m.ones(3, 4), m.ones(5)),
    lambda m: m.addmv(m.ones(2), m.ones(3, 4), m.ones(4)),
    lambda m: m.addmv(m.ones(3), m.ones(3, 4, 1), m.ones(4)),
    lambda m: m.addmv(m.ones(3), m.ones(3, 4), m.ones(4, dtype=m.float64)),
    lambda m: m.addr(m.ones(3, 4), m.ones(3, 1), m.ones(4)),
    lambda m: m.addr(m.ones(3, 5), m.ones(3), m.ones(4)),
    lambda m: m.baddbmm(m.ones(2, 3, 5), m.ones(2, 3, 4), m.ones(2, 5, 5)),
    lambda m: m.baddbmm(m.ones(2, 3, 5), m.ones(3, 4), m.ones(2, 4, 5)),
    lambda m: m.baddbmm(m.ones(2, 3, 6), m.ones(2, 3, 4), m.ones(2, 4, 5)),
    lambda m: m.baddbmm(m.ones(2, 3, 5, dtype=m.float64), m.ones(2, 3, 4), m.ones(2, 4, 5)),
    lambda m: m.baddbmm(m.ones(2, 3, 5), m.ones(3, 3, 4), m.ones(2, 4, 5)),
    lambda m: m.addbmm(m.ones(3, 5), m.ones(2, 3, 4), m.ones(2, 5, 5)),
    lambda m: m.addbmm(m.ones(3, 6), m.ones(2, 3, 4), m.ones(2, 4, 5)),
    lambda m: m.addbmm(m.ones(3, 5, dtype=m.float64), m.ones(2, 3, 4), m.ones(2, 4, 5)),
    lambda m: m.addbmm(m.ones(3, 5), m.ones(3, 3, 4), m.ones(2, 4, 5)),
    lambda m: m.renorm(m.ones(3, 4), -1, 0, 1.),
    lambda m: m.renorm(m.ones(3, 4), 2, 2, 1.),
    lambda m: m.renorm(m.ones(3, 4), 2, 0, -1.),
    lambda m: m.renorm(m.ones(3), 2, 0, 1.),
    lambda m: m.renorm(m.ones(3, 4, dtype=m.int64), 2, 0, 1.),
    lambda m: m.dist(m.arange(3), m.arange(3)),
    lambda m: m.dist(m.ones(3), m.ones(2)),
    lambda m: m.vdot(m.ones(3), m.ones(3, dtype=m.float64)),
    lambda m: m.vdot(m.ones(3), m.ones(2)),
    lambda m: m.vdot(m.ones(3, 2), m.ones(2)),
    lambda m: m.cross(m.ones(2, 4), m.ones(2, 4)),
    lambda m: m.cross(m.ones(3, 4), m.ones(4, 3), dim=0),
    lambda m: m.histogram(m.ones(3, dtype=m.int64), 3),
    lambda m: m.histogram(m.ones(3), 0),
    lambda m: m.histogram(m.ones(3), 3, range=(2., 1.)),
    lambda m: m.histogram(m.tensor([1., float("nan")]), 3),
    lambda m: m.trapezoid(m.ones(3), m.ones(4)),
    lambda m: m.trapezoid(m.ones(3), dim=2),
    lambda m: m.addmv(m.ones(3, dtype=m.bool), m.ones(3, 4, dtype=m.bool), m.ones(4, dtype=m.bool)),
    lambda m: m.addr(m.ones(2, 2, dtype=m.int64), m.ones(2, dtype=m.int64), m.ones(2, dtype=m.int64),
                     alpha=0.5),
    lambda m: m.addr(m.ones(2, 2), m.ones(2), m.ones(2), beta=True),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same_error(lambda: ERRORS[i](tl), lambda: ERRORS[i](torch))


# ---------------------------------------------------------------- chain_matmul
def test_chain_matmul():
    a, b, c = arr((3, 4)), arr((4, 2)), arr((2, 5))
    xs = [pair(x, True) for x in (a, b, c)]
    with pytest.warns(UserWarning) as w1:
        r = tl.chain_matmul(*[x[0] for x in xs])
    with pytest.warns(UserWarning) as w2:
        t = torch.chain_matmul(*[x[1] for x in xs])
    assert str(w2[0].message).startswith(str(w1[0].message))
    close(r, t)
    assert r.grad_fn.name() == t.grad_fn.name()
    r.sum().backward()
    t.sum().backward()
    for x in xs:
        close(x[0].grad, x[1].grad)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        close(tl.chain_matmul(tl.tensor(a)), torch.chain_matmul(torch.tensor(a)))
        same_error(lambda: tl.chain_matmul(), lambda: torch.chain_matmul())
        same_error(lambda: tl.chain_matmul(tl.ones(3)), lambda: torch.chain_matmul(torch.ones(3)))


# ---------------------------------------------------------------- dist, renorm, vdot
def test_dist_p0():
    a, b = arr((3, 4)), arr((4,))
    close(tl.dist(tl.tensor(a), tl.tensor(b), 0), torch.dist(torch.tensor(a), torch.tensor(b), 0))


@pytest.mark.parametrize("p", [2, 1, 3, 0.5, float("inf"), float("-inf")])
def test_dist(p):
    grads_match(lambda m, a, b: m.dist(a, b, p), [(3, 4), (4,)])
    grads_match(lambda m, a, b: a.dist(b, p), [(5,), (5,)])


def test_dist_float32_and_zero():
    a = arr((4,), "float32")
    close(tl.dist(tl.tensor(a), tl.tensor(a * 2)), torch.dist(torch.tensor(a), torch.tensor(a * 2)))
    x1, x2 = pair(a, True)
    r, t = tl.dist(x1, tl.tensor(a)), torch.dist(x2, torch.tensor(a))
    r.backward()
    t.backward()
    close(r, t)
    close(x1.grad, x2.grad)


@pytest.mark.parametrize("p,dim,maxnorm", [(2, 0, 1.0), (1, 1, 0.5), (3, -1, 2.0),
                                           (float("inf"), 0, 0.3), (2, 1, 100.0)])
def test_renorm(p, dim, maxnorm):
    grads_match(lambda m, x: m.renorm(x, p, dim, maxnorm), [(3, 4)])
    grads_match(lambda m, x: x.renorm(p, dim, maxnorm), [(2, 3, 4)])
    a = arr((3, 4), "float32")
    x1, x2 = pair(a)
    x1.renorm_(p, dim, maxnorm)
    x2.renorm_(p, dim, maxnorm)
    close(x1, x2)


@pytest.mark.parametrize("dtype", ["float64", "float32", "complex128", "int64"])
def test_vdot(dtype):
    a, b = arr((5,), dtype), arr((5,), dtype)
    close(tl.vdot(tl.tensor(a), tl.tensor(b)), torch.vdot(torch.tensor(a), torch.tensor(b)))
    close(tl.tensor(a).vdot(tl.tensor(b)), torch.tensor(a).vdot(torch.tensor(b)))
    if dtype != "int64":
        grads_match(lambda m, x, y: m.vdot(x, y), [(5,), (5,)], dtype)


# ---------------------------------------------------------------- trapezoid
@pytest.mark.parametrize("fname", ["trapezoid", "trapz", "cumulative_trapezoid"])
@pytest.mark.parametrize("case", ["plain", "dx", "x1d", "xnd", "dim0"])
def test_trapezoid(fname, case):
    xs = np.sort(arr((4,)))
    xnd = np.sort(arr((3, 4)), axis=-1)

    def f(m, y):
        fn = getattr(m, fname)
        if case == "plain":
            return fn(y)
        if case == "dx":
            return fn(y, dx=0.5)
        if case == "x1d":
            return fn(y, m.tensor(xs))
        if case == "xnd":
            return fn(y, m.tensor(xnd))
        return fn(y.t(), dim=0)
    grads_match(f, [(3, 4)])


def test_trapezoid_int_and_empty():
    for fname in ("trapezoid", "cumulative_trapezoid"):
        a = np.arange(5)
        close(getattr(tl, fname)(tl.tensor(a)), getattr(torch, fname)(torch.tensor(a)))
        close(getattr(tl, fname)(tl.ones(0)), getattr(torch, fname)(torch.ones(0)))


# ---------------------------------------------------------------- cross
def test_cross_default_dim():
    a, b = arr((3, 4)), arr((3, 4))
    import torchless.ops.products_more as pm
    pm._WARNED.clear()
    with warnings.catch_warnings(record=True) as w1:
        warnings.simplefilter("always")
        r = tl.cross(tl.tensor(a, requires_grad=True), tl.tensor(b))
        tl.cross(tl.tensor(a), tl.tensor(b))          # once per process, as torch
    assert len(w1) == 1
    msg = str(w1[0].message)
    assert msg.startswith("Using torch.cross without specifying the dim arg is deprecated.")
    with warnings.catch_warnings(record=True) as w2:
        warnings.simplefilter("always")
        t = torch.cross(torch.tensor(a, requires_grad=True), torch.tensor(b))
    if w2:          # (torch warns once per process)
        assert str(w2[0].message).startswith(msg)
    close(r, t)
    assert r.grad_fn.name() == t.grad_fn.name()
    grads_match(lambda m, x, y: m.cross(x, y, dim=-1), [(2, 3), (2, 3)])
    grads_match(lambda m, x, y: x.cross(y, dim=0), [(3, 2), (3, 2)])


# ---------------------------------------------------------------- histogram
@pytest.mark.parametrize("kw", [{}, {"bins": 5}, {"bins": 4, "range": (-1., 1.)},
                                {"bins": 6, "density": True}, {"bins": 3, "weight": True},
                                {"bins": "tensor"}, {"bins": "tensor", "density": True}])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_histogram(kw, dtype):
    a = arr((40,), dtype)
    kw = dict(kw)
    w = arr((40,), dtype) ** 2 if kw.pop("weight", False) else None
    def run(m):
        k = dict(kw)
        if k.get("bins") == "tensor":
            k["bins"] = m.tensor(np.array([-2., -0.5, 0., 0.1, 1.5], dtype))
        if w is not None:
            k["weight"] = m.tensor(w)
        return m.histogram(m.tensor(a), **k)
    r, t = run(tl), run(torch)
    assert type(r).__name__ == "histogram"
    close(r.hist, t.hist, 1e-5)
    close(r.bin_edges, t.bin_edges, 1e-6)
    h = tl.tensor(a).histogram(3)
    close(h[0], torch.tensor(a).histogram(3)[0])
