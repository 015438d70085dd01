"""The settings torch keeps in its global context, in one place: the flags behind
``torch.backends.*``, the thread counts, deterministic mode and the float32 matmul precision.

torchless computes on NumPy, so none of these change a result; they are remembered and read
back, with the values and the validation errors of a CPU-only torch 2.13.
"""
from __future__ import annotations

import os
import types

# ------------------------------------------------------------------ type names in messages
def tp_name(value) -> str:
    """The type's name as torch's C++ checks print it: 'int', 'numpy.bool', 'MyClass'."""
    t = type(value)
    if t.__flags__ & (1 << 9) or t.__module__ == "builtins":    # a class defined in Python
        return t.__name__
    return f"{t.__module__}.{t.__name__}"


# ------------------------------------------------------------------ boolean flags
FLAGS = {
    "cudnn.enabled": True, "cudnn.benchmark": False, "cudnn.deterministic": False,
    "cudnn.allow_tf32": True,
    "mkldnn.enabled": True, "mkldnn.deterministic": False,
    "cublas.allow_fp16_accumulation": False,
    "sdp.flash": True, "sdp.mem_efficient": True, "sdp.math": True, "sdp.cudnn": True,
}


def check_bool(value, setter: str) -> None:
    if value.__class__ is not bool:
        raise RuntimeError(f"{setter} expects a bool, but got {tp_name(value)}")


def set_flag(key: str, value, setter: str) -> None:
    check_bool(value, setter)
    FLAGS[key] = value


def flag(key: str, setter: str) -> property:
    """A module attribute backed by FLAGS[key] that accepts only a bool (torch's error)."""
    return property(lambda self: FLAGS[key], lambda self, v: set_flag(key, v, setter))


class FlagModule(types.ModuleType):
    """A module whose class holds properties, so assigning a flag validates it."""


def install(module_name: str, cls: type) -> None:
    import sys
    sys.modules[module_name].__class__ = cls


# ------------------------------------------------------------------ float32 matmul precision
# torch keeps one setting for both: cuda.matmul.allow_tf32 is precision != "highest"
PRECISION = ["highest"]


def set_float32_matmul_precision(precision: str) -> None:
    """Set the internal precision of float32 matrix multiplications: 'highest', 'high' or
    'medium' (torchless always computes in full float32 precision)."""
    if not isinstance(precision, str):
        raise RuntimeError("set_float32_matmul_precision expects a str, but got "
                           f"{tp_name(precision)}")
    if precision not in ("highest", "high", "medium"):
        import warnings
        warnings.warn(f"{precision} is not one of 'highest', 'high', or 'medium'; the current"
                      "setFloat32MatmulPrecision call has no effect.", UserWarning, stacklevel=2)
        return
    PRECISION[0] = precision


def get_float32_matmul_precision() -> str:
    """The current float32 matmul precision: 'highest' (the default), 'high' or 'medium'."""
    return PRECISION[0]


# ------------------------------------------------------------------ deterministic algorithms
_DETERMINISTIC = {"mode": False, "warn_only": False}


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """Ask for deterministic algorithms (torchless's are all deterministic; this is remembered)."""
    if mode.__class__ is not bool:
        raise TypeError("_set_deterministic_algorithms(): argument 'mode' (position 1) must be "
                        f"bool, not {tp_name(mode)}")
    if warn_only.__class__ is not bool:
        raise TypeError("_set_deterministic_algorithms(): argument 'warn_only' must be bool, not "
                        f"{tp_name(warn_only)}")
    _DETERMINISTIC["mode"], _DETERMINISTIC["warn_only"] = mode, warn_only


def are_deterministic_algorithms_enabled() -> bool:
    """True after use_deterministic_algorithms(True)."""
    return _DETERMINISTIC["mode"]


def is_deterministic_algorithms_warn_only_enabled() -> bool:
    """True after use_deterministic_algorithms(True, warn_only=True)."""
    return _DETERMINISTIC["warn_only"]


def set_deterministic_debug_mode(debug_mode) -> None:
    """0 or 'default': off; 1 or 'warn': deterministic, warn only; 2 or 'error': deterministic."""
    if isinstance(debug_mode, str):
        modes = {"default": 0, "warn": 1, "error": 2}
        if debug_mode not in modes:
            raise RuntimeError("invalid value of debug_mode, expected one of `default`, `warn`, "
                               f"`error`, but got {debug_mode}")
        debug_mode = modes[debug_mode]
    elif isinstance(debug_mode, int):
        if debug_mode not in (0, 1, 2):
            raise RuntimeError(f"invalid value of debug_mode, expected 0, 1, or 2, but got "
                               f"{debug_mode}")
    else:
        raise TypeError(f"debug_mode must be str or int, but got {type(debug_mode)}")
    use_deterministic_algorithms(debug_mode != 0, warn_only=debug_mode == 1)


def get_deterministic_debug_mode() -> int:
    """0 (default), 1 (warn) or 2 (error), as set by set_deterministic_debug_mode."""
    if not _DETERMINISTIC["mode"]:
        return 0
    return 1 if _DETERMINISTIC["warn_only"] else 2


# ------------------------------------------------------------------ threads
# None until first read: the defaults read /proc, which `import torchless` need not pay for.
_THREADS = {"intra": None, "interop": None, "interop_set": False}


def _cpu_cores() -> int:
    """Physical cores (torch sizes its pools by cores, not hyper-threads), else logical CPUs."""
    try:
        with open("/proc/cpuinfo") as f:
            cores, phys = set(), "0"
            for line in f:
                if line.startswith("physical id"):
                    phys = line.split(":", 1)[1].strip()
                elif line.startswith("core id"):
                    cores.add((phys, line.split(":", 1)[1].strip()))
        if cores:
            return len(cores)
    except OSError:
        pass
    return os.cpu_count() or 1


def _omp_threads() -> int:
    """OpenMP's default team size: OMP_NUM_THREADS (its first entry), else the CPUs this
    process may run on."""
    value = os.environ.get("OMP_NUM_THREADS", "").split(",")[0].strip()
    if value.isdigit() and int(value) > 0:
        return int(value)
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _check_count(n, name: str) -> None:
    import numbers
    if not isinstance(n, numbers.Integral) or isinstance(n, bool):
        raise RuntimeError(f"{name} expects an int, but got {tp_name(n)}")
    if n <= 0:
        raise RuntimeError(f"{name} expects a positive integer")


def get_num_threads() -> int:
    """The number of threads for intra-op parallelism (torchless remembers it; NumPy's BLAS
    keeps its own)."""
    if _THREADS["intra"] is None:
        _THREADS["intra"] = min(_omp_threads(), _cpu_cores())
    return _THREADS["intra"]


def set_num_threads(num: int, /) -> None:
    """Set the number of threads for intra-op parallelism."""
    _check_count(num, "set_num_threads")
    _THREADS["intra"] = num.__index__()


def get_num_interop_threads() -> int:
    """The number of threads for inter-op parallelism."""
    if _THREADS["interop"] is None:
        _THREADS["interop"] = _cpu_cores()
    return _THREADS["interop"]


def set_num_interop_threads(num: int, /) -> None:
    """Set the number of inter-op threads, once, as torch allows."""
    _check_count(num, "set_num_interop_threads")
    if _THREADS["interop_set"]:
        raise RuntimeError("Error: cannot set number of interop threads after parallel work has "
                           "started or set_num_interop_threads called")
    _THREADS["interop"], _THREADS["interop_set"] = num.__index__(), True


RUNTIME = ("set_float32_matmul_precision", "get_float32_matmul_precision",
           "use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
           "is_deterministic_algorithms_warn_only_enabled", "set_deterministic_debug_mode",
           "get_deterministic_debug_mode", "get_num_threads", "set_num_threads",
           "get_num_interop_threads", "set_num_interop_threads")
