"""The scans scan.py lacks: logcumsumexp, and the in-place cumsum_ / cumprod_ (which reuse
scan.py's ops)."""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, wrap_dim
from ..autograd.function import NONE, Op
from ._inplace import apply_inplace
from .reduction import write_out
from .scan import Cumprod, Cumsum

_F16 = np.dtype(np.float16)


class Logcumsumexp(Op):
    name = "LogcumsumexpBackward0"
    kind = NONE
    save_output = True

    @staticmethod
    def forward(ctx, a, dim=0):
        ctx.dim = dim
        if a.ndim == 0:
            return a.copy()
        if a.dtype == _F16:
            return np.logaddexp.accumulate(a.astype(np.float32), dim).astype(_F16)
        return np.ascontiguousarray(np.logaddexp.accumulate(a, dim))

    @staticmethod
    def backward(ctx, g):
        if g._a.ndim == 0:
            return (g,)
        x, out, d = ctx.inputs[0], ctx.out, ctx.dim

        def rev(t):        # logcumsumexp from the end
            return Logcumsumexp.apply(t.flip(d), dim=d).flip(d)
        # sum_{j >= i} g_j exp(x_i - out_j), its positive and negative parts summed in log space
        pos = (rev(g.clamp(min=0).log() - out) + x).exp()
        neg = (rev((-g).clamp(min=0).log() - out) + x).exp()
        return (pos - neg,)


def logcumsumexp(input, dim, *, out=None) -> Tensor:
    """log(cumsum(exp(input))) along dim, computed without overflow."""
    d = input.dtype
    if d.category < D.FLOAT:
        raise NotImplementedError(f"\"logcumsumexp_out_cpu\" not implemented for '{d.type_name}'")
    r = Logcumsumexp.apply(input, dim=wrap_dim(dim, input._a.ndim))
    return r if out is None else write_out(out, r, "logcumsumexp")


def _in_place_scan(op, name, self, dim, dtype):
    d = self.dtype
    if dtype is not None and dtype is not d:
        raise RuntimeError(f"Bad in-place call: input tensor dtype {_CPP[d.name]} and output "
                           f"tensor dtype {_CPP[dtype.name]} should match")
    if d is D.bool_:
        raise NotImplementedError(f"\"{name}_out_cpu\" not implemented for 'Bool'")
    return apply_inplace(op, self, dim=wrap_dim(dim, self._a.ndim), npd=d.np)


_CPP = {"float32": "float", "float64": "double", "float16": "c10::Half", "int64": "long int",
        "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
        "bool": "bool", "complex64": "c10::complex<float>", "complex128": "c10::complex<double>"}


def cumsum_(self, dim, *, dtype=None) -> Tensor:
    """In-place cumsum (the sum keeps self's dtype)."""
    return _in_place_scan(Cumsum, "cumsum", self, dim, dtype)


def cumprod_(self, dim, *, dtype=None) -> Tensor:
    """In-place cumprod (the product keeps self's dtype)."""
    return _in_place_scan(Cumprod, "cumprod", self, dim, dtype)


Tensor.logcumsumexp = logcumsumexp
Tensor.cumsum_ = cumsum_
Tensor.cumprod_ = cumprod_

__all__ = ["logcumsumexp"]
