"""torch.autograd: backward, grad, grad modes and user-defined Functions."""
from .engine import backward, grad
from .function import Function, FunctionCtx, Node, once_differentiable
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled

__all__ = ["backward", "grad", "Node", "Function", "FunctionCtx", "once_differentiable",
           "gradcheck", "gradgradcheck", "GradcheckError", "enable_grad", "inference_mode", "no_grad", "set_grad_enabled"]


def Variable(data, requires_grad=False, volatile=False):
    """The pre-0.4 wrapper: now just the tensor itself (with requires_grad set)."""
    if requires_grad:
        data.requires_grad = True
    return data


__all__.append("Variable")
