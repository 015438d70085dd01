"""torch.linalg: norms, products, inverses and solves, decompositions.

Every function takes torch's arguments and raises torch's errors (LinAlgError, a RuntimeError,
for singular or not positive-definite matrices).  Forward runs numpy.linalg, batched; the
differentiable ones have their backward written in Tensor ops (so it differentiates again)
with the grad_fn names torch shows.  float32, float64 and (forward only) complex inputs.
"""
from ._common import LinAlgError
from ._decomp import cholesky, cholesky_ex, eigh, eigvalsh, qr, svd, svdvals
from ._lstsq import lstsq, matrix_exp, matrix_rank, pinv
from ._norms import cond, matrix_norm, norm, vector_norm
from ._products import cross, diagonal, matmul, matrix_power, multi_dot, vander, vecdot
from ._solve import det, inv, inv_ex, slogdet, solve, solve_ex

__all__ = ["LinAlgError", "vector_norm", "matrix_norm", "norm", "cond", "matmul", "vecdot",
           "cross", "multi_dot", "diagonal", "matrix_power", "vander", "inv", "inv_ex", "det",
           "slogdet", "solve", "solve_ex", "pinv", "matrix_rank", "lstsq", "matrix_exp",
           "cholesky", "cholesky_ex", "qr", "svd", "svdvals", "eigh", "eigvalsh"]

# torch's functions carry the names of their ATen ops (linalg_inv ...), which Python's own
# argument errors show ("linalg_vander() takes 1 positional argument but 2 were given")
for _n in __all__[1:]:
    if _n != "matmul":          # torch.matmul itself
        _f = globals()[_n]
        _f.__name__ = _f.__qualname__ = "linalg_" + _n
del _n, _f
