"""Random numbers bit-for-bit like torch's CPU generator: Generator, seeding, RNG state, and
every sampling function (rand*, randn*, randint*, randperm, normal, bernoulli, multinomial)
with the Tensor methods uniform_, normal_, random_, bernoulli(_), exponential_, multinomial.

How each kernel turns MT19937 output into numbers is documented in shared/RNG.md; the engine
is in _mt19937, the Box–Muller transforms in _normal, randperm in _randperm.

Kernel build.  torch ships two CPU builds of these kernels and picks one at start-up; they
differ in the last bits of float results (fused multiply-adds, vectorised math).  torchless
follows the AVX2 build unless the environment variable TORCHLESS_CPU_CAPABILITY=default asks
for the build torch runs under ATEN_CPU_CAPABILITY=default.

Destinations are filled in torch's element order: logical order for contiguous tensors,
otherwise memory order (dimensions sorted by stride, as TensorIterator walks them).
"""
from __future__ import annotations

import os
import warnings

import numpy as np

from . import _dtype as D
from . import _normal as N
from ._creation import _finish, _size_args
from ._mt19937 import DEFAULT_SEED, MT19937, nondeterministic_seed, wrap_seed
from ._randperm import randperm_array
from ._tensor import Tensor, _wrap, check_device, device as _device

__all__ = ["Generator", "default_generator", "manual_seed", "seed", "initial_seed",
           "get_rng_state", "set_rng_state", "rand", "rand_like", "randn", "randn_like",
           "randint", "randint_like", "randperm", "normal", "bernoulli", "multinomial"]

f32 = np.float32
f64 = np.float64


# ------------------------------------------------------------------ kernel build
def _read_capability() -> bool:
    """True for the AVX2 build (fused multiply-adds), False for torch's DEFAULT build."""
    value = os.environ.get("TORCHLESS_CPU_CAPABILITY", "avx2").strip().lower()
    if value in ("avx2", "avx512", ""):
        return True
    if value == "default":
        return False
    warnings.warn(f"TORCHLESS_CPU_CAPABILITY={value!r} is not one of 'avx2', 'default'; "
                  "using 'avx2'", RuntimeWarning, stacklevel=2)
    return True


_FUSED = [_read_capability()]


def _set_cpu_capability(name: str) -> None:
    """Switch kernel builds at run time (tests); name is 'avx2' or 'default'."""
    if name not in ("avx2", "default"):
        raise ValueError(f"unknown CPU capability {name!r}")
    _FUSED[0] = name == "avx2"


# ------------------------------------------------------------------ Generator
class Generator:
    """torch.Generator for the CPU: an MT19937 stream with its own seed and normal cache."""

    __slots__ = ("_mt", "__weakref__")

    def __init__(self, device="cpu"):
        d = device if isinstance(device, _device) else _device(device)
        if d.type != "cpu":
            raise RuntimeError(
                f"Cannot get {d.type.upper()} generator: torchless runs on the CPU only")
        self._mt = MT19937(DEFAULT_SEED)

    @property
    def device(self):
        return _device("cpu")

    def manual_seed(self, seed) -> "Generator":
        """Seed the generator (seeds in [-2**63, 2**64); negative ones wrap)."""
        if type(seed) is not int:
            if isinstance(seed, bool) or not hasattr(seed, "__index__") or isinstance(seed, Tensor):
                raise RuntimeError(f"manual_seed expected a long, but got {_typename(seed)}")
            seed = seed.__index__()
        self._mt.seed(wrap_seed(seed))
        return self

    def seed(self) -> int:
        """Reseed from a non-deterministic 64-bit value and return it."""
        s = nondeterministic_seed()
        self._mt.seed(s)
        return s

    def initial_seed(self) -> int:
        return self._mt.initial_seed

    def get_state(self) -> Tensor:
        """The state as torch's 5056-byte uint8 tensor."""
        return _wrap(np.frombuffer(bytearray(self._mt.get_bytes()), dtype=np.uint8), D.uint8)

    def set_state(self, new_state) -> "Generator":
        if not isinstance(new_state, Tensor) or new_state.dtype is not D.uint8:
            raise TypeError("RNG state must be a torch.ByteTensor")
        self._mt.set_bytes(np.ascontiguousarray(new_state._a).tobytes())
        return self

    def clone_state(self) -> "Generator":
        g = Generator()
        g._mt.copy_from(self._mt)
        return g

    graphsafe_get_state = clone_state

    def graphsafe_set_state(self, state: "Generator") -> "Generator":
        self._mt.copy_from(state._mt)
        return self

    def __reduce__(self):
        return (_rebuild_generator, (self._mt.get_bytes(),))

    def __repr__(self):
        return f"<torch._C.Generator object at {hex(id(self))}>"


def _rebuild_generator(state: bytes) -> Generator:
    g = Generator()
    g._mt.set_bytes(state)
    return g


def _typename(x) -> str:
    if isinstance(x, Tensor):
        return "Tensor"
    return type(x).__name__


default_generator = Generator()
default_generator._mt.seed(nondeterministic_seed())    # torch seeds its global stream from the OS


def _eng(generator, fname="random") -> MT19937:
    if generator is None:
        return default_generator._mt
    if not isinstance(generator, Generator):
        raise TypeError(f"{fname}(): argument 'generator' must be torch.Generator, "
                        f"not {type(generator).__name__}")
    return generator._mt


# ------------------------------------------------------------------ global stream
def manual_seed(seed) -> Generator:
    """Seed the global generator; returns it."""
    default_generator.manual_seed(int(seed))
    return default_generator


def seed() -> int:
    """Seed the global generator non-deterministically; returns the seed."""
    return default_generator.seed()


def initial_seed() -> int:
    return default_generator.initial_seed()


def get_rng_state() -> Tensor:
    return default_generator.get_state()


def set_rng_state(new_state) -> None:
    default_generator.set_state(new_state)


# ------------------------------------------------------------------ destinations
def _check_writable(t: Tensor) -> None:
    a = t._a
    if any(st == 0 and sz > 1 for st, sz in zip(a.strides, a.shape)):
        raise RuntimeError(
            "unsupported operation: more than one element of the written-to tensor refers to a "
            "single memory location. Please clone() the tensor before performing the operation.")


def _iter_view(a: np.ndarray) -> np.ndarray:
    """A view of `a` whose C order is TensorIterator's order: dimensions by stride, largest first."""
    order = sorted(range(a.ndim), key=lambda d: -abs(a.strides[d]) if a.shape[d] > 1 else 0)
    return a.transpose(order)


def _write(t: Tensor, values: np.ndarray) -> Tensor:
    """Store values (1-D, torch's element order) into t, in place."""
    a = t._a
    if a.size:
        if t.is_contiguous():
            a[...] = values.reshape(a.shape)
        else:
            v = _iter_view(a)
            v[...] = values.reshape(v.shape)
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
                "reuse an out tensor t by resizing it, inplace, to zero elements with t.resize_(0).",
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


def _require_float(t: Tensor, kernel: str) -> None:
    if t.dtype.category != D.FLOAT:
        raise NotImplementedError(f'"{kernel}" not implemented for \'{t.dtype.type_name}\'')


# ------------------------------------------------------------------ uniform
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
        v = N.fma32(u, span, lo) if _FUSED[0] else u * span + lo
        v[v == hi] = lo
    return v


def _check_uniform(t, low, high):
    _require_float(t, "check_uniform_bounds")
    info = np.finfo(t.dtype.np)
    cname = _C_NAMES.get(t.dtype.name, t.dtype.name)
    if not (info.min <= low <= info.max):
        raise RuntimeError(f"from is out of bounds for {cname}")
    if not (info.min <= high <= info.max):
        raise RuntimeError(f"to is out of bounds for {cname}")
    if low > high:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                           f"from={_fmt(low)} > to={_fmt(high)}")
    if high - low > info.max:
        raise RuntimeError(
            f"uniform_ expects to-from <= std::numeric_limits<{t.dtype.type_name}>::max(), but "
            f"found to={_fmt(high)} and from={_fmt(low)} which result in to-from to exceed the limit")


def uniform_(self: Tensor, from_=0.0, to=1.0, *, generator=None, **kw) -> Tensor:
    """Fill self with U[from, to) (Tensor.uniform_)."""
    if "from" in kw:
        from_ = kw.pop("from")
    if kw:
        raise TypeError(f"uniform_() got an unexpected keyword argument '{next(iter(kw))}'")
    low, high = float(from_), float(to)
    _check_uniform(self, low, high)
    _check_writable(self)
    vals = _uniform_values(_eng(generator, "uniform_"), self._a.size, self.dtype, low, high)
    return _write(self, vals)


def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad=False, pin_memory=False, **kw) -> Tensor:
    """Uniform samples on [0, 1)."""
    return _sized(_size_from(size, kw, "rand"), "rand", generator, out, dtype, device,
                  requires_grad, lambda t, g: uniform_(t, 0.0, 1.0, generator=g))


def rand_like(input, *, generator=None, dtype=None, layout=None, device=None,
              requires_grad=False, memory_format=None) -> Tensor:
    check_device(device)
    t = _new(input._a.shape, dtype or input.dtype)
    uniform_(t, 0.0, 1.0, generator=generator)
    return _finish(t, requires_grad)


def _sized(size, fname, generator, out, dtype, device, requires_grad, fill):
    """Shared body of the size-taking factories: shape, dtype, out=, fill, requires_grad."""
    check_device(device)
    shape = _size_args(size)
    if out is not None:
        t = _out_tensor(out, shape, dtype, fname)
        fill(t, generator)
        return t
    t = _new(shape, dtype or D.get_default_dtype())
    fill(t, generator)
    return _finish(t, requires_grad)


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
def _normal_values(eng, t: Tensor, mean, std):
    n = t._a.size
    npdt = np.float64 if t.dtype is D.float64 else np.float32
    if n >= 16 and t.is_contiguous():
        return N.normal_fill(eng, n, npdt, mean, std, _FUSED[0], half=t.dtype is D.float16)
    return N.normal_scalar(eng, n, mean, std, _FUSED[0]).astype(npdt)


def normal_(self: Tensor, mean=0.0, std=1.0, *, generator=None) -> Tensor:
    """Fill self with N(mean, std**2) samples (Tensor.normal_)."""
    _require_float(self, "normal_kernel_cpu")
    mean, std = float(mean), float(std)
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_fmt(std)}")
    _check_writable(self)
    return _write(self, _normal_values(_eng(generator, "normal_"), self, mean, std))


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad=False, pin_memory=False, **kw) -> Tensor:
    """Standard normal samples."""
    return _sized(_size_from(size, kw, "randn"), "randn", generator, out, dtype, device,
                  requires_grad, lambda t, g: normal_(t, 0.0, 1.0, generator=g))


def randn_like(input, *, generator=None, dtype=None, layout=None, device=None,
               requires_grad=False, memory_format=None) -> Tensor:
    check_device(device)
    t = _new(input._a.shape, dtype or input.dtype)
    normal_(t, 0.0, 1.0, generator=generator)
    return _finish(t, requires_grad)


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
                " * (Tensor mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)\n"
                " * (Tensor mean, float std = 1, *, torch.Generator generator = None, Tensor out = None)\n"
                " * (float mean, Tensor std, *, torch.Generator generator = None, Tensor out = None)\n"
                " * (float mean, float std, tuple of ints size, *, torch.Generator generator = None, "
                "Tensor out = None, torch.dtype dtype = None, torch.layout layout = None, "
                "torch.device device = None, bool pin_memory = False, bool requires_grad = False)\n")
        if std is None or not isinstance(size, (tuple, list)):
            raise TypeError(
                f"normal() received an invalid combination of arguments - got "
                f"({type(mean).__name__}, {type(std).__name__}, {type(size).__name__}), but "
                "expected (float mean, float std, tuple of ints size, ...)")
        m, s = float(mean), float(std)
        return _sized((size,), "normal", generator, out, dtype, device, requires_grad,
                      lambda t, g: normal_(t, m, s, generator=g))
    if size is not None:
        raise TypeError("normal(): a size is only accepted with float mean and std")
    if std is None:
        std = 1.0
    for x in (mean, std):
        if isinstance(x, Tensor) and x.dtype.category != D.FLOAT:
            raise NotImplementedError(
                f"\"normal_kernel_cpu\" not implemented for '{x.dtype.type_name}'")
    if st:
        if np.any(std._a < 0):
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


# ------------------------------------------------------------------ random_ / randint
def _limits(dt):
    """(lowest, highest) of integers the dtype can hold exactly, and its C name."""
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


def random_(self: Tensor, from_=None, to=None, *, generator=None, **kw) -> Tensor:
    """random_(), random_(to), random_(from, to), random_(from, None) (Tensor.random_)."""
    if "from" in kw:
        from_ = kw.pop("from")
    if kw:
        raise TypeError(f"random_() got an unexpected keyword argument '{next(iter(kw))}'")
    dt = self.dtype
    if dt.category == D.COMPLEX:
        raise NotImplementedError(f"\"random_\" not implemented for '{dt.type_name}'")
    eng = _eng(generator, "random_")
    n = self._a.size
    if from_ is None and to is None:                  # the dtype's whole non-negative range
        _check_writable(self)
        if dt is D.int64:
            vals = (eng.r64(n) & np.uint64(0x7FFFFFFFFFFFFFFF)).view(np.int64)
        elif dt is D.float64:
            vals = (eng.r64(n) % np.uint64((1 << 53) + 1)).astype(np.int64)
        else:
            span = _limits(dt)[1] + 1
            vals = eng.r32(n) % np.uint32(span)
        return _write(self, vals.astype(dt.np, copy=False))
    low = 0 if from_ is None else _as_int(from_, "from")
    if to is None:                                    # [from, dtype max]
        hi_inc = _limits(dt)[1]
        if dt.category != D.FLOAT:
            _check_from_to(dt, low, hi_inc)
        span = hi_inc - low + 1
    else:
        high = _as_int(to, "to")
        if low >= high:
            raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got "
                               f"from={low} >= to={high}")
        _check_from_to(dt, low, high - 1)
        span = high - low
    _check_writable(self)
    vals = _range_values(eng, n, low, span)
    return _write(self, vals.astype(dt.np, copy=False))


def _random_method(self, *args, generator=None, **kw):
    """Tensor.random_: one positional argument means `to`."""
    if len(args) == 1 and "to" not in kw and "from" not in kw:
        return random_(self, 0, args[0], generator=generator)
    if len(args) > 2:
        raise TypeError(f"random_() takes at most 2 positional arguments ({len(args)} given)")
    return random_(self, *args, generator=generator, **kw)


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
            "one of:\n * (int high, tuple of ints size, *, torch.Generator generator, Tensor out = "
            "None, torch.dtype dtype = None, torch.layout layout = None, torch.device device = None, "
            "bool pin_memory = False, bool requires_grad = False)\n * (int low, int high, tuple of "
            "ints size, *, torch.Generator generator, Tensor out = None, torch.dtype dtype = None, "
            "torch.layout layout = None, torch.device device = None, bool pin_memory = False, "
            "bool requires_grad = False)\n")
    lo = 0 if low is None else _as_int(low, "low")
    hi = _as_int(high, "high")
    check_device(device)
    shape = _size_args((size,))
    d = dtype or (out.dtype if out is not None else D.int64)
    if out is not None:
        t = _out_tensor(out, shape, dtype, "randint")
    else:
        t = _new(shape, d)
    random_(t, lo, hi, generator=generator)
    return t if out is not None else _finish(t, requires_grad)


def randint_like(input, low=0, high=None, *, generator=None, dtype=None, layout=None,
                 device=None, requires_grad=False, memory_format=None) -> Tensor:
    """Integers in [low, high) shaped like input (randint_like(input, high) also works)."""
    if high is None:
        low, high = 0, low
    check_device(device)
    t = _new(input._a.shape, dtype or input.dtype)
    random_(t, _as_int(low, "low"), _as_int(high, "high"), generator=generator)
    return _finish(t, requires_grad)


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
        _check_writable(self)
        probs = _iter_order(pa, self)
        return _write(self, _bernoulli_tensor_values(eng, probs, p.dtype))
    p = float(p)
    if not 0.0 <= p <= 1.0:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_fmt(p)}")
    _check_writable(self)
    return _write(self, (eng.u53(self._a.size) < p).astype(self.dtype.np))


def _iter_order(values: np.ndarray, like: Tensor) -> np.ndarray:
    """values (shaped like `like`) flattened in the order _write stores into `like`."""
    if like.is_contiguous():
        return values.reshape(-1)
    return _iter_view_like(values, like._a).reshape(-1)


def _iter_view_like(values, a):
    order = sorted(range(a.ndim), key=lambda d: -abs(a.strides[d]) if a.shape[d] > 1 else 0)
    return values.transpose(order)


def _bernoulli_tensor_values(eng, probs, pdtype):
    n = probs.size
    if pdtype is D.float64:
        return eng.u53(n) < probs
    return eng.u24(n) < probs.astype(f32)


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


# ------------------------------------------------------------------ exponential
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
    _check_writable(self)
    vals = _exponential_values(_eng(generator, "exponential_"), self._a.size, lambd)
    return _write(self, vals.astype(self.dtype.np))


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
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without replacement")
    eng = _eng(generator, "multinomial")
    rows = a.reshape(-1, cats)
    if not replacement or n == 1:
        if not np.all(np.isfinite(rows)) or np.any(rows < 0):
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if np.any(rows.sum(axis=1) <= 0):
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
        # Gumbel-style: argmax/top-k of p / q with q ~ Exp(1), drawn in the probs' dtype
        q = _exponential_values(eng, rows.size, 1.0).astype(a.dtype).reshape(rows.shape)
        keys = rows / q
        order = np.argsort(-keys, axis=1, kind="stable")[:, :n]
        result = order
    else:
        if np.any(rows < 0):
            raise RuntimeError("invalid multinomial distribution (encountering probability entry < 0)")
        if not np.all(np.isfinite(rows)):
            raise RuntimeError(
                "invalid multinomial distribution (encountering probability entry = infinity or NaN)")
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
    """nn.init's draw: t.uniform_(low, high) from `generator` (default: global)."""
    return uniform_(t, low, high, generator=generator)


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
