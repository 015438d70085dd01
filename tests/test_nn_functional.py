"""torch.nn.functional (all but the losses), compared with real torch: values, dtypes, grad_fn
names, gradients (float64 and float32), errors; plus a finite-difference gradcheck of each
differentiable function and second derivatives through the fused ops."""
import warnings
import zlib

import numpy as np
import pytest
import torch
import torch.nn.functional as TF
from hypothesis import given, settings, strategies as st

import torchless as tl
import torchless.nn.functional as F

RNG = np.random.default_rng(1234)


def arr(t):
    return np.asarray(t._a) if isinstance(t, tl.Tensor) else t.detach().numpy()


def same_error(fn_tl, fn_torch):
    with pytest.raises(Exception) as e1:
        fn_torch()
    with pytest.raises(Exception) as e2:
        fn_tl()
    assert type(e2.value) is type(e1.value), (e2.value, e1.value)
    assert str(e2.value) == str(e1.value)


def grad_name(t):
    fn = t.grad_fn
    if fn is None:
        return None
    return fn.name_() if isinstance(t, tl.Tensor) else type(fn).__name__


# name, function (lib, F, *tensors), input shapes (float inputs require grad), rtol for float32
CASES = [
    ("linear2d", lambda lib, F, x, w, b: F.linear(x, w, b), [(6, 5), (4, 5), (4,)]),
    ("linear2d_nobias", lambda lib, F, x, w: F.linear(x, w), [(6, 5), (4, 5)]),
    ("linear1d", lambda lib, F, x, w, b: F.linear(x, w, b), [(5,), (4, 5), (4,)]),
    ("linear1d_nobias", lambda lib, F, x, w: F.linear(x, w), [(5,), (4, 5)]),
    ("linear3d", lambda lib, F, x, w, b: F.linear(x, w, b), [(2, 3, 5), (4, 5), (4,)]),
    ("linear3d_nobias", lambda lib, F, x, w: F.linear(x, w), [(2, 3, 5), (4, 5)]),
    ("linear_t", lambda lib, F, x, w, b: F.linear(x.t(), w, b), [(5, 6), (4, 5), (4,)]),
    ("linear_bias2d", lambda lib, F, x, w, b: F.linear(x, w, b), [(6, 5), (4, 5), (6, 4)]),
    ("linear_w1d", lambda lib, F, x, w: F.linear(x, w), [(6, 5), (5,)]),
    ("bilinear", lambda lib, F, a, b, w, c: F.bilinear(a, b, w, c), [(3, 2), (3, 4), (5, 2, 4),
                                                                     (5,)]),
    ("bilinear3d", lambda lib, F, a, b, w: F.bilinear(a, b, w), [(2, 3, 2), (2, 3, 4),
                                                                (5, 2, 4)]),
    ("relu", lambda lib, F, x: F.relu(x), [(4, 5)]),
    ("relu_inplace", lambda lib, F, x: F.relu(x * 1, inplace=True), [(4, 5)]),
    ("leaky_relu", lambda lib, F, x: F.leaky_relu(x), [(4, 5)]),
    ("leaky_relu_neg", lambda lib, F, x: F.leaky_relu(x, -0.3), [(4, 5)]),
    ("leaky_relu_inplace", lambda lib, F, x: F.leaky_relu(x * 1, 0.2, inplace=True), [(4, 5)]),
    ("elu", lambda lib, F, x: F.elu(x), [(4, 5)]),
    ("elu_alpha", lambda lib, F, x: F.elu(x, 0.5), [(4, 5)]),
    ("elu_inplace", lambda lib, F, x: F.elu(x * 1, 1.5, inplace=True), [(4, 5)]),
    ("gelu", lambda lib, F, x: F.gelu(x), [(4, 5)]),
    ("gelu_tanh", lambda lib, F, x: F.gelu(x, approximate="tanh"), [(4, 5)]),
    ("silu", lambda lib, F, x: F.silu(x), [(4, 5)]),
    ("silu_inplace", lambda lib, F, x: F.silu(x * 1, inplace=True), [(4, 5)]),
    ("sigmoid", lambda lib, F, x: F.sigmoid(x), [(4, 5)]),
    ("tanh", lambda lib, F, x: F.tanh(x), [(4, 5)]),
    ("softmax", lambda lib, F, x: F.softmax(x, dim=1), [(4, 5)]),
    ("softmax0", lambda lib, F, x: F.softmax(x, 0), [(4, 5)]),
    ("softmax_dtype", lambda lib, F, x: F.softmax(x, -1, dtype=lib.float64), [(4, 5)]),
    ("log_softmax", lambda lib, F, x: F.log_softmax(x, dim=1), [(4, 5)]),
    ("log_softmax3d", lambda lib, F, x: F.log_softmax(x, dim=1), [(2, 4, 3)]),
    ("softmin", lambda lib, F, x: F.softmin(x, dim=1), [(4, 5)]),
    ("softplus", lambda lib, F, x: F.softplus(x), [(4, 5)]),
    ("softplus_beta", lambda lib, F, x: F.softplus(x * 10, beta=2, threshold=5), [(4, 5)]),
    ("hardtanh", lambda lib, F, x: F.hardtanh(x * 2), [(4, 5)]),
    ("hardtanh_args", lambda lib, F, x: F.hardtanh(x * 2, -0.5, 1.5), [(4, 5)]),
    ("hardtanh_inplace", lambda lib, F, x: F.hardtanh(x * 2, inplace=True), [(4, 5)]),
    ("relu6", lambda lib, F, x: F.relu6(x * 5), [(4, 5)]),
    ("relu6_inplace", lambda lib, F, x: F.relu6(x * 5, inplace=True), [(4, 5)]),
    ("layer_norm", lambda lib, F, x, w, b: F.layer_norm(x, (5,), w, b), [(4, 5), (5,), (5,)]),
    ("layer_norm_2d", lambda lib, F, x, w, b: F.layer_norm(x, (3, 5), w, b, eps=1e-3),
     [(2, 3, 5), (3, 5), (3, 5)]),
    ("layer_norm_plain", lambda lib, F, x: F.layer_norm(x, [5]), [(4, 5)]),
    ("layer_norm_w_only", lambda lib, F, x, w: F.layer_norm(x, (5,), w), [(2, 4, 5), (5,)]),
    ("batch_norm_train", lambda lib, F, x, w, b: F.batch_norm(x, None, None, w, b, True),
     [(6, 3), (3,), (3,)]),
    ("batch_norm_train3d", lambda lib, F, x, w, b: F.batch_norm(x, None, None, w, b, True),
     [(4, 3, 5), (3,), (3,)]),
    ("batch_norm_train4d", lambda lib, F, x: F.batch_norm(x, None, None, training=True),
     [(2, 3, 2, 2)]),
    ("batch_norm_eval", lambda lib, F, x, w, b: F.batch_norm(
        x, lib.linspace(-1, 1, 3, dtype=x.dtype), lib.linspace(0.5, 2, 3, dtype=x.dtype), w, b),
     [(6, 3), (3,), (3,)]),
    ("embedding", lambda lib, F, w: F.embedding(lib.tensor([[1, 2], [4, 1]]), w), [(5, 3)]),
    ("embedding_pad", lambda lib, F, w: F.embedding(lib.tensor([1, 0, 4, 0]), w, padding_idx=0),
     [(5, 3)]),
    ("embedding_pad_neg", lambda lib, F, w: F.embedding(lib.tensor([1, 4, 4]), w, padding_idx=-1),
     [(5, 3)]),
    ("embedding_freq", lambda lib, F, w: F.embedding(lib.tensor([1, 2, 1, 1]), w,
                                                      scale_grad_by_freq=True), [(5, 3)]),
    ("embedding_int32", lambda lib, F, w: F.embedding(lib.tensor([3, 0], dtype=lib.int32), w),
     [(5, 3)]),
    ("pad_constant", lambda lib, F, x: F.pad(x, (1, 2)), [(3, 4)]),
    ("pad_constant_value", lambda lib, F, x: F.pad(x, (1, 2, 0, 1), value=-2.5), [(3, 4)]),
    ("pad_constant_neg", lambda lib, F, x: F.pad(x, (-1, 2, 1, -2)), [(3, 4)]),
    ("pad_constant_3dims", lambda lib, F, x: F.pad(x, [1, 0, 0, 1, 2, 2]), [(2, 3, 4)]),
    ("pad_reflect", lambda lib, F, x: F.pad(x, (2, 3), mode="reflect"), [(2, 3, 4)]),
    ("pad_reflect_2d", lambda lib, F, x: F.pad(x, (1, 2, 2, 1), mode="reflect"), [(1, 2, 3, 4)]),
    ("pad_reflect_nobatch", lambda lib, F, x: F.pad(x, (3, 1), mode="reflect"), [(3, 4)]),
    ("pad_reflect_neg", lambda lib, F, x: F.pad(x, (-1, 2), mode="reflect"), [(2, 3, 4)]),
    ("pad_replicate", lambda lib, F, x: F.pad(x, (2, 6), mode="replicate"), [(2, 3, 4)]),
    ("pad_replicate_3d", lambda lib, F, x: F.pad(x, (1, 2, 0, 1, 2, 0), mode="replicate"),
     [(1, 2, 2, 3, 4)]),
    ("pad_circular", lambda lib, F, x: F.pad(x, (2, 4), mode="circular"), [(2, 3, 4)]),
    ("pad_circular_2d", lambda lib, F, x: F.pad(x, (1, 1, 2, 0), mode="circular"), [(2, 3, 4)]),
    ("normalize", lambda lib, F, x: F.normalize(x), [(4, 5)]),
    ("dropout_eval", lambda lib, F, x: F.dropout(x, 0.5, training=False), [(4, 5)]),
    ("dropout_p0", lambda lib, F, x: F.dropout(x, 0.0), [(4, 5)]),
]


def _inputs(shapes, dtype, seed):
    rng = np.random.default_rng(seed)
    out = []
    for s in shapes:
        a = rng.standard_normal(s).astype(dtype)
        out.append((tl.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)))
    return out


def _tols(name, dtype):
    if dtype == "float64":
        return dict(rtol=1e-10, atol=1e-12)
    return dict(rtol=2e-5, atol=2e-6) if "norm" in name or "linear" in name or \
        "bilinear" in name else dict(rtol=2e-6, atol=1e-7)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name, fn, shapes", CASES, ids=[c[0] for c in CASES])
def test_functional_matches_torch(name, fn, shapes, dtype):
    pairs = _inputs(shapes, dtype, zlib.crc32(name.encode()) % 1000)
    a = fn(tl, F, *[p[0] for p in pairs])
    b = fn(torch, TF, *[p[1] for p in pairs])
    assert str(a.dtype) == str(b.dtype) and tuple(a.shape) == tuple(b.shape)
    tol = _tols(name, dtype)
    np.testing.assert_allclose(arr(a), arr(b), **tol)
    assert grad_name(a) == grad_name(b)
    if not b.requires_grad:
        return
    g = np.random.default_rng(7).standard_normal(b.shape).astype(dtype)
    a.backward(tl.tensor(g))
    b.backward(torch.tensor(g))
    for pa, pb in pairs:
        if pb.grad is None:
            assert pa.grad is None
        else:
            assert pa.grad.dtype is getattr(tl, dtype)
            np.testing.assert_allclose(arr(pa.grad), arr(pb.grad), **tol)


# ---------------------------------------------------------------- finite-difference gradcheck
# (piecewise-linear functions are checked away from their kinks by the torch comparison;
# padding_idx and scale_grad_by_freq deliberately give gradients that are not derivatives)
GRADCHECK = [c for c in CASES if c[0] not in ("dropout_eval", "dropout_p0", "relu",
                                               "embedding_pad", "embedding_pad_neg",
                                               "embedding_freq",
                                               "relu_inplace", "hardtanh", "hardtanh_args",
                                               "hardtanh_inplace", "relu6", "relu6_inplace",
                                               "leaky_relu", "leaky_relu_neg",
                                               "leaky_relu_inplace", "elu", "elu_alpha",
                                               "elu_inplace", "softplus_beta")]


def _numeric_grad(f, xs, i, eps=1e-6):
    x = xs[i]
    a = x._a
    g = np.zeros_like(a)
    it = np.nditer(a, flags=["multi_index"])
    for _ in it:
        idx = it.multi_index
        old = a[idx]
        a[idx] = old + eps
        fp = float(f(*xs).sum().item())
        a[idx] = old - eps
        fm = float(f(*xs).sum().item())
        a[idx] = old
        g[idx] = (fp - fm) / (2 * eps)
    return g


@pytest.mark.parametrize("name, fn, shapes", GRADCHECK, ids=[c[0] for c in GRADCHECK])
def test_gradcheck_finite_differences(name, fn, shapes):
    rng = np.random.default_rng(3)
    # inputs away from the kinks of the piecewise functions
    xs = [tl.tensor(rng.uniform(0.3, 1.2, s) * rng.choice([-1, 1], s), requires_grad=True)
          for s in shapes]
    weights = [tl.tensor(rng.standard_normal(tuple(fn(tl, F, *xs).shape)))]

    def f(*inp):
        with tl.no_grad():
            return fn(tl, F, *inp) * weights[0]
    out = (fn(tl, F, *xs) * weights[0]).sum()
    out.backward()
    for i, x in enumerate(xs):
        num = _numeric_grad(f, xs, i)
        np.testing.assert_allclose(arr(x.grad), num, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", ["linear3d", "layer_norm", "layer_norm_2d", "batch_norm_train",
                                  "batch_norm_eval", "gelu", "gelu_tanh", "silu", "softplus",
                                  "elu", "elu_inplace", "leaky_relu", "leaky_relu_inplace",
                                  "hardtanh", "log_softmax", "bilinear", "normalize",
                                  "embedding_pad", "embedding_freq", "pad_reflect",
                                  "pad_constant_neg", "pad_circular_2d", "pad_replicate_3d"])
def test_second_derivatives_match_torch(name):
    _, fn, shapes = next(c for c in CASES if c[0] == name)
    pairs = _inputs(shapes, "float64", 5)
    res = {}
    for lib, Fm, k in ((tl, F, 0), (torch, TF, 1)):
        xs = [p[k] for p in pairs]
        y = fn(lib, Fm, *xs)
        w = lib.tensor(np.random.default_rng(2).standard_normal(tuple(y.shape)))
        # y * y, so that the gradient of even a linear op depends on its input
        gs = lib.autograd.grad((y * y * w).sum(), xs, create_graph=True, allow_unused=True)
        total = sum((g * g).sum() for g in gs if g is not None)
        gg = lib.autograd.grad(total, xs, allow_unused=True)
        res[lib] = [None if g is None else arr(g) for g in gg]
    for u, v in zip(res[tl], res[torch]):
        if v is None or not np.any(v):
            assert u is None or not np.any(u)
        else:
            np.testing.assert_allclose(u, v, rtol=1e-8, atol=1e-10)


# ---------------------------------------------------------------- errors
ERRORS = [
    lambda lib, F: F.linear(lib.randn(64, 780), lib.randn(128, 784), lib.randn(128)),
    lambda lib, F: F.linear(lib.randn(64, 780), lib.randn(128, 784)),
    lambda lib, F: F.linear(lib.randn(780), lib.randn(128, 784), lib.randn(128)),
    lambda lib, F: F.linear(lib.randn(780), lib.randn(128, 784)),
    lambda lib, F: F.linear(lib.randn(2, 64, 780), lib.randn(128, 784), lib.randn(128)),
    lambda lib, F: F.linear(lib.randn(3, 2, 5, 780), lib.randn(128, 784)),
    lambda lib, F: F.linear(lib.randn(2, 784), lib.randn(128, 784), lib.randn(127)),
    lambda lib, F: F.linear(lib.randn(2, 784), lib.randn(128, 784), lib.randn(3, 128)),
    lambda lib, F: F.linear(lib.randn(784), lib.randn(128, 784), lib.randn(127)),
    lambda lib, F: F.linear(lib.randn(2, 784).double(), lib.randn(128, 784), lib.randn(128)),
    lambda lib, F: F.linear(lib.randn(2, 784), lib.randn(128, 784).double()),
    lambda lib, F: F.linear(lib.randn(2, 784), lib.randn(128, 784)[0], lib.randn(1)),
    lambda lib, F: F.linear(lib.randn(2, 784), lib.randn(2, 3, 784)),
    lambda lib, F: F.linear([1.0], lib.randn(2, 1)),
    lambda lib, F: F.linear(lib.randn(2, 1), lib.randn(2, 1), 3),
    lambda lib, F: F.linear(lib.tensor(2.0), lib.randn(3, 1)),
    lambda lib, F: F.gelu(lib.randn(3), approximate="foo"),
    lambda lib, F: F.hardtanh(lib.randn(3), 2, 1),
    lambda lib, F: F.leaky_relu(lib.tensor([1, 2])),
    lambda lib, F: F.elu(lib.tensor([True])),
    lambda lib, F: F.gelu(lib.tensor([1, 2])),
    lambda lib, F: F.silu(lib.tensor([1, 2])),
    lambda lib, F: F.softplus(lib.tensor([1, 2])),
    lambda lib, F: F.hardtanh(lib.tensor([True])),
    lambda lib, F: F.leaky_relu(lib.randn(3, requires_grad=True), inplace=True),
    lambda lib, F: F.dropout(lib.randn(3), 1.5),
    lambda lib, F: F.dropout(lib.randn(3), -0.1),
    lambda lib, F: F.dropout(lib.tensor([1, 2])),
    lambda lib, F: F.layer_norm(lib.randn(4, 5), (4,)),
    lambda lib, F: F.layer_norm(lib.randn(2, 3), (3,), lib.ones(2)),
    lambda lib, F: F.layer_norm(lib.randn(2, 3), ()),
    lambda lib, F: F.layer_norm(lib.randn(2, 3), 3),
    lambda lib, F: F.layer_norm(lib.tensor([[1, 2]]), (2,)),
    lambda lib, F: F.batch_norm(lib.randn(1, 3), None, None, training=True),
    lambda lib, F: F.batch_norm(lib.randn(2, 3), lib.zeros(4), lib.ones(4)),
    lambda lib, F: F.batch_norm(lib.randn(2, 3), lib.zeros(3), lib.ones(3), lib.ones(2)),
    lambda lib, F: F.batch_norm(lib.randn(2, 3), None, None),
    lambda lib, F: F.batch_norm(lib.randn(3), lib.zeros(3), lib.ones(3)),
    lambda lib, F: F.embedding(lib.tensor([1, 7]), lib.randn(4, 5)),
    lambda lib, F: F.embedding(lib.tensor([-1]), lib.randn(4, 5)),
    lambda lib, F: F.embedding(lib.tensor([1.0]), lib.randn(4, 5)),
    lambda lib, F: F.embedding(lib.tensor([1]), lib.randn(4, 2), padding_idx=4),
    lambda lib, F: F.embedding(lib.tensor([1]), lib.randn(4, 2), padding_idx=-5),
    lambda lib, F: F.embedding(lib.tensor([1]), lib.randn(4)),
    lambda lib, F: F.bilinear(lib.randn(3, 2), lib.randn(3, 4), lib.randn(5, 2, 3)),
    lambda lib, F: F.bilinear(lib.randn(3, 2), lib.randn(2, 4), lib.randn(5, 2, 4)),
    lambda lib, F: F.bilinear(lib.randn(3, 2), lib.randn(3, 4), lib.randn(5, 2, 4),
                              lib.randn(4)),
    lambda lib, F: F.one_hot(lib.tensor([0.0, 2.0])),
    lambda lib, F: F.one_hot(lib.tensor([0, 2], dtype=lib.int32)),
    lambda lib, F: F.one_hot(lib.tensor([-1, 2])),
    lambda lib, F: F.one_hot(lib.tensor([1, 2]), 2),
    lambda lib, F: F.one_hot(lib.tensor([0, 1]), 0),
    lambda lib, F: F.one_hot(lib.tensor([], dtype=lib.int64)),
    lambda lib, F: F.pad(lib.randn(4, 5), (1,)),
    lambda lib, F: F.pad(lib.randn(4, 5), (1, 1, 1, 1, 1, 1)),
    lambda lib, F: F.pad(lib.randn(1, 4, 5), (5, 0), mode="reflect"),
    lambda lib, F: F.pad(lib.randn(2, 3, 4, 5), (1, 1, 4, 0), mode="reflect"),
    lambda lib, F: F.pad(lib.randn(2, 3, 4, 5), (5, 1, 1, 0), mode="reflect"),
    lambda lib, F: F.pad(lib.randn(3, 4, 5), (1, 1, 4, 0), mode="reflect"),
    lambda lib, F: F.pad(lib.randn(1, 2, 3, 4, 5), (1, 1, 1, 1, 3, 0), mode="reflect"),
    lambda lib, F: F.pad(lib.randn(3, 4, 5), (6, 0), mode="circular"),
    lambda lib, F: F.pad(lib.randn(5), (1, 1), mode="reflect"),
    lambda lib, F: F.pad(lib.randn(1, 2, 3, 4, 5), (1, 1), mode="replicate"),
    lambda lib, F: F.pad(lib.randn(3, 0), (1, 1), mode="reflect"),
    lambda lib, F: F.pad(lib.randn(4, 5), (1, 1), mode="foo"),
    lambda lib, F: F.pad(lib.randn(1, 4, 5), (1, 1), mode="reflect", value=1.0),
    lambda lib, F: F.pad(lib.ones(3, 4), (-3, -2)),
]


@pytest.mark.parametrize("case", range(len(ERRORS)))
def test_errors_match_torch(case):
    fn = ERRORS[case]
    same_error(lambda: fn(tl, F), lambda: fn(torch, TF))


def test_dropout_semantics():
    x = tl.randn(4, 5)
    assert F.dropout(x, 0.5, training=False) is x and F.dropout(x, 0.0) is x
    y = F.dropout(tl.tensor([float("inf"), 1.0]), 1.0)
    z = TF.dropout(torch.tensor([float("inf"), 1.0]), 1.0)
    np.testing.assert_array_equal(arr(y), arr(z))      # inf * 0 is nan, as in torch
    xi = tl.tensor([1, 2])
    assert F.dropout(xi, 0.5, training=False) is xi
    x = tl.randn(3, 4)
    v = x[0]
    tl.manual_seed(0)
    r = F.dropout(x, 0.5, inplace=True)
    assert r is x and np.shares_memory(v._a, x._a)
    with pytest.raises(ValueError, match="dropout probability"):
        tl.nn.Dropout(2)


@pytest.mark.parametrize("case", [
    ([0, 2], -1), ([[0, 1], [2, 0]], 4), (1, 3), ([], 3), ([3, 1, 0], 5)])
def test_one_hot(case):
    values, n = case
    a = F.one_hot(tl.tensor(values, dtype=tl.int64), n)
    b = TF.one_hot(torch.tensor(values, dtype=torch.int64), n)
    assert a.dtype is tl.int64 and tuple(a.shape) == tuple(b.shape)
    np.testing.assert_array_equal(arr(a), arr(b))


@pytest.mark.parametrize("dtype", ["int64", "bool", "float16"])
def test_pad_other_dtypes(dtype):
    x = np.arange(12).reshape(1, 3, 4).astype(dtype)
    for mode, value in (("constant", 2.7), ("constant", None), ("reflect", None),
                        ("replicate", None), ("circular", None)):
        if dtype == "bool" and mode in ("reflect", "replicate"):
            same_error(lambda: F.pad(tl.tensor(x), (1, 2), mode=mode),
                       lambda: TF.pad(torch.tensor(x), (1, 2), mode=mode))
            continue
        a = F.pad(tl.tensor(x), (1, 2), mode=mode, value=value)
        b = TF.pad(torch.tensor(x), (1, 2), mode=mode, value=value)
        assert str(a.dtype) == str(b.dtype)
        np.testing.assert_array_equal(arr(a), arr(b))


def test_implicit_softmax_dim_warns_like_torch():
    x = np.random.default_rng(0).standard_normal((2, 3, 4)).astype(np.float32)
    for fname in ("softmax", "log_softmax", "softmin"):
        with warnings.catch_warnings(record=True) as w1:
            warnings.simplefilter("always")
            b = getattr(TF, fname)(torch.tensor(x))
        with warnings.catch_warnings(record=True) as w2:
            warnings.simplefilter("always")
            a = getattr(F, fname)(tl.tensor(x))
        assert [str(w.message) for w in w2] == [str(w.message) for w in w1]
        assert [w.category for w in w2] == [w.category for w in w1]
        np.testing.assert_allclose(arr(a), arr(b), rtol=1e-6)


def test_embedding_max_norm_renormalises_rows_in_place():
    w = np.random.default_rng(4).standard_normal((5, 3)).astype(np.float32) * 2
    idx = [[0, 2], [2, 4]]
    wa, wb = tl.tensor(w), torch.tensor(w)
    for norm_type in (2.0, 1.0):
        a = F.embedding(tl.tensor(idx), wa, max_norm=1.0, norm_type=norm_type)
        b = TF.embedding(torch.tensor(idx), wb, max_norm=1.0, norm_type=norm_type)
        np.testing.assert_allclose(arr(a), arr(b), rtol=1e-6)
        np.testing.assert_allclose(arr(wa), arr(wb), rtol=1e-6)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 4), min_size=1, max_size=4), st.sampled_from(["float32",
                                                                               "float64"]),
       st.integers(1, 5))
def test_linear_any_rank_hypothesis(lead, dtype, out):
    rng = np.random.default_rng(len(lead) * 10 + out)
    x = rng.standard_normal(tuple(lead) + (3,)).astype(dtype)
    w = rng.standard_normal((out, 3)).astype(dtype)
    b = rng.standard_normal(out).astype(dtype)
    a = F.linear(tl.tensor(x), tl.tensor(w), tl.tensor(b))
    t = TF.linear(torch.tensor(x), torch.tensor(w), torch.tensor(b))
    assert tuple(a.shape) == tuple(t.shape) and str(a.dtype) == str(t.dtype)
    np.testing.assert_allclose(arr(a), arr(t), rtol=1e-5, atol=1e-6)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 3), st.integers(1, 4), st.integers(-2, 4), st.integers(-1, 4),
       st.sampled_from(["constant", "reflect", "replicate", "circular"]))
def test_pad_hypothesis(h, w, lo, hi, mode):
    x = np.arange(2 * h * (w + 3), dtype=np.float64).reshape(2, h, w + 3)
    pad = (lo, hi)
    if mode == "circular" and (lo >= w + 3 or hi >= w + 3 or lo + hi < 0):
        # torch reads outside the input there and returns uninitialised memory: nothing to match
        return
    try:
        b = TF.pad(torch.tensor(x), pad, mode=mode)
    except Exception as e:
        with pytest.raises(type(e)):
            F.pad(tl.tensor(x), pad, mode=mode)
        return
    a = F.pad(tl.tensor(x), pad, mode=mode)
    np.testing.assert_array_equal(arr(a), arr(b))


_TOP_LEVEL = {
    "selu": lambda L, x: L.selu(x), "celu": lambda L, x: L.celu(x, 0.5),
    "prelu": lambda L, x: L.prelu(x, L.tensor([0.25], dtype=L.float64)), "Tprelu": lambda L, x: x.prelu(L.tensor([0.2], dtype=L.float64)),
    "rrelu_eval": lambda L, x: L.rrelu(x), "threshold": lambda L, x: L.threshold(x, 0.1, 20.0),
    "hardshrink": lambda L, x: L.hardshrink(x), "Thardshrink": lambda L, x: x.hardshrink(0.3),
    "cosine_similarity": lambda L, x: L.cosine_similarity(x, x + 1),
    "pairwise_distance": lambda L, x: L.pairwise_distance(x[0, 0], x[0, 1]),
    "group_norm": lambda L, x: L.group_norm(x, 2), "layer_norm": lambda L, x: L.layer_norm(x, (3, 3)),
    "rms_norm": lambda L, x: L.rms_norm(x, (3,)), "pixel_shuffle": lambda L, x: L.pixel_shuffle(x, 2),
    "pixel_unshuffle": lambda L, x: L.pixel_unshuffle(L.pixel_shuffle(x, 2), 2),
    "dropout": lambda L, x: L.dropout(x, 0.5, True), "alpha_dropout": lambda L, x: L.alpha_dropout(x, 0.3, True),
    "feature_alpha_dropout": lambda L, x: L.feature_alpha_dropout(x, 0.3, True),
    "inplace": lambda L, x: L.rrelu_(L.threshold_(L.celu_(L.selu_(x.clone())), 0.0, 1.0)),
    "bilinear": lambda L, x: L.bilinear(x[0, 0], x[0, 1], L.ones(2, 3, 3, dtype=L.float64), None),
}


@pytest.mark.parametrize("name", list(_TOP_LEVEL))
def test_torch_level_nn_functions(name):
    """torch.selu, torch.group_norm, torch.dropout ...: the nn.functional functions torch
    also offers at the top level (same arguments)."""
    out = []
    for L in (torch, tl):
        L.manual_seed(0)
        x = L.randn(2, 4, 3, 3, dtype=L.float64)
        out.append(_TOP_LEVEL[name](L, x).numpy())
    assert out[1].shape == out[0].shape
    np.testing.assert_allclose(out[1], out[0], rtol=1e-12, atol=1e-12)
