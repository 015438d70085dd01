"""Searching and counting: searchsorted, bucketize, bincount, histc and isin.

None of these is differentiable.  searchsorted runs torch's binary search itself (vectorised
over all values at once) rather than NumPy's: the two differ where the boundaries hold NaN or
are not sorted, and torch's answer is the one wanted.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ..autograd.function import NONE, Op
from ..autograd.grad_mode import ENABLED
from ._strides import fmt, is_contiguous_array
from .reduction import write_out

_WARNED: set = set()
_SCALARS = (bool, int, float, np.number)
_CTYPE = {"bool": "bool", "uint8": "unsigned char", "int8": "signed char", "int16": "short int",
          "int32": "int", "int64": "long int", "float16": "c10::Half", "float32": "float",
          "float64": "double", "complex64": "c10::complex<float>",
          "complex128": "c10::complex<double>"}


def _warn_once(key, msg):
    if key not in _WARNED:          # torch prints these once per program
        _WARNED.add(key)
        warnings.warn(msg, UserWarning, stacklevel=3)


def _as_common(x, npd):
    """x (tensor or Python scalar) as an array of the common dtype; a scalar converts with
    wrap-around, as torch's does when it joins a narrower tensor."""
    if isinstance(x, Tensor):
        a = x._a
        return a if a.dtype == npd else a.astype(npd)
    return np.array(x).astype(npd)


# ------------------------------------------------------------------ searchsorted / bucketize
def _bsearch(bnd, vals, right, sorter):
    """Per row r, the insertion point of each vals[r, j] in bnd[r] (torch's lower/upper bound:
    the first position whose boundary is >= value, or > value when right)."""
    rows_n, n = bnd.shape
    lo = np.zeros(vals.shape, np.int64)
    hi = np.full(vals.shape, n, np.int64)
    rows = np.arange(rows_n)[:, None]
    active = lo < hi
    while active.any():
        mid = (lo + hi) >> 1
        at = np.minimum(mid, n - 1)
        if sorter is not None:
            at = sorter[rows, at]
        mv = bnd[rows, at]
        below = ~(mv > vals) if right else ~(mv >= vals)       # NaN compares as "below"
        lo = np.where(active & below, mid + 1, lo)
        hi = np.where(active & ~below, mid, hi)
        active = lo < hi
    return lo


_SS_SIGS = (" * (Tensor sorted_sequence, Tensor input, *, bool out_int32 = False, bool right = "
            "False, str side = None, Tensor sorter = None, Tensor out = None)\n"
            " * (Tensor sorted_sequence, Number self, *, bool out_int32 = False, bool right = "
            "False, str side = None, Tensor sorter = None, Tensor out = None)\n")


def searchsorted(sorted_sequence, input, *, out_int32=False, right=False, side=None, sorter=None,
                 out=None):
    """Indices where the values of input would be inserted into sorted_sequence (along its last
    dim) to keep it sorted; right (or side='right') puts equal values after."""
    seq = sorted_sequence
    if not isinstance(seq, Tensor) or not isinstance(input, (Tensor,) + _SCALARS):
        raise TypeError("searchsorted() received an invalid combination of arguments - got "
                        f"({type(seq).__name__}, {type(input).__name__}), but expected one of:\n"
                        + _SS_SIGS)
    if side is not None:
        if side not in ("left", "right"):
            raise RuntimeError(f"torch.searchsorted(): side can only be 'left' or 'right' but got "
                               f"{side}")
        if side == "left" and right:
            raise RuntimeError("torch.searchsorted(): side and right can't be set to opposites, "
                               "got side of left while right was True")
        right = side == "right"
    common = D.result_type_of((seq, input))
    if common is D.bool_ or common.category == D.COMPLEX:
        raise NotImplementedError(
            f"\"searchsorted_out_cpu\" not implemented for '{common.type_name}'")
    rd = D.int32 if out_int32 else D.int64
    if out is not None and out.dtype is not rd:
        raise RuntimeError(
            "torch.searchsorted(): output tensor's dtype is wrong, it can only be Int(int32) or "
            "Long(int64) depending on whether out_int32 flag is True, but we got output tensor's "
            f"dtype {out.dtype.type_name} and out_int32 flag is {bool(out_int32)}")
    b = seq._a
    if b.ndim == 0:
        raise RuntimeError("torch.searchsorted(): boundaries tensor should have positive "
                           "dimension, but got 0 dimension")
    scalar = not isinstance(input, Tensor)
    vshape = () if scalar else input._a.shape
    if b.ndim > 1:
        if scalar:
            raise RuntimeError(
                "torch.searchsorted(): input value can be a scalar only when boundaries tensor "
                f"dimension is 1, but we got boundaries tensor dim({b.ndim}) and input value's "
                "dim(0) numel(1)")
        if len(vshape) != b.ndim or vshape[:-1] != b.shape[:-1]:
            raise RuntimeError(
                "torch.searchsorted(): boundaries tensor should be 1 dimension or the first N-1 "
                "dimensions of boundaries tensor and input value tensor must match, but we got "
                f"boundaries tensor {fmt(b.shape)} and input value tensor {fmt(vshape)}")
    srt = None
    if sorter is not None:
        if sorter.dtype is not D.int64:
            raise RuntimeError(f"torch.searchsorted(): sorter must be a tensor of long dtype but "
                               f"got dtype {sorter.dtype.type_name}")
        if sorter._a.shape != b.shape:
            raise RuntimeError(
                f"torch.searchsorted(): boundary and sorter must have the same size, but got "
                f"boundary tensor {fmt(b.shape)}and got sorter tensor {fmt(sorter._a.shape)}")
        srt = sorter._a
        if srt.size and (srt.min() < 0 or srt.max() >= b.shape[-1]):
            raise RuntimeError("torch.searchsorted(): sorter index out of range")
    if not scalar and not is_contiguous_array(input._a):
        _warn_once("ss input", _noncontig("input value"))
    if not is_contiguous_array(b):
        _warn_once("ss boundary", _noncontig("boundary"))
    npd = common.np
    bnd = _as_common(seq, npd)
    vals = _as_common(input, npd)
    n = b.shape[-1]
    if b.ndim == 1:
        bnd2, vals2 = bnd.reshape(1, n), vals.reshape(1, -1)
        srt2 = None if srt is None else srt.reshape(1, n)
    else:
        bnd2, vals2 = bnd.reshape(-1, n), vals.reshape(-1, vshape[-1])
        srt2 = None if srt is None else srt.reshape(-1, n)
    if n == 0:
        pos = np.zeros(vals2.shape, np.int64)
    else:
        pos = _bsearch(bnd2, vals2, right, srt2)
    r = _wrap(pos.reshape(vshape).astype(rd.np), rd)
    return r if out is None else write_out(out, r, "searchsorted")


def _noncontig(what):
    return (f"torch.searchsorted(): {what} tensor is non-contiguous, this will lower the "
            "performance due to extra data copy when converting non-contiguous tensor to "
            f"contiguous, please use contiguous {what} tensor if possible. This message will only "
            "appear once per program.")


def bucketize(input, boundaries, *, out_int32=False, right=False, out=None):
    """The index of the bucket (between consecutive 1-D boundaries) of each value of input."""
    if isinstance(boundaries, Tensor) and boundaries._a.ndim != 1:
        raise RuntimeError(f"boundaries tensor must be 1 dimension, but got dim("
                           f"{boundaries._a.ndim})")
    return searchsorted(boundaries, input, out_int32=out_int32, right=right, out=out)


# ------------------------------------------------------------------ bincount / histc
class _NotImplemented(Op):
    """The grad_fn torch gives a result whose derivative it does not implement."""
    name = "NotImplemented"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, *arrays, result=None, what=""):
        ctx.what = what
        return result

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError(f"derivative for {ctx.what} is not implemented")


def bincount(input, weights=None, minlength=0) -> Tensor:
    """How many times each value 0, 1, ... occurs in a 1-D non-negative integer tensor (or the
    sum of the weights at its occurrences)."""
    d = input.dtype
    if d.category != D.INT or d is D.bool_:
        raise NotImplementedError(f"\"bincount_cpu\" not implemented for '{d.type_name}'")
    if minlength < 0:
        raise RuntimeError("minlength should be >= 0")
    a = input._a
    if a.ndim != 1 or (a.size and a.min() < 0):
        raise RuntimeError("bincount only supports 1-d non-negative integral inputs.")
    n = max(int(a.max()) + 1 if a.size else 0, minlength)
    if weights is None:
        return _wrap(np.bincount(a, minlength=n).astype(np.int64), D.int64)
    w = weights._a
    if w.ndim != 1 or w.size != a.size:
        raise RuntimeError("weights should be 1-d and have the same length as input")
    rd = D.float32 if weights.dtype is D.float32 else D.float64
    out = np.zeros(n, rd.np)
    np.add.at(out, a, w.astype(rd.np))      # in input order, as torch adds them
    if ENABLED[0] and weights.requires_grad:
        return _NotImplemented.apply(weights, result=out, what="aten::bincount")
    return _wrap(out, rd)


def _cfmt(v):
    """A number as C++'s stream prints it (6 significant digits; NaN here always -nan)."""
    if v != v:
        return "-nan"
    return f"{v:g}"


def histc(input, bins=100, min=0, max=0, *, out=None) -> Tensor:
    """A histogram of input's values in ``bins`` equal bins over [min, max] (the data's range
    when min == max); values outside are ignored."""
    d = input.dtype
    if isinstance(bins, bool) or not isinstance(bins, int):
        raise TypeError(f"histc(): argument 'bins' must be int, not {type(bins).__name__}")
    if d.category != D.FLOAT:
        raise NotImplementedError(f"\"histogram_cpu\" not implemented for '{d.type_name}'")
    if bins <= 0:
        raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
    a = input._a.reshape(-1)
    npd = d.np
    # the range in double precision (as torch's Scalar arguments), then in input's dtype
    lo, hi = float(min), float(max)
    if lo > hi:
        raise RuntimeError("torch.histc: max must be larger than min")
    if lo == hi and a.size:
        lo, hi = float(a.min()), float(a.max())
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    if not (np.isfinite(lo) and np.isfinite(hi)):
        raise RuntimeError(f"torch.histc: range of [{_cfmt(lo)}, {_cfmt(hi)}] is not finite")
    lo, hi = npd.type(lo), npd.type(hi)
    x = a[(a >= lo) & (a <= hi)]
    # torch's bin of x: (x - min) * bins / (max - min), truncated, in input's dtype
    pos = ((x - lo) * npd.type(bins) / (hi - lo)).astype(np.int64)
    pos = np.minimum(pos, bins - 1)              # max itself falls in the last bin
    if npd == np.float16:
        hist = np.zeros(bins, npd)
        np.add.at(hist, pos, npd.type(1))        # float16 counts saturate as torch's do
    else:
        hist = np.bincount(pos, minlength=bins).astype(npd)
    r = _wrap(hist, d)
    return r if out is None else write_out(out, r, "histc")


# ------------------------------------------------------------------ isin
_ISIN_SIGS = (" * (Tensor elements, Tensor test_elements, *, bool assume_unique = False, bool "
              "invert = False, Tensor out = None)\n"
              " * (Number element, Tensor test_elements, *, bool assume_unique = False, bool "
              "invert = False, Tensor out = None)\n"
              " * (Tensor elements, Number test_element, *, bool assume_unique = False, bool "
              "invert = False, Tensor out = None)\n")


def isin(elements, test_elements, *, assume_unique=False, invert=False, out=None) -> Tensor:
    """Whether each element is among test_elements (or not, with invert), as a bool tensor of
    elements' shape."""
    te, tt = isinstance(elements, Tensor), isinstance(test_elements, Tensor)
    if not ((te or isinstance(elements, _SCALARS)) and (tt or isinstance(test_elements, _SCALARS))
            and (te or tt)):
        raise TypeError("isin() received an invalid combination of arguments - got "
                        f"({type(elements).__name__}, {type(test_elements).__name__}), but "
                        "expected one of:\n" + _ISIN_SIGS)
    for x in (elements, test_elements):
        if isinstance(x, Tensor) and (x.dtype is D.bool_ or x.dtype.category == D.COMPLEX):
            raise RuntimeError(f"Unsupported input type encountered for isin(): "
                               f"{x.dtype.type_name}")
    if out is not None and out.dtype is not D.bool_:
        raise RuntimeError(f"Expected out tensor to have dtype bool, but got "
                           f"{_CTYPE[out.dtype.name]} instead")
    npd = D.result_type_of((elements, test_elements)).np
    e = _as_common(elements, npd)
    t = _as_common(test_elements, npd)
    r = np.isin(e, t, invert=bool(invert))
    r = _wrap(np.ascontiguousarray(r, dtype=np.bool_).reshape(e.shape), D.bool_)
    return r if out is None else write_out(out, r, "isin")


# ------------------------------------------------------------------ Tensor methods
Tensor.bincount = bincount
Tensor.histc = histc

__all__ = ["searchsorted", "bucketize", "bincount", "histc", "isin"]
