"""The rounding ops: floor, ceil, trunc, round (with decimals) and frac.  Their gradient is
zero (frac's passes through); integer inputs come back as copies, as in torch."""
from __future__ import annotations

import numpy as np

from ._pw import F16, Pointwise, not_implemented, via_f32


def _rounding(fn, kernel, what):
    def forward(ctx, a):
        k = a.dtype.kind
        if k == "b":
            raise not_implemented(kernel, a.dtype)
        if k == "c":
            raise NotImplementedError(f"{what} is not supported for complex inputs")
        return fn(a) if k == "f" else a.copy()
    return staticmethod(forward)


class Floor(Pointwise):
    name = "FloorBackward0"
    forward = _rounding(np.floor, "floor_vml_cpu", "floor")

    @staticmethod
    def backward(ctx, g):
        return (g * 0,)


class Ceil(Floor):
    name = "CeilBackward0"
    forward = _rounding(np.ceil, "ceil_vml_cpu", "ceil")


class Trunc(Floor):
    name = "TruncBackward0"
    forward = _rounding(np.trunc, "trunc_vml_cpu", "trunc")


class Round(Floor):
    name = "RoundBackward0"

    @staticmethod
    def forward(ctx, a, decimals=0, overload=False):
        k = a.dtype.kind
        if k in "bc":
            raise not_implemented("round_vml_cpu" if decimals == 0 else "round_cpu", a.dtype)
        if decimals or overload:
            ctx.name = "RoundBackward1"      # torch's round.decimals overload, decimals=0 too
        if decimals:
            if k != "f":
                raise not_implemented("round_cpu", a.dtype)
            # torch scales by 10**decimals in the tensor's precision, rounds half to even, unscales
            return np.round(a, decimals) if a.dtype != F16 else via_f32(
                lambda x: np.round(x, decimals), a)
        return np.round(a) if k == "f" else a.copy()


class Frac(Pointwise):
    name = "FracBackward0"

    @staticmethod
    def forward(ctx, a):
        if a.dtype.kind != "f":
            raise not_implemented("frac_cpu", a.dtype)
        return a - np.trunc(a)

    @staticmethod
    def backward(ctx, g):
        return (g,)
