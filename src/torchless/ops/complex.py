"""Complex numbers: real/imag views, view_as_real/view_as_complex, complex, polar, angle,
conj and friends (conj_physical, resolve_conj, resolve_neg, is_conj, is_neg, adjoint).

Views share memory as torch's do: ``view_as_real`` reads a complex array's memory as floats
(shape + (2,), strides doubled, last stride 1), ``view_as_complex`` the reverse, and
``x.real`` / ``x.imag`` are ``view_as_real(x).select(-1, 0 / 1)`` -- which is also how torch
records them in the graph (SelectBackward0 after ViewAsRealBackward0).

Gradients follow torch's convention for complex numbers: the gradient of a real loss L with
respect to z = x + iy is dL/dx + i dL/dy (the conjugate Wirtinger derivative, times 2), so a
real input fed into a complex result receives the real part of what flows back.

One deliberate difference from torch: torch's ``conj()`` of a complex tensor is a lazy
"conjugate view" (it shares memory, ``is_conj()`` is True and writes through it land
conjugated in the original).  torchless keeps a tensor's values in a plain NumPy array that
every op reads directly, and NumPy has no lazy conjugate, so ``conj()`` of a complex tensor
returns the conjugated values in new memory with ``is_conj()`` False (values, dtype, shape,
strides, printed form and ConjBackward0 are torch's; memory sharing is not).  Consequently
``is_conj()`` and ``is_neg()`` are always False, and ``resolve_conj`` / ``resolve_neg``
return their input.  For non-complex tensors ``conj()`` returns the tensor itself, as torch's.
"""
from __future__ import annotations

import math

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _root, _wrap
from ..autograd.function import NONE, Op, tracked
from ._inplace import apply_inplace
from ._pw import Pointwise, check_tensor, write_out
from ._strides import view_apply, wrap_view
from .indexing import select
from .transpose import transpose

ndarray = np.ndarray
_F2C = {np.dtype(np.float32): np.dtype(np.complex64), np.dtype(np.float64): np.dtype(np.complex128)}
_C2F = {c: f for f, c in _F2C.items()}
_F16 = np.dtype(np.float16)


# ---------------------------------------------------------------- memory reinterpretation
def _reinterpret(a, dt, shape, bstrides):
    """An ndarray of dtype dt over a's memory (same first byte), with byte strides bstrides.
    Its base is a's storage, so storage_offset() and the version counter keep working."""
    if a.size == 0:
        return np.empty(shape, dt)          # no memory to share
    root = _root(a)
    off = a.__array_interface__["data"][0] - root.__array_interface__["data"][0]
    try:
        return ndarray(shape, dt, root, off, bstrides)
    except (TypeError, ValueError, BufferError):
        # storage not exportable as one buffer: a view of a's float/complex reading
        base = a.real if dt.kind == "f" else a.view(dt) if a.ndim else a.reshape(1).view(dt)
        return np.lib.stride_tricks.as_strided(base, shape, bstrides)


def _as_real_array(a):
    """The complex array a as floats: shape + (2,), byte strides + (float itemsize,)."""
    fdt = _C2F[a.dtype]
    return _reinterpret(a, fdt, a.shape + (2,), a.strides + (fdt.itemsize,))


def _as_complex_array(a):
    """The float array a (last dim 2, stride 1) as complex numbers."""
    return _reinterpret(a, _F2C[a.dtype], a.shape[:-1], a.strides[:-1])


class ViewAsReal(Op):
    name = "ViewAsRealBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a):
        return _as_real_array(a)

    @staticmethod
    def backward(ctx, g):
        if g.stride(-1) != 1 or any(s % 2 for s in g.stride()[:-1]) or g.storage_offset() % 2:
            g = g.contiguous()
        return (ViewAsComplex.apply(g),)


class ViewAsComplex(Op):
    name = "ViewAsComplexBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a):
        return _as_complex_array(a)

    @staticmethod
    def backward(ctx, g):
        return (ViewAsReal.apply(g),)


def view_as_real(input):
    """The complex tensor's memory viewed as floats, with a last dim of 2 (real, imaginary)."""
    check_tensor("view_as_real", input)
    if not input.dtype.is_complex:
        raise RuntimeError("view_as_real is only supported for complex tensors")
    if tracked(input):
        return view_apply(ViewAsReal, input)
    return wrap_view(_as_real_array(input._a), D.NP_TO_TORCH[_C2F[input._a.dtype]], input)


def view_as_complex(input):
    """A float tensor whose last dim is 2 (with stride 1) viewed as complex numbers."""
    check_tensor("view_as_complex", input)
    dt = input.dtype
    if dt not in (D.float32, D.float64):
        if dt is D.float16:
            raise RuntimeError("view_as_complex of a half tensor gives complex32 (ComplexHalf), "
                               "which torchless does not support")
        raise RuntimeError("view_as_complex is only supported for half, float and double "
                           f"tensors, but got a tensor of scalar type: {dt.type_name}")
    a = input._a
    if a.ndim == 0:
        raise RuntimeError("Input tensor must have one or more dimensions")
    if a.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    st = input.stride()
    if st[-1] != 1:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(s % 2 for s in st[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    if input.storage_offset() % 2:
        raise RuntimeError("Tensor must have a storage_offset divisible by 2")
    if tracked(input):
        return view_apply(ViewAsComplex, input)
    return wrap_view(_as_complex_array(a), D.NP_TO_TORCH[_F2C[a.dtype]], input)


# ---------------------------------------------------------------- real / imag
_IMAG_ERROR = "imag is not implemented for tensors with non-complex dtypes."


def real(input):
    """The real part: a view for a complex tensor (strides doubled), the tensor itself
    otherwise."""
    check_tensor("real", input)
    if not input.dtype.is_complex:
        return input
    return select(view_as_real(input), -1, 0)


def imag(input):
    """The imaginary part of a complex tensor (a view); torch's error for other dtypes."""
    check_tensor("imag", input)
    if not input.dtype.is_complex:
        raise RuntimeError(_IMAG_ERROR)
    return select(view_as_real(input), -1, 1)


def _set_real(self, value):
    real(self).copy_(value)


def _set_imag(self, value):
    imag(self).copy_(value)


# ---------------------------------------------------------------- complex / polar
def _check_pair(real, imag, fname):
    check_tensor(fname, real, "real" if fname == "complex" else "abs", 1)
    check_tensor(fname, imag, "imag" if fname == "complex" else "angle", 2)
    a, b = real.dtype, imag.dtype
    ok = (D.float16, D.float32, D.float64)
    if a not in ok or b not in ok:
        raise RuntimeError("Expected both inputs to be Half, Float or Double tensors but got "
                           f"{a.type_name} and {b.type_name}")
    if a is not b:
        raise RuntimeError(f"Expected object of scalar type {a.type_name} but got scalar type "
                           f"{b.type_name} for second argument")
    if a is D.float16:
        raise RuntimeError(f"{fname} of half tensors gives complex32 (ComplexHalf), which "
                           "torchless does not support")


def _complex_array(re, im):
    out = np.empty(np.broadcast_shapes(re.shape, im.shape), _F2C[re.dtype])
    out.real = re
    out.imag = im
    return out


class Complex(Pointwise):
    name = "ComplexBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, re, im):
        return _complex_array(re, im)

    @staticmethod
    def backward(ctx, g):
        return real(g), imag(g)


class Polar(Pointwise):
    name = "PolarBackward0"
    kind = NONE
    save_output = True
    needs_inputs = False

    @staticmethod
    def forward(ctx, r, theta):
        return _complex_array(r * np.cos(theta), r * np.sin(theta))

    @staticmethod
    def backward(ctx, g):
        out = ctx.out
        gc = g.conj()
        # d out / d abs = out / abs (= sgn(out)); d out / d angle = i * out
        g_abs = real(gc * out.sgn())
        g_angle = real(gc * out * 1j)
        return g_abs, g_angle


def complex(real, imag, *, out=None):
    """real + i * imag (both float32 or both float64), broadcast."""
    _check_pair(real, imag, "complex")
    r = Complex.apply(real, imag)
    return r if out is None else write_out(out, r)


def polar(abs, angle, *, out=None):
    """abs * (cos(angle) + i sin(angle)), broadcast."""
    _check_pair(abs, angle, "polar")
    r = Polar.apply(abs, angle)
    return r if out is None else write_out(out, r)


# ---------------------------------------------------------------- angle
def _angle_array(a):
    if a.dtype.kind == "c":
        return np.angle(a)
    if a.dtype.kind != "f":
        a = a.astype(D.get_default_dtype().np)
    # 0 for x >= 0 (-0.0 too), pi for x < 0, nan stays nan
    if a.dtype == _F16:
        r = np.where(a < 0, np.float32(math.pi), np.float32(0)).astype(_F16)
    else:
        r = np.where(a < 0, a.dtype.type(math.pi), a.dtype.type(0))
    r[np.isnan(a)] = np.nan
    return r


class Angle(Pointwise):
    name = "AngleBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a):
        return _angle_array(a)

    @staticmethod
    def backward(ctx, g):
        z = ctx.inputs[0]
        if not z.dtype.is_complex:
            return (_wrap(np.zeros(z._a.shape, z.dtype.np), z.dtype),)
        # d angle = (x dy - y dx) / |z|^2, so the gradient is g * i z / |z|^2 (0 at z = 0)
        r = g * z * 1j / (z.abs() ** 2)
        return (r.masked_fill(z == 0, 0),)


def angle(input, *, out=None):
    """The argument of each element: atan2(imag, real) for complex input; 0 or pi for real
    input (nan stays nan).  Integer and bool input gives the default float dtype."""
    check_tensor("angle", input)
    r = Angle.apply(input)
    return r if out is None else write_out(out, r)


# ---------------------------------------------------------------- conj
class Conj(Op):
    name = "ConjBackward0"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, a):
        return np.conj(a)

    @staticmethod
    def backward(ctx, g):
        return (conj(g),)


class ConjPhysical(Conj):
    name = "ConjPhysicalBackward0"

    @staticmethod
    def backward(ctx, g):
        return (conj_physical(g),)


def conj(input):
    """The complex conjugate.  For a non-complex tensor, the tensor itself (as torch).  For a
    complex tensor torch returns a lazy conjugate *view* (shared memory, is_conj() True);
    torchless returns the conjugated values in new memory, with is_conj() False (see the
    module docstring)."""
    check_tensor("conj", input)
    if not input.dtype.is_complex:
        return input
    return Conj.apply(input)


def conj_physical(input, *, out=None):
    """The complex conjugate in new memory (the tensor itself for non-complex input)."""
    check_tensor("conj_physical", input)
    if not input.dtype.is_complex:
        r = input
    else:
        r = ConjPhysical.apply(input)
    return r if out is None else write_out(out, r)


def conj_physical_(input):
    """Conjugate in place (nothing to do for non-complex input)."""
    check_tensor("conj_physical_", input)
    if not input.dtype.is_complex:
        return input
    return apply_inplace(ConjPhysical, input)


def resolve_conj(input):
    """The tensor itself: torchless never makes lazy conjugate views (see conj)."""
    check_tensor("resolve_conj", input)
    return input


def resolve_neg(input):
    """The tensor itself: torchless never makes lazy negative views."""
    check_tensor("resolve_neg", input)
    return input


def is_conj(input):
    """False: torchless's conj() materializes (see conj)."""
    check_tensor("is_conj", input)
    return False


def is_neg(input):
    """False: torchless never makes lazy negative views."""
    check_tensor("is_neg", input)
    return False


def adjoint(input):
    """The conjugate transpose of the last two dims."""
    check_tensor("adjoint", input)
    n = input._a.ndim
    if n < 2:
        raise RuntimeError("tensor.adjoint() is only supported on matrices or batches of "
                           f"matrices. Got {n}-D tensor.")
    return conj(transpose(input, -2, -1))


# ---------------------------------------------------------------- Tensor methods
Tensor.real = property(real, _set_real)
Tensor.imag = property(imag, _set_imag)
Tensor.angle = angle
Tensor.conj = conj
Tensor.conj_physical = conj_physical
Tensor.conj_physical_ = conj_physical_
Tensor.resolve_conj = resolve_conj
Tensor.resolve_neg = resolve_neg
Tensor.is_conj = is_conj
Tensor.is_neg = is_neg
Tensor.adjoint = adjoint

__all__ = ["real", "imag", "view_as_real", "view_as_complex", "complex", "polar", "angle",
           "conj", "conj_physical", "conj_physical_", "resolve_conj", "resolve_neg", "is_conj",
           "is_neg", "adjoint"]
