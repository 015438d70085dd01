"""torch.backends.cpu: the CPU kernel build in use."""
from __future__ import annotations

import platform

from .._generator import _FUSED


def _has_avx512() -> bool:
    """torch's AVX512 kernels need the F, BW, DQ and VL extensions (read from /proc/cpuinfo)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return {"avx512f", "avx512bw", "avx512dq", "avx512vl"} <= flags
    except OSError:
        pass
    return False


def get_cpu_capability() -> str:
    """The kernel build torchless's numerics follow: 'DEFAULT' under
    TORCHLESS_CPU_CAPABILITY=default; otherwise what torch reports on this CPU, 'AVX512' or
    'AVX2' (both builds round alike)."""
    if not _FUSED[0]:
        return "DEFAULT"
    if platform.machine().lower() in ("x86_64", "amd64") and _has_avx512():
        return "AVX512"
    return "AVX2"
