"""Factories: tensor, as_tensor, from_numpy, zeros/ones/full/empty, arange/linspace/logspace,
eye, the *_like and new_* forms, and the legacy constructors (torch.Tensor(...), FloatTensor…)."""
from __future__ import annotations

import math
import warnings

import numpy as np

from . import _dtype as D
from ._normal import fma32 as _fma32, fma64 as _fma64
from ._tensor import Tensor, _wrap, check_device, ndarray

_SCALARS = (bool, int, float, complex)


def _finish(t, requires_grad):
    if requires_grad:
        if t.dtype.category < D.FLOAT:
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        t.requires_grad = True
    return t


# ------------------------------------------------------------------ from data
def _infer(data, depth, shape, flat):
    """Walk nested sequences: record the shape, check it is not ragged, collect leaves."""
    if isinstance(data, Tensor):
        if data._a.ndim:
            raise ValueError("only one element tensors can be converted to Python scalars")
        flat.append(data._a.item())
        return
    if isinstance(data, (list, tuple)) or (isinstance(data, ndarray)):
        n = len(data)
        if len(shape) == depth:
            shape.append(n)
        elif shape[depth] != n:
            raise ValueError(f"expected sequence of length {shape[depth]} at dim {depth} (got {n})")
        for x in data:
            _infer(x, depth + 1, shape, flat)
        return
    if len(shape) > depth:
        raise TypeError("not a sequence")
    if isinstance(data, str):
        # torch takes a leading string for a dimension, a later one for a bad element
        if flat:
            raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
        raise ValueError(f"too many dimensions '{type(data).__name__}'")
    if not isinstance(data, (*_SCALARS, np.generic)):
        raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")
    flat.append(data)


def _leaf_dtype(flat):
    """dtype torch infers for nested data: promote_types over the leaves, where Python
    bool/int/float/complex count as bool/int64/default float/default complex and NumPy
    scalars as their own dtype."""
    if not flat:
        return D.get_default_dtype()
    best = None
    for x in flat:
        d = D.from_numpy_dtype(x.dtype) if isinstance(x, np.generic) else D.scalar_dtype(x)
        best = d if best is None else D.PROMOTE[best, d]
    return best


def _array_from_data(data, dtype):
    """A fresh ndarray holding ``data`` with torch's dtype inference."""
    if isinstance(data, Tensor):
        a = data._a.copy()
        return a if dtype is None else a.astype(dtype.np)
    if isinstance(data, ndarray):
        d = D.from_numpy_dtype(data.dtype)
        return np.array(data, dtype=(dtype or d).np, copy=True)
    if isinstance(data, np.generic):
        d = dtype or D.from_numpy_dtype(data.dtype)
        return np.array(data, dtype=d.np)
    if isinstance(data, _SCALARS):
        d = dtype or D.scalar_dtype(data)
        return _cast_scalar_array(data, d)
    if not isinstance(data, (list, tuple)):
        if hasattr(data, "__array__") and not isinstance(data, str):
            return _array_from_data(np.asarray(data), dtype)
        if isinstance(data, str):
            raise TypeError(f"new(): invalid data type '{type(data).__name__}'")
        raise RuntimeError(f"Could not infer dtype of {type(data).__name__}")
    shape, flat = [], []
    _infer(data, 0, shape, flat)
    d = dtype or _leaf_dtype(flat)
    if d.category == D.COMPLEX:
        arr = np.array([complex(x) for x in flat], dtype=d.np)
    else:
        vals = [x.real if isinstance(x, complex) else x for x in flat]
        arr = _cast_list(vals, d)
    return arr.reshape(shape)


def _cast_scalar_array(x, d):
    return _cast_list([x], d).reshape(())


_INT_RANGE = {"int8": (-128, 127), "int16": (-2 ** 15, 2 ** 15 - 1), "int32": (-2 ** 31, 2 ** 31 - 1),
              "uint8": (-2 ** 63, 255)}


def _cast_list(vals, d):
    """Python scalars -> 1-D array of dtype d, converting each value as torch does."""
    if not vals:
        return np.zeros(0, d.np)
    if d.category == D.COMPLEX:
        return np.array(vals, dtype=np.complex128).astype(d.np)
    if any(isinstance(v, complex) for v in vals):
        vals = [v.real if isinstance(v, complex) else v for v in vals]
    if d.category == D.FLOAT:
        return np.array(vals, dtype=np.float64).astype(d.np)
    if d is D.bool_:
        return np.array(vals).astype(np.bool_)
    if any(isinstance(v, (float, np.floating)) for v in vals):
        f = np.array(vals, dtype=np.float64)
        if not np.all(np.isfinite(f)) or np.any(np.abs(f) >= 2.0 ** 63):
            raise RuntimeError(f"value cannot be converted to type {d.name} without overflow")
        a = np.trunc(f).astype(np.int64)
        if d is D.uint8 and a.size and a.min() < 0:
            raise RuntimeError(f"value cannot be converted to type {d.name} without overflow")
    else:
        try:
            a = np.array([int(v) for v in vals], dtype=np.int64)
        except OverflowError:
            raise ValueError("Overflow when unpacking long long") from None
    lim = _INT_RANGE.get(d.name)
    if lim is not None and a.size and (a.min() < lim[0] or a.max() > lim[1]):
        raise RuntimeError(f"value cannot be converted to type {d.name} without overflow")
    return a.astype(d.np)


def tensor(data, *, dtype=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """Construct a tensor with no autograd history by copying ``data``."""
    check_device(device)
    if isinstance(data, Tensor):
        warnings.warn(
            "To copy construct from a tensor, it is recommended to use sourceTensor.detach().clone() "
            "or sourceTensor.detach().clone().requires_grad_(True), rather than "
            "torch.tensor(sourceTensor).", UserWarning, stacklevel=2)
    return _finish(_wrap(_array_from_data(data, dtype)), requires_grad)


def as_tensor(data, dtype=None, device=None) -> Tensor:
    """Share memory with ``data`` when possible (a Tensor or ndarray of the right dtype)."""
    check_device(device)
    if isinstance(data, Tensor):
        return data if dtype is None or dtype is data.dtype else data.to(dtype)
    if isinstance(data, ndarray):
        t = from_numpy(data)
        return t if dtype is None or dtype is t.dtype else t.to(dtype)
    return _wrap(_array_from_data(data, dtype))


def asarray(obj, *, dtype=None, device=None, copy=None, requires_grad=False) -> Tensor:
    """torch.asarray: share memory unless copy=True or a conversion is needed."""
    check_device(device)
    if isinstance(obj, Tensor):
        t = obj
        if dtype is not None and dtype is not t.dtype:
            if copy is False:
                raise ValueError("can't alias tensor with a different dtype")
            t = t.to(dtype)
        elif copy:
            t = _wrap(t._a.copy())
        return _finish(t if t is not obj else obj, requires_grad)
    if isinstance(obj, ndarray) or hasattr(obj, "__array_interface__"):
        a = np.asarray(obj)
        t = from_numpy(a) if not copy else _wrap(np.array(a, copy=True))
        if dtype is not None and dtype is not t.dtype:
            t = _wrap(t._a.astype(dtype.np))
        return _finish(t, requires_grad)
    return _finish(_wrap(_array_from_data(obj, dtype)), requires_grad)


class _Storage:
    """Presents a NumPy view as its own buffer, so that a tensor made by from_numpy sees its
    storage start at the array's first element (storage_offset 0), as torch's does."""

    def __init__(self, a):
        self.owner = a
        ifc = dict(a.__array_interface__)
        ifc["strides"] = a.strides      # keep size-1 dims' strides (None would reset them)
        self.__array_interface__ = ifc


def from_numpy(ndarray_) -> Tensor:
    """A tensor sharing memory with a NumPy array (writes show through both ways)."""
    if not isinstance(ndarray_, ndarray):
        raise TypeError(f"expected np.ndarray (got {type(ndarray_).__name__})")
    if not ndarray_.dtype.isnative:     # checked first, as torch does: '>i4' is an int32
        raise ValueError("given numpy array has byte order different from the native byte order. "
                         "Conversion between byte orders is currently not supported.")
    d = D.from_numpy_dtype(ndarray_.dtype)
    if any(s < 0 for s in ndarray_.strides):
        raise ValueError(
            "At least one stride in the given numpy array is negative, and tensors with negative "
            "strides are not currently supported. (You can probably work around this by making a "
            "copy of your array  with array.copy().) ")
    if ndarray_.base is not None:
        ndarray_ = np.asarray(_Storage(ndarray_))
    return _wrap(ndarray_, d)


# ------------------------------------------------------------------ from sizes
def _size_args(size, zeros_ok=False):
    """torch accepts zeros(2, 3), zeros((2, 3)), zeros([2, 3]) and zeros(torch.Size)."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    out = []
    for s in size:
        if isinstance(s, (list, tuple)):
            raise TypeError("size must be tuple of ints, not a nested sequence")
        if isinstance(s, Tensor):
            s = s.__index__()
        elif not isinstance(s, int) or isinstance(s, bool):
            if hasattr(s, "__index__") and not isinstance(s, bool):
                s = s.__index__()
            else:
                raise TypeError(
                    f"zeros(): argument 'size' (position 1) must be tuple of ints, but found element of "
                    f"type {type(s).__name__} at pos {len(out)}")
        out.append(s)
    for s in out:
        if s < 0 and not zeros_ok:
            raise RuntimeError(
                f"Trying to create tensor with negative dimension {s}: [{', '.join(map(str, out))}]")
    return tuple(out)


def _factory(fill, size, dtype, device, requires_grad, out=None, name=None):
    check_device(device)
    d = dtype or D.get_default_dtype()
    shape = _size_args(size, zeros_ok=name == "zeros")
    if name == "zeros" and any(s < 0 for s in shape):
        raise RuntimeError("zeros: Dimension size must be non-negative.")
    if fill == 0:
        a = np.zeros(shape, d.np)
    elif fill == 1:
        a = np.ones(shape, d.np)
    else:
        a = np.full(shape, fill, d.np)
    t = _wrap(a, d)
    if out is not None:
        return _into(out, t)
    return _finish(t, requires_grad)


def _into(out, t):
    out._a = t._a.astype(out.dtype.np, copy=False) if t.dtype is not out.dtype else t._a
    return out


def zeros(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """A tensor of zeros."""
    return _factory(0, size, dtype, device, requires_grad, out, name="zeros")


def ones(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False, pin_memory=False):
    """A tensor of ones."""
    return _factory(1, size, dtype, device, requires_grad, out)


def empty(*size, out=None, dtype=None, layout=None, device=None, requires_grad=False,
          pin_memory=False, memory_format=None):
    """An uninitialised tensor (torchless fills it with zeros)."""
    return _factory(0, size, dtype, device, requires_grad, out)


def full(size, fill_value, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """A tensor filled with fill_value; the dtype follows the value when not given."""
    if isinstance(fill_value, Tensor):
        fill_value = fill_value.item()
    d = dtype or D.scalar_dtype(fill_value)
    check_device(device)
    shape = _size_args(size if isinstance(size, (tuple, list)) else (size,))
    a = np.empty(shape, d.np)
    a[...] = _cast_scalar_array(fill_value, d) if d.category != D.COMPLEX else fill_value
    t = _wrap(a, d)
    if out is not None:
        return _into(out, t)
    return _finish(t, requires_grad)


def _like(src, dtype):
    return dtype or src.dtype


def zeros_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _factory(0, input._a.shape, _like(input, dtype), device, requires_grad)


def ones_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _factory(1, input._a.shape, _like(input, dtype), device, requires_grad)


def empty_like(input, *, dtype=None, layout=None, device=None, requires_grad=False, memory_format=None):
    return _factory(0, input._a.shape, _like(input, dtype), device, requires_grad)


def full_like(input, fill_value, *, dtype=None, layout=None, device=None, requires_grad=False,
              memory_format=None):
    return full(input._a.shape, fill_value, dtype=_like(input, dtype), device=device,
                requires_grad=requires_grad)


def _new_tensor(self, data, *, dtype=None, device=None, requires_grad=False, **kw):
    return _finish(_wrap(_array_from_data(data, dtype or self.dtype)), requires_grad)


def _new_zeros(self, *size, dtype=None, device=None, requires_grad=False, **kw):
    return _factory(0, size, dtype or self.dtype, device, requires_grad)


def _new_ones(self, *size, dtype=None, device=None, requires_grad=False, **kw):
    return _factory(1, size, dtype or self.dtype, device, requires_grad)


def _new_empty(self, *size, dtype=None, device=None, requires_grad=False, **kw):
    return _factory(0, size, dtype or self.dtype, device, requires_grad)


def _new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False, **kw):
    return full(size, fill_value, dtype=dtype or self.dtype, device=device, requires_grad=requires_grad)


Tensor.new_tensor = _new_tensor
Tensor.new_zeros = _new_zeros
Tensor.new_ones = _new_ones
Tensor.new_empty = _new_empty
Tensor.new_full = _new_full


# ------------------------------------------------------------------ ranges
def _num(x):
    return x.item() if isinstance(x, Tensor) else x


def arange(start, end=None, step=1, *, out=None, dtype=None, layout=None, device=None,
           requires_grad=False):
    """Values from start to end (exclusive) by step."""
    check_device(device)
    start, end, step = _num(start), _num(end), _num(step)
    if end is None:
        start, end = 0, start
    if step == 0:
        raise RuntimeError("step must be nonzero")
    if (end - start) / step < 0 and end != start:
        raise RuntimeError("upper bound and larger bound inconsistent with step sign")
    if dtype is None:
        all_int = all(isinstance(v, (int, np.integer)) for v in (start, end, step))
        dtype = D.int64 if all_int else D.get_default_dtype()
    n = max(0, math.ceil((end - start) / step))
    if dtype.category == D.INT:
        a = (np.arange(n, dtype=np.int64) * int(step) + int(start)) if all(
            float(v).is_integer() for v in (start, step)) else \
            (start + np.arange(n, dtype=np.float64) * step).astype(np.int64)
        a = a.astype(dtype.np)
    else:
        a = (start + np.arange(n, dtype=np.float64) * step).astype(dtype.np)
    t = _wrap(a, dtype)
    if out is not None:
        return _into(out, t)
    return _finish(t, requires_grad)


def _linspace_values(start, end, steps, np_dtype):
    """torch's linspace: the first half counts up from start, the second half down from end,
    each value one fused multiply-add (single rounding), in the compute precision."""
    if np_dtype == np.float16:
        # half precision: plain (unfused) float16 arithmetic
        h = np.float16
        s, e = h(start), h(end)
        if steps == 1:
            return np.array([s])
        step = (e - s) / h(steps - 1)
        i = np.arange(steps)
        return np.where(i < steps // 2, s + step * i.astype(h), e - step * (steps - 1 - i).astype(h))
    f64 = np_dtype == np.float64
    cd = np.float64 if f64 else np.float32
    s, e = cd(start), cd(end)
    if steps == 1:
        return np.array([s])
    step = (e - s) / cd(steps - 1)
    i = np.arange(steps)
    fma = _fma64 if f64 else _fma32
    lo = fma(np.full(steps, step, cd), i.astype(cd), np.full(steps, s, cd))
    hi = fma(np.full(steps, -step, cd), (steps - 1 - i).astype(cd), np.full(steps, e, cd))
    return np.where(i < steps // 2, lo, hi)


def linspace(start, end, steps, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """steps values evenly spaced from start to end inclusive."""
    check_device(device)
    start, end = _num(start), _num(end)
    if not isinstance(steps, int) or steps < 0:
        raise RuntimeError("number of steps must be non-negative")
    d = dtype or D.get_default_dtype()
    if steps == 0:
        a = np.zeros(0, d.np)
    elif d.category == D.INT:
        # integer linspace truncates the ends first, then runs the float64 formula
        a = np.trunc(_linspace_values(float(int(start)), float(int(end)), steps, np.float64)
                     ).astype(d.np)
    else:
        a = _linspace_values(start, end, steps, d.np).astype(d.np)
    t = _wrap(a, d)
    if out is not None:
        return _into(out, t)
    return _finish(t, requires_grad)


def logspace(start, end, steps, base=10.0, *, out=None, dtype=None, layout=None, device=None,
             requires_grad=False):
    """base ** linspace(start, end, steps)."""
    d = dtype or D.get_default_dtype()
    exps = linspace(start, end, steps, dtype=D.float64)._a
    a = np.power(float(base), exps).astype(d.np)
    t = _wrap(a, d)
    if out is not None:
        return _into(out, t)
    return _finish(t, requires_grad)


def eye(n, m=None, *, out=None, dtype=None, layout=None, device=None, requires_grad=False):
    """A 2-D tensor with ones on the diagonal."""
    check_device(device)
    if n < 0:
        raise RuntimeError(f"n must be greater or equal to 0, got {n}")
    if m is not None and m < 0:
        raise RuntimeError(f"m must be greater or equal to 0, got {m}")
    d = dtype or D.get_default_dtype()
    t = _wrap(np.eye(n, n if m is None else m, dtype=d.np), d)
    if out is not None:
        return _into(out, t)
    return _finish(t, requires_grad)


# ------------------------------------------------------------------ legacy constructors
def _legacy(d, args, kwargs):
    device = kwargs.pop("device", None)
    check_device(device)
    if not args:
        return _wrap(np.zeros(0, d.np), d)
    if len(args) == 1 and isinstance(args[0], Tensor):
        src = args[0]
        if src.dtype is not d:
            raise TypeError(f"expected {d.legacy.replace('Tensor', '').replace('torch.', '')} "
                            f"(got {src.dtype.type_name})")
        return src
    if all(isinstance(a, int) and not isinstance(a, bool) for a in args) or (
            len(args) == 1 and type(args[0]).__name__ == "Size"):
        return _wrap(np.zeros(_size_args(args), d.np), d)
    if len(args) == 1:
        return _wrap(_array_from_data(args[0], d), d)
    raise TypeError("new(): invalid arguments")


def _tensor_new(cls, *args, **kwargs):
    t = _legacy(D.get_default_dtype(), args, kwargs)
    if cls is not Tensor:
        t.__class__ = cls
    return t


Tensor.__new__ = _tensor_new


class _LegacyMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls.dtype

    def __repr__(cls):
        return f"<class '{cls.dtype.legacy}'>"


def _make_legacy(d):
    name = d.legacy.split(".")[-1]

    def __new__(cls, *args, **kwargs):
        return _legacy(d, args, kwargs)

    return _LegacyMeta(name, (), {"__new__": __new__, "dtype": d, "__module__": "torch"})


FloatTensor = _make_legacy(D.float32)
DoubleTensor = _make_legacy(D.float64)
HalfTensor = _make_legacy(D.float16)
LongTensor = _make_legacy(D.int64)
IntTensor = _make_legacy(D.int32)
ShortTensor = _make_legacy(D.int16)
CharTensor = _make_legacy(D.int8)
ByteTensor = _make_legacy(D.uint8)
BoolTensor = _make_legacy(D.bool_)
