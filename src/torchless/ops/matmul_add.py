"""addmm: beta * input + alpha * (mat1 @ mat2), torch's fused matrix product with a bias."""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.function import NONE, Op
from ._inplace import apply_inplace
from .conversion import type_name
from .linalg import (_BOOL, _CTYPE, Matmul, _check_tensors, _into, _matmul, _mm_shape_error, _ndot,
                     _not_implemented)


def _as_int_scalar(v):
    return int(v.real) if isinstance(v, complex) else int(v)


class Addmm(Op):
    """beta * input + alpha * (mat1 @ mat2); the product is skipped when alpha is 0 and
    input is ignored (even nan) when beta is 0, as in torch."""

    name = "AddmmBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, c, a, b, beta=1, alpha=1):
        ctx.beta, ctx.alpha = beta, alpha
        n, p = a.shape[0], b.shape[1]
        if a.dtype == np.float16:
            r = _matmul(a.astype(np.float32), b.astype(np.float32))
        elif alpha == 0:
            r = np.zeros((n, p), a.dtype)
        else:
            r = _ndot(a, b) if a.flags.c_contiguous else _matmul(a, b)
        if alpha != 1 and alpha != 0:
            r *= alpha
        if beta == 1:
            r += c
        elif beta != 0:
            r += beta * c
        return r if r.dtype == a.dtype else r.astype(a.dtype)

    @staticmethod
    def backward(ctx, g):
        c, a, b = ctx.inputs
        beta, alpha = ctx.beta, ctx.alpha
        need = ctx.needs_input_grad
        gc = (g if beta == 1 else g * beta) if need[0] else None
        ga = gb = None
        if need[1]:
            ga = Matmul.apply(g, b, tb=True)
            ga = ga if alpha == 1 else ga * alpha
        if need[2]:
            gb = Matmul.apply(a, g, ta=True)
            gb = gb if alpha == 1 else gb * alpha
        return gc, ga, gb


def _check_addmm(input, mat1, mat2, beta, alpha):
    """torch.addmm's checks (dtypes first, then dims, shapes and input's broadcast)."""
    d = mat2.dtype
    if input.dtype is not d:
        raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                           f"{input.dtype.type_name} and {d.type_name}")
    if mat1.dtype is not d:
        raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got "
                           f"{mat1.dtype.type_name} and {d.type_name}")
    for n, t in (("mat1", mat1), ("mat2", mat2)):
        if t._a.ndim != 2:
            raise RuntimeError(f"{n} must be a matrix, got {t._a.ndim}-D tensor")
    (n, m), (k, p) = mat1._a.shape, mat2._a.shape
    if m != k:
        raise _mm_shape_error(n, m, k, p)
    s = input._a.shape
    if len(s) > 2:
        legacy = (input.dtype.legacy if input.dtype.category in (D.INT, D.FLOAT)
                  else f"CPU{input.dtype.type_name}Type")
        raise RuntimeError(f"expand({legacy}{{[{', '.join(map(str, s))}]}}, size=[{n}, {p}]): "
                           f"the number of sizes provided (2) must be greater or equal to the number "
                           f"of dimensions in the tensor ({len(s)})")
    target = (n, p)
    for i in range(1, len(s) + 1):
        if s[-i] != target[-i] and s[-i] != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({target[-i]}) must match the existing size "
                f"({s[-i]}) at non-singleton dimension {2 - i}.  Target sizes: [{n}, {p}].  "
                f"Tensor sizes: [{', '.join(map(str, s))}]")
    if d is _BOOL:
        raise _not_implemented("addmm_impl_cpu_", _BOOL)
    for v in (beta, alpha):
        if isinstance(v, complex) and not d.is_complex:
            raise RuntimeError(f"value cannot be converted to type {_CTYPE[d]} without overflow")
    if d.category == D.INT:
        # integer kernels use integer scalars (0.5 becomes 0)
        beta, alpha = _as_int_scalar(beta), _as_int_scalar(alpha)
    return beta, alpha


def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (mat1 @ mat2), input broadcast to the product's shape."""
    _check_tensors("addmm", ("input", "mat1", "mat2"), (input, mat1, mat2))
    beta, alpha = _check_addmm(input, mat1, mat2, beta, alpha)
    if beta == 1 and alpha == 1:
        r = Addmm.apply(input, mat1, mat2)
    else:
        r = Addmm.apply(input, mat1, mat2, beta=beta, alpha=alpha)
    return r if out is None else _into(out, r, "addmm")


def _addmm_(self, mat1, mat2, *, beta=1, alpha=1):
    _check_tensors("addmm_", ("mat1", "mat2"), (mat1, mat2))
    beta, alpha = _check_addmm(self, mat1, mat2, beta, alpha)
    shape = (mat1._a.shape[0], mat2._a.shape[1])
    if self._a.shape != shape:
        raise RuntimeError(f"Bad in-place call: input tensor size [{', '.join(map(str, self._a.shape))}] "
                           f"and output tensor size [{', '.join(map(str, shape))}] should match")
    return apply_inplace(Addmm, self, mat1, mat2, beta=beta, alpha=alpha)


def _addmm_method(self, mat1, mat2, *, beta=1, alpha=1):
    _check_tensors("addmm", ("mat1", "mat2"), (mat1, mat2))
    return addmm(self, mat1, mat2, beta=beta, alpha=alpha)


Tensor.addmm = _addmm_method
Tensor.addmm_ = _addmm_


# ---------------------------------------------------------------- torch.det and friends
# torch's older names for torch.linalg functions; torch.linalg loads on first use.
def _linalg():
    from .. import linalg
    return linalg


def det(input):
    """Determinant of a (batch of) square matrices: torch.linalg.det."""
    return _linalg().det(input)


def inverse(input, *, out=None):
    """Inverse of a (batch of) square matrices: torch.linalg.inv."""
    return _linalg().inv(input, out=out)


def slogdet(input):
    """(sign, log|det|) of a (batch of) square matrices, as torch.return_types.slogdet."""
    from ..linalg._common import out_names
    return out_names("slogdet", ("sign", "logabsdet"))(_linalg().slogdet(input))


def logdet(input):
    """log(det(input)): nan where the determinant is negative, -inf where it is 0."""
    from .ternary import where
    sign, logabs = _linalg().slogdet(input)
    return where(sign < 0, float("nan"), logabs)


def pinverse(input, rcond=1e-15):
    """Pseudo-inverse with singular values below rcond * the largest cut: torch.linalg.pinv."""
    return _linalg().pinv(input, rtol=rcond)


def matrix_power(input, n):
    """input multiplied by itself n times (n < 0: of its inverse): torch.linalg.matrix_power."""
    return _linalg().matrix_power(input, n)


def matrix_exp(input):
    """Matrix exponential: torch.linalg.matrix_exp."""
    return _linalg().matrix_exp(input)


for _f in (det, inverse, slogdet, logdet, pinverse, matrix_power, matrix_exp):
    setattr(Tensor, _f.__name__, _f)
del _f

__all__ = ["addmm", "det", "inverse", "slogdet", "logdet", "pinverse", "matrix_power",
           "matrix_exp"]
