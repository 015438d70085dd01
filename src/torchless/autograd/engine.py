"""The backward pass: walk the graph from the roots in dependency order, call each node's
backward, sum broadcast gradients back to each input's shape (here, once), and
accumulate into leaves' ``.grad``."""
from __future__ import annotations

from .. import _dtype as D
from .._tensor import Tensor, _wrap
from . import grad_mode
from .function import AccumulateGrad, Function, _RemovableHandle, _accumulator

import weakref
from sys import getrefcount as _refcount

import numpy as np


def sum_to_shape(g, shape):
    """Sum a broadcast gradient back to ``shape`` (with Tensor ops, so it stays differentiable)."""
    gshape = g._a.shape
    if gshape == shape:
        return g
    lead = len(gshape) - len(shape)
    dims = list(range(lead))
    for i, s in enumerate(shape):
        if s == 1 and gshape[lead + i] != 1:
            dims.append(lead + i)
    if dims:
        g = g.sum(tuple(dims), keepdim=True)
    return g.reshape(shape) if g._a.shape != shape else g


_FAST_SUM = (np.dtype(np.float32), np.dtype(np.float64))


def _sum_to_shape_nograd(g, shape):
    """sum_to_shape straight on the array, for a backward that records no graph."""
    a = g._a
    if a.dtype not in _FAST_SUM:
        return sum_to_shape(g, shape)
    gshape = a.shape
    lead = len(gshape) - len(shape)
    dims = tuple(range(lead))
    for i, s in enumerate(shape):
        if s == 1 and gshape[lead + i] != 1:
            dims += (lead + i,)
    if dims:
        a = _add_reduce(a, dims)
    return _wrap(a.reshape(shape), g.dtype)


_add_reduce = np.add.reduce


def _root_node(t):
    return t.grad_fn if t.grad_fn is not None else _accumulator(t)


def _make_root_grads(tensors, grad_tensors):
    out = []
    for i, (t, g) in enumerate(zip(tensors, grad_tensors)):
        if not t.requires_grad:
            raise RuntimeError(
                f"element {i} of tensors does not require grad and does not have a grad_fn")
        if g is None:
            if t._a.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if t.dtype.category < D.FLOAT:
                raise RuntimeError(
                    f"grad can be implicitly created only for real scalar outputs but got {t.dtype}")
            g = _wrap(np.ones(t._a.shape, t._a.dtype), t.dtype)
        elif not isinstance(g, Tensor):
            g = _wrap(np.full(t._a.shape, g, dtype=t.dtype.np))
        elif g._a.shape != t._a.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of {g.shape} and output[{i}] "
                f"has a shape of {t.shape}.")
        out.append(g)
    return out


def run_backward(tensors, grad_tensors, retain_graph=False, create_graph=False, inputs=None,
                 accumulate=True, allow_unused=True):
    """Backpropagate from ``tensors``.  With accumulate=False, return the gradients of ``inputs``."""
    grads = _make_root_grads(tensors, grad_tensors)
    roots = [_root_node(t) for t in tensors]

    # what to capture (autograd.grad / backward(inputs=...)): node -> [(output index, slot)]
    capture = {}
    if inputs is not None:
        for k, x in enumerate(inputs):
            node = x.grad_fn if x.grad_fn is not None else _accumulator(x)
            idx = (x._meta or {}).get("out", 0) if x.grad_fn is not None else 0
            capture.setdefault(node, []).append((idx, k))
    results = [None] * (len(inputs) if inputs is not None else 0)

    # dependency counts over the reachable graph
    deps = {}
    stack = list(roots)
    while stack:
        node = stack.pop()
        for nxt, _ in node.next_functions:
            if nxt is None:
                continue
            n = deps.get(nxt)
            if n is None:
                deps[nxt] = 1
                if nxt.next_functions:
                    stack.append(nxt)
            else:
                deps[nxt] = n + 1

    buffers = {}
    for node, g, t in zip(roots, grads, tensors):
        idx = (t._meta or {}).get("out", 0) if t.grad_fn is not None else 0
        buf = buffers.setdefault(node, [None] * node.n_outputs)
        buf[idx] = g if buf[idx] is None else buf[idx] + g

    ready = [r for r in dict.fromkeys(roots) if deps.get(r, 0) == 0]
    prev_mode = grad_mode.ENABLED[0]
    grad_mode.ENABLED[0] = create_graph
    try:
        while ready:
            node = ready.pop()
            d = node.__dict__
            buf = buffers.pop(node, None)
            if buf is None:
                buf = [None] * node.n_outputs
            if "_tensor_hooks" in d or "_retain" in d:
                buf = _run_tensor_hooks(node, buf)
            if capture and node in capture:
                for idx, k in capture[node]:
                    results[k] = buf[idx] if not isinstance(node, AccumulateGrad) else buf[0]
            if node.__class__ is AccumulateGrad:
                if accumulate and buf[0] is not None and (inputs is None or node in capture):
                    _accumulate(node.variable, buf[0], create_graph)
                continue
            if len(buf) == 1 and buf[0] is not None:
                if "_prehooks" in d or "_freed" in d or "_hooks" in d or node.is_function:
                    out = _call_backward(node, d, buf)
                else:                       # the common case, without the helper's checks
                    out = type(node).backward(node, buf[0])
                    if out.__class__ is not tuple:
                        out = (out,)
            elif all(g is None for g in buf):
                out = (None,) * len(node.next_functions)
            else:
                if any(g is None for g in buf):
                    buf = [g if g is not None else _wrap(np.zeros(s, d.np), d)
                           for g, (s, d) in zip(buf, node.output_meta)]
                out = _call_backward(node, node.__dict__, buf)
            if not retain_graph:
                node._free()
            for (nxt, idx), g, m in zip(node.next_functions, out, node.input_meta):
                if nxt is None:
                    continue
                if g is not None:
                    shape, dt = m
                    if g._a.shape != shape:
                        g = sum_to_shape(g, shape) if create_graph else \
                            _sum_to_shape_nograd(g, shape)
                    if g.dtype is not dt:
                        g = g.to(dt)
                    b = buffers.get(nxt)
                    if b is None:
                        b = buffers[nxt] = [None] * nxt.n_outputs
                    b[idx] = g if b[idx] is None else b[idx] + g
                n = deps[nxt] - 1
                deps[nxt] = n
                if n == 0:
                    ready.append(nxt)
    finally:
        grad_mode.ENABLED[0] = prev_mode
    return results


def _call_backward(node, d, buf):
    """node.backward on a full gradient buffer, with node hooks and the freed-graph check."""
    if "_prehooks" in d:
        for h in d["_prehooks"]:
            r = h(tuple(buf))
            if r is not None:
                buf = list(r)
    if "_freed" in d:
        node.check_saved()
    out = type(node).backward(node, *buf)
    if out.__class__ is not tuple:
        out = (out,)
    if node.is_function and len(out) != len(node.next_functions):
        n = len(node.next_functions)
        if len(out) > n and all(g is None for g in out[n:]):
            out = out[:n]
        else:
            raise RuntimeError(
                f"function {node.name_()} returned an incorrect number of gradients "
                f"(expected {n}, got {len(out)})")
    if "_hooks" in d:
        for h in d["_hooks"]:
            r = h(out, tuple(buf))
            if r is not None:
                out = tuple(r)
    return out


def _run_tensor_hooks(node, buf):
    """Tensor hooks (register_hook) run on a tensor's gradient before it is used;
    retain_grad's store runs after them."""
    d = node.__dict__
    hooks = d.get("_tensor_hooks")
    if hooks:
        for idx, fns in hooks.items():
            for fn in list(fns):
                if buf[idx] is None:
                    continue
                r = fn(buf[idx])
                if r is not None:
                    buf[idx] = r
    retained = d.get("_retain")
    if retained:
        for idx, ref in retained.items():
            t = ref()
            if t is not None and buf[idx] is not None:
                g = buf[idx]
                t.grad = _wrap(g._a.copy(), g.dtype) if t.grad is None else t.grad + g.detach()
    return buf


# ---------------------------------------------------------------- Tensor methods
def _tensor_backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
    """Compute the gradient of this tensor with respect to graph leaves."""
    backward((self,), None if gradient is None else (gradient,), retain_graph, create_graph, inputs)


def _hook_node(t):
    if not t.requires_grad:
        raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
    if t.grad_fn is None:
        return _accumulator(t), 0
    return t.grad_fn, (t._meta or {}).get("out", 0)


def _register_hook(self, hook):
    """Run hook(grad) whenever this tensor's gradient is computed; it may return a new grad."""
    node, idx = _hook_node(self)
    fns = node.__dict__.setdefault("_tensor_hooks", {}).setdefault(idx, [])
    fns.append(hook)
    return _RemovableHandle(fns, hook)


def _retain_grad(self):
    """Keep .grad on a non-leaf tensor after backward."""
    if not self.requires_grad:
        raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
    if self.grad_fn is None:
        return
    node, idx = _hook_node(self)
    node.__dict__.setdefault("_retain", {})[idx] = weakref.ref(self)
    self._meta = dict(self._meta or {}, retains_grad=True)


Tensor.backward = _tensor_backward
Tensor.register_hook = _register_hook
Tensor.retain_grad = _retain_grad
Tensor.retains_grad = property(lambda self: bool(self._meta and self._meta.get("retains_grad")))


def _accumulate(var, g, create_graph):
    if var.grad is None:
        if create_graph:
            var.grad = g
            return
        a = g._a
        # Take the gradient's memory when nothing else can see it (like torch, which steals a
        # gradient whose use count is 1): it owns its data, and the only references are g._a,
        # the local name and getrefcount's argument.  Otherwise copy, so that a later in-place
        # accumulation never writes into someone else's array.
        if a.base is None and a.flags.writeable and _refcount(a) <= 3:
            var.grad = _wrap(a, g.dtype)
        else:
            var.grad = _wrap(a.copy(), g.dtype)
        return
    if create_graph:
        var.grad = var.grad + g
    else:
        _inplace_add(var.grad, g)


def _inplace_add(a, g):
    a._a += g._a.astype(a._a.dtype, copy=False)
    return a


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False, inputs=None):
    """torch.autograd.backward."""
    if isinstance(tensors, Tensor):
        tensors = (tensors,)
    tensors = tuple(tensors)
    if grad_tensors is None:
        grad_tensors = (None,) * len(tensors)
    elif isinstance(grad_tensors, Tensor):
        grad_tensors = (grad_tensors,)
    if retain_graph is None:
        retain_graph = create_graph
    if inputs is not None:
        inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
        if not inputs:
            raise RuntimeError("'inputs' argument to backward() cannot be empty.")
    run_backward(tensors, tuple(grad_tensors), retain_graph, create_graph, inputs)


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         only_inputs=True, allow_unused=None, is_grads_batched=False, materialize_grads=False):
    """torch.autograd.grad: gradients of outputs with respect to inputs, without touching .grad."""
    single = isinstance(inputs, Tensor)
    outputs = (outputs,) if isinstance(outputs, Tensor) else tuple(outputs)
    inputs = (inputs,) if single else tuple(inputs)
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    elif isinstance(grad_outputs, Tensor):
        grad_outputs = (grad_outputs,)
    if retain_graph is None:
        retain_graph = create_graph
    for x in inputs:
        if not x.requires_grad:
            raise RuntimeError("One of the differentiated Tensors does not require grad")
    res = run_backward(outputs, tuple(grad_outputs), retain_graph, create_graph, inputs,
                       accumulate=False)
    if allow_unused is None:
        allow_unused = materialize_grads
    out = []
    for k, (x, g) in enumerate(zip(inputs, res)):
        if g is None:
            if materialize_grads:
                g = _wrap(np.zeros_like(x._a))
            elif not allow_unused:
                raise RuntimeError(
                    f"The differentiated Tensor at index {k} appears to not have been used in the "
                    "graph. Set allow_unused=True if this is the desired behavior.")
        elif not create_graph:
            g = g.detach()
        out.append(g)
    return tuple(out)
