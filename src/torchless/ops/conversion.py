"""Conversions and copies: to, the dtype methods (float, long ...), clone, contiguous,
detach, requires_grad_, copy_, cpu/cuda, and torch's memory formats.

Copies keep torch's strides: like torch's ``preserve_format``, a copy of a dense tensor
(any permutation of a contiguous layout, size-1 dims included) has the same strides, and a
copy of anything else gets contiguous strides in the order of the source's strides.
Casts follow torch on x86 CPUs, which NumPy's casts match: floats truncate toward zero, nan
and out-of-range values become the integer minimum (of int32 for the narrower types, then
wrapped), complex to real keeps the real part with torch's warning.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._size import infer_size
from .._tensor import Tensor, _wrap, check_device, device
from ..autograd.function import NONE, Op
from ..autograd.grad_mode import ENABLED
from ._inplace import (apply_inplace, bump_version, check_inplace_allowed, check_no_overlap,
                       commit)

_ndarray = np.ndarray
_DTYPE = D.dtype


# ---------------------------------------------------------------- memory formats
class memory_format:
    """torch.memory_format: how a copy lays out its strides."""

    __slots__ = ("_name",)

    def __init__(self, name):
        self._name = name

    def __repr__(self):
        return "torch." + self._name

    def __reduce__(self):
        return self._name      # pickled by reference to this module's global of that name


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")


# ---------------------------------------------------------------- copying arrays
def _dense_strides(a):
    """Element strides of a preserve-format copy of ``a`` (see module docstring)."""
    item = a.itemsize
    st = [s // item for s in a.strides]
    shape = a.shape
    # the order of dims from outermost to innermost; stride-0 (expanded) dims go outermost
    order = sorted(range(a.ndim), key=lambda i: (-(st[i] if st[i] else 1 << 62), i))
    expected, dense = 1, True
    for i in reversed(order):
        if shape[i] != 1:
            if st[i] != expected:
                dense = False
                break
            expected *= shape[i]
    if dense or a.size == 0:
        return st
    out = [0] * a.ndim
    acc = 1
    for i in reversed(order):
        out[i] = acc
        acc *= shape[i]
    return out


def copy_array(a, np_dtype=None, contiguous=False):
    """A fresh array with ``a``'s values cast to np_dtype, laid out as torch lays out copies."""
    dt = a.dtype if np_dtype is None else np_dtype
    plain = a.dtype.kind != "c" or dt.kind == "c"        # no complex-to-real warning due
    if plain and a.flags.c_contiguous and (a.ndim < 2 or 1 not in a.shape):
        return a.copy() if dt == a.dtype else a.astype(dt)
    if contiguous or a.ndim < 2:
        if plain:
            return np.array(a, dtype=dt, order="C")
        r = np.empty(a.shape, dt)
    else:
        st = _dense_strides(a)
        size = 1
        for s in a.shape:
            size *= s
        r = _ndarray(a.shape, dt, np.empty(size, dt), 0, tuple(s * dt.itemsize for s in st))
    _cast_into(r, a)
    return r


def _cast_into(dst, src):
    """dst[...] = src with torch's cast rules (src broadcast to dst's shape)."""
    if src.dtype.kind == "c" and dst.dtype.kind != "c":
        import warnings
        warnings.warn("Casting complex values to real discards the imaginary part", UserWarning,
                      stacklevel=4)
        src = src.real if dst.dtype != np.bool_ else (src != 0)
    np.copyto(dst, src, casting="unsafe")


def _astype(a, np_dtype):
    """A cast copy of ``a`` in torch's layout."""
    return copy_array(a, np_dtype)


# ---------------------------------------------------------------- ops
class ToCopy(Op):
    """A copy converted to another dtype (torch's _to_copy)."""

    name = "ToCopyBackward0"
    kind = NONE
    needs_inputs = False     # backward reads the input's dtype only

    @staticmethod
    def forward(ctx, a, dtype):
        return _astype(a, dtype.np)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        if g.dtype.is_complex and not x.dtype.is_complex:
            # the gradient of a real input is the real part, without the cast's warning
            return (_wrap(np.ascontiguousarray(g._a.real)),)
        return (g,)


class Clone(Op):
    """A copy with the same dtype; preserve_format strides unless contiguous is asked."""

    name = "CloneBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a, contiguous=False):
        return copy_array(a, None, contiguous)

    @staticmethod
    def backward(ctx, g):
        return (g,)


class Copy(Op):
    """The value written by ``self.copy_(src)``: src broadcast and cast to self's dtype.
    Its graph node has self's old history as an input with a zero gradient, as torch's."""

    name = "CopyBackwards"
    kind = NONE
    needs_inputs = False     # (self is overwritten right after; backward reads neither value)

    @staticmethod
    def forward(ctx, s, src):
        r = np.empty(s.shape, s.dtype)
        _cast_into(r, src)
        return r

    @staticmethod
    def backward(ctx, g):
        need_self, need_src = ctx.needs_input_grad
        return (_wrap(np.zeros_like(g._a)) if need_self else None), (g if need_src else None)


# ---------------------------------------------------------------- to()
_PY_TYPES = {float: D.float64, int: D.int64, bool: D.bool_, complex: D.complex128}

_TO_SIGNATURES = (
    " * (torch.device device = None, torch.dtype dtype = None, bool non_blocking = False, bool copy = "
    "False, *, torch.memory_format memory_format = None)\n"
    " * (torch.dtype dtype, bool non_blocking = False, bool copy = False, *, torch.memory_format "
    "memory_format = None)\n"
    " * (Tensor tensor, bool non_blocking = False, bool copy = False, *, torch.memory_format "
    "memory_format = None)\n")


def type_name(x):
    """A value's type as torch names it in argument errors (int, numpy.ndarray, ...)."""
    t = type(x)
    return t.__name__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"


def _type_label(x):
    if isinstance(x, _DTYPE):
        return "torch.dtype"
    if isinstance(x, device):
        return "torch.device"
    if isinstance(x, Tensor):
        return "Tensor"
    return type_name(x)


def _bad_to(args, kwargs):
    got = ", ".join([_type_label(a) for a in args] + [f"{k}={_type_label(v)}" for k, v in kwargs.items()])
    if kwargs and not args:
        got += ", "
    return TypeError(f"to() received an invalid combination of arguments - got ({got}), but expected "
                     f"one of:\n{_TO_SIGNATURES}")


def _as_dtype(x):
    """A dtype from a dtype or a Python type (float means float64, as in torch)."""
    if isinstance(x, _DTYPE):
        return x
    return _PY_TYPES.get(x) if isinstance(x, type) else None


def _well_formed_device(s):
    """torch's device-string grammar: letters/underscores, optionally ':' and an index."""
    name, _, index = s.partition(":")
    return (name != "" and all(c.isalpha() or c == "_" for c in name) and name.isascii()
            and (not _ or (index.isdigit() and (index == "0" or index[0] != "0"))))


def _check_to_device(dev):
    if isinstance(dev, int) and not isinstance(dev, bool):
        raise RuntimeError("Cannot access accelerator device when none is available.")
    if isinstance(dev, str):
        if not _well_formed_device(dev):
            raise RuntimeError(f"Invalid device string: '{dev}'")
        if device(dev).type == "mps":
            raise RuntimeError("PyTorch is not linked with support for mps devices")
    check_device(dev)


def _parse_to(args, kwargs):
    """(dtype or None, copy, memory_format) from to()'s three signatures."""
    dtype = dev = None
    copy = non_blocking = False
    fmt = kwargs.get("memory_format")
    for k in kwargs:
        if k not in ("device", "dtype", "non_blocking", "copy", "memory_format", "tensor"):
            raise _bad_to(args, kwargs)
    rest = list(args)
    if rest and isinstance(rest[0], Tensor):
        dtype = rest.pop(0).dtype
    elif "tensor" in kwargs:
        dtype = kwargs["tensor"].dtype
    elif rest and _as_dtype(rest[0]) is not None:
        dtype = _as_dtype(rest.pop(0))
    else:
        if rest and (rest[0] is None or isinstance(rest[0], (str, device, int))
                     and not isinstance(rest[0], bool)):
            dev = rest.pop(0)
        if rest and (_as_dtype(rest[0]) is not None or rest[0] is None):
            dtype = _as_dtype(rest.pop(0))
        if "device" in kwargs:
            dev = kwargs["device"]
        if "dtype" in kwargs:
            dtype = kwargs["dtype"]
            if dtype is not None and _as_dtype(dtype) is None:
                raise _bad_to(args, kwargs)
            dtype = _as_dtype(dtype) if dtype is not None else None
    # what remains: non_blocking, copy (bools)
    if len(rest) > 2 or any(not isinstance(v, bool) for v in rest):
        raise _bad_to(args, kwargs)
    if rest:
        non_blocking = rest[0]
    if len(rest) > 1:
        copy = rest[1]
    copy = kwargs.get("copy", copy)
    if dev is not None:
        _check_to_device(dev)
    return dtype, bool(copy), fmt


def to(self, *args, **kwargs):
    """This tensor with another dtype (or device); itself when nothing changes and copy=False."""
    if len(args) == 1 and not kwargs:
        d = args[0]
        if d.__class__ is _DTYPE:
            if d is self.dtype:
                return self
            return _convert(self, d)
    dtype, copy, fmt = _parse_to(args, kwargs)
    if dtype is None:
        dtype = self.dtype
    if dtype is self.dtype and not copy:
        if fmt is contiguous_format and not self.is_contiguous():
            return Clone.apply(self, contiguous=True)
        return self
    if fmt is contiguous_format and not self._a.flags.c_contiguous:
        self = Clone.apply(self, contiguous=True)
    return _convert(self, dtype)


def _convert(self, dtype):
    if ENABLED[0] and self.requires_grad:
        return ToCopy.apply(self, dtype=dtype)
    return _wrap(_astype(self._a, dtype.np), dtype)


def _dtype_method(dt, name):
    def method(self, memory_format=preserve_format):
        if self.dtype is dt:
            return self
        return _convert(self, dt)
    method.__name__ = name
    method.__doc__ = f"This tensor as {dt} (itself when it already is)."
    return method


# ---------------------------------------------------------------- clone / contiguous / detach
def clone(input, *, memory_format=preserve_format):
    """A copy of input with its own memory (torch's strides, see module docstring)."""
    if not isinstance(input, Tensor):
        raise TypeError(f"clone(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    c = memory_format is contiguous_format
    if ENABLED[0] and input.requires_grad:
        return Clone.apply(input, contiguous=c)
    return _wrap(copy_array(input._a, None, c), input.dtype)


def contiguous(self, memory_format=contiguous_format):
    """Itself when already contiguous, else a contiguous copy."""
    if self._a.flags.c_contiguous or self.is_contiguous():
        return self
    if ENABLED[0] and self.requires_grad:
        return Clone.apply(self, contiguous=True)
    return _wrap(np.ascontiguousarray(self._a), self.dtype)


def detach(input):
    """A tensor sharing input's memory, cut from the graph."""
    return _wrap(input._a, input.dtype)


def detach_(self):
    """Cut this tensor from the graph in place."""
    if isinstance(self._a.base, _ndarray):
        raise RuntimeError(
            "Can't detach views in-place. Use detach() instead. If you are using "
            "DistributedDataParallel (DDP) for training, and gradient_as_bucket_view is set as True, "
            "gradients are views of DDP buckets, and hence detach_() cannot be called on these "
            "gradients. To fix this error, please refer to the Optimizer.zero_grad() function in "
            "torch/optim/optimizer.py as the solution.")
    self.requires_grad = False
    self.grad_fn = None
    return self


def requires_grad_(self, requires_grad=True):
    """Set whether autograd records operations on this (leaf) tensor."""
    if requires_grad.__class__ is not bool:
        raise TypeError(f"requires_grad_(): argument 'requires_grad' (position 1) must be bool, not "
                        f"{type_name(requires_grad)}")
    if self.grad_fn is not None:
        if not requires_grad:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you want to use a "
                "computed variable in a subgraph that doesn't require differentiation use "
                "var_no_grad = var.detach().")
        return self
    if requires_grad and self.dtype.category < D.FLOAT:
        raise RuntimeError("only Tensors of floating point dtype can require gradients")
    self.requires_grad = requires_grad
    return self


# ---------------------------------------------------------------- copy_
def _shape_str(s):
    return "[" + ", ".join(map(str, s)) + "]"


def _check_copy_shapes(dst, src):
    out = infer_size(dst, src)
    if tuple(out) != tuple(dst):
        raise RuntimeError(f"output with shape {_shape_str(dst)} doesn't match the broadcast shape "
                           f"{_shape_str(out)}")


def _check_overlap(dst, src):
    """torch refuses a copy between dense tensors whose memory partly overlaps."""
    if not np.may_share_memory(dst, src):
        return
    p, q = dst.__array_interface__["data"][0], src.__array_interface__["data"][0]
    if p == q and dst.strides == src.strides:
        return
    if dst.flags.c_contiguous and src.flags.c_contiguous:
        raise RuntimeError(
            "unsupported operation: some elements of the input tensor and the written-to tensor "
            "refer to a single memory location. Please clone() the tensor before performing the "
            "operation.")


def copy_(self, src, non_blocking=False):
    """Copy src's values into this tensor (broadcast, cast to this dtype), in place."""
    if not isinstance(src, Tensor):
        if isinstance(src, (bool, int, float, complex)):
            src = _wrap(np.asarray(src, D.scalar_dtype(src).np))
        else:
            raise TypeError(f"copy_(): argument 'other' (position 1) must be Tensor, not "
                            f"{type_name(src)}")
    dst, a = self._a, src._a
    if dst.shape != a.shape:
        _check_copy_shapes(dst.shape, a.shape)
    check_inplace_allowed(self)
    if 0 in dst.strides:
        check_no_overlap(dst)
    _check_overlap(dst, a)
    if ENABLED[0] and (self.requires_grad or src.requires_grad):
        return commit(self, Copy.apply(self, src))
    _cast_into(dst, a)
    bump_version(self)
    return self


# ---------------------------------------------------------------- devices
def cpu(self, memory_format=preserve_format):
    """Itself: torchless tensors live on the CPU."""
    return self


def cuda(self, device=None, non_blocking=False, memory_format=preserve_format):
    """Refused as by a CPU-only torch build."""
    if isinstance(device, int) and not isinstance(device, bool):
        raise RuntimeError("Cannot access accelerator device when none is available.")
    raise AssertionError("Torch not compiled with CUDA enabled")


def type_as(self, other):
    """This tensor with other's dtype."""
    return self.to(other.dtype)


def _clone_method(self, *, memory_format=preserve_format):
    a = self._a
    if not (self.requires_grad and ENABLED[0]) and memory_format is preserve_format and (
            a.flags.c_contiguous and (a.ndim < 2 or 1 not in a.shape)):
        return _wrap(a.copy(), self.dtype)       # the common case, without clone()'s checks
    return clone(self, memory_format=memory_format)


Tensor.to = to
Tensor.clone = _clone_method
Tensor.contiguous = contiguous
Tensor.detach = detach
Tensor.detach_ = detach_
Tensor.requires_grad_ = requires_grad_
Tensor.copy_ = copy_
Tensor.cpu = cpu
Tensor.cuda = cuda
Tensor.type_as = type_as
for _name, _dt in (("float", D.float32), ("double", D.float64), ("half", D.float16),
                   ("long", D.int64), ("int", D.int32), ("short", D.int16), ("char", D.int8),
                   ("byte", D.uint8), ("bool", D.bool_), ("cfloat", D.complex64),
                   ("cdouble", D.complex128)):
    setattr(Tensor, _name, _dtype_method(_dt, _name))
del _name, _dt

# ---------------------------------------------------------------- fill_ / zero_
class Fill(Op):
    """Every element set to one value (fill_ / zero_); no gradient reaches the old values."""
    name = "FillBackward2"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a, value, name="FillBackward2"):
        ctx.name = name
        # through a 0-d array so out-of-range ints wrap (uint8 fill_(-1) -> 255) as in torch
        return np.broadcast_to(np.asarray(value).astype(a.dtype), a.shape).copy()

    @staticmethod
    def backward(ctx, g):
        # a 0-dim value tensor that requires grad (FillBackward3) receives the sum
        return g * 0, (g.sum() if ctx.needs_input_grad[1] else None)


def _fill_(self, value):
    """Fill self with value, in place."""
    if isinstance(value, Tensor):
        if value._a.ndim:
            raise RuntimeError(
                f"fill_ only supports 0-dimension value tensor but got tensor with "
                f"{value._a.ndim} dimensions.")
        # (a value tensor, unlike a number, gets the overlap check of an expanded self)
        return apply_inplace(Fill, self, value, name="FillBackward3")
    return _fill_with(self, value, "FillBackward2")


def _zero_(self):
    """Fill self with zeros, in place."""
    return _fill_with(self, 0, "ZeroBackward0")


def _fill_with(self, value, name):
    a = self._a
    if 0 in a.strides and not (ENABLED[0] and self.requires_grad):
        # torch fills an expanded tensor (its elements share memory) without complaint
        check_inplace_allowed(self)
        np.copyto(a, np.asarray(value).astype(a.dtype), casting="unsafe")
        bump_version(self)
        return self
    return apply_inplace(Fill, self, value, name=name)


Tensor.fill_ = _fill_
Tensor.zero_ = _zero_


__all__ = ["clone", "detach", "memory_format", "contiguous_format", "preserve_format",
           "channels_last", "channels_last_3d"]
