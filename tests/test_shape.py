"""Views and shape ops (view/reshape/squeeze/transpose/expand/..., cat/stack/split/...,
flip/roll/repeat), compared with real torch: values, dtype, shape, strides, storage offset,
memory sharing, exceptions, grad_fn names and gradients."""
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
def both(arrays):
    """The same data as torch and torchless tensors (separate memory)."""
    return ([torch.from_numpy(np.array(a, copy=True)) for a in arrays],
            [tl.from_numpy(np.array(a, copy=True)) for a in arrays])


def run(fn, lib, xs):
    try:
        return fn(lib, *xs)
    except Exception as e:  # noqa: BLE001 - the exception itself is compared
        return e


def same_result(rt, rl, inputs_t=(), inputs_l=(), label=""):
    """Assert torchless result rl matches torch result rt (recursively for sequences)."""
    if isinstance(rt, Exception):
        assert isinstance(rl, Exception), f"{label}: torch raised {rt!r}, torchless returned"
        assert type(rl) is type(rt), f"{label}: {type(rl).__name__} vs {type(rt).__name__}: {rl}"
        if not isinstance(rt, TypeError):
            msg = str(rt).split("\nException raised from")[0]     # (torch's C++ trace)
            assert str(rl) == msg, f"{label}: message {str(rl)!r} vs {msg!r}"
        return
    assert not isinstance(rl, Exception), f"{label}: torchless raised {rl!r}"
    if isinstance(rt, (tuple, list)):
        assert isinstance(rl, (tuple, list)) and len(rl) == len(rt), label
        for a, b in zip(rt, rl):
            same_result(a, b, inputs_t, inputs_l, label)
        return
    if not isinstance(rt, torch.Tensor):
        assert rl == rt, label
        return
    assert isinstance(rl, tl.Tensor), label
    assert tuple(rl.shape) == tuple(rt.shape), \
        f"{label}: shape {tuple(rl.shape)} vs {tuple(rt.shape)}"
    assert repr(rl.dtype) == str(rt.dtype), f"{label}: dtype {rl.dtype} vs {rt.dtype}"
    np.testing.assert_array_equal(rl._a, rt.detach().numpy(), err_msg=label)
    if rt.numel() > 1:
        assert rl.stride() == rt.stride(), f"{label}: stride {rl.stride()} vs {rt.stride()}"
        assert rl.is_contiguous() == rt.is_contiguous(), label
    if rt.numel() > 0:
        for xt, xl in zip(inputs_t, inputs_l):
            if xt.numel() == 0:
                continue
            shares_t = rt.untyped_storage().data_ptr() == xt.untyped_storage().data_ptr()
            shares_l = _root(rl._a) is _root(xl._a)
            assert shares_l == shares_t, f"{label}: memory sharing {shares_l} vs {shares_t}"
            if shares_t:
                assert rl.storage_offset() == rt.storage_offset(), \
                    f"{label}: storage_offset {rl.storage_offset()} vs {rt.storage_offset()}"


def check(fn, *arrays, label=""):
    """fn(lib, *tensors) agrees between torch and torchless, and views write through."""
    ts, ls = both(arrays)
    rt, rl = run(fn, torch, ts), run(fn, tl, ls)
    same_result(rt, rl, ts, ls, label or getattr(fn, "__name__", ""))
    return rt, rl


A = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
M = np.arange(12, dtype=np.int64).reshape(3, 4)


# ------------------------------------------------------------------ tables
VIEW_CASES = [
    ("view", lambda m, x: x.view(6, 4)),
    ("view -1", lambda m, x: x.view(-1)),
    ("view tuple", lambda m, x: x.view((4, -1))),
    ("view list", lambda m, x: x.view([2, 12])),
    ("view Size", lambda m, x: x.view(m.Size([24]))),
    ("view 1s", lambda m, x: x.view(1, 24, 1)),
    ("view permuted", lambda m, x: x.permute(2, 0, 1).view(4, 6)),
    ("view permuted split", lambda m, x: x.permute(2, 0, 1).view(4, 2, 3)),
    ("view permuted 1s", lambda m, x: x.permute(2, 0, 1).view(4, 1, 2, 3, 1)),
    ("view sliced", lambda m, x: x[:, :, :1].view(6)),
    ("view trailing 1", lambda m, x: x[:, :, :1].permute(2, 0, 1).view(1, 6)),
    ("view bad", lambda m, x: x.view(5, 5)),
    ("view two -1", lambda m, x: x.view(-1, -1)),
    ("view -2", lambda m, x: x.view(-2, 12)),
    ("view -1 0", lambda m, x: x.view(-1, 0)),
    ("view noncontig", lambda m, x: x.transpose(0, 2).view(24)),
    ("view float", lambda m, x: x.view(2.0, 12)),
    ("view no args", lambda m, x: x.view()),
    ("view int32", lambda m, x: x.view(m.int32)),
    ("view float16", lambda m, x: x.view(m.float16)),
    ("view float64", lambda m, x: x.view(m.float64)),
    ("view float64 odd", lambda m, x: x[..., :3].reshape(2, 3, 3).view(m.float64)),
    ("view dtype stride", lambda m, x: x.transpose(1, 2).view(m.float16)),
    ("view_as", lambda m, x: x.view_as(m.zeros(4, 6))),
    ("reshape", lambda m, x: x.reshape(4, 6)),
    ("reshape copy", lambda m, x: x.transpose(0, 2).reshape(24)),
    ("reshape alias", lambda m, x: x.transpose(0, 2).reshape(4, 3, 2, 1)),
    ("reshape bad", lambda m, x: x.reshape(5, -1)),
    ("reshape 0d", lambda m, x: x[0, 0, :1].reshape(())),
    ("reshape 0d bad", lambda m, x: x.reshape(())),
    ("reshape_as", lambda m, x: x.reshape_as(m.zeros(24))),
    ("flatten", lambda m, x: x.flatten()),
    ("flatten 1", lambda m, x: x.flatten(1)),
    ("flatten 0,1", lambda m, x: x.flatten(0, 1)),
    ("flatten same", lambda m, x: x.flatten(1, 1)),
    ("flatten bad", lambda m, x: x.flatten(2, 1)),
    ("flatten nc", lambda m, x: x.transpose(0, 1).flatten(1)),
    ("flatten 0d", lambda m, x: x[0, 0, 0].flatten()),
    ("unflatten", lambda m, x: x.unflatten(2, (2, 2))),
    ("unflatten -1", lambda m, x: x.unflatten(-1, (-1, 2))),
    ("unflatten bad", lambda m, x: x.unflatten(1, (2, 2))),
    ("squeeze", lambda m, x: x[:, :1].squeeze()),
    ("squeeze dim", lambda m, x: x[:, :1].squeeze(1)),
    ("squeeze non1", lambda m, x: x.squeeze(0)),
    ("squeeze tuple", lambda m, x: x[:1, :1].squeeze((0, 1))),
    ("squeeze dup", lambda m, x: x.squeeze((0, 0))),
    ("squeeze oor", lambda m, x: x.squeeze(3)),
    ("squeeze 0d", lambda m, x: x[0, 0, 0].squeeze(0)),
    ("unsqueeze", lambda m, x: x.unsqueeze(0)),
    ("unsqueeze mid", lambda m, x: x.unsqueeze(2)),
    ("unsqueeze end", lambda m, x: x.unsqueeze(-1)),
    ("unsqueeze nc", lambda m, x: x.transpose(0, 2).unsqueeze(1)),
    ("unsqueeze odd 1s", lambda m, x: x[:1].permute(1, 0, 2).unsqueeze(1)),
    ("unsqueeze oor", lambda m, x: x.unsqueeze(4)),
    ("unsqueeze 0d", lambda m, x: x[0, 0, 0].unsqueeze(0)),
    ("t", lambda m, x: x[0].t()),
    ("t 1d", lambda m, x: x[0, 0].t()),
    ("t 3d", lambda m, x: x.t()),
    ("T", lambda m, x: x[0].T),
    ("mT", lambda m, x: x.mT),
    ("mT 1d", lambda m, x: x[0, 0].mT),
    ("H", lambda m, x: x[0].H),
    ("mH", lambda m, x: x.mH),
    ("transpose", lambda m, x: x.transpose(0, 2)),
    ("transpose neg", lambda m, x: x.transpose(-1, 0)),
    ("transpose oor", lambda m, x: x.transpose(0, 3)),
    ("swapaxes", lambda m, x: x.swapaxes(0, 1)),
    ("swapdims", lambda m, x: m.swapdims(x, 1, 2)),
    ("permute", lambda m, x: x.permute(2, 0, 1)),
    ("permute list", lambda m, x: x.permute([1, 2, 0])),
    ("permute neg", lambda m, x: m.permute(x, (-1, 0, 1))),
    ("permute dup", lambda m, x: x.permute(0, 0, 1)),
    ("permute short", lambda m, x: x.permute(0, 1)),
    ("permute oor", lambda m, x: x.permute(0, 1, 3)),
    ("movedim", lambda m, x: x.movedim(0, -1)),
    ("movedim tuple", lambda m, x: m.movedim(x, (0, 1), (2, 0))),
    ("moveaxis", lambda m, x: m.moveaxis(x, 2, 0)),
    ("movedim dup", lambda m, x: x.movedim((0, 0), (1, 2))),
    ("movedim len", lambda m, x: x.movedim((0, 1), (1,))),
    ("expand", lambda m, x: x[:, :1].expand(2, 5, 4)),
    ("expand new", lambda m, x: x.expand(3, 2, 3, 4)),
    ("expand -1", lambda m, x: x[:, :1].expand(-1, 3, -1)),
    ("expand same", lambda m, x: x.expand(2, 3, 4)),
    ("expand tuple", lambda m, x: x.expand((2, 2, 3, 4))),
    ("expand 0", lambda m, x: x[:, :1].expand(2, 0, 4)),
    ("expand bad", lambda m, x: x.expand(2, 3, 5)),
    ("expand fewer", lambda m, x: x.expand(3, 4)),
    ("expand -1 new", lambda m, x: x.expand(-1, 2, 3, 4)),
    ("expand_as", lambda m, x: x[:1].expand_as(m.zeros(5, 3, 4))),
    ("broadcast_to", lambda m, x: m.broadcast_to(x[:, :1], (2, 2, 7, 4))),
    ("broadcast_to bad", lambda m, x: m.broadcast_to(x, (2, 3, 5))),
    ("atleast_2d", lambda m, x: m.atleast_2d(x[0, 0])),
    ("atleast_3d", lambda m, x: m.atleast_3d(x[0])),
    ("atleast_3d 1d", lambda m, x: m.atleast_3d(x[0, 0])),
    ("atleast_1d 0d", lambda m, x: m.atleast_1d(x[0, 0, 0])),
    ("atleast many", lambda m, x: m.atleast_2d(x[0, 0, 0], x[0], x)),
]


@pytest.mark.parametrize("label,fn", VIEW_CASES, ids=[c[0] for c in VIEW_CASES])
def test_view_ops(label, fn):
    check(fn, A, label=label)


JOIN_CASES = [
    ("cat", lambda m, x, y: m.cat([x, y]), (3, 4), (2, 4)),
    ("cat dim1", lambda m, x, y: m.cat([x, y.t()[:3]], 1), (3, 4), (2, 4)),
    ("cat neg", lambda m, x, y: m.cat((x, x), -1), (3, 4), (2, 4)),
    ("cat sizes", lambda m, x, y: m.cat([x, y]), (3, 4), (2, 3)),
    ("cat sizes dim1", lambda m, x, y: m.cat([x, y], 1), (3, 4), (2, 3)),
    ("cat sizes third", lambda m, x, y: m.cat([x, x, y], 0), (3, 4), (2, 3)),
    ("cat ndim", lambda m, x, y: m.cat([x, y]), (3, 4), (4,)),
    ("cat empty legacy", lambda m, x, y: m.cat([y, x, y], 1), (3, 4), (0,)),
    ("cat all legacy", lambda m, x, y: m.cat([y, y]), (3, 4), (0,)),
    ("cat 0-size", lambda m, x, y: m.cat([y, x]), (3, 4), (0, 4)),
    ("cat 0d", lambda m, x, y: m.cat([x[0, 0], x[0, 1]]), (3, 4), (2, 4)),
    ("cat oor", lambda m, x, y: m.cat([x, x], 2), (3, 4), (2, 4)),
    ("cat nc", lambda m, x, y: m.cat([x.t(), y.t()], 1), (3, 4), (2, 4)),
    ("cat int", lambda m, x, y: m.cat([x.long(), y]), (3, 4), (2, 4)),
    ("cat promote", lambda m, x, y: m.cat([x.long(), y.double()]), (3, 4), (2, 4)),
    ("cat bool", lambda m, x, y: m.cat([x > 3, (y > 2).byte()]), (3, 4), (2, 4)),
    ("cat int8 uint8", lambda m, x, y: m.cat([x.char(), y.byte()]), (3, 4), (2, 4)),
    ("cat empty list", lambda m, x, y: m.cat([]), (3, 4), (2, 4)),
    ("cat not tensor", lambda m, x, y: m.cat([x, 1]), (3, 4), (2, 4)),
    ("cat tensor arg", lambda m, x, y: m.cat(x), (3, 4), (2, 4)),
    ("cat generator", lambda m, x, y: m.cat(t for t in (x, x)), (3, 4), (2, 4)),
    ("stack generator", lambda m, x, y: m.stack(t for t in (x, x)), (3, 4), (2, 4)),
    ("concat", lambda m, x, y: m.concat([x, y], dim=0), (3, 4), (2, 4)),
    ("concatenate", lambda m, x, y: m.concatenate([x, x], axis=1), (3, 4), (2, 4)),
    ("stack", lambda m, x, y: m.stack([x, x * 2]), (3, 4), (2, 4)),
    ("stack dim", lambda m, x, y: m.stack([x, x], 2), (3, 4), (2, 4)),
    ("stack neg", lambda m, x, y: m.stack([x, x], -2), (3, 4), (2, 4)),
    ("stack oor", lambda m, x, y: m.stack([x, x], 3), (3, 4), (2, 4)),
    ("stack sizes", lambda m, x, y: m.stack([x, x, y]), (3, 4), (2, 4)),
    ("stack empty", lambda m, x, y: m.stack([]), (3, 4), (2, 4)),
    ("stack 0d", lambda m, x, y: m.stack([x[0, 0], y[0, 0]]), (3, 4), (2, 4)),
    ("stack promote", lambda m, x, y: m.stack([x[0].long(), y[0]]), (3, 4), (2, 4)),
    ("stack nc", lambda m, x, y: m.stack([x.t(), x.t()], 1), (3, 4), (2, 4)),
    ("hstack", lambda m, x, y: m.hstack([x, x]), (3, 4), (2, 4)),
    ("hstack 1d", lambda m, x, y: m.hstack([x[0], y[0]]), (3, 4), (2, 4)),
    ("hstack 0d", lambda m, x, y: m.hstack([x[0, 0], y[0, 0]]), (3, 4), (2, 4)),
    ("vstack", lambda m, x, y: m.vstack([x, y]), (3, 4), (2, 4)),
    ("vstack 1d", lambda m, x, y: m.vstack([x[0], y[0]]), (3, 4), (2, 4)),
    ("row_stack", lambda m, x, y: m.row_stack([x[0], y[0]]), (3, 4), (2, 4)),
    ("dstack", lambda m, x, y: m.dstack([x, x]), (3, 4), (2, 4)),
    ("dstack 1d", lambda m, x, y: m.dstack([x[0], y[0]]), (3, 4), (2, 4)),
    ("column_stack", lambda m, x, y: m.column_stack([x[0], y[0], x[:4, 0]]), (4, 4), (2, 4)),
]


@pytest.mark.parametrize("label,fn,s1,s2", JOIN_CASES, ids=[c[0] for c in JOIN_CASES])
def test_join_ops(label, fn, s1, s2):
    x = np.arange(np.prod(s1), dtype=np.float32).reshape(s1)
    y = -np.arange(np.prod(s2), dtype=np.float32).reshape(s2)
    check(fn, x, y, label=label)


SPLIT_CASES = [
    ("split", lambda m, x: x.split(2)),
    ("split dim", lambda m, x: x.split(3, 2)),
    ("split big", lambda m, x: x.split(10, 1)),
    ("split sizes", lambda m, x: x.split([1, 3], 2)),
    ("split sizes tuple", lambda m, x: m.split(x, (2, 1), 1)),
    ("split sizes bad", lambda m, x: x.split([1, 1], 2)),
    ("split sizes neg", lambda m, x: x.split([-1, 5], 2)),
    ("split 0", lambda m, x: x.split(0, 1)),
    ("split neg", lambda m, x: x.split(-1)),
    ("split 0d", lambda m, x: x[0, 0, 0].split(1)),
    ("split empty dim", lambda m, x: x[:, :0].split(0, 1)),
    ("split sizes zero", lambda m, x: x.split([0, 4, 0], 2)),
    ("chunk", lambda m, x: x.chunk(2, 2)),
    ("chunk uneven", lambda m, x: x.chunk(3, 2)),
    ("chunk more", lambda m, x: x[0, 0].chunk(3)),
    ("chunk 5 of 4", lambda m, x: x.chunk(5, 2)),
    ("chunk 0", lambda m, x: x.chunk(0)),
    ("chunk 0d", lambda m, x: x[0, 0, 0].chunk(1)),
    ("chunk empty", lambda m, x: x[:, :0].chunk(2, 1)),
    ("unbind", lambda m, x: x.unbind()),
    ("unbind dim", lambda m, x: m.unbind(x, 2)),
    ("unbind 0d", lambda m, x: x[0, 0, 0].unbind()),
    ("iter", lambda m, x: list(x)),
    ("iter 1d", lambda m, x: list(x[0, 0])),
    ("iter 0d", lambda m, x: list(x[0, 0, 0])),
    ("tensor_split", lambda m, x: x.tensor_split(3, 2)),
    ("tensor_split idx", lambda m, x: x[0, 0].tensor_split([1, 3, 2, 9])),
    ("tensor_split tensor", lambda m, x: x.tensor_split(m.tensor(2), 1)),
    ("tensor_split tensor idx", lambda m, x: x.tensor_split(m.tensor([1, 2]), 1)),
    ("tensor_split 0", lambda m, x: x.tensor_split(0)),
    ("narrow", lambda m, x: x.narrow(2, 1, 2)),
    ("narrow neg", lambda m, x: m.narrow(x, 2, -3, 2)),
    ("narrow oor", lambda m, x: x.narrow(2, 3, 2)),
    ("narrow start oor", lambda m, x: x.narrow(2, 5, 0)),
    ("narrow neg len", lambda m, x: x.narrow(2, 0, -1)),
    ("narrow 0d", lambda m, x: x[0, 0, 0].narrow(0, 0, 1)),
    ("narrow tensor start", lambda m, x: x.narrow(1, m.tensor(1), 2)),
    ("select", lambda m, x: x.select(2, -1)),
    ("select oor", lambda m, x: x.select(1, 3)),
    ("select oor neg", lambda m, x: m.select(x, 0, -3)),
    ("select 0d", lambda m, x: x[0, 0, 0].select(0, 0)),
    ("select float", lambda m, x: x.select(0, 1.0)),
    ("narrow float", lambda m, x: x.narrow(0, 0.5, 1)),
    ("unflatten two -1", lambda m, x: x.unflatten(2, (-1, -1))),
]


@pytest.mark.parametrize("label,fn", SPLIT_CASES, ids=[c[0] for c in SPLIT_CASES])
def test_split_ops(label, fn):
    check(fn, A, label=label)


COPY_CASES = [
    ("flip", lambda m, x: x.flip(0, 2)),
    ("flip list", lambda m, x: m.flip(x, [1])),
    ("flip none", lambda m, x: x.flip([])),
    ("flip nc", lambda m, x: x.transpose(0, 2).flip(1)),
    ("flip dup", lambda m, x: x.flip(1, 1)),
    ("flip oor", lambda m, x: x.flip(3)),
    ("flip 0d", lambda m, x: x[0, 0, 0].flip(0)),
    ("fliplr", lambda m, x: x.fliplr()),
    ("flipud", lambda m, x: m.flipud(x)),
    ("fliplr 1d", lambda m, x: x[0, 0].fliplr()),
    ("roll", lambda m, x: x.roll(5)),
    ("roll dim", lambda m, x: x.roll(-1, 2)),
    ("roll dims", lambda m, x: m.roll(x, (1, 2), (0, 2))),
    ("roll big", lambda m, x: x.roll(7, 1)),
    ("roll nc", lambda m, x: x.transpose(0, 2).roll(1)),
    ("roll mismatch", lambda m, x: x.roll((1, 2), (0,))),
    ("roll mismatch2", lambda m, x: x.roll((1,), (0, 1))),
    ("roll no shifts", lambda m, x: x.roll((), ())),
    ("roll 0d", lambda m, x: x[0, 0, 0].roll(1)),
    ("repeat", lambda m, x: x.repeat(2, 1, 3)),
    ("repeat more", lambda m, x: x.repeat(2, 1, 1, 2)),
    ("repeat list", lambda m, x: x.repeat([1, 2, 1])),
    ("repeat 0", lambda m, x: x.repeat(1, 0, 1)),
    ("repeat fewer", lambda m, x: x.repeat(2, 2)),
    ("repeat neg", lambda m, x: x.repeat(-1, 1, 1)),
    ("repeat nc", lambda m, x: x.transpose(0, 2).repeat(1, 2, 1)),
    ("repeat 0d", lambda m, x: x[0, 0, 0].repeat(3)),
    ("tile", lambda m, x: x.tile(2)),
    ("tile tuple", lambda m, x: m.tile(x, (2, 1, 1, 1))),
    ("tile empty", lambda m, x: x.tile(())),
    ("tile neg", lambda m, x: x.tile(-1)),
]


@pytest.mark.parametrize("label,fn", COPY_CASES, ids=[c[0] for c in COPY_CASES])
def test_copy_ops(label, fn):
    check(fn, A, label=label)


def test_int_and_bool_dtypes_keep_their_dtype():
    for a in (M, M > 4, M.astype(np.uint8), M.astype(np.float64)):
        for fn in (lambda m, x: x.t().reshape(12), lambda m, x: m.cat([x, x]),
                   lambda m, x: x.flip(0), lambda m, x: m.stack([x, x], 1),
                   lambda m, x: x.repeat(1, 2), lambda m, x: x.roll(1),
                   lambda m, x: x.unsqueeze(1).expand(3, 2, 4)):
            check(fn, a)


# ------------------------------------------------------------------ memory sharing
def test_views_write_through_both_ways():
    x = tl.arange(12.0)
    v = x.view(3, 4)
    t = v.t()
    e = x[:4].expand(2, 4)
    t[1, 2] = 100.0
    assert x[9].item() == 100.0 and e.stride() == (0, 1)
    x.mul_(2) if hasattr(x, "mul_") else None
    assert v[2, 1].item() == x[9].item()
    s = x.unsqueeze(0).squeeze(0).flatten()
    s[0] = -1.0
    assert v[0, 0].item() == -1.0
    n = x.numpy()
    n[1] = 7.0
    assert v[0, 1].item() == 7.0


def test_reshape_copies_only_when_it_must():
    x = tl.arange(12.0).view(3, 4)
    assert _root(x.reshape(12)._a) is _root(x._a)
    assert _root(x.t().reshape(12)._a) is not _root(x._a)
    assert _root(x.t().reshape(4, 3, 1)._a) is _root(x._a)


def test_expand_writes_are_refused_like_torch():
    for lib in (torch, tl):
        e = lib.zeros(1, 4).expand(3, 4)
        with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
            e[:] = 1.0
        e[0] = 2.0       # the written view itself has no overlap
        assert e[2, 3].item() == 2.0


def test_resize_():
    for lib in (torch, tl):
        w = lib.arange(5.0).view(1, 5)
        r = w.resize_(5, 1)
        assert r is w and tuple(w.shape) == (5, 1) and w.stride() == (1, 1)
        assert w.flatten().tolist() == [0.0, 1.0, 2.0, 3.0, 4.0]
    for lib in (torch, tl):
        x = lib.arange(6.0)
        v = x.view(2, 3)
        x.resize_(2)
        x[0] = 100.0
        assert v[0, 0].item() == 100.0          # shrinking keeps the storage
        x.resize_(3, 3)                          # growing keeps the old values in front
        assert x[:2].flatten().tolist() == [100.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    for lib in (torch, tl):
        y = lib.arange(12.0).view(3, 4)[:, 1:3]
        y.resize_(2, 2)
        assert y.storage_offset() == 1 and y.stride() == (2, 1)
        assert y.flatten().tolist() == [1, 2, 3, 4]
        with pytest.raises(RuntimeError, match="cannot resize variables that require grad"):
            lib.zeros(3, requires_grad=True).resize_(2)
        assert tuple(lib.zeros(3).resize_((3, 1)).shape) == (3, 1)


# ------------------------------------------------------------------ hypothesis: view layouts
@st.composite
def layouts(draw):
    """A tensor layout reached by permuting and slicing a contiguous array (as torch would)."""
    ndim = draw(st.integers(1, 4))
    shape = tuple(draw(st.integers(1, 4)) for _ in range(ndim))
    perm = draw(st.permutations(range(ndim)))
    slices = tuple(slice(draw(st.integers(0, 1)) if shape[p] > 1 else 0, None,
                         draw(st.integers(1, 2))) for p in perm)
    return shape, tuple(perm), slices


def _factorizations(n, k):
    if k == 1:
        return [[n]]
    out = []
    for d in range(1, n + 1):
        if n % d == 0:
            out += [[d] + f for f in _factorizations(n // d, k - 1)]
    return out


@settings(max_examples=150, deadline=None)
@given(layouts(), st.integers(1, 4), st.integers(0, 10 ** 6))
def test_view_and_reshape_strides_match_torch(layout, k, seed):
    shape, perm, slices = layout
    rng = np.random.default_rng(seed)
    base = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    xt = torch.from_numpy(base.copy()).permute(perm)[slices]
    xl = tl.from_numpy(base.copy()).permute(perm)[slices]
    assert xl.stride() == xt.stride() or xt.numel() <= 1
    facs = _factorizations(xt.numel(), k)
    new = list(facs[rng.integers(len(facs))])
    if rng.random() < 0.3:
        new[rng.integers(len(new))] = -1
    for name in ("view", "reshape"):
        rt = run(lambda m, x: getattr(x, name)(*new), torch, [xt])
        rl = run(lambda m, x: getattr(x, name)(*new), tl, [xl])
        same_result(rt, rl, [xt], [xl], f"{name}{tuple(new)} of {tuple(xt.shape)}{xt.stride()}")
    d = int(rng.integers(-xt.dim() - 1, xt.dim() + 1))
    same_result(xt.unsqueeze(d), xl.unsqueeze(d), [xt], [xl], f"unsqueeze({d})")
    same_result(xt.squeeze(), xl.squeeze(), [xt], [xl], "squeeze")
    target = [s if s != 1 else int(rng.integers(1, 4)) for s in xt.shape]
    same_result(xt.expand(2, *target), xl.expand(2, *target), [xt], [xl], "expand")


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
    w = [rng.standard_normal(tuple(r.shape)) for r in rt]
    sum((r * torch.tensor(c)).sum() for r, c in zip(rt, w)).backward()
    sum((r * tl.tensor(c)).sum() for r, c in zip(rl, w)).backward()
    for a, b in zip(xl, xt):
        np.testing.assert_allclose(a.grad._a, b.grad.numpy(), rtol=1e-12, atol=1e-12)
        assert a.grad.dtype is tl.float64


GRAD_CASES = [
    ("view", lambda m, x: (x * 1).view(6, 2), [(3, 4)]),
    ("view leaf", lambda m, x: x.view(-1), [(3, 4)]),
    ("reshape view", lambda m, x: (x * 1).reshape(2, 6), [(3, 4)]),
    ("reshape copy", lambda m, x: (x * 1).t().reshape(12), [(3, 4)]),
    ("reshape alias", lambda m, x: (x * 1).t().reshape(4, 3, 1), [(3, 4)]),
    ("flatten", lambda m, x: (x * 1).flatten(), [(3, 4)]),
    ("unflatten", lambda m, x: (x * 1).unflatten(1, (2, 2)), [(3, 4)]),
    ("squeeze", lambda m, x: (x * 1).squeeze(), [(3, 1, 4)]),
    ("squeeze dim", lambda m, x: (x * 1).squeeze(1), [(3, 1, 4)]),
    ("squeeze dims", lambda m, x: (x * 1).squeeze((1, 0)), [(3, 1, 4)]),
    ("unsqueeze", lambda m, x: (x * 1).unsqueeze(1), [(3, 4)]),
    ("t", lambda m, x: (x * 1).t(), [(3, 4)]),
    ("T", lambda m, x: (x * 1).T, [(3, 4)]),
    ("mT", lambda m, x: (x * 1).mT, [(2, 3, 4)]),
    ("transpose", lambda m, x: (x * 1).transpose(0, 2), [(2, 3, 4)]),
    ("permute", lambda m, x: (x * 1).permute(2, 0, 1), [(2, 3, 4)]),
    ("movedim", lambda m, x: (x * 1).movedim(0, 2), [(2, 3, 4)]),
    ("expand", lambda m, x: (x * 1).expand(2, 3, 4), [(3, 1)]),
    ("broadcast_to", lambda m, x: m.broadcast_to(x * 1, (5, 3, 4)), [(1, 4)]),
    ("select", lambda m, x: (x * 1).select(1, 2), [(3, 4)]),
    ("narrow", lambda m, x: (x * 1).narrow(1, 1, 2), [(3, 4)]),
    ("unbind", lambda m, x: (x * 1).unbind(1), [(3, 4)]),
    ("chunk", lambda m, x: (x * 1).chunk(3, 1), [(3, 4)]),
    ("split sizes", lambda m, x: (x * 1).split([1, 3], 1), [(3, 4)]),
    ("split", lambda m, x: (x * 1).split(2), [(3, 4)]),
    ("tensor_split", lambda m, x: (x * 1).tensor_split(3, 1), [(3, 4)]),
    ("cat", lambda m, x, y: m.cat([x, y * 2], 1), [(3, 4), (3, 2)]),
    ("stack", lambda m, x, y: m.stack([x, y], 1), [(3, 4), (3, 4)]),
    ("hstack", lambda m, x, y: m.hstack([x, y]), [(3, 4), (3, 4)]),
    ("vstack", lambda m, x, y: m.vstack([x, y]), [(4,), (4,)]),
    ("dstack", lambda m, x, y: m.dstack([x, y]), [(3, 4), (3, 4)]),
    ("flip", lambda m, x: (x * 1).flip(0, 1), [(3, 4)]),
    ("roll", lambda m, x: (x * 1).roll(1), [(3, 4)]),
    ("roll dims", lambda m, x: (x * 1).roll((1, -1), (0, 1)), [(3, 4)]),
    ("repeat", lambda m, x: (x * 1).repeat(2, 1, 3), [(3, 4)]),
    ("tile", lambda m, x: (x * 1).tile(2), [(3, 4)]),
]


@pytest.mark.parametrize("label,fn,shapes", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_gradients_match_torch(label, fn, shapes):
    _grads(fn, shapes)


@pytest.mark.parametrize("label,fn,shapes", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_finite_difference_gradcheck(label, fn, shapes):
    rng = np.random.default_rng(1)
    others = [tl.tensor(rng.standard_normal(s)) for s in shapes[1:]]
    gradcheck(lambda x: fn(tl, x, *others), rng.standard_normal(shapes[0]))


def test_double_backward_through_views():
    for lib in (torch, tl):
        x = lib.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=lib.float64, requires_grad=True)
        y = (x.t().reshape(4) ** 3).sum() if hasattr(x, "__pow__") else None
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        g.flip(0).sum().backward()
        if lib is torch:
            expect = x.grad.numpy().copy()
        else:
            np.testing.assert_allclose(x.grad._a, expect)


def test_views_of_requires_grad_tensors_share_memory():
    x = tl.tensor(np.arange(6.0), requires_grad=True)
    v = x.view(2, 3).t()
    assert _root(v._a) is _root(x._a) and v.grad_fn.name_() == "TBackward0"
    with tl.no_grad():
        x[0] = 5.0
    assert v[0, 0].item() == 5.0


@pytest.mark.parametrize("shape,perm,dims", [
    ((1, 1, 2), (2, 0, 1), (0,)), ((1, 1, 2), (2, 0, 1), (0, 1)), ((3, 1), (1, 0), (1,)),
    ((2, 1, 3), (1, 2, 0), (2,)), ((1, 4, 1, 2), (3, 1, 0, 2), (1, 3)), ((2, 3), (1, 0), (0,)),
])
def test_flip_keeps_the_layout_of_permuted_inputs(shape, perm, dims):
    """flip's result is laid out like its input (torch's preserve_format), size-1 dims'
    strides included, which NumPy's contiguity flag ignores."""
    a = np.arange(float(np.prod(shape))).reshape(shape)
    r = [L.from_numpy(a.copy()).permute(*perm).flip(dims) for L in (torch, tl)]
    assert r[1].stride() == r[0].stride()
    assert r[1].tolist() == r[0].tolist()


_INPLACE_VIEW_OPS = {
    "t_": lambda b: b[:, 0].clone().t_(), "transpose_": lambda b: b.transpose_(0, 2),
    "swapaxes_": lambda b: b.swapaxes_(0, 2), "swapdims_": lambda b: b.swapdims_(2, 1),
    "squeeze_": lambda b: b.squeeze_(), "squeeze_dim": lambda b: b.squeeze_(1),
    "squeeze_dims": lambda b: b.squeeze_((0, 1)), "unsqueeze_": lambda b: b.unsqueeze_(0),
    "unsqueeze_neg": lambda b: b.unsqueeze_(-1),
}


@pytest.mark.parametrize("name", list(_INPLACE_VIEW_OPS))
def test_inplace_view_ops(name):
    """t_/transpose_/squeeze_/unsqueeze_: the tensor itself takes the view's shape and strides,
    its history the view op's (under torch's in-place node name), its version goes up."""
    out = []
    for L in (torch, tl):
        a = L.ones(2, 1, 3, requires_grad=True)
        b = a * 1
        v0 = b._version
        r = _INPLACE_VIEW_OPS[name](b)
        (r * L.arange(float(r.numel())).view(r.shape)).sum().backward()
        out.append((tuple(r.shape), r.stride(), r.grad_fn.name(), a.grad.flatten().tolist(),
                    r._version - v0 if r is b else None))
    assert out[1] == out[0]


def test_inplace_view_ops_on_plain_views_and_leaves():
    out = []
    for L in (torch, tl):
        x = L.arange(6.0)
        v = x.view(2, 3)
        v.t_()
        v[0, 1] = 100
        leaf = L.ones(2, 3, requires_grad=True)
        try:
            leaf.t_()
            err = None
        except RuntimeError as e:
            err = str(e)
        with L.no_grad():
            leaf.t_()
        try:
            L.ones(2, 3, 4).t_()
        except RuntimeError as e:
            err2 = str(e)
        out.append((x.tolist(), v.stride(), v._base is x, err, tuple(leaf.shape), leaf.is_leaf,
                    err2))
    assert out[1] == out[0]
