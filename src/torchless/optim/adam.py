"""torch.optim.Adam and AdamW (decoupled weight decay), with amsgrad and maximize."""
from __future__ import annotations

import math

import numpy as np

from .._tensor import _wrap
from .._version import bump
from . import optimizer as _k
from .optimizer import (Optimizer, addcdiv_, addcmul_, check_lr, fma, grads_of, inc_step, lerp_,
                        no_grad_step, scalar, scale_, step_tensor)

__all__ = ["Adam", "AdamW"]


def _check(lr, betas, eps, weight_decay):
    check_lr(lr)
    if not 0.0 <= eps:
        raise ValueError(f"Invalid epsilon value: {eps}")
    for i in (0, 1):
        if not 0.0 <= betas[i] < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {betas[i]}")
    if not 0.0 <= weight_decay:
        raise ValueError(f"Invalid weight_decay value: {weight_decay}")


class Adam(Optimizer):
    """Adam: moving averages of the gradient and of its square, bias-corrected; with
    decoupled_weight_decay=True it is AdamW."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0,
                 amsgrad=False, *, foreach=None, maximize=False, capturable=False,
                 differentiable=False, fused=None, decoupled_weight_decay=False) -> None:
        _check(lr, betas, eps, weight_decay)
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, amsgrad=amsgrad,
                        maximize=maximize, foreach=foreach, capturable=capturable,
                        differentiable=differentiable, fused=fused,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group.setdefault("amsgrad", False)
            group.setdefault("maximize", False)
            group.setdefault("foreach", None)
            group.setdefault("capturable", False)
            group.setdefault("differentiable", False)
            group.setdefault("fused", None)
            group.setdefault("decoupled_weight_decay", False)

    @no_grad_step
    def step(self):
        """One Adam step for every parameter with a gradient."""
        for group in self.param_groups:
            lr = scalar(group["lr"])
            beta1, beta2 = (scalar(b) for b in group["betas"])
            eps, wd = group["eps"], group["weight_decay"]
            amsgrad, maximize = group["amsgrad"], group["maximize"]
            decoupled = group.get("decoupled_weight_decay", False)
            for p, g in grads_of(group):
                st = self.state[p]
                a = p._a
                if not st:
                    st["step"] = step_tensor()
                    st["exp_avg"] = _wrap(np.zeros_like(a), p.dtype)
                    st["exp_avg_sq"] = _wrap(np.zeros_like(a), p.dtype)
                    if amsgrad:
                        st["max_exp_avg_sq"] = _wrap(np.zeros_like(a), p.dtype)
                m, v = st["exp_avg"]._a, st["exp_avg_sq"]._a
                if maximize:
                    g = -g
                step = inc_step(st)
                if wd:
                    if decoupled:
                        scale_(a, 1 - lr * wd)            # param.mul_(1 - lr * wd)
                    else:
                        g = fma(g, wd, a)                 # grad.add(param, alpha=wd)
                lerp_(m, g, 1 - beta1)
                scale_(v, beta2)
                addcmul_(v, g, g, 1 - beta2)
                bias_correction1 = 1 - beta1 ** step
                bias_correction2 = 1 - beta2 ** step
                step_size = lr / bias_correction1
                bc2_sqrt = math.sqrt(bias_correction2)
                if amsgrad:
                    mx = st["max_exp_avg_sq"]._a
                    np.maximum(mx, v, out=mx)
                    bump(mx)
                    denom = _k.sqrt(mx)
                else:
                    denom = _k.sqrt(v)
                denom /= denom.dtype.type(bc2_sqrt)
                denom += denom.dtype.type(eps)
                addcdiv_(a, m, denom, -step_size)
                bump(a)
                bump(m)
                bump(v)


class AdamW(Adam):
    """Adam with decoupled weight decay: p *= 1 - lr * weight_decay before the Adam update."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2,
                 amsgrad=False, *, maximize=False, foreach=None, capturable=False,
                 differentiable=False, fused=None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, foreach=foreach,
                         maximize=maximize, capturable=capturable,
                         differentiable=differentiable, fused=fused,
                         decoupled_weight_decay=True)

    def __setstate__(self, state):
        super().__setstate__(state)
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True

