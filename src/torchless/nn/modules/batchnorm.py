"""BatchNorm1d / BatchNorm2d: per-channel normalisation with running statistics."""
from __future__ import annotations

import numpy as np

from ... import _dtype as D
from ..._tensor import _wrap, check_device
from ...ops._inplace import bump_version
from ...ops.normalization import batch_norm
from .. import init
from .linear import _empty_parameter
from .module import Module

__all__ = ["BatchNorm1d", "BatchNorm2d"]


class _BatchNorm(Module):
    """Shared body: parameters, buffers, the momentum rule and the forward."""

    _version = 2

    def __init__(self, num_features: int, eps: float = 1e-5, momentum=0.1, affine: bool = True,
                 track_running_stats: bool = True, device=None, dtype=None, *, bias: bool = True):
        super().__init__()
        check_device(device)
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = _empty_parameter((num_features,), dtype)
            if bias:
                self.bias = _empty_parameter((num_features,), dtype)
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            dt = dtype or D.get_default_dtype()
            self.register_buffer("running_mean", _wrap(np.zeros(num_features, dt.np), dt))
            self.register_buffer("running_var", _wrap(np.ones(num_features, dt.np), dt))
            self.register_buffer("num_batches_tracked", _wrap(np.zeros((), np.int64), D.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            for name, v in (("running_mean", 0), ("running_var", 1), ("num_batches_tracked", 0)):
                t = self._buffers[name]
                t._a[...] = v
                bump_version(t)

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input):
        raise NotImplementedError

    def forward(self, input):
        self._check_input_dim(input)
        momentum = 0.0 if self.momentum is None else self.momentum
        b = self._buffers
        if self.training and self.track_running_stats:
            nbt = b["num_batches_tracked"]
            if nbt is not None:
                nbt._a += 1
                bump_version(nbt)
                # momentum=None: a cumulative moving average over the batches seen
                momentum = 1.0 / float(nbt._a) if self.momentum is None else self.momentum
        use_batch = self.training or b["running_mean"] is None
        # eval without running statistics normalises with the batch's own statistics
        p = self._parameters
        track = not self.training or self.track_running_stats
        return batch_norm(input, b["running_mean"] if track else None,
                          b["running_var"] if track else None, p["weight"], p["bias"],
                          use_batch, momentum, self.eps)

    def extra_repr(self):
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs, assign=False):
        # state dicts from before num_batches_tracked existed (no version, or version < 2) load
        # with the counter at zero, as torch does
        version = local_metadata.get("version", None)
        key = prefix + "num_batches_tracked"
        if (version is None or version < 2) and self.track_running_stats and key not in state_dict:
            nbt = self._buffers.get("num_batches_tracked")
            state_dict[key] = nbt if nbt is not None else _wrap(np.zeros((), np.int64), D.int64)
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs, assign)


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) input."""

    def _check_input_dim(self, input):
        if input.dim() != 2 and input.dim() != 3:
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) input."""

    def _check_input_dim(self, input):
        if input.dim() != 4:
            raise ValueError(f"expected 4D input (got {input.dim()}D input)")
