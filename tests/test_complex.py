"""Complex tensors: real/imag views and setters, view_as_real/view_as_complex, complex, polar,
angle, conj and friends, checked against real torch (values, dtype, strides, storage offset,
memory sharing, printed form, grad_fn names, gradients of real losses, errors)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

import torchless as tl

Z = np.array([[1 + 2j, 3 - 1j, 0j], [0.5j, 2 + 0j, -1.5 - 2.5j]])
CDT = ["complex64", "complex128"]


def lib_tensor(lib, a, dtype=None, rg=False):
    t = torch.from_numpy(np.array(a)) if lib is torch else tl.tensor(np.array(a))
    if dtype is not None:
        t = t.to(getattr(lib, dtype))
    if rg:
        t.requires_grad_(True)
    return t


def same(r1, r2):
    """r1 (torch) and r2 (torchless) agree in values, dtype, shape, strides and offset."""
    assert isinstance(r2, tl.Tensor)
    assert str(r1.dtype) == str(r2.dtype)
    assert tuple(r1.shape) == tuple(r2.shape)
    assert r1.stride() == r2.stride()
    assert r1.storage_offset() == r2.storage_offset()
    np.testing.assert_array_equal(r1.detach().resolve_conj().numpy(), r2.detach().numpy())
    assert repr(r1.detach().resolve_conj()) == repr(r2.detach())


def both(fn, *arrays, dtype=None):
    t = fn(torch, *[lib_tensor(torch, a, dtype) for a in arrays])
    s = fn(tl, *[lib_tensor(tl, a, dtype) for a in arrays])
    return t, s


def raises_same(fn, *args):
    with pytest.raises(Exception) as e1:
        fn(torch, *args(torch))
    with pytest.raises(Exception) as e2:
        fn(tl, *args(tl))
    assert type(e1.value) is type(e2.value)
    assert str(e1.value) == str(e2.value)


# ---------------------------------------------------------------- views
VIEWS = {
    "real": lambda L, x: x.real,
    "imag": lambda L, x: x.imag,
    "torch.real": lambda L, x: L.real(x),
    "torch.imag": lambda L, x: L.imag(x),
    "real_of_slice": lambda L, x: x[:, 1:].real,
    "imag_of_t": lambda L, x: x.t().imag,
    "imag_of_row": lambda L, x: x[1].imag,
    "imag_0dim": lambda L, x: x[1, 2].imag,
    "view_as_real": lambda L, x: L.view_as_real(x),
    "view_as_real_slice": lambda L, x: L.view_as_real(x[:, ::2]),
    "view_as_real_t": lambda L, x: L.view_as_real(x.t()),
    "view_as_real_0dim": lambda L, x: L.view_as_real(x[0, 1]),
    "roundtrip": lambda L, x: L.view_as_complex(L.view_as_real(x)),
    "vac_of_real_slice": lambda L, x: L.view_as_complex(L.view_as_real(x)[1:]),
    "real_of_vac": lambda L, x: L.view_as_complex(L.view_as_real(x[1:])).real,
    "empty": lambda L, x: L.view_as_real(x[:0]),
}


@pytest.mark.parametrize("dtype", CDT)
@pytest.mark.parametrize("name", VIEWS)
def test_views_match_and_share_memory(name, dtype):
    fn = VIEWS[name]
    xt, xs = lib_tensor(torch, Z, dtype), lib_tensor(tl, Z, dtype)
    rt, rs = fn(torch, xt), fn(tl, xs)
    same(rt, rs)
    if rt.numel():
        # a write through the view reaches the base, and a write to the base the view
        rt.fill_(7) if not rt.is_complex() else rt.fill_(7 - 1j)
        rs.fill_(7) if not rs.is_complex() else rs.fill_(7 - 1j)
        same(xt, xs)
        xt.mul_(2)
        xs.mul_(2)
        same(rt, rs)
        assert rs._base is xs


def test_real_of_real_is_self_and_imag_raises():
    for lib in (torch, tl):
        f = lib.tensor([1.0, 2.0])
        assert f.real is f and lib.real(f) is f
        assert f.conj() is f and lib.conj(f) is f and f.resolve_conj() is f
        assert f.resolve_neg() is f and f.conj_physical() is f and f.conj_physical_() is f
        assert not f.is_conj() and not f.is_neg() and not lib.is_conj(f)
    raises_same(lambda L, f: f.imag, lambda L: (L.tensor([1.0, 2.0]),))
    raises_same(lambda L, f: L.imag(f), lambda L: (L.tensor([1, 2]),))
    raises_same(lambda L, f: L.real(f), lambda L: (1.0,))
    raises_same(lambda L, f: L.angle(f), lambda L: (1.0,))


def test_setters():
    for value in ("tensor", "scalar", "broadcast"):
        out = []
        for L in (torch, tl):
            x = lib_tensor(L, Z, "complex64")
            v = {"tensor": L.tensor([[5.0, 6, 7], [8, 9, 10]]), "scalar": 2.5,
                 "broadcast": L.tensor([1.0, -1, 0.5])}[value]
            x.real = v
            x.imag = v if value != "tensor" else v * 2
            out.append(x)
        same(*out)
    for L in (torch, tl):
        f = L.tensor([1.0, 2.0])
        f.real = L.tensor([3.0, 4.0])
        assert f.tolist() == [3.0, 4.0]
    raises_same(lambda L, x: setattr(x, "real", L.tensor([1.0, 2, 3, 4])),
                lambda L: (lib_tensor(L, Z),))
    raises_same(lambda L, x: setattr(x, "imag", L.tensor([1.0, 2])),
                lambda L: (L.tensor([1.0, 2]),))


def test_setter_records_copy_slices():
    res = []
    for L in (torch, tl):
        w = L.zeros(3, dtype=L.complex64, requires_grad=True).clone()
        v = L.tensor([1.0, 2, 3], requires_grad=True)
        w.real = v
        assert w.grad_fn.name() == "torch::autograd::CopySlices"
        (w * (1 + 2j)).imag.sum().backward()
        res.append(v.grad.numpy())
    np.testing.assert_allclose(res[0], res[1])


ERRORS = [
    lambda L: L.view_as_complex(L.tensor([1.0, 2.0])[0]),
    lambda L: L.view_as_complex(L.zeros(3, 3)),
    lambda L: L.view_as_complex(L.zeros(2, 4)[:, ::2]),
    lambda L: L.view_as_complex(L.zeros(2, 2).t()),
    lambda L: L.view_as_complex(L.zeros(3, 3)[:, :2]),
    lambda L: L.view_as_complex(L.zeros(4)[1:3]),
    lambda L: L.view_as_complex(L.zeros(2, 2, dtype=L.int64)),
    lambda L: L.view_as_complex(L.zeros((), dtype=L.int64)),
    lambda L: L.view_as_real(L.tensor([1.0, 2.0])),
    lambda L: L.complex(L.zeros(2), L.zeros(2, dtype=L.float64)),
    lambda L: L.complex(L.zeros(2, dtype=L.int64), L.zeros(3, dtype=L.float64)),
    lambda L: L.complex(L.zeros(2, dtype=L.bool), L.zeros(2, dtype=L.bool)),
    lambda L: L.complex(L.zeros(2), L.zeros(3)),
    lambda L: L.complex(1.0, L.zeros(3)),
    lambda L: L.polar(L.zeros(2), L.zeros(3)),
    lambda L: L.polar(L.zeros(2, dtype=L.int32), L.zeros(2, dtype=L.int32)),
    lambda L: L.adjoint(L.zeros(2)),
    lambda L: L.zeros(3).mH,
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors(i):
    raises_same(lambda L: ERRORS[i](L), lambda L: ())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_view_as_complex_layouts(dtype):
    a = np.arange(24.0).reshape(3, 4, 2)
    for fn in (lambda L, x: L.view_as_complex(x), lambda L, x: L.view_as_complex(x[1:, ::2]),
               lambda L, x: L.view_as_complex(x.reshape(12, 2)[2:]),
               lambda L, x: L.view_as_complex(x[:0]),
               lambda L, x: L.view_as_complex(x.transpose(0, 1))):
        rt, rs = both(fn, a, dtype=dtype)
        same(rt, rs)


# ---------------------------------------------------------------- complex / polar / angle
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_complex_and_polar(dtype):
    a = np.array([[1.0, 0.0, -2.0, np.inf], [0.5, -0.0, 3.0, np.nan]])
    b = np.array([0.3, -1.0, 2.0, 0.0])
    for fn in (lambda L, x, y: L.complex(x, y), lambda L, x, y: L.complex(y, x),
               lambda L, x, y: L.polar(x, y), lambda L, x, y: L.polar(x[:, :1], y)):
        rt, rs = both(fn, a, b, dtype=dtype)
        assert str(rt.dtype) == str(rs.dtype) and rt.stride() == rs.stride()
        np.testing.assert_allclose(rt.numpy(), rs.numpy(), rtol=1e-6, atol=1e-7)
        assert repr(rt) == repr(rs)


ANGLE_IN = {
    "float32": [1.0, -1.0, 0.0, -0.0, np.nan, np.inf, -np.inf, -1e-30],
    "float64": [1.0, -1.0, 0.0, -0.0, np.nan, np.inf, -np.inf, -1e-300],
    "float16": [1.0, -2.0, 0.0, -0.0, np.nan],
    "int64": [1, -1, 0],
    "bool": [True, False],
    "complex64": list(Z.ravel()) + [complex(np.nan, 1), complex(-1, -0.0), complex(-1, 0.0)],
    "complex128": list(Z.ravel()) + [complex(np.inf, 1), complex(-np.inf, np.inf)],
}


@pytest.mark.parametrize("dtype", ANGLE_IN)
def test_angle(dtype):
    a = np.array(ANGLE_IN[dtype], dtype=dtype)
    rt, rs = torch.angle(torch.from_numpy(a)), tl.angle(tl.tensor(a))
    assert str(rt.dtype) == str(rs.dtype)
    np.testing.assert_allclose(rt.numpy(), rs.numpy(), rtol=2e-7)
    assert repr(rt) == repr(rs)
    assert repr(torch.from_numpy(a).angle()) == repr(tl.tensor(a).angle())


# ---------------------------------------------------------------- conj
@pytest.mark.parametrize("dtype", CDT)
def test_conj_values(dtype):
    for fn in (lambda L, x: x.conj(), lambda L, x: L.conj(x), lambda L, x: x.conj_physical(),
               lambda L, x: L.conj_physical(x), lambda L, x: x.t().conj(),
               lambda L, x: x.mH, lambda L, x: x.adjoint(), lambda L, x: L.adjoint(x),
               lambda L, x: x.H, lambda L, x: x.conj().resolve_conj(),
               lambda L, x: x.resolve_neg(), lambda L, x: x.conj().real):
        rt, rs = both(fn, Z, dtype=dtype)
        same(rt, rs)
    out = []
    for L in (torch, tl):
        x = lib_tensor(L, Z, dtype)
        assert x.conj_physical_() is x
        out.append(x)
    same(*out)


# ---------------------------------------------------------------- autograd
def _grads(fn, arrays, dtype=None):
    res = []
    for L in (torch, tl):
        ts = [lib_tensor(L, a, dtype, rg=True) for a in arrays]
        out = fn(L, *ts)
        names = []
        f = out.grad_fn
        while f is not None and f.next_functions:
            names.append(f.name())
            f = f.next_functions[0][0]
        out.sum().backward()
        res.append((names, [t.grad for t in ts]))
    (n1, g1), (n2, g2) = res
    assert n1 == n2
    for a, b in zip(g1, g2):
        assert str(a.dtype) == str(b.dtype)
        np.testing.assert_allclose(a.resolve_conj().numpy(), b.numpy(), rtol=1e-5, atol=1e-6)


A = np.array([[1.0, 0.0, -2.0], [0.5, 3.0, -0.25]])
B = np.array([[0.3, 1.0, 2.0], [-1.0, 0.0, 4.0]])
M = np.array([[1 + 2j, 3 - 1j], [0.5j, 2]])
GRADS = {
    "real": (lambda L, z: z.real * 3, [Z]),
    "imag": (lambda L, z: z.imag ** 2, [Z]),
    "view_as_real": (lambda L, z: L.view_as_real(z) * L.tensor([1.0, 2.0], dtype=z.real.dtype), [Z]),
    "view_as_complex": (lambda L, a: (L.view_as_complex(a) * (1 - 2j)).imag,
                        [np.arange(12.0).reshape(3, 2, 2)]),
    "abs": (lambda L, z: z.abs(), [Z]),
    "angle": (lambda L, z: z.angle(), [Z]),
    "angle_real": (lambda L, a: a.angle(), [A]),
    "conj": (lambda L, z: (z.conj() * (2 + 1j)).real, [Z]),
    "conj_physical": (lambda L, z: (z.conj_physical() * (2 + 1j)).imag, [Z]),
    "complex": (lambda L, a, b: (L.complex(a, b) * (1 + 3j)).abs(), [A, B]),
    "complex_bcast": (lambda L, a, b: (L.complex(a[:1], b) * 1j).real, [A, B]),
    "polar": (lambda L, a, b: L.view_as_real(L.polar(a, b)), [A, B]),
    "polar_abs": (lambda L, a, b: (L.polar(a, b) * (1 - 1j)).abs(), [A + 1, B]),
    "mul_div": (lambda L, z, w: (z * w / (w + 3)).imag, [Z, Z[::-1] + 1]),
    "mm_adjoint": (lambda L, m: (m.adjoint() @ m).real + (m @ m.mH).imag, [M]),
    "angle_of_product": (lambda L, z: (z * z.conj() * 1j).angle(), [Z + 1]),
}


@pytest.mark.parametrize("name", GRADS)
def test_gradients(name):
    fn, arrays = GRADS[name]
    _grads(fn, arrays)


def test_grad_fn_names():
    for L in (torch, tl):
        z = lib_tensor(L, M, rg=True)
        a = L.tensor([1.0, 2.0], requires_grad=True)
        names = [z.real.grad_fn.name(), z.imag.grad_fn.name(),
                 z.real.grad_fn.next_functions[0][0].name(),
                 L.view_as_real(z).grad_fn.name(), z.conj().grad_fn.name(),
                 z.conj_physical().grad_fn.name(), z.angle().grad_fn.name(), z.abs().grad_fn.name(),
                 z.mH.grad_fn.name(), z.adjoint().grad_fn.next_functions[0][0].name(),
                 L.complex(a, a).grad_fn.name(), L.polar(a, a).grad_fn.name(),
                 L.view_as_complex(L.stack([a, a], -1)).grad_fn.name(), a.angle().grad_fn.name()]
        if L is torch:
            expected = names
        else:
            assert names == expected


_HOLO = ['exp', 'exp2', 'expm1', 'log', 'log2', 'log10', 'log1p', 'sqrt', 'rsqrt', 'sin', 'cos',
         'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh', 'sigmoid', 'acosh', 'asinh',
         'atanh', 'reciprocal', 'pow_scalar', 'pow_tensor', 'scalar_pow', 'mul', 'div']


@pytest.mark.parametrize("name", _HOLO)
def test_complex_gradients_follow_torchs_convention(name):
    """For complex z torch's gradient is g * conj(f'(z)) (conjugate Wirtinger): checked on a
    real loss of a complex result, for every holomorphic elementwise op."""
    out = []
    for L in (torch, tl):
        L.manual_seed(0)
        z = (L.randn(4, dtype=L.complex128) * 0.5 + 0.3).requires_grad_()
        w = (L.randn(4, dtype=L.complex128) * 0.3 + 1).requires_grad_()
        f = {"pow_scalar": lambda: z ** 2.5, "pow_tensor": lambda: z ** w,
             "scalar_pow": lambda: 2.0 ** z, "mul": lambda: z * w, "div": lambda: z / w}.get(
            name, lambda: getattr(L, name)(z))
        r = f()
        (r.real * 1.3 - r.imag * 0.7).sum().backward()
        out.append((r.grad_fn.name(), z.grad.numpy(), None if w.grad is None else w.grad.numpy()))
    assert out[1][0] == out[0][0]
    np.testing.assert_allclose(out[1][1], out[0][1], rtol=1e-12, atol=1e-14)
    if out[0][2] is not None:
        np.testing.assert_allclose(out[1][2], out[0][2], rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("dt", ["complex64", "complex128"])
def test_complex_random_factories(dt):
    """rand / randn / uniform_ / normal_ on complex dtypes draw torch's numbers (the real view,
    randn with std 1/sqrt(2))."""
    out = []
    for L in (torch, tl):
        d = getattr(L, dt)
        L.manual_seed(0)
        out.append([L.rand(3, dtype=d).tolist(), L.randn(5, dtype=d).tolist(),
                    L.randn(20, dtype=d).tolist(), L.empty(4, dtype=d).uniform_(-1, 2).tolist(),
                    L.empty(20, dtype=d).normal_(1.0, 2.0).tolist(),
                    L.randn_like(L.zeros(3, dtype=d)).tolist()])
    assert out[1] == out[0]
