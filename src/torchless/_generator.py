"""torch.Generator for the CPU, the global generator and its seeding/state functions, and the
choice between torch's two CPU kernel builds.

Kernel build.  torch ships two CPU builds of its sampling kernels and picks one at start-up;
they differ in the last bits of float results (fused multiply-adds, vectorised math).
torchless follows the AVX2 build (what torch runs on AVX2 and AVX-512 machines) unless the
environment variable TORCHLESS_CPU_CAPABILITY=default asks for the build torch runs under
ATEN_CPU_CAPABILITY=default.
"""
from __future__ import annotations

import os
import warnings

import numpy as np

from . import _dtype as D
from ._mt19937 import DEFAULT_SEED, MT19937, nondeterministic_seed, wrap_seed
from ._tensor import Tensor, _wrap, device as _device


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
