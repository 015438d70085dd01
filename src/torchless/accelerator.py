"""torch.accelerator: the device-generic accelerator API; a CPU-only build has no accelerator.

``is_available()`` is False, ``current_accelerator()`` None and ``device_count()`` 0; the calls
that need a device raise torch's RuntimeError after checking their argument as torch does.
"""
from __future__ import annotations

import warnings

from ._tensor import device as _device

__all__ = ["current_accelerator", "current_device_idx", "current_device_index",
           "current_stream", "device_count", "device_index", "empty_cache", "empty_host_cache",
           "get_device_capability", "get_memory_info", "is_available", "max_memory_allocated",
           "max_memory_reserved", "memory_allocated", "memory_reserved", "memory_stats",
           "reset_accumulated_memory_stats", "reset_peak_memory_stats", "set_device_idx",
           "set_device_index", "set_stream", "synchronize"]

_NONE = "Cannot access accelerator device when none is available."


def _no_accelerator():
    raise RuntimeError(_NONE)


def _index(device, optional: bool = False):
    """The device's index as torch.accelerator reads it (a device object names no accelerator
    here, so it is refused)."""
    if isinstance(device, int):
        return device
    if isinstance(device, str):
        device = _device(device)
    if isinstance(device, _device):
        raise RuntimeError("Accelerator expected")
    if not optional:
        raise ValueError("Expected a torch.device with a specified index or an integer, but "
                         f"got:{device}")
    return None


def is_available() -> bool:
    """Whether an accelerator is available: False."""
    return False


def current_accelerator(check_available: bool = False):
    """The accelerator's device type (torch.device), or None: None, there is none."""
    return None


def device_count() -> int:
    """The number of accelerator devices: 0."""
    return 0


def current_device_index() -> int:
    """The index of the current accelerator device (raises: there is none)."""
    _no_accelerator()


def current_device_idx() -> int:
    """Deprecated spelling of current_device_index."""
    warnings.warn("Use `current_device_index` instead.", FutureWarning, stacklevel=2)
    return current_device_index()


def set_device_index(device, /) -> None:
    """Make device the current accelerator device (raises: there is none)."""
    _index(device)
    _no_accelerator()


def set_device_idx(device, /) -> None:
    """Deprecated spelling of set_device_index."""
    warnings.warn("Use `set_device_index` instead.", FutureWarning, stacklevel=2)
    set_device_index(device)


def synchronize(device=None, /) -> None:
    """Wait for the accelerator's work to finish (raises: there is none)."""
    _index(device, optional=True)
    _no_accelerator()


def current_stream(device=None, /):
    """The accelerator's current stream (raises: there is none)."""
    _index(device, optional=True)
    _no_accelerator()


def get_device_capability(device=None, /):
    """The accelerator's capabilities (raises: there is none)."""
    _index(device, optional=True)
    _no_accelerator()


def set_stream(stream) -> None:
    """Make stream current; only a torch.Stream is accepted, and none can exist here."""
    raise TypeError("_accelerator_setStream(): incompatible function arguments. The following "
                    "argument types are supported:\n    1. (arg0: torch.Stream) -> None\n\n"
                    f"Invoked with: {stream!r}")


def empty_cache() -> None:
    """Release the accelerator's cached memory (raises: there is none)."""
    _no_accelerator()


def empty_host_cache() -> None:
    """Release the cached pinned host memory; raises: no accelerator."""
    _no_accelerator()


# the memory queries raise before reading their argument
def memory_allocated(device_index=None, /):
    """Bytes of accelerator memory held by tensors; raises: no accelerator."""
    _no_accelerator()


def max_memory_allocated(device_index=None, /):
    """Peak bytes of accelerator memory held by tensors; raises: no accelerator."""
    _no_accelerator()


def memory_reserved(device_index=None, /):
    """Bytes held by the caching allocator; raises: no accelerator."""
    _no_accelerator()


def max_memory_reserved(device_index=None, /):
    """Peak bytes held by the caching allocator; raises: no accelerator."""
    _no_accelerator()


def memory_stats(device_index=None, /):
    """The caching allocator's statistics; raises: no accelerator."""
    _no_accelerator()


def get_memory_info(device_index=None, /):
    """Free and total accelerator memory; raises: no accelerator."""
    _no_accelerator()


def reset_peak_memory_stats(device_index=None, /):
    """Reset the peak memory statistics; raises: no accelerator."""
    _no_accelerator()


def reset_accumulated_memory_stats(device_index=None, /):
    """Reset the accumulated memory statistics; raises: no accelerator."""
    _no_accelerator()


class device_index:
    """Context manager that makes an accelerator device current; ``device_index(None)`` does
    nothing, any index raises as there is no accelerator."""

    def __init__(self, device, /) -> None:
        self.idx = device
        self.prev_idx = -1

    def __enter__(self) -> None:
        if self.idx is not None:
            if not isinstance(self.idx, int):
                raise TypeError(
                    "_accelerator_exchangeDevice(): incompatible function arguments. The "
                    "following argument types are supported:\n    1. (arg0: typing.SupportsInt "
                    f"| typing.SupportsIndex) -> int\n\nInvoked with: {self.idx!r}")
            _no_accelerator()

    def __exit__(self, exc_type, exc_value, traceback) -> None:
        if self.idx is not None:
            _no_accelerator()
