"""Inverses, determinants and linear solves: inv(_ex), det, slogdet, solve(_ex).

Forward runs numpy.linalg (LAPACK's getrf-based routines, as torch's CPU kernels), batched.
When NumPy reports a singular matrix, ``lu_info`` repeats LAPACK's partial-pivoting LU in
NumPy to find what torch reports: the first exactly zero pivot ("The diagonal element 2 is
zero") and which matrix of the batch failed.  Results are returned column-major per matrix,
as torch's (LAPACK's) are.  For a singular matrix torch's inv_ex / solve_ex return whatever
LAPACK left in the output; torchless returns NaN there (only ``info`` is specified).
"""
from __future__ import annotations

import numpy as np

from .._size import infer_size
from .._tensor import Tensor
from ..autograd.function import NONE, Op
from ..autograd.grad_mode import ENABLED
from ..ops.reduction import write_out
from ._common import (LinAlgError, MultiOp, batch_prefix, check_float, check_kernel,
                      check_low_precision, check_square, check_tensor, const, fortran,
                      no_complex_grad, out_names, write_outs)

_I32 = np.int32


# ---------------------------------------------------------------- LU pivots (errors only)
def lu_info(a):
    """LAPACK getrf's ``info`` for each matrix of a (batch shape): 0, or the 1-based index of
    the first pivot that is exactly zero after partial pivoting."""
    n = a.shape[-1]
    b = np.array(a.reshape((-1, n, n)), copy=True)
    info = np.zeros(b.shape[0], _I32)
    rows = np.arange(b.shape[0])
    with np.errstate(all="ignore"):
        for k in range(n):
            p = k + np.abs(b[:, k:, k]).argmax(1)
            zero = b[rows, p, k] == 0
            info[(info == 0) & zero] = k + 1
            top = b[rows, k].copy()
            b[rows, k] = b[rows, p]
            b[rows, p] = top
            piv = np.where(zero, 1, b[:, k, k])
            low = b[:, k + 1:, k] / piv[:, None]
            low[zero] = 0
            b[:, k + 1:, k + 1:] -= low[:, :, None] * b[:, k, None, k + 1:]
    return info.reshape(a.shape[:-2])


def _per_matrix(fn, a, info, out_shape, dtype):
    """fn applied to the matrices whose info is 0; NaN for the others."""
    res = np.full(out_shape, np.nan, dtype)
    ok = (info == 0).reshape(-1)
    flat = res.reshape((-1,) + out_shape[-2:])
    if ok.any():
        try:
            flat[ok] = fn(ok)
        except np.linalg.LinAlgError:
            # NaN entries: LAPACK may stop on them although no pivot is exactly zero
            for i in np.flatnonzero(ok):
                one = np.zeros(ok.shape, bool)
                one[i] = True
                try:
                    flat[i] = fn(one)[0]
                except np.linalg.LinAlgError:
                    pass
    return flat.reshape(out_shape)


def _first_failure(info):
    bad = np.flatnonzero(info.reshape(-1))
    return (int(bad[0]), int(info.reshape(-1)[bad[0]])) if bad.size else None


# ---------------------------------------------------------------- inv
def _inv_forward(a):
    """(inverse, info) of a batch of square matrices."""
    try:
        return np.linalg.inv(a), None
    except np.linalg.LinAlgError:
        info = lu_info(a)
        n = a.shape[-1]
        flat = a.reshape((-1, n, n))
        return _per_matrix(lambda ok: np.linalg.inv(flat[ok]), a, info, a.shape, a.dtype), info


def _inv_error(fname, a, info):
    i, k = _first_failure(info)
    return LinAlgError(f"{fname}: {batch_prefix(a, i)}The diagonal element {k} is zero, the "
                       "inversion could not be completed because the input matrix is singular.")


class Inv(MultiOp):
    """The inverse of a batch of matrices; ``ex`` adds LAPACK's info (inv_ex)."""

    name = "LinalgInvExBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, ex=False, check=True, fname="linalg.inv"):
        inv, info = _inv_forward(a)
        if info is not None and check:
            raise _inv_error(fname, a, info)
        inv = fortran(inv)
        if not ex:
            return inv
        return inv, (np.zeros(a.shape[:-2], _I32) if info is None else info)

    @staticmethod
    def backward(ctx, g, *_):
        no_complex_grad(ctx, g)
        x = ctx.outs if isinstance(ctx.outs, Tensor) else ctx.outs[0]
        xt = x.mT
        return (-(xt @ g @ xt),)


def _prepare(fname, A):
    check_tensor(fname, A)
    check_square(fname, A)
    check_float(fname, A)
    check_low_precision(fname, A)


def inv(A, *, out=None) -> Tensor:
    """The inverse of a square matrix (or batch); LinAlgError if it is singular."""
    _prepare("linalg.inv", A)
    r = Inv.apply(A)
    return r if out is None else write_out(out, r, "linalg_inv_ex")


def inv_ex(A, *, check_errors=False, out=None):
    """(inverse, info): info > 0 marks a singular matrix instead of raising (its inverse is
    NaN here; torch leaves LAPACK's partial result, which is unspecified)."""
    _prepare("linalg.inv", A)
    r = Inv.apply(A, ex=True, check=check_errors, fname="linalg.inv_ex")
    return write_outs(out, out_names("linalg_inv_ex", ("inverse", "info"))(r), "linalg_inv_ex")


# ---------------------------------------------------------------- det, slogdet
def _adjugate_t(a):
    """d det(A) / dA = adj(A)^T, also for singular A: det(U) det(Vh) U diag(prod_{j!=i} s_j) Vh."""
    u, s, vh = np.linalg.svd(a)
    ones = np.ones(s.shape[:-1] + (1,), s.dtype)
    left = np.cumprod(np.concatenate([ones, s[..., :-1]], -1), -1)
    right = np.cumprod(np.concatenate([ones, s[..., :0:-1]], -1), -1)[..., ::-1]
    sign = np.linalg.det(u) * np.linalg.det(vh)
    return (u * (left * right)[..., None, :]) @ vh * sign[..., None, None]


class Det(Op):
    name = "LinalgDetBackward0"
    kind = NONE
    save_output = True

    @staticmethod
    def forward(ctx, a):
        return np.linalg.det(a) if a.shape[-1] else np.ones(a.shape[:-2], a.dtype)

    @staticmethod
    def backward(ctx, g):
        no_complex_grad(ctx, g)
        a = ctx.inputs[0]
        d = ctx.out
        ok = d._a != 0
        if ok.all():
            # det(A) A^-T, written with the inverse op so that it differentiates again
            return ((g * d).unsqueeze(-1).unsqueeze(-1) * Inv.apply(a).mT,)
        if ENABLED[0] or a._a.shape[-1] == 1:
            w = _adjugate_t(a._a)       # the true derivative, adj(A)^T (torch with create_graph)
        else:
            # torch's first-order backward gives 0 for an exactly singular matrix (it solves
            # with det(A) = 0 on the right-hand side)
            with np.errstate(all="ignore"):
                w = d._a[..., None, None] * np.linalg.pinv(a._a).swapaxes(-1, -2)
            w[~ok] = 0
        return (g.unsqueeze(-1).unsqueeze(-1) * const(w),)


def det(A, *, out=None) -> Tensor:
    """The determinant of a square matrix (or batch)."""
    check_tensor("linalg.det", A)
    check_square("linalg.det", A)
    check_float("linalg.det", A)
    check_kernel("lu_cpu", A)
    r = Det.apply(A)
    return r if out is None else write_out(out, r, "_linalg_det")


class Slogdet(MultiOp):
    """(sign, log|det|); only log|det| carries a gradient for real input."""

    name = "LinalgSlogdetBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a):
        if not a.shape[-1]:
            return np.ones(a.shape[:-2], a.dtype), np.zeros(a.shape[:-2], a.dtype)
        sign, logabs = np.linalg.slogdet(a)
        return sign, logabs

    @staticmethod
    def backward(ctx, gsign, glog):
        no_complex_grad(ctx, glog)
        # log|det| has gradient A^-T; for a singular matrix it is not finite (NaN here)
        inv_a = Inv.apply(ctx.inputs[0], check=False)
        return (glog.unsqueeze(-1).unsqueeze(-1) * inv_a.mT,)


def slogdet(A, *, out=None):
    """(sign, logabsdet) of the determinant of a square matrix (or batch)."""
    _prepare("linalg.slogdet", A)
    r = out_names("linalg_slogdet", ("sign", "logabsdet"))(Slogdet.apply(A))
    return write_outs(out, r, "_linalg_slogdet")


# ---------------------------------------------------------------- solve
def _solve_shapes(fname, A, B, left):
    """(vector case?, B as matrices (n x k, already transposed for left=False), batch)."""
    a, b = A._a, B._a
    n = a.shape[-1]
    vector = b.ndim == 1 or (b.ndim == a.ndim - 1 and b.shape == a.shape[:-1])
    bm = b[..., None] if vector else b
    if bm.ndim < 2:
        raise RuntimeError(f"{fname}: The input tensor B must have at least 2 dimensions.")
    if left and bm.shape[-2] != n:
        raise RuntimeError(f"{fname}: Incompatible shapes of A and B for the equation AX = B "
                           f"({n}x{n} and {bm.shape[-2]}x{bm.shape[-1]})")
    if not left and bm.shape[-1] != n:
        raise RuntimeError(f"{fname}: Incompatible shapes of A and B for the equation XA = B "
                           f"({n}x{n} and {bm.shape[-2]}x{bm.shape[-1]})")
    batch = tuple(infer_size(bm.shape[:-2], a.shape[:-2]))
    return vector, bm, batch


class Solve(MultiOp):
    """X with AX = B (left) or XA = B; ``ex`` adds LAPACK's info (solve_ex)."""

    name = "LinalgSolveExBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, b, left=True, vector=False, ex=False, check=True,
                fname="torch.linalg.solve"):
        ctx.left, ctx.vector = left, vector
        bm = b[..., None] if vector else b
        if not left:
            a, bm = a.swapaxes(-1, -2), bm.swapaxes(-1, -2)
        batch = np.broadcast_shapes(a.shape[:-2], bm.shape[:-2])
        a = np.broadcast_to(a, batch + a.shape[-2:])
        bm = np.broadcast_to(bm, batch + bm.shape[-2:])
        info = None
        try:
            x = np.linalg.solve(a, bm)
        except np.linalg.LinAlgError:
            info = lu_info(a)
            if check:
                i = _first_failure(info)[0]
                raise LinAlgError(f"{fname}: {batch_prefix(a, i)}The solver failed because the "
                                  "input matrix is singular.") from None
            n, k = bm.shape[-2:]
            fa, fb = a.reshape((-1, n, n)), bm.reshape((-1, n, k))
            x = _per_matrix(lambda ok: np.linalg.solve(fa[ok], fb[ok]), a, info, bm.shape, a.dtype)
        x = fortran(x)
        if not left:
            x = x.swapaxes(-1, -2)
        if vector:
            x = x[..., 0]
        if not ex:
            return x
        return x, (np.zeros(batch, _I32) if info is None else info)

    @staticmethod
    def backward(ctx, g, *_):
        no_complex_grad(ctx, g)
        a = ctx.inputs[0]
        x = ctx.outs if isinstance(ctx.outs, Tensor) else ctx.outs[0]
        if ctx.vector:
            g, x = g.unsqueeze(-1), x.unsqueeze(-1)
        at = a.mT
        if ctx.left:      # X = A^-1 B:  gB = A^-T G,  gA = -gB X^T
            gb = Solve.apply(at, g)
            ga = -(gb @ x.mT)
        else:             # X = B A^-1:  gB = G A^-T,  gA = -X^T gB
            gb = Solve.apply(at, g, left=False)
            ga = -(x.mT @ gb)
        return ga, (gb.squeeze(-1) if ctx.vector else gb)


def _solve(fname, A, B, left, ex, check, exname):
    check_tensor(fname, A)
    check_tensor(fname, B, "B", 2)
    check_float(fname, A)
    check_square(fname, A)
    check_float(fname, B)
    if A.dtype is not B.dtype:
        raise RuntimeError(f"{fname}: Expected A and B to have the same dtype, but found A of "
                           f"type {A.dtype.type_name} and B of type {B.dtype.type_name} instead")
    check_kernel("lu_cpu", A)
    vector = _solve_shapes(fname, A, B, left)[0]
    return Solve.apply(A, B, left=left, vector=vector, ex=ex, check=check, fname=exname)


def solve(A, B, *, left=True, out=None) -> Tensor:
    """The solution X of AX = B (or XA = B with left=False); B may be a (batch of) vector(s)."""
    r = _solve("linalg.solve", A, B, left, False, True, "torch.linalg.solve")
    return r if out is None else write_out(out, r, "_linalg_solve_ex")


def solve_ex(A, B, *, left=True, check_errors=False, out=None):
    """(result, info) of solve; info > 0 marks a singular matrix instead of raising (its
    result is NaN here; torch leaves LAPACK's partial result, which is unspecified)."""
    r = _solve("linalg.solve", A, B, left, True, check_errors, "torch.linalg.solve_ex")
    return write_outs(out, out_names("linalg_solve_ex", ("result", "info"))(r), "_linalg_solve_ex")


__all__ = ["inv", "inv_ex", "det", "slogdet", "solve", "solve_ex"]
