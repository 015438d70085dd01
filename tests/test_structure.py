"""Structural ops (ops/structure.py and its siblings _arrange, _search, _spread,
_scatter_more) compared with real torch: values (bit for bit, except the floating-point
cdist/cov/corrcoef/quantile), dtype, shape, strides, memory sharing and storage offset of
views, exceptions and their messages, warnings, grad_fn names and gradients."""
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import torchless as tl
from _gradcheck import gradcheck
from torchless._tensor import _root
from torchless.ops import _arrange, _search

warnings.simplefilter("ignore", UserWarning)


# ------------------------------------------------------------------ harness
def run(fn, lib, xs):
    try:
        return fn(lib, *xs)
    except Exception as e:  # noqa: BLE001 - the exception itself is compared
        return e


def same_result(rt, rl, inputs_t=(), inputs_l=(), label="", tol=None):
    """torchless result rl matches torch result rt (recursively for sequences)."""
    if isinstance(rt, Exception):
        assert isinstance(rl, Exception), f"{label}: torch raised {rt!r}, torchless returned {rl!r}"
        assert type(rl) is type(rt), f"{label}: {type(rl).__name__}({rl}) vs {type(rt).__name__}"
        msg = str(rt).split("\nException raised from")[0]     # (torch's C++ trace)
        assert str(rl) == msg, f"{label}: message {str(rl)!r} vs {msg!r}"
        return
    assert not isinstance(rl, Exception), f"{label}: torchless raised {rl!r}"
    if isinstance(rt, (tuple, list)):
        assert isinstance(rl, (tuple, list)) and len(rl) == len(rt), label
        for a, b in zip(rt, rl):
            same_result(a, b, inputs_t, inputs_l, label, tol)
        return
    if not isinstance(rt, torch.Tensor):
        assert rl == rt, label
        return
    assert isinstance(rl, tl.Tensor), label
    assert tuple(rl.shape) == tuple(rt.shape), \
        f"{label}: shape {tuple(rl.shape)} vs {tuple(rt.shape)}"
    assert repr(rl.dtype) == str(rt.dtype), f"{label}: dtype {rl.dtype} vs {rt.dtype}"
    if tol is None:
        np.testing.assert_array_equal(rl._a, rt.detach().numpy(), err_msg=label)
    else:
        np.testing.assert_allclose(rl._a, rt.detach().numpy(), rtol=tol, atol=tol, err_msg=label)
    if rt.numel() > 1:
        assert rl.stride() == rt.stride(), f"{label}: stride {rl.stride()} vs {rt.stride()}"
    if rt.numel() > 0:
        for xt, xl in zip(inputs_t, inputs_l):
            if not isinstance(xt, torch.Tensor) or xt.numel() == 0:
                continue
            shares_t = rt.untyped_storage().data_ptr() == xt.untyped_storage().data_ptr()
            shares_l = _root(rl._a) is _root(xl._a)
            assert shares_l == shares_t, f"{label}: memory sharing {shares_l} vs {shares_t}"
            if shares_t:
                assert rl.storage_offset() == rt.storage_offset(), \
                    f"{label}: storage_offset {rl.storage_offset()} vs {rt.storage_offset()}"


def check(fn, *arrays, label="", tol=None):
    """fn(lib, *tensors) agrees between torch and torchless (inputs built from NumPy arrays)."""
    ts = [torch.from_numpy(np.array(a, copy=True)) for a in arrays]
    ls = [tl.from_numpy(np.array(a, copy=True)) for a in arrays]
    rt, rl = run(fn, torch, ts), run(fn, tl, ls)
    same_result(rt, rl, ts, ls, label, tol)
    # an op that fails (or works out of place) leaves its inputs as torch leaves them
    for xt, xl in zip(ts, ls):
        np.testing.assert_array_equal(xl._a, xt.numpy(), err_msg=f"{label}: input changed")
    return rt, rl


def T(m, v, dtype=None):
    """A tensor of lib m (index data and the like, inside a case)."""
    return m.tensor(v) if dtype is None else m.tensor(v, dtype=getattr(m, dtype))


X = np.arange(12, dtype=np.float32).reshape(3, 4)
B = np.arange(24, dtype=np.int64).reshape(2, 3, 4)
V = np.arange(4, dtype=np.float32)

# ------------------------------------------------------------------ triangles and diagonals
TRI_CASES = [
    ("tril", lambda m, x: x.tril()),
    ("tril k", lambda m, x: m.tril(x, 1)),
    ("tril neg", lambda m, x: x.tril(-1)),
    ("tril big", lambda m, x: x.tril(100)),
    ("triu", lambda m, x: x.triu()),
    ("triu k", lambda m, x: m.triu(x, diagonal=2)),
    ("triu big neg", lambda m, x: x.triu(-100)),
    ("tril t", lambda m, x: x.t().tril()),
    ("triu batched", lambda m, x: x.reshape(3, 2, 2).triu(-1)),
    ("tril bool", lambda m, x: (x > 3).tril()),
    ("tril int", lambda m, x: x.long().tril(1)),
    ("tril 1d", lambda m, x: x[0].tril()),
    ("tril 0d", lambda m, x: x[0, 0].triu()),
    ("tril float k", lambda m, x: x.tril(1.0)),
    ("tril out", lambda m, x: m.tril(x, out=m.empty(2))),
    ("tril_", lambda m, x: x.tril_(1)),
    ("triu_ t", lambda m, x: x.t().triu_()),
    ("tril_indices", lambda m, x: m.tril_indices(3, 4)),
    ("tril_indices off", lambda m, x: m.tril_indices(3, 4, 1)),
    ("tril_indices neg", lambda m, x: m.tril_indices(3, 4, -5)),
    ("triu_indices", lambda m, x: m.triu_indices(3, 4, -1)),
    ("triu_indices int32", lambda m, x: m.triu_indices(4, 3, 2, dtype=m.int32)),
    ("tril_indices 0 rows", lambda m, x: m.tril_indices(0, 3)),
    ("tril_indices negrow", lambda m, x: m.tril_indices(-1, 3)),
    ("tril_indices negcol", lambda m, x: m.triu_indices(3, -1)),
    ("tril_indices float", lambda m, x: m.tril_indices(3, 3, dtype=m.float32)),
    ("tril_indices bool", lambda m, x: m.triu_indices(3, 3, dtype=m.bool)),
    ("diagonal", lambda m, x: x.diagonal()),
    ("diagonal off", lambda m, x: x.diagonal(1)),
    ("diagonal neg", lambda m, x: m.diagonal(x, -1)),
    ("diagonal far", lambda m, x: x.diagonal(10)),
    ("diagonal far neg", lambda m, x: x.diagonal(-10)),
    ("diagonal t", lambda m, x: x.t().diagonal(-1)),
    ("diagonal sliced", lambda m, x: x[1:, ::2].diagonal()),
    ("diagonal 3d", lambda m, x: x.reshape(2, 3, 2).diagonal(0, 2, 0)),
    ("diagonal 3d neg", lambda m, x: x.reshape(2, 3, 2).diagonal(-1, -1, 1)),
    ("diagonal kw", lambda m, x: m.diagonal(x.reshape(2, 2, 3), offset=1, dim1=1, dim2=2)),
    ("diagonal same", lambda m, x: x.diagonal(0, 1, 1)),
    ("diagonal same neg", lambda m, x: x.diagonal(0, 1, -1)),
    ("diagonal oor", lambda m, x: x.diagonal(0, 1, 2)),
    ("diagonal 1d", lambda m, x: x[0].diagonal()),
    ("diagonal chained", lambda m, x: x.reshape(3, 2, 2).diagonal(0, 1, 2).diagonal()),
    ("diag 1d", lambda m, x: m.diag(x[0])),
    ("diag 1d off", lambda m, x: m.diag(x[0], -2)),
    ("diag 2d", lambda m, x: m.diag(x, 1)),
    ("diag 2d t", lambda m, x: x.t().diag(-1)),
    ("diag 2d far", lambda m, x: x.diag(10)),
    ("diag 0d", lambda m, x: m.diag(x[0, 0])),
    ("diag 3d", lambda m, x: m.diag(x.reshape(3, 2, 2))),
    ("diag out", lambda m, x: m.diag(x, out=m.empty(0))),
    ("diag_embed", lambda m, x: m.diag_embed(x)),
    ("diag_embed dims", lambda m, x: m.diag_embed(x, 1, 0, 2)),
    ("diag_embed neg", lambda m, x: x.diag_embed(-1, 2, 0)),
    ("diag_embed int", lambda m, x: x.long().diag_embed()),
    ("diag_embed 0d", lambda m, x: m.diag_embed(x[0, 0])),
    ("diag_embed same", lambda m, x: m.diag_embed(x, 0, 1, 1)),
    ("diag_embed oor", lambda m, x: m.diag_embed(x, 0, 0, 3)),
    ("diagflat", lambda m, x: m.diagflat(x, -1)),
    ("diagflat 1d", lambda m, x: x[0].diagflat(2)),
    ("diagflat 0d", lambda m, x: m.diagflat(x[0, 0])),
    ("trace", lambda m, x: x.trace()),
    ("trace int", lambda m, x: m.trace(x.long())),
    ("trace int8", lambda m, x: x.char().trace()),
    ("trace half", lambda m, x: x.half().trace()),
    ("trace bool", lambda m, x: (x > 2).trace()),
    ("trace 1d", lambda m, x: x[0].trace()),
    ("trace 3d", lambda m, x: x.reshape(3, 2, 2).trace()),
    ("trace empty", lambda m, x: x[:0].trace()),
    ("fill_diagonal_", lambda m, x: m.zeros(7, 3).fill_diagonal_(5)),
    ("fill_diagonal_ wrap", lambda m, x: m.zeros(7, 3).fill_diagonal_(5, wrap=True)),
    ("fill_diagonal_ wrap 9x2", lambda m, x: m.zeros(9, 2).fill_diagonal_(5, wrap=True)),
    ("fill_diagonal_ wide", lambda m, x: x.fill_diagonal_(-1, wrap=True)),
    ("fill_diagonal_ t wrap", lambda m, x: m.zeros(3, 7).t().fill_diagonal_(1, wrap=True)),
    ("fill_diagonal_ 3d", lambda m, x: m.zeros(3, 3, 3).fill_diagonal_(5)),
    ("fill_diagonal_ 3d bad", lambda m, x: m.zeros(3, 3, 2).fill_diagonal_(5)),
    ("fill_diagonal_ 1d", lambda m, x: x[0].fill_diagonal_(5)),
    ("fill_diagonal_ int", lambda m, x: x.long().fill_diagonal_(2.7)),
    ("fill_diagonal_ tensor", lambda m, x: x.fill_diagonal_(m.tensor(2.0))),
    ("fill_diagonal_ uint8", lambda m, x: x.byte().fill_diagonal_(-1)),
    ("fill_diagonal_ int8", lambda m, x: x.char().fill_diagonal_(300)),
    ("fill_diagonal_ complex", lambda m, x: x.fill_diagonal_(1j)),
    ("fill_diagonal_ str", lambda m, x: x.fill_diagonal_("a")),
    ("fill_diagonal_ 1d tensor", lambda m, x: x.fill_diagonal_(m.tensor([1.0]))),
    ("fill_diagonal_ empty", lambda m, x: x[:0].fill_diagonal_(1)),
]


@pytest.mark.parametrize("label,fn", TRI_CASES, ids=[c[0] for c in TRI_CASES])
def test_triangles_and_diagonals(label, fn):
    check(fn, X, label=label)


def test_diagonal_is_a_view_that_writes_through():
    for lib in (torch, tl):
        x = lib.arange(12.0).reshape(3, 4)
        d = x.diagonal(1)
        d[0] = 100.0
        assert x[0, 1].item() == 100.0
        x[1, 2] = -5.0
        assert d[1].item() == -5.0
        d.mul_(2) if hasattr(d, "mul_") else d.fill_(0)
        assert x.diagonal(1)[2].item() == d[2].item()
    xt = torch.arange(24.0).reshape(2, 3, 4)[:, 1:].permute(2, 0, 1)
    xl = tl.arange(24.0).reshape(2, 3, 4)[:, 1:].permute(2, 0, 1)
    for args in [(0, 1, 2), (1, 2, 0), (-1, 0, 2), (2, 0, 1), (5, 0, 1)]:
        same_result(xt.diagonal(*args), xl.diagonal(*args), [xt], [xl], f"diagonal{args}")


# ------------------------------------------------------------------ arrangements
ARRANGE_CASES = [
    ("meshgrid ij", lambda m, x: m.meshgrid(x[0, :3], x[1], indexing="ij")),
    ("meshgrid xy", lambda m, x: m.meshgrid(x[0, :3], x[1], indexing="xy")),
    ("meshgrid xy 3", lambda m, x: m.meshgrid(x[0, :3], x[1], x[2, :2], indexing="xy")),
    ("meshgrid list", lambda m, x: m.meshgrid([x[0, :3], x[1]], indexing="ij")),
    ("meshgrid default", lambda m, x: m.meshgrid(x[0, :3], x[1])),
    ("meshgrid one", lambda m, x: m.meshgrid(x[0], indexing="xy")),
    ("meshgrid 0d", lambda m, x: m.meshgrid(x[0, 0], x[1], indexing="ij")),
    ("meshgrid 0d xy", lambda m, x: m.meshgrid(x[0, 0], x[1], indexing="xy")),
    ("meshgrid strided", lambda m, x: m.meshgrid(x.reshape(-1)[1::2], x[1], indexing="xy")),
    ("meshgrid dtypes", lambda m, x: m.meshgrid(x[0], x[1].long(), indexing="ij")),
    ("meshgrid bad indexing", lambda m, x: m.meshgrid(x[0], x[1], indexing="ab")),
    ("meshgrid empty", lambda m, x: m.meshgrid()),
    ("meshgrid not tensor", lambda m, x: m.meshgrid(x[0], 3)),
    ("broadcast_tensors", lambda m, x: m.broadcast_tensors(x[:, :1], x[0], x[0, 0])),
    ("broadcast_tensors bad", lambda m, x: m.broadcast_tensors(x[0, :3], x[0])),
    ("broadcast_tensors none", lambda m, x: m.broadcast_tensors()),
    ("cartesian_prod", lambda m, x: m.cartesian_prod(x[0, :2], x[1], x[2, :3])),
    ("cartesian_prod one", lambda m, x: m.cartesian_prod(x[0])),
    ("cartesian_prod 2d", lambda m, x: m.cartesian_prod(x, x[0])),
    ("cartesian_prod empty", lambda m, x: m.cartesian_prod(x[0, :0], x[0])),
    ("cartesian_prod dtypes", lambda m, x: m.cartesian_prod(x[0], x[0].long())),
    ("combinations", lambda m, x: m.combinations(x[0])),
    ("combinations r3", lambda m, x: m.combinations(x[1], 3)),
    ("combinations repl", lambda m, x: m.combinations(x[0, :3], with_replacement=True)),
    ("combinations repl r3", lambda m, x: m.combinations(x[0, :3], 3, True)),
    ("combinations r0", lambda m, x: m.combinations(x[0], 0)),
    ("combinations r1", lambda m, x: m.combinations(x[0], 1)),
    ("combinations r big", lambda m, x: m.combinations(x[0, :3], 5)),
    ("combinations neg", lambda m, x: m.combinations(x[0], -1)),
    ("combinations 2d", lambda m, x: m.combinations(x)),
    ("combinations empty", lambda m, x: m.combinations(x[0, :0])),
    ("block_diag", lambda m, x: m.block_diag(x[:2, :2], x[0, 0], x[1, :3])),
    ("block_diag dtypes", lambda m, x: m.block_diag(x[:2, :2].int(), x[0, 0], x[0].long())),
    ("block_diag 0d width", lambda m, x: m.block_diag(x[:2, :2].char(), x[0, 0].long())),
    ("block_diag none", lambda m, x: m.block_diag()),
    ("block_diag 3d", lambda m, x: m.block_diag(x.reshape(3, 2, 2))),
    ("block_diag empties", lambda m, x: m.block_diag(x[:0, :2], x[:2, :0], x[0, :0])),
    ("block_diag not tensor", lambda m, x: m.block_diag(x, 3)),
    ("kron", lambda m, x: m.kron(x[:2, :2].long(), x[:2, :3].long())),
    ("kron nd", lambda m, x: m.kron(x[:2, :2], x[0, :3])),
    ("kron nd2", lambda m, x: m.kron(x[0, :3], x.reshape(3, 2, 2))),
    ("kron 0d", lambda m, x: m.kron(x[0, 2], x[1])),
    ("kron promote", lambda m, x: m.kron(x[0].long(), x[1])),
    ("kron bool", lambda m, x: m.kron(x[0, :2] > 0, x[1, :2] > 0)),
    ("kron t 1x1", lambda m, x: m.kron(x[:2, :3].t(), x[:1, :1])),
    ("kron t fails", lambda m, x: m.kron(x[:2, :3].t(), x[:2, :1])),
    ("kron sliced", lambda m, x: m.kron(x[:, ::2], x[:2, :2])),
    ("kron expanded", lambda m, x: m.kron(x[:1, :3].expand(2, 3), x[:2, :2])),
    ("kron out", lambda m, x: m.kron(x[0], x[1], out=m.empty(16))),
    ("kron method", lambda m, x: x[0].kron(x[1, :2])),
    ("tensordot 0", lambda m, x: m.tensordot(x[:2], x[:, :2], 0)),
    ("tensordot 1", lambda m, x: m.tensordot(x.long(), x.t().long(), 1)),
    ("tensordot lists", lambda m, x: m.tensordot(x.reshape(2, 3, 2).long(),
                                                 x.reshape(2, 2, 3).long(), ([1, 2], [2, 0]))),
    ("tensordot tensor dims", lambda m, x: m.tensordot(x.long(), x.long(), T(m, [[0, 1], [0, 1]]))),
    ("tensordot 0d tensor dims", lambda m, x: m.tensordot(x.long(), x.t().long(), T(m, 1))),
    ("tensordot bad sizes", lambda m, x: m.tensordot(x, x, 1)),
    ("tensordot bad 2", lambda m, x: m.tensordot(x, x.t(), 2)),
    ("tensordot neg", lambda m, x: m.tensordot(x, x, -1)),
    ("tensordot big", lambda m, x: m.tensordot(x, x, 3)),
    ("tensordot len", lambda m, x: m.tensordot(x, x, ([0, 1], [1]))),
    ("tensordot dup", lambda m, x: m.tensordot(x, x, ([1, -1], [0, 1]))),
    ("tensordot oor", lambda m, x: m.tensordot(x, x, ([5], [0]))),
    ("tensordot dtypes", lambda m, x: m.tensordot(x, x.double(), 0)),
    ("tensordot float dims", lambda m, x: m.tensordot(x, x, 1.0)),
    ("tensordot bool", lambda m, x: m.tensordot(x > 1, x > 1)),
    ("tensordot empty dims", lambda m, x: m.tensordot(x[0].long(), x[1].long(), ([], []))),
    ("tensordot out", lambda m, x: m.tensordot(x.long(), x.long(), out=m.empty(0).long())),
    ("inner", lambda m, x: m.inner(x.long(), x.long())),
    ("inner 1d", lambda m, x: m.inner(x[0].long(), x[1].long())),
    ("inner 0d", lambda m, x: m.inner(x[0, 1].long(), x)),
    ("inner bad", lambda m, x: m.inner(x, x.t())),
    ("inner dtypes", lambda m, x: m.inner(x[0], x[1].long())),
    ("inner method", lambda m, x: x.long().inner(x[0].long())),
    ("rot90", lambda m, x: x.rot90()),
    ("rot90 2", lambda m, x: x.rot90(2)),
    ("rot90 -1", lambda m, x: m.rot90(x, -1)),
    ("rot90 5", lambda m, x: x.rot90(5)),
    ("rot90 0", lambda m, x: x.rot90(0)),
    ("rot90 t", lambda m, x: x.t().rot90(1)),
    ("rot90 t 2", lambda m, x: x.t().rot90(2)),
    ("rot90 t 4", lambda m, x: x.t().rot90(4)),
    ("rot90 dims", lambda m, x: x.reshape(2, 3, 2).rot90(1, [2, 0])),
    ("rot90 dims neg", lambda m, x: x.reshape(2, 3, 2).rot90(3, (-1, 0))),
    ("rot90 same dims", lambda m, x: x.reshape(2, 3, 2).rot90(1, [1, -2])),
    ("rot90 3 dims", lambda m, x: x.reshape(2, 3, 2).rot90(1, [1, 2, 0])),
    ("rot90 oor", lambda m, x: x.rot90(1, [1, 3])),
    ("rot90 1d", lambda m, x: x[0].rot90()),
    ("rot90 float k", lambda m, x: x.rot90(1.5)),
    ("ravel", lambda m, x: x.ravel()),
    ("ravel t", lambda m, x: m.ravel(x.t())),
    ("ravel 0d", lambda m, x: x[0, 0].ravel()),
    ("unravel_index", lambda m, x: m.unravel_index(T(m, [4, 1, 5]), (2, 3))),
    ("unravel_index int32", lambda m, x: m.unravel_index(T(m, [4, 1], "int32"), (2, 3))),
    ("unravel_index 0d", lambda m, x: m.unravel_index(T(m, 4), (2, 3))),
    ("unravel_index 2d", lambda m, x: m.unravel_index(T(m, [[4, 1], [0, 2]]), m.Size([2, 3]))),
    ("unravel_index wrap", lambda m, x: m.unravel_index(T(m, [-1, 6, -7, 100]), [2, 3, 1])),
    ("unravel_index int shape", lambda m, x: m.unravel_index(T(m, 4), 6)),
    ("unravel_index empty shape", lambda m, x: m.unravel_index(T(m, 0), ())),
    ("unravel_index float", lambda m, x: m.unravel_index(T(m, 1.0), (2, 3))),
    ("unravel_index bool", lambda m, x: m.unravel_index(T(m, True), (2, 3))),
    ("unravel_index negative shape", lambda m, x: m.unravel_index(T(m, 4), (2, -3))),
    ("unravel_index zero shape", lambda m, x: m.unravel_index(T(m, 0), (2, 0))),
    ("unravel_index float shape", lambda m, x: m.unravel_index(T(m, 1), (2.0, 3))),
    ("diff", lambda m, x: x.diff()),
    ("diff dim0", lambda m, x: m.diff(x.long(), dim=0)),
    ("diff n2", lambda m, x: (x * x).diff(n=2)),
    ("diff n0", lambda m, x: x.diff(n=0)),
    ("diff n0 t", lambda m, x: x.t().diff(n=0)),
    ("diff n big", lambda m, x: x.diff(n=5)),
    ("diff n neg", lambda m, x: x.diff(n=-1)),
    ("diff prepend", lambda m, x: x.diff(prepend=x[:, :1] * 3)),
    ("diff append", lambda m, x: x.long().diff(dim=0, append=T(m, [[9.5, 1, 2, 3]]))),
    ("diff both", lambda m, x: x.diff(n=2, prepend=x[:, :2], append=x[:, 1:])),
    ("diff prepend ndim", lambda m, x: x.diff(prepend=x[0])),
    ("diff prepend scalar", lambda m, x: x.diff(prepend=3)),
    ("diff bool", lambda m, x: ((x % 3) > 0).diff()),
    ("diff bool n2", lambda m, x: ((x % 3) > 0).diff(n=2)),
    ("diff uint8", lambda m, x: x.byte().flip(1).diff()),
    ("diff t", lambda m, x: x.t().diff()),
    ("diff 0d", lambda m, x: x[0, 0].diff()),
    ("diff out", lambda m, x: m.diff(x, out=m.empty(0))),
    ("repeat_interleave", lambda m, x: x.repeat_interleave(2)),
    ("repeat_interleave dim", lambda m, x: x.repeat_interleave(3, dim=1)),
    ("repeat_interleave neg dim", lambda m, x: m.repeat_interleave(x, 2, -2)),
    ("repeat_interleave t", lambda m, x: x.t().repeat_interleave(2, dim=1)),
    ("repeat_interleave 0", lambda m, x: x.repeat_interleave(0, dim=1)),
    ("repeat_interleave tensor", lambda m, x: x.repeat_interleave(T(m, [1, 0, 2]), dim=0)),
    ("repeat_interleave tensor flat", lambda m, x: x[:1].repeat_interleave(T(m, [1, 2, 0, 1]))),
    ("repeat_interleave tensor 1", lambda m, x: x.repeat_interleave(T(m, [2]), dim=1)),
    ("repeat_interleave tensor 0d", lambda m, x: x.repeat_interleave(T(m, 2), dim=0)),
    ("repeat_interleave tensor t", lambda m, x: x.t().repeat_interleave(T(m, [1, 2, 1]), dim=1)),
    ("repeat_interleave int32", lambda m, x: x.repeat_interleave(T(m, [1, 2, 1], "int32"), 0)),
    ("repeat_interleave bad len", lambda m, x: x.repeat_interleave(T(m, [1, 2]), dim=0)),
    ("repeat_interleave neg", lambda m, x: x.repeat_interleave(T(m, [1, -2, 1]), dim=0)),
    ("repeat_interleave int neg", lambda m, x: x.repeat_interleave(-1)),
    ("repeat_interleave float rep", lambda m, x: x.repeat_interleave(T(m, [1.0, 2, 1]), 0)),
    ("repeat_interleave float one", lambda m, x: x.repeat_interleave(T(m, [2.0]), 0)),
    ("repeat_interleave bool 0d", lambda m, x: x.repeat_interleave(T(m, True), 0)),
    ("repeat_interleave 2d rep", lambda m, x: x.repeat_interleave(T(m, [[1, 2, 1]]), 0)),
    ("repeat_interleave output_size", lambda m, x: x.repeat_interleave(T(m, [1, 2, 1]), 0,
                                                                        output_size=4)),
    ("repeat_interleave output_size bad", lambda m, x: x.repeat_interleave(T(m, [1, 2, 1]), 0,
                                                                            output_size=5)),
    ("repeat_interleave int output_size", lambda m, x: x.repeat_interleave(2, 0, output_size=5)),
    ("repeat_interleave only", lambda m, x: m.repeat_interleave(T(m, [1, 2, 3]))),
    ("repeat_interleave only int32", lambda m, x: m.repeat_interleave(T(m, [1, 0, 3], "int32"))),
    ("repeat_interleave only neg", lambda m, x: m.repeat_interleave(T(m, [1, -2]))),
    ("repeat_interleave only 2d", lambda m, x: m.repeat_interleave(T(m, [[1, 2]]))),
    ("repeat_interleave only int16", lambda m, x: m.repeat_interleave(T(m, [1, 2], "int16"))),
    ("repeat_interleave only empty", lambda m, x: m.repeat_interleave(m.tensor([]).long())),
    ("repeat_interleave 0d", lambda m, x: x[0, 0].repeat_interleave(3)),
    ("repeat_interleave 0d dim", lambda m, x: x[0, 0].repeat_interleave(3, dim=0)),
    ("repeat_interleave oor", lambda m, x: x.repeat_interleave(3, dim=2)),
    ("repeat_interleave float", lambda m, x: x.repeat_interleave(2.0)),
    ("repeat_interleave fn float", lambda m, x: m.repeat_interleave(x, 2.0)),
]


@pytest.mark.parametrize("label,fn", ARRANGE_CASES, ids=[c[0] for c in ARRANGE_CASES])
def test_arrangements(label, fn):
    check(fn, X, label=label)


def test_meshgrid_warns_once_without_indexing():
    _arrange._WARNED.discard("meshgrid")
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        tl.meshgrid(tl.arange(3), tl.arange(2))
        tl.meshgrid(tl.arange(3), tl.arange(2))
        tl.meshgrid(tl.arange(3), tl.arange(2), indexing="ij")
    msgs = [str(x.message) for x in w]
    assert msgs == ["torch.meshgrid: in an upcoming release, it will be required to pass the "
                    "indexing argument."]


def test_meshgrid_outputs_are_views_and_broadcast_tensors_keeps_same_shape():
    for lib in (torch, tl):
        a = lib.arange(3.0)
        g = lib.meshgrid(a, lib.arange(2.0), indexing="ij")[0]
        a[1] = 10.0
        assert g[1, 1].item() == 10.0
        x, v = lib.ones(3, 4), lib.ones(4)
        r = lib.broadcast_tensors(x, v)
        assert r[0] is x and r[1] is not v
        assert lib.cartesian_prod(v) is v


def test_unravel_index_results_are_views_of_one_tensor():
    for lib in (torch, tl):
        r = lib.unravel_index(lib.tensor([[4, 1, 5]]), (2, 3, 1))
        assert [t.stride() for t in r] == [(9, 3)] * 3 and all(t._is_view() for t in r)


# ------------------------------------------------------------------ searching and counting
SEARCH_CASES = [
    ("searchsorted", lambda m: m.searchsorted(T(m, [1, 3, 5, 7, 9]), T(m, [[3, 6, 9], [0, 1, 10]]))),
    ("searchsorted right", lambda m: m.searchsorted(T(m, [1, 3, 5, 7, 9]), T(m, [3, 6, 9]),
                                                    right=True)),
    ("searchsorted side", lambda m: m.searchsorted(T(m, [1, 3, 5]), T(m, [3, 6]), side="right")),
    ("searchsorted side left right", lambda m: m.searchsorted(T(m, [1, 3]), T(m, [3]),
                                                              side="left", right=True)),
    ("searchsorted side bad", lambda m: m.searchsorted(T(m, [1, 3]), T(m, [3]), side="middle")),
    ("searchsorted int32", lambda m: m.searchsorted(T(m, [1, 3, 5]), T(m, [3, 6]), out_int32=True)),
    ("searchsorted 2d", lambda m: m.searchsorted(T(m, [[1, 3, 5], [2, 4, 6]]),
                                                 T(m, [[3, 6], [1, 5]]))),
    ("searchsorted 2d bad", lambda m: m.searchsorted(T(m, [[1, 3, 5], [2, 4, 6]]), T(m, [[3, 6]]))),
    ("searchsorted 2d 1d values", lambda m: m.searchsorted(T(m, [[1, 3, 5], [2, 4, 6]]),
                                                           T(m, [3, 6]))),
    ("searchsorted scalar", lambda m: m.searchsorted(T(m, [1, 3, 4, 5]), 4.5)),
    ("searchsorted scalar wraps", lambda m: m.searchsorted(T(m, [1, 3, 4, 5], "int8"), -200)),
    ("searchsorted scalar bool", lambda m: m.searchsorted(T(m, [0, 1, 4]), True)),
    ("searchsorted scalar 2d", lambda m: m.searchsorted(T(m, [[1, 3, 5], [2, 4, 6]]), 4)),
    ("searchsorted promote", lambda m: m.searchsorted(T(m, [1, 3, 5]), T(m, [2.5, 3.5]))),
    ("searchsorted promote uint8", lambda m: m.searchsorted(T(m, [1, 3], "uint8"), T(m, [-1]))),
    ("searchsorted float16", lambda m: m.searchsorted(T(m, [1, 3, 4], "float16"), T(m, [4.5]))),
    ("searchsorted sorter", lambda m: m.searchsorted(T(m, [5, 1, 9, 3, 7]), T(m, [4, 8, 9]),
                                                     sorter=T(m, [1, 3, 0, 4, 2]))),
    ("searchsorted sorter right", lambda m: m.searchsorted(T(m, [5, 1, 9, 3, 7]), T(m, [1, 9]),
                                                           right=True,
                                                           sorter=T(m, [1, 3, 0, 4, 2]))),
    ("searchsorted sorter size", lambda m: m.searchsorted(T(m, [5, 1, 9]), T(m, [4]),
                                                          sorter=T(m, [1, 0]))),
    ("searchsorted sorter range", lambda m: m.searchsorted(T(m, [5, 1, 9]), T(m, [4]),
                                                           sorter=T(m, [1, 0, 3]))),
    ("searchsorted sorter int32", lambda m: m.searchsorted(T(m, [5, 1, 9]), T(m, [4]),
                                                           sorter=T(m, [1, 0, 2], "int32"))),
    ("searchsorted nan", lambda m: m.searchsorted(T(m, [1.0, 2, float("nan")]),
                                                  T(m, [float("nan"), 1.5, float("inf")]))),
    ("searchsorted unsorted", lambda m: m.searchsorted(T(m, [5, 1, 3]), T(m, [2, 4]))),
    ("searchsorted empty", lambda m: m.searchsorted(m.tensor([]), T(m, [1.0]))),
    ("searchsorted 0d", lambda m: m.searchsorted(T(m, 1.0), T(m, [1.0]))),
    ("searchsorted 0d values", lambda m: m.searchsorted(T(m, [1, 3, 5]), T(m, 4))),
    ("searchsorted bool", lambda m: m.searchsorted(T(m, [False, True]), T(m, [True]))),
    ("searchsorted complex", lambda m: m.searchsorted(T(m, [1j]), T(m, [1j]))),
    ("searchsorted mixed bool", lambda m: m.searchsorted(T(m, [1, 2]), T(m, [True]))),
    ("searchsorted out", lambda m: m.searchsorted(T(m, [1, 3]), T(m, [2]), out=m.empty(0).long())),
    ("searchsorted out dtype", lambda m: m.searchsorted(T(m, [1, 3]), T(m, [2]),
                                                        out=m.empty(0).int())),
    ("searchsorted t", lambda m: m.searchsorted(T(m, [1, 3, 5]), T(m, [[3, 6], [0, 9]]).t())),
    ("searchsorted not tensor", lambda m: m.searchsorted([1, 2], T(m, [3]))),
    ("bucketize", lambda m: m.bucketize(T(m, [[3, 6, 9], [3, 6, 9]]), T(m, [1, 3, 5, 7, 9]))),
    ("bucketize right int32", lambda m: m.bucketize(T(m, [3, 6, 9]), T(m, [1, 3, 5, 7, 9]),
                                                    right=True, out_int32=True)),
    ("bucketize scalar", lambda m: m.bucketize(4, T(m, [1, 3, 5]))),
    ("bucketize 2d", lambda m: m.bucketize(T(m, [3]), T(m, [[1, 3, 5]]))),
    ("bucketize half", lambda m: m.bucketize(T(m, [3, 6], "float16"), T(m, [1, 3, 5]))),
    ("bucketize bool", lambda m: m.bucketize(T(m, [True]), T(m, [False, True]))),
    ("bincount", lambda m: m.bincount(T(m, [0, 1, 1, 3]))),
    ("bincount weights", lambda m: m.bincount(T(m, [0, 1, 1, 3]), T(m, [0.5, 1, 2, 3]))),
    ("bincount weights f64", lambda m: T(m, [0, 1, 1, 3]).bincount(T(m, [0.5, 1, 2, 3],
                                                                     "float64"))),
    ("bincount weights int", lambda m: m.bincount(T(m, [0, 1, 1, 3]), weights=T(m, [5, 1, 2, 3]))),
    ("bincount weights half", lambda m: m.bincount(T(m, [0, 1]), T(m, [5, 1], "float16"))),
    ("bincount weights bool", lambda m: m.bincount(T(m, [0, 1]), T(m, [True, False]))),
    ("bincount minlength", lambda m: m.bincount(T(m, [0, 1, 1, 3]), minlength=6)),
    ("bincount minlength small", lambda m: m.bincount(T(m, [0, 1, 1, 3]), minlength=2)),
    ("bincount minlength neg", lambda m: m.bincount(T(m, [0, 1]), minlength=-1)),
    ("bincount negative", lambda m: m.bincount(T(m, [0, -1]))),
    ("bincount 2d", lambda m: m.bincount(T(m, [[0, 1]]))),
    ("bincount 0d", lambda m: m.bincount(T(m, 1))),
    ("bincount float", lambda m: m.bincount(T(m, [1.0]))),
    ("bincount int32", lambda m: m.bincount(T(m, [1, 2], "int32"))),
    ("bincount uint8", lambda m: m.bincount(T(m, [1, 2], "uint8"))),
    ("bincount bool", lambda m: m.bincount(T(m, [True]))),
    ("bincount empty", lambda m: m.bincount(m.tensor([]).long())),
    ("bincount empty minlength", lambda m: m.bincount(m.tensor([]).long(), minlength=3)),
    ("bincount weights bad", lambda m: m.bincount(T(m, [0, 1]), T(m, [1.0]))),
    ("histc", lambda m: m.histc(T(m, [1.0, 2, 1, 2.5, 4, -1, 7]), bins=4, min=0, max=3)),
    ("histc range", lambda m: T(m, [1.0, 2, 1, 2.5, 4, -1, 7]).histc(bins=4)),
    ("histc float range", lambda m: m.histc(T(m, [1.0, 2, 1, 2.5, 4, -1, 7]), 5, 0.1, 2.7)),
    ("histc same", lambda m: m.histc(T(m, [2.0, 2, 2]), bins=4)),
    ("histc same given", lambda m: m.histc(T(m, [1.0, 2, 3]), bins=4, min=5, max=5)),
    ("histc empty", lambda m: m.histc(m.tensor([]), bins=4)),
    ("histc double", lambda m: m.histc(T(m, [1.0, 2, 1, 2.5, 4], "float64"), bins=3)),
    ("histc half", lambda m: m.histc(T(m, [1.0, 2, 1, 2.5, 4], "float16"), bins=3)),
    ("histc 2d", lambda m: m.histc(m.ones(2, 3), bins=3)),
    ("histc max edge", lambda m: m.histc(T(m, [0.0, 1, 2, 3]), bins=3, min=0, max=3)),
    ("histc int", lambda m: m.histc(T(m, [1, 2]), bins=4)),
    ("histc bins 0", lambda m: m.histc(T(m, [1.0]), bins=0)),
    ("histc bins float", lambda m: m.histc(T(m, [1.0]), bins=3.0)),
    ("histc min > max", lambda m: m.histc(T(m, [1.0]), bins=3, min=3, max=1)),
    ("histc nan", lambda m: m.histc(T(m, [1.0, float("nan")]), bins=3)),
    ("histc nan in range", lambda m: m.histc(T(m, [1.0, float("nan")]), bins=3, min=0, max=2)),
    ("histc inf", lambda m: m.histc(T(m, [-float("inf"), 1.0]), bins=3)),
    ("histc inf range", lambda m: m.histc(T(m, [1.0, 2]), bins=3, min=0, max=float("inf"))),
    ("isin", lambda m: m.isin(T(m, [[1, 2], [3, 4]]), T(m, [2, 3]))),
    ("isin invert", lambda m: m.isin(T(m, [[1, 2], [3, 4]]), T(m, [2, 3]), invert=True)),
    ("isin unique", lambda m: m.isin(T(m, [1, 2, 3]), T(m, [2, 3]), assume_unique=True)),
    ("isin scalar element", lambda m: m.isin(2, T(m, [2, 3]))),
    ("isin scalar test", lambda m: m.isin(T(m, [[1, 2], [3, 4]]), 2)),
    ("isin both scalars", lambda m: m.isin(2, 2)),
    ("isin promote", lambda m: m.isin(T(m, [2, 3]), T(m, [2.5, 3.0]))),
    ("isin nan", lambda m: m.isin(T(m, [float("nan"), 1.0]), T(m, [float("nan"), 1.0]))),
    ("isin bool", lambda m: m.isin(T(m, [True]), T(m, [1]))),
    ("isin complex", lambda m: m.isin(T(m, [1]), T(m, [1j]))),
    ("isin uint8 wrap", lambda m: m.isin(T(m, [255], "uint8"), -1)),
    ("isin int8 float", lambda m: m.isin(T(m, [2], "int8"), 2.5)),
    ("isin large", lambda m: m.isin(m.arange(100), m.arange(0, 100, 7))),
    ("isin signed zero", lambda m: m.isin(T(m, [-0.0]), T(m, [0.0]))),
    ("isin out", lambda m: m.isin(T(m, [1, 2]), T(m, [2]), out=m.empty(0, dtype=m.bool))),
    ("isin out dtype", lambda m: m.isin(T(m, [1, 2]), T(m, [2]), out=m.empty(0).long())),
    ("isin list", lambda m: m.isin([1], T(m, [1]))),
]


@pytest.mark.parametrize("label,fn", SEARCH_CASES, ids=[c[0] for c in SEARCH_CASES])
def test_searching_and_counting(label, fn):
    check(fn, label=label)


def test_searchsorted_warns_once_for_non_contiguous_inputs():
    _search._WARNED.clear()
    b = tl.arange(10)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        for _ in range(2):
            tl.searchsorted(b[::2], tl.tensor([1, 2]))
            tl.bucketize(tl.tensor([[1, 2], [3, 4]]).t(), b)
    msgs = [str(x.message) for x in w]
    assert len(msgs) == 2 and "boundary tensor is non-contiguous" in msgs[0] and \
        "input value tensor is non-contiguous" in msgs[1]


def test_bincount_weights_gradient_is_not_implemented():
    rt = torch.bincount(torch.tensor([0, 1]), weights=torch.tensor([1.0, 2], requires_grad=True))
    r = tl.bincount(tl.tensor([0, 1]), weights=tl.tensor([1.0, 2], requires_grad=True))
    assert r.grad_fn.name() == rt.grad_fn.name() and repr(r.grad_fn).split()[0] == repr(
        rt.grad_fn).split()[0]
    with pytest.raises(RuntimeError, match="derivative for aten::bincount is not implemented"):
        r.sum().backward()


# ------------------------------------------------------------------ cdist, cov, quantile
Y = np.random.default_rng(0).standard_normal((3, 5))
SPREAD_CASES = [
    ("cdist", lambda m, y: m.cdist(y.reshape(3, 5, 1), y.reshape(3, 5, 1)[:, :4])),
    ("cdist p", lambda m, y: [m.cdist(y, y[:2] + 0.5, p=p) for p in (0, 0.5, 1, 1.5, 3, np.inf)]),
    ("cdist broadcast", lambda m, y: m.cdist(y.reshape(3, 1, 5, 1), y.reshape(1, 3, 5, 1))),
    ("cdist mm", lambda m, y: m.cdist(y.reshape(15, 1).repeat(2, 1), y.reshape(15, 1)[:4].repeat(
        1, 2))),
    ("cdist force mm", lambda m, y: m.cdist(y, y[:2], compute_mode="use_mm_for_euclid_dist")),
    ("cdist no mm", lambda m, y: m.cdist(y.repeat(10, 1), y, compute_mode=
                                         "donot_use_mm_for_euclid_dist")),
    ("cdist empty", lambda m, y: m.cdist(y[:0], y)),
    ("cdist empty features", lambda m, y: m.cdist(y[:, :0], y[:2, :0])),
    ("cdist bad batch", lambda m, y: m.cdist(y.reshape(3, 5, 1), y.reshape(3, 5, 1)[:2])),
    ("cdist 1d", lambda m, y: m.cdist(y[0], y[0])),
    ("cdist columns", lambda m, y: m.cdist(y, y[:, :3])),
    ("cdist int", lambda m, y: m.cdist(y.long(), y.long())),
    ("cdist dtypes", lambda m, y: m.cdist(y, y.float())),
    ("cdist half", lambda m, y: m.cdist(y.half(), y.half())),
    ("cdist p neg", lambda m, y: m.cdist(y, y, p=-1)),
    ("cdist mode", lambda m, y: m.cdist(y, y, compute_mode="xx")),
    ("cov", lambda m, y: m.cov(y)),
    ("cov 1d", lambda m, y: y[0].cov()),
    ("cov 0d", lambda m, y: m.cov(y[0, 0])),
    ("cov correction", lambda m, y: [m.cov(y, correction=c) for c in (0, 2, 5)]),
    ("cov fweights", lambda m, y: m.cov(y, fweights=T(m, [1, 2, 3, 1, 0]))),
    ("cov aweights", lambda m, y: m.cov(y, aweights=T(m, [1.0, 0.5, 3, 1, 2]))),
    ("cov both", lambda m, y: m.cov(y, correction=2, fweights=T(m, [1, 2, 3, 1, 1]),
                                    aweights=T(m, [1.0, 0.5, 3, 1, 2], "float64"))),
    ("cov float32 aweights64", lambda m, y: m.cov(y.float(), aweights=T(m, [1.0, 2, 3, 1, 2],
                                                                        "float64"))),
    ("cov int", lambda m, y: m.cov((y * 10).long())),
    ("cov single obs", lambda m, y: m.cov(y[:, :1])),
    ("cov 3d", lambda m, y: m.cov(y.reshape(3, 5, 1))),
    ("cov fweights float", lambda m, y: m.cov(y, fweights=T(m, [1.0, 2, 3, 1, 1]))),
    ("cov fweights negative", lambda m, y: m.cov(y, fweights=T(m, [1, -2, 3, 1, 1]))),
    ("cov aweights negative", lambda m, y: m.cov(y, aweights=T(m, [1.0, -2, 3, 1, 1]))),
    ("cov fweights length", lambda m, y: m.cov(y, fweights=T(m, [1, 2]))),
    ("cov fweights 2d", lambda m, y: m.cov(y, fweights=T(m, [[1, 2, 3, 1, 1]]))),
    ("cov aweights int", lambda m, y: m.cov(y, aweights=T(m, [1, 2, 3, 1, 1]))),
    ("corrcoef", lambda m, y: m.corrcoef(y)),
    ("corrcoef 1d", lambda m, y: y[0].corrcoef()),
    ("corrcoef int", lambda m, y: m.corrcoef((y * 10).long())),
    ("corrcoef constant row", lambda m, y: m.corrcoef(m.cat([y[:1] * 0 + 1, y[1:]]))),
    ("corrcoef 3d", lambda m, y: m.corrcoef(y.reshape(3, 5, 1))),
    ("cov complex", lambda m, y: m.cov(T(m, [[1 + 1j, 2, 4], [1, 0, 1j]]))),
    ("cov complex 1d", lambda m, y: m.cov(T(m, [1 + 1j, 2, 4]), aweights=T(m, [1.0, 2, 1]))),
    ("corrcoef complex", lambda m, y: m.corrcoef(T(m, [[1 + 1j, 2, 4], [1, 0, 1j]]))),
    ("quantile", lambda m, y: m.quantile(y, 0.4)),
    ("quantile dim", lambda m, y: y.quantile(0.4, dim=1)),
    ("quantile keepdim", lambda m, y: y.quantile(0.4, dim=0, keepdim=True)),
    ("quantile q tensor", lambda m, y: m.quantile(y, T(m, [0.25, 0.5, 1.0], "float64"), dim=1)),
    ("quantile q tensor keepdim", lambda m, y: m.quantile(y, T(m, [0.25, 0.5], "float64"), 1,
                                                          True)),
    ("quantile q tensor all keepdim", lambda m, y: m.quantile(y, T(m, [0.25, 0.5], "float64"),
                                                              keepdim=True)),
    ("quantile q 0d tensor", lambda m, y: m.quantile(y, T(m, 0.25, "float64"), dim=1)),
    ("quantile modes", lambda m, y: [m.quantile(y, T(m, [0.0, 0.1, 0.3, 0.375, 0.5, 0.625, 0.9,
                                                         1.0], "float64"), dim=1,
                                                interpolation=i) for i in
                                     ("linear", "lower", "higher", "midpoint", "nearest")]),
    ("quantile nan", lambda m, y: m.quantile(m.cat([y[:1], y[1:] / 0 * 0]), 0.5, dim=1)),
    ("nanquantile", lambda m, y: [m.nanquantile(m.where(y > 0.5, y / 0 * 0, y), 0.3, dim=d,
                                                interpolation=i)
                                  for d in (0, 1, None) for i in ("linear", "nearest")]),
    ("nanquantile all nan", lambda m, y: m.nanquantile(y[0] / 0 * 0, 0.4)),
    ("quantile float32", lambda m, y: m.quantile(y.float(), 0.3, dim=0)),
    ("quantile 0d", lambda m, y: m.quantile(y[0, 0], 0.5)),
    ("quantile 0d dim", lambda m, y: m.quantile(y[0, 0], 0.5, dim=0)),
    ("quantile out", lambda m, y: m.quantile(y, 0.5, dim=0, out=m.empty(0).double())),
    ("quantile bad mode", lambda m, y: m.quantile(y, 0.5, interpolation="foo")),
    ("quantile bad q", lambda m, y: m.quantile(y, 1.5)),
    ("quantile bad q neg", lambda m, y: m.quantile(y, -0.1)),
    ("quantile bad q tensor", lambda m, y: m.quantile(y, T(m, [1.5], "float64"))),
    ("quantile q 2d", lambda m, y: m.quantile(y, T(m, [[0.5]], "float64"))),
    ("quantile q dtype", lambda m, y: m.quantile(y, T(m, [0.5]))),
    ("quantile int", lambda m, y: m.quantile(y.long(), 0.5)),
    ("quantile half", lambda m, y: m.quantile(y.half(), 0.5)),
    ("quantile empty", lambda m, y: m.quantile(y[:0], 0.5)),
    ("quantile empty dim", lambda m, y: m.quantile(y[:, :0], 0.5, dim=1)),
    ("quantile bad dim", lambda m, y: m.quantile(y, 0.5, dim=2)),
]


@pytest.mark.parametrize("label,fn", SPREAD_CASES, ids=[c[0] for c in SPREAD_CASES])
def test_distances_and_spread(label, fn):
    check(fn, Y, label=label, tol=1e-6)


SCAN_CASES = [
    ("logcumsumexp", lambda m, y: y.logcumsumexp(1)),
    ("logcumsumexp dim0 float32", lambda m, y: m.logcumsumexp(y.float() * 30, 0)),
    ("logcumsumexp infs", lambda m, y: m.logcumsumexp(m.cat([y[:1] / 0, -y[:1] / 0, y]), 0)),
    ("logcumsumexp nan", lambda m, y: m.logcumsumexp(m.cat([y[:1], y[:1] / 0 * 0, y]), 0)),
    ("logcumsumexp t", lambda m, y: y.t().logcumsumexp(0)),
    ("logcumsumexp half", lambda m, y: y.half().logcumsumexp(0)),
    ("logcumsumexp 0d", lambda m, y: y[0, 0].logcumsumexp(0)),
    ("logcumsumexp out", lambda m, y: m.logcumsumexp(y, 0, out=m.empty(0).double())),
    ("logcumsumexp int", lambda m, y: y.long().logcumsumexp(0)),
    ("logcumsumexp oor", lambda m, y: y.logcumsumexp(2)),
    ("cumsum_", lambda m, y: y.cumsum_(1)),
    ("cumsum_ int8", lambda m, y: (y * 100).char().cumsum_(0)),
    ("cumprod_ t", lambda m, y: y.t().cumprod_(1)),
    ("cumsum_ dtype", lambda m, y: y.cumsum_(0, dtype=m.float32)),
    ("cumsum_ same dtype", lambda m, y: y.cumsum_(0, dtype=m.float64)),
    ("cumprod_ bool", lambda m, y: (y > 0).cumprod_(0)),
]


@pytest.mark.parametrize("label,fn", SCAN_CASES, ids=[c[0] for c in SCAN_CASES])
def test_scans(label, fn):
    check(fn, Y, label=label, tol=1e-6)


# ------------------------------------------------------------------ index_fill, scatter_reduce ...
IDX = [[0, 1, 2, 0], [0, 1, 1, 1]]
SRC = np.array([[1.0, 2, 3, 4], [5, 6, 7, 8]], np.float32)
SCATTER_CASES = [
    ("index_fill", lambda m, x: x.index_fill(1, T(m, [0, 2]), -1)),
    ("index_fill tensor value", lambda m, x: m.index_fill(x, 1, T(m, [0, 2]), T(m, -1.5))),
    ("index_fill int tensor value", lambda m, x: x.index_fill(1, T(m, [0, 2]), T(m, -1))),
    ("index_fill dup", lambda m, x: x.index_fill(1, T(m, [0, 0]), -1)),
    ("index_fill negative", lambda m, x: x.index_fill(1, T(m, [-1]), -1)),
    ("index_fill 0d index", lambda m, x: x.index_fill(0, T(m, 2), -1)),
    ("index_fill t", lambda m, x: x.t().index_fill(0, T(m, [0, 2]), -1)),
    ("index_fill int float", lambda m, x: x.long().index_fill(1, T(m, [0, 2]), 2.5)),
    ("index_fill 0d", lambda m, x: x[0, 0].index_fill(0, T(m, [0]), -1)),
    ("index_fill_", lambda m, x: x.index_fill_(0, T(m, [0, 2]), 7)),
    ("index_fill oob", lambda m, x: x.index_fill(1, T(m, [4]), -1)),
    ("index_fill oob neg", lambda m, x: x.index_fill(1, T(m, [-5]), -1)),
    ("index_fill 2d index", lambda m, x: x.index_fill(1, T(m, [[0]]), -1)),
    ("index_fill int32 index", lambda m, x: x.index_fill(1, T(m, [0], "int32"), -1)),
    ("index_fill value 1d", lambda m, x: x.index_fill(1, T(m, [0]), T(m, [1.0]))),
    ("index_fill overflow", lambda m, x: x.char().index_fill(1, T(m, [0]), 300)),
    ("index_fill tensor overflow", lambda m, x: x.char().index_fill(1, T(m, [0]), T(m, 300))),
    ("index_fill float tensor into int", lambda m, x: x.long().index_fill(1, T(m, [0]), T(m, 2.7))),
    ("index_copy", lambda m, x: x.index_copy(1, T(m, [0, 2]), m.arange(6.0).reshape(3, 2))),
    ("index_copy dup", lambda m, x: m.index_copy(x, 0, T(m, [0, 0]), m.arange(8.0).reshape(2, 4))),
    ("index_copy t", lambda m, x: x.t().index_copy(0, T(m, [1]), m.ones(1, 3))),
    ("index_copy_", lambda m, x: x.index_copy_(0, T(m, [1]), m.ones(1, 4))),
    ("index_copy out", lambda m, x: m.index_copy(x, 0, T(m, [1]), m.ones(1, 4), out=m.empty(0))),
    ("index_copy 0d", lambda m, x: x[0, 0].index_copy(0, T(m, [0]), T(m, 1.0))),
    ("index_copy 0d index", lambda m, x: x[0].index_copy(0, T(m, 1), T(m, 9.0))),
    ("index_copy count", lambda m, x: x.index_copy(1, T(m, [0, 2]), m.ones(3, 3))),
    ("index_copy slices", lambda m, x: x.index_copy(1, T(m, [0, 2]), m.ones(2, 2))),
    ("index_copy slices 3d", lambda m, x: x.reshape(2, 3, 2).index_copy(1, T(m, [0, 1]),
                                                                        m.ones(2, 2, 5))),
    ("index_copy dtypes", lambda m, x: x.index_copy(1, T(m, [0]), m.ones(3, 1).double())),
    ("index_copy oob", lambda m, x: x.index_copy(1, T(m, [0, 4]), m.ones(3, 2))),
    ("index_copy negative", lambda m, x: x.index_copy(1, T(m, [0, -1]), m.ones(3, 2))),
    ("index_copy 2d index", lambda m, x: x.index_copy(1, T(m, [[0, 1]]), m.ones(3, 2))),
    ("index_copy int32 index", lambda m, x: x.index_copy(1, T(m, [0], "int32"), m.ones(3, 1))),
    ("index_copy ndim", lambda m, x: x.index_copy(0, T(m, [1]), m.ones(4))),
    ("scatter_reduce", lambda m, x: [x.scatter_reduce(0, T(m, IDX), m.tensor(SRC), r,
                                                      include_self=i)
                                     for r in ("sum", "prod", "mean", "amax", "amin")
                                     for i in (True, False)]),
    ("scatter_reduce int", lambda m, x: [(x.long() - 5).scatter_reduce(1, T(m, IDX), m.tensor(
        SRC).long() * -3, r, include_self=i) for r in ("sum", "prod", "mean", "amax", "amin")
        for i in (True, False)]),
    ("scatter_reduce uint8", lambda m, x: [(x * 30).byte().scatter_reduce(0, T(m, IDX), (m.tensor(
        SRC) * 40).byte(), r, include_self=i) for r in ("sum", "prod", "mean", "amax", "amin")
        for i in (True, False)]),
    ("scatter_reduce half mean", lambda m, x: T(m, [1.0, 2], "float16").scatter_reduce(
        0, T(m, [0, 0]), T(m, [1.0, 1.5], "float16"), "mean")),
    ("scatter_reduce bool", lambda m, x: [T(m, [True, False]).scatter_reduce(
        0, T(m, [0, 1]), T(m, [True, True]), r) for r in ("sum", "prod", "amax", "amin")]),
    ("scatter_reduce bool mean", lambda m, x: T(m, [True]).scatter_reduce(0, T(m, [0]),
                                                                          T(m, [True]), "mean")),
    ("scatter_reduce nan", lambda m, x: [T(m, [1.0, 2]).scatter_reduce(
        0, T(m, [0, 0]), T(m, [float("nan"), 5.0]), r) for r in ("amax", "amin")]),
    ("scatter_reduce max min", lambda m, x: [x.scatter_reduce(0, T(m, IDX), m.tensor(SRC), r)
                                             for r in ("max", "min")]),
    ("scatter_reduce int32 index", lambda m, x: x.scatter_reduce(0, T(m, IDX, "int32"),
                                                                 m.tensor(SRC), "sum")),
    ("scatter_reduce small index", lambda m, x: x.scatter_reduce(1, T(m, [[0], [1]]),
                                                                 m.tensor(SRC), "sum")),
    ("scatter_reduce 0d", lambda m, x: x[0, 1].scatter_reduce(0, T(m, 0), x[1, 1], "prod")),
    ("scatter_reduce t", lambda m, x: x.t().scatter_reduce(0, T(m, IDX).t(), m.tensor(SRC).t(),
                                                           "sum")),
    ("scatter_reduce out", lambda m, x: m.scatter_reduce(x, 0, T(m, IDX), m.tensor(SRC), "prod",
                                                         out=m.empty(3, 4))),
    ("scatter_reduce_", lambda m, x: x.scatter_reduce_(1, T(m, IDX), m.tensor(SRC), "amin",
                                                       include_self=False)),
    ("scatter_reduce bad reduce", lambda m, x: x.scatter_reduce(0, T(m, IDX), m.tensor(SRC),
                                                                "add")),
    ("scatter_reduce dtypes", lambda m, x: x.scatter_reduce(0, T(m, IDX), m.tensor(SRC).double(),
                                                            "sum")),
    ("scatter_reduce float index", lambda m, x: x.scatter_reduce(0, m.tensor(IDX).float(),
                                                                 m.tensor(SRC), "sum")),
    ("scatter_reduce oob", lambda m, x: x.scatter_reduce(0, T(m, IDX) + 5, m.tensor(SRC), "sum")),
    ("scatter_reduce big index", lambda m, x: x.scatter_reduce(0, m.zeros(4, 4).long(),
                                                               m.tensor(SRC), "sum")),
    ("scatter_reduce scalar src", lambda m, x: x.scatter_reduce(0, T(m, IDX), 1.0, "sum")),
    ("masked_scatter", lambda m, x: x.masked_scatter(T(m, [[True, False, True, False]]),
                                                     m.arange(100.0, 112).reshape(3, 4))),
    ("masked_scatter mask", lambda m, x: m.masked_scatter(x, x > 6, m.arange(100.0, 112))),
    ("masked_scatter broadcast self", lambda m, x: x[0].masked_scatter(m.ones(2, 4).bool(),
                                                                       m.arange(8.0))),
    ("masked_scatter t", lambda m, x: x.t().masked_scatter(T(m, [[True], [False], [True],
                                                                 [False]]), m.arange(12.0))),
    ("masked_scatter_", lambda m, x: x.masked_scatter_(x > 8, m.arange(100.0, 112).reshape(4, 3))),
    ("masked_scatter_ broadcast self", lambda m, x: x[0].masked_scatter_(m.ones(2, 4).bool(),
                                                                         m.arange(8.0))),
    ("masked_scatter_ mask size", lambda m, x: x.masked_scatter_(m.ones(3).bool(), m.ones(12))),
    ("masked_scatter short source", lambda m, x: x.masked_scatter(x > 2, m.arange(3.0))),
    ("masked_scatter dtypes", lambda m, x: x.masked_scatter(x > 2, m.arange(12))),
    ("masked_scatter long mask", lambda m, x: x.masked_scatter((x > 2).long(), m.arange(12.0))),
    ("masked_scatter bad broadcast", lambda m, x: x.masked_scatter(m.ones(3).bool(),
                                                                   m.arange(12.0))),
    ("take_along_dim", lambda m, x: m.take_along_dim(x, T(m, [[0], [3], [1]]), 1)),
    ("take_along_dim flat", lambda m, x: m.take_along_dim(x, T(m, [[11, 0]]))),
    ("take_along_dim broadcast", lambda m, x: m.take_along_dim(x, T(m, [[0, 3]]), 1)),
    ("take_along_dim broadcast 0", lambda m, x: x.take_along_dim(T(m, [[0], [2], [1]]), 0)),
    ("take_along_dim broadcast input", lambda m, x: m.take_along_dim(x[:1], T(m, [[0], [1]]), 1)),
    ("take_along_dim wraps", lambda m, x: m.take_along_dim(x, T(m, [[5], [-5], [100]]), 1)),
    ("take_along_dim t", lambda m, x: m.take_along_dim(x.t(), T(m, [[0, 1, 2]]), 1)),
    ("take_along_dim 3d", lambda m, x: m.take_along_dim(x.reshape(2, 3, 2), T(m, [[[1]]]), -1)),
    ("take_along_dim out", lambda m, x: m.take_along_dim(x, T(m, [[0]]), 1, out=m.empty(0))),
    ("take_along_dim flat oob", lambda m, x: m.take_along_dim(x, T(m, [12]))),
    ("take_along_dim flat negative", lambda m, x: m.take_along_dim(x, T(m, [-1]))),
    ("take_along_dim ndim", lambda m, x: m.take_along_dim(x, T(m, [0]), 1)),
    ("take_along_dim int32", lambda m, x: m.take_along_dim(x, T(m, [[0]], "int32"), 1)),
    ("take_along_dim bad broadcast", lambda m, x: m.take_along_dim(x, T(m, [[0], [1]]), 1)),
    ("take_along_dim 0d", lambda m, x: m.take_along_dim(x[0, 0], T(m, [0]), 0)),
    ("take_along_dim 0d flat", lambda m, x: m.take_along_dim(x[0, 0], T(m, 0))),
    ("put", lambda m, x: x.put(T(m, [0, 5, -1]), T(m, [100.0, 200, 300]))),
    ("put accumulate", lambda m, x: m.put(x, T(m, [0, 0, -1]), T(m, [100.0, 200, 300]), True)),
    ("put dup", lambda m, x: x.put(T(m, [0, 0]), T(m, [100.0, 200]))),
    ("put 2d index", lambda m, x: x.put(T(m, [[0, 1]]), T(m, [100.0, 200]))),
    ("put 0d index", lambda m, x: x.put(T(m, 1), T(m, 5.0))),
    ("put t", lambda m, x: x.t().put(T(m, [1, 4]), T(m, [100.0, 200]))),
    ("put t accumulate", lambda m, x: x.t().put(T(m, [1, 1]), T(m, [100.0, 200]), accumulate=True)),
    ("put_", lambda m, x: x.put_(T(m, [1]), T(m, [100.0]))),
    ("put oob", lambda m, x: x.put(T(m, [12]), T(m, [100.0]))),
    ("put oob neg", lambda m, x: x.put(T(m, [-13]), T(m, [100.0]))),
    ("put count", lambda m, x: x.put(T(m, [0, 1]), T(m, [100.0]))),
    ("put dtypes", lambda m, x: x.put(T(m, [0]), T(m, [100]))),
    ("put int32 index", lambda m, x: x.put(T(m, [0], "int32"), T(m, [100.0]))),
    ("put empty", lambda m, x: x[:0].put(T(m, [0]), T(m, [100.0]))),
]


@pytest.mark.parametrize("label,fn", SCATTER_CASES, ids=[c[0] for c in SCATTER_CASES])
def test_index_copies(label, fn):
    check(fn, X, label=label)


def test_in_place_forms_are_seen_through_views():
    for lib in (torch, tl):
        base = lib.arange(12.0).reshape(3, 4)
        v = base[1:]
        v.tril_()
        v.index_fill_(1, lib.tensor([3]), -1.0)
        v.put_(lib.tensor([0]), lib.tensor([50.0]))
        base.diagonal().fill_(7.0)
        base.fill_diagonal_(8.0)
        assert base.tolist() == [[8.0, 1.0, 2.0, 3.0], [50.0, 8.0, 0.0, -1.0],
                                 [8.0, 9.0, 8.0, -1.0]]


# ------------------------------------------------------------------ autograd
def _grads(fn, shapes, seed=0, tol=1e-12):
    rng = np.random.default_rng(seed)
    data = [rng.standard_normal(s) for s in shapes]
    xt = [torch.tensor(a, requires_grad=True) for a in data]
    xl = [tl.tensor(a, requires_grad=True) for a in data]
    rt, rl = fn(torch, *xt), fn(tl, *xl)
    rt = list(rt) if isinstance(rt, (tuple, list)) else [rt]
    rl = list(rl) if isinstance(rl, (tuple, list)) else [rl]
    assert [type(r.grad_fn).__name__ for r in rt] == [r.grad_fn.name_() if r.grad_fn else
                                                      "NoneType" for r in rl]
    for a, b in zip(rt, rl):
        np.testing.assert_allclose(b._a, a.detach().numpy(), rtol=1e-12, atol=1e-12)
    w = [rng.standard_normal(tuple(r.shape)) for r in rt]
    sum((r * torch.tensor(c)).sum() for r, c in zip(rt, w) if r.requires_grad).backward()
    sum((r * tl.tensor(c)).sum() for r, c in zip(rl, w) if r.requires_grad).backward()
    for a, b in zip(xl, xt):
        assert (a.grad is None) == (b.grad is None)
        if b.grad is not None:
            np.testing.assert_allclose(a.grad._a, b.grad.numpy(), rtol=tol, atol=tol)


def _i(m, v):
    return m.tensor(v)


GRAD_CASES = [
    ("tril", lambda m, x: x.tril(-1), [(3, 4)]),
    ("triu batched", lambda m, x: x.triu(1), [(2, 3, 4)]),
    ("tril_", lambda m, x: (x * 1).tril_(), [(3, 4)]),
    ("triu_ view", lambda m, x: (x * 1)[1:].triu_(), [(3, 4)]),
    ("diagonal", lambda m, x: x.diagonal(1), [(3, 4)]),
    ("diagonal 3d", lambda m, x: x.diagonal(-1, 2, 0), [(3, 2, 4)]),
    ("diagonal of non-leaf", lambda m, x: (x * 2).diagonal().diagonal(), [(3, 3, 3)]),
    ("diagonal write", lambda m, x: _write_diag(x * 1), [(3, 4)]),
    ("diag 1d", lambda m, x: m.diag(x, 1), [(3,)]),
    ("diag 2d", lambda m, x: m.diag(x, -1), [(3, 4)]),
    ("diag_embed", lambda m, x: m.diag_embed(x, 1, 0, 2), [(2, 3)]),
    ("diagflat", lambda m, x: m.diagflat(x), [(2, 2)]),
    ("trace", lambda m, x: x.trace(), [(3, 4)]),
    ("fill_diagonal_", lambda m, x: (x * 2).fill_diagonal_(0.0), [(3, 3)]),
    ("fill_diagonal_ wrap", lambda m, x: (x * 2).fill_diagonal_(0.0, wrap=True), [(7, 3)]),
    ("meshgrid", lambda m, x, y: m.meshgrid(x, y, indexing="xy"), [(3,), (2,)]),
    ("broadcast_tensors", lambda m, x, y: m.broadcast_tensors(x, y), [(3, 1), (4,)]),
    ("cartesian_prod", lambda m, x, y: m.cartesian_prod(x, y), [(3,), (2,)]),
    ("combinations", lambda m, x: m.combinations(x, 3), [(4,)]),
    ("combinations r1", lambda m, x: m.combinations(x, 1), [(4,)]),
    ("block_diag", lambda m, x, y, z: m.block_diag(x, y, z), [(2, 3), (), (4,)]),
    ("kron", lambda m, x, y: m.kron(x, y), [(2, 3), (3, 2)]),
    ("kron t", lambda m, x, y: m.kron(x.t(), y), [(2, 3), (1, 1)]),
    ("tensordot", lambda m, x, y: m.tensordot(x, y, ([0, 2], [2, 1])), [(2, 3, 4), (3, 4, 2)]),
    ("inner", lambda m, x, y: m.inner(x, y), [(2, 3), (4, 3)]),
    ("inner 0d", lambda m, x, y: m.inner(x, y), [(), (4, 3)]),
    ("rot90", lambda m, x: [x.rot90(k) for k in range(4)], [(3, 4)]),
    ("rot90 dims", lambda m, x: x.rot90(-1, (2, 0)), [(2, 3, 4)]),
    ("ravel", lambda m, x: x.t().ravel(), [(3, 4)]),
    ("diff", lambda m, x, y: m.diff(x, 2, 0, prepend=y), [(4, 3), (1, 3)]),
    ("diff n0", lambda m, x: m.diff(x, 0), [(4, 3)]),
    ("repeat_interleave", lambda m, x: x.repeat_interleave(2, 1), [(2, 3)]),
    ("repeat_interleave flat", lambda m, x: x.repeat_interleave(2), [(2, 3)]),
    ("repeat_interleave tensor", lambda m, x: x.repeat_interleave(_i(m, [1, 0, 3]), 1), [(2, 3)]),
    ("cdist", lambda m, x, y: [m.cdist(x, y, p) for p in (0, 0.5, 1, 2, 3, float("inf"))],
     [(2, 4, 3), (5, 3)]),
    ("cdist mm", lambda m, x, y: m.cdist(x, y), [(30, 3), (4, 3)]),
    ("cov", lambda m, x, w: m.cov(x, fweights=_i(m, [1, 2, 1, 3]), aweights=w.abs()),
     [(3, 4), (4,)]),
    ("corrcoef", lambda m, x: m.corrcoef(x), [(3, 5)]),
    ("quantile", lambda m, x: [m.quantile(x, q, dim=1, interpolation=i) for q in (0.3, 0.5)
                               for i in ("linear", "lower", "higher", "midpoint", "nearest")],
     [(3, 5)]),
    ("quantile q tensor", lambda m, x: m.quantile(x, _i(m, [0.2, 0.9]).double(), keepdim=True),
     [(3, 5)]),
    ("nanquantile", lambda m, x: m.nanquantile(x, 0.4, dim=0), [(3, 5)]),
    ("logcumsumexp", lambda m, x: [x.logcumsumexp(0), (x * 20).logcumsumexp(1)], [(3, 5)]),
    ("cumsum_ cumprod_", lambda m, x: [(x * 1).cumsum_(0), (x * 1).cumprod_(1)], [(3, 4)]),
    ("index_fill", lambda m, x: x.index_fill(1, _i(m, [0, 2]), 1.5), [(3, 4)]),
    ("index_fill tensor", lambda m, x, v: x.index_fill(1, _i(m, [0, 0, 2]), v), [(3, 4), ()]),
    ("index_fill_", lambda m, x: (x * 1).index_fill_(0, _i(m, [1]), 0.0), [(3, 4)]),
    ("index_copy", lambda m, x, s: x.index_copy(0, _i(m, [2, 0, 2]), s), [(3, 4), (3, 4)]),
    ("index_copy_", lambda m, x, s: (x * 1).index_copy_(1, _i(m, [3]), s), [(3, 4), (3, 1)]),
    ("scatter_reduce", lambda m, x, s: [x.scatter_reduce(0, _i(m, IDX), s, r, include_self=i)
                                        for r in ("sum", "prod", "mean", "amax", "amin")
                                        for i in (True, False)], [(3, 4), (2, 4)]),
    ("scatter_reduce_", lambda m, x, s: (x * 1).scatter_reduce_(1, _i(m, IDX), s, "mean"),
     [(3, 4), (2, 4)]),
    ("masked_scatter", lambda m, x, s: x.masked_scatter(x > 0, s), [(3, 4), (14,)]),
    ("masked_scatter broadcast", lambda m, x, s: x.masked_scatter(m.ones(2, 4).bool(), s),
     [(4,), (8,)]),
    ("masked_scatter_", lambda m, x, s: (x * 1).masked_scatter_(x < 0, s), [(3, 4), (12,)]),
    ("take_along_dim", lambda m, x: m.take_along_dim(x, _i(m, [[0, 3]]), 1), [(3, 4)]),
    ("take_along_dim flat", lambda m, x: m.take_along_dim(x, _i(m, [5, 0, 5])), [(3, 4)]),
    ("put", lambda m, x, s: x.put(_i(m, [0, 5, 5]), s), [(3, 4), (3,)]),
    ("put accumulate", lambda m, x, s: x.put(_i(m, [0, 5, 5]), s, accumulate=True),
     [(3, 4), (3,)]),
    ("put_", lambda m, x, s: (x * 1).put_(_i(m, [[1, 2]]), s), [(3, 4), (2,)]),
]


def _write_diag(y):
    y.diagonal()[1:] = 0.0
    return y


@pytest.mark.parametrize("label,fn,shapes", GRAD_CASES, ids=[c[0] for c in GRAD_CASES])
def test_gradients_match_torch(label, fn, shapes):
    _grads(fn, shapes, tol=1e-12 if "cdist" not in label else 1e-9)


_FD = [c for c in GRAD_CASES if c[0] not in ("combinations r1",)]


@pytest.mark.parametrize("label,fn,shapes", _FD, ids=[c[0] for c in _FD])
def test_finite_difference_gradcheck(label, fn, shapes):
    rng = np.random.default_rng(1)
    others = [tl.tensor(rng.standard_normal(s)) for s in shapes[1:]]

    def f(x):
        r = fn(tl, x, *others)
        return tuple(r) if isinstance(r, (list, tuple)) else r
    gradcheck(f, rng.standard_normal(shapes[0]), tol=1e-6)


def test_double_backward_through_structural_ops():
    grads = []
    for lib in (torch, tl):
        x = lib.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=lib.float64, requires_grad=True)
        y = (x.diagonal() ** 3).sum() + (x.tril() ** 2).sum() + (x.rot90() ** 2).sum() + (
            lib.diag_embed(x) ** 2).sum() + (x.trace() ** 2)
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        (g * g).sum().backward()
        grads.append(x.grad.tolist())
    assert grads[0] == grads[1]


# ------------------------------------------------------------------ hypothesis
@st.composite
def strided_arrays(draw, min_dims=1, max_dims=4, dtype=np.float32):
    """(array, prep) where prep(tensor) permutes and slices it into a non-trivial layout."""
    ndim = draw(st.integers(min_dims, max_dims))
    shape = tuple(draw(st.integers(1, 4)) for _ in range(ndim))
    perm = tuple(draw(st.permutations(range(ndim))))
    steps = tuple(draw(st.sampled_from([1, 1, 2])) for _ in range(ndim))
    a = np.arange(int(np.prod(shape))).astype(dtype).reshape(shape)
    return a, lambda t: t.permute(perm)[tuple(slice(None, None, s) for s in steps)]


@settings(max_examples=120, deadline=None)
@given(strided_arrays(min_dims=2), st.integers(-4, 4), st.data())
def test_diagonal_views_match_torch_on_any_layout(arr, offset, data):
    a, prep = arr
    n = a.ndim
    d1 = data.draw(st.integers(-n, n - 1))
    d2 = data.draw(st.integers(-n, n - 1))
    for fn in (lambda m, x: prep(x).diagonal(offset, d1, d2),
               lambda m, x: m.diag_embed(prep(x), offset, d1 % (n + 1), d2 % (n + 1)),
               lambda m, x: prep(x).tril(offset), lambda m, x: prep(x).triu(offset),
               lambda m, x: prep(x).rot90(offset, (d1, d2))):
        check(fn, a, label=f"{a.shape} offset={offset} dims={d1},{d2}")


@settings(max_examples=80, deadline=None)
@given(strided_arrays(max_dims=3), strided_arrays(max_dims=3))
def test_kron_layouts_match_torch(a1, a2):
    (x, px), (y, py) = a1, a2
    check(lambda m, s, t: m.kron(px(s), py(t)), x, y, label=f"kron {x.shape} {y.shape}")


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-3, 3) | st.just(99), min_size=0, max_size=8),
       st.lists(st.integers(-4, 4) | st.just(99), min_size=0, max_size=5), st.booleans(),
       st.booleans())
def test_searchsorted_matches_torch_sorted_or_not(bnd, vals, right, sort):
    b = np.array([np.nan if v == 99 else v / 2 for v in bnd], np.float32)
    v = np.array([np.nan if x == 99 else x / 2 for x in vals], np.float32)
    if sort:
        b = np.sort(b)
    check(lambda m, s, t: m.searchsorted(s, t, right=right), b, v, label=f"{b} {v}")
    if b.size:
        srt = np.argsort(b, kind="stable")
        check(lambda m, s, t: m.searchsorted(s, t, right=right, sorter=m.from_numpy(srt)), b, v)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.floats(-100, 100, width=32), min_size=0, max_size=30),
       st.integers(1, 12), st.sampled_from([(0, 0), (-1.0, 1.0), (0.1, 2.7), (-50, 10)]),
       st.sampled_from(["float16", "float32", "float64"]))
def test_histc_matches_torch(values, bins, rng, dt):
    a = np.array(values, dtype=dt)
    check(lambda m, x: m.histc(x, bins, *rng), a, label=f"histc {a} {bins} {rng}")


@settings(max_examples=100, deadline=None)
@given(st.data(), st.sampled_from(["sum", "prod", "mean", "amax", "amin"]), st.booleans(),
       st.sampled_from([np.float32, np.int64]))
def test_scatter_reduce_matches_torch(data, reduce, include_self, dt):
    shape = tuple(data.draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    d = data.draw(st.integers(0, len(shape) - 1))
    ishape = tuple(data.draw(st.integers(1, s)) if k != d else data.draw(st.integers(1, 5))
                   for k, s in enumerate(shape))
    idx = np.array(data.draw(st.lists(st.integers(0, shape[d] - 1), min_size=int(np.prod(ishape)),
                                      max_size=int(np.prod(ishape))))).reshape(ishape)
    x = (np.arange(int(np.prod(shape))) % 5 - 2).astype(dt).reshape(shape)
    src = (np.arange(int(np.prod(ishape))) % 7 - 3).astype(dt).reshape(ishape)
    check(lambda m, a, s: a.scatter_reduce(d, m.from_numpy(idx), s, reduce,
                                           include_self=include_self), x, src,
          label=f"{shape} dim {d} {reduce} {include_self}")


@settings(max_examples=60, deadline=None)
@given(strided_arrays(max_dims=3), st.data())
def test_repeat_interleave_and_take_along_dim_match_torch(arr, data):
    a, prep = arr
    n = a.ndim
    d = data.draw(st.integers(-n, n - 1))
    r = data.draw(st.integers(0, 3))
    shape = prep(torch.from_numpy(a)).shape
    reps = data.draw(st.lists(st.integers(0, 3), min_size=shape[d], max_size=shape[d]))
    idx = np.array(data.draw(st.lists(st.integers(-9, 9), min_size=3, max_size=3)))
    ishape = [1] * n
    ishape[d] = 3
    check(lambda m, x: prep(x).repeat_interleave(r, d), a)
    check(lambda m, x: prep(x).repeat_interleave(m.tensor(reps, dtype=m.int64), d), a)
    check(lambda m, x: m.take_along_dim(prep(x), m.from_numpy(idx.reshape(ishape)), d), a)


_UNFOLD = [((3, 4), None, 1, 2, 1), ((3, 4), None, 1, 5, 1), ((3, 4), None, 1, 2, 0), ((3, 4), None, 2, 2, 1),
           ((3, 4), None, 1, -1, 1), ((), None, 0, 1, 1), ((), None, 0, 2, 1), ((3, 4), None, -1, 2, 3),
           ((3, 4), "t", 0, 2, 2), ((3, 4), "slice", 0, 2, 1), ((7,), None, 0, 3, 2), ((2, 3, 5), "perm", 2, 2, 1)]


@pytest.mark.parametrize("shape,how,dim,size,step", _UNFOLD)
def test_unfold(shape, how, dim, size, step):
    """Tensor.unfold: a view of sliding windows (shape, strides, offset, values, errors),
    its gradient (overlapping windows add up) and writes through it."""
    out = []
    for L in (torch, tl):
        x = L.arange(float(np.prod(shape))).reshape(shape).requires_grad_() if shape else \
            L.tensor(3.0, requires_grad=True)
        y = {"t": lambda: x.t(), "slice": lambda: x[:, 1:], "perm": lambda: x.permute(2, 0, 1)}.get(
            how, lambda: x * 1)()
        try:
            r = y.unfold(dim, size, step)
        except (RuntimeError, IndexError) as e:
            out.append((type(e).__name__, str(e)))
            continue
        (r * r).sum().backward()
        x0 = L.zeros(shape) if shape else L.tensor(0.0)
        w = x0.unfold(dim, size, step) if x0.dim() else x0.unfold(0, size, step)
        w.fill_(1)   # (an expanded-like overlapping view: fill goes through)
        out.append((tuple(r.shape), r.stride(), r.storage_offset(), r.tolist(), r.grad_fn.name(),
                    x.grad.tolist(), x0.tolist()))
    assert out[1] == out[0]
