"""Samplers: iterables of dataset indices (or, for BatchSampler, of index lists).

The random ones draw exactly what torch draws, from the same generator, at the same moment:
RandomSampler without a generator takes one int64 seed from the global generator when its
iteration starts and shuffles with a fresh Generator seeded from it (shared/RNG.md §6).
"""
from __future__ import annotations

from itertools import islice as _islice
from typing import Generic, TypeVar

from ..._creation import as_tensor
from ..._dtype import float64
from ..._generator import Generator
from ..._random import multinomial, permutation, random_int64, randint

__all__ = ["Sampler", "SequentialSampler", "RandomSampler", "SubsetRandomSampler",
           "WeightedRandomSampler", "BatchSampler"]

T_co = TypeVar("T_co", covariant=True)


def _positive_int(name, value):
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{name} should be a positive integer value, but got {name}={value}")


class Sampler(Generic[T_co]):
    """Base class: subclasses define __iter__ (and __len__ when they can)."""

    def __iter__(self):
        raise NotImplementedError


class SequentialSampler(Sampler[int]):
    """0, 1, ..., len(data_source) - 1."""

    def __init__(self, data_source) -> None:
        self.data_source = data_source

    def __iter__(self):
        return iter(range(len(self.data_source)))

    def __len__(self) -> int:
        return len(self.data_source)


class RandomSampler(Sampler[int]):
    """A random permutation of the indices (or, with replacement, uniform draws)."""

    def __init__(self, data_source, replacement: bool = False, num_samples=None,
                 generator=None) -> None:
        self.data_source = data_source
        self.replacement = replacement
        self._num_samples = num_samples
        self.generator = generator
        if not isinstance(replacement, bool):
            raise TypeError("replacement should be a boolean value, but got "
                            f"replacement={replacement}")
        _positive_int("num_samples", self.num_samples)

    @property
    def num_samples(self) -> int:
        return len(self.data_source) if self._num_samples is None else self._num_samples

    def __iter__(self):
        n = len(self.data_source)
        g = self.generator
        own = g is None
        if own:
            # torch draws this seed when iteration starts, not when the sampler is made
            g = Generator().manual_seed(random_int64())
        k = self.num_samples
        if self.replacement:
            # torch draws in chunks of 32 (then the rest), each chunk one randint call
            for _ in range(k // 32):
                yield from randint(n, (32,), generator=g).tolist()
            yield from randint(n, (k % 32,), generator=g).tolist()
        else:
            for _ in range(k // n):
                yield from permutation(n, g).tolist()
            # torch draws this last permutation even when k % n == 0: that advances a user's
            # generator (our own one is discarded, so its draw can be skipped)
            if k % n or not own:
                yield from permutation(n, g).tolist()[:k % n]

    def __len__(self) -> int:
        return self.num_samples


class SubsetRandomSampler(Sampler[int]):
    """The given indices in random order (randperm drawn from generator, or the global one)."""

    def __init__(self, indices, generator=None) -> None:
        self.indices = indices
        self.generator = generator

    def __iter__(self):
        for i in permutation(len(self.indices), self.generator).tolist():
            yield self.indices[i]

    def __len__(self) -> int:
        return len(self.indices)


class WeightedRandomSampler(Sampler[int]):
    """num_samples indices drawn with probabilities proportional to weights (multinomial)."""

    def __init__(self, weights, num_samples: int, replacement: bool = True,
                 generator=None) -> None:
        _positive_int("num_samples", num_samples)
        if not isinstance(replacement, bool):
            raise ValueError("replacement should be a boolean value, but got "
                             f"replacement={replacement}")
        w = as_tensor(weights, dtype=float64)
        if w.dim() != 1:
            raise ValueError("weights should be a 1d sequence but given weights have shape "
                             f"{tuple(w.shape)}")
        self.weights = w
        self.num_samples = num_samples
        self.replacement = replacement
        self.generator = generator

    def __iter__(self):
        drawn = multinomial(self.weights, self.num_samples, self.replacement,
                            generator=self.generator)
        yield from drawn.tolist()

    def __len__(self) -> int:
        return self.num_samples


class BatchSampler(Sampler[list]):
    """Group a sampler's indices into lists of batch_size (the last one shorter unless
    drop_last)."""

    def __init__(self, sampler, batch_size: int, drop_last: bool) -> None:
        _positive_int("batch_size", batch_size)
        if not isinstance(drop_last, bool):
            raise ValueError(f"drop_last should be a boolean value, but got drop_last={drop_last}")
        self.sampler = sampler
        self.batch_size = batch_size
        self.drop_last = drop_last

    def __iter__(self):
        # A generator, so the sampler is only started (and its seed drawn) at the first batch;
        # each batch takes exactly batch_size indices (islice pulls them without a Python loop).
        size = self.batch_size
        it = iter(self.sampler)
        while True:
            batch = list(_islice(it, size))
            if len(batch) < size:
                if batch and not self.drop_last:
                    yield batch
                return
            yield batch

    def __len__(self) -> int:
        if self.drop_last:
            return len(self.sampler) // self.batch_size
        return (len(self.sampler) + self.batch_size - 1) // self.batch_size
