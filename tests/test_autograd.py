"""The autograd engine and API, compared with real torch."""
import numpy as np
import pytest
import torch

import torchless as tl


def pair(values, requires_grad=True, dtype="float64"):
    a = np.array(values, dtype=dtype)
    return (tl.tensor(a, requires_grad=requires_grad),
            torch.tensor(a, requires_grad=requires_grad))


def close(a, b, **kw):
    np.testing.assert_allclose(np.asarray(a._a if hasattr(a, "_a") else a),
                               b.detach().numpy(), **(kw or {"rtol": 1e-12, "atol": 1e-12}))


def raises_like(fn_tl, fn_torch, kind=RuntimeError):
    with pytest.raises(kind) as e1:
        fn_torch()
    with pytest.raises(kind) as e2:
        fn_tl()
    assert str(e2.value) == str(e1.value)


def test_neuron_gradients():
    rng = np.random.default_rng(0)
    x, tx = pair(rng.standard_normal((1, 5)), requires_grad=False, dtype="float32")
    w, tw = pair(rng.standard_normal((5, 1)), dtype="float32")
    b, tb = pair(rng.standard_normal((1, 1)), dtype="float32")
    y = tl.sigmoid(tl.mm(x, w) + b)
    ty = torch.sigmoid(torch.mm(tx, tw) + tb)
    y.backward()
    ty.backward()
    close(w.grad, tw.grad, rtol=1e-6)
    close(b.grad, tb.grad, rtol=1e-6)
    assert x.grad is None and w.grad.dtype is tl.float32
    assert y.grad_fn.name_() == type(ty.grad_fn).__name__ == "SigmoidBackward0"
    assert [type(f).__name__ if f else None for f, _ in ty.grad_fn.next_functions] == \
        [f.name_() if f else None for f, _ in y.grad_fn.next_functions]


def test_grad_is_none_then_accumulates():
    x, tx = pair([1.0, 2.0, 3.0])
    assert x.grad is None and x.is_leaf
    for _ in range(2):
        (x * x).sum().backward()
        (tx * tx).sum().backward()
    close(x.grad, tx.grad)


def test_broadcast_gradients_sum_back():
    a, ta = pair(np.arange(6.0).reshape(2, 3))
    b, tb = pair([10.0, 20.0, 30.0])
    c, tc = pair([[2.0], [3.0]])
    ((a * b + c) ** 2).sum().backward()
    ((ta * tb + tc) ** 2).sum().backward()
    for u, v in [(a, ta), (b, tb), (c, tc)]:
        close(u.grad, v.grad)
        assert u.grad.shape == v.grad.shape


def test_backward_with_gradient_and_errors():
    x, tx = pair([1.0, 2.0])
    y, ty = x * 3, tx * 3
    g = np.array([0.5, -1.0])
    y.backward(tl.tensor(g))
    ty.backward(torch.tensor(g))
    close(x.grad, tx.grad)
    raises_like(lambda: (x * 2).backward(), lambda: (tx * 2).backward())
    raises_like(lambda: tl.tensor([1.0]).backward(), lambda: torch.tensor([1.0]).backward())


def test_second_backward_through_freed_graph_raises():
    x, tx = pair([1.0, 2.0])
    y, ty = (x * x).sum(), (tx * tx).sum()
    y.backward()
    ty.backward()
    raises_like(y.backward, ty.backward)


def test_retain_graph_allows_second_backward():
    x, tx = pair([1.0, 2.0])
    y, ty = (x.exp() * x).sum(), (tx.exp() * tx).sum()
    y.backward(retain_graph=True)
    y.backward()
    ty.backward(retain_graph=True)
    ty.backward()
    close(x.grad, tx.grad)


def test_autograd_grad_and_second_derivative():
    x, tx = pair([0.5, -1.5, 2.0])
    y, ty = (x ** 3).sum(), (tx ** 3).sum()
    (g,) = tl.autograd.grad(y, x, create_graph=True)
    (tg,) = torch.autograd.grad(ty, tx, create_graph=True)
    close(g, tg)
    assert g.requires_grad and x.grad is None
    (h,) = tl.autograd.grad(g.sum(), x)
    (th,) = torch.autograd.grad(tg.sum(), tx)
    close(h, th)


def test_double_backward_via_backward_create_graph():
    x, tx = pair([0.3, 0.7])
    y, ty = (x.sigmoid() * x.exp()).sum(), (tx.sigmoid() * tx.exp()).sum()
    y.backward(create_graph=True)
    ty.backward(create_graph=True)
    gx, tgx = x.grad, tx.grad
    x.grad, tx.grad = None, None
    gx.sum().backward()
    tgx.sum().backward()
    close(x.grad, tx.grad)


def test_grad_allow_unused():
    x, tx = pair([1.0])
    z, tz = pair([2.0])
    raises_like(lambda: tl.autograd.grad((x * 2).sum(), [x, z]),
                lambda: torch.autograd.grad((tx * 2).sum(), [tx, tz]))
    g = tl.autograd.grad((x * 2).sum(), [x, z], allow_unused=True)
    assert g[1] is None
    close(g[0], torch.autograd.grad((tx * 2).sum(), [tx])[0])


def test_backward_inputs_argument():
    x, tx = pair([1.0, 2.0])
    z, tz = pair([3.0, 4.0])
    (x * z).sum().backward(inputs=[x])
    (tx * tz).sum().backward(inputs=[tx])
    close(x.grad, tx.grad)
    assert z.grad is None and tz.grad is None


def test_hooks_and_retain_grad():
    x, tx = pair([1.0, 2.0, 3.0])
    seen = []
    x.register_hook(lambda g: seen.append(g.clone()))
    y, ty = x * 2, tx * 2
    y.retain_grad()
    ty.retain_grad()
    y.register_hook(lambda g: g * 10)
    ty.register_hook(lambda g: g * 10)
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    close(y.grad, ty.grad)       # retain_grad sees the hooked gradient, like torch
    close(x.grad, tx.grad)
    close(seen[0], tx.grad)
    assert y.retains_grad and not x.retains_grad
    raises_like(lambda: tl.tensor([1.0]).register_hook(print),
                lambda: torch.tensor([1.0]).register_hook(print))


def test_hook_handle_remove():
    x = tl.tensor([1.0], requires_grad=True)
    h = x.register_hook(lambda g: g * 100)
    h.remove()
    (x * 3).sum().backward()
    assert x.grad.tolist() == [3.0]


def test_no_grad_family():
    x = tl.tensor([1.0], requires_grad=True)
    with tl.no_grad():
        y = x * 2
        assert not tl.is_grad_enabled()
    assert y.grad_fn is None and not y.requires_grad and tl.is_grad_enabled()

    @tl.no_grad()
    def f(t):
        return t * 2
    assert f(x).grad_fn is None
    with tl.no_grad():
        with tl.enable_grad():
            assert (x * 2).requires_grad
    tl.set_grad_enabled(False)
    assert (x * 2).grad_fn is None
    tl.set_grad_enabled(True)
    with tl.set_grad_enabled(False):
        assert not tl.is_grad_enabled()
    assert tl.is_grad_enabled()
    with tl.inference_mode():
        assert (x * 2).grad_fn is None
    assert tl.is_grad_enabled()


def test_detach_shares_memory():
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    d = x.detach()
    assert not d.requires_grad and d.grad_fn is None
    d._a[0] = 7.0
    assert x._a[0] == 7.0


def test_numpy_on_requires_grad_raises():
    raises_like(lambda: tl.tensor([1.0], requires_grad=True).numpy(),
                lambda: torch.tensor([1.0], requires_grad=True).numpy())


def test_inplace_on_leaf_raises():
    raises_like(lambda: tl.tensor([1.0], requires_grad=True).add_(1),
                lambda: torch.tensor([1.0], requires_grad=True).add_(1))


def test_inplace_on_non_leaf_in_graph():
    x, tx = pair([1.0, 2.0])
    y, ty = x * 2, tx * 2
    y.mul_(3)
    ty.mul_(3)
    y.add_(1)
    ty.add_(1)
    assert y.grad_fn.name_() == type(ty.grad_fn).__name__
    y.sum().backward()
    ty.sum().backward()
    close(x.grad, tx.grad)


def test_modified_saved_tensor_raises():
    x, tx = pair([1.0, 2.0])
    # ops that save nothing of `a` let it change in place afterwards
    a, ta = x * 2, tx * 2
    s, ts = (a + 1).sum(), (ta + 1).sum()
    a.add_(1)
    ta.add_(1)
    s.backward()
    ts.backward()
    close(x.grad, tx.grad)
    # exp saves its output: changing it breaks the backward, in both
    y, ty = x.exp(), tx.exp()
    z, tz = y.sum(), ty.sum()
    y.add_(1)
    ty.add_(1)
    with pytest.raises(RuntimeError) as e1:
        tz.backward()
    with pytest.raises(RuntimeError) as e2:
        z.backward()
    assert str(e2.value).split(", which is")[0] == str(e1.value).split(", which is")[0]
    y, ty = x * 2, tx * 2
    y.mul_(y)
    ty.mul_(ty)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        ty.sum().backward()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_custom_function():
    class MyExp(tl.autograd.Function):
        @staticmethod
        def forward(ctx, i):
            r = i.exp()
            ctx.save_for_backward(r)
            return r

        @staticmethod
        def backward(ctx, g):
            (r,) = ctx.saved_tensors
            return g * r

    TlExp = MyExp

    class MyExp(torch.autograd.Function):
        @staticmethod
        def forward(ctx, i):
            r = i.exp()
            ctx.save_for_backward(r)
            return r

        @staticmethod
        def backward(ctx, g):
            (r,) = ctx.saved_tensors
            return g * r

    x, tx = pair([0.1, 0.2])
    y, ty = TlExp.apply(x), MyExp.apply(tx)
    close(y, ty)
    (y * 3).sum().backward()
    (ty * 3).sum().backward()
    close(x.grad, tx.grad)
    assert repr(y.grad_fn).split(" object")[0] == repr(ty.grad_fn).split(" object")[0]


def test_custom_function_needs_input_grad_and_non_differentiable():
    class Sort2(tl.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            ctx.flags = ctx.needs_input_grad
            idx = tl.tensor([0, 1])
            ctx.mark_non_differentiable(idx)
            return a * b, idx

        @staticmethod
        def backward(ctx, g, gidx):
            a, b = None, None
            return g * 2, None

    x = tl.tensor([1.0, 2.0], requires_grad=True)
    y, i = Sort2.apply(x, 3.0)
    assert y.requires_grad and not i.requires_grad
    y.sum().backward()
    assert x.grad.tolist() == [2.0, 2.0]


def test_grad_fn_names_for_common_ops():
    x, tx = pair([[1.0, 2.0], [3.0, 4.0]])
    cases = [lambda t: t + 1, lambda t: t * t, lambda t: t / 2, lambda t: -t, lambda t: t.exp(),
             lambda t: t.sum(), lambda t: t.mean(), lambda t: t @ t, lambda t: t.view(4),
             lambda t: t.t(), lambda t: t[0], lambda t: t.reshape(4), lambda t: t ** 2,
             lambda t: t.sigmoid(), lambda t: t.relu(), lambda t: t.sum(0)]
    for f in cases:
        assert f(x).grad_fn.name_() == type(f(tx).grad_fn).__name__


def test_setitem_in_graph():
    x, tx = pair([1.0, 2.0, 3.0])
    v, tv = pair([10.0])
    y, ty = x * 1, tx * 1
    y[1] = v[0] * 2
    ty[1] = tv[0] * 2
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    close(x.grad, tx.grad)
    close(v.grad, tv.grad)


def gradcheck_fd(fn, x, eps=1e-6):
    """Finite differences vs autograd in float64."""
    x = x.detach().requires_grad_(True) if hasattr(x, "requires_grad_") else x
    y = fn(x).sum()
    y.backward()
    num = np.zeros_like(x._a)
    base = x._a.copy()
    for i in np.ndindex(base.shape):
        xp = base.copy()
        xp[i] += eps
        xm = base.copy()
        xm[i] -= eps
        num[i] = (fn(tl.tensor(xp)).sum().item() - fn(tl.tensor(xm)).sum().item()) / (2 * eps)
    np.testing.assert_allclose(x.grad._a, num, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("fn", [lambda t: t * t.exp(), lambda t: (t + 1) / (t * t + 2),
                                lambda t: t.sigmoid() * t, lambda t: (t @ t.t()).sum(1)])
def test_gradcheck_finite_differences(fn):
    rng = np.random.default_rng(1)
    gradcheck_fd(fn, tl.tensor(rng.standard_normal((3, 3))))


def test_inplace_on_view_rewrites_base_history():
    x, tx = pair([[1.0, 2.0], [3.0, 4.0]])
    y, ty = x * 1, tx * 1
    y[0].mul_(3)
    ty[0].mul_(3)
    assert y.grad_fn.name_() == type(ty.grad_fn).__name__ == "CopySlices"
    close(y, ty)
    (y * y).sum().backward()
    (ty * ty).sum().backward()
    close(x.grad, tx.grad)
    y, ty = x * 1, tx * 1
    v, tv = y.t(), ty.t()
    v.add_(v.exp())
    tv.add_(tv.exp())
    (y.sin()).sum().backward()
    (ty.sin()).sum().backward()
    close(x.grad, tx.grad)


def test_inplace_on_view_of_leaf_raises():
    for f in (lambda lib: lib.tensor([1.0, 2.0], requires_grad=True)[0].mul_(2),
              lambda lib: lib.tensor([1.0, 2.0], requires_grad=True).view(2).add_(1)):
        raises_like(lambda: f(tl), lambda: f(torch))
    with tl.no_grad():
        w = tl.tensor([1.0, 2.0], requires_grad=True)
        w[0].mul_(5)
    assert w.tolist() == [5.0, 2.0]


def test_grad_fn_name_is_callable_like_torch():
    x, tx = pair([1.0, 2.0])
    y, ty = (x * 2).sum(), (tx * 2).sum()
    assert y.grad_fn.name() == ty.grad_fn.name() == "SumBackward0"
    acc = y.grad_fn.next_functions[0][0].next_functions[0][0]
    tacc = ty.grad_fn.next_functions[0][0].next_functions[0][0]
    assert acc.name() == tacc.name() and repr(acc).split(" at")[0] == repr(tacc).split(" at")[0]
    assert acc.variable is x


def test_leaf_gradients_never_alias_other_memory():
    a = tl.tensor([1.0, 2.0], requires_grad=True)
    b = tl.tensor([3.0, 4.0], requires_grad=True)
    (a + b).sum().backward()                      # one gradient tensor flows to both leaves
    assert not np.shares_memory(a.grad._a, b.grad._a)
    x = tl.tensor([1.0, 2.0], requires_grad=True)
    v = tl.tensor([5.0, 6.0])
    (x + 0.0).backward(v)                         # the user's gradient passes through unchanged
    assert not np.shares_memory(x.grad._a, v._a)
    p = tl.tensor([[1.0, 2.0]], requires_grad=True)
    q = tl.tensor([1.0, 2.0], requires_grad=True)
    (p.view(2) * 2 + q).sum().backward()
    assert not np.shares_memory(p.grad._a, q.grad._a)
    kept = []
    r = tl.tensor([1.0, 2.0], requires_grad=True)
    m = r * 2
    m.register_hook(lambda g: kept.append(g))
    (m + 0).sum().backward()
    assert not np.shares_memory(r.grad._a, kept[0]._a)
    g = r.grad
    (r * 2).sum().backward()                      # accumulation is in place, as in torch
    assert g is r.grad and r.grad.tolist() == [4.0, 4.0]


_MODIFIED_CASES = {
    # scenario: fn(lib) -> the tensor to call .sum().backward() on
    "inplace_on_saved_input": lambda L: (lambda a: (lambda y: (lambda z: (y.mul_(2), z)[1])(y * y))(
        (a * 2).exp()))(L.ones(3, requires_grad=True)),
    "saved_output_sigmoid": lambda L: (lambda z: (z.add_(1), z)[1])(
        (L.ones(3, requires_grad=True) * 2).sigmoid()),
    "saved_output_exp_inplace": lambda L: (lambda z: (z.mul_(2), z * z)[1])(
        (L.ones(3, requires_grad=True) * 2).exp_()),
    "view_of_mm": lambda L: (lambda d: (lambda f: (d.add_(1), f)[1])(d.t() * d.t()))(
        L.ones(2, 3, requires_grad=True).mm(L.ones(3, 2))),
}


@pytest.mark.parametrize("case", list(_MODIFIED_CASES))
def test_modified_by_inplace_message_names_the_op(case):
    msgs = []
    for L in (torch, tl):
        with pytest.raises(RuntimeError) as ei:
            _MODIFIED_CASES[case](L).sum().backward()
        msgs.append(str(ei.value))
    assert msgs[1] == msgs[0]


@pytest.mark.parametrize("case", ["copy_", "setitem", "leaf"])
def test_cpp_node_names(case):
    """torch's C++-only nodes answer name() with their namespace, their repr without it."""
    out = []
    for L in (torch, tl):
        b = L.ones(3, requires_grad=True)
        if case == "copy_":
            node = L.zeros(3).copy_(b).grad_fn
        elif case == "setitem":
            x = L.zeros(3)
            x[0:2] = b[:2] * 2
            node = x.grad_fn
        else:
            node = (b * 1).grad_fn.next_functions[0][0]
        out.append((node.name(), repr(node).split(" object")[0]))
    assert out[1] == out[0]
