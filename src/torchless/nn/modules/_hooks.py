"""RemovableHandle: what Module's register_*_hook methods return."""
from __future__ import annotations

import itertools

__all__ = ["RemovableHandle"]

_hook_ids = itertools.count()


class RemovableHandle:
    """What register_*_hook returns: ``remove()`` unregisters the hook (also a context manager)."""

    def __init__(self, *dicts):
        self.hooks_dicts = dicts
        self.id = next(_hook_ids)

    def remove(self):
        for d in self.hooks_dicts:
            d.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
