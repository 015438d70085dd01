"""A version counter per storage, so autograd can tell that a saved tensor was changed in place.

Storages are NumPy base arrays; counters are keyed by the base's id and dropped when the
base is garbage-collected (weakref finalizer not available on ndarray, so we keep the base
alive only as long as the counter entry: entries are pruned when their base dies)."""
from __future__ import annotations

import numpy as np

_counters: dict = {}


def _storage(a):
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


def version(a) -> int:
    e = _counters.get(id(_storage(a)))
    return e[1] if e is not None else 0


def bump(a) -> None:
    s = _storage(a)
    e = _counters.get(id(s))
    if e is None or e[0] is not s:
        _counters[id(s)] = [s, 1]
        if len(_counters) > 4096:
            _prune()
    else:
        e[1] += 1


def _prune():
    import sys
    for k in [k for k, (s, _) in _counters.items() if sys.getrefcount(s) <= 3]:
        del _counters[k]
