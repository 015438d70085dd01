"""Decompositions: cholesky(_ex), qr, svd, svdvals, eigh, eigvalsh.

Forward runs numpy.linalg (LAPACK's potrf, geqrf/orgqr, gesdd and syevd, the routines torch's
CPU kernels call), batched; each result is stored column-major per matrix as torch's is.
Backward is written in Tensor ops with the standard formulas, so it differentiates again.

Decompositions are unique only up to signs (and, for repeated eigen/singular values, up to a
rotation): two LAPACK builds (NumPy's and torch's) may return Q, U, V or eigenvectors whose
columns differ by a factor -1.  What is the same is the invariant part: reconstruction,
orthogonality, the singular values and eigenvalues (ascending, as torch's), and the gradient
of any function that does not depend on the sign choice.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ..autograd.function import NONE
from ..autograd.grad_mode import ENABLED
from ..ops.join import cat
from ..ops.reduction import write_out
from ._common import (LinAlgError, MultiOp, batch_prefix, check_float, check_kernel,
                      check_ndim, check_square, check_tensor, const, diag_embed, fortran,
                      no_complex_grad, out_names, real_dtype, sym, tril, triu, write_outs)
from ._solve import Inv, Solve, _first_failure

_I32 = np.int32


# ---------------------------------------------------------------- cholesky
def _cholesky_partial(a):
    """LAPACK's unblocked Cholesky (potf2, lower) in NumPy: (factor, info).  Used only when
    NumPy reports a failure, to find the order of the first minor that is not positive
    definite; a failed matrix keeps what the algorithm had computed when it stopped."""
    n = a.shape[-1]
    b = np.array(a.reshape((-1, n, n)), copy=True)
    low = np.tril(b)
    info = np.zeros(b.shape[0], _I32)
    with np.errstate(all="ignore"):
        for j in range(n):
            run = info == 0
            ajj = b[:, j, j] - (low[:, j, :j] * low[:, j, :j].conj()).sum(-1)
            bad = run & ~(ajj.real > 0)
            info[bad] = j + 1
            low[bad, j, j] = ajj[bad]
            run &= ~bad
            d = np.sqrt(ajj[run])
            low[run, j, j] = d
            rest = b[run, j + 1:, j] - (low[run, j + 1:, :j] @ low[run, j, :j, None].conj())[..., 0]
            low[run, j + 1:, j] = rest / d[:, None]
    return low.reshape(a.shape), info.reshape(a.shape[:-2])


class Cholesky(MultiOp):
    name = "LinalgCholeskyExBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, upper=False, ex=False, check=True, fname="linalg.cholesky"):
        ctx.upper = upper
        info = None
        src = a.swapaxes(-1, -2).conj() if upper else a      # upper: factor the upper triangle
        try:
            low = np.linalg.cholesky(src)
            if np.isnan(low).any():
                raise np.linalg.LinAlgError   # some LAPACK builds let a NaN pivot through
        except np.linalg.LinAlgError:
            low, info = _cholesky_partial(src)
            if check:
                i, k = _first_failure(info)
                raise LinAlgError(
                    f"{fname}: {batch_prefix(a, i)}The factorization could not be completed "
                    f"because the input is not positive-definite (the leading minor of order {k} "
                    "is not positive-definite).") from None
            n = a.shape[-1]
            ok = (info == 0).reshape(-1)
            if ok.any():
                low.reshape((-1, n, n))[ok] = np.linalg.cholesky(src.reshape((-1, n, n))[ok])
        r = fortran(low)
        if upper:
            r = fortran(r.swapaxes(-1, -2).conj())
        if not ex:
            return r
        return r, (np.zeros(a.shape[:-2], _I32) if info is None else info)

    @staticmethod
    def backward(ctx, g, *_):
        no_complex_grad(ctx, g)
        f = ctx.outs if isinstance(ctx.outs, Tensor) else ctx.outs[0]
        low, gl = (f.mT, g.mT) if ctx.upper else (f, g)
        # A = L L^T:  gA = sym(L^-T Phi(L^T gL) L^-1), Phi = lower triangle, diagonal halved
        p = tril(low.mT @ gl)
        p = p - 0.5 * tril(triu(p))
        li = Inv.apply(low)
        return (sym(li.mT @ p @ li),)


def _cholesky(fname, A, upper, ex, check, exname):
    check_tensor(fname, A)
    check_square(fname, A)
    check_float(fname, A)
    check_kernel("cholesky_cpu", A)
    return Cholesky.apply(A, upper=upper, ex=ex, check=check, fname=exname)


def cholesky(A, *, upper=False, out=None) -> Tensor:
    """L with A = L L^H (or U with A = U^H U when upper=True) for a positive-definite A."""
    r = _cholesky("linalg.cholesky", A, upper, False, True, "linalg.cholesky")
    return r if out is None else write_out(out, r, "linalg_cholesky_ex")


def cholesky_ex(A, *, upper=False, check_errors=False, out=None):
    """(L, info): info > 0 is the order of the first leading minor that is not positive
    definite, instead of an error."""
    r = _cholesky("linalg.cholesky", A, upper, True, check_errors, "linalg.cholesky_ex")
    return write_outs(out, out_names("linalg_cholesky_ex", ("L", "info"))(r),
                      "linalg_cholesky_ex")


# ---------------------------------------------------------------- qr
def _qr_square_grad(q, r, gq, gr):
    """Gradient of A = QR (m >= n, reduced): (gQ + Q copyltu(M)) R^-T, M = R gR^T - gQ^T Q."""
    m = r @ gr.mT - gq.mT @ q
    low = tril(m, -1)
    b = gq + q @ (low + low.mT + tril(triu(m)))
    return Solve.apply(r.mT, b, left=False)


class Qr(MultiOp):
    name = "LinalgQrBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, mode="reduced"):
        ctx.mode = mode
        if mode == "r":
            return np.empty((0,), a.dtype), fortran(np.linalg.qr(a, mode="r"))
        q, r = np.linalg.qr(a, mode=mode)
        return fortran(q), fortran(r)

    @staticmethod
    def backward(ctx, gq, gr):
        no_complex_grad(ctx, gr)
        if ctx.mode == "r":
            raise RuntimeError(
                "The derivative of linalg.qr depends on Q, which is not computed when mode='r'. "
                "Please use linalg.qr(A, mode='reduced') if you are going to differentiate "
                "through linalg.qr.")
        q, r = ctx.outs
        m, n = ctx.inputs[0]._a.shape[-2:]
        if ctx.mode == "complete" and m > n:
            raise RuntimeError("The QR decomposition is not differentiable when mode='complete' "
                               "and nrows > ncols.")
        if m >= n:
            return (_qr_square_grad(q, r, gq, gr),)
        # A = [X | Y] with X = Q R1 (square) and Y = Q R2
        a = ctx.inputs[0]
        y, r1 = a[..., :, m:], r[..., :, :m]
        gr1, gr2 = gr[..., :, :m], gr[..., :, m:]
        gx = _qr_square_grad(q, r1, gq + y @ gr2.mT, gr1)
        return (cat([gx, q @ gr2], -1),)


def qr(A, mode="reduced", *, out=None):
    """(Q, R) with A = QR; mode 'reduced', 'complete', or 'r' (Q is then empty).  Signs of
    Q's columns and R's rows are LAPACK's (Householder) and may differ from torch's build."""
    check_tensor("linalg.qr", A)
    check_ndim("linalg.qr", A)
    check_float("linalg.qr", A)
    check_kernel("geqrf_cpu", A)
    if mode not in ("reduced", "complete", "r"):
        raise RuntimeError(f"qr received unrecognized mode '{mode}' but expected one of "
                           "'reduced' (default), 'r', or 'complete'")
    r = out_names("linalg_qr", ("Q", "R"))(Qr.apply(A, mode=mode))
    return write_outs(out, r, "linalg_qr")


# ---------------------------------------------------------------- svd
class Svd(MultiOp):
    """(U, S, Vh) with A = U diag(S) Vh (gesdd)."""

    name = "LinalgSvdBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, full_matrices=True):
        ctx.full = full_matrices
        u, s, vh = np.linalg.svd(a, full_matrices=full_matrices)
        return fortran(u), s.astype(real_dtype(a), copy=False), fortran(vh)

    @staticmethod
    def backward(ctx, gu, gs, gvh):
        no_complex_grad(ctx, gs)
        u, s, vh = ctx.outs
        m, n = ctx.inputs[0]._a.shape[-2:]
        k = min(m, n)
        if ctx.full and m != n:       # only the first k singular vectors enter A
            u, gu = u[..., :, :k], gu[..., :, :k]
            vh, gvh = vh[..., :k, :], gvh[..., :k, :]
        if not (gu._a.any() or gvh._a.any()):
            return ((u * gs.unsqueeze(-2)) @ vh,)
        v, gv = vh.mT, gvh.mT
        s2 = s._a * s._a
        with np.errstate(divide="ignore"):
            f = s2[..., None, :] - s2[..., :, None]       # F_ij = 1 / (s_j^2 - s_i^2), i != j
            f = np.where(np.eye(k, dtype=bool), 0, 1 / f)
        f = const(f.astype(s._a.dtype, copy=False))
        ss = s.unsqueeze(-2)                               # multiplies columns by s
        ut_gu = u.mT @ gu
        vt_gv = v.mT @ gv
        j = f * (ut_gu - ut_gu.mT)
        kk = f * (vt_gv - vt_gv.mT)
        inner = j * ss + diag_embed(gs) + s.unsqueeze(-1) * kk
        ga = u @ inner @ vh
        sinv = 1 / s
        if m > k:
            ga = ga + (gu - u @ ut_gu) * sinv.unsqueeze(-2) @ vh
        if n > k:
            ga = ga + (u * sinv.unsqueeze(-2)) @ (gv.mT - (gv.mT @ v) @ vh)
        return (ga,)


def _svd_checks(A, driver):
    check_tensor("linalg.svd", A)
    if driver is not None:
        raise RuntimeError("torch.linalg.svd: keyword argument `driver=` is only supported on "
                           "CUDA inputs with cuSOLVER backend.")
    check_ndim("linalg.svd", A)
    check_float("linalg.svd", A)
    check_kernel("linalg_svd_cpu", A)
    check_finite_svd(A._a)


def check_finite_svd(a):
    if not np.isfinite(a).all():
        raise LinAlgError("linalg.svd: The algorithm failed to converge because the input matrix "
                          "contained non-finite values.")


def svd(A, full_matrices=True, *, driver=None, out=None):
    """(U, S, Vh) with A = U diag(S) Vh, S descending.  Column signs of U (and the matching
    rows of Vh) are LAPACK's and may differ from torch's build."""
    _svd_checks(A, driver)
    r = out_names("linalg_svd", ("U", "S", "Vh"))(Svd.apply(A, full_matrices=full_matrices))
    return write_outs(out, r, "_linalg_svd")


def svdvals(A, *, driver=None, out=None) -> Tensor:
    """The singular values of A, descending."""
    _svd_checks(A, driver)
    if A.requires_grad and ENABLED[0]:
        r = Svd.apply(A, full_matrices=False)[1]
    else:
        r = _wrap(np.linalg.svd(A._a, compute_uv=False).astype(real_dtype(A._a), copy=False))
    return r if out is None else write_out(out, r, "_linalg_svd")


# ---------------------------------------------------------------- eigh
class Eigh(MultiOp):
    """(eigenvalues ascending, eigenvectors) of a symmetric matrix (syevd)."""

    name = "LinalgEighBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, uplo="L"):
        w, v = np.linalg.eigh(a, UPLO=uplo)
        return w.astype(real_dtype(a), copy=False), fortran(v)

    @staticmethod
    def backward(ctx, gw, gv):
        no_complex_grad(ctx, gw)
        w, v = ctx.outs
        if not gv._a.any():
            return ((v * gw.unsqueeze(-2)) @ v.mT,)
        n = w._a.shape[-1]
        with np.errstate(divide="ignore"):
            e = w._a[..., None, :] - w._a[..., :, None]     # E_ij = w_j - w_i
            f = np.where(np.eye(n, dtype=bool), 0, 1 / e)
        inner = const(f.astype(w._a.dtype, copy=False)) * (v.mT @ gv) + diag_embed(gw)
        return (sym(v @ inner @ v.mT),)     # torch's gradient is symmetric


def _eigh_checks(A, UPLO):
    check_tensor("linalg.eigh", A)
    check_square("linalg.eigh", A)
    if A.dtype.category < D.FLOAT or A.dtype is D.float16:
        raise NotImplementedError(f'"linalg_eigh_cpu" not implemented for \'{A.dtype.type_name}\'')
    if UPLO not in ("L", "U"):
        raise RuntimeError(f"Expected UPLO argument to be 'L' or 'U', but got {UPLO}")


def eigh(A, UPLO="L", *, out=None):
    """(eigenvalues, eigenvectors) of a symmetric (Hermitian) matrix, reading the UPLO
    triangle; eigenvalues ascending.  Eigenvector signs are LAPACK's and may differ from
    torch's build."""
    _eigh_checks(A, UPLO)
    r = out_names("linalg_eigh", ("eigenvalues", "eigenvectors"))(Eigh.apply(A, uplo=UPLO))
    return write_outs(out, r, "_linalg_eigh")


def eigvalsh(A, UPLO="L", *, out=None) -> Tensor:
    """The eigenvalues (ascending) of a symmetric (Hermitian) matrix."""
    _eigh_checks(A, UPLO)
    if A.requires_grad and ENABLED[0]:
        r = Eigh.apply(A, uplo=UPLO)[0]
    else:
        r = _wrap(np.linalg.eigvalsh(A._a, UPLO=UPLO).astype(real_dtype(A._a), copy=False))
    return r if out is None else write_out(out, r, "_linalg_eigh")


__all__ = ["cholesky", "cholesky_ex", "qr", "svd", "svdvals", "eigh", "eigvalsh"]
