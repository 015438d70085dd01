"""Views and shape ops: view/reshape, flatten/unflatten, squeeze/unsqueeze, expand, resize_
(transposes are in transpose.py).

A view is a NumPy view of the same memory, built with torch's strides (in elements), so
``stride()``, ``storage_offset()`` and write-through match torch.  Each view op is one Op
class whose backward maps the gradient back to the input's shape.  The hot ops have a
short no-grad path that skips ``Op.apply``.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _new, _root, _wrap, wrap_dim
from ..autograd.function import NONE, Op
from ..autograd.grad_mode import ENABLED
from ._inplace import bump_version, check_inplace_allowed
from ._strides import (_CANON, VIEW_ERROR, canonical, contiguous_strides, elem_strides, fmt,
                       infer_size, int_list, is_contiguous_array, make_view, strided,
                       view_apply, view_strides, wrap_view)

ndarray = np.ndarray


# ------------------------------------------------------------------ ops
class View(Op):
    name = "ViewBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, a, shape=(), name=None):
        if name is not None:
            ctx.name = name
        ctx.in_shape = a.shape
        st = view_strides(a.shape, elem_strides(a), shape)
        if st is None:
            # only when a recorded view is replayed on a gradient with another layout
            return np.ascontiguousarray(a).reshape(shape)
        return make_view(a, shape, st)

    @staticmethod
    def backward(ctx, g):
        return (g.reshape(ctx.in_shape),)


class UnsafeView(Op):
    """reshape that has to copy: torch clones, then views the copy."""
    name = "UnsafeViewBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, a, shape=()):
        ctx.in_shape = a.shape
        return np.ascontiguousarray(a).reshape(shape)

    @staticmethod
    def backward(ctx, g):
        return (g.reshape(ctx.in_shape),)


class Squeeze(Op):
    name = "SqueezeBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, a, axes=(), name=None):
        if name is not None:
            ctx.name = name
        ctx.in_shape = a.shape
        return a.squeeze(axes) if axes else a.view()

    @staticmethod
    def backward(ctx, g):
        return (g.reshape(ctx.in_shape),)


class Unsqueeze(Op):
    name = "UnsqueezeBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, a, dim=0):
        ctx.dim = dim
        return unsqueeze_array(a, dim)

    @staticmethod
    def backward(ctx, g):
        return (g.squeeze(ctx.dim),)


class Expand(Op):
    name = "ExpandBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, a, shape=()):
        return strided(a, shape, expand_strides(a, shape))

    @staticmethod
    def backward(ctx, g):
        # the engine sums a broadcast gradient back to the input's shape
        return (g,)


def _only_minus_one(shape):
    if shape.__class__ is int:
        return shape >= -1
    for k in shape:
        if k < -1:
            return False
    return True


def _tracked(t):
    return t.requires_grad and ENABLED[0]


# ------------------------------------------------------------------ view / reshape
def view(self, *shape):
    """A view of self with the given shape (sharing memory); -1 infers one size."""
    a = self._a
    if not self.requires_grad:
        # Short path: when a's strides are the canonical C ones (size-1 dims included), NumPy's
        # reshape gives torch's strides.  NumPy also takes any negative size as the one to
        # infer (torch: only -1), hence the shape check.  (The canonical strides of a shape are
        # cached: this is the hot path of view.)
        st = _CANON.get((a.shape, a.itemsize))
        try:
            ok = (st == a.strides) if st is not None else canonical(a)
            r = a.reshape(*shape) if ok else None
        except (TypeError, ValueError):
            r = None       # a dtype, or a bad size: torch's handling below
        if r is not None:
            if r.shape == shape or _only_minus_one(shape[0] if len(shape) == 1 else shape):
                t = _new(Tensor)
                t._a = r
                t.dtype = self.dtype
                t.requires_grad = False
                t.grad = None
                t.grad_fn = None
                t._meta = None
                t._vbase = self             # the view's origin (see _strides.py)
                return t
    if len(shape) == 1:
        s0 = shape[0]
        if s0.__class__ is not int:
            if isinstance(s0, D.dtype):
                return _view_dtype(self, s0)
            shape = s0
    elif not shape:
        raise TypeError("view() received an invalid combination of arguments - got (), but "
                        "expected "
                        "one of:\n * (torch.dtype dtype)\n * (tuple of ints size)\n")
    return _view(self, shape, None)


def _view(self, shape, name):
    a = self._a
    if not isinstance(shape, (tuple, list)):
        shape = (shape,)
    shape = infer_size(int_list(shape, "view"), a.size)
    st = view_strides(a.shape, elem_strides(a), shape)
    if st is None:
        raise RuntimeError(VIEW_ERROR)
    if _tracked(self):
        return view_apply(View, self, shape=shape, name=name)
    return wrap_view(make_view(a, shape, st), self.dtype, self)


def _view_dtype(self, dt):
    """view(dtype): reinterpret the bytes (torch's rules for a different element size)."""
    a = self._a
    if dt is self.dtype:
        return _view(self, a.shape, None)
    old, new = self.dtype.itemsize, dt.itemsize
    if old != new:
        pair = f"{self.dtype.type_name} as {dt.type_name} (different element sizes)"
        if a.ndim == 0:
            raise RuntimeError(f"self.dim() cannot be 0 to view {pair}")
        st = elem_strides(a)
        if st[-1] != 1 and a.shape[-1] != 1:
            raise RuntimeError(f"self.stride(-1) must be 1 to view {pair}, but got {st[-1]}")
        if new > old:
            if a.shape[-1] % (new // old):
                raise RuntimeError(
                    f"self.size(-1) must be divisible by {new // old} to view {pair}, but got "
                    f"{a.shape[-1]}")
            off = self.storage_offset()
            if off % (new // old):
                raise RuntimeError(f"self.storage_offset() must be divisible by {new // old} to "
                                   f"view "
                                   f"{pair}, but got {off}")
            for s in st[:-1]:
                if s % (new // old):
                    raise RuntimeError(f"self.stride(0) must be divisible by {new // old} to view "
                                       f"{pair}, but got {s}")
        if a.shape[-1] == 1 and a.strides[-1] != a.itemsize:
            a = strided(a, a.shape, st[:-1] + (1,))
    return wrap_view(a.view(dt.np), dt, self)


def view_as(self, other):
    """self.view(other.size())."""
    return view(self, other._a.shape)


def reshape(self, *shape):
    """self with the given shape: a view when the strides allow it, a copy otherwise."""
    a = self._a
    if not self.requires_grad:
        st = _CANON.get((a.shape, a.itemsize))      # as in view
        try:
            ok = (st == a.strides) if st is not None else canonical(a)
            r = a.reshape(*shape) if ok else None
        except (TypeError, ValueError):
            r = None
        if r is not None:
            if r.shape == shape or _only_minus_one(shape[0] if len(shape) == 1 else shape):
                t = _new(Tensor)
                t._a = r
                t.dtype = self.dtype
                t.requires_grad = False
                t.grad = None
                t.grad_fn = None
                t._meta = None
                t._vbase = self             # the view's origin (see _strides.py)
                return t
    if len(shape) == 1 and shape[0].__class__ is not int:
        shape = shape[0]
    elif not shape:
        raise TypeError("reshape() missing 1 required positional arguments: \"shape\"")
    return _reshape(self, shape)


def _reshape(self, shape):
    a = self._a
    if not isinstance(shape, (tuple, list)):
        shape = (shape,)
    shape = infer_size(int_list(shape, "reshape", "shape"), a.size)
    contig = is_contiguous_array(a)
    st = view_strides(a.shape, elem_strides(a), shape)
    if st is not None:
        if _tracked(self):
            return view_apply(View, self, shape=shape,
                              name=None if contig else "ReshapeAliasBackward0")
        return wrap_view(make_view(a, shape, st), self.dtype, self)
    if _tracked(self):
        return UnsafeView.apply(self, shape=shape)
    return _wrap(np.ascontiguousarray(a).reshape(shape), self.dtype)


def reshape_as(self, other):
    """self.reshape(other.size())."""
    return reshape(self, other._a.shape)


def flatten(input, start_dim=0, end_dim=-1):
    """Merge dims start_dim..end_dim into one (a view when possible)."""
    a = input._a
    nd = a.ndim
    if start_dim == 0 and end_dim == -1 and nd > 1:
        return reshape(input, -1)
    if nd == 0:
        return reshape(input, (1,))
    s = wrap_dim(start_dim, nd)
    e = wrap_dim(end_dim, nd)
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    n = 1
    for k in a.shape[s:e + 1]:
        n *= k
    return reshape(input, a.shape[:s] + (n,) + a.shape[e + 1:])


def unflatten(input, dim, sizes):
    """Split dim into the given sizes (one may be -1); always a view."""
    a = input._a
    if a.ndim == 0:
        raise RuntimeError("unflatten got an unexpected error:\nDimension specified as 0 but "
                           "tensor "
                           "has no dimensions")
    d = wrap_dim(dim, a.ndim)
    sizes = int_list((sizes,) if isinstance(sizes, int) else tuple(sizes), "unflatten", "sizes")
    if not sizes:
        raise RuntimeError("unflatten: sizes must be non-empty")
    n = a.shape[d]
    try:
        new = infer_size(sizes, n)
    except RuntimeError as e:
        if sizes.count(-1) > 1 or min(sizes) < -1:
            raise RuntimeError(f"unflatten got an unexpected error:\n{e}") from None
        raise RuntimeError(f"unflatten: Provided sizes {fmt(sizes)} don't multiply up to the size "
                           f"of "
                           f"dim {dim} ({n}) in the input tensor") from None
    return _view(input, a.shape[:d] + tuple(new) + a.shape[d + 1:], None)


# ------------------------------------------------------------------ squeeze / unsqueeze
def squeeze(input, dim=None):
    """Remove dims of size 1 (all, one, or a tuple of them)."""
    a = input._a
    if dim is None and not input.requires_grad:
        return wrap_view(a.squeeze() if 1 in a.shape else a.view(), input.dtype, input)
    shape = a.shape
    if dim is None:
        axes = tuple(i for i, s in enumerate(shape) if s == 1)
        name = "SqueezeBackward0"
    elif isinstance(dim, (tuple, list)):
        seen = []
        for k in dim:
            w = wrap_dim(k, a.ndim)
            if w in seen:
                raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
            seen.append(w)
        axes = tuple(w for w in seen if a.ndim and shape[w] == 1)
        name = "SqueezeBackward2"
    else:
        w = wrap_dim(dim, a.ndim)
        axes = (w,) if a.ndim and shape[w] == 1 else ()
        name = "SqueezeBackward1"
    if input.requires_grad and ENABLED[0]:
        return view_apply(Squeeze, input, axes=axes, name=name)
    return wrap_view(a.squeeze(axes) if axes else a.view(), input.dtype, input)


def unsqueeze_array(a, d):
    """a with a new size-1 dim at d, its stride as torch sets it."""
    shape = a.shape
    new_shape = shape[:d] + (1,) + shape[d:]
    if canonical(a):
        return a.reshape(new_shape)
    st = elem_strides(a)
    s = shape[d] * st[d] if d < len(shape) else 1
    return strided(a, new_shape, st[:d] + (s,) + st[d:])


def unsqueeze(input, dim):
    """A view with a new dim of size 1 at position dim."""
    a = input._a
    if not input.requires_grad and dim.__class__ is int:
        n = a.ndim
        if -n - 1 <= dim <= n:
            return wrap_view(unsqueeze_array(a, dim + n + 1 if dim < 0 else dim), input.dtype,
                             input)
    d = wrap_dim(dim, a.ndim + 1)
    if input.requires_grad and ENABLED[0]:
        return view_apply(Unsqueeze, input, dim=d)
    return wrap_view(unsqueeze_array(a, d), input.dtype, input)


# ------------------------------------------------------------------ expand
def expand(self, *sizes):
    """A view with size-1 dims repeated (stride 0) and new leading dims; -1 keeps a size."""
    a = self._a
    if not self.requires_grad and a.flags.c_contiguous and a.size:
        one = len(sizes) == 1 and sizes[0].__class__ is not int
        r = _expand_short(a, sizes[0] if one else sizes)
        if r is not None:
            return wrap_view(r, self.dtype, self)
    sizes = int_list(sizes, "expand")
    shape = a.shape
    n, k = len(sizes), a.ndim
    if n < k:
        raise RuntimeError(
            f"expand({self.dtype.legacy}{{{fmt(shape)}}}, size={fmt(sizes)}): the number of sizes "
            f"provided ({n}) must be greater or equal to the number of dimensions in the tensor "
            f"({k})")
    st = elem_strides(a)
    lead = n - k
    out_shape, out_st = [], []
    for i, s in enumerate(sizes):
        if i < lead:
            if s < 0:
                raise RuntimeError(f"The expanded size of the tensor ({s}) isn't allowed in a "
                                   f"leading, "
                                   f"non-existing dimension {i}")
            out_shape.append(s)
            out_st.append(0)
            continue
        cur = shape[i - lead]
        if s == -1:
            s = cur
        if s == cur:
            out_st.append(st[i - lead])
        elif cur == 1 and s >= 0:
            out_st.append(0)
        else:
            raise RuntimeError(
                f"The expanded size of the tensor ({s}) must match the existing size ({cur}) at "
                f"non-singleton dimension {i}.  Target sizes: {fmt(sizes)}.  Tensor sizes: "
                f"{fmt(shape)}")
        out_shape.append(s)
    out_shape = tuple(out_shape)
    if self.requires_grad and ENABLED[0]:
        return view_apply(Expand, self, shape=out_shape)
    if out_shape == shape:
        return wrap_view(a.view(), self.dtype, self)
    return wrap_view(strided(a, out_shape, out_st), self.dtype, self)


def _expand_short(a, sizes):
    """expand of a C-contiguous array when every size is a valid positive int (None: let
    expand() decide, errors included)."""
    shape = a.shape
    k = len(shape)
    lead = len(sizes) - k
    if lead < 0:
        return None
    st = a.strides
    out = list(sizes)
    out_st = [0] * len(sizes)
    for j in range(len(sizes)):
        s = out[j]
        if s.__class__ is not int:
            return None
        if j >= lead:
            cur = shape[j - lead]
            if s == cur or s == -1:
                out[j] = cur
                out_st[j] = st[j - lead]
                continue
            if cur != 1:
                return None
        if s <= 0:
            return None
    return ndarray(tuple(out), a.dtype, a, 0, tuple(out_st))


def expand_strides(a, shape):
    """Strides of a expanded to shape: 0 for new and broadcast dims, a's own elsewhere."""
    st = elem_strides(a)
    lead = len(shape) - a.ndim
    return tuple(0 if i < lead or a.shape[i - lead] != s else st[i - lead]
                 for i, s in enumerate(shape))


def expand_as(self, other):
    """self.expand(other.size())."""
    return expand(self, other._a.shape)


def broadcast_to(input, size):
    """input expanded to size."""
    return expand(input, tuple(size))


# ------------------------------------------------------------------ resize_
def resize_(self, *sizes, memory_format=None):
    """Give self the new shape in place: same storage when it fits, a bigger one otherwise."""
    if self.requires_grad:
        raise RuntimeError("cannot resize variables that require grad")
    shape = tuple(int_list(sizes, "resize_"))
    for s in shape:
        if s < 0:
            raise RuntimeError("numel: integer multiplication overflow" if len(shape) == 1 else
                               f"Trying to create tensor with negative dimension {s}: {fmt(shape)}")
    a = self._a
    if shape == a.shape:
        return self
    n = 1
    for s in shape:
        n *= s
    it = a.itemsize
    root = _root(a)
    offset = self.storage_offset()
    st = contiguous_strides(shape)
    have = root.nbytes // it
    if offset + n <= have and root.flags.c_contiguous:
        self._a = ndarray(shape, a.dtype, root, offset * it, tuple(s * it for s in st))
    else:
        # torch grows the storage; NumPy can't grow memory in place, so copy the old storage
        # into a new one (views taken before the resize keep the old memory).
        flat = np.zeros(offset + n, a.dtype)
        old = np.frombuffer(root.tobytes(), dtype=a.dtype) if root.nbytes % it == 0 else flat[:0]
        k = min(old.size, flat.size)
        flat[:k] = old[:k]
        self._a = flat[offset:].reshape(shape) if n else flat[offset:offset].reshape(shape)
    bump_version(self)
    return self


def resize_as_(self, the_template, memory_format=None):
    """self.resize_(the_template.size())."""
    return resize_(self, the_template._a.shape)


# ------------------------------------------------------------------ Tensor methods
Tensor.view = view
Tensor.view_as = view_as
Tensor.reshape = reshape
Tensor.reshape_as = reshape_as
Tensor.flatten = flatten
Tensor.unflatten = unflatten
Tensor.squeeze = squeeze
Tensor.unsqueeze = unsqueeze


def squeeze_(self, dim=None):
    """squeeze(dim), in place."""
    from .transpose import become_view
    check_inplace_allowed(self)
    return become_view(self, squeeze(self, dim))


def unsqueeze_(self, dim):
    """unsqueeze(dim), in place."""
    from .transpose import become_view
    check_inplace_allowed(self)
    return become_view(self, unsqueeze(self, dim))


Tensor.squeeze_ = squeeze_
Tensor.unsqueeze_ = unsqueeze_
Tensor.expand = expand
Tensor.expand_as = expand_as
Tensor.broadcast_to = broadcast_to
Tensor.resize_ = resize_
Tensor.resize_as_ = resize_as_


__all__ = ["reshape", "flatten", "unflatten", "squeeze", "unsqueeze", "broadcast_to"]
