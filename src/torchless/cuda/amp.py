"""torch.cuda.amp: the deprecated CUDA mixed-precision API.  Without CUDA both tools disable
themselves, as in a CPU-only torch: autocast changes no dtype and GradScaler does not scale."""
from __future__ import annotations

import functools
import warnings

from .. import _dtype

__all__ = ["GradScaler", "autocast"]


class autocast:
    """``torch.cuda.amp.autocast``: a context manager and decorator that, without CUDA, is off."""

    def __init__(self, enabled: bool = True, dtype=_dtype.float16, cache_enabled: bool = True):
        warnings.warn("`torch.cuda.amp.autocast(args...)` is deprecated. Please use "
                      "`torch.amp.autocast('cuda', args...)` instead.", FutureWarning,
                      stacklevel=2)
        if enabled:
            warnings.warn("CUDA is not available or torch_xla is imported. Disabling autocast.",
                          UserWarning, stacklevel=2)
        self.device = "cuda"
        self.fast_dtype = dtype
        self._cache_enabled = cache_enabled
        self._enabled = False

    def __enter__(self):
        self.prev = False           # autocast was off before, and stays off
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        self.prev                   # (torch fails here too when __enter__ was not called)
        return False

    def __call__(self, func):
        @functools.wraps(func)
        def decorate_autocast(*args, **kwargs):
            with self:
                return func(*args, **kwargs)
        return decorate_autocast


class GradScaler:
    """``torch.cuda.amp.GradScaler``: loss scaling for float16 training; without CUDA it is
    disabled, so scale() returns its input and step() just steps the optimizer."""

    def __init__(self, init_scale: float = 65536.0, growth_factor: float = 2.0,
                 backoff_factor: float = 0.5, growth_interval: int = 2000,
                 enabled: bool = True) -> None:
        warnings.warn("`torch.cuda.amp.GradScaler(args...)` is deprecated. Please use "
                      "`torch.amp.GradScaler('cuda', args...)` instead.", FutureWarning,
                      stacklevel=2)
        if enabled:
            warnings.warn("torch.cuda.amp.GradScaler is enabled, but CUDA is not available.  "
                          "Disabling.", UserWarning, stacklevel=2)
        # a disabled scaler keeps only these (the scale settings are never stored)
        self._device = "cuda"
        self._enabled = False

    def scale(self, outputs):
        """Multiply outputs by the scale factor: unchanged, as the scaler is disabled."""
        return outputs

    def unscale_(self, optimizer) -> None:
        """Divide the optimizer's gradients by the scale factor: nothing to do."""

    def step(self, optimizer, *args, **kwargs):
        """optimizer.step(*args, **kwargs), returning what it returns."""
        return optimizer.step(*args, **kwargs)

    def update(self, new_scale=None) -> None:
        """Update the scale factor: nothing to do."""

    def get_scale(self) -> float:
        """The current scale factor: 1.0 when disabled."""
        return 1.0

    def get_growth_factor(self) -> float:
        return self._growth_factor

    def set_growth_factor(self, new_factor: float) -> None:
        self._growth_factor = new_factor

    def get_backoff_factor(self) -> float:
        return self._backoff_factor

    def set_backoff_factor(self, new_factor: float) -> None:
        self._backoff_factor = new_factor

    def get_growth_interval(self) -> int:
        return self._growth_interval

    def set_growth_interval(self, new_interval: int) -> None:
        self._growth_interval = new_interval

    def is_enabled(self) -> bool:
        """Whether the scaler scales: False without CUDA."""
        return self._enabled

    def state_dict(self) -> dict:
        """The scaler's state: empty when disabled."""
        return {}

    def load_state_dict(self, state_dict: dict) -> None:
        """Load a state: ignored when disabled."""

    def __getstate__(self) -> dict:
        return dict(self.__dict__)
