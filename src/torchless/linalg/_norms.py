"""Norms and the condition number: vector_norm, matrix_norm, norm, cond.

vector_norm is torch.norm's vector norm (ops/statistics.py, one Norm op).  matrix_norm builds
each order from it as torch does, so the grad_fn is torch's: 'fro' is the vector 2-norm over
both dims, +-1 / +-inf a vector 1-norm then amax / amin, +-2 and 'nuc' the singular values'
amax / amin / sum (the nuclear norm is statistics' NuclearNorm).
"""
from __future__ import annotations

import math

import numpy as np

from .._tensor import Tensor, _wrap, wrap_dim
from ..ops.statistics import NuclearNorm, _norm_dtype, vector_norm
from ._common import check_low_precision, check_tensor, write_out_copy as write_out
from ._decomp import svdvals
from ._solve import inv_ex

_INF = math.inf


def _fmt(x):
    """A number as torch prints it in messages (3.0 -> 3)."""
    if isinstance(x, float) and math.isfinite(x) and x.is_integer():
        return str(int(x))
    return str(x)


_MATRIX_NORM_SIGNATURES = (
    " * (Tensor input, Number ord, tuple of ints dim = {-2,-1}, bool keepdim = False, *, "
    "torch.dtype dtype = None, Tensor out = None)\n"
    " * (Tensor input, str ord = \"fro\", tuple of ints dim = {-2,-1}, bool keepdim = False, *, "
    "torch.dtype dtype = None, Tensor out = None)\n")


def _matrix_dims(A, dim):
    if not isinstance(dim, (tuple, list)):
        raise TypeError("linalg_matrix_norm() received an invalid combination of arguments - got "
                        f"(Tensor, dim={type(dim).__name__}), but expected one of:\n"
                        + _MATRIX_NORM_SIGNATURES)
    if len(dim) != 2:
        raise RuntimeError("linalg.matrix_norm: dim must be a 2-tuple. Got "
                           + " ".join(map(str, dim)))
    n = A._a.ndim
    d0, d1 = wrap_dim(dim[0], n), wrap_dim(dim[1], n)
    if d0 == d1:
        raise RuntimeError(f"linalg.matrix_norm: dims must be different. Got ({d0}, {d1})")
    return d0, d1


def _restore(r, d0, d1, keepdim):
    """A per-matrix result (dims d0, d1 moved to the end and reduced) with keepdim applied."""
    if not keepdim:
        return r
    lo, hi = sorted((d0, d1))
    return r.unsqueeze(-1).unsqueeze(-1).movedim((-2, -1), (lo, hi))


def matrix_norm(A, ord="fro", dim=(-2, -1), keepdim=False, *, dtype=None, out=None) -> Tensor:
    """The matrix norm over the two dims: 'fro', 'nuc', +-1 (column sums), +-inf (row sums),
    +-2 (largest / smallest singular value)."""
    fname = "linalg.matrix_norm"
    check_tensor(fname, A)
    a = A._a
    if a.ndim < 2:
        raise RuntimeError(f"{fname}: The input tensor A must have at least 2 dimensions.")
    npd = _norm_dtype(A, dtype, fname)
    d0, d1 = _matrix_dims(A, dim)
    if isinstance(ord, Tensor):
        ord = ord.item()
    if isinstance(ord, str):
        if ord not in ("fro", "nuc"):
            raise RuntimeError(f"{fname}: Order {ord} not supported.")
    elif float(ord) not in (1, -1, 2, -2, _INF, -_INF):
        raise RuntimeError(f"{fname}: Order {_fmt(ord)} not supported.")
    if ord in ("nuc", 2, -2):
        check_low_precision(fname, A)
    if ord == "fro":
        r = vector_norm(A, 2, (d0, d1), keepdim, dtype=dtype)
    elif a.shape[d0] == 0 or a.shape[d1] == 0:
        r = vector_norm(A, 2, (d0, d1), keepdim, dtype=dtype)       # torch gives 0 here
    elif ord == "nuc":
        r = _restore(NuclearNorm.apply(A, dims=(d0, d1), keepdim=False, npd=npd), d0, d1, keepdim)
    elif ord in (2, -2):
        x = A if dtype is None else A.to(dtype)
        s = svdvals(x.movedim((d0, d1), (-2, -1)))
        r = _restore(s.amax(-1) if ord == 2 else s.amin(-1), d0, d1, keepdim)
    else:
        # 1: largest column sum (sum over d0, max over d1); inf: largest row sum
        sdim, mdim = (d0, d1) if abs(ord) == 1 else (d1, d0)
        s = vector_norm(A, 1, sdim, keepdim, dtype=dtype)
        if not keepdim and mdim > sdim:
            mdim -= 1
        r = s.amax(mdim, keepdim) if ord > 0 else s.amin(mdim, keepdim)
    return r if out is None else write_out(out, r, "linalg_matrix_norm")


def norm(A, ord=None, dim=None, keepdim=False, *, dtype=None, out=None) -> Tensor:
    """A vector norm (1 dim, or a 1-D input) or a matrix norm (2 dims, or a 2-D input); with
    ord and dim both None, the 2-norm of all entries."""
    check_tensor("linalg.norm", A)
    if dim is not None:
        dim = (dim,) if not isinstance(dim, (tuple, list)) else tuple(dim)
        if len(dim) not in (1, 2):
            raise RuntimeError("linalg.norm: If dim is specified, it must be of length 1 or 2. "
                               f"Got {list(dim)}")
    elif ord is not None and A._a.ndim not in (1, 2):
        raise RuntimeError("linalg.norm: If dim is not specified but ord is, the input must be 1D "
                           f"or 2D. Got {A._a.ndim}D.")
    if ord is None:
        r = vector_norm(A, 2, dim, keepdim, dtype=dtype)
    elif isinstance(ord, str) or (dim is not None and len(dim) == 2) or \
            (dim is None and A._a.ndim == 2):
        r = matrix_norm(A, ord, (-2, -1) if dim is None else dim, keepdim, dtype=dtype)
    else:
        r = vector_norm(A, ord, dim, keepdim, dtype=dtype)
    return r if out is None else write_out(out, r, "linalg_norm")


def cond(A, p=None, *, out=None) -> Tensor:
    """The condition number |A| |A^-1| in norm p (None / 2: largest over smallest singular
    value, -2 the reverse); inf for a singular matrix in the norms that need the inverse."""
    check_tensor("linalg.cond", A)
    a = A._a
    if a.ndim < 2:
        raise RuntimeError("linalg.cond: The input tensor must have at least 2 dimensions.")
    valid = (None, 2, -2, 1, -1, _INF, -_INF, "fro", "nuc")
    if isinstance(p, str) and p not in valid or \
            not isinstance(p, str) and p is not None and float(p) not in valid:
        raise RuntimeError(f"linalg.cond got an invalid norm type: "
                           f"{p if isinstance(p, str) else _fmt(p)}")
    if p is None or (not isinstance(p, str) and float(p) in (2, -2)):
        if a.size == 0:
            return _zeros(A, a.shape[:-2], out)
        s = svdvals(A)
        hi, lo = s.narrow(-1, 0, 1), s.narrow(-1, s._a.shape[-1] - 1, 1)
        r = (hi / lo if p is None or p == 2 else lo / hi).squeeze(-1)
        return r if out is None else write_out(out, r, "linalg_cond")
    m, n = a.shape[-2:]
    if m != n:
        raise RuntimeError(f"linalg.cond(ord={p if isinstance(p, str) else _fmt(p)}): A must be "
                           f"batches of square matrices, but they are {m} by {n} matrices")
    if a.size == 0:
        return _zeros(A, a.shape[:-2], out)
    if p == "nuc":
        s = svdvals(A)
        r = s.sum(-1) * s.reciprocal().sum(-1)
    else:
        ainv = inv_ex(A)[0]
        r = (matrix_norm(A, p) * matrix_norm(ainv, p)).nan_to_num(_INF, _INF)
    return r if out is None else write_out(out, r, "linalg_cond")


def _zeros(A, shape, out):
    r = _wrap(np.zeros(shape, A._a.real.dtype if A.dtype.is_complex else A._a.dtype))
    return r if out is None else write_out(out, r, "linalg_cond")


__all__ = ["vector_norm", "matrix_norm", "norm", "cond"]
