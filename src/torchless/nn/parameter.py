"""torch.nn.Parameter (a Tensor that a Module registers as learnable) and torch.nn.Buffer."""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap

_new = object.__new__


def _from(cls, data, requires_grad):
    """An instance of cls sharing data's memory (torch's _make_subclass)."""
    if data is None:
        data = _wrap(np.empty(0, D.get_default_dtype().np))
    elif not isinstance(data, Tensor):
        # torch calls data.detach() first, so a non-tensor fails there
        raise AttributeError(f"'{type(data).__name__}' object has no attribute 'detach'")
    if requires_grad and data.dtype.category < D.FLOAT:
        raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
    p = _new(cls)
    p._a = data._a
    p.dtype = data.dtype
    p.requires_grad = bool(requires_grad)
    p.grad = None
    p.grad_fn = None
    p._meta = None
    return p


class Parameter(Tensor):
    """A Tensor that is a Module parameter: assigning it to a Module attribute registers it."""

    def __new__(cls, data=None, requires_grad=True):
        return _from(cls, data, requires_grad)

    def __init__(self, data=None, requires_grad=True):
        pass

    def __repr__(self):
        return "Parameter containing:\n" + super().__repr__()

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        p = type(self)(_wrap(self._a.copy(), self.dtype), self.requires_grad)
        if self.grad is not None:
            p.grad = self.grad.__deepcopy__(memo)
        memo[id(self)] = p
        return p

    def __reduce_ex__(self, proto):
        return (_rebuild_parameter, (self._a.copy(), self.dtype.name, self.requires_grad,
                                     type(self)))


def _rebuild_parameter(a, dtype_name, requires_grad, cls=Parameter):
    return cls(_wrap(a, D._by_name(dtype_name)), requires_grad)


class Buffer(Tensor):
    """torch.nn.Buffer: a Tensor that a Module registers as a buffer when assigned."""

    def __new__(cls, data=None, *, persistent=True):
        b = _from(cls, data, False)
        b.persistent = persistent
        return b

    def __init__(self, data=None, *, persistent=True):
        pass
