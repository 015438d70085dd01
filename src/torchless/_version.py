"""A version counter per storage, so autograd can tell that a saved tensor was changed in place.

A storage is the NumPy array that owns the memory (the end of a view's ``.base`` chain);
counters are keyed by its id.  Ids may be reused after an array dies, which is harmless:
autograd only compares a saved version with the current one while the array is alive.
"""
from __future__ import annotations

import numpy as np

_counters: dict = {}
_ndarray = np.ndarray


def _storage_id(a):
    b = a.base
    while b is not None:
        if not isinstance(b, _ndarray):
            return id(b)
        a = b
        b = a.base
    return id(a)


def version(a) -> int:
    b = a.base
    if b is None:
        return _counters.get(id(a), 0)
    return _counters.get(_storage_id(a), 0)


def bump(a) -> None:
    k = _storage_id(a)
    _counters[k] = _counters.get(k, 0) + 1
