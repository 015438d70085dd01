"""Distances and integrals of tensors: dist, renorm, trapezoid / trapz /
cumulative_trapezoid, torch.cross (dim=None) and histogram (re-exported by products_more)."""
from __future__ import annotations

import warnings

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap, wrap_dim
from ..autograd.function import NONE, SAME, Op
from ._inplace import apply_inplace
from .linalg import _check_tensors, _into, _not_implemented
from .pointwise import _conj


# ---------------------------------------------------------------- dist
class Dist(Op):
    name = "DistBackward0"
    kind = SAME
    save_output = True

    @staticmethod
    def forward(ctx, a, b, p=2.0):
        ctx.p = p
        d = np.abs(a - b)
        if d.size == 0:
            return np.zeros((), d.dtype)
        if p == 0:
            r = np.count_nonzero(d)
        elif p == float("inf"):
            r = d.max()
        elif p == float("-inf"):
            r = d.min()
        elif p == 1:
            r = d.sum()
        elif p == 2:
            r = np.sqrt(np.sum(d * d))
        else:
            r = np.sum(d ** p) ** (1.0 / p)
        return np.asarray(r, d.dtype)

    @staticmethod
    def backward(ctx, g):
        import torchless as T
        a, b = ctx.inputs
        p, norm = ctx.p, ctx.out
        diff = a - b
        ad = diff.abs()
        if p == 0:
            gd = diff * 0
        elif p == 1:
            gd = diff.sgn() * g
        elif p == 2:
            gd = T.where(norm == 0, 0.0, diff / norm) * g
        elif p in (float("inf"), float("-inf")):
            mask = (ad == norm).to(diff.dtype)
            gd = diff.sgn() * mask * (g / mask.sum())
        elif p < 1:
            gd = T.where(diff == 0, 0.0, diff.sgn() * ad.pow(p - 1) / norm.pow(p - 1)) * g
        else:
            gd = T.where(norm == 0, 0.0, diff * ad.pow(p - 2) / norm.pow(p - 1)) * g
        need = ctx.needs_input_grad
        return (gd if need[0] else None), (-gd if need[1] else None)


def dist(input, other, p=2):
    """The p-norm of input - other (broadcast)."""
    _check_tensors("dist", ("input", "other"), (input, other))
    from .._size import infer_size
    infer_size(input._a.shape, other._a.shape)
    d = D.result_type_of((input, other))
    if d.category < D.FLOAT:
        raise RuntimeError(f"norm(): input dtype should be either floating point or complex. "
                           f"Got {d.type_name} instead.")
    if isinstance(p, Tensor):
        p = p.item()
    r = Dist.apply(input, other, p=float(p))
    if r.dtype.is_complex:      # the norm of a complex difference is real
        r = r.real
    return r


# ---------------------------------------------------------------- renorm
class Renorm(Op):
    name = "RenormBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, x, p=2.0, dim=0, maxnorm=1.0):
        ctx.p, ctx.dim, ctx.maxnorm = p, dim, maxnorm
        axes = tuple(i for i in range(x.ndim) if i != dim)
        ax = np.abs(x)
        if p == float("inf"):
            n = ax.max(axis=axes, keepdims=True, initial=0)
        elif p == 1:
            n = ax.sum(axis=axes, keepdims=True)
        elif p == 2:
            n = np.sqrt((ax * ax).sum(axis=axes, keepdims=True))
        else:
            n = (ax ** p).sum(axis=axes, keepdims=True) ** (1.0 / p)
        n = n.astype(ax.dtype, copy=False)
        scale = np.where(n > maxnorm, maxnorm / (n + 1e-7), 1.0).astype(ax.dtype)
        return (x * scale).astype(x.dtype, copy=False)

    @staticmethod
    def backward(ctx, g):
        import torchless as T
        (x,) = ctx.inputs
        p, dim, maxnorm = ctx.p, ctx.dim, ctx.maxnorm
        axes = [i for i in range(x.ndim) if i != dim]
        if p == float("inf"):
            n = x.abs().amax(axes, keepdim=True)
        else:
            n = T.linalg.vector_norm(x, p, dim=axes, keepdim=True)
        over = n > maxnorm
        scale = T.where(over, maxnorm / (n + 1e-7), 1.0)
        # d scale / d n where scaled: -maxnorm / (n + eps)^2 ; d n / d x: the p-norm's gradient
        if p == float("inf"):
            mask = (x.abs() == n).to(x.dtype)
            dn = x.sgn() * mask / mask.sum(axes, keepdim=True)
        elif p == 1:
            dn = x.sgn()
        elif p == 2:
            dn = x / n
        else:
            dn = x * x.abs().pow(p - 2) / n.pow(p - 1)
        s = (g * _conj(x)).sum(axes, keepdim=True)
        extra = T.where(over, -maxnorm / (n + 1e-7).pow(2) * s, 0.0) * dn
        return (g * scale + extra,)


def _check_renorm(input, p, dim, maxnorm):
    if p <= 0:
        raise RuntimeError("renorm: non-positive-norm not supported")
    if maxnorm < 0:
        raise RuntimeError(f"renorm: expected maxnorm to be >= 0 but got {maxnorm:g}")
    nd = input._a.ndim
    if nd < 2:
        raise RuntimeError(f"renorm: input needs at least 2 dimensions, got {nd} dimensions")
    d = wrap_dim(dim, nd)
    if input.dtype.category < D.FLOAT:
        raise RuntimeError(f"linalg.vector_norm: Expected a floating point or complex tensor as "
                           f"input. Got {input.dtype.type_name}")
    return d


def renorm(input, p, dim, maxnorm, *, out=None):
    """Each slice along dim with p-norm over maxnorm is scaled to norm maxnorm."""
    _check_tensors("renorm", ("input",), (input,))
    d = _check_renorm(input, p, dim, maxnorm)
    r = Renorm.apply(input, p=float(p), dim=d, maxnorm=float(maxnorm))
    return r if out is None else _into(out, r, "renorm")


def _renorm_(self, p, dim, maxnorm):
    d = _check_renorm(self, p, dim, maxnorm)
    return apply_inplace(Renorm, self, p=float(p), dim=d, maxnorm=float(maxnorm))


# ---------------------------------------------------------------- trapezoid
def _named(r, name):
    """torch multiplies/divides by a number here (MulBackward1/DivBackward1)."""
    if r.grad_fn is not None:
        r.grad_fn.name = name
    return r


def _float(y):
    if y.dtype.category < D.FLOAT:
        from .. import get_default_dtype
        return y.to(get_default_dtype())
    return y


def _diff_x(x, y, d, n):
    if x._a.ndim == 1:
        if x._a.shape[0] != n:
            raise RuntimeError("trapezoid: There must be one `x` value for each sample point")
        dx = x[1:] - x[:-1]
        shape = [1] * y._a.ndim
        shape[d] = n - 1
        return dx.view(shape)
    return x.narrow(d, 1, n - 1) - x.narrow(d, 0, n - 1)


def trapezoid(y, x=None, *, dx=None, dim=-1):
    """The trapezoid rule along dim, with sample spacing dx (default 1) or sample points x."""
    if x is not None and not isinstance(x, Tensor):
        dx, x = x, None
    _check_tensors("trapezoid", ("y",), (y,))
    d = wrap_dim(dim, y._a.ndim)
    n = y._a.shape[d]
    if x is not None:
        if n == 0:
            return _float(y).sum(d) * 0
        dxs = _diff_x(x, y, d, n)
        return _named((dxs * (y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1))).sum(d) / 2.,
                      "DivBackward1")
    if dx is None:
        dx = 1
    if n == 0:
        return _float(y).sum(d) * 0
    return _named((y.sum(d) - (y.select(d, 0) + y.select(d, -1)) * 0.5) * dx, "MulBackward1")


def trapz(y, x=None, *, dx=None, dim=-1):
    """torch.trapz: the older name of trapezoid."""
    return trapezoid(y, x, dx=dx, dim=dim)


def cumulative_trapezoid(y, x=None, *, dx=None, dim=-1):
    """The running trapezoid-rule integral along dim (one fewer element)."""
    if x is not None and not isinstance(x, Tensor):
        dx, x = x, None
    _check_tensors("cumulative_trapezoid", ("y",), (y,))
    d = wrap_dim(dim, y._a.ndim)
    n = y._a.shape[d]
    if n == 0:
        return _float(y).narrow(d, 0, 0) * 1
    if x is not None:
        dxs = _diff_x(x, y, d, n)
        return _named((dxs * (y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1))).cumsum(d) / 2.,
                      "DivBackward1")
    if dx is None:
        dx = 1
    return ((y.narrow(d, 1, n - 1) + y.narrow(d, 0, n - 1)) * (dx / 2.)).cumsum(d)


# ---------------------------------------------------------------- cross
_WARNED = []


def cross(input, other, dim=None, *, out=None):
    """Cross product of 3-vectors along dim; dim=None takes the first dimension of size 3
    (deprecated, with torch's warning)."""
    _check_tensors("cross", ("input", "other"), (input, other))
    from ..linalg import cross as lcross
    if dim is None:
        if not _WARNED:       # torch warns once per process
            _WARNED.append(True)
            warnings.warn("Using torch.cross without specifying the dim arg is deprecated.\n"
                          "Please either pass the dim explicitly or simply use torch.linalg.cross."
                          "\nThe default value of dim will change to agree with that of "
                          "linalg.cross in a future release.", UserWarning, stacklevel=2)
        from .._size import infer_size
        shape = infer_size(input._a.shape, other._a.shape) \
            if input._a.ndim == other._a.ndim else input._a.shape
        dim = next((i for i, s in enumerate(shape) if s == 3), None)
        if dim is None:
            raise RuntimeError("no dimension of size 3 in input")
    return lcross(input, other, dim=dim, out=out)


# ---------------------------------------------------------------- histogram
def histogram(input, bins=100, *, range=None, weight=None, density=False, out=None):
    """Histogram of input's values: (hist, bin_edges) as torch.return_types.histogram."""
    from .reduction import _structseq, return_types
    _check_tensors("histogram", ("input",), (input,))
    d = input.dtype
    if d.category != D.FLOAT:
        raise _not_implemented("histogramdd", d)
    a = input._a.reshape(-1)
    w = None if weight is None else weight._a.reshape(-1)
    if isinstance(bins, Tensor):
        edges = bins._a.astype(a.dtype)
    else:
        bins = int(bins)
        if bins <= 0:
            raise RuntimeError(f"torch.histogram(): bins must be > 0, but got {bins} for dimension 0")
        if range is not None:
            lo, hi = float(range[0]), float(range[1])
        elif a.size:
            lo, hi = float(a.min()), float(a.max())
        else:
            lo = hi = 0.0
        if lo > hi:
            raise RuntimeError(f"torch.histogramdd: min should not exceed max, but got min {lo:g} "
                               f"max {hi:g} for dimension 0")
        if not (np.isfinite(lo) and np.isfinite(hi)):
            raise RuntimeError(f"torch.histogramdd: dimension 0's range [{lo:g}, {hi:g}] is not "
                               f"finite")
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        edges = np.linspace(lo, hi, bins + 1).astype(a.dtype)
    hist = _hist(a, edges, w).astype(a.dtype)
    if density:
        widths = np.diff(edges)
        total = hist.sum()
        hist = (hist / total / widths).astype(a.dtype)
    cls = getattr(return_types, "histogram", None)
    if cls is None:
        cls = _structseq("histogram", ("hist", "bin_edges"))
        setattr(return_types, "histogram", cls)
    h, e = _wrap(hist, d), _wrap(np.ascontiguousarray(edges), d)
    if out is not None:
        _into(out[0], h, "histogram")
        _into(out[1], e, "histogram")
        h, e = out
    return cls((h, e))


def _hist(a, edges, w):
    nb = len(edges) - 1
    hist = np.zeros(max(nb, 0), np.float64)
    if nb <= 0 or a.size == 0:
        return hist
    lo, hi = edges[0], edges[-1]
    keep = (a >= lo) & (a <= hi)
    v = a[keep]
    ww = None if w is None else w[keep]
    idx = np.searchsorted(edges, v, side="right") - 1
    idx = np.clip(idx, 0, nb - 1)
    np.add.at(hist, idx, 1 if ww is None else ww.astype(np.float64))
    return hist
