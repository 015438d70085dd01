"""Distances and spread: cdist, cov, corrcoef, quantile and nanquantile, and logcumsumexp.

cdist is one primitive (torch's CdistBackward0); cov and corrcoef are compositions (mean,
mm, division, clamp) so their graphs are torch's; quantile sorts, gathers the two neighbours
of each rank and interpolates them with lerp, as torch does, so its gradient flows back
through sort to the elements picked.
"""
from __future__ import annotations

import math
import warnings

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, wrap_dim
from ..autograd.function import NOCTX, NONE, Op, tracked as _tracked
from ._strides import broadcast_pair
from .reduction import constant, write_out

_MODES = ("use_mm_for_euclid_dist_if_necessary", "use_mm_for_euclid_dist",
          "donot_use_mm_for_euclid_dist")


# ------------------------------------------------------------------ cdist
def _pdist_arrays(x1, x2, p, use_mm):
    """(..., r1, r2) p-norm distances between the rows of x1 (..., r1, m) and x2 (..., r2, m)."""
    if use_mm:
        # |a|^2 + |b|^2 - 2 a.b, clamped at 0 (torch's matrix-product form for large inputs)
        n1 = (x1 * x1).sum(-1)[..., :, None]
        n2 = (x2 * x2).sum(-1)[..., None, :]
        sq = n1 + n2 - 2 * (x1 @ np.swapaxes(x2, -1, -2))
        return np.sqrt(np.maximum(sq, 0))
    diff = np.abs(x1[..., :, None, :] - x2[..., None, :, :])
    if p == 0:
        return (diff != 0).sum(-1).astype(x1.dtype)
    if p == 1:
        return diff.sum(-1)
    if p == 2:
        return np.sqrt((diff * diff).sum(-1))
    if p == math.inf:
        return diff.max(-1, initial=0) if diff.shape[-1] == 0 else diff.max(-1)
    return (diff ** p).sum(-1) ** (1 / p)


class Cdist(Op):
    name = "CdistBackward0"
    kind = NONE
    save_output = True

    @staticmethod
    def forward(ctx, x1, x2, p=2.0, use_mm=False, shape=()):
        ctx.p = p
        if use_mm:
            ctx.name = "EuclideanDistBackward0"     # torch's node when it uses mm
        a = np.broadcast_to(x1, shape[:-2] + x1.shape[-2:])
        b = np.broadcast_to(x2, shape[:-2] + x2.shape[-2:])
        return np.ascontiguousarray(_pdist_arrays(a, b, p, use_mm))

    @staticmethod
    def backward(ctx, g):
        x1, x2 = ctx.inputs
        p = ctx.p
        d = ctx.out._a[..., None]
        diff = x1._a[..., :, None, :] - x2._a[..., None, :, :]
        with np.errstate(all="ignore"):
            if p == 0:
                coef = np.zeros_like(diff)
            elif p == 1:
                coef = np.sign(diff)
            elif p == 2:
                coef = np.where(d == 0, 0, diff / d)
            elif p == math.inf:
                coef = np.where(np.abs(diff) == d, np.sign(diff), 0)
            elif p < 1:
                coef = np.where((diff == 0) | (d == 0), 0,
                                np.sign(diff) * np.abs(diff) ** (p - 1) / d ** (p - 1))
            else:
                coef = np.where(d == 0, 0, diff * np.abs(diff) ** (p - 2) / d ** (p - 1))
        # linear in g, so the gradient can be differentiated again with respect to g
        t = g.unsqueeze(-1) * constant(coef)
        return t.sum(-2), -t.sum(-3)


def cdist(x1, x2, p=2.0, compute_mode="use_mm_for_euclid_dist_if_necessary") -> Tensor:
    """The p-norm distance between each row of x1 and each row of x2 (batched over the leading
    dims, which broadcast)."""
    if compute_mode not in _MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    for name, x in (("X1", x1), ("X2", x2)):
        if x._a.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: "
                               f"{x._a.ndim}D")
    for name, x in (("X1", x1), ("X2", x2)):
        if x.dtype.category != D.FLOAT:
            raise RuntimeError(f"cdist only supports floating-point dtypes, {name} got: "
                               f"{x.dtype.type_name}")
    m1, m2 = x1._a.shape[-1], x2._a.shape[-1]
    if m1 != m2:
        raise RuntimeError(f"X1 and X2 must have the same number of columns. X1: {m1} X2: {m2}")
    if x1.dtype is not x2.dtype:
        raise RuntimeError(f"expected scalar type {x1.dtype.type_name} but found "
                           f"{x2.dtype.type_name}")
    if x1.dtype is D.float16:
        raise NotImplementedError("\"cdist\" not implemented for 'Half'")
    if not p >= 0:
        raise RuntimeError("cdist only supports non-negative p values")
    batch = broadcast_pair(x1._a.shape[:-2], x2._a.shape[:-2])
    r1, r2 = x1._a.shape[-2], x2._a.shape[-2]
    use_mm = p == 2 and (compute_mode == "use_mm_for_euclid_dist" or (
        compute_mode == _MODES[0] and (r1 > 25 or r2 > 25)))
    params = {"p": float(p), "use_mm": use_mm, "shape": batch + (r1, r2)}
    if _tracked(x1, x2):
        r = Cdist.apply(x1, x2, **params)
        return r.view(r._a.shape) if use_mm else r       # (torch views the mm result)
    return _wrap(Cdist.forward(NOCTX, x1._a, x2._a, **params), x1.dtype)


# ------------------------------------------------------------------ cov / corrcoef
class _Conj(Op):
    """The complex conjugate (cov's second operand); its own adjoint."""
    name = "ConjBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a):
        return np.conj(a)

    @staticmethod
    def backward(ctx, g):
        return (_Conj.apply(g),)


def _check_weights(w, name, num_obs, integral):
    if w._a.ndim > 1:
        raise RuntimeError(f"cov(): expected {name} to have one or fewer dimensions but got "
                           f"{name} with {w._a.ndim} dimensions")
    if integral and w.dtype.category != D.INT:
        raise RuntimeError(f"cov(): expected {name} to have integral dtype but got {name} with "
                           f"{w.dtype.type_name} dtype")
    if not integral and w.dtype.category != D.FLOAT:
        raise RuntimeError(f"cov(): expected {name} to have floating point dtype but got {name} "
                           f"with {w.dtype.type_name} dtype")
    if w._a.size != num_obs:
        raise RuntimeError(f"cov(): expected {name} to have the same numel as there are "
                           f"observations in the input but got {w._a.size} != {num_obs}")
    if w._a.size and w._a.min() < 0:
        raise RuntimeError(f"cov(): {name} cannot be negative")


def cov(input, *, correction=1, fweights=None, aweights=None) -> Tensor:
    """The covariance matrix of the variables in input's rows (observations in columns),
    with optional frequency and importance weights."""
    a = input._a
    if a.ndim > 2:
        raise RuntimeError(f"cov(): expected input to have two or fewer dimensions but got an "
                           f"input with {a.ndim} dimensions")
    x = input.reshape(1, -1) if a.ndim < 2 else input
    num_obs = x._a.shape[1]
    if fweights is not None:
        _check_weights(fweights, "fweights", num_obs, True)
    if aweights is not None:
        _check_weights(aweights, "aweights", num_obs, False)
    rd = D.result_type_of([t for t in (input, fweights, aweights) if t is not None])
    if rd.category < D.FLOAT:
        rd = D.get_default_dtype()
    if x.dtype is not rd:
        x = x.to(rd)
    w = fweights
    if aweights is not None:
        w = aweights if w is None else w * aweights
    if w is None:
        avg = x.mean(1)
        w_sum = num_obs
        norm = num_obs - correction
    else:
        w_sum = w.sum()
        avg = (x * w).sum(1) / w_sum
        if correction == 0:
            norm = w_sum
        elif aweights is None:
            norm = w_sum - correction
        else:
            norm = w_sum - correction * (w * aweights).sum() / w_sum
    if float(norm) <= 0:
        warnings.warn("cov(): degrees of freedom is <= 0. Correction should be strictly less than "
                      "the number of observations.", UserWarning, stacklevel=2)
        norm = 0 if not isinstance(norm, Tensor) else norm * 0
    xm = x - avg.unsqueeze(1)
    other = (xm if w is None else xm * w).t()
    if rd.category == D.COMPLEX:
        other = _Conj.apply(other)
    c = xm.mm(other)
    return (c / norm).squeeze()


def corrcoef(input) -> Tensor:
    """The Pearson correlation coefficients of the variables in input's rows."""
    if input._a.ndim > 2:
        raise RuntimeError(f"corrcoef(): expected input to have two or fewer dimensions but got "
                           f"an input with {input._a.ndim} dimensions")
    c = cov(input)
    if c._a.ndim == 0:
        return c / c
    if c.dtype.category == D.COMPLEX:
        return _complex_corrcoef(c)
    std = c.diagonal().sqrt()
    c = c / std.unsqueeze(1)
    c = c / std.unsqueeze(0)
    return c.clamp(-1, 1)


def _complex_corrcoef(c):
    """corrcoef's last steps for a complex covariance: scaled by the standard deviations (the
    square roots of the diagonal's real part), real and imaginary parts clipped to [-1, 1]."""
    if _tracked(c):
        raise NotImplementedError("torchless: corrcoef of a complex tensor that requires grad is "
                                  "not supported")
    a = c._a
    std = np.sqrt(np.diagonal(a).real)
    r = a / std[:, None] / std[None, :]
    r = np.clip(r.real, -1, 1) + 1j * np.clip(r.imag, -1, 1)
    return _wrap(r.astype(a.dtype), c.dtype)


# ------------------------------------------------------------------ quantile
_INTERP = ("linear", "lower", "higher", "midpoint", "nearest")


class _QuantileOut(Op):
    """The (..., Q) interpolated values laid out as quantile's result: q's dim first (or
    squeezed away for a scalar q), a kept dim as size 1."""
    name = "SqueezeBackward4"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, v, kshape=(), scalar_q=True):
        ctx.shape, ctx.scalar_q = v.shape, scalar_q
        v = v.reshape(kshape + v.shape[-1:])
        return v[..., 0] if scalar_q else np.moveaxis(v, -1, 0)

    @staticmethod
    def backward(ctx, g):
        if ctx.scalar_q:
            return (g.reshape(ctx.shape),)
        return (g.movedim(0, -1).reshape(ctx.shape),)


def _quantile(name, input, q, dim, keepdim, interpolation, out, ignore_nan):
    d = input.dtype
    if d is not D.float32 and d is not D.float64:
        raise RuntimeError(f"{name}() input tensor must be either float or double dtype")
    scalar_q = not isinstance(q, Tensor)
    if scalar_q:
        if not 0 <= q <= 1:
            raise RuntimeError(f"{name}() q must be in the range [0, 1] but got {q}")
        qa = np.array([q], d.np)
    else:
        if q._a.ndim > 1:
            raise RuntimeError(f"{name}() q must be a scalar or 1D tensor")
        if q.dtype is not d:
            raise RuntimeError(f"{name}() q tensor must be same dtype as the input tensor")
        qa = q._a.reshape(-1)
        if not ((qa >= 0) & (qa <= 1)).all():
            raise RuntimeError(f"{name}() q values must be in the range [0, 1]")
        scalar_q = q._a.ndim == 0
    if interpolation not in _INTERP:
        raise RuntimeError(f"{name}() interpolation must be one of linear, lower, higher, "
                           f"midpoint or nearest, but got {interpolation}")
    a = input._a
    if a.size == 0:
        raise RuntimeError(f"{name}() input tensor must be non-empty")
    if a.size > 2 ** 24:
        raise RuntimeError(f"{name}() input tensor is too large")
    if dim is None:
        x, dd = input.reshape(-1), 0
        kshape = (1,) * a.ndim if keepdim else ()
    else:
        dd = wrap_dim(dim, a.ndim)
        x = input
        kshape = tuple(1 if k == dd else s for k, s in enumerate(a.shape)) if keepdim else \
            tuple(s for k, s in enumerate(a.shape) if k != dd)
        if a.ndim == 0:
            x, dd = input.reshape(1), 0
    s = x.sort(dd)[0]
    if dd != s._a.ndim - 1:
        s = s.movedim(dd, -1)
    sa = s._a
    n = sa.shape[-1]
    npd = d.np
    nan = np.isnan(sa)
    if ignore_nan:
        last = (n - nan.sum(-1, keepdims=True) - 1).astype(npd)       # per row, -1: all NaN
        ranks = qa * last
        ranks = np.where(last < 0, npd.type(0), ranks)
    else:
        last = npd.type(n - 1)
        ranks = np.broadcast_to(qa * last, sa.shape[:-1] + qa.shape)
        ranks = np.where(nan.any(-1, keepdims=True), last, ranks)     # a NaN row gives NaN
    if interpolation in ("lower", "higher", "nearest"):
        f = {"lower": np.floor, "higher": np.ceil, "nearest": np.round}[interpolation]
        v = s.gather(-1, _wrap(f(ranks).astype(np.int64)))
    else:
        lo = np.floor(ranks)
        hi = np.ceil(ranks)
        w = ranks - lo if interpolation == "linear" else np.ceil(ranks - lo) * npd.type(0.5)
        vlo = s.gather(-1, _wrap(lo.astype(np.int64)))
        vhi = s.gather(-1, _wrap(hi.astype(np.int64)))
        v = vlo.lerp(vhi, _wrap(np.ascontiguousarray(w, npd), d))
    params = {"kshape": kshape, "scalar_q": scalar_q}
    if _tracked(v):
        r = _QuantileOut.apply(v, **params)
    else:
        r = _wrap(_QuantileOut.forward(NOCTX, v._a, **params), d)
    return r if out is None else write_out(out, r, name)


def quantile(input, q, dim=None, keepdim=False, *, interpolation="linear", out=None) -> Tensor:
    """The q-th quantiles of input (over all elements, or along dim); q may be a 1-D tensor,
    whose dim then comes first.  A row holding NaN gives NaN."""
    return _quantile("quantile", input, q, dim, keepdim, interpolation, out, False)


def nanquantile(input, q, dim=None, keepdim=False, *, interpolation="linear",
                out=None) -> Tensor:
    """quantile ignoring NaN (a row of NaN only gives NaN)."""
    return _quantile("nanquantile", input, q, dim, keepdim, interpolation, out, True)


# ------------------------------------------------------------------ Tensor methods
Tensor.cov = cov
Tensor.corrcoef = corrcoef
Tensor.quantile = quantile
Tensor.nanquantile = nanquantile

__all__ = ["cdist", "cov", "corrcoef", "quantile", "nanquantile"]
