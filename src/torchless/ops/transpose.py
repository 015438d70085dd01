"""Transposing views: transpose/swapaxes, t, permute, movedim, and the T/mT/H/mH properties.
NumPy's transpose gives exactly torch's strides, so each is one NumPy call plus its Op."""
from __future__ import annotations

import warnings

from .._tensor import Tensor, wrap_dim
from ..autograd.function import NONE, Op
from ..autograd.grad_mode import ENABLED
from ._inplace import bump_version, check_inplace_allowed
from ._strides import fmt, int_list, view_apply, wrap_view


class Transpose(Op):
    name = "TransposeBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, a, d0=0, d1=1, name=None):
        if name is not None:
            ctx.name = name
        ctx.dims = (d0, d1)
        return a.swapaxes(d0, d1) if a.ndim else a.view()

    @staticmethod
    def backward(ctx, g):
        return (g.transpose(*ctx.dims) if g.ndim else g,)


class Permute(Op):
    name = "PermuteBackward0"
    kind = NONE
    needs_inputs = False    # backward reads shapes and indices, not input values

    @staticmethod
    def forward(ctx, a, perm=()):
        ctx.perm = perm
        return a.transpose(perm)

    @staticmethod
    def backward(ctx, g):
        inv = [0] * len(ctx.perm)
        for i, p in enumerate(ctx.perm):
            inv[p] = i
        return (g.permute(inv),)


def transpose(input, dim0, dim1):
    """Swap dims dim0 and dim1 (a view)."""
    a = input._a
    n = a.ndim
    d0 = wrap_dim(dim0, n)
    d1 = wrap_dim(dim1, n)
    if input.requires_grad and ENABLED[0]:
        return view_apply(Transpose, input, d0=d0, d1=d1)
    return wrap_view(a.swapaxes(d0, d1) if n else a.view(), input.dtype, input)


def t(input):
    """Transpose a tensor of at most 2 dims."""
    a = input._a
    n = a.ndim
    if n > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {n}D")
    if input.requires_grad and ENABLED[0]:
        return view_apply(Transpose, input, d0=0, d1=n - 1 if n else 0, name="TBackward0")
    return wrap_view(a.T if n == 2 else a.view(), input.dtype, input)


def permute(input, *dims):
    """A view with the dims reordered."""
    a = input._a
    n = a.ndim
    if not input.requires_grad:
        d = dims[0] if len(dims) == 1 and dims[0].__class__ in (tuple, list) else dims
        if len(d) == n:
            try:
                # NumPy checks range and repeats; its messages are replaced by torch's below
                return wrap_view(a.transpose(d), input.dtype, input)
            except (TypeError, ValueError, IndexError):
                pass
    dims = int_list(dims, "permute", "dims")
    if len(dims) != n:
        raise RuntimeError(
            "permute(sparse_coo): number of dimensions in the tensor input does not match the "
            "length "
            f"of the desired ordering of dimensions i.e. input.dim() = {n} is not equal to "
            f"len(dims) = {len(dims)}")
    perm = tuple(wrap_dim(d, n) for d in dims)
    if len(set(perm)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    if input.requires_grad and ENABLED[0]:
        return view_apply(Permute, input, perm=perm)
    return wrap_view(a.transpose(perm), input.dtype, input)


def _T(self):
    n = self._a.ndim
    if n != 2 and n > 0:
        warnings.warn(
            "The use of `x.T` on tensors of dimension other than 2 to reverse their shape is "
            "deprecated and it will throw an error in a future release. Consider `x.mT` to "
            "transpose batches of matrices or `x.permute(*torch.arange(x.ndim - 1, -1, -1))` to "
            "reverse the dimensions of a tensor.", UserWarning, stacklevel=2)
    return permute(self, tuple(range(n - 1, -1, -1)))


def _mT(self):
    n = self._a.ndim
    if n < 2:
        raise RuntimeError(
            f"tensor.mT is only supported on matrices or batches of matrices. Got {n}-D tensor.")
    return transpose(self, -2, -1)


def _H(self):
    n = self._a.ndim
    if n != 2 and n != 0:
        raise RuntimeError(
            f"tensor.H is only supported on matrices (2-D tensors). Got {n}-D tensor."
            + (" For batches of matrices, consider using tensor.mH" if n > 2 else ""))
    r = transpose(self, 0, -1) if n else self
    return r.conj() if self.dtype.is_complex else r


def _mH(self):
    n = self._a.ndim
    if n < 2:
        raise RuntimeError(
            f"tensor.mH is only supported on matrices or batches of matrices. Got {n}-D tensor.")
    r = transpose(self, -2, -1)
    return r.conj() if self.dtype.is_complex else r


def movedim(input, source, destination):
    """Move the dims in source to the positions in destination (a view)."""
    a = input._a
    n = a.ndim
    src = [source] if not isinstance(source, (tuple, list)) else list(source)
    dst = [destination] if not isinstance(destination, (tuple, list)) else list(destination)
    if len(src) != len(dst):
        raise RuntimeError(
            f"movedim: Invalid source or destination dims: source ({fmt(src)} dims) should contain "
            f"the same number of dims as destination ({fmt(dst)} dims)")
    ws = [wrap_dim(d, n) for d in src]
    wd = [wrap_dim(d, n) for d in dst]
    if len(set(ws)) != len(ws):
        raise RuntimeError(f"movedim: repeated dim in `source` ({fmt(src)})")
    if len(set(wd)) != len(wd):
        raise RuntimeError(f"movedim: repeated dim in `destination` ({fmt(dst)})")
    rest = [d for d in range(n) if d not in ws]
    perm = [-1] * n
    for s, d in zip(ws, wd):
        perm[d] = s
    it = iter(rest)
    perm = [p if p >= 0 else next(it) for p in perm]
    return permute(input, perm)


def _swap(self, axis0, axis1):
    return transpose(self, axis0, axis1)


# ---------------------------------------------------------------- in-place view ops
# t_(), transpose_(), squeeze_(), unsqueeze_() give the tensor itself the view's geometry; in
# a graph its history becomes the view op's, under the in-place node name torch shows.
_INPLACE_NAMES = {"TBackward0": "TBackward1", "TransposeBackward0": "TransposeBackward1",
                  "SqueezeBackward0": "SqueezeBackward3", "SqueezeBackward1": "SqueezeBackward4",
                  "SqueezeBackward2": "SqueezeBackward5", "UnsqueezeBackward0": "UnsqueezeBackward1"}


def become_view(self, r):
    """Make self the view r of its own memory, in place (r computed out of place from self)."""
    fn = r.grad_fn
    if fn is not None:
        fn.name = _INPLACE_NAMES.get(fn.name_(), fn.name_())
        self.grad_fn = fn
        self.requires_grad = True
        out = r._meta.get("out") if r._meta else None
        if out is not None:
            self._meta = dict(self._meta or {}, out=out)
    self._a = r._a
    bump_version(self)
    return self


def t_(self):
    """t(), in place."""
    n = self._a.ndim
    if n > 2:
        raise RuntimeError(f"t_() expects a tensor with <= 2 dimensions, but self is {n}D")
    check_inplace_allowed(self)
    return become_view(self, t(self))


def transpose_(self, dim0, dim1):
    """transpose(dim0, dim1), in place."""
    check_inplace_allowed(self)
    return become_view(self, transpose(self, dim0, dim1))


Tensor.transpose = transpose
Tensor.t_ = t_
Tensor.transpose_ = transpose_
Tensor.swapaxes_ = transpose_
Tensor.swapdims_ = transpose_
Tensor.swapaxes = _swap
Tensor.swapdims = _swap
Tensor.t = t
Tensor.permute = permute
Tensor.movedim = movedim
Tensor.moveaxis = movedim
Tensor.T = property(_T)
Tensor.mT = property(_mT)
Tensor.H = property(_H)
Tensor.mH = property(_mH)

swapaxes = swapdims = _swap
moveaxis = movedim

__all__ = ["transpose", "swapaxes", "swapdims", "t", "permute", "movedim", "moveaxis"]
