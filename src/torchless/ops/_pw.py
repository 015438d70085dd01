"""Machinery shared by the pointwise op modules (pointwise, division, power, unary,
comparison, bitwise, ternary).

Every pointwise op is an ``Op`` subclass (forward on arrays, backward with Tensor ops).  The
helpers here turn an op into the public function, the Tensor method/operator and the in-place
``_`` form, each with a short path for the common no-grad case that calls NumPy directly, and
translate NumPy's failures into torch's exceptions.
"""
from __future__ import annotations

import warnings
from math import prod as _prod

import numpy as np

from .. import _dtype as D
from .._size import infer_size
from .._tensor import Tensor, _wrap
from ..autograd.function import FLOAT, SAME, Op
from ..autograd.grad_mode import ENABLED
from .._version import bump as _bump_storage
from ._inplace import apply_inplace, bump_version

ndarray = np.ndarray
F16, F32, F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)

# dtypes whose arithmetic NumPy computes exactly as torch does (float16 is rounded through
# float32 by torch, complex and ints have op-specific rules), used to pick the short paths
FAST_FLOAT = frozenset((D.float32, D.float64))
FAST_NUM = frozenset((D.int64, D.float32, D.float64))

NUMBER = (bool, int, float, complex, np.number, np.bool_)
TENSOR_OR_NUMBER = (Tensor,) + NUMBER
_I64_MIN, _I64_MAX, _U64_MAX = -(1 << 63), (1 << 63) - 1, (1 << 64) - 1


# ---------------------------------------------------------------- errors
def broadcast_shape(shapes):
    """The broadcast of ``shapes``, or torch's RuntimeError naming the first mismatch."""
    return tuple(infer_size(*shapes))


def raise_broadcast(operands):
    """Called when NumPy refused to broadcast: raise torch's message for these operands."""
    broadcast_shape([x._a.shape if isinstance(x, Tensor) else np.shape(x) for x in operands
                     if isinstance(x, (Tensor, ndarray))])


def not_implemented(kernel, dt, *operands):
    """torch's error for a kernel that has no implementation for dtype ``dt``.  torch checks
    that the operands broadcast before it looks at dtypes: pass them to keep that order."""
    if operands:
        raise_broadcast(operands)
    if not isinstance(dt, D.dtype):
        dt = D.NP_TO_TORCH[np.dtype(dt)]
    return NotImplementedError(f'"{kernel}" not implemented for \'{dt.type_name}\'')


def arg_error(fname, arg, pos, value, expected="Tensor"):
    where = f"position {pos}" if pos else "keyword"
    return TypeError(f"{fname}(): argument '{arg}' ({where}) must be {expected}, not "
                     f"{type(value).__name__}")


def check_tensor(fname, value, arg="input", pos=1):
    if not isinstance(value, Tensor):
        raise arg_error(fname, arg, pos, value)


def check_operand(fname, value, arg="other", pos=2):
    """A Tensor or a number, as torch's ``Tensor other`` overloads accept."""
    if not isinstance(value, TENSOR_OR_NUMBER):
        raise arg_error(fname, arg, pos, value)


def invalid_combination(fname, args, signatures):
    """torch's TypeError when no overload of fname accepts the argument types."""
    got = ", ".join("Tensor" if isinstance(a, Tensor) else type(a).__name__ for a in args)
    sigs = "".join(f" * ({s})\n" for s in signatures)
    return TypeError(f"{fname}() received an invalid combination of arguments - got ({got}), "
                     f"but expected one of:\n{sigs}")


TENSOR_OR_NUMBER_SIGS = ("Tensor input, Tensor other, *, Tensor out = None",
                         "Tensor input, Number other, *, Tensor out = None")


def check_int_scalar(x):
    """torch converts a Python int operand through int64/uint64; beyond that it overflows."""
    if x.__class__ is int and not _I64_MIN <= x <= _U64_MAX:
        raise OverflowError("int too big to convert" if x > 0 else
                            "can't convert negative int to unsigned")


def check_scalars(inputs):
    """Python ints beyond int64 as torch converts them: 2**63 .. 2**64-1 act as uint64 (which
    only bool operands would promote to), larger ones overflow."""
    for x in inputs:
        if x.__class__ is int and not _I64_MIN <= x <= _I64_MAX:
            check_int_scalar(x)
            if all(t.dtype is D.bool_ for t in inputs if isinstance(t, Tensor)):
                raise RuntimeError("Promotion for uint16, uint32, uint64 types is not "
                                   "supported, attempted to promote Bool and UInt64")


# ---------------------------------------------------------------- op base class
_op_apply = Op.apply.__func__


class Pointwise(Op):
    """An Op whose forward broadcasts its inputs: NumPy's broadcast failure becomes torch's."""

    @classmethod
    def apply(cls, *inputs, **params):
        check_scalars(inputs)
        try:
            return _op_apply(cls, *inputs, **params)
        except ValueError:
            raise_broadcast(inputs)
            raise


def holomorphic(cls):
    """Class decorator for ops whose backward is written g * f'(z): for complex inputs torch's
    gradient is g * conj(f'(z)) (the conjugate Wirtinger convention), which is
    conj(backward(conj(g))); real inputs run the backward as written."""
    f = cls.__dict__["backward"]
    f = f.__func__ if isinstance(f, staticmethod) else f

    def backward(ctx, *grads):
        if grads[0].dtype.is_complex:
            r = f(ctx, *(g.conj() for g in grads))
            if r.__class__ is not tuple:
                r = (r,)
            return tuple(x.conj() if x is not None and x.dtype.is_complex else x for x in r)
        return f(ctx, *grads)
    backward.__doc__ = f.__doc__
    cls.backward = staticmethod(backward)
    return cls


class NotImplementedGrad(Pointwise):
    """Ops torch gives no derivative (floor_divide, remainder with a scalar self): the result
    requires grad but backward raises, as torch's ``NotImplemented`` node does."""

    name = "NotImplemented"
    aten = "aten::op"

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError(f"derivative for {ctx.aten} is not implemented")


# ---------------------------------------------------------------- float helpers
def _tie_order(ufunc, npd):
    """Which argument NumPy's max/min returns on ties (+0.0 vs -0.0): 'first', 'second' or
    None when its loops disagree — probed once, since it varies with dtype and SIMD loop."""
    found = set()
    for n in (1, 3, 67):
        a = np.array([-0.0, 0.0] * n, npd)
        b = -a
        sa, sb, r = np.signbit(a), np.signbit(b), np.signbit(ufunc(a, b))
        found.add("first" if np.array_equal(r, sa) else "second" if np.array_equal(r, sb) else None)
    return found.pop() if len(found) == 1 else None


_TIES = {(u, npd): _tie_order(u, npd) for u in (np.maximum, np.minimum) for npd in (F16, F32, F64)}


# np.maximum(s, a) / np.minimum(s, a) return a on ties for the fast float dtypes: the short
# paths of relu and clamp rely on it (the probe above decides; else they take the slow path)
TIES_KEEP_SECOND = all(_TIES[u, npd] == "second" for u in (np.maximum, np.minimum)
                       for npd in (F32, F64))


try:        # the clip ufunc itself: np.clip adds microseconds of Python dispatch per call
    from numpy._core.umath import clip as CLIP
except ImportError:         # NumPy < 2
    from numpy.core.umath import clip as CLIP


def _clip_like_torch():
    """Whether NumPy's clip has torch's clamp semantics: nan (in x or a bound) propagates, a
    tie keeps x (its sign of zero), min > max gives max — probed on SIMD and scalar loops."""
    for npd in (F16, F32, F64):
        for n in (1, 3, 67):
            a = np.array([-0.0, 0.0, np.nan, 1.0, -1.0] * n, npd)
            for lo, hi in ((0.0, 1.0), (-0.0, 1.0), (-1.0, -0.0), (np.nan, 1.0), (2.0, 1.0)):
                ref = np.where(np.isnan(a) | np.isnan(lo) | np.isnan(hi), np.nan, a)
                ref = np.where(ref < lo, npd.type(lo), ref)
                ref = np.where(ref > hi, npd.type(hi), ref)
                r = CLIP(a, lo, hi)
                equal = (r == ref) & (np.signbit(r) == np.signbit(ref))
                same = (np.isnan(r) == np.isnan(ref)) & (equal | np.isnan(r))
                if not same.all():
                    return False
    return True


CLIP_LIKE_TORCH = _clip_like_torch()


def keep_first(ufunc, a, b):
    """np.maximum / np.minimum that returns ``a`` on ties, as torch does (so the sign of a zero
    result follows ``a``); nan in either operand propagates."""
    order = _TIES.get((ufunc, a.dtype), "first") if a.dtype.kind == "f" else "first"
    if order == "first":
        return ufunc(a, b)
    if order == "second":
        return ufunc(b, a)
    r = ufunc(a, b)
    return np.where(r == a, a, r)


def via_f32(fn, a):
    """Apply ``fn`` to a float16 array the way torch does: in float32, rounded once."""
    return fn(a.astype(F32)).astype(F16)


def f32_of(x, scalar_as_is=False):
    """A float16 operand widened to float32.  A Python scalar is first rounded to float16
    (torch wraps it as a tensor of the op's dtype) — except the second operand of mul/div,
    which torch's kernels take at float32 precision directly (``scalar_as_is``)."""
    if x.__class__ is np.ndarray:
        return x.astype(F32)
    return np.float32(x) if scalar_as_is else np.float32(np.float16(x))


_CHUNK = 1 << 15


def fma(a, w, b, out_dtype):
    """a + w * b rounded once, as torch's fused multiply-add kernels compute it for float32
    and float16 (exact in float64, since the float32 product is exact there).  float64 and
    complex fall back to two roundings (NumPy has no fma).  Large arrays go in cache-sized
    chunks so the float64 temporaries never reach main memory."""
    if out_dtype not in (F32, F16):
        return a + (b * w if not isinstance(w, ndarray) else w * b)
    shape = np.broadcast_shapes(np.shape(a), np.shape(w), np.shape(b))
    n = _prod(shape)
    if n <= _CHUNK or len(shape) == 0:
        t = np.multiply(w, b, dtype=F64)
        t += a
        return t.astype(out_dtype) if out_dtype == F32 else t.astype(F32).astype(F16)
    a, w, b = (np.broadcast_to(x, shape).reshape(-1) if isinstance(x, ndarray) and x.ndim else x
               for x in (a, w, b))
    out = np.empty(n, out_dtype)
    buf = np.empty(_CHUNK, F64)
    for i in range(0, n, _CHUNK):
        j = min(i + _CHUNK, n)
        t = buf[:j - i]
        np.multiply(w if not isinstance(w, ndarray) or w.ndim == 0 else w[i:j],
                    b if not isinstance(b, ndarray) or b.ndim == 0 else b[i:j], out=t, dtype=F64)
        np.add(t, a if not isinstance(a, ndarray) or a.ndim == 0 else a[i:j], out=t)
        if out_dtype == F32:
            np.copyto(out[i:j], t, casting="unsafe")
        else:
            out[i:j] = t.astype(F32)
    return out.reshape(shape)


# ---------------------------------------------------------------- Tensor methods
def binary_method(op, ufunc, fast, fast_float=FAST_FLOAT, fast_int=FAST_NUM, out_dtype=None):
    """A Tensor operator ``self op other``.  The short path calls the NumPy ufunc directly when
    nothing requires grad and NumPy's result is torch's: two tensors of one dtype in ``fast``,
    or a tensor with dtype in ``fast_float`` / ``fast_int`` and a Python float / int.  The
    rest goes through ``op.apply``.  A non-number operand returns NotImplemented, so Python
    raises its usual TypeError.  ``out_dtype`` is the result's dtype when it is not self's."""
    def method(self, other):
        c = other.__class__
        if c is Tensor:
            d = self.dtype
            if other.dtype is d and d in fast and not (
                    (self.requires_grad or other.requires_grad) and ENABLED[0]):
                try:
                    return _wrap(ufunc(self._a, other._a), out_dtype or d)
                except ValueError:
                    raise_broadcast((self, other))
        elif c is float:
            if self.dtype in fast_float and not (self.requires_grad and ENABLED[0]):
                return _wrap(ufunc(self._a, other), out_dtype or self.dtype)
        elif c is int:
            if self.dtype in fast_int and not (self.requires_grad and ENABLED[0]) and \
                    _I64_MIN <= other <= _I64_MAX:
                return _wrap(ufunc(self._a, other), out_dtype or self.dtype)
        elif not isinstance(other, TENSOR_OR_NUMBER):
            return NotImplemented
        return op.apply(self, other)
    return method


def inplace_method(op, ufunc, fast, fast_float=FAST_FLOAT, fast_int=FAST_NUM, name=None):
    """``self op= other`` written into self's memory: Tensor.<name> (``add_``, with torch's
    TypeError for a bad operand) or, without a name, the operator (``__iadd__``, which returns
    NotImplemented instead).  The short path covers an operand of self's dtype and shape, or
    a Python number, without grad; the rest goes through ``inplace`` (torch's cast and shape
    checks, autograd).  add_/sub_ take ``alpha``: the short path is for alpha == 1."""
    def method(self, other, *, alpha=1):
        c = other.__class__
        d = self.dtype
        if alpha.__class__ is not int or alpha != 1:
            return inplace(op, self, other, alpha=alpha)
        if 0 in self._a.strides:
            # an expanded self: apply_inplace raises torch's overlap error
            return inplace(op, self, other)
        # (with grad mode off — an optimizer's step — tensors requiring grad qualify too)
        if c is Tensor:
            if (other.dtype is d and d in fast and other._a.shape == self._a.shape
                    and not ((self.requires_grad or other.requires_grad) and ENABLED[0])):
                ufunc(self._a, other._a, out=self._a)
                _bump_storage(self._a)           # bump_version, one call shorter
                return self
        elif c is float:
            if d in fast_float and not (self.requires_grad and ENABLED[0]):
                ufunc(self._a, other, out=self._a)
                _bump_storage(self._a)
                return self
        elif c is int:
            if d in fast_int and not (self.requires_grad and ENABLED[0]) and \
                    _I64_MIN <= other <= _I64_MAX:
                ufunc(self._a, other, out=self._a)
                _bump_storage(self._a)
                return self
        elif not isinstance(other, TENSOR_OR_NUMBER):
            if name is None:
                return NotImplemented
            raise arg_error(name, "other", 1, other)
        return inplace(op, self, other)
    return method


def unary_function(op, kernel, name, fast=FAST_FLOAT, doc=None):
    """torch.<name>(input, *, out=None) and Tensor.<name>(): the short path applies the NumPy
    kernel directly to a float32/float64 tensor that does not require grad."""
    def fn(input, *, out=None):
        if input.__class__ is Tensor and input.dtype in fast and out is None and not (
                input.requires_grad and ENABLED[0]):
            return _wrap(kernel(input._a), input.dtype)
        if not isinstance(input, Tensor):
            raise arg_error(name, "input", 1, input)
        r = op.apply(input)
        return r if out is None else write_out(out, r)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc or f"Elementwise {name} of input."
    return fn


def unary_inplace(op, kernel, fast=FAST_FLOAT):
    """Tensor.<name>_(): in place, with torch's cast rule (an int tensor can't hold exp)."""
    def method(self):
        if self.dtype in fast and not (self.requires_grad and ENABLED[0]) and \
                0 not in self._a.strides:
            self._a[...] = kernel(self._a)
            _bump_storage(self._a)
            return self
        return inplace(op, self)
    return method


def check_cast(self, operands, kind=SAME, out_name=None):
    """torch's check, made before an in-place kernel runs, that the result type of operands
    can be written into self (an int tensor's fmod_ by a complex fails here, not in fmod)."""
    rd = D.result_type_of(operands)
    if kind == FLOAT and rd.category < D.FLOAT:
        rd = D.get_default_dtype()
    if rd is not self.dtype and not D.can_cast(rd, self.dtype):
        raise RuntimeError(f"result type {D.type_name_of(rd, operands)} can't be cast to the "
                           f"desired output type {out_name or self.dtype.type_name}")


def inplace(op, self, *others, **params):
    """apply_inplace with torch's order of checks (operand checks, then the cast rule, then
    the kernel)."""
    check = getattr(op, "check_operands", None)
    if check is not None:
        check(self, *others)
    if op.kind is not None:
        check_cast(self, (self, *others), op.kind)
    return apply_inplace(op, self, *others, **params)


def write_out(out, r):
    """Store result r into the ``out=`` tensor, resizing it like torch does."""
    if not isinstance(out, Tensor):
        raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
    if r.dtype is not out.dtype and not D.can_cast(r.dtype, out.dtype):
        raise RuntimeError(f"result type {r.dtype.type_name} can't be cast to the desired output "
                           f"type {out.dtype.type_name}")
    if out._a.shape != r._a.shape:
        if out._a.size:
            warnings.warn(
                f"An output with one or more elements was resized since it had shape "
                f"{list(out._a.shape)}, which does not match the required output shape "
                f"{list(r._a.shape)}. This behavior is deprecated, and in a future PyTorch release "
                "outputs will not be resized unless they have zero elements. You can explicitly "
                "reuse an out tensor t by resizing it, inplace, to zero elements with t.resize_(0).",
                UserWarning, stacklevel=3)
        out._a = r._a.astype(out.dtype.np, copy=True)
        return out
    np.copyto(out._a, r._a, casting="unsafe")
    bump_version(out)
    return out


def inplace_from(fn, precheck=None):
    """The in-place form of a public function fn(self, ...): apply_inplace runs fn out of place
    (so a failure leaves self unchanged), checks torch's cast and shape rules, writes self.
    ``precheck(self, *args, **kwargs)`` makes the checks torch makes before its kernel."""
    class Run:
        @staticmethod
        def apply(self, *args, **kwargs):
            return fn(self, *args, **kwargs)

    name = fn.__name__

    def method(self, *args, **kwargs):
        try:
            if precheck is not None:
                precheck(self, *args, **kwargs)
            return apply_inplace(Run, self, *args, **kwargs)
        except TypeError as e:
            raise method_type_error(e, name, name + "_") from None
    method.__name__ = name + "_"
    return method


def method_type_error(e, fname, mname):
    """An argument TypeError of function fname, as torch words it for method mname (whose
    argument positions don't count self)."""
    msg = str(e)
    prefix = f"{fname}(): argument '"
    if msg.startswith(prefix) and "(position " in msg:
        head, _, rest = msg.partition("(position ")
        pos, _, tail = rest.partition(")")
        msg = f"{mname}(): argument '{head[len(prefix):]}(position {int(pos) - 1}){tail}"
        return TypeError(msg)
    return e
