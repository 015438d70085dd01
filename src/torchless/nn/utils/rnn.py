"""torch.nn.utils.rnn: padding and packing variable-length sequences.

A packed sequence stores the steps of B sequences, sorted by decreasing length, time step
by time step: ``data`` holds, for t = 0, 1, ..., the rows of the ``batch_sizes[t]``
sequences still running at t.  ``sorted_indices`` (when the batch was sorted here) maps the
sorted order back to the caller's, and ``unsorted_indices`` is its inverse permutation.

Packing, padding and pad_sequence are single graph nodes named as torch names them
(PackPaddedSequenceBackward0, CopySlices); the rest is plain ops (index_select, transpose,
indexing), so gradients flow through every function here.
"""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from ... import _dtype as D
from ..._tensor import Tensor, _wrap
from ...autograd.function import NONE, Op

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence", "pad_packed_sequence",
           "pad_sequence", "unpad_sequence", "pack_sequence", "unpack_sequence"]


def _long(a):
    return _wrap(np.ascontiguousarray(a, np.int64), D.int64)


def invert_permutation(permutation):
    """The inverse permutation of a 1-D index tensor (None stays None)."""
    if permutation is None:
        return None
    p = permutation._a
    out = np.empty_like(p)
    out[p] = np.arange(p.shape[0], dtype=p.dtype)
    return _wrap(out, permutation.dtype)


_PackedSequenceBase = namedtuple("PackedSequence_",
                                 ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])


class PackedSequence(_PackedSequenceBase):
    """The data and batch sizes of a packed batch of sequences (see pack_padded_sequence).

    Built by the packing functions, not by hand; a namedtuple of (data, batch_sizes,
    sorted_indices, unsorted_indices)."""

    __slots__ = ()

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is None:
            if not (isinstance(data, (list, tuple)) and len(data) == 2):
                raise AssertionError
            data, batch_sizes = data
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    def pin_memory(self):
        return self

    def cuda(self, *args, **kwargs):
        return self.to(*args, device="cuda", **kwargs)

    def cpu(self, *args, **kwargs):
        return self.to(*args, device="cpu", **kwargs)

    def double(self):
        return self.to(dtype=D.float64)

    def float(self):
        return self.to(dtype=D.float32)

    def half(self):
        return self.to(dtype=D.float16)

    def long(self):
        return self.to(dtype=D.int64)

    def int(self):
        return self.to(dtype=D.int32)

    def short(self):
        return self.to(dtype=D.int16)

    def char(self):
        return self.to(dtype=D.int8)

    def byte(self):
        return self.to(dtype=D.uint8)

    def to(self, *args, **kwargs):
        """``data.to(...)``; the batch sizes and indices stay (int64, on the CPU)."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        return type(self)(data, self.batch_sizes, self.sorted_indices, self.unsorted_indices)

    @property
    def is_cuda(self):
        return False

    def is_pinned(self):
        return False


# ---------------------------------------------------------------- the graph nodes
class _PackPadded(Op):
    """(T, B, *) padded (or (B, T, *)) -> (sum(lengths), *) packed data, B sorted by length."""

    name = "PackPaddedSequenceBackward0"
    kind = NONE

    @staticmethod
    def forward(ctx, a, batch_sizes, batch_first):
        if batch_first:
            a = a.swapaxes(0, 1)
        ctx.batch_sizes, ctx.batch_first = batch_sizes, batch_first
        return np.concatenate([a[t, :b] for t, b in enumerate(batch_sizes.tolist())], 0)

    @staticmethod
    def backward(ctx, g):
        shape, _ = ctx.input_meta[0]
        g = g._a
        out = np.zeros(shape, g.dtype)
        view = out.swapaxes(0, 1) if ctx.batch_first else out
        k = 0
        for t, b in enumerate(ctx.batch_sizes.tolist()):
            view[t, :b] = g[k:k + b]
            k += b
        return _wrap(out), None, None


class _PadPacked(Op):
    """Packed data -> (T, B, *) padded with padding_value."""

    name = "CopySlices"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, data, batch_sizes, total, padding_value):
        bs = batch_sizes.tolist()
        out = np.full((total, bs[0]) + data.shape[1:], padding_value, data.dtype)
        k = 0
        for t, b in enumerate(bs):
            out[t, :b] = data[k:k + b]
            k += b
        ctx.bs = bs
        return out

    @staticmethod
    def backward(ctx, g):
        g = g._a
        return _wrap(np.concatenate([g[t, :b] for t, b in enumerate(ctx.bs)], 0)), None, None, None


class _PadSequence(Op):
    """Sequences (L_i, *) -> (max L, B, *) or (B, max L, *), padded right or left."""

    name = "CopySlices"
    kind = NONE
    needs_inputs = False

    @staticmethod
    def forward(ctx, *arrays, batch_first, padding_value, left, dtype):
        lengths = [a.shape[0] for a in arrays]
        T = max(lengths)
        trail = arrays[0].shape[1:]
        out = np.full((len(arrays), T) + trail, padding_value, dtype.np)
        for i, a in enumerate(arrays):
            L = lengths[i]
            dst = out[i, T - L:] if left else out[i, :L]
            try:
                dst[...] = a
            except ValueError:
                raise _broadcast_error(dst.shape, a.shape) from None
        ctx.lengths, ctx.left, ctx.batch_first = lengths, left, batch_first
        return out if batch_first else out.swapaxes(0, 1)

    @staticmethod
    def backward(ctx, g):
        g = g._a if ctx.batch_first else g._a.swapaxes(0, 1)
        T = g.shape[1]
        grads = []
        for i, L in enumerate(ctx.lengths):
            gi = g[i, T - L:] if ctx.left else g[i, :L]
            grads.append(_wrap(np.ascontiguousarray(gi)))
        return tuple(grads)


def _broadcast_error(dst, src):
    n = len(dst)
    a, b = list(dst), [1] * (n - len(src)) + list(src)
    for i in range(n - 1, -1, -1):
        if b[i] != a[i] and b[i] != 1:
            return RuntimeError(f"The size of tensor a ({a[i]}) must match the size of tensor b "
                                f"({b[i]}) at non-singleton dimension {i}")
    return RuntimeError(f"expand: the shape {list(src)} cannot be broadcast to {list(dst)}")


# ---------------------------------------------------------------- the functions
def _lengths_array(lengths):
    if isinstance(lengths, Tensor):
        return np.asarray(lengths._a).astype(np.int64).reshape(-1)
    return np.asarray([int(x) for x in lengths], np.int64)


def pack_padded_sequence(input, lengths, batch_first=False, enforce_sorted=True):
    """Pack a padded batch (T, B, *) (or (B, T, *) with batch_first) of sequences of the
    given lengths.  With enforce_sorted the lengths must decrease; otherwise the batch is
    sorted here and the permutation kept in sorted_indices."""
    lens = _lengths_array(lengths)
    batch_dim = 0 if batch_first else 1
    if enforce_sorted:
        sorted_indices = None
    else:
        order = np.argsort(-lens, kind="stable")
        lens = lens[order]
        sorted_indices = _long(order)
        input = input.index_select(batch_dim, sorted_indices)
    B = input.shape[batch_dim]
    if lens.shape[0] != B:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{lens.shape[0]} (batch_size={B})")
    if lens.shape[0] == 0 or lens[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    if (np.diff(lens) > 0).any():
        raise RuntimeError("`lengths` array must be sorted in decreasing order when "
                           "`enforce_sorted` is True. You can pass `enforce_sorted=False` to "
                           "pack_padded_sequence and/or pack_sequence to sidestep this "
                           "requirement if you do not need ONNX exportability.")
    T = input.shape[1 - batch_dim]
    if lens[0] > T:
        raise RuntimeError(f"Expected the longest length to be at most the padded length, but "
                           f"got {int(lens[0])} (padded length {T})")
    batch_sizes = (lens[None, :] > np.arange(lens[0])[:, None]).sum(1).astype(np.int64)
    data = _PackPadded.apply(input, batch_sizes, bool(batch_first))
    return PackedSequence(data, _long(batch_sizes), sorted_indices, None)


def pad_packed_sequence(sequence, batch_first=False, padding_value=0.0, total_length=None):
    """Inverse of pack_padded_sequence: (padded, lengths), padded (T, B, *) or (B, T, *),
    T = total_length or the longest length; lengths int64 in the caller's batch order."""
    bs = sequence.batch_sizes._a
    max_len = bs.shape[0]
    if total_length is not None:
        if total_length < max_len:
            raise ValueError("Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and max "
                             f"sequence length being {max_len}")
        max_len = total_length
    padded = _PadPacked.apply(sequence.data, bs, max_len, padding_value)
    b = int(bs[0])
    lengths = (bs[None, :] > np.arange(b)[:, None]).sum(1).astype(np.int64)
    if batch_first:
        padded = padded.transpose(0, 1)
    if sequence.unsorted_indices is not None:
        unsorted = sequence.unsorted_indices
        padded = padded.index_select(0 if batch_first else 1, unsorted)
        lengths = lengths[unsorted._a]
    return padded, _long(lengths)


def pad_sequence(sequences, batch_first=False, padding_value=0.0, padding_side="right"):
    """Stack sequences (L_i, *) padded to the longest: (max L, B, *), or (B, max L, *) with
    batch_first; padding_side 'right' (after each sequence) or 'left'."""
    if isinstance(sequences, Tensor):
        sequences = sequences.unbind(0)
    sequences = tuple(sequences)
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got "
                           f"{padding_side}.")
    if not sequences:
        raise RuntimeError("received an empty list of sequences")
    return _PadSequence.apply(*sequences, batch_first=bool(batch_first),
                              padding_value=padding_value, left=padding_side == "left",
                              dtype=sequences[0].dtype)


def unpad_sequence(padded_sequences, lengths, batch_first=False):
    """Split a padded batch back into a list of its sequences (L_i, *).  As torch's, a
    (T, B, *) input is transposed in place (transpose_) to (B, T, *) first."""
    if not batch_first:
        padded_sequences.transpose_(0, 1)
    from ..._creation import arange  # noqa: PLC0415
    idx = arange(padded_sequences.shape[1])
    lens = _lengths_array(lengths).tolist()
    return [seq[idx < n] for seq, n in zip(padded_sequences, lens)]


def pack_sequence(sequences, enforce_sorted=True):
    """pack_padded_sequence(pad_sequence(sequences), lengths, enforce_sorted=...)."""
    lengths = [v.shape[0] for v in sequences]
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of sequences a PackedSequence holds, in their original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
