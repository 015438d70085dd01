"""torch.backends.cuda: not built with CUDA; the cuBLAS and attention flags keep torch's
defaults and validation."""
from __future__ import annotations

from . import _state
from ._state import FLAGS, set_flag

__all__ = ["is_built", "matmul", "flash_sdp_enabled", "enable_flash_sdp",
           "mem_efficient_sdp_enabled", "enable_mem_efficient_sdp", "math_sdp_enabled",
           "enable_math_sdp", "cudnn_sdp_enabled", "enable_cudnn_sdp",
           "is_flash_attention_available"]


def is_built() -> bool:
    """Return whether PyTorch is built with CUDA support: False."""
    return False


def _reduced_precision(name: str, value) -> bool:
    """torch's check for allow_{fp16,bf16}_reduced_precision_reduction: a bool, or one or two
    bools (allow_reduced_precision, allow_splitk)."""
    if value.__class__ is bool:
        return value
    if not isinstance(value, (tuple, list)):
        raise TypeError(f"{name} expects a bool or a tuple/list of bools, but got {type(value)}")
    if len(value) == 0:
        raise TypeError(f"{name} expects at least one boolean argument")
    if len(value) > 2:
        raise TypeError(f"{name} expects at most two boolean arguments")
    for what, v in zip(("allow_reduced_precision", "allow_splitk"), value):
        if v.__class__ is not bool:
            raise TypeError(f"{name} expects a bool for {what}, but got {type(v)}")
    if len(value) == 2 and value[0] and not value[1]:
        raise RuntimeError("allow_splitk=False is not supported when reduced precision "
                           "reductions are enabled")
    return value[0]


class cuBLASModule:
    """torch.backends.cuda.matmul: the cuBLAS flags (allow_tf32 is the float32 matmul
    precision seen from cuBLAS: True unless it is 'highest')."""

    _reduced = {"allow_fp16_reduced_precision_reduction": True,
                "allow_bf16_reduced_precision_reduction": True}

    def __getattr__(self, name):
        if name == "allow_tf32":
            return _state.PRECISION[0] != "highest"
        if name in self._reduced:
            return self._reduced[name]
        if name == "allow_fp16_accumulation":
            return FLAGS["cublas.allow_fp16_accumulation"]
        raise AttributeError(f"Unknown attribute {name}")

    def __setattr__(self, name, value):
        if name == "allow_tf32":
            _state.check_bool(value, "set_allow_tf32_cublas")
            _state.PRECISION[0] = "high" if value else "highest"
        elif name in self._reduced:
            self._reduced[name] = _reduced_precision(name, value)
        elif name == "allow_fp16_accumulation":
            set_flag("cublas.allow_fp16_accumulation", value,
                     "set_allow_fp16_accumulation_cublas")
        else:
            raise AttributeError(f"Unknown attribute {name}")


matmul = cuBLASModule()


# ------------------------------------------------------------------ scaled dot-product attention
def flash_sdp_enabled() -> bool:
    """Whether the flash attention kernel may be chosen (a flag; none runs here)."""
    return FLAGS["sdp.flash"]


def mem_efficient_sdp_enabled() -> bool:
    """Whether the memory-efficient attention kernel may be chosen."""
    return FLAGS["sdp.mem_efficient"]


def math_sdp_enabled() -> bool:
    """Whether the math attention kernel may be chosen."""
    return FLAGS["sdp.math"]


def cudnn_sdp_enabled() -> bool:
    """Whether the cuDNN attention kernel may be chosen."""
    return FLAGS["sdp.cudnn"]


# (torch 2.13's setters name themselves thus in their errors, "%s" included)
def enable_flash_sdp(enabled: bool):
    """Allow or forbid the flash attention kernel."""
    set_flag("sdp.flash", enabled, "set_sdp_use_math")


def enable_mem_efficient_sdp(enabled: bool):
    """Allow or forbid the memory-efficient attention kernel."""
    set_flag("sdp.mem_efficient", enabled, "set_sdp_use_math")


def enable_math_sdp(enabled: bool):
    """Allow or forbid the math attention kernel."""
    set_flag("sdp.math", enabled, "set_sdp_use_math")


def enable_cudnn_sdp(enabled: bool):
    """Allow or forbid the cuDNN attention kernel."""
    if enabled.__class__ is not bool:
        raise RuntimeError("set_sdp_use_cudnn expects a bool, but got %s"
                           + _state.tp_name(enabled))
    FLAGS["sdp.cudnn"] = enabled


def is_flash_attention_available() -> bool:
    """Whether a flash attention kernel is built in: False."""
    return False
