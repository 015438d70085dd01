"""DataLoader: batches from a dataset through a sampler and a collate function.

Random draws follow torch exactly (shared/RNG.md §6): each new iterator draws a base seed
(int64 random_ from `generator`, or the global generator), and a shuffling RandomSampler
draws its own seed when the first batch is requested.  num_workers > 0 is emulated in this
process (see _worker.py): batches come in the same order as torch's, each fetched by the
worker torch would give it, with that worker's random streams.
"""
from __future__ import annotations

import copy
import os
import warnings
from collections import deque
from typing import Generic, TypeVar

import numpy as np

from ..._random import random_int64
from ..._tensor import Tensor, _wrap
from ._collate import default_collate, default_convert
from ._worker import _Worker, get_worker_info   # noqa: F401 (torch has it here too)
from .dataset import IterableDataset, Subset, TensorDataset
from .sampler import BatchSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["DataLoader"]

T_co = TypeVar("T_co", covariant=True)


class _DatasetKind:
    Map = 0
    Iterable = 1


class _InfiniteConstantSampler(Sampler):
    """The 'sampler' of an IterableDataset: None forever (batching counts its items)."""

    def __iter__(self):
        while True:
            yield None


_FROZEN = frozenset(("batch_size", "batch_sampler", "sampler", "drop_last", "dataset",
                     "persistent_workers"))


class DataLoader(Generic[T_co]):
    """Iterate over a dataset in (optionally shuffled) batches."""

    __initialized = False

    def __init__(self, dataset, batch_size=1, shuffle=None, sampler=None, batch_sampler=None,
                 num_workers: int = 0, collate_fn=None, pin_memory: bool = False,
                 drop_last: bool = False, timeout: float = 0, worker_init_fn=None,
                 multiprocessing_context=None, generator=None, *, prefetch_factor=None,
                 persistent_workers: bool = False, pin_memory_device: str = "",
                 in_order: bool = True) -> None:
        if num_workers < 0:
            raise ValueError("num_workers option should be non-negative; "
                             "use num_workers=0 to disable multiprocessing.")
        if timeout < 0:
            raise ValueError("timeout option should be non-negative")
        if num_workers == 0 and prefetch_factor is not None:
            raise ValueError("prefetch_factor option could only be specified in multiprocessing."
                             "let num_workers > 0 to enable multiprocessing, otherwise set "
                             "prefetch_factor to None.")
        if num_workers > 0 and prefetch_factor is None:
            prefetch_factor = 2
        elif prefetch_factor is not None and prefetch_factor < 0:
            raise ValueError("prefetch_factor option should be non-negative")
        if persistent_workers and num_workers == 0:
            raise ValueError("persistent_workers option needs num_workers > 0")

        self.dataset = dataset
        self.num_workers = num_workers
        self.prefetch_factor = prefetch_factor
        self.pin_memory = pin_memory
        self.pin_memory_device = pin_memory_device
        self.timeout = timeout
        self.worker_init_fn = worker_init_fn
        self.multiprocessing_context = multiprocessing_context
        self.in_order = in_order

        if isinstance(dataset, IterableDataset):
            self._dataset_kind = _DatasetKind.Iterable
            if shuffle not in (False, None):
                raise ValueError("DataLoader with IterableDataset: expected unspecified shuffle "
                                 f"option, but got shuffle={shuffle}")
            if sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified sampler "
                                 f"option, but got sampler={sampler}")
            if batch_sampler is not None:
                raise ValueError("DataLoader with IterableDataset: expected unspecified "
                                 f"batch_sampler option, but got batch_sampler={batch_sampler}")
        else:
            shuffle = bool(shuffle)
            self._dataset_kind = _DatasetKind.Map

        if sampler is not None and shuffle:
            raise ValueError("sampler option is mutually exclusive with shuffle")
        if batch_sampler is not None:
            if batch_size != 1 or shuffle or sampler is not None or drop_last:
                raise ValueError("batch_sampler option is mutually exclusive with batch_size, "
                                 "shuffle, sampler, and drop_last")
            batch_size = None
            drop_last = False
        elif batch_size is None and drop_last:
            raise ValueError("batch_size=None option disables auto-batching and is mutually "
                             "exclusive with drop_last")

        if sampler is None:
            if self._dataset_kind == _DatasetKind.Iterable:
                sampler = _InfiniteConstantSampler()
            elif shuffle:
                sampler = RandomSampler(dataset, generator=generator)
            else:
                sampler = SequentialSampler(dataset)
        if batch_size is not None and batch_sampler is None:
            batch_sampler = BatchSampler(sampler, batch_size, drop_last)

        self.batch_size = batch_size
        self.drop_last = drop_last
        self.sampler = sampler
        self.batch_sampler = batch_sampler
        self.generator = generator
        if collate_fn is None:
            collate_fn = default_collate if batch_sampler is not None else default_convert
        self.collate_fn = collate_fn
        self.persistent_workers = persistent_workers
        self.__initialized = True
        self._IterableDataset_len_called = None
        self._iterator = None
        self.check_worker_number_rationality()

    # ------------------------------------------------------------ settings
    def __setattr__(self, attr, val):
        if self.__initialized and attr in _FROZEN:
            raise ValueError(f"{attr} attribute should not be set after "
                             f"{self.__class__.__name__} is initialized")
        super().__setattr__(attr, val)

    @property
    def multiprocessing_context(self):
        return self.__multiprocessing_context

    @multiprocessing_context.setter
    def multiprocessing_context(self, context):
        # validated as torch does, though loading stays in this process
        if context is not None:
            import multiprocessing      # (only here: it costs ~7 ms of import time)
            if self.num_workers == 0:
                raise ValueError("multiprocessing_context can only be used with multi-process "
                                 f"loading (num_workers > 0), but got num_workers="
                                 f"{self.num_workers}")
            if isinstance(context, str):
                methods = multiprocessing.get_all_start_methods()
                if context not in methods:
                    raise ValueError("multiprocessing_context option should specify a valid "
                                     f"start method in {methods!r}, but got "
                                     f"multiprocessing_context={context!r}")
                context = multiprocessing.get_context(context)
            elif not isinstance(context, multiprocessing.context.BaseContext):
                raise TypeError("multiprocessing_context option should be a valid context "
                                "object or a string specifying the start method, but got "
                                f"multiprocessing_context={context}")
        self.__multiprocessing_context = context

    @property
    def _auto_collation(self) -> bool:
        return self.batch_sampler is not None

    @property
    def _index_sampler(self):
        return self.batch_sampler if self._auto_collation else self.sampler

    def check_worker_number_rationality(self) -> None:
        """Warn, as torch does, when num_workers exceeds the CPUs this process may use."""
        if self.num_workers == 0:
            return
        try:
            cpus = len(os.sched_getaffinity(0))
        except AttributeError:
            cpus = os.cpu_count()
        if cpus is not None and self.num_workers > cpus:
            warnings.warn(
                f"This DataLoader will create {self.num_workers} worker processes in total. "
                f"Our suggested max number of worker in current system is {cpus}, which is "
                "smaller than what this DataLoader is going to create. Please be aware that "
                "excessive worker creation might get DataLoader running slow or even freeze, "
                "lower the worker number to avoid potential slowness/freeze if necessary.",
                UserWarning, stacklevel=2)

    # ------------------------------------------------------------ iteration
    def _get_iterator(self):
        if self.num_workers == 0:
            return _SingleProcessDataLoaderIter(self)
        self.check_worker_number_rationality()
        return _MultiProcessingDataLoaderIter(self)

    def __iter__(self):
        """A new pass over the data (persistent workers keep their iterator and streams)."""
        if self.persistent_workers and self.num_workers > 0:
            if self._iterator is None:
                self._iterator = self._get_iterator()
            else:
                self._iterator._reset(self)
            return self._iterator
        return self._get_iterator()

    def __len__(self) -> int:
        if self._dataset_kind == _DatasetKind.Iterable:
            length = self._IterableDataset_len_called = len(self.dataset)
            if self.batch_size is not None:
                if self.drop_last:
                    return length // self.batch_size
                return -(-length // self.batch_size)
            return length
        return len(self._index_sampler)


# ---------------------------------------------------------------- fetching
def _tensor_source(dataset):
    """(tensors, index maps) when a batch of dataset can be gathered with one fancy index per
    tensor: a TensorDataset of plain tensors, possibly inside Subsets with list indices."""
    maps = []
    while type(dataset) is Subset and type(dataset.indices) in (list, tuple, range):
        maps.append(dataset.indices)
        dataset = dataset.dataset
    if type(dataset) is not TensorDataset:
        return None
    for t in dataset.tensors:
        if not isinstance(t, Tensor) or t.requires_grad:
            return None          # stacking rows would record a graph
    return dataset.tensors, maps


def _make_fetcher(loader, kind, dataset):
    """fetch(index) -> batch for this loader's mode.  An iterable dataset's iterator is
    created here, at the start of the pass, as torch does."""
    collate = loader.collate_fn
    if kind == _DatasetKind.Iterable:
        it = iter(dataset)
        ended = [False]
        if not loader._auto_collation:
            return lambda index: collate(next(it))
        drop_last = loader.drop_last

        def fetch_items(index):
            if ended[0]:
                raise StopIteration
            data = []
            for _ in index:
                try:
                    data.append(next(it))
                except StopIteration:
                    ended[0] = True
                    break
            if not data or (drop_last and len(data) < len(index)):
                raise StopIteration
            return collate(data)
        return fetch_items

    if not loader._auto_collation:
        return lambda index: collate(dataset[index])
    many = getattr(dataset, "__getitems__", None)
    if not callable(many):
        many = None

    def fetch(index):
        return collate(many(index) if many is not None else [dataset[i] for i in index])

    source = _tensor_source(dataset) if collate is default_collate else None
    if source is None:
        return fetch
    tensors, maps = source

    def fetch_rows(index):
        # the same batch default_collate would stack from dataset[i] (values, dtype,
        # contiguous strides), gathered with one NumPy take per tensor
        try:
            rows = index
            for m in maps:
                rows = [m[i] for i in rows]
            idx = np.asarray(rows)
            # (a bool index adds a dim in torch; NumPy would read True as 1)
            if idx.dtype.kind in "iu" and idx.ndim == 1 and idx.size \
                    and bool not in set(map(type, rows)):
                return [_wrap(t._a[idx], t.dtype) for t in tensors]
        except (IndexError, TypeError, ValueError):
            pass
        return fetch(index)      # the general path raises torch's errors
    fetch_rows.pure = True       # runs no user code: a worker needs no random-stream swap
    return fetch_rows


def _replica(dataset):
    """A worker's copy of the dataset: its own attributes, the same data."""
    try:
        return copy.copy(dataset)
    except Exception:           # noqa: BLE001 (an uncopyable dataset is shared instead)
        return dataset


# ---------------------------------------------------------------- iterators
class _BaseDataLoaderIter:
    """One pass over a DataLoader."""

    def __init__(self, loader) -> None:
        self._dataset = loader.dataset
        self._dataset_kind = loader._dataset_kind
        self._index_sampler = loader._index_sampler
        self._num_workers = loader.num_workers
        self._prefetch_factor = loader.prefetch_factor
        self._persistent_workers = loader.persistent_workers
        self._IterableDataset_len_called = loader._IterableDataset_len_called
        if loader.pin_memory:
            warnings.warn("'pin_memory' argument is set as true but no accelerator is found, "
                          "then device pinned memory won't be used.", UserWarning, stacklevel=3)
        self._sampler_iter = iter(self._index_sampler)
        self._base_seed = random_int64(loader.generator)
        self._num_yielded = 0

    def __iter__(self):
        return self

    def __len__(self) -> int:
        return len(self._index_sampler)

    def _reset(self, loader, first_iter=False) -> None:
        self._sampler_iter = iter(self._index_sampler)
        self._num_yielded = 0
        self._IterableDataset_len_called = loader._IterableDataset_len_called

    def _count(self) -> None:
        self._num_yielded += 1
        n = self._IterableDataset_len_called
        if n is not None and self._dataset_kind == _DatasetKind.Iterable \
                and self._num_yielded > n:
            msg = (f"Length of IterableDataset {self._dataset} was reported to be {n}(when "
                   f"accessing len(dataloader)), but {self._num_yielded} samples have been "
                   "fetched. ")
            if self._num_workers > 0:
                msg += ("For multiprocessing data-loading, this could be caused by not properly "
                        "configuring the IterableDataset replica at each worker. Please see "
                        "https://pytorch.org/docs/stable/data.html#torch.utils.data."
                        "IterableDataset for examples.")
            warnings.warn(msg, UserWarning, stacklevel=3)


class _SingleProcessDataLoaderIter(_BaseDataLoaderIter):
    """Batches fetched in this process as they are asked for."""

    def __init__(self, loader) -> None:
        super().__init__(loader)
        self._fetch = _make_fetcher(loader, self._dataset_kind, self._dataset)

    def __next__(self):
        data = self._fetch(next(self._sampler_iter))
        self._count()
        return data


class _MultiProcessingDataLoaderIter(_BaseDataLoaderIter):
    """torch's worker processes, emulated here: batch k goes to the k-th worker in a
    round-robin over the workers still running; prefetch_factor * num_workers batch
    indices are drawn from the sampler ahead, as torch does."""

    def __init__(self, loader) -> None:
        super().__init__(loader)
        n = self._num_workers
        # each worker process holds its own copy of the dataset (worker_init_fn may configure
        # it through get_worker_info().dataset); a shallow copy shares the tensors
        self._workers = [_Worker(w, n, self._base_seed, _replica(self._dataset))
                         for w in range(n)]
        init = loader.worker_init_fn
        for w in self._workers:
            if init is not None:
                w.run(init, w.info.id)
            w.fetch = w.run(_make_fetcher, loader, self._dataset_kind, w.info.dataset)
        self._reset(loader, first_iter=True)

    def _reset(self, loader, first_iter=False) -> None:
        super()._reset(loader, first_iter)
        if not first_iter and self._dataset_kind == _DatasetKind.Iterable:
            # persistent workers restart their dataset iterators for the new pass
            for w in self._workers:
                w.fetch = w.run(_make_fetcher, loader, self._dataset_kind, w.info.dataset)
        self._active = [True] * self._num_workers
        self._next_worker = 0
        self._tasks = deque()
        for _ in range(self._prefetch_factor * self._num_workers):
            self._put_index()

    def _put_index(self) -> None:
        """Draw the next batch's indices and hand them to the next running worker."""
        try:
            index = next(self._sampler_iter)
        except StopIteration:
            return
        n = self._num_workers
        for _ in range(n):
            w = self._next_worker
            self._next_worker = (w + 1) % n
            if self._active[w]:
                self._tasks.append((w, index))
                return

    def __next__(self):
        while self._tasks:
            w, index = self._tasks.popleft()
            if not self._active[w]:
                continue                   # queued for a worker whose stream has ended
            worker = self._workers[w]
            fetch = worker.fetch
            try:
                data = fetch(index) if hasattr(fetch, "pure") else worker.run(fetch, index)
            except StopIteration:
                if self._dataset_kind != _DatasetKind.Iterable:
                    raise
                self._active[w] = False
                self._put_index()
                continue
            self._put_index()
            self._count()
            return data
        raise StopIteration
