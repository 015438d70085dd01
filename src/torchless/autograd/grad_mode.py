"""Grad mode: no_grad, enable_grad, set_grad_enabled, inference_mode."""
from __future__ import annotations

import functools

# One flag, read on every op's hot path: a list so ops can import it once and read [0].
ENABLED = [True]
INFERENCE = [False]


def is_grad_enabled() -> bool:
    return ENABLED[0]


def is_inference_mode_enabled() -> bool:
    return INFERENCE[0]


class _Mode:
    """Context manager that is also a decorator, like torch's grad-mode classes."""

    _value = True

    def __enter__(self):
        self._prev = ENABLED[0]
        ENABLED[0] = self._value

    def __exit__(self, *exc):
        ENABLED[0] = self._prev
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__():
                return fn(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class no_grad(_Mode):
    """Disable gradient tracking inside the block."""
    _value = False


class enable_grad(_Mode):
    """Enable gradient tracking inside the block."""
    _value = True


class set_grad_enabled(_Mode):
    """Set grad mode: takes effect at once, and also works as a context manager."""

    def __init__(self, mode: bool):
        self._prev = ENABLED[0]
        self._value = bool(mode)
        ENABLED[0] = self._value

    def __enter__(self):
        pass

    def __exit__(self, *exc):
        ENABLED[0] = self._prev
        return False

    def __call__(self, fn):
        ENABLED[0] = self._prev
        mode = self._value

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)
        return wrapper

    def clone(self):
        return set_grad_enabled(self._value)


class inference_mode(_Mode):
    """Like no_grad; tensors made inside are plain tensors without history."""

    def __init__(self, mode: bool = True):
        self.mode = mode

    def __enter__(self):
        self._prev = ENABLED[0], INFERENCE[0]
        if self.mode:
            ENABLED[0] = False
            INFERENCE[0] = True

    def __exit__(self, *exc):
        ENABLED[0], INFERENCE[0] = self._prev
        return False

    def __call__(self, fn):
        if not callable(fn) or isinstance(fn, bool):
            return inference_mode(fn)
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with inference_mode(mode):
                return fn(*args, **kwargs)
        return wrapper
