"""Indexing: Tensor.__getitem__ / __setitem__, select, narrow, index_put_.

An index is read left to right the way torch does: ints select, slices slice, None
unsqueezes (these give a view), then any tensor or list indices are applied together as
NumPy-style advanced indexing on that view (a copy).  Applying the ints first is what makes
``x[0, :, [0, 1]]`` differ from NumPy.  Assignment parses the index the same way and writes
through the view (basic) or with NumPy fancy assignment (advanced).
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, wrap_dim
from ..autograd.engine import sum_to_shape
from ..autograd.function import NONE, Op
from ..autograd.grad_mode import ENABLED
from ._index import (Parsed, advanced_get, advanced_shape, basic_view, check_expand,
                     convert_scalar, parse, prepare_advanced, strip_ones, typename)
from . import _inplace
from ._inplace import OVERLAP_ERROR, bump_version, commit
from .shape import unsqueeze_array
from ._strides import (canonical, check_view_inplace, elem_strides, empty_strided, fmt, replay,
                       replay_array, resolve_base, view_apply, view_entry, wrap_view)

ndarray = np.ndarray
_FULL = slice(None)


# ------------------------------------------------------------------ ops
class BasicIndex(Op):
    """A view by ints, slices and None (SelectBackward0, SliceBackward0, ...)."""
    name = "SliceBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, a, p=None):
        ctx.name = p.name
        ctx.p = p
        ctx.in_shape = a.shape
        return basic_view(a, p)

    @staticmethod
    def backward(ctx, g):
        return (EmbedBasic.apply(g, shape=ctx.in_shape, p=ctx.p),)


class EmbedBasic(Op):
    """Zeros of the indexed tensor's shape with g written at the view (backward of BasicIndex)."""
    name = "SliceBackwardBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, g, shape=(), p=None):
        ctx.p = p
        z = np.zeros(shape, g.dtype)
        z[p.key] = g
        return z

    @staticmethod
    def backward(ctx, gg):
        return (BasicIndex.apply(gg, p=ctx.p),)


class Index(Op):
    """Advanced indexing (a copy)."""
    name = "IndexBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, v, key=(), arrays=(), bshape=()):
        ctx.key = key
        ctx.in_shape = v.shape
        ctx.arrays, ctx.bshape = arrays, bshape
        return advanced_get(v, key, arrays, bshape)

    @staticmethod
    def backward(ctx, g):
        return (EmbedIndex.apply(g, shape=ctx.in_shape, key=ctx.key, arrays=ctx.arrays,
                                 bshape=ctx.bshape),)


class EmbedIndex(Op):
    """Zeros with g added at the advanced index (repeated indices accumulate)."""
    name = "IndexBackwardBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, g, shape=(), key=(), arrays=(), bshape=()):
        ctx.key, ctx.arrays, ctx.bshape = key, arrays, bshape
        z = np.zeros(shape, g.dtype)
        if g.size:
            np.add.at(z, key, g)
        return z

    @staticmethod
    def backward(ctx, gg):
        return (Index.apply(gg, key=ctx.key, arrays=ctx.arrays, bshape=ctx.bshape),)


class SetItem(Op):
    """self with value written at an index (x[i] = v as an out-of-place op for autograd)."""
    name = "CopySlices"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, a, value, p=None, adv=None, vshape=(), accumulate=False, name=None,
                chain=None, layout=None):
        if name is not None:
            ctx.name = name
        ctx.p, ctx.adv, ctx.accumulate, ctx.chain, ctx.layout = p, adv, accumulate, chain, layout
        if chain:
            # the write goes through a view of the base: rebuild it on a copy laid out like the base
            out = empty_strided(a.shape, layout, a.dtype)
            np.copyto(out, a)
            write(replay_array(out, chain), p, adv, value, vshape, accumulate)
        else:
            out = np.array(a, copy=True)
            write(out, p, adv, value, vshape, accumulate)
        return out

    @staticmethod
    def backward(ctx, g):
        p, adv, chain = ctx.p, ctx.adv, ctx.chain
        x, value = ctx.inputs
        gx = g if ctx.accumulate else SetItem.apply(g, np.zeros((), g._a.dtype), p=p, adv=adv,
                                                     vshape=(), chain=chain, layout=ctx.layout)
        gv = None
        if isinstance(value, Tensor) and value.requires_grad:
            gv = replay(g, chain) if chain else g
            gv = BasicIndex.apply(gv, p=p) if p.key else gv
            if adv is not None:
                gv = Index.apply(gv, key=adv[0], arrays=adv[1], bshape=adv[2])
            vshape = value._a.shape
            stripped = strip_ones(vshape)
            if gv._a.shape != stripped:
                gv = sum_to_shape(gv, stripped)
            if stripped != vshape:
                gv = gv.reshape(vshape)
        return gx, gv


def write(a, p, adv, value, vshape, accumulate=False):
    """Write value into a at the parsed index (NumPy; casts like torch's copy_)."""
    v = a[p.key] if p.key else a
    if isinstance(value, ndarray):
        if value.dtype.kind == "c" and a.dtype.kind != "c":
            value = value.real
        if value.shape != vshape:
            value = value.reshape(vshape)
    if adv is None:
        np.copyto(v, value, casting="unsafe")
    elif v.size == 0 or 0 in adv[2]:
        return      # nothing selected (torch does not check the indices then)
    elif accumulate:
        np.add.at(v, adv[0], value)
    else:
        v[adv[0]] = value


# ------------------------------------------------------------------ __getitem__
def getitem(self, idx):
    """self[idx]: a view for ints, slices, None and Ellipsis; a copy with tensor/list indices."""
    a = self._a
    if not self.requires_grad:
        # short paths for the common indices, where NumPy already does exactly what torch does;
        # anything unusual (errors included) falls through to the general reading below
        c = idx.__class__
        if c is int:
            try:
                return wrap_view(a[idx, ...], self.dtype, self)
            except IndexError:
                pass
        elif c is slice:
            if idx.step is None:
                try:
                    r = a[idx]
                except (IndexError, TypeError):
                    r = None
                if r is not None and r.size:
                    return wrap_view(r, self.dtype, self)
        elif c is tuple:
            r = _basic_tuple(a, idx)
            if r is not None:
                return wrap_view(r, self.dtype, self)
        elif c is Tensor:
            r = _tensor_index(a, idx)
            if r is not None:
                return _wrap(r, self.dtype)         # a copy
        elif c is list:
            r = _list_index(a, idx)
            if r is not None:
                return _wrap(r, self.dtype)         # a copy
        elif idx is None:
            return wrap_view(unsqueeze_array(a, 0), self.dtype, self)
    p = parse(a, idx)
    if self.requires_grad and ENABLED[0]:
        v = view_apply(BasicIndex, self, p=p) if (p.key or not p.adv) else self
        if p.adv:
            key, arrays, bshape = prepare_advanced(v._a, p.adv)
            v = Index.apply(v, key=key, arrays=arrays, bshape=bshape)
        return v
    v = basic_view(a, p)
    if p.adv:
        key, arrays, bshape = prepare_advanced(v, p.adv)
        return _wrap(advanced_get(v, key, arrays, bshape), self.dtype)
    return wrap_view(v, self.dtype, self)


def _basic_tuple(a, idx):
    """a[idx] for a tuple of ints, step-less slices and one Ellipsis (None when it needs the
    general path, errors included)."""
    n = 0
    ell = False
    for k in idx:
        kc = k.__class__
        if kc is slice:
            if k.step is not None:
                return None
        elif kc is not int:
            if k is not Ellipsis or ell:
                return None
            ell = True
            continue
        n += 1
    if n > a.ndim:
        return None
    try:
        r = a[idx] if ell else a[idx + (Ellipsis,)]     # (an Ellipsis keeps NumPy from a scalar)
    except (IndexError, TypeError):
        return None
    return r if r.size else None    # (an empty view's offset is placed by the general path)


def _list_index(a, idx):
    """a[[i, j, ...]] for a short list of ints, like a long index tensor."""
    if not idx or len(idx) > 64 or not a.ndim or not canonical(a):
        return None
    for k in idx:
        if k.__class__ is not int:
            return None
    try:
        return np.take(a, idx, axis=0)
    except (IndexError, OverflowError):
        return None


def _tensor_index(a, t):
    """a[t] for one long index tensor or a bool mask over leading dims, on a canonical array."""
    ia = t._a
    d = t.dtype
    if not ia.ndim or not a.ndim or not canonical(a):
        return None
    if d is D.int64 or d is D.int32:
        if not ia.flags.c_contiguous or a.shape[0] == 0:
            return None
        try:
            return np.take(a, ia, axis=0)       # raises before reading when out of bounds
        except IndexError:
            return None
    if d is D.bool_ and ia.shape == a.shape[:ia.ndim]:
        r = a[ia]
        return r if canonical(r) else r.copy()
    return None


# ------------------------------------------------------------------ __setitem__
_PARTIAL = ("unsupported operation: some elements of the input tensor and the written-to tensor "
            "refer to "
            "a single memory location. Please clone() the tensor before performing the operation.")


def setitem(self, idx, value):
    """self[idx] = value (broadcast, cast to self's dtype), written into self's memory."""
    vc = value.__class__
    if (vc is float or vc is int) and not self.requires_grad:
        # short path: a Python number written at ints, step-less slices, one long index tensor
        # or a mask (NumPy checks every index before writing, so a failure writes nothing)
        c = idx.__class__
        a = self._a
        ok = c is int or (c is slice and idx.step is None)
        if not ok and c is tuple and len(idx) <= a.ndim:
            ok = True
            for k in idx:
                kc = k.__class__
                if not (kc is int or (kc is slice and k.step is None)):
                    ok = False
                    break
        if not ok and c is Tensor and idx._a.ndim and a.ndim:
            ia = idx._a
            d = idx.dtype
            if d is D.int64 or d is D.int32 or (d is D.bool_ and ia.shape == a.shape[:ia.ndim]):
                ok = True
                idx = ia
        if ok and 0 not in a.strides and a.flags.writeable:
            d = self.dtype
            v = value if vc is float and d is D.float64 else convert_scalar(value, d)
            try:
                a[idx] = v
                bump_version(self)
                return
            except (IndexError, TypeError):
                pass        # torch's message below
    _setitem(self, idx, value)


def _value(self, value):
    if isinstance(value, Tensor):
        return value._a, value
    if isinstance(value, (bool, int, float, complex, np.number)):
        return convert_scalar(value, self.dtype), None
    raise TypeError(f"can't assign a {typename(value)} to a {self.dtype.legacy}")


def _setitem(self, idx, value):
    varr, vt = _value(self, value)
    if idx is False:
        return      # torch: a bare False selects nothing and checks nothing more
    if idx is True:
        idx = None  # and a bare True copies into self.unsqueeze(0)
    a = self._a
    p = parse(a, idx, setting=True)
    tracking = ENABLED[0] and (self.requires_grad or (vt is not None and vt.requires_grad))
    vb = resolve_base(self) if tracking else None
    if vb is not None:
        check_view_inplace(self, vb, p.name if p.view else None)
    elif tracking and self.requires_grad and self.grad_fn is None:
        raise RuntimeError(("a view of a leaf Variable" if p.view else "a leaf Variable")
                           + " that requires grad is being used in an in-place operation.")
    if not p.view and not p.adv:
        p.key = ()
    v = a[p.key] if p.key else a
    vshape = getattr(varr, "shape", ())
    adv = None
    if p.adv:
        adv = prepare_advanced(v, p.adv)
        rshape, _ = advanced_shape(v.shape, adv[1], adv[2])
        stripped = strip_ones(vshape)
        try:
            ok = len(stripped) <= len(rshape) and np.broadcast_shapes(stripped, rshape) == rshape
        except ValueError:
            ok = False
        if not ok:
            raise RuntimeError(f"shape mismatch: value tensor of shape {fmt(stripped)} cannot be "
                               f"broadcast to indexing result of shape {fmt(rshape)}")
        if vt is not None and vt.dtype is not self.dtype:
            raise RuntimeError(
                "Index put requires the source and destination dtypes match, got "
                f"{self.dtype.type_name} for the destination and {vt.dtype.type_name} for the "
                f"source.")
        vshape = stripped
    else:
        if v.size > 1 and any(s == 0 and n > 1 for s, n in zip(v.strides, v.shape)):
            raise RuntimeError(OVERLAP_ERROR)
        if vt is not None:
            vshape = strip_ones(vshape)
            check_expand(vshape, v.shape, vt.dtype)
            if np.may_share_memory(v, varr) and not _same_memory(v, varr):
                if _dense(v) and _dense(varr):
                    raise RuntimeError(_PARTIAL)
                varr = varr.copy()
    if tracking:
        view_of = view_entry(self, vb) if vb is not None else None
        if view_of is not None:
            _set_through_view(view_of, vt if vt is not None else varr, p, adv, vshape)
            return
        if not p.view and not p.adv:
            # torch fills with a number or a 0-d tensor, copies anything else (and into a 0-d self)
            fill = a.ndim and (vt is None or not vt._a.ndim)
            name = "FillBackward3" if fill else "CopyBackwards"
        else:
            name = "IndexPutBackward0" if not p.view else "CopySlices"
        r = SetItem.apply(self, vt if vt is not None else varr, p=p, adv=adv, vshape=vshape,
                          name=name)
        commit(self, r)
        return
    if not a.flags.writeable:
        raise RuntimeError("cannot write into this tensor: its NumPy memory is read-only")
    write(a, p, adv, varr, vshape)
    bump_version(self)


def _set_through_view(view_of, value, p, adv, vshape):
    """A write through a view, recorded in the graph: it becomes a CopySlices on the view's
    base, and the base's views (this one too) are re-derived from the new base (torch's rule
    for in-place ops on views; commit does the re-deriving)."""
    base, chain = view_of
    r = SetItem.apply(base, value, p=p, adv=adv, vshape=vshape, name="CopySlices", chain=chain,
                      layout=elem_strides(base._a))
    commit(base, r)


def _write_through_view(self, view_of, r):
    """commit's route for a view: r (a result with history) becomes the view's new value."""
    whole = _simple((), "AliasBackward0")
    whole.view = False
    _set_through_view(view_of, r, whole, None, r._a.shape)


def _same_memory(x, y):
    return (x.__array_interface__["data"][0] == y.__array_interface__["data"][0]
            and x.strides == y.strides and x.shape == y.shape)


def _dense(x):
    return x.flags.c_contiguous or x.flags.f_contiguous


# ------------------------------------------------------------------ select / narrow / index_put_
def select(input, dim, index):
    """The slice of input at index along dim (a view without that dim)."""
    a = input._a
    if a.ndim == 0:
        raise IndexError("select() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, a.ndim)
    index = _int_arg(index, "select", "index", 2)
    n = a.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size {fmt(a.shape)} "
                         f"at "
                         f"dimension {d}")
    key = (_FULL,) * d + (index, Ellipsis)
    if input.requires_grad and ENABLED[0]:
        return view_apply(BasicIndex, input, p=_simple(key, "SelectBackward0"))
    return wrap_view(a[key], input.dtype, input)


def narrow(input, dim, start, length):
    """input[..., start:start+length, ...] along dim (a view)."""
    a = input._a
    if a.ndim == 0:
        raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
    d = wrap_dim(dim, a.ndim)
    start = _int_arg(start, "narrow", "start", 2)
    length = _int_arg(length, "narrow", "length", 3)
    n = a.shape[d]
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but got "
                         f"{start})")
    if start < 0:
        start += n
    if length < 0:
        raise RuntimeError("narrow(): length must be non-negative.")
    if start + length > n:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return slice_dim(input, d, start, start + length)


def _int_arg(x, fname, name, pos):
    """An int argument (or anything with __index__, like a 0-d integer tensor)."""
    if x.__class__ is int:
        return x
    if isinstance(x, (bool, float)) or not hasattr(x, "__index__"):
        raise TypeError(f"{fname}(): argument '{name}' (position {pos}) must be int, not "
                        f"{type(x).__name__}")
    return x.__index__()


def slice_dim(input, d, start, stop):
    """input sliced start:stop along dim d (already checked)."""
    key = (_FULL,) * d + (slice(start, stop),)
    p = _simple(key, "SliceBackward0")
    if input.requires_grad and ENABLED[0]:
        return view_apply(BasicIndex, input, p=p)
    a = input._a
    return wrap_view(basic_view(a, p) if stop <= start else a[key], input.dtype, input)


def _simple(key, name):
    p = Parsed()
    p.key, p.news, p.adv, p.name, p.view = key, [], [], name, True
    return p


def index_put_(self, indices, values, accumulate=False):
    """self[indices] = values (accumulate=True adds, repeated indices adding up)."""
    _check_index_tuple(indices)
    if not isinstance(values, Tensor):
        raise TypeError(f"index_put_(): argument 'values' (position 2) must be Tensor, not "
                        f"{type(values).__name__}")
    if not accumulate:
        _setitem(self, tuple(indices), values)
        return self
    a = self._a
    p = parse(a, tuple(indices), setting=True)
    _inplace.check_inplace_allowed(self)
    if values.dtype is not self.dtype:
        raise RuntimeError(
            "Index put requires the source and destination dtypes match, got "
            f"{self.dtype.type_name} for the destination and {values.dtype.type_name} for the "
            f"source.")
    p.key = ()
    adv = prepare_advanced(a, p.adv)
    rshape, _ = advanced_shape(a.shape, adv[1], adv[2])
    vshape = strip_ones(values._a.shape)
    try:
        ok = np.broadcast_shapes(vshape, rshape) == rshape
    except ValueError:
        ok = False
    if not ok:
        raise RuntimeError(f"shape mismatch: value tensor of shape {fmt(vshape)} cannot be "
                           f"broadcast to indexing result of shape {fmt(rshape)}")
    if ENABLED[0] and (self.requires_grad or values.requires_grad):
        r = SetItem.apply(self, values, p=p, adv=adv, vshape=vshape, accumulate=True,
                          name="IndexPutBackward0")
        return commit(self, r)
    write(a, p, adv, values._a, vshape, accumulate=True)
    bump_version(self)
    return self


def _check_index_tuple(indices):
    if not isinstance(indices, (tuple, list)):
        raise TypeError(f"index_put_(): argument 'indices' (position 1) must be tuple of Tensors, "
                        f"not "
                        f"{type(indices).__name__}")
    for i, x in enumerate(indices):
        if not isinstance(x, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(x).__name__}")


def index_put(input, indices, values, accumulate=False):
    """Out-of-place index_put_."""
    out = _Copy.apply(input)
    return index_put_(out, indices, values, accumulate)


class _Copy(Op):
    name = "CloneBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, a):
        return np.array(a, copy=True)

    @staticmethod
    def backward(ctx, g):
        return (g,)


_inplace.write_through_view = _write_through_view
Tensor.__getitem__ = getitem
Tensor.__setitem__ = setitem
Tensor.select = select
Tensor.narrow = narrow
Tensor.index_put_ = index_put_
Tensor.index_put = index_put

__all__ = ["select", "narrow", "index_put"]
