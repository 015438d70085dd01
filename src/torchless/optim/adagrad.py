"""torch.optim.Adagrad: per-coordinate learning rates from the running sum of squared
gradients."""
from __future__ import annotations

import numpy as np

from .._tensor import _wrap
from .._version import bump
from . import optimizer as _k
from .optimizer import (Optimizer, addcdiv_, addcmul_, check_lr, fma, grads_of, inc_step,
                        no_grad_step, scalar, step_tensor)

__all__ = ["Adagrad"]


class Adagrad(Optimizer):
    """p -= clr * g / (sqrt(sum) + eps), sum += g², clr = lr / (1 + (step - 1) lr_decay)."""

    def __init__(self, params, lr=1e-2, lr_decay=0, weight_decay=0, initial_accumulator_value=0,
                 eps=1e-10, foreach=None, *, maximize=False, differentiable=False,
                 fused=None) -> None:
        check_lr(lr)
        if not 0.0 <= lr_decay:
            raise ValueError(f"Invalid lr_decay value: {lr_decay}")
        if not 0.0 <= weight_decay:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        if not 0.0 <= initial_accumulator_value:
            raise ValueError(f"Invalid initial_accumulator_value value: "
                             f"{initial_accumulator_value}")
        if not 0.0 <= eps:
            raise ValueError(f"Invalid epsilon value: {eps}")
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, foreach=foreach,
                        maximize=maximize, differentiable=differentiable, fused=fused)
        super().__init__(params, defaults)
        # torch creates Adagrad's state at construction
        for group in self.param_groups:
            for p in group["params"]:
                st = self.state[p]
                st["step"] = _wrap(np.zeros((), np.float32))
                st["sum"] = _wrap(np.full_like(p._a, group["initial_accumulator_value"]),
                                  p.dtype)

    @no_grad_step
    def step(self):
        """One Adagrad step for every parameter with a gradient."""
        for group in self.param_groups:
            lr = scalar(group["lr"])
            lr_decay, wd, eps = group["lr_decay"], group["weight_decay"], group["eps"]
            maximize = group["maximize"]
            for p, g in grads_of(group):
                st = self.state[p]
                if not st:
                    st["step"] = step_tensor()
                    st["sum"] = _wrap(np.full_like(p._a, group["initial_accumulator_value"]),
                                      p.dtype)
                a = p._a
                step = inc_step(st)
                if maximize:
                    g = -g
                if wd:
                    g = fma(g, wd, a)
                clr = lr / (1 + (step - 1) * lr_decay)
                s = st["sum"]._a
                addcmul_(s, g, g, 1)
                bump(s)
                std = _k.sqrt(s)
                std += std.dtype.type(eps)
                addcdiv_(a, g, std, -clr)
                bump(a)
