"""Flatten parameters into one vector and back (for optimisers that work on a flat vector)."""
from __future__ import annotations

from ..._tensor import Tensor
from ...ops.join import cat

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_param_device(param, old_param_device):
    """All parameters must be on one device (reading .device also rejects non-tensors)."""
    if old_param_device is None:
        return param.device
    if param.device != old_param_device:
        raise TypeError("Found two parameters on different devices, this is currently not "
                        "supported.")
    return old_param_device


def _typename(obj) -> str:
    """torch.typename for a non-tensor: 'list', 'numpy.ndarray'."""
    t = type(obj)
    if t.__module__ in ("builtins", None):
        return t.__qualname__
    return f"{t.__module__}.{t.__qualname__}"


def parameters_to_vector(parameters) -> Tensor:
    """One 1-D tensor holding every parameter's elements in order (differentiable)."""
    device = None
    vec = []
    for param in parameters:
        device = _check_param_device(param, device)
        vec.append(param.view(-1))
    return cat(vec)


def vector_to_parameters(vec: Tensor, parameters) -> None:
    """Make each parameter's data the next slice of vec (the parameters then share its memory)."""
    if not isinstance(vec, Tensor):
        raise TypeError(f"expected torch.Tensor, but got: {_typename(vec)}")
    device = None
    pointer = 0
    for param in parameters:
        device = _check_param_device(param, device)
        num_param = param.numel()
        data = vec[pointer:pointer + num_param].view_as(param).data
        # torch's Tensor.data setter refuses this; torchless's does not check it (yet)
        if param.requires_grad and not (data.dtype.is_floating_point or data.dtype.is_complex):
            raise RuntimeError("data set to a tensor that requires gradients must be floating "
                               "point or complex dtype")
        param.data = data
        pointer += num_param
