"""More activation and loss primitives for torch.nn.functional (celu, selu, glu, hardshrink,
softshrink, hardsigmoid, hardswish, logsigmoid, mish, prelu, rrelu, threshold, huber_loss,
soft_margin_loss, multi_margin_loss and the p-norm of pairwise_distance).

Each Op carries the grad_fn name torch shows for its dedicated kernel; the forward follows the
kernel's formula in the tensor's precision (float16 through float32), the backward is written
with Tensor ops so it is differentiable again.  Not registered in torchless.ops: the nn files
import it.
"""
from __future__ import annotations

import numpy as np

from .._tensor import _wrap
from ..autograd.function import NONE, Op
from .activation import _Activation, _back, _dt, _float_input
from ._pw import not_implemented
from .ternary import where

__all__: list = []

_ONE_SIXTH_F = float(np.float32(1.0) / np.float32(6.0))
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


# ---------------------------------------------------------------- elu family (celu, selu)
class EluFull(_Activation):
    """torch's elu(x, alpha, scale, input_scale): scale * x for x > 0, else
    alpha * scale * (exp(x * input_scale) - 1)."""
    name = "EluBackward0"

    @staticmethod
    def forward(ctx, a, alpha=1.0, scale=1.0, input_scale=1.0):
        ctx.p = (alpha * scale, scale, input_scale)
        x = _float_input(a, "elu_cpu")
        t = x.dtype.type
        neg, pos, ins = t(alpha * scale), t(scale), t(input_scale)
        return _back(np.where(x > 0, x * pos, np.expm1(x * ins) * neg), a)

    @staticmethod
    def backward(ctx, g):
        neg, pos, ins = ctx.p
        x = ctx.inputs[0]
        return (where(x > 0, g * pos, g * (ins * neg) * (x * ins).exp()),)


class EluFullInplace(EluFull):
    name = "EluBackward1"
    save_output = True

    @staticmethod
    def backward(ctx, g):
        neg, pos, ins = ctx.p
        y = ctx.out
        return (where(y > 0, g * pos, g * ins * (y + neg)),)


EluFull.inplace_op = EluFullInplace


class Celu(EluFull):
    """celu: elu with input_scale 1 / alpha; torch's backward takes 1 / float(alpha) with alpha
    rounded to float32 first (alpha.toFloat())."""
    name = "CeluBackward0"

    @staticmethod
    def forward(ctx, a, alpha=1.0, scale=1.0, input_scale=1.0):
        r = EluFull.forward(ctx, a, alpha, scale, input_scale)
        ctx.p = (alpha * scale, scale, 1.0 / float(np.float32(alpha)))
        return r


class CeluInplace(Celu):
    name = "CeluBackward1"
    save_output = True
    backward = EluFullInplace.backward


Celu.inplace_op = CeluInplace


# ---------------------------------------------------------------- glu
class Glu(Op):
    name = "GluBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, dim=-1):
        x = _float_input(a, "glu_cpu")
        n = x.shape[dim] // 2
        ctx.dim, ctx.n = dim, n
        first, second = np.split(x, [n], axis=dim)
        one = x.dtype.type(1)
        return _back(first * (one / (one + np.exp(-second))), a)     # torch: a * sigmoid(b)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        a = x.narrow(ctx.dim, 0, ctx.n)
        b = x.narrow(ctx.dim, ctx.n, ctx.n)
        s = b.sigmoid()
        from .join import cat
        return (cat([g * s, g * a * s * (1 - s)], ctx.dim),)


# ---------------------------------------------------------------- piecewise-linear backward
class _GradScale(Op):
    """g * factor, factor a per-element constant (1 or 0, a slope, rrelu's noise) computed
    from the forward input x.  x is an input so that, as in torch, the gradient requires grad
    when x does (create_graph=True); its own derivative in x is zero."""
    kind = NONE
    needs_inputs = False

    @classmethod
    def of(cls, g, x, factor):
        return cls.apply(g, x, factor=factor)

    @staticmethod
    def forward(ctx, g, x, factor=None):
        ctx.factor = factor
        f = factor.astype(g.dtype, copy=False) if factor.dtype.kind == "f" else factor
        r = np.multiply(g, f, dtype=g.dtype) if factor.dtype.kind == "f" else \
            np.where(factor, g, g.dtype.type(0))
        return r

    @classmethod
    def _backward(cls, ctx, gg):
        x = ctx._inputs[1]
        gx = _wrap(np.zeros(x._a.shape, x._a.dtype), x.dtype) if ctx.needs_input_grad[1] \
            else None
        return cls.apply(gg, x, factor=ctx.factor), gx


def _grad_op(name):
    cls = type(name, (_GradScale,), {"name": name})
    cls.backward = staticmethod(lambda ctx, gg, _c=cls: _c._backward(ctx, gg))
    return cls


_HardshrinkBB = _grad_op("HardshrinkBackwardBackward0")
_SoftshrinkBB = _grad_op("SoftshrinkBackwardBackward0")
_ThresholdBB = _grad_op("ThresholdBackwardBackward0")
_RreluBB = _grad_op("RreluWithNoiseBackwardBackward0")


def _outside(x, lambd):
    """Where the shrinks pass the gradient: outside [-lambd, lambd] (nan passes)."""
    return ~((x >= -lambd) & (x <= lambd))


# ---------------------------------------------------------------- shrinks
class Hardshrink(_Activation):
    name = "HardshrinkBackward0"

    @staticmethod
    def forward(ctx, a, lambd=0.5):
        ctx.lambd = lambd
        x = _float_input(a, "hardshrink_cpu")
        t = x.dtype.type
        return _back(np.where((x >= t(-lambd)) & (x <= t(lambd)), t(0), x), a)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        return (_HardshrinkBB.of(g, x, _outside(x._a, ctx.lambd)),)


class Softshrink(_Activation):
    name = "SoftshrinkBackward0"

    @staticmethod
    def forward(ctx, a, lambd=0.5):
        ctx.lambd = lambd
        x = _float_input(a, "softshrink_check")
        t = x.dtype.type
        lo = t(lambd)
        r = np.where(x > lo, x - lo, np.where(x < -lo, x + lo, t(0)))
        return _back(np.where(np.isnan(x), x, r), a)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        return (_SoftshrinkBB.of(g, x, _outside(x._a, ctx.lambd)),)


# ---------------------------------------------------------------- hard sigmoid / swish
class Hardsigmoid(_Activation):
    name = "HardsigmoidBackward0"

    @staticmethod
    def forward(ctx, a):
        x = _float_input(a, "hardsigmoid_cpu")
        t = x.dtype.type
        return _back(np.minimum(np.maximum(x + t(3), t(0)), t(6)) / t(6), a)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        # torch multiplies by 1.0f / 6.0f (a float32 constant) in every dtype
        return (where((x > -3.0) & (x < 3.0), g * _ONE_SIXTH_F, 0.0),)


class Hardswish(_Activation):
    name = "HardswishBackward0"

    @staticmethod
    def forward(ctx, a):
        x = _float_input(a, "hardswish_cpu")
        t = x.dtype.type
        return _back(x * np.minimum(np.maximum(x + t(3), t(0)), t(6)) / t(6), a)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        return (where(x < -3.0, 0.0, where(x <= 3.0, g * (x / 3.0 + 0.5), g)),)


# ---------------------------------------------------------------- logsigmoid / mish
class LogSigmoid(_Activation):
    name = "LogSigmoidBackward0"

    @staticmethod
    def forward(ctx, a):
        x = _float_input(a, "log_sigmoid_cpu")
        t = x.dtype.type
        return _back(np.minimum(x, t(0)) - np.log1p(np.exp(-np.abs(x))), a)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        return (g * (-x).sigmoid(),)


class Mish(_Activation):
    name = "MishBackward0"

    @staticmethod
    def forward(ctx, a):
        x = _float_input(a, "mish_cpu")
        return _back(x * np.tanh(np.log1p(np.exp(x))), a)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        s = x.sigmoid()
        th = (x.exp().log1p()).tanh()
        return (g * (th + x * s * (1 - th * th)),)


Mish.inplace_op = Mish
Hardsigmoid.inplace_op = Hardsigmoid
Hardswish.inplace_op = Hardswish


# ---------------------------------------------------------------- threshold
class Threshold(_Activation):
    name = "ThresholdBackward0"

    @staticmethod
    def forward(ctx, a, threshold=0.0, value=0.0):
        ctx.th = threshold
        k = a.dtype.kind
        if k == "c":
            raise not_implemented("threshold_cpu", _dt(a))
        if k == "b":
            raise not_implemented("threshold_cpu", _dt(a))
        t = a.dtype.type
        if k in "iu":
            return np.where(a <= threshold, t(value), a)
        x = _float_input(a, "threshold_cpu")
        tt = x.dtype.type
        return _back(np.where(x <= tt(threshold), tt(value), x), a)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        return (_ThresholdBB.of(g, x, ~(x._a <= ctx.th)),)


class ThresholdInplace(Threshold):
    """threshold_: torch masks the gradient with the input's values before the write."""
    name = "ThresholdBackward1"


Threshold.inplace_op = ThresholdInplace


# ---------------------------------------------------------------- prelu
class Prelu(Op):
    name = "PreluKernelBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, w):
        x = _float_input(a, "prelu_cpu")
        ww = w.astype(x.dtype, copy=False)
        if ww.size > 1 or (x.ndim >= 2 and ww.ndim == 1):
            shp = [1] * x.ndim
            if x.ndim >= 2:
                shp[1] = ww.size
            elif x.ndim == 1:
                shp[0] = ww.size
            ww = ww.reshape(shp)
        else:
            ww = ww.reshape(())
        ctx.wshape = w.shape
        ctx.wview = ww.shape
        return _back(np.where(x > 0, x, ww * x), a)

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.inputs
        wv = w.reshape(ctx.wview)
        gx = where(x > 0, g, wv * g) if ctx.needs_input_grad[0] else None
        gw = None
        if ctx.needs_input_grad[1]:
            full = where(x > 0, 0.0, x * g)
            axes = tuple(i for i in range(full.dim()) if i >= len(ctx.wview)
                         or ctx.wview[i] == 1)
            if axes:
                full = full.sum(axes, keepdim=True)
            gw = full.reshape(ctx.wshape)
        return gx, gw


# ---------------------------------------------------------------- rrelu
class Rrelu(_Activation):
    name = "RreluWithNoiseBackward0"

    @staticmethod
    def forward(ctx, a, lower=0.125, upper=1 / 3, noise=None):
        x = _float_input(a, "leaky_relu_cpu" if noise is None else "rrelu_with_noise_cpu")
        t = x.dtype.type
        if noise is None:
            slope = (lower + upper) / 2
            ctx.slope, ctx.noise = slope, None
            return _back(np.where(x > 0, x, x * t(slope)), a)
        ctx.noise = noise
        return _back(x * noise.astype(x.dtype, copy=False), a)

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        return (_RreluBB.of(g, x, _rrelu_factor(ctx, x._a)),)


def _rrelu_factor(ctx, x):
    if ctx.noise is not None:
        return ctx.noise.astype(x.dtype, copy=False)
    return np.where(x > 0, x.dtype.type(1), x.dtype.type(ctx.slope))


class RreluInplace(Rrelu):
    name = "RreluWithNoiseBackward1"
    save_output = True

    @staticmethod
    def backward(ctx, g):
        y = ctx.out
        if ctx.noise is not None:
            return (g * _wrap(ctx.noise.astype(y._a.dtype, copy=False)),)
        return (where(y > 0, g, g * ctx.slope),)


Rrelu.inplace_op = RreluInplace


# ---------------------------------------------------------------- losses
def _reduce(loss, red, dt):
    from ..nn._reduction import reduce_array
    return reduce_array(loss, red, dt)


class HuberLoss(Op):
    name = "HuberLossBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, x, y, red=1, dt=None, delta=1.0):
        from ..nn._reduction import float_compute
        d = float_compute(x.astype(dt.np, copy=False)) - float_compute(y.astype(dt.np,
                                                                                  copy=False))
        z = np.abs(d)
        t = z.dtype.type
        dl = t(delta)
        loss = np.where(z < dl, t(0.5) * d * d, dl * (z - t(0.5) * dl))
        ctx.red, ctx.n, ctx.delta = red, d.size, delta
        return _reduce(loss, red, dt.np)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        if ctx.red == 1:
            g = g / ctx.n
        d = x - y
        gx = d.clamp(-ctx.delta, ctx.delta) * g
        return gx, (-gx if ctx.needs_input_grad[1] else None)


class SoftMarginLoss(Op):
    name = "SoftMarginLossBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, x, y, red=1, dt=None):
        from ..nn._reduction import float_compute
        xx = float_compute(x.astype(dt.np, copy=False))
        yy = float_compute(y.astype(dt.np, copy=False))
        loss = np.log1p(np.exp(-xx * yy))
        ctx.red, ctx.n = red, loss.size
        return _reduce(loss, red, dt.np)

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.inputs
        z = (-x * y).exp()
        gx = -y * z / (z + 1) * g
        if ctx.red == 1:
            gx = gx / ctx.n
        return gx, None


class MultiMarginLoss(Op):
    name = "MultiMarginLossBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, x, tgt, w, red=1, p=1, margin=1.0):
        from ..nn._reduction import float_compute
        xx = float_compute(x)
        t = xx.dtype.type
        x2 = xx.reshape(1, -1) if xx.ndim <= 1 else xx
        tg = tgt.reshape(-1)
        n, c = x2.shape
        picked = x2[np.arange(n), tg][:, None]
        z = t(margin) - picked + x2
        z = np.maximum(z, t(0))
        if p == 2:
            z = z * z
        if w is not None:
            z = z * w.astype(xx.dtype, copy=False)[tg][:, None]
        z[np.arange(n), tg] = 0
        loss = z.sum(1) / t(c)
        ctx.red, ctx.n, ctx.p, ctx.margin, ctx.shape2 = red, n, p, margin, (n, c)
        if red == 0:
            return loss.astype(x.dtype, copy=False).reshape(tgt.shape if xx.ndim <= 1 else (n,))
        s = loss.sum()
        if red == 1:
            s = s / t(n)
        return np.asarray(s).astype(x.dtype)

    @staticmethod
    def backward(ctx, g):
        x, tgt, w = ctx.inputs
        n, c = ctx.shape2
        x2 = x.reshape(n, c)
        tg = tgt._a.reshape(-1)
        onehot = np.zeros((n, c), dtype=bool)
        onehot[np.arange(n), tg] = True
        oh = _wrap(onehot)
        picked = x2.gather(1, _wrap(tg.astype(np.int64).reshape(n, 1)))
        z = ctx.margin - picked + x2
        active = (z > 0) & ~oh
        if ctx.p == 1:
            d = where(active, 1.0, 0.0).to(x.dtype)
        else:
            d = where(active, 2 * z, 0.0)
        if w is not None:
            d = d * w[_wrap(tg.astype(np.int64))].reshape(n, 1)
        d = d / c
        gy = g.reshape(n, 1) if ctx.red == 0 and g.dim() > 0 else g.reshape(1, 1)
        if ctx.red == 1:
            gy = gy / n
        gother = d * gy
        gt = -gother.sum(1, keepdim=True)
        gx = where(oh, gt, gother)
        return gx.reshape(x.shape), None, None


class NormP(Op):
    """aten::norm(x, p, dim, keepdim) over one dim (pairwise_distance's NormBackward1)."""
    name = "NormBackward1"
    kind = NONE
    save_output = True

    @staticmethod
    def forward(ctx, a, p=2.0, dim=-1, keepdim=False):
        scalar = a.ndim == 0
        if scalar:                 # a scalar is its own one-element dim; the result stays 0-d
            keepdim = True
            a = a.reshape(1)
        ctx.p, ctx.dim, ctx.keepdim = p, dim, keepdim
        x = np.abs(a.astype(np.float32) if a.dtype == np.float16 else a)   # float16 in float32
        if p == 2:
            r = np.sqrt(np.sum(x * x, axis=dim, keepdims=keepdim))
        elif p == 1:
            r = np.sum(x, axis=dim, keepdims=keepdim)
        elif p == float("inf"):
            r = np.max(x, axis=dim, keepdims=keepdim) if x.shape[dim] else \
                np.zeros(np.sum(x, axis=dim, keepdims=keepdim).shape, x.dtype)
        elif p == 0:
            r = np.sum(x != 0, axis=dim, keepdims=keepdim).astype(x.dtype)
        else:
            t = x.dtype.type
            r = np.sum(x ** t(p), axis=dim, keepdims=keepdim) ** t(1 / p)
        r = np.asarray(r, dtype=a.dtype)
        return r.reshape(()) if scalar else r

    @staticmethod
    def backward(ctx, g):
        x = ctx.inputs[0]
        y = ctx.out
        p, dim = ctx.p, ctx.dim
        if p == 0:
            return (None,)             # torch's norm backward gives no gradient for p = 0
        if x.dim() == 0:
            pass
        elif not ctx.keepdim:
            g = g.unsqueeze(dim)
            y = y.unsqueeze(dim)
        if p == 1:
            return (x.sign() * g,)
        if p == 2:
            return (where(y == 0, 0.0, x / y * g),)
        if p == float("inf"):
            m = (x.abs() == y)
            cnt = m.sum(dim, keepdim=True) if x.dim() else 1
            return (x.sign() * where(m, g / cnt, 0.0),)
        ax = x.abs()
        return (where(y == 0, 0.0, x.sign() * ax ** (p - 1) / y ** (p - 1) * g),)


class ClampedNorm(Op):
    """cosine_similarity's denominator: the 2-norm along dim (keepdim), clamped at eps in
    value only; the gradient is the unclamped norm's (torch clamps the norm in place, outside
    autograd)."""
    name = "LinalgVectorNormBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, norm=None, eps=1e-8, dim=1):
        ctx.dim = dim
        return np.maximum(norm, norm.dtype.type(eps))

    @staticmethod
    def backward(ctx, g):
        from .statistics import vector_norm
        x = ctx.inputs[0]
        n = vector_norm(x, 2, dim=ctx.dim, keepdim=True)   # differentiable: double backward
        return (where(n == 0, 0.0, x / n * g),)
