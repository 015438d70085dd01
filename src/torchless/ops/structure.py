"""Structural ops that build or pick parts of tensors: triangles and diagonals here; meshgrid,
kron, tensordot, diff, repeat_interleave ... in _arrange.py; searching and counting in
_search.py; cdist, cov and quantile in _spread.py; index_fill, scatter_reduce, put ... in
_scatter_more.py; logcumsumexp and cumsum_/cumprod_ in _scan_more.py.  This module gathers
their public names into the torch namespace.

``diagonal`` is a view (torch's strides and storage offset); tril/triu, diag, diag_embed and
trace are copies.  The diagonal family shares one scatter op: zeros with the diagonal set,
which is diag_embed forward and the gradient of diagonal, diag and trace.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, wrap_dim
from ..autograd.function import NOCTX, NONE, Op, tracked as _tracked
from ._index import convert_scalar
from ._inplace import apply_inplace
from ._strides import elem_strides, empty_strided, strided, view_apply, wrap_view
from .reduction import write_out
from . import _arrange, _scan_more, _scatter_more, _search, _spread
from ._arrange import _int_arg


# ------------------------------------------------------------------ tril / triu
def _tri_mask(shape, k, lower):
    """True where tril(k) (lower) or triu(k) keeps the element of an (r, c) matrix."""
    r, c = shape[-2], shape[-1]
    keep = np.tri(r, c, k, dtype=bool)
    return keep if lower else ~np.tri(r, c, k - 1, dtype=bool)


class Tril(Op):
    name = "TrilBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a, diagonal=0, lower=True):
        ctx.k, ctx.lower = diagonal, lower
        if not lower:
            ctx.name = "TriuBackward0"
        out = np.array(a, order="C")      # torch's result is contiguous
        out[..., ~_tri_mask(a.shape, diagonal, lower)] = 0
        return out

    @staticmethod
    def backward(ctx, g):
        return (Tril.apply(g, diagonal=ctx.k, lower=ctx.lower),)


def _tri_args(input, diagonal, fname):
    if not isinstance(input, Tensor):
        raise TypeError(f"{fname}(): argument 'input' (position 1) must be Tensor, not "
                        f"{type(input).__name__}")
    k = _int_arg(diagonal, fname, "diagonal", 1)
    if input._a.ndim < 2:
        raise RuntimeError(f"{fname}: input tensor must have at least 2 dimensions")
    return k


def tril(input, diagonal=0, *, out=None) -> Tensor:
    """The lower triangle of the last two dims (elements above diagonal ``diagonal`` zeroed)."""
    k = _tri_args(input, diagonal, "tril")
    r = _run1(Tril, input, {"diagonal": k, "lower": True})
    return r if out is None else write_out(out, r, "tril")


def triu(input, diagonal=0, *, out=None) -> Tensor:
    """The upper triangle of the last two dims (elements below diagonal ``diagonal`` zeroed)."""
    k = _tri_args(input, diagonal, "triu")
    r = _run1(Tril, input, {"diagonal": k, "lower": False})
    return r if out is None else write_out(out, r, "triu")


def tril_(self, diagonal=0) -> Tensor:
    """In-place tril."""
    k = _tri_args(self, diagonal, "tril")
    return apply_inplace(Tril, self, diagonal=k, lower=True)


def triu_(self, diagonal=0) -> Tensor:
    """In-place triu."""
    k = _tri_args(self, diagonal, "triu")
    return apply_inplace(Tril, self, diagonal=k, lower=False)


def _run1(op, x, params):
    if _tracked(x):
        return op.apply(x, **params)
    return _wrap(op.forward(NOCTX, x._a, **params), x.dtype)


_INDEX_DTYPES = (D.int8, D.int16, D.int32, D.int64)


def _tri_indices(row, col, offset, dtype, fname, lower):
    row = _int_arg(row, fname, "row", 1)
    col = _int_arg(col, fname, "col", 2)
    offset = _int_arg(offset, fname, "offset", 3)
    if row < 0:
        raise RuntimeError(f"row must be non-negative, got{row}")
    if col < 0:
        raise RuntimeError(f"col must be non-negative, got{col}")
    dtype = dtype or D.int64
    if dtype not in _INDEX_DTYPES:
        raise NotImplementedError(f'"{fname}" not implemented for \'{dtype.type_name}\'')
    rows, cols = (np.tril_indices if lower else np.triu_indices)(row, offset, col)
    out = np.empty((2, rows.size), dtype.np)
    out[0], out[1] = rows, cols
    return _wrap(out, dtype)


def tril_indices(row, col, offset=0, *, dtype=None, device=None, layout=None,
                 pin_memory=False) -> Tensor:
    """The (2, N) coordinates of the lower triangle of a row x col matrix, row by row."""
    return _tri_indices(row, col, offset, dtype, "tril_indices", True)


def triu_indices(row, col, offset=0, *, dtype=None, device=None, layout=None,
                 pin_memory=False) -> Tensor:
    """The (2, N) coordinates of the upper triangle of a row x col matrix, row by row."""
    return _tri_indices(row, col, offset, dtype, "triu_indices", False)


# ------------------------------------------------------------------ diagonals
def _diag_geometry(shape, strides, offset, d1, d2):
    """(shape, strides, start) of the diagonal view: dims d1 and d2 removed, the diagonal
    appended last (stride: their sum), starting offset elements into the matrix."""
    n1, n2 = shape[d1], shape[d2]
    if offset >= 0:
        size = min(n1, n2 - offset)
        start = offset * strides[d2]
    else:
        size = min(n1 + offset, n2)
        start = -offset * strides[d1]
    if size <= 0:
        size, start = 0, 0
    keep = [k for k in range(len(shape)) if k != d1 and k != d2]
    return (tuple(shape[k] for k in keep) + (size,),
            tuple(strides[k] for k in keep) + (strides[d1] + strides[d2],), start)


def diag_view(a, offset, d1, d2):
    """The NumPy view of a's diagonal (sharing memory)."""
    shape, st, start = _diag_geometry(a.shape, elem_strides(a), offset, d1, d2)
    if a.size == 0 or 0 in shape:
        return np.empty(shape, a.dtype)
    return strided(a, shape, st, start)


class Diagonal(Op):
    name = "DiagonalBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a, offset=0, dim1=0, dim2=1):
        ctx.geom = (a.shape, offset, dim1, dim2)
        return diag_view(a, offset, dim1, dim2)

    @staticmethod
    def backward(ctx, g):
        shape, offset, d1, d2 = ctx.geom
        return (DiagScatter.apply(g, shape=shape, offset=offset, dim1=d1, dim2=d2),)


class DiagCopy(Diagonal):
    """diag() of a matrix: a contiguous copy of its diagonal."""
    name = "DiagonalBackward0_copy"

    @staticmethod
    def forward(ctx, a, offset=0, dim1=0, dim2=1):
        ctx.geom = (a.shape, offset, dim1, dim2)
        return np.array(diag_view(a, offset, dim1, dim2), order="C")


class DiagScatter(Op):
    """Zeros of ``shape`` with the diagonal (offset, dim1, dim2) set to g: diag_embed's
    forward and the gradient of diagonal/diag."""
    name = "DiagonalBackwardBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, g, shape=(), offset=0, dim1=0, dim2=1, name=None):
        if name is not None:
            ctx.name = name
        ctx.geom = (offset, dim1, dim2)
        out = np.zeros(shape, g.dtype)
        v = diag_view(out, offset, dim1, dim2)
        if v.size:
            v[...] = g
        return out

    @staticmethod
    def backward(ctx, gg):
        offset, d1, d2 = ctx.geom
        return (Diagonal.apply(gg, offset=offset, dim1=d1, dim2=d2),)


def _two_dims(dim1, dim2, ndim):
    d1, d2 = wrap_dim(dim1, ndim), wrap_dim(dim2, ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return d1, d2


def diagonal(input, offset=0, dim1=0, dim2=1) -> Tensor:
    """A view of the diagonal (offset above the main one) of the dims dim1 and dim2, which are
    removed; the diagonal becomes the last dim."""
    a = input._a
    offset = _int_arg(offset, "diagonal", "offset", 1)
    d1, d2 = _two_dims(dim1, dim2, a.ndim)
    if _tracked(input):
        return view_apply(Diagonal, input, offset=offset, dim1=d1, dim2=d2)
    return wrap_view(diag_view(a, offset, d1, d2), input.dtype, input)


def _embed_shape(shape, n, d1, d2):
    out = list(shape)
    for d in sorted((d1, d2)):
        out.insert(d, n)
    return tuple(out)


def diag_embed(input, offset=0, dim1=-2, dim2=-1) -> Tensor:
    """A tensor whose diagonals (offset, dim1, dim2) are input's last dim; zeros elsewhere."""
    a = input._a
    offset = _int_arg(offset, "diag_embed", "offset", 1)
    d1, d2 = _two_dims(dim1, dim2, a.ndim + 1)
    n = (a.shape[-1] if a.ndim else 1) + abs(offset)
    shape = _embed_shape(a.shape[:-1], n, d1, d2)
    params = {"shape": shape, "offset": offset, "dim1": d1, "dim2": d2,
              "name": "DiagEmbedBackward0"}
    return _run1(DiagScatter, input, params)


def diag(input, diagonal=0, *, out=None) -> Tensor:
    """A 1-D input as the diagonal of a square matrix, or a matrix's diagonal as a 1-D copy."""
    a = input._a
    k = _int_arg(diagonal, "diag", "diagonal", 1)
    if a.ndim == 1:
        r = diag_embed(input, k, 0, 1)
    elif a.ndim == 2:
        r = _run1(DiagCopy, input, {"offset": k, "dim1": 0, "dim2": 1})
    else:
        raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {a.ndim}D")
    return r if out is None else write_out(out, r, "diag")


def diagflat(input, offset=0) -> Tensor:
    """input flattened, as the diagonal (offset above the main one) of a square matrix."""
    offset = _int_arg(offset, "diagflat", "offset", 1)
    return diag_embed(input.reshape(-1), offset, 0, 1)


class Trace(Op):
    name = "TraceBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a, npd=None):
        ctx.shape = a.shape
        d = diag_view(a, 0, 0, 1)
        if npd == np.float16:
            return np.add.reduce(d, dtype=np.float32).astype(npd)
        return np.add.reduce(d, dtype=npd)

    @staticmethod
    def backward(ctx, g):
        n = min(ctx.shape)
        return (DiagScatter.apply(g.expand(n), shape=ctx.shape, offset=0, dim1=0, dim2=1),)


def trace(input) -> Tensor:
    """The sum of the main diagonal of a matrix (integers sum to int64)."""
    a = input._a
    if a.ndim != 2:
        raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {a.ndim}")
    d = input.dtype
    if d is D.bool_:
        raise NotImplementedError("\"trace\" not implemented for 'Bool'")
    rd = D.int64 if d.category < D.FLOAT else d
    r = _run1(Trace, input, {"npd": rd.np})
    if r.dtype is not rd:
        r = _wrap(r._a.astype(rd.np), rd)
    return r


def fill_diagonal_(self, fill_value, wrap=False) -> Tensor:
    """Fill the main diagonal in place (all dims equal, or a matrix); with wrap, a tall matrix's
    diagonal restarts after every N + 1 rows, as NumPy's fill_diagonal does."""
    if isinstance(fill_value, Tensor) and fill_value._a.ndim == 0:
        fill_value = fill_value.item()          # (a one-element tensor is a Number to torch)
    elif not isinstance(fill_value, (bool, int, float, complex, np.number)):
        raise TypeError(f"fill_diagonal_(): argument 'fill_value' (position 1) must be Number, "
                        f"not {type(fill_value).__name__}")
    a = self._a
    if a.ndim < 2:
        raise RuntimeError("dimensions must larger than 1")
    if a.ndim > 2 and len(set(a.shape)) != 1:
        raise RuntimeError("all dimensions of input must be of equal length")
    v = convert_scalar(fill_value, self.dtype)
    view = self
    while view._a.ndim > 1:         # x[k, k, ..., k]: the diagonal of the diagonal ...
        view = diagonal(view, 0, 0, 1)
    view.fill_(v)
    if wrap and a.ndim == 2:
        r, c = a.shape
        start = c + 1
        while start < r:
            self.narrow(0, start, min(c, r - start)).diagonal().fill_(v)
            start += c + 1
    return self


# ------------------------------------------------------------------ unfold
def _unfold_geometry(shape, strides, d, size, step):
    """Shape and strides of the windows view: dim d becomes the window count, a new last dim
    of length size walks one window."""
    if not shape:
        return (size,), (1,)
    count = (shape[d] - size) // step + 1
    return (shape[:d] + (count,) + shape[d + 1:] + (size,),
            strides[:d] + (strides[d] * step,) + strides[d + 1:] + (strides[d],))


class Unfold(Op):
    name = "UnfoldBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a, dim=0, size=1, step=1):
        ctx.geom = (a.shape, dim, size, step)
        shape, st = _unfold_geometry(a.shape, elem_strides(a), dim, size, step)
        if a.size == 0 or 0 in shape:
            return empty_strided(shape, st, a.dtype)      # no memory to share
        return strided(a, shape, st)

    @staticmethod
    def backward(ctx, g):
        shape, dim, size, step = ctx.geom
        return (UnfoldScatter.apply(g, shape=shape, dim=dim, size=size, step=step),)


class UnfoldScatter(Op):
    """The windows added back into zeros of the input's shape (unfold's gradient; where
    windows overlap, their gradients add up)."""
    name = "UnfoldBackwardBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, g, shape=(), dim=0, size=1, step=1):
        ctx.geom = dict(dim=dim, size=size, step=step)
        if not shape:
            return g.sum(dtype=g.dtype).reshape(())
        out = np.zeros(shape, g.dtype)
        count = g.shape[dim]
        lead = (slice(None),) * dim
        for k in range(size):
            out[lead + (slice(k, k + (count - 1) * step + 1, step),)] += g[..., k]
        return out

    @staticmethod
    def backward(ctx, gg):
        return (Unfold.apply(gg, **ctx.geom),)


def unfold(self, dimension, size, step):
    """A view of the windows of length size, step apart, along dimension (a new last dim)."""
    for name, pos, v in (("dimension", 1, dimension), ("size", 2, size), ("step", 3, step)):
        if isinstance(v, (bool, float, complex)) or not hasattr(v, "__index__"):
            raise TypeError(f"unfold(): argument '{name}' (position {pos}) must be int, not "
                            f"{type(v).__name__}")
    a = self._a
    d = wrap_dim(dimension.__index__(), a.ndim)
    size, step = size.__index__(), step.__index__()
    if size < 0:
        raise RuntimeError(f"size is {size} but must be >= 0")
    n = a.shape[d] if a.ndim else 1
    if size > n:
        raise RuntimeError(f"maximum size for tensor at dimension {d} is {n} but size is {size}")
    if step <= 0:
        raise RuntimeError(f"step is {step} but must be > 0")
    if _tracked(self):
        return view_apply(Unfold, self, dim=d, size=size, step=step)
    return wrap_view(Unfold.forward(NOCTX, a, d, size, step), self.dtype, self)


# ------------------------------------------------------------------ Tensor methods
Tensor.unfold = unfold
Tensor.tril = tril
Tensor.triu = triu
Tensor.tril_ = tril_
Tensor.triu_ = triu_
Tensor.diagonal = diagonal
Tensor.diag = diag
Tensor.diag_embed = diag_embed
Tensor.diagflat = diagflat
Tensor.trace = trace
Tensor.fill_diagonal_ = fill_diagonal_

__all__ = ["tril", "triu", "tril_indices", "triu_indices", "diagonal", "diag", "diag_embed",
           "diagflat", "trace"]
for _m in (_arrange, _search, _spread, _scatter_more, _scan_more):
    __all__ += _m.__all__
    globals().update({_n: getattr(_m, _n) for _n in _m.__all__})
del _m
