"""Factories and Tensor metadata, compared with real torch."""
import numpy as np
import pytest
import torch

import torchless as tl


def same(a, b):
    """a: torchless tensor, b: torch tensor — value, dtype, shape, strides."""
    assert str(a.dtype) == str(b.dtype), (a.dtype, b.dtype)
    assert tuple(a.shape) == tuple(b.shape)
    assert a.stride() == b.stride()
    np.testing.assert_array_equal(a._a, b.numpy())


DATA = [
    1, 2.5, True, -3, 0, [], [[]], [1, 2, 3], [1.0, 2, 3], [True, False], [True, 2], [True, 2.5],
    [[1, 2], [3, 4]], [[1.5, 2], [3, 4]], ((1, 2), (3, 4)), [[[1], [2]], [[3], [4]]],
    [1e10, -1e-10], [float("nan"), float("inf"), -float("inf"), -0.0], 2 ** 40, [2 ** 62, -1],
    np.float32(1.5), np.int32(7), [np.float64(1.5), 2.0], 1 + 2j, [1, 2j],
]


@pytest.mark.parametrize("data", DATA, ids=repr)
def test_tensor_infers_like_torch(data):
    same(tl.tensor(data), torch.tensor(data))


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "int16", "int32", "int64", "float16",
                                   "float32", "float64", "complex64", "complex128"])
@pytest.mark.parametrize("data", [[1, 2, 3], [1.7, -2.2, 0.0], [[0, 1], [1, 0]], 5, -1.5],
                         ids=repr)
def test_tensor_with_dtype(dtype, data):
    try:
        expected = torch.tensor(data, dtype=getattr(torch, dtype))
    except Exception as e:
        with pytest.raises(type(e)) as got:
            tl.tensor(data, dtype=getattr(tl, dtype))
        assert str(got.value) == str(e)
        return
    same(tl.tensor(data, dtype=getattr(tl, dtype)), expected)


@pytest.mark.parametrize("bad, kind", [([[1, 2], [3]], ValueError), ([[1, 2], 3], TypeError),
                                       (["a"], ValueError), ("abc", TypeError), (None, RuntimeError),
                                       ([object()], RuntimeError)], ids=repr)
def test_tensor_errors(bad, kind):
    with pytest.raises(kind) as e1:
        torch.tensor(bad)
    with pytest.raises(kind) as e2:
        tl.tensor(bad)
    assert str(e1.value) == str(e2.value)


def test_ragged_message():
    with pytest.raises(ValueError, match=r"expected sequence of length 2 at dim 1 \(got 1\)"):
        tl.tensor([[1, 2], [3]])


@pytest.mark.parametrize("npdtype", [np.bool_, np.uint8, np.int8, np.int16, np.int32, np.int64,
                                     np.float16, np.float32, np.float64, np.complex64, np.complex128])
def test_from_numpy_shares_memory(npdtype):
    a = np.arange(12).reshape(3, 4).astype(npdtype)
    t = tl.from_numpy(a)
    same(t, torch.from_numpy(a.copy()))
    assert np.shares_memory(t.numpy(), a)
    t2 = tl.tensor(a)
    assert not np.shares_memory(t2._a, a)
    assert np.asarray(t) is a or np.shares_memory(np.asarray(t), a)


def test_from_numpy_non_contiguous_strides():
    a = np.arange(24.0).reshape(4, 6)[::2, 1::2]
    same(tl.from_numpy(a), torch.from_numpy(a))
    assert tl.from_numpy(a).storage_offset() == torch.from_numpy(a).storage_offset()


def test_from_numpy_errors():
    with pytest.raises(TypeError) as e:
        tl.from_numpy(np.array(["x"]))
    with pytest.raises(TypeError) as e2:
        torch.from_numpy(np.array(["x"]))
    assert str(e.value) == str(e2.value)
    with pytest.raises(TypeError):
        tl.from_numpy([1, 2])


@pytest.mark.parametrize("fn", ["zeros", "ones", "empty"])
@pytest.mark.parametrize("args", [(2, 3), ((2, 3),), ([4],), (0,), ((),), (2, 0, 3)], ids=repr)
def test_sized_factories(fn, args):
    a, b = getattr(tl, fn)(*args), getattr(torch, fn)(*args)
    if fn == "empty":
        assert (a.shape, str(a.dtype), a.stride()) == (b.shape, str(b.dtype), b.stride())
    else:
        same(a, b)


@pytest.mark.parametrize("dtype", ["int32", "float64", "bool", "uint8"])
def test_factory_dtype(dtype):
    same(tl.ones(2, 2, dtype=getattr(tl, dtype)), torch.ones(2, 2, dtype=getattr(torch, dtype)))


@pytest.mark.parametrize("fn", ["zeros", "ones", "empty"])
def test_negative_size_error(fn):
    with pytest.raises(RuntimeError) as e1:
        getattr(torch, fn)(2, -1)
    with pytest.raises(RuntimeError) as e2:
        getattr(tl, fn)(2, -1)
    assert str(e1.value) == str(e2.value)


@pytest.mark.parametrize("value", [3, 2.5, True, -7])
def test_full(value):
    same(tl.full((2, 3), value), torch.full((2, 3), value))
    same(tl.full((2,), value, dtype=tl.float64), torch.full((2,), value, dtype=torch.float64))


@pytest.mark.parametrize("args", [(5,), (1, 4), (0, 10, 3), (0.0, 1.0, 0.1), (-1, 1, 0.25),
                                  (10, 0, -3), (1.5,), (0, 5, 1.5), (0, 0), (-3.3, 2.7, 0.7)], ids=repr)
def test_arange(args):
    same(tl.arange(*args), torch.arange(*args))


@pytest.mark.parametrize("dtype", ["float64", "int32", "float16"])
def test_arange_dtype(dtype):
    same(tl.arange(0, 7, 2, dtype=getattr(tl, dtype)), torch.arange(0, 7, 2, dtype=getattr(torch, dtype)))


@pytest.mark.parametrize("args", [(0, 1, 5), (-1, 1, 11), (0, 10, 1), (2, 3, 0), (0.1, 0.9, 7),
                                  (-5, 17, 100), (1, 0, 6), (0, 1, 1000), (-3.7, 11.2, 33),
                                  (-1e3, 3.3, 1001), (5, 5, 4)], ids=repr)
@pytest.mark.parametrize("dtype", [None, "float64", "float16", "int64", "int32"])
def test_linspace_bit_exact(args, dtype):
    kw = {} if dtype is None else {"dtype": getattr(tl, dtype)}
    kt = {} if dtype is None else {"dtype": getattr(torch, dtype)}
    same(tl.linspace(*args, **kw), torch.linspace(*args, **kt))


@pytest.mark.parametrize("args", [(0, 2, 3), (-2, 2, 5), (0, 1, 4, 2.0)], ids=repr)
def test_logspace(args):
    a, b = tl.logspace(*args), torch.logspace(*args)
    np.testing.assert_allclose(a._a, b.numpy(), rtol=1e-6)
    assert str(a.dtype) == str(b.dtype)


@pytest.mark.parametrize("args", [(3,), (2, 4), (4, 2), (0,)])
def test_eye(args):
    same(tl.eye(*args), torch.eye(*args))


def test_like_and_new():
    x, tx = tl.tensor([[1, 2]], dtype=tl.int32), torch.tensor([[1, 2]], dtype=torch.int32)
    for name in ["zeros_like", "ones_like"]:
        same(getattr(tl, name)(x), getattr(torch, name)(tx))
        same(getattr(tl, name)(x, dtype=tl.float64), getattr(torch, name)(tx, dtype=torch.float64))
    same(tl.full_like(x, 7), torch.full_like(tx, 7))
    same(x.new_zeros(2, 3), tx.new_zeros(2, 3))
    same(x.new_ones((2,)), tx.new_ones((2,)))
    same(x.new_full((2, 2), 3), tx.new_full((2, 2), 3))
    same(x.new_tensor([1.7, 2]), tx.new_tensor([1.7, 2]))
    assert tuple(x.new_empty(3).shape) == (3,)


def test_legacy_constructors():
    same(tl.Tensor([1, 2]), torch.Tensor([1, 2]))
    assert tl.Tensor(2, 3).shape == (2, 3) and tl.Tensor(2, 3).dtype is tl.float32
    same(tl.LongTensor([1, 2]), torch.LongTensor([1, 2]))
    same(tl.DoubleTensor([[1, 2]]), torch.DoubleTensor([[1, 2]]))
    same(tl.FloatTensor(3), torch.FloatTensor(3).zero_())
    assert isinstance(tl.tensor([1.0]), tl.FloatTensor)
    assert not isinstance(tl.tensor([1]), tl.FloatTensor)
    same(tl.Tensor(), torch.Tensor())


def test_metadata():
    x, tx = tl.zeros(2, 3, 4), torch.zeros(2, 3, 4)
    assert x.shape == tx.shape and repr(x.shape) == repr(tx.shape) == "torch.Size([2, 3, 4])"
    assert x.size() == tx.size() and x.size(1) == 3 and x.size(-1) == 4
    assert x.dim() == x.ndim == 3 and x.numel() == 24
    assert x.stride() == tx.stride() and x.stride(0) == 12
    assert x.element_size() == 4 and x.is_contiguous()
    assert str(x.device) == "cpu" and repr(x.device) == repr(tx.device)
    assert x.type() == tx.type() == "torch.FloatTensor"
    assert tl.tensor([1]).type() == "torch.LongTensor"
    with pytest.raises(IndexError) as e1:
        tx.size(3)
    with pytest.raises(IndexError) as e2:
        x.size(3)
    assert str(e1.value) == str(e2.value)


def test_scalar_conversions():
    x, tx = tl.tensor([2.5]), torch.tensor([2.5])
    assert float(x) == float(tx) and int(x) == int(tx) and bool(x) == bool(tx)
    assert x.item() == tx.item() and isinstance(x.item(), float)
    assert tl.tensor(3).item() == 3 and isinstance(tl.tensor(3).item(), int)
    assert tl.tensor([[1, 2], [3, 4]]).tolist() == [[1, 2], [3, 4]]
    assert len(tl.zeros(4, 2)) == 4
    assert [1, 2, 3][tl.tensor(1)] == 2
    for t in (tl.tensor([1.0, 2.0]),):
        with pytest.raises(RuntimeError) as e:
            bool(t)
        with pytest.raises(RuntimeError) as e2:
            bool(torch.tensor([1.0, 2.0]))
        assert str(e.value) == str(e2.value)
    with pytest.raises(RuntimeError) as e:
        tl.tensor([1.0, 2.0]).item()
    with pytest.raises(RuntimeError) as e2:
        torch.tensor([1.0, 2.0]).item()
    assert str(e.value) == str(e2.value)
    with pytest.raises(TypeError):
        len(tl.tensor(1.0))


def test_size_type():
    s = tl.Size([2, 3])
    assert s == (2, 3) and repr(s) == "torch.Size([2, 3])" and s.numel() == 6
    assert isinstance(s[0:1], tl.Size) and repr(tl.Size([])) == repr(torch.Size([]))
    assert repr(s + (4,)) == "torch.Size([2, 3, 4])"


def test_default_dtype():
    assert tl.get_default_dtype() is tl.float32
    tl.set_default_dtype(tl.float64)
    try:
        assert tl.tensor([1.5]).dtype is tl.float64
        assert tl.zeros(2).dtype is tl.float64
        assert tl.tensor([1]).dtype is tl.int64
        assert tl.arange(0.0, 1.0, 0.5).dtype is tl.float64
    finally:
        tl.set_default_dtype(tl.float32)
    with pytest.raises(TypeError):
        tl.set_default_dtype(tl.int32)


def test_dtype_objects():
    assert repr(tl.float32) == "torch.float32" and tl.float is tl.float32 and tl.long is tl.int64
    assert tl.double is tl.float64 and tl.half is tl.float16 and tl.int is tl.int32
    assert tl.float32.is_floating_point and not tl.int64.is_floating_point
    assert tl.float32.itemsize == 4 and tl.complex64.is_complex


def test_requires_grad_factory():
    assert tl.zeros(2, requires_grad=True).requires_grad
    with pytest.raises(RuntimeError) as e:
        tl.zeros(2, dtype=tl.int64, requires_grad=True)
    with pytest.raises(RuntimeError) as e2:
        torch.zeros(2, dtype=torch.int64, requires_grad=True)
    assert str(e.value) == str(e2.value)


def test_cuda_device_refused():
    with pytest.raises((AssertionError, RuntimeError)):
        tl.zeros(2, device="cuda")
    assert tl.zeros(2, device="cpu").device == tl.device("cpu")


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_finfo(dtype):
    a, b = tl.finfo(getattr(tl, dtype)), torch.finfo(getattr(torch, dtype))
    assert repr(a) == repr(b)
    assert (a.eps, a.max, a.min, a.tiny, a.bits) == (b.eps, b.max, b.min, b.tiny, b.bits)


@pytest.mark.parametrize("dtype", ["uint8", "int8", "int16", "int32", "int64"])
def test_iinfo(dtype):
    a, b = tl.iinfo(getattr(tl, dtype)), torch.iinfo(getattr(torch, dtype))
    assert repr(a) == repr(b) and (a.min, a.max, a.bits) == (b.min, b.max, b.bits)


def test_namespace_helpers():
    assert repr(tl.finfo()) == repr(torch.finfo())
    with pytest.raises(TypeError):
        tl.finfo(tl.int32)
    assert repr(tl.zeros(1).layout) == repr(torch.zeros(1).layout) == "torch.strided"
    assert tl.broadcast_shapes((2, 1), (3,)) == torch.broadcast_shapes((2, 1), (3,))
    with pytest.raises(RuntimeError) as e1:
        torch.broadcast_shapes((2, 3), (3, 2))
    with pytest.raises(RuntimeError) as e2:
        tl.broadcast_shapes((2, 3), (3, 2))
    assert str(e1.value) == str(e2.value)
    for a, b in [([1], 2.5), ([1.0], tl.tensor(1, dtype=tl.float64)), ([True], 1)]:
        ta = b if not isinstance(b, tl.Tensor) else torch.tensor(1, dtype=torch.float64)
        assert str(tl.result_type(tl.tensor(a), b)) == str(torch.result_type(torch.tensor(a), ta))
    assert tl.is_tensor(tl.zeros(1)) and not tl.is_tensor([1])
    assert tl.numel(tl.zeros(2, 3)) == 6 and tl.is_floating_point(tl.zeros(1))
    assert tl.pi == torch.pi and tl.e == torch.e and tl.inf == torch.inf
