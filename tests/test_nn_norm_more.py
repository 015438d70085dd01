"""Group/instance/RMS/local-response norms, BatchNorm3d, the dropout variants, the padding
modules, interpolate/Upsample, pixel_shuffle and fold/unfold, compared with real torch:
values, dtypes, grad_fn names, gradients, reprs, state dicts and dropout masks bit for bit."""
import warnings

import numpy as np
import pytest
import torch

import torchless as tl
from _gradcheck import gradcheck


def arr(t):
    return np.asarray(t._a) if isinstance(t, tl.Tensor) else t.detach().numpy()


def both(shape, seed=0, dtype="float64"):
    a = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    return (tl.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)), a


def check(fn, shape, dtype="float64", extra=(), seed=0, rtol=None, grad=True):
    """fn(lib, x, *extra) under both libraries: value, dtype, grad_fn name, input gradient."""
    (xl, xt), _ = both(shape, seed, dtype)
    ex = [(tl.tensor(e, requires_grad=True), torch.tensor(e, requires_grad=True)) for e in extra]
    yl = fn(tl, xl, *[e[0] for e in ex])
    yt = fn(torch, xt, *[e[1] for e in ex])
    if rtol is None:
        rtol = 1e-12 if dtype == "float64" else 2e-5
    assert tuple(yl.shape) == tuple(yt.shape)
    assert str(yl.dtype) == str(yt.dtype)
    np.testing.assert_allclose(arr(yl), arr(yt), rtol=rtol, atol=rtol)
    assert type(yt.grad_fn).__name__ == yl.grad_fn.name_()
    if grad:
        w = np.random.default_rng(seed + 1).standard_normal(tuple(yt.shape)).astype(dtype)
        (yl * tl.tensor(w)).sum().backward()
        (yt * torch.tensor(w)).sum().backward()
        np.testing.assert_allclose(arr(xl.grad), arr(xt.grad), rtol=rtol * 10, atol=rtol * 10)
        for (el, et) in ex:
            np.testing.assert_allclose(arr(el.grad), arr(et.grad), rtol=rtol * 10, atol=rtol * 10)


# ---------------------------------------------------------------- norms
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape,g", [((2, 4, 5), 2), ((3, 6, 2, 3), 3), ((2, 4), 4),
                                     ((1, 4, 2, 2, 2), 1)])
def test_group_norm(shape, g, dtype):
    c = shape[1]
    rng = np.random.default_rng(3)
    w, b = rng.standard_normal(c).astype(dtype), rng.standard_normal(c).astype(dtype)
    check(lambda L, x, w, b: L.nn.functional.group_norm(x, g, w, b, 1e-3), shape, dtype, (w, b))
    check(lambda L, x: L.nn.functional.group_norm(x, g), shape, dtype)


def test_group_norm_gradcheck_and_double_backward():
    x = np.random.default_rng(0).standard_normal((2, 4, 3))
    w = tl.tensor(np.linspace(0.5, 2, 4))
    gradcheck(lambda t: tl.nn.functional.group_norm(t, 2, w, w), x)
    gs = []
    for lib in (tl, torch):
        t = lib.tensor(x, requires_grad=True)
        g, = lib.autograd.grad(lib.nn.functional.group_norm(t, 2).pow(3).sum(), t,
                               create_graph=True)
        (g * g).sum().backward()
        gs.append(arr(t.grad))
    np.testing.assert_allclose(*gs, rtol=1e-10, atol=1e-12)


def test_group_norm_module_and_errors():
    for lib in (tl, torch):
        with pytest.raises(ValueError, match="must be divisible"):
            lib.nn.GroupNorm(3, 4)
    ml, mt = tl.nn.GroupNorm(2, 4, affine=False), torch.nn.GroupNorm(2, 4, affine=False)
    assert repr(ml) == repr(mt) and list(ml.state_dict()) == list(mt.state_dict())
    with pytest.raises(RuntimeError, match="divisible by num_groups"):
        tl.nn.functional.group_norm(tl.randn(2, 4, 3), 3)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape", [(2, 3, 5), (2, 3, 4, 4), (1, 2, 2, 3, 2)])
def test_instance_norm_functional(shape, dtype):
    c = shape[1]
    w = np.linspace(0.5, 1.5, c).astype(dtype)
    check(lambda L, x, w, b: L.nn.functional.instance_norm(x, weight=w, bias=b), shape, dtype,
          (w, w + 1))
    check(lambda L, x: L.nn.functional.instance_norm(x), shape, dtype)


@pytest.mark.parametrize("cls,shape", [("InstanceNorm1d", (2, 3, 5)), ("InstanceNorm1d", (3, 5)),
                                       ("InstanceNorm2d", (2, 3, 4, 4)),
                                       ("InstanceNorm3d", (2, 3, 2, 3, 2))])
@pytest.mark.parametrize("kw", [{}, {"affine": True}, {"track_running_stats": True},
                                {"affine": True, "track_running_stats": True, "momentum": None}])
def test_instance_norm_modules(cls, shape, kw):
    ml, mt = getattr(tl.nn, cls)(3, **kw), getattr(torch.nn, cls)(3, **kw)
    assert repr(ml) == repr(mt)
    assert list(ml.state_dict()) == list(mt.state_dict())
    for step in range(2):
        (xl, xt), _ = both(shape, step, "float32")
        yl, yt = ml(xl), mt(xt)
        np.testing.assert_allclose(arr(yl), arr(yt), rtol=1e-5, atol=1e-5)
        assert type(yt.grad_fn).__name__ == yl.grad_fn.name_()
    for (k, a), (_, b) in zip(ml.state_dict().items(), mt.state_dict().items()):
        np.testing.assert_allclose(arr(a), arr(b), rtol=1e-6, atol=1e-7, err_msg=k)
    ml.eval(), mt.eval()
    (xl, xt), _ = both(shape, 5, "float32")
    np.testing.assert_allclose(arr(ml(xl)), arr(mt(xt)), rtol=1e-5, atol=1e-5)


def test_instance_norm_errors():
    for lib in (tl, torch):
        with pytest.raises(ValueError, match="expected 2D or 3D input"):
            lib.nn.InstanceNorm1d(3)(lib.randn(2, 3, 4, 5))
        with pytest.raises(ValueError, match="to match num_features"):
            lib.nn.InstanceNorm1d(3, affine=True)(lib.randn(2, 4, 5))
        with pytest.raises(ValueError, match="more than 1 spatial element"):
            lib.nn.functional.instance_norm(lib.randn(2, 4, 1))
        with pytest.warns(UserWarning, match="does not match num_features"):
            lib.nn.InstanceNorm1d(3)(lib.randn(2, 4, 5))


@pytest.mark.parametrize("momentum", [0.1, None])
def test_batchnorm3d(momentum):
    ml, mt = tl.nn.BatchNorm3d(3, momentum=momentum), torch.nn.BatchNorm3d(3, momentum=momentum)
    assert repr(ml) == repr(mt) and list(ml.state_dict()) == list(mt.state_dict())
    for step in range(2):
        (xl, xt), _ = both((2, 3, 2, 3, 2), step, "float32")
        yl, yt = ml(xl), mt(xt)
        np.testing.assert_allclose(arr(yl), arr(yt), rtol=1e-5, atol=1e-5)
        yl.sum().backward(), yt.sum().backward()
    for (k, a), (_, b) in zip(ml.state_dict().items(), mt.state_dict().items()):
        np.testing.assert_allclose(arr(a), arr(b), rtol=1e-6, atol=1e-7, err_msg=k)
    np.testing.assert_allclose(arr(ml.weight.grad), arr(mt.weight.grad), atol=1e-5)
    for lib in (tl, torch):
        with pytest.raises(ValueError, match="expected 5D input"):
            lib.nn.BatchNorm3d(3)(lib.randn(2, 3, 4))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("ns", [(4,), (3, 4)])
def test_rms_norm(ns, dtype):
    w = np.linspace(0.5, 1.5, int(np.prod(ns))).reshape(ns).astype(dtype)
    check(lambda L, x, w: L.nn.functional.rms_norm(x, ns, w), (2, 3, 4), dtype, (w,))
    check(lambda L, x: L.nn.functional.rms_norm(x, ns, eps=1e-3), (2, 3, 4), dtype)
    ml, mt = tl.nn.RMSNorm(ns), torch.nn.RMSNorm(ns)
    assert repr(ml) == repr(mt) and list(ml.state_dict()) == list(mt.state_dict())
    (xl, xt), _ = both((2, 3, 4), 1, dtype)
    np.testing.assert_allclose(arr(ml(xl)), arr(mt(xt)), rtol=2e-6)
    assert repr(tl.nn.RMSNorm(4, 1e-3, False)) == repr(torch.nn.RMSNorm(4, 1e-3, False))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape,size", [((2, 5, 3), 3), ((2, 6, 3, 2), 2), ((1, 4, 2, 2, 3), 4),
                                        ((2, 3, 4), 5)])
def test_local_response_norm(shape, size, dtype):
    check(lambda L, x: L.nn.functional.local_response_norm(x, size, 0.5, 0.75, 2.0),
          shape, dtype)
    ml, mt = tl.nn.LocalResponseNorm(size), torch.nn.LocalResponseNorm(size)
    assert repr(ml) == repr(mt)
    for lib in (tl, torch):
        with pytest.raises(ValueError, match="Expected 3D or higher"):
            lib.nn.functional.local_response_norm(lib.randn(2, 3), 2)


def test_norm_gradchecks():
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    gradcheck(lambda t: tl.nn.functional.instance_norm(t), x)
    gradcheck(lambda t: tl.nn.functional.rms_norm(t, (4,)), x)
    gradcheck(lambda t: tl.nn.functional.local_response_norm(t, 2, 0.5, 0.75, 1.0), x)


# ---------------------------------------------------------------- dropout variants
DROPS = [("dropout1d", (2, 3, 4)), ("dropout1d", (3, 4)), ("dropout2d", (2, 3, 4, 5)),
         ("dropout2d", (2, 3, 4)), ("dropout2d", (2, 3)), ("dropout3d", (2, 3, 2, 2, 2)),
         ("dropout3d", (3, 2, 2, 2)), ("dropout3d", (2, 3)), ("alpha_dropout", (4, 5)),
         ("feature_alpha_dropout", (2, 3, 4)), ("feature_alpha_dropout", (2, 3))]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("p", [0.3, 0.5, 1.0])
@pytest.mark.parametrize("name,shape", DROPS)
def test_dropout_variants_bit_exact(name, shape, p, dtype):
    res = []
    for lib in (tl, torch):
        x = lib.tensor(np.arange(1.0, np.prod(shape) + 1).reshape(shape).astype(dtype),
                       requires_grad=True)
        lib.manual_seed(7)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = getattr(lib.nn.functional, name)(x, p, True)
        y.backward(lib.ones(shape, dtype=getattr(lib, dtype)))
        fn = y.grad_fn
        res.append((arr(y).copy(), arr(x.grad).copy(), type(fn).__name__ if lib is torch
                    else fn.name_(), arr(lib.rand(2)).copy()))
    (a, ga, na, ra), (b, gb, nb, rb) = res
    assert a.dtype == b.dtype and a.shape == b.shape
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ga, gb)
    np.testing.assert_array_equal(ra, rb)
    assert na == nb


@pytest.mark.parametrize("name", ["Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout",
                                  "FeatureAlphaDropout"])
def test_dropout_modules(name):
    shape = {"Dropout1d": (2, 3, 4), "Dropout3d": (2, 3, 2, 2, 2)}.get(name, (2, 3, 4, 4))
    out = []
    for lib in (tl, torch):
        m = getattr(lib.nn, name)(0.4)
        assert repr(m) == repr(getattr(torch.nn, name)(0.4))
        x = lib.ones(shape)
        lib.manual_seed(3)
        y = m(x)
        m.eval()
        assert m(x) is x
        out.append(arr(y).copy())
    np.testing.assert_array_equal(*out)
    for lib in (tl, torch):
        with pytest.raises(ValueError, match="between 0 and 1"):
            getattr(lib.nn, name)(1.5)


def test_dropout_variant_errors_and_inplace():
    for lib in (tl, torch):
        with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input"):
            lib.nn.functional.dropout1d(lib.ones(3))
        with pytest.raises(RuntimeError, match="Feature dropout requires at least 2"):
            lib.nn.functional.feature_alpha_dropout(lib.ones(3), 0.5, True)
        with pytest.warns(UserWarning, match="Received a 3D input to dropout2d"):
            lib.nn.functional.dropout2d(lib.ones(2, 3, 4))
        x = lib.ones(2, 3, 4)
        assert lib.nn.functional.alpha_dropout(x, 0.5) is x        # training=False default
    res = []
    for lib in (tl, torch):
        x = lib.ones(2, 3, 4, 4)
        lib.manual_seed(1)
        y = lib.nn.functional.dropout2d(x, 0.5, True, inplace=True)
        assert y is x
        res.append(arr(x).copy())
    np.testing.assert_array_equal(*res)


# ---------------------------------------------------------------- padding modules
PADS = [("ZeroPad1d", (1, 2), (2, 3, 4)), ("ZeroPad2d", 1, (2, 3, 4)),
        ("ZeroPad3d", (1, 0, 2, 1, 0, 1), (1, 2, 3, 4)), ("ConstantPad1d", 2, (2, 4)),
        ("ConstantPad2d", (1, 0, 2, 1), (2, 3, 4)), ("ConstantPad3d", 1, (1, 2, 2, 2, 2)),
        ("ReflectionPad1d", 2, (2, 3, 4)), ("ReflectionPad2d", (1, 2, 0, 1), (2, 3, 4)),
        ("ReflectionPad3d", 1, (1, 2, 2, 3, 4)), ("ReplicationPad1d", (2, 3), (3, 4)),
        ("ReplicationPad2d", 2, (1, 2, 3, 4)), ("ReplicationPad3d", (1, 2, 0, 1, 1, 0),
                                                (2, 2, 3, 4)),
        ("CircularPad1d", 2, (2, 3, 4)), ("CircularPad2d", (1, 2, 3, 1), (1, 2, 3, 4)),
        ("CircularPad3d", 1, (1, 1, 2, 3, 4))]


@pytest.mark.parametrize("name,padding,shape", PADS)
def test_padding_modules(name, padding, shape):
    args = (padding, 2.5) if name.startswith("Constant") else (padding,)
    ml, mt = getattr(tl.nn, name)(*args), getattr(torch.nn, name)(*args)
    assert repr(ml) == repr(mt)
    check(lambda L, x: (ml if L is tl else mt)(x), shape)


def test_circular_pad_dim_error():
    for lib in (tl, torch):
        with pytest.raises(ValueError, match="expected 2D or 3D input"):
            lib.nn.CircularPad1d(1)(lib.ones(1, 2, 3, 4))


# ---------------------------------------------------------------- interpolate
INTERP = [
    ((1, 2, 5), dict(scale_factor=2)), ((1, 2, 5), dict(size=3)),
    ((2, 2, 3, 4), dict(scale_factor=2)), ((2, 2, 3, 4), dict(size=(5, 7))),
    ((2, 2, 3, 4), dict(scale_factor=(1.5, 0.7))), ((2, 2, 6, 5), dict(size=(4, 3))),
    ((1, 2, 3, 4), dict(scale_factor=1.7, recompute_scale_factor=True)),
    ((1, 1, 2, 3, 4), dict(scale_factor=2)), ((1, 1, 2, 3, 4), dict(size=(3, 2, 5))),
]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("mode", ["nearest", "nearest-exact", "linear", "linear-ac"])
@pytest.mark.parametrize("shape,kw", INTERP)
def test_interpolate(shape, kw, mode, dtype):
    kw = dict(kw)
    if mode.startswith("linear"):
        if mode == "linear-ac":
            kw["align_corners"] = True
        mode = {3: "linear", 4: "bilinear", 5: "trilinear"}[len(shape)]
    check(lambda L, x: L.nn.functional.interpolate(x, mode=mode, **kw), shape, dtype)


def test_interpolate_gradcheck_and_double_backward():
    x = np.random.default_rng(0).standard_normal((1, 2, 3, 4))
    f = tl.nn.functional.interpolate
    gradcheck(lambda t: f(t, scale_factor=1.5, mode="bilinear"), x)
    gradcheck(lambda t: f(t, size=(5, 2), mode="nearest"), x)
    xl = tl.tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    gs = []
    for lib, t in ((tl, xl), (torch, xt)):
        y = lib.nn.functional.interpolate(t, scale_factor=2, mode="bilinear")
        g, = lib.autograd.grad((y * y).sum(), t, create_graph=True)
        g.sum().backward()
        gs.append(arr(t.grad))
    np.testing.assert_allclose(*gs, rtol=1e-12)


@pytest.mark.parametrize("make,shape", [
    (lambda nn: nn.Upsample(scale_factor=2), (1, 2, 3, 3)),
    (lambda nn: nn.Upsample(size=(4, 5), mode="bilinear"), (1, 2, 3, 3)),
    (lambda nn: nn.Upsample(scale_factor=(2.0, 1.5), mode="bilinear", align_corners=True),
     (1, 2, 3, 3)),
    (lambda nn: nn.UpsamplingNearest2d(scale_factor=2), (1, 2, 3, 3)),
    (lambda nn: nn.UpsamplingBilinear2d(size=5), (1, 2, 3, 3)),
    (lambda nn: nn.PixelShuffle(2), (2, 8, 3, 2)), (lambda nn: nn.PixelShuffle(3), (9, 2, 2)),
    (lambda nn: nn.PixelUnshuffle(2), (2, 2, 4, 6)),
    (lambda nn: nn.PixelUnshuffle(2), (3, 2, 2, 4, 2)),
    (lambda nn: nn.Unfold(2), (2, 3, 4, 5)),
    (lambda nn: nn.Unfold((2, 3), dilation=(1, 2), padding=1, stride=(2, 1)), (1, 2, 5, 6)),
    (lambda nn: nn.Unfold(2, stride=2), (3, 4, 4)),
    (lambda nn: nn.Fold((4, 5), 2), (2, 12, 12)),
    (lambda nn: nn.Fold((5, 6), (2, 3), dilation=(1, 2), padding=1, stride=(2, 1)), (1, 12, 12)),
    (lambda nn: nn.Fold(3, 2), (8, 4)),
])
def test_resample_modules(make, shape):
    ml, mt = make(tl.nn), make(torch.nn)
    assert repr(ml) == repr(mt)
    check(lambda L, x: (ml if L is tl else mt)(x), shape)
    check(lambda L, x: (ml if L is tl else mt)(x), shape, "float32")


def test_resample_gradchecks():
    x = np.random.default_rng(0).standard_normal((1, 2, 4, 4))
    F = tl.nn.functional
    gradcheck(lambda t: F.unfold(t, 2, padding=1, stride=2) ** 2, x)
    gradcheck(lambda t: F.fold(F.unfold(t, 2) ** 2, (4, 4), 2), x)
    gradcheck(lambda t: F.pixel_unshuffle(t, 2) ** 2, x)
    gradcheck(lambda t: F.pixel_shuffle(t.reshape(1, 8, 2, 2), 2) ** 2, x)


def test_resample_errors():
    for lib in (tl, torch):
        F = lib.nn.functional
        with pytest.raises(ValueError, match="align_corners option can only be set"):
            F.interpolate(lib.ones(1, 1, 3), scale_factor=2, align_corners=True)
        with pytest.raises(ValueError, match="only one of size or scale_factor"):
            F.interpolate(lib.ones(1, 1, 3), size=2, scale_factor=2)
        with pytest.raises(ValueError, match="either size or scale_factor"):
            F.interpolate(lib.ones(1, 1, 3))
        with pytest.raises(RuntimeError, match="divisible by the square of upscale_factor"):
            F.pixel_shuffle(lib.ones(1, 3, 2, 2), 2)
        with pytest.raises(RuntimeError, match="height to be divisible"):
            F.pixel_unshuffle(lib.ones(1, 3, 3, 2), 2)
        with pytest.raises(RuntimeError, match="at least 3 dimensions"):
            F.pixel_shuffle(lib.ones(4, 2), 2)
        with pytest.raises(RuntimeError, match="match the calculated number of sliding blocks"):
            F.fold(lib.ones(1, 4, 5), (3, 3), 2)
        with pytest.raises(RuntimeError, match="divisible by the product of kernel_size"):
            F.fold(lib.ones(1, 5, 4), (3, 3), 2)


def test_resample_dtype_errors():
    for lib in (tl, torch):
        F = lib.nn.functional
        with pytest.raises(NotImplementedError, match="compute_indices_weights_nearest"):
            F.interpolate(lib.ones(1, 1, 3, dtype=lib.int64), scale_factor=2)
        with pytest.raises(NotImplementedError, match="compute_indices_weights_linear"):
            F.interpolate(lib.ones(1, 1, 3, dtype=lib.int64), scale_factor=2, mode="linear")
        with pytest.raises(NotImplementedError, match="im2col_out_cpu"):
            F.unfold(lib.ones(1, 1, 2, 2, dtype=lib.uint8), 2)
        with pytest.raises(NotImplementedError, match="col2im_out_cpu"):
            F.fold(lib.ones(1, 4, 1, dtype=lib.int64), 2, 2)
        with pytest.raises(NotImplementedError, match="GroupNormKernelImpl"):
            F.group_norm(lib.ones(2, 4, 3, dtype=lib.int64), 2)
        y = F.interpolate(lib.arange(12, dtype=lib.uint8).reshape(1, 1, 3, 4), scale_factor=2)
        assert str(y.dtype) == "torch.uint8"
    a = np.arange(24, dtype=np.uint8).reshape(1, 2, 3, 4)
    np.testing.assert_array_equal(
        arr(tl.nn.functional.interpolate(tl.tensor(a), size=(5, 7))),
        arr(torch.nn.functional.interpolate(torch.tensor(a), size=(5, 7))))
    p = np.arange(16).reshape(1, 4, 2, 2)
    np.testing.assert_array_equal(arr(tl.nn.functional.pixel_shuffle(tl.tensor(p), 2)),
                                  arr(torch.nn.functional.pixel_shuffle(torch.tensor(p), 2)))
