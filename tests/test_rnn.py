"""nn.RNN, LSTM, GRU and their cells against real torch: initialisation bit for bit after
manual_seed, repr and state_dict keys, forward values and gradients (float64 tight, float32 to
torch's rounding), dropout between layers, unbatched inputs, torch's error messages, and a
float64 finite-difference gradient check."""
import warnings

import numpy as np
import pytest
import torch

import torchless as tl
from _gradcheck import gradcheck


def arr(t):
    return np.asarray(t._a) if isinstance(t, tl.Tensor) else t.detach().numpy()


def flat(out):
    """(output, h) or (output, (h, c)) -> [output, h(, c)]."""
    if isinstance(out, tuple):
        return [x for o in out for x in flat(o)]
    return [out]


CONFIGS = [
    ("RNN", (10, 20), {}),
    ("RNN", (4, 6), {"nonlinearity": "relu", "num_layers": 2, "bias": False}),
    ("RNN", (4, 6, 2, "relu"), {"bidirectional": True}),
    ("LSTM", (10, 20), {"num_layers": 2, "batch_first": True}),
    ("LSTM", (3, 5), {"bidirectional": True, "num_layers": 2}),
    ("LSTM", (3, 5), {"proj_size": 2}),
    ("LSTM", (3, 5), {"proj_size": 3, "num_layers": 2, "bidirectional": True, "bias": False}),
    ("GRU", (10, 20), {}),
    ("GRU", (3, 4), {"num_layers": 3, "bidirectional": True, "batch_first": True}),
    ("GRU", (3, 4), {"bias": False, "dropout": 0.25, "num_layers": 2}),
]
IDS = [f"{c[0]}{c[1]}{c[2]}" for c in CONFIGS]


def make(lib, name, args, kw, dtype=None):
    kw = dict(kw)
    if dtype is not None:
        kw["dtype"] = getattr(lib, dtype)
    return getattr(lib.nn, name)(*args, **kw)


# ---------------------------------------------------------------- construction
@pytest.mark.parametrize("seed", [0, 3])
@pytest.mark.parametrize("cfg", CONFIGS + [
    ("RNNCell", (5, 7), {}), ("RNNCell", (5, 7), {"bias": False, "nonlinearity": "relu"}),
    ("LSTMCell", (5, 7), {}), ("GRUCell", (5, 7), {"bias": False}),
    ("LSTM", (6, 8), {"dtype": "float64"})], ids=lambda c: f"{c[0]}{c[1]}{c[2]}")
def test_init_bit_exact_repr_state_dict(seed, cfg):
    name, args, kw = cfg
    kw = dict(kw)
    dt = kw.pop("dtype", None)
    res = []
    for lib in (tl, torch):
        lib.manual_seed(seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = make(lib, name, args, kw, dt)
        res.append((repr(m), [(k, arr(v).copy()) for k, v in m.state_dict().items()],
                    [n for n, _ in m.named_parameters()], arr(lib.rand(3)).copy()))
    assert res[0][0] == res[1][0]
    assert res[0][2] == res[1][2]
    assert len(res[0][1]) == len(res[1][1])
    for (ka, a), (kb, b) in zip(res[0][1], res[1][1]):
        assert ka == kb and a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(res[0][3], res[1][3])


def test_flat_weights_and_all_weights():
    a = tl.nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2)
    b = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, proj_size=2)
    assert a._flat_weights_names == b._flat_weights_names
    assert [[tuple(p.shape) for p in ws] for ws in a.all_weights] == \
        [[tuple(p.shape) for p in ws] for ws in b.all_weights]
    assert a.all_weights[1][0] is a.weight_ih_l0_reverse
    assert [tuple(p.shape) for p in a._flat_weights] == [tuple(p.shape) for p in b._flat_weights]
    a.flatten_parameters()


def test_repr_and_attributes():
    for lib in (tl, torch):
        m = lib.nn.RNN(10, 20, nonlinearity="relu", dropout=0.5, num_layers=2)
        assert m.nonlinearity == "relu" and m.mode == "RNN_RELU" and m.dropout == 0.5
    for f in (lambda nn: nn.LSTM(10, 20, num_layers=2, batch_first=True),
              lambda nn: nn.RNN(10, 20, 2, "relu", False, True, 0.5, True),
              lambda nn: nn.GRU(input_size=1, hidden_size=2, dropout=1),
              lambda nn: nn.RNNCell(3, 4, nonlinearity="relu", bias=False),
              lambda nn: nn.LSTMCell(3, 4, bias=False)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert repr(f(tl.nn)) == repr(f(torch.nn))


@pytest.mark.parametrize("make_bad", [
    lambda nn: nn.LSTM(3, 4, dropout=1.5), lambda nn: nn.LSTM(3, 4, dropout=-0.1),
    lambda nn: nn.LSTM(3, 4, dropout=True), lambda nn: nn.LSTM(3, 4, proj_size=-1),
    lambda nn: nn.LSTM(3, 4, proj_size=4), lambda nn: nn.LSTM(3, 0),
    lambda nn: nn.GRU(3, 4, num_layers=0), lambda nn: nn.RNN(3, 4, nonlinearity="sigmoid"),
    lambda nn: nn.GRU(3, 4, proj_size=2), lambda nn: nn.RNN(3, 4, proj_size=2),
    lambda nn: nn.LSTM(3, 4.0),
])
def test_constructor_errors(make_bad):
    with pytest.raises(Exception) as ref:
        make_bad(torch.nn)
    with pytest.raises(type(ref.value)) as got:
        make_bad(tl.nn)
    assert str(got.value) == str(ref.value)


def test_dropout_warning_single_layer():
    for lib in (tl, torch):
        with pytest.warns(UserWarning) as rec:
            lib.nn.GRU(3, 4, dropout=0.5)
        msgs = [str(r.message) for r in rec]
        assert msgs == ["dropout option adds dropout after all but last recurrent layer, so "
                        "non-zero dropout expects num_layers greater than 1, but got "
                        "dropout=0.5 and num_layers=1"]


# ---------------------------------------------------------------- forward and backward
def run_both(name, args, kw, x, h0=None, dtype="float64", seed=0, train=False, hx_grad=True):
    """Forward + backward of sum(out * w) in both libraries; returns the two result lists."""
    res = []
    for lib in (tl, torch):
        lib.manual_seed(seed)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            m = make(lib, name, args, kw, dtype)
        m.train(train)
        xt = lib.tensor(x, requires_grad=True)
        hx = None
        if h0 is not None:
            hx = tuple(lib.tensor(h, requires_grad=hx_grad) for h in h0)
            if len(hx) == 1:
                hx = hx[0]
        lib.manual_seed(seed + 1)
        outs = flat(m(xt, hx))
        rng = np.random.default_rng(1)
        loss = sum((o * lib.tensor(rng.standard_normal(tuple(o.shape)).astype(x.dtype))).sum()
                   for o in outs)
        loss.backward()
        grads = [xt.grad] + [p.grad for p in m.parameters()]
        if hx is not None and hx_grad:
            grads += [h.grad for h in (hx if isinstance(hx, tuple) else (hx,))]
        res.append(([arr(o).copy() for o in outs], [arr(g).copy() for g in grads]))
    return res


def compare(res, rtol, atol):
    (oa, ga), (ob, gb) = res
    assert [o.shape for o in oa] == [o.shape for o in ob]
    for a, b in zip(oa, ob):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)
    assert len(ga) == len(gb)
    for a, b in zip(ga, gb):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


def hidden_shapes(name, args, kw, batch):
    nd = 2 if kw.get("bidirectional") else 1
    layers = kw.get("num_layers", args[2] if len(args) > 2 else 1)
    hid = args[1]
    out = kw.get("proj_size") or hid
    shapes = [(layers * nd, batch, out)]
    if name == "LSTM":
        shapes.append((layers * nd, batch, hid))
    return shapes


@pytest.mark.parametrize("with_h0", [False, True])
@pytest.mark.parametrize("cfg", CONFIGS, ids=IDS)
def test_forward_backward_float64(cfg, with_h0):
    name, args, kw = cfg
    rng = np.random.default_rng(0)
    L, N = 5, 3
    shape = (N, L, args[0]) if kw.get("batch_first") else (L, N, args[0])
    x = rng.standard_normal(shape)
    h0 = [rng.standard_normal(s) for s in hidden_shapes(name, args, kw, N)] if with_h0 else None
    compare(run_both(name, args, kw, x, h0), 1e-10, 1e-12)


@pytest.mark.parametrize("cfg", CONFIGS, ids=IDS)
def test_forward_backward_float32(cfg):
    name, args, kw = cfg
    rng = np.random.default_rng(1)
    L, N = 6, 4
    shape = (N, L, args[0]) if kw.get("batch_first") else (L, N, args[0])
    x = rng.standard_normal(shape).astype(np.float32)
    h0 = [rng.standard_normal(s).astype(np.float32) for s in hidden_shapes(name, args, kw, N)]
    compare(run_both(name, args, kw, x, h0, dtype=None), 2e-5, 2e-5)


@pytest.mark.parametrize("cfg", [c for c in CONFIGS if not c[2].get("batch_first")][:6],
                         ids=IDS[:6])
def test_unbatched(cfg):
    name, args, kw = cfg
    rng = np.random.default_rng(2)
    x = rng.standard_normal((4, args[0]))
    h0 = [rng.standard_normal((s[0], s[2])) for s in hidden_shapes(name, args, kw, 1)]
    compare(run_both(name, args, kw, x, h0), 1e-10, 1e-12)
    compare(run_both(name, args, kw, x), 1e-10, 1e-12)


def test_unbatched_batch_first():
    x = np.random.default_rng(3).standard_normal((4, 3))
    compare(run_both("GRU", (3, 5), {"batch_first": True}, x, [np.ones((1, 5))]), 1e-10, 1e-12)


@pytest.mark.parametrize("name", ["RNN", "LSTM", "GRU"])
def test_dropout_between_layers_matches_torch(name):
    """torch draws one bernoulli mask per inner layer output; the masks match bit for bit."""
    x = np.random.default_rng(4).standard_normal((5, 3, 4))
    res = run_both(name, (4, 6), {"num_layers": 3, "dropout": 0.4}, x, train=True)
    compare(res, 1e-10, 1e-12)
    # and in eval mode there is no dropout
    res = run_both(name, (4, 6), {"num_layers": 3, "dropout": 0.4}, x, train=False)
    compare(res, 1e-10, 1e-12)


def test_batch_size_zero_and_grad_fn():
    for lib in (tl, torch):
        m = lib.nn.LSTM(3, 4)
        out, (h, c) = m(lib.zeros(2, 0, 3))
        assert tuple(out.shape) == (2, 0, 4) and tuple(h.shape) == (1, 0, 4)
    m = tl.nn.GRU(3, 4)
    out, h = m(tl.randn(2, 1, 3))
    assert out.requires_grad and h.requires_grad
    with tl.no_grad():
        out, h = m(tl.randn(2, 1, 3))
    assert not out.requires_grad and out.grad_fn is None


# ---------------------------------------------------------------- cells
CELLS = [("RNNCell", (4, 5), {}), ("RNNCell", (4, 5), {"nonlinearity": "relu", "bias": False}),
         ("LSTMCell", (4, 5), {}), ("LSTMCell", (4, 5), {"bias": False}),
         ("GRUCell", (4, 5), {}), ("GRUCell", (4, 5), {"bias": False})]


@pytest.mark.parametrize("dtype", ["float64", None])
@pytest.mark.parametrize("batched", [True, False])
@pytest.mark.parametrize("with_h", [True, False])
@pytest.mark.parametrize("cfg", CELLS, ids=[f"{c[0]}{c[2]}" for c in CELLS])
def test_cells(cfg, with_h, batched, dtype):
    name, args, kw = cfg
    rng = np.random.default_rng(5)
    npdt = np.float64 if dtype else np.float32
    lead = (3,) if batched else ()
    x = rng.standard_normal(lead + (4,)).astype(npdt)
    h = None
    if with_h:
        h = [rng.standard_normal(lead + (5,)).astype(npdt)
             for _ in range(2 if name == "LSTMCell" else 1)]
    tol = (1e-10, 1e-12) if dtype else (2e-5, 2e-5)
    compare(run_both(name, args, kw, x, h, dtype=dtype), *tol)


# ---------------------------------------------------------------- errors
def t3(lib, *s):
    return lib.zeros(*s)


ERRORS = [
    (lambda lib: lib.nn.LSTM(10, 20, 2), lambda lib: (t3(lib, 5, 3, 5),)),
    (lambda lib: lib.nn.LSTM(10, 20, 2),
     lambda lib: (t3(lib, 5, 3, 10), (t3(lib, 1, 3, 20), t3(lib, 2, 3, 20)))),
    (lambda lib: lib.nn.LSTM(10, 20, 2),
     lambda lib: (t3(lib, 5, 3, 10), (t3(lib, 2, 3, 20), t3(lib, 2, 3, 21)))),
    (lambda lib: lib.nn.LSTM(10, 20, proj_size=5),
     lambda lib: (t3(lib, 5, 3, 10), (t3(lib, 1, 3, 20), t3(lib, 1, 3, 20)))),
    (lambda lib: lib.nn.LSTM(10, 20),
     lambda lib: (t3(lib, 5, 3, 10), (t3(lib, 1, 20), t3(lib, 1, 20)))),
    (lambda lib: lib.nn.LSTM(10, 20),
     lambda lib: (t3(lib, 5, 10), (t3(lib, 1, 3, 20), t3(lib, 1, 3, 20)))),
    (lambda lib: lib.nn.LSTM(10, 20), lambda lib: (t3(lib, 5, 3, 2, 10),)),
    (lambda lib: lib.nn.GRU(10, 20), lambda lib: (t3(lib, 10),)),
    (lambda lib: lib.nn.RNN(10, 20), lambda lib: (t3(lib, 5, 3, 2, 10),)),
    (lambda lib: lib.nn.GRU(10, 20, 2), lambda lib: (t3(lib, 5, 3, 10), t3(lib, 1, 3, 20))),
    (lambda lib: lib.nn.GRU(10, 20, batch_first=True),
     lambda lib: (t3(lib, 5, 3, 10), t3(lib, 1, 3, 20))),
    (lambda lib: lib.nn.GRU(10, 20), lambda lib: (t3(lib, 5, 10), t3(lib, 1, 3, 20))),
    (lambda lib: lib.nn.RNN(10, 20), lambda lib: (t3(lib, 5, 3, 10), t3(lib, 1, 20))),
    (lambda lib: lib.nn.RNN(10, 20), lambda lib: (t3(lib, 5, 3, 10).double(),)),
    (lambda lib: lib.nn.LSTM(10, 20), lambda lib: (t3(lib, 0, 3, 10),)),
    (lambda lib: lib.nn.LSTMCell(10, 20), lambda lib: (t3(lib, 3, 5),)),
    (lambda lib: lib.nn.LSTMCell(10, 20),
     lambda lib: (t3(lib, 3, 10), (t3(lib, 2, 20), t3(lib, 3, 20)))),
    (lambda lib: lib.nn.LSTMCell(10, 20),
     lambda lib: (t3(lib, 3, 10), (t3(lib, 3, 20), t3(lib, 2, 20)))),
    (lambda lib: lib.nn.LSTMCell(10, 20),
     lambda lib: (t3(lib, 3, 10), (t3(lib, 3, 21), t3(lib, 3, 20)))),
    (lambda lib: lib.nn.LSTMCell(10, 20),
     lambda lib: (t3(lib, 3, 10), (t3(lib, 3, 2, 20), t3(lib, 3, 20)))),
    (lambda lib: lib.nn.LSTMCell(10, 20), lambda lib: (t3(lib, 3, 2, 10),)),
    (lambda lib: lib.nn.GRUCell(10, 20), lambda lib: (t3(lib, 3, 10), t3(lib, 2, 20))),
    (lambda lib: lib.nn.GRUCell(10, 20), lambda lib: (t3(lib, 3, 10), t3(lib, 3, 2, 20))),
    (lambda lib: lib.nn.RNNCell(10, 20), lambda lib: (t3(lib, 10), t3(lib, 3, 20))),
    (lambda lib: lib.nn.RNNCell(10, 20), lambda lib: (t3(lib, 3, 10), t3(lib, 20))),
    (lambda lib: lib.nn.RNNCell(10, 20), lambda lib: (t3(lib, 3, 5),)),
]


@pytest.mark.parametrize("i", range(len(ERRORS)))
def test_forward_errors_match_torch(i):
    mk, inputs = ERRORS[i]
    with pytest.raises(Exception) as ref:
        mk(torch)(*inputs(torch))
    with pytest.raises(type(ref.value)) as got:
        mk(tl)(*inputs(tl))
    assert str(got.value) == str(ref.value)


# ---------------------------------------------------------------- finite differences
@pytest.mark.parametrize("name,kw", [("LSTM", {}), ("LSTM", {"proj_size": 2, "bidirectional": True}),
                                     ("GRU", {}), ("GRU", {"num_layers": 2}),
                                     ("RNN", {"nonlinearity": "tanh"})])
def test_gradcheck_float64(name, kw):
    tl.manual_seed(0)
    m = getattr(tl.nn, name)(2, 3, dtype=tl.float64, **kw)
    x = np.random.default_rng(6).standard_normal((3, 2, 2))
    gradcheck(lambda t: tuple(flat(m(t))), x)
    # a weight's gradient too
    w = m.weight_hh_l0
    w0 = arr(w).copy()

    def with_w(t):
        m._parameters["weight_hh_l0"] = t
        try:
            return tuple(flat(m(tl.tensor(x))))
        finally:
            m._parameters["weight_hh_l0"] = w
    gradcheck(with_w, w0)


@pytest.mark.parametrize("name", ["LSTM", "GRU", "RNN"])
def test_double_backward_matches_torch(name):
    """create_graph=True through the fused gate ops: second derivatives as torch's."""
    x0 = np.random.default_rng(7).standard_normal((3, 2, 2))
    res = []
    for lib in (tl, torch):
        lib.manual_seed(0)
        m = getattr(lib.nn, name)(2, 3, num_layers=2, dtype=lib.float64)
        x = lib.tensor(x0, requires_grad=True)
        out = flat(m(x))
        loss = sum((o * o).sum() for o in out)
        (g,) = lib.autograd.grad(loss, x, create_graph=True)
        (g * g).sum().backward()
        res.append([arr(g).copy(), arr(x.grad).copy()] + [arr(p.grad).copy() for p in m.parameters()])
    for a, b in zip(*res):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
