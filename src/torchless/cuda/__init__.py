"""torch.cuda as a CPU-only torch 2.13 build has it: nothing is available, and each call returns
or raises exactly what that build does.

So ``torch.cuda.is_available()`` is False and ``device_count()`` 0; seeding calls are
accepted and do nothing; the memory counters read 0; the calls that need a device raise
``AssertionError('Torch not compiled with CUDA enabled')`` (and a few raise the odd error
that torch itself raises there).
"""
from __future__ import annotations

import warnings
from collections import OrderedDict

from .._tensor import device as _device
from . import amp

_NOT_COMPILED = "Torch not compiled with CUDA enabled"

has_half = True
has_magma = False
default_generators = ()


class OutOfMemoryError(RuntimeError):
    """Raised when the accelerator runs out of memory (never, here)."""


class CudaError(RuntimeError):
    """An error reported by the CUDA runtime (never raised here)."""

    def __init__(self, code: int) -> None:
        self.code = code
        super().__init__(f"CUDA error {code}")


class DeferredCudaCallError(Exception):
    """Raised when a queued CUDA call fails at initialisation (never, here)."""


def _lazy_init():
    """Initialising CUDA is where a CPU-only build refuses."""
    raise AssertionError(_NOT_COMPILED)


def _no_torch_c(name: str):
    """Some calls reach a C binding the CPU-only build lacks; torch lets that AttributeError out."""
    raise AttributeError(f"module 'torch._C' has no attribute '{name}'")


def _device_index(device, optional: bool = False):
    """A CUDA device index from an int, 'cuda:N' or a torch.device, as torch reads it; None
    (when optional) for no index."""
    if isinstance(device, str):
        device = _device(device)
    idx = None
    if isinstance(device, _device):
        if device.type != "cuda":
            raise ValueError(f"Expected a cuda device, but got: {device}")
        idx = device.index
    elif isinstance(device, int):
        idx = device
    if idx is None and not optional:
        raise ValueError("Expected a torch.device with a specified index or an integer, but "
                         f"got:{device}")
    return idx


# ------------------------------------------------------------------ availability
def is_available() -> bool:
    """Return a bool indicating if CUDA is currently available: False."""
    return False


def device_count() -> int:
    """Return the number of GPUs available: 0."""
    return 0


def is_initialized() -> bool:
    """Return whether PyTorch's CUDA state has been initialized: False."""
    return False


def _is_compiled() -> bool:
    return False


def init() -> None:
    """Initialize PyTorch's CUDA state (raises: not compiled with CUDA)."""
    _lazy_init()


def is_bf16_supported(including_emulation: bool = True) -> bool:
    """Whether bfloat16 is supported on the current CUDA device: False."""
    return False


def is_tf32_supported() -> bool:
    """Whether TF32 is supported on the current CUDA device: False."""
    return False


def get_arch_list() -> list:
    """The CUDA architectures this build was compiled for: none."""
    return []


def get_gencode_flags() -> str:
    """The NVCC gencode flags this build was compiled with: none."""
    return ""


# ------------------------------------------------------------------ random numbers
def manual_seed(seed: int) -> None:
    """Seed the current GPU's generator: accepted and ignored, as without CUDA."""
    int(seed)


def manual_seed_all(seed: int) -> None:
    """Seed every GPU's generator: accepted and ignored."""
    int(seed)


def seed() -> None:
    """Seed the current GPU's generator randomly: ignored."""


def seed_all() -> None:
    """Seed every GPU's generator randomly: ignored."""


def initial_seed() -> int:
    """The current GPU's initial seed (raises: not compiled with CUDA)."""
    _lazy_init()


def get_rng_state(device="cuda"):
    """A GPU generator's state (raises: not compiled with CUDA)."""
    _lazy_init()


def get_rng_state_all() -> list:
    """The states of every GPU generator: an empty list."""
    return []


def set_rng_state(new_state, device="cuda") -> None:
    """Set a GPU generator's state: the state is copied, then the call is ignored."""
    new_state.clone()


def set_rng_state_all(new_states) -> None:
    """Set every GPU generator's state: each is accepted and ignored."""
    for i, state in enumerate(new_states):
        set_rng_state(state, i)


# ------------------------------------------------------------------ devices
def current_device() -> int:
    """The index of the selected device (raises: not compiled with CUDA)."""
    _lazy_init()


def set_device(device) -> None:
    """Select a device; a negative index is ignored (torch then fails in its C binding)."""
    idx = _device_index(device)
    if idx >= 0:
        _no_torch_c("_cuda_setDevice")


def synchronize(device=None) -> None:
    """Wait for a CUDA device to finish (raises: not compiled with CUDA)."""
    _lazy_init()


def get_device_name(device=None) -> str:
    """The name of a device (raises: not compiled with CUDA)."""
    _lazy_init()


def get_device_capability(device=None):
    """The compute capability of a device (raises: not compiled with CUDA)."""
    _lazy_init()


def get_device_properties(device=None):
    """The properties of a device (raises: not compiled with CUDA)."""
    _lazy_init()


def can_device_access_peer(device, peer_device) -> bool:
    """Whether one device can access another's memory (raises: not compiled with CUDA)."""
    _lazy_init()


def ipc_collect() -> None:
    """Free memory shared with other processes (raises: not compiled with CUDA)."""
    _lazy_init()


def current_blas_handle():
    """The cuBLAS handle (raises: not compiled with CUDA)."""
    _lazy_init()


def get_sync_debug_mode() -> int:
    """The CUDA synchronisation debug mode (raises: not compiled with CUDA)."""
    _lazy_init()


def set_sync_debug_mode(debug_mode) -> None:
    """Set the CUDA synchronisation debug mode (raises: not compiled with CUDA)."""
    _lazy_init()


def is_current_stream_capturing() -> bool:
    """Whether a CUDA graph capture is under way (torch's dummy binding raises)."""
    raise RuntimeError("Tried to instantiate dummy base class _cuda_isCurrentStreamCapturing")


class device:
    """Context manager that selects a device; ``device(-1)`` does nothing, any device index
    raises as the build has no CUDA."""

    def __init__(self, device) -> None:
        self.idx = _device_index(device, optional=True)
        self.prev_idx = -1

    def __enter__(self):
        if self.idx < 0:            # (a missing index fails this comparison, as in torch)
            return None
        raise RuntimeError("PyTorch was compiled without CUDA support")

    def __exit__(self, type, value, traceback):
        return False


class device_of(device):
    """Context manager that selects the device of a tensor: for a CPU tensor, nothing."""

    def __init__(self, obj) -> None:
        idx = obj.get_device() if obj.is_cuda else -1
        super().__init__(idx)


# ------------------------------------------------------------------ streams and events
class Stream:
    """A CUDA stream; none can be made without CUDA."""

    def __new__(cls, device=None, priority=0, **kwargs):
        raise RuntimeError("torch.cuda.Stream requires CUDA support")


class Event:
    """A CUDA event; none can be made without CUDA."""

    def __new__(cls, *args, **kwargs):
        raise RuntimeError("Tried to instantiate dummy base class Event")


class StreamContext:
    """Context manager that selects a stream; without a device it does nothing."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.idx = -1

    def __enter__(self) -> None:
        return None

    def __exit__(self, type, value, traceback) -> None:
        return None


def stream(stream) -> StreamContext:
    """Context manager selecting a stream (no effect here)."""
    return StreamContext(stream)


def set_stream(stream) -> None:
    """Make stream current: None is accepted, and no stream can exist."""
    if stream is None:
        return
    stream.stream_id        # (raises torch's AttributeError for anything that is not a Stream)


def current_stream(device=None):
    """The current stream of a device (raises: not compiled with CUDA)."""
    _lazy_init()


def default_stream(device=None):
    """The default stream of a device (raises: not compiled with CUDA)."""
    _lazy_init()


# ------------------------------------------------------------------ memory
def empty_cache() -> None:
    """Release cached GPU memory: there is none."""


def memory_stats(device=None) -> OrderedDict:
    """The caching allocator's statistics: empty, as CUDA was never initialised."""
    return OrderedDict()


def memory_stats_as_nested_dict(device=None) -> dict:
    """The caching allocator's statistics as nested dicts: empty."""
    return {}


def memory_allocated(device=None) -> int:
    """Bytes of GPU memory held by tensors: 0."""
    return 0


def max_memory_allocated(device=None) -> int:
    """Peak bytes of GPU memory held by tensors: 0."""
    return 0


def memory_reserved(device=None) -> int:
    """Bytes of GPU memory held by the caching allocator: 0."""
    return 0


def max_memory_reserved(device=None) -> int:
    """Peak bytes of GPU memory held by the caching allocator: 0."""
    return 0


def memory_cached(device=None) -> int:
    """Deprecated name of memory_reserved."""
    warnings.warn("`torch.cuda.memory_cached` has been renamed to `torch.cuda.memory_reserved`",
                  FutureWarning, stacklevel=2)
    return memory_reserved(device)


def max_memory_cached(device=None) -> int:
    """Deprecated name of max_memory_reserved."""
    warnings.warn("`torch.cuda.max_memory_cached` has been renamed to "
                  "`torch.cuda.max_memory_reserved`", FutureWarning, stacklevel=2)
    return max_memory_reserved(device)


def memory_summary(device=None, abbreviated: bool = False) -> str:
    """A printable summary of the allocator's statistics; torch fails on the empty statistics."""
    raise KeyError("allocated_bytes.all.current")


def memory_snapshot():
    """A snapshot of the allocator's state (torch fails in its C binding)."""
    _no_torch_c("_cuda_memorySnapshot")


def reset_peak_memory_stats(device=None) -> None:
    """Reset the peak memory statistics (torch fails in its C binding)."""
    _no_torch_c("_cuda_resetPeakMemoryStats")


def reset_accumulated_memory_stats(device=None) -> None:
    """Reset the accumulated memory statistics (torch fails in its C binding)."""
    _no_torch_c("_cuda_resetAccumulatedMemoryStats")


def reset_max_memory_allocated(device=None) -> None:
    """Deprecated: calls reset_peak_memory_stats."""
    warnings.warn("torch.cuda.reset_max_memory_allocated now calls "
                  "torch.cuda.reset_peak_memory_stats, which resets /all/ peak memory stats.",
                  FutureWarning, stacklevel=2)
    return reset_peak_memory_stats(device)


def reset_max_memory_cached(device=None) -> None:
    """Deprecated: calls reset_peak_memory_stats."""
    warnings.warn("torch.cuda.reset_max_memory_cached now calls "
                  "torch.cuda.reset_peak_memory_stats, which resets /all/ peak memory stats.",
                  FutureWarning, stacklevel=2)
    return reset_peak_memory_stats(device)


def mem_get_info(device=None):
    """Free and total memory of a device (raises: not compiled with CUDA)."""
    if device is not None:
        _device_index(device, optional=True)
    _lazy_init()


def set_per_process_memory_fraction(fraction, device=None) -> None:
    """Cap this process's share of a device's memory (raises: not compiled with CUDA)."""
    _lazy_init()


def get_per_process_memory_fraction(device=None) -> float:
    """This process's share of a device's memory (raises: not compiled with CUDA)."""
    _lazy_init()


def get_allocator_backend() -> str:
    """The caching allocator's backend (torch fails in its C binding)."""
    _no_torch_c("_cuda_getAllocatorBackend")


def list_gpu_processes(device=None) -> str:
    """The processes using a GPU, as reported by NVML (not installed)."""
    return "pynvml module not found, please install nvidia-ml-py"


def _nvml(device=None) -> int:
    raise ModuleNotFoundError("nvidia-ml-py does not seem to be installed or it can't be "
                              "imported.")


def utilization(device=None) -> int:
    """Percent of time a kernel ran on the GPU, from NVML (not installed)."""
    return _nvml(device)


def memory_usage(device=None) -> int:
    """Percent of time GPU memory was read or written, from NVML (not installed)."""
    return _nvml(device)


def temperature(device=None) -> int:
    """The GPU's temperature, from NVML (not installed)."""
    return _nvml(device)


def power_draw(device=None) -> int:
    """The GPU's power draw, from NVML (not installed)."""
    return _nvml(device)


def clock_rate(device=None) -> int:
    """The GPU's clock speed, from NVML (not installed)."""
    return _nvml(device)


def device_memory_used(device=None) -> int:
    """GPU memory in use, from NVML (not installed)."""
    return _nvml(device)


# ------------------------------------------------------------------ legacy tensor types
class _CudaTensorType(type):
    """torch.cuda.FloatTensor and friends: they exist, no tensor is one, none can be made."""

    def __call__(cls, *args, **kwargs):
        raise TypeError(f"type torch.cuda.{cls.__name__} not available. Torch not compiled with "
                        "CUDA enabled.")

    def __instancecheck__(cls, obj) -> bool:
        return False


FloatTensor = _CudaTensorType("FloatTensor", (), {})
DoubleTensor = _CudaTensorType("DoubleTensor", (), {})
HalfTensor = _CudaTensorType("HalfTensor", (), {})
BFloat16Tensor = _CudaTensorType("BFloat16Tensor", (), {})
LongTensor = _CudaTensorType("LongTensor", (), {})
IntTensor = _CudaTensorType("IntTensor", (), {})
ShortTensor = _CudaTensorType("ShortTensor", (), {})
CharTensor = _CudaTensorType("CharTensor", (), {})
ByteTensor = _CudaTensorType("ByteTensor", (), {})
BoolTensor = _CudaTensorType("BoolTensor", (), {})
