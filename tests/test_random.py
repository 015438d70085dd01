"""torchless's random numbers against real torch 2.13, bit for bit.

Every comparison seeds both libraries identically, runs the same calls, and checks the
values (bitwise, dtype and shape) *and* the full 5056-byte generator state afterwards, so a
kernel that draws one number too many or too few fails even when its values happen to agree.
"""
from __future__ import annotations

import ctypes
import math
import os
import pickle
import random as pyrandom
import struct
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch

import torchless._dtype as D
import torchless._random as R
import torchless.random as TR
from torchless._mt19937 import MT19937
from torchless._normal import fma32, fma64
from torchless._randperm import (forward_shuffle, forward_shuffle_loop, forward_shuffle_sorted,
                                 inside_out, inside_out_loop, randperm_array)
from torchless._tensor import Tensor, _wrap

SEEDS = [0, 1, 2, 7, 42, 1234, 123456789, 2**32 + 5, 2**63 + 11, -1]
SIZES = list(range(1, 41)) + [100, 1000, 4099]
TD = {torch.float32: D.float32, torch.float64: D.float64, torch.float16: D.float16,
      torch.int64: D.int64, torch.int32: D.int32, torch.int16: D.int16, torch.int8: D.int8,
      torch.uint8: D.uint8, torch.bool: D.bool_}
FLOATS = [torch.float32, torch.float64]


# ---------------------------------------------------------------------------- helpers
def arr(x):
    if isinstance(x, torch.Tensor):
        return x.detach().numpy()
    if isinstance(x, Tensor):
        return x._a
    return np.asarray(x)


def assert_same(expected, got, what=""):
    """Bitwise equality (so -0.0 != 0.0 and NaN payloads count), plus dtype and shape."""
    a, b = arr(expected), arr(got)
    assert a.dtype == b.dtype, (what, a.dtype, b.dtype)
    assert a.shape == b.shape, (what, a.shape, b.shape)
    if a.dtype.kind == "f":
        a, b = a.view(f"u{a.itemsize}"), b.view(f"u{b.itemsize}")
    bad = np.flatnonzero(a.ravel() != b.ravel())
    assert bad.size == 0, f"{what}: {bad.size} of {a.size} differ, first at {bad[:5]}"


def assert_state_same(what=""):
    assert_same(torch.get_rng_state(), R.get_rng_state(), f"state after {what}")


def seed_both(s):
    torch.manual_seed(s)
    R.manual_seed(s)


def both(torch_fn, tl_fn, seeds=SEEDS, what=""):
    """Run the two functions under each seed; compare results and final states."""
    for s in seeds:
        seed_both(s)
        assert_same(torch_fn(), tl_fn(), f"{what} seed={s}")
        assert_state_same(f"{what} seed={s}")


def tl_empty(shape, dt):
    return _wrap(np.empty(shape, TD[dt].np), TD[dt])


def tl_from(t: torch.Tensor):
    return _wrap(t.numpy().copy())


# ---------------------------------------------------------------------------- the example
def test_documented_example():
    R.manual_seed(7)
    x = R.randn(1, 5)
    y = R.randn_like(x)
    z = R.randn(1, 1)
    expected = np.array([[-0.1467951, 0.7861413, 0.94682163, -1.114344, 1.6907902]], np.float32)
    np.testing.assert_array_equal(x._a, expected)
    torch.manual_seed(7)
    tx = torch.randn(1, 5)
    assert_same(tx, x)
    assert_same(torch.randn_like(tx), y)
    assert_same(torch.randn(1, 1), z)
    assert_state_same("example")


# ---------------------------------------------------------------------------- uniform
@pytest.mark.parametrize("dt", FLOATS + [torch.float16])
def test_rand_sizes(dt):
    both(lambda: torch.cat([torch.rand(n, dtype=dt) for n in SIZES]),
         lambda: np.concatenate([R.rand(n, dtype=TD[dt])._a for n in SIZES]), what="rand")


@pytest.mark.parametrize("dt", FLOATS + [torch.float16])
@pytest.mark.parametrize("bounds", [(0.1, 0.7), (-3.3, 1e-3), (1e-8, 1.0), (-1e30, 1e30),
                                    (2.5, 2.5000002), (-2, -1), (5, 5), (0, 1)])
def test_uniform_bounds(dt, bounds):
    a, b = bounds
    if dt is torch.float16 and abs(a) > 1e4:
        pytest.skip("outside float16's range")
    both(lambda: torch.empty(3001, dtype=dt).uniform_(a, b),
         lambda: R.uniform_(tl_empty((3001,), dt), a, b), seeds=SEEDS[:4], what="uniform_")


@pytest.mark.parametrize("dt", FLOATS)
def test_uniform_and_integer_draws_all_sizes(dt):
    both(lambda: torch.cat([torch.empty(n, dtype=dt).uniform_(-2.5, 0.75) for n in SIZES]),
         lambda: np.concatenate([tl_empty((n,), dt).uniform_(-2.5, 0.75)._a for n in SIZES]),
         what="uniform_ sizes")
    both(lambda: torch.cat([torch.randint(-9, 1000, (n,), dtype=dt) for n in SIZES]),
         lambda: np.concatenate([R.randint(-9, 1000, (n,), dtype=TD[dt])._a for n in SIZES]),
         what="randint sizes")
    both(lambda: torch.cat([torch.empty(n, dtype=dt).random_() for n in SIZES]),
         lambda: np.concatenate([tl_empty((n,), dt).random_()._a for n in SIZES]),
         what="random_() sizes")


@pytest.mark.parametrize("bounds", [(1e-40, 3e-39), (-1e-38, 1e-38), (0, 1e-44), (-2e-38, 5e-39)])
def test_uniform_subnormal_results(bounds):
    both(lambda: torch.empty(5000).uniform_(*bounds),
         lambda: tl_empty((5000,), torch.float32).uniform_(*bounds), seeds=SEEDS[:3])


@pytest.mark.parametrize("mean_std", [(0.0, 1e-39), (1e-38, 1e-33), (0.0, 1e-44), (2e-38, 3e-39)])
def test_normal_subnormal_results(mean_std):
    both(lambda: torch.empty(5000).normal_(*mean_std),
         lambda: tl_empty((5000,), torch.float32).normal_(*mean_std), seeds=SEEDS[:3])


def test_uniform_keyword_from():
    seed_both(3)
    assert_same(torch.empty(50).uniform_(**{"from": -2.0, "to": 3.0}),
                tl_empty((50,), torch.float32).uniform_(**{"from": -2.0, "to": 3.0}))


# ---------------------------------------------------------------------------- normal
@pytest.mark.parametrize("dt", FLOATS)
def test_randn_sizes(dt):
    both(lambda: torch.cat([torch.randn(n, dtype=dt) for n in SIZES]),
         lambda: np.concatenate([R.randn(n, dtype=TD[dt])._a for n in SIZES]), what="randn")


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("mean_std", [(0.5, 2.0), (-3, 0.1), (1e3, 1e-3), (0.0, 0.0), (2.0, 0.0)])
def test_normal_inplace(dt, mean_std):
    m, s = mean_std
    both(lambda: torch.cat([torch.empty(n, dtype=dt).normal_(m, s) for n in SIZES]),
         lambda: np.concatenate([R.normal_(tl_empty((n,), dt), m, s)._a for n in SIZES]),
         seeds=SEEDS[:5], what="normal_")


def test_randn_float16():
    both(lambda: torch.cat([torch.randn(n, dtype=torch.float16) for n in (5, 16, 17, 40, 100)]),
         lambda: np.concatenate([R.randn(n, dtype=D.float16)._a for n in (5, 16, 17, 40, 100)]),
         what="randn f16")


def test_randn_large_float32():
    both(lambda: torch.randn(200_003), lambda: R.randn(200_003), seeds=[0, 5], what="randn big")


def test_box_muller_cache_across_calls_and_dtypes():
    def run(lib, empty):
        outs = [lib.randn(3), lib.randn(1, dtype=dd[lib][1]), lib.randn(2, dtype=dd[lib][1]),
                empty(5, dd[lib][0]).normal_(2.0, 3.0), lib.randn(16), lib.randn(1),
                empty(1, dd[lib][1]).normal_(-1.0, 0.5)]
        return [arr(o).astype(np.float64) for o in outs]
    dd = {torch: (torch.float32, torch.float64), R: (D.float32, D.float64)}
    for s in SEEDS[:5]:
        seed_both(s)
        a = run(torch, lambda n, d: torch.empty(n, dtype=d))
        b = run(R, lambda n, d: _wrap(np.empty(n, d.np), d))
        for x, y in zip(a, b):
            assert_same(x, y)
        assert_state_same("cache")


@pytest.mark.parametrize("dt", FLOATS)
def test_normal_overloads(dt):
    g = np.random.default_rng(0)
    mean = torch.from_numpy(g.standard_normal(40).astype(arr(torch.empty(0, dtype=dt)).dtype))
    std = torch.from_numpy(g.random(40).astype(mean.numpy().dtype))
    col = mean[:4].reshape(4, 1)
    both(lambda: torch.normal(mean, std), lambda: R.normal(tl_from(mean), tl_from(std)), what="TT")
    both(lambda: torch.normal(col, std), lambda: R.normal(tl_from(col), tl_from(std)), what="bcast")
    both(lambda: torch.normal(mean, 2.5), lambda: R.normal(tl_from(mean), 2.5), what="Tf")
    both(lambda: torch.normal(mean), lambda: R.normal(tl_from(mean)), what="T")
    both(lambda: torch.normal(1.5, std), lambda: R.normal(1.5, tl_from(std)), what="fT")
    both(lambda: torch.normal(1.5, 3.0, (7, 9), dtype=dt),
         lambda: R.normal(1.5, 3.0, (7, 9), dtype=TD[dt]), what="ffsize")
    both(lambda: torch.normal(0.0, 1.0, size=(3,)), lambda: R.normal(0.0, 1.0, size=(3,)))


def test_normal_mixed_dtypes_and_errors():
    m64 = torch.zeros(2, 1, dtype=torch.float64)
    s32 = torch.ones(3)
    assert R.normal(tl_from(m64), tl_from(s32))._a.dtype == torch.normal(m64, s32).numpy().dtype
    assert R.normal(tl_from(m64), tl_from(s32)).shape == (2, 3)
    with pytest.raises(RuntimeError, match="normal expects all elements of std >= 0.0"):
        R.normal(tl_from(s32), _wrap(np.array([1.0, -1.0, 1.0], np.float32)))
    with pytest.raises(RuntimeError, match=r"normal expects std >= 0.0, but found std -1"):
        R.normal(0.0, -1.0, (3,))
    with pytest.raises(RuntimeError, match=r"normal expects std >= 0.0, but found std -1"):
        R.normal(tl_from(s32), -1.0)
    with pytest.raises(TypeError):
        R.normal(2.0, 3.0)
    with pytest.raises(TypeError):
        R.normal(0.0, 1.0, 3)
    with pytest.raises(NotImplementedError, match="normal_kernel_cpu"):
        R.normal(_wrap(np.ones(3, np.int64)), 2.0)


# ---------------------------------------------------------------------------- non-contiguous
NONCONTIG = {
    "transposed": (lambda t: t.t(), lambda a: a.T, (20, 30)),
    "sliced": (lambda t: t[::3, 1:], lambda a: a[::3, 1:], (20, 30)),
    "column": (lambda t: t[:, 2], lambda a: a[:, 2], (20, 30)),
    "permuted": (lambda t: t.permute(2, 0, 1), lambda a: a.transpose(2, 0, 1), (3, 4, 5)),
    "small": (lambda t: t.t(), lambda a: a.T, (3, 4)),
}


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("layout", list(NONCONTIG))
@pytest.mark.parametrize("op", ["uniform_", "normal_", "random_", "bernoulli_", "exponential_",
                                "bernoulli_tensor"])
def test_noncontiguous_destinations(dt, layout, op):
    tview, nview, shape = NONCONTIG[layout]
    calls = {"uniform_": (lambda t: t.uniform_(-1, 2)),
             "normal_": (lambda t: t.normal_(1, 2)),
             "random_": (lambda t: t.random_(0, 1000)),
             "bernoulli_": (lambda t: t.bernoulli_(0.3)),
             "exponential_": (lambda t: t.exponential_(1.5))}
    for s in SEEDS[:3]:
        seed_both(s)
        base_t = torch.zeros(shape, dtype=dt)
        base_l = _wrap(np.zeros(shape, TD[dt].np))
        vt, vl = tview(base_t), _wrap(nview(base_l._a))
        if op == "bernoulli_tensor":
            p = torch.rand(vt.shape, dtype=torch.float64)
            pl = R.rand(*vl.shape, dtype=D.float64)
            vt.bernoulli_(p)
            R.bernoulli_(vl, pl)
        else:
            calls[op](vt)
            calls[op](vl)
        assert_same(base_t, base_l, f"{op} {layout}")
        assert_state_same(f"{op} {layout}")


def test_expanded_destination_raises():
    t = _wrap(np.broadcast_to(np.zeros(3, np.float32), (2, 3)))
    with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
        t.uniform_()


# ---------------------------------------------------------------------------- integers
@pytest.mark.parametrize("dt", list(TD))
def test_random_no_args(dt):
    both(lambda: torch.empty(1000, dtype=dt).random_(),
         lambda: tl_empty((1000,), dt).random_(), seeds=SEEDS[:4], what="random_()")


@pytest.mark.parametrize("dt", list(TD))
def test_random_to_and_from_to(dt):
    hi = 2 if dt is torch.bool else 7
    both(lambda: torch.empty(999, dtype=dt).random_(hi),
         lambda: tl_empty((999,), dt).random_(hi), seeds=SEEDS[:3], what="random_(to)")
    both(lambda: torch.empty(999, dtype=dt).random_(to=hi),
         lambda: tl_empty((999,), dt).random_(to=hi), seeds=SEEDS[:2], what="random_(to=)")
    if dt not in (torch.bool, torch.uint8):
        both(lambda: torch.empty(999, dtype=dt).random_(-3, 100),
             lambda: tl_empty((999,), dt).random_(-3, 100), seeds=SEEDS[:3], what="random_(f,t)")
        both(lambda: torch.empty(999, dtype=dt).random_(-3, None),
             lambda: tl_empty((999,), dt).random_(-3, None), seeds=SEEDS[:3], what="random_(f,None)")


@pytest.mark.parametrize("lo_hi", [(-2**63, None), (-2**62, 2**62), (0, 2**40), (-2**63, 2**63 - 1),
                                   (2**62, 2**63 - 1)])
def test_random_int64_wide(lo_hi):
    lo, hi = lo_hi
    both(lambda: torch.empty(300, dtype=torch.int64).random_(lo, hi),
         lambda: tl_empty((300,), torch.int64).random_(lo, hi), seeds=SEEDS[:3])


@pytest.mark.parametrize("lo_hi", [(0, 10), (-5, 5), (0, 2**28 - 1), (0, 2**28), (3, 2**28 + 3),
                                   (0, 2**32), (3, 2**40), (-2**63, 2**63 - 1)])
def test_randint_ranges(lo_hi):
    lo, hi = lo_hi
    both(lambda: torch.randint(lo, hi, (999,)), lambda: R.randint(lo, hi, (999,)), what="randint")


@pytest.mark.parametrize("dt", [torch.int32, torch.int16, torch.uint8, torch.float32, torch.float64])
def test_randint_dtypes_and_forms(dt):
    both(lambda: torch.randint(0, 100, (5, 7), dtype=dt),
         lambda: R.randint(0, 100, (5, 7), dtype=TD[dt]), seeds=SEEDS[:3])
    both(lambda: torch.randint(100, (9,), dtype=dt), lambda: R.randint(100, (9,), dtype=TD[dt]),
         seeds=SEEDS[:2])
    both(lambda: torch.randint(low=2, high=50, size=(9,), dtype=dt),
         lambda: R.randint(low=2, high=50, size=(9,), dtype=TD[dt]), seeds=SEEDS[:2])
    both(lambda: torch.randint(high=50, size=(9,)), lambda: R.randint(high=50, size=(9,)),
         seeds=SEEDS[:2])
    both(lambda: torch.randint(0, 10, ()), lambda: R.randint(0, 10, ()), seeds=SEEDS[:2])


@pytest.mark.parametrize("layout", ["transposed", "sliced", "permuted", "column"])
def test_like_functions_keep_dense_layouts(layout):
    tview, nview, shape = NONCONTIG[layout]
    src_t = tview(torch.zeros(shape))
    src_l = _wrap(nview(np.zeros(shape, np.float32)))
    for name in ("rand_like", "randn_like"):
        both(lambda: getattr(torch, name)(src_t), lambda: getattr(R, name)(src_l), seeds=SEEDS[:3])
        seed_both(1)
        a, b = getattr(torch, name)(src_t), getattr(R, name)(src_l)
        assert a.stride() == b.stride(), (name, layout)
    both(lambda: torch.randint_like(src_t, 3, 9), lambda: R.randint_like(src_l, 3, 9),
         seeds=SEEDS[:2])


def test_randint_like_rand_like_randn_like():
    src = torch.zeros(3, 5, dtype=torch.float64)
    srl = tl_from(src)
    both(lambda: torch.randint_like(src, 10), lambda: R.randint_like(srl, 10))
    both(lambda: torch.randint_like(src, 3, 10, dtype=torch.int32),
         lambda: R.randint_like(srl, 3, 10, dtype=D.int32))
    both(lambda: torch.rand_like(src), lambda: R.rand_like(srl))
    both(lambda: torch.randn_like(src, dtype=torch.float32), lambda: R.randn_like(srl, dtype=D.float32))


def test_integer_errors_match_torch():
    cases = [
        (lambda m: m.empty(3, dtype=m_int(m, "int32")).random_(5, 5), "random_"),
        (lambda m: m.empty(3, dtype=m_int(m, "int32")).random_(10, 3), "random_"),
        (lambda m: m.empty(3, dtype=m_int(m, "int32")).random_(0, 2**40), "to - 1"),
        (lambda m: m.empty(3, dtype=m_int(m, "int16")).random_(-2**40, 1), "from"),
        (lambda m: m.empty(3, dtype=m_int(m, "int8")).random_(0, 2**40), "to - 1"),
        (lambda m: m.empty(3, dtype=m_int(m, "bool")).random_(0, 3), "to - 1"),
        (lambda m: m.randint(5, 5, (3,)), "random_"),
        (lambda m: m.randint(0, 300, (3,), dtype=m_int(m, "uint8")), "to - 1"),
        (lambda m: m.randint(-1, 3, (3,), dtype=m_int(m, "uint8")), "from"),
    ]
    for fn, _ in cases:
        with pytest.raises(Exception) as te:
            fn(torch)
        with pytest.raises(Exception) as le:
            fn(_TL)
        assert type(le.value) is type(te.value)
        assert str(le.value) == str(te.value)


class _TL:
    """Just enough of a torch-like namespace for the error table above."""
    empty = staticmethod(lambda *shape, dtype: _wrap(np.zeros(shape, dtype.np), dtype))
    randint = staticmethod(R.randint)


def m_int(m, name):
    return getattr(torch, name) if m is torch else getattr(D, name if name != "bool" else "bool_")


def test_random_float_out_of_range_warns():
    with pytest.warns(UserWarning, match=r"to - 1 is out of bounds \[-\(2\^24\), 2\^24\]"):
        tl_empty((3,), torch.float32).random_(0, 2**25)
    with pytest.warns(UserWarning, match=r"from is out of bounds \[-\(2\^53\), 2\^53\]"):
        tl_empty((3,), torch.float64).random_(-2**54, 5)


# ---------------------------------------------------------------------------- randperm
@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 17, 100, 1000, 12345, 100_000])
def test_randperm(n):
    both(lambda: torch.randperm(n), lambda: R.randperm(n), seeds=SEEDS[:4], what=f"randperm {n}")


def test_randperm_small_sizes_all_seeds():
    both(lambda: torch.cat([torch.randperm(n) for n in SIZES]),
         lambda: np.concatenate([R.randperm(n)._a for n in SIZES]), what="randperm sizes")


@pytest.mark.parametrize("dt", [torch.int32, torch.float32, torch.float64, torch.int16])
def test_randperm_dtypes(dt):
    both(lambda: torch.randperm(50, dtype=dt), lambda: R.randperm(50, dtype=TD[dt]), seeds=SEEDS[:2])


def test_randperm_errors():
    with pytest.raises(RuntimeError, match="negative dimension -1"):
        R.randperm(-1)
    with pytest.raises(NotImplementedError, match="not implemented for 'Bool'"):
        R.randperm(3, dtype=D.bool_)
    with pytest.raises(RuntimeError, match="without overflow"):
        R.randperm(300, dtype=D.uint8)


def test_shuffle_algorithms_equal_the_loops():
    g = np.random.default_rng(0)
    for n in list(range(2, 70)) + [500, 5000, 40_000]:
        z = np.array([g.integers(0, n - i) for i in range(n - 1)], dtype=np.int64)
        ref = forward_shuffle_loop(z)
        np.testing.assert_array_equal(forward_shuffle(z), ref)
        np.testing.assert_array_equal(forward_shuffle(z, beta=4, min_block=1), ref)
        np.testing.assert_array_equal(forward_shuffle_sorted(z), ref)
        z2 = np.array([g.integers(0, i + 1) for i in range(n)], dtype=np.int64)
        np.testing.assert_array_equal(inside_out(z2), inside_out_loop(z2))


def test_randperm_inside_out_path_draws():
    """The n >= 214,748,364 path (too big to run against torch here) on small n: r64 % (i+1)."""
    for n in (2, 5, 33, 1000):
        e1, e2 = MT19937(11), MT19937(11)
        got = randperm_array(e1, n, small_limit=1)
        r = [e2.one_r64() for _ in range(n)]
        z = np.array([r[i] % (i + 1) for i in range(n)], dtype=np.int64)
        np.testing.assert_array_equal(got, inside_out_loop(z))
        assert e1.get_bytes() == e2.get_bytes()


# ---------------------------------------------------------------------------- bernoulli
@pytest.mark.parametrize("dt", FLOATS + [torch.int64, torch.bool, torch.float16])
def test_bernoulli_float_p(dt):
    ps = [0.0, 0.1, 0.5, 0.9, 1.0]
    both(lambda: torch.cat([torch.empty(n, dtype=dt).bernoulli_(p) for n, p in zip(SIZES, ps * 9)]),
         lambda: np.concatenate([tl_empty((n,), dt).bernoulli_(p)._a for n, p in zip(SIZES, ps * 9)]),
         what="bernoulli_")


@pytest.mark.parametrize("pdt", FLOATS)
@pytest.mark.parametrize("sdt", FLOATS)
def test_bernoulli_tensor_p(pdt, sdt):
    p = torch.from_numpy(np.random.default_rng(1).random((7, 30))).to(pdt)
    both(lambda: torch.empty(7, 30, dtype=sdt).bernoulli_(p),
         lambda: tl_empty((7, 30), sdt).bernoulli_(tl_from(p)), what="bernoulli_(T)")
    both(lambda: torch.empty(7, 30, dtype=sdt).bernoulli_(p[0]),
         lambda: tl_empty((7, 30), sdt).bernoulli_(tl_from(p[0])), what="bernoulli_(bcast)")
    both(lambda: torch.bernoulli(p), lambda: R.bernoulli(tl_from(p)), what="bernoulli(T)")
    both(lambda: torch.bernoulli(p, 0.3), lambda: R.bernoulli(tl_from(p), 0.3), what="bernoulli(T,p)")
    both(lambda: p.bernoulli(), lambda: tl_from(p).bernoulli(), what="T.bernoulli()")


def test_bernoulli_errors():
    with pytest.raises(RuntimeError, match=r"bernoulli_ expects p to be in \[0, 1\], but got p=1.5"):
        tl_empty((3,), torch.float32).bernoulli_(1.5)
    with pytest.raises(RuntimeError, match="Expected p_in >= 0 && p_in <= 1"):
        R.bernoulli(_wrap(np.array([1.5], np.float32)))
    with pytest.raises(NotImplementedError, match="bernoulli_tensor_cpu_self_"):
        R.bernoulli(_wrap(np.array([1, 0])))


# ---------------------------------------------------------------------------- exponential
@pytest.mark.parametrize("dt", FLOATS + [torch.float16])
def test_exponential(dt):
    lams = [0.5, 1.0, 3.0, 1e-3]
    both(lambda: torch.cat([torch.empty(n, dtype=dt).exponential_(l) for n, l in zip(SIZES, lams * 11)]),
         lambda: np.concatenate([tl_empty((n,), dt).exponential_(l)._a
                                 for n, l in zip(SIZES, lams * 11)]), seeds=SEEDS[:5])


def test_exponential_errors():
    with pytest.raises(RuntimeError, match="exponential_ expects lambda > 0.0, but found lambda=-1"):
        tl_empty((3,), torch.float32).exponential_(-1)
    with pytest.raises(RuntimeError, match="dtype must be a floating point but you specified Long"):
        tl_empty((3,), torch.int64).exponential_()


# ---------------------------------------------------------------------------- multinomial
@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("replacement", [False, True])
def test_multinomial(dt, replacement):
    g = np.random.default_rng(2)
    p1 = torch.from_numpy(g.random(50)).to(dt)
    p2 = torch.from_numpy(g.random((4, 20))).to(dt)
    p2[1, :5] = 0                        # zero-probability categories, never drawn for k <= 15
    for k in (1, 3, 10, 15):
        both(lambda: torch.multinomial(p1, k, replacement),
             lambda: R.multinomial(tl_from(p1), k, replacement), what=f"multinomial k={k}")
        both(lambda: torch.multinomial(p2, k, replacement),
             lambda: R.multinomial(tl_from(p2), k, replacement), what=f"multinomial 2d k={k}")
    both(lambda: p1.multinomial(5, replacement=replacement),
         lambda: tl_from(p1).multinomial(5, replacement=replacement))
    if replacement:
        both(lambda: torch.multinomial(p1, 500, True), lambda: R.multinomial(tl_from(p1), 500, True))


def test_multinomial_transposed_probs():
    p = torch.from_numpy(np.random.default_rng(0).random((30, 4))).t()
    for rep in (False, True):
        for k in (1, 3):
            both(lambda: torch.multinomial(p, k, rep), lambda: R.multinomial(_wrap(p.numpy()), k, rep),
                 seeds=SEEDS[:3])


def test_multinomial_more_samples_than_nonzero_categories():
    """Without replacement torch then picks zero-probability categories, ordered by its top-k's
    handling of ties (libstdc++ selection internals); torchless matches the non-zero prefix
    exactly, the zero tail as a set when every category is drawn, and the stream position."""
    p = torch.tensor([[0.0, 1.0, 0.0, 2.0, 0.0, 0.5], [3.0, 0.0, 0.0, 0.0, 1.0, 0.0]])
    for s in SEEDS[:4]:
        seed_both(s)
        a = torch.multinomial(p, 6).numpy()
        b = R.multinomial(tl_from(p), 6)._a
        np.testing.assert_array_equal(a[0, :3], b[0, :3])
        np.testing.assert_array_equal(a[1, :2], b[1, :2])
        assert [sorted(r) for r in a] == [sorted(r) for r in b]
        assert_state_same("multinomial ties")


def test_multinomial_errors_match_torch():
    probs = [np.array([[0.2, 0.3], [0.1, 0.0]], np.float32), np.array([1, 2]), np.zeros((2, 2, 2)),
             np.array([0.0, 0.0]), np.array([1.0, np.nan]), np.array([1.0, -1.0]),
             np.array([1.0, np.inf])]
    for p in probs:
        for n, rep in [(1, False), (2, False), (3, False), (3, True), (0, True)]:
            try:
                torch.multinomial(torch.from_numpy(p), n, rep)
            except Exception as exc:            # noqa: BLE001 - we compare the exception itself
                with pytest.raises(type(exc)) as le:
                    R.multinomial(_wrap(p.copy()), n, rep)
                assert str(le.value) == str(exc)
            else:
                R.multinomial(_wrap(p.copy()), n, rep)


# ---------------------------------------------------------------------------- one stream, many calls
def _mixed_ops():
    """(name, torch call, torchless call) triples drawn on one stream."""
    def t_empty(shape, d):
        return torch.empty(shape, dtype=d)

    ops = []
    for n in (1, 2, 3, 5, 15, 16, 17, 33, 100):
        for d in FLOATS:
            ops.append((f"randn{n}{d}", lambda n=n, d=d: torch.randn(n, dtype=d),
                        lambda n=n, d=d: R.randn(n, dtype=TD[d])))
            ops.append((f"rand{n}{d}", lambda n=n, d=d: torch.rand(n, dtype=d),
                        lambda n=n, d=d: R.rand(n, dtype=TD[d])))
            ops.append((f"normal_{n}{d}", lambda n=n, d=d: t_empty(n, d).normal_(0.5, 3),
                        lambda n=n, d=d: tl_empty((n,), d).normal_(0.5, 3)))
        ops.append((f"randint{n}", lambda n=n: torch.randint(-4, 1000, (n,)),
                    lambda n=n: R.randint(-4, 1000, (n,))))
        ops.append((f"randperm{n}", lambda n=n: torch.randperm(n), lambda n=n: R.randperm(n)))
        ops.append((f"bern{n}", lambda n=n: t_empty(n, torch.float32).bernoulli_(0.4),
                    lambda n=n: tl_empty((n,), torch.float32).bernoulli_(0.4)))
        ops.append((f"exp{n}", lambda n=n: t_empty(n, torch.float64).exponential_(2),
                    lambda n=n: tl_empty((n,), torch.float64).exponential_(2)))
        ops.append((f"rnd64{n}", lambda n=n: t_empty(n, torch.int64).random_(),
                    lambda n=n: tl_empty((n,), torch.int64).random_()))
    ops.append(("randnT", lambda: torch.empty(4, 6).t().normal_(),
                lambda: _wrap(np.empty((4, 6), np.float32).T).normal_()))
    return ops


def test_interleaved_calls_on_one_stream():
    ops = _mixed_ops()
    chooser = pyrandom.Random(1234)
    for s in (0, 99):
        seed_both(s)
        for k in range(300):
            name, tf, lf = ops[chooser.randrange(len(ops))]
            assert_same(tf(), lf(), f"step {k} {name}")
        assert_state_same("interleaved")


# ---------------------------------------------------------------------------- state
def _state_fields(b: bytes):
    return struct.unpack_from("<QiiQ", b, 0)


@pytest.mark.parametrize("draws", [0, 1, 2, 623, 624, 625, 1248, 1249, 5000])
def test_state_bytes_equal_torch(draws):
    for s in (0, 2**40 + 3):
        seed_both(s)
        if draws:
            torch.randint(0, 10, (draws,))
            R.randint(0, 10, (draws,))
        assert_state_same(f"{draws} draws")
    seed_both(4)
    torch.randn(3)
    R.randn(3)                             # odd count: a cached Box-Muller value
    assert_state_same("cache")
    assert struct.unpack_from("<i", R.get_rng_state()._a.tobytes(), 5040)[0] == 1


def test_state_round_trips_with_torch():
    # torch's state continues the same stream in torchless...
    torch.manual_seed(77)
    torch.randn(5)
    torch.rand(1000)
    st = torch.get_rng_state()
    R.set_rng_state(tl_from(st))
    assert_same(torch.randn(7), R.randn(7))
    assert_same(torch.randint(0, 99, (1000,)), R.randint(0, 99, (1000,)))
    # ... and torchless's state continues it in torch
    R.manual_seed(5)
    R.randn(3)
    R.rand(700)
    torch.set_rng_state(torch.from_numpy(R.get_rng_state()._a.copy()))
    assert_same(torch.randn(9), R.randn(9))
    assert_same(torch.rand(800, dtype=torch.float64), R.rand(800, dtype=D.float64))
    assert_state_same("round trip")


def test_set_rng_state_errors():
    with pytest.raises(RuntimeError, match="Expected a CPUGeneratorImplState of size 5056 but "
                                           "found the input RNG state size to be 10"):
        R.set_rng_state(_wrap(np.zeros(10, np.uint8)))
    with pytest.raises(TypeError, match="RNG state must be a torch.ByteTensor"):
        R.set_rng_state(_wrap(np.zeros(5056, np.float32)))
    for off, val in [(8, 0), (8, 625), (12, 0)]:
        b = bytearray(R.get_rng_state()._a.tobytes())
        struct.pack_into("<i", b, off, val)
        with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
            R.set_rng_state(_wrap(np.frombuffer(b, np.uint8).copy()))
        with pytest.raises(RuntimeError, match="Invalid mt19937 state"):
            torch.set_rng_state(torch.frombuffer(b, dtype=torch.uint8).clone())


def test_fork_rng():
    R.manual_seed(3)
    before = R.get_rng_state()._a.copy()
    with TR.fork_rng():
        R.randn(10)
    np.testing.assert_array_equal(R.get_rng_state()._a, before)
    with TR.fork_rng(enabled=False):
        R.randn(10)
    assert not np.array_equal(R.get_rng_state()._a, before)


def test_random_module_exports():
    for name in ("manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state", "fork_rng"):
        assert callable(getattr(TR, name))
    assert TR.default_generator is R.default_generator
    for name in ("manual_seed", "seed", "initial_seed", "get_rng_state", "set_rng_state", "Generator",
                 "default_generator", "rand", "rand_like", "randn", "randn_like", "randint",
                 "randint_like", "randperm", "normal", "bernoulli", "multinomial"):
        assert hasattr(R, name), name


# ---------------------------------------------------------------------------- seeds
def test_seed_range_and_wrapping():
    for s in (-1, -2**63, 2**64 - 1, 0, 2**63):
        torch.manual_seed(s)
        R.manual_seed(s)
        assert R.initial_seed() == torch.initial_seed()
        assert_same(torch.rand(5), R.rand(5))
    for s in (2**64, -2**63 - 1):
        with pytest.raises(ValueError, match="Overflow when unpacking long long"):
            R.manual_seed(s)
        with pytest.raises(ValueError):
            R.Generator().manual_seed(s)


def test_seeds_equal_mod_2_32_share_a_stream():
    R.manual_seed(5)
    a = R.rand(10)._a
    R.manual_seed(5 + 2**32)
    np.testing.assert_array_equal(a, R.rand(10)._a)
    assert R.initial_seed() == 5 + 2**32


def test_manual_seed_argument_types():
    assert R.manual_seed(1.5) is R.default_generator        # torch.manual_seed calls int()
    assert R.initial_seed() == 1
    R.manual_seed(_wrap(np.array(9)))
    assert R.initial_seed() == 9
    for bad, name in ((1.5, "float"), (True, "bool")):
        with pytest.raises(RuntimeError, match=f"manual_seed expected a long, but got {name}"):
            R.Generator().manual_seed(bad)


def test_seed_is_nondeterministic_and_reproducible():
    s1 = R.seed()
    a = R.rand(4)
    assert R.initial_seed() == s1 and 0 <= s1 < 2**64
    torch.manual_seed(s1)
    assert_same(torch.rand(4), a)
    assert R.seed() != s1


def test_fresh_process_seed_is_random():
    code = "import torchless._random as R; print(R.initial_seed())"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    outs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env=env, check=True).stdout for _ in range(2)}
    assert len(outs) == 2


# ---------------------------------------------------------------------------- Generator
def test_generator_defaults_and_api():
    g, tg = R.Generator(), torch.Generator()
    assert g.initial_seed() == tg.initial_seed() == 67280421310721
    assert str(g.device) == "cpu"
    assert_same(tg.get_state(), g.get_state())
    assert_same(torch.rand(6, generator=tg), R.rand(6, generator=g))
    assert g.manual_seed(3) is g
    s = g.seed()
    assert g.initial_seed() == s
    with pytest.raises(RuntimeError):
        R.Generator(device="cuda")
    with pytest.raises(TypeError, match="must be torch.Generator, not int"):
        R.rand(3, generator=3)


def test_generator_independent_of_global_on_every_function():
    p = np.random.default_rng(3).random(20)

    def run(lib, g, empty, wrap):
        f32 = torch.float32 if lib is torch else D.float32
        f64 = torch.float64 if lib is torch else D.float64
        out = [lib.rand(5, generator=g), lib.randn(3, generator=g), lib.randn(40, generator=g),
               lib.randint(0, 9, (4,), generator=g), lib.randint(9, (4,), generator=g),
               lib.randperm(30, generator=g), lib.normal(0.0, 2.0, (5,), generator=g),
               lib.normal(wrap(p), 1.0, generator=g), lib.bernoulli(wrap(p), generator=g),
               lib.multinomial(wrap(p), 4, generator=g), lib.multinomial(wrap(p), 4, True, generator=g),
               lib.rand_like(wrap(p), generator=g), lib.randn_like(wrap(p), generator=g),
               lib.randint_like(wrap(p), 5, generator=g),
               empty(7, f32).uniform_(-1, 1, generator=g), empty(7, f64).normal_(generator=g),
               empty(7, f64).random_(generator=g), empty(7, f64).random_(3, generator=g),
               empty(7, f64).random_(3, 9, generator=g), empty(7, f32).bernoulli_(0.3, generator=g),
               empty(20, f32).bernoulli_(wrap(p), generator=g),
               empty(7, f32).exponential_(generator=g)]
        return [arr(o) for o in out]

    for s in (0, 1, 2**33 + 1):
        torch.manual_seed(123)
        R.manual_seed(123)
        tg, lg = torch.Generator().manual_seed(s), R.Generator().manual_seed(s)
        a = run(torch, tg, lambda n, d: torch.empty(n, dtype=d), torch.from_numpy)
        b = run(R, lg, lambda n, d: _wrap(np.empty(n, d.np), d), lambda x: _wrap(x.copy()))
        for x, y in zip(a, b):
            assert_same(x, y)
        assert_same(tg.get_state(), lg.get_state())
        assert_state_same("global untouched")               # both globals still at seed 123
        g0 = R.Generator().manual_seed(123)
        assert R.get_rng_state()._a.tobytes() == g0.get_state()._a.tobytes()


def test_generator_state_and_copies():
    g = R.Generator().manual_seed(9)
    R.randn(1, generator=g)                                # leaves a cached value
    st = g.get_state()
    tg = torch.Generator().set_state(torch.from_numpy(st._a.copy()))
    h = R.Generator().set_state(st)
    assert_same(torch.randn(5, generator=tg), R.randn(5, generator=h))
    c = pickle.loads(pickle.dumps(g))
    assert_same(R.randn(5, generator=g), R.randn(5, generator=c))
    assert c.initial_seed() == 9


# ---------------------------------------------------------------------------- factories' keywords
def test_factory_keywords():
    seed_both(0)
    t = R.rand(2, 3, requires_grad=True)
    assert t.requires_grad and t.dtype is D.float32
    assert torch.rand(2, 3, requires_grad=True).requires_grad
    assert R.rand(size=(2, 3)).shape == (2, 3)
    assert R.randn([2, 3]).shape == (2, 3)
    assert R.rand(()).shape == () and R.rand(0).shape == (0,)
    with pytest.raises(TypeError, match="received an invalid combination of arguments"):
        R.rand()
    with pytest.raises(RuntimeError, match="Only Tensors of floating point"):
        R.randint(3, 10, (2,), requires_grad=True)
    assert R.randint(3, 10, (2,), dtype=D.float32, requires_grad=True).requires_grad
    with pytest.raises(NotImplementedError, match="\"check_uniform_bounds\" not implemented for 'Long'"):
        R.rand(3, dtype=D.int64)
    with pytest.raises(NotImplementedError, match="\"normal_kernel_cpu\" not implemented for 'Long'"):
        R.randn(3, dtype=D.int64)
    with pytest.raises(TypeError, match="received an invalid combination"):
        R.randint(0, 10, 5)


def test_out_keyword():
    seed_both(1)
    o_t, o_l = torch.empty(2, 3), tl_empty((2, 3), torch.float32)
    assert torch.rand(2, 3, out=o_t) is o_t and R.rand(2, 3, out=o_l) is o_l
    assert_same(o_t, o_l)
    o_t, o_l = torch.empty(2, 3).t(), _wrap(np.empty((2, 3), np.float32).T)
    torch.randn(3, 2, out=o_t)
    R.randn(3, 2, out=o_l)
    assert_same(o_t, o_l)
    o_t, o_l = torch.empty(3, dtype=torch.float64), tl_empty((3,), torch.float64)
    assert_same(torch.rand(3, out=o_t), R.rand(3, out=o_l))
    o_t, o_l = torch.empty(10), tl_empty((10,), torch.float32)
    with pytest.warns(UserWarning, match="was resized"):
        R.randn(4, out=o_l)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.randn(4, out=o_t)
    assert_same(o_t, o_l)
    o_t, o_l = torch.empty(0, dtype=torch.int64), tl_empty((0,), torch.int64)
    assert_same(torch.randint(0, 5, (6,), out=o_t), R.randint(0, 5, (6,), out=o_l))
    o_t, o_l = torch.empty(0, dtype=torch.int64), tl_empty((0,), torch.int64)
    assert_same(torch.randperm(9, out=o_t), R.randperm(9, out=o_l))
    with pytest.raises(RuntimeError, match=r"dtype Float does not match dtype of out parameter \(Double\)"):
        R.rand(3, out=tl_empty((3,), torch.float64), dtype=D.float32)
    assert_state_same("out=")


def test_uniform_errors_match_torch():
    for args in [(2, 1), (0, float("inf")), (-3e38, 3e38)]:
        with pytest.raises(RuntimeError) as te:
            torch.empty(3).uniform_(*args)
        with pytest.raises(RuntimeError) as le:
            tl_empty((3,), torch.float32).uniform_(*args)
        assert str(le.value) == str(te.value)


def test_inplace_fill_of_a_leaf_requiring_grad():
    from torchless.autograd.grad_mode import no_grad
    w = R.rand(3, 4, requires_grad=True)
    tw = torch.rand(3, 4, requires_grad=True)
    for call in (lambda t: t.uniform_(), lambda t: t.normal_(), lambda t: t.random_(0, 5),
                 lambda t: t.bernoulli_(0.5), lambda t: t.exponential_()):
        with pytest.raises(RuntimeError) as te:
            call(tw)
        with pytest.raises(RuntimeError) as le:
            call(w)
        assert str(le.value) == str(te.value)
    before = w._a.copy()
    with no_grad():
        w.normal_()
    assert not np.array_equal(before, w._a)
    R.uniform_into(w, -1, 1)                    # nn.init's helper writes regardless
    assert w.requires_grad and np.all(np.abs(w._a) <= 1)


def test_inplace_fill_bumps_the_version_counter():
    from torchless._version import version
    t = R.rand(5)
    view = _wrap(t._a[1:3])
    v0 = version(t._a)
    view.normal_()
    assert version(t._a) == v0 + 1


def test_tensor_methods_installed():
    for name in ("uniform_", "normal_", "random_", "bernoulli_", "bernoulli", "exponential_",
                 "multinomial"):
        assert callable(getattr(Tensor, name)), name


# ---------------------------------------------------------------------------- the later users
def test_linear_init_draws_match_nn_linear():
    for fan_in, fan_out, s in ((784, 128, 0), (3, 2, 42)):
        torch.manual_seed(s)
        lin = torch.nn.Linear(fan_in, fan_out)
        R.manual_seed(s)
        bound_w = math.sqrt(3.0) * (math.sqrt(2.0 / (1 + math.sqrt(5) ** 2)) / math.sqrt(fan_in))
        w = R.uniform_into(tl_empty((fan_out, fan_in), torch.float32), -bound_w, bound_w)
        b = R.uniform_into(tl_empty((fan_out,), torch.float32), -1 / math.sqrt(fan_in),
                           1 / math.sqrt(fan_in))
        assert_same(lin.weight, w)
        assert_same(lin.bias, b)


def test_dropout_mask_matches_f_dropout():
    x = torch.randn(37, 11)
    for p in (0.1, 0.5):
        for s in (0, 1):
            torch.manual_seed(s)
            y = torch.nn.functional.dropout(x, p, training=True)
            R.manual_seed(s)
            keep = R.bernoulli_mask(tuple(x.shape), 1 - p)
            mask = keep.astype(np.float32) / np.float32(1 - p)
            assert_same(y, x.numpy() * mask)
            assert_state_same("dropout")


def test_dataloader_seed_draws_and_shuffle():
    for s in (0, 3):
        torch.manual_seed(s)
        order = [int(v) for v in torch.utils.data.DataLoader(list(range(100)), shuffle=True,
                                                              batch_size=None)]
        R.manual_seed(s)
        base = R.random_int64()                                   # the iterator's _base_seed
        seed = R.random_int64()                                   # RandomSampler's seed
        perm = R.permutation(100, R.Generator().manual_seed(seed))
        assert order == perm.tolist()
        assert 0 <= base < 2**63
        assert_state_same("dataloader")
    R.manual_seed(0)
    assert (R.random_int64(), R.random_int64()) == (900450186894289455, 3969543146641149120)


# ---------------------------------------------------------------------------- exact fma
def test_fma_emulation_is_exact():
    libm = ctypes.CDLL("libm.so.6")
    fmaf, fmad = libm.fmaf, libm.fma
    fmaf.restype, fmaf.argtypes = ctypes.c_float, [ctypes.c_float] * 3
    fmad.restype, fmad.argtypes = ctypes.c_double, [ctypes.c_double] * 3
    g = np.random.default_rng(0)
    n = 20000
    a = (g.random(n) * 2 - 1).astype(np.float32)
    b = (g.random(n) * 2 - 1).astype(np.float32)
    c = ((g.random(n) * 2 - 1) * 2.0 ** g.integers(-30, 30, n)).astype(np.float32)
    k = np.arange(1, 2001)                     # double rounding traps: sums land on midpoints
    a = np.concatenate([a, (2.0 ** -24 * (1 + k * 2.0 ** -23)).astype(np.float32)])
    b = np.concatenate([b, (1 - 2 * k * 2.0 ** -24).astype(np.float32)])
    c = np.concatenate([c, np.full(k.size, 1 + 2.0 ** -23, np.float32)])
    ref = np.array([fmaf(*v) for v in zip(a.tolist(), b.tolist(), c.tolist())], np.float32)
    assert_same(ref, fma32(a, b, c))
    x, y = g.random(n) * 2 - 1, g.random(n) * 2 - 1
    z = np.concatenate([(g.random(n // 2) * 2 - 1) * 2.0 ** g.integers(-60, 60, n // 2),
                        -(x[: n // 2] * y[: n // 2])])
    ref = np.array([fmad(*v) for v in zip(x.tolist(), y.tolist(), z.tolist())])
    assert_same(ref, fma64(x, y, z))


# ---------------------------------------------------------------------------- torch's DEFAULT build
_DEFAULT_SCRIPT = r"""
import pickle, sys, torch
assert torch.backends.cpu.get_cpu_capability() == "DEFAULT"
sizes = list(range(1, 41)) + [100, 1000, 4099]
res = {}
for s in (0, 7, 2**32 + 5):
    for dt in (torch.float32, torch.float64, torch.float16):
        torch.manual_seed(s)
        out = [torch.randn(n, dtype=dt) for n in sizes]
        out += [torch.empty(n, dtype=dt).normal_(0.5, 2.5) for n in sizes]
        out += [torch.empty(n, dtype=dt).uniform_(-0.3, 1.7) for n in sizes]
        out += [torch.rand(n, dtype=dt) for n in sizes]
        res[(s, str(dt))] = (torch.cat(out).numpy(), torch.get_rng_state().numpy())
pickle.dump(res, sys.stdout.buffer)
"""


def test_default_cpu_capability_matches_torch_default_build():
    env = dict(os.environ, ATEN_CPU_CAPABILITY="default")
    proc = subprocess.run([sys.executable, "-c", _DEFAULT_SCRIPT], env=env, capture_output=True,
                          check=True)
    res = pickle.loads(proc.stdout)
    names = {"torch.float32": D.float32, "torch.float64": D.float64, "torch.float16": D.float16}
    R._set_cpu_capability("default")
    try:
        for (s, name), (values, state) in res.items():
            d = names[name]
            R.manual_seed(s)
            out = [R.randn(n, dtype=d) for n in SIZES]
            out += [R.normal_(_wrap(np.empty(n, d.np), d), 0.5, 2.5) for n in SIZES]
            out += [R.uniform_(_wrap(np.empty(n, d.np), d), -0.3, 1.7) for n in SIZES]
            out += [R.rand(n, dtype=d) for n in SIZES]
            assert_same(values, np.concatenate([o._a for o in out]), f"DEFAULT {name} seed={s}")
            assert_same(state, R.get_rng_state(), "DEFAULT state")
    finally:
        R._set_cpu_capability("avx2")


def test_capability_environment_variable():
    code = "import torchless._random as R; print(R._FUSED[0])"
    for value, expected in (("default", "False"), ("avx2", "True"), ("", "True")):
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), TORCHLESS_CPU_CAPABILITY=value)
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                             check=True).stdout.strip()
        assert out == expected, value
