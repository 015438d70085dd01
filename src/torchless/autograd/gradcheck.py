"""torch.autograd.gradcheck / gradgradcheck: analytical gradients against finite differences."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, _wrap
from .engine import grad as _grad


class GradcheckError(RuntimeError):
    """Raised by gradcheck when the analytical and numerical Jacobians differ."""


def _as_tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _outputs(func, inputs):
    return [o for o in _as_tuple(func(*inputs)) if isinstance(o, Tensor) and o.requires_grad]


def _numerical(func, inputs, i, eps):
    """Jacobian of every output (flattened) w.r.t. inputs[i], by central differences."""
    x = inputs[i]
    base = x._a.copy()
    cols = []
    for k in range(base.size):
        idx = np.unravel_index(k, base.shape)
        vals = []
        for sign in (1, -1):
            x._a[idx] = base[idx] + sign * eps
            outs = [o.detach() for o in _as_tuple(func(*inputs)) if isinstance(o, Tensor)]
            vals.append(np.concatenate([o._a.ravel().astype(np.float64) for o in outs]))
        x._a[idx] = base[idx]
        cols.append((vals[0] - vals[1]) / (2 * eps))
    return np.stack(cols, axis=1) if cols else np.zeros((0, 0))


def _analytical(func, inputs, i):
    outs = _outputs(func, inputs)
    rows = []
    for o in outs:
        for k in range(o._a.size):
            go = np.zeros(o._a.shape, dtype=o._a.dtype)
            go[np.unravel_index(k, o._a.shape)] = 1
            (g,) = _grad(o, inputs[i], _wrap(go), retain_graph=True, allow_unused=True)
            rows.append(np.zeros(inputs[i]._a.size) if g is None else g._a.ravel().astype(np.float64))
    return np.stack(rows, axis=0) if rows else np.zeros((0, inputs[i]._a.size))


def gradcheck(func, inputs, *, eps=1e-6, atol=1e-5, rtol=1e-3, raise_exception=True, **kwargs):
    """Check gradients of func at inputs (use float64 inputs that require grad)."""
    inputs = _as_tuple(inputs)
    for i, x in enumerate(inputs):
        if not (isinstance(x, Tensor) and x.requires_grad):
            continue
        num = _numerical(func, inputs, i, eps)
        ana = _analytical(func, inputs, i)
        if num.shape != ana.shape or not np.allclose(ana, num, rtol=rtol, atol=atol):
            if raise_exception:
                raise GradcheckError(
                    f"Jacobian mismatch for output 0 with respect to input {i},\n"
                    f"numerical:{_wrap(num)}\nanalytical:{_wrap(ana)}\n")
            return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps=1e-6, atol=1e-5, rtol=1e-3,
                  raise_exception=True, **kwargs):
    """Check second derivatives: gradcheck of the first gradient (with create_graph)."""
    inputs = _as_tuple(inputs)
    diff = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    outs = _outputs(func, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = [_wrap(rng.standard_normal(o._a.shape).astype(o._a.dtype)) for o in outs]

    def first_grad(*xs):
        os = _outputs(func, xs)
        gs = _grad(os, [x for x in xs if isinstance(x, Tensor) and x.requires_grad],
                   list(grad_outputs), create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(first_grad, inputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception) if diff else True
