"""Finite-difference gradient check shared by the test files (float64)."""
import numpy as np

import torchless as tl


def gradcheck(fn, x, eps=1e-6, tol=1e-7, seed=0):
    """Finite differences: d/dx sum(fn(x) * w) against the analytic x.grad (float64)."""
    rng = np.random.default_rng(seed)
    xl = tl.tensor(x, requires_grad=True)
    out = fn(xl)
    outs = list(out) if isinstance(out, tuple) else [out]
    w = [rng.standard_normal(tuple(o.shape)) for o in outs]
    sum((o * tl.tensor(c)).sum() for o, c in zip(outs, w)).backward()

    def f(a):
        with tl.no_grad():
            r = fn(tl.tensor(a))
        rs = list(r) if isinstance(r, tuple) else [r]
        return sum(float((o._a * c).sum()) for o, c in zip(rs, w))

    num = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[i] = eps
        num[i] = (f(x + d) - f(x - d)) / (2 * eps)
    np.testing.assert_allclose(xl.grad._a, num, rtol=tol, atol=tol)
