"""The one mechanism for in-place ops (``add_``, ``mul_``, ``x[i] = v`` ...).

The out-of-place op computes the result; it is checked against torch's cast and shape
rules and only then written into ``self``'s memory, so a failing op leaves ``self``
unchanged and every view and NumPy array sharing the storage sees the new values.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from .._version import bump as _bump, version as _version
from ..autograd.grad_mode import ENABLED
from ._strides import (adopt_views, check_view_inplace, regenerate_views, resolve_base,
                       view_entry)


def check_inplace_allowed(self):
    """torch's checks before an in-place op on self, when self requires grad: a leaf can't
    be changed, nor a view of a leaf or a view made in no_grad mode (see check_view_inplace)."""
    if ENABLED[0] and self.requires_grad:
        rb = resolve_base(self)
        if rb is not None:
            check_view_inplace(self, rb)
        elif self.grad_fn is None:
            raise RuntimeError(
                "a leaf Variable that requires grad is being used in an in-place operation.")


OVERLAP_ERROR = ("unsupported operation: more than one element of the written-to tensor refers "
                 "to a single memory location. Please clone() the tensor before performing the "
                 "operation.")


def check_no_overlap(a):
    """torch refuses to write into a tensor whose elements share memory (an expanded one)."""
    if a.size > 1 and 0 in a.strides:
        for n, st in zip(a.shape, a.strides):
            if st == 0 and n > 1:
                raise RuntimeError(OVERLAP_ERROR)


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
    tracking = ENABLED[0] and (self.requires_grad or any(
        isinstance(o, Tensor) and o.requires_grad for o in others))
    # the graph keeps self's old values; an `other` that is self itself stays self, so that
    # y.mul_(y) raises torch's "modified by an inplace operation" error at backward
    src = _snapshot(self) if tracking else self
    r = op.apply(src, *others, **params)
    if r.dtype is not self.dtype and not D.can_cast(r.dtype, self.dtype):
        raise cast_error(r.dtype, self.dtype)
    return commit(self, r)


# How indexing.py writes a result through a view as a CopySlices on the view's base (set there:
# the op lives with __setitem__, which imports this module).
write_through_view = None


def commit(self, r):
    """Write result tensor r into self (shape must match) and adopt r's history.

    With a history to adopt, as in torch: a view passes the write on to its base (whose
    history becomes CopySlices, the view's AsStridedBackward0), and a base's views follow it.
    """
    if r._a.shape != self._a.shape:
        raise broadcast_error(self._a.shape, r._a.shape)
    fn = r.grad_fn
    if fn is not None:
        rb = resolve_base(self)
        if rb is not None:
            check_view_inplace(self, rb)
            entry = view_entry(self, rb)
            if entry is not None:
                check_no_overlap(self._a)
                write_through_view(self, entry, r)
                _saved_result_is(fn, r, self)
                return self
        if not self.requires_grad:
            adopt_views(self)
    a = self._a
    if 0 in a.strides:
        check_no_overlap(a)
    np.copyto(a, r._a, casting="unsafe")
    bump_version(self)
    if fn is not None:
        _saved_result_is(fn, r, self)
        self.grad_fn = fn
        self.requires_grad = True
        m = self._meta
        if r._meta and "out" in r._meta:
            self._meta = m = dict(m or {}, out=r._meta["out"])
        if m and "views" in m:
            regenerate_views(self)
    return self


def _saved_result_is(fn, r, self):
    """An op that keeps its result for backward (exp_, relu_ ...) keeps self, as in torch: a
    later in-place change of self then makes backward raise torch's error."""
    d = fn.__dict__
    if d.get("_out") is r:
        d["_out"] = self
        d["out_version"] = _version(self._a)


def bump_version(t):
    """Per-storage version counter (autograd checks saved tensors against it)."""
    _bump(t._a)
