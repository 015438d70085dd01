"""Normal draws exactly as torch's CPU kernels make them (see shared/RNG.md, sections 1 and 3).

Two paths, chosen by the caller:
  * normal_fill — contiguous tensors with at least 16 elements: fill uniforms, then a
    Box–Muller transform per block of 16 (8 radii from the first half, 8 angles from the
    second); a ragged tail re-draws 16 fresh uniforms over the last 16 slots.
  * the scalar path — everything else: double-precision Box–Muller with one cached value
    per generator.

float32 normal_fill in the AVX2 build is the 8-lane Cephes log/sincos of "avx_mathfun"
compiled with fused multiply-adds; it is emulated here in NumPy with an exact fma.  Every
double-precision path needs the platform libm's log/log1p/sin/cos bit for bit; NumPy's
float64 log and log1p use their own SIMD code on AVX-512 machines and differ from glibc in
about 0.4 % / 7 % of arguments, so those always go through Python's ``math`` (the same libm
torch links); sin/cos use NumPy only after a start-up check that they agree with ``math``.
"""
from __future__ import annotations

import math

import numpy as np

f32 = np.float32
f64 = np.float64
_I64 = np.int64

# --------------------------------------------------------------------------- exact fma
_LOW29 = _I64(0x1FFFFFFF)       # float64 mantissa bits dropped when rounding to float32
_HALF29 = _I64(0x10000000)      # ... equal to this: the double sits on a float32 midpoint


def _two_sum_err(a, b, s):
    """The exact rounding error of s = fl(a + b) (Knuth's TwoSum)."""
    bb = s - a
    return (a - (s - bb)) + (b - bb)


def _nudge_to_odd(s, err):
    """Round-to-odd correction: an inexact sum with an even last bit moves one ulp toward err."""
    bits = s.view(_I64)
    fix = (err != 0) & ((bits & 1) == 0)
    if fix.any():
        step = np.where(np.signbit(err) == np.signbit(s), 1, -1).astype(_I64)
        bits[fix] += step[fix]
    return s


def fma32(a, b, c, tiny=False):
    """a*b + c with one rounding to float32 (a, b, c float32 arrays or scalars).

    The product of two float32 is exact in float64.  Rounding the float64 sum to float32
    is then correct unless the sum was inexact *and* landed on a float32 midpoint, where
    the double rounding can go the wrong way; those rare lanes are redone with the sum
    rounded to odd.  Results in float32's subnormal range round at a coarser bit, so
    callers whose operands can be that small pass tiny=True to send those lanes through
    round-to-odd as well (float64 keeps enough extra bits there for it to stay exact).
    """
    p = np.multiply(a, b, dtype=f64)
    s = np.add(p, c, dtype=f64)
    mid = (s.view(_I64) & _LOW29) == _HALF29
    if tiny:
        mid |= np.abs(s) < 2.0 ** -126
    if mid.any():
        idx = np.flatnonzero(mid)
        flat = s.reshape(-1)
        pm = np.broadcast_to(p, s.shape).reshape(-1)[idx]
        cm = np.broadcast_to(np.asarray(c, f64), s.shape).reshape(-1)[idx]
        sm = flat[idx]
        flat[idx] = _nudge_to_odd(sm, _two_sum_err(pm, cm, sm))
    return s.astype(f32)


_SPLIT = 134217729.0             # 2**27 + 1, Dekker's splitter


def _two_prod(a, b):
    p = a * b
    t = _SPLIT * a
    ah = t - (t - a)
    al = a - ah
    t = _SPLIT * b
    bh = t - (t - b)
    bl = b - bh
    err = ((ah * bh - p) + ah * bl + al * bh) + al * bl
    return p, err


def fma64(a, b, c):
    """a*b + c with one rounding in float64 (Boldo–Melquiond emulation via round-to-odd)."""
    a, b, c = np.broadcast_arrays(np.asarray(a, f64), np.asarray(b, f64), np.asarray(c, f64))
    shape = a.shape
    a, b, c = a.ravel(), b.ravel(), c.ravel()
    uh, ul = _two_prod(a, b)
    th = c + ul
    tl = _two_sum_err(c, ul, th)
    vh = uh + th
    vl = _two_sum_err(uh, th, vh)
    w = tl + vl
    w = _nudge_to_odd(w, _two_sum_err(tl, vl, w))
    out = vh + w
    # zero or non-finite products: the plain expression is already the exact answer
    bad = ~np.isfinite(out) | (uh == 0)
    if bad.any():
        out[bad] = (a * b + c)[bad]
    return out.reshape(shape)


# --------------------------------------------------------------------------- libm in double
def _map(fn, x):
    """Apply a scalar libm function to every element (the exact platform result)."""
    flat = np.ascontiguousarray(x, dtype=f64).ravel()
    return np.fromiter(map(fn, flat.tolist()), f64, count=flat.size).reshape(np.shape(x))


def _numpy_agrees(np_fn, m_fn) -> bool:
    rng = np.random.default_rng(12345)
    xs = rng.random(4096) * (2 * math.pi)
    xs = np.concatenate([xs, np.arange(0, 2 * math.pi, 2 * math.pi / 4096), [0.0, math.pi / 2]])
    return bool(np.array_equal(np_fn(xs), _map(m_fn, xs)))


_NP_SIN = _NP_COS = None


def _sin_cos(theta):
    """glibc-exact sin and cos of a float64 array."""
    global _NP_SIN, _NP_COS
    if _NP_SIN is None:
        _NP_SIN = _numpy_agrees(np.sin, math.sin)
        _NP_COS = _numpy_agrees(np.cos, math.cos)
    s = np.sin(theta) if _NP_SIN else _map(math.sin, theta)
    c = np.cos(theta) if _NP_COS else _map(math.cos, theta)
    return s, c


def log64(x):
    return _map(math.log, x)


def log1p64(x):
    return _map(math.log1p, x)


# --------------------------------------------------------------------------- libm in float32
_LIBM = None


def _libm():
    global _LIBM
    if _LIBM is None:
        import ctypes          # only the DEFAULT build's float32 randn needs libm: load it then
        import ctypes.util
        lib = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
        fns = []
        for name in ("logf", "sinf", "cosf"):
            fn = getattr(lib, name)
            fn.restype = ctypes.c_float
            fn.argtypes = [ctypes.c_float]
            fns.append(fn)
        _LIBM = fns
    return _LIBM


def _mapf(fn, x):
    flat = np.ascontiguousarray(x, dtype=f32).ravel()
    vals = np.fromiter(map(fn, flat.tolist()), f64, count=flat.size)
    return vals.astype(f32).reshape(np.shape(x))


# --------------------------------------------------------------------------- Cephes float32
# avx_mathfun's constants (float32); order of operations and fused steps as in RNG.md App. A
_LOG_P = [f32(v) for v in (7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1,
                          1.4249322787E-1, -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1,
                          3.3333331174E-1)]
_LOG_Q1 = f32(-2.12194440e-4)
_LOG_Q2 = f32(0.693359375)
_SQRTHF = f32(0.707106781186547524)
_FOPI = f32(1.27323954473516)
_DP = [f32(-0.78515625), f32(-2.4187564849853515625e-4), f32(-3.77489497744594108e-8)]
_COS_C = [f32(2.443315711809948E-5), f32(-1.388731625493765E-3), f32(4.166664568298827E-2)]
_SIN_C = [f32(-1.9515295891E-4), f32(8.3321608736E-3), f32(-1.6666654611E-1)]
_TWO_PI_F = np.array([0x40C90FDB], np.uint32).view(f32)[0]
_ONE = f32(1.0)
_HALF = f32(0.5)


def log256(x):
    """Cephes logf on positive float32 (the AVX2 build's 8-lane routine, fused as compiled)."""
    bits = x.view(np.int32)
    e = ((bits >> 23) - 126).astype(f32)                 # (exponent - 127) + 1
    m = ((bits & np.int32(~0x7F800000)) | np.int32(0x3F000000)).view(f32)   # in [0.5, 1)
    small = m < _SQRTHF
    xm = m - _ONE
    e -= small.astype(f32)
    xm += np.where(small, m, f32(0))
    z = xm * xm
    y = fma32(_LOG_P[0], xm, _LOG_P[1])
    for p in _LOG_P[2:]:
        y = fma32(y, xm, p)
    y = xm * y
    y = fma32(y, z, e * _LOG_Q1)
    y = y - z * _HALF
    xm = xm + y
    return fma32(e, _LOG_Q2, xm)


def sincos256(theta):
    """Cephes sincosf on float32 (the AVX2 build's 8-lane routine, fused as compiled)."""
    sign_sin = np.signbit(theta)
    x = np.abs(theta)
    j = (x * _FOPI).astype(np.int32)                   # truncation, like cvttps2dq
    j = (j + 1) & ~np.int32(1)
    y = j.astype(f32)
    swap = (j & 4) != 0
    poly = (j & 2) == 0
    for dp in _DP:
        x = fma32(y, dp, x)
    sign_cos = ((~(j - 2)) & 4) != 0
    sign_sin ^= swap
    z = x * x
    c = fma32(_COS_C[0], z, _COS_C[1])
    c = fma32(c, z, _COS_C[2])
    c = z * c
    c = fma32(z, c, -(z * _HALF))
    c = c + _ONE
    s = fma32(_SIN_C[0], z, _SIN_C[1])
    s = fma32(s, z, _SIN_C[2])
    s = z * s
    s = fma32(x, s, x)
    sin = np.where(poly, s, c)
    cos = np.where(poly, c, s) + f32(0.0)
    sin = np.where(sign_sin, -sin, sin)
    cos = np.where(sign_cos, -cos, cos)
    return sin, cos


# --------------------------------------------------------------------------- the transforms
def _box_muller16_f32(d, mean, std, fused):
    """Transform blocks of 16 float32 uniforms (shape (k, 16)) in place."""
    u1 = _ONE - d[:, :8]
    u2 = d[:, 8:]
    mean = f32(mean)
    std = f32(std)
    tiny = max(abs(mean), abs(std)) < 1e-15      # outputs could be float32 subnormals
    if fused:
        radius = np.sqrt(f32(-2.0) * log256(u1))
        sin, cos = sincos256(_TWO_PI_F * u2)
    else:
        logf, sinf, cosf = _libm()
        radius = np.sqrt(f32(-2.0) * _mapf(logf, u1))
        theta = (u2.astype(f64) * (2.0 * math.pi)).astype(f32)
        sin, cos = _mapf(sinf, theta), _mapf(cosf, theta)
    d[:, :8] = fma32(radius * cos, std, mean, tiny)
    d[:, 8:] = fma32(radius * sin, std, mean, tiny)


def _box_muller16_f64(d, mean, std):
    u1 = 1.0 - d[:, :8]
    u2 = d[:, 8:]
    radius = np.sqrt(-2.0 * log64(u1))
    sin, cos = _sin_cos(2.0 * math.pi * u2)
    d[:, :8] = fma64(radius * cos, std, mean)
    d[:, 8:] = fma64(radius * sin, std, mean)


_CHUNK_BLOCKS = 8192             # blocks of 16 per slice: 64K lanes, 512 KiB per float64 temporary


def normal_fill(eng, n, dtype, mean, std, fused=True, half=False):
    """torch's normal_fill for n >= 16 contiguous elements: a fresh 1-D array of n values.

    dtype is np.float32 or np.float64 (the precision of the arithmetic).  half=True gives
    float16's variant: same float32 transform, but only the whole blocks' uniforms are drawn
    before the tail's 16 (float32/float64 first draw all n).
    """
    is32 = dtype == f32
    full = n - n % 16
    if half and full != n:
        d = np.empty(n, f32)
        d[:full] = eng.u24(full)
    else:
        d = eng.u24(n) if is32 else eng.u53(n)
    blocks = d[:full].reshape(-1, 16)
    # work through cache-sized slices: the ~100 temporaries per slice then stay in L2 and
    # reuse freed memory, which more than halves the time against whole-array passes
    for s in range(0, blocks.shape[0], _CHUNK_BLOCKS):
        part = blocks[s:s + _CHUNK_BLOCKS]
        if is32:
            _box_muller16_f32(part, mean, std, fused)
        else:
            _box_muller16_f64(part, float(mean), float(std))
    if full != n:
        tail = (eng.u24(16) if is32 else eng.u53(16)).reshape(1, 16)
        if is32:
            _box_muller16_f32(tail, mean, std, fused)
        else:
            _box_muller16_f64(tail, float(mean), float(std))
        d[n - 16:] = tail[0]
    return d


def normal_scalar(eng, n, mean, std, fused=True):
    """n values of torch's scalar Box–Muller path (float64; the caller casts).

    Serial in torch, but its data flow vectorises: outputs are [cached value?] followed by
    cos, sin, cos, sin ... of fresh pairs; an odd leftover sin stays cached.
    """
    out = np.empty(n, f64)
    cached = eng.normal_cache
    start = 0
    if n and cached is not None:
        out[0] = cached
        start = 1
        eng.normal_cache = None
    m = n - start
    if m:
        pairs = (m + 1) // 2
        u = eng.u53(2 * pairs)
        theta = 2.0 * math.pi * u[0::2]
        radius = np.sqrt(-2.0 * log1p64(-u[1::2]))
        sin, cos = _sin_cos(theta)
        vals = np.empty(2 * pairs, f64)
        vals[0::2] = radius * cos
        vals[1::2] = radius * sin
        out[start:] = vals[:m]
        if m % 2:
            eng.normal_cache = float(vals[-1])
    mean = float(mean)
    std = float(std)
    if mean == 0.0 and std == 1.0:
        return out + 0.0
    return fma64(out, std, mean) if fused else out * std + mean
