"""torch.nn.Module and the containers, compared with real torch: registration, traversal order,
reprs, state_dict / load_state_dict (keys, values, errors), hooks, modes, conversion."""
import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest
import torch

import torchless as tl


def arr(t):
    return np.asarray(t._a) if isinstance(t, tl.Tensor) else t.detach().numpy()


def same_error(fn_tl, fn_torch, kind=None):
    """Both raise the same exception type with the same message."""
    with pytest.raises(Exception) as e1:
        fn_torch()
    with pytest.raises(Exception) as e2:
        fn_tl()
    assert type(e2.value) is type(e1.value), (e2.value, e1.value)
    if kind is not None:
        assert type(e1.value) is kind
    assert str(e2.value) == str(e1.value)


# ---------------------------------------------------------------- models built in both libraries
def everything(lib):
    nn = lib.nn
    return nn.Sequential(
        nn.Linear(6, 8), nn.Linear(8, 8, bias=False), nn.Bilinear(2, 3, 4), nn.Identity(),
        nn.Flatten(), nn.Flatten(0, 2), nn.Unflatten(1, (2, 4)), nn.Embedding(10, 3),
        nn.Embedding(10, 3, padding_idx=0, max_norm=1.0), nn.Dropout(), nn.Dropout(0.2, True),
        nn.ReLU(), nn.ReLU(inplace=True), nn.LeakyReLU(), nn.LeakyReLU(0.2, True), nn.ELU(),
        nn.ELU(alpha=0.5, inplace=True), nn.GELU(), nn.GELU("tanh"), nn.SiLU(), nn.Sigmoid(),
        nn.Tanh(), nn.Softmax(dim=1), nn.Softmax(), nn.LogSoftmax(dim=-1), nn.Softmin(dim=0),
        nn.Softplus(), nn.Softplus(2, 10), nn.Hardtanh(), nn.Hardtanh(-2, 2, True), nn.ReLU6(),
        nn.LayerNorm(10), nn.LayerNorm([3, 4], eps=1e-6, elementwise_affine=False),
        nn.LayerNorm(5, bias=False), nn.BatchNorm1d(10),
        nn.BatchNorm1d(5, eps=1e-3, momentum=None, affine=False, track_running_stats=False),
        nn.BatchNorm2d(3), nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] + [nn.ReLU()]),
        nn.ModuleDict({"b": nn.ReLU(), "a": nn.Linear(1, 1)}), nn.Sequential(),
        nn.ModuleList(), nn.MSELoss(), nn.CrossEntropyLoss())


def custom(lib):
    nn = lib.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.stack = nn.Sequential(OrderedDict([
                ("fc1", nn.Linear(784, 128)), ("act", nn.ReLU()), ("drop", nn.Dropout(0.2)),
                ("fc2", nn.Linear(128, 10))]))
            self.norm = nn.LayerNorm(10)
            self.register_buffer("steps", lib.zeros(()))
            self.register_buffer("scratch", lib.ones(2), persistent=False)
            self.register_parameter("unused", None)
            self.scale = nn.Parameter(lib.ones(1))
            self.plain = 3

        def forward(self, x):
            return self.norm(self.stack(self.flatten(x))) * self.scale

    return Net()


def mlp(lib, seed=0):
    lib.manual_seed(seed)
    nn = lib.nn
    return nn.Sequential(nn.Linear(20, 16), nn.ReLU(), nn.Linear(16, 8), nn.Tanh(),
                         nn.Linear(8, 3), nn.LogSoftmax(dim=1))


@pytest.mark.parametrize("build", [everything, custom, mlp])
def test_repr_and_traversal_match_torch(build):
    torch.manual_seed(0)
    tl.manual_seed(0)
    a, b = build(tl), build(torch)
    assert repr(a) == repr(b)
    assert str(a) == str(b)
    for method in ("named_parameters", "named_buffers", "named_modules", "named_children"):
        na = [(n, type(v).__name__) for n, v in getattr(a, method)()]
        nb = [(n, type(v).__name__) for n, v in getattr(b, method)()]
        assert na == nb, method
    assert [tuple(p.shape) for p in a.parameters()] == [tuple(p.shape) for p in b.parameters()]
    assert [n for n, _ in a.named_modules(prefix="root")] == \
        [n for n, _ in b.named_modules(prefix="root")]
    assert [n for n, _ in a.named_parameters(recurse=False)] == \
        [n for n, _ in b.named_parameters(recurse=False)]
    assert len(list(a.modules())) == len(list(b.modules()))
    assert len(list(a.children())) == len(list(b.children()))


def test_state_dict_matches_torch():
    for build in (everything, custom, mlp):
        torch.manual_seed(3)
        tl.manual_seed(3)
        a, b = build(tl), build(torch)
        sa, sb = a.state_dict(), b.state_dict()
        assert type(sa) is OrderedDict
        assert list(sa) == list(sb)
        assert sa._metadata == sb._metadata
        for k in sb:
            assert tuple(sa[k].shape) == tuple(sb[k].shape)
            assert str(sa[k].dtype) == str(sb[k].dtype)
            assert type(sa[k]) is tl.Tensor and not sa[k].requires_grad
            np.testing.assert_array_equal(arr(sa[k]), arr(sb[k]))   # same seed: same init
        kv = a.state_dict(keep_vars=True)
        assert all(type(v).__name__ == type(kv[k]).__name__ for k, v in
                   b.state_dict(keep_vars=True).items())
        assert list(a.state_dict(prefix="m.")) == list(b.state_dict(prefix="m."))


def test_state_dict_round_trip_through_torch():
    a = mlp(tl, seed=5)
    b = mlp(torch, seed=9)               # different weights until loaded
    r = b.load_state_dict({k: torch.from_numpy(arr(v).copy()) for k, v in a.state_dict().items()})
    assert repr(r) == "<All keys matched successfully>"
    x = np.random.default_rng(0).standard_normal((4, 20)).astype(np.float32)
    np.testing.assert_allclose(arr(a(tl.tensor(x))), arr(b(torch.tensor(x))), rtol=1e-5,
                               atol=1e-6)
    # and back: torch's values into a fresh torchless model
    c = mlp(tl, seed=11)
    out = c.load_state_dict({k: tl.tensor(arr(v)) for k, v in b.state_dict().items()})
    assert repr(out) == "<All keys matched successfully>" and out.missing_keys == []
    np.testing.assert_array_equal(arr(c(tl.tensor(x))), arr(a(tl.tensor(x))))
    # loading copies into the existing Parameters (an optimiser holding them sees the values)
    w = c[0].weight
    c.load_state_dict(mlp(tl, seed=1).state_dict())
    assert c[0].weight is w


def _lin(lib):
    lib.manual_seed(0)
    return lib.nn.Linear(3, 2)


@pytest.mark.parametrize("make_sd, strict", [
    (lambda lib: {}, True),
    (lambda lib: {"weight": lib.zeros(2, 3), "bias": lib.zeros(2), "foo": lib.zeros(1),
                  "x.y": lib.zeros(1)}, True),
    (lambda lib: {"weight": lib.zeros(2, 4), "bias": lib.zeros(3)}, True),
    (lambda lib: {"weight": lib.zeros(2, 4)}, True),
    (lambda lib: {"weight": lib.zeros(2, 4)}, False),
    (lambda lib: {"weight": 3, "bias": lib.zeros(2)}, True),
    (lambda lib: [1], True),
])
def test_load_state_dict_errors(make_sd, strict):
    same_error(lambda: _lin(tl).load_state_dict(make_sd(tl), strict=strict),
               lambda: _lin(torch).load_state_dict(make_sd(torch), strict=strict))


def test_load_state_dict_nested_and_non_strict():
    def build(lib):
        nn = lib.nn
        return nn.Sequential(nn.Linear(2, 2), nn.ReLU(), nn.BatchNorm1d(2))

    for lib_sd in (lambda m: {k: v for k, v in m.state_dict().items() if "running_mean" not in k},
                   lambda m: {**m.state_dict(), "1.foo": m.state_dict()["0.bias"],
                              "5.x": m.state_dict()["0.bias"]}):
        same_error(lambda: build(tl).load_state_dict(lib_sd(build(tl))),
                   lambda: build(torch).load_state_dict(lib_sd(build(torch))))
    # a plain dict without num_batches_tracked loads (old checkpoints), as in torch
    for lib in (tl, torch):
        m = build(lib)
        sd = {k: v for k, v in m.state_dict().items() if "num_batches" not in k}
        assert repr(m.load_state_dict(sd)) == "<All keys matched successfully>"
    # non-strict: the keys are reported, not raised
    ra = build(tl).load_state_dict({"0.weight": tl.ones(2, 2), "zz": tl.ones(1)}, strict=False)
    rb = build(torch).load_state_dict({"0.weight": torch.ones(2, 2), "zz": torch.ones(1)},
                                      strict=False)
    assert repr(ra) == repr(rb) and ra.missing_keys == rb.missing_keys
    assert ra.unexpected_keys == rb.unexpected_keys


# ---------------------------------------------------------------- registration errors
def _setattr_cases():
    nn_ = lambda lib: lib.nn  # noqa: E731
    return [
        lambda lib: setattr(nn_(lib).Linear(3, 2), "weight", lib.zeros(2, 3)),
        lambda lib: setattr(nn_(lib).Sequential(nn_(lib).ReLU()), "0", lib.zeros(2, 3)),
        lambda lib: nn_(lib).Linear(3, 2).register_buffer("weight", lib.zeros(1)),
        lambda lib: nn_(lib).Linear(3, 2).register_buffer("a.b", lib.zeros(1)),
        lambda lib: nn_(lib).Linear(3, 2).register_buffer("", lib.zeros(1)),
        lambda lib: nn_(lib).Linear(3, 2).register_buffer(3, lib.zeros(1)),
        lambda lib: nn_(lib).Linear(3, 2).register_buffer("q", 3),
        lambda lib: nn_(lib).Linear(3, 2).register_parameter("q", lib.zeros(1)),
        lambda lib: nn_(lib).Linear(3, 2).register_parameter("in_features", None),
        lambda lib: nn_(lib).Linear(3, 2).register_parameter(
            "z", nn_(lib).Parameter(lib.zeros(1)) * 2),
        lambda lib: nn_(lib).Linear(3, 2).add_module("z", 3),
        lambda lib: nn_(lib).Linear(3, 2).add_module("a.b", nn_(lib).ReLU()),
        lambda lib: nn_(lib).Linear(3, 2).add_module("weight", nn_(lib).ReLU()),
        lambda lib: nn_(lib).Linear(3, 2).nope,
        lambda lib: setattr(nn_(lib).Linear(3, 2), "weight", nn_(lib).ReLU()),
        lambda lib: setattr(nn_(lib).Linear(3, 2), "weight", [1]),
        lambda lib: setattr(nn_(lib).Sequential(nn_(lib).ReLU()), "0", 3.5),
        lambda lib: nn_(lib).Linear(3, 2).train(1),
        lambda lib: nn_(lib).Linear(3, 2).to(lib.int64),
        lambda lib: nn_(lib).Module()(1),
        lambda lib: nn_(lib).Parameter(lib.tensor([1, 2])),
        lambda lib: nn_(lib).Parameter([1, 2]),
        lambda lib: nn_(lib).Sequential(3),
        lambda lib: nn_(lib).Sequential(nn_(lib).ReLU())[4],
        lambda lib: nn_(lib).Sequential(nn_(lib).ReLU())[-2],
        lambda lib: nn_(lib).Sequential(nn_(lib).ReLU()).insert(9, nn_(lib).ReLU()),
        lambda lib: nn_(lib).Sequential().append(3),
        lambda lib: nn_(lib).ModuleList([nn_(lib).ReLU()])[2],
        lambda lib: nn_(lib).ModuleList([3]),
        lambda lib: nn_(lib).ModuleList().extend(3),
        lambda lib: nn_(lib).ModuleDict()["zz"],
        lambda lib: nn_(lib).Sequential(nn_(lib).ReLU())(lib.ones(1), lib.ones(1)),
    ]


@pytest.mark.parametrize("case", range(len(_setattr_cases())))
def test_registration_errors(case):
    fn = _setattr_cases()[case]
    same_error(lambda: fn(tl), lambda: fn(torch))


@pytest.mark.parametrize("body", ["param", "module", "buffer"])
def test_assign_before_init(body):
    def make(lib):
        class M(lib.nn.Module):
            def __init__(self):
                if body == "param":
                    self.p = lib.nn.Parameter(lib.zeros(1))
                elif body == "module":
                    self.p = lib.nn.Linear(1, 1)
                else:
                    self.register_buffer("x", None)
        return M()
    same_error(lambda: make(tl), lambda: make(torch), AttributeError)


def test_setattr_routes_and_delattr():
    m = tl.nn.Linear(2, 2)
    m.extra = tl.nn.ReLU()
    assert "extra" in m._modules and "extra" not in m.__dict__
    m.extra = None                         # a registered child may become None
    assert m._modules["extra"] is None
    m.weight = None
    assert m._parameters["weight"] is None and "weight" not in m.__dict__
    m.register_buffer("buf", tl.zeros(2))
    m.buf = tl.ones(2)
    assert m._buffers["buf"]._a.tolist() == [1.0, 1.0]
    with pytest.raises(TypeError, match=r"cannot assign 'int' as buffer 'buf' \(torch.nn.Buffer"):
        m.buf = 3
    m.p = tl.nn.Parameter(tl.zeros(1))
    m.register_buffer("q", tl.zeros(1))
    m.q = tl.nn.Parameter(tl.zeros(1))    # a Parameter moves a buffer's name to the parameters
    assert "q" in m._parameters and "q" not in m._buffers
    del m.p
    assert "p" not in m._parameters
    with pytest.raises(AttributeError):
        m.p
    m.plain = 5
    del m.plain
    assert "plain" not in m.__dict__
    names = dir(tl.nn.Sequential(tl.nn.ReLU()))
    assert "0" not in names and "forward" in names
    assert "weight" in dir(tl.nn.Linear(1, 1))


# ---------------------------------------------------------------- modes, grads, conversion
def test_train_eval_and_requires_grad():
    for lib in (tl, torch):
        m = everything(lib)
        assert m.training and all(c.training for c in m.modules())
        assert m.eval() is m and not any(c.training for c in m.modules())
        m.train()
        assert all(c.training for c in m.modules())
        m.requires_grad_(False)
        assert not any(p.requires_grad for p in m.parameters())


def test_zero_grad():
    a, b = mlp(tl), mlp(torch)
    x = np.ones((2, 20), np.float32)
    for m, lib in ((a, tl), (b, torch)):
        m(lib.tensor(x)).sum().backward()
    a.zero_grad(set_to_none=False)
    b.zero_grad(set_to_none=False)
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_array_equal(arr(p.grad), arr(q.grad))
        assert not p.grad.requires_grad
    a.zero_grad()
    assert all(p.grad is None for p in a.parameters())


def test_to_double_keeps_parameter_objects():
    m = mlp(tl)
    w = m[0].weight
    m(tl.ones(1, 20)).sum().backward()
    assert m.double() is m and m[0].weight is w
    assert w.dtype is tl.float64 and w.grad.dtype is tl.float64
    assert isinstance(w, tl.nn.Parameter) and w.requires_grad
    m.to(tl.float32)
    assert w.dtype is tl.float32
    m.to("cpu")
    m.to(torch_dtype := tl.float64) and None
    assert w.dtype is torch_dtype
    bn = tl.nn.BatchNorm1d(3).double()
    assert bn.running_mean.dtype is tl.float64 and bn.num_batches_tracked.dtype is tl.int64
    bn.float()
    assert bn.running_var.dtype is tl.float32
    out = tl.nn.Linear(2, 2, dtype=tl.float64)(tl.ones(1, 2, dtype=tl.float64))
    assert out.dtype is tl.float64


def test_apply_order_and_hooks():
    order = {}
    for lib in (tl, torch):
        m = everything(lib)
        seen = []
        m.apply(lambda mod: seen.append(type(mod).__name__))
        order[lib] = seen
    assert order[tl] == order[torch]

    results = {}
    for lib in (tl, torch):
        lin = _lin(lib)
        calls = []
        h1 = lin.register_forward_pre_hook(lambda mod, args: (args[0] * 2,))
        h2 = lin.register_forward_hook(lambda mod, args, out: out + 1)
        h3 = lin.register_forward_hook(lambda mod, args, out: calls.append("second"),
                                       prepend=True)
        h4 = lin.register_forward_pre_hook(
            lambda mod, args, kwargs: (args, kwargs), with_kwargs=True)
        y1 = arr(lin(lib.ones(1, 3)))
        h1.remove()
        h2.remove()
        y2 = arr(lin(lib.ones(1, 3)))
        h3.remove()
        h4.remove()
        with lin.register_forward_hook(lambda mod, args, out: out * 0):
            y3 = arr(lin(lib.ones(1, 3)))
        y4 = arr(lin(lib.ones(1, 3)))
        results[lib] = (y1, y2, y3, y4, calls)
    for u, v in zip(results[tl][:4], results[torch][:4]):
        np.testing.assert_allclose(u, v, rtol=1e-6)
    assert results[tl][4] == results[torch][4] == ["second", "second"]


def test_deepcopy_and_pickle():
    m = mlp(tl)
    x = tl.tensor(np.random.default_rng(1).standard_normal((3, 20)).astype(np.float32))
    for c in (copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        assert c[0].weight is not m[0].weight
        assert isinstance(c[0].weight, tl.nn.Parameter) and c[0].weight.requires_grad
        np.testing.assert_array_equal(arr(c(x)), arr(m(x)))
        assert repr(c) == repr(m)


def test_parameter_basics():
    for lib in (tl, torch):
        p = lib.nn.Parameter(lib.tensor([1.0, 2.0]))
        assert isinstance(p, lib.Tensor) and isinstance(p, lib.nn.Parameter)
        assert p.requires_grad and p.is_leaf
        assert type(p * 2) is lib.Tensor and type(p.detach()) is lib.Tensor
    assert repr(tl.nn.Parameter(tl.tensor([1.0, 2.0]))) == \
        repr(torch.nn.Parameter(torch.tensor([1.0, 2.0])))
    assert repr(tl.nn.Parameter(tl.tensor([1, 2]), requires_grad=False)) == \
        repr(torch.nn.Parameter(torch.tensor([1, 2]), requires_grad=False))
    assert repr(tl.nn.Parameter()) == repr(torch.nn.Parameter())
    t = tl.tensor([1.0, 2.0])
    p = tl.nn.Parameter(t)
    p.data.mul_(2)             # shares memory with the tensor it was made from
    assert t._a.tolist() == [2.0, 4.0]


# ---------------------------------------------------------------- containers
def _seq(lib):
    nn = lib.nn
    return nn.Sequential(nn.Linear(1, 2), nn.ReLU(), nn.Linear(2, 3), nn.Tanh())


@pytest.mark.parametrize("op", [
    lambda s, nn: s[1:3], lambda s, nn: s[-1], lambda s, nn: s[::2], lambda s, nn: len(s),
    lambda s, nn: (s.__delitem__(0), s)[1], lambda s, nn: (s.__delitem__(slice(0, 2)), s)[1],
    lambda s, nn: s.append(nn.ReLU()), lambda s, nn: s.insert(0, nn.ELU()),
    lambda s, nn: s.insert(-1, nn.ELU()), lambda s, nn: (s.pop(1), s),
    lambda s, nn: s + s, lambda s, nn: s * 2, lambda s, nn: (s.__setitem__(0, nn.Tanh()), s)[1],
    lambda s, nn: s.extend([nn.ReLU()]), lambda s, nn: [type(m).__name__ for m in s],
    lambda s, nn: nn.Sequential(OrderedDict([("fc", nn.Linear(1, 1)), ("act", nn.ReLU())]))[1:],
    lambda s, nn: nn.ModuleList(list(s))[1:],
    lambda s, nn: (lambda m: (m.__delitem__(0), m.append(nn.ReLU()), m)[2])(nn.ModuleList(s)),
    lambda s, nn: (lambda m: (m.insert(1, nn.ReLU()), m)[1])(nn.ModuleList(s)),
    lambda s, nn: nn.ModuleList([nn.ReLU(), nn.ReLU(), nn.Tanh(), nn.Tanh(), nn.ReLU()]),
    lambda s, nn: (lambda d: (d.update([("x", nn.ReLU())]), d.pop("b"), list(d), d)[1:])(
        nn.ModuleDict({"b": nn.ReLU(), "a": nn.Tanh()})),
    lambda s, nn: nn.ParameterList([nn.Parameter(torch_or(nn).zeros(2, 3)),
                                    torch_or(nn).ones(2)]),
    lambda s, nn: nn.ParameterDict({"w": torch_or(nn).zeros(2), "b": torch_or(nn).zeros(1)}),
])
def test_container_operations(op):
    torch.manual_seed(0)
    tl.manual_seed(0)
    assert repr(op(_seq(tl), tl.nn)) == repr(op(_seq(torch), torch.nn))


def torch_or(nn):
    return tl if nn is tl.nn else torch


def test_container_behaviour():
    pl = tl.nn.ParameterList([tl.nn.Parameter(tl.zeros(1)), tl.ones(2)])
    assert isinstance(pl[1], tl.nn.Parameter) and pl[1].requires_grad
    assert [n for n, _ in pl.named_parameters()] == ["0", "1"]
    pl.append(tl.zeros(3))
    assert len(pl) == 3 and len(list(pl.parameters())) == 3
    pd = tl.nn.ParameterDict({"w": tl.zeros(2), "b": tl.zeros(1)})
    assert [n for n, _ in pd.named_parameters()] == ["b", "w"]    # sorted, as torch
    assert "w" in pd and len(pd) == 2
    d = tl.nn.ModuleDict({"b": tl.nn.ReLU(), "a": tl.nn.Tanh()})
    assert list(d.keys()) == ["b", "a"] and "a" in d and len(d) == 2
    s = _seq(tl)
    s2 = tl.nn.Sequential(OrderedDict([("fc", tl.nn.Linear(1, 1))]))
    assert isinstance(s2.fc, tl.nn.Linear) and s2[0] is s2.fc
    y = s(tl.ones(4, 1))
    assert tuple(y.shape) == (4, 3)


# ---------------------------------------------------------------- Module subclass end to end
def test_custom_module_forward_backward_matches_torch():
    a, b = custom(tl), custom(torch)
    torch.manual_seed(0)
    tl.manual_seed(0)
    a, b = custom(tl), custom(torch)
    a.eval()
    b.eval()
    x = np.random.default_rng(0).standard_normal((5, 28, 28)).astype(np.float32)
    ya, yb = a(tl.tensor(x)), b(torch.tensor(x))
    np.testing.assert_allclose(arr(ya), arr(yb), rtol=1e-4, atol=1e-5)
    (ya * ya).sum().backward()
    (yb * yb).sum().backward()
    for (na, pa), (nb, pb) in zip(a.named_parameters(), b.named_parameters()):
        assert na == nb
        np.testing.assert_allclose(arr(pa.grad), arr(pb.grad), rtol=1e-3, atol=1e-5)


def test_instance_dict_keys_match_torch():
    for make in (lambda nn: nn.Linear(2, 3), lambda nn: nn.BatchNorm1d(3), lambda nn: nn.ReLU(),
                 lambda nn: nn.Dropout(), lambda nn: nn.Embedding(4, 2), lambda nn: nn.Softmax(),
                 lambda nn: nn.LayerNorm(3), lambda nn: nn.Flatten()):
        assert list(vars(make(tl.nn))) == list(vars(make(torch.nn)))


@pytest.mark.parametrize("fn", [
    lambda m: m.get_submodule("1.5"), lambda m: m.get_submodule("0.weight"),
    lambda m: m.get_parameter("1.1.running_mean"), lambda m: m.get_buffer("0.weight"),
    lambda m: m.get_parameter("0.nope")])
def test_get_submodule_parameter_buffer(fn):
    def build(lib):
        nn = lib.nn
        return nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.ReLU(), nn.BatchNorm1d(2)))
    a, b = build(tl), build(torch)
    assert repr(a.get_submodule("1.1")) == repr(b.get_submodule("1.1"))
    assert a.get_parameter("0.weight") is a[0].weight
    assert a.get_buffer("1.1.running_mean") is a[1][1].running_mean
    same_error(lambda: fn(a), lambda: fn(b))
