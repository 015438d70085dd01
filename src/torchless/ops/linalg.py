"""Matrix products: mm, matmul (@), bmm, mv, dot, outer/ger, einsum (addmm: ops/addmm.py).

torch does not promote in matrix products: both operands must have one dtype, and each
entry point checks shapes, then dtypes, with its own message (mm's, mv's, bmm's, dot's).
``matmul`` picks one of those kernels from the operands' dims exactly as torch does, so a
mistake raises the message of the kernel torch would have run (see ``_plan``).

One primitive, ``Matmul``, computes every product with NumPy (``ndarray.dot`` for plain 2-D
operands, the cheapest NumPy call for tiny ones; ``np.matmul`` otherwise, BLAS for large
ones); its grad_fn takes the name of torch's final node for the case (MmBackward0,
UnsafeViewBackward0 ...).  Its backward is written with Matmul itself (on transposed views,
so no copies) and einsum, so second derivatives work.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._size import infer_size
from .._tensor import Tensor, _wrap
from ..autograd.function import NOCTX, NONE, SAME, Op
from ..autograd.grad_mode import ENABLED
from ._einsum import einsum
from ._inplace import apply_inplace
from .conversion import type_name

_BOOL = D.bool_
_matmul = np.matmul
_ndot = np.ndarray.dot


def _dot_product(a, b):
    """2-D product: ndarray.dot has the cheapest call, but with a transposed (F-ordered) left
    operand it leaves BLAS (~10x slower at 64x784); np.matmul handles every layout well."""
    return _ndot(a, b) if a.flags.c_contiguous else _matmul(a, b)

# torch names C++ scalar types in mm's dtype message
_CTYPE = {D.float32: "float", D.float64: "double", D.float16: "c10::Half", D.int64: "long int",
          D.int32: "int", D.int16: "short int", D.int8: "signed char", D.uint8: "unsigned char",
          D.bool_: "bool", D.complex64: "c10::complex<float>", D.complex128: "c10::complex<double>"}


# ---------------------------------------------------------------- errors
def _not_tensor(fname, argname, pos, x):
    return TypeError(f"{fname}(): argument '{argname}' (position {pos}) must be Tensor, "
                     f"not {type_name(x)}")


def _check_tensors(fname, names, args, first_pos=1):
    for i, (n, x) in enumerate(zip(names, args)):
        if not isinstance(x, Tensor):
            raise _not_tensor(fname, n, first_pos + i, x)


def _not_implemented(kernel, d):
    return NotImplementedError(f'"{kernel}" not implemented for \'{d.type_name}\'')


def _mm_shape_error(n, m, k, p):
    return RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({n}x{m} and {k}x{p})")


def _mm_dtype_error(d1, d2):
    return RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                        f"{_CTYPE[d1]} != {_CTYPE[d2]}")


def _mv_shape_error(n, m, k):
    return RuntimeError(f"size mismatch, got input ({n}), mat ({n}x{m}), vec ({k})")


def _mv_dtype_error(dmat, dvec):
    return RuntimeError(f"addmv input tensors must have the same dtype, but got "
                        f"{dvec.type_name}, {dmat.type_name}, and {dvec.type_name}")


def _bmm_shape_error(batch, m, b0, b1):
    return RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                        f"[{batch}, {m}] but got: [{b0}, {b1}].")


def _scalar_type_error(d1, d2):
    return RuntimeError(f"expected scalar type {d1.type_name} but found {d2.type_name}")


def _prod(shape):
    n = 1
    for s in shape:
        n *= s
    return n


def _foldable(a):
    """Whether a's batch dims and rows merge into one dim without a copy (a view)."""
    if a.size == 0:
        return True
    st, shape = a.strides, a.shape
    for i in range(a.ndim - 2):
        if st[i] != st[i + 1] * shape[i + 1]:
            return False
    return True


def broadcast_batch(s1, s2):
    """Broadcast two shapes, raising torch's message (dims counted in the result)."""
    return tuple(infer_size(s1, s2))


# ---------------------------------------------------------------- the primitive
class Matmul(Op):
    """op(a) @ op(b) with NumPy's matmul rules; op transposes the last two dims when asked.

    ``name`` is the grad_fn name torch shows for the case; ``ta``/``tb`` let backward
    multiply by a transposed operand without a copy."""

    name = "MmBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, b, name="MmBackward0", ta=False, tb=False):
        ctx.name = name
        ctx.ta = ta
        ctx.tb = tb
        if ta:
            a = a.swapaxes(-1, -2)
        if tb:
            b = b.swapaxes(-1, -2)
        if a.dtype == np.float16:
            # accumulate in float32, as torch's CPU kernels do, then round once
            return _matmul(a.astype(np.float32), b.astype(np.float32)).astype(np.float16)
        if a.ndim == 2 and b.ndim == 2:
            return _dot_product(a, b)
        return _matmul(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.inputs
        if a.dtype.is_complex:      # complex: the gradients multiply by the conjugates
            a, b = a.conj(), b.conj()
        ta, tb = ctx.ta, ctx.tb
        na, nb = a._a.ndim, b._a.ndim
        ga = gb = None
        if na == 1 or nb == 1:
            # vector cases (never transposed): dot, mv, vector @ matrix, and their folds
            need_a, need_b = ctx.needs_input_grad
            if na == 1 and nb == 1:
                return (g * b if need_a else None), (g * a if need_b else None)
            if nb == 1:
                return (einsum("...n,m->...nm", g, b) if need_a else None,
                        einsum("...nm,...n->m", a, g) if need_b else None)
            return (einsum("...kp,...p->k", b, g) if need_a else None,
                    einsum("k,...p->...kp", a, g) if need_b else None)
        # C = A'B' with A' = op(a), B' = op(b):  dA' = G B'^T,  dB' = A'^T G
        if not ENABLED[0]:
            # no graph of the backward: the same products, straight on the arrays
            need_a, need_b = ctx.needs_input_grad
            fwd = Matmul.forward
            ga_, a_, b_ = g._a, a._a, b._a
            if need_a:
                ga = _wrap(fwd(NOCTX, ga_, b_, tb=not tb) if not ta
                           else fwd(NOCTX, b_, ga_, ta=tb, tb=True), g.dtype)
            if need_b:
                gb = _wrap(fwd(NOCTX, a_, ga_, ta=not ta) if not tb
                           else fwd(NOCTX, ga_, a_, ta=True, tb=ta), g.dtype)
            return ga, gb
        if ctx.needs_input_grad[0]:
            ga = (Matmul.apply(g, b, name="MmBackward0", tb=not tb) if not ta
                  else Matmul.apply(b, g, name="MmBackward0", ta=tb, tb=True))
        if ctx.needs_input_grad[1]:
            gb = (Matmul.apply(a, g, name="MmBackward0", ta=not ta) if not tb
                  else Matmul.apply(g, a, name="MmBackward0", ta=True, tb=ta))
        return ga, gb


def _product(x, y, name, out, fname):
    """Run Matmul on checked operands (short path when no graph is needed)."""
    if out is not None:
        return _into(out, _product(x, y, name, None, fname), fname)
    if ENABLED[0] and (x.requires_grad or y.requires_grad):
        return Matmul.apply(x, y, name=name)
    return _wrap(Matmul.forward(NOCTX, x._a, y._a))


def _into(out, r, fname):
    """Write result r into the ``out=`` tensor (resized when its shape differs, as torch does)."""
    if not isinstance(out, Tensor):
        raise _not_tensor(fname, "out", 3, out)
    if out.dtype is not r.dtype:
        raise RuntimeError(f"Expected out tensor to have dtype {_CTYPE[r.dtype]}, but got "
                           f"{_CTYPE[out.dtype]} instead")
    if ENABLED[0] and (out.requires_grad or r.requires_grad):
        raise RuntimeError(f"{fname}(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    if out._a.shape != r._a.shape:
        if out._a.size:
            import warnings
            warnings.warn(
                f"An output with one or more elements was resized since it had shape "
                f"[{', '.join(map(str, out._a.shape))}], which does not match the required output "
                f"shape [{', '.join(map(str, r._a.shape))}]. This behavior is deprecated, and in a "
                "future PyTorch release outputs will not be resized unless they have zero elements. "
                "You can explicitly reuse an out tensor t by resizing it, inplace, to zero elements "
                "with t.resize_(0).", UserWarning, stacklevel=3)
        out._a = np.array(r._a, copy=True)
    else:
        np.copyto(out._a, r._a)
    return out


# ---------------------------------------------------------------- checks per kernel
def _check_mm(x, y):
    """torch.mm's checks: dims, shapes, dtypes, then kernel support."""
    if x._a.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if y._a.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    (n, m), (k, p) = x._a.shape, y._a.shape
    if m != k:
        raise _mm_shape_error(n, m, k, p)
    _mm_kernel(x.dtype, y.dtype, n * m * p)


def _mm_kernel(d1, d2, work):
    """mm's dtype check; the kernel (which has no bool version) runs only on non-empty work."""
    if d1 is not d2:
        raise _mm_dtype_error(d1, d2)
    if d1 is _BOOL and work:
        raise _not_implemented("addmm_impl_cpu_", _BOOL)


def _mv_kernel(dmat, dvec, work):
    if dmat is not dvec:
        raise _mv_dtype_error(dmat, dvec)
    if dmat is _BOOL and work:
        raise _not_implemented("addmv_impl_cpu", _BOOL)


def _bmm_kernel(d1, d2, work):
    """bmm checks dtypes only when there is work to do (an empty product takes mat2's dtype)."""
    if work:
        if d1 is _BOOL:
            raise _not_implemented("bmm", _BOOL)
        if d1 is not d2:
            raise _scalar_type_error(d1, d2)


def _check_dot(x, y):
    nx, ny = x._a.ndim, y._a.ndim
    if nx != 1 or ny != 1:
        raise RuntimeError(f"1D tensors expected, but got {nx}D and {ny}D tensors")
    if x.dtype is not y.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{x.dtype.type_name} and {y.dtype.type_name}")
    n, k = x._a.shape[0], y._a.shape[0]
    if n != k:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{n}] and src [{k}] to have "
                           f"the same number of elements, but got {n} and {k} elements respectively")
    if x.dtype is _BOOL:
        raise _not_implemented("dot", _BOOL)


def _check_mv(x, y):
    if x._a.ndim != 2 or y._a.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {x._a.ndim}, {y._a.ndim}")
    (n, m), k = x._a.shape, y._a.shape[0]
    if m != k:
        raise _mv_shape_error(n, m, k)
    _mv_kernel(x.dtype, y.dtype, n * m)


def _check_bmm(x, y):
    if x._a.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if y._a.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    (bx, n, m), (by, k, p) = x._a.shape, y._a.shape
    if bx != by or m != k:
        raise _bmm_shape_error(bx, m, by, k)
    _bmm_kernel(x.dtype, y.dtype, bx * n * m * p)


def _plan(x, y):
    """The grad_fn name of torch.matmul(x, y), after torch's checks for the kernel it uses.

    torch reduces matmul to dot (1-D @ 1-D), mv (2-D @ 1-D), mm (1-D/2-D @ 2-D), a "fold"
    of the batch dims into the rows of one mm/mv (N-D @ 1-D/2-D, or its transpose when the
    batched operand comes second), or bmm over broadcast batch dims.
    """
    a, b = x._a, y._a
    d1, d2 = a.ndim, b.ndim
    if d1 == 0 or d2 == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{d1}D and {d2}D")
    dt, same = x.dtype, x.dtype is y.dtype
    if d1 <= 2 and d2 <= 2:
        if d1 == 1 and d2 == 1:
            _check_dot(x, y)
            return "DotBackward0"
        if d2 == 1:
            _check_mv(x, y)
            return "MvBackward0"
        n, m = a.shape if d1 == 2 else (1, a.shape[0])
        k, p = b.shape
        if m != k:
            raise _mm_shape_error(n, m, k, p)
        _mm_kernel(dt, y.dtype, n * m * p)
        return "MmBackward0" if d1 == 2 else "SqueezeBackward4"
    # N-D @ 1-D/2-D folds x's batch dims into the rows of one mm/mv when that needs no copy
    # of x, or always when y requires grad (torch then also folds a 3-D y with one batch)
    if d1 >= 3 and (d2 <= 2 and (y.requires_grad or _foldable(a)) or (
            d1 == 3 and d2 == 3 and b.shape[0] == 1 and a.shape[0] != 1 and y.requires_grad)):
        rows, m = _prod(a.shape[:-1]), a.shape[-1]
        if d2 == 1:
            if m != b.shape[0]:
                raise _mv_shape_error(rows, m, b.shape[0])
            _mv_kernel(dt, y.dtype, rows * m)
        else:
            k, p = b.shape[-2:]
            if m != k:
                raise _mm_shape_error(rows, m, k, p)
            _mm_kernel(dt, y.dtype, rows * m * p)
        return "UnsafeViewBackward0"
    # the mirror image: (y^T folded) @ x^T, transposed back, for 1-D/2-D @ N-D
    if d2 >= 3 and (d1 <= 2 and (x.requires_grad or d1 == 1 and _foldable(b.swapaxes(-1, -2))) or (
            d1 == 3 and d2 == 3 and a.shape[0] == 1 and b.shape[0] != 1 and x.requires_grad)):
        rows, k = _prod(b.shape[:-2]) * b.shape[-1], b.shape[-2]
        if d1 == 1:
            if a.shape[0] != k:
                raise _mv_shape_error(rows, k, a.shape[0])
            if not same:
                raise _mv_dtype_error(y.dtype, dt)
            return "UnsafeViewBackward0"
        if a.shape[-1] != k:
            raise _mm_shape_error(rows, k, a.shape[-1], a.shape[-2])
        if not same:
            raise _mm_dtype_error(y.dtype, dt)
        return "CloneBackward0" if a.shape[-2] * rows else "TransposeBackward0"
    # bmm over the broadcast batch dims
    batch = broadcast_batch(a.shape[:-2] if d1 >= 2 else (), b.shape[:-2] if d2 >= 2 else ())
    m = a.shape[-1]
    k = b.shape[-2] if d2 >= 2 else b.shape[0]
    nb = _prod(batch)
    if m != k:
        raise _bmm_shape_error(nb, m, nb, k)
    n = a.shape[-2] if d1 >= 2 else 1
    p = b.shape[-1] if d2 >= 2 else 1
    _bmm_kernel(dt, y.dtype, nb * n * m * p)
    return "UnsafeViewBackward0"


# ---------------------------------------------------------------- public functions
# The common case, 2-D @ 2-D of one dtype without a graph, is written out in mm, matmul and
# the @ operator (no helper calls: a tiny product must cost well under torch's per call).
_FAST = frozenset(d for d in D.ALL if d is not _BOOL and d is not D.float16)
_new = object.__new__


def mm(input, mat2, *, out=None):
    """Matrix product of input (n×m) and mat2 (m×p), without broadcasting."""
    try:
        a = input._a
        b = mat2._a
    except AttributeError:
        _check_tensors("mm", ("input", "mat2"), (input, mat2))
        raise
    d = input.dtype
    if d is mat2.dtype and d in _FAST and a.ndim == 2 == b.ndim and out is None:
        if (input.requires_grad or mat2.requires_grad) and ENABLED[0]:
            _check_mm(input, mat2)
            return Matmul.apply(input, mat2)
        try:
            r = _ndot(a, b) if a.flags.c_contiguous else _matmul(a, b)
        except ValueError:          # shapes don't match: torch's message below
            pass
        else:
            t = _new(Tensor)
            t._a = r
            t.dtype = d
            t.requires_grad = False
            t.grad = t.grad_fn = t._meta = None
            return t
    _check_mm(input, mat2)
    return _product(input, mat2, "MmBackward0", out, "mm")


def matmul(input, other, *, out=None):
    """Matrix product with torch's rules for 1-D operands and broadcast batch dims."""
    try:
        a = input._a
        b = other._a
    except AttributeError:
        _check_tensors("matmul", ("input", "other"), (input, other))
        raise
    d = input.dtype
    if d is other.dtype and d in _FAST and a.ndim == 2 == b.ndim and out is None:
        if (input.requires_grad or other.requires_grad) and ENABLED[0]:
            _check_mm(input, other)
            return Matmul.apply(input, other)
        try:
            r = _ndot(a, b) if a.flags.c_contiguous else _matmul(a, b)
        except ValueError:
            pass
        else:
            t = _new(Tensor)
            t._a = r
            t.dtype = d
            t.requires_grad = False
            t.grad = t.grad_fn = t._meta = None
            return t
    return _product(input, other, _plan(input, other), out, "matmul")


def _matmul_operator(self, other):
    """self @ other (NotImplemented for a non-tensor, so Python tries other.__rmatmul__)."""
    try:
        b = other._a
    except AttributeError:
        return NotImplemented
    a = self._a
    d = self.dtype
    if d is other.dtype and d in _FAST and a.ndim == 2 == b.ndim and not (
            (self.requires_grad or other.requires_grad) and ENABLED[0]):
        try:
            r = _ndot(a, b) if a.flags.c_contiguous else _matmul(a, b)
        except ValueError:
            pass
        else:
            t = _new(Tensor)
            t._a = r
            t.dtype = d
            t.requires_grad = False
            t.grad = t.grad_fn = t._meta = None
            return t
    return matmul(self, other)


def _rmatmul_operator(self, other):
    if not isinstance(other, Tensor):
        return NotImplemented
    return matmul(other, self)


def bmm(input, mat2, *, out=None):
    """Batched matrix product of input (b×n×m) and mat2 (b×m×p)."""
    _check_tensors("bmm", ("input", "mat2"), (input, mat2))
    _check_bmm(input, mat2)
    return _product(input, mat2, "BmmBackward0", out, "bmm")


def mv(input, vec, *, out=None):
    """Matrix-vector product of input (n×m) and vec (m)."""
    _check_tensors("mv", ("input", "vec"), (input, vec))
    _check_mv(input, vec)
    return _product(input, vec, "MvBackward0", out, "mv")


def dot(input, tensor, *, out=None):
    """Dot product of two 1-D tensors of one dtype (a 0-dim tensor)."""
    _check_tensors("dot", ("input", "tensor"), (input, tensor))
    _check_dot(input, tensor)
    return _product(input, tensor, "DotBackward0", out, "dot")


class Outer(Op):
    """The outer product: a multiplication with broadcasting, promoted like torch.mul."""

    name = "MulBackward0"
    kind = SAME

    @staticmethod
    def forward(ctx, a, b):
        return np.multiply.outer(a, b)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.inputs
        if a.dtype.is_complex or b.dtype.is_complex:
            a, b = a.conj(), b.conj()
        d = g.dtype
        ga = einsum("ij,j->i", g, b if b.dtype is d else b.to(d)) if ctx.needs_input_grad[0] else None
        gb = einsum("ij,i->j", g, a if a.dtype is d else a.to(d)) if ctx.needs_input_grad[1] else None
        return ga, gb


def outer(input, vec2, *, out=None):
    """Outer product of two 1-D tensors (input_i * vec2_j)."""
    _check_tensors("outer", ("input", "vec2"), (input, vec2))
    for n, t in (("self", input), ("vec2", vec2)):
        if t._a.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {n}, but got {t._a.ndim}-D")
    r = Outer.apply(input, vec2)
    return r if out is None else _into(out, r, "outer")


ger = outer


# ---------------------------------------------------------------- Tensor methods
def _method(fn, fname, argname):
    """A Tensor method for ``fn`` whose type error counts positions as torch's methods do."""
    def method(self, *args, **kwargs):
        other = args[0] if args else kwargs.get(argname)
        if not isinstance(other, Tensor):
            raise _not_tensor(fname, argname, 1, other)
        return fn(self, *args, **kwargs)
    method.__name__ = fname
    method.__doc__ = fn.__doc__
    return method


Tensor.__matmul__ = _matmul_operator
Tensor.__rmatmul__ = _rmatmul_operator


def _mm_method(self, mat2, *, out=None):
    if not isinstance(mat2, Tensor):
        raise _not_tensor("mm", "mat2", 1, mat2)
    return mm(self, mat2) if out is None else mm(self, mat2, out=out)


def _matmul_method(self, other, *, out=None):
    if not isinstance(other, Tensor):
        raise _not_tensor("matmul", "other", 1, other)
    return matmul(self, other) if out is None else matmul(self, other, out=out)


Tensor.mm = _mm_method
Tensor.matmul = _matmul_method
Tensor.bmm = _method(bmm, "bmm", "mat2")
Tensor.mv = _method(mv, "mv", "vec")
Tensor.dot = _method(dot, "dot", "tensor")
Tensor.outer = Tensor.ger = _method(outer, "outer", "vec2")


__all__ = ["mm", "matmul", "bmm", "mv", "dot", "outer", "ger", "einsum"]
