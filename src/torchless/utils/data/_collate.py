"""default_collate (a list of samples -> a batch) and default_convert (one sample's NumPy parts
-> tensors), with torch's rules: tensors are stacked, Python floats become float64, ints int64,
NumPy arrays and scalars keep their dtype, strings stay lists, tuples and lists are transposed
(a tuple of fields gives a list of batches), dicts are collated per key."""
from __future__ import annotations

import collections.abc as abc
import copy
import re

import numpy as np

from ..._creation import as_tensor, tensor
from ..._dtype import NP_TO_TORCH, float64, int64
from ..._tensor import Tensor, _wrap
from ...ops.join import stack

__all__ = ["default_collate", "default_convert"]

# NumPy dtypes torch cannot hold: bytes, str, object (matched on dtype.str, e.g. '<U1', '|O')
_STRING_DTYPE = re.compile(r"[SaUO]")
_NP_SCALARS = (np.bool_, np.number, np.object_)
_ERR = ("default_collate: batch must contain tensors, numpy arrays, numbers, dicts or lists; "
        "found {}")


def _is_numpy(cls) -> bool:
    # default_convert's test; np.str_ / np.bytes_ are Python strings first, kept as strings
    return cls.__module__ == "numpy" and cls.__name__ not in ("str_", "bytes_", "string_")


def _rebuild(elem, values):
    """A mapping or sequence of elem's own type holding values (a plain dict/list if that type
    cannot be rebuilt), as torch does."""
    try:
        if isinstance(elem, abc.Mapping):
            if isinstance(elem, abc.MutableMapping):
                clone = copy.copy(elem)   # keeps OrderedDict/defaultdict and their settings
                clone.update(values)
                return clone
            return type(elem)(values)
        if isinstance(elem, abc.MutableSequence):
            clone = copy.copy(elem)
            for i, v in enumerate(values):
                clone[i] = v
            return clone
        return type(elem)(values)
    except TypeError:
        return dict(values) if isinstance(elem, abc.Mapping) else list(values)


def _stack_arrays(batch):
    """The stacked tensor of same-shape, same-dtype NumPy arrays torch can hold (what stacking
    their as_tensor views gives), or None for anything else (the general path decides)."""
    first = batch[0]
    shape, dt = first.shape, first.dtype
    d = NP_TO_TORCH.get(dt)
    if d is None or not dt.isnative:
        return None
    for a in batch:
        if type(a) is not np.ndarray or a.shape != shape or a.dtype != dt or \
                (a.ndim and min(a.strides) < 0):
            return None
    return _wrap(np.stack(batch), d)


def default_collate(batch):
    """Merge a list of samples into a batch (torch.utils.data.default_collate)."""
    elem = batch[0]
    cls = type(elem)
    if isinstance(elem, Tensor):
        return stack(batch, 0)
    if isinstance(elem, np.ndarray):
        if _STRING_DTYPE.search(elem.dtype.str) is not None:
            raise TypeError(_ERR.format(elem.dtype))
        same = _stack_arrays(batch)
        if same is not None:
            return same
        return default_collate([as_tensor(b) for b in batch])
    if isinstance(elem, _NP_SCALARS):
        return as_tensor(batch)
    if isinstance(elem, float):
        if all(type(x) is float for x in batch):
            return _wrap(np.array(batch, np.float64), float64)
        return tensor(batch, dtype=float64)
    if isinstance(elem, int):
        if type(elem) is int and all(type(x) is int for x in batch):
            try:
                return _wrap(np.array(batch, np.int64), int64)
            except OverflowError:
                pass        # tensor() raises torch's message
        return tensor(batch)
    if isinstance(elem, (str, bytes)):
        return batch
    if isinstance(elem, abc.Mapping):
        return _rebuild(elem, {key: default_collate([d[key] for d in batch]) for key in elem})
    if isinstance(elem, tuple) and hasattr(elem, "_fields"):     # namedtuple
        return cls(*(default_collate(s) for s in zip(*batch)))
    if isinstance(elem, abc.Sequence):
        size = len(elem)
        if any(len(e) != size for e in batch):
            raise RuntimeError("each element in list of batch should be of equal size")
        columns = [default_collate(s) for s in zip(*batch)]
        if isinstance(elem, tuple):
            return columns
        return _rebuild(elem, columns)
    raise TypeError(_ERR.format(cls))


def default_convert(data):
    """Turn NumPy arrays and scalars inside a sample into tensors (sharing memory), keeping
    the rest; the collate_fn when batching is off (batch_size=None)."""
    cls = type(data)
    if isinstance(data, Tensor):
        return data
    if _is_numpy(cls):
        if cls.__name__ in ("ndarray", "memmap") and _STRING_DTYPE.search(data.dtype.str):
            return data
        return as_tensor(data)
    if isinstance(data, abc.Mapping):
        return _rebuild(data, {key: default_convert(data[key]) for key in data})
    if isinstance(data, tuple) and hasattr(data, "_fields"):
        return cls(*(default_convert(d) for d in data))
    if isinstance(data, tuple):
        return [default_convert(d) for d in data]
    if isinstance(data, abc.Sequence) and not isinstance(data, (str, bytes)):
        return _rebuild(data, [default_convert(d) for d in data])
    return data
