"""A version counter per storage, so autograd can tell that a saved tensor was changed in place.

A storage is the NumPy array that owns the memory (the end of a view's ``.base`` chain);
counters are keyed by its id, and a storage's count is dropped when it dies (its id may be
given to a new array, which must start at version 0, as torch's messages show).
"""
from __future__ import annotations

from weakref import finalize as _finalize

import numpy as np

_counters: dict = {}
_ndarray = np.ndarray


def _storage(a):
    """The object that owns a's memory: the end of its .base chain."""
    b = a.base
    while b is not None:
        if not isinstance(b, _ndarray):
            return b
        a = b
        b = a.base
    return a


def version(a) -> int:
    b = a.base
    if b is None:
        return _counters.get(id(a), 0)
    return _counters.get(id(_storage(a)), 0)


def bump(a) -> None:
    r = _storage(a)
    k = id(r)
    n = _counters.get(k)
    if n is None:
        # the first change of this storage: forget its count when it dies, so that a new
        # storage given the same id starts at 0
        try:
            _finalize(r, _counters.pop, k, None)
        except TypeError:           # (an owner that takes no weak references)
            pass
        n = 0
    _counters[k] = n + 1

