"""The MT19937 engine behind every torchless random number, in torch's CPU layout.

torch's CPU generator is a standard 32-bit Mersenne Twister (Matsumoto & Nishimura's
init_genrand seeding, 624-word state, the usual tempering).  The bulk work — twisting and
tempering — runs in NumPy's own MT19937 bit generator, driven only through its public API
(``state`` with ``key``/``pos``, and ``random_raw``): it is the same algorithm, runs in C,
and yields 1M words in about 2.6 ms.  A twist written with NumPy array ops is limited to
chunks of at most 227 words by the recurrence (word k+624 needs word k+397), which costs
~40 ms per 1M words in call overhead alone — 15× torch's whole ``rand``.

On top of the engine this module keeps what torch keeps next to it: the 64-bit initial seed,
the cached second Box–Muller value, and the 5056-byte state layout of get_rng_state().

Derived draws, as torch's CPU kernels consume them (all in stream order):
    r32  one engine output
    r64  (r32_first << 32) | r32_second
    U24  (r32 & 0xFFFFFF) * 2**-24        float32, exact
    U53  (r64 & (2**53 - 1)) * 2**-53     float64, exact
"""
from __future__ import annotations

import os
import struct

import numpy as np

DEFAULT_SEED = 67280421310721          # what a fresh torch.Generator() starts from
STATE_SIZE = 5056                      # bytes in torch's CPUGeneratorImplState

_U32 = np.uint32
_MASK24 = np.uint64(0xFFFFFF)
_MASK21 = np.uint64(0x1FFFFF)
_SH32 = np.uint64(32)
_TWO_M24 = np.float32(2.0 ** -24)
_TWO_M53 = 2.0 ** -53

# torch's state layout, little-endian (offsets in bytes):
#   0 u64 initial seed | 8 i32 left | 12 i32 seeded | 16 u64 next | 24 624 x u64 words
#   5016 f64 normal_x | 5024 f64 normal_y (cached Box-Muller value) | 5032 f64 normal_rho
#   5040 i32 normal cache valid | 5044 pad | 5048 f32 float cache | 5052 u8 valid + 3 pad
_HEAD = struct.Struct("<QiiQ")
_TAIL = struct.Struct("<dddi4xfB3x")


def init_genrand(seed32: int) -> np.ndarray:
    """The 624-word MT19937 state for a 32-bit seed (Knuth's multiplier; serial by nature)."""
    mt = [0] * 624
    x = mt[0] = seed32 & 0xFFFFFFFF
    for i in range(1, 624):
        x = (1812433253 * (x ^ (x >> 30)) + i) & 0xFFFFFFFF
        mt[i] = x
    return np.array(mt, dtype=_U32)


def wrap_seed(seed: int) -> int:
    """torch's accepted seed range [-2**63, 2**64): negative seeds wrap two's-complement."""
    if seed < -(1 << 63) or seed >= (1 << 64):
        raise ValueError("Overflow when unpacking long long")
    return seed & 0xFFFFFFFFFFFFFFFF


def nondeterministic_seed() -> int:
    """A fresh 64-bit seed from the OS, as torch draws one for seed() and at start-up."""
    return int.from_bytes(os.urandom(8), "little")


class MT19937:
    """One generator's engine state: MT words and position, initial seed, normal cache."""

    __slots__ = ("_bg_obj", "initial_seed", "normal_cache", "_fresh", "_float_cache")

    def __init__(self, seed: int = DEFAULT_SEED):
        self._bg_obj = None
        self.seed(seed)

    @property
    def _bg(self):
        # NumPy's bit generator (numpy.random costs ~10 ms to import): made on first use
        bg = self._bg_obj
        if bg is None:
            from numpy.random import MT19937 as _NumpyMT
            bg = self._bg_obj = _NumpyMT(0)
            # nothing was drawn since the last seed(): start from that seed now
            bg.state = {"bit_generator": "MT19937",
                        "state": {"key": init_genrand(self.initial_seed), "pos": 624}}
        return bg

    # ------------------------------------------------------------------ seeding
    def seed(self, seed: int) -> None:
        """Seed like torch: init_genrand of the low 32 bits; remember the full 64-bit seed."""
        self.initial_seed = seed
        if self._bg_obj is not None:
            self._bg_obj.state = {"bit_generator": "MT19937",
                                  "state": {"key": init_genrand(seed), "pos": 624}}
        self.normal_cache = None          # manual_seed clears the Box-Muller cache
        self._float_cache = (0.0, 0)
        self._fresh = True                # torch writes next=0 until the first draw

    # ------------------------------------------------------------------ raw draws
    def raw(self, n: int) -> np.ndarray:
        """n engine outputs (r32) as a uint64 array, in stream order."""
        if n:
            self._fresh = False
        return self._bg.random_raw(n)

    def r32(self, n: int) -> np.ndarray:
        return self.raw(n).astype(_U32)

    def r64(self, n: int) -> np.ndarray:
        """n 64-bit draws, each from two consecutive r32 (the first is the high half)."""
        w = self.raw(2 * n)
        hi = w[0::2]
        hi <<= _SH32
        hi |= w[1::2]
        return hi

    def u24(self, n: int) -> np.ndarray:
        """n float32 uniforms in [0, 1) with 24 random bits."""
        w = self.raw(n)
        w &= _MASK24
        u = w.astype(np.float32)
        u *= _TWO_M24
        return u

    def u53(self, n: int) -> np.ndarray:
        """n float64 uniforms in [0, 1) with 53 random bits (one r64 each)."""
        w = self.raw(2 * n)
        hi = w[0::2]
        hi &= _MASK21
        hi <<= _SH32
        hi |= w[1::2]
        u = hi.astype(np.float64)      # below 2**53: exact
        u *= _TWO_M53
        return u

    def one_r32(self) -> int:
        self._fresh = False
        return int(self._bg.random_raw())

    def one_r64(self) -> int:
        self._fresh = False
        w = self._bg.random_raw(2)
        return (int(w[0]) << 32) | int(w[1])

    # ------------------------------------------------------------------ torch's state bytes
    def get_bytes(self) -> bytes:
        st = self._bg.state["state"]
        pos = int(st["pos"])
        nxt = 0 if self._fresh else pos
        words = st["key"].astype("<u8").tobytes()
        cache = self.normal_cache
        head = _HEAD.pack(self.initial_seed, 625 - pos, 1, nxt)
        fval, fvalid = self._float_cache
        tail = _TAIL.pack(0.0, 0.0 if cache is None else cache, 0.0, 0 if cache is None else 1,
                          fval, fvalid)
        return head + words + tail

    def set_bytes(self, b: bytes) -> None:
        if len(b) != STATE_SIZE:
            raise RuntimeError(
                "Expected a CPUGeneratorImplState of size 5056 but found the input RNG state "
                f"size to be {len(b)}")
        seed, left, seeded, nxt = _HEAD.unpack_from(b, 0)
        if not seeded or left < 1 or left > 624 or nxt > 624:
            raise RuntimeError("Invalid mt19937 state")
        key = np.frombuffer(b, dtype="<u8", count=624, offset=24).astype(_U32)
        _x, y, _rho, valid, fval, fvalid = _TAIL.unpack_from(b, 5016)
        # torch twists when `left` runs out; NumPy when pos reaches 624: pos = 625 - left
        self._bg.state = {"bit_generator": "MT19937", "state": {"key": key, "pos": 625 - left}}
        self.initial_seed = seed
        self.normal_cache = y if valid else None
        self._float_cache = (fval, fvalid)
        self._fresh = left == 1 and nxt == 0

    def copy_from(self, other: "MT19937") -> None:
        self._bg.state = other._bg.state
        self.initial_seed = other.initial_seed
        self.normal_cache = other.normal_cache
        self._float_cache = other._float_cache
        self._fresh = other._fresh
