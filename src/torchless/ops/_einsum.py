"""torch.einsum: the equation is parsed and checked here with torch's messages, then
computed by np.einsum on an explicit, fully spelled-out equation (ellipses replaced by
letters the user did not use, size-1 dims broadcast beforehand as torch allows).

The gradient of each operand is another einsum: the output gradient contracted with the
other operands, with ones for letters only that operand has and identity matrices to put a
repeated letter (a diagonal) back in place.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from ..autograd.function import NOCTX, NONE, Op
from ..autograd.grad_mode import ENABLED
from .conversion import type_name

_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
_IS_LETTER = frozenset(_LETTERS)
_ELL = ...


def _err(msg):
    return RuntimeError("einsum(): " + msg)


def _read_ellipsis(eq, i, end, who, have):
    """Check the '.' at eq[i] starts an ellipsis (torch's two messages otherwise)."""
    if have:
        raise _err(f"found '.' for {who} for which an ellipsis was already found" if who != "output"
                   else "found '.' for output but an ellipsis (...) was already found")
    if eq[i:i + 3] != "..." or i + 3 > end:
        raise _err(f"found '.' for {who} that is not part of any ellipsis"
                   + (" (...)" if who == "output" else ""))


def _parse(eq):
    """The operand terms and the output term (None when implicit) as lists of letters,
    with ``...`` as Ellipsis."""
    arrow = eq.find("->")
    end = arrow if arrow >= 0 else len(eq)
    terms, term, have = [], [], False
    i = 0
    while i < end:
        c = eq[i]
        if c in _IS_LETTER:
            term.append(c)
        elif c == ",":
            terms.append(term)
            term, have = [], False
        elif c == ".":
            _read_ellipsis(eq, i, end, f"operand {len(terms)}", have)
            term.append(_ELL)
            have = True
            i += 3
            continue
        elif c != " ":
            raise _err(f"invalid subscript given at index {i} in the equation string, subscripts "
                       "must be in [a-zA-Z]")
        i += 1
    terms.append(term)
    if arrow < 0:
        return terms, None
    out, have = [], False
    i = arrow + 2
    while i < len(eq):
        c = eq[i]
        if c in _IS_LETTER:
            out.append(c)
        elif c == ".":
            _read_ellipsis(eq, i, len(eq), "output", have)
            out.append(_ELL)
            have = True
            i += 3
            continue
        elif c != " ":
            raise _err(f"invalid subscript given at index {i} in the equation string, subscripts "
                       "must be in [a-zA-Z]")
        i += 1
    return terms, out


def _from_sublists(args):
    """einsum(op0, sublist0, op1, sublist1, ..., [out_sublist]) as an equation string."""
    def spell(sub):
        s = []
        for v in sub:
            if v is _ELL:
                s.append("...")
            else:
                if not isinstance(v, int) or not 0 <= v < 52:
                    raise ValueError(
                        "einsum(): subscript in subscript list is not within the valid range [0, 52)")
                s.append(_LETTERS[v])
        return "".join(s)

    ops, subs = list(args[0::2]), list(args[1::2])
    out = None
    if len(ops) > len(subs):
        out = ops.pop()
        if isinstance(out, Tensor):
            raise ValueError("einsum(): must specify the equation string and at least one operand, "
                             "or at least one operand and its subscripts list")
    eq = ",".join(spell(s) for s in subs)
    if out is not None:
        eq += "->" + spell(out)
    return eq, ops


def _prepare(eq, ops):
    """Check everything torch checks; return the spelled-out terms, output and letter sizes."""
    terms, out = _parse(eq)
    if len(terms) > len(ops):
        raise _err("fewer operands were provided than specified in the equation")
    if len(terms) < len(ops):
        raise _err("more operands were provided than specified in the equation")
    ell_dims = 0
    for k, (t, x) in enumerate(zip(terms, ops)):
        n, nd = len(t) - (_ELL in t), x._a.ndim
        if _ELL in t:
            if n > nd:
                raise _err(f"the number of subscripts in the equation ({n}) is more than the number "
                           f"of dimensions ({nd}) for operand {k}")
            ell_dims = max(ell_dims, nd - n)
        elif n != nd:
            raise _err(f"the number of subscripts in the equation ({n}) does not match the number "
                       f"of dimensions ({nd}) for operand {k} and no ellipsis was given")
    used = {c for t in terms for c in t if c is not _ELL}
    if out is not None:
        seen = set()
        for c in out:
            if c is _ELL:
                continue
            if c in seen:
                raise _err(f"output subscript {c} appears more than once in the output")
            if c not in used:
                raise _err(f"output subscript {c} does not appear in the equation for any input "
                           "operand")
            seen.add(c)
    fresh = [c for c in _LETTERS if c not in used]
    if ell_dims > len(fresh):
        raise _err("too many subscripts in the equation")
    ell = fresh[:ell_dims]
    spelled = []
    for t, x in zip(terms, ops):
        if _ELL in t:
            i = t.index(_ELL)
            e = x._a.ndim - (len(t) - 1)
            t = t[:i] + ell[ell_dims - e:] + t[i + 1:]
        spelled.append(t)
    if out is None:
        counts = {}
        for t in terms:
            for c in t:
                if c is not _ELL:
                    counts[c] = counts.get(c, 0) + 1
        out = ell + sorted(c for c, n in counts.items() if n == 1)
    elif _ELL in out:
        i = out.index(_ELL)
        out = out[:i] + ell + out[i + 1:]
    sizes = {}
    ell_set = set(ell)
    for k, (t, x) in enumerate(zip(spelled, ops)):
        mine = {}
        for j, (c, s) in enumerate(zip(t, x._a.shape)):
            if c in mine:
                if mine[c] != s:
                    raise _err(f"subscript {c} is repeated for operand {k} but the sizes don't match, "
                               f"{s} != {mine[c]}")
                continue
            mine[c] = s
            prev = sizes.get(c)
            if prev is None or prev == 1:
                sizes[c] = s
            elif s != prev and s != 1:
                if c in ell_set:
                    raise _err(f"dimension {j} covered by "
                               f"ellipsis in operand {k}has size {s} which does not broadcast with "
                               f"previously seen ellipsis with size {prev} for the respective dimension")
                raise _err(f"subscript {c} has size {s} for operand {k} which does not broadcast "
                           f"with previously seen size {prev}")
    return spelled, out, sizes


class Einsum(Op):
    """np.einsum on a spelled-out equation; grad_fn named after torch's final node."""

    name = "ViewBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, *arrays, terms, out, sizes, name, dtype=None, optimize=False):
        ctx.name, ctx.terms, ctx.out_term, ctx.sizes = name, terms, out, sizes
        arrays = [_expand(a, t, sizes) for a, t in zip(arrays, terms)]
        eq = ",".join("".join(t) for t in terms) + "->" + "".join(out)
        if dtype is not None:
            r = np.einsum(eq, *arrays, dtype=dtype, optimize=optimize)
        elif arrays[0].dtype == np.float16 and (len(arrays) > 1 or name == "SumBackward1"):
            # accumulate in float32 like torch's kernels, round once
            r = np.einsum(eq, *[a.astype(np.float32) for a in arrays], optimize=optimize)
            r = np.asarray(r).astype(np.float16)
        else:
            r = np.einsum(eq, *arrays, optimize=optimize)
        return r

    @staticmethod
    def backward(ctx, g):
        ops, terms, out, sizes = ctx.inputs, ctx.terms, ctx.out_term, ctx.sizes
        grads = []
        for k, x in enumerate(ops):
            if not ctx.needs_input_grad[k]:
                grads.append(None)
                continue
            t = terms[k]
            uniq = list(dict.fromkeys(t))
            others = [j for j in range(len(ops)) if j != k]
            avail = set(out).union(*[terms[j] for j in others])
            missing = [c for c in uniq if c not in avail]
            ones = [_wrap(np.ones(sizes[c], g.dtype.np)) for c in missing]
            lhs = ["".join(out)] + ["".join(terms[j]) for j in others] + missing
            gk = einsum(",".join(lhs) + "->" + "".join(uniq), g, *[ops[j] for j in others], *ones)
            if len(uniq) != len(t):
                gk = _undiagonal(gk, uniq, t, sizes, set(t) | set(out))
            grads.append(gk)
        return tuple(grads)


def _undiagonal(gk, uniq, t, sizes, used):
    """Place a gradient over unique letters back on the diagonal of a repeated-letter term."""
    fresh = iter(c for c in _LETTERS if c not in used)
    full, eyes, eye_terms, seen = [], [], [], set()
    for c in t:
        if c in seen:
            f = next(fresh)
            full.append(f)
            eye_terms.append(c + f)
            eyes.append(_wrap(np.eye(sizes[c], dtype=gk.dtype.np)))
        else:
            seen.add(c)
            full.append(c)
    eq = ",".join(["".join(uniq)] + eye_terms) + "->" + "".join(full)
    return einsum(eq, gk, *eyes)


def _expand(a, t, sizes):
    """Broadcast size-1 dims to the letter's size (torch broadcasts them, np.einsum doesn't)."""
    shape = tuple(sizes[c] for c in t)
    return a if a.shape == shape else np.broadcast_to(a, shape)


def einsum(*args):
    """Sum of products over the subscripts of an Einstein-notation equation."""
    if len(args) < 2:
        raise ValueError("einsum(): must specify the equation string and at least one operand, or at "
                         "least one operand and its subscripts list")
    eq = args[0]
    if isinstance(eq, Tensor):
        eq, ops = _from_sublists(args)
    elif not isinstance(eq, str):
        raise TypeError(f"einsum(): argument 'equation' (position 1) must be str, not "
                        f"{type_name(eq)}")
    else:
        ops = args[1:]
        if len(ops) == 1 and isinstance(ops[0], (list, tuple)):
            ops = ops[0]
    ops = list(ops)
    for i, x in enumerate(ops):
        if not isinstance(x, Tensor):
            raise TypeError(f"expected Tensor as element {i} in argument 1, but got {type_name(x)}")
    terms, out, sizes = _prepare(eq, ops)
    outset = set(out)
    contracted = any(c not in outset for t in terms for c in t)
    d = ops[0].dtype
    dtype = None
    optimize = False
    if len(ops) == 1:
        name = "SumBackward1" if contracted else "PermuteBackward0"
        if contracted and d.category <= D.INT:
            dtype = np.int64         # a sum of integers is int64, as torch.sum's
    else:
        name = "ViewBackward0" if contracted else "MulBackward0"
        work = 1
        for s in sizes.values():
            work *= s
        mixed = any(x.dtype is not d for x in ops)
        if contracted and work:
            # torch contracts with bmm: one dtype, and no bool kernel
            if d is D.bool_:
                raise NotImplementedError("\"bmm\" not implemented for 'Bool'")
            for x in ops[1:]:
                if x.dtype is not d:
                    raise RuntimeError(f"expected scalar type {d.type_name} but found "
                                       f"{x.dtype.type_name}")
        elif mixed:
            # a product without contraction (or an empty one) promotes like torch.mul
            rd = D.result_type_of(ops)
            ops = [x if x.dtype is rd else x.to(rd) for x in ops]
        # large contractions go through np.einsum's BLAS-backed path
        optimize = "greedy" if len(ops) > 2 or work > 4096 else False
    if ENABLED[0] and any(x.requires_grad for x in ops):
        return Einsum.apply(*ops, terms=terms, out=out, sizes=sizes, name=name, dtype=dtype,
                            optimize=optimize)
    r = Einsum.forward(NOCTX, *[x._a for x in ops], terms=terms, out=out, sizes=sizes,
                       name=name, dtype=dtype, optimize=optimize)
    return _wrap(r)
