"""Resampling and rearranging primitives for torch.nn.functional: group_norm, interpolate
(nearest / nearest-exact / linear family), pixel_shuffle / pixel_unshuffle and im2col / col2im
(unfold / fold).

interpolate is separable: along each resized dim the output is a fixed linear map of the input
(a sparse (out, in) matrix whose rows hold one 1 for nearest, or two weights for linear), so
its gradient is the transposed map; the two ops are each other's backward.  The same holds for
pixel_shuffle / pixel_unshuffle and for im2col / col2im.
"""
from __future__ import annotations

import numpy as np

from ..autograd.function import NONE, Op
from ._pw import F16, F32, not_implemented

__all__: list = []

_F64 = np.float64


# ---------------------------------------------------------------- group_norm
class GroupNorm(Op):
    """(x - mean) / sqrt(var + eps) over each group of channels (and all spatial positions),
    then a per-channel weight and bias."""

    name = "NativeGroupNormBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, x, w, b, groups=1, eps=1e-5):
        if x.dtype.kind != "f":
            raise not_implemented("GroupNormKernelImpl", x.dtype)
        a = x.astype(F32) if x.dtype == F16 else x
        n, c = a.shape[:2]
        rows = a.reshape(n, groups, -1).astype(_F64)
        mean = rows.mean(axis=2, keepdims=True)
        rows = rows - mean
        var = (rows * rows).mean(axis=2, keepdims=True)
        rstd = 1.0 / np.sqrt(var + eps)
        y = (rows * rstd).reshape(a.shape)
        cs = (1, c) + (1,) * (a.ndim - 2)
        if w is not None:
            y = y * w.reshape(cs)
        if b is not None:
            y = y + b.reshape(cs)
        ctx.groups, ctx.eps = groups, eps
        return y.astype(x.dtype)

    @staticmethod
    def backward(ctx, g):
        # written with Tensor ops: it serves plain backward and create_graph alike
        x, w, b = ctx.inputs
        need = ctx.needs_input_grad
        shape = tuple(x.shape)
        n, c = shape[:2]
        G = ctx.groups
        cs = (1, c) + (1,) * (len(shape) - 2)
        red = (0,) + tuple(range(2, len(shape)))
        xg = x.reshape(n, G, -1)
        xc = xg - xg.mean(2, keepdim=True)
        rstd = ((xc * xc).mean(2, keepdim=True) + ctx.eps).rsqrt()
        xhat = (xc * rstd).reshape(shape)
        gx = gw = gb = None
        if need[0]:
            gh = (g * w.reshape(cs) if w is not None else g).reshape(n, G, -1)
            xh = xhat.reshape(n, G, -1)
            gx = (rstd * (gh - gh.mean(2, keepdim=True)
                          - xh * (gh * xh).mean(2, keepdim=True))).reshape(shape)
        if need[1]:
            gw = (g * xhat).sum(red)
        if need[2]:
            gb = g.sum(red)
        return gx, gw, gb


# ---------------------------------------------------------------- interpolate
def _apply_maps(a, maps, transpose=False):
    """Apply each (axis, matrix) map along its axis (the transposed maps, in reverse, for the
    adjoint); computed in float64 (or the input's wider dtype) and rounded once."""
    dt = a.dtype
    r = a.astype(_F64) if dt != np.float64 and dt.kind in "fiub" else a
    seq = reversed(maps) if transpose else maps
    for axis, m in seq:
        if transpose:
            m = m.T
        r = np.moveaxis(np.moveaxis(r, axis, -1) @ m.T, -1, axis)
    return np.ascontiguousarray(r).astype(dt, copy=False)


class Resample(Op):
    """out = the input mapped by a fixed linear map along each resized dim."""

    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a, maps=(), name="UpsampleBackward0"):
        ctx.maps, ctx.name = maps, name
        return _apply_maps(a, maps)

    @staticmethod
    def backward(ctx, g):
        return (ResampleAdjoint.apply(g, maps=ctx.maps, name=ctx.name),)


class ResampleAdjoint(Op):
    """Resample's gradient: the transposed maps (each output gradient added back)."""

    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, g, maps=(), name="UpsampleBackward0"):
        ctx.maps, ctx.fname = maps, name
        ctx.name = name[:-1] + "Backward0"
        return _apply_maps(g, maps, transpose=True)

    @staticmethod
    def backward(ctx, gg):
        return (Resample.apply(gg, maps=ctx.maps, name=ctx.fname),)


def _scale(insz, outsz, scale, dt):
    """The source step per output step: 1 / scale_factor when one was given, else in / out."""
    if scale is not None and scale > 0:
        return dt(1.0 / scale)
    return dt(insz) / dt(outsz)


def nearest_map(insz, outsz, scale, exact):
    """(out, in) 0/1 matrix: output i copies input floor(i * s) (floor((i + .5) * s) exact)."""
    s = _scale(insz, outsz, scale, np.float32)
    dst = np.arange(outsz, dtype=np.float32)
    if exact:
        dst = dst + np.float32(0.5)
    src = np.minimum(np.floor(dst * s).astype(np.int64), insz - 1)
    m = np.zeros((outsz, insz))
    m[np.arange(outsz), src] = 1.0
    return m


def linear_map(insz, outsz, scale, align_corners, dt):
    """(out, in) matrix of the two linear-interpolation weights of each output position."""
    dst = np.arange(outsz, dtype=dt)
    if align_corners:
        s = dt(insz - 1) / dt(outsz - 1) if outsz > 1 else dt(0)
        real = s * dst
    else:
        s = _scale(insz, outsz, scale, dt)
        real = np.maximum(s * (dst + dt(0.5)) - dt(0.5), dt(0))
    i0 = real.astype(np.int64)
    i0 = np.minimum(i0, insz - 1)
    i1 = i0 + (i0 < insz - 1)
    l1 = real - i0.astype(dt)
    l0 = dt(1) - l1
    m = np.zeros((outsz, insz))
    r = np.arange(outsz)
    np.add.at(m, (r, i0), l0.astype(_F64))
    np.add.at(m, (r, i1), l1.astype(_F64))
    return m


# ---------------------------------------------------------------- pixel shuffle
def _shuffle(a, r):
    lead = a.shape[:-3]
    c, h, w = a.shape[-3:]
    oc = c // (r * r)
    k = len(lead)
    t = a.reshape(lead + (oc, r, r, h, w))
    t = t.transpose(tuple(range(k)) + (k, k + 3, k + 1, k + 4, k + 2))
    return np.ascontiguousarray(t).reshape(lead + (oc, h * r, w * r))


def _unshuffle(a, r):
    lead = a.shape[:-3]
    c, h, w = a.shape[-3:]
    k = len(lead)
    t = a.reshape(lead + (c, h // r, r, w // r, r))
    t = t.transpose(tuple(range(k)) + (k, k + 2, k + 4, k + 1, k + 3))
    return np.ascontiguousarray(t).reshape(lead + (c * r * r, h // r, w // r))


class PixelShuffle(Op):
    name = "PixelShuffleBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a, r=1):
        ctx.r = r
        return _shuffle(a, r)

    @staticmethod
    def backward(ctx, g):
        return (PixelUnshuffle.apply(g, r=ctx.r),)


class PixelUnshuffle(Op):
    name = "PixelUnshuffleBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a, r=1):
        ctx.r = r
        return _unshuffle(a, r)

    @staticmethod
    def backward(ctx, g):
        return (PixelShuffle.apply(g, r=ctx.r),)


# ---------------------------------------------------------------- im2col / col2im
def _im2col(a, ks, dil, pad, st, outs):
    """(N, C, H, W) -> (N, C*kh*kw, L) columns of the padded input's sliding blocks."""
    n, c = a.shape[:2]
    if pad[0] or pad[1]:
        a = np.pad(a, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    s = a.strides
    win = np.lib.stride_tricks.as_strided(
        a, (n, c, ks[0], ks[1], outs[0], outs[1]),
        s[:2] + (s[2] * dil[0], s[3] * dil[1], s[2] * st[0], s[3] * st[1]), writeable=False)
    return np.ascontiguousarray(win).reshape(n, c * ks[0] * ks[1], outs[0] * outs[1])


def _col2im(g, size, ks, dil, pad, st, outs):
    """im2col's adjoint: (N, C*kh*kw, L) columns summed back into (N, C, H, W)."""
    n = g.shape[0]
    c = g.shape[1] // (ks[0] * ks[1])
    hp, wp = size[0] + 2 * pad[0], size[1] + 2 * pad[1]
    out = np.zeros((n, c, hp, wp), g.dtype)
    cols = g.reshape(n, c, ks[0], ks[1], outs[0], outs[1])
    for i in range(ks[0]):
        for j in range(ks[1]):
            h0, w0 = i * dil[0], j * dil[1]
            out[:, :, h0:h0 + st[0] * (outs[0] - 1) + 1:st[0],
                w0:w0 + st[1] * (outs[1] - 1) + 1:st[1]] += cols[:, :, i, j]
    return np.ascontiguousarray(out[:, :, pad[0]:pad[0] + size[0], pad[1]:pad[1] + size[1]])


class Im2Col(Op):
    name = "Im2ColBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a, ks=(), dil=(), pad=(), st=(), outs=()):
        # unbatched (C, H, W) input gives (C*kh*kw, L) columns, as torch's kernel does
        ctx.geo, ctx.size = (ks, dil, pad, st, outs), a.shape[-2:]
        if a.ndim == 3:
            return _im2col(a[None], ks, dil, pad, st, outs)[0]
        return _im2col(a, ks, dil, pad, st, outs)

    @staticmethod
    def backward(ctx, g):
        ks, dil, pad, st, outs = ctx.geo
        return (Col2Im.apply(g, size=ctx.size, ks=ks, dil=dil, pad=pad, st=st, outs=outs),)


class Col2Im(Op):
    name = "Col2ImBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, g, size=(), ks=(), dil=(), pad=(), st=(), outs=()):
        ctx.geo = (ks, dil, pad, st, outs)
        if g.ndim == 2:
            return _col2im(g[None], size, ks, dil, pad, st, outs)[0]
        return _col2im(g, size, ks, dil, pad, st, outs)

    @staticmethod
    def backward(ctx, gg):
        ks, dil, pad, st, outs = ctx.geo
        return (Im2Col.apply(gg, ks=ks, dil=dil, pad=pad, st=st, outs=outs),)
