"""Random numbers bit-for-bit like torch's CPU generator: the torch-level functions (rand*,
randn*, randint*, randperm, normal, bernoulli, multinomial), the Generator API re-exported from
_generator, the draws other modules make (nn.init, Dropout, DataLoader), and the Tensor
methods uniform_, normal_, random_, bernoulli(_), exponential_, multinomial.

Layers: _mt19937 (engine), _normal (Box–Muller), _randperm → _generator (Generator, seeds,
state, kernel build) → _sampling (in-place kernels) → this module.  How each kernel turns
MT19937 output into numbers is documented in shared/RNG.md.
"""
from __future__ import annotations

import numpy as np

from . import _dtype as D
from ._creation import _finish, _size_args
from ._generator import (Generator, _FUSED, _eng, _set_cpu_capability,  # noqa: F401 (re-exported)
                         default_generator, get_rng_state, initial_seed, manual_seed, seed,
                         set_rng_state)
from ._randperm import randperm_array
from ._sampling import (_as_int, _check_writable, _exponential_values, _fmt, _iter_axes,
                        _limits, _new, _out_tensor, _random_method, _write, bernoulli_,
                        exponential_, normal_, normal_draw, random_,  # noqa: F401
                        random_draw, uniform_, uniform_draw)
from ._tensor import Tensor, _wrap, check_device

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed",
           "get_rng_state", "set_rng_state", "rand", "rand_like", "randn", "randn_like",
           "randint", "randint_like", "randperm", "normal", "bernoulli", "multinomial"]

f64 = np.float64


# ------------------------------------------------------------------ uniform
def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False, **kw) -> Tensor:
    """Uniform samples on [0, 1)."""
    return _sized(_size_from(size, kw, "rand"), out, dtype, device, requires_grad, "rand",
                  lambda n, d, contiguous: uniform_draw(d, n, 0.0, 1.0, generator))


def rand_like(input, *, generator=None, dtype=None, layout=None, device=None,
              requires_grad=False, memory_format=None) -> Tensor:
    return _like(input, dtype, device, requires_grad,
                 lambda n, d, contiguous: uniform_draw(d, n, 0.0, 1.0, generator))


def _like(input, dtype, device, requires_grad, draw):
    """The *_like factories: torch's preserve_format keeps a dense input's stride order (a
    transposed input gives a transposed result, filled in memory order); others get
    contiguous results."""
    check_device(device)
    d = dtype or input.dtype
    a = input._a
    if input.is_contiguous() or not _dense(a):
        return _sized(a.shape, None, d, None, requires_grad, "", draw)
    axes = _iter_axes(a)
    t = _wrap(np.empty([a.shape[i] for i in axes], d.np).transpose(np.argsort(axes)), d)
    _write(t, draw(a.size, d, False))
    return _finish(t, requires_grad)


def _dense(a: np.ndarray) -> bool:
    """Non-overlapping and dense: the strides are a permutation of some contiguous layout's."""
    expected = a.itemsize
    for i in sorted(range(a.ndim), key=lambda i: a.strides[i]):
        if a.shape[i] == 1:
            continue
        if a.strides[i] != expected:
            return False
        expected *= a.shape[i]
    return True


def _sized(size, out, dtype, device, requires_grad, fname, draw):
    """Shared body of the factories: shape, dtype, out=, requires_grad around a draw.

    draw(n, dtype, contiguous) returns the n values in fill order.  A fresh result wraps
    them directly (no copy); out= receives them in its own element order.
    """
    check_device(device)
    shape = _size_args(size)
    if out is not None:
        t = _out_tensor(out, shape, dtype, fname)
        _check_writable(t)
        return _write(t, draw(t._a.size, t.dtype, t.is_contiguous()))
    d = dtype or D.get_default_dtype()
    n = 1
    for s in shape:
        n *= s
    vals = draw(n, d, True)
    return _finish(_wrap(vals.astype(d.np, copy=False).reshape(shape), d), requires_grad)


def _size_from(size, kw, fname):
    """The size of rand(2, 3) / rand((2, 3)) / rand(size=(2, 3)); torch's TypeError otherwise."""
    if "size" in kw:
        extra = kw.pop("size")
        if size:
            raise TypeError(f"{fname}() got multiple values for argument 'size'")
        size = (extra,)
    if kw:
        raise TypeError(f"{fname}() got an unexpected keyword argument '{next(iter(kw))}'")
    if not size:
        raise TypeError(
            f"{fname}() received an invalid combination of arguments - got (), but expected one "
            "of:\n * (tuple of ints size, *, torch.Generator generator, Tensor out = None, "
            "torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, "
            "bool pin_memory = False, bool requires_grad = False)\n")
    return size


# ------------------------------------------------------------------ normal
def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False, **kw) -> Tensor:
    """Standard normal samples."""
    return _sized(_size_from(size, kw, "randn"), out, dtype, device, requires_grad, "randn",
                  lambda n, d, contiguous: normal_draw(d, n, 0.0, 1.0, generator, contiguous))


def randn_like(input, *, generator=None, dtype=None, layout=None, device=None,
               requires_grad=False, memory_format=None) -> Tensor:
    return _like(input, dtype, device, requires_grad,
                 lambda n, d, contiguous: normal_draw(d, n, 0.0, 1.0, generator, contiguous))


def normal(mean, std=None, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """torch.normal's four overloads: (Tensor, Tensor), (Tensor, float), (float, Tensor),
    (float, float, size).  With tensors, draws randn of the broadcast shape, then *std, +mean."""
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not mt and not st:
        if size is None:
            raise TypeError(
                f"normal() received an invalid combination of arguments - got "
                f"({type(mean).__name__}, {type(std).__name__}), but expected one of:\n"
                " * (Tensor mean, Tensor std, *, torch.Generator generator = None, "
                "Tensor out = None)\n"
                " * (Tensor mean, float std = 1, *, torch.Generator generator = None, "
                "Tensor out = None)\n"
                " * (float mean, Tensor std, *, torch.Generator generator = None, "
                "Tensor out = None)\n"
                " * (float mean, float std, tuple of ints size, *, torch.Generator generator = "
                "None, Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, "
                "torch.device device = None, bool pin_memory = False, "
                "bool requires_grad = False)\n")
        if std is None or not isinstance(size, (tuple, list)):
            raise TypeError(
                f"normal() received an invalid combination of arguments - got "
                f"({type(mean).__name__}, {type(std).__name__}, {type(size).__name__}), but "
                "expected (float mean, float std, tuple of ints size, ...)")
        return _sized((size,), out, dtype, device, requires_grad, "normal",
                      lambda n, d, contiguous: normal_draw(d, n, mean, std, generator, contiguous))
    if size is not None:
        raise TypeError("normal(): a size is only accepted with float mean and std")
    if std is None:
        std = 1.0
    for x in (mean, std):
        if isinstance(x, Tensor) and x.dtype.category != D.FLOAT:
            raise NotImplementedError(
                f"\"normal_kernel_cpu\" not implemented for '{x.dtype.type_name}'")
    if st:
        if not np.all(std._a >= 0):        # NaN fails too, as in torch
            raise RuntimeError("normal expects all elements of std >= 0.0")
    elif not float(std) >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(float(std))}")
    dt = D.result_type_of([x for x in (mean, std) if isinstance(x, Tensor)])
    shape = np.broadcast_shapes(*(x._a.shape for x in (mean, std) if isinstance(x, Tensor)))
    if out is not None:
        t = _out_tensor(out, shape, None, "normal")
    else:
        t = _new(shape, dt)
    normal_(t, 0.0, 1.0, generator=generator)
    a = t._a
    cdt = a.dtype
    sa = std._a.astype(cdt, copy=False) if st else cdt.type(std)
    ma = mean._a.astype(cdt, copy=False) if mt else cdt.type(mean)
    a *= sa
    a += ma
    return t


# ------------------------------------------------------------------ integers
def randint(*args, size=None, low=None, high=None, generator=None, out=None, dtype=None,
            layout=None, device=None, requires_grad=False, pin_memory=False) -> Tensor:
    """randint(high, size) or randint(low, high, size): integers in [low, high)."""
    args = list(args)
    if size is None and args:
        size = args.pop()
    if high is None and args:
        high = args.pop()
    if low is None and args:
        low = args.pop()
    if args or size is None or high is None or isinstance(size, (int, float)):
        got = ", ".join(type(a).__name__ for a in (*args, low, high, size) if a is not None)
        raise TypeError(
            f"randint() received an invalid combination of arguments - got ({got}), but expected "
            "one of:\n * (int high, tuple of ints size, *, torch.Generator generator, "
            "Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, "
            "torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n"
            " * (int low, int high, tuple of "
            "ints size, *, torch.Generator generator, Tensor out = None, torch.dtype dtype = None, "
            "torch.layout layout = None, torch.device device = None, bool pin_memory = False, "
            "bool requires_grad = False)\n")
    lo = 0 if low is None else _as_int(low, "low")
    hi = _as_int(high, "high")
    if dtype is None and out is None:
        dtype = D.int64
    return _sized((size,), out, dtype, device, requires_grad, "randint",
                  lambda n, d, contiguous: random_draw(d, n, lo, hi, generator))


def randint_like(input, low=0, high=None, *, generator=None, dtype=None, layout=None,
                 device=None, requires_grad=False, memory_format=None) -> Tensor:
    """Integers in [low, high) shaped like input (randint_like(input, high) also works)."""
    if high is None:
        low, high = 0, low
    lo, hi = _as_int(low, "low"), _as_int(high, "high")
    return _like(input, dtype, device, requires_grad,
                 lambda n, d, contiguous: random_draw(d, n, lo, hi, generator))


# ------------------------------------------------------------------ randperm
def randperm(n, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad=False, pin_memory=False) -> Tensor:
    """A random permutation of 0..n-1."""
    check_device(device)
    n = _as_int(n, "n")
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    d = dtype or (out.dtype if out is not None else D.int64)
    if d is D.bool_ or d.category == D.COMPLEX:
        raise NotImplementedError(f"\"randperm\" not implemented for '{d.type_name}'")
    if d.category == D.INT and n > 0 and n - 1 > _limits(d)[1]:
        raise RuntimeError(f"value cannot be converted to type {_CTYPE_T.get(d.name, d.name)} "
                           "without overflow")
    vals = randperm_array(_eng(generator, "randperm"), n)
    if out is not None:
        t = _out_tensor(out, (n,), dtype, "randperm")
        t._a[...] = vals
        return t
    return _finish(_wrap(vals.astype(d.np, copy=False), d), requires_grad)


_CTYPE_T = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int32_t"}


# ------------------------------------------------------------------ bernoulli
def bernoulli(input, p=None, *, generator=None, out=None) -> Tensor:
    """torch.bernoulli(input): 0/1 with probabilities input; bernoulli(input, p): constant p."""
    if p is not None:
        t = _new(input._a.shape, input.dtype)
        return bernoulli_(t, p, generator=generator)
    if input.dtype.category != D.FLOAT:
        raise NotImplementedError(
            f"\"bernoulli_tensor_cpu_self_\" not implemented for '{input.dtype.type_name}'")
    if out is not None:
        t = _out_tensor(out, input._a.shape, None, "bernoulli")
    else:
        t = _new(input._a.shape, input.dtype)
    return bernoulli_(t, input, generator=generator)


def _bernoulli_method(self, p=None, *, generator=None):
    return bernoulli(self, p, generator=generator)


# ------------------------------------------------------------------ multinomial
def multinomial(input, num_samples, replacement=False, *, generator=None, out=None) -> Tensor:
    """Sample category indices from rows of (unnormalised) probabilities."""
    a = input._a
    if a.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if input.dtype.category != D.FLOAT:
        raise RuntimeError("multinomial only supports floating-point dtypes for input, got: "
                           f"{input.dtype.type_name}")
    n = int(num_samples)
    if n <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    cats = a.shape[-1]
    if not replacement and n > cats:
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    eng = _eng(generator, "multinomial")
    rows = a.reshape(-1, cats)
    if not replacement or n == 1:
        if not np.all(np.isfinite(rows)) or np.any(rows < 0):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if np.any(rows.sum(axis=1) <= 0):
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        # Gumbel-style: argmax/top-k of p / q with q ~ Exp(1), drawn in the probs' dtype and
        # (like torch's empty_like) in the memory order of a dense non-contiguous input
        q = _exponential_values(eng, a.size, 1.0).astype(a.dtype)
        if not input.is_contiguous() and _dense(a):
            axes = _iter_axes(a)
            q = q.reshape([a.shape[i] for i in axes]).transpose(np.argsort(axes))
        keys = rows / q.reshape(rows.shape)
        order = np.argsort(-keys, axis=1, kind="stable")[:, :n]
        result = order
    else:
        if not np.all(rows >= 0):           # NaN fails this test first, as in torch
            raise RuntimeError(
                "invalid multinomial distribution (encountering probability entry < 0)")
        if not np.all(np.isfinite(rows)):
            raise RuntimeError("invalid multinomial distribution (encountering probability "
                               "entry = infinity or NaN)")
        result = np.empty((rows.shape[0], n), np.int64)
        for r in range(rows.shape[0]):
            cum = np.cumsum(rows[r], dtype=a.dtype)
            total = cum[-1]
            if not total > 0:
                raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
            cum = (cum / total).astype(f64)
            cum[-1] = 1.0
            result[r] = np.searchsorted(cum, eng.u53(n), side="left")
    result = result.reshape(a.shape[:-1] + (n,)).astype(np.int64)
    if out is not None:
        t = _out_tensor(out, result.shape, None, "multinomial")
        t._a[...] = result
        return t
    return _wrap(result, D.int64)


# ------------------------------------------------------------------ draws for other modules
def uniform_into(t: Tensor, low: float, high: float, generator=None) -> Tensor:
    """nn.init's draw: t.uniform_(low, high) from `generator` (default: global), written
    even into a leaf that requires grad (nn.init runs its fills under no_grad)."""
    _check_writable(t)
    return _write(t, uniform_draw(t.dtype, t._a.size, low, high, generator))


def bernoulli_mask(shape, p: float, generator=None) -> np.ndarray:
    """Dropout's draw: empty(shape).bernoulli_(p) as a bool array (1 where U53 < p)."""
    n = int(np.prod(shape, dtype=np.int64))
    return (_eng(generator, "bernoulli_").u53(n) < float(p)).reshape(shape)


def random_int64(generator=None) -> int:
    """DataLoader's seed draw: torch.empty((), dtype=torch.int64).random_(generator=g).item()."""
    return _eng(generator, "random_").one_r64() & 0x7FFFFFFFFFFFFFFF


def permutation(n: int, generator=None) -> np.ndarray:
    """RandomSampler's draw: torch.randperm(n, generator=g) as an int64 array."""
    return randperm_array(_eng(generator, "randperm"), int(n)).astype(np.int64, copy=False)


# ------------------------------------------------------------------ Tensor methods
Tensor.uniform_ = uniform_
Tensor.normal_ = normal_
Tensor.random_ = _random_method
Tensor.bernoulli_ = bernoulli_
Tensor.bernoulli = _bernoulli_method
Tensor.exponential_ = exponential_
Tensor.multinomial = multinomial
