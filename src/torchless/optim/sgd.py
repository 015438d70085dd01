"""torch.optim.SGD: stochastic gradient descent with momentum, dampening, Nesterov momentum,
weight decay and maximize."""
from __future__ import annotations

from .._tensor import _wrap
from .._version import bump
from .optimizer import Optimizer, axpy_, check_lr, fma, grads_of, no_grad_step, scalar, scale_

__all__ = ["SGD"]


class SGD(Optimizer):
    """p -= lr * g, where g is the gradient (plus weight_decay * p), optionally through a
    momentum buffer: buf = momentum * buf + (1 - dampening) * g."""

    def __init__(self, params, lr=1e-3, momentum=0, dampening=0, weight_decay=0,
                 nesterov=False, *, maximize=False, foreach=None, differentiable=False,
                 fused=None) -> None:
        check_lr(lr)
        if momentum < 0.0:
            raise ValueError(f"Invalid momentum value: {momentum}")
        if weight_decay < 0.0:
            raise ValueError(f"Invalid weight_decay value: {weight_decay}")
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize,
                        foreach=foreach, differentiable=differentiable, fused=fused)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        super().__init__(params, defaults)

    @no_grad_step
    def step(self):
        """One SGD step for every parameter with a gradient (closure: re-evaluates the loss)."""
        state = self.state
        for group in self.param_groups:
            lr = scalar(group["lr"])
            momentum = group["momentum"]
            wd = group["weight_decay"]
            maximize = group["maximize"]
            if not momentum and not wd and not maximize:
                # plain SGD, the common case: p.add_(grad, alpha=-lr)
                for p, g in grads_of(group):
                    a = p._a
                    axpy_(a, -lr, g)
                    bump(a)
                continue
            dampening = group["dampening"]
            nesterov = group["nesterov"]
            for p, g in grads_of(group):
                a = p._a
                if maximize:
                    g = -g
                if wd:
                    g = fma(g, wd, a)                     # grad.add(param, alpha=wd)
                if momentum:
                    st = state[p]
                    buf = st.get("momentum_buffer")
                    if buf is None:
                        buf = st["momentum_buffer"] = _wrap(g.copy(), p.dtype)
                    else:
                        b = buf._a
                        scale_(b, momentum)
                        axpy_(b, 1 - dampening, g)
                        bump(b)
                    g = fma(g, momentum, buf._a) if nesterov else buf._a
                axpy_(a, -lr, g)
                bump(a)
