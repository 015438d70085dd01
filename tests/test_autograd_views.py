"""In-place ops on views, against torch: a write through a view gives the base a history
(CopySlices) and the base's views follow it (AsStridedBackward0); views made in no_grad or
inference mode, or by a function returning several views, refuse in-place ops with grad.

Every scenario is a function of the library (torch or torchless); the harness runs it with
both and compares what it returns (tensors: values, requires_grad, grad_fn name; node names;
plain values) or the exception it raises (type and message).
"""
import re

import numpy as np
import pytest
import torch

import torchless as tl
from torchless._version import version as tl_version


# ------------------------------------------------------------------ harness
def fn_name(t):
    f = t.grad_fn
    if f is None:
        return None
    return f.name_() if hasattr(f, "name_") else type(f).__name__


def observe(x):
    """What the comparison looks at, the same way for both libraries."""
    if isinstance(x, (torch.Tensor, tl.Tensor)):
        a = x.detach().numpy() if isinstance(x, torch.Tensor) else np.array(x._a)
        return ("tensor", a, str(x.dtype).split(".")[-1], x.requires_grad, fn_name(x))
    if isinstance(x, (tuple, list)):
        return tuple(observe(y) for y in x)
    if isinstance(x, dict):
        return {k: observe(v) for k, v in x.items()}
    return x


def message(e):
    """The error's message, with two known differences of torchless's "modified by an inplace
    operation" error (autograd/function.py) left out: torch names the node without its
    Backward0 suffix, and torchless's version numbers may count from a reused storage id."""
    m = str(e)
    if m.startswith("one of the variables needed for gradient computation"):
        m = re.sub(r"(output \d+ of \w+?)(Backward\d)?,", r"\1,", m)
        m = re.sub(r"version \d+", "version N", m)
    return m


def run(scenario, lib):
    try:
        return ("ok", observe(scenario(lib)))
    except Exception as e:      # the comparison is the test
        return ("error", type(e).__name__, message(e))


def same(a, b, where="result"):
    if isinstance(a, tuple) and a and a[0] == "tensor":
        assert isinstance(b, tuple) and b and b[0] == "tensor", f"{where}: {a} vs {b}"
        assert a[2:] == b[2:], f"{where}: (dtype, requires_grad, grad_fn) {a[2:]} vs {b[2:]}"
        assert a[1].shape == b[1].shape, f"{where}: shape {a[1].shape} vs {b[1].shape}"
        np.testing.assert_allclose(b[1], a[1], rtol=1e-6, atol=1e-6, err_msg=where)
    elif isinstance(a, tuple):
        assert isinstance(b, tuple) and len(a) == len(b), f"{where}: {a} vs {b}"
        for i, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{where}[{i}]")
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), f"{where}: {a} vs {b}"
        for k in a:
            same(a[k], b[k], f"{where}.{k}")
    else:
        assert a == b, f"{where}: torch {a!r} vs torchless {b!r}"


def check(scenario):
    expected = run(scenario, torch)
    got = run(scenario, tl)
    assert expected[0] == got[0], f"torch: {expected}\ntorchless: {got}"
    if expected[0] == "error":
        assert got[1:] == expected[1:]
    else:
        same(expected[1], got[1])
    return expected


def grad_of(lib, shape, requires_grad=True):
    """A distinct-valued tensor that requires grad."""
    n = int(np.prod(shape))
    return (lib.arange(1.0, n + 1.0).reshape(shape) / 4).requires_grad_(requires_grad)


def weights(lib, x):
    """Per-element weights, so that a gradient shows where each element went."""
    return lib.arange(1.0, x.numel() + 1.0).reshape(x.shape)


# ------------------------------------------------------------------ the views
VIEWS = {
    "int": lambda x: x[1],
    "slice": lambda x: x[:1],
    "slice cols": lambda x: x[:, 1:3],
    "tuple": lambda x: x[1, 1:],
    "step": lambda x: x[:, ::2],
    "None": lambda x: x[None],
    "ellipsis": lambda x: x[...],
    "select": lambda x: x.select(1, 2),
    "narrow": lambda x: x.narrow(1, 1, 2),
    "view": lambda x: x.view(6),
    "view then int": lambda x: x.view(3, 2)[1],
    "reshape": lambda x: x.reshape(3, 2),
    "flatten": lambda x: x.flatten(),
    "unflatten": lambda x: x.view(6).unflatten(0, (3, 2)),
    "view_as": lambda x: x.view_as(x),
    "t": lambda x: x.t(),
    "T": lambda x: x.T,
    "mT": lambda x: x.mT,
    "transpose": lambda x: x.transpose(0, 1),
    "swapaxes": lambda x: x.swapaxes(0, 1),
    "permute": lambda x: x.permute(1, 0),
    "movedim": lambda x: x.movedim(0, 1),
    "unsqueeze": lambda x: x.unsqueeze(1),
    "squeeze": lambda x: x.unsqueeze(0).squeeze(0),
    "squeeze all": lambda x: x[:1].squeeze(),
    "tensor_split": lambda x: x.tensor_split(3, dim=1)[1],
    "view of view": lambda x: x.t()[1:, 0],
}

OPS = {
    "mul_": lambda v, w: v.mul_(w),
    "add_": lambda v, w: v.add_(w),
    "add_ alpha": lambda v, w: v.add_(w, alpha=2),
    "sub_": lambda v, w: v.sub_(w),
    "div_": lambda v, w: v.div_(w),
    "addcmul_": lambda v, w: v.addcmul_(w, w),
    "copy_": lambda v, w: v.copy_(w * 2),
    "copy_ broadcast": lambda v, w: v.copy_(w.sum()),
    "setitem all": lambda v, w: v.__setitem__(Ellipsis, w),
    "setitem first": lambda v, w: v.__setitem__(0, w.reshape(-1)[0]) if v.dim() else v.fill_(w),
    "masked_fill_": lambda v, w: v.masked_fill_(w > 0.6, w.sum()),
    "clamp_ then mul_": lambda v, w: v.clamp_(min=-1.0).mul_(w),
    "exp_ then mul_": lambda v, w: v.exp_().mul_(w),
    "relu_ then add_": lambda v, w: v.relu_().add_(w),
    "index_put_ accumulate": lambda v, w: v.index_put_((w.new_tensor([0]).long(),), w[[0]],
                                                       accumulate=True),
    "index_add_": lambda v, w: v.index_add_(0, w.new_tensor([0, 0]).long(), w[[0, 0]]),
}


def _plain_base(make, op):
    def scenario(lib):
        x = lib.arange(6.0).reshape(2, 3) - 2
        v = make(x)
        w = grad_of(lib, tuple(v.shape))
        op(v, w)
        out = {"x": x, "v": v, "base": v._base is x, "leaf": (x.is_leaf, v.is_leaf)}
        (x * weights(lib, x)).sum().backward()
        out["w.grad"] = w.grad
        return out
    return scenario


@pytest.mark.parametrize("op", OPS.values(), ids=OPS.keys())
@pytest.mark.parametrize("make", VIEWS.values(), ids=VIEWS.keys())
def test_write_through_view_of_plain_base_gives_it_history(make, op):
    check(_plain_base(make, op))


def _grad_base(make, op, operand_grad):
    def scenario(lib):
        leaf = grad_of(lib, (2, 3))
        x = leaf * 1
        v = make(x)
        w = grad_of(lib, tuple(v.shape), operand_grad)
        op(v, w)
        out = {"x": x, "v": v}
        (x * weights(lib, x)).sum().backward()
        out["leaf.grad"] = leaf.grad
        out["w.grad"] = w.grad
        return out
    return scenario


@pytest.mark.parametrize("operand_grad", [True, False], ids=["grad operand", "plain operand"])
@pytest.mark.parametrize("op", OPS.values(), ids=OPS.keys())
@pytest.mark.parametrize("make", VIEWS.values(), ids=VIEWS.keys())
def test_write_through_view_in_graph(make, op, operand_grad):
    check(_grad_base(make, op, operand_grad))


# ------------------------------------------------------------------ the base's other views
def the_first_example(lib):
    out = {}
    for name, op in [("mul_", lambda v, w: v.mul_(w)), ("copy_", lambda v, w: v.copy_(w * 2)),
                     ("add_", lambda v, w: v.add_(w)),
                     ("setitem", lambda v, w: v.__setitem__(0, w[0]))]:
        x = lib.zeros(4)
        w = lib.ones(2, requires_grad=True)
        v = x[:2]
        op(v, w)
        out[name] = (x, v)
        (x * lib.arange(1.0, 5.0)).sum().backward()
        out[name + " w.grad"] = w.grad
    return out


def other_views_follow(lib):
    x = lib.zeros(2, 3)
    a, b, c = x[0], x[1, 1:], x.t()
    w = grad_of(lib, (3,))
    a.mul_(w).add_(w)
    out = {"x": x, "a": a, "b": b, "c": c}
    (b * lib.tensor([2.0, 3.0])).sum().backward(retain_graph=True)
    out["w.grad via b"] = w.grad.clone()
    (c * weights(lib, c)).sum().backward()
    out["w.grad via c"] = w.grad
    return out


def base_changed_directly(lib):
    x = lib.zeros(4)
    v, e = x[2:], x.view(2, 2)[1]
    w = grad_of(lib, (4,))
    x.add_(w)
    out = {"x": x, "v": v, "e": e}
    (v * lib.tensor([1.0, 3.0])).sum().backward()
    out["w.grad"] = w.grad
    return out


def base_in_graph_changed_directly(lib):
    leaf = grad_of(lib, (4,))
    y = leaf.clone()
    v = y[:2]
    y.mul_(2)
    out = {"y": y, "v": v}
    (v * lib.tensor([1.0, 3.0])).sum().backward()
    out["leaf.grad"] = leaf.grad
    return out


def copy_into_view_in_graph(lib):
    leaf = grad_of(lib, (4,))
    y = leaf.clone()
    v = y[:2]
    w = grad_of(lib, (2,))
    v.copy_(w * 3)
    out = {"y": y, "v": v}
    (y * lib.arange(4.0)).sum().backward()
    out["leaf.grad"], out["w.grad"] = leaf.grad, w.grad
    return out


def expanded_view_follows(lib):
    x = lib.zeros(2)
    e = x.expand(3, 2)
    w = grad_of(lib, (1,))
    x[:1].mul_(w).add_(w)
    out = {"e": e}
    (e * weights(lib, e)).sum().backward()
    out["w.grad"] = w.grad
    return out


def view_of_view_keeps_root_base(lib):
    x = lib.zeros(2, 3)
    v = x[1]
    vv = v[1:]
    w = grad_of(lib, (2,))
    vv.mul_(w).add_(w)
    out = {"x": x, "v": v, "vv": vv, "bases": (vv._base is x, v._base is x)}
    (x * weights(lib, x)).sum().backward()
    out["w.grad"] = w.grad
    return out


def non_contiguous_base(lib):
    x = lib.from_numpy(np.zeros((4, 3), np.float32).T)       # a base with strides (1, 3)
    v = x[1, 1:]
    w = grad_of(lib, (3,))
    v.add_(w).mul_(w)
    out = {"x": x, "stride": x.stride(), "v": v}
    (x * weights(lib, x)).sum().backward(retain_graph=True)
    out["w.grad"] = w.grad.clone()
    u = x.t()[2:]                         # a view made after the write, in the graph
    (u * weights(lib, u)).sum().backward()
    out["w.grad 2"] = w.grad
    return out


def setitem_then_view_then_write(lib):
    x = lib.zeros(3, 2)
    w = grad_of(lib, (2,))
    x[0] = w                              # x gets a history here
    r = x[2]
    r.copy_(w * w)
    out = {"x": x, "r": r}
    (x * weights(lib, x)).sum().backward()
    out["w.grad"] = w.grad
    return out


def second_order_through_as_strided(lib):
    x = lib.zeros(2, 2)
    a, b = x[0], x.t()[1]
    w = grad_of(lib, (2,))
    a.copy_(w * w)
    (g,) = lib.autograd.grad((b * b).sum(), w, create_graph=True)
    (gg,) = lib.autograd.grad(g.sum(), w)
    return {"b": b, "g": g, "gg": gg}


def in_place_without_grad_on_view(lib):
    x = lib.zeros(4)
    v = x[1:3]
    v.add_(lib.ones(2)).mul_(3)
    v[0] = 5.0
    return {"x": x, "v": v, "base": v._base is x, "views": (x._is_view(), v._is_view())}


def version_counter_is_shared(lib):
    x = lib.zeros(4)
    v, u = x[:2], x.view(2, 2)
    w = grad_of(lib, (2,))
    ver = (lambda t: t._version) if lib is torch else (lambda t: tl_version(t._a))
    start = [ver(t) for t in (x, v, u)]
    v.mul_(w)
    u[1] = w
    x.add_(1.0)
    return [ver(t) - s for t, s in zip((x, v, u), start)]


HISTORY = [the_first_example, other_views_follow, base_changed_directly,
           base_in_graph_changed_directly, copy_into_view_in_graph, expanded_view_follows,
           view_of_view_keeps_root_base, non_contiguous_base, setitem_then_view_then_write,
           second_order_through_as_strided, in_place_without_grad_on_view,
           version_counter_is_shared]


@pytest.mark.parametrize("scenario", HISTORY, ids=[f.__name__ for f in HISTORY])
def test_base_and_its_views_share_history(scenario):
    assert check(scenario)[0] == "ok"


# ------------------------------------------------------------------ refused in-place ops
EXPANDED = {      # (base requires grad, the write); without any grad, see _pw.py's short paths
    "mul_ w": (False, lambda lib, e: e.mul_(grad_of(lib, (3, 2)))),
    "copy_ w": (False, lambda lib, e: e.copy_(grad_of(lib, (3, 2)))),
    "addcmul_ w": (False, lambda lib, e: e.addcmul_(grad_of(lib, (3, 2)), lib.ones(3, 2))),
    "grad base, mul_ w": (True, lambda lib, e: e.mul_(grad_of(lib, (3, 2)))),
    "grad base, mul_ 2": (True, lambda lib, e: e.mul_(2)),
    "grad base, exp_": (True, lambda lib, e: e.exp_()),
}


@pytest.mark.parametrize("case", EXPANDED.values(), ids=EXPANDED.keys())
def test_write_into_expanded_view_with_grad(case):
    base_grad, op = case

    def scenario(lib):
        x = grad_of(lib, (2,), base_grad) * 1
        op(lib, x.expand(3, 2))
        return x
    check(scenario)


def nograd_view(make=lambda x: x[:2], base_grad=True):
    def get(lib):
        x = grad_of(lib, (4,))
        if base_grad != "leaf":
            x = x * 1
        with lib.no_grad():
            v = make(x)
        return x, v
    return get


def inference_view(make=lambda x: x.view(2, 2)):
    def get(lib):
        x = grad_of(lib, (4,)) * 1
        with lib.inference_mode():
            v = make(x)
        return x, v
    return get


def leaf_view(lib):
    x = grad_of(lib, (4,))
    return x, x[:2]


def split_view(lib):
    x = grad_of(lib, (4,)) * 1
    return x, x.split(2)[1]


def unbind_view(lib):
    x = grad_of(lib, (2, 2)) * 1
    return x, x.unbind()[1]


def plain_split(lib):
    x = lib.zeros(4)
    return x, x.split(2)[0]


def plain_chunk(lib):
    x = lib.zeros(4)
    return x, x.chunk(2)[1]


def plain_unbind(lib):
    x = lib.zeros(2, 2)
    return x, x.unbind(0)[1]


def plain_iter(lib):
    x = lib.zeros(2, 2)
    return x, next(iter(x))


def view_of_split(lib):
    x = grad_of(lib, (4,)) * 1
    return x, x.split(2)[0][:1]


def view_of_plain_split(lib):
    x = lib.zeros(4)
    return x, x.split(2)[0][:1]


def split_of_nograd_view(lib):
    x, v = nograd_view()(lib)
    return x, v.split(1)[0]


def grad_view_of_nograd_view(make):
    def get(lib):
        x, v = nograd_view(lambda x: x.view(2, 2))(lib)
        return x, make(v)
    return get


SOURCES = {
    "no_grad slice": nograd_view(),
    "no_grad view": nograd_view(lambda x: x.view(2, 2)),
    "no_grad t": nograd_view(lambda x: x.view(2, 2).t()),
    "no_grad expand": nograd_view(lambda x: x[:1].expand(2)),
    "no_grad of leaf": nograd_view(base_grad="leaf"),
    "inference view": inference_view(),
    "inference select": inference_view(lambda x: x[1]),
    "leaf view": leaf_view,
    "split": split_view,
    "unbind": unbind_view,
    "plain split": plain_split,
    "plain chunk": plain_chunk,
    "plain unbind": plain_unbind,
    "plain iter": plain_iter,
    "view of split": view_of_split,
    "view of plain split": view_of_plain_split,
    "split of no_grad view": split_of_nograd_view,
    "T of no_grad view": grad_view_of_nograd_view(lambda v: v.t()),
    "select of no_grad view": grad_view_of_nograd_view(lambda v: v[0]),
    "unsqueeze of no_grad view": grad_view_of_nograd_view(lambda v: v.unsqueeze(0)),
}


def _w(v, lib):
    return grad_of(lib, tuple(v.shape))


INPLACE = {
    "mul_ 2": lambda v, lib: v.mul_(2),
    "mul_ w": lambda v, lib: v.mul_(_w(v, lib)),
    "add_ 1": lambda v, lib: v.add_(1),
    "zero_": lambda v, lib: v.zero_(),
    "copy_ w": lambda v, lib: v.copy_(_w(v, lib)),
    "copy_ plain": lambda v, lib: v.copy_(lib.zeros(v.shape)),
    "v[0] = w": lambda v, lib: v.__setitem__(0, _w(v, lib).reshape(-1)[0]),
    "v[0] = 1": lambda v, lib: v.__setitem__(0, 1.0),
    "v[...] = w": lambda v, lib: v.__setitem__(Ellipsis, _w(v, lib)),
    "v[:] = w": lambda v, lib: v.__setitem__(slice(None), _w(v, lib)),
    "v[None] = w": lambda v, lib: v.__setitem__(None, _w(v, lib)),
    "v[0:1] = w": lambda v, lib: v.__setitem__(slice(0, 1), _w(v[0:1], lib)),
    "v[[0]] = w": lambda v, lib: v.__setitem__([0], _w(v[[0]], lib)),
}


@pytest.mark.parametrize("op", INPLACE.values(), ids=INPLACE.keys())
@pytest.mark.parametrize("source", SOURCES.values(), ids=SOURCES.keys())
def test_refused_inplace_on_views(source, op):
    def scenario(lib):
        x, v = source(lib)
        op(v, lib)
        return {"x": x, "v": v}
    check(scenario)


# (torchless does not refuse an in-place op on an expanded view in no_grad mode yet)
NO_EXPAND = {k: f for k, f in SOURCES.items() if "expand" not in k}


@pytest.mark.parametrize("op", INPLACE.values(), ids=INPLACE.keys())
@pytest.mark.parametrize("source", NO_EXPAND.values(), ids=NO_EXPAND.keys())
def test_inplace_on_views_without_grad_mode(source, op):
    def scenario(lib):
        x, v = source(lib)
        with lib.no_grad():
            op(v, lib)
        return x.detach()
    check(scenario)


# ------------------------------------------------------------------ views made in no_grad mode
NOGRAD_VIEWS = {k: VIEWS[k] for k in ("int", "slice", "tuple", "step", "None", "select", "narrow",
                                      "view", "reshape", "flatten", "t", "transpose", "permute",
                                      "unsqueeze", "squeeze", "tensor_split", "view of view")}
NOGRAD_VIEWS.update({
    "expand": lambda x: x[:1].expand(4, 3),
    "split": lambda x: x.split(1)[1],
    "chunk": lambda x: x.chunk(2)[0],
    "unbind": lambda x: x.unbind(1)[2],
})
BASES = {
    "leaf": lambda lib: grad_of(lib, (2, 3)),
    "non-leaf": lambda lib: grad_of(lib, (2, 3)) * 2,
    "plain": lambda lib: lib.ones(2, 3),
}


@pytest.mark.parametrize("mode", ["no_grad", "inference_mode"])
@pytest.mark.parametrize("base", BASES.values(), ids=BASES.keys())
@pytest.mark.parametrize("make", NOGRAD_VIEWS.values(), ids=NOGRAD_VIEWS.keys())
def test_view_made_without_grad_mode(make, base, mode):
    def scenario(lib):
        x = base(lib)
        with getattr(lib, mode)():
            v = make(x)
        out = {"v": v, "is_leaf": v.is_leaf, "base": v._base is x, "is_view": v._is_view()}
        y = v * 2                               # used with grad mode on again
        out["y"] = y
        if y.requires_grad:
            y.sum().backward()
            out["grads"] = (v.grad, x.grad if x.is_leaf else None)
        return out
    check(scenario)


def nograd_view_numpy(lib):
    x = grad_of(lib, (2,))
    with lib.no_grad():
        v = x[:1]
    return v.numpy()


def nograd_view_repr(lib):
    x = grad_of(lib, (2,))
    with lib.no_grad():
        v = x.view(2)
    return repr(v)


def nograd_view_used_twice(lib):
    x = grad_of(lib, (2,)) * 1
    with lib.no_grad():
        v = x[:1]
    (v * 2).sum().backward()
    (v * 3).sum().backward()
    return v.grad, x.grad_fn is not None


@pytest.mark.parametrize("scenario", [nograd_view_numpy, nograd_view_repr, nograd_view_used_twice])
def test_view_made_in_no_grad_mode_requires_grad(scenario):
    check(scenario)


# ------------------------------------------------------------------ plain views stay plain
@pytest.mark.parametrize("make", VIEWS.values(), ids=VIEWS.keys())
def test_views_of_plain_tensors(make):
    def scenario(lib):
        r = lib.arange(6.0)
        x = r.reshape(2, 3)                 # a view of r: views of x are views of r
        y = x * 1
        v, vy = make(x), make(y)
        with lib.no_grad():
            u = make(y)
        return {"v": v, "u": u, "bases": (v._base is r, vy._base is y, u._base is y, y._base),
                "views": (v._is_view(), x._is_view(), y._is_view())}
    check(scenario)


def test_detach_and_data_are_not_views():
    for lib in (torch, tl):
        x = lib.zeros(3)
        assert x.detach()._base is None and not x.detach()._is_view()
        v = x[1:]
        assert v._base is x and v.detach()._base is None
