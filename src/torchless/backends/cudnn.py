"""torch.backends.cudnn: cuDNN is not available; its flags are kept with torch's defaults."""
from __future__ import annotations

import contextlib

from ._state import FLAGS, FlagModule, flag, install, set_flag

benchmark_limit = None      # a CPU-only build leaves it unset (CUDA builds default to 10)


def is_available() -> bool:
    """Return a bool indicating if CUDNN is currently available."""
    return False


def version():
    """The cuDNN version: None, as torch is not built with cuDNN."""
    return None


def is_acceptable(tensor) -> bool:
    """Whether cuDNN can take this tensor: never, for tensors on the CPU."""
    return False


@contextlib.contextmanager
def flags(enabled=False, benchmark=False, benchmark_limit=10, deterministic=False,
          allow_tf32=True, fp32_precision="none", depthwise_kernel="auto"):
    """Set the cuDNN flags for the body of a ``with`` block (None leaves one as it is), then
    restore them."""
    keys = ("cudnn.enabled", "cudnn.benchmark", "cudnn.deterministic", "cudnn.allow_tf32")
    saved = [FLAGS[k] for k in keys]
    for key, value, setter in (("cudnn.enabled", enabled, "set_enabled_cudnn"),
                               ("cudnn.benchmark", benchmark, "set_benchmark_cudnn"),
                               ("cudnn.deterministic", deterministic, "set_deterministic_cudnn"),
                               ("cudnn.allow_tf32", allow_tf32, "set_allow_tf32_cublas")):
        if value is not None:
            set_flag(key, value, setter)
    try:
        yield
    finally:
        for k, v in zip(keys, saved):
            FLAGS[k] = v


class CudnnModule(FlagModule):
    enabled = flag("cudnn.enabled", "set_enabled_cudnn")
    benchmark = flag("cudnn.benchmark", "set_benchmark_cudnn")
    deterministic = flag("cudnn.deterministic", "set_deterministic_cudnn")
    # torch's setter reports itself under the cuBLAS name
    allow_tf32 = flag("cudnn.allow_tf32", "set_allow_tf32_cublas")


install(__name__, CudnnModule)
