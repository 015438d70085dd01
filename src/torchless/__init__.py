"""torchless: PyTorch's Python API in pure Python on NumPy.  ``import torchless as torch``."""
from __future__ import annotations

import numpy as _np

from . import _dtype
from ._dtype import (bool_ as bool, uint8, int8, int16, int32, int64, float16, float32, float64,
                     complex64, complex128, dtype, get_default_dtype, set_default_dtype,
                     promote_types, can_cast, finfo, iinfo, layout, strided)
from ._size import Size, broadcast_shapes
from ._tensor import Tensor, device
from ._tensor_str import set_printoptions, get_printoptions, printoptions
from ._creation import (tensor, as_tensor, asarray, from_numpy, zeros, ones, empty, full,
                        zeros_like, ones_like, empty_like, full_like, arange, linspace, logspace,
                        eye, FloatTensor, DoubleTensor, HalfTensor, LongTensor, IntTensor,
                        ShortTensor, CharTensor, ByteTensor, BoolTensor)
from ._random import (manual_seed, seed, initial_seed, get_rng_state, set_rng_state, Generator,
                      default_generator, rand, rand_like, randn, randn_like, randint, randint_like,
                      randperm, normal, bernoulli, multinomial)
from . import random
from . import autograd
from .autograd.grad_mode import (no_grad, enable_grad, set_grad_enabled, inference_mode,
                                 is_grad_enabled, is_inference_mode_enabled)
from .ops import (pointwise, division, power, unary, comparison, bitwise, ternary, reduction,
                  extrema, statistics, scan, sorting, shape, transpose, indexing, join, reorder,
                  gather, matmul_add, conversion, nn_ops, activation, normalization, padding,
                  structure)
from .ops import special as _special_ops   # torch.special is the namespace module special.py
from .ops import linalg as _products     # mm, matmul, bmm ...; torch.linalg is the package linalg/
from .ops import complex as _complex_ops  # real, imag, view_as_real ...; torch.complex is the function

# Each ops module lists its public functions in __all__; they form the torch namespace.
for _m in (pointwise, division, power, unary, comparison, bitwise, ternary, reduction, extrema,
           statistics, scan, sorting, shape, transpose, indexing, join, reorder, gather, _products,
           matmul_add, conversion, nn_ops, activation, normalization, padding, _special_ops,
           structure, _complex_ops):
    for _n in _m.__all__:
        globals()[_n] = getattr(_m, _n)
del _m, _n, _products, _special_ops, _complex_ops

from .ops.conv import conv1d, conv2d, conv3d                    # noqa: E402
from .ops.products_more import *  # noqa: E402,F401,F403

# torch's top-level names for functions nn.functional has with the same arguments (nn, optim
# and utils load on first use, like linalg below: a script that never asks does not pay)
_NN_FUNCTIONS = ("selu", "selu_", "celu", "celu_", "prelu", "rrelu", "rrelu_", "threshold",
                 "threshold_", "hardshrink", "cosine_similarity", "pairwise_distance",
                 "group_norm", "layer_norm", "rms_norm", "pixel_shuffle", "pixel_unshuffle",
                 "alpha_dropout", "feature_alpha_dropout", "dropout", "bilinear")


def _hardshrink_method(self, lambd=0.5):
    from .nn.functional import hardshrink
    return hardshrink(self, lambd)


def _prelu_method(self, weight):
    from .nn.functional import prelu
    return prelu(self, weight)


Tensor.hardshrink = _hardshrink_method
Tensor.prelu = _prelu_method
from .ops.pool import avg_pool1d, max_pool1d, max_pool2d        # noqa: E402
from . import serialization        # noqa: E402  (torch.save / torch.load; pickle and zipfile load on first use)
from .serialization import save, load   # noqa: E402

# NumPy must not print warnings for torch-valid arithmetic (1/0 = inf, nan comparisons).
_np.seterr(all="ignore")

__version__ = "2.13.0"

inf = float("inf")
nan = float("nan")
pi = 3.141592653589793
e = 2.718281828459045
newaxis = None


def result_type(tensor, other) -> dtype:
    """The dtype an arithmetic op on tensor and other returns (torch's promotion)."""
    return _dtype.result_type_of((tensor, other))


def is_tensor(obj) -> bool:
    return isinstance(obj, Tensor)


def is_floating_point(input) -> bool:
    return input.dtype.is_floating_point


def is_complex(input) -> bool:
    return input.dtype.is_complex


def numel(input) -> int:
    return input.numel()

# dtype aliases torch has
float = float32
double = float64
half = float16
long = int64
int = int32
short = int16
cfloat = complex64
cdouble = complex128


# torch.linalg, torch.special, torch.cuda, torch.backends and torch.accelerator (and the runtime settings,
# which live with the backend flags) load on first use: a script that never asks does not pay
# for them.
_LAZY_MODULES = ("nn", "optim", "utils", "linalg", "cuda", "backends", "accelerator",
                 "special")
_RUNTIME = ("set_float32_matmul_precision", "get_float32_matmul_precision",
            "use_deterministic_algorithms", "are_deterministic_algorithms_enabled",
            "is_deterministic_algorithms_warn_only_enabled", "set_deterministic_debug_mode",
            "get_deterministic_debug_mode", "get_num_threads", "set_num_threads",
            "get_num_interop_threads", "set_num_interop_threads")


def __getattr__(name):
    import importlib
    if name in _LAZY_MODULES:
        return importlib.import_module("." + name, __name__)
    if name in _NN_FUNCTIONS:
        value = getattr(importlib.import_module(".nn.functional", __name__), name)
    elif name in _RUNTIME:
        value = getattr(importlib.import_module(".backends._state", __name__), name)
    elif name == "OutOfMemoryError":
        value = importlib.import_module(".cuda", __name__).OutOfMemoryError
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_LAZY_MODULES) | set(_RUNTIME) | set(_NN_FUNCTIONS)
                  | {"OutOfMemoryError"})
