"""torch.optim.RMSprop: gradients divided by a running root mean square, optionally centered
and with momentum."""
from __future__ import annotations

import numpy as np

from .._tensor import _wrap
from .._version import bump
from . import optimizer as _k
from .optimizer import (Optimizer, addcdiv_, addcmul_, axpy_, check_lr, fma, grads_of, inc_step,
                        lerp_, no_grad_step, scalar, scale_, step_tensor)

__all__ = ["RMSprop"]


class RMSprop(Optimizer):
    """p -= lr * g / (sqrt(square_avg) + eps), square_avg = alpha * square_avg + (1 - alpha) g²."""

    def __init__(self, params, lr=1e-2, alpha=0.99, eps=1e-8, weight_decay=0, momentum=0,
                 centered=False, capturable=False, foreach=None, maximize=False,
                 differentiable=False) -> None:
        check_lr(lr)
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        if not 0.0 <= momentum:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= alpha:
            raise ValueError(f"Invalid alpha value: {alpha}")
        defaults = dict(lr=lr, momentum=momentum, alpha=alpha, eps=eps, centered=centered,
                        weight_decay=weight_decay, capturable=capturable, foreach=foreach,
                        maximize=maximize, differentiable=differentiable)
        super().__init__(params, defaults)

    @no_grad_step
    def step(self):
        """One RMSprop step for every parameter with a gradient."""
        for group in self.param_groups:
            lr = scalar(group["lr"])
            alpha, eps = group["alpha"], group["eps"]
            wd, momentum = group["weight_decay"], group["momentum"]
            centered, maximize = group["centered"], group["maximize"]
            for p, g in grads_of(group):
                st = self.state[p]
                a = p._a
                if not st:
                    st["step"] = step_tensor()
                    st["square_avg"] = _wrap(np.zeros_like(a), p.dtype)
                    if momentum > 0:
                        st["momentum_buffer"] = _wrap(np.zeros_like(a), p.dtype)
                    if centered:
                        st["grad_avg"] = _wrap(np.zeros_like(a), p.dtype)
                if maximize:
                    g = -g
                inc_step(st)
                if wd:
                    g = fma(g, wd, a)
                sq = st["square_avg"]._a
                scale_(sq, alpha)
                addcmul_(sq, g, g, 1 - alpha)
                bump(sq)
                if centered:
                    ga = st["grad_avg"]._a
                    lerp_(ga, g, 1 - alpha)
                    bump(ga)
                    avg = _k.sqrt(fma(sq, -ga, ga))     # square_avg.addcmul(ga, ga, value=-1)
                else:
                    avg = _k.sqrt(sq)
                avg += avg.dtype.type(eps)
                if momentum > 0:
                    buf = st["momentum_buffer"]._a
                    scale_(buf, momentum)
                    addcdiv_(buf, g, avg, 1)
                    bump(buf)
                    axpy_(a, -lr, buf)
                else:
                    addcdiv_(a, g, avg, -lr)
                bump(a)
