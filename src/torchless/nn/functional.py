"""torch.nn.functional: the layers as functions.

The arithmetic lives in torchless.ops (linear and embedding in nn_ops, activations in
activation, layer_norm/batch_norm in normalization, pad in padding); this module adds the
argument handling torch does in Python (dropout's p check, softmax's implicit dim, embedding's
padding_idx and max_norm, one_hot) and re-exports the losses.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype as D
from .._random import bernoulli_mask
from .._tensor import Tensor, _wrap
from ..autograd.grad_mode import ENABLED as GRAD, no_grad
from ..ops import nn_ops as _nn
from ..ops._inplace import bump_version, check_inplace_allowed
from ..ops.activation import (elu, elu_, gelu, hardtanh, hardtanh_, leaky_relu, leaky_relu_,
                              relu6, silu, softplus)
from ..ops.conv import conv1d, conv2d, conv3d
from ..ops.linalg import einsum
from ..ops.nn_ops import Embedding as _Embedding, linear
from ..ops.normalization import batch_norm, layer_norm
from ..ops.padding import pad
from ..ops.pointwise import Mul as _Mul
from ..ops.pool import (adaptive_avg_pool2d, avg_pool1d, avg_pool2d, max_pool1d, max_pool2d,
                        max_pool2d_with_indices)
from ..ops.unary import relu as _relu, sigmoid, tanh
from ._loss import (binary_cross_entropy, binary_cross_entropy_with_logits, cross_entropy,
                    l1_loss, mse_loss, nll_loss, smooth_l1_loss)

__all__ = ["linear", "bilinear", "relu", "relu_", "leaky_relu", "leaky_relu_", "elu", "elu_",
           "gelu", "silu", "sigmoid", "tanh", "softmax", "log_softmax", "softmin", "softplus",
           "hardtanh", "hardtanh_", "relu6", "dropout", "layer_norm", "batch_norm", "embedding",
           "one_hot", "pad", "normalize", "mse_loss", "l1_loss", "smooth_l1_loss", "nll_loss",
           "cross_entropy", "binary_cross_entropy", "binary_cross_entropy_with_logits", "conv1d",
           "conv2d", "conv3d", "max_pool1d", "max_pool2d", "max_pool2d_with_indices", "avg_pool1d",
           "avg_pool2d", "adaptive_avg_pool2d"]


# ---------------------------------------------------------------- linear layers
def bilinear(input1, input2, weight, bias=None):
    """y = input1^T weight input2 + bias, per output feature."""
    a1, a2, w = input1._a, input2._a, weight._a
    if w.ndim != 3:
        raise RuntimeError(f"bilinear(): weight must be three-dimensional, but got {w.ndim}")
    if a1.ndim != a2.ndim:
        raise RuntimeError(f"bilinear(): input dimensions do not match: got {a1.ndim} and "
                           f"{a2.ndim}")
    for i in range(a1.ndim - 1):
        if a1.shape[i] != a2.shape[i]:
            raise RuntimeError(f"bilinear(): input batch dimensions do not match at dim {i}: "
                               f"got {a1.shape[i]} and {a2.shape[i]}")
    if a1.shape[-1] != w.shape[1]:
        raise RuntimeError(f"bilinear(): input1 size does not match weight size: got "
                           f"{a1.shape[-1]} but expected {w.shape[1]}")
    if a2.shape[-1] != w.shape[2]:
        raise RuntimeError(f"bilinear(): input2 size does not match weight size: got "
                           f"{a2.shape[-1]} but expected {w.shape[2]}")
    if bias is not None and (bias._a.ndim != 1 or bias._a.shape[0] != w.shape[0]):
        raise RuntimeError(f"bilinear(): bias size does not match weight size: got "
                           f"{bias._a.shape[-1] if bias._a.ndim else 0} but expected {w.shape[0]}")
    y = einsum("...i,oij,...j->...o", input1, weight, input2)
    return y if bias is None else y + bias


# ---------------------------------------------------------------- activations
def relu(input, inplace=False):
    """max(input, 0)."""
    return input.relu_() if inplace else _relu(input)


def relu_(input):
    return input.relu_()


def _softmax_dim(name, ndim):
    warnings.warn(f"Implicit dimension choice for {name} has been deprecated. Change the call to "
                  "include dim=X as an argument.", UserWarning, stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input, dim=None, _stacklevel=3, dtype=None):
    """exp(input) / sum(exp(input), dim)."""
    if dim is None:
        dim = _softmax_dim("softmax", input.dim())
    return _nn.Softmax.apply(input, dim=dim, dtype=dtype) if dtype is not None else \
        _nn.softmax(input, dim)


def log_softmax(input, dim=None, _stacklevel=3, dtype=None):
    """log(softmax(input, dim)), computed stably."""
    if dim is None:
        dim = _softmax_dim("log_softmax", input.dim())
    return _nn.LogSoftmax.apply(input, dim=dim, dtype=dtype) if dtype is not None else \
        _nn.log_softmax(input, dim)


def softmin(input, dim=None, _stacklevel=3, dtype=None):
    """softmax(-input, dim)."""
    if dim is None:
        dim = _softmax_dim("softmin", input.dim())
    return softmax(-input, dim, dtype=dtype)


def normalize(input, p=2.0, dim=1, eps=1e-12, out=None):
    """input / max(||input||_p along dim, eps)."""
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    return input / denom


# ---------------------------------------------------------------- dropout
def dropout(input, p=0.5, training=True, inplace=False):
    """Zero each element with probability p (training only) and scale the rest by 1 / (1 - p)."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0 or input._a.size == 0:
        return input
    dt = input.dtype
    if dt.category < D.FLOAT:
        raise RuntimeError(f"result type Float can't be cast to the desired output type "
                           f"{dt.type_name}")
    if inplace:
        check_inplace_allowed(input)
    npd = dt.np
    if p == 1:
        mask = np.zeros((), npd)                  # torch multiplies by zero: inf * 0 is nan
    else:
        # torch: empty_like(input).bernoulli_(1 - p).div_(1 - p), in input's dtype
        mask = np.divide(bernoulli_mask(input._a.shape, 1 - p), npd.type(1 - p), dtype=npd)
    if inplace:
        return input.mul_(_wrap(mask, dt))
    if not (input.requires_grad and GRAD[0]):
        return _wrap(np.multiply(input._a, mask), dt)
    return _Mul.apply(input, _wrap(mask, dt))


# ---------------------------------------------------------------- embedding
def embedding(input, weight, padding_idx=None, max_norm=None, norm_type=2.0,
              scale_grad_by_freq=False, sparse=False):
    """Rows of weight at the indices in input (a lookup table)."""
    n = weight._a.shape[0] if weight._a.ndim else 0
    if padding_idx is not None:
        if padding_idx > 0:
            if padding_idx >= n:
                raise AssertionError("Padding_idx must be within num_embeddings")
        elif padding_idx < 0:
            if padding_idx < -n:
                raise AssertionError("Padding_idx must be within num_embeddings")
            padding_idx = n + padding_idx
    if input.dtype is not D.int64 and input.dtype is not D.int32:
        raise RuntimeError(
            "Expected tensor for argument #1 'indices' to have one of the following scalar types: "
            f"Long, Int; but got {input.dtype.legacy} instead (while checking arguments for "
            "embedding)")
    if weight._a.ndim != 2:
        raise RuntimeError("'weight' must be 2-D")
    idx = input._a
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _renorm(weight, idx, max_norm, norm_type)
    return _Embedding.apply(weight, idx.astype(np.int64, copy=False), padding_idx=padding_idx,
                            scale_grad_by_freq=scale_grad_by_freq)


def _renorm(weight, idx, max_norm, norm_type):
    """Rescale (in place, outside autograd) the referenced rows whose norm exceeds max_norm."""
    with no_grad():
        w = weight._a
        rows = np.unique(idx)
        norms = np.linalg.norm(w[rows].astype(np.float64), ord=norm_type, axis=1)
        big = norms > max_norm
        if big.any():
            r = rows[big]
            scale = (max_norm / (norms[big] + 1e-7)).astype(w.dtype)
            w[r] = w[r] * scale[:, None]
            bump_version(weight)


# ---------------------------------------------------------------- one_hot
def one_hot(tensor, num_classes=-1):
    """int64 tensor with a trailing dim of num_classes, 1 at each index."""
    if not isinstance(tensor, Tensor) or tensor.dtype is not D.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    a = tensor._a
    if num_classes == -1:
        if a.size == 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        num_classes = int(a.max()) + 1
    if a.size:
        if a.min() < 0:
            raise RuntimeError("Class values must be non-negative.")
        if a.max() >= num_classes:
            raise RuntimeError("Class values must be smaller than num_classes.")
    out = np.zeros(a.shape + (num_classes,), np.int64)
    np.put_along_axis(out, a[..., None], 1, axis=-1)
    return _wrap(out, D.int64)



# More functions, one module per family (each lists its names in __all__).
from . import _functional_act, _functional_norm  # noqa: E402
for _m in (_functional_act, _functional_norm):
    for _n in _m.__all__:
        globals()[_n] = getattr(_m, _n)
    __all__ += _m.__all__
del _m
