"""Tensor: a NumPy array (a view of its storage) plus torch's metadata.

Only metadata and conversions live here.  Every op — arithmetic, views, reductions,
indexing — is defined once in torchless.ops and installed on Tensor as a method by the
op's own module (see ``ops/__init__.py``), so this module imports nothing above it.
"""
from __future__ import annotations

import numpy as np

from . import _dtype as D
from ._size import Size
from ._version import version as _storage_version

ndarray = np.ndarray
_asarray = np.asarray
_NP2T = D.NP_TO_TORCH


class device:
    """torch.device; torchless runs on the CPU only."""

    __slots__ = ("type", "index")

    def __init__(self, type="cpu", index=None):
        if isinstance(type, device):
            type, index = type.type, type.index
        if ":" in str(type):
            type, idx = str(type).split(":", 1)
            index = int(idx)
        if type not in ("cpu", "cuda", "mps", "meta"):
            raise RuntimeError(
                "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, fpga, "
                "maia, xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type at start of "
                f"device string: {type}")
        self.type = type
        self.index = index

    def __repr__(self):
        return f"device(type='{self.type}')" if self.index is None else \
            f"device(type='{self.type}', index={self.index})"

    def __str__(self):
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other):
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and (self.type, self.index) == (other.type, other.index)

    def __hash__(self):
        return hash((self.type, self.index))


CPU = device("cpu")


def check_device(dev):
    """Accept cpu; refuse accelerators the way a CPU-only torch build does."""
    if dev is None:
        return
    d = dev if isinstance(dev, device) else device(dev) if not isinstance(dev, int) else device("cuda", dev)
    if d.type == "cuda":
        raise AssertionError("Torch not compiled with CUDA enabled")
    if d.type not in ("cpu", "meta"):
        raise RuntimeError(f"{d.type} device is not available in torchless (CPU only)")


class Tensor:
    """A multi-dimensional array with torch's semantics, backed by a NumPy array."""

    # _vbase: for a view, its base (a Tensor), or (base, how it was made) when made in no_grad
    # or inference mode or by a function returning several views; None otherwise (see
    # ops/_strides.py: the in-place rules for views)
    __slots__ = ("_a", "dtype", "requires_grad", "grad", "grad_fn", "_meta", "_vbase",
                 "__weakref__")

    # Legacy constructor torch.Tensor(...) is installed by torchless._creation.
    # The data: ``_a`` is a NumPy ndarray viewing the storage (never a NumPy scalar).

    # ---------------------------------------------------------------- metadata
    @property
    def shape(self) -> Size:
        return Size(self._a.shape)

    def size(self, dim=None):
        if dim is None:
            return Size(self._a.shape)
        return self._a.shape[self._dim(dim)]

    def dim(self) -> int:
        return self._a.ndim

    @property
    def ndim(self) -> int:
        return self._a.ndim

    def ndimension(self) -> int:
        return self._a.ndim

    def numel(self) -> int:
        return self._a.size

    nelement = numel

    def element_size(self) -> int:
        return self.dtype.itemsize

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self._a.size * self.dtype.itemsize

    def stride(self, dim=None):
        item = self._a.itemsize
        st = tuple(s // item for s in self._a.strides)
        if self._a.size <= 1 or 0 in self._a.shape:
            # NumPy may report arbitrary strides for degenerate arrays; torch's are contiguous ones
            st = _contiguous_strides(self._a.shape) if _degenerate_strides(self._a) else st
        return st if dim is None else st[self._dim(dim)]

    @property
    def _version(self) -> int:
        """How many times this tensor's storage was changed in place (torch's version counter)."""
        return _storage_version(self._a)

    def storage_offset(self) -> int:
        a = self._a
        root = _root(a)
        if root is a or not isinstance(root, ndarray):
            return 0
        return (a.__array_interface__["data"][0] - root.__array_interface__["data"][0]) // a.itemsize

    def is_contiguous(self, memory_format=None) -> bool:
        a = self._a
        if a.flags.c_contiguous:
            return True
        # torch ignores strides of size-1 dims
        expected = 1
        for size, st in zip(reversed(a.shape), reversed(a.strides)):
            if size != 1:
                if st // a.itemsize != expected:
                    return False
                expected *= size
        return True

    @property
    def device(self):
        return CPU

    @property
    def is_cuda(self):
        return False

    @property
    def is_cpu(self):
        return True

    @property
    def is_sparse(self):
        return False

    @property
    def is_quantized(self):
        return False

    @property
    def is_meta(self):
        return False

    @property
    def layout(self):
        return D.strided

    def is_floating_point(self) -> bool:
        return self.dtype.is_floating_point

    def is_complex(self) -> bool:
        return self.dtype.is_complex

    def is_signed(self) -> bool:
        return self.dtype.is_signed

    def get_device(self) -> int:
        return -1

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def _base(self):
        """The tensor this one is a view of (None when it is not a view): the end of the
        chain of views (see ops/_strides.py)."""
        b = view_base(self)
        while b is not None:
            if b.__class__ is tuple:
                b = b[0]
            up = view_base(b)
            if up is None:
                return b
            b = up
        return None

    def _is_view(self) -> bool:
        return view_base(self) is not None

    @property
    def data(self):
        return _wrap(self._a, self.dtype)

    @data.setter
    def data(self, other):
        if not isinstance(other, Tensor):
            raise TypeError(f"Variable data has to be a tensor, but got {type(other).__name__}")
        if self.requires_grad and other.dtype.category < D.FLOAT:
            raise RuntimeError("data set to a tensor that requires gradients must be floating "
                               "point or complex dtype")
        self._a = other._a
        self.dtype = other.dtype

    def _dim(self, dim, ndim=None):
        """Wrap a possibly negative dim, raising torch's IndexError when out of range."""
        n = self._a.ndim if ndim is None else ndim
        return wrap_dim(dim, n)

    # ------------------------------------------------------------ conversions
    def item(self):
        a = self._a
        if a.size != 1:
            raise RuntimeError(
                f"a Tensor with {a.size} elements cannot be converted to Scalar")
        return a.reshape(()).item()

    def tolist(self):
        return self._a.tolist()

    def numpy(self, *, force=False):
        if self.requires_grad and not force:
            raise RuntimeError(
                "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.")
        return self._a

    def __array__(self, dtype=None, copy=None):
        if dtype is None:
            return self._a
        return self._a.astype(dtype, copy=False)

    def __len__(self):
        if self._a.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._a.shape[0]

    def __bool__(self):
        a = self._a
        if a.size != 1:
            if a.size == 0:
                raise RuntimeError("Boolean value of Tensor with no values is ambiguous")
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(a.reshape(()).item())

    def __float__(self):
        if self._a.size != 1:
            raise TypeError("only one element tensors can be converted to Python scalars")
        return float(self._a.reshape(()).item().real if self.dtype.is_complex else self._a.reshape(()).item())

    def __int__(self):
        if self._a.size != 1:
            raise TypeError("only one element tensors can be converted to Python scalars")
        return int(self._a.reshape(()).item())

    def __complex__(self):
        if self._a.size != 1:
            raise TypeError("only one element tensors can be converted to Python scalars")
        return complex(self._a.reshape(()).item())

    def __index__(self):
        if self.dtype.category > D.INT or self._a.size != 1 or self._a.ndim:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self._a.item())

    def __hash__(self):
        return id(self)

    def __reduce_ex__(self, proto):
        # plain pickling (copy.deepcopy, multiprocessing); torch.save has its own format
        return (_rebuild, (self._a.copy(), self.dtype.name, self.requires_grad))

    def __deepcopy__(self, memo):
        if id(self) in memo:
            return memo[id(self)]
        t = _wrap(self._a.copy(), self.dtype)
        t.requires_grad = self.requires_grad
        if self.grad is not None:
            t.grad = self.grad.__deepcopy__(memo)
        if type(self) is not Tensor:
            t.__class__ = type(self)
        memo[id(self)] = t
        return t

    def type(self, dtype=None, non_blocking=False, **kw):
        if dtype is None:
            return self.dtype.legacy
        if isinstance(dtype, str):
            if dtype not in D.LEGACY:
                raise ValueError(f"invalid type: '{dtype}'")
            dtype = D.LEGACY[dtype]
        elif not isinstance(dtype, D.dtype):
            dtype = getattr(dtype, "dtype", None) or D.LEGACY[getattr(dtype, "__name__", "")]
        return self.to(dtype)

    def __repr__(self, *, tensor_contents=None):
        from ._tensor_str import tensor_repr   # printing sits beside Tensor; imported late to keep this file's import light
        return tensor_repr(self)

    def __str__(self):
        return self.__repr__()

    def __format__(self, spec):
        if self._a.ndim == 0 and spec:
            return format(self.item(), spec)
        return object.__format__(self.__repr__(), spec) if spec else self.__repr__()

    def __dir__(self):
        return sorted(set(dir(type(self))))


def _rebuild(a, dtype_name, requires_grad):
    t = _wrap(a, D._by_name(dtype_name))
    t.requires_grad = requires_grad
    return t


_new = object.__new__


def _wrap(a, dt=None):
    """Make a Tensor around an ndarray (or NumPy scalar) without copying."""
    t = _new(Tensor)
    if a.__class__ is not ndarray:
        a = _asarray(a)
    t._a = a
    t.dtype = dt if dt is not None else _NP2T[a.dtype]
    t.requires_grad = False
    t.grad = None
    t.grad_fn = None
    t._meta = None
    t._vbase = None
    return t


def view_base(t):
    """t._vbase, also for a tensor built without _wrap (left unset there)."""
    try:
        return t._vbase
    except AttributeError:
        return None


def _root(a):
    while isinstance(a.base, ndarray):
        a = a.base
    return a


def _contiguous_strides(shape):
    st, acc = [], 1
    for s in reversed(shape):
        st.append(acc)
        acc *= max(s, 1)
    return tuple(reversed(st))


def _degenerate_strides(a):
    return a.flags.c_contiguous


def wrap_dim(dim, ndim):
    """Normalise dim into [0, ndim), torch's IndexError otherwise (0-dim acts as 1-dim)."""
    n = ndim if ndim > 0 else 1
    if type(dim) is not int:
        try:
            dim = dim.__index__()
        except AttributeError:
            raise TypeError(f"dim must be an int, not {type(dim).__name__}") from None
    if dim < -n or dim >= n:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], but got {dim})")
    return dim + n if dim < 0 else dim
