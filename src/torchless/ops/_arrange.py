"""Ops that arrange or combine tensors: meshgrid, broadcast_tensors, cartesian_prod,
combinations, block_diag, kron, tensordot, inner, rot90, ravel, unravel_index, diff and
repeat_interleave.

Most are compositions of existing ops (so their graphs and gradients are torch's: meshgrid is
view + expand, tensordot is permute + mm + view, diff is a difference of narrow slices);
block_diag and rot90 are primitives with their own backward, as in torch.
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, wrap_dim
from ..autograd.function import NOCTX, NONE, Op, tracked as _tracked
from ._layout import iter_layout_strides, preserved_strides as _preserved_strides
from ._strides import (VIEW_ERROR, broadcast_pair, contiguous_strides, elem_strides,
                       empty_strided, fmt, view_strides, wrap_view)
from .conversion import contiguous_format, copy_array
from .gather import index_select, masked_select
from .join import cat, stack
from .reduction import write_out

_WARNED: set = set()


def _tensor_args(tensors, unwrap=True):
    if unwrap and len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
        tensors = tensors[0]
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 0, but got "
                            f"{type(t).__name__}")
    return list(tensors)


def _int_arg(v, fname, name, pos):
    if v.__class__ is int:
        return v
    if isinstance(v, (bool, float, complex)) or not hasattr(v, "__index__"):
        raise TypeError(f"{fname}(): argument '{name}' (position {pos}) must be int, not "
                        f"{type(v).__name__}")
    return v.__index__()


# ------------------------------------------------------------------ meshgrid & co
def meshgrid(*tensors, indexing=None):
    """Coordinate grids of 0-D/1-D tensors: views expanded to the full grid shape; 'ij' (matrix)
    or 'xy' (Cartesian: the first two dims swapped) indexing."""
    tensors = _tensor_args(tensors)
    if not tensors:
        raise RuntimeError("meshgrid expects a non-empty TensorList")
    if indexing is None:
        if "meshgrid" not in _WARNED:       # torch warns once per process
            _WARNED.add("meshgrid")
            warnings.warn("torch.meshgrid: in an upcoming release, it will be required to pass "
                          "the indexing argument.", UserWarning, stacklevel=2)
        indexing = "ij"
    dt = tensors[0].dtype
    for t in tensors:
        if t.dtype is not dt:
            raise RuntimeError("meshgrid expects all tensors to have the same dtype")
    for t in tensors:
        if t._a.ndim > 1:
            raise RuntimeError(
                "torch.meshgrid: Expected 0D or 1D tensor in the tensor list but got: "
                f"{t._a.ndim}D tensor of shape {fmt(t._a.shape)}")
    if indexing not in ("ij", "xy"):
        raise RuntimeError(f'torch.meshgrid: indexing must be one of "xy" or "ij", but received: '
                           f'{indexing}')
    swap = indexing == "xy" and len(tensors) >= 2
    if swap:
        tensors[0], tensors[1] = tensors[1], tensors[0]
    shape = tuple(t._a.size for t in tensors)
    n = len(shape)
    out = []
    for i, t in enumerate(tensors):
        vs = [1] * n
        vs[i] = shape[i]
        out.append(t.view(vs).expand(shape))
    if swap:
        out[0], out[1] = out[1], out[0]
    return tuple(out)


def broadcast_tensors(*tensors):
    """The tensors expanded to their common broadcast shape (one already of that shape is
    returned as it is)."""
    tensors = _tensor_args(tensors, unwrap=False)
    shape = ()
    for t in tensors:
        shape = broadcast_pair(shape, t._a.shape)
    return tuple(t if t._a.shape == shape else t.expand(shape) for t in tensors)


def _vector_check(t):
    if t._a.ndim != 1:
        raise RuntimeError(f"Expect a 1D vector, but got shape {fmt(t._a.shape)}")


def cartesian_prod(*tensors):
    """All tuples of one element of each 1-D tensor, as rows of a (N, len(tensors)) tensor."""
    tensors = _tensor_args(tensors, unwrap=False)
    for t in tensors:
        _vector_check(t)
    if len(tensors) == 1:
        return tensors[0]
    grids = meshgrid(*tensors, indexing="ij")
    return stack([g.reshape(-1) for g in grids], 1)


def combinations(input, r=2, with_replacement=False):
    """The length-r combinations of a 1-D tensor's elements (with or without replacement), as
    rows, in lexicographic order of positions."""
    _vector_check(input)
    r = _int_arg(r, "combinations", "r", 1)
    if r < 0:
        raise RuntimeError(f"Expect a non-negative number, but got {r}")
    if r == 0:
        return _wrap(np.empty((0,), input.dtype.np), input.dtype)
    n = input._a.shape[0]
    # positions i_1 < i_2 < ... (or <=) over an r-dim grid, as torch builds them
    pos = np.indices((n,) * r).reshape(r, -1)
    keep = np.ones(pos.shape[1], bool)
    for k in range(r - 1):
        keep &= (pos[k] <= pos[k + 1]) if with_replacement else (pos[k] < pos[k + 1])
    mask = _wrap(keep.reshape((n,) * r))
    grids = meshgrid(*([input] * r), indexing="ij")
    return stack([masked_select(g, mask) for g in grids], 1)


# ------------------------------------------------------------------ block_diag
class BlockDiag(Op):
    name = "BlockDiagBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, *arrays, npd=None):
        blocks = [a.reshape(1, -1) if a.ndim < 2 else a for a in arrays]
        rows = sum(b.shape[0] for b in blocks)
        cols = sum(b.shape[1] for b in blocks)
        out = np.zeros((rows, cols), npd)
        r = c = 0
        spans = []
        for a, b in zip(arrays, blocks):
            h, w = b.shape
            out[r:r + h, c:c + w] = b
            spans.append((r, c, h, w, a.shape))
            r, c = r + h, c + w
        ctx.spans = spans
        return out

    @staticmethod
    def backward(ctx, g):
        return tuple(g[r:r + h, c:c + w].reshape(shape) for r, c, h, w, shape in ctx.spans)


def block_diag(*tensors):
    """The tensors (at most 2-D each; a 0-D or 1-D one is one row) along the diagonal of a
    block-diagonal matrix, zeros elsewhere; dtypes promote."""
    tensors = _tensor_args(tensors, unwrap=False)
    for i, t in enumerate(tensors):
        if t._a.ndim > 2:
            raise RuntimeError(f"torch.block_diag: Input tensors must have 2 or fewer dimensions. "
                               f"Input {i} has {t._a.ndim} dimensions")
    if not tensors:
        return _wrap(np.zeros((1, 0), D.get_default_dtype().np))
    rd = D.result_type_of(tensors)
    if _tracked(*tensors):
        return BlockDiag.apply(*tensors, npd=rd.np)
    return _wrap(BlockDiag.forward(NOCTX, *[t._a for t in tensors], npd=rd.np), rd)


# ------------------------------------------------------------------ kron
class KronView(Op):
    """The product of kron's interleaved operands viewed as the result (torch's _unsafe_view):
    laid out as torch's elementwise product is, which the view must be able to keep."""
    name = "UnsafeViewBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, p, shape=(), strides=()):
        ctx.in_shape = p.shape
        out = empty_strided(shape, strides, p.dtype)
        np.copyto(out, p.reshape(shape))
        return out

    @staticmethod
    def backward(ctx, g):
        return (g.reshape(ctx.in_shape),)


def _interleaved(t, shape, lead):
    """t reshaped so its dims sit at the even (lead=0) or odd (lead=1) places of the
    interleaved product, and that view's torch strides."""
    s = [1] * (2 * len(shape))
    for i, n in enumerate(shape):
        s[2 * i + lead] = n
    a = t._a
    st = view_strides(a.shape, elem_strides(a), s) if a.size else None
    return t.reshape(s), s, st or contiguous_strides(s)     # (reshape copies when st is None)


def kron(input, other, *, out=None):
    """The Kronecker product: every element of input times the whole of other, in blocks."""
    nd = max(input._a.ndim, other._a.ndim)
    sa = (1,) * (nd - input._a.ndim) + input._a.shape
    sb = (1,) * (nd - other._a.ndim) + other._a.shape
    ar, a_sh, a_st = _interleaved(input, sa, 0)
    br, b_sh, b_st = _interleaved(other, sb, 1)
    p = ar * br
    pshape = p._a.shape
    ops = [tuple(0 if n == 1 and m != 1 else s for n, s, m in zip(sh, st, pshape))
           for sh, st in ((a_sh, a_st), (b_sh, b_st))]
    layout = iter_layout_strides(pshape, ops)
    final = tuple(x * y for x, y in zip(sa, sb))
    st = view_strides(pshape, layout, final)
    if st is None:
        raise RuntimeError(VIEW_ERROR)
    if _tracked(p):
        r = KronView.apply(p, shape=final, strides=st)
    else:
        r = _wrap(KronView.forward(NOCTX, p._a, shape=final, strides=st), p.dtype)
    return r if out is None else write_out(out, r, "kron")


# ------------------------------------------------------------------ tensordot / inner
def _td_dims(a, b, dims):
    if isinstance(dims, Tensor):
        dims = dims.tolist()
    if isinstance(dims, int) and not isinstance(dims, bool):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > a._a.ndim or dims > b._a.ndim:
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        return list(range(-dims, 0)), list(range(dims))
    if isinstance(dims, (list, tuple)):
        if len(dims) != 2:
            raise ValueError(f"too many values to unpack (expected 2)" if len(dims) > 2 else
                             f"not enough values to unpack (expected 2, got {len(dims)})")
        da, db = dims
        if isinstance(da, int):
            da = [da]
        if isinstance(db, int):
            db = [db]
        return list(da), list(db)
    raise RuntimeError("tensordot expects dims to be int or tuple[list[int], list[int]] or "
                       f"list[list[int]] containing two lists, but got dims={dims}")


def tensordot(a, b, dims=2, out=None):
    """Sum of products over the dims ``dims`` pairs up (the last ``dims`` of a with the first of
    b when an int); the result has a's free dims then b's."""
    da, db = _td_dims(a, b, dims)
    if len(da) != len(db):
        raise RuntimeError("both dimension lists should have same length")
    if a.dtype is not b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    sa, sb = a._a.shape, b._a.shape
    wa, wb = [], []
    for x, y in zip(da, db):
        i, j = wrap_dim(x, len(sa)), wrap_dim(y, len(sb))
        n, m = (sa[i] if sa else 1), (sb[j] if sb else 1)
        if n != m:
            raise RuntimeError(f"contracted dimensions need to match, but first has size {n} in "
                               f"dim {x} and second has size {m} in dim {y}")
        for w, seen in ((i, wa), (j, wb)):
            if w in seen:
                raise RuntimeError(f"dim {w} appears multiple times in the list of dims")
            seen.append(w)
    if a.dtype is D.bool_:
        raise NotImplementedError("\"dot\" not implemented for 'Bool'")
    fa = [k for k in range(len(sa)) if k not in wa]
    fb = [k for k in range(len(sb)) if k not in wb]
    k = int(np.prod([sa[i] for i in wa]))
    pa = int(np.prod([sa[i] for i in fa]))
    pb = int(np.prod([sb[j] for j in fb]))
    am = a.permute(fa + wa).reshape(pa, k) if sa else a.reshape(1, 1)
    bm = b.permute(wb + fb).reshape(k, pb) if sb else b.reshape(1, 1)
    r = am.mm(bm).view([sa[i] for i in fa] + [sb[j] for j in fb])
    return r if out is None else write_out(out, r, "tensordot")


def inner(input, other, *, out=None):
    """Sum of products over the last dims (a 0-D operand multiplies instead)."""
    if input._a.ndim == 0 or other._a.ndim == 0:
        r = input * other
        return r if out is None else write_out(out, r, "inner")
    sa, sb = input._a.shape, other._a.shape
    if sa[-1] != sb[-1]:
        raise RuntimeError(f"inner() the last dimension must match on both input tensors but got "
                           f"shapes {fmt(sa)} and {fmt(sb)}")
    r = tensordot(input, other, ([-1], [-1]))
    return r if out is None else write_out(out, r, "inner")


# ------------------------------------------------------------------ rot90 / ravel
class Rot90(Op):
    name = "Rot90Backward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a, k=1, d0=0, d1=1):
        ctx.k, ctx.dims = k, (d0, d1)
        if k == 0:
            return np.array(a, order="C")
        # a quarter turn flips one of the dims and swaps the two; a half turn flips both.  The
        # flip is a copy laid out like a (torch's flip), the swap a view of it.
        key = [slice(None)] * a.ndim
        for d in ((d0, d1) if k == 2 else (d1,) if k == 1 else (d0,)):
            key[d] = slice(None, None, -1)
        f = empty_strided(a.shape, _preserved_strides(a), a.dtype)
        np.copyto(f, a[tuple(key)])
        return f if k == 2 else f.swapaxes(d0, d1)

    @staticmethod
    def backward(ctx, g):
        d0, d1 = ctx.dims
        return (Rot90.apply(g, k=(4 - ctx.k) % 4, d0=d0, d1=d1),)


def rot90(input, k=1, dims=(0, 1)):
    """Rotate by k quarter turns in the plane of dims, from the first towards the second."""
    k = _int_arg(k, "rot90", "k", 1)
    dims = list(dims)
    if len(dims) != 2:
        raise RuntimeError(f"expected total rotation dims == 2, but got dims = {len(dims)}")
    n = input._a.ndim
    if n < 2:
        raise RuntimeError(f"expected total dims >= 2, but got total dims = {n}")
    d0, d1 = wrap_dim(dims[0], n), wrap_dim(dims[1], n)
    if d0 == d1:
        raise RuntimeError(f"expected rotation dims to be different, but got dim0 = {dims[0]} and "
                           f"dim1 = {dims[1]}")
    params = {"k": k % 4, "d0": d0, "d1": d1}
    if _tracked(input):
        return Rot90.apply(input, **params)
    return _wrap(Rot90.forward(NOCTX, input._a, **params), input.dtype)


def ravel(input):
    """input as a 1-D tensor: a view when contiguous, else a contiguous copy viewed."""
    return input.contiguous().view(-1)


def unravel_index(indices, shape):
    """The coordinates in an array of ``shape`` of flat indices, one int64 tensor per dim
    (indices wrap around, as Python's floor division and modulo do)."""
    if not isinstance(indices, Tensor):
        raise AttributeError(f"'{type(indices).__name__}' object has no attribute 'is_complex'")
    if indices.dtype.category != D.INT:
        raise TypeError(f"expected 'indices' to be integer dtype, but got {indices.dtype}")
    if isinstance(shape, Tensor):
        raise TypeError("expected 'shape' to be int or sequence of ints, but got "
                        "<class 'torch.Tensor'>")
    if isinstance(shape, int) and not isinstance(shape, bool):
        shape = (shape,)
    elif not isinstance(shape, (list, tuple)):
        raise TypeError(f"expected 'shape' to be int or sequence of ints, but got "
                        f"{type(shape)}")
    for s in shape:
        if not isinstance(s, int) or isinstance(s, bool):
            raise TypeError(f"expected 'shape' sequence to only contain ints, but got "
                            f"{type(s)}")
    shape = tuple(shape)
    if any(s < 0 for s in shape):
        raise ValueError(f"'shape' cannot have negative values, but got {shape}")
    if not shape:
        return ()
    if 0 in shape:
        raise RuntimeError("ZeroDivisionError")
    idx = indices._a.astype(np.int64)
    out = np.empty(idx.shape + (len(shape),), np.int64)
    div = 1
    for j in range(len(shape) - 1, -1, -1):
        out[..., j] = (idx // div) % shape[j]
        div *= shape[j]
    base = _wrap(out, D.int64)
    return tuple(wrap_view(out[..., j], D.int64, base) for j in range(len(shape)))


# ------------------------------------------------------------------ diff
def diff(input, n=1, dim=-1, prepend=None, append=None, *, out=None):
    """The n-th forward difference along dim (for bool: whether neighbours differ), after
    joining prepend and append to input along dim."""
    a = input._a
    if a.ndim == 0:
        raise RuntimeError("diff expects input to be at least one-dimensional")
    n = _int_arg(n, "diff", "n", 2)
    if n < 0:
        raise RuntimeError(f"order must be non-negative but got {n}")
    d = wrap_dim(dim, a.ndim)
    parts = [input]
    for name, t in (("prepend", prepend), ("append", append)):
        if t is None:
            continue
        if not isinstance(t, Tensor):
            raise TypeError(f"diff(): argument '{name}' must be Tensor, not {type(t).__name__}")
        if t._a.ndim != a.ndim:
            raise RuntimeError("diff expects prepend or append to be the same dimension as "
                               "input")
        if name == "prepend":
            parts.insert(0, t)
        else:
            parts.append(t)
    x = cat(parts, d) if len(parts) > 1 else input
    if n == 0:
        r = _wrap(copy_array(x._a), x.dtype).copy_(x)      # a copy in x's layout (CopyBackwards)
    else:
        for _ in range(n):
            m = x._a.shape[d]
            if m == 0:
                break
            hi, lo = x.narrow(d, 1, m - 1), x.narrow(d, 0, m - 1)
            x = hi != lo if x.dtype is D.bool_ else hi - lo
        r = x
    return r if out is None else write_out(out, r, "diff")


# ------------------------------------------------------------------ repeat_interleave
_RI_SIGS = (" * (Tensor input, Tensor repeats, int dim = None, *, int output_size = None)\n"
            " * (Tensor repeats, *, int output_size = None)\n"
            " * (Tensor input, int repeats, int dim = None, *, int output_size = None)\n")
_RI_METHOD_SIGS = (" * (Tensor repeats, int dim = None, *, int output_size = None)\n"
                   " * (int repeats, int dim = None, *, int output_size = None)\n")


def _repeats_indices(rep, output_size):
    """arange(len(rep)) repeated rep[i] times (repeat_interleave of a repeats vector)."""
    if rep._a.ndim != 1:
        raise RuntimeError("repeat_interleave only accept 1D vector as repeat")
    if rep.dtype is not D.int64 and rep.dtype is not D.int32:
        raise NotImplementedError(
            f"\"repeat_interleave_cpu\" not implemented for '{rep.dtype.type_name}'")
    r = rep._a
    if r.size and r.min() < 0:
        raise RuntimeError("repeats can not be negative")
    total = int(r.sum())
    if output_size is not None and output_size != total:
        raise RuntimeError("allocated size does not match required size")
    return np.repeat(np.arange(r.size, dtype=r.dtype), r)


def repeat_interleave(input, repeats=None, dim=None, *, output_size=None):
    """Each element (or slice along dim) repeated ``repeats`` times in place; with only a
    repeats tensor, arange(len(repeats)) repeated so."""
    if repeats is None:
        if not isinstance(input, Tensor):
            raise TypeError("repeat_interleave() received an invalid combination of arguments - "
                            f"got ({type(input).__name__}), but expected one of:\n" + _RI_SIGS)
        idx = _repeats_indices(input, output_size)
        return _wrap(idx, input.dtype)
    if isinstance(repeats, Tensor):
        if repeats._a.ndim > 1:
            raise RuntimeError("repeats must be 0-dim or 1-dim tensor")
        x = input.reshape(-1) if dim is None else input
        d = 0 if dim is None else wrap_dim(dim, x._a.ndim)
        size = x._a.shape[d] if x._a.ndim else 1
        if repeats._a.size == 1:                        # one count for every slice
            rep = _wrap(np.full(size, repeats._a.reshape(()), repeats._a.dtype), repeats.dtype)
        else:
            rep = repeats
            if repeats._a.size != size:
                raise RuntimeError(
                    f"repeats must have the same size as input along dim, but got "
                    f"repeats.size(0) = {repeats._a.size} and input.size({d}) = {size}")
        idx = _repeats_indices(rep, output_size)
        return index_select(x, d, _wrap(idx.astype(np.int64)))
    if isinstance(repeats, bool) or not isinstance(repeats, int):
        raise TypeError("repeat_interleave() received an invalid combination of arguments - "
                        f"got (Tensor, {type(repeats).__name__}), but expected one of:\n"
                        + _RI_SIGS)
    if repeats < 0:
        raise RuntimeError("Repeats must be non-negative")
    x = input.reshape(-1) if dim is None else input
    d = 0 if dim is None else wrap_dim(dim, x._a.ndim)
    shape = x._a.shape
    size = shape[d] if shape else 1
    if output_size is not None and output_size != repeats * size:
        raise RuntimeError(f"repeat_interleave: Invalid output_size, expected {repeats * size} "
                           f"but got {output_size}")
    e = x.unsqueeze(d + 1)
    big = shape[:d + 1] + (repeats,) + shape[d + 1:]
    new = shape[:d] + (size * repeats,) + shape[d + 1:]
    return e.expand(big).clone(memory_format=contiguous_format).view(new)


def _repeat_interleave_method(self, repeats, dim=None, *, output_size=None):
    if not isinstance(repeats, Tensor) and (isinstance(repeats, bool)
                                            or not isinstance(repeats, int)):
        raise TypeError("repeat_interleave() received an invalid combination of arguments - got "
                        f"({type(repeats).__name__}), but expected one of:\n" + _RI_METHOD_SIGS)
    return repeat_interleave(self, repeats, dim, output_size=output_size)


# ------------------------------------------------------------------ Tensor methods
Tensor.kron = lambda self, other: kron(self, other)
Tensor.inner = lambda self, other: inner(self, other)
Tensor.rot90 = rot90
Tensor.ravel = ravel
Tensor.diff = diff
Tensor.repeat_interleave = _repeat_interleave_method

__all__ = ["meshgrid", "broadcast_tensors", "cartesian_prod", "combinations", "block_diag", "kron",
           "tensordot", "inner", "rot90", "ravel", "unravel_index", "diff", "repeat_interleave"]
