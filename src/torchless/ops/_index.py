"""How an index is read: torch's order (ints, slices and None first, as a view; then tensor
and list indices together as advanced indexing), its error messages, the memory layout of an
advanced-indexing result, and Python scalars converted for assignment with torch's range checks."""
from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from ._layout import iter_layout_strides
from ._strides import canonical, contiguous_strides, elem_strides, fmt, strided, view_strides

ndarray = np.ndarray
INT, SLICE, NEW, ELL, BOOL, MASK, ARR = range(7)
_FULL = slice(None)

# C++ names torch uses in "value cannot be converted" messages
_CNAME = {"uint8": "uint8_t", "int8": "int8_t", "int16": "int16_t", "int32": "int",
          "int64": "int64_t", "float16": "double", "float32": "float", "float64": "double",
          "bool": "bool"}
_INT_RANGE = {"uint8": (-255, 255), "int8": (-128, 127), "int16": (-2 ** 15, 2 ** 15 - 1),
              "int32": (-2 ** 31, 2 ** 31 - 1), "int64": (-2 ** 63, 2 ** 63 - 1)}
_FLOAT32_MAX = float(np.finfo(np.float32).max)


def overflow(d):
    """torch's error for a Python number that does not fit dtype d."""
    return RuntimeError(f"value cannot be converted to type {_CNAME.get(d.name, d.name)} without "
                        f"overflow")


def convert_scalar(v, d):
    """A Python scalar as dtype d, with torch's range checks (torch refuses what would overflow)."""
    if isinstance(v, np.generic):
        v = v.item()
    if v.__class__ is int and not -2 ** 63 <= v < 2 ** 63:
        raise ValueError("Overflow when unpacking long long")
    cat = d.category
    if cat == D.COMPLEX or d is D.bool_:
        return d.np.type(v)
    if v.__class__ is complex:
        if v.imag != 0:
            raise overflow(d)
        v = v.real
    if cat == D.FLOAT:
        # float32 refuses finite values beyond its range (inf and nan convert; float16 rounds
        # to inf)
        if d is D.float32 and (v > _FLOAT32_MAX or v < -_FLOAT32_MAX) and v - v == 0:
            raise overflow(d)
        return d.np.type(v)
    lo, hi = _INT_RANGE[d.name]
    if v.__class__ is float:
        if v != v or not (lo if d is not D.uint8 else 0) <= v <= hi:
            raise overflow(d)
        v = int(v)
    elif not lo <= v <= hi:
        raise overflow(d)
    return np.array(v).astype(d.np)[()]


def typename(v):
    """The type's name as torch's messages print it (numpy.ndarray, list ...)."""
    c = type(v)
    return c.__name__ if c.__module__ == "builtins" else f"{c.__module__}.{c.__qualname__}"


# ------------------------------------------------------------------ parsing an index
def _seq_as_tuple(seq):
    """torch (like old NumPy) reads a short list holding slices, None, Ellipsis, tensors or
    sequences as a tuple of indices rather than as one index array."""
    if len(seq) >= 32:
        return False
    for x in seq:
        if x is None or x is Ellipsis or isinstance(x, (slice, Tensor, list, tuple, ndarray)):
            return True
    return False


def _seq_array(x):
    """A list/tuple/ndarray index as an int64 or bool array (torch turns it into a tensor)."""
    if isinstance(x, ndarray):
        arr = x
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"can't convert np.ndarray of type {arr.dtype.type.__module__}."
                            f"{arr.dtype.type.__name__}. The only supported types are: float64, "
                            "float32, float16, complex64, complex128, int64, int32, int16, int8, "
                            "uint8, and bool.")
    elif all(e.__class__ is int for e in x):
        try:
            return np.array(x, np.int64)
        except OverflowError:
            raise ValueError("Overflow when unpacking long long") from None
    else:
        try:
            arr = np.array(_plain(x))
        except (ValueError, TypeError):
            raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                             f"Variables are valid indices (got {typename(x)})") from None
    if arr.dtype == np.bool_:
        return arr
    if arr.size == 0 or arr.dtype.kind in "iuf":
        return arr.astype(np.int64)
    raise IndexError("tensors used as indices must be long, int, byte or bool tensors")


def _plain(x):
    if isinstance(x, Tensor):
        return x._a.tolist()
    if isinstance(x, (list, tuple)):
        return [_plain(e) for e in x]
    return x


def _classify(x):
    """(kind, payload, dims consumed) for one index item."""
    c = x.__class__
    if c is int:
        if not -2 ** 63 <= x < 2 ** 63:
            raise ValueError("Overflow when unpacking long long")
        return INT, x, 1
    if c is slice:
        return SLICE, x, 1
    if x is None:
        return NEW, None, 0
    if x is Ellipsis:
        return ELL, None, 0
    if c is bool:
        return BOOL, x, 0
    if isinstance(x, Tensor):
        d = x.dtype
        a = x._a
        if d is D.bool_ or d is D.uint8:
            if d is D.uint8:
                warnings.warn("indexing with dtype torch.uint8 is now deprecated, please use a "
                              "dtype "
                              "torch.bool instead.", UserWarning, stacklevel=4)
            if a.ndim == 0:
                return BOOL, bool(a), 0
            return MASK, a.astype(np.bool_, copy=False), a.ndim
        if d.category != D.INT:
            raise IndexError("tensors used as indices must be long, int, byte or bool tensors")
        if a.ndim == 0:
            return INT, int(a), 1
        return ARR, a, 1
    if isinstance(x, (list, tuple, ndarray)):
        arr = _seq_array(x)
        if arr.dtype == np.bool_:
            if arr.ndim == 0:
                return BOOL, bool(arr), 0
            return MASK, arr, arr.ndim
        if arr.ndim == 0:
            return INT, int(arr), 1
        return ARR, arr, 1
    if isinstance(x, np.integer):
        return INT, int(x), 1
    if c is str:
        raise TypeError("new(): invalid data type 'str'")
    if not isinstance(x, (float, complex, np.generic)) and hasattr(x, "__index__"):
        return INT, x.__index__(), 1
    raise IndexError("only integers, slices (`:`), ellipsis (`...`), None and long or byte "
                     "Variables "
                     f"are valid indices (got {typename(x)})")


def _whole(s, n):
    """Does slice s take all of a dim of size n, as torch tests it (on the values as given)?"""
    start, stop, step = s.start, s.stop, s.step
    try:
        return ((start is None or start.__index__() == 0) and (step is None or step.__index__() == 1)
                and (stop is None or stop.__index__() >= n))
    except (AttributeError, TypeError):
        return False        # not an index: NumPy's slicing raises torch's TypeError later


def _check_slice(s):
    st = s.step
    if st is not None:
        st = st.__index__() if st.__class__ is not int else st
        if st == 0:
            raise ValueError("slice step cannot be zero")
        if st < 0:
            raise ValueError("step must be greater than zero")
    return s


class Parsed:
    """An index read the torch way: a NumPy basic key for the view, torch's strides for the
    new (None) dims, and the advanced indices with the view dim each applies to."""

    __slots__ = ("key", "news", "adv", "name", "view", "offset_fix")


def parse(a, idx, setting=False):
    """Read index idx of an array a the torch way (see the module docstring) into a Parsed."""
    # torch skips a slice that takes a whole dim when it sits in a tuple (x[:, 0] records only
    # the select; x[:, :] is an alias) but not a bare x[:], except when assigning
    bare_slice = idx.__class__ is slice and not setting
    if a.ndim == 0:
        # a bare int or slice on a 0-d tensor has its own message (inside a tuple: too many)
        if idx.__class__ is int or isinstance(idx, np.integer):
            if idx != 0:
                raise IndexError(f"index {idx} is out of bounds for dimension 0 with size 0")
            raise IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                             "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")
        if idx.__class__ is slice:
            raise IndexError("slice() cannot be applied to a 0-dim tensor.")
    if idx.__class__ is not tuple:
        if idx.__class__ is list and _seq_as_tuple(idx):
            warnings.warn(
                "Using a non-tuple sequence for multidimensional indexing is deprecated and will "
                "be "
                "changed in pytorch 2.9; use x[tuple(seq)] instead of x[seq]. In pytorch 2.9 this "
                "will "
                "be interpreted as tensor index, x[torch.tensor(seq)], which will result either "
                "in an "
                "error or a different result", UserWarning, stacklevel=4)
            idx = tuple(idx)
        else:
            idx = (idx,)
    items = []
    used = 0
    for x in idx:
        it = _classify(x)
        items.append(it)
        used += it[2]
    ndim = a.ndim
    shape = a.shape
    if used > ndim:
        raise IndexError(f"too many indices for tensor of dimension {ndim}")
    st = None
    key, news, adv = [], [], []
    src = out = real = 0
    name = None
    view = False
    ell = False
    for kind, x, _ in items:
        if kind is INT:
            n = shape[src]
            if not -n <= x < n:
                raise IndexError(f"index {x} is out of bounds for dimension {real} with size {n}")
            key.append(x)
            src += 1
            real += 1
            name = "SelectBackward0"
            view = True
        elif kind is SLICE:
            s = _check_slice(x)
            key.append(s)
            if bare_slice or not _whole(s, shape[src]):
                view = True
                name = "SliceBackward0"
            src += 1
            out += 1
            real += 1
        elif kind is NEW or kind is BOOL:
            key.append(None)
            if st is None:
                st = elem_strides(a)
            news.append((out, shape[src] * st[src] if src < ndim else 1))
            if kind is BOOL:
                adv.append((out, ARR, np.zeros(1 if x else 0, np.int64), real))
            out += 1
            real += 1
            name = "UnsqueezeBackward0"
            view = True
        elif kind is ELL:
            # torch's messages count an Ellipsis (and a mask) as one dim, whatever it spans;
            # only the first Ellipsis spans dims
            if not ell:
                k = ndim - used
                key.extend([_FULL] * k)
                src += k
                out += k
                ell = True
            real += 1
        else:
            k = x.ndim if kind is MASK else 1
            key.extend([_FULL] * k)
            adv.append((out, kind, x, real))
            src += k
            out += k
            real += 1
    p = Parsed()
    # a trailing Ellipsis keeps NumPy returning a view (never a scalar) when every dim is an int
    p.key = tuple(key) + (Ellipsis,) if key else ()
    p.news = news
    p.adv = adv
    p.name = name or "AliasBackward0"
    p.view = view
    return p


def basic_view(a, p):
    """a[key] as a NumPy view with torch's strides (new dims, empty slices' offset)."""
    v = a[p.key] if p.key else a[...]
    if p.news or (v.size == 0 and a.size):
        vs = list(elem_strides(v))
        for pos, s in p.news:
            vs[pos] = s
        if v.size == 0:
            v = _empty_at(a, p.key, v.shape, vs)
        else:
            v = strided(v, v.shape, vs)
    return v


def _empty_at(a, key, shape, strides):
    """An empty view placed where torch places it (NumPy resets an empty slice's offset)."""
    st = elem_strides(a)
    off = 0
    d = 0
    for k in key:
        if k is None or k is Ellipsis:
            continue
        if k.__class__ is int:
            off += (k % a.shape[d]) * st[d]
        else:
            off += k.indices(a.shape[d])[0] * st[d]
        d += 1
    it = a.itemsize
    try:
        if a.flags.c_contiguous:
            return ndarray(shape, a.dtype, a, off * it, tuple(s * it for s in strides))
    except (TypeError, ValueError):
        pass
    return np.empty(shape, a.dtype)


def prepare_advanced(v, adv):
    """Check the advanced indices against the view v; return the NumPy key, the index arrays
    as (view dim, array), and their broadcast shape."""
    arrays = []
    vshape = v.shape
    for dim, kind, x, real in adv:
        if kind is MASK:
            k = x.ndim
            if x.shape != vshape[dim:dim + k]:
                j = next((j for j in range(k)
                          if dim + j >= len(vshape) or x.shape[j] != vshape[dim + j]), 0)
                raise IndexError(
                    f"The shape of the mask {fmt(x.shape)} at index {j} does not match the shape "
                    f"of "
                    f"the indexed tensor {fmt(vshape)} at index {dim + j}")
            for j, nz in enumerate(np.nonzero(x)):
                arrays.append((dim + j, np.ascontiguousarray(nz)))
        else:
            arrays.append((dim, x))
    try:
        bshape = arrays[0][1].shape if len(arrays) == 1 else \
            np.broadcast_shapes(*[arr.shape for _, arr in arrays])
    except ValueError:
        raise IndexError("shape mismatch: indexing tensors could not be broadcast together with "
                         "shapes "
                         + ", ".join(fmt(arr.shape) for _, arr in arrays)) from None
    adv_dims = {d for d, _ in arrays}
    empty = 0 in bshape or any(n == 0 for i, n in enumerate(vshape) if i not in adv_dims)
    for ordinal, (dim, arr) in enumerate(arrays):
        n = vshape[dim]
        if n == 0 and 0 not in bshape:
            raise IndexError("index is out of bounds for dimension with size 0")
        if empty:
            continue    # nothing is read: torch checks only the indices it uses
        if arr.size and _out_of_bounds(arr, n):
            bad = arr[(arr >= n) | (arr < -n)].flat[0]
            raise IndexError(f"index {bad} is out of bounds for dimension {ordinal} with size {n}")
    key = [_FULL] * (max(d for d, _ in arrays) + 1)
    for dim, arr in arrays:
        key[dim] = arr
    return tuple(key), arrays, bshape


def _out_of_bounds(arr, n):
    """Any index outside [-n, n)?  (Python's min/max beat NumPy's call overhead when small.)"""
    if arr.size <= 32:
        vals = arr.ravel().tolist()
        return max(vals) >= n or min(vals) < -n
    return bool(arr.max() >= n or arr.min() < -n)


def advanced_shape(vshape, arrays, bshape):
    """The shape of v[key]: broadcast index dims in place when adjacent, else in front."""
    dims = sorted(d for d, _ in arrays)
    rest_before = [s for i, s in enumerate(vshape) if i < dims[0]]
    rest_after = [s for i, s in enumerate(vshape) if i > dims[-1]]
    adjacent = dims == list(range(dims[0], dims[0] + len(dims)))
    if adjacent:
        return tuple(rest_before) + tuple(bshape) + tuple(rest_after), dims[0]
    rest = [s for i, s in enumerate(vshape) if i not in dims]
    return tuple(bshape) + tuple(rest), 0


def advanced_get(v, key, arrays, bshape):
    """v[key] laid out in memory the way torch's index kernel lays out its result."""
    if v.size == 0 or 0 in bshape:
        return np.empty(advanced_shape(v.shape, arrays, bshape)[0], v.dtype)
    if len(arrays) == 1 and len(key) == 1 and v.ndim:
        r = np.take(v, arrays[0][1], axis=0)     # one index on the first dim: NumPy's fast path
    else:
        r = v[key]
    if r.ndim < 2 or r.size < 2:
        return r if canonical(r) else r.copy()
    if canonical(v) and all(arr.flags.c_contiguous for _, arr in arrays):
        # torch lays the result out contiguously then (checked against torch over random cases)
        return r if canonical(r) else r.copy()
    rshape, at = advanced_shape(v.shape, arrays, bshape)
    nb = len(bshape)
    adv_dims = {d for d, _ in arrays}
    vst = elem_strides(v)
    src = []
    rest = [i for i in range(v.ndim) if i not in adv_dims]
    pos = 0
    for i in range(len(rshape)):
        if at <= i < at + nb:
            src.append(0)
        else:
            src.append(vst[rest[pos]] if pos < len(rest) else 0)
            pos += 1
    ops = [src]
    after = len(rshape) - at - nb
    ishape = (1,) * at + tuple(bshape) + (1,) * after
    for _, arr in arrays:
        # torch broadcasts each index, then views it with size-1 dims around it; those dims keep
        # the view's strides where the result has size 1 too, and are broadcast (0) elsewhere
        b = np.broadcast_to(arr, bshape)
        bs = [s // arr.itemsize for s in b.strides]
        full = view_strides(tuple(bshape), bs, ishape) or contiguous_strides(ishape)
        ops.append([0 if ishape[i] == 1 and rshape[i] != 1 else full[i]
                    for i in range(len(rshape))])
    want = iter_layout_strides(rshape, ops)
    if want == contiguous_strides(rshape):
        return r if canonical(r) else r.copy()
    out = strided(np.empty(r.size, r.dtype), rshape, want)
    np.copyto(out, r)
    return out


def strip_ones(shape):
    """shape without its leading 1s (torch drops them from an assigned value)."""
    i = 0
    while i < len(shape) and shape[i] == 1:
        i += 1
    return shape[i:]


def check_expand(shape, target, dt):
    """torch's expand errors for broadcasting a value of shape into target."""
    n, k = len(target), len(shape)
    if k > n:
        raise RuntimeError(
            f"expand({dt.legacy}{{{fmt(shape)}}}, size={fmt(target)}): the number of sizes "
            f"provided "
            f"({n}) must be greater or equal to the number of dimensions in the tensor ({k})")
    for i in range(k):
        s, t = shape[k - 1 - i], target[n - 1 - i]
        if s != t and s != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({t}) must match the existing size ({s}) at "
                f"non-singleton dimension {n - 1 - i}.  Target sizes: {fmt(target)}.  Tensor "
                f"sizes: "
                f"{fmt(shape)}")
