"""Indexing (x[i], x[i] = v), gather/scatter, index_select/index_add/index_put, take, masks,
nonzero and ``in``, compared with real torch: values, dtype, shape, strides and memory sharing
of views, exceptions, grad_fn names and gradients."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import torchless as tl
from _gradcheck import gradcheck
from torchless._tensor import _root

warnings.simplefilter("ignore", UserWarning)


# ------------------------------------------------------------------ harness
def same_result(rt, rl, xt=None, xl=None, label=""):
    """torchless result rl matches torch result rt (value, dtype, shape, strides, sharing)."""
    if isinstance(rt, Exception):
        assert isinstance(rl, Exception), f"{label}: torch raised {rt!r}, torchless returned {rl!r}"
        assert type(rl) is type(rt), \
            f"{label}: {type(rl).__name__}({rl}) vs {type(rt).__name__}({rt})"
        if not isinstance(rt, TypeError) or "can't assign" in str(rt):
            msg = str(rt).split("\nException raised from")[0]     # (torch's C++ trace)
            assert str(rl) == msg, f"{label}: message {str(rl)!r} vs {msg!r}"
        return
    assert not isinstance(rl, Exception), f"{label}: torchless raised {rl!r} (torch: {rt!r})"
    if isinstance(rt, (tuple, list)):
        assert len(rl) == len(rt), label
        for a, b in zip(rt, rl):
            same_result(a, b, xt, xl, label)
        return
    if not isinstance(rt, torch.Tensor):
        assert rl == rt, label
        return
    assert tuple(rl.shape) == tuple(rt.shape), \
        f"{label}: shape {tuple(rl.shape)} vs {tuple(rt.shape)}"
    assert repr(rl.dtype) == str(rt.dtype), f"{label}: dtype {rl.dtype} vs {rt.dtype}"
    np.testing.assert_array_equal(rl._a, rt.detach().numpy(), err_msg=label)
    if rt.numel() > 1:
        assert rl.stride() == rt.stride(), f"{label}: stride {rl.stride()} vs {rt.stride()}"
    if xt is not None and rt.numel() > 0 and xt.numel() > 0:
        shares_t = rt.untyped_storage().data_ptr() == xt.untyped_storage().data_ptr()
        shares_l = _root(rl._a) is _root(xl._a)
        assert shares_l == shares_t, f"{label}: shares memory {shares_l} vs {shares_t}"
        if shares_t:
            assert rl.storage_offset() == rt.storage_offset(), \
                f"{label}: offset {rl.storage_offset()} vs {rt.storage_offset()}"


def attempt(fn, *args):
    try:
        return fn(*args)
    except Exception as e:  # noqa: BLE001 - compared with torch's
        return e


def lib_index(item, lib):
    """An abstract index item as a concrete index for lib (torch or torchless)."""
    if isinstance(item, tuple) and item and item[0] == "T":
        return lib.tensor(item[1])
    if isinstance(item, tuple):
        return tuple(lib_index(i, lib) for i in item)
    if isinstance(item, list):
        return [lib_index(i, lib) for i in item]
    if isinstance(item, slice):
        return slice(lib_index(item.start, lib), lib_index(item.stop, lib), lib_index(item.step, lib))
    return item


def T(x):
    """Marks index data to become a tensor of each library."""
    return ("T", np.asarray(x))


Y = np.arange(12, dtype=np.float32).reshape(3, 4)
Z = np.arange(24, dtype=np.float32).reshape(2, 3, 4)


def check_get(x, idx, label=None, prep=None):
    xt, xl = torch.from_numpy(x.copy()), tl.from_numpy(x.copy())
    if prep is not None:
        xt, xl = prep(xt), prep(xl)
    rt = attempt(lambda: xt[lib_index(idx, torch)])
    rl = attempt(lambda: xl[lib_index(idx, tl)])
    same_result(rt, rl, xt, xl, label or repr(idx))


# ------------------------------------------------------------------ __getitem__ tables
GET_CASES = [
    (Y, 0), (Y, -1), (Y, 2), (Y, 3), (Y, -4), (Y, (0, 7)), (Z, (0, slice(None), 7)),
    (Y, slice(1, None)), (Y, slice(None)), (Y, slice(1, 100)), (Y, slice(-100, 2)),
    (Y, slice(2, 1)),
    (Y, slice(5, None)), (Y, (slice(None), slice(5, None))), (Y, (slice(None), slice(1, None, 2))),
    (Y, slice(None, None, -1)), (Y, slice(None, None, 0)), (Y, (0, 0, 0)),
    (Y, (slice(None), slice(None), slice(None))),
    (Y, None), (Y, (slice(None), None)), (Y, (Ellipsis, None)), (Y, (None, 0, slice(1, None))),
    (Y, (None, None, slice(1, None))), (Y, (None, 5)), (Y, (None, Ellipsis, None)),
    (Y, Ellipsis), (Z, (Ellipsis, 0)), (Z, (1, Ellipsis)), (Z, (Ellipsis, Ellipsis)),
    (Z, (Ellipsis, 0, Ellipsis)), (Y, ()), (Y, True), (Y, False), (Y, (True, 0)), (Y, (True, True)),
    (Y, 1.0), (Y, "a"), (Y, {}), (Y, np.int64(1)), (Y, np.float64(1.0)), (Y, np.bool_(True)),
    (Y, T(1)), (Y, T(np.int32(1))), (Y, T(5)), (Y, T(1.0)), (Y, T([1.0])), (Y, T(True)),
    (Y, T(False)),
    (Y, (T(1), T(2))), (Y, (slice(T(1), T(3)),)), (Y, slice(1.5, None)),
    (Y, [0, 2]), (Y, [0, -1]), (Y, [0, 5]), (Y, [0, -4]), (Y, (slice(None), [0, 4])),
    (Y, ([0, 1], [0, 4])), (Y, [[0, 1], [2, 0]]), (Y, ([0, 1], [1, 2])), (Y, [0, slice(None)]),
    (Y, [0, None]), (Y, [0, Ellipsis]), (Y, [True, False, True]), (Y, [True]), (Y, []), (Y, ([],)),
    (Y, [[]]), (Y, [1.0]), (Y, [T(0), T(1)]), (Y, [T(0), 1]), (Y, [[0]]),
    (Y, list(range(3)) * 11), (Y, np.array([0, 2])),
    (Y, T([0, 2])), (Y, T([[0, 1], [2, 2]])), (Y, (slice(None), T([[0, 1], [2, 2]]))),
    (Y, T([True, False, True])), (Y, T([True, False])), (Y, T(np.ones((3, 5), bool))),
    (Y, T(np.ones((3, 4, 1), bool))), (Y, T(Y > 4)),
    (Y, (slice(None), T([True, False, True, False]))),
    (Y, (slice(None), T([True, False]))), (Y, T(np.array([1, 0, 1], np.uint8))),
    (Y, T(np.array([1, 0], np.int32))),
    (Z, (0, slice(None), [0, 1])), (Z, ([0, 1], slice(None), [0, 1])),
    (Z, (slice(None), [0, 1], [0, 1])),
    (Z, (slice(None), [0, 1], 0)), (Z, ([1, 0], 0)), (Z, ([1, 0], slice(1, None), [0, 2])),
    (Z, (None, [1, 0], None, [0, 2])), (Z, (Ellipsis, [0, 2])), (Z, ([[0], [1]], [0, 1, 2])),
    (Z, ([0, 1], [0, 1, 2])), (Z, ([0, 1], None, [0, 1])), (Z, ([0, 1], Ellipsis, [0, 1])),
    (Z, (T(1), slice(None), [0, 1])), (Z, (slice(None), T(1), [0, 1])),
    (Z, ([0, 1], slice(None), T(1))),
    (Z, (T(True), 0)), (Z, (0, T([True, False, True]))), (Z, (0, T([True, False]))),
    (Z, (T(np.ones((2, 3), bool)), [0, 5])), (Z, ([0, 1], T([True, False, True]), [0, 5])),
    (Z, ([0, 1], [0, 0], 7)), (Z, (slice(None), slice(None), [0, 5])), (Z, (slice(None), [0, 5])),
    (Z, (slice(None), [0, 1], [0, 5])), (Z, (slice(None), [0, 5], [0, 1])),
    (Z, ([0, 3], slice(None), [0, 1])),
    (Z, (T([True, False]), 1)), (Z, (T([True, False]), [1, 2])),
    (Z, (T([True, True]), slice(None), [1, 2])),
    (Z, (slice(None), T(np.ones((3, 3), bool)))), (Z, (slice(None), T(Z[0] > 3))),
    (np.array(5.0, np.float32), 0), (np.array(5.0, np.float32), None),
    (np.array(5.0, np.float32), Ellipsis), (np.array(5.0, np.float32), T(True)),
    (np.array(5.0, np.float32), slice(None)), (np.array(5.0, np.float32), (None, None)),
    (np.zeros((0, 3), np.float32), 0), (np.zeros((0, 3), np.float32), []),
    (np.zeros((0, 3), np.float32), T(np.zeros((0, 3), bool))), (Y > 5, (0, [1, 2])),
    (Y.astype(np.int64), T(Y > 5)), (Y, 2 ** 70), (Y, [2 ** 70]), (Y, np.array(["a"])),
    (Y, np.array([1.5])),
]


@pytest.mark.parametrize("x,idx", GET_CASES, ids=[repr(c[1])[:40] for c in GET_CASES])
def test_getitem(x, idx):
    check_get(x, idx)


LAYOUTS = [lambda t: t.transpose(0, 2), lambda t: t.permute(2, 0, 1), lambda t: t[:, :, ::2],
           lambda t: t.permute(1, 2, 0)[1:]]


@pytest.mark.parametrize("prep", LAYOUTS)
@pytest.mark.parametrize("idx", [[1, 0], (slice(None), [1]), (slice(None), [0, 1], [1, 0]),
                                 ([0, 1], slice(None), [1, 0]), (Ellipsis, [0, 0]),
                                 (slice(None), T([[0, 1], [1, 0]])), (1, slice(None, None, 2)),
                                 (None, slice(1, None), 0)])
def test_getitem_on_strided_layouts(prep, idx):
    check_get(Z, idx, prep=prep)


def test_views_share_memory_and_write_through():
    x = tl.arange(12.0).view(3, 4)
    r = x[1]
    r[2] = 100.0
    assert x[1, 2].item() == 100.0
    c = x[:, 1]
    c[0] = -1.0
    assert x[0, 1].item() == -1.0
    a = x[[0, 1]]
    a[0, 0] = 55.0
    assert x[0, 0].item() == 0.0          # advanced indexing copies
    e = x[0, 0]
    assert e.dim() == 0 and _root(e._a) is _root(x._a)


# ------------------------------------------------------------------ hypothesis: __getitem__
@st.composite
def index_for(draw, shape):
    """A random index for a tensor of shape: ints, slices, None, Ellipsis, lists, masks, tensors."""
    items = []
    dim = 0
    n = draw(st.integers(0, len(shape) + 1))
    for _ in range(n):
        size = shape[dim] if dim < len(shape) else 1
        kind = draw(st.sampled_from(["int", "slice", "slice", "none", "ell", "list", "mask",
                                     "tensor", "t0", "bool"]))
        if kind == "int":
            items.append(draw(st.integers(-size - 1, size)))
            dim += 1
        elif kind == "slice":
            items.append(slice(draw(st.none() | st.integers(-size - 2, size + 2)),
                               draw(st.none() | st.integers(-size - 2, size + 2)),
                               draw(st.sampled_from([None, 1, 2, 3]))))
            dim += 1
        elif kind == "none":
            items.append(None)
        elif kind == "ell":
            if Ellipsis not in items:     # (torch's errors after a second Ellipsis are erratic)
                items.append(Ellipsis)
        elif kind == "bool":
            items.append(draw(st.booleans()))
        elif kind == "list":
            k = draw(st.integers(0, 3))
            items.append([draw(st.integers(-size, max(size - 1, 0))) for _ in range(k)] or [0])
            dim += 1
        elif kind == "tensor":
            k = draw(st.integers(1, 3))
            m = draw(st.integers(1, 2))
            items.append(T(np.array([[draw(st.integers(-size, max(size - 1, 0))) for _ in range(k)]
                                     for _ in range(m)])))
            dim += 1
        elif kind == "t0":
            items.append(T(draw(st.integers(-size, max(size - 1, 0)))))
            dim += 1
        else:
            k = draw(st.integers(1, 2))
            mshape = tuple(shape[dim + j] if dim + j < len(shape) else 1 for j in range(k))
            bits = draw(st.lists(st.booleans(), min_size=int(np.prod(mshape)),
                                 max_size=int(np.prod(mshape))))
            items.append(T(np.array(bits, bool).reshape(mshape)))
            dim += k
    return tuple(items) if draw(st.booleans()) or len(items) != 1 else items[0]


@st.composite
def tensor_and_index(draw):
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=0, max_size=4)))
    layout = draw(st.sampled_from(["c", "t", "s"])) if shape else "c"
    return shape, layout, draw(index_for(shape))


def _prep(layout):
    if layout == "t":
        return lambda t: t.permute(*range(t.dim() - 1, -1, -1)).contiguous().permute(
            *range(t.dim() - 1, -1, -1)) if t.dim() else t
    if layout == "s":
        return lambda t: t.repeat(*([1] * (t.dim() - 1) + [2]))[..., ::2]
    return None


@settings(max_examples=400, deadline=None)
@given(tensor_and_index())
def test_getitem_matches_torch(case):
    shape, layout, idx = case
    x = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    check_get(x, idx, prep=_prep(layout))


@settings(max_examples=250, deadline=None)
@given(tensor_and_index(), st.sampled_from(["scalar", "int", "row", "full", "bad"]))
def test_setitem_matches_torch(case, vkind):
    shape, layout, idx = case
    x = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    xt, xl = torch.from_numpy(x.copy()), tl.from_numpy(x.copy())
    prep = _prep(layout)
    if prep is not None:
        xt, xl = prep(xt), prep(xl)
    probe = attempt(lambda: xt[lib_index(idx, torch)])
    if isinstance(probe, Exception):
        vt, vl = -7.5, -7.5
    elif vkind == "scalar":
        vt, vl = -7.5, -7.5
    elif vkind == "int":
        vt, vl = -3, -3
    else:
        s = tuple(probe.shape)
        vs = {"row": s[-1:], "full": s, "bad": s[:-1] + (s[-1] + 1,) if s else (2,)}[vkind]
        v = np.asarray(-np.arange(int(np.prod(vs)), dtype=np.float32).reshape(vs) - 1)
        vt, vl = torch.from_numpy(v.copy()), tl.from_numpy(v.copy())
    before = xl._a.copy()
    rt = attempt(lambda: xt.__setitem__(lib_index(idx, torch), vt))
    rl = attempt(lambda: xl.__setitem__(lib_index(idx, tl), vl))
    same_result(rt, rl, label=f"x{shape}[{idx!r}] = {vkind}")
    np.testing.assert_array_equal(xl._a, before if isinstance(rl, Exception) else xt.numpy())


@settings(max_examples=150, deadline=None)
@given(tensor_and_index())
def test_getitem_gradient_matches_torch(case):
    """The graph path (no short cuts): same result, grad_fn name and gradient as torch."""
    shape, layout, idx = case
    x = np.random.default_rng(0).standard_normal(shape)
    xt = torch.tensor(x, requires_grad=True)
    xl = tl.tensor(x, requires_grad=True)
    prep = _prep(layout)
    vt, vl = (prep(xt), prep(xl)) if prep else (xt * 1, xl * 1)
    rt = attempt(lambda: vt[lib_index(idx, torch)])
    rl = attempt(lambda: vl[lib_index(idx, tl)])
    same_result(rt, rl, label=repr(idx))
    if isinstance(rt, Exception):
        return
    assert rl.grad_fn.name_() == type(rt.grad_fn).__name__
    w = np.random.default_rng(1).standard_normal(tuple(rt.shape))
    (rt * torch.tensor(w)).sum().backward()
    (rl * tl.tensor(w)).sum().backward()
    np.testing.assert_allclose(xl.grad._a, xt.grad.numpy(), rtol=1e-12, atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(tensor_and_index(), st.booleans())
def test_setitem_gradient_matches_torch(case, full_value):
    """y = x * 1; y[idx] = v in a graph: same values, grad_fn name and gradients as torch."""
    shape, _, idx = case
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)
    probe = attempt(lambda: torch.tensor(x)[lib_index(idx, torch)])
    if isinstance(probe, Exception):
        return
    v = rng.standard_normal(tuple(probe.shape) if full_value else ())
    xt, vt = torch.tensor(x, requires_grad=True), torch.tensor(v, requires_grad=True)
    xl, vl = tl.tensor(x, requires_grad=True), tl.tensor(v, requires_grad=True)
    yt, yl = xt * 1, xl * 1
    rt = attempt(lambda: yt.__setitem__(lib_index(idx, torch), vt * 2))
    rl = attempt(lambda: yl.__setitem__(lib_index(idx, tl), vl * 2))
    same_result(rt, rl, label=repr(idx))
    if isinstance(rt, Exception):
        return
    np.testing.assert_array_equal(yl._a, yt.detach().numpy())
    assert yl.grad_fn.name_() == type(yt.grad_fn).__name__
    w = rng.standard_normal(shape)
    (yt * torch.tensor(w)).sum().backward()
    (yl * tl.tensor(w)).sum().backward()
    np.testing.assert_allclose(xl.grad._a, xt.grad.numpy(), rtol=1e-12, atol=1e-12)
    assert (vl.grad is None) == (vt.grad is None)      # x[False] = v leaves v unused
    if vt.grad is not None:
        np.testing.assert_allclose(vl.grad._a, vt.grad.numpy(), rtol=1e-12, atol=1e-12)


# ------------------------------------------------------------------ __setitem__ tables
def check_set(x, idx, value, label=None, dtype=None):
    xt, xl = torch.from_numpy(x.copy()), tl.from_numpy(x.copy())
    vt = lib_index(value, torch)
    vl = lib_index(value, tl)
    before = xl._a.copy()
    rt = attempt(lambda: xt.__setitem__(lib_index(idx, torch), vt))
    rl = attempt(lambda: xl.__setitem__(lib_index(idx, tl), vl))
    same_result(rt, rl, label=label or f"[{idx!r}] = {value!r}")
    # torch may have written part of the result before raising; a failed assignment here
    # changes nothing
    np.testing.assert_array_equal(xl._a, before if isinstance(rl, Exception) else xt.numpy())
    assert repr(xl.dtype) == str(xt.dtype)


I8 = np.zeros(3, np.int8)
U8 = np.zeros(3, np.uint8)
YI = Y.astype(np.int64)
SET_CASES = [
    (Y, 0, 5), (Y, (slice(None), 1), 5.5), (YI, 0, 2.7), (YI, 0, -2.7), (YI, 0, True),
    (YI, 0, T([1.5, 2.5, 3.5, 4.5])), (YI, 0, T(1.5)), (Y, slice(None), T([1.0, 2, 3, 4])),
    (Y, 0, T([1.0, 2])), (Y, slice(None), T(np.ones((2, 4), np.float32))),
    (Y, 0, T(np.ones((1, 1, 4), np.float32))), (Y, 0, T(np.ones((2, 4), np.float32))),
    (Y, 0, [1, 2, 3, 4]), (Y, 0, (1, 2, 3, 4)), (Y, 0, np.ones(4)), (Y, 0, "a"), (Y, 0, None),
    (Y, [0, 2], 7.0), (Y, [0, 2], T([1.0, 2, 3, 4])), (Y, [0, 2], T([1.0, 2, 3])),
    (Y, [0, 2], T(np.ones((3, 4), np.float32))), (Y, [0, 2], T([1, 2, 3, 4])),
    (Y, [0, 2], T(np.ones(4))), (Y, [0, 2], T(1)), (Y, [0, 2], T(np.float64(3.0))),
    (Y, T(Y > 5), 0.0), (Y, T(Y > 5), T(np.arange(6.0, dtype=np.float32))),
    (Y, T(Y > 5), T(np.arange(5.0, dtype=np.float32))), (Y, [0, 5], 1.0), (Y, 5, 1.0),
    (Y, (slice(None), slice(None, None, 2)), T(np.array([[9.0, 8]], np.float32))),
    (Y, [0, 2], T(np.ones((1, 1, 2, 4), np.float32))), (Y, [0, 2], T(np.ones((1, 4), np.float32))),
    (Y, 0, 1 + 2j), (Y, 0, T(np.array([1 + 2j] * 4, np.complex64))),
    (np.zeros(3, np.float32), [0, 0, 0], T([1.0, 2, 3])),
    (Z, (0, slice(None), [0, 1]), T(np.arange(6.0, dtype=np.float32).reshape(3, 2))),
    (Z, ([0, 1], slice(None), [0, 1]), T(np.arange(6.0, dtype=np.float32).reshape(2, 3))),
    (np.array(1.0, np.float32), (), 5.0), (np.array(1.0, np.float32), Ellipsis, 5.0),
    (I8, 0, 300), (I8, 0, -129), (I8, 0, -128), (I8, 0, 2.5), (I8, 0, -2.5), (I8, [0], 300),
    (U8, 0, -1), (U8, 0, -255), (U8, 0, -256), (U8, 0, 256), (U8, 0, -0.5), (U8, 0, 255.9),
    (U8, 0, -0.0), (U8, 0, 2.5), (np.zeros(3, np.int32), 0, 1e10),
    (np.zeros(3, np.int32), 0, 70000.0),
    (np.zeros(3, np.int64), 0, float("inf")), (np.zeros(3, np.int64), 0, float("nan")),
    (np.zeros(3, np.int64), 0, 2 ** 63), (np.zeros(3, np.int64), 0, 2 ** 63 - 1),
    (np.zeros(3, np.int64), 0, 1 + 0j), (np.zeros(3, np.int64), 0, 1 + 1j),
    (np.zeros(3, np.float32), 0, 1e300), (np.zeros(3, np.float32), 0, 3.5e38),
    (np.zeros(3, np.float32), 0, float("inf")), (np.zeros(3, np.float32), 0, 2 ** 70),
    (np.zeros(3, np.float16), 0, 1e10), (np.zeros(3, np.float16), 0, 1 + 1j),
    (np.zeros(3, np.float64), 0, 1 + 1j), (np.zeros(3, bool), 0, 0.5), (np.zeros(3, bool), 0, 5),
    (np.zeros(3, np.complex64), 0, 1 + 2j), (np.zeros(3, np.float32), 0, np.float64(2.5)),
    (np.zeros(3, np.float32), 0, T(3)), (np.zeros(3, np.int64), T([True, False, True]), 2.5),
    (np.zeros(3, np.int64), [0, 2], 2.5), (np.zeros(3, bool), [0, 2], 2),
    (np.zeros(3, np.int8), 0, T(np.int64(300))),
]


@pytest.mark.parametrize("x,idx,value", SET_CASES,
                         ids=[f"{c[1]!r}={c[2]!r}"[:40] for c in SET_CASES])
def test_setitem(x, idx, value):
    check_set(x, idx, value)


def test_setitem_overlap_and_expanded():
    for lib in (torch, tl):
        x = lib.arange(5.0)
        with pytest.raises(RuntimeError, match="some elements of the input tensor and the"):
            x[1:] = x[:-1]
        x[:] = x                                 # the very same memory is fine
        e = lib.zeros(1, 4).expand(3, 4)
        with pytest.raises(RuntimeError, match="more than one element"):
            e[:] = lib.ones(3, 4)
        e[[0, 1]] = 1.0                          # index_put_ does not check
        assert e[2, 0].item() == 1.0


def test_setitem_bumps_version_and_failed_set_is_atomic():
    x = tl.zeros(3, 4)
    v = x[1]
    x[1] = 2.0
    assert v.tolist() == [2.0] * 4
    before = x._a.copy()
    for idx, val in [([0, 7], 1.0), (0, tl.ones(5)), ([0, 1], tl.ones(3)), (1, 1e300)]:
        with pytest.raises((IndexError, RuntimeError)):
            x[idx] = val
        np.testing.assert_array_equal(x._a, before)


# ------------------------------------------------------------------ gather / scatter / ...
def check_op(fn, *arrays, label=""):
    ts = [torch.from_numpy(np.array(a, copy=True)) for a in arrays]
    ls = [tl.from_numpy(np.array(a, copy=True)) for a in arrays]
    rt, rl = attempt(fn, torch, *ts), attempt(fn, tl, *ls)
    same_result(rt, rl, label=label)
    for a, b in zip(ls, ts):       # in-place forms change their input alike
        np.testing.assert_array_equal(a._a, b.numpy())


L = np.int64
OP_CASES = [
    ("gather", lambda m, y: y.gather(1, m.tensor([[0, 0], [1, 0], [3, 3]]))),
    ("gather smaller", lambda m, y: m.gather(y, 1, m.tensor([[0, 0]]))),
    ("gather bigger dim", lambda m, y: y.gather(1, m.zeros(3, 6, dtype=m.long))),
    ("gather bad size", lambda m, y: y.gather(1, m.zeros(4, 1, dtype=m.long))),
    ("gather ndim", lambda m, y: y.gather(1, m.tensor([0, 0]))),
    ("gather oor", lambda m, y: y.gather(1, m.tensor([[4]]))),
    ("gather neg", lambda m, y: y.gather(1, m.tensor([[-1]]))),
    ("gather int32", lambda m, y: y.gather(1, m.tensor([[0]], dtype=m.int32))),
    ("gather float", lambda m, y: y.gather(1, m.tensor([[0.0]]))),
    ("gather dim oor", lambda m, y: y.gather(2, m.tensor([[0]]))),
    ("gather 0d", lambda m, y: y[0, 0].gather(0, m.tensor(0))),
    ("gather nc", lambda m, y: y.t().gather(1, m.tensor([[0, 1], [1, 2], [0, 0], [2, 2]]))),
    ("gather empty", lambda m, y: y.gather(1, m.zeros(0, 2, dtype=m.long))),
    ("scatter src", lambda m, y: m.zeros(3, 4).scatter(1, m.tensor([[0, 1], [1, 0], [3, 3]]), y)),
    ("scatter value", lambda m, y: y.scatter(1, m.tensor([[0, 1], [1, 0]]), 9.0)),
    ("scatter kw value", lambda m, y: y.scatter(1, m.tensor([[0, 1]]), value=2)),
    ("scatter int value float", lambda m, y: y.long().scatter(1, m.tensor([[0, 1]]), 9.5)),
    ("scatter dtype", lambda m, y: y.scatter(1, m.tensor([[0, 1]]), m.ones(1, 2, dtype=m.float64))),
    ("scatter src small", lambda m, y: y.scatter(1, m.tensor([[0, 1]]), m.ones(1, 1))),
    ("scatter idx big", lambda m, y: y.scatter(1, m.zeros(4, 1, dtype=m.long), 1.0)),
    ("scatter oor", lambda m, y: y.scatter(1, m.tensor([[4]]), 1.0)),
    ("scatter neg", lambda m, y: y.scatter(1, m.tensor([[-1]]), 1.0)),
    ("scatter ndim", lambda m, y: y.scatter(1, m.tensor([0]), 1.0)),
    ("scatter float idx", lambda m, y: y.scatter(1, m.zeros(1, 1), 1.0)),
    ("scatter add", lambda m, y: y.scatter(1, m.tensor([[0, 0]]), m.ones(1, 2), reduce="add")),
    ("scatter multiply", lambda m, y: y.scatter(1, m.tensor([[1, 1]]), m.full((1, 2), 3.0),
                                                reduce="multiply")),
    ("scatter reduce bad", lambda m, y: y.scatter(1, m.tensor([[0]]), 2.0, reduce="max")),
    ("scatter i8 300", lambda m, y: y.char().scatter(1, m.tensor([[0]]), 300)),
    ("scatter_", lambda m, y: y.scatter_(0, m.tensor([[2, 0, 1, 0]]), -1.0)),
    ("scatter_ src", lambda m, y: y.scatter_(0, m.tensor([[2, 0, 1, 0]]), -y)),
    ("scatter_add", lambda m, y: y.scatter_add(1, m.tensor([[0, 0, 1]]), m.ones(1, 3))),
    ("scatter_add_", lambda m, y: y.scatter_add_(0, m.tensor([[0, 0, 1]]), m.ones(1, 3))),
    ("scatter_add dtype", lambda m, y: y.scatter_add(1, m.tensor([[0]]), m.ones(1, 1).long())),
    ("scatter_add idx big", lambda m, y: y.scatter_add(1, m.zeros(4, 1).long(), m.ones(4, 1))),
    ("index_select", lambda m, y: y.index_select(1, m.tensor([3, 0, 0]))),
    ("index_select 0d idx", lambda m, y: m.index_select(y, 1, m.tensor(3))),
    ("index_select 2d idx", lambda m, y: y.index_select(1, m.tensor([[3]]))),
    ("index_select oor", lambda m, y: y.index_select(1, m.tensor([4]))),
    ("index_select neg", lambda m, y: y.index_select(1, m.tensor([-1]))),
    ("index_select float", lambda m, y: y.index_select(1, m.tensor([1.0]))),
    ("index_select int32", lambda m, y: y.index_select(0, m.tensor([2], dtype=m.int32))),
    ("index_select 0d self", lambda m, y: y[0, 0].index_select(0, m.tensor([0]))),
    ("index_select 0d oor", lambda m, y: y[0, 0].index_select(0, m.tensor([1]))),
    ("index_select list", lambda m, y: y.index_select(1, [1])),
    ("index_select nc", lambda m, y: y.t().index_select(1, m.tensor([0, 1]))),
    ("index_add", lambda m, y: y.index_add(0, m.tensor([0, 0, 2]), m.ones(3, 4))),
    ("index_add alpha", lambda m, y: m.index_add(y, 1, m.tensor([1, 1]), m.ones(3, 2), alpha=2)),
    ("index_add_", lambda m, y: y.index_add_(0, m.tensor([2]), -y[:1])),
    ("index_add bad shape", lambda m, y: y.index_add_(0, m.tensor([0, 0, 2]), m.ones(3, 3))),
    ("index_add dtype", lambda m, y: y.index_add_(0, m.tensor([0]), m.ones(1, 4, dtype=m.float64))),
    ("index_add oor", lambda m, y: y.index_add_(0, m.tensor([3]), m.ones(1, 4))),
    ("index_add count", lambda m, y: y.index_add_(0, m.tensor([0, 1]), m.ones(1, 4))),
    ("index_put_", lambda m, y: y.index_put_((m.tensor([0, 2]),), m.tensor(1.0))),
    ("index_put_ acc", lambda m, y: y.index_put_((m.tensor([0, 0]), m.tensor([1, 1])),
                                                 m.tensor(1.0),
                                                 accumulate=True)),
    ("index_put list", lambda m, y: y.index_put_([m.tensor([0, 2])], m.tensor(1.0))),
    ("index_put mask", lambda m, y: y.index_put_((y > 4,), m.tensor(-1.0))),
    ("index_put dtype", lambda m, y: y.index_put_((m.tensor([0]),), m.tensor(1))),
    ("index_put none", lambda m, y: y.index_put_((None, m.tensor([0])), m.tensor(1.0))),
    ("index_put", lambda m, y: m.index_put(y, (m.tensor([1]),), m.arange(4.0))),
    ("take", lambda m, y: y.take(m.tensor([[0, 11], [-1, 5]]))),
    ("take oor", lambda m, y: m.take(y, m.tensor([12]))),
    ("take oor neg", lambda m, y: y.take(m.tensor([-13]))),
    ("take float", lambda m, y: y.take(m.tensor([1.0]))),
    ("take int32", lambda m, y: y.take(m.tensor([1], dtype=m.int32))),
    ("take nc", lambda m, y: y.t().take(m.tensor([1, 2]))),
    ("masked_fill", lambda m, y: y.masked_fill(y > 5, -1)),
    ("masked_fill bcast", lambda m, y: m.masked_fill(y, m.tensor([True, False] * 2), -1.0)),
    ("masked_fill bigger", lambda m, y: y.masked_fill(m.ones(2, 3, 4, dtype=m.bool), -1)),
    ("masked_fill_ bigger", lambda m, y: y.masked_fill_(m.ones(2, 3, 4, dtype=m.bool), -1)),
    ("masked_fill_", lambda m, y: y.masked_fill_(y < 3, 0.5)),
    ("masked_fill long mask", lambda m, y: y.masked_fill(m.tensor([1, 0, 1, 0]), -1)),
    ("masked_fill u8 mask", lambda m, y: y.masked_fill(m.ones(3, 4, dtype=m.uint8), -1)),
    ("masked_fill f16 mask", lambda m, y: y.masked_fill(m.ones(3, 4, dtype=m.float16), -1)),
    ("masked_fill shape", lambda m, y: y.masked_fill(m.tensor([True, False]), -1)),
    ("masked_fill 0d value", lambda m, y: y.masked_fill(y > 5, m.tensor(2.0, dtype=m.float64))),
    ("masked_fill 1d value", lambda m, y: y.masked_fill(y > 5, m.tensor([2.0]))),
    ("masked_fill int float", lambda m, y: y.long().masked_fill(y > 5, 2.5)),
    ("masked_fill i8 300", lambda m, y: y.char().masked_fill(y > 5, 300)),
    ("masked_fill complex value", lambda m, y: y.masked_fill(y > 5, m.tensor(1 + 1j))),
    ("masked_fill nc", lambda m, y: y.t().masked_fill(m.tensor(True), 1.0)),
    ("masked_select", lambda m, y: y.masked_select(m.tensor([True, False, True, False]))),
    ("masked_select bcast",
     lambda m, y: y[0, :2].masked_select(m.tensor([[True, False], [True, True]]))),
    ("masked_select long", lambda m, y: m.masked_select(y, m.tensor([1, 0, 1, 0]))),
    ("masked_select shape", lambda m, y: y.masked_select(m.tensor([True, False]))),
    ("masked_select nc", lambda m, y: y.t().masked_select(m.tensor(True))),
    ("nonzero", lambda m, y: (y % 5).nonzero()),
    ("nonzero tuple", lambda m, y: (y % 5).nonzero(as_tuple=True)),
    ("nonzero 1d", lambda m, y: m.nonzero(y[0])),
    ("nonzero 0d", lambda m, y: y[0, 1].nonzero()),
    ("nonzero 0d zero", lambda m, y: y[0, 0].nonzero()),
    ("nonzero 0d tuple", lambda m, y: y[0, 1].nonzero(as_tuple=True)),
    ("nonzero 0d zero tuple", lambda m, y: m.nonzero(y[0, 0], as_tuple=True)),
    ("nonzero bool", lambda m, y: (y > 6).nonzero()),
    ("argwhere", lambda m, y: m.argwhere(y > 6)),
    ("contains", lambda m, y: (5 in y, 5.5 in y, m.tensor(4.0) in y,
                               m.tensor([4.0, 5, 6, 7]) in y, m.tensor([[9.0] * 4]) in y)),
    ("contains bad shape", lambda m, y: m.tensor([4.0, 5]) in y),
    ("contains list", lambda m, y: [4] in y),
    ("contains str", lambda m, y: "a" in y),
]


@pytest.mark.parametrize("label,fn", OP_CASES, ids=[c[0] for c in OP_CASES])
def test_index_ops(label, fn):
    check_op(fn, Y, label=label)


# ------------------------------------------------------------------ autograd
def _grads(fn, shapes, seed=0):
    rng = np.random.default_rng(seed)
    data = [rng.standard_normal(s) for s in shapes]
    xt = [torch.tensor(a, requires_grad=True) for a in data]
    xl = [tl.tensor(a, requires_grad=True) for a in data]
    rt, rl = fn(torch, *xt), fn(tl, *xl)
    rt = list(rt) if isinstance(rt, (tuple, list)) else [rt]
    rl = list(rl) if isinstance(rl, (tuple, list)) else [rl]
    assert [type(r.grad_fn).__name__ for r in rt] == [r.grad_fn.name_() for r in rl]
    for a, b in zip(rl, rt):
        np.testing.assert_allclose(a._a, b.detach().numpy(), rtol=1e-15)
    w = [rng.standard_normal(tuple(r.shape)) for r in rt]
    sum((r * torch.tensor(c)).sum() for r, c in zip(rt, w)).backward()
    sum((r * tl.tensor(c)).sum() for r, c in zip(rl, w)).backward()
    for a, b in zip(xl, xt):
        assert (a.grad is None) == (b.grad is None)
        if b.grad is not None:
            np.testing.assert_allclose(a.grad._a, b.grad.numpy(), rtol=1e-12, atol=1e-12)


def _set(idx, val=None):
    """y = x * 2; y[idx] = val(v) (or v itself); returns y: a setitem inside a graph."""
    def fn(m, x, v):
        y = x * 2
        y[idx(m) if callable(idx) else idx] = v * 3 if val is None else val(m, v)
        return y
    return fn


def _set_view(m, x, v):
    y = x * 1
    y[0][1:3] = v
    return y


def _set_view_then_base(m, x, v):
    y = x * 1
    r = y[1]
    y[1, 2] = v[0]
    return y, r


def _set_alias(m, x, v):
    y = (x * 1).t()
    a = y.reshape(4, 3, 1)
    a[1, 2] = v[:1]
    return y, a


def _set_rows(m, x, v):
    y = x * 1
    for i in range(3):
        y[i, 1:3] = v * i
    return y


def _set_zeros(m, x, v):
    y = m.zeros(3, 4, dtype=m.float64)
    y[:, 1] = x[:, 0]
    y[0, 2:] = v
    return y


GRAD_CASES = [
    ("int", lambda m, x: x[1], [(3, 4)]),
    ("int int", lambda m, x: x[1, 2], [(3, 4)]),
    ("slice", lambda m, x: x[1:, ::2], [(3, 4)]),
    ("full slice", lambda m, x: x[:], [(3, 4)]),
    ("none", lambda m, x: x[None, 1:], [(3, 4)]),
    ("ellipsis", lambda m, x: x[...], [(3, 4)]),
    ("list", lambda m, x: x[[0, 0, 2]], [(3, 4)]),
    ("list slice", lambda m, x: x[[0, 0, 2], 1:], [(3, 4)]),
    ("separated", lambda m, x: x[1, :, [0, 0, 2]], [(2, 3, 4)]),
    ("two lists", lambda m, x: x[[0, 1], :, [1, 1]], [(2, 3, 4)]),
    ("mask", lambda m, x: x[x > 0], [(3, 4)]),
    ("bool", lambda m, x: x[True], [(3, 4)]),
    ("views chain", lambda m, x: x.t()[1:][0][1:], [(3, 4)]),
    ("gather", lambda m, x: x.gather(1, m.tensor([[0, 0], [1, 3], [2, 2]])), [(3, 4)]),
    ("gather small", lambda m, x: x.gather(0, m.tensor([[0, 2]])), [(3, 4)]),
    ("index_select", lambda m, x: x.index_select(1, m.tensor([0, 0, 3])), [(3, 4)]),
    ("masked_fill", lambda m, x: x.masked_fill(m.tensor([True, False] * 2), 2.0), [(3, 4)]),
    ("masked_fill value", lambda m, x, v: x.masked_fill(x > 0, v[0]), [(3, 4), (2,)]),
    ("masked_select", lambda m, x: x.masked_select(m.tensor([True, False, True, False])), [(3, 4)]),
    ("masked_select bcast", lambda m, x: x.masked_select(m.ones(2, 3, 4, dtype=m.bool)), [(3, 4)]),
    ("take", lambda m, x: x.take(m.tensor([[0, 5], [5, -1]])), [(3, 4)]),
    ("scatter", lambda m, x, v: x.scatter(1, m.tensor([[0, 1], [2, 3]]), v), [(3, 4), (2, 2)]),
    ("scatter value", lambda m, x: x.scatter(1, m.tensor([[0, 1], [2, 3]]), 1.5), [(3, 4)]),
    ("scatter_add", lambda m, x, v: x.scatter_add(1, m.tensor([[0, 0], [2, 3]]), v), [(3, 4),
    (2, 2)]),
    ("index_add", lambda m, x, v: x.index_add(0, m.tensor([0, 0]), v, alpha=2), [(3, 4), (2, 4)]),
    ("index_put acc", lambda m, x, v: x.index_put((m.tensor([0, 0]),), v, accumulate=True),
     [(3, 4), (2, 4)]),
    ("index_put", lambda m, x, v: x.index_put((m.tensor([0, 2]),), v), [(3, 4), (2, 4)]),
    ("set int", _set(1), [(3, 4), (4,)]),
    ("set slice bcast", _set((slice(None), slice(1, 3))), [(3, 4), (1, 2)]),
    ("set adv", _set(([0, 2], slice(1, None))), [(3, 4), (1, 1, 3)]),
    ("set adv pure", _set([0, 2]), [(3, 4), (4,)]),
    ("set mask", _set(lambda m: m.tensor([[True, False, True, False]] * 3), lambda m, v: 0.0),
     [(3, 4), (1,)]),
    ("set full", _set(slice(None)), [(3, 4), (4,)]),
    ("set scalar", _set(0, lambda m, v: 5.0), [(3, 4), (1,)]),
    ("set through view", _set_view, [(3, 4), (2,)]),
    ("set base with view", _set_view_then_base, [(3, 4), (2,)]),
    ("set alias view", _set_alias, [(3, 4), (2,)]),
    ("set rows", _set_rows, [(3, 4), (2,)]),
    ("set into zeros", _set_zeros, [(3, 4), (2,)]),
]


@pytest.mark.parametrize("label,fn,shapes", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_gradients_match_torch(label, fn, shapes):
    _grads(fn, shapes)


@pytest.mark.parametrize("label,fn,shapes", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_finite_difference_gradcheck(label, fn, shapes):
    rng = np.random.default_rng(1)
    others = [tl.tensor(rng.standard_normal(s)) for s in shapes[1:]]
    x = rng.standard_normal(shapes[0])
    gradcheck(lambda a: fn(tl, a, *others), x)
    # and the second input, when it is used; a write through a view of a tensor that does not
    # require grad is not recorded on that base (a documented limitation), so those are skipped
    if others and label not in ("set mask", "set scalar", "set through view", "set base with view",
                                "set alias view"):
        gradcheck(lambda b: fn(tl, tl.tensor(x), b), others[0]._a.copy())


def test_scatter_gradient_for_a_src_larger_than_index():
    # torch 2.13 itself fails here (its gradient has the index's shape); ours is checked numerically
    idx = tl.tensor([[0, 1], [2, 3]])
    x = tl.tensor(np.random.default_rng(2).standard_normal((3, 4)))
    for op in (tl.scatter, tl.scatter_add):
        gradcheck(lambda v: op(x, 1, idx, v), np.random.default_rng(3).standard_normal((2, 3)))


def test_setitem_on_leaf_and_views_errors_like_torch():
    for lib in (torch, tl):
        w = lib.zeros(2, 3, requires_grad=True)
        for idx, msg in [(0, "a view of a leaf Variable"), ([0], "a leaf Variable that"),
                         (..., "a leaf Variable that"), (slice(None), "a leaf Variable that"),
                         ((0, [1]), "a view of a leaf Variable")]:
            with pytest.raises(RuntimeError, match=msg):
                w[idx] = 1.0
        with pytest.raises(RuntimeError, match="a view of a leaf Variable"):
            w[0][1] = 5.0
        with lib.no_grad():
            w[0] = 1.0
        assert w[0, 0].item() == 1.0
        y = w * 1
        a, b = y.split(2, 1)
        with pytest.raises(RuntimeError, match="Output 0 of Select is a view") as e1:
            b[0] = 1.0
        with pytest.raises(RuntimeError, match="Output 1 of Split is a view"):
            b[...] = 1.0
        assert "returns multiple views" in str(e1.value)


def test_setitem_value_gets_gradient_when_target_has_none():
    for lib in (torch, tl):
        v = lib.tensor([1.0, 2.0], dtype=lib.float64, requires_grad=True)
        z = lib.zeros(3, 2, dtype=lib.float64)
        z[1] = v
        assert z.requires_grad and not z.is_leaf and z.grad_fn.name() if lib is torch else True
        (z * lib.arange(6.0, dtype=lib.float64).view(3, 2)).sum().backward()
        assert v.grad.tolist() == [2.0, 3.0]
    z = tl.zeros(3, 2, dtype=tl.float64)
    z[1] = tl.tensor([1.0, 2.0], dtype=tl.float64, requires_grad=True)
    assert z.grad_fn.name_() == "CopySlices"


def test_double_backward_through_indexing():
    res = []
    for lib in (torch, tl):
        x = lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], dtype=lib.float64, requires_grad=True)
        y = (x[[1, 1, 0], 1:] ** 3).sum() + (x.gather(1, lib.tensor([[0, 0], [2, 1]])) ** 2).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (g * g).sum().backward()
        res.append(np.array(x.grad.tolist()))
    np.testing.assert_allclose(res[1], res[0], rtol=1e-12)
