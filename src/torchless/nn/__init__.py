"""torch.nn: Module, Parameter, the layers, and the functional, init and utils submodules."""
from . import functional, init, utils
from .modules import (ELU, GELU, BatchNorm1d, BatchNorm2d, BCELoss, BCEWithLogitsLoss, Bilinear,
                      CrossEntropyLoss, Dropout, Embedding, Flatten, Hardtanh, Identity, L1Loss,
                      LayerNorm, LeakyReLU, Linear, LogSoftmax, Module, ModuleDict, ModuleList,
                      MSELoss, NLLLoss, ParameterDict, ParameterList, ReLU, ReLU6, Sequential,
                      Sigmoid, SiLU, SmoothL1Loss, Softmax, Softmin, Softplus, Tanh, Unflatten)
from .modules import (AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, Conv1d, Conv2d, Conv3d, MaxPool1d,
                      MaxPool2d)
from .parameter import Buffer, Parameter
from . import modules as _modules

__all__ = ["Module", "Parameter", "Buffer", "Sequential", "ModuleList", "ModuleDict",
           "ParameterList", "ParameterDict", "Identity", "Linear", "Bilinear", "Flatten",
           "Unflatten", "Embedding", "Dropout", "ReLU", "LeakyReLU", "ELU", "GELU", "SiLU",
           "Sigmoid", "Tanh", "Softmax", "LogSoftmax", "Softmin", "Softplus", "Hardtanh", "ReLU6",
           "LayerNorm", "BatchNorm1d", "BatchNorm2d", "MSELoss", "L1Loss", "SmoothL1Loss", "NLLLoss",
           "CrossEntropyLoss", "BCELoss", "BCEWithLogitsLoss", "functional", "init", "utils",
           "Conv1d", "Conv2d", "Conv3d", "MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d",
           "AdaptiveAvgPool2d"]

for _n in _modules._EXTRA:
    globals()[_n] = getattr(_modules, _n)
__all__ += _modules._EXTRA
