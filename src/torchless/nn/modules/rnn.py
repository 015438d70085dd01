"""RNN, LSTM, GRU and their cells.

The recurrences are written with differentiable torchless ops (linear, sigmoid, tanh, mul,
add, stack, cat), so autograd, double backward and hooks work as for any other graph.  The
input projection ``x W_ih^T + b_ih`` of a layer/direction is one matmul over all timesteps;
each step then costs one ``linear`` on the hidden state plus the gate arithmetic.

Gate order and formulas are torch's documented ones: LSTM (i, f, g, o); GRU (r, z, n) with
the reset gate applied to ``W_hn h + b_hn``.  Parameters are drawn as torch draws them,
U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)) over ``parameters()`` in order, so values are
bit-exact after ``manual_seed``.  Float32 results differ from torch's in the last bits only
(matrix products sum in another order).
"""
from __future__ import annotations

import math
import numbers
import warnings

import numpy as np

from ... import _dtype as D
from ..._tensor import _wrap, check_device
from ...ops.unary import relu, tanh
from ...ops.join import cat, stack, unbind
from ...ops.nn_ops import linear
from ...ops.rnn_cells import _GruGates, _LstmGates
from .. import init
from ..functional import dropout as _dropout
from ..parameter import Parameter
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def _empty_parameter(shape, dtype):
    dt = dtype or D.get_default_dtype()
    return Parameter(_wrap(np.empty(shape, dt.np), dt))


def _zeros(shape, dtype):
    return _wrap(np.zeros(shape, dtype.np), dtype)


# ---------------------------------------------------------------- one step of each cell
# xp: the input projection x W_ih^T + b_ih for this step (None: no input term); returns h
# (and c for the LSTM).  These run once per timestep: keep them short.
def _rnn_tanh_step(xp, h, w_hh, b_hh):
    return tanh(linear(h, w_hh, b_hh) + xp)


def _rnn_relu_step(xp, h, w_hh, b_hh):
    return relu(linear(h, w_hh, b_hh) + xp)


def _lstm_step(xp, h, c, w_hh, b_hh, w_hr=None):
    h, c = _LstmGates.apply(xp, linear(h, w_hh, b_hh), c)
    if w_hr is not None:
        h = linear(h, w_hr)
    return h, c


def _gru_step(xp, h, w_hh, b_hh):
    return _GruGates.apply(xp, linear(h, w_hh, b_hh), h)


# ---------------------------------------------------------------- the multi-layer modules
class RNNBase(Module):
    """The shared constructor, parameters and forward of RNN, LSTM and GRU."""

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device=None, dtype=None):
        super().__init__()
        check_device(device)
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        if (not isinstance(dropout, numbers.Number) or not 0 <= dropout <= 1
                or isinstance(dropout, bool)):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        num_directions = 2 if bidirectional else 1

        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=2)
        if not isinstance(hidden_size, int):
            raise TypeError(f"hidden_size should be of type int, got: {type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if mode not in _GATES:
            raise ValueError("Unrecognized RNN mode: " + mode)
        gate_size = _GATES[mode] * hidden_size

        self._flat_weights_names = []
        self._all_weights = []
        real_hidden = proj_size if proj_size > 0 else hidden_size
        for layer in range(num_layers):
            for direction in range(num_directions):
                layer_input = input_size if layer == 0 else real_hidden * num_directions
                shapes = [("weight_ih", (gate_size, layer_input)),
                          ("weight_hh", (gate_size, real_hidden))]
                if bias:
                    shapes += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size > 0:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                suffix = "_reverse" if direction == 1 else ""
                names = []
                for kind, shape in shapes:
                    name = f"{kind}_l{layer}{suffix}"
                    setattr(self, name, _empty_parameter(shape, dtype))
                    names.append(name)
                self._flat_weights_names.extend(names)
                self._all_weights.append(names)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Every parameter ~ U(-1/sqrt(hidden_size), 1/sqrt(hidden_size)), in order."""
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    @property
    def _flat_weights(self):
        return [getattr(self, n, None) for n in self._flat_weights_names]

    @property
    def all_weights(self):
        return [[getattr(self, w) for w in weights] for weights in self._all_weights]

    def flatten_parameters(self) -> None:
        """A no-op (torch's packs cuDNN weights)."""

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s

    # ---- checks, with torch's messages
    def _dim_error(self, input, tensor_word=""):
        return ValueError(f"{type(self).__name__}: Expected input to be 2D or 3D, got "
                          f"{input.dim()}D{tensor_word} instead")

    def _check_input(self, input):
        w = self._parameters["weight_ih_l0"]
        if input.dtype is not w.dtype:
            raise ValueError(f"RNN input dtype ({input.dtype}) does not match weight dtype "
                             f"({w.dtype}). Convert input: input.to({w.dtype}), or convert "
                             f"model: model.to({input.dtype})")
        if self.input_size != input.shape[-1]:
            raise RuntimeError("input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.shape[-1]}")

    def _expected_hidden(self, input, size):
        batch = input.shape[0] if self.batch_first else input.shape[1]
        return (self.num_layers * (2 if self.bidirectional else 1), batch, size)

    @staticmethod
    def _check_hidden(hx, expected, msg="Expected hidden size {}, got {}"):
        if tuple(hx.shape) != expected:
            raise RuntimeError(msg.format(expected, list(hx.shape)))

    # ---- the recurrence
    def _run(self, x, hiddens):
        """x: (L, N, H_in); hiddens: per layer*direction, a tuple of state tensors.
        Returns the last layer's output (L, N, D*H_out) and the final states, in order."""
        mode = self.mode
        nd = 2 if self.bidirectional else 1
        p = self._parameters
        training = self.training and self.dropout > 0
        finals = []
        for layer in range(self.num_layers):
            outs = []
            for d in range(nd):
                names = self._all_weights[layer * nd + d]
                w = [p[n] for n in names]
                if self.bias:
                    w_ih, w_hh, b_ih, b_hh = w[:4]
                else:
                    (w_ih, w_hh), b_ih, b_hh = w[:2], None, None
                w_hr = w[-1] if self.proj_size > 0 else None
                xps = unbind(linear(x, w_ih, b_ih), 0)
                if d == 1:
                    xps = xps[::-1]
                state = hiddens[layer * nd + d]
                seq = []
                if mode == "LSTM":
                    h, c = state
                    for xp in xps:
                        h, c = _lstm_step(xp, h, c, w_hh, b_hh, w_hr)
                        seq.append(h)
                    finals.append((h, c))
                else:
                    step = (_gru_step if mode == "GRU" else
                            _rnn_tanh_step if mode == "RNN_TANH" else _rnn_relu_step)
                    h = state[0]
                    for xp in xps:
                        h = step(xp, h, w_hh, b_hh)
                        seq.append(h)
                    finals.append((h,))
                if d == 1:
                    seq.reverse()
                outs.append(stack(seq, 0))
            x = outs[0] if nd == 1 else cat(outs, 2)
            if training and layer < self.num_layers - 1:
                x = _dropout(x, self.dropout, True)
        return x, finals

    def _run_packed(self, x, bs, hiddens):
        """As _run, over packed data x (sum(bs), H_in) with batch sizes bs (a list): at step t
        only the first bs[t] sequences advance; each keeps its state from its last step.
        Returns the last layer's packed output and the final states, in order."""
        mode = self.mode
        nd = 2 if self.bidirectional else 1
        p = self._parameters
        training = self.training and self.dropout > 0
        B, T = bs[0], len(bs)
        finals = []
        for layer in range(self.num_layers):
            outs = []
            for d in range(nd):
                names = self._all_weights[layer * nd + d]
                w = [p[n] for n in names]
                if self.bias:
                    w_ih, w_hh, b_ih, b_hh = w[:4]
                else:
                    (w_ih, w_hh), b_ih, b_hh = w[:2], None, None
                w_hr = w[-1] if self.proj_size > 0 else None
                if mode == "LSTM":
                    def step(xp, hs):
                        return _lstm_step(xp, hs[0], hs[1], w_hh, b_hh, w_hr)
                else:
                    f = (_gru_step if mode == "GRU" else
                         _rnn_tanh_step if mode == "RNN_TANH" else _rnn_relu_step)

                    def step(xp, hs):
                        return (f(xp, hs[0], w_hh, b_hh),)
                xps = linear(x, w_ih, b_ih).split(bs, 0)
                state = hiddens[layer * nd + d]
                seq = []
                if d == 0:
                    hs, cur, done = state, B, []
                    for t in range(T):
                        b = bs[t]
                        if b < cur:          # sequences b..cur-1 ended at t-1: keep their states
                            done.append([s[b:] for s in hs])
                            hs = [s[:b] for s in hs]
                            cur = b
                        hs = step(xps[t], hs)
                        seq.append(hs[0])
                    if done:
                        hs = [cat([s] + [e[k] for e in reversed(done)], 0)
                              for k, s in enumerate(hs)]
                else:
                    cur = bs[-1]
                    hs = state if cur == B else [s[:cur] for s in state]
                    for t in range(T - 1, -1, -1):
                        b = bs[t]
                        if b > cur:          # sequences cur..b-1 start (backwards) here
                            hs = [cat([h, s[cur:b]], 0) for h, s in zip(hs, state)]
                            cur = b
                        hs = step(xps[t], hs)
                        seq.append(hs[0])
                    seq.reverse()
                finals.append(tuple(hs))
                outs.append(cat(seq, 0))
            x = outs[0] if nd == 1 else cat(outs, 1)
            if training and layer < self.num_layers - 1:
                x = _dropout(x, self.dropout, True)
        return x, finals

    def _forward_packed(self, packed, hx):
        """RNN/LSTM/GRU over a PackedSequence: returns a PackedSequence and the final states
        of each sequence's last step, in the caller's batch order (unsorted_indices)."""
        lstm = self.mode == "LSTM"
        data, batch_sizes, sorted_indices, unsorted_indices = packed
        w = self._parameters["weight_ih_l0"]
        if data.dtype is not w.dtype:
            self._check_input(data)
        if data.dim() != 2:
            raise RuntimeError(f"input must have 2 dimensions, got {data.dim()}")
        self._check_input(data)
        bs = [int(b) for b in batch_sizes._a.tolist()]
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        exp_h = (self.num_layers * (2 if self.bidirectional else 1), bs[0], real_hidden)
        dt = data.dtype
        if hx is None:
            h0 = _zeros(exp_h, dt)
            c0 = _zeros(exp_h[:2] + (self.hidden_size,), dt) if lstm else None
        elif lstm:
            h0, c0 = hx
            if sorted_indices is not None:
                h0, c0 = h0.index_select(1, sorted_indices), c0.index_select(1, sorted_indices)
            self._check_hidden(h0, exp_h, "Expected hidden[0] size {}, got {}")
            self._check_hidden(c0, exp_h[:2] + (self.hidden_size,),
                               "Expected hidden[1] size {}, got {}")
        else:
            h0, c0 = hx, None
            if sorted_indices is not None:
                h0 = h0.index_select(1, sorted_indices)
            self._check_hidden(h0, exp_h)
        hs = unbind(h0, 0)
        states = list(zip(hs, unbind(c0, 0))) if lstm else [(h,) for h in hs]
        out, finals = self._run_packed(data, bs, states)
        out = type(packed)(out, batch_sizes, sorted_indices, unsorted_indices)
        h_n = stack([f[0] for f in finals], 0)
        if unsorted_indices is not None:
            h_n = h_n.index_select(1, unsorted_indices)
        if lstm:
            c_n = stack([f[1] for f in finals], 0)
            if unsorted_indices is not None:
                c_n = c_n.index_select(1, unsorted_indices)
            return out, (h_n, c_n)
        return out, h_n

    def _forward(self, input, hx):
        """Shared by RNN/GRU (hx a tensor) and LSTM (hx a (h, c) pair)."""
        if isinstance(input, tuple):         # a PackedSequence
            return self._forward_packed(input, hx)
        lstm = self.mode == "LSTM"
        if input.dim() not in (2, 3):
            raise self._dim_error(input, " tensor" if type(self).__name__ == "RNN" else "")
        batched = input.dim() == 3
        batch_dim = 0 if self.batch_first else 1
        if not batched:
            input = input.unsqueeze(batch_dim)
            if hx is not None:
                if lstm:
                    if hx[0].dim() != 2 or hx[1].dim() != 2:
                        raise RuntimeError("For unbatched 2-D input, hx and cx should also be "
                                           f"2-D but got ({hx[0].dim()}-D, {hx[1].dim()}-D) "
                                           "tensors")
                    hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
                else:
                    if hx.dim() != 2:
                        raise RuntimeError("For unbatched 2-D input, hx should also be 2-D but "
                                           f"got {hx.dim()}-D tensor")
                    hx = hx.unsqueeze(1)
        elif hx is not None:
            if lstm:
                if hx[0].dim() != 3 or hx[1].dim() != 3:
                    raise RuntimeError("For batched 3-D input, hx and cx should also be 3-D but "
                                       f"got ({hx[0].dim()}-D, {hx[1].dim()}-D) tensors")
            elif hx.dim() != 3:
                raise RuntimeError("For batched 3-D input, hx should also be 3-D but got "
                                   f"{hx.dim()}-D tensor")
        self._check_input(input)
        real_hidden = self.proj_size if self.proj_size > 0 else self.hidden_size
        exp_h = self._expected_hidden(input, real_hidden)
        dt = input.dtype
        if hx is None:
            h0 = _zeros(exp_h, dt)
            c0 = _zeros(exp_h[:2] + (self.hidden_size,), dt) if lstm else None
        elif lstm:
            h0, c0 = hx
            self._check_hidden(h0, exp_h, "Expected hidden[0] size {}, got {}")
            self._check_hidden(c0, exp_h[:2] + (self.hidden_size,),
                               "Expected hidden[1] size {}, got {}")
        else:
            h0, c0 = hx, None
            self._check_hidden(h0, exp_h)
        if input.shape[batch_dim ^ 1] == 0:
            raise RuntimeError("Expected sequence length to be larger than 0 in RNN")
        x = input.transpose(0, 1) if self.batch_first else input
        hs = unbind(h0, 0)
        states = list(zip(hs, unbind(c0, 0))) if lstm else [(h,) for h in hs]
        out, finals = self._run(x, states)
        if self.batch_first:
            out = out.transpose(0, 1)
        h_n = stack([f[0] for f in finals], 0)
        if lstm:
            c_n = stack([f[1] for f in finals], 0)
            if not batched:
                return out.squeeze(batch_dim), (h_n.squeeze(1), c_n.squeeze(1))
            return out, (h_n, c_n)
        if not batched:
            return out.squeeze(batch_dim), h_n.squeeze(1)
        return out, h_n


class RNN(RNNBase):
    """Elman RNN: h_t = tanh(x_t W_ih^T + b_ih + h_{t-1} W_hh^T + b_hh) (or relu)."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        if len(args) > 3:
            nonlinearity = args[3]
            args = args[:3] + args[4:]
        else:
            nonlinearity = kwargs.pop("nonlinearity", "tanh")
        if nonlinearity == "tanh":
            mode = "RNN_TANH"
        elif nonlinearity == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'. Select from 'tanh' or "
                             "'relu'.")
        super().__init__(mode, *args, **kwargs)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        return self._forward(input, hx)


class LSTM(RNNBase):
    """Long short-term memory; gates (i, f, g, o); optional projection of h (proj_size)."""

    def __init__(self, *args, **kwargs):
        super().__init__("LSTM", *args, **kwargs)

    def forward(self, input, hx=None):
        return self._forward(input, hx)


class GRU(RNNBase):
    """Gated recurrent unit; gates (r, z, n), n = tanh(W_in x + b_in + r * (W_hn h + b_hn))."""

    def __init__(self, *args, **kwargs):
        if "proj_size" in kwargs:
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        super().__init__("GRU", *args, **kwargs)

    def forward(self, input, hx=None):
        return self._forward(input, hx)


# ---------------------------------------------------------------- the cells
class RNNCellBase(Module):
    """weight_ih (chunks*hidden, input), weight_hh (chunks*hidden, hidden), optional biases."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device=None, dtype=None):
        super().__init__()
        check_device(device)
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = _empty_parameter((num_chunks * hidden_size, input_size), dtype)
        self.weight_hh = _empty_parameter((num_chunks * hidden_size, hidden_size), dtype)
        if bias:
            self.bias_ih = _empty_parameter((num_chunks * hidden_size,), dtype)
            self.bias_hh = _empty_parameter((num_chunks * hidden_size,), dtype)
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.__dict__.get("bias", True) is not True:
            s += f", bias={self.bias}"
        nl = self.__dict__.get("nonlinearity", "tanh")
        if nl != "tanh":
            s += f", nonlinearity={nl}"
        return s

    def _prepare(self, input, hx, n_states):
        """Checks (torch's messages); returns (batched, input 2-D, states 2-D list)."""
        name = type(self).__name__
        if input.dim() not in (1, 2):
            raise ValueError(f"{name}: Expected input to be 1D or 2D, got {input.dim()}D "
                             "instead")
        if hx is not None:
            states = list(hx) if n_states == 2 else [hx]
            for k, s in enumerate(states):
                if s.dim() not in (1, 2):
                    what = f"hx[{k}]" if n_states == 2 else "hidden"
                    raise ValueError(f"{name}: Expected {what} to be 1D or 2D, got {s.dim()}D "
                                     "instead")
        batched = input.dim() == 2
        if not batched:
            input = input.unsqueeze(0)
        if input.shape[1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[1]} "
                               f"expected {self.input_size}")
        if hx is None:
            z = _zeros((input.shape[0], self.hidden_size), input.dtype)
            return batched, input, [z] * n_states
        if not batched:
            states = [s.unsqueeze(0) for s in states]
        for k, s in enumerate(states):
            if s.shape[0] != input.shape[0]:
                raise RuntimeError(f"Input batch size {input.shape[0]} doesn't match hidden{k} "
                                   f"batch size {s.shape[0]}")
            if s.shape[1] != self.hidden_size:
                raise RuntimeError(f"hidden{k} has inconsistent hidden_size: got "
                                   f"{s.shape[1]}, expected {self.hidden_size}")
        return batched, input, states


class RNNCell(RNNCellBase):
    """h' = tanh(x W_ih^T + b_ih + h W_hh^T + b_hh) (or relu)."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device=None, dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=1, device=device,
                         dtype=dtype)
        self.nonlinearity = nonlinearity

    def forward(self, input, hx=None):
        batched, x, (h,) = self._prepare(input, hx, 1)
        xp = linear(x, self.weight_ih, self.bias_ih)
        if self.nonlinearity == "tanh":
            h = _rnn_tanh_step(xp, h, self.weight_hh, self.bias_hh)
        elif self.nonlinearity == "relu":
            h = _rnn_relu_step(xp, h, self.weight_hh, self.bias_hh)
        else:
            raise RuntimeError(f"Unknown nonlinearity: {self.nonlinearity}")
        return h if batched else h.squeeze(0)


class LSTMCell(RNNCellBase):
    """One LSTM step; returns (h', c')."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=4, device=device,
                         dtype=dtype)

    def forward(self, input, hx=None):
        batched, x, (h, c) = self._prepare(input, hx, 2)
        xp = linear(x, self.weight_ih, self.bias_ih)
        h, c = _lstm_step(xp, h, c, self.weight_hh, self.bias_hh)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))


class GRUCell(RNNCellBase):
    """One GRU step; returns h'."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None):
        super().__init__(input_size, hidden_size, bias, num_chunks=3, device=device,
                         dtype=dtype)

    def forward(self, input, hx=None):
        batched, x, (h,) = self._prepare(input, hx, 1)
        xp = linear(x, self.weight_ih, self.bias_ih)
        h = _gru_step(xp, h, self.weight_hh, self.bias_hh)
        return h if batched else h.squeeze(0)
