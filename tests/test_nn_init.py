"""torch.nn.init, compared with real torch: every initialiser draws exactly torch's random
numbers (bit for bit) from the global generator or a Generator; gains, fans and errors."""
import math
import warnings

import numpy as np
import pytest
import torch

import torchless as tl


def arr(t):
    return np.asarray(t._a) if isinstance(t, tl.Tensor) else t.detach().numpy()


def same_error(fn_tl, fn_torch):
    with pytest.raises(Exception) as e1:
        fn_torch()
    with pytest.raises(Exception) as e2:
        fn_tl()
    assert type(e2.value) is type(e1.value) and str(e2.value) == str(e1.value)


INITS = [
    ("uniform_", lambda init, t, g: init.uniform_(t, generator=g)),
    ("uniform_ab", lambda init, t, g: init.uniform_(t, -0.3, 0.7, generator=g)),
    ("normal_", lambda init, t, g: init.normal_(t, generator=g)),
    ("normal_ms", lambda init, t, g: init.normal_(t, 0.5, 0.02, generator=g)),
    ("constant_", lambda init, t, g: init.constant_(t, 0.25)),
    ("zeros_", lambda init, t, g: init.zeros_(t)),
    ("ones_", lambda init, t, g: init.ones_(t)),
    ("xavier_uniform_", lambda init, t, g: init.xavier_uniform_(t, generator=g)),
    ("xavier_uniform_gain", lambda init, t, g: init.xavier_uniform_(
        t, gain=init.calculate_gain("tanh"), generator=g)),
    ("xavier_normal_", lambda init, t, g: init.xavier_normal_(t, generator=g)),
    ("xavier_normal_gain", lambda init, t, g: init.xavier_normal_(t, 0.5, generator=g)),
    ("kaiming_uniform_", lambda init, t, g: init.kaiming_uniform_(t, generator=g)),
    ("kaiming_uniform_sqrt5", lambda init, t, g: init.kaiming_uniform_(
        t, a=math.sqrt(5), generator=g)),
    ("kaiming_uniform_relu_out", lambda init, t, g: init.kaiming_uniform_(
        t, mode="fan_out", nonlinearity="relu", generator=g)),
    ("kaiming_normal_", lambda init, t, g: init.kaiming_normal_(t, generator=g)),
    ("kaiming_normal_out", lambda init, t, g: init.kaiming_normal_(
        t, a=0.1, mode="fan_out", generator=g)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(784, 128), (3, 5), (1, 1), (10, 7), (4, 3, 2, 2), (40, 1)])
@pytest.mark.parametrize("seed", [0, 1, 42])
@pytest.mark.parametrize("name, fn", INITS, ids=[c[0] for c in INITS])
def test_initialisers_bit_exact(name, fn, seed, shape, dtype):
    results = []
    for lib in (tl, torch):
        lib.manual_seed(seed)
        p = lib.nn.Parameter(lib.empty(shape, dtype=getattr(lib, dtype)))
        out = fn(lib.nn.init, p, None)
        assert out is p and p.requires_grad and p.grad_fn is None
        after = lib.rand(3)                   # the generator advanced by the same amount
        results.append((arr(p).copy(), arr(after).copy()))
    np.testing.assert_array_equal(results[0][0], results[1][0])
    np.testing.assert_array_equal(results[0][1], results[1][1])


@pytest.mark.parametrize("name, fn", [c for c in INITS if "_" in c[0]][:4] + INITS[7:],
                         ids=[c[0] for c in [c for c in INITS if "_" in c[0]][:4] + INITS[7:]])
def test_initialisers_with_generator(name, fn):
    res = []
    for lib in (tl, torch):
        g = lib.Generator().manual_seed(123)
        lib.manual_seed(0)
        t = lib.empty(20, 30)
        fn(lib.nn.init, t, g)
        res.append((arr(t).copy(), arr(lib.rand(2)).copy()))   # global stream untouched
    np.testing.assert_array_equal(res[0][0], res[1][0])
    np.testing.assert_array_equal(res[0][1], res[1][1])


@pytest.mark.parametrize("shape", [(5, 5), (3, 7), (8, 2), (4, 3, 2)])
@pytest.mark.parametrize("gain", [1, 2.5])
def test_orthogonal(shape, gain):
    res = []
    for lib in (tl, torch):
        lib.manual_seed(3)
        t = lib.empty(shape)
        lib.nn.init.orthogonal_(t, gain=gain)
        res.append((arr(t).copy(), arr(lib.rand(2)).copy()))
    # QR comes from different LAPACK builds: equal to rounding, same draws
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(res[0][1], res[1][1])
    q = res[0][0].reshape(shape[0], -1) / gain
    small = min(q.shape)
    gram = q @ q.T if q.shape[0] == small else q.T @ q
    np.testing.assert_allclose(gram, np.eye(small), atol=1e-5)


@pytest.mark.parametrize("args", [(), (0.5, 0.1, -0.2, 0.9), (0.0, 2.0, -1.0, 1.0),
                                  (0.0, 1.0, 0.0, 0.8417), (1.0, 3.0, -4.0, 2.0)])
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("shape", [(7,), (200, 50)])
def test_trunc_normal_bit_exact(args, dtype, shape):
    res = []
    for lib in (tl, torch):
        lib.manual_seed(5)
        t = lib.empty(shape, dtype=getattr(lib, dtype))
        assert lib.nn.init.trunc_normal_(t, *args) is t
        res.append((arr(t).copy(), arr(lib.rand(2)).copy()))
    np.testing.assert_array_equal(res[0][0], res[1][0])
    np.testing.assert_array_equal(res[0][1], res[1][1])


@pytest.mark.parametrize("args", [(0.0, 1.0, 0.0, 0.5), (0.0, 1.0, 2.0, 5.0), (5.0, 1.0, -2.0, 2.0)])
def test_trunc_normal_narrow_interval(args):
    """Under 30 % of the mass inside [a, b]: torch changes method; ours is the inverse CDF —
    the right distribution inside the bounds, not torch's numbers."""
    tl.manual_seed(0)
    t = tl.empty(20000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tl.nn.init.trunc_normal_(t, *args)
    x = arr(t)
    mean, std, a, b = args
    assert x.min() >= a and x.max() <= b
    # the truncated normal's mean: mean + std * (pdf(alpha) - pdf(beta)) / (cdf(beta) - cdf(alpha))
    al, be = (a - mean) / std, (b - mean) / std
    pdf = lambda z: math.exp(-z * z / 2) / math.sqrt(2 * math.pi)  # noqa: E731
    cdf = lambda z: (1 + math.erf(z / math.sqrt(2))) / 2  # noqa: E731
    expected = mean + std * (pdf(al) - pdf(be)) / (cdf(be) - cdf(al))
    assert abs(x.mean() - expected) < 0.02 * (b - a)


def test_eye_and_dirac():
    for shape in ((3, 5), (4, 2)):
        a, b = tl.empty(shape), torch.empty(shape)
        tl.nn.init.eye_(a)
        torch.nn.init.eye_(b)
        np.testing.assert_array_equal(arr(a), arr(b))
    for shape, groups in (((4, 2, 3), 1), ((4, 2, 3, 3), 2), ((2, 3, 1, 3, 3), 1)):
        a, b = tl.empty(shape), torch.empty(shape)
        tl.nn.init.dirac_(a, groups)
        torch.nn.init.dirac_(b, groups)
        np.testing.assert_array_equal(arr(a), arr(b))


@pytest.mark.parametrize("args", [("linear",), ("conv2d",), ("sigmoid",), ("tanh",), ("relu",),
                                  ("leaky_relu",), ("leaky_relu", 0.2), ("leaky_relu", 3),
                                  ("selu",), ("conv_transpose3d",)])
def test_calculate_gain(args):
    a, b = tl.nn.init.calculate_gain(*args), torch.nn.init.calculate_gain(*args)
    assert a == b and type(a) is type(b)


@pytest.mark.parametrize("fn", [
    lambda lib: lib.nn.init.calculate_gain("foo"),
    lambda lib: lib.nn.init.calculate_gain("leaky_relu", True),
    lambda lib: lib.nn.init.calculate_gain("leaky_relu", "x"),
    lambda lib: lib.nn.init.xavier_uniform_(lib.empty(5)),
    lambda lib: lib.nn.init.kaiming_normal_(lib.empty(5)),
    lambda lib: lib.nn.init.kaiming_uniform_(lib.empty(5, 3), mode="fan_avg"),
    lambda lib: lib.nn.init.eye_(lib.empty(2, 2, 2)),
    lambda lib: lib.nn.init.dirac_(lib.empty(2, 2)),
    lambda lib: lib.nn.init.orthogonal_(lib.empty(3)),
])
def test_init_errors(fn):
    same_error(lambda: fn(tl), lambda: fn(torch))


def test_zero_element_warning_and_fans():
    for lib in (tl, torch):
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.nn.init.kaiming_uniform_(lib.empty(0, 3))
        assert [str(x.message) for x in w] == ["Initializing zero-element tensors is a no-op"]
    for shape in ((3, 4), (5, 4, 3, 2), (2, 7, 1)):
        assert tl.nn.init._calculate_fan_in_and_fan_out(tl.empty(shape)) == \
            torch.nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))


def test_init_runs_outside_autograd():
    p = tl.nn.Parameter(tl.empty(3, 4))
    for fn in (tl.nn.init.zeros_, tl.nn.init.ones_, tl.nn.init.normal_, tl.nn.init.uniform_,
               tl.nn.init.xavier_uniform_, tl.nn.init.kaiming_normal_, tl.nn.init.eye_,
               tl.nn.init.orthogonal_, tl.nn.init.trunc_normal_):
        fn(p)
        assert p.grad_fn is None and p.requires_grad
    v = tl.empty(4, 4)
    view = v[1]
    tl.nn.init.constant_(v, 2.0)
    assert view._a.tolist() == [2.0] * 4       # written in place: views see it
