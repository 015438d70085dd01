"""torch.nn.utils.rnn (pad_sequence, pack_padded_sequence, pad_packed_sequence, pack_sequence,
unpad_sequence, unpack_sequence, PackedSequence) and RNN/LSTM/GRU over packed input, against
real torch: values, shapes, dtypes, batch sizes and indices, final states, gradients, grad_fn
names, reprs and error messages."""
import numpy as np
import pytest
import torch

import torchless as tl
from torchless.nn.utils.rnn import pack_padded_sequence as tl_pack  # the documented spelling


def arr(t):
    return np.asarray(t._a) if isinstance(t, tl.Tensor) else t.detach().numpy()


def same(a, b, tol=0.0):
    """a (torch) and b (torchless) agree: None, tensors (dtype, shape, values) or lists."""
    if a is None or b is None:
        assert a is None and b is None
        return
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            same(x, y, tol)
        return
    assert str(a.dtype) == str(b.dtype)
    assert tuple(a.shape) == tuple(b.shape)
    np.testing.assert_allclose(arr(b), arr(a), rtol=tol, atol=tol)


def same_packed(a, b, tol=0.0):
    assert type(b).__name__ == "PackedSequence"
    for x, y in zip(a, b):
        same(x, y, tol)


def seqs(lib, lengths, trail=(2,), dtype="float64", grad=True, seed=0):
    rs = np.random.RandomState(seed)
    return [lib.tensor(rs.randn(n, *trail), dtype=getattr(lib, dtype), requires_grad=grad)
            for n in lengths]


def both(fn, *args, **kw):
    return fn(torch, *args, **kw), fn(tl, *args, **kw)


# ---------------------------------------------------------------- pad_sequence
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("side", ["right", "left"])
@pytest.mark.parametrize("lengths", [[3, 1, 2], [2], [1, 4, 4]])
@pytest.mark.parametrize("trail", [(), (2, 3)])
def test_pad_sequence(batch_first, side, lengths, trail):
    res = []
    for lib in (torch, tl):
        xs = seqs(lib, lengths, trail)
        p = lib.nn.utils.rnn.pad_sequence(xs, batch_first=batch_first, padding_value=-1.5,
                                          padding_side=side)
        (p * p.sin()).sum().backward()
        res.append((p, [x.grad for x in xs], p.grad_fn.name()))
    same(res[0][0], res[1][0])
    same(res[0][1], res[1][1], 1e-15)
    assert res[0][2] == res[1][2]


def test_pad_sequence_dtypes_and_inputs():
    for lib_a, lib_b in [(torch, tl)]:
        pairs = []
        for lib in (lib_a, lib_b):
            ps = lib.nn.utils.rnn.pad_sequence
            pairs.append([
                ps([lib.tensor([1, 2]), lib.tensor([3])]),
                ps([lib.tensor([1, 2]), lib.tensor([3])], padding_value=2.5),
                ps([lib.ones(2, 3), lib.ones(1, 3, dtype=lib.float64)]),
                ps([lib.ones(2, 3, dtype=lib.int64), lib.ones(1, 3)]),
                ps(lib.arange(6.).reshape(2, 3)),
                ps((lib.ones(2, 3),), batch_first=True),
                ps([lib.tensor([True]), lib.tensor([True, False])]),
            ])
        for a, b in zip(*pairs):
            same(a, b)


@pytest.mark.parametrize("case", ["side", "empty", "shape"])
def test_pad_sequence_errors(case):
    msgs = []
    for lib in (torch, tl):
        ps = lib.nn.utils.rnn.pad_sequence
        with pytest.raises(RuntimeError) as e:
            if case == "side":
                ps([lib.ones(2)], padding_side="x")
            elif case == "empty":
                ps([])
            else:
                ps([lib.ones(2, 3), lib.ones(2, 2)])
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


# ---------------------------------------------------------------- pack / pad packed
PACK_CASES = [([3, 2, 2, 1], True), ([3, 1, 2, 3], False), ([1, 1, 1], True), ([4], True),
              ([2, 4, 1, 4, 3], False), ([2, 2, 2], False)]


@pytest.mark.parametrize("lengths,enforce", PACK_CASES)
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("as_tensor", [False, True])
def test_pack_pad_roundtrip(lengths, enforce, batch_first, as_tensor):
    T, B = max(lengths) + 1, len(lengths)
    shape = (B, T, 3) if batch_first else (T, B, 3)
    res = []
    for lib in (torch, tl):
        x = lib.tensor(np.random.RandomState(1).randn(*shape), requires_grad=True)
        L = lib.tensor(lengths) if as_tensor else lengths
        ps = lib.nn.utils.rnn.pack_padded_sequence(x, L, batch_first=batch_first,
                                                   enforce_sorted=enforce)
        pad, lens = lib.nn.utils.rnn.pad_packed_sequence(ps, batch_first=batch_first,
                                                         padding_value=0.5, total_length=T + 1)
        pad2, lens2 = lib.nn.utils.rnn.pad_packed_sequence(ps)
        (pad * pad.cos()).sum().backward(retain_graph=True)
        g1 = x.grad.clone()
        x.grad = None
        ps.data.pow(3).sum().backward()
        res.append(dict(ps=ps, pad=pad, lens=lens, pad2=pad2, lens2=lens2, g1=g1, g2=x.grad,
                        names=(ps.data.grad_fn.name(), pad.grad_fn.name(),
                               pad2.grad_fn.name(), repr(ps.data.grad_fn).split(" ")[0])))
    a, b = res
    same_packed(a["ps"], b["ps"])
    for k in ("pad", "lens", "pad2", "lens2"):
        same(a[k], b[k])
    same(a["g1"], b["g1"], 1e-6)
    same(a["g2"], b["g2"], 1e-6)
    assert a["names"] == b["names"]


def test_pack_sequence_unpack_unpad():
    for enforce, lengths in [(True, [4, 2, 1]), (False, [2, 4, 1, 4])]:
        res = []
        for lib in (torch, tl):
            xs = seqs(lib, lengths, (2,))
            R = lib.nn.utils.rnn
            ps = R.pack_sequence(xs, enforce_sorted=enforce)
            un = R.unpack_sequence(ps)
            pad = R.pad_sequence(xs, batch_first=True)
            up = R.unpad_sequence(pad, lib.tensor(lengths), batch_first=True)
            pad_t = pad.transpose(0, 1) * 1
            up2 = R.unpad_sequence(pad_t, lib.tensor(lengths))
            assert tuple(pad_t.shape) == tuple(pad.shape)      # transposed in place
            sum((u * u.exp()).sum() for u in un + up + up2).backward()
            res.append((ps, un, up, up2, [x.grad for x in xs],
                        [u.grad_fn.name() for u in un + up], ps.data.grad_fn.name()))
        a, b = res
        same_packed(a[0], b[0])
        for i in (1, 2, 3):
            same(a[i], b[i])
        same(a[4], b[4], 1e-14)
        assert a[5] == b[5] and a[6] == b[6]


def test_int_and_float32_packing():
    res = []
    for lib in (torch, tl):
        R = lib.nn.utils.rnn
        ps = R.pack_sequence([lib.tensor([1, 2, 3]), lib.tensor([4, 5])])
        pad, lens = R.pad_packed_sequence(ps, padding_value=-1)
        ps32 = R.pack_sequence([lib.ones(2, 2), lib.ones(3, 2)], enforce_sorted=False)
        res.append([ps, pad, lens, ps32, R.pad_packed_sequence(ps32, batch_first=True)[0]])
    a, b = res
    same_packed(a[0], b[0])
    same(a[1:3], b[1:3])
    same_packed(a[3], b[3])
    same(a[4], b[4])


@pytest.mark.parametrize("lengths,enforce", [
    ([3, 1, 2, 3], True), ([3, 1, 0, 2], True), ([3, 1, 0, 2], False), ([3, 2, 1, 0], True),
    ([3, 2, -1, 1], True), ([3, 2, -1, 1], False), ([0, 0, 0, 0], False), ([3, 2, 1], True),
    ([4, 1, 1, 2, 2], False)])
def test_pack_errors(lengths, enforce):
    msgs = []
    for lib in (torch, tl):
        x = lib.zeros(3, 4, 2)
        with pytest.raises(RuntimeError) as e:
            lib.nn.utils.rnn.pack_padded_sequence(x, lengths, enforce_sorted=enforce)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


def test_total_length_error():
    msgs = []
    for lib in (torch, tl):
        ps = lib.nn.utils.rnn.pack_sequence([lib.ones(3), lib.ones(2)])
        with pytest.raises(ValueError) as e:
            lib.nn.utils.rnn.pad_packed_sequence(ps, total_length=2)
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


# ---------------------------------------------------------------- PackedSequence
def test_packed_sequence_class():
    res = []
    for lib in (torch, tl):
        R = lib.nn.utils.rnn
        x = lib.tensor(np.arange(12.).reshape(3, 4, 1), dtype=lib.float32, requires_grad=True)
        ps = R.pack_padded_sequence(x, [2, 3, 1, 3], enforce_sorted=False)
        d = ps.to(lib.float64)
        direct = R.PackedSequence(lib.zeros(3, 2), lib.tensor([2, 1]), lib.tensor([1, 0]))
        pair = R.PackedSequence((lib.zeros(3, 2), lib.tensor([2, 1])))
        res.append(dict(
            reprs=[repr(ps), repr(d), repr(direct), repr(pair), repr(ps.long())],
            fields=ps._fields, n=len(ps), cuda=ps.is_cuda, pinned=ps.is_pinned(),
            same=[ps.to("cpu") is ps, ps.float() is ps, ps.cpu() is ps, ps.to(lib.float32) is ps],
            dtypes=[str(ps.double().data.dtype), str(ps.long().sorted_indices.dtype),
                    str(ps.half().data.dtype), str(d.batch_sizes.dtype)],
            isinstance=[isinstance(ps, tuple), isinstance(ps, R.PackedSequence)],
            unpacked=list(ps), replaced=ps._replace(sorted_indices=None).sorted_indices,
            inv=R.invert_permutation(lib.tensor([2, 0, 3, 1]))))
    a, b = res
    for k in ("reprs", "fields", "n", "cuda", "pinned", "same", "dtypes", "isinstance",
              "replaced"):
        assert a[k] == b[k] if k != "replaced" else (a[k] is None and b[k] is None), k
    same(a["unpacked"], b["unpacked"])
    same(a["inv"], b["inv"])
    assert tl.nn.utils.rnn.pack_padded_sequence is tl_pack
    assert tl.nn.utils.rnn.PackedSequence.__module__ == "torchless.nn.utils.rnn"


# ---------------------------------------------------------------- RNN over packed input
RNN_CASES = [
    ("RNN", {}), ("RNN", {"nonlinearity": "relu", "num_layers": 2, "bidirectional": True}),
    ("GRU", {"bidirectional": True}), ("GRU", {"num_layers": 2, "bias": False}),
    ("LSTM", {}), ("LSTM", {"num_layers": 2, "bidirectional": True}),
    ("LSTM", {"proj_size": 2, "bidirectional": True}),
]


def run_packed(lib, name, kw, lengths, enforce, batch_first, with_hx, dtype="float64"):
    lib.manual_seed(0)
    dt = getattr(lib, dtype)
    m = getattr(lib.nn, name)(3, 4, batch_first=batch_first, dtype=dt, **kw)
    B, T = len(lengths), max(lengths)
    shape = (B, T, 3) if batch_first else (T, B, 3)
    rs = np.random.RandomState(5)
    x = lib.tensor(rs.randn(*shape), dtype=dt, requires_grad=True)
    R = lib.nn.utils.rnn
    ps = R.pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=enforce)
    nd = 2 if kw.get("bidirectional") else 1
    L = kw.get("num_layers", 1) * nd
    hx, leaves = None, []
    if with_hx:
        h0 = lib.tensor(rs.randn(L, B, kw.get("proj_size") or 4), dtype=dt, requires_grad=True)
        leaves = [h0]
        hx = h0
        if name == "LSTM":
            c0 = lib.tensor(rs.randn(L, B, 4), dtype=dt, requires_grad=True)
            leaves.append(c0)
            hx = (h0, c0)
    out, hn = m(ps, hx)
    states = list(hn) if name == "LSTM" else [hn]
    pad, lens = R.pad_packed_sequence(out, batch_first=batch_first)
    loss = (pad * pad.sin()).sum() + sum((s * s.cos()).sum() for s in states)
    loss.backward()
    return dict(out=out, states=states, pad=pad, lens=lens,
                grads=[x.grad] + [t.grad for t in leaves] + [p.grad for p in m.parameters()],
                names=[out.data.grad_fn.name()] + [s.grad_fn.name() for s in states],
                type=type(out).__name__)


@pytest.mark.parametrize("cfg", RNN_CASES, ids=lambda c: f"{c[0]}{c[1]}")
@pytest.mark.parametrize("lengths,enforce", [([4, 4, 2, 1], True), ([2, 5, 1, 5, 3], False)])
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("with_hx", [False, True])
def test_rnn_packed_float64(cfg, lengths, enforce, batch_first, with_hx):
    name, kw = cfg
    a = run_packed(torch, name, kw, lengths, enforce, batch_first, with_hx)
    b = run_packed(tl, name, kw, lengths, enforce, batch_first, with_hx)
    same_packed(a["out"], b["out"], 1e-12)
    same(a["states"], b["states"], 1e-12)
    same(a["pad"], b["pad"], 1e-12)
    same(a["lens"], b["lens"])
    same(a["grads"], b["grads"], 1e-11)
    assert a["names"] == b["names"] and a["type"] == b["type"]


@pytest.mark.parametrize("cfg", RNN_CASES[::2], ids=lambda c: f"{c[0]}{c[1]}")
def test_rnn_packed_float32(cfg):
    name, kw = cfg
    a = run_packed(torch, name, kw, [3, 5, 1, 2], False, True, True, "float32")
    b = run_packed(tl, name, kw, [3, 5, 1, 2], False, True, True, "float32")
    same_packed(a["out"], b["out"], 1e-5)
    same(a["states"], b["states"], 1e-5)
    same(a["grads"], b["grads"], 1e-4)


@pytest.mark.parametrize("name", ["RNN", "GRU", "LSTM"])
def test_packed_matches_per_sequence_runs(name):
    """Each sequence's output and final state equal those of running it alone (torchless)."""
    tl.manual_seed(1)
    m = getattr(tl.nn, name)(3, 4, bidirectional=True, dtype=tl.float64)
    xs = seqs(tl, [2, 5, 3], (3,), grad=False)
    out, hn = m(tl.nn.utils.rnn.pack_sequence(xs, enforce_sorted=False))
    h = hn[0] if name == "LSTM" else hn
    for i, (x, o) in enumerate(zip(xs, tl.nn.utils.rnn.unpack_sequence(out))):
        o1, h1 = m(x)
        h1 = h1[0] if name == "LSTM" else h1
        np.testing.assert_allclose(arr(o), arr(o1), atol=1e-13)
        np.testing.assert_allclose(arr(h[:, i]), arr(h1), atol=1e-13)


def test_rnn_packed_errors():
    def attempt(lib, what):
        lib.manual_seed(0)
        m = lib.nn.GRU(2, 3) if what != "rnn" else lib.nn.RNN(2, 3)
        R = lib.nn.utils.rnn
        ps = R.pack_padded_sequence(lib.randn(4, 3, 2), [3, 2, 2, 1], batch_first=True)
        if what == "dims":
            return m(R.PackedSequence(lib.zeros(8, 2, 1), ps.batch_sizes))
        if what == "size":
            return m(R.PackedSequence(lib.zeros(8, 3), ps.batch_sizes))
        if what == "dtype":
            return m(R.PackedSequence(lib.zeros(8, 2, dtype=lib.float64), ps.batch_sizes))
        if what == "hx":
            return m(ps, lib.zeros(1, 3, 3))
        if what == "rnn":
            return m(ps, lib.zeros(4, 3))
        return m(ps, lib.zeros(1, 4, 3, 1))
    for what in ["dims", "size", "dtype", "hx", "rnn", "hx4"]:
        errs = []
        for lib in (torch, tl):
            with pytest.raises((RuntimeError, ValueError)) as e:
                attempt(lib, what)
            errs.append((type(e.value), str(e.value)))
        assert errs[0] == errs[1], what


def test_packed_rnn_dropout_and_no_grad():
    """Training-mode dropout between layers runs; under no_grad nothing is recorded."""
    tl.manual_seed(0)
    m = tl.nn.LSTM(3, 4, num_layers=2, dropout=0.5)
    ps = tl.nn.utils.rnn.pack_sequence(seqs(tl, [4, 2], (3,), "float32", grad=False))
    out, (h, c) = m(ps)
    assert out.data.shape == (6, 4) and h.shape == (2, 2, 4)
    with tl.no_grad():
        out, (h, c) = m(ps)
    assert out.data.grad_fn is None and not h.requires_grad
