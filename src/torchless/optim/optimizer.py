"""torch.optim.Optimizer: parameter groups, per-parameter state, zero_grad, state_dict.

The update rules live in sgd.py, adam.py, rmsprop.py and adagrad.py.  They follow torch's
default CPU implementation (the single-tensor "for-loop" one) operation by operation, and the
NumPy kernels below round each step as torch's kernels do, so float32 trajectories are
bit-exact with torch's wherever torch's own arithmetic can be reproduced (see ``fma``).
"""
from __future__ import annotations

import functools
import warnings
from collections import OrderedDict, defaultdict
from copy import deepcopy
from itertools import chain

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from .._version import bump
from ..autograd.grad_mode import ENABLED, enable_grad

__all__ = ["Optimizer", "required"]

_F32 = np.dtype(np.float32)
_F64 = np.dtype(np.float64)

# Tensors up to this many elements get float32 fused multiply-adds rounded exactly as torch's
# (emulated in float64, ~4x the cost of plain float32 arithmetic); larger ones round twice,
# which can move a result by one ulp.  Gradients of large layers come from matrix products,
# which already differ from torch's in the last bits, so exactness there buys nothing while
# the float64 round trip would dominate a training step.  Set to math.inf for exactness always.
EXACT_FMA_MAX = 1 << 16


# ---------------------------------------------------------------- float kernels
def fma(a, w, b):
    """a + w * b rounded once in a's dtype (torch's fused multiply-add for float32)."""
    dt = a.dtype
    if dt == _F32 and a.size <= EXACT_FMA_MAX:
        # the float32 product w * b is exact in float64, so one float64 add and the final
        # rounding give the fused result
        t = b.astype(_F64)
        t *= w.astype(_F64) if isinstance(w, np.ndarray) else float(np.float32(w))
        t += a
        return t.astype(_F32)
    if dt.kind == "f" and not isinstance(w, np.ndarray):
        w = dt.type(w)
    return a + w * b


_scratch = {}


def scratch(shape, dtype):
    """A reusable temporary of this shape and dtype: large temporaries allocated per step would
    be fresh pages (mmap) each time, which costs more than the arithmetic."""
    key = (shape, dtype)
    buf = _scratch.get(key)
    if buf is None:
        if len(_scratch) > 64:
            _scratch.clear()
        buf = _scratch[key] = np.empty(shape, dtype)
    return buf


def axpy_(a, w, b):
    """a += w * b in place (Tensor.add_(b, alpha=w))."""
    dt = a.dtype
    if dt == _F32 and a.size <= EXACT_FMA_MAX:
        t = b.astype(_F64)
        t *= float(np.float32(w))
        t += a
        np.copyto(a, t, casting="unsafe")
    elif dt.kind == "f" and b.shape == a.shape:
        t = np.multiply(b, dt.type(w), out=scratch(a.shape, dt))
        np.add(a, t, out=a)
    else:
        a += b * dt.type(w)


def scale_(a, s):
    """a *= s in place (Tensor.mul_(s): the scalar rounded to a's dtype first)."""
    np.multiply(a, a.dtype.type(s), out=a)


def lerp_(a, b, w):
    """a += w * (b - a) in place, as torch's lerp: fused from a for w < 0.5, from b above."""
    diff = b - a
    if abs(w) < 0.5:
        r = fma(a, float(a.dtype.type(w)), diff)
    else:
        r = fma(b, -float(a.dtype.type(1) - a.dtype.type(w)), diff)
    np.copyto(a, r, casting="unsafe")


def addcmul_(a, t1, t2, value):
    """a += value * t1 * t2 in place (torch: fma(value * t1, t2, a))."""
    v = a.dtype.type(value) * t1 if value != 1 else t1
    np.copyto(a, fma(a, v, t2), casting="unsafe")


def addcdiv_(a, t1, t2, value):
    """a += value * t1 / t2 in place (torch rounds the product, the quotient, then the sum)."""
    q = np.empty(np.shape(t1), a.dtype)         # (an array even for 0-dim operands)
    if value != 1:
        np.multiply(t1, a.dtype.type(value), out=q)
    else:
        np.copyto(q, t1)
    np.divide(q, t2, out=q)
    np.add(a, q, out=a)


def sqrt(a):
    """Elementwise square root, correctly rounded (NumPy).  torch's CPU sqrt comes from MKL's
    vector math library, which rounds about one float32 result in five (one float64 in seventy)
    to the other neighbour, depending on the CPU, so the optimizers that take square roots
    (Adam, AdamW, RMSprop, Adagrad) can differ from torch in the last bit; everything else in
    their steps is torch's arithmetic (tests/test_optim.py checks that they are bit-exact when
    this function is replaced by torch's sqrt)."""
    return np.sqrt(a, out=np.empty(np.shape(a), a.dtype))


def scalar(x):
    """A hyper-parameter as a Python float (torch allows 1-element tensors for lr)."""
    return float(x) if isinstance(x, Tensor) else x


def step_tensor():
    """The float32 step counter torch keeps in each parameter's state."""
    return _wrap(np.zeros((), _F32))


def inc_step(state):
    """step += 1 on the state's counter; returns the new count as a Python float."""
    s = state["step"]._a
    s += 1
    return float(s)


# ---------------------------------------------------------------- Optimizer
class _RequiredParameter:
    """Singleton marking a hyper-parameter without a default."""

    def __repr__(self):
        return "<required parameter>"


required = _RequiredParameter()


def _typename(x):
    """torch.typename: 'torch.FloatTensor' for tensors, the class name otherwise."""
    if isinstance(x, Tensor):
        return x.dtype.legacy
    return type(x).__name__


def _class_repr(x):
    return str(type(x)).replace("'torchless.", "'torch.")


def _hook_step(step):
    """Wrap a subclass's step: run the step hooks and note the call for LR schedulers."""
    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        d = self.__dict__
        args = (self,) + args                 # hooks see step's arguments, self included
        pre = d.get("_optimizer_step_pre_hooks")
        if pre:
            for hook in list(pre.values()):
                r = hook(self, args, kwargs)
                if r is not None:
                    if not (isinstance(r, tuple) and len(r) == 2):
                        raise RuntimeError("optimizer step pre-hook must return None or a tuple of "
                                           f"(new_args, new_kwargs), but got {r}.")
                    args, kwargs = r
        out = step(*args, **kwargs)
        d["_opt_called"] = True
        post = d.get("_optimizer_step_post_hooks")
        if post:
            for hook in list(post.values()):
                hook(self, args, kwargs)
        return out
    wrapper._hooked = True
    return wrapper


class _Handle:
    _next = 0

    def __init__(self, hooks):
        self.hooks = hooks
        self.id = _Handle._next
        _Handle._next += 1

    def remove(self):
        self.hooks.pop(self.id, None)


class Optimizer:
    """Base class of the optimizers: holds param_groups (dicts with 'params' and the
    hyper-parameters) and state (a dict per parameter)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get("step")
        if step is not None and not getattr(step, "_hooked", False):
            cls.step = _hook_step(step)

    def __init__(self, params, defaults: dict) -> None:
        self.defaults = defaults
        self._optimizer_step_pre_hooks = OrderedDict()
        self._optimizer_step_post_hooks = OrderedDict()
        self._optimizer_state_dict_pre_hooks = OrderedDict()
        self._optimizer_state_dict_post_hooks = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks = OrderedDict()
        self._optimizer_load_state_dict_post_hooks = OrderedDict()
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            f"Tensors or dicts, but got {_typename(params)}")
        self.state = defaultdict(dict)
        self.param_groups = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    def __getstate__(self):
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state):
        self.__dict__.update(state)
        for name in ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks",
                     "_optimizer_state_dict_pre_hooks", "_optimizer_state_dict_post_hooks",
                     "_optimizer_load_state_dict_pre_hooks",
                     "_optimizer_load_state_dict_post_hooks"):
            self.__dict__.setdefault(name, OrderedDict())

    def __repr__(self) -> str:
        s = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            s += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    s += f"    {key}: {group[key]}\n"
        return s + ")"

    # ------------------------------------------------------------ groups
    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters (a dict with 'params'; missing options take defaults)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {_class_repr(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            param_group["params"] = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, but "
                            "the ordering of tensors in sets will change between runs. Please use "
                            "a list instead.")
        else:
            param_group["params"] = list(params)
        items = param_group["params"]
        if items and isinstance(items[0], tuple):
            # named parameters: [(name, tensor), ...]
            names = [n for n, _ in items]
            param_group["params"] = [p for _, p in items]
            param_group["param_names"] = names
        differentiable = self.defaults.get("differentiable", None)
        for p in param_group["params"]:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                f"{_typename(p)}")
            if not differentiable and not (p.grad_fn is None or getattr(p, "retains_grad",
                                                                        False)):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required optimization "
                                 f"parameter {name}")
            param_group.setdefault(name, default)
        params = param_group["params"]
        if len(params) != len({id(p) for p in params}):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in "
                          "future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        seen = {id(p) for g in self.param_groups for p in g["params"]}
        if any(id(p) in seen for p in params):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # ------------------------------------------------------------ stepping
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters: to None (default) or to zeros."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p.grad
                if g is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    g.grad_fn = None
                    g.requires_grad = False
                    g._a[...] = 0
                    bump(g._a)

    def step(self, closure=None):
        """Perform one optimisation step (subclasses implement it)."""
        raise NotImplementedError

    def _closure(self, closure):
        """Evaluate closure (with grad enabled) before a step, as torch's step(closure) does."""
        if closure is None:
            return None
        with enable_grad():
            return closure()

    def _register(self, hooks, hook, prepend=False):
        h = _Handle(hooks)
        hooks[h.id] = hook
        if prepend:
            hooks.move_to_end(h.id, last=False)
        return h

    def register_step_pre_hook(self, hook):
        """hook(optimizer, args, kwargs) -> None or (new_args, new_kwargs), before each step."""
        return self._register(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook):
        """hook(optimizer, args, kwargs), after each step."""
        return self._register(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook, prepend=False):
        """hook(optimizer), before state_dict() builds its result."""
        return self._register(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook, prepend=False):
        """hook(optimizer, state_dict) -> None or a new state_dict."""
        return self._register(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook, prepend=False):
        """hook(optimizer, state_dict) -> None or the state_dict to load instead."""
        return self._register(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook, prepend=False):
        """hook(optimizer), after load_state_dict()."""
        return self._register(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # ------------------------------------------------------------ state_dict
    def state_dict(self) -> dict:
        """{'state': {index: per-parameter state}, 'param_groups': [group options + 'params'
        as indices]} — parameters are numbered in group order, as torch numbers them."""
        for hook in self._optimizer_state_dict_pre_hooks.values():
            hook(self)
        mapping = {}
        index = 0
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            for p in group["params"]:
                if id(p) not in mapping:
                    mapping[id(p)] = index
                    index += 1
            packed["params"] = [mapping[id(p)] for p in group["params"]]
            groups.append(packed)
        state = {(mapping[id(k)] if isinstance(k, Tensor) else k): v
                 for k, v in self.state.items()}
        sd = {"state": state, "param_groups": groups}
        for hook in self._optimizer_state_dict_post_hooks.values():
            r = hook(self, sd)
            if r is not None:
                sd = r
        return sd

    def load_state_dict(self, state_dict: dict) -> None:
        """Load a state_dict made by state_dict(); state tensors take each parameter's dtype."""
        state_dict = state_dict.copy()
        for hook in self._optimizer_load_state_dict_pre_hooks.values():
            r = hook(self, state_dict)
            if r is not None:
                state_dict = r
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match the "
                             "size of optimizer's group")
        id_map = dict(zip(chain.from_iterable(s["params"] for s in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))
        state = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                p = id_map[k]
                state[p] = _cast(p, v)
            else:
                state[k] = v
        new_groups = []
        for g, s in zip(groups, saved_groups):
            s["params"] = g["params"]
            if "param_names" in g and "param_names" not in s:
                s["param_names"] = g["param_names"]
            new_groups.append(s)
        self.__setstate__({"state": state, "param_groups": new_groups})
        for hook in self._optimizer_load_state_dict_post_hooks.values():
            hook(self)


def _cast(param, value, key=None):
    """A loaded state value for param: tensors take its float dtype, except the step count."""
    if isinstance(value, Tensor):
        if key == "step" or param.dtype.category < D.FLOAT or value.dtype is param.dtype:
            return value
        return value.to(param.dtype)
    if isinstance(value, dict):
        return {k: _cast(param, v, k) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_cast(param, v) for v in value)
    return value


def check_lr(lr):
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def grads_of(group):
    """(param, grad array) for each parameter of group that has a gradient."""
    out = []
    for p in group["params"]:
        g = p.grad
        if g is not None:
            out.append((p, g._a))
    return out


def no_grad_step(fn):
    """Run an optimizer's step with grad mode off (torch does unless differentiable=True)."""
    @functools.wraps(fn)
    def step(self, closure=None):
        loss = self._closure(closure)
        prev = ENABLED[0]
        ENABLED[0] = False
        try:
            fn(self)
        finally:
            ENABLED[0] = prev
        return loss
    return step

