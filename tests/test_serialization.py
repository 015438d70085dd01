"""torch.save / torch.load compared with real torch 2.13, both ways: files torch writes load in
torchless, files torchless writes load in torch (values, dtype, shape, strides, offsets,
storage sharing, requires_grad / Parameter, containers and their order, state_dict metadata),
optimizer state, weights_only's allow-list and message, map_location, paths and file objects."""
import collections
import io
import pickle
import struct
import zipfile

import numpy as np
import pytest
import torch

import torchless as tl

DTYPES = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64",
          "complex64", "complex128"]
SHAPES = [(), (0,), (2, 0, 3), (5,), (3, 4), (2, 3, 4)]


def values(dtype, shape, seed=0):
    r = np.random.default_rng(seed)
    a = r.standard_normal(shape) * 10
    if dtype.startswith("complex"):
        a = a + 1j * r.standard_normal(shape)
    if dtype == "bool":
        return np.asarray(a > 0)
    return np.asarray(a.astype(dtype))


def t_arr(t):
    return t.detach().numpy() if isinstance(t, torch.Tensor) else np.asarray(t._a)


def same_tensor(a, b):
    """a (torch or torchless) and b (the other) agree in everything torch.save keeps."""
    assert str(a.dtype) == str(b.dtype)
    assert tuple(a.shape) == tuple(b.shape)
    assert tuple(a.stride()) == tuple(b.stride())
    assert a.storage_offset() == b.storage_offset()
    assert a.requires_grad == b.requires_grad
    assert type(a).__name__ == type(b).__name__
    np.testing.assert_array_equal(t_arr(a), t_arr(b))


def torch_to_bytes(obj):
    b = io.BytesIO()
    torch.save(obj, b)
    return b.getvalue()


def tl_to_bytes(obj):
    b = io.BytesIO()
    tl.save(obj, b)
    return b.getvalue()


def both(dtype, shape, seed=0):
    a = values(dtype, shape, seed)
    if a.size == 0:     # torch.tensor(empty array) has strides 0, which torchless doesn't model
        return (torch.zeros(shape, dtype=getattr(torch, dtype)),
                tl.zeros(shape, dtype=getattr(tl, dtype)))
    return torch.tensor(a), tl.tensor(a)


# ------------------------------------------------------------------------------- tensors
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_tensor_both_ways(dtype, shape):
    tt, lt = both(dtype, shape)
    same_tensor(tt, tl.load(io.BytesIO(torch_to_bytes(tt))))
    same_tensor(torch.load(io.BytesIO(tl_to_bytes(lt))), tt)
    same_tensor(tl.load(io.BytesIO(tl_to_bytes(lt))), tt)


VIEWS = [
    ("t", lambda x: x.t()),
    ("row", lambda x: x[1]),
    ("col", lambda x: x[:, 2]),
    ("step", lambda x: x[::2, 1::2]),
    ("scalar", lambda x: x[2, 3]),
    ("narrow", lambda x: x[1:, 1:3]),
    ("flat", lambda x: x.reshape(-1)[3:9]),
    ("unsq", lambda x: x[1:2].unsqueeze(0)),
    ("exp", lambda x: x[0].expand(3, 5)),
]


@pytest.mark.parametrize("name,f", VIEWS, ids=[v[0] for v in VIEWS])
def test_views_share_storage_both_ways(name, f):
    tt, lt = both("float32", (4, 5))
    # torch -> torchless
    base, view = tl.load(io.BytesIO(torch_to_bytes([tt, f(tt)])))
    same_tensor(f(tt), view)
    same_tensor(tt, base)
    base[...] = 7.0
    assert (np.asarray(view._a) == 7.0).all()
    # torchless -> torch
    tbase, tview = torch.load(io.BytesIO(tl_to_bytes([lt, f(lt)])))
    same_tensor(tview, f(lt))
    same_tensor(tbase, lt)
    tbase.fill_(3.0)
    assert (tview == 3.0).all()
    # a view saved alone keeps its offset and strides within the whole storage
    same_tensor(torch.load(io.BytesIO(tl_to_bytes(f(lt)))), f(tt))
    same_tensor(tl.load(io.BytesIO(torch_to_bytes(f(tt)))), f(lt))


def test_sharing_survives_round_trips():
    x = torch.arange(20.).reshape(4, 5)
    back = torch.load(io.BytesIO(tl_to_bytes(tl.load(io.BytesIO(torch_to_bytes(
        [x, x.t(), x[2, 1:]]))))))
    for a, b in zip(back, [x, x.t(), x[2, 1:]]):
        same_tensor(a, b)
    back[0].zero_()
    assert (back[1] == 0).all() and (back[2] == 0).all()
    lx = tl.arange(20.).reshape(4, 5)
    again = tl.load(io.BytesIO(torch_to_bytes(torch.load(io.BytesIO(tl_to_bytes(
        [lx, lx.t(), lx[2, 1:]]))))))
    for a, b in zip(again, [lx, lx.t(), lx[2, 1:]]):
        same_tensor(b, a)
    again[0].zero_()
    assert (np.asarray(again[1]._a) == 0).all()


@pytest.mark.parametrize("protocol", [2, 3, 4, 5])
@pytest.mark.filterwarnings("ignore:Detected pickle protocol")
def test_pickle_protocols(protocol):
    obj = {"w": tl.arange(3.), "s": tl.Size([1]), "d": tl.float16}
    b = io.BytesIO()
    tl.save(obj, b, pickle_protocol=protocol)
    # torch's weights_only unpickler does not read protocol 4's frames (its own files neither)
    r = torch.load(io.BytesIO(b.getvalue()), weights_only=protocol < 4)
    same_tensor(r["w"], obj["w"])
    assert r["s"] == torch.Size([1]) and r["d"] is torch.float16
    assert tl.load(io.BytesIO(b.getvalue()))["d"] is tl.float16


def test_bfloat16_file_refused():
    with pytest.raises(RuntimeError, match="BFloat16Storage"):
        tl.load(io.BytesIO(torch_to_bytes(torch.ones(2, dtype=torch.bfloat16))))


def test_one_storage_written_once():
    x = tl.arange(1000.)
    data = tl_to_bytes({"a": x, "b": x[10:20], "c": x.reshape(10, 100).t()})
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert [n for n in names if "/data/" in n] == ["archive/data/0"]
    r = torch.load(io.BytesIO(data))
    assert r["a"].untyped_storage().data_ptr() == r["c"].untyped_storage().data_ptr()


def test_from_numpy_views_save():
    base = np.arange(24, dtype=np.float64).reshape(4, 6)
    for a in (base[1:, ::2], base.T, base[2]):
        lt = tl.from_numpy(a)
        same_tensor(torch.load(io.BytesIO(tl_to_bytes(lt))), torch.from_numpy(a))


def test_different_dtypes_same_storage_rejected():
    x = torch.ones(4)
    with pytest.raises(RuntimeError) as te:
        torch.save([x, x.view(torch.int32)], io.BytesIO())
    lx = tl.ones(4)
    with pytest.raises(RuntimeError) as le:
        tl.save([lx, lx.view(tl.int32)], io.BytesIO())
    assert str(le.value) == str(te.value)


def test_requires_grad_and_parameter_both_ways():
    tobj = {"p": torch.nn.Parameter(torch.ones(2, 3)), "frozen": torch.nn.Parameter(
        torch.ones(2), requires_grad=False), "rg": torch.ones(3, requires_grad=True)}
    tobj["nonleaf"] = tobj["rg"] * 2
    lobj = {"p": tl.nn.Parameter(tl.ones(2, 3)), "frozen": tl.nn.Parameter(
        tl.ones(2), requires_grad=False), "rg": tl.ones(3, requires_grad=True)}
    lobj["nonleaf"] = lobj["rg"] * 2
    r = tl.load(io.BytesIO(torch_to_bytes(tobj)))
    assert isinstance(r["p"], tl.nn.Parameter) and isinstance(r["frozen"], tl.nn.Parameter)
    for k in tobj:
        same_tensor(tobj[k], r[k])
    assert r["nonleaf"].grad_fn is None
    r = torch.load(io.BytesIO(tl_to_bytes(lobj)))
    assert isinstance(r["p"], torch.nn.Parameter)
    for k in tobj:
        same_tensor(r[k], lobj[k])


def test_parameter_sharing_storage_with_view():
    lp = tl.nn.Parameter(tl.arange(6.).reshape(2, 3))
    p, row = torch.load(io.BytesIO(tl_to_bytes([lp, lp[1]])))
    with torch.no_grad():
        p.zero_()
    assert (row == 0).all()


# ---------------------------------------------------------------------------- containers
def test_containers_both_ways():
    def make(m):
        od = collections.OrderedDict([("z", 1), ("a", m.ones(1)), ("m", [1, 2])])
        return {"list": [1, 2.5, "s", None, True, m.zeros(2)], "tuple": (m.tensor(1), (2, 3)),
                "od": od, "nested": {"k": [{"x": m.float64}]}, "size": m.Size([2, 3]),
                "dtypes": [m.bool, m.uint8, m.int16, m.complex128, m.float16],
                "str": "text", "int": 7, "complex": 1 + 2j, "bytes": b"\x00\x01",
                "set": {1, 2}, "device": m.device("cpu")}
    t, l = make(torch), make(tl)

    def check(a, b):
        assert type(a).__name__ == type(b).__name__, (a, b)
        if isinstance(a, (torch.Tensor, tl.Tensor)):
            same_tensor(a, b)
        elif isinstance(a, dict):
            assert list(a) == list(b)
            for k in a:
                check(a[k], b[k])
        elif isinstance(a, (list, tuple)) and not isinstance(a, (torch.Size, tl.Size)):
            assert len(a) == len(b)
            for x, y in zip(a, b):
                check(x, y)
        else:
            assert str(a) == str(b)
    check(t, tl.load(io.BytesIO(torch_to_bytes(t))))
    check(torch.load(io.BytesIO(tl_to_bytes(l))), l)
    check(tl.load(io.BytesIO(tl_to_bytes(l))), l)
    r = tl.load(io.BytesIO(torch_to_bytes(t)))
    assert r["size"].__class__ is tl.Size and r["dtypes"][3] is tl.complex128
    assert r["device"] == tl.device("cpu")


# ----------------------------------------------------------------------- models, state_dict
def make_models(seed=0):
    torch.manual_seed(seed)
    tm = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.BatchNorm1d(8), torch.nn.ReLU(),
                             torch.nn.Linear(8, 3))
    tl.manual_seed(seed)
    lm = tl.nn.Sequential(tl.nn.Linear(4, 8), tl.nn.BatchNorm1d(8), tl.nn.ReLU(),
                          tl.nn.Linear(8, 3))
    return tm, lm


def test_state_dict_both_ways(tmp_path):
    tm, lm = make_models()
    x = np.random.default_rng(1).standard_normal((5, 4)).astype(np.float32)
    tm(torch.from_numpy(x))          # moves the running stats
    torch.save(tm.state_dict(), tmp_path / "t.pth")
    sd = tl.load(tmp_path / "t.pth")
    assert list(sd) == list(tm.state_dict())
    assert sd._metadata == tm.state_dict()._metadata
    for k, v in tm.state_dict().items():
        same_tensor(v, sd[k])
    lm.load_state_dict(sd)
    lm.eval(), tm.eval()
    np.testing.assert_allclose(t_arr(lm(tl.from_numpy(x))),
                               t_arr(tm(torch.from_numpy(x))), rtol=1e-5, atol=1e-6)
    # and back: torchless's state_dict into a fresh torch model
    lm.train()
    lm(tl.from_numpy(x * 2))
    tl.save(lm.state_dict(), str(tmp_path / "l.pth"))
    sd = torch.load(str(tmp_path / "l.pth"))
    assert list(sd) == list(lm.state_dict())
    assert sd._metadata == lm.state_dict()._metadata
    for k, v in lm.state_dict().items():
        same_tensor(sd[k], v)
    tm2, _ = make_models(5)
    tm2.load_state_dict(sd)
    tm2.eval(), lm.eval()
    np.testing.assert_allclose(t_arr(tm2(torch.from_numpy(x))),
                               t_arr(lm(tl.from_numpy(x))), rtol=1e-5, atol=1e-6)


def test_model_round_trip_same_outputs():
    _, lm = make_models(3)
    _, lm2 = make_models(4)
    data = tl_to_bytes(lm.state_dict())
    lm2.load_state_dict(tl.load(io.BytesIO(data)))
    x = tl.randn(6, 4)
    lm.eval(), lm2.eval()
    np.testing.assert_array_equal(t_arr(lm(x)), t_arr(lm2(x)))


def train(m, opt, steps, seed, torch_mod=tl):
    r = np.random.default_rng(seed)
    for _ in range(steps):
        x = torch_mod.from_numpy(r.standard_normal((8, 4)).astype(np.float32))
        y = torch_mod.from_numpy(r.integers(0, 3, 8))
        opt.zero_grad()
        loss = torch_mod.nn.functional.cross_entropy(m(x), y)
        loss.backward()
        opt.step()


@pytest.mark.parametrize("name,kw", [("SGD", dict(lr=0.1, momentum=0.9)),
                                     ("Adam", dict(lr=0.01)),
                                     ("AdamW", dict(lr=0.01, amsgrad=True))])
def test_optimizer_state_round_trip_continues_training(name, kw):
    _, ref = make_models(7)
    ref_opt = getattr(tl.optim, name)(ref.parameters(), **kw)
    train(ref, ref_opt, 6, 0)
    train(ref, ref_opt, 4, 1)

    _, m = make_models(7)
    opt = getattr(tl.optim, name)(m.parameters(), **kw)
    train(m, opt, 6, 0)
    data = tl_to_bytes({"model": m.state_dict(), "opt": opt.state_dict()})
    ck = tl.load(io.BytesIO(data))
    _, m2 = make_models(9)
    opt2 = getattr(tl.optim, name)(m2.parameters(), **kw)
    m2.load_state_dict(ck["model"])
    opt2.load_state_dict(ck["opt"])
    train(m2, opt2, 4, 1)
    for a, b in zip(ref.state_dict().values(), m2.state_dict().values()):
        np.testing.assert_array_equal(t_arr(a), t_arr(b))


@pytest.mark.parametrize("name,kw", [("SGD", dict(lr=0.1, momentum=0.9)),
                                     ("Adam", dict(lr=0.01))])
def test_optimizer_state_dict_crosses(name, kw):
    tm, lm = make_models(2)
    topt = getattr(torch.optim, name)(tm.parameters(), **kw)
    lopt = getattr(tl.optim, name)(lm.parameters(), **kw)
    train(tm, topt, 3, 0, torch)
    train(lm, lopt, 3, 0, tl)
    tsd = topt.state_dict()
    lsd = tl.load(io.BytesIO(torch_to_bytes(tsd)))
    assert lsd["param_groups"] == tsd["param_groups"]
    assert list(lsd["state"]) == list(tsd["state"])
    for i, st in tsd["state"].items():
        assert list(lsd["state"][i]) == list(st)
        for k, v in st.items():
            assert str(v.dtype) == str(lsd["state"][i][k].dtype)
            assert tuple(v.shape) == tuple(lsd["state"][i][k].shape)
    back = torch.load(io.BytesIO(tl_to_bytes(lopt.state_dict())))
    assert back["param_groups"] == tsd["param_groups"]
    for i, st in tsd["state"].items():
        for k, v in st.items():
            assert back["state"][i][k].dtype == v.dtype
            np.testing.assert_allclose(t_arr(back["state"][i][k]), t_arr(v), rtol=1e-4,
                                       atol=1e-6)
    topt.load_state_dict(back)      # torch accepts torchless's optimizer state
    lopt.load_state_dict(lsd)


class Net(tl.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = tl.nn.Linear(3, 2)

    def forward(self, x):
        return self.fc(x)


def test_whole_module_weights_only_false():
    net = Net()
    data = tl_to_bytes(net)
    with pytest.raises(pickle.UnpicklingError, match="Unsupported global: GLOBAL"):
        tl.load(io.BytesIO(data))
    net2 = tl.load(io.BytesIO(data), weights_only=False)
    assert type(net2) is Net
    x = tl.randn(4, 3)
    np.testing.assert_array_equal(t_arr(net(x).detach()), t_arr(net2(x).detach()))
    assert isinstance(net2.fc.weight, tl.nn.Parameter)


def test_whole_builtin_module_both_ways():
    tm, lm = make_models(11)
    x = np.random.default_rng(2).standard_normal((5, 4)).astype(np.float32)
    data = torch_to_bytes(tm)
    with pytest.raises(pickle.UnpicklingError) as te:
        torch.load(io.BytesIO(data))
    with pytest.raises(pickle.UnpicklingError) as le:
        tl.load(io.BytesIO(data))
    assert str(le.value) == str(te.value)
    lm2 = tl.load(io.BytesIO(data), weights_only=False)
    assert type(lm2) is tl.nn.Sequential and type(lm2[1]) is tl.nn.BatchNorm1d
    lm2.eval(), tm.eval()
    np.testing.assert_allclose(t_arr(lm2(tl.from_numpy(x))), t_arr(tm(torch.from_numpy(x))),
                               rtol=1e-5, atol=1e-6)
    # torchless's built-in modules are written under torch's class names
    tm2 = torch.load(io.BytesIO(tl_to_bytes(lm)), weights_only=False)
    assert type(tm2) is torch.nn.Sequential and type(tm2[0]) is torch.nn.Linear
    tm2.eval(), lm.eval()
    np.testing.assert_allclose(t_arr(tm2(torch.from_numpy(x))), t_arr(lm(tl.from_numpy(x))),
                               rtol=1e-5, atol=1e-6)
    with pytest.raises(pickle.UnpicklingError) as le:
        tl.load(io.BytesIO(tl_to_bytes(lm)))
    assert str(le.value) == str(te.value)


# ---------------------------------------------------------------------------- weights_only
class Foo:
    pass


REJECTED = [Foo(), {"a": Foo()}, slice(1, 2), frozenset([1]), collections.defaultdict(list),
            range(3)]


@pytest.mark.parametrize("obj", REJECTED, ids=lambda o: type(o).__name__)
def test_weights_only_rejects_like_torch(obj):
    data = torch_to_bytes(obj)
    with pytest.raises(pickle.UnpicklingError) as te:
        torch.load(io.BytesIO(data))
    with pytest.raises(pickle.UnpicklingError) as le:
        tl.load(io.BytesIO(data))
    assert str(le.value) == str(te.value)
    with pytest.raises(pickle.UnpicklingError) as le2:
        tl.load(io.BytesIO(tl_to_bytes(obj)), weights_only=True)
    assert str(le2.value) == str(te.value)
    tl.load(io.BytesIO(data), weights_only=False)


ALLOWED = [{1, 2}, bytearray(b"ab"), b"xy", 3 + 4j, collections.Counter("abca"),
           collections.OrderedDict(a=1), [1, (2.0, "x")], None, 1.5, True]


@pytest.mark.parametrize("obj", ALLOWED, ids=lambda o: type(o).__name__)
def test_weights_only_allows_like_torch(obj):
    assert tl.load(io.BytesIO(torch_to_bytes(obj))) == torch.load(io.BytesIO(torch_to_bytes(obj)))
    assert torch.load(io.BytesIO(tl_to_bytes(obj))) == obj


def test_safe_globals():
    data = torch_to_bytes({"f": Foo()})
    with tl.serialization.safe_globals([Foo]):
        assert isinstance(tl.load(io.BytesIO(data))["f"], Foo)
    with pytest.raises(pickle.UnpicklingError):
        tl.load(io.BytesIO(data))
    tl.serialization.add_safe_globals([Foo])
    try:
        assert Foo in tl.serialization.get_safe_globals()
        assert isinstance(tl.load(io.BytesIO(data))["f"], Foo)
    finally:
        tl.serialization.clear_safe_globals()
    assert tl.serialization.get_safe_globals() == []


def test_explicit_pickle_module():
    data = torch_to_bytes(Foo())
    assert isinstance(tl.load(io.BytesIO(data), pickle_module=pickle), Foo)
    with pytest.raises(RuntimeError) as te:
        torch.load(io.BytesIO(data), pickle_module=pickle, weights_only=True)
    with pytest.raises(RuntimeError) as le:
        tl.load(io.BytesIO(data), pickle_module=pickle, weights_only=True)
    assert str(le.value) == str(te.value)


# ---------------------------------------------------------------------------- map_location
@pytest.mark.parametrize("ml", [None, "cpu", "cpu-device", {"cpu": "cpu"}, "callable"])
def test_map_location(ml):
    def conv(m, ml):
        if ml == "cpu-device":
            return m.device("cpu")
        if ml == "callable":
            return lambda storage, loc: storage
        return ml
    data = torch_to_bytes({"w": torch.arange(4.)})
    same_tensor(torch.load(io.BytesIO(data), map_location=conv(torch, ml))["w"],
                tl.load(io.BytesIO(data), map_location=conv(tl, ml))["w"])


def _relocate(data, location):
    """A torch file whose storages claim another device (written by pickling afresh)."""
    z = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as w:
        for n in z.namelist():
            b = z.read(n)
            if n.endswith("data.pkl"):
                b = b.replace(b"X\x03\x00\x00\x00cpu", b"X" + struct.pack("<I", len(location))
                              + location.encode())
            w.writestr(n, b)
    return out.getvalue()


def test_cuda_file_on_cpu():
    data = _relocate(torch_to_bytes(torch.ones(2)), "cuda:0")
    with pytest.raises(RuntimeError) as te:
        torch.load(io.BytesIO(data))
    with pytest.raises(RuntimeError) as le:
        tl.load(io.BytesIO(data))
    assert str(le.value) == str(te.value)
    for ml in ("cpu", {"cuda:0": "cpu"}, lambda s, loc: s):
        same_tensor(torch.load(io.BytesIO(data), map_location=ml),
                    tl.load(io.BytesIO(data), map_location=ml))
    with pytest.raises(RuntimeError) as te:
        torch.load(io.BytesIO(torch_to_bytes(torch.ones(1))), map_location="cuda")
    with pytest.raises(RuntimeError) as le:
        tl.load(io.BytesIO(tl_to_bytes(tl.ones(1))), map_location="cuda")
    assert str(le.value) == str(te.value)


# ---------------------------------------------------------------------------- file format
def test_archive_layout(tmp_path):
    p = tmp_path / "model.best.pth"
    tl.save({"a": tl.ones(3), "b": tl.zeros(2, dtype=tl.int64)}, p)
    torch.save({"a": torch.ones(3), "b": torch.zeros(2, dtype=torch.int64)},
               tmp_path / "t.pth")
    ours = zipfile.ZipFile(p)
    theirs = zipfile.ZipFile(tmp_path / "t.pth")
    strip = lambda z: [n.split("/", 1)[1] for n in z.namelist()]  # noqa: E731
    assert strip(ours) == strip(theirs)
    assert ours.namelist()[0] == "model.best/data.pkl"
    for n in ("byteorder", "version", ".format_version", ".storage_alignment"):
        assert ours.read("model.best/" + n) == theirs.read("t/" + n)
    raw = p.read_bytes()
    for info in ours.infolist():
        assert info.compress_type == zipfile.ZIP_STORED
        n, e = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
        assert (info.header_offset + 30 + n + e) % 64 == 0
    assert b"ctorch._utils\n_rebuild_tensor_v2\n" in ours.read("model.best/data.pkl")
    assert b"ctorch\nFloatStorage\n" in ours.read("model.best/data.pkl")


def test_paths_and_file_objects(tmp_path):
    x = tl.arange(5.)
    tl.save(x, str(tmp_path / "s.pt"))
    tl.save(x, tmp_path / "p.pt")
    with open(tmp_path / "f.pt", "wb") as f:
        tl.save(x, f)
    for n in ("s.pt", "p.pt", "f.pt"):
        same_tensor(torch.load(tmp_path / n), x)
        same_tensor(tl.load(str(tmp_path / n)), x)
        with open(tmp_path / n, "rb") as f:
            same_tensor(tl.load(f), x)
    b = io.BytesIO(b"prefix")
    b.seek(0, 2)
    tl.save(x, b)
    b.seek(6)
    same_tensor(tl.load(b), x)


def test_legacy_format_not_supported():
    b = io.BytesIO()
    torch.save(torch.ones(2), b, _use_new_zipfile_serialization=False)
    b.seek(0)
    with pytest.raises(RuntimeError, match="legacy"):
        tl.load(b)
    with pytest.raises(NotImplementedError):
        tl.save(tl.ones(2), io.BytesIO(), _use_new_zipfile_serialization=False)


def test_loaded_tensors_are_writable_and_independent_of_file():
    data = torch_to_bytes(torch.arange(3.))
    a = tl.load(io.BytesIO(data))
    b = tl.load(io.BytesIO(data))
    a.add_(1)
    np.testing.assert_array_equal(t_arr(b), [0., 1., 2.])
