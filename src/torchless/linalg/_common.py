"""What the torch.linalg functions share: LinAlgError, torch's argument checks and messages,
LAPACK's output layout, the return types, and a few matrix helpers written in Tensor ops
(so that backward formulas built from them can be differentiated again)."""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ..autograd.function import Op
from ..autograd.grad_mode import ENABLED
from ..ops.reduction import _structseq, return_types, write_out


class LinAlgError(RuntimeError):
    """torch.linalg.LinAlgError: a RuntimeError raised when a matrix is singular, not positive
    definite, or an algorithm does not converge."""


# torch's class is torch._C._LinAlgError, and that is the name a traceback shows
LinAlgError.__name__ = LinAlgError.__qualname__ = "_LinAlgError"
LinAlgError.__module__ = "torchless.linalg"


# ---------------------------------------------------------------- checks and messages
def check_tensor(fname, x, argname="A", pos=1):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fname}(): argument '{argname}' (position {pos}) must be Tensor, not "
                        f"{type(x).__name__}")


def check_ndim(fname, x, name="A"):
    if x._a.ndim < 2:
        raise RuntimeError(f"{fname}: The input tensor {name} must have at least 2 dimensions.")


def check_square(fname, x, name="A"):
    """At least 2 dims and square matrices (torch checks both before the dtype)."""
    check_ndim(fname, x, name)
    m, n = x._a.shape[-2:]
    if m != n:
        raise RuntimeError(f"{fname}: {name} must be batches of square matrices, but they are "
                           f"{m} by {n} matrices")


def check_float(fname, x):
    if x.dtype.category < D.FLOAT:
        raise RuntimeError(f"{fname}: Expected a floating point or complex tensor as input. Got "
                           f"{x.dtype.type_name}")


def check_low_precision(fname, x):
    if x.dtype is D.float16:
        raise RuntimeError(f"{fname}: Low precision dtypes not supported. Got Half")


def check_kernel(kernel, x):
    """torch's dispatch error for half precision, which LAPACK has no routine for."""
    if x.dtype is D.float16:
        raise NotImplementedError(f'"{kernel}" not implemented for \'Half\'')


def batch_prefix(a, index):
    """torch's "(Batch element i): " for the flat index of a failing matrix in a batch."""
    return f"(Batch element {index}): " if a.ndim > 2 else ""


# ---------------------------------------------------------------- layout
def fortran(a):
    """a with each matrix stored column-major, as LAPACK (and so torch) returns it."""
    if a.ndim < 2:
        return a
    return np.ascontiguousarray(a.swapaxes(-1, -2)).swapaxes(-1, -2)


def real_dtype(a):
    return a.real.dtype if a.dtype.kind == "c" else a.dtype


# ---------------------------------------------------------------- ops with several outputs
class MultiOp(Op):
    """An Op with several outputs whose backward reads the outputs as Tensors (``ctx.outs``),
    so that a gradient written with them can be differentiated again."""

    def _link(self, inputs, out):
        res = super()._link(inputs, out)
        self._out = res
        return res

    @property
    def outs(self):
        self.check_saved()
        return self.__dict__["_out"]


def no_complex_grad(ctx, x):
    if x.dtype.is_complex:
        raise NotImplementedError(f"the derivative of {ctx.name_()} for complex inputs is not "
                                  "implemented in torchless")


def out_names(name, names):
    """The return type torch.return_types.<name>, registered on first use."""
    cls = getattr(return_types, name, None)
    if cls is None:
        cls = _structseq(name, names)
        setattr(return_types, name, cls)
    return cls


def write_out_copy(out, r, fname):
    """out= of torch's composite functions (matrix_norm, norm, cond): the result is copied
    in, so one that requires grad gives out a CopyBackwards grad_fn instead of an error."""
    if not (ENABLED[0] and r.requires_grad):
        return write_out(out, r, fname)
    write_out(out, r.detach(), fname)        # resizes (with torch's warning) and checks dtypes
    return out.copy_(r)


def write_outs(out, res, fname):
    """out= for a function returning several tensors."""
    if out is None:
        return res
    write_out(tuple(out), tuple(res), fname)
    cls = type(res)
    return out_names(cls.__name__ + "_out", cls._names)(tuple(out))    # torch's name for out=


# ---------------------------------------------------------------- Tensor-op helpers
def const(a):
    """A tensor around a NumPy array that carries no gradient."""
    return _wrap(np.ascontiguousarray(a))


def diag_embed(v):
    """Matrices with the last dim of v on their diagonal (Tensor ops)."""
    n = v._a.shape[-1]
    return v.unsqueeze(-1) * const(np.eye(n, dtype=v._a.dtype))


def tril(m, k=0):
    """The lower triangle (below diagonal k) of a batch of matrices (Tensor ops)."""
    r, c = m._a.shape[-2:]
    return m * const(np.tri(r, c, k, dtype=m._a.dtype))


def triu(m, k=0):
    r, c = m._a.shape[-2:]
    return m * const(1 - np.tri(r, c, k - 1, dtype=m._a.dtype))


def sym(m):
    return (m + m.mT) * 0.5
