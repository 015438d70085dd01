"""dtype objects, the NumPy mapping, the default dtype, and type promotion as data.

Promotion follows torch.result_type: operands fall into three priority groups —
tensors with dim > 0, 0-dim tensors, and Python scalars.  Within a group dtypes are
combined with promote_types; a lower-priority group only matters when its *category*
(bool < int < float < complex) is higher than that of the groups above it.
"""
from __future__ import annotations

import numpy as np

BOOL, INT, FLOAT, COMPLEX = 0, 1, 2, 3


class dtype:
    """A torch dtype: torch.float32, torch.int64, ..."""

    __slots__ = ("name", "np", "itemsize", "category", "is_floating_point", "is_complex",
                 "is_signed", "type_name", "legacy", "_rank")

    def __init__(self, name, np_dtype, category, type_name, legacy, rank):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.itemsize = self.np.itemsize
        self.category = category
        self.is_floating_point = category == FLOAT
        self.is_complex = category == COMPLEX
        self.is_signed = name not in ("bool", "uint8")
        self.type_name = type_name      # torch's ScalarType name used in messages: "Float"
        self.legacy = legacy            # "torch.FloatTensor"
        self._rank = rank

    def __repr__(self):
        return "torch." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))

    def to_real(self):
        return {complex64: float32, complex128: float64}.get(self, self)

    def to_complex(self):
        return {float16: complex64, float32: complex64, float64: complex128}.get(self, self)


bool_ = dtype("bool", np.bool_, BOOL, "Bool", "torch.BoolTensor", 0)
uint8 = dtype("uint8", np.uint8, INT, "Byte", "torch.ByteTensor", 1)
int8 = dtype("int8", np.int8, INT, "Char", "torch.CharTensor", 1)
int16 = dtype("int16", np.int16, INT, "Short", "torch.ShortTensor", 2)
int32 = dtype("int32", np.int32, INT, "Int", "torch.IntTensor", 3)
int64 = dtype("int64", np.int64, INT, "Long", "torch.LongTensor", 4)
float16 = dtype("float16", np.float16, FLOAT, "Half", "torch.HalfTensor", 1)
float32 = dtype("float32", np.float32, FLOAT, "Float", "torch.FloatTensor", 2)
float64 = dtype("float64", np.float64, FLOAT, "Double", "torch.DoubleTensor", 3)
complex64 = dtype("complex64", np.complex64, COMPLEX, "ComplexFloat", "torch.ComplexFloatTensor", 2)
complex128 = dtype("complex128", np.complex128, COMPLEX, "ComplexDouble", "torch.ComplexDoubleTensor", 3)

ALL = (bool_, uint8, int8, int16, int32, int64, float16, float32, float64, complex64, complex128)

# numpy dtype -> torch dtype; keyed by np.dtype (hashable and fast to look up)
NP_TO_TORCH = {d.np: d for d in ALL}
for _d in ALL:
    NP_TO_TORCH[_d.np.type] = _d
LEGACY = {d.legacy: d for d in ALL}


def _by_name(name):
    return {d.name: d for d in ALL}[name]


def from_numpy_dtype(npdt):
    try:
        return NP_TO_TORCH[npdt]
    except KeyError:
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np.dtype(npdt).type.__name__}. The only "
            "supported types are: float64, float32, float16, complex64, complex128, int64, int32, "
            "int16, int8, uint64, uint32, uint16, uint8, and bool."
        ) from None


def _promote_pair(a: dtype, b: dtype) -> dtype:
    if a is b:
        return a
    if a.category != b.category:
        hi, lo = (a, b) if a.category > b.category else (b, a)
        if hi.category == COMPLEX and lo.category == FLOAT:
            # complex keeps at least the float's precision
            return complex128 if (lo is float64 or hi is complex128) else complex64
        return hi
    if a.category == INT:
        if {a, b} == {uint8, int8}:
            return int16
        return a if a._rank > b._rank else b
    return a if a._rank > b._rank else b


PROMOTE = {(a, b): _promote_pair(a, b) for a in ALL for b in ALL}


def promote_types(type1: dtype, type2: dtype) -> dtype:
    """The smallest dtype to which both type1 and type2 can be cast."""
    return PROMOTE[type1, type2]


_default = [float32]


def get_default_dtype() -> dtype:
    return _default[0]


def set_default_dtype(d: dtype) -> None:
    if not isinstance(d, dtype) or d.category != FLOAT:
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


def default_complex() -> dtype:
    return complex128 if _default[0] is float64 else complex64


def scalar_dtype(x) -> dtype:
    """The dtype a Python scalar takes when it becomes a tensor on its own."""
    t = type(x)
    if t is bool or t is np.bool_:
        return bool_
    if t is int:
        return int64
    if t is float:
        return _default[0]
    if t is complex:
        return default_complex()
    if isinstance(x, np.generic):
        return from_numpy_dtype(x.dtype)
    raise TypeError(f"unsupported scalar type {t.__name__}")


def _combine(higher, lower):
    """Merge a higher-priority group's dtype with a lower-priority one (None = absent)."""
    if higher is None:
        return lower
    if lower is None:
        return higher
    if lower.category > higher.category:
        if lower.category == COMPLEX and higher.category == FLOAT:
            return higher.to_complex()   # complex keeps the float group's precision
        return lower
    return higher


def _wrapped_dtype(x):
    """Python scalars join promotion only through their category (None: not a scalar)."""
    return scalar_dtype(x) if type(x) in (bool, int, float, complex) else None


def _groups(operands):
    """The promoted dtype of each priority group: dim > 0 tensors, 0-dim tensors, scalars."""
    dim = zero = wrapped = None
    for x in operands:
        d = getattr(x, "dtype", None)
        if isinstance(d, dtype) and not isinstance(x, np.generic):
            if x.ndim:
                dim = d if dim is None else PROMOTE[dim, d]
            else:
                zero = d if zero is None else PROMOTE[zero, d]
        else:
            if isinstance(x, np.generic):
                w = _wrapped_dtype(x.item())
            else:
                w = _wrapped_dtype(x)
            if w is None:
                raise TypeError(f"unsupported operand type {type(x).__name__}")
            wrapped = w if wrapped is None else PROMOTE[wrapped, w]
    return dim, zero, wrapped


def result_type_of(operands) -> dtype:
    """torch.result_type over tensors and Python scalars.

    Each operand is a Tensor or a Python scalar.  Tensors need `.dtype` and `.ndim`.
    """
    dim, zero, wrapped = _groups(operands)
    return _combine(dim, _combine(zero, wrapped))


def is_complex_half(operands) -> bool:
    """Whether torch's result type is complex32 (torchless, on NumPy, has no such dtype and
    uses complex64): a float16 group meeting a complex lower-priority group."""
    dim, zero, wrapped = _groups(operands)
    inner = _combine(zero, wrapped)
    inner_half = zero is float16 and wrapped is not None and wrapped.category == COMPLEX
    if dim is None or (inner is not None and dim.category < FLOAT
                       and inner.category > dim.category):
        return inner_half
    return dim is float16 and inner is not None and inner.category == COMPLEX


def type_name_of(rd: dtype, operands) -> str:
    """torch's ScalarType name of the result type rd of operands (for messages)."""
    return "ComplexHalf" if rd is complex64 and is_complex_half(operands) else rd.type_name


def can_cast(from_: dtype, to: dtype) -> bool:
    """torch.can_cast: casting is allowed unless it lowers the category."""
    return from_.category <= to.category


class finfo:
    """torch.finfo: machine limits of a floating-point dtype."""

    def __init__(self, type=None):
        d = type if type is not None else get_default_dtype()
        if not isinstance(d, dtype) or d.category not in (FLOAT, COMPLEX):
            raise TypeError("torch.finfo() requires a floating point input type. Use torch.iinfo to "
                            "handle 'torch.finfo'")
        f = np.finfo(d.to_real().np)
        self.dtype = d.to_real().name
        self.bits = int(f.bits)
        self.eps = float(f.eps)
        self.max = float(f.max)
        self.min = float(f.min)
        self.tiny = self.smallest_normal = float(f.smallest_normal)
        self.resolution = 10.0 ** -int(f.precision)

    def __repr__(self):
        return (f"finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, "
                f"eps={self.eps:g}, smallest_normal={self.smallest_normal:g}, tiny={self.tiny:g}, "
                f"dtype={self.dtype})")


class iinfo:
    """torch.iinfo: limits of an integer dtype."""

    def __init__(self, type):
        if not isinstance(type, dtype) or type.category > INT:
            raise TypeError("torch.iinfo() requires an integer input type. Use torch.finfo to "
                            "handle 'torch.iinfo'")
        i = np.iinfo(type.np) if type is not bool_ else None
        self.dtype = type.name
        self.bits = type.itemsize * 8
        self.min = int(i.min) if i is not None else 0
        self.max = int(i.max) if i is not None else 1

    def __repr__(self):
        return f"iinfo(min={self.min:g}, max={self.max:g}, dtype={self.dtype})"


class layout:
    """torch.layout; torchless tensors are always torch.strided."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return "torch." + self.name


strided = layout("strided")
