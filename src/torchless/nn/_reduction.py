"""What the loss functions share: the reduction argument (and the deprecated size_average /
reduce flags), torch's argument checks and messages, float16 handling, reducing on arrays."""
from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.grad_mode import ENABLED

_F16 = np.dtype(np.float16)
_F32 = np.dtype(np.float32)
RED_NONE, RED_MEAN, RED_SUM = 0, 1, 2
_ENUM = {"none": RED_NONE, "mean": RED_MEAN, "sum": RED_SUM}


def legacy_reduction(size_average, reduce) -> str:
    """The reduction the deprecated size_average/reduce flags stand for (with torch's warning)."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = "mean" if size_average and reduce else "sum" if reduce else "none"
    warnings.warn(f"size_average and reduce args will be deprecated, please use reduction='{ret}' "
                  "instead.", stacklevel=3)
    return ret


def reduction_enum(reduction):
    """The reduction's code (torch's ValueError for an unknown one)."""
    r = _ENUM.get(reduction) if reduction.__class__ is str else None
    if r is None:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return r


def size_of(x):
    """x.size(), as torch's Python losses call it (a non-tensor fails there)."""
    if not isinstance(x, Tensor):
        raise AttributeError(f"'{type(x).__name__}' object has no attribute 'size'")
    return x._a.shape


def check_arg(fname, x, name, pos, kind="Tensor", optional=False):
    """torch's argument-parser TypeError for a non-Tensor (or non-int) argument."""
    ok = (x is None and optional) or (isinstance(x, Tensor) if kind == "Tensor" else
                                      x.__class__ is int or isinstance(x, np.integer))
    if not ok:
        raise TypeError(f"{fname}(): argument '{name}' (position {pos}) must be {kind}, not "
                        f"{type(x).__name__}")


def int_arg(fname, x, name, pos):
    """An int argument as torch's parser takes it: a one-element integer tensor is an int."""
    if isinstance(x, Tensor) and x._a.size == 1 and x.dtype.category == D.INT:
        return int(x._a.reshape(()))
    if x.__class__ is bool:
        raise TypeError(f"{fname}(): argument '{name}' (position {pos}) must be int, not bool")
    check_arg(fname, x, name, pos, "int")
    return int(x)


def torch_size(shape):
    return f"torch.Size([{', '.join(map(str, shape))}])"


def warn_size(input, target):
    t, i = size_of(target), size_of(input)
    if t != i:
        warnings.warn(
            f"Using a target size ({torch_size(t)}) that is different to the input size "
            f"({torch_size(i)}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.", stacklevel=3)


def no_grad_arg(fname, x, name):
    if x is not None and x.requires_grad and ENABLED[0]:
        raise RuntimeError(f"The function '{fname}' is not differentiable with respect to argument "
                           f"'{name}'. This input cannot have requires_grad True.")


def float_compute(a):
    """float16 is computed in float32 and rounded once at the end, as torch's kernels do."""
    return a.astype(_F32) if a.dtype == _F16 else a


def reduce_array(loss, red, out_dtype):
    if red == RED_NONE:
        return loss.astype(out_dtype, copy=False)
    s = np.add.reduce(loss, None)
    if red == RED_MEAN:
        s = s / loss.dtype.type(loss.size) if loss.size else loss.dtype.type(np.nan)
    return np.asarray(s).astype(out_dtype)
