"""The fused gate arithmetic of one LSTM / GRU step (nn.RNN's modules call them per timestep):
forward and backward in NumPy, and the backward as differentiable ops under create_graph."""
from __future__ import annotations

import numpy as np

from .._tensor import _wrap
from ..autograd.function import NONE, Op
from ..autograd.grad_mode import ENABLED
from .join import cat
from .unary import _sigmoid, sigmoid, tanh


def _lstm_gates_backward_graph(xp, hp, c, gh, gc):
    """_LstmGates' backward as differentiable ops (for create_graph=True)."""
    i, f, g, o = (xp + hp).chunk(4, 1)
    i, f, g, o = sigmoid(i), sigmoid(f), tanh(g), sigmoid(o)
    tc = tanh(f * c + i * g)
    dc = gc + gh * o * (1 - tc * tc)
    d = cat([dc * g * i * (1 - i), dc * c * f * (1 - f), dc * i * (1 - g * g),
             gh * tc * o * (1 - o)], 1)
    return d, d, dc * f


def _gru_gates_backward_graph(xp, hp, h, gout):
    """_GruGates' backward as differentiable ops (for create_graph=True)."""
    x_r, x_z, x_n = xp.chunk(3, 1)
    h_r, h_z, h_n = hp.chunk(3, 1)
    r = sigmoid(x_r + h_r)
    z = sigmoid(x_z + h_z)
    n = tanh(x_n + r * h_n)
    dn = gout * (1 - z) * (1 - n * n)
    dr = dn * h_n * r * (1 - r)
    dz = gout * (h - n) * z * (1 - z)
    return cat([dr, dz, dn], 1), cat([dr, dz, dn * r], 1), gout * z


class _LstmGates(Op):
    """One LSTM step after the two products: gates = xp + hp split as (i, f, g, o);
    c' = sig(f) c + sig(i) tanh(g), h' = sig(o) tanh(c').  Fused (forward and backward in
    NumPy) since a dozen small ops per timestep cost far more than the arithmetic; a backward
    that must itself be differentiated (create_graph) runs the same formulas as ops."""

    name = "LstmGatesBackward"
    kind = NONE

    @staticmethod
    def forward(ctx, xp, hp, c):
        gates = xp + hp
        n = c.shape[-1]
        sig = _sigmoid(gates)
        i, f, o = sig[:, :n], sig[:, n:2 * n], sig[:, 3 * n:]
        g = np.tanh(gates[:, 2 * n:3 * n])
        c2 = f * c
        c2 += i * g
        tc = np.tanh(c2)
        h = o * tc
        ctx.save_for_backward(i, f, g, o, tc)
        return h, c2

    @staticmethod
    def backward(ctx, gh, gc):
        xp, hp, c = ctx.inputs
        if ENABLED[0]:
            return _lstm_gates_backward_graph(xp, hp, c, gh, gc)
        i, f, g, o, tc = ctx.saved_tensors
        gh, gc = gh._a, gc._a
        dc = gh * o * (1 - tc * tc)
        dc += gc
        d = np.empty(xp._a.shape, dc.dtype)
        n = dc.shape[-1]
        d[:, :n] = dc * g * i * (1 - i)
        d[:, n:2 * n] = dc * c._a * f * (1 - f)
        d[:, 2 * n:3 * n] = dc * i * (1 - g * g)
        d[:, 3 * n:] = gh * tc * o * (1 - o)
        gd = _wrap(d)
        return gd, gd, _wrap(dc * f)


class _GruGates(Op):
    """One GRU step after the two products: r = sig(x_r + h_r), z = sig(x_z + h_z),
    n = tanh(x_n + r h_n), h' = n + z (h - n).  Fused as _LstmGates is."""

    name = "GruGatesBackward"
    kind = NONE

    @staticmethod
    def forward(ctx, xp, hp, h):
        n = h.shape[-1]
        rz = _sigmoid(xp[:, :2 * n] + hp[:, :2 * n])
        r, z = rz[:, :n], rz[:, n:]
        hn = hp[:, 2 * n:]
        nn_ = np.tanh(xp[:, 2 * n:] + r * hn)
        out = h - nn_
        out *= z
        out += nn_
        ctx.save_for_backward(r, z, nn_)
        return out

    @staticmethod
    def backward(ctx, gout):
        xp, hp, h = ctx.inputs
        if ENABLED[0]:
            return _gru_gates_backward_graph(xp, hp, h, gout)
        r, z, nn_ = ctx.saved_tensors
        g = gout._a
        n = g.shape[-1]
        hn = hp._a[:, 2 * n:]
        dn = g * (1 - z) * (1 - nn_ * nn_)
        dx = np.empty(xp._a.shape, g.dtype)
        dx[:, :n] = dn * hn * r * (1 - r)
        dx[:, n:2 * n] = g * (h._a - nn_) * z * (1 - z)
        dx[:, 2 * n:] = dn
        dh = dx.copy()
        dh[:, 2 * n:] = dn * r
        return _wrap(dx), _wrap(dh), _wrap(g * z)
