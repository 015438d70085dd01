"""Strided-view helpers shared by the shape and indexing ops: torch's strides for a view,
building a NumPy view with exact strides, and argument parsing with torch's messages."""
from __future__ import annotations

import weakref

import numpy as np

from .._tensor import _root
from ..autograd.function import NOCTX

ndarray = np.ndarray

VIEW_ERROR = ("view size is not compatible with input tensor's size and stride (at least one "
              "dimension spans across two contiguous subspaces). Use .reshape(...) instead.")


def fmt(shape) -> str:
    """A shape the way torch's messages print it: [3, 4]."""
    return "[" + ", ".join(str(s) for s in shape) + "]"


def contiguous_strides(shape):
    """torch's strides (elements) of a contiguous tensor of this shape."""
    st, acc = [], 1
    for s in reversed(shape):
        st.append(acc)
        acc *= s if s > 1 else 1
    return tuple(reversed(st))


def elem_strides(a):
    """The array's strides in elements (torch's unit)."""
    it = a.itemsize
    return tuple(s // it for s in a.strides)


_CANON: dict = {}


def canonical(a) -> bool:
    """C-contiguous including the strides of size-1 dims (NumPy's flag ignores those; torch
    keeps them, so only then does a fresh NumPy reshape give torch's strides).  The canonical
    strides of each (shape, itemsize) are cached: this check sits on the hot path of view."""
    key = (a.shape, a.itemsize)
    st = _CANON.get(key)
    if st is None:
        acc = a.itemsize
        out = []
        for n in reversed(a.shape):
            out.append(acc)
            acc *= n if n > 1 else 1
        st = tuple(reversed(out))
        if len(_CANON) > 4096:
            _CANON.clear()
        _CANON[key] = st
    return a.strides == st


def strided(a, shape, strides, offset=0):
    """A NumPy view of a's memory with torch ``strides`` and ``offset`` (elements, relative to
    a's first element).  The view's base is a's storage, so storage_offset() and the version
    counter keep working."""
    it = a.itemsize
    bst = tuple(s * it for s in strides)
    shape = tuple(shape)
    if 0 in shape:
        return np.empty(shape, a.dtype)     # no memory to share
    if a.flags.c_contiguous:
        return ndarray(shape, a.dtype, a, offset * it, bst)
    root = _root(a)
    try:
        off = a.ctypes.data - root.ctypes.data + offset * it
        return ndarray(shape, a.dtype, root, off, bst)
    except (TypeError, ValueError):
        # storage not exportable as one buffer (e.g. a NumPy view of foreign memory)
        return np.lib.stride_tricks.as_strided(a[(0,) * a.ndim + (...,)] if offset == 0 else
                                               a.reshape(-1)[offset:], shape, bst)


def empty_strided(shape, strides, dtype):
    """An uninitialised array with exactly these strides (elements)."""
    shape = tuple(shape)
    if 0 in shape:
        return np.empty(shape, dtype)
    extent = 1 + sum((n - 1) * s for n, s in zip(shape, strides))
    return strided(np.empty(extent, dtype), shape, strides)


def make_view(a, shape, strides):
    """Reshape a to shape with the given torch strides; NumPy's reshape when it agrees."""
    if canonical(a) and strides == contiguous_strides(shape):
        return a.reshape(shape)
    return strided(a, shape, strides)


def view_strides(shape, strides, new_shape):
    """torch's strides for viewing (shape, strides) as new_shape, or None when one new
    dimension would span two separate contiguous blocks of memory.

    Old dims are grouped, from the last, into blocks that are contiguous with one another;
    the new dims are then laid out block by block, each block keeping its innermost stride.
    """
    numel = 1
    for s in shape:
        numel *= s
    if numel == 0 or not shape:
        return contiguous_strides(new_shape) if numel else (
            tuple(strides) if tuple(shape) == tuple(new_shape) else contiguous_strides(new_shape))
    out = [0] * len(new_shape)
    vd = len(new_shape) - 1
    base = strides[-1]
    block = 1
    vnum = 1
    for d in range(len(shape) - 1, -1, -1):
        block *= shape[d]
        if d == 0 or (shape[d - 1] != 1 and strides[d - 1] != block * base):
            while vd >= 0 and (vnum < block or new_shape[vd] == 1):
                out[vd] = vnum * base
                vnum *= new_shape[vd]
                vd -= 1
            if vnum != block:
                return None
            if d > 0:
                base = strides[d - 1]
                block = 1
                vnum = 1
    if vd != -1:
        return None
    return tuple(out)


def int_list(args, fname, what="size"):
    """Sizes or dims given as varargs or as one sequence, as torch accepts them."""
    if len(args) == 1 and args[0].__class__ is not int:
        a0 = args[0]
        if isinstance(a0, (tuple, list)):
            args = a0
    out = []
    for i, s in enumerate(args):
        if s.__class__ is not int:
            if isinstance(s, (bool, float)) or not hasattr(s, "__index__"):
                raise TypeError(
                    f"{fname}(): argument '{what}' (position 1) must be tuple of ints, but found "
                    f"element of type {type(s).__name__} at pos {i}")
            try:
                s = s.__index__()
            except TypeError:
                raise TypeError(
                    f"{fname}(): argument '{what}' (position 1) must be tuple of ints, but found "
                    f"element of type {type(s).__name__} at pos {i}") from None
        out.append(s)
    return out


def infer_size(shape, numel):
    """Resolve one -1 in shape for a tensor of numel elements, with torch's errors."""
    neg = -1
    prod = 1
    for i, s in enumerate(shape):
        if s == -1:
            if neg >= 0:
                raise RuntimeError("only one dimension can be inferred")
            neg = i
        elif s >= 0:
            prod *= s
        else:
            raise RuntimeError(f"invalid shape dimension {s} at index {i} of shape {fmt(shape)}")
    if neg >= 0:
        if prod == 0:
            if numel == 0:
                raise RuntimeError(
                    f"cannot reshape tensor of 0 elements into shape {fmt(shape)} because the "
                    "unspecified dimension size -1 can be any value and is ambiguous")
            raise RuntimeError(f"shape '{fmt(shape)}' is invalid for input of size {numel}")
        if numel % prod:
            raise RuntimeError(f"shape '{fmt(shape)}' is invalid for input of size {numel}")
        shape = list(shape)
        shape[neg] = numel // prod
    elif prod != numel:
        raise RuntimeError(f"shape '{fmt(shape)}' is invalid for input of size {numel}")
    return tuple(shape)




def is_contiguous_array(a) -> bool:
    """torch's is_contiguous (strides of size-1 dims don't count)."""
    if a.flags.c_contiguous:
        return True
    expected = a.itemsize
    for size, st in zip(reversed(a.shape), reversed(a.strides)):
        if size != 1:
            if st != expected:
                return False
            expected *= size
    return True


def broadcast_pair(sa, sb):
    """The broadcast shape of sa and sb, or torch's error naming them tensor a and tensor b."""
    n = max(len(sa), len(sb))
    out = []
    for i in range(n):
        da = sa[len(sa) - n + i] if len(sa) - n + i >= 0 else 1
        db = sb[len(sb) - n + i] if len(sb) - n + i >= 0 else 1
        if da != db and da != 1 and db != 1:
            raise RuntimeError(f"The size of tensor a ({da}) must match the size of tensor b "
                               f"({db}) at "
                               f"non-singleton dimension {i}")
        out.append(db if da == 1 else da)
    return tuple(out)


# ------------------------------------------------------------------ view tracking
# torch lets an in-place write through a view update its base's history (CopySlices).  A
# view made while recording a graph remembers its base and the chain of view ops (op class,
# params, output index) that rebuilds it from the base, so __setitem__ can do the same.
def track_view(r, src, op, params, index=None):
    """Record that r (a result requiring grad) is a view of src made by op(**params)."""
    if not r.requires_grad:
        return r
    m = src._meta
    vt = m.get("view_of") if m else None
    step = (op, params, index)
    entry = (vt[0], vt[1] + (step,)) if vt else (src, (step,))
    if r._meta is None:
        r._meta = {"view_of": entry}
    else:
        r._meta["view_of"] = entry
    base = entry[0]
    if base._meta is None:
        base._meta = {}
    views = base._meta.setdefault("views", [])
    if len(views) > 64:
        views[:] = [w for w in views if w() is not None]
    views.append(weakref.ref(r))
    return r


def regenerate_views(base):
    """After base changed in place, re-derive the history of every live view of it (torch
    shows these as AsStridedBackward0)."""
    views = base._meta.get("views") if base._meta else None
    if not views:
        return
    alive = []
    for w in views:
        v = w()
        if v is None:
            continue
        alive.append(w)
        nv = replay(base, v._meta["view_of"][1])
        if nv.grad_fn is not None:
            nv.grad_fn.name = "AsStridedBackward0"
        v.grad_fn = nv.grad_fn
        v.requires_grad = nv.requires_grad
        out = nv._meta.get("out") if nv._meta else None
        if out is None:
            v._meta.pop("out", None)
        else:
            v._meta["out"] = out
    views[:] = alive


def step_name(step):
    """The view function's name as torch's messages print it (Select, Split ...)."""
    op, params, _ = step
    n = params.get("name") or (params["p"].name if "p" in params else None) or op.name
    return n.split("Backward")[0]


def view_apply(op, t, **params):
    """op.apply(t, **params) for a view op, remembering the view for in-place writes."""
    return track_view(op.apply(t, **params), t, op, params)


def replay(t, chain):
    """The view of tensor t that chain describes (recorded in the graph when t requires grad)."""
    for op, params, i in chain:
        t = op.apply(t, **params)
        if i is not None:
            t = t[i]
    return t


def replay_array(a, chain):
    """The same view of an ndarray."""
    for op, params, i in chain:
        a = op.forward(NOCTX, a, **params)
        if i is not None:
            a = a[i]
    return a
