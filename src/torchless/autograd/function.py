"""The one way to define an op: an ``Op`` subclass with forward and backward side by side.

``Op.apply`` does the shared work once: unwrap tensors to NumPy arrays, promote dtypes
from the op's declared ``kind``, run ``forward`` on arrays, wrap the result, and attach
the op instance as ``grad_fn`` only when grad mode is on and an input requires grad.
The op instance is both torch's ``ctx`` and the graph node (torch's grad_fn).

``backward(ctx, *grads)`` returns one gradient per positional input (None where there is
none), written with Tensor ops so that create_graph=True differentiates it again.  The
engine sums broadcast gradients back to each input's shape and casts them to its dtype.
"""
from __future__ import annotations

import numpy as np

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from .._version import _counters as _VERSIONS, version as _version
from .grad_mode import ENABLED

ndarray = np.ndarray

# Promotion kinds an op declares (what Op.apply does to its Tensor/scalar inputs):
SAME = "same"      # cast every input to torch.result_type(*inputs); result has that dtype
FLOAT = "float"    # as SAME, but a bool/int result type becomes the default float dtype
NONE = None        # no promotion: forward receives each tensor's array as it is

_PROMOTE = D.PROMOTE
_F16 = np.dtype(np.float16)


_NO_EDGE = (None, 0)
_CPP_NODES = frozenset(("CopyBackwards", "CopySlices", "NotImplemented"))


class _NodeName(str):
    """A grad_fn's name: a string that can also be called, since torch spells it
    ``grad_fn.name()`` while the op classes here declare ``name = "AddBackward0"``."""

    def __call__(self):
        return str(self)


class Node:
    """A node of the autograd graph (torch's grad_fn objects).

    Subclasses declare torch's class name as ``name = "..."`` (an instance may override it
    with ``ctx.name = ...``); ``node.name()`` returns it, as torch's does."""

    _name = "Node"
    next_functions = ()
    n_outputs = 1
    is_function = False      # a user-defined autograd.Function (backward may return a bare tensor)

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        declared = cls.__dict__.get("name")
        if isinstance(declared, str):
            cls._name = declared
            delattr(cls, "name")          # let Node.name (the property) answer

    @property
    def name(self):
        n = self.name_()
        # torch's C++-only nodes report their namespace ("torch::autograd::CopySlices")
        return _NodeName("torch::autograd::" + n if n in _CPP_NODES else n)

    @name.setter
    def name(self, value):
        self.__dict__["_name_override"] = value

    def __repr__(self):
        return f"<{self.name_()} object at {hex(id(self))}>"

    def name_(self):
        return self.__dict__.get("_name_override") or type(self)._name

    def __getattr__(self, item):
        raise AttributeError(f"'{self.name_()}' object has no attribute '{item}'")

    def register_hook(self, fn):
        self.__dict__.setdefault("_hooks", []).append(fn)
        return _RemovableHandle(self.__dict__["_hooks"], fn)

    def register_prehook(self, fn):
        self.__dict__.setdefault("_prehooks", []).append(fn)
        return _RemovableHandle(self.__dict__["_prehooks"], fn)


class _RemovableHandle:
    def __init__(self, lst, item):
        self._lst, self._item = lst, item

    def remove(self):
        if self._item in self._lst:
            self._lst.remove(self._item)


class AccumulateGrad(Node):
    """The graph's leaf: adds the incoming gradient to ``variable.grad``."""

    _name = "AccumulateGrad"
    # torch's node reports its C++ name here, while its repr shows the class name
    name = property(lambda self: _NodeName("torch::autograd::AccumulateGrad"))

    def __init__(self, variable):
        self.variable = variable
        self.next_functions = ()


def _accumulator(t):
    m = t._meta
    if m is None:
        m = t._meta = {}
    acc = m.get("acc")
    if acc is None:
        acc = m["acc"] = AccumulateGrad(t)
    return acc


class _NoCtx:
    """Stand-in ctx when no graph is recorded: saving and setting attributes are no-ops,
    so forward can write ``ctx.x = ...`` unconditionally without keeping anything alive."""

    __slots__ = ()

    def save_for_backward(self, *tensors):
        pass

    def __setattr__(self, name, value):
        pass


NOCTX = _NoCtx()


class Op(Node):
    """Base class of every primitive op (see module docstring)."""

    name = "Backward"        # torch's grad_fn class name, e.g. "AddBackward0"
    kind = SAME              # promotion kind, see above
    save_output = False      # True: backward reads the result as ``ctx.out`` (a Tensor)
    needs_inputs = True      # False: backward never reads ctx.inputs' values (add, views …),
                             # so changing an input in place afterwards is allowed

    def save_for_backward(self, *items):
        self.saved = items

    # The saved inputs and output are checked against their storage's version counter when
    # backward reads them, so only tensors a backward really uses can raise torch's
    # "modified by an inplace operation" error.
    @property
    def inputs(self):
        d = self.__dict__
        if "_freed" in d:
            self.saved_tensors
        if _VERSIONS and self.needs_inputs:
            saved = d.get("saved_versions")
            if saved is None:      # recorded while no storage had been changed: all were 0
                saved = [(x, 0) for x in d["_inputs"] if isinstance(x, Tensor)]
            for x, v in saved:
                now = _version(x._a)
                if now != v:
                    raise _modified_error(x, now, v, self)
        return d["_inputs"]

    @property
    def out(self):
        d = self.__dict__
        if d.get("_freed"):
            self.saved_tensors
        o = d["_out"]
        now = _version(o._a)
        if now != d["out_version"]:
            raise _modified_error(o, now, d["out_version"], self, output=True)
        return o

    @property
    def saved_tensors(self):
        if self.__dict__.get("_freed"):
            raise RuntimeError(
                "Trying to backward through the graph a second time (or directly access saved "
                "tensors after they have already been freed). Saved intermediate values of the graph "
                "are freed when you call .backward() or autograd.grad(). Specify retain_graph=True if "
                "you need to backward through the graph a second time or if you need to access saved "
                "tensors after calling backward.")
        return self.saved

    def _free(self):
        """Drop what backward needed (retain_graph=False); a second backward then raises."""
        self._freed = True
        self.__dict__.pop("saved", None)
        self.__dict__.pop("_inputs", None)
        self.__dict__.pop("_out", None)

    @staticmethod
    def forward(ctx, *arrays, **params):
        raise NotImplementedError

    @staticmethod
    def backward(ctx, *grads):
        raise RuntimeError(f"the derivative for '{ctx.name_()}' is not implemented.")

    @classmethod
    def apply(cls, *inputs, **params):
        kind = cls.kind
        if kind is None:
            arrays = [x._a if isinstance(x, Tensor) else x for x in inputs]
        else:
            arrays = promote(inputs, kind, cls)
        need = False
        if ENABLED[0]:
            for x in inputs:
                if isinstance(x, Tensor) and x.requires_grad:
                    need = True
                    break
        if not need:
            out = cls.forward(NOCTX, *arrays, **params)
            if out.__class__ is tuple:
                return tuple(_wrap(o) for o in out)
            return _wrap(out)
        ctx = cls()
        ctx._inputs = inputs
        out = cls.forward(ctx, *arrays, **params)
        return ctx._link(inputs, out)

    def _link(self, inputs, out):
        """Record this op in the graph: edges to the inputs and grad_fn on the outputs."""
        nxt = []
        meta = []
        for x in inputs:
            if isinstance(x, Tensor) and x.requires_grad:
                fn = x.grad_fn
                if fn is None:
                    nxt.append((_accumulator(x), 0))
                else:
                    m = x._meta
                    nxt.append((fn, m.get("out", 0) if m else 0))
                meta.append((x._a.shape, x.dtype))
            else:
                nxt.append(_NO_EDGE)
                meta.append(None)
        self.next_functions = tuple(nxt)
        self.input_meta = meta
        if self.needs_inputs and _VERSIONS:
            # (with no in-place op seen yet every version is 0, and nothing needs recording)
            self.saved_versions = [(x, _version(x._a)) for x in inputs if isinstance(x, Tensor)]
        if out.__class__ is tuple:
            res = tuple(_wrap(o) for o in out)
            self.n_outputs = len(res)
            self.output_meta = [(r._a.shape, r.dtype) for r in res]
            for i, r in enumerate(res):
                if r.dtype.category >= D.FLOAT and i not in getattr(self, "non_differentiable", ()):
                    r.requires_grad = True
                    r.grad_fn = self
                    r._meta = {"out": i}
            return res
        r = _wrap(out)
        if r.dtype.category >= D.FLOAT:
            r.requires_grad = True
            r.grad_fn = self
            if self.save_output:
                self._out = r
                # r._a, not out: a 0-dim result arrives as a NumPy scalar, whose id is not the
                # id of the array _wrap makes of it (the one the check reads later)
                self.out_version = _version(r._a) if _VERSIONS else 0
        return r

    @property
    def needs_input_grad(self):
        return tuple(f is not None for f, _ in self.next_functions)

    def check_saved(self):
        """Raise torch's error if the graph was freed by an earlier backward."""
        if self.__dict__.get("_freed"):
            self.saved_tensors


def _op_name(node):
    name = node.name_()
    cut = name.rfind("Backward")
    return name[:cut] if cut > 0 and name[cut + 8:].isdigit() else name


def _modified_error(t, now, expected, node, output=False):
    shape = ", ".join(str(s) for s in t._a.shape)
    # torch names the node by its op, without the "Backward0" suffix ("output 0 of Mul")
    where = f"output 0 of {_op_name(node)}" if output else (
        f"output 0 of {_op_name(t.grad_fn)}" if t.grad_fn is not None else "a leaf tensor")
    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [{t.dtype.legacy} [{shape}]], which is {where}, is at version {now}; "
        f"expected version {expected} instead. Hint: enable anomaly detection to find the "
        "operation that failed to compute its gradient, with "
        "torch.autograd.set_detect_anomaly(True, check_nan=False).")


def tracked(*xs):
    """Whether an op on xs records a graph: grad mode on and some Tensor requires grad."""
    if ENABLED[0]:
        for x in xs:
            if isinstance(x, Tensor) and x.requires_grad:
                return True
    return False


def promote(inputs, kind, op=None):
    """Arrays of ``inputs`` cast to the op's compute dtype (see the kinds above).  An op with
    ``f16_opmath`` set (add, sub, mul, div) takes a wider 0-dim float operand of a float16
    result as a Python scalar, which it applies in float32 as torch's opmath does."""
    if len(inputs) == 2:
        # fast paths: two tensors of one dtype, or a float tensor and a Python float
        x, y = inputs
        if isinstance(x, Tensor):
            xd = x.dtype
            if isinstance(y, Tensor):
                if y.dtype is xd and (kind != FLOAT or xd.category >= D.FLOAT):
                    return [x._a, y._a]
            elif (y.__class__ is float or y.__class__ is int) and xd.category == D.FLOAT:
                return [x._a, y]      # a weak scalar: the float tensor's dtype wins
        elif (x.__class__ is float or x.__class__ is int) and isinstance(y, Tensor) \
                and y.dtype.category == D.FLOAT:
            return [x, y._a]
    elif len(inputs) == 1:
        x = inputs[0]
        a = x._a
        if kind == FLOAT and x.dtype.category < D.FLOAT:
            return [a.astype(D.get_default_dtype().np)]
        return [a]
    rd = D.result_type_of(inputs)
    if kind == FLOAT and rd.category < D.FLOAT:
        rd = D.get_default_dtype()
    npd = rd.np
    out = []
    for x in inputs:
        if isinstance(x, np.generic):
            x = x.item()      # NumPy scalars join as Python scalars do (NumPy would keep them strong)
        if isinstance(x, Tensor):
            a = x._a
            if a.dtype != npd and npd == _F16 and a.ndim == 0 and a.dtype.kind == "f" and \
                    getattr(op, "f16_opmath", False):
                out.append(float(a))        # not rounded to float16 first
                continue
            out.append(a if a.dtype == npd else a.astype(npd))
        elif rd.category >= D.FLOAT and type(x) is not bool:
            out.append(x)     # NumPy keeps Python floats/ints weak: the array's dtype wins
        else:
            out.append(np.asarray(x).astype(npd))
    return out


def scalar_or_tensor_result(inputs, kind=SAME):
    """The dtype an op of this kind returns for these inputs (torch.result_type + kind)."""
    rd = D.result_type_of(inputs)
    if kind == FLOAT and rd.category < D.FLOAT:
        rd = D.get_default_dtype()
    return rd


# ---------------------------------------------------------------- user-defined functions
class FunctionCtx:
    """What torch.autograd.Function's forward/backward see as ``ctx``."""

    def save_for_backward(self, *tensors):
        self._saved = tensors
        self._saved_versions = [(t, _version(t._a)) for t in tensors if isinstance(t, Tensor)]

    @property
    def saved_tensors(self):
        if self.__dict__.get("_freed"):
            Op.saved_tensors.fget(self)
        return self.__dict__.get("_saved", ())

    def mark_non_differentiable(self, *tensors):
        self._non_diff = {id(t) for t in tensors}

    def mark_dirty(self, *tensors):
        self._dirty = {id(t) for t in tensors}

    def set_materialize_grads(self, value):
        self._materialize = bool(value)


class _FunctionMeta(type):
    """Give every Function subclass its own node class, named like torch's (MyFnBackward)."""

    def __init__(cls, name, bases, ns):
        super().__init__(name, bases, ns)
        if bases and bases != (FunctionCtx, Node):
            cls._node_name = name + "Backward"


class Function(FunctionCtx, Node, metaclass=_FunctionMeta):
    """torch.autograd.Function: subclass with static forward(ctx, ...) and backward(ctx, ...)."""

    _node_name = "FunctionBackward"
    is_function = True

    def __init__(self, *args, **kwargs):
        pass

    def name_(self):
        return self._node_name

    def __repr__(self):
        return f"<torch.autograd.function.{self._node_name} object at {hex(id(self))}>"

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError(
            "You must implement the forward function for custom autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError(
            "You must implement either the backward or vjp method for your custom autograd.Function "
            "to use it with backward mode AD.")

    vjp = backward

    @staticmethod
    def setup_context(ctx, inputs, output):
        raise NotImplementedError

    @classmethod
    def apply(cls, *args, **kwargs):
        from .grad_mode import no_grad   # same package; grad_mode imports nothing of ours
        ctx = cls()
        tensors = [a for a in args if isinstance(a, Tensor)]
        need = ENABLED[0] and any(t.requires_grad for t in tensors)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a.requires_grad for a in args)
        uses_setup = cls.setup_context is not Function.setup_context
        with no_grad():
            if uses_setup:
                out = cls.forward(*args, **kwargs)
                cls.setup_context(ctx, args, out)
            else:
                out = cls.forward(ctx, *args, **kwargs)
        if not need:
            return out
        outs = out if isinstance(out, tuple) else (out,)
        nxt, meta = [], []
        for a in args:
            if isinstance(a, Tensor) and a.requires_grad:
                m = a._meta
                nxt.append((a.grad_fn, m.get("out", 0) if m else 0) if a.grad_fn is not None
                           else (_accumulator(a), 0))
                meta.append((a._a.shape, a.dtype))
            else:
                nxt.append((None, 0))
                meta.append(None)
        ctx.next_functions = tuple(nxt)
        ctx.input_meta = meta
        non_diff = ctx.__dict__.get("_non_diff", ())
        res = []
        ctx.output_meta = []
        for i, o in enumerate(outs):
            if isinstance(o, Tensor):
                if any(o is a for a in args) and id(o) not in ctx.__dict__.get("_dirty", ()):
                    o = _wrap(o._a, o.dtype)       # an input returned as is becomes a new view
                ctx.output_meta.append((o._a.shape, o.dtype))
                if id(o) not in non_diff and o.dtype.category >= D.FLOAT:
                    o.grad_fn = ctx
                    o.requires_grad = True
                    if len(outs) > 1:
                        o._meta = dict(o._meta or {}, out=i)
            else:
                ctx.output_meta.append(((), D.get_default_dtype()))
            res.append(o)
        ctx.n_outputs = len(outs)
        return tuple(res) if isinstance(out, tuple) else res[0]

    def check_saved(self):
        if self.__dict__.get("_freed"):
            Op.saved_tensors.fget(self)
        for t, v in self.__dict__.get("_saved_versions", ()):
            now = _version(t._a)
            if now != v:
                raise _modified_error(t, now, v, self)

    def _free(self):
        self._freed = True
        self.__dict__.pop("_saved", None)


def once_differentiable(fn):
    """Decorator for Function.backward; torchless runs backward under no_grad already."""
    return fn
