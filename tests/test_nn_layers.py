"""The nn layers as modules, compared with real torch: default initialisation bit for bit after
manual_seed, Dropout masks bit for bit, forward values and parameter gradients, BatchNorm's
running statistics, train/eval behaviour, and a small MLP trained under both libraries."""
import numpy as np
import pytest
import torch

import torchless as tl


def arr(t):
    return np.asarray(t._a) if isinstance(t, tl.Tensor) else t.detach().numpy()


# ---------------------------------------------------------------- initialisation
@pytest.mark.parametrize("seed", [0, 1, 42])
@pytest.mark.parametrize("shape", [(784, 128), (128, 64), (64, 10), (3, 5), (1, 1), (5, 3, False),
                                   (20, 7, True, "float64")])
def test_linear_init_bit_exact(seed, shape):
    res = []
    for lib in (tl, torch):
        lib.manual_seed(seed)
        kw = {"dtype": getattr(lib, shape[3])} if len(shape) > 3 else {}
        m = lib.nn.Linear(shape[0], shape[1], *shape[2:3], **kw)
        res.append([arr(p).copy() for p in m.parameters()] + [arr(lib.rand(3)).copy()])
    assert len(res[0]) == len(res[1])
    for a, b in zip(*res):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("seed", [0, 42])
@pytest.mark.parametrize("make", [
    lambda nn: nn.Bilinear(4, 3, 5), lambda nn: nn.Bilinear(2, 2, 1, bias=False),
    lambda nn: nn.Embedding(10, 4), lambda nn: nn.Embedding(7, 3, padding_idx=2),
    lambda nn: nn.Embedding(7, 3, padding_idx=-1), lambda nn: nn.LayerNorm((3, 4)),
    lambda nn: nn.BatchNorm1d(6),
    lambda nn: nn.Sequential(nn.Linear(784, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 10)),
])
def test_other_layers_init_bit_exact(seed, make):
    res = []
    for lib in (tl, torch):
        lib.manual_seed(seed)
        m = make(lib.nn)
        res.append([(k, arr(v).copy()) for k, v in m.state_dict().items()])
    for (ka, a), (kb, b) in zip(*res):
        assert ka == kb and a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def test_embedding_from_pretrained():
    w = np.arange(12.0, dtype=np.float32).reshape(4, 3)
    a = tl.nn.Embedding.from_pretrained(tl.tensor(w))
    b = torch.nn.Embedding.from_pretrained(torch.tensor(w))
    assert repr(a) == repr(b) and not a.weight.requires_grad
    idx = [[0, 3], [2, 2]]
    np.testing.assert_array_equal(arr(a(tl.tensor(idx))), arr(b(torch.tensor(idx))))
    assert tl.nn.Embedding.from_pretrained(tl.tensor(w), freeze=False).weight.requires_grad


# ---------------------------------------------------------------- dropout
@pytest.mark.parametrize("seed", [0, 7])
@pytest.mark.parametrize("p", [0.1, 0.2, 0.5, 0.9])
@pytest.mark.parametrize("shape", [(64, 128), (3, 5), (17,), (2, 3, 4)])
def test_dropout_masks_bit_exact(seed, p, shape):
    x = np.random.default_rng(seed).standard_normal(shape).astype(np.float32)
    res = []
    for lib in (tl, torch):
        lib.manual_seed(seed)
        xt = lib.tensor(x, requires_grad=True)
        y = lib.nn.Dropout(p)(xt)
        y.backward(lib.ones(shape))
        res.append((arr(y).copy(), arr(xt.grad).copy(), arr(lib.rand(2)).copy(),
                    y.grad_fn.name_() if lib is tl else type(y.grad_fn).__name__))
    for u, v in zip(res[0], res[1]):
        np.testing.assert_array_equal(u, v)


@pytest.mark.parametrize("p", [0.0, 0.3, 1.0])
def test_dropout_functional_and_inplace_float64(p):
    x = np.random.default_rng(1).standard_normal((8, 9))
    res = []
    for lib in (tl, torch):
        lib.manual_seed(3)
        a = lib.nn.functional.dropout(lib.tensor(x), p)
        b = lib.tensor(x)
        lib.nn.Dropout(p, inplace=True)(b)
        res.append((arr(a).copy(), arr(b).copy(), arr(lib.rand(2)).copy()))
    for u, v in zip(res[0], res[1]):
        np.testing.assert_array_equal(u, v)


def test_dropout_eval_is_identity_and_draws_nothing():
    for lib in (tl, torch):
        d = lib.nn.Dropout(0.5).eval()
        x = lib.randn(4, 4)
        assert d(x) is x
    tl.manual_seed(0)
    torch.manual_seed(0)
    tl.nn.Dropout(0.5).eval()(tl.randn(3))
    torch.nn.Dropout(0.5).eval()(torch.randn(3))
    np.testing.assert_array_equal(arr(tl.rand(3)), arr(torch.rand(3)))


# ---------------------------------------------------------------- forward + parameter gradients
LAYERS = [
    ("linear", lambda nn: nn.Linear(5, 4), (6, 5)),
    ("linear_nobias_3d", lambda nn: nn.Linear(5, 4, bias=False), (2, 3, 5)),
    ("identity", lambda nn: nn.Identity(7, unused=True), (3, 4)),
    ("flatten", lambda nn: nn.Flatten(), (2, 3, 4)),
    ("flatten_0_1", lambda nn: nn.Flatten(0, 1), (2, 3, 4)),
    ("unflatten", lambda nn: nn.Unflatten(1, (2, 6)), (3, 12)),
    ("relu", lambda nn: nn.ReLU(), (4, 5)),
    ("leaky", lambda nn: nn.LeakyReLU(0.2), (4, 5)),
    ("elu", lambda nn: nn.ELU(0.7), (4, 5)),
    ("gelu", lambda nn: nn.GELU(), (4, 5)),
    ("gelu_tanh", lambda nn: nn.GELU("tanh"), (4, 5)),
    ("silu", lambda nn: nn.SiLU(), (4, 5)),
    ("sigmoid", lambda nn: nn.Sigmoid(), (4, 5)),
    ("tanh", lambda nn: nn.Tanh(), (4, 5)),
    ("softmax", lambda nn: nn.Softmax(dim=1), (4, 5)),
    ("logsoftmax", lambda nn: nn.LogSoftmax(dim=-1), (4, 5)),
    ("softmin", lambda nn: nn.Softmin(dim=0), (4, 5)),
    ("softplus", lambda nn: nn.Softplus(2, 1), (4, 5)),
    ("hardtanh", lambda nn: nn.Hardtanh(-0.5, 0.5), (4, 5)),
    ("relu6", lambda nn: nn.ReLU6(), (4, 5)),
    ("layernorm", lambda nn: nn.LayerNorm(5), (4, 5)),
    ("layernorm_2d", lambda nn: nn.LayerNorm((3, 5), elementwise_affine=False), (2, 3, 5)),
    ("batchnorm", lambda nn: nn.BatchNorm1d(5), (8, 5)),
    ("batchnorm_3d", lambda nn: nn.BatchNorm1d(3, momentum=None), (4, 3, 6)),
    ("batchnorm_noaffine", lambda nn: nn.BatchNorm1d(5, affine=False), (8, 5)),
    ("batchnorm_nostats", lambda nn: nn.BatchNorm1d(5, track_running_stats=False), (8, 5)),
    ("batchnorm2d", lambda nn: nn.BatchNorm2d(3), (2, 3, 2, 2)),
    ("sequential", lambda nn: nn.Sequential(nn.Linear(5, 8), nn.GELU(), nn.LayerNorm(8),
                                            nn.Linear(8, 3), nn.LogSoftmax(1)), (6, 5)),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name, make, shape", LAYERS, ids=[c[0] for c in LAYERS])
def test_layer_forward_and_gradients(name, make, shape, dtype):
    x = np.random.default_rng(2).standard_normal(shape).astype(dtype) * 2
    g = np.random.default_rng(3).standard_normal(shape).astype(dtype)
    tol = dict(rtol=1e-10, atol=1e-12) if dtype == "float64" else dict(rtol=3e-5, atol=3e-6)
    outs = []
    for lib in (tl, torch):
        lib.manual_seed(0)
        m = make(lib.nn)
        if dtype == "float64":
            m.double()
        for mode in ("train", "eval"):
            getattr(m, mode)()
            xt = lib.tensor(x, requires_grad=True)
            y = m(xt)
            gy = lib.tensor(np.resize(g, tuple(y.shape)))
            y.backward(gy)
            outs.append([arr(y).copy(), arr(xt.grad).copy()] +
                        [arr(p.grad).copy() for p in m.parameters()] +
                        [arr(b).copy() for b in m.buffers()] + [str(y.dtype)])
            m.zero_grad()
    half = len(outs) // 2
    for u_list, v_list in zip(outs[:half], outs[half:]):
        assert len(u_list) == len(v_list)
        for u, v in zip(u_list, v_list):
            if isinstance(u, str):
                assert u == v
            else:
                np.testing.assert_allclose(u, v, **tol)


def test_batchnorm_running_stats_over_steps():
    rng = np.random.default_rng(0)
    xs = [rng.standard_normal((16, 4, 3)).astype(np.float32) * 3 + 1 for _ in range(5)]
    res = []
    for lib in (tl, torch):
        for momentum in (0.1, None, 0.5):
            m = lib.nn.BatchNorm1d(4, momentum=momentum)
            for x in xs:
                m(lib.tensor(x))
            m.eval()
            y = m(lib.tensor(xs[0]))
            res.append((arr(m.running_mean).copy(), arr(m.running_var).copy(),
                        int(m.num_batches_tracked.item()), arr(y).copy()))
    for u, v in zip(res[:3], res[3:]):
        np.testing.assert_allclose(u[0], v[0], rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(u[1], v[1], rtol=1e-6, atol=1e-7)
        assert u[2] == v[2] == 5
        np.testing.assert_allclose(u[3], v[3], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("fn", [
    lambda nn, lib: nn.BatchNorm1d(3)(lib.randn(2, 3, 4, 5)),
    lambda nn, lib: nn.BatchNorm1d(3)(lib.randn(3)),
    lambda nn, lib: nn.BatchNorm1d(3)(lib.randn(1, 3)),
    lambda nn, lib: nn.BatchNorm2d(3)(lib.randn(2, 3)),
    lambda nn, lib: nn.Linear(784, 128)(lib.randn(64, 780)),
    lambda nn, lib: nn.Linear(784, 128)(lib.randn(2, 64, 780)),
    lambda nn, lib: nn.Linear(784, 128)(lib.randn(780)),
    lambda nn, lib: nn.Embedding(4, 2)(lib.tensor([4])),
    lambda nn, lib: nn.Embedding(4, 2, padding_idx=4),
    lambda nn, lib: nn.LayerNorm(4)(lib.randn(2, 5)),
    lambda nn, lib: nn.Unflatten(1, (2, 5))(lib.randn(3, 12)),
    lambda nn, lib: nn.Unflatten(1, 5),
    lambda nn, lib: nn.Softmax(dim=3)(lib.randn(2, 3)),
])
def test_layer_errors(fn):
    with pytest.raises(Exception) as e1:
        fn(torch.nn, torch)
    with pytest.raises(Exception) as e2:
        fn(tl.nn, tl)
    assert type(e2.value) is type(e1.value) and str(e2.value) == str(e1.value)


def test_inplace_activations_write_input():
    for make in (lambda nn: nn.ReLU(True), lambda nn: nn.LeakyReLU(0.1, True),
                 lambda nn: nn.ELU(inplace=True), lambda nn: nn.SiLU(True),
                 lambda nn: nn.Hardtanh(inplace=True), lambda nn: nn.ReLU6(True)):
        x = np.linspace(-8, 8, 12, dtype=np.float32)
        a, b = tl.tensor(x), torch.tensor(x)
        ra, rb = make(tl.nn)(a), make(torch.nn)(b)
        assert ra is a and rb is b
        np.testing.assert_allclose(arr(a), arr(b), rtol=1e-6)


# ---------------------------------------------------------------- training end to end
def test_mlp_training_loss_curve_matches_torch():
    """A small MLP trained for 300 steps of SGD with momentum-free updates written by hand
    (the optimisers have their own tests), from the same seed, dropout on."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((256, 20)).astype(np.float32)
    Y = (X[:, :3].sum(1) > 0).astype(np.int64) + (X[:, 3] > 1).astype(np.int64)
    curves = []
    for lib in (tl, torch):
        nn = lib.nn
        lib.manual_seed(0)
        model = nn.Sequential(nn.Linear(20, 32), nn.ReLU(), nn.Dropout(0.1), nn.Linear(32, 16),
                              nn.Tanh(), nn.Linear(16, 3))
        loss_fn = nn.CrossEntropyLoss()
        xs, ys = lib.tensor(X), lib.tensor(Y)
        losses = []
        for step in range(300):
            i = (step * 32) % 256
            loss = loss_fn(model(xs[i:i + 32]), ys[i:i + 32])
            model.zero_grad()
            loss.backward()
            with lib.no_grad():
                for p in model.parameters():
                    p -= 0.1 * p.grad
            losses.append(loss.item())
        model.eval()
        with lib.no_grad():
            acc = (model(xs).argmax(1) == ys).float().mean().item()
        curves.append((np.array(losses), acc))
    np.testing.assert_allclose(curves[0][0], curves[1][0], rtol=2e-3, atol=1e-4)
    assert curves[0][0][-20:].mean() < curves[0][0][:20].mean() * 0.6
    assert abs(curves[0][1] - curves[1][1]) < 0.02


@pytest.mark.parametrize("bias", [True, False])
def test_linear_graph_has_torchs_edge_order(bias):
    """nn.Linear's node has torch's edges in torch's order: (bias, input, weight) for
    AddmmBackward0 (the 60-minute blitz prints next_functions[0][0]: the bias's
    AccumulateGrad).  torch's weight edge goes through a TBackward0 node; here it is fused."""
    out = []
    for L in (torch, tl):
        L.manual_seed(0)
        lin = L.nn.Linear(4, 3, bias=bias)
        x = L.randn(2, 4, requires_grad=True)
        y = lin(x)
        walk = [n.name() if n else None for n, _ in y.grad_fn.next_functions][:-1]
        last = y.grad_fn.next_functions[-1][0]
        if L is torch:
            last = last.next_functions[0][0]        # TBackward0 -> the weight's AccumulateGrad
        y.sum().backward()
        out.append((y.grad_fn.name(), walk, last.variable is lin.weight,
                    lin.weight.grad.tolist(), x.grad.tolist()))
    assert out[1] == out[0]
