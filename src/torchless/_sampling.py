"""The in-place sampling kernels (uniform_, normal_, random_, bernoulli_, exponential_), bit for
bit like torch's CPU kernels (shared/RNG.md), and the plumbing that stores their values.

Destinations are filled in torch's element order: logical order for contiguous tensors,
otherwise memory order (dimensions sorted by stride, the way TensorIterator walks them).
"""
from __future__ import annotations

import warnings

import math

import numpy as np

from . import _dtype as D
from . import _normal as N
from ._generator import _FUSED, _eng
from ._tensor import Tensor, _wrap
from ._version import bump as _bump_version
from .autograd.grad_mode import ENABLED as GRAD_ENABLED   # a leaf module: no import cycle

f32 = np.float32


# ------------------------------------------------------------------ destinations
def _check_inplace(t: Tensor) -> None:
    """Before an in-place fill: torch's error for a leaf that requires grad, and for overlap."""
    if GRAD_ENABLED[0] and t.requires_grad and t.grad_fn is None:
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation.")
    _check_writable(t)


def _check_writable(t: Tensor) -> None:
    a = t._a
    if any(st == 0 and sz > 1 for st, sz in zip(a.strides, a.shape)):
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a "
            "single memory location. Please clone() the tensor before performing the operation.")


def _iter_axes(a: np.ndarray):
    """TensorIterator's walk over a non-contiguous tensor: dimensions by stride, largest first."""
    return sorted(range(a.ndim), key=lambda d: -abs(a.strides[d]) if a.shape[d] > 1 else 0)


def _iter_order(values: np.ndarray, like: Tensor) -> np.ndarray:
    """values (shaped like `like`) flattened in the order _write stores into `like`."""
    if like.is_contiguous():
        return values.reshape(-1)
    return values.transpose(_iter_axes(like._a)).reshape(-1)


def _write(t: Tensor, values: np.ndarray) -> Tensor:
    """Store values (1-D, torch's element order) into t, in place."""
    a = t._a
    if a.size:
        if t.is_contiguous():
            a[...] = values.reshape(a.shape)
        else:
            v = a.transpose(_iter_axes(a))
            v[...] = values.reshape(v.shape)
        _bump_version(a)                 # autograd checks saved tensors against this
    return t


def _new(shape, dtype) -> Tensor:
    return _wrap(np.empty(shape, dtype.np), dtype)


def _out_tensor(out, shape, dtype, fname):
    """Resolve out=: check the dtype, resize like torch (with its warning), return it."""
    if not isinstance(out, Tensor):
        raise TypeError(f"{fname}(): argument 'out' must be Tensor, not {type(out).__name__}")
    if dtype is not None and dtype is not out.dtype:
        raise RuntimeError(f"dtype {dtype.type_name} does not match dtype of out parameter "
                           f"({out.dtype.type_name})")
    if tuple(out._a.shape) != tuple(shape):
        if out._a.size:
            warnings.warn(
                f"An output with one or more elements was resized since it had shape "
                f"{list(out._a.shape)}, which does not match the required output shape "
                f"{list(shape)}. This behavior is deprecated, and in a future PyTorch release "
                "outputs will not be resized unless they have zero elements. You can explicitly "
                "reuse an out tensor t by resizing it, inplace, to zero elements with "
                "t.resize_(0).",
                UserWarning, stacklevel=3)
        out._a = np.empty(shape, out.dtype.np)
    return out


def _fmt(x) -> str:
    """A number as torch's C++ messages print it."""
    if isinstance(x, float):
        return "%g" % x
    return str(x)


_C_NAMES = {"float32": "float", "float64": "double", "float16": "c10::Half",
            "int64": "long", "int32": "int", "int16": "short int", "int8": "signed char",
            "uint8": "unsigned char", "bool": "bool"}


def _require_float(dtype, kernel: str) -> None:
    if dtype.category != D.FLOAT:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{dtype.type_name}\'')


# ------------------------------------------------------------------ uniform_
def _uniform_values(eng, n, dtype, low, high):
    if dtype is D.float64:
        u = eng.u53(n)
        if low == 0.0 and high == 1.0:
            return u
        span = high - low
        v = N.fma64(u, span, low) if _FUSED[0] else u * span + low
        v[v == high] = low
        return v
    # float32, and float16 drawn at float precision
    u = eng.u24(n)
    lo, hi = f32(low), f32(high)
    if lo == 0 and hi == 1:
        v = u
    else:
        span = f32(hi - lo)
        tiny = max(abs(lo), abs(span)) < 1e-15          # results could be subnormal
        v = N.fma32(u, span, lo, tiny) if _FUSED[0] else u * span + lo
        v[v == hi] = lo
    if dtype is D.float16:
        # computed in float, stored as half: a value that rounds up to `to` becomes `from`
        h = v.astype(np.float16)
        h[h == np.float16(hi)] = np.float16(lo)
        return h
    return v


def _check_uniform(dtype, low, high):
    _require_float(dtype, "check_uniform_bounds")
    info = np.finfo(dtype.np)
    cname = _C_NAMES.get(dtype.name, dtype.name)
    if not (info.min <= low <= info.max):
        raise RuntimeError(f"from is out of bounds for {cname}")
    if not (info.min <= high <= info.max):
        raise RuntimeError(f"to is out of bounds for {cname}")
    if low > high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                           f"from={_fmt(low)} > to={_fmt(high)}")
    if high - low > info.max:
        raise RuntimeError(
            f"uniform_ expects to-from <= std::numeric_limits<{dtype.type_name}>::max(), but "
            f"found to={_fmt(high)} and from={_fmt(low)} which result in to-from to exceed the "
            "limit")


def uniform_draw(dtype, n, low, high, generator=None):
    """n values of uniform_(low, high) for a tensor of `dtype`, in fill order (a complex
    tensor as its real view: 2n values)."""
    if dtype.is_complex:
        real = D.float64 if dtype is D.complex128 else D.float32
        return uniform_draw(real, 2 * n, low, high, generator).astype(
            real.np, copy=False).view(dtype.np)
    low, high = float(low), float(high)
    _check_uniform(dtype, low, high)
    return _uniform_values(_eng(generator, "uniform_"), n, dtype, low, high)


def uniform_(self: Tensor, from_=0.0, to=1.0, *, generator=None, **kw) -> Tensor:
    """Fill self with U[from, to) (Tensor.uniform_)."""
    if "from" in kw:
        from_ = kw.pop("from")
    if kw:
        raise TypeError(f"uniform_() got an unexpected keyword argument '{next(iter(kw))}'")
    _check_inplace(self)
    return _write(self, uniform_draw(self.dtype, self._a.size, from_, to, generator))


# ------------------------------------------------------------------ normal_
def normal_draw(dtype, n, mean=0.0, std=1.0, generator=None, contiguous=True):
    """n values of normal_(mean, std) for a tensor of `dtype` (contiguous or not), in fill order.
    A complex tensor is filled as its real view (2n values) with std / sqrt(2), as torch does."""
    if dtype.is_complex:
        real = D.float64 if dtype is D.complex128 else D.float32
        v = normal_draw(real, 2 * n, mean, float(std) / math.sqrt(2), generator, contiguous)
        return v.astype(real.np, copy=False).view(dtype.np)
    _require_float(dtype, "normal_kernel_cpu")
    mean, std = float(mean), float(std)
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
    eng = _eng(generator, "normal_")
    npdt = np.float64 if dtype is D.float64 else np.float32
    if n >= 16 and contiguous:
        return N.normal_fill(eng, n, npdt, mean, std, _FUSED[0], half=dtype is D.float16)
    return N.normal_scalar(eng, n, mean, std, _FUSED[0]).astype(npdt)


def normal_(self: Tensor, mean=0.0, std=1.0, *, generator=None) -> Tensor:
    """Fill self with N(mean, std**2) samples (Tensor.normal_)."""
    _check_inplace(self)
    return _write(self, normal_draw(self.dtype, self._a.size, mean, std, generator,
                                    self.is_contiguous()))


# ------------------------------------------------------------------ random_
def _limits(dt):
    """(lowest, highest) integers random_ may produce: the int range, or ±2**digits for floats."""
    if dt is D.bool_:
        return 0, 1
    if dt.category == D.INT:
        info = np.iinfo(dt.np)
        return int(info.min), int(info.max)
    digits = {D.float16: 11, D.float32: 24, D.float64: 53}[dt]
    return -(1 << digits), 1 << digits


def _check_from_to(dt, low, high_inclusive):
    """torch's bounds checks for random_(from, to): errors for ints, warnings for floats."""
    lo, hi = _limits(dt)
    cname = _C_NAMES.get(dt.name, dt.name)
    if dt.category == D.FLOAT:
        digits = {D.float16: 11, D.float32: 24, D.float64: 53}[dt]
        for name, v in (("from", low), ("to - 1", high_inclusive)):
            if not lo <= v <= hi:
                warnings.warn(
                    f"{name} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision "
                    f"limitations {cname} can support discrete uniform distribution only within "
                    "this range. This warning will become an error in version 1.7 release, please "
                    "fix the code in advance", UserWarning, stacklevel=4)
        return
    if not lo <= low <= hi:
        raise RuntimeError(f"from is out of bounds for {cname}")
    if not lo <= high_inclusive <= hi:
        raise RuntimeError(f"to - 1 is out of bounds for {cname}")


def _range_values(eng, n, low, span):
    """low + (r mod span) as int64: r32 when span < 2**28, else r64 (torch's switch)."""
    if span >= 1 << 64:
        return eng.r64(n).view(np.int64)
    if span < 1 << 28:
        r = eng.raw(n)
        r %= np.uint64(span)
    else:
        r = eng.r64(n)
        r %= np.uint64(span)
    # low + r, computed modulo 2**64 (the true sum always fits in int64)
    r += np.uint64(low & 0xFFFFFFFFFFFFFFFF)
    return r.view(np.int64)


def _as_int(x, what):
    if isinstance(x, Tensor):
        x = x.item()
    if isinstance(x, bool) or not isinstance(x, (int, np.integer)):
        if isinstance(x, float) and x.is_integer():
            return int(x)
        raise TypeError(f"random_(): argument '{what}' must be int, not {type(x).__name__}")
    return int(x)


def random_draw(dtype, n, from_=None, to=None, generator=None):
    """n values of random_(from, to) for a tensor of `dtype`, as int64 (or uint) in fill order."""
    if dtype.category == D.COMPLEX:
        raise NotImplementedError(f"\"random_\" not implemented for '{dtype.type_name}'")
    if from_ is None and to is None:                  # the dtype's whole non-negative range
        eng = _eng(generator, "random_")
        if dtype is D.int64:
            return (eng.r64(n) & np.uint64(0x7FFFFFFFFFFFFFFF)).view(np.int64)
        if dtype is D.float64:
            return (eng.r64(n) % np.uint64((1 << 53) + 1)).astype(np.int64)
        return eng.r32(n) % np.uint32(_limits(dtype)[1] + 1)
    low = 0 if from_ is None else _as_int(from_, "from")
    if to is None:                                    # [from, dtype max]
        hi_inc = _limits(dtype)[1]
        if dtype.category != D.FLOAT:
            _check_from_to(dtype, low, hi_inc)
        span = hi_inc - low + 1
    else:
        high = _as_int(to, "to")
        if low >= high:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                               f"from={low} >= to={high}")
        _check_from_to(dtype, low, high - 1)
        span = high - low
    return _range_values(_eng(generator, "random_"), n, low, span)


def random_(self: Tensor, from_=None, to=None, *, generator=None, **kw) -> Tensor:
    """random_(), random_(to), random_(from, to), random_(from, None) (Tensor.random_)."""
    if "from" in kw:
        from_ = kw.pop("from")
    if kw:
        raise TypeError(f"random_() got an unexpected keyword argument '{next(iter(kw))}'")
    _check_inplace(self)
    vals = random_draw(self.dtype, self._a.size, from_, to, generator)
    return _write(self, vals.astype(self.dtype.np, copy=False))


def _random_method(self, *args, generator=None, **kw):
    """Tensor.random_: one positional argument means `to`."""
    if len(args) == 1 and "to" not in kw and "from" not in kw:
        return random_(self, 0, args[0], generator=generator)
    if len(args) > 2:
        raise TypeError(f"random_() takes at most 2 positional arguments ({len(args)} given)")
    return random_(self, *args, generator=generator, **kw)


# ------------------------------------------------------------------ bernoulli_
def bernoulli_(self: Tensor, p=0.5, *, generator=None) -> Tensor:
    """Fill self with 0/1 draws: 1 where a uniform falls below p (float or tensor)."""
    eng = _eng(generator, "bernoulli_")
    if isinstance(p, Tensor):
        if self.dtype.category == D.COMPLEX:
            raise NotImplementedError(
                f"\"bernoulli_tensor_cpu_self_\" not implemented for '{self.dtype.type_name}'")
        if p.dtype.category != D.FLOAT:
            raise NotImplementedError(
                f"\"bernoulli_tensor_cpu_p_\" not implemented for '{p.dtype.type_name}'")
        pa = np.broadcast_to(p._a, self._a.shape)
        if np.any((pa < 0) | (pa > 1)):
            raise RuntimeError("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  "
                               "(Could this error message be improved?  If so, please report "
                               "an enhancement request to PyTorch.)")
        _check_inplace(self)
        probs = _iter_order(pa, self)
        return _write(self, _bernoulli_tensor_values(eng, probs, p.dtype))
    p = float(p)
    if not 0.0 <= p <= 1.0:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_fmt(p)}")
    _check_inplace(self)
    return _write(self, (eng.u53(self._a.size) < p).astype(self.dtype.np))


def _bernoulli_tensor_values(eng, probs, pdtype):
    n = probs.size
    if pdtype is D.float64:
        return eng.u53(n) < probs
    return eng.u24(n) < probs.astype(f32)


# ------------------------------------------------------------------ exponential_
def _exponential_values(eng, n, lambd):
    return (-1.0 / lambd) * N.log1p64(-eng.u53(n))


def exponential_(self: Tensor, lambd=1.0, *, generator=None) -> Tensor:
    """Fill self with Exp(lambd) samples."""
    if self.dtype.category != D.FLOAT:
        raise RuntimeError(
            "Exponential distribution is a continuous probability distribution. dtype must be a "
            f"floating point but you specified {self.dtype.type_name}")
    lambd = float(lambd)
    if not lambd > 0.0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_fmt(lambd)}")
    _check_inplace(self)
    vals = _exponential_values(_eng(generator, "exponential_"), self._a.size, lambd)
    if self.dtype is D.float16:
        vals = vals.astype(np.float32)     # half is reached through float (double rounding)
    return _write(self, vals.astype(self.dtype.np))
