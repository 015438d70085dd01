"""torch.nn: Module, Parameter, layers, functional and init."""
from .parameter import Parameter, Buffer
from .modules.module import Module
