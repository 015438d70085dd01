"""torch.optim compared with real torch 2.13: parameter trajectories (float32 bit-exact for
SGD; for the optimizers that take square roots bit-exact once torch's own sqrt is used, see
torchless.optim.optimizer.sqrt), state and state_dict, param groups, zero_grad, closures,
errors and reprs; lr schedulers' lr sequences (exact), state_dicts and warnings."""
import math
import pickle
import warnings

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings, strategies as st

import torchless as tl
from torchless.optim import optimizer as tl_optimizer

SHAPES = [(5, 4), (7,), (3, 3, 2), ()]
STEPS = 25


def arr(t):
    return np.asarray(t._a) if isinstance(t, tl.Tensor) else t.detach().numpy()


def problem(seed, dtype=np.float32, steps=STEPS, scale=0.1):
    """Initial parameters and a gradient per step and parameter (some steps leave a
    parameter without a gradient, which the optimizers must skip)."""
    r = np.random.default_rng(seed)
    init = [r.standard_normal(s).astype(dtype) for s in SHAPES]
    grads = []
    for k in range(steps):
        grads.append([None if (k % 7 == 3 and i == 1) else
                      (r.standard_normal(s) * scale).astype(dtype) for i, s in enumerate(SHAPES)])
    return init, grads


def trajectory(lib, name, kw, init, grads, groups=False):
    ps = [lib.nn.Parameter(lib.tensor(a.copy())) for a in init]
    params = ([{"params": ps[:2]}, {"params": ps[2:], "lr": kw.get("lr", 0.01) * 0.5}]
              if groups else ps)
    opt = getattr(lib.optim, name)(params, **kw)
    history = []
    for gs in grads:
        for p, g in zip(ps, gs):
            p.grad = None if g is None else lib.tensor(g.copy())
        opt.step()
        history.append([arr(p).copy() for p in ps])
    return history, opt, ps


CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.1, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1, maximize=True)),
    ("SGD", dict(lr=0.2, weight_decay=0.3, maximize=True)),
    ("Adam", dict()),
    ("Adam", dict(lr=0.01, betas=(0.8, 0.95), eps=1e-6)),
    ("Adam", dict(lr=0.01, amsgrad=True, weight_decay=0.1)),
    ("Adam", dict(lr=0.02, maximize=True, weight_decay=0.05)),
    ("Adam", dict(lr=0.01, weight_decay=0.1, decoupled_weight_decay=True)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.01, amsgrad=True, weight_decay=0.2, maximize=True)),
    ("RMSprop", dict()),
    ("RMSprop", dict(lr=0.01, alpha=0.9, eps=1e-6, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, momentum=0.9, centered=True)),
    ("RMSprop", dict(lr=0.005, momentum=0.5, centered=True, weight_decay=0.1, maximize=True)),
    ("Adagrad", dict()),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.1)),
    ("Adagrad", dict(lr=0.05, eps=1e-6, maximize=True)),
]
IDS = [f"{n}-{'-'.join(f'{k}={v}' for k, v in kw.items())}" for n, kw in CONFIGS]


def _torch_sqrt(a):
    """torch's own (MKL) square root, for checking the rest of a step bit for bit."""
    return torch.sqrt(torch.from_numpy(np.array(a, copy=True))).numpy()


@pytest.mark.parametrize("name,kw", CONFIGS, ids=IDS)
@pytest.mark.parametrize("groups", [False, True])
def test_float32_trajectory_bit_exact(name, kw, groups, monkeypatch):
    """Every step of every parameter equals torch's bit for bit: for SGD outright, for the
    others with torch's sqrt (the one operation whose rounding torch takes from MKL)."""
    if name != "SGD":
        monkeypatch.setattr(tl_optimizer, "sqrt", _torch_sqrt)
    init, grads = problem(1)
    ha, oa, _ = trajectory(tl, name, kw, init, grads, groups)
    hb, ob, _ = trajectory(torch, name, kw, init, grads, groups)
    for k, (a, b) in enumerate(zip(ha, hb)):
        for i, (x, y) in enumerate(zip(a, b)):
            assert np.array_equal(x, y), (k, i, np.abs(x - y).max())
    _same_state(oa, ob, rtol=0)


@pytest.mark.parametrize("name,kw", CONFIGS, ids=IDS)
def test_float32_trajectory_with_numpy_sqrt(name, kw):
    """With IEEE sqrt the sqrt-based optimizers stay within a few float32 ulps of torch."""
    init, grads = problem(2)
    ha, oa, _ = trajectory(tl, name, kw, init, grads)
    hb, ob, _ = trajectory(torch, name, kw, init, grads)
    for a, b in zip(ha, hb):
        for x, y in zip(a, b):
            # (an ulp of a parameter near 1 is 1e-7; a few of them can accumulate)
            np.testing.assert_allclose(x, y, rtol=2e-6, atol=1e-6)
    _same_state(oa, ob, rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize("name,kw", CONFIGS, ids=IDS)
def test_float64_trajectory(name, kw):
    """float64: torch's float64 kernels fuse multiply-adds, which NumPy cannot; within 1e-13."""
    init, grads = problem(3, np.float64)
    ha, oa, _ = trajectory(tl, name, kw, init, grads)
    hb, ob, _ = trajectory(torch, name, kw, init, grads)
    for a, b in zip(ha, hb):
        for x, y in zip(a, b):
            np.testing.assert_allclose(x, y, rtol=1e-13, atol=1e-15)
    assert all(x.dtype == np.float64 for x in ha[-1])
    _same_state(oa, ob, rtol=1e-12, atol=1e-15)


def _same_state(oa, ob, rtol, atol=0.0):
    sa, sb = oa.state_dict(), ob.state_dict()
    assert sa["param_groups"] == sb["param_groups"]
    assert list(sa["state"]) == list(sb["state"])
    for k in sb["state"]:
        assert list(sa["state"][k]) == list(sb["state"][k])
        for key, vb in sb["state"][k].items():
            va = sa["state"][k][key]
            assert str(va.dtype) == str(vb.dtype) and tuple(va.shape) == tuple(vb.shape), key
            if rtol == 0:
                assert np.array_equal(arr(va), arr(vb)), key
            else:
                np.testing.assert_allclose(arr(va), arr(vb), rtol=rtol, atol=atol)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lr=st.floats(1e-4, 1.0), momentum=st.sampled_from([0.0, 0.5, 0.9, 0.99]),
       dampening=st.sampled_from([0.0, 0.1, 0.5]), wd=st.sampled_from([0.0, 1e-4, 0.1]),
       nesterov=st.booleans(), maximize=st.booleans(), seed=st.integers(0, 2**31))
def test_sgd_bit_exact_for_any_hyperparameters(lr, momentum, dampening, wd, nesterov, maximize,
                                               seed):
    if nesterov and (momentum == 0 or dampening):
        nesterov = False
    kw = dict(lr=lr, momentum=momentum, dampening=dampening, weight_decay=wd,
              nesterov=nesterov, maximize=maximize)
    init, grads = problem(seed, steps=8, scale=1.0)
    ha, _, _ = trajectory(tl, "SGD", kw, init, grads)
    hb, _, _ = trajectory(torch, "SGD", kw, init, grads)
    for a, b in zip(ha[-1], hb[-1]):
        assert np.array_equal(a, b)


def test_large_tensors_stay_within_an_ulp():
    """Past EXACT_FMA_MAX elements the multiply-add rounds twice (at NumPy's speed)."""
    r = np.random.default_rng(4)
    a = r.standard_normal(tl_optimizer.EXACT_FMA_MAX + 10).astype(np.float32)
    g = r.standard_normal(a.size).astype(np.float32)
    pa, pb = tl.nn.Parameter(tl.tensor(a)), torch.nn.Parameter(torch.tensor(a))
    pa.grad, pb.grad = tl.tensor(g), torch.tensor(g)
    tl.optim.SGD([pa], lr=0.01, momentum=0.9).step()
    torch.optim.SGD([pb], lr=0.01, momentum=0.9).step()
    # at most one ulp of the largest of p, lr * g and the result
    ulp = np.spacing(np.maximum(np.maximum(np.abs(a), np.abs(np.float32(0.01) * g)),
                                np.abs(arr(pb))))
    diff = np.abs(arr(pa).astype(np.float64) - arr(pb))
    assert (diff <= ulp).all() and 0 < (diff > 0).mean() < 0.05


# ---------------------------------------------------------------- behaviour
def test_updates_in_place_and_views_see_them():
    p = tl.nn.Parameter(tl.ones(4, 3))
    view, alias = p.detach()[1], p.detach().numpy()
    p.grad = tl.ones(4, 3)
    opt = tl.optim.SGD([p], lr=0.5)
    before = id(p._a)
    opt.step()
    assert id(p._a) == before
    assert np.array_equal(arr(view), np.full(3, 0.5, np.float32))
    assert np.array_equal(alias, np.full((4, 3), 0.5, np.float32))
    assert p.requires_grad and p.grad_fn is None and p.is_leaf


def test_step_bumps_the_version_counter():
    for lib in (tl, torch):
        p = lib.nn.Parameter(lib.randn(3))
        y = (p * p).sum()
        p.grad = lib.ones(3)
        lib.optim.Adam([p]).step()
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.backward()


def test_step_runs_without_grad_and_closure_with_grad():
    for lib in (tl, torch):
        p = lib.nn.Parameter(lib.tensor([1.0, 2.0]))
        opt = lib.optim.SGD([p], lr=0.1)
        seen = []

        def closure():
            seen.append(lib.is_grad_enabled())
            opt.zero_grad()
            loss = (p * p).sum()
            loss.backward()
            return loss

        with lib.no_grad():
            loss = opt.step(closure)
        assert seen == [True] and abs(loss.item() - 5.0) < 1e-6
        assert np.allclose(arr(p), [0.8, 1.6])
        assert opt.step(lambda: 3.0) == 3.0
        assert opt.step() is None


def test_zero_grad():
    for lib in (tl, torch):
        p = lib.nn.Parameter(lib.ones(2))
        q = lib.nn.Parameter(lib.ones(2))
        opt = lib.optim.SGD([p, q], lr=0.1)
        p.grad = lib.ones(2) * 3
        g = p.grad
        opt.zero_grad(set_to_none=False)
        assert p.grad is g and np.array_equal(arr(g), [0, 0]) and q.grad is None
        opt.zero_grad()
        assert p.grad is None


def test_param_groups_and_add_param_group():
    def build(lib):
        a, b, c = (lib.nn.Parameter(lib.ones(s)) for s in ((2,), (3,), (4,)))
        opt = lib.optim.SGD([{"params": [a]}, {"params": b, "lr": 0.5, "foo": 1}], lr=0.1,
                            momentum=0.9)
        opt.add_param_group({"params": (c,), "weight_decay": 0.2})
        return opt

    oa, ob = build(tl), build(torch)
    assert repr(oa) == repr(ob)
    sa, sb = oa.state_dict(), ob.state_dict()
    assert sa == sb
    assert [list(g) for g in oa.param_groups] == [list(g) for g in ob.param_groups]


def test_named_parameters():
    res = []
    for lib in (tl, torch):
        lib.manual_seed(0)
        m = lib.nn.Linear(3, 2)
        opt = lib.optim.Adam(m.named_parameters(), lr=0.1)
        res.append((repr(opt), opt.state_dict()["param_groups"],
                    [tuple(p.shape) for p in opt.param_groups[0]["params"]]))
    assert res[0] == res[1]


def test_repr_matches_torch():
    for name, kw in CONFIGS:
        reps = [repr(getattr(lib.optim, name)([lib.nn.Parameter(lib.ones(2))], **kw))
                for lib in (tl, torch)]
        assert reps[0] == reps[1]
    reps = [repr(lib.optim.SGD([{"params": [lib.nn.Parameter(lib.ones(1))]},
                                {"params": [lib.nn.Parameter(lib.ones(1))], "lr": 2}], lr=1))
            for lib in (tl, torch)]
    assert reps[0] == reps[1]
    reps = [repr(lib.optim.Optimizer([lib.nn.Parameter(lib.ones(1))], {})) for lib in (tl, torch)]
    assert reps[0] == reps[1]


def test_defaults_and_signatures():
    for name, _ in CONFIGS:
        da = getattr(tl.optim, name)([tl.nn.Parameter(tl.ones(1))]).defaults
        db = getattr(torch.optim, name)([torch.nn.Parameter(torch.ones(1))]).defaults
        assert da == db and list(da) == list(db)
    assert issubclass(tl.optim.AdamW, tl.optim.Adam)
    assert isinstance(tl.optim.SGD([tl.nn.Parameter(tl.ones(1))]), tl.optim.Optimizer)


def test_adagrad_state_exists_before_the_first_step():
    sds = [lib.optim.Adagrad([lib.nn.Parameter(lib.ones(3))], initial_accumulator_value=0.5)
           .state_dict() for lib in (tl, torch)]
    assert sds[0]["param_groups"] == sds[1]["param_groups"]
    for key in ("step", "sum"):
        a, b = sds[0]["state"][0][key], sds[1]["state"][0][key]
        assert str(a.dtype) == str(b.dtype) and np.array_equal(arr(a), arr(b))


ERRORS = [
    "O.SGD([])", "O.SGD([], lr=0.1)", "O.SGD(iter([]))", "O.SGD((p * 2,), lr=0.1)",
    "O.SGD([p], lr=-1)", "O.SGD([p], lr=-0.5)", "O.SGD([p], lr=0.1, momentum=-1)",
    "O.SGD([p], lr=0.1, weight_decay=-1)", "O.SGD([p], lr=0.1, nesterov=True)",
    "O.SGD([p], lr=0.1, nesterov=True, momentum=0.9, dampening=0.1)", "O.SGD(p, lr=0.1)",
    "O.SGD(torch.ones(2), lr=0.1)", "O.SGD({'params': [p]}, lr=0.1)", "O.SGD(3, lr=0.1)",
    "O.SGD([{'params': [p]}, {'params': [p]}], lr=0.1)", "O.SGD([{'params': [p]}, p], lr=0.1)",
    "O.SGD([{'lr': 1}], lr=0.1)", "O.SGD([1.0], lr=0.1)", "O.SGD([p, 'a'], lr=0.1)",
    "O.SGD([p], lr=0.1).add_param_group({'params': [p]})",
    "O.SGD([p], lr=0.1).add_param_group([p])",
    "O.SGD([p], lr=0.1).add_param_group({'params': {q}})",
    "O.SGD([p], lr=torch.ones(2))",
    "O.Adam([p], lr=-1)", "O.Adam([p], eps=-1)", "O.Adam([p], betas=(1.0, 0.9))",
    "O.Adam([p], betas=(0.9, -0.1))", "O.Adam([p], weight_decay=-1)", "O.AdamW([p], lr=-1)",
    "O.AdamW([p], betas=(0.5, 1.5))", "O.AdamW([p], eps=-1e-3)",
    "O.RMSprop([p], lr=-1)", "O.RMSprop([p], eps=-1)", "O.RMSprop([p], momentum=-1)",
    "O.RMSprop([p], weight_decay=-1)", "O.RMSprop([p], alpha=-1)",
    "O.Adagrad([p], lr=-1)", "O.Adagrad([p], lr_decay=-1)", "O.Adagrad([p], weight_decay=-1)",
    "O.Adagrad([p], initial_accumulator_value=-1)", "O.Adagrad([p], eps=-1)",
    "O.Optimizer([p], {}).step()",
    "O.SGD([p], lr=0.1).load_state_dict({'state': {}, 'param_groups': []})",
    "O.SGD([p], lr=0.1).load_state_dict(O.SGD([p, q], lr=0.1).state_dict())",
    "O.SGD([p], lr=0.1).load_state_dict({'state': {}})",
]


@pytest.mark.parametrize("expr", ERRORS)
def test_errors_match_torch(expr):
    out = []
    for lib in (tl, torch):
        ns = {"O": lib.optim, "torch": lib, "p": lib.nn.Parameter(lib.ones(2)),
              "q": lib.nn.Parameter(lib.ones(3))}
        with pytest.raises(Exception) as e:
            eval(expr, ns)
        out.append(e.value)
    assert type(out[0]) is type(out[1]) and str(out[0]) == str(out[1]), out


def test_duplicate_parameter_warning():
    msgs = []
    for lib in (tl, torch):
        p = lib.nn.Parameter(lib.ones(2))
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.optim.SGD([p, p], lr=0.1)
        msgs.append([str(x.message) for x in w])
    assert msgs[0] == msgs[1] and len(msgs[0]) == 1


# ---------------------------------------------------------------- state_dict
@pytest.mark.parametrize("name,kw", CONFIGS, ids=IDS)
def test_state_dict_resume_equals_uninterrupted_run(name, kw):
    """Save after 10 steps, load into a fresh optimizer (on copies of the parameters), go on:
    the same as never stopping — also when the state_dict came from torch."""
    init, grads = problem(5, steps=16)
    full, _, _ = trajectory(tl, name, kw, init, grads)
    for source in (tl, torch):
        _, opt, ps = trajectory(source, name, kw, init, grads[:10])
        sd = opt.state_dict()
        if source is torch:
            sd = _to_torchless(sd)
        sd = pickle.loads(pickle.dumps(sd))
        qs = [tl.nn.Parameter(tl.tensor(arr(p).copy())) for p in ps]
        new = getattr(tl.optim, name)(qs, **kw)
        new.load_state_dict(sd)
        for gs in grads[10:]:
            for q, g in zip(qs, gs):
                q.grad = None if g is None else tl.tensor(g.copy())
            new.step()
        for q, x in zip(qs, full[-1]):
            if source is tl or name == "SGD":
                assert np.array_equal(arr(q), x)
            else:
                np.testing.assert_allclose(arr(q), x, rtol=2e-6, atol=1e-7)


def _to_torchless(sd):
    def conv(v):
        if isinstance(v, torch.Tensor):
            return tl.tensor(v.detach().numpy().copy())
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        return v
    return conv(sd)


def test_load_state_dict_casts_to_the_parameter_dtype_and_shares_state():
    p = tl.nn.Parameter(tl.ones(3, dtype=tl.float64))
    opt = tl.optim.SGD([p], lr=0.1, momentum=0.9)
    buf = tl.ones(3)
    opt.load_state_dict({"state": {0: {"momentum_buffer": buf}},
                         "param_groups": [dict(opt.state_dict()["param_groups"][0])]})
    assert opt.state[p]["momentum_buffer"].dtype is tl.float64
    q = tl.nn.Parameter(tl.ones(3))
    opt = tl.optim.Adam([q])
    sd = {"state": {0: {"step": tl.tensor(4.0), "exp_avg": tl.ones(3),
                        "exp_avg_sq": tl.ones(3)}},
          "param_groups": [dict(opt.state_dict()["param_groups"][0], lr=0.5)]}
    opt.load_state_dict(sd)
    assert opt.param_groups[0]["lr"] == 0.5 and opt.param_groups[0]["params"][0] is q
    assert opt.state[q]["exp_avg"] is sd["state"][0]["exp_avg"]       # as torch: not copied
    assert sd["param_groups"][0]["params"] == [0]                     # the input is untouched


# ---------------------------------------------------------------- lr schedulers
def _lr_run(lib, make, epochs=120, metric=None, lr=0.1, groups=1):
    ps = [lib.nn.Parameter(lib.zeros(2)) for _ in range(groups)]
    opt = lib.optim.SGD([{"params": [p], "lr": lr * (i + 1)} for i, p in enumerate(ps)], lr=lr)
    sched = make(lib.optim.lr_scheduler, opt)
    lrs = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for e in range(epochs):
            opt.step()
            if metric is None:
                sched.step()
            else:
                sched.step(metric(e))
            lrs.append([g["lr"] for g in opt.param_groups] + list(sched.get_last_lr()))
    return lrs, sched, opt


SCHEDULERS = {
    "step": lambda S, o: S.StepLR(o, 7, gamma=0.3),
    "step1": lambda S, o: S.StepLR(o, step_size=1),
    "multistep": lambda S, o: S.MultiStepLR(o, [3, 10, 10, 50], gamma=0.7),
    "exp": lambda S, o: S.ExponentialLR(o, 0.97),
    "cos": lambda S, o: S.CosineAnnealingLR(o, T_max=10),
    "cos_eta": lambda S, o: S.CosineAnnealingLR(o, T_max=7, eta_min=0.003),
    "cos_long": lambda S, o: S.CosineAnnealingLR(o, 45, 1e-5),
    "lambda": lambda S, o: S.LambdaLR(o, lambda e: 0.95 ** e / (1 + e)),
    "lambdas": lambda S, o: S.LambdaLR(o, [lambda e: 0.9 ** e, lambda e: 1 / (e + 1)]),
}


@pytest.mark.parametrize("name", SCHEDULERS)
def test_scheduler_lrs_exactly_torchs(name):
    make = SCHEDULERS[name]
    a, sa, _ = _lr_run(tl, make, groups=2)
    b, sb, _ = _lr_run(torch, make, groups=2)
    assert a == b
    da, db = sa.state_dict(), sb.state_dict()
    assert list(da) == list(db)
    assert da == db


def test_chained_schedulers_and_closed_form():
    def make(S, o):
        S.ExponentialLR(o, 0.9)
        return S.StepLR(o, 3, 0.5)
    assert _lr_run(tl, make)[0] == _lr_run(torch, make)[0]
    for name in ("step", "multistep", "exp", "cos_eta"):
        res = []
        for lib in (tl, torch):
            p = lib.nn.Parameter(lib.zeros(1))
            opt = lib.optim.SGD([p], lr=0.1)
            s = SCHEDULERS[name](lib.optim.lr_scheduler, opt)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out = []
                for e in (5, 11, 3, 60, 7):
                    opt.step()
                    s.step(e)
                    out.append(opt.param_groups[0]["lr"])
            res.append(out)
        assert res[0] == res[1], name


PLATEAU = [dict(), dict(mode="max", factor=0.5, patience=2, threshold=0.1,
                        threshold_mode="abs", cooldown=3, min_lr=0.01),
           dict(patience=0, factor=0.9, min_lr=[0.05, 0.0], eps=1e-3),
           dict(mode="min", threshold_mode="abs", threshold=0.05, patience=1, cooldown=1)]


@pytest.mark.parametrize("kw", PLATEAU)
def test_reduce_lr_on_plateau(kw):
    def metric(e):
        return math.sin(e / 3.0) + (e % 7) * 0.1 - e * 0.01
    make = lambda S, o: S.ReduceLROnPlateau(o, **kw)      # noqa: E731
    a, sa, _ = _lr_run(tl, make, metric=metric, groups=2)
    b, sb, _ = _lr_run(torch, make, metric=metric, groups=2)
    assert a == b
    assert sa.state_dict() == sb.state_dict() and list(sa.state_dict()) == list(sb.state_dict())
    assert isinstance(sa, tl.optim.lr_scheduler.LRScheduler)


def test_scheduler_state_dict_round_trip():
    for name in SCHEDULERS:
        full = _lr_run(tl, SCHEDULERS[name], epochs=40, groups=2)[0]
        _, s, _ = _lr_run(tl, SCHEDULERS[name], epochs=15, groups=2)
        sd = pickle.loads(pickle.dumps({k: v for k, v in s.state_dict().items()}))
        ps = [tl.nn.Parameter(tl.zeros(2)) for _ in range(2)]
        opt = tl.optim.SGD([{"params": [p], "lr": 0.1 * (i + 1)} for i, p in enumerate(ps)],
                           lr=0.1)
        s2 = SCHEDULERS[name](tl.optim.lr_scheduler, opt)
        s2.load_state_dict(sd)
        for g, lr in zip(opt.param_groups, s2.get_last_lr()):
            g["lr"] = lr
        rest = []
        for _ in range(25):
            opt.step()
            s2.step()
            rest.append([g["lr"] for g in opt.param_groups] + list(s2.get_last_lr()))
        assert rest == full[15:], name


SCHED_ERRORS = [
    "S.StepLR(O.SGD([p], lr=0.1), 3, last_epoch=2)", "S.StepLR(3, 3)",
    "S.LambdaLR(O.SGD([p], lr=0.1), [lambda e: 1, lambda e: 2])",
    "S.ReduceLROnPlateau(O.SGD([p], lr=0.1), factor=1.0)",
    "S.ReduceLROnPlateau(O.SGD([p], lr=0.1), mode='x')",
    "S.ReduceLROnPlateau(O.SGD([p], lr=0.1), threshold_mode='x')",
    "S.ReduceLROnPlateau(O.SGD([p], lr=0.1), min_lr=[0.1, 0.2])",
]


@pytest.mark.parametrize("expr", SCHED_ERRORS)
def test_scheduler_errors(expr):
    out = []
    for lib in (tl, torch):
        ns = {"S": lib.optim.lr_scheduler, "O": lib.optim, "p": lib.nn.Parameter(lib.ones(2))}
        with pytest.raises(Exception) as e:
            eval(expr, ns)
        out.append(e.value)
    assert type(out[0]) is type(out[1]) and str(out[0]) == str(out[1])


def test_scheduler_warnings():
    logs = []
    for lib in (tl, torch):
        S = lib.optim.lr_scheduler
        log = []
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            p = lib.nn.Parameter(lib.ones(1))
            o = lib.optim.SGD([p], lr=0.1)
            s = S.StepLR(o, 3)
            s.step()
            s.step()                      # warned once only
            log.append(len(w))
            o.step()
            s.step()
            log.append(len(w))
            o2 = lib.optim.SGD([p], lr=0.1)
            o2.step()
            S.ExponentialLR(o2, 0.5).step()   # a step before the scheduler existed: warned
            log.append(len(w))
            s.get_lr()
            s.step(4)
            log.append([str(x.message) for x in w])
        logs.append(log)
    assert logs[0] == logs[1]


def test_scheduler_sets_initial_lr_in_the_optimizer():
    for lib in (tl, torch):
        o = lib.optim.SGD([lib.nn.Parameter(lib.ones(1))], lr=0.3)
        lib.optim.lr_scheduler.CosineAnnealingLR(o, 5)
        assert o.param_groups[0]["initial_lr"] == 0.3
        assert o.state_dict()["param_groups"][0]["initial_lr"] == 0.3


# ---------------------------------------------------------------- training end to end
def test_mlp_training_loss_curve_matches_torch():
    """A small MLP with CrossEntropyLoss, Adam and a StepLR schedule, from the same seed."""
    r = np.random.default_rng(0)
    X = r.standard_normal((64, 10)).astype(np.float32)
    Y = (X[:, :3].sum(1) > 0).astype(np.int64) + (X[:, 3] > 1)
    curves = []
    for lib in (tl, torch):
        lib.manual_seed(0)
        nn = lib.nn
        model = nn.Sequential(nn.Linear(10, 16), nn.ReLU(), nn.Linear(16, 3))
        opt = lib.optim.Adam(model.parameters(), lr=0.01)
        sched = lib.optim.lr_scheduler.StepLR(opt, 20, gamma=0.5)
        loss_fn = nn.CrossEntropyLoss()
        xb, yb = lib.tensor(X), lib.tensor(Y)
        losses = []
        for _ in range(60):
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            sched.step()
            losses.append(loss.item())
        curves.append(losses)
    np.testing.assert_allclose(curves[0], curves[1], rtol=1e-4)
    assert curves[0][-1] < 0.6 * curves[0][0]


def test_hooks():
    logs = []
    for lib in (tl, torch):
        log = []
        p = lib.nn.Parameter(lib.ones(2))
        p.grad = lib.ones(2)
        opt = lib.optim.SGD([p], lr=0.5)
        h1 = opt.register_step_pre_hook(lambda o, a, k: log.append(("pre", len(a), len(k))))
        opt.register_step_post_hook(lambda o, a, k: log.append(("post", float(p.detach().sum()))))
        opt.register_state_dict_post_hook(lambda o, sd: log.append(("sd", sorted(sd))))
        opt.register_load_state_dict_post_hook(lambda o: log.append("loaded"))
        opt.step()
        h1.remove()
        opt.step()
        opt.load_state_dict(opt.state_dict())
        logs.append(log)
    assert logs[0] == logs[1]
