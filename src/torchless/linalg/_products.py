"""Products and structure: matmul (torch.matmul itself), vecdot, cross, multi_dot, diagonal,
matrix_power, vander.  All but cross and diagonal are compositions of existing ops, arranged
so that the result's grad_fn is the one torch shows."""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._size import infer_size
from .._tensor import Tensor, _wrap, wrap_dim
from ..autograd.function import NONE, Op
from ..autograd.grad_mode import ENABLED
from ..ops._strides import elem_strides, strided, view_apply
from ..ops.join import cat
from ..ops.linalg import _CTYPE, matmul
from ..ops.reduction import write_out
from ._common import check_square, check_tensor
from ._solve import inv


# ---------------------------------------------------------------- vecdot
def vecdot(x, y, *, dim=-1, out=None) -> Tensor:
    """sum(conj(x) * y) over dim, with broadcasting."""
    check_tensor("linalg.vecdot", x, "x")
    check_tensor("linalg.vecdot", y, "y", 2)
    for t in (x, y):
        if t.dtype.category < D.FLOAT:
            raise RuntimeError("linalg.vecdot: Expected a floating point or complex tensor as "
                               f"input. Got {t.dtype.type_name}")
    if x.dtype is not y.dtype:
        raise RuntimeError(f"linalg.vecdot: Expected x and y to have the same dtype, but found x "
                           f"of type {x.dtype.type_name} and y of type {y.dtype.type_name} instead")
    a, b = x._a, y._a
    if a.ndim == 1 == b.ndim and a.shape != b.shape:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{a.shape[0]}] and src "
                           f"[{b.shape[0]}] to have the same number of elements, but got "
                           f"{a.shape[0]} and {b.shape[0]} elements respectively")
    if x.dtype.is_complex:
        shape = tuple(infer_size(a.shape, b.shape))
        d = wrap_dim(dim, len(shape))
        r = _wrap((np.conj(a) * b).sum(d))
    else:
        r = (x * y).sum(dim)
    return r if out is None else write_out(out, r, "sum")


# ---------------------------------------------------------------- cross
class Cross(Op):
    name = "LinalgCrossBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, b, dim=-1):
        ctx.dim = dim
        shape = np.broadcast_shapes(a.shape, b.shape)
        a, b = np.broadcast_to(a, shape), np.broadcast_to(b, shape)
        i = [np.take(a, k, dim) for k in range(3)]
        j = [np.take(b, k, dim) for k in range(3)]
        return np.stack([i[1] * j[2] - i[2] * j[1], i[2] * j[0] - i[0] * j[2],
                         i[0] * j[1] - i[1] * j[0]], dim)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.inputs
        return Cross.apply(b, g, dim=ctx.dim), Cross.apply(g, a, dim=ctx.dim)


def cross(input, other, *, dim=-1, out=None) -> Tensor:
    """The cross product of 3-vectors along dim, with broadcasting."""
    check_tensor("linalg.cross", input, "input")
    check_tensor("linalg.cross", other, "other", 2)
    a, b = input._a, other._a
    if a.ndim != b.ndim:
        raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
    d = wrap_dim(dim, a.ndim)
    if a.shape[d] != 3 or b.shape[d] != 3:
        raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. Got "
                           f"{a.shape[d]} and {b.shape[d]}")
    infer_size(a.shape, b.shape)
    if input.dtype is not other.dtype:
        raise RuntimeError(f"expected scalar type {input.dtype.type_name} but found "
                           f"{other.dtype.type_name}")
    r = Cross.apply(input, other, dim=d)
    return r if out is None else write_out(out, r, "linalg_cross")


# ---------------------------------------------------------------- diagonal
def _diag_geometry(a, offset, d1, d2):
    """(shape, strides, offset) in elements of the diagonal view of a."""
    shape, st = list(a.shape), list(elem_strides(a))
    n1, n2 = shape[d1], shape[d2]
    if offset >= 0:
        length = max(0, min(n1, n2 - offset))
        start = offset * st[d2] if length else 0
    else:
        length = max(0, min(n1 + offset, n2))
        start = -offset * st[d1] if length else 0
    step = st[d1] + st[d2]
    keep = [i for i in range(a.ndim) if i not in (d1, d2)]
    return ([shape[i] for i in keep] + [length], [st[i] for i in keep] + [step], start)


class Diagonal(Op):
    """A view of the diagonal (offset) of the matrices over dims d1, d2, moved to the end."""

    name = "DiagonalBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a, offset=0, d1=-2, d2=-1):
        ctx.offset, ctx.d1, ctx.d2, ctx.shape = offset, d1, d2, a.shape
        shape, st, start = _diag_geometry(a, offset, d1, d2)
        return strided(a, shape, st, start)

    @staticmethod
    def backward(ctx, g):
        return (DiagonalScatter.apply(g, offset=ctx.offset, d1=ctx.d1, d2=ctx.d2,
                                      shape=ctx.shape),)


class DiagonalScatter(Op):
    """Zeros of ``shape`` with g on the diagonal (Diagonal's adjoint)."""

    name = "DiagonalBackwardBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, g, offset=0, d1=-2, d2=-1, shape=()):
        ctx.offset, ctx.d1, ctx.d2 = offset, d1, d2
        out = np.zeros(shape, g.dtype)
        geo = _diag_geometry(out, offset, d1, d2)
        if g.size:
            strided(out, *geo)[...] = g
        return out

    @staticmethod
    def backward(ctx, g):
        return (Diagonal.apply(g, offset=ctx.offset, d1=ctx.d1, d2=ctx.d2),)


def diagonal(A, *, offset=0, dim1=-2, dim2=-1) -> Tensor:
    """The diagonal (offset above it when > 0) of the matrices over dim1, dim2, as a view."""
    check_tensor("linalg.diagonal", A)
    n = A._a.ndim
    d1, d2 = wrap_dim(dim1, n), wrap_dim(dim2, n)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return view_apply(Diagonal, A, offset=offset, d1=d1, d2=d2)


# ---------------------------------------------------------------- multi_dot
def _chain_order(dims):
    """The cheapest parenthesisation of matrices dims[i] x dims[i+1] (dynamic programming):
    split[i][j] is where the product of matrices i..j splits."""
    n = len(dims) - 1
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def multi_dot(tensors, *, out=None) -> Tensor:
    """The product of a chain of matrices in the cheapest order; the first may be a row
    vector and the last a column vector (1-D)."""
    ts = list(tensors)
    n = len(ts)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    for i, t in enumerate(ts):
        check_tensor("linalg.multi_dot", t, "tensors", 1)
        d = t._a.ndim
        if i == 0 and d not in (1, 2):
            raise RuntimeError(f"multi_dot(): the first tensor must be 1D or 2D but got {d}D")
        if i == n - 1 and d not in (1, 2):
            raise RuntimeError(f"multi_dot(): the last tensor must be 1D or 2D but got {d}D")
        if 0 < i < n - 1 and d != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {d}D")
    for i, t in enumerate(ts[1:], 1):
        if t.dtype is not ts[0].dtype:
            raise RuntimeError("multi_dot(): all tensors must have be the same dtype but tensor 0 "
                               f"is {_CTYPE[ts[0].dtype]} and tensor {i} {_CTYPE[t.dtype]}")
    first_vec, last_vec = ts[0]._a.ndim == 1, ts[-1]._a.ndim == 1
    if first_vec:
        ts[0] = ts[0].unsqueeze(0)
    if last_vec:
        ts[-1] = ts[-1].unsqueeze(-1)
    for i in range(n - 1):
        sa, sb = ts[i]._a.shape, ts[i + 1]._a.shape
        if sa[1] != sb[0]:
            raise RuntimeError(f"multi_dot(): tensors {i} and {i + 1} with shapes "
                               f"{list(tensors[i].shape)} and {list(tensors[i + 1].shape)} "
                               "cannot be multiplied")
    dims = [t._a.shape[0] for t in ts] + [ts[-1]._a.shape[1]]
    split = _chain_order(dims)

    def product(i, j):
        if i == j:
            return ts[i]
        k = split[i][j]
        return matmul(product(i, k), product(k + 1, j))

    r = product(0, n - 1)
    shape = [s for s, drop in zip(r._a.shape, (first_vec, last_vec)) if not drop]
    r = r.view(shape)
    return r if out is None else write_out(out, r, "mm")


# ---------------------------------------------------------------- matrix_power
def matrix_power(A, n, *, out=None) -> Tensor:
    """A to the integer power n (n < 0: of its inverse) by repeated squaring."""
    check_tensor("linalg.matrix_power", A)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError("linalg_matrix_power(): argument 'n' (position 2) must be int, not "
                        f"{type(n).__name__}")
    n = int(n)
    check_square("linalg.matrix_power", A)
    if n == 0:
        eye = _wrap(np.ascontiguousarray(
            np.broadcast_to(np.eye(A._a.shape[-1], dtype=A._a.dtype), A._a.shape)))
        # torch copies the identity into a clone of A: the result is in the graph (CopyBackwards)
        r = A.clone().copy_(eye) if A.requires_grad and ENABLED[0] else eye
    elif n == 1:
        r = A.clone()
    else:
        if n < 0:
            A, n = inv(A), -n
        r, z = None, A
        while True:
            if n & 1:
                r = z if r is None else matmul(r, z)
            n >>= 1
            if not n:
                break
            z = matmul(z, z)
    return r if out is None else write_out(out, r, "matmul")


# ---------------------------------------------------------------- vander
def vander(x, *, N=None) -> Tensor:
    """The Vandermonde matrices [1, x, x^2, ..., x^(N-1)] of the last dim of x."""
    check_tensor("linalg.vander", x, "x")
    if x.dtype is D.bool_:
        raise RuntimeError("linalg.vander supports floating point, complex, and integer tensors, "
                           "but got Bool")
    if N is None:
        N = x._a.shape[-1] if x._a.ndim else 1
    if N <= 1:
        raise RuntimeError("N must be greater than 1.")
    col = x.unsqueeze(-1)
    ones = _wrap(np.ones(col._a.shape, x._a.dtype))
    powers = col.expand(*x._a.shape, N - 1).cumprod(-1)
    if powers.dtype is not x.dtype:
        powers = powers.to(x.dtype)
    return cat([ones, powers], -1)


__all__ = ["matmul", "vecdot", "cross", "multi_dot", "diagonal", "matrix_power", "vander"]
