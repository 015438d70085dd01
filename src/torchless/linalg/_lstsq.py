"""Pseudo-inverse, rank, least squares and the matrix exponential: pinv, matrix_rank, lstsq,
matrix_exp.

pinv and lstsq go through the SVD (eigh for hermitian=True): singular values at or below
max(atol, rtol * largest) count as zero, as torch documents.  lstsq's 'gelsy' (torch's
default, QR with column pivoting) decides the rank by a condition estimate instead, so on a
nearly rank-deficient matrix the two can disagree; for well-conditioned input the solutions
agree to rounding.  matrix_exp is scaling and squaring with the [13/13] Padé approximant
(Higham 2005), computed in double precision.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ..autograd.function import NONE, Op
from ..ops.join import cat
from ..ops.reduction import write_out
from ._common import (MultiOp, check_square, check_tensor, no_complex_grad, out_names,
                      real_dtype)
from ._decomp import check_finite_svd


# ---------------------------------------------------------------- pinv
def _tolerances(a, atol, rtol):
    """(atol, rtol) as arrays broadcasting against the singular values' batch dims."""
    def arr(x):
        if x is None:
            return None
        x = x._a if isinstance(x, Tensor) else np.asarray(x)
        return x.astype(np.float64)[..., None] if x.ndim else x.astype(np.float64)
    at, rt = arr(atol), arr(rtol)
    if rt is None:
        eps = np.finfo(real_dtype(a)).eps
        rt = np.float64(0.0) if at is not None and np.all(at > 0) else \
            np.float64(eps * max(a.shape[-2:], default=0))
    return (np.float64(0.0) if at is None else at), rt


def _spectrum(a, hermitian):
    """(left vectors, values, right vectors^H) with A = L diag(values) R; for hermitian=True
    from eigh (values may be negative)."""
    if hermitian:
        w, v = np.linalg.eigh(a)
        return v, w, v.swapaxes(-1, -2).conj()
    check_finite_svd(a)
    return np.linalg.svd(a, full_matrices=False)


def _pinv_array(a, atol, rtol, hermitian):
    u, s, vh = _spectrum(a, hermitian)
    at, rt = _tolerances(a, atol, rtol)
    mag = np.abs(s)
    big = mag.max(-1, keepdims=True, initial=0.0)
    keep = mag > np.maximum(at, rt * big)
    with np.errstate(divide="ignore"):
        sinv = np.where(keep, 1 / np.where(keep, s, 1), 0).astype(s.dtype)
    return (vh.swapaxes(-1, -2).conj() * sinv[..., None, :]) @ u.swapaxes(-1, -2).conj()


def _pinv_grad(a, p, g):
    """Gradient of P = pinv(A) (real, constant rank), in Tensor ops:
    -P^T G P^T + (I - A P) G^T P P^T + P^T P G^T (I - P A)."""
    pt, gt = p.mT, g.mT
    t1 = -(pt @ g @ pt)
    t2 = (gt - a @ (p @ gt)) @ (p @ pt)
    t3 = (pt @ p) @ (gt - (gt @ p) @ a)
    return t1 + t2 + t3


class Pinv(Op):
    name = "LinalgPinvBackward0"
    kind = NONE
    save_output = True

    @staticmethod
    def forward(ctx, a, atol=None, rtol=None, hermitian=False):
        return _pinv_array(a, atol, rtol, hermitian).astype(a.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        no_complex_grad(ctx, g)
        return (_pinv_grad(ctx.inputs[0], ctx.out, g),)


def pinv(A, rcond=None, hermitian=False, *, atol=None, rtol=None, out=None) -> Tensor:
    """The Moore-Penrose pseudo-inverse; singular values <= max(atol, rtol * largest) count
    as zero (rcond is the old name of rtol)."""
    check_tensor("linalg.pinv", A)
    a = A._a
    if a.ndim < 2 or A.dtype.category < D.FLOAT or A.dtype is D.float16:
        raise RuntimeError(f"linalg.pinv({A.dtype.type_name}{{{list(a.shape)}}}): expected a "
                           "tensor with 2 or more dimensions of float, double, cfloat or cdouble "
                           "types")
    if rcond is not None:
        rtol = rcond
    r = Pinv.apply(A, atol=atol, rtol=rtol, hermitian=hermitian)
    return r if out is None else write_out(out, r, "linalg_pinv")


# ---------------------------------------------------------------- matrix_rank
def matrix_rank(A, tol=None, hermitian=False, *, atol=None, rtol=None, out=None) -> Tensor:
    """The number of singular values (|eigenvalues| when hermitian) above
    max(atol, rtol * largest); tol is the old name of atol."""
    check_tensor("linalg.matrix_rank", A)
    a = A._a
    if a.ndim < 2:
        raise RuntimeError("torch.linalg.matrix_rank: The input tensor input must have at least "
                           "2 dimensions.")
    if A.dtype.category < D.FLOAT or A.dtype is D.float16:
        raise RuntimeError("This function doesn't handle types other than float and double")
    if tol is not None:
        atol = tol
    if hermitian:
        s = np.abs(np.linalg.eigvalsh(a))
    else:
        check_finite_svd(a)
        s = np.linalg.svd(a, compute_uv=False)
    at, rt = _tolerances(a, atol, rtol)
    big = s.max(-1, keepdims=True, initial=0.0)
    r = _wrap((s > np.maximum(at, rt * big)).sum(-1).astype(np.int64))
    return r if out is None else write_out(out, r, "linalg_matrix_rank")


# ---------------------------------------------------------------- lstsq
_DRIVERS = ("gels", "gelsy", "gelsd", "gelss")


class Lstsq(MultiOp):
    """(solution, residuals, rank, singular_values); solution = pinv(A) B."""

    name = "LinalgLstsqBackward0"
    kind = NONE
    non_differentiable = (3,)

    @staticmethod
    def forward(ctx, a, b, rcond=None, driver="gelsy", vector=False):
        ctx.vector = vector
        bm = b[..., None] if vector else b
        batch = np.broadcast_shapes(a.shape[:-2], bm.shape[:-2])
        a = np.broadcast_to(a, batch + a.shape[-2:])
        bm = np.broadcast_to(bm, batch + bm.shape[-2:])
        m, n = a.shape[-2:]
        k = bm.shape[-1]
        if a.size:
            u, s, vh = np.linalg.svd(a, full_matrices=False)
        else:
            u, s, vh = (np.zeros(batch + (m, min(m, n)), a.dtype),
                        np.zeros(batch + (min(m, n),), real_dtype(a)),
                        np.zeros(batch + (min(m, n), n), a.dtype))
        if rcond is None or rcond < 0:
            rcond = np.finfo(real_dtype(a)).eps * max(m, n)
        big = s.max(-1, keepdims=True, initial=0.0)
        keep = s > rcond * big
        rank = keep.sum(-1)
        with np.errstate(divide="ignore"):
            sinv = np.where(keep, 1 / np.where(keep, s, 1), 0).astype(s.dtype)
        x = (vh.swapaxes(-1, -2).conj() * sinv[..., None, :]) @ (u.swapaxes(-1, -2).conj() @ bm)
        # torch's solution is a view of LAPACK's max(m, n) x k column-major buffer
        buf = np.zeros(batch + (k, max(m, n)), a.dtype)
        buf[..., :n] = x.swapaxes(-1, -2)
        x = buf[..., :n].swapaxes(-1, -2)
        empty = np.zeros((0,), real_dtype(a))
        if m > n and driver != "gelsy" and (driver == "gels" or (rank == n).all()):
            res = (np.abs(a @ x - bm) ** 2).sum(-2).astype(real_dtype(a), copy=False)
        else:
            res = empty
        rank_out = rank.astype(np.int64) if driver != "gels" else np.zeros((0,), np.int64)
        sv = s.astype(real_dtype(a), copy=False) if driver in ("gelsd", "gelss") else empty
        ctx.has_res = res.size > 0
        return (x[..., 0] if vector else x), res, rank_out, sv

    @staticmethod
    def backward(ctx, gx, gres, *_):
        no_complex_grad(ctx, gx)
        a, b = ctx.inputs
        x = ctx.outs[0]
        if ctx.vector:
            gx, x, b = gx.unsqueeze(-1), x.unsqueeze(-1), b.unsqueeze(-1)
        p = Pinv.apply(a)
        ga = _pinv_grad(a, p, gx @ b.mT)
        gb = p.mT @ gx
        if ctx.has_res:
            # residuals |AX - B|^2 per column; X is optimal, so only the explicit terms remain
            r2 = (a @ x - b) * (2 * gres.unsqueeze(-2))
            ga = ga + r2 @ x.mT
            gb = gb - r2
        return ga, (gb.squeeze(-1) if ctx.vector else gb)


def lstsq(A, B, rcond=None, *, driver=None):
    """(solution, residuals, rank, singular_values) of min |AX - B|; see the module notes on
    the drivers."""
    fname = "torch.linalg.lstsq"
    check_tensor(fname, A, "input")
    check_tensor(fname, B, "other", 2)
    a, b = A._a, B._a
    if A.dtype.category < D.FLOAT or A.dtype is D.float16:
        raise RuntimeError("This function doesn't handle types other than float and double")
    if a.ndim < 2:
        raise RuntimeError(f"{fname}: input must have at least 2 dimensions.")
    if A.dtype is not B.dtype:
        raise RuntimeError(f"{fname}: Expected input and other to have the same dtype, but got "
                           f"input's dtype {A.dtype.type_name} and other's dtype "
                           f"{B.dtype.type_name}")
    if not (a.ndim >= b.ndim and a.ndim - b.ndim <= 1):
        raise RuntimeError(f"{fname}: input.dim() must be greater or equal to other.dim() and "
                           "(input.dim() - other.dim()) <= 1")
    vector = b.ndim == a.ndim - 1
    if vector and a.shape[-2] != b.shape[-1]:
        raise RuntimeError(f"{fname}: input.size(-2) should match other.size(-1)")
    if not vector and a.shape[-2] != b.shape[-2]:
        raise RuntimeError(f"{fname}: input.size(-2) should match other.size(-2)")
    if driver is None:
        driver = "gelsy"
    if driver not in _DRIVERS:
        raise RuntimeError(f"{fname}: parameter `driver` should be one of "
                           "(gels, gelsy, gelsd, gelss)")
    r = Lstsq.apply(A, B, rcond=rcond, driver=driver, vector=vector)
    return out_names("linalg_lstsq", ("solution", "residuals", "rank", "singular_values"))(r)


# ---------------------------------------------------------------- matrix_exp
_PADE13 = (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800.,
           129060195264000., 10559470521600., 670442572800., 33522128640., 1323241920.,
           40840800., 960960., 16380., 182., 1.)
_THETA13 = 5.371920351148152


def _expm(a):
    """exp of each matrix of a: scale by 2^-s so that |A|_1 <= theta_13, Padé [13/13], square
    s times (per matrix)."""
    n = a.shape[-1]
    if a.size == 0:
        return a.copy()
    norm = np.abs(a).sum(-2).max(-1)
    with np.errstate(divide="ignore"):
        s = np.maximum(0, np.ceil(np.log2(norm / _THETA13))).astype(int)
    s = np.where(np.isfinite(norm), s, 0)
    a = a / (2.0 ** s)[..., None, None]
    b = _PADE13
    ident = np.eye(n, dtype=a.dtype)
    a2 = a @ a
    a4 = a2 @ a2
    a6 = a4 @ a2
    u = a @ (a6 @ (b[13] * a6 + b[11] * a4 + b[9] * a2)
             + b[7] * a6 + b[5] * a4 + b[3] * a2 + b[1] * ident)
    v = (a6 @ (b[12] * a6 + b[10] * a4 + b[8] * a2)
         + b[6] * a6 + b[4] * a4 + b[2] * a2 + b[0] * ident)
    try:
        r = np.linalg.solve(v - u, v + u)
    except np.linalg.LinAlgError:      # only for non-finite input
        r = np.full(a.shape, np.nan, a.dtype)
    for i in range(int(s.max(initial=0))):
        sq = r @ r
        r = np.where((s > i)[..., None, None], sq, r)
    return r


class MatrixExp(Op):
    name = "LinalgMatrixExpBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a):
        wide = np.complex128 if a.dtype.kind == "c" else np.float64
        return _expm(a.astype(wide)).astype(a.dtype)

    @staticmethod
    def backward(ctx, g):
        # the upper-right block of exp([[A^T, G], [0, A^T]]) (Fréchet derivative)
        no_complex_grad(ctx, g)
        at = ctx.inputs[0].mT
        z = g * 0.0
        big = cat([cat([at, g], -1), cat([z, at], -1)], -2)
        n = at._a.shape[-1]
        return (MatrixExp.apply(big)[..., :n, n:],)


def matrix_exp(A) -> Tensor:
    """The matrix exponential of a square matrix (or batch)."""
    check_tensor("linalg.matrix_exp", A)
    check_square("linalg.matrix_exp", A)
    if A.dtype.category < D.FLOAT:
        raise RuntimeError("linalg.matrix_exp: Expected a floating point or complex tensor as "
                           f"input. Got {A.dtype.type_name}")
    return MatrixExp.apply(A)


__all__ = ["pinv", "matrix_rank", "lstsq", "matrix_exp"]
