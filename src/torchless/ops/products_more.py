"""More products: addmv, addr, baddbmm, addbmm (fused ``beta * input + alpha * product``
with their own grad_fn nodes), chain_matmul and vdot; with the distances and integrals of
measure.py (dist, renorm, trapezoid ..., cross, histogram), torch's names and methods.

As in addmm (ops/matmul_add.py): the product is skipped when alpha is 0 and input is ignored
(even nan/inf) when beta is 0.  Backwards are written with Tensor ops (second derivatives).
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor
from ..autograd.function import NONE, SAME, Op
from ._inplace import apply_inplace
from .linalg import _BOOL, _CTYPE, Matmul, _check_tensors, _into, _matmul, _not_implemented
from .matmul_add import _as_int_scalar
from .pointwise import _conj
from .measure import (_WARNED, _renorm_, cross, cumulative_trapezoid, dist, histogram,  # noqa: F401
                      renorm, trapezoid, trapz)

__all__ = ["addmv", "addr", "baddbmm", "addbmm", "chain_matmul", "dist", "renorm", "vdot",
           "trapezoid", "trapz", "cumulative_trapezoid", "cross", "histogram"]


def _fmt(s):
    return ", ".join(map(str, s))


def _expand_check(s, target):
    """input must broadcast to target (torch's expand messages)."""
    if len(s) > len(target):
        raise RuntimeError(f"expand(torch.FloatTensor{{[{_fmt(s)}]}}, size=[{_fmt(target)}]): the "
                           f"number of sizes provided ({len(target)}) must be greater or equal to "
                           f"the number of dimensions in the tensor ({len(s)})")
    n = len(target)
    for i in range(1, len(s) + 1):
        if s[-i] != target[-i] and s[-i] != 1:
            raise RuntimeError(
                f"The expanded size of the tensor ({target[-i]}) must match the existing size "
                f"({s[-i]}) at non-singleton dimension {n - i}.  Target sizes: [{_fmt(target)}].  "
                f"Tensor sizes: [{_fmt(s)}]")


def _scalars(d, beta, alpha):
    for v in (beta, alpha):
        if isinstance(v, complex) and not d.is_complex:
            raise RuntimeError(f"value cannot be converted to type {_CTYPE[d]} without overflow")
    if d.category == D.INT:
        beta, alpha = _as_int_scalar(beta), _as_int_scalar(alpha)
    elif d is _BOOL:
        beta, alpha = bool(beta), bool(alpha)
    return beta, alpha


def _combine(c, r, beta, alpha, dtype):
    """beta * c + alpha * r on arrays (r already the product, or None when alpha is 0)."""
    if dtype == np.bool_:
        out = np.zeros(r.shape if r is not None else c.shape, np.bool_)
        if alpha and r is not None:
            out = out | r
        if beta:
            out = out | c
        return out
    if r is None:
        r = np.zeros(np.broadcast_shapes(c.shape), dtype)
    elif alpha != 1:
        r = r * alpha
    if beta == 1:
        r = r + c
    elif beta != 0:
        r = r + beta * c
    else:
        r = np.broadcast_to(r, r.shape).copy() if not r.flags.writeable else r
    return np.asarray(r, dtype)


def _scaled(t, s):
    return t if s == 1 else t * s


class _Fused(Op):
    """Shared backward parts of the fused ops: ctx.beta, ctx.alpha."""

    kind = NONE

    def _gc(self, g):
        return (g if self.beta == 1 else g * _conj_scalar(self.beta)) if self.needs_input_grad[0] \
            else None


def _conj_scalar(v):
    return v.conjugate() if isinstance(v, complex) else v


class Addmv(_Fused):
    name = "AddmvBackward0"

    @staticmethod
    def forward(ctx, c, m, v, beta=1, alpha=1):
        ctx.beta, ctx.alpha = beta, alpha
        if alpha == 0 or m.dtype == np.bool_ and not alpha:
            r = np.zeros(m.shape[:1], m.dtype)
        elif m.dtype == np.float16:
            r = _matmul(m.astype(np.float32), v.astype(np.float32))
        elif m.dtype == np.bool_:
            r = (m & v).any(-1) if m.shape[1] else np.zeros(m.shape[:1], np.bool_)
        else:
            r = _matmul(m, v)
        return _combine(c, r, beta, alpha, m.dtype).reshape(m.shape[:1])

    @staticmethod
    def backward(ctx, g):
        c, m, v = ctx.inputs
        need = ctx.needs_input_grad
        al = _conj_scalar(ctx.alpha)
        gm = _scaled(Matmul.apply(g.unsqueeze(1), _conj(v).unsqueeze(0)), al) if need[1] else None
        gv = _scaled(Matmul.apply(_conj(m).t(), g, name="MvBackward0"), al) if need[2] else None
        return ctx._gc(g), gm, gv


class Addr(_Fused):
    name = "AddrBackward0"
    kind = SAME

    @staticmethod
    def forward(ctx, c, a, b, beta=1, alpha=1):
        ctx.beta, ctx.alpha = beta, alpha
        shape = (a.shape[0], b.shape[0])
        if a.dtype == np.bool_:
            r = np.logical_and.outer(a, b)
        else:
            r = np.multiply.outer(a, b) if alpha != 0 else None
        out = _combine(c, r, beta, alpha, a.dtype)
        return np.broadcast_to(out, shape).copy() if out.shape != shape else out

    @staticmethod
    def backward(ctx, g):
        c, a, b = ctx.inputs
        need = ctx.needs_input_grad
        al = _conj_scalar(ctx.alpha)
        ga = _scaled(Matmul.apply(g, _conj(b), name="MvBackward0"), al) if need[1] else None
        gb = _scaled(Matmul.apply(g.t(), _conj(a), name="MvBackward0"), al) if need[2] else None
        return ctx._gc(g), ga, gb


def _bmm_arrays(a, b):
    if a.dtype == np.float16:
        return _matmul(a.astype(np.float32), b.astype(np.float32))
    return _matmul(a, b)


class Baddbmm(_Fused):
    name = "BaddbmmBackward0"

    @staticmethod
    def forward(ctx, c, a, b, beta=1, alpha=1):
        ctx.beta, ctx.alpha = beta, alpha
        shape = (a.shape[0], a.shape[1], b.shape[2])
        r = _bmm_arrays(a, b) if alpha != 0 else np.zeros(shape, a.dtype)
        out = _combine(c, r, beta, alpha, a.dtype)
        return np.broadcast_to(out, shape).copy() if out.shape != shape else out

    @staticmethod
    def backward(ctx, g):
        c, a, b = ctx.inputs
        need = ctx.needs_input_grad
        al = _conj_scalar(ctx.alpha)
        ga = _scaled(Matmul.apply(g, _conj(b), name="BmmBackward0", tb=True), al) if need[1] else None
        gb = _scaled(Matmul.apply(_conj(a), g, name="BmmBackward0", ta=True), al) if need[2] else None
        return ctx._gc(g), ga, gb


class Addbmm(_Fused):
    name = "AddbmmBackward0"

    @staticmethod
    def forward(ctx, c, a, b, beta=1, alpha=1):
        ctx.beta, ctx.alpha = beta, alpha
        shape = (a.shape[1], b.shape[2])
        if alpha != 0:
            r = _bmm_arrays(a, b).sum(0, dtype=np.float32 if a.dtype == np.float16 else None)
        else:
            r = np.zeros(shape, a.dtype)
        out = _combine(c, r, beta, alpha, a.dtype)
        return np.broadcast_to(out, shape).copy() if out.shape != shape else out

    @staticmethod
    def backward(ctx, g):
        c, a, b = ctx.inputs
        need = ctx.needs_input_grad
        al = _conj_scalar(ctx.alpha)
        n = a.shape[0]
        ga = gb = None
        if need[1]:
            ga = _scaled(Matmul.apply(g.unsqueeze(0).expand(n, -1, -1), _conj(b), name="BmmBackward0",
                                      tb=True), al)
        if need[2]:
            gb = _scaled(Matmul.apply(_conj(a), g.unsqueeze(0).expand(n, -1, -1), name="BmmBackward0",
                                      ta=True), al)
        return ctx._gc(g), ga, gb


# ---------------------------------------------------------------- checks
def _check_addmv(input, mat, vec):
    if mat._a.ndim != 2 or vec._a.ndim != 1 or input._a.ndim > 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input._a.ndim}, "
                           f"{mat._a.ndim}, {vec._a.ndim}")
    (n, m), k = mat._a.shape, vec._a.shape[0]
    s = input._a.shape
    if m != k or (s and s[0] not in (1, n)):
        raise RuntimeError(f"size mismatch, got input ({s[0] if s else 1}), mat ({n}x{m}), "
                           f"vec ({k})")
    if mat.dtype is not vec.dtype or input.dtype is not vec.dtype:
        raise RuntimeError(f"addmv input tensors must have the same dtype, but got "
                           f"{input.dtype.type_name}, {mat.dtype.type_name}, and "
                           f"{vec.dtype.type_name}")


def _fused(cls, fname, input, a, b, beta, alpha, out):
    beta, alpha = _scalars(a.dtype, beta, alpha)
    if beta == 1 and alpha == 1:
        r = cls.apply(input, a, b)
    else:
        r = cls.apply(input, a, b, beta=beta, alpha=alpha)
    return r if out is None else _into(out, r, fname)


def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * (mat @ vec)."""
    _check_tensors("addmv", ("input", "mat", "vec"), (input, mat, vec))
    _check_addmv(input, mat, vec)
    if mat.dtype is _BOOL and mat._a.size:
        raise _not_implemented("addmv_impl_cpu", _BOOL)
    return _fused(Addmv, "addmv", input, mat, vec, beta, alpha, out)


def _check_addr(input, vec1, vec2):
    for n, t in (("vec1", vec1), ("vec2", vec2)):
        if t._a.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {n}, but got {t._a.ndim}-D")
    _expand_check(input._a.shape, (vec1._a.shape[0], vec2._a.shape[0]))


def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * outer(vec1, vec2) (logical or/and for bool)."""
    _check_tensors("addr", ("input", "vec1", "vec2"), (input, vec1, vec2))
    _check_addr(input, vec1, vec2)
    d = D.result_type_of((input, vec1, vec2))
    for n, v in (("beta", beta), ("alpha", alpha)):
        if isinstance(v, bool) and d is not _BOOL:
            raise RuntimeError(f"Boolean {n} only supported for Boolean results.")
        if isinstance(v, float) and d.category <= D.INT:
            raise RuntimeError(f"For integral input tensors, argument {n} must not be a floating "
                               "point number.")
    beta, alpha = _scalars(d, beta, alpha)
    r = Addr.apply(input, vec1, vec2, beta=beta, alpha=alpha)
    return r if out is None else _into(out, r, "addr")


def _check_baddbmm(fname, input, b1, b2):
    if fname == "baddbmm" and b1._a.ndim >= 2 and b2._a.ndim >= 3:
        _expand_check(input._a.shape, (b1._a.shape[0], b1._a.shape[1], b2._a.shape[2]))
    if b1._a.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b2._a.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    (bs, n, m), (bs2, k, p) = b1._a.shape, b2._a.shape
    if fname == "baddbmm":
        if bs2 != bs or k != m:
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                               f"[{bs}, {m}] but got: [{bs2}, {k}].")
        _expand_check(input._a.shape, (bs, n, p))
        if not (input.dtype is b1.dtype is b2.dtype):
            raise RuntimeError(f"Input dtypes must be the same, got: input {_CTYPE[input.dtype]}, "
                               f"batch1: {_CTYPE[b1.dtype]}, batch2: {_CTYPE[b2.dtype]}")
    else:
        if bs != bs2:
            raise RuntimeError(f"batch1 and batch2 must have same number of batches, got {bs} and "
                               f"{bs2}")
        if m != k:
            raise RuntimeError(f"Incompatible matrix sizes for bmm ({n}x{m} and {k}x{p})")
        _expand_check(input._a.shape, (n, p))
        if input.dtype is not b2.dtype:
            raise RuntimeError(f"self and mat2 must have the same dtype, but got "
                               f"{input.dtype.type_name} and {b2.dtype.type_name}")
        if b1.dtype is not b2.dtype:
            raise RuntimeError(f"mat1 and mat2 must have the same dtype, but got "
                               f"{b1.dtype.type_name} and {b2.dtype.type_name}")
    if b1.dtype is _BOOL:
        raise _not_implemented("addbmm_impl_cpu_" if fname == "addbmm" else "baddbmm_cpu", _BOOL)


def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * bmm(batch1, batch2)."""
    _check_tensors("baddbmm", ("input", "batch1", "batch2"), (input, batch1, batch2))
    _check_baddbmm("baddbmm", input, batch1, batch2)
    return _fused(Baddbmm, "baddbmm", input, batch1, batch2, beta, alpha, out)


def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):
    """beta * input + alpha * sum_i(batch1[i] @ batch2[i])."""
    _check_tensors("addbmm", ("input", "batch1", "batch2"), (input, batch1, batch2))
    _check_baddbmm("addbmm", input, batch1, batch2)
    return _fused(Addbmm, "addbmm", input, batch1, batch2, beta, alpha, out)


def _inplace(cls, fname, check, shape_of):
    def method(self, a, b, *, beta=1, alpha=1):
        _check_tensors(fname, ("a", "b"), (a, b))
        check(self, a, b)
        shape = shape_of(a, b)
        if self._a.shape != shape:
            raise RuntimeError(f"Bad in-place call: input tensor size [{_fmt(self._a.shape)}] "
                               f"and output tensor size [{_fmt(shape)}] should match")
        be, al = _scalars(a.dtype, beta, alpha)
        return apply_inplace(cls, self, a, b, beta=be, alpha=al)
    method.__name__ = fname
    return method


def _method(fn):
    def method(self, *args, **kwargs):
        return fn(self, *args, **kwargs)
    method.__name__ = fn.__name__
    method.__doc__ = fn.__doc__
    return method


# ---------------------------------------------------------------- chain_matmul
def chain_matmul(*matrices, out=None):
    """Deprecated product of a chain of matrices (torch.linalg.multi_dot)."""
    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch "
                  "release. Use torch.linalg.multi_dot instead, which accepts a list of two or "
                  "more tensors rather than multiple parameters.", UserWarning, stacklevel=2)
    if len(matrices) == 1 and isinstance(matrices[0], (list, tuple)):
        matrices = tuple(matrices[0])
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for t in matrices:
        if t._a.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {t._a.ndim}, expected 2 instead.")
    if len(matrices) == 1:
        r = matrices[0].clone()
        return r if out is None else _into(out, r, "chain_matmul")
    from ..linalg import multi_dot
    return multi_dot(matrices, out=out)


# ---------------------------------------------------------------- vdot
class Vdot(Op):
    name = "VdotBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, b):
        if a.dtype == np.float16:
            return np.asarray(np.vdot(a.astype(np.float32), b.astype(np.float32)), np.float16)
        return np.asarray(np.vdot(a, b), a.dtype)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.inputs
        need = ctx.needs_input_grad
        return (_conj(g) * b if need[0] else None), (g * a if need[1] else None)


def vdot(input, other, *, out=None):
    """sum(conj(input) * other) of two 1-D tensors of one dtype."""
    _check_tensors("vdot", ("input", "other"), (input, other))
    nx, ny = input._a.ndim, other._a.ndim
    if nx != 1 or ny != 1:
        raise RuntimeError(f"1D tensors expected, but got {nx}D and {ny}D tensors")
    if input.dtype is not other.dtype:
        raise RuntimeError(f"dot : expected both vectors to have same dtype, but found "
                           f"{input.dtype.type_name} and {other.dtype.type_name}")
    n, k = input._a.shape[0], other._a.shape[0]
    if n != k:
        raise RuntimeError(f"inconsistent tensor size, expected tensor [{n}] and src [{k}] to have "
                           f"the same number of elements, but got {n} and {k} elements respectively")
    if input.dtype is _BOOL:
        raise _not_implemented("vdot", _BOOL)
    r = Vdot.apply(input, other)
    return r if out is None else _into(out, r, "vdot")


# ---------------------------------------------------------------- Tensor methods
Tensor.addmv = _method(addmv)
Tensor.addr = _method(addr)
Tensor.baddbmm = _method(baddbmm)
Tensor.addbmm = _method(addbmm)
Tensor.addmv_ = _inplace(Addmv, "addmv_", _check_addmv, lambda a, b: (a._a.shape[0],))
Tensor.addr_ = _inplace(Addr, "addr_", _check_addr, lambda a, b: (a._a.shape[0], b._a.shape[0]))
Tensor.baddbmm_ = _inplace(Baddbmm, "baddbmm_", lambda s, a, b: _check_baddbmm("baddbmm", s, a, b),
                           lambda a, b: (a._a.shape[0], a._a.shape[1], b._a.shape[2]))
Tensor.addbmm_ = _inplace(Addbmm, "addbmm_", lambda s, a, b: _check_baddbmm("addbmm", s, a, b),
                          lambda a, b: (a._a.shape[1], b._a.shape[2]))
Tensor.dist = _method(dist)
Tensor.renorm = _method(renorm)
Tensor.renorm_ = _renorm_
Tensor.vdot = _method(vdot)
Tensor.cross = _method(cross)
Tensor.histogram = _method(histogram)
