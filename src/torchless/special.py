"""torch.special: the functions torch also offers under other names (expit is sigmoid, gammaln
is lgamma, psi is digamma ...) and ndtr / ndtri / log_ndtr / entr / xlog1py written with the
elementwise ops (their grad_fn is that of the last op, as for ndtr in torch)."""
from __future__ import annotations

import math

from .ops.nn_ops import log_softmax as _log_softmax, softmax as _softmax
from .ops.reduction import logsumexp
from .ops.special import digamma, erfc, erfinv, i0, logit, polygamma, sinc
from .ops.special import digamma as psi, lgamma as gammaln, mvlgamma as multigammaln
from .ops.special_binary import xlogy
from .ops.pointwise import Mul
from .ops.unary import erf, exp2, expm1, log1p, round as _round, sigmoid

__all__ = ["expit", "logit", "erf", "erfc", "erfinv", "gammaln", "digamma", "psi", "polygamma",
           "multigammaln", "i0", "sinc", "xlogy", "exp2", "expm1", "log1p", "logsumexp",
           "round", "softmax", "log_softmax", "ndtr"]


def expit(input, *, out=None):
    """The logistic sigmoid 1 / (1 + exp(-input)): torch.sigmoid."""
    return sigmoid(input, out=out)


def round(input, *, decimals=0, out=None):
    """torch.round with its decimals overload (RoundBackward1, even for decimals=0)."""
    return _round(input, decimals=decimals, out=out)


class _MulScalar(Mul):
    name = "MulBackward1"


def softmax(input, dim, *, dtype=None):
    """torch.softmax."""
    return _softmax(input, dim, dtype=dtype)


def log_softmax(input, dim, *, dtype=None):
    """torch.log_softmax."""
    return _log_softmax(input, dim, dtype=dtype)


def ndtr(input, *, out=None):
    """The standard normal CDF, (1 + erf(x / sqrt(2))) / 2."""
    r = _MulScalar.apply(1 + erf(input * math.sqrt(0.5)), 0.5)
    if out is not None:
        return out.copy_(r)
    return r
