"""Strided-view helpers shared by the shape and indexing ops: torch's strides for a view,
building a NumPy view with exact strides, and argument parsing with torch's messages."""
from __future__ import annotations

import gc
import sys
import weakref

import numpy as np

from .._tensor import Tensor, _new, _root, view_base
from ..autograd.function import NOCTX, NONE, Op
from ..autograd.grad_mode import ENABLED, INFERENCE

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
# torch lets an in-place write through a view update its base's history (CopySlices), and
# re-derives the history of the base's other views from the new base (AsStridedBackward0).
#
# Every view remembers where it came from in ``_vbase``, from which resolve_base finds torch's
# ``_base`` (the first tensor of the chain that is not a view) and how the view was made:
#   - a view of a tensor that does not require grad: that tensor (one store on the hot path;
#     the chain is followed, and shortened, only when needed);
#   - a view made in no_grad or inference mode of a tensor requiring grad, or by a function
#     returning several views: ``(base, kind)`` (torch's CreationMeta: an in-place op with
#     grad on such a view raises);
#   - a view recorded in the graph: its base, or ``(base, kind)`` when it inherits a kind.
# A view recorded in the graph also keeps, in ``_meta["view_of"]``, its base and the chain of
# view ops (op class, params, output index) that rebuilds it from the base, and the base keeps
# weak references to such views.  A view made without a graph gets the same, with a one-step
# chain (AsStrided, from the view's geometry in the base's memory), only when an in-place op
# with grad meets it or its base: see view_entry and adopt_views.
NO_GRAD = "no_grad"
INFERENCE_MODE = "inference"
MULTI = "multi"


def wrap_view(a, dt, src):
    """A Tensor around ndarray a, a view of tensor src made without a graph (_wrap's twin)."""
    t = _new(Tensor)
    t._a = a
    t.dtype = dt
    t.requires_grad = False
    t.grad = None
    t.grad_fn = None
    t._meta = None
    t._vbase = src
    if src.requires_grad:
        # grad mode is off (in grad mode the view is in the graph): as in torch, the view
        # requires grad, has no grad_fn, and the gradients reaching it go nowhere
        try:
            b = src._vbase
        except AttributeError:
            b = None
        t._vbase = (src if b is None else resolve_base(src)[0],
                    INFERENCE_MODE if INFERENCE[0] else NO_GRAD)
        t.requires_grad = True
        t._meta = {"acc": GRAD_SINK}
    return t


def resolve_base(t):
    """(base, kind) of view t (kind None for a plain view), or None when t is not a view."""
    b = view_base(t)
    if b is None:
        return None
    kind = None
    while True:
        if b.__class__ is tuple:
            if kind is None:
                kind = b[1]
            b = b[0]
        up = view_base(b)
        if up is None:
            break
        b = up
    t._vbase = b if kind is None else (b, kind)        # a shorter way next time
    return b, kind


class GradSink(Op):
    """Where the gradient of a view made in no_grad mode of a tensor requiring grad goes:
    nowhere (such a view requires grad in torch, has no grad_fn and never gets a .grad).
    One node serves every such view (so a hook registered on one sees them all)."""
    name = "GradSink"
    input_meta = ()

    @staticmethod
    def backward(ctx, g):
        return ()

    def _free(self):
        pass            # holds nothing; a later backward may reach it again


GRAD_SINK = GradSink()


def multi_views(arrays, dt, src):
    """Tensors around arrays: the views of src made without a graph by a function returning
    several views (split, unbind, iteration).  They share one record of their kind."""
    rb = resolve_base(src)
    base = src if rb is None else rb[0]
    if ENABLED[0]:
        vb = (base, MULTI)
    else:
        vb = (base, INFERENCE_MODE if INFERENCE[0] else NO_GRAD)
    rg = src.requires_grad          # (then grad mode is off: see wrap_view)
    out = []
    for a in arrays:
        t = _new(Tensor)
        t._a = a
        t.dtype = dt
        t.requires_grad = rg
        t.grad = None
        t.grad_fn = None
        t._meta = {"acc": GRAD_SINK} if rg else None
        t._vbase = vb
        out.append(t)
    return out


def track_view(r, src, op, params, index=None):
    """Record that r (a result requiring grad) is a view of src made by op(**params)."""
    if not r.requires_grad:
        r._vbase = src
        return r
    m = src._meta
    vt = m.get("view_of") if m else None
    step = (op, params, index)
    rb = resolve_base(src)
    if vt:
        entry = (vt[0], vt[1] + (step,))
    elif rb is not None:
        # src is a view made without a graph (in no_grad mode): start from its geometry
        first = as_strided_step(src, rb[0])
        entry = (rb[0], (first, step)) if first else (src, (step,))
    else:
        entry = (src, (step,))
    base = entry[0]
    kind = MULTI if index is not None else rb[1] if rb is not None else None
    r._vbase = base if kind is None else (base, kind)
    if r._meta is None:
        r._meta = {"view_of": entry}
    else:
        r._meta["view_of"] = entry
    _register(base, r)
    return r


def _register(base, v):
    if base._meta is None:
        base._meta = {}
    views = base._meta.setdefault("views", [])
    if len(views) > 64:
        views[:] = [w for w in views if w() is not None]
    views.append(weakref.ref(v))


def view_entry(t, rb=None):
    """(base, chain) rebuilding view t from its base, or None when t is not a view.  A view
    made without a graph gets its one-step chain now, and joins its base's views."""
    m = t._meta
    if m is not None:
        vt = m.get("view_of")
        if vt is not None:
            return vt
    if rb is None:
        rb = resolve_base(t)
        if rb is None:
            return None
    base = rb[0]
    step = as_strided_step(t, base)
    if step is None:
        return None
    entry = (base, (step,))
    if m is None:
        t._meta = {"view_of": entry}
    else:
        m["view_of"] = entry
    _register(base, t)
    return entry


_GIVEN = ("Given that this use case is ambiguous and error-prone, it is forbidden. You can "
          "clarify your code by moving both the view and the inplace either both inside the "
          "{block} block (if you don't want the inplace to be tracked) or both outside (if you "
          "want the inplace to be tracked).")
_MULTI_TAIL = ("This view is the output of a function that returns multiple views. Such "
               "functions do not allow the output views to be modified inplace. You should "
               "replace the inplace operation by an out-of-place one.")


def check_view_inplace(t, rb, sub=None):
    """torch's errors for an in-place op recorded in the graph on view t (rb: its base and
    kind, from resolve_base).  sub names the view of t that __setitem__ writes into
    (SelectBackward0 ...), if any."""
    base, kind = rb
    if kind is not None:
        if sub is not None and t.requires_grad:
            fn, k = sub, 0                  # the view t[idx], recorded in the graph
        elif sub is None and t.grad_fn is not None:
            fn, k = t.grad_fn.name_(), (t._meta or {}).get("out", 0)
        else:
            fn = None
        if fn is not None:
            fn = fn.split("Backward")[0]
            if kind is MULTI:
                head = f"Output {k} of {fn} is a view and is being modified inplace."
            elif kind is NO_GRAD:
                head = (f"Output {k} of {fn} is a view of a view which was created in no_grad "
                        "mode and is being modified inplace with grad mode enabled.")
            else:
                head = (f"Output {k} of {fn} is a view of a view which was created in inference "
                        "mode and is being modified inplace in normal mode.")
        elif kind is INFERENCE_MODE:
            head = ("A view was created in inference mode and is being modified inplace in "
                    "normal mode.")
        else:
            head = ("A view was created in no_grad mode and is being modified inplace with grad "
                    "mode enabled.")
        tail = _MULTI_TAIL if kind is MULTI else _GIVEN.format(
            block="inference_mode" if kind is INFERENCE_MODE else "no_grad")
        raise RuntimeError(head + " " + tail)
    if base.requires_grad and base.grad_fn is None:
        raise RuntimeError(
            "a view of a leaf Variable that requires grad is being used in an in-place operation.")


# ------------------------------------------------------------------ views made without a graph
_SRC = __file__.rsplit("ops", 1)[0]      # torchless's own frames (see _maybe_viewed)


def adopt_views(base):
    """base (not a view) is about to get a history: its live views made without a graph must
    follow it (torch re-derives them from the base).  Only their own _vbase points to them,
    so look for them -- only when something may still hold base's memory (a view's array
    does).  Views of a kind (no_grad ...) are left alone: torch refuses to re-derive those."""
    if not _maybe_viewed(base):
        return
    level = [base]
    found = []
    while level:
        ids = {id(x) for x in level}
        level = [o for o in gc.get_referrers(*level)
                 if isinstance(o, Tensor) and id(view_base(o)) in ids]
        found += level
    for v in found:
        rb = resolve_base(v)
        if rb is not None and rb[1] is None:
            view_entry(v, rb)


def _maybe_viewed(base):
    """False when every reference to base's NumPy storage is accounted for: base's own array,
    the arrays of its recorded views, and locals of the torchless functions now running."""
    root = _root(base._a)
    n = sys.getrefcount(root) - 3           # the argument, the name root, base's array
    seen = set()
    views = base._meta.get("views") if base._meta else None
    for w in views or ():
        v = w()
        if v is not None and v._a.base is root and id(v._a) not in seen:
            seen.add(id(v._a))
            n -= 1
    if n <= 0:
        return False
    f = sys._getframe(1)
    while f is not None and f.f_code.co_filename.startswith(_SRC):
        for x in f.f_locals.values():
            if x is root:
                n -= 1
            elif x.__class__ is ndarray and x.base is root and id(x) not in seen:
                seen.add(id(x))
                n -= 1
        f = f.f_back
    return n > 0


def as_strided_step(view, base):
    """The chain step rebuilding view from base by its geometry in base's memory (None when
    the view does not lie in base's memory any more, e.g. after base.resize_)."""
    va, ba = view._a, base._a
    if va.dtype != ba.dtype:
        return None
    it = va.itemsize
    bst = elem_strides(ba)
    if va.size:
        off, rem = divmod(va.__array_interface__["data"][0] - ba.__array_interface__["data"][0],
                          it)
        st = elem_strides(va)
        end = off + sum((n - 1) * s for n, s in zip(va.shape, st))
        bend = sum((n - 1) * s for n, s in zip(ba.shape, bst))
        if rem or off < 0 or end > bend or min(st, default=0) < 0 or ba.size == 0:
            return None
    else:
        off, st = 0, contiguous_strides(va.shape)
    return (AsStrided, {"size": va.shape, "stride": st, "offset": off, "base_shape": ba.shape,
                        "base_strides": bst}, None)


def _laid_out(a, shape, strides):
    """a (of the base's shape), laid out in memory like the base."""
    if elem_strides(a) == strides:
        return a
    out = empty_strided(shape, strides, a.dtype)
    np.copyto(out, a)
    return out


class AsStrided(Op):
    """The view at a geometry (size, stride, offset) of the base's memory: how a view made
    without a graph is rebuilt from its base (torch names it so after an in-place op)."""
    name = "AsStridedBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a, size=(), stride=(), offset=0, base_shape=(), base_strides=()):
        ctx.geom = (size, stride, offset, base_shape, base_strides)
        return strided(_laid_out(a, base_shape, base_strides), size, stride, offset)

    @staticmethod
    def backward(ctx, g):
        size, stride, offset, base_shape, base_strides = ctx.geom
        return (AsStridedScatter.apply(g, size=size, stride=stride, offset=offset,
                                       base_shape=base_shape, base_strides=base_strides),)


class AsStridedScatter(Op):
    """Zeros laid out like the base with g added at the view's geometry (AsStrided's
    backward; elements the view repeats, as after expand, add up)."""
    name = "AsStridedBackwardBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, g, size=(), stride=(), offset=0, base_shape=(), base_strides=()):
        ctx.geom = dict(size=size, stride=stride, offset=offset, base_shape=base_shape,
                        base_strides=base_strides)
        bext = 1 + sum((n - 1) * s for n, s in zip(base_shape, base_strides))
        flat = np.zeros(max(bext, 1), g.dtype)
        if g.size:
            if any(s == 0 and n > 1 for n, s in zip(size, stride)):
                idx = np.full((), offset, np.int64)
                for n, s in zip(size, stride):
                    idx = idx[..., None] + np.arange(n) * s
                np.add.at(flat, idx.reshape(-1), np.broadcast_to(g, size).reshape(-1))
            else:
                strided(flat, size, stride, offset)[...] = g
        if 0 in base_shape:
            return np.zeros(base_shape, g.dtype)
        return strided(flat, base_shape, base_strides)

    @staticmethod
    def backward(ctx, gg):
        return (AsStrided.apply(gg, **ctx.geom),)


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
