"""Conversions and copies (to, float()/long()..., clone, contiguous, detach, requires_grad_,
copy_, cpu/cuda) against real torch: values, dtypes, strides, memory sharing, gradients,
errors."""
import pickle
import warnings

import numpy as np
import pytest
import torch

import torchless as tl
from torchless._tensor import _wrap

RNG = np.random.default_rng(99)

DTYPES = ["float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8", "bool",
          "complex64", "complex128"]


def both(name):
    return getattr(tl, name), getattr(torch, name)


def pair(a, requires_grad=False):
    a = np.asarray(a)
    return tl.tensor(a, requires_grad=requires_grad), torch.tensor(a, requires_grad=requires_grad)


def same(r, t, strides=True):
    assert str(r.dtype) == str(t.dtype)
    assert tuple(r.shape) == tuple(t.shape)
    if strides and t.numel():
        assert r.stride() == t.stride(), (r.stride(), t.stride())
    np.testing.assert_array_equal(r._a, t.detach().numpy())


def outcome(fn):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return fn(), None
    except Exception as e:  # noqa: BLE001
        return None, e


def same_outcome(fn_tl, fn_torch, **kw):
    r, e1 = outcome(fn_tl)
    t, e2 = outcome(fn_torch)
    if e2 is not None:
        assert e1 is not None, f"torch raised {type(e2).__name__}: {e2}"
        assert type(e1) is type(e2) and str(e1) == str(e2), (e1, e2)
        return None, None
    assert e1 is None, f"torchless raised {type(e1).__name__}: {e1}"
    if isinstance(t, torch.Tensor):
        same(r, t, **kw)
    return r, t


# values that exercise every cast rule: truncation, nan/inf, out of range, negative to unsigned
SPECIAL = np.array([1.5, -2.7, np.nan, np.inf, -np.inf, 3e10, -3e10, 300.7, -0.5, 0.0, 65504.0, 1e-8])
INTS = np.array([0, 1, -1, 127, 128, 255, 256, 300, -129, 2**31 + 5, -(2**40), 70000], dtype=np.int64)
COMPLEX = np.array([1 + 2j, -3.5 - 1j, 0j, 1j, np.nan + 0j, 300.7 - 2j])


@pytest.mark.parametrize("src", ["float32", "float64", "float16", "int64", "int32", "int16", "int8",
                                 "uint8", "bool", "complex64", "complex128"])
@pytest.mark.parametrize("dst", DTYPES)
def test_to_dtype_every_pair(src, dst):
    if src.startswith("complex"):
        a = COMPLEX.astype(src)
    elif src.startswith("float"):
        a = SPECIAL.astype(src)
    elif src == "bool":
        a = np.array([True, False, True])
    else:
        a = INTS.astype(src)
    x, tx = pair(a)
    d, td = getattr(tl, dst), getattr(torch, dst)
    r, t = same_outcome(lambda: x.to(d), lambda: tx.to(td))
    assert (r is x) == (t is tx)
    # the dtype methods and type() agree
    method = {"float32": "float", "float64": "double", "float16": "half", "int64": "long", "int32": "int",
              "int16": "short", "int8": "char", "uint8": "byte", "bool": "bool", "complex64": "cfloat",
              "complex128": "cdouble"}[dst]
    same_outcome(lambda: getattr(x, method)(), lambda: getattr(tx, method)())
    same_outcome(lambda: x.type(d), lambda: tx.type(td))


def test_complex_to_real_warns_like_torch():
    x, tx = pair(COMPLEX.astype(np.complex64))
    with pytest.warns(UserWarning, match="Casting complex values to real discards the imaginary part"):
        r = x.to(tl.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        same(r, tx.to(torch.float32))


VIEWS = {
    "t": lambda b: b(np.arange(6.0).reshape(2, 3)).T,
    "slice": lambda b: b(np.arange(6.0).reshape(2, 3))[:, ::2],
    "perm": lambda b: b(np.arange(120.0).reshape(2, 3, 4, 5)).transpose(2, 0, 3, 1),
    "permslice": lambda b: b(np.arange(120.0).reshape(2, 3, 4, 5)).transpose(2, 0, 1, 3)[::2],
    "expand": lambda b: np.broadcast_to(b(np.arange(12.0).reshape(4, 3)), (2, 4, 3)),
    "expand2": lambda b: np.broadcast_to(b(np.arange(3.0).reshape(1, 3)), (4, 3)),
    "col_t": lambda b: b(np.arange(3.0).reshape(3, 1)).T,
    "unsq1": lambda b: b(np.arange(12.0).reshape(3, 4)).T[:, None, :],
    "neg": lambda b: b(np.arange(120.0).reshape(2, 3, 4, 5))[:, 1],
    "sl3": lambda b: b(np.arange(120.0).reshape(2, 3, 4, 5))[:, :, ::2].transpose(3, 1, 2, 0),
    "exp_mid": lambda b: np.broadcast_to(b(np.arange(6.0).reshape(3, 1, 2)), (3, 4, 2)).transpose(1, 2, 0),
    "diag": lambda b: np.diagonal(b(np.arange(9.0).reshape(3, 3))),
    "sz1b": lambda b: b(np.arange(120.0).reshape(2, 3, 4, 5))[:, :1].transpose(0, 3, 2, 1),
    "contig": lambda b: b(np.arange(6.0).reshape(2, 3)),
}


def view_pair(name):
    """The same NumPy view seen by torchless and by torch (from_numpy keeps its strides)."""
    a = VIEWS[name](lambda x: x)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # torch warns about read-only (broadcast) arrays
        # (wrapped directly: a view's strides exactly as NumPy has them, size-1 dims included)
        return _wrap(a), torch.from_numpy(a)


@pytest.mark.parametrize("name", sorted(VIEWS))
def test_copies_keep_torch_strides(name):
    x, t = view_pair(name)
    np.testing.assert_array_equal(x._a, t.numpy())
    same(x.clone(), t.clone())
    same(tl.clone(x), torch.clone(t))
    same(x.to(tl.float32), t.to(torch.float32))
    same(x.double(), t.double())
    same(x.to(tl.float64, copy=True), t.to(torch.float64, copy=True))
    same(x.clone(memory_format=tl.contiguous_format), t.clone(memory_format=torch.contiguous_format))
    c = x.contiguous()
    assert (c is x) == (t.contiguous() is t)
    same(c, t.contiguous())
    assert not np.shares_memory(x.clone()._a, x._a)


def test_to_returns_self_or_copy():
    x, tx = pair(np.ones(3, np.float32))
    for args, kwargs in [((tl.float32,), {}), (("cpu",), {}), ((), {}), ((None,), {}),
                         ((tl.device("cpu"),), {}), ((), {"dtype": tl.float32}),
                         ((x,), {}), ((tl.float32,), {"copy": True}), ((tl.float64,), {}),
                         ((), {"memory_format": tl.contiguous_format})]:
        targs = tuple(getattr(torch, str(a).split(".")[1]) if isinstance(a, tl.dtype) else
                      tx if a is x else torch.device("cpu") if isinstance(a, tl.device) else a
                      for a in args)
        tkw = {k: (getattr(torch, str(v).split(".")[1]) if isinstance(v, (tl.dtype, tl.memory_format))
                   else v) for k, v in kwargs.items()}
        r, t = x.to(*args, **kwargs), tx.to(*targs, **tkw)
        assert (r is x) == (t is tx), (args, kwargs)
        same(r, t)
    assert x.cpu() is x and x.float() is x


TO_CALLS = [
    (("cpu", "float64"), {}), (("cpu", "float64", False, True), {}), (("float64", True, True), {}),
    (("int32_tensor",), {}), ((), {"device": "cpu", "dtype": "int32"}), ((), {"tensor": "int32_tensor"}),
    ((), {"other": "int32_tensor"}), (("cpu",), {"dtype": "int32"}), (("float64",), {"blah": 1}),
    (("float32", "float64"), {}), (("int32_tensor", "float32"), {}), ((1, 2, 3), {}), ((5,), {}),
    (("xyz",), {}), (("float64_str",), {}), (("cuda",), {}), (("cuda:0",), {}), (("mps",), {}),
    ((float,), {}), ((int,), {}), ((bool,), {}), ((complex,), {}), ((np.float64,), {}),
    (("float64",), {"non_blocking": True, "copy": False}), (("cpu:0",), {}), (("cpu:01",), {}),
]


def _conv(v, lib, ref):
    if v == "int32_tensor":
        return ref.to(lib.int32) if lib is torch else ref.int()
    if v == "float64_str":
        return "float64"
    if isinstance(v, str) and hasattr(lib, v) and v not in ("cpu", "cuda", "mps"):
        return getattr(lib, v)
    return v


@pytest.mark.parametrize("args,kwargs", TO_CALLS)
def test_to_signatures_and_errors(args, kwargs):
    x, tx = pair(np.ones(3, np.float32))
    same_outcome(lambda: x.to(*[_conv(a, tl, x) for a in args], **{k: _conv(v, tl, x) for k, v in kwargs.items()}),
                 lambda: tx.to(*[_conv(a, torch, tx) for a in args],
                               **{k: _conv(v, torch, tx) for k, v in kwargs.items()}))


def test_cuda_is_refused_like_cpu_only_torch():
    x, tx = pair(np.ones(3, np.float32))
    same_outcome(lambda: x.cuda(), lambda: tx.cuda())
    same_outcome(lambda: x.cuda(0), lambda: tx.cuda(0))
    same_outcome(lambda: x.to("cuda"), lambda: tx.to("cuda"))
    assert x.cpu() is x


# ---------------------------------------------------------------- autograd
def test_grad_fn_names_and_gradients():
    for fn in [lambda z, lib: z.double(), lambda z, lib: z.to(lib.float64), lambda z, lib: z.clone(),
               lambda z, lib: z.to(lib.float32, copy=True), lambda z, lib: z.to(lib.complex128),
               lambda z, lib: z.half()]:
        x, tx = pair(RNG.standard_normal(4).astype(np.float32), True)
        r, t = fn(x, tl), fn(tx, torch)
        assert r.grad_fn.name_() == type(t.grad_fn).__name__
        g = RNG.standard_normal(4).astype(t.dtype.__str__().split(".")[1] if t.dtype != torch.complex128
                                          else np.complex128)
        r.backward(tl.tensor(g))
        t.backward(torch.tensor(g))
        same(x.grad, tx.grad, strides=False)
    # integer results leave the graph; identities keep the tensor itself
    x = tl.tensor([1.5, 2.5], requires_grad=True)
    assert not x.long().requires_grad and x.long().grad_fn is None
    assert x.float() is x and x.contiguous() is x and x.cpu() is x


def test_detach_shares_memory():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.grad_fn is None
    d._a[0] = 5.0
    assert x._a[0] == 5.0
    assert tl.detach(x)._a is x._a


def test_detach_inplace():
    x, tx = pair([1.0, 2.0], True)
    y, ty = x * 2, tx * 2
    same_outcome(lambda: y.detach_(), lambda: ty.detach_())
    assert not y.requires_grad and y.grad_fn is None
    assert x.detach_() is x and not x.requires_grad
    v = tl.tensor(np.ones(4)).view(2, 2)
    tv = torch.ones(4, dtype=torch.float64).view(2, 2)
    same_outcome(lambda: v.detach_(), lambda: tv.detach_())
    # a tensor made from a NumPy view is not a torch view
    same_outcome(lambda: tl.from_numpy(np.ones(4)[:2]).detach_(), lambda: torch.from_numpy(np.ones(4)[:2]).detach_())


@pytest.mark.parametrize("dtype", ["float32", "float16", "complex64", "int64", "bool", "uint8"])
@pytest.mark.parametrize("flag", [True, False, 1, "x"])
def test_requires_grad_(dtype, flag):
    x, tx = pair(np.ones(3, dtype))
    r, t = same_outcome(lambda: x.requires_grad_(flag), lambda: tx.requires_grad_(flag))
    if t is not None:
        assert r is x and x.requires_grad == tx.requires_grad
    x, tx = pair(np.ones(3, "float32"))
    same_outcome(lambda: x.requires_grad_(), lambda: tx.requires_grad_())
    assert x.requires_grad


def test_requires_grad_on_non_leaf():
    x, tx = pair([1.0, 2.0], True)
    y, ty = x * 2, tx * 2
    same_outcome(lambda: y.requires_grad_(False), lambda: ty.requires_grad_(False))
    assert y.requires_grad_(True) is y


# ---------------------------------------------------------------- copy_
COPY_CASES = [((2, 3), (3,)), ((2, 3), (4,)), ((2, 3), (3, 2, 3)), ((2, 3), (1, 2, 3)), ((2, 3), (2, 1)),
              ((2, 3), (2,)), ((), (1,)), ((), (2,)), ((1,), ()), ((2, 3), ()), ((0, 3), (3,)), ((2, 3), (2, 3))]


@pytest.mark.parametrize("dst_shape,src_shape", COPY_CASES)
@pytest.mark.parametrize("dst,src", [("float32", "int64"), ("int64", "float64"), ("uint8", "int64"),
                                     ("bool", "float32"), ("float64", "float64"), ("float16", "float64"),
                                     ("float32", "complex64")])
def test_copy_broadcast_and_cast(dst_shape, src_shape, dst, src):
    s = (SPECIAL if src.startswith(("float", "complex")) else INTS).astype(src)
    n = int(np.prod(src_shape))
    a = np.resize(s, n).reshape(src_shape)
    (x, tx), (y, ty) = pair(np.zeros(dst_shape, dst)), pair(a)
    r, t = same_outcome(lambda: x.copy_(y), lambda: tx.copy_(ty))
    if t is not None:
        assert r is x
    same(x, tx)                       # unchanged after a failure


@pytest.mark.parametrize("value", [3, 2.5, 1e30, -1, 300, True, 1 + 2j, [1, 2, 3], np.ones(3), None])
@pytest.mark.parametrize("dst", ["float32", "int64", "uint8", "bool"])
def test_copy_from_scalars_and_non_tensors(value, dst):
    (x, tx) = pair(np.zeros(3, dst))
    same_outcome(lambda: x.copy_(value), lambda: tx.copy_(value))
    same(x, tx)


def test_copy_through_views_and_numpy():
    base = np.zeros((3, 4))
    v = tl.from_numpy(base[:, 1:3])
    v.copy_(tl.tensor([[1.0, 2.0]]))
    np.testing.assert_array_equal(base[:, 1:3], [[1, 2]] * 3)
    assert base[:, 0].sum() == 0 and base[:, 3].sum() == 0
    t = tl.from_numpy(base.T)
    t.copy_(tl.arange(12).reshape(4, 3))
    np.testing.assert_array_equal(base, np.arange(12).reshape(4, 3).T)


def test_copy_overlap_errors():
    for lo, hi in [(slice(1, None), slice(None, -1)), (slice(None, -1), slice(1, None))]:
        b = np.arange(6.0)
        x = tl.from_numpy(b)
        tb = torch.arange(6.0, dtype=torch.float64)
        same_outcome(lambda: tl.from_numpy(b[lo]).copy_(tl.from_numpy(b[hi])), lambda: tb[lo].copy_(tb[hi]))
        same(x, tb)
    x, tx = pair(np.arange(4.0))
    same_outcome(lambda: x.copy_(x), lambda: tx.copy_(tx))


def test_copy_autograd():
    y, ty = pair([0.5, -1.5, 2.0], True)
    z, tz = pair(np.ones(3, np.float32))
    z = z * 1
    tz = tz * 1
    r, t = z.copy_(y), tz.copy_(ty)
    assert r is z and r.grad_fn.name_() == type(t.grad_fn).__name__ == "CopyBackwards"
    g = np.array([1.0, 2.0, 3.0], np.float32)
    r.backward(tl.tensor(g))
    t.backward(torch.tensor(g))
    same(y.grad, ty.grad, strides=False)
    # a non-leaf destination passes a zero gradient to its old history
    p, tp = pair([1.0, 2.0, 3.0], True)
    q, tq = p * 2, tp * 2
    q.copy_(tl.tensor([0.0, 0.0, 0.0]))
    tq.copy_(torch.zeros(3, dtype=torch.float64))
    q.backward(tl.tensor(np.ones(3)))
    tq.backward(torch.ones(3, dtype=torch.float64))
    same(p.grad, tp.grad, strides=False)
    # broadcast source: gradient summed back
    s, ts = pair([[1.0], [2.0]], True)
    d, td = pair(np.zeros((2, 3)))
    d.copy_(s)
    td.copy_(ts)
    w = np.arange(6.0).reshape(2, 3)
    d.backward(tl.tensor(w))
    td.backward(torch.tensor(w))
    same(s.grad, ts.grad, strides=False)
    # leaf that requires grad: refused (and unchanged)
    leaf, tleaf = pair([1.0, 2.0], True)
    same_outcome(lambda: leaf.copy_(tl.tensor([3.0, 4.0])), lambda: tleaf.copy_(torch.tensor([3.0, 4.0])))
    same(leaf, tleaf)
    with tl.no_grad():
        leaf.copy_(tl.tensor([3.0, 4.0]))
    assert leaf.requires_grad and leaf._a.tolist() == [3.0, 4.0]
    # an integer destination does not join the graph
    r = tl.zeros(3, dtype=tl.int64).copy_(tl.ones(3, requires_grad=True))
    assert not r.requires_grad and r.grad_fn is None


def numeric_grad(f, x, eps=1e-6):
    out = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        old = x[idx]
        x[idx] = old + eps
        hi = f(x)
        x[idx] = old - eps
        lo = f(x)
        x[idx] = old
        out[idx] = (hi - lo) / (2 * eps)
    return out


@pytest.mark.parametrize("fn", [
    lambda t: t.clone() * t,
    lambda t: t.to(tl.float64, copy=True) * t,
    lambda t: tl.zeros(2, 3, dtype=tl.float64).copy_(t.sum(0, keepdim=True)) * t,
    lambda t: tl.zeros((2, 3), dtype=tl.float64).copy_(t) * t,
])
def test_gradcheck_finite_differences(fn):
    """Analytical gradients against central differences (float64)."""
    a = RNG.standard_normal((2, 3))
    w = RNG.standard_normal((2, 3))

    def scalar(arr):
        return float((fn(tl.tensor(arr))._a * w).sum())

    x = tl.tensor(a, requires_grad=True)
    fn(x).backward(tl.tensor(w))
    np.testing.assert_allclose(x.grad._a, numeric_grad(scalar, a), rtol=1e-6, atol=1e-8)


def test_memory_formats():
    for name in ["contiguous_format", "preserve_format", "channels_last"]:
        assert repr(getattr(tl, name)) == repr(getattr(torch, name))
        assert pickle.loads(pickle.dumps(getattr(tl, name))) is getattr(tl, name)
    assert isinstance(tl.contiguous_format, tl.memory_format)


def test_type_as():
    x, tx = pair([1.5, 2.5])
    y, ty = pair(np.ones(2, np.int32))
    same(x.type_as(y), tx.type_as(ty))


def test_fill_and_zero_like_torch():
    import torchless as tl
    for dt, v in [("uint8", -1), ("int64", 2.7), ("bool", 5), ("float32", 1.5), ("float16", 3)]:
        a = tl.tensor([1, 2], dtype=getattr(tl, dt)).fill_(v)
        b = torch.tensor([1, 2], dtype=getattr(torch, dt)).fill_(v)
        assert a.tolist() == b.tolist() and str(a.dtype) == str(b.dtype)
    x = tl.zeros(2, 3)
    v = x[0]
    v.fill_(7)
    assert x.tolist() == [[7.0, 7.0, 7.0], [0.0, 0.0, 0.0]]
    x.zero_()
    assert x.tolist() == [[0.0] * 3] * 2
    for lib in (tl, torch):
        y = lib.tensor([1.0, 2.0], requires_grad=True)
        z = y * 3
        z.zero_() if lib is tl else z.zero_()
        (z + y).sum().backward()
        assert y.grad.tolist() == [1.0, 1.0]
    assert type((torch.ones(1, requires_grad=True) * 1).fill_(2).grad_fn).__name__ == \
        (tl.ones(1, requires_grad=True) * 1).fill_(2).grad_fn.name_()
    assert type((torch.ones(1, requires_grad=True) * 1).zero_().grad_fn).__name__ == \
        (tl.ones(1, requires_grad=True) * 1).zero_().grad_fn.name_()
    with pytest.raises(RuntimeError) as e1:
        torch.ones(1, requires_grad=True).zero_()
    with pytest.raises(RuntimeError) as e2:
        tl.ones(1, requires_grad=True).zero_()
    assert str(e1.value) == str(e2.value)


_ON_EXPANDED = {
    "add_": lambda L, x: x.add_(1), "sub_t": lambda L, x: x.sub_(L.ones(3)),
    "mul_": lambda L, x: x.mul_(2.0), "exp_": lambda L, x: x.exp_(),
    "fill_": lambda L, x: x.fill_(1), "fill_t": lambda L, x: x.fill_(L.tensor(4.0)),
    "zero_": lambda L, x: x.zero_(), "copy_": lambda L, x: x.copy_(L.ones(3)),
    "setitem": lambda L, x: x.__setitem__(0, 1.0), "clamp_": lambda L, x: x.clamp_(0, 1),
    "uniform_": lambda L, x: x.uniform_(), "add_alpha": lambda L, x: x.add_(1, alpha=2),
}


@pytest.mark.parametrize("case", list(_ON_EXPANDED))
def test_inplace_on_expanded_tensor(case):
    """torch refuses most in-place writes into an expanded tensor (its elements share memory)
    but fills and index assignments go through."""
    out = []
    for L in (torch, tl):
        x = L.zeros(1).expand(3)
        try:
            _ON_EXPANDED[case](L, x)
            out.append(("ok", x.tolist()))
        except RuntimeError as e:
            out.append(("error", str(e)))
    assert out[1] == out[0]


def test_fill_with_a_tensor_that_requires_grad():
    res = []
    for L in (torch, tl):
        a = L.ones(3, requires_grad=True)
        v = L.tensor(2.0, requires_grad=True)
        y = (a * 1).fill_(v)
        y.backward(L.tensor([1.0, 2.0, 3.0]))
        res.append((type(y.grad_fn).__name__ if L is torch else y.grad_fn.name(), v.grad.item(),
                    a.grad.tolist(), (a * 1).fill_(L.tensor(5.0)).grad_fn.name()))
    assert res[1] == res[0]


@pytest.mark.parametrize("case", ["param_long", "leaf_long", "plain_long", "not_tensor", "float"])
def test_data_setter(case):
    out = []
    for L in (torch, tl):
        t = {"param_long": lambda: L.nn.Parameter(L.ones(2)),
             "leaf_long": lambda: L.ones(2, requires_grad=True)}.get(case, lambda: L.ones(2))()
        v = 5 if case == "not_tensor" else L.ones(3, dtype=L.float64 if case == "float" else L.long)
        try:
            t.data = v
            out.append((str(t.dtype), t.shape == (3,), t.requires_grad))
        except (RuntimeError, TypeError) as e:
            out.append((type(e).__name__, str(e)))
    assert out[1] == out[0]
