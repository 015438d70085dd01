"""torch.nn.functional: group/instance/RMS/local-response norms, dropout variants,
interpolate/upsample, pixel_shuffle, fold/unfold."""
from __future__ import annotations

import math
import warnings

import numpy as np

from .. import _dtype as D
from .._random import bernoulli_mask
from .._size import Size
from .._tensor import _wrap
from ..autograd.grad_mode import ENABLED as GRAD
from ..ops._inplace import bump_version, check_inplace_allowed
from ..ops.normalization import batch_norm
from ..ops.padding import pad
from ..ops.pool import avg_pool2d
from ..ops import resample as _rs

__all__ = ["group_norm", "instance_norm", "rms_norm", "local_response_norm", "dropout1d",
           "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout", "interpolate",
           "upsample", "upsample_nearest", "upsample_bilinear", "pixel_shuffle",
           "pixel_unshuffle", "unfold", "fold"]


def _shape_list(s):
    return "[" + ", ".join(str(v) for v in s) + "]"


# ---------------------------------------------------------------- norms
def group_norm(input, num_groups, weight=None, bias=None, eps=1e-5):
    """Normalise each group of channels (with all their positions) per sample."""
    a = input._a
    if a.ndim < 2:
        raise RuntimeError(f"Expected at least 2 dimensions for input tensor but received "
                           f"{a.ndim}")
    n, c = a.shape[:2]
    if num_groups <= 0 or c % num_groups:
        raise RuntimeError(f"Expected number of channels in input to be divisible by num_groups, "
                           f"but got input of shape {_shape_list(a.shape)} and "
                           f"num_groups={num_groups}")
    for name, t in (("weight", weight), ("bias", bias)):
        if t is not None and (t._a.ndim != 1 or t._a.size != c):
            raise RuntimeError(f"Expected {name} to be a vector of size equal to the number of "
                               f"channels in input, but got {name} of shape "
                               f"{_shape_list(t._a.shape)} and input of shape "
                               f"{_shape_list(a.shape)}")
    return _rs.GroupNorm.apply(input, weight, bias, groups=int(num_groups), eps=eps)


def instance_norm(input, running_mean=None, running_var=None, weight=None, bias=None,
                  use_input_stats=True, momentum=0.1, eps=1e-5):
    """Normalise each (sample, channel) plane: batch_norm over the input viewed as
    (1, N*C, ...), as torch composes it."""
    shape = tuple(input.shape)
    if use_input_stats:
        size = 1
        for s in shape[2:]:
            size *= s
        if size == 1:
            raise ValueError(f"Expected more than 1 spatial element when training, got input "
                             f"size {Size(shape)}")
    n, c = shape[:2]
    x = input.reshape((1, n * c) + shape[2:])
    w = weight.repeat(n) if weight is not None else None
    b = bias.repeat(n) if bias is not None else None
    rm = running_mean.repeat(n) if running_mean is not None else None
    rv = running_var.repeat(n) if running_var is not None else None
    y = batch_norm(x, rm, rv, w, b, use_input_stats, momentum, eps)
    if use_input_stats:
        # the per-sample running statistics averaged back into the channels' ones
        for t, r in ((running_mean, rm), (running_var, rv)):
            if t is not None:
                t._a[...] = r._a.reshape(n, c).mean(axis=0)
                bump_version(t)
    return y.view(shape)


def rms_norm(input, normalized_shape, weight=None, eps=None):
    """input / sqrt(mean(input ** 2) + eps) over the trailing dims, times weight."""
    if isinstance(normalized_shape, int):
        normalized_shape = (normalized_shape,)
    ns = tuple(int(s) for s in normalized_shape)
    shape = tuple(input.shape)
    k = len(ns)
    if len(shape) < k or shape[len(shape) - k:] != ns:
        raise RuntimeError(f"Given normalized_shape={_shape_list(ns)}, expected input with shape "
                           f"[*, {', '.join(str(s) for s in ns)}], but got input of size"
                           f"{_shape_list(shape)}")
    if weight is not None and tuple(weight.shape) != ns:
        raise RuntimeError(f"Expected weight to be of same shape as normalized_shape, but got "
                           f"weight of shape {_shape_list(weight.shape)} and normalized_shape = "
                           f"{_shape_list(ns)}")
    if eps is None:
        eps = float(np.finfo(input.dtype.np).eps)
    dims = tuple(range(len(shape) - k, len(shape)))
    y = input * (input.pow(2).mean(dims, keepdim=True) + eps).rsqrt()
    return y * weight if weight is not None else y


def local_response_norm(input, size, alpha=1e-4, beta=0.75, k=1.0):
    """input / (k + alpha * mean of squares over `size` neighbouring channels) ** beta."""
    dim = input.dim()
    if dim < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {dim} dimensions)")
    if input.numel() == 0:
        return input
    div = input.mul(input)
    shape = tuple(input.shape)
    # the channel window average: avg_pool over (size, 1) of (N, 1, C, rest) padded along C
    div = div.reshape((shape[0], 1, shape[1], -1))
    div = pad(div, (0, 0, size // 2, (size - 1) // 2))
    div = avg_pool2d(div, (size, 1), stride=1).squeeze(1).reshape(shape)
    div = div.mul(alpha).add(k).pow(beta)
    return input / div


# ---------------------------------------------------------------- dropout variants
def _check_p(p):
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")


_ALPHA = 1.7580993408473766


def _dropout_impl(input, p, train, inplace, feature, alpha):
    """Feature (channel) and alpha dropout: the noise is drawn as torch draws it, one
    bernoulli(1 - p) per element, or per (N, C) channel for feature dropout."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if feature and input.dim() < 2:
        raise RuntimeError("Feature dropout requires at least 2 dimensions in the input")
    if p == 0 or not train or input.numel() == 0:
        return input
    if inplace:
        check_inplace_allowed(input)
    dt = input.dtype
    npd = dt.np
    shape = tuple(input.shape)
    nshape = shape[:2] + (1,) * (len(shape) - 2) if feature else shape
    if p == 1:
        z = _wrap(np.zeros(nshape, npd), dt)
        return input.mul_(z) if inplace else input * z
    noise = bernoulli_mask(nshape, 1 - p).astype(npd)
    if alpha:
        a = 1.0 / math.sqrt((_ALPHA * _ALPHA * p + 1) * (1 - p))
        b = (noise - npd.type(1)) * npd.type(_ALPHA * a) + npd.type(_ALPHA * a * p)
        noise = noise * npd.type(a)
        b = _wrap(b.astype(npd, copy=False), dt)
        noise = _wrap(noise.astype(npd, copy=False), dt)
        if inplace:
            return input.mul_(noise).add_(b)
        return (input * noise).add_(b) if not (input.requires_grad and GRAD[0]) else \
            input * noise + b
    noise = _wrap(np.divide(noise, npd.type(1 - p), dtype=npd), dt)
    return input.mul_(noise) if inplace else input * noise


def dropout1d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, L) or (C, L) input with probability p."""
    _check_p(p)
    d = input.dim()
    if d not in (2, 3):
        raise RuntimeError(f"dropout1d: Expected 2D or 3D input, but received a {d}D input. Note "
                           "that dropout1d exists to provide channel-wise dropout on inputs with 1 "
                           "spatial dimension, a channel dimension, and an optional batch "
                           "dimension (i.e. 2D or 3D inputs).")
    if d == 2:
        x = input.unsqueeze_(0) if inplace else input.unsqueeze(0)
        r = _dropout_impl(x, p, training, inplace, True, False)
        return r.squeeze_(0) if inplace else r.squeeze(0)
    return _dropout_impl(input, p, training, inplace, True, False)


def dropout2d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, H, W) input with probability p."""
    _check_p(p)
    d = input.dim()
    if d not in (3, 4):
        warnings.warn(f"dropout2d: Received a {d}-D input to dropout2d, which is deprecated and "
                      "will result in an error in a future release. To retain the behavior and "
                      "silence this warning, please use dropout instead. Note that dropout2d "
                      "exists to provide channel-wise dropout on inputs with 2 spatial "
                      "dimensions, a channel dimension, and an optional batch dimension (i.e. 3D "
                      "or 4D inputs).", UserWarning, stacklevel=2)
    if d == 3:
        warnings.warn("dropout2d: Received a 3D input to dropout2d and assuming that channel-wise "
                      "1D dropout behavior is desired - input is interpreted as shape (N, C, L), "
                      "where C is the channel dim. This behavior will change in a future release "
                      "to interpret the input as one without a batch dimension, i.e. shape (C, H, "
                      "W). To maintain the 1D channel-wise dropout behavior, please switch to "
                      "using dropout1d instead.", UserWarning, stacklevel=2)
    return _dropout_impl(input, p, training, inplace, True, False)


def dropout3d(input, p=0.5, training=True, inplace=False):
    """Zero whole channels of (N, C, D, H, W) or (C, D, H, W) input with probability p."""
    _check_p(p)
    d = input.dim()
    if d not in (4, 5):
        warnings.warn(f"dropout3d: Received a {d}-D input to dropout3d, which is deprecated and "
                      "will result in an error in a future release. To retain the behavior and "
                      "silence this warning, please use dropout instead. Note that dropout3d "
                      "exists to provide channel-wise dropout on inputs with 3 spatial "
                      "dimensions, a channel dimension, and an optional batch dimension (i.e. 4D "
                      "or 5D inputs).", UserWarning, stacklevel=2)
    if d != 5:
        x = input.unsqueeze_(0) if inplace else input.unsqueeze(0)
        r = _dropout_impl(x, p, training, inplace, True, False)
        return r.squeeze_(0) if inplace else r.squeeze(0)
    return _dropout_impl(input, p, training, inplace, True, False)


def alpha_dropout(input, p=0.5, training=False, inplace=False):
    """Dropout that keeps SELU's self-normalising mean and variance."""
    return _dropout_impl(input, p, training, inplace, False, True)


def feature_alpha_dropout(input, p=0.5, training=False, inplace=False):
    """alpha_dropout of whole channels."""
    return _dropout_impl(input, p, training, inplace, True, True)


# ---------------------------------------------------------------- interpolate
_LINEAR = {1: "linear", 2: "bilinear", 3: "trilinear"}
_NAMES = {"nearest": "UpsampleNearest{}DBackward0",
          "nearest-exact": "UpsampleNearestExact{}DBackward0",
          "linear": "UpsampleLinear1DBackward0", "bilinear": "UpsampleBilinear2DBackward0",
          "trilinear": "UpsampleTrilinear3DBackward0"}


def _ntuple(v, n):
    if isinstance(v, (list, tuple)):
        return tuple(v)
    return (v,) * n


def interpolate(input, size=None, scale_factor=None, mode="nearest", align_corners=None,
                recompute_scale_factor=None, antialias=False):
    """Resize the spatial dims: nearest, nearest-exact, or (bi/tri)linear interpolation."""
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError("align_corners option can only be set with the interpolating modes: "
                             "linear | bilinear | bicubic | trilinear")
    elif align_corners is None:
        align_corners = False
    dim = input.dim() - 2
    if dim < 1:
        raise NotImplementedError(f"Input Error: Only 3D, 4D and 5D input Tensors supported "
                                  f"(got {input.dim()}D) for the modes: nearest | linear | "
                                  f"bilinear | bicubic | trilinear | area | nearest-exact "
                                  f"(got {mode})")
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(f"Input and output must have the same number of spatial "
                                 f"dimensions, but got input with spatial dimensions of "
                                 f"{list(input.shape[2:])} and output size of {size}. Please "
                                 f"provide input tensor in (N, C, d1, d2, ...,dK) format and "
                                 f"output size in (o1, o2, ...,oK) format.")
            out = [int(s) for s in size]
        else:
            out = [int(size)] * dim
        scales = [None] * dim
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(f"Input and scale_factor must have the same number of spatial "
                                 f"dimensions, but got input with spatial dimensions of "
                                 f"{list(input.shape[2:])} and scale_factor of shape "
                                 f"{scale_factor}. Please provide input tensor in (N, C, d1, d2, "
                                 f"...,dK) format and scale_factor in (s1, s2, ...,sK) format.")
            scales = [float(s) for s in scale_factor]
        else:
            scales = [float(scale_factor)] * dim
        out = [int(math.floor(float(input.shape[i + 2]) * scales[i])) for i in range(dim)]
        if recompute_scale_factor:
            scales = [None] * dim
    else:
        raise ValueError("either size or scale_factor should be defined")
    if antialias:
        raise NotImplementedError("interpolate: antialias=True is not supported by torchless")
    if mode in ("nearest", "nearest-exact"):
        if input.dtype.category < D.FLOAT and input.dtype is not D.uint8:
            raise NotImplementedError('"compute_indices_weights_nearest" not implemented for '
                                      f"'{input.dtype.type_name}'")
        exact = mode == "nearest-exact"
        maps = tuple((i + 2, _rs.nearest_map(input.shape[i + 2], out[i], scales[i], exact))
                     for i in range(dim))
        name = _NAMES[mode].format(dim)
    elif mode in ("linear", "bilinear", "trilinear"):
        if _LINEAR[dim] != mode:
            want = {"linear": 3, "bilinear": 4, "trilinear": 5}[mode]
            raise NotImplementedError(f"Got {input.dim()}D input, but {mode} mode needs "
                                      f"{want}D input")
        if input.dtype.category < D.FLOAT:
            raise NotImplementedError('"compute_indices_weights_linear" not implemented for '
                                      f"'{input.dtype.type_name}'")
        fdt = np.float32 if input.dtype.np in (np.float32, np.float16) else np.float64
        maps = tuple((i + 2, _rs.linear_map(input.shape[i + 2], out[i], scales[i],
                                            align_corners, fdt)) for i in range(dim))
        name = _NAMES[mode]
    else:
        raise NotImplementedError(f"interpolate: mode {mode!r} is not supported by torchless")
    for o in out:
        if o <= 0:
            raise RuntimeError(f"Input and output sizes should be greater than 0, but got input "
                               f"({', '.join(str(s) for s in input.shape[2:])}) and output "
                               f"({', '.join(str(s) for s in out)})")
    return _rs.Resample.apply(input, maps=maps, name=name)


def upsample(input, size=None, scale_factor=None, mode="nearest", align_corners=None):
    warnings.warn("`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` "
                  "instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_nearest` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input, size=None, scale_factor=None):
    warnings.warn("`nn.functional.upsample_bilinear` is deprecated. Use "
                  "`nn.functional.interpolate` instead.", stacklevel=2)
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ---------------------------------------------------------------- pixel shuffle
def pixel_shuffle(input, upscale_factor):
    """(*, C*r*r, H, W) -> (*, C, H*r, W*r)."""
    r = int(upscale_factor)
    d = input.dim()
    if d < 3:
        raise RuntimeError(f"pixel_shuffle expects input to have at least 3 dimensions, but got "
                           f"input with {d} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    c = input.shape[-3]
    if c % (r * r):
        raise RuntimeError(f"pixel_shuffle expects its input's 'channel' dimension to be "
                           f"divisible by the square of upscale_factor, but input.size(-3)={c} "
                           f"is not divisible by {r * r}")
    return _rs.PixelShuffle.apply(input, r=r)


def pixel_unshuffle(input, downscale_factor):
    """(*, C, H*r, W*r) -> (*, C*r*r, H, W)."""
    r = int(downscale_factor)
    d = input.dim()
    if d < 3:
        raise RuntimeError(f"pixel_unshuffle expects input to have at least 3 dimensions, but "
                           f"got input with {d} dimension(s)")
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    h, w = input.shape[-2:]
    if h % r:
        raise RuntimeError(f"pixel_unshuffle expects height to be divisible by downscale_factor, "
                           f"but input.size(-2)={h} is not divisible by {r}")
    if w % r:
        raise RuntimeError(f"pixel_unshuffle expects width to be divisible by downscale_factor, "
                           f"but input.size(-1)={w} is not divisible by {r}")
    return _rs.PixelUnshuffle.apply(input, r=r)


# ---------------------------------------------------------------- unfold / fold
def _pair(v):
    return tuple(int(x) for x in v) if isinstance(v, (list, tuple)) else (int(v), int(v))


def unfold(input, kernel_size, dilation=1, padding=0, stride=1):
    """Sliding local blocks of a (N, C, H, W) input as columns: (N, C*kh*kw, L)."""
    d = input.dim()
    if d not in (3, 4):
        raise NotImplementedError(f"Input Error: Only 3D or 4D input Tensors are supported "
                                  f"(got {d}D)")
    ks, dil, pd, st = _pair(kernel_size), _pair(dilation), _pair(padding), _pair(stride)
    x = input if d == 4 else input.unsqueeze(0)
    h, w = x.shape[2:]
    outs = tuple((s + 2 * p - dl * (k - 1) - 1) // t + 1
                 for s, p, dl, k, t in zip((h, w), pd, dil, ks, st))
    if outs[0] < 1 or outs[1] < 1:
        raise RuntimeError(f"Given input with spatial size ({h}, {w}), kernel_size=({ks[0]}, "
                           f"{ks[1]}), dilation=({dil[0]}, {dil[1]}), padding=({pd[0]}, "
                           f"{pd[1]}), calculated shape of the array of sliding blocks as "
                           f"({outs[0]}, {outs[1]}), but its components must be at least one.")
    if input.dtype.category < D.FLOAT:
        raise NotImplementedError(f'"im2col_out_cpu" not implemented for '
                                  f"'{input.dtype.type_name}'")
    return _rs.Im2Col.apply(input, ks=ks, dil=dil, pad=pd, st=st, outs=outs)


def fold(input, output_size, kernel_size, dilation=1, padding=0, stride=1):
    """Sum columns (N, C*kh*kw, L) back into a (N, C, H, W) tensor (unfold's adjoint)."""
    d = input.dim()
    if d not in (2, 3):
        raise NotImplementedError(f"Input Error: Only unbatched (2D) or batched (3D) input "
                                  f"Tensors are supported (got {d}D)")
    size, ks = _pair(output_size), _pair(kernel_size)
    dil, pd, st = _pair(dilation), _pair(padding), _pair(stride)
    x = input if d == 3 else input.unsqueeze(0)
    outs = tuple((s + 2 * p - dl * (k - 1) - 1) // t + 1
                 for s, p, dl, k, t in zip(size, pd, dil, ks, st))
    kk = ks[0] * ks[1]
    if x.shape[1] % kk:
        raise RuntimeError(f"Expected size of input's dimension 1 to be divisible by the product "
                           f"of kernel_size, but got input.size(1)={x.shape[1]} and "
                           f"kernel_size=({ks[0]}, {ks[1]})")
    if x.shape[2] != outs[0] * outs[1]:
        raise RuntimeError(f"Given output_size=({size[0]}, {size[1]}), kernel_size=({ks[0]}, "
                           f"{ks[1]}), dilation=({dil[0]}, {dil[1]}), padding=({pd[0]}, "
                           f"{pd[1]}), stride=({st[0]}, {st[1]}), expected size of input's "
                           f"dimension 2 to match the calculated number of sliding blocks "
                           f"{outs[0]} * {outs[1]} = {outs[0] * outs[1]}, but got "
                           f"input.size(2)={x.shape[2]}.")
    if input.dtype.category < D.FLOAT:
        raise NotImplementedError(f'"col2im_out_cpu" not implemented for '
                                  f"'{input.dtype.type_name}'")
    return _rs.Col2Im.apply(input, size=size, ks=ks, dil=dil, pad=pd, st=st, outs=outs)
