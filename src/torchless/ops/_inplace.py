"""The one mechanism for in-place ops (``add_``, ``mul_``, ``x[i] = v`` ...).

The out-of-place op computes the result; it is checked against torch's cast and shape
rules and only then written into ``self``'s memory, so a failing op leaves ``self``
unchanged and every view and NumPy array sharing the storage sees the new values.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from .._version import bump as _bump
from ..autograd.grad_mode import ENABLED


def check_inplace_allowed(self):
    if ENABLED[0] and self.requires_grad and self.grad_fn is None:
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation.")


def cast_error(result_dtype, self_dtype):
    return RuntimeError(
        f"result type {result_dtype.type_name} can't be cast to the desired output type "
        f"{self_dtype.type_name}")


def broadcast_error(self_shape, shape):
    return RuntimeError(
        f"output with shape [{', '.join(map(str, self_shape))}] doesn't match the broadcast shape "
        f"[{', '.join(map(str, shape))}]")


def _snapshot(self):
    """A tensor holding self's current values and history, for the graph to keep."""
    old = _wrap(self._a.copy(), self.dtype)
    old.requires_grad = self.requires_grad
    old.grad_fn = self.grad_fn
    if self._meta and "out" in self._meta:
        old._meta = {"out": self._meta["out"]}
    return old


def apply_inplace(op, self, *others, **params):
    """Run ``op`` out of place on (self, *others) and write the result into self."""
    check_inplace_allowed(self)
    m = self._meta
    if m is not None and ENABLED[0] and "view_of" in m:
        return _inplace_on_view(op, self, m["view_of"][0], others, params)
    tracking = ENABLED[0] and (self.requires_grad or any(
        isinstance(o, Tensor) and o.requires_grad for o in others))
    # the graph keeps self's old values; an `other` that is self itself stays self, so that
    # y.mul_(y) raises torch's "modified by an inplace operation" error at backward
    src = _snapshot(self) if tracking else self
    r = op.apply(src, *others, **params)
    if r.dtype is not self.dtype and not D.can_cast(r.dtype, self.dtype):
        raise cast_error(r.dtype, self.dtype)
    return commit(self, r)


def _inplace_on_view(op, self, base, others, params):
    """An in-place op on a view recorded in the graph changes its base: as in torch, the
    result is written through the view with __setitem__'s CopySlices on the base, and the
    view is re-derived from the new base."""
    if base.requires_grad and base.grad_fn is None:
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place operation.")
    r = op.apply(_snapshot(self), *others, **params)
    if r.dtype is not self.dtype and not D.can_cast(r.dtype, self.dtype):
        raise cast_error(r.dtype, self.dtype)
    if r._a.shape != self._a.shape:
        raise broadcast_error(self._a.shape, r._a.shape)
    self[...] = r
    return self


def commit(self, r):
    """Write result tensor r into self (shape must match) and adopt r's history."""
    if r._a.shape != self._a.shape:
        raise broadcast_error(self._a.shape, r._a.shape)
    np.copyto(self._a, r._a, casting="unsafe")
    bump_version(self)
    if r.grad_fn is not None:
        self.grad_fn = r.grad_fn
        self.requires_grad = True
        if r._meta and "out" in r._meta:
            self._meta = dict(self._meta or {}, out=r._meta["out"])
    return self


def bump_version(t):
    """Per-storage version counter (autograd checks saved tensors against it)."""
    _bump(t._a)
