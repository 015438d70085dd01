"""torch.autograd: backward, grad, grad modes and user-defined Functions."""
from .engine import backward, grad
from .function import Node
from .grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled

__all__ = ["backward", "grad", "Node", "enable_grad", "inference_mode", "no_grad", "set_grad_enabled"]
