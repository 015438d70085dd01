"""torch.backends: the build flags and settings of a CPU-only torch 2.13 (the x86-64 Linux wheel).

torchless computes with NumPy on the CPU. It reports what that torch build reports: no CUDA,
cuDNN or MPS; oneDNN (mkldnn), MKL and OpenMP built in. The settable flags (cudnn.benchmark,
cuda.matmul.allow_tf32, ...) are remembered and validated as torch does; they change no result.
"""
from . import cpu, cuda, cudnn, mkl, mkldnn, mps, openmp

__all__ = ["cpu", "cuda", "cudnn", "mkl", "mkldnn", "mps", "openmp"]
