"""Pooling: max_pool, avg_pool (1-D and 2-D) and adaptive_avg_pool2d.

Each window is scanned the way torch's CPU kernels scan it: one vectorised step per kernel
offset, in row-major order over the window, accumulating in the input's dtype.  So max pool
keeps the first maximal element (a later NaN replaces the running maximum, as in torch) and
the float32 sums of avg pool round as torch's do.

Pooling works on the last ``n`` dims of an array of any leading shape ((N, C, ...) or (C, ...)).
Gradients are linear in the incoming gradient, so each backward is an op whose own backward is
the forward again (max pool's: a gather at the saved indices): double backward works.
"""
from __future__ import annotations

from itertools import product

import numpy as np

from .._tensor import Tensor, _wrap
from ..autograd.function import NONE, Op


def pool_out_size(size, k, s, p, d, ceil_mode):
    """torch's pooling output size, with ceil_mode's rule that the last window must start
    inside the input or the left padding."""
    num = size + 2 * p - d * (k - 1) - 1
    out = (-(-num // s) if ceil_mode else num // s) + 1
    if ceil_mode and (out - 1) * s >= size + p:
        out -= 1
    return out


def _padded(a, n, pads, value):
    """a padded by (lo, hi) on each of its last n dims with value."""
    if not any(lo or hi for lo, hi in pads):
        return a
    width = ((0, 0),) * (a.ndim - n) + tuple(pads)
    return np.pad(a, width, constant_values=value)


def _geometry(shape, n, ks, ss, ps, ds, outs):
    """(low, high) pads so that every window lies inside the padded array."""
    pads = []
    for i in range(n):
        size = shape[-n + i]
        need = (outs[i] - 1) * ss[i] + ds[i] * (ks[i] - 1) + 1
        pads.append((ps[i], max(need - size - ps[i], 0)))
    return pads


def _slices(n, kidx, ss, ds, outs):
    return (Ellipsis,) + tuple(
        slice(kidx[i] * ds[i], kidx[i] * ds[i] + ss[i] * (outs[i] - 1) + 1, ss[i])
        for i in range(n))


# ---------------------------------------------------------------- max pool
def max_pool_forward(a, n, ks, ss, ps, ds, outs):
    shape = a.shape
    pads = _geometry(shape, n, ks, ss, ps, ds, outs)
    isf = a.dtype.kind == "f"
    fill = -np.inf if isf else np.iinfo(a.dtype).min
    ap = _padded(a, n, pads, fill)
    best = None
    which = None       # the kernel offset (row-major number) holding each window's maximum
    for num, kidx in enumerate(product(*(range(k) for k in ks))):
        v = ap[_slices(n, kidx, ss, ds, outs)]
        if best is None:
            best = v.copy()
            which = np.zeros(v.shape, np.int64)
            if isf or any(ps):
                # an element equal to the fill (-inf, or padding) is not taken: torch starts
                # from -inf and only moves on to a greater value or a NaN
                which[best == fill] = -1
            continue
        upd = v > best
        if isf:
            upd |= v != v
        np.copyto(best, v, where=upd)
        np.copyto(which, num, where=upd)
    # flat index in the plane: from the offset, or the window's first in-bounds element
    sizes = shape[-n:]
    idx = None
    none = which < 0
    for i in range(n):
        rest = _prod(ks[i + 1:])
        ki = (which // rest) % ks[i]
        start = np.arange(outs[i]) * ss[i] - ps[i]
        first = start.copy()
        neg = first < 0
        first[neg] += ((-first[neg] + ds[i] - 1) // ds[i]) * ds[i]
        shp = (-1,) + (1,) * (n - 1 - i)
        pos = np.where(none, first.reshape(shp), start.reshape(shp) + ki * ds[i])
        term = pos * _prod(sizes[i + 1:])
        idx = term if idx is None else idx + term
    return best, idx


def _prod(t):
    r = 1
    for v in t:
        r *= v
    return r


def _scatter(g, idx, n, xshape):
    """Add g into a zero array of xshape at the flat (per-plane) indices idx."""
    plane = _prod(xshape[-n:])
    lead = _prod(xshape[:-n])
    gl = g.reshape(lead, -1)
    il = idx.reshape(lead, -1) + (np.arange(lead, dtype=np.int64) * plane)[:, None]
    # bincount sums in float64: exact where windows don't overlap, and one rounding otherwise
    out = np.bincount(il.ravel(), weights=gl.ravel(), minlength=lead * plane).astype(g.dtype)
    return out.reshape(xshape)


class MaxPool(Op):
    """(values, indices) of the windows' maxima; indices flat within each input plane."""

    name = "MaxPool2DWithIndicesBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a, n=2, ks=(), ss=(), ps=(), ds=(), outs=()):
        out, idx = max_pool_forward(a, n, ks, ss, ps, ds, outs)
        ctx.idx, ctx.n = idx, n
        return out, idx

    @staticmethod
    def backward(ctx, g, _gi=None):
        return (MaxPoolBackward.apply(g, ctx._inputs[0], idx=ctx.idx, n=ctx.n),)


class MaxPoolBackward(Op):
    """max pool's input gradient: g added at the saved indices.  Its backward gathers."""

    name = "MaxPool2DWithIndicesBackwardBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, g, x, idx=None, n=2):
        ctx.idx, ctx.n = idx, n
        ctx.x_meta = (x.shape, x.dtype)
        return _scatter(g, idx, n, x.shape)

    @staticmethod
    def backward(ctx, h):
        n, idx = ctx.n, ctx.idx
        lead = idx.shape[:-n]
        hf = h.reshape(lead + (-1,))
        it = _wrap(idx.reshape(lead + (-1,)))
        return hf.gather(len(lead), it).reshape(idx.shape), _zeros(ctx)


def _zeros(ctx):
    """The gradient with respect to x of a pooling gradient (which is linear in g alone)."""
    if not ctx.needs_input_grad[1]:
        return None
    shape, dtype = ctx.x_meta
    return _wrap(np.zeros(shape, dtype))


# ---------------------------------------------------------------- avg pool
def _divisor(shape, n, ks, ss, ps, outs, count_include_pad, divisor_override):
    if divisor_override:
        return divisor_override
    div = np.ones((), np.int64)
    for i in range(n):
        size = shape[-n + i]
        start = np.arange(outs[i]) * ss[i] - ps[i]
        end = np.minimum(start + ks[i], size + ps[i])
        if count_include_pad:
            cnt = end - start
        else:
            cnt = np.minimum(end, size) - np.maximum(start, 0)
        div = np.multiply.outer(div, cnt)
    return div


def avg_pool_forward(a, n, ks, ss, ps, outs, count_include_pad, divisor_override):
    pads = _geometry(a.shape, n, ks, ss, ps, (1,) * n, outs)
    ap = _padded(a, n, pads, 0)
    acc = None
    for kidx in product(*(range(k) for k in ks)):
        v = ap[_slices(n, kidx, ss, (1,) * n, outs)]
        acc = v.copy() if acc is None else np.add(acc, v, out=acc)
    div = _divisor(a.shape, n, ks, ss, ps, outs, count_include_pad, divisor_override)
    if a.dtype.kind == "f":
        return (acc / np.asarray(div, a.dtype)).astype(a.dtype, copy=False)
    return (acc // div).astype(a.dtype, copy=False)


def avg_pool_adjoint(g, shape, n, ks, ss, ps, outs, count_include_pad, divisor_override):
    pads = _geometry(shape, n, ks, ss, ps, (1,) * n, outs)
    div = _divisor(shape, n, ks, ss, ps, outs, count_include_pad, divisor_override)
    gs = g / np.asarray(div, g.dtype)
    pshape = shape[:-n] + tuple(shape[-n + i] + pads[i][0] + pads[i][1] for i in range(n))
    gp = np.zeros(pshape, g.dtype)
    for kidx in product(*(range(k) for k in ks)):
        gp[_slices(n, kidx, ss, (1,) * n, outs)] += gs
    crop = (Ellipsis,) + tuple(slice(lo, lo + shape[-n + i]) for i, (lo, _) in enumerate(pads))
    return np.ascontiguousarray(gp[crop])


class AvgPool(Op):
    name = "AvgPool2DBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a, n=2, ks=(), ss=(), ps=(), outs=(), count_include_pad=True,
                divisor_override=None):
        ctx.p = (a.shape, n, ks, ss, ps, outs, count_include_pad, divisor_override)
        return avg_pool_forward(a, n, ks, ss, ps, outs, count_include_pad, divisor_override)

    @staticmethod
    def backward(ctx, g):
        return (AvgPoolBackward.apply(g, ctx._inputs[0], p=ctx.p),)


class AvgPoolBackward(Op):
    name = "AvgPool2DBackwardBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, g, x, p=()):
        ctx.p = p
        ctx.x_meta = (x.shape, x.dtype)
        return avg_pool_adjoint(g, *p)

    @staticmethod
    def backward(ctx, h):
        shape, n, ks, ss, ps, outs, cip, dov = ctx.p
        return AvgPool.apply(h, n=n, ks=ks, ss=ss, ps=ps, outs=outs, count_include_pad=cip,
                             divisor_override=dov), _zeros(ctx)


# ---------------------------------------------------------------- adaptive avg pool
def _bounds(size, out):
    o = np.arange(out)
    return (o * size) // out, -((-(o + 1) * size) // out)


def adaptive_forward(a, outs):
    n = len(outs)
    sizes = a.shape[-n:]
    bnds = [_bounds(sizes[i], outs[i]) for i in range(n)]
    lead = a.shape[:-n]
    res = np.empty(lead + tuple(outs), a.dtype)
    for oidx in product(*(range(o) for o in outs)):
        sl = (Ellipsis,) + tuple(slice(bnds[i][0][oidx[i]], bnds[i][1][oidx[i]])
                                 for i in range(n))
        w = a[sl]
        cnt = _prod(w.shape[-n:])
        # window elements first, then a sequential sum: torch's accumulation order
        w = np.moveaxis(w.reshape(lead + (cnt,)), -1, 0)
        s = np.add.reduce(w, axis=0) if cnt else np.zeros(lead, a.dtype)
        res[(Ellipsis,) + oidx] = s / cnt if a.dtype.kind == "f" else s // cnt
    return res


def adaptive_adjoint(g, shape):
    n = 2
    outs = g.shape[-2:]
    sizes = shape[-n:]
    bnds = [_bounds(sizes[i], outs[i]) for i in range(n)]
    res = np.zeros(shape, g.dtype)
    for oidx in product(*(range(o) for o in outs)):
        sl = (Ellipsis,) + tuple(slice(bnds[i][0][oidx[i]], bnds[i][1][oidx[i]])
                                 for i in range(n))
        cnt = _prod(b[1][oi] - b[0][oi] for b, oi in zip(bnds, oidx))
        res[sl] += (g[(Ellipsis,) + oidx] / np.asarray(cnt, g.dtype))[(Ellipsis,) + (None,) * n]
    return res


class AdaptiveAvgPool(Op):
    name = "AdaptiveAvgPool2DBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a, outs=()):
        return adaptive_forward(a, outs)

    @staticmethod
    def backward(ctx, g):
        return (AdaptiveAvgPoolBackward.apply(g, ctx._inputs[0]),)


class AdaptiveAvgPoolBackward(Op):
    name = "AdaptiveAvgPool2DBackwardBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, g, x):
        ctx.outs = g.shape[-2:]
        ctx.x_meta = (x.shape, x.dtype)
        return adaptive_adjoint(g, x.shape)

    @staticmethod
    def backward(ctx, h):
        return AdaptiveAvgPool.apply(h, outs=tuple(ctx.outs)), _zeros(ctx)


# ---------------------------------------------------------------- functional forms
def _tuple(v, n, name=None):
    if isinstance(v, (int, np.integer)):
        return (int(v),) * n
    v = tuple(int(a) for a in v)
    if len(v) == 1:
        return v * n
    return v


def _check_input(input, n, fname):
    if not isinstance(input, Tensor):
        raise TypeError(f"{fname}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    a = input._a
    if a.ndim not in (n + 1, n + 2) or any(s == 0 for s in a.shape[1:] if a.ndim == n + 2):
        raise RuntimeError(f"non-empty {n + 1}D or {n + 2}D (batch mode) tensor expected for "
                           "input")
    return a


def _pool_params(a, n, kernel_size, stride, padding, dilation, ceil_mode, avg=False):
    ks = _tuple(kernel_size, n)
    ss = ks if stride is None or (not isinstance(stride, int) and len(stride) == 0) \
        else _tuple(stride, n)
    ps = _tuple(padding, n)
    ds = _tuple(dilation, n)
    if any(k <= 0 for k in ks):
        raise RuntimeError("kernel size should be greater than zero, but got " + " ".join(
            f"k{'HW'[i] if n == 2 else 'W'}: {ks[i]}" for i in range(n)))
    if any(s <= 0 for s in ss):
        raise RuntimeError("stride should not be zero" if any(s == 0 for s in ss) else
                           "stride should be greater than zero")
    if not avg and any(d <= 0 for d in ds):
        raise RuntimeError("dilation should be greater than zero, but got " + " ".join(
            f"dilation{'HW'[i] if n == 2 else 'W'}: {ds[i]}" for i in range(n)))
    for i in range(n):
        if ps[i] > (ds[i] * (ks[i] - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={ps[i]}, kernel_size={ks[i]} and dilation={ds[i]}"
                               if not avg else
                               f"pad should be at most half of effective kernel size, but got "
                               f"pad={ps[i]}, kernel_size={ks[i]} and dilation={ds[i]}")
    outs = tuple(pool_out_size(a.shape[-n + i], ks[i], ss[i], ps[i], ds[i], ceil_mode)
                 for i in range(n))
    if any(o < 1 for o in outs):
        planes = a.shape[-n - 1]
        raise RuntimeError(f"Given input size: ({'x'.join(map(str, (planes,) + a.shape[-n:]))}). "
                           f"Calculated output size: ({'x'.join(map(str, (planes,) + outs))}). "
                           "Output size is too small")
    return ks, ss, ps, ds, outs


def max_pool2d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    a = _check_input(input, 2, "max_pool2d")
    ks, ss, ps, ds, outs = _pool_params(a, 2, kernel_size, stride, padding, dilation, ceil_mode)
    out, idx = MaxPool.apply(input, n=2, ks=ks, ss=ss, ps=ps, ds=ds, outs=outs)
    return (out, idx) if return_indices else out


def max_pool2d_with_indices(input, kernel_size, stride=None, padding=0, dilation=1,
                            ceil_mode=False, return_indices=True):
    return max_pool2d(input, kernel_size, stride, padding, dilation, ceil_mode, True)


def max_pool1d(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False,
               return_indices=False):
    if isinstance(input, Tensor) and input._a.ndim in (2, 3):
        a = input._a
        k1, p1, d1 = _tuple(kernel_size, 1)[0], _tuple(padding, 1)[0], _tuple(dilation, 1)[0]
        s1 = k1 if stride is None or stride == () else _tuple(stride, 1)[0]
        if s1 > 0 and k1 > 0:
            w = pool_out_size(a.shape[-1], k1, s1, p1, d1, ceil_mode)
            if w < 1:
                raise RuntimeError(f"max_pool1d() Invalid computed output size: {w}")
        ks, ss, ps, ds, outs = _pool_params(a[..., None, :], 2, (1, _tuple(kernel_size, 1)[0]),
                                            None if stride is None or stride == () else
                                            (1, _tuple(stride, 1)[0]),
                                            (0, _tuple(padding, 1)[0]),
                                            (1, _tuple(dilation, 1)[0]), ceil_mode) \
            if a.shape[-1] else (None,) * 5
        if outs is None or outs[1] < 1:
            w = 0 if outs is None else outs[1]
            raise RuntimeError(f"max_pool1d() Invalid computed output size: {w}")
        out, idx = MaxPool.apply(input.unsqueeze(-2), n=2, ks=ks, ss=ss, ps=ps, ds=ds, outs=outs)
        out = out.squeeze(-2)
        return (out, idx.squeeze(-2)) if return_indices else out
    raise RuntimeError("max_pool1d() Expected 2D or 3D input tensor, but got "
                       f"{input._a.ndim}D" if isinstance(input, Tensor) else "max_pool1d(): "
                       "argument 'input' must be Tensor")


def avg_pool2d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):
    a = _check_input(input, 2, "avg_pool2d")
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    ks, ss, ps, ds, outs = _pool_params(a, 2, kernel_size, stride, padding, 1, ceil_mode, True)
    return AvgPool.apply(input, n=2, ks=ks, ss=ss, ps=ps, outs=outs,
                         count_include_pad=count_include_pad, divisor_override=divisor_override)


def avg_pool1d(input, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True):
    if not isinstance(input, Tensor) or input._a.ndim not in (2, 3):
        raise RuntimeError("avg_pool1d() expected 2D or 3D input")
    st = None if stride is None or stride == () else (1, _tuple(stride, 1)[0])
    return avg_pool2d(input.unsqueeze(-2), (1, _tuple(kernel_size, 1)[0]), st,
                      (0, _tuple(padding, 1)[0]), ceil_mode, count_include_pad).squeeze(-2)


def adaptive_avg_pool2d(input, output_size):
    if not isinstance(input, Tensor):
        raise TypeError("adaptive_avg_pool2d(): argument 'input' (position 1) must be Tensor, "
                        f"not {type(input).__name__}")
    a = input._a
    if isinstance(output_size, (int, np.integer)) or output_size is None:
        output_size = (output_size, output_size)
    output_size = tuple(output_size)
    if len(output_size) != 2:
        raise RuntimeError("adaptive_avg_pool2d: output_size must be 2")
    if a.ndim not in (3, 4):
        raise RuntimeError(f"adaptive_avg_pool2d(): Expected 3D or 4D tensor, but got "
                           f"{list(a.shape)}")
    outs = tuple(a.shape[-2 + i] if o is None else int(o) for i, o in enumerate(output_size))
    if outs == (1, 1):
        return input.mean((-1, -2), keepdim=True)
    return AdaptiveAvgPool.apply(input, outs=outs)


__all__ = ["max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d", "adaptive_avg_pool2d"]
