"""More activations and losses of torch.nn / torch.nn.functional (nn/_functional_act.py,
modules/activation_more.py, modules/loss_more.py) compared with real torch: values, dtypes,
grad_fn names, gradients (float64 and float32), finite-difference gradchecks, module reprs,
rrelu's random draws and error messages."""
import warnings

import numpy as np
import pytest
import torch

import torchless as tl
from _gradcheck import gradcheck

RNG = np.random.default_rng(77)


def arr(t):
    return np.asarray(t._a) if isinstance(t, tl.Tensor) else t.detach().numpy()


def gname(t):
    fn = t.grad_fn
    if fn is None:
        return None
    return fn.name_() if isinstance(t, tl.Tensor) else type(fn).__name__


def _pm1(shape):
    return np.where(RNG.random(shape) < 0.5, -1.0, 1.0)


DATA = {
    "x": RNG.standard_normal((4, 6)) * 3,
    "y": RNG.standard_normal((4, 6)) * 3,
    "z": RNG.standard_normal((4, 6)),
    "x4": RNG.standard_normal((2, 3, 4, 5)) * 2,
    "x1": RNG.standard_normal(6),
    "y1": RNG.standard_normal(6),
    "pos": RNG.uniform(0.1, 3.0, (4, 6)),
    "var": RNG.uniform(0.1, 2.0, (4, 6)),
    "var4": RNG.uniform(0.1, 2.0, (4,)),
    "var41": RNG.uniform(0.1, 2.0, (4, 1)),
    "cnt": RNG.integers(0, 6, (4, 6)).astype(np.float64),
    "lp": np.log(RNG.dirichlet(np.ones(6), 4)),
    "pr": RNG.dirichlet(np.ones(6), 4),
    "sgn": _pm1((4, 6)),
    "sgn4": _pm1((4,)),
    "sgn6": _pm1((6,)),
    "lab": (RNG.random((4, 6)) < 0.5).astype(np.float64),
    "w6": RNG.uniform(0.2, 2.0, 6),
    "wc": RNG.uniform(0.1, 0.5, 4),
    "w1": np.array([0.2]),
}
INTS = {"cls": np.array([0, 5, 2, 3]), "c0": np.array(2)}
# names that are never differentiated (targets)
NOGRAD = {"sgn", "sgn4", "sgn6", "lab", "cnt", "w6", "pr"}


def env(lib, dtype, grad=True):
    ns = {"torch": lib, "F": lib.nn.functional, "nn": lib.nn}
    for k, a in DATA.items():
        ns[k] = lib.tensor(a.astype(dtype), requires_grad=grad and k not in NOGRAD)
    for k, a in INTS.items():
        ns[k] = lib.tensor(a)
    return ns


REDS = ["mean", "sum", "none"]
EXPRS = [
    "F.celu(x)", "F.celu(x, 0.5)", "F.celu(x * 1, 2.0, inplace=True)", "F.celu_(x * 1, 0.7)",
    "F.selu(x)", "F.selu(x * 1, inplace=True)", "F.selu_(x * 1)",
    "F.glu(x)", "F.glu(x, 0)", "F.glu(x4, 2)",
    "F.hardshrink(x)", "F.hardshrink(x, 1.5)", "F.softshrink(x)", "F.softshrink(x, 1.2)",
    "F.hardsigmoid(x)", "F.hardsigmoid(x * 1, inplace=True)",
    "F.hardswish(x)", "F.hardswish(x * 1, True)",
    "F.logsigmoid(x * 10)", "F.mish(x)", "F.mish(x * 1, inplace=True)",
    "F.prelu(x, w1)", "F.prelu(x4, wc[:3])", "F.prelu(x, wc[0].reshape(()))",
    "F.prelu(x1, w1)",
    "F.rrelu(x)", "F.rrelu(x, 0.2, 0.4)", "F.rrelu(x * 1, inplace=True)",
    "F.rrelu_(x * 1, 0.1, 0.3)",
    "F.softsign(x)", "F.tanhshrink(x)",
    "F.threshold(x, 0.5, -2.0)", "F.threshold(x * 1, 0.5, -2.0, True)",
    "F.threshold_(x * 1, 0.1, 20.0)",
    "nn.Softmax2d()(x4)", "nn.Softmax2d()(x4[0])",
    "F.cosine_similarity(x, y)", "F.cosine_similarity(x, y, dim=0)",
    "F.cosine_similarity(x, y[:1])", "F.cosine_similarity(x * 1e-9, y)",
    "F.cosine_similarity(x.float(), y)", "F.cosine_similarity(sgn.long(), y)",
    "F.cosine_similarity(x, y, eps=3.0)", "F.cosine_similarity(x, y[:, None], -1)", "F.cosine_similarity(x1, y1, 0)",
    "F.pairwise_distance(x, y)", "F.pairwise_distance(x, y, 1.0)",
    "F.pairwise_distance(x, y, 3.0, keepdim=True)", "F.pairwise_distance(x, y, float('inf'))",
    "F.pairwise_distance(x1, y1)", "F.pairwise_distance(x, y1)",
    "F.pairwise_distance(x, y, 0)", "F.pairwise_distance(x[0, 0], y[0, 0])",
    "F.threshold(cls, 2, 7)", "F.threshold(x, 1, 7)",
]
LOSSES = [
    "F.kl_div(lp, pr, reduction=RED)", "F.kl_div(lp, z, reduction=RED, log_target=True)",
    "F.kl_div(lp, pr, reduction='batchmean')", "F.kl_div(lp, z, reduction='batchmean', "
                                                "log_target=True)",
    "F.huber_loss(x, y, reduction=RED)", "F.huber_loss(x, y, reduction=RED, delta=2.5)",
    "F.huber_loss(x, y, reduction=RED, delta=0.3)",
    "F.cosine_embedding_loss(x, y, sgn4, reduction=RED)",
    "F.cosine_embedding_loss(x, y, sgn4, margin=0.2, reduction=RED)",
    "F.cosine_embedding_loss(x1, y1, sgn4[0], reduction=RED)",
    "F.hinge_embedding_loss(x, sgn, reduction=RED)",
    "F.hinge_embedding_loss(x, sgn, margin=2.0, reduction=RED)",
    "F.margin_ranking_loss(x1, y1, sgn6, reduction=RED)",
    "F.margin_ranking_loss(x, y, sgn, margin=0.5, reduction=RED)",
    "F.soft_margin_loss(x, sgn, reduction=RED)",
    "F.multilabel_soft_margin_loss(x, lab, reduction=RED)",
    "F.multilabel_soft_margin_loss(x, lab, w6, reduction=RED)",
    "F.multi_margin_loss(x, cls, reduction=RED)",
    "F.multi_margin_loss(x, cls, p=2, margin=0.7, reduction=RED)",
    "F.multi_margin_loss(x, cls, weight=w6, reduction=RED)",
    "F.multi_margin_loss(x, cls, p=2, weight=w6, reduction=RED)",
    "F.multi_margin_loss(x1, c0, reduction=RED)",
    "F.multi_margin_loss(x1, cls[:1], p=2, reduction=RED)",
    "F.multi_margin_loss(x[:1], cls[:1], margin=3.0, reduction=RED)",
    "F.huber_loss(x, y[0], reduction=RED)", "F.huber_loss(x, y, reduction=RED, weight=pos)",
    "F.kl_div(lp, pr * (sgn > 0), reduction=RED)", "F.kl_div(lp, var, reduction=RED)",
    "F.gaussian_nll_loss(x, y, var[:, :1], reduction=RED)",
    "F.gaussian_nll_loss(x, y[0], var, reduction=RED)",
    "F.poisson_nll_loss(x, cnt[0], reduction=RED)",
    "F.poisson_nll_loss(x, cnt, reduction=RED)",
    "F.poisson_nll_loss(pos, cnt, log_input=False, reduction=RED)",
    "F.poisson_nll_loss(x, cnt, full=True, reduction=RED)",
    "F.gaussian_nll_loss(x, y, var, reduction=RED)",
    "F.gaussian_nll_loss(x, y, var, full=True, reduction=RED)",
    "F.gaussian_nll_loss(x, y, var4.reshape(4, 1), reduction=RED)",
    "F.gaussian_nll_loss(x4[0, 0], x4[1, 0], var4, reduction=RED)",
    "F.gaussian_nll_loss(x, y, 0.5, reduction=RED)",
    "F.gaussian_nll_loss(x, y, var * 1e-8, eps=1e-3, reduction=RED)",
    "F.triplet_margin_loss(x, y, z, reduction=RED)",
    "F.triplet_margin_loss(x, y, z, margin=2.0, p=1, swap=True, reduction=RED)",
    "F.triplet_margin_loss(x, y, z, p=3, eps=1e-3, reduction=RED)",
    "nn.KLDivLoss(reduction=RED)(lp, pr)", "nn.HuberLoss(RED, 0.5)(x, y)",
    "nn.CosineEmbeddingLoss(0.1, reduction=RED)(x, y, sgn4)",
    "nn.HingeEmbeddingLoss(reduction=RED)(x, sgn)", "nn.MarginRankingLoss(reduction=RED)(x, y, sgn)",
    "nn.SoftMarginLoss(reduction=RED)(x, sgn)",
    "nn.MultiLabelSoftMarginLoss(w6, reduction=RED)(x, lab)",
    "nn.MultiMarginLoss(2, 0.5, w6, reduction=RED)(x, cls)",
    "nn.PoissonNLLLoss(False, True, reduction=RED)(pos, cnt)",
    "nn.GaussianNLLLoss(full=True, reduction=RED)(x, y, var)",
    "nn.TripletMarginLoss(swap=True, reduction=RED)(x, y, z)",
]
ALL = EXPRS + [e.replace("RED", repr(r)) for e in LOSSES for r in (REDS if "RED" in e else [None])]
ALL = list(dict.fromkeys(ALL))


def run(lib, expr, dtype, grad=True):
    ns = env(lib, dtype, grad)
    if "rrelu" in expr:
        lib.manual_seed(5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = eval(expr, ns)
    return out, ns


@pytest.mark.parametrize("expr", ALL)
def test_float64_values_grads_names(expr):
    got, ng = run(tl, expr, np.float64)
    want, nt = run(torch, expr, np.float64)
    assert str(got.dtype) == str(want.dtype)
    assert tuple(got.shape) == tuple(want.shape)
    np.testing.assert_allclose(arr(got), arr(want), rtol=1e-12, atol=1e-14)
    assert gname(got) == gname(want)
    if want.requires_grad:
        gw = RNG.standard_normal(tuple(want.shape))
        (got * tl.tensor(gw)).sum().backward()
        (want * torch.tensor(gw)).sum().backward()
        for k in DATA:
            a, b = ng[k], nt[k]
            if b.grad is None:
                assert a.grad is None, k
            else:
                np.testing.assert_allclose(arr(a.grad), b.grad.numpy(), rtol=1e-10,
                                           atol=1e-12, err_msg=k)


@pytest.mark.parametrize("expr", ALL)
def test_float32(expr):
    got, ng = run(tl, expr, np.float32)
    want, nt = run(torch, expr, np.float32)
    assert str(got.dtype) == str(want.dtype)
    np.testing.assert_allclose(arr(got), arr(want), rtol=2e-5, atol=2e-6)
    if want.requires_grad:
        got.sum().backward()
        want.sum().backward()
        for k in DATA:
            if nt[k].grad is not None:
                np.testing.assert_allclose(arr(ng[k].grad), nt[k].grad.numpy(), rtol=1e-4,
                                           atol=1e-5, err_msg=k)


ELEMENTWISE_EXACT = ["F.hardshrink(x)", "F.softshrink(x)", "F.hardsigmoid(x)", "F.hardswish(x)",
                     "F.threshold(x, 0.5, -2.0)", "F.prelu(x, w1)", "F.rrelu(x)",
                     "F.softsign(x)"]


@pytest.mark.parametrize("expr", ELEMENTWISE_EXACT)
def test_float32_exact(expr):
    got, _ = run(tl, expr, np.float32, grad=False)
    want, _ = run(torch, expr, np.float32, grad=False)
    np.testing.assert_array_equal(arr(got), arr(want))


@pytest.mark.parametrize("expr", ["F.celu(x, 0.5)", "F.hardswish(x)", "F.hardsigmoid(x)",
                                  "F.mish(x)", "F.logsigmoid(x)", "F.glu(x4, 2)",
                                  "F.softshrink(x)", "F.threshold(x, 0.1, 2.0)",
                                  "F.prelu(x, w1)", "F.rrelu(x)", "F.selu(x)",
                                  "F.pairwise_distance(x, y)", "F.pairwise_distance(x, y, 1)",
                                  "F.cosine_similarity(x, y)", "F.huber_loss(x, y)",
                                  "F.kl_div(lp, pr, reduction='sum')",
                                  "F.soft_margin_loss(x, sgn)"])
def test_float16(expr):
    got, _ = run(tl, expr, np.float16, grad=False)
    want, _ = run(torch, expr, np.float16, grad=False)
    assert str(got.dtype) == str(want.dtype)
    np.testing.assert_allclose(arr(got).astype(np.float64), arr(want).astype(np.float64),
                               rtol=2e-3, atol=1e-3)


GRADCHECK = [
    ("celu", lambda F, x: F.celu(x, 0.7), (3, 4)),
    ("selu", lambda F, x: F.selu(x), (3, 4)),
    ("glu", lambda F, x: F.glu(x, 1), (3, 4)),
    ("hardswish", lambda F, x: F.hardswish(x * 2), (3, 4)),
    ("hardsigmoid", lambda F, x: F.hardsigmoid(x * 2), (3, 4)),
    ("logsigmoid", lambda F, x: F.logsigmoid(x), (3, 4)),
    ("mish", lambda F, x: F.mish(x), (3, 4)),
    ("softshrink", lambda F, x: F.softshrink(x, 0.3), (3, 4)),
    ("prelu_w", lambda F, w: F.prelu(tl.tensor(DATA["x4"][:, :, :2, :2]), w), (3,)),
    ("prelu_x", lambda F, x: F.prelu(x, tl.tensor([0.1, 0.2, 0.3], dtype=tl.float64)), (2, 3, 2)),
    ("huber", lambda F, x: F.huber_loss(x * 2, tl.tensor(DATA["z"][:3, :4])), (3, 4)),
    ("soft_margin", lambda F, x: F.soft_margin_loss(x, tl.tensor(DATA["sgn"][:3, :4])),
     (3, 4)),
    ("multi_margin", lambda F, x: F.multi_margin_loss(x, tl.tensor([0, 3, 1]), p=2,
                                                      weight=tl.tensor(DATA["w6"][:4])),
     (3, 4)),
    ("multi_margin1", lambda F, x: F.multi_margin_loss(x, tl.tensor([0, 3, 1]),
                                                       reduction="none"), (3, 4)),
    ("pairwise3", lambda F, x: F.pairwise_distance(x, tl.tensor(DATA["z"][:3, :4]), 3.0),
     (3, 4)),
    ("pairwise2", lambda F, x: F.pairwise_distance(x, tl.tensor(DATA["z"][:3, :4])), (3, 4)),
    ("cosine_sim", lambda F, x: F.cosine_similarity(x, tl.tensor(DATA["z"][:3, :4])), (3, 4)),
    ("kl_div", lambda F, x: F.kl_div(x, tl.tensor(DATA["pr"][:3, :4]), reduction="batchmean"),
     (3, 4)),
    ("gaussian_var", lambda F, v: F.gaussian_nll_loss(tl.tensor(DATA["x"][:3, :4]),
                                                      tl.tensor(DATA["y"][:3, :4]), v.abs() + 0.5),
     (3, 4)),
    ("triplet", lambda F, x: F.triplet_margin_loss(x, tl.tensor(DATA["y"][:3, :4]),
                                                   tl.tensor(DATA["z"][:3, :4]), swap=True,
                                                   margin=5.0), (3, 4)),
]


@pytest.mark.parametrize("name,fn,shape", GRADCHECK, ids=[g[0] for g in GRADCHECK])
def test_gradcheck(name, fn, shape):
    x = np.random.default_rng(3).standard_normal(shape) + 0.05
    gradcheck(lambda t: fn(tl.nn.functional, t), x, tol=1e-6)


DOUBLE = ["F.hardswish(x)", "F.mish(x)", "F.celu(x)", "F.logsigmoid(x)", "F.selu(x)",
          "F.glu(x)", "F.cosine_similarity(x, w)", "F.cosine_similarity(x, w, eps=2.0)",
          "F.pairwise_distance(x, w, 3.0)", "F.huber_loss(x, w)",
          "F.soft_margin_loss(x, w.detach().sign())",
          "F.gaussian_nll_loss(x, w, w.abs())", "F.triplet_margin_loss(x, w, w.flip(0))"]


@pytest.mark.parametrize("expr", DOUBLE)
def test_double_backward(expr):
    xs, ws = DATA["z"], DATA["y"]
    outs = []
    for lib in (tl, torch):
        x = lib.tensor(xs, requires_grad=True)
        w = lib.tensor(ws, requires_grad=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = eval(expr, {"F": lib.nn.functional, "x": x, "w": w}).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (gg,) = lib.autograd.grad((g * g).sum(), x)
        outs.append(arr(gg))
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-9, atol=1e-12)


# ---------------------------------------------------------------- rrelu training draws
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_rrelu_training_draws(dtype):
    a = DATA["x"].astype(dtype)
    outs = []
    for lib in (tl, torch):
        lib.manual_seed(11)
        x = lib.tensor(a, requires_grad=True)
        y = lib.nn.functional.rrelu(x, 0.1, 0.6, training=True)
        y2 = lib.nn.functional.rrelu(x * 1, training=True, inplace=True)
        (y + y2).sum().backward()
        after = lib.rand(3)
        outs.append((arr(y), arr(y2), arr(x.grad), arr(after), gname(y), gname(y2)))
    for u, v in zip(*outs):
        if isinstance(u, str):
            assert u == v
        else:
            np.testing.assert_array_equal(u, v)


def test_rrelu_module_modes():
    for lib in (tl, torch):
        lib.manual_seed(3)
    m, mt = tl.nn.RReLU(0.1, 0.3), torch.nn.RReLU(0.1, 0.3)
    x = DATA["x"].astype(np.float32)
    np.testing.assert_array_equal(arr(m(tl.tensor(x))), arr(mt(torch.tensor(x))))
    m.eval(), mt.eval()
    np.testing.assert_array_equal(arr(m(tl.tensor(x))), arr(mt(torch.tensor(x))))


# ---------------------------------------------------------------- modules
MODULES = [
    "nn.CELU()", "nn.CELU(0.5, True)", "nn.SELU()", "nn.SELU(True)", "nn.GLU()", "nn.GLU(0)",
    "nn.Hardshrink()", "nn.Hardshrink(1.5)", "nn.Softshrink(0.25)", "nn.Hardsigmoid(True)",
    "nn.Hardswish()", "nn.LogSigmoid()", "nn.Mish(inplace=True)", "nn.PReLU()",
    "nn.PReLU(3, 0.1)", "nn.RReLU()", "nn.RReLU(0.1, 0.2, True)", "nn.Softsign()",
    "nn.Tanhshrink()", "nn.Threshold(0.1, 20)", "nn.Threshold(0.1, 20.0, True)",
    "nn.Softmax2d()", "nn.KLDivLoss(log_target=True)", "nn.HuberLoss(delta=2)",
    "nn.CosineEmbeddingLoss()", "nn.HingeEmbeddingLoss()", "nn.MarginRankingLoss()",
    "nn.SoftMarginLoss()", "nn.MultiLabelSoftMarginLoss()", "nn.MultiMarginLoss()",
    "nn.PoissonNLLLoss()", "nn.GaussianNLLLoss()", "nn.TripletMarginLoss()",
    "nn.CosineSimilarity(0)", "nn.PairwiseDistance(1.0)",
]


@pytest.mark.parametrize("expr", MODULES)
def test_module_repr_state(expr):
    a = eval(expr, {"nn": tl.nn})
    b = eval(expr, {"nn": torch.nn})
    assert repr(a) == repr(b)
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb)
    for k in sa:
        np.testing.assert_array_equal(arr(sa[k]), arr(sb[k]))
    attrs = lambda m: {k: v for k, v in vars(m).items() if not k.startswith("_")}  # noqa: E731
    assert attrs(a).keys() == attrs(b).keys()


def test_prelu_module_training():
    x = DATA["x4"][:, :, :2, :2].astype(np.float32)
    res = []
    for lib in (tl, torch):
        m = lib.nn.PReLU(3)
        y = m(lib.tensor(x))
        y.sum().backward()
        res.append((arr(y), arr(m.weight.grad), gname(y), type(m.weight).__name__))
    np.testing.assert_allclose(res[0][0], res[1][0], rtol=1e-6)
    np.testing.assert_allclose(res[0][1], res[1][1], rtol=1e-5)
    assert res[0][2:] == res[1][2:]


# ---------------------------------------------------------------- errors
ERRORS = [
    "F.glu(x1[:5])", "F.glu(x, 2)", "F.glu(torch.tensor(1.0))", "F.softshrink(x, -0.5)",
    "F.prelu(x4, w6)", "F.prelu(x, lab)", "nn.Softmax2d()(x1)",
    "F.kl_div(lp, pr, reduction='bad')", "F.huber_loss(x, y, reduction='bad')",
    "F.huber_loss(x, y[:, :5])", 
    "F.cosine_similarity(x, y, 2)", "F.cosine_embedding_loss(x, y, sgn)",
    "F.cosine_embedding_loss(x1, y1, sgn4)", "F.margin_ranking_loss(x, y, sgn4)",
    "F.multi_margin_loss(x, cls, p=3)", "F.multi_margin_loss(x, cls[:3])",
    "F.multi_margin_loss(x, cls, weight=w6[:4])", "F.multi_margin_loss(x, cls + 3)",
    "F.gaussian_nll_loss(x, y, var[:2])", "F.gaussian_nll_loss(x, y, var, reduction='bad')",
    "F.gaussian_nll_loss(x, y, -var)", "F.gaussian_nll_loss(x, y, -1.0)",
    "F.triplet_margin_loss(x, y, z1)", "nn.TripletMarginLoss(margin=0)",
    "nn.MultiMarginLoss(p=3)", "F.soft_margin_loss(x, y)",
    "F.multilabel_soft_margin_loss(x, lab, reduction='bad')",
    "F.poisson_nll_loss(x, cnt, reduction='bad')", "F.rrelu(x, 0.5, 0.2)",
    "F.hardswish(cls)", "F.celu(x, 0.0)", "F.gaussian_nll_loss(x, y, 1)",
    "F.multi_margin_loss(x, cls.double())", "F.multi_margin_loss(x, cls.int())",
    "F.multi_margin_loss(x.float(), cls, weight=w6)", "F.multi_margin_loss(x.half(), cls)",
    "F.cosine_similarity(cls, cls)", "F.softshrink(cls)", "F.glu(cls.view(2, 2))", "F.rrelu(cls)",
    "F.rrelu(cls, training=True)", "F.hinge_embedding_loss(x, sgn4)",
    "F.cosine_embedding_loss(x, y, sgn4, reduction='bad')", "F.prelu(x, w1.float())", "F.prelu(x4, lab[:1])",
    "F.multi_margin_loss(x4, cls)", "F.softshrink(x.float(), -1.0)", "F.mish(cls)", "F.threshold(torch.tensor([True]), 0, 1)",
]


@pytest.mark.parametrize("expr", ERRORS)
def test_errors(expr):
    errs = []
    for lib in (torch, tl):
        ns = env(lib, np.float64)
        ns["z1"] = lib.tensor(DATA["x1"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                eval(expr, ns)
            except Exception as e:     # noqa: BLE001
                errs.append(e)
            else:
                errs.append(None)
    want, got = errs
    assert want is not None, "torch did not raise"
    assert type(got) is type(want), (got, want)
    assert str(got) == str(want)


def test_kl_div_mean_warning():
    for lib in (tl, torch):
        with pytest.warns(UserWarning, match="'batchmean' divides only"):
            lib.nn.functional.kl_div(lib.tensor(DATA["lp"]), lib.tensor(DATA["pr"]))


@pytest.mark.parametrize("expr", ["F.hardshrink(x)", "F.softshrink(x, 0.3)",
                                  "F.threshold(x, 0.1, 2.0)", "F.rrelu(x)",
                                  "F.rrelu(x, training=True)"])
def test_piecewise_linear_grad_of_grad(expr):
    """The first gradient is itself differentiable (torch's *BackwardBackward0 node), with a
    zero derivative in x and the same mask for the incoming gradient."""
    res = []
    for lib in (tl, torch):
        lib.manual_seed(0)
        x = lib.tensor(DATA["z"], requires_grad=True)
        v = lib.tensor(DATA["y"], requires_grad=True)
        y = eval(expr, {"F": lib.nn.functional, "x": x})
        (g,) = lib.autograd.grad((y * v).sum(), x, create_graph=True)
        gx, gv = lib.autograd.grad((g * g).sum(), (x, v))
        res.append((gname(g), arr(g), arr(gx), arr(gv)))
    assert res[0][0] == res[1][0]
    for u, w in zip(res[0][1:], res[1][1:]):
        np.testing.assert_allclose(u, w, rtol=1e-12, atol=0)
