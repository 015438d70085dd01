"""Convolution and pooling layers (the CNN tutorials' LeNet and CIFAR-10 classifier) against
real torch: values, shapes, dtypes, grad_fn names, gradients and second derivatives, initial
weights after manual_seed, reprs, error messages, finite-difference gradients in float64, and a
LeNet trained one SGD step under both libraries."""
import re
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import torchless as tl
import torchless.nn.functional as F
from _gradcheck import gradcheck


def arr(t):
    return np.asarray(t._a) if isinstance(t, tl.Tensor) else t.detach().numpy()


def tols(dtype):
    return dict(rtol=2e-5, atol=2e-5) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)


def run_both(fn_name, xs, kw, dtype, seed=0, second=False):
    """Forward, backward (with a random cotangent) and optionally a second derivative under both
    libraries; returns [(torch results), (torchless results)]."""
    rng = np.random.default_rng(seed)
    res = []
    g = None
    for lib, fmod in ((torch, TF), (tl, F)):
        ts = [None if x is None else lib.tensor(x.astype(dtype), requires_grad=True) for x in xs]
        y = getattr(fmod, fn_name)(*ts, **kw)
        idx = None
        if isinstance(y, tuple):
            y, idx = y
        if g is None:
            g = rng.standard_normal(tuple(y.shape)).astype(dtype)
        leaves = [t for t in ts if t is not None]
        grads = lib.autograd.grad((y * lib.tensor(g)).sum(), leaves, create_graph=second)
        out = [y, idx, y.grad_fn.name(), grads]
        if second:
            s = sum((gr * gr).sum() for gr in grads)
            out.append(lib.autograd.grad(s, leaves, allow_unused=True))
            out.append(grads[0].grad_fn.name())
        res.append(out)
    return res


def close(a, b, dtype):
    """Within float rounding of sums: tolerance relative to the largest magnitude."""
    a, b = arr(a), arr(b)
    scale = max(float(np.abs(b).max()) if b.size else 0.0, 1.0)
    eps = 2e-6 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(a, b, rtol=eps * 10, atol=eps * scale)


def check_same(res, dtype):
    (yt, it, nt, gt, *st), (yl, il, nl, gl, *sl) = res
    assert tuple(yt.shape) == tuple(yl.shape) and str(yt.dtype) == str(yl.dtype)
    assert nt == nl
    close(yl, yt, dtype)
    if it is not None:
        assert il.dtype == tl.int64
        np.testing.assert_array_equal(arr(il), arr(it))
    for a, b in zip(gl, gt):
        assert tuple(a.shape) == tuple(b.shape)
        close(a, b, dtype)
    if st:
        assert st[1] == sl[1]
        for a, b in zip(sl[0], st[0]):
            if b is None:
                assert a is None or not np.any(arr(a))
            else:
                close(a, b, dtype)


# ---------------------------------------------------------------- conv
CONV2D = [
    ((4, 3, 32, 32), (6, 3, 5, 5), True, {}),                                   # LeNet conv1
    ((4, 6, 14, 14), (16, 6, 5, 5), True, {}),                                  # LeNet conv2
    ((2, 4, 9, 11), (6, 2, 3, 3), True, dict(stride=2, padding=1, dilation=2, groups=2)),
    ((2, 6, 7, 8), (6, 2, 2, 3), False, dict(padding="same", dilation=(2, 1), groups=3)),
    ((2, 6, 7, 8), (6, 1, 4, 2), True, dict(padding="same", dilation=(1, 3), groups=6)),
    ((2, 2, 6, 6), (4, 2, 3, 3), True, dict(stride=3, padding="valid")),
    ((1, 3, 5, 5), (4, 3, 1, 1), True, {}),
    ((2, 3, 5, 7), (4, 3, 1, 1), False, dict(stride=(2, 1), padding=(0, 2))),
    ((3, 5, 5), (4, 3, 3, 3), True, dict(padding=1)),                           # unbatched
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("xs, ws, bias, kw", CONV2D)
def test_conv2d_matches_torch(xs, ws, bias, kw, dtype):
    rng = np.random.default_rng(1)
    xin = [rng.standard_normal(xs), rng.standard_normal(ws),
           rng.standard_normal(ws[0]) if bias else None]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_same(run_both("conv2d", xin, kw, dtype, second=dtype == np.float64), dtype)


CONV1D = [((2, 3, 10), (4, 3, 3), True, {}),
          ((2, 4, 11), (6, 2, 3), True, dict(stride=2, padding=2, dilation=2, groups=2)),
          ((2, 3, 9), (4, 3, 4), False, dict(padding="same")),
          ((3, 8), (4, 3, 3), True, dict(padding=1))]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("xs, ws, bias, kw", CONV1D)
def test_conv1d_matches_torch(xs, ws, bias, kw, dtype):
    rng = np.random.default_rng(2)
    xin = [rng.standard_normal(xs), rng.standard_normal(ws),
           rng.standard_normal(ws[0]) if bias else None]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_same(run_both("conv1d", xin, kw, dtype, second=dtype == np.float64), dtype)


def test_conv3d_matches_torch():
    rng = np.random.default_rng(3)
    xin = [rng.standard_normal((2, 2, 5, 6, 4)), rng.standard_normal((3, 2, 2, 3, 2)),
           rng.standard_normal(3)]
    check_same(run_both("conv3d", xin, dict(stride=(1, 2, 1), padding=1), np.float64), np.float64)


def test_conv2d_output_is_contiguous_and_int_works():
    x = np.arange(2 * 3 * 6 * 6).reshape(2, 3, 6, 6) % 7
    w = np.arange(4 * 3 * 3 * 3).reshape(4, 3, 3, 3) % 5 - 2
    yt = TF.conv2d(torch.tensor(x), torch.tensor(w), stride=2, padding=1)
    yl = F.conv2d(tl.tensor(x), tl.tensor(w), stride=2, padding=1)
    assert yl.dtype == tl.int64 and yl.stride() == yt.stride()
    np.testing.assert_array_equal(arr(yl), arr(yt))


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize("kw", [dict(), dict(stride=2, padding=1, dilation=2, groups=2),
                                dict(padding="same", groups=4)])
def test_conv2d_gradcheck_float64(kw):
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 4, 6, 5))
    w = rng.standard_normal((4, 4 // kw.get("groups", 1), 3, 2))
    b = rng.standard_normal(4)
    gradcheck(lambda t: F.conv2d(t, tl.tensor(w), tl.tensor(b), **kw), x)
    gradcheck(lambda t: F.conv2d(tl.tensor(x), t, tl.tensor(b), **kw), w)
    gradcheck(lambda t: F.conv2d(tl.tensor(x), tl.tensor(w), t, **kw), b)


def test_conv_double_backward_gradcheck():
    """The gradient ops are differentiated again: finite differences of x.grad."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((1, 2, 5, 5))
    w = rng.standard_normal((3, 2, 3, 3))
    gy = tl.tensor(rng.standard_normal((1, 3, 2, 2)))

    def gx_of_w(wt):
        with tl.enable_grad():
            xt = tl.tensor(x, requires_grad=True)
            y = F.conv2d(xt, wt, stride=2)
            return tl.autograd.grad((y * gy).sum(), xt, create_graph=True)[0]

    def gw_of_x(xt):
        with tl.enable_grad():
            wt = tl.tensor(w, requires_grad=True)
            y = F.conv2d(xt, wt, stride=2)
            return tl.autograd.grad((y * gy).sum(), wt, create_graph=True)[0]

    gradcheck(gx_of_w, w)
    gradcheck(gw_of_x, x)


ERRORS = [
    lambda lib, F_: F_.conv2d(lib.randn(1, 1, 32, 32), lib.randn(6, 3, 5, 5)),
    lambda lib, F_: F_.conv2d(lib.randn(1, 3, 3, 3), lib.randn(6, 3, 5, 5)),
    lambda lib, F_: F_.conv2d(lib.randn(1, 3, 4, 4), lib.randn(6, 3, 3, 3), dilation=2),
    lambda lib, F_: F_.conv2d(lib.randn(32, 32), lib.randn(6, 3, 5, 5)),
    lambda lib, F_: F_.conv2d(lib.randn(3, 32, 32), lib.randn(6, 1, 5, 5)),
    lambda lib, F_: F_.conv2d(lib.randn(1, 3, 32, 32), lib.randn(6, 3, 5, 5), stride=2,
                              padding="same"),
    lambda lib, F_: F_.conv2d(lib.randn(1, 3, 32, 32), lib.randn(6, 3, 5, 5), padding="foo"),
    lambda lib, F_: F_.conv2d(lib.randn(1, 3, 32, 32), lib.randn(6, 3, 5, 5), groups=2),
    lambda lib, F_: F_.conv2d(lib.randn(1, 4, 32, 32), lib.randn(6, 2, 5, 5), groups=4),
    lambda lib, F_: F_.conv2d(lib.randn(1, 3, 32, 32), lib.randn(6, 3, 5, 5), lib.randn(5)),
    lambda lib, F_: F_.conv2d(lib.randn(1, 3, 32, 32), lib.randn(6, 3, 5, 5), stride=0),
    lambda lib, F_: F_.conv2d(lib.randn(1, 3, 32, 32), lib.randn(6, 3, 5, 5), padding=-1),
    lambda lib, F_: F_.conv2d(lib.randn(1, 3, 32, 32), lib.randn(6, 3, 5, 5), dilation=0),
    lambda lib, F_: F_.conv2d(lib.randn(1, 3, 32, 32), lib.randn(6, 3, 5, 5), groups=0),
    lambda lib, F_: F_.conv2d(lib.randn(1, 3, 32, 32), lib.randn(6, 3, 5)),
    lambda lib, F_: F_.conv2d(lib.randn(1, 3, 32, 32), lib.randn(6, 3, 5, 5).double()),
    lambda lib, F_: F_.conv2d(lib.randn(1, 3, 32, 32), lib.randn(6, 3, 5, 5),
                              lib.randn(6).double()),
    lambda lib, F_: F_.conv2d(lib.randn(1, 3, 32, 32), lib.randn(6, 3, 5, 5), stride=(1, 1, 1)),
    lambda lib, F_: F_.conv1d(lib.randn(1, 3, 3, 32), lib.randn(6, 3, 5)),
    lambda lib, F_: lib.nn.Conv2d(3, 6, 5, padding_mode="foo"),
    lambda lib, F_: lib.nn.Conv2d(3, 6, 5, groups=2),
    lambda lib, F_: lib.nn.Conv2d(4, 6, 5, groups=4),
    lambda lib, F_: lib.nn.Conv2d(3, 6, 5, stride=2, padding="same"),
    lambda lib, F_: lib.nn.Conv2d(3, 6, 5, padding="xx"),
    lambda lib, F_: lib.nn.Conv2d(3, 6, 5, groups=0),
    lambda lib, F_: lib.nn.Conv2d(3, 6, 5)(lib.randn(1, 1, 32, 32)),
    lambda lib, F_: F_.max_pool2d(lib.randn(1, 3, 1, 1), 2),
    lambda lib, F_: F_.max_pool2d(lib.randn(1, 3, 4, 4), 2, padding=2),
    lambda lib, F_: F_.avg_pool2d(lib.randn(1, 3, 4, 4), 2, padding=2),
    lambda lib, F_: F_.avg_pool2d(lib.randn(1, 3, 1, 1), 2),
    lambda lib, F_: F_.max_pool2d(lib.randn(1, 3, 4, 4), 2, stride=0),
    lambda lib, F_: F_.max_pool2d(lib.randn(1, 3, 4, 4), 2, dilation=0),
    lambda lib, F_: F_.max_pool2d(lib.randn(2, 1, 3, 4, 4), 2),
    lambda lib, F_: F_.adaptive_avg_pool2d(lib.randn(3, 3), 2),
    lambda lib, F_: F_.adaptive_avg_pool2d(lib.randn(1, 3, 4, 4), (2, 2, 2)),
    lambda lib, F_: F_.avg_pool2d(lib.randn(1, 3, 4, 4), 2, divisor_override=0),
    lambda lib, F_: F_.max_pool1d(lib.randn(1, 3, 1), 2),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_errors_match_torch(i):
    fn = ERRORS[i]
    with pytest.raises(Exception) as et:
        fn(torch, TF)
    with pytest.raises(Exception) as el:
        fn(tl, F)
    assert type(el.value) is type(et.value)
    assert _unordered_sets(str(el.value)) == _unordered_sets(str(et.value))


def _unordered_sets(msg):
    """torch prints Python sets in its messages, whose order follows the hash seed."""
    return re.sub(r"\{([^{}]*)\}", lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}",
                  msg)


# ---------------------------------------------------------------- modules
MODULES = [
    lambda nn: nn.Conv2d(3, 6, 5), lambda nn: nn.Conv2d(6, 16, 5),
    lambda nn: nn.Conv2d(3, 6, (3, 5), stride=2, padding=1, dilation=2, groups=3, bias=False,
                         padding_mode="reflect"),
    lambda nn: nn.Conv2d(3, 6, 3, padding="same"), lambda nn: nn.Conv2d(3, 6, 3, padding="valid"),
    lambda nn: nn.Conv2d(3, 6, 4, padding="same", padding_mode="circular"),
    lambda nn: nn.Conv2d(3, 6, 3, padding=(1, 2), padding_mode="replicate"),
    lambda nn: nn.Conv1d(3, 6, 5), lambda nn: nn.Conv1d(3, 6, 5, padding=2, padding_mode="circular"),
    lambda nn: nn.Conv3d(2, 4, 3, padding=1, dtype=torch.float64 if nn is torch.nn
                         else tl.float64),
    lambda nn: nn.MaxPool2d(2, 2), lambda nn: nn.MaxPool2d(2),
    lambda nn: nn.MaxPool2d((2, 3), stride=1, padding=1, dilation=2, ceil_mode=True),
    lambda nn: nn.AvgPool2d(2), lambda nn: nn.AvgPool2d(3, 2, 1, True, False, 5),
    lambda nn: nn.AdaptiveAvgPool2d((6, 6)), lambda nn: nn.AdaptiveAvgPool2d(1),
    lambda nn: nn.AdaptiveAvgPool2d((None, 3)), lambda nn: nn.MaxPool1d(3),
    lambda nn: nn.AvgPool1d(3), lambda nn: nn.AvgPool1d(3, 2, 1),
]


@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize("i", range(len(MODULES)))
def test_modules_init_repr_forward(i, seed):
    rng = np.random.default_rng(seed)
    res = []
    for lib in (torch, tl):
        lib.manual_seed(seed)
        m = MODULES[i](lib.nn)
        res.append((m, repr(m), [(k, arr(v).copy()) for k, v in m.state_dict().items()]))
    (mt, rt, st), (ml, rl, sl) = res
    assert rl == rt
    assert [k for k, _ in sl] == [k for k, _ in st]
    for (_, a), (_, b) in zip(sl, st):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    for attr in ("kernel_size", "stride", "padding", "dilation", "groups", "padding_mode",
                 "output_padding", "ceil_mode", "count_include_pad", "output_size",
                 "_reversed_padding_repeated_twice", "in_channels", "out_channels"):
        if hasattr(mt, attr):
            assert getattr(ml, attr) == getattr(mt, attr), attr
    if isinstance(mt, torch.nn.Conv3d):
        shape = (2, 2, 5, 6, 5)
    elif isinstance(mt, (torch.nn.Conv1d, torch.nn.MaxPool1d, torch.nn.AvgPool1d)):
        shape = (2, 3, 12)
    else:
        shape = (2, 3 if not isinstance(mt, torch.nn.Conv2d) else mt.in_channels, 12, 13)
    dt = np.float64 if isinstance(mt, torch.nn.Conv3d) else np.float32
    x = rng.standard_normal(shape).astype(dt)
    yt, yl = mt(torch.tensor(x)), ml(tl.tensor(x))
    assert tuple(yl.shape) == tuple(yt.shape)
    np.testing.assert_allclose(arr(yl), arr(yt), **tols(dt))


# ---------------------------------------------------------------- pooling
POOL = [
    ("max_pool2d", dict(kernel_size=2)),
    ("max_pool2d", dict(kernel_size=2, stride=2)),
    ("max_pool2d", dict(kernel_size=3, stride=2, padding=1, return_indices=True)),
    ("max_pool2d", dict(kernel_size=(2, 3), stride=1, padding=1, dilation=2, ceil_mode=True,
                        return_indices=True)),
    ("max_pool2d", dict(kernel_size=3, stride=2, ceil_mode=True, return_indices=True)),
    ("max_pool2d", dict(kernel_size=2, stride=1, return_indices=True)),
    ("avg_pool2d", dict(kernel_size=2)),
    ("avg_pool2d", dict(kernel_size=3, stride=2, padding=1)),
    ("avg_pool2d", dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
    ("avg_pool2d", dict(kernel_size=(2, 3), stride=2, padding=1, ceil_mode=True)),
    ("avg_pool2d", dict(kernel_size=(2, 3), stride=2, padding=1, ceil_mode=True,
                        count_include_pad=False)),
    ("avg_pool2d", dict(kernel_size=3, divisor_override=5, padding=1, ceil_mode=True, stride=2)),
    ("adaptive_avg_pool2d", dict(output_size=(3, 4))),
    ("adaptive_avg_pool2d", dict(output_size=1)),
    ("adaptive_avg_pool2d", dict(output_size=5)),
    ("adaptive_avg_pool2d", dict(output_size=(None, 3))),
    ("adaptive_avg_pool2d", dict(output_size=(4, 7))),
]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("unbatched", [False, True])
@pytest.mark.parametrize("name, kw", POOL)
def test_pool2d_matches_torch(name, kw, unbatched, dtype):
    rng = np.random.default_rng(6)
    x = rng.standard_normal((3, 9, 10) if unbatched else (2, 3, 9, 10))
    # (output_size 1 is torch's mean: its second derivative is the mean op's business)
    second = dtype == np.float64 and kw.get("output_size") != 1
    check_same(run_both(name, [x], kw, dtype, second=second), dtype)


@pytest.mark.parametrize("name, kw", [p for p in POOL if p[0] != "adaptive_avg_pool2d"])
def test_pool2d_float32_values_bit_exact(name, kw):
    """Window scans in torch's order: maxima, indices and float32 sums match to the bit."""
    rng = np.random.default_rng(7)
    x = rng.standard_normal((2, 3, 9, 10)).astype(np.float32)
    yt, yl = getattr(TF, name)(torch.tensor(x), **kw), getattr(F, name)(tl.tensor(x), **kw)
    for a, b in zip(yl if isinstance(yl, tuple) else (yl,), yt if isinstance(yt, tuple) else (yt,)):
        np.testing.assert_array_equal(arr(a), arr(b))


@pytest.mark.parametrize("kw", [dict(kernel_size=2), dict(kernel_size=3, stride=1, padding=1),
                                dict(kernel_size=(2, 3), stride=(1, 2), dilation=(2, 1))])
def test_max_pool_ties_nan_inf_indices(kw):
    """Ties keep the first maximum in scan order; a NaN wins (the last NaN of a window)."""
    rng = np.random.default_rng(8)
    x = rng.integers(0, 3, (2, 2, 7, 8)).astype(np.float32)
    x[0, 0, 1, 1] = x[0, 0, 0, 1] = np.nan
    x[1, 1] = -np.inf
    x[1, 0, 2:5, 2:5] = np.nan
    ot, it = TF.max_pool2d(torch.tensor(x), return_indices=True, **kw)
    ol, il = F.max_pool2d(tl.tensor(x), return_indices=True, **kw)
    np.testing.assert_array_equal(arr(ol), arr(ot))
    np.testing.assert_array_equal(arr(il), arr(it))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, kw", [
    ("max_pool1d", dict(kernel_size=2)),
    ("max_pool1d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True, return_indices=True)),
    ("avg_pool1d", dict(kernel_size=2)),
    ("avg_pool1d", dict(kernel_size=3, stride=2, padding=1, ceil_mode=True,
                        count_include_pad=False))])
def test_pool1d_matches_torch(name, kw, dtype):
    rng = np.random.default_rng(9)
    x = rng.standard_normal((2, 3, 11))
    check_same(run_both(name, [x], kw, dtype), dtype)


@pytest.mark.parametrize("name, kw", [
    ("max_pool2d", dict(kernel_size=2)), ("max_pool2d", dict(kernel_size=3, stride=2, padding=1)),
    ("avg_pool2d", dict(kernel_size=3, stride=2, padding=1, count_include_pad=False)),
    ("avg_pool2d", dict(kernel_size=2, ceil_mode=True)),
    ("adaptive_avg_pool2d", dict(output_size=(2, 3)))])
def test_pool_gradcheck_float64(name, kw):
    rng = np.random.default_rng(10)
    x = rng.standard_normal((2, 2, 5, 7))
    gradcheck(lambda t: getattr(F, name)(t, **kw), x)


def test_pool_double_backward_gradcheck():
    rng = np.random.default_rng(11)
    x = rng.standard_normal((1, 2, 5, 6))
    for name, kw in (("max_pool2d", dict(kernel_size=2, stride=1)),
                     ("avg_pool2d", dict(kernel_size=3, stride=2, padding=1)),
                     ("adaptive_avg_pool2d", dict(output_size=(2, 4)))):
        def gx_of_g(g, name=name, kw=kw):
            with tl.enable_grad():
                xt = tl.tensor(x, requires_grad=True)
                y = getattr(F, name)(xt, **kw)
                return tl.autograd.grad((y * g).sum(), xt, create_graph=True)[0]
        shape = tuple(getattr(F, name)(tl.tensor(x), **kw).shape)
        gradcheck(gx_of_g, rng.standard_normal(shape))


# ---------------------------------------------------------------- LeNet end to end
def _lenet(lib):
    nn, Fm = lib.nn, (TF if lib is torch else F)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(3, 6, 5)
            self.pool = nn.MaxPool2d(2, 2)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = self.pool(Fm.relu(self.conv1(x)))
            x = self.pool(Fm.relu(self.conv2(x)))
            x = lib.flatten(x, 1)
            x = Fm.relu(self.fc1(x))
            x = Fm.relu(self.fc2(x))
            return self.fc3(x)
    return Net()


def test_lenet_forward_backward_sgd_step():
    rng = np.random.default_rng(12)
    x = rng.standard_normal((4, 3, 32, 32)).astype(np.float32)
    labels = rng.integers(0, 10, 4)
    res = []
    for lib in (torch, tl):
        lib.manual_seed(0)
        net = _lenet(lib)
        opt = lib.optim.SGD(net.parameters(), lr=0.001, momentum=0.9)
        for _ in range(2):
            opt.zero_grad()
            out = net(lib.tensor(x))
            loss = lib.nn.CrossEntropyLoss()(out, lib.tensor(labels))
            loss.backward()
            grads = [arr(p.grad).copy() for p in net.parameters()]
            opt.step()
        res.append((repr(net), arr(out).copy(), loss.item(), grads,
                    [arr(p).copy() for p in net.parameters()]))
    (rt, ot, lt, gt, pt), (rl, ol, ll, gl, pl) = res
    assert rl == rt
    np.testing.assert_allclose(ol, ot, rtol=1e-4, atol=1e-5)
    assert abs(ll - lt) < 1e-5
    for a, b in zip(gl, gt):
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-5)
    for a, b in zip(pl, pt):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_torch_level_conv_and_pool_functions():
    out = []
    for L in (torch, tl):
        L.manual_seed(0)
        x, w = L.randn(1, 2, 8, 8), L.randn(3, 2, 3, 3)
        out.append((round(L.conv2d(x, w, padding=1).sum().item(), 3), L.max_pool2d(x, 2).tolist(),
                    L.max_pool1d(x[0], 2).tolist(), L.avg_pool1d(x[0], 2).tolist(),
                    L.conv1d(x[:, :, 0], w[:, :, 0]).shape, L.conv3d(x[:, :, None], w[:, :, None]).shape))
    assert out[1] == out[0]
