"""nn.functional.pad: constant padding of any trailing dims (negative pads crop), and
reflect / replicate / circular padding of the last 1-3 dims.

Constant padding copies the input into a filled array; its gradient is the matching slice,
which is the same op with source and destination swapped.  The other modes gather along
each padded dim with an index array; their gradient scatters back (np.add.at), and the two
ops are each other's backward, so every order of derivative works.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.function import NONE, Op

__all__: list = []

_FULL = slice(None)
_NAMES = {"reflect": "ReflectionPad{}DBackward0", "replicate": "ReplicationPad{}DBackward0",
          "circular": "CopySlices"}


# ---------------------------------------------------------------- constant
class ConstantPad(Op):
    """out = full(shape, value); out[dst] = input[src]."""

    name = "ConstantPadNdBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a, shape=(), src=(), dst=(), value=0):
        ctx.in_shape, ctx.src, ctx.dst = a.shape, src, dst
        out = np.full(shape, value, a.dtype) if value else np.zeros(shape, a.dtype)
        out[dst] = a[src]
        return out

    @staticmethod
    def backward(ctx, g):
        return (ConstantPad.apply(g, shape=ctx.in_shape, src=ctx.dst, dst=ctx.src),)


def _constant_pad(input, pad, value):
    a = input._a
    shape, src, dst = list(a.shape), [_FULL] * a.ndim, [_FULL] * a.ndim
    for k in range(len(pad) // 2):
        d = a.ndim - 1 - k
        lo, hi = int(pad[2 * k]), int(pad[2 * k + 1])
        n = a.shape[d] + lo + hi
        if n < 0 or a.shape[d] + min(lo, 0) + min(hi, 0) < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
        shape[d] = n
        # the part of the input that survives (negative pads crop) and where it lands
        s0, s1 = max(-lo, 0), a.shape[d] - max(-hi, 0)
        src[d] = slice(s0, max(s1, s0))
        dst[d] = slice(max(lo, 0), max(lo, 0) + max(s1 - s0, 0))
    if value is None:
        value = 0
    dt = input.dtype
    if dt.category == D.INT:
        value = int(value)           # torch truncates the fill value for integer tensors
    elif dt is D.bool_:
        value = bool(value)
    return ConstantPad.apply(input, shape=tuple(shape), src=tuple(src), dst=tuple(dst),
                             value=value)


# ---------------------------------------------------------------- index modes
class PadGather(Op):
    """out = input taken along each padded dim at an index array (reflect/replicate/circular)."""

    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a, index=(), name="PadBackward"):
        ctx.name, ctx.index, ctx.in_shape = name, index, a.shape
        for d, idx in index:
            a = np.take(a, idx, axis=d)
        return a

    @staticmethod
    def backward(ctx, g):
        return (PadScatter.apply(g, index=ctx.index, shape=ctx.in_shape, name=ctx.name),)


class PadScatter(Op):
    """PadGather's adjoint: each output entry added back into the input entry it came from."""

    name = "PadBackwardBackward"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, g, index=(), shape=(), name=""):
        ctx.index, ctx.gname = index, name
        for d, idx in reversed(index):
            s = list(g.shape)
            s[d] = shape[d]
            z = np.zeros(s, g.dtype)
            np.add.at(z, (_FULL,) * d + (idx,), g)
            g = z
        return g

    @staticmethod
    def backward(ctx, gg):
        return (PadGather.apply(gg, index=ctx.index, name=ctx.gname),)


def _index(mode, n, lo, hi):
    """For each output position along a dim, the input position it copies."""
    if mode == "circular":
        # torch crops by the negative pads first, then wraps around what is left
        start, m = max(-lo, 0), n + min(lo, 0) + min(hi, 0)
        return start + (np.arange(-max(lo, 0), m + max(hi, 0)) % m)
    p = np.arange(-lo, n + hi)
    if mode == "reflect":
        p = np.abs(p)
        return np.where(p >= n, 2 * (n - 1) - p, p)
    return np.clip(p, 0, n - 1)


_SUPPORTED = ("Supported combinations for non-constant padding:\n"
              "  - 2D or 3D input: padding size = 2 (pads last dimension)\n"
              "  - 3D or 4D input: padding size = 4 (pads last 2 dimensions)\n"
              "  - 4D or 5D input: padding size = 6 (pads last 3 dimensions)")


def _index_pad(input, pad, mode):
    a = input._a
    if input.dtype is D.bool_ and mode != "circular":
        kind = "reflection" if mode == "reflect" else "replication"
        raise NotImplementedError(f'"{kind}_pad{len(pad) // 2}d" not implemented for \'Bool\'')
    k = len(pad) // 2
    if k not in (1, 2, 3) or a.ndim not in (k + 1, k + 2):
        raise NotImplementedError(f"Padding size {len(pad)} is not supported for {a.ndim}D input "
                                  f"tensor.\n{_SUPPORTED}")
    for d in range(a.ndim - k, a.ndim) if a.ndim == k + 1 else range(1, a.ndim):
        if a.shape[d] == 0:
            raise RuntimeError(
                f"Expected {k + 1}D or {k + 2}D (batch mode) tensor with possibly 0 batch size and "
                "other non-zero dimensions for input, but got: "
                f"[{', '.join(map(str, a.shape))}]")
    index = []
    for j in range(k):
        d = a.ndim - 1 - j
        lo, hi = int(pad[2 * j]), int(pad[2 * j + 1])
        n = a.shape[d]
        if mode == "reflect" and (lo >= n or hi >= n):
            raise RuntimeError(
                f"Argument #{4 + 2 * j}: Padding size should be less than the corresponding input "
                f"dimension, but got: padding ({lo}, {hi}) at dimension {d} of input "
                f"[{', '.join(map(str, a.shape))}]")
        if mode == "circular" and (lo > n or hi > n):
            raise RuntimeError("Padding value causes wrapping around more than once.")
        if n + lo + hi < 0:
            raise RuntimeError(f"input tensor is too small for padding ({lo}, {hi})")
        index.append((d, _index(mode, n, lo, hi)))
    return PadGather.apply(input, index=tuple(index[::-1]), name=_NAMES[mode].format(k))


def pad(input, pad, mode="constant", value=None):
    """Pad the last len(pad) // 2 dims: pad = (left, right, top, bottom, ...) from the last dim."""
    if not isinstance(input, Tensor):
        raise TypeError(f"pad(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    pad = tuple(pad)
    if len(pad) % 2:
        raise RuntimeError("Padding length must be divisible by 2")
    if len(pad) // 2 > input._a.ndim:
        raise RuntimeError("Padding length should be less than or equal to two times the input "
                           f"dimension but got padding length {len(pad)} and input of dimension "
                           f"{input._a.ndim}")
    if mode == "constant":
        return _constant_pad(input, pad, value)
    if mode not in _NAMES:
        raise NotImplementedError(f"Unrecognised padding mode {mode}")
    if value is not None and value != 0:
        raise RuntimeError(f'Padding mode "{mode}" doesn\'t take in value argument')
    return _index_pad(input, pad, mode)
