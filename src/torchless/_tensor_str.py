"""Printing of tensors: ``repr(t)`` / ``str(t)`` match torch's output byte for byte.

The rules, as observed from torch:

* A tensor with more than ``threshold`` elements is summarised: every dimension longer
  than ``2 * edgeitems`` shows only its first and last ``edgeitems`` entries, with
  ``...`` in between.  Only the shown values take part in choosing the format.
* Integer and bool elements print as ``str(value)``, right-aligned to the widest one.
* Floating elements are formatted from the nonzero finite values among those shown:
  if they are all integral ("int mode") they print as ``1.`` unless the largest |x|
  exceeds 1e8 or max/min exceeds 1000, in which case scientific notation is used;
  otherwise fixed notation with ``precision`` digits is used unless max > 1e8,
  max/min > 1000 or min < 1e-4.  ``sci_mode`` overrides the automatic choice.  The
  common width is the widest of the nonzero finite values in the chosen notation;
  zeros, nan and inf are padded to it but never widen it.  With no nonzero finite
  value at all, the tensor prints in int mode with no padding (``sci_mode`` is ignored).
* Complex tensors format their real and imaginary parts with separate formatters.
* The innermost rows wrap to ``linewidth`` columns; suffixes (``size=``, ``dtype=``,
  ``requires_grad=True`` / ``grad_fn=<...>``) follow the last line, or go on a new
  line indented under the opening bracket when they would not fit.
"""
from __future__ import annotations

import contextlib
import math

import numpy as np

from . import _dtype as D

__all__ = ["tensor_repr", "set_printoptions", "get_printoptions", "printoptions", "PRINT_OPTS"]


class _PrintOptions:
    """The current print options (torch._tensor_str.PRINT_OPTS)."""

    __slots__ = ("precision", "threshold", "edgeitems", "linewidth", "sci_mode")

    def __init__(self):
        self.precision = 4
        self.threshold = 1000
        self.edgeitems = 3
        self.linewidth = 80
        self.sci_mode = None

    def __repr__(self):
        return "_PrintOptions(" + ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__) + ")"


PRINT_OPTS = _PrintOptions()

# profile name -> (precision, threshold, edgeitems, linewidth)
_PROFILES = {
    "default": (4, 1000, 3, 80),
    "short": (2, 1000, 2, 80),
    "full": (4, math.inf, 3, 80),
}


def set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None,
                     profile=None, sci_mode=None):
    """Set options for printing (torch.set_printoptions).

    A ``profile`` ("default", "short" or "full") first resets precision, threshold,
    edgeitems and linewidth; the explicit arguments then override it.  ``sci_mode``
    is always assigned: leaving it out returns to the automatic choice.
    """
    opts = PRINT_OPTS
    if profile is not None and profile in _PROFILES:
        opts.precision, opts.threshold, opts.edgeitems, opts.linewidth = _PROFILES[profile]
    if precision is not None:
        opts.precision = precision
    if threshold is not None:
        opts.threshold = threshold
    if edgeitems is not None:
        opts.edgeitems = edgeitems
    if linewidth is not None:
        opts.linewidth = linewidth
    opts.sci_mode = sci_mode


def get_printoptions() -> dict:
    """The current print options as a dict (torch._tensor_str.get_printoptions)."""
    o = PRINT_OPTS
    return {"precision": o.precision, "threshold": o.threshold, "edgeitems": o.edgeitems,
            "linewidth": o.linewidth, "sci_mode": o.sci_mode}


@contextlib.contextmanager
def printoptions(**kwargs):
    """Temporarily set print options; the previous ones come back on exit."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


# ------------------------------------------------------------------ element formatting
def _format_floats(arr, opts):
    """Strings for the float array ``arr`` (flattened), all padded to a common width.

    Returns (strings, width).
    """
    v = np.asarray(arr, dtype=np.float64).ravel()
    vals = v.tolist()
    prec = opts.precision
    nz = np.isfinite(v) & (v != 0)
    nzv = v[nz]
    if nzv.size == 0:
        # nothing to measure: int mode, no padding, sci_mode ignored
        return [(f"{x:.0f}." if math.isfinite(x) else f"{x:.0f}") for x in vals], 1
    absv = np.abs(nzv)
    mx = float(absv.max())
    mn = float(absv.min())
    int_mode = bool(np.all(np.ceil(nzv) == nzv))
    if int_mode:
        sci = mx / mn > 1000.0 or mx > 1e8
    else:
        sci = mx / mn > 1000.0 or mx > 1e8 or mn < 1e-4
    if opts.sci_mode is not None:
        sci = bool(opts.sci_mode)
    if sci:
        fmt = "{:.%de}" % prec
        strs = [fmt.format(x) for x in vals]
    elif int_mode:
        strs = [(f"{x:.0f}." if math.isfinite(x) else f"{x:.0f}") for x in vals]
    else:
        fmt = "{:.%df}" % prec
        strs = [fmt.format(x) for x in vals]
    if nzv.size == v.size:
        width = max(map(len, strs))
    else:
        width = max(len(strs[i]) for i in np.flatnonzero(nz).tolist())
    return [s.rjust(width) for s in strs], width


def _format_plain(arr):
    """Strings for an integer or bool array, right-aligned to the widest."""
    strs = [str(x) for x in arr.ravel().tolist()]
    width = max(map(len, strs)) if strs else 1
    return [s.rjust(width) for s in strs], width


def _format_elements(arr, category, opts):
    """(flat list of element strings, element length for line wrapping)."""
    if category == D.COMPLEX:
        re, w1 = _format_floats(arr.real, opts)
        im, w2 = _format_floats(arr.imag, opts)
        out = []
        for r, i in zip(re, im):
            i = (i + "j").lstrip()
            out.append(r + i if i[0] in "+-" else r + "+" + i)
        return out, w1 + w2 + 3
    if category == D.FLOAT:
        strs, w = _format_floats(arr, opts)
    else:
        strs, w = _format_plain(arr)
    return strs, w + 2


# ------------------------------------------------------------------ layout
def _summary_split(n, e):
    """Number of leading entries kept when a dim of length n is summarised."""
    return len(range(n)[:e])


def _summarize(a, e):
    """The shown part of ``a`` and, per dim, whether that dim is elided."""
    elided = []
    index = []
    for n in a.shape:
        if n > 2 * e:
            elided.append(True)
            r = range(n)
            index.append(np.array(list(r[:e]) + (list(r[-e:]) if e else []), dtype=np.intp))
        else:
            elided.append(False)
            index.append(np.arange(n, dtype=np.intp))
    if any(elided):
        a = a[np.ix_(*index)]
    return a, elided


def _layout(strs, shape, elided, edgeitems, indent, elem_len, linewidth):
    """Nest the flat element strings into torch's bracketed, wrapped layout."""
    ndim = len(shape)
    strides = [1] * ndim
    for d in range(ndim - 2, -1, -1):
        strides[d] = strides[d + 1] * shape[d + 1]

    def rec(off, d, ind):
        n = shape[d]
        if d == ndim - 1:
            items = strs[off:off + n]
            if elided[d]:
                k = _summary_split(n, edgeitems)
                items = items[:k] + [" ..."] + items[k:]
            per_line = max(1, math.floor((linewidth - ind) / elem_len))
            lines = [", ".join(items[i:i + per_line]) for i in range(0, len(items), per_line)]
            return "[" + (",\n" + " " * (ind + 1)).join(lines) + "]"
        st = strides[d]
        subs = [rec(off + i * st, d + 1, ind + 1) for i in range(n)]
        if elided[d]:
            k = _summary_split(n, edgeitems)
            subs = subs[:k] + ["..."] + subs[k:]
        return "[" + ("," + "\n" * (ndim - d - 1) + " " * (ind + 1)).join(subs) + "]"

    return rec(0, 0, indent)


def _body(a, category, indent, opts):
    """The tensor's contents, without prefix and suffixes (a is non-empty)."""
    edgeitems = opts.edgeitems
    summarize = a.size > opts.threshold
    if a.ndim == 0:
        strs, _ = _format_elements(a, category, opts)
        return strs[0]
    if summarize:
        if edgeitems == 0:
            return "[...]"
        shown, elided = _summarize(a, edgeitems)
    else:
        shown, elided = a, [False] * a.ndim
    strs, elem_len = _format_elements(shown, category, opts)
    return _layout(strs, shown.shape, elided, edgeitems, indent, elem_len, opts.linewidth)


def _add_suffixes(text, suffixes, indent, linewidth):
    """Append ", suffix" items and the closing parenthesis, wrapping as torch does."""
    parts = [text]
    # torch measures the last line as its length plus two
    cur = len(text) - text.rfind("\n") + 1
    for s in suffixes:
        if cur + len(s) + 2 > linewidth:
            parts.append(",\n" + " " * indent + s)
            cur = indent + len(s)
        else:
            parts.append(", " + s)
            cur += len(s) + 2
    parts.append(")")
    return "".join(parts)


def _grad_suffix(t):
    grad_fn = getattr(t, "grad_fn", None)
    if grad_fn is not None:
        name_ = getattr(grad_fn, "name_", None)
        name = name_() if callable(name_) else type(grad_fn).__name__
        return f"grad_fn=<{name}>"
    if getattr(t, "requires_grad", False):
        return "requires_grad=True"
    return None


def tensor_repr(t) -> str:
    """repr(t) / str(t) of a torchless Tensor, as torch prints it."""
    a = t._a
    dt = t.dtype
    opts = PRINT_OPTS
    prefix = "tensor("
    indent = len(prefix)
    suffixes = []
    default = D.get_default_dtype()
    if a.size == 0:
        # an empty tensor reads back as tensor([]) of the default float dtype
        if a.ndim != 1:
            suffixes.append(f"size={tuple(a.shape)}")
        if dt is not default:
            suffixes.append(f"dtype={dt!r}")
        body = "[]"
    else:
        if opts.edgeitems == 0:
            suffixes.append(f"size={tuple(a.shape)}")
        if not (dt is default or dt is D.int64 or dt is D.bool_ or dt is D.default_complex()):
            suffixes.append(f"dtype={dt!r}")
        body = _body(a, dt.category, indent, opts)
    g = _grad_suffix(t)
    if g is not None:
        suffixes.append(g)
    return _add_suffixes(prefix + body, suffixes, indent, opts.linewidth)
