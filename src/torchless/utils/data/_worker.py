"""DataLoader workers, emulated in the calling process.

torch runs num_workers > 0 in child processes.  Each child starts by seeding its own random
streams from the iterator's base seed: torch.manual_seed(base_seed + id),
random.seed(base_seed + id) and NumPy's global generator from
SeedSequence([id, base_seed]).generate_state(4); it then calls worker_init_fn(id), and from
then on get_worker_info() describes it.  Here a worker is that bundle of states: while it
fetches a batch they are swapped in for the process's own, and swapped out afterwards, so a
dataset that draws random numbers (augmentations) sees exactly the numbers it would see in
torch's worker, and the main process's streams are untouched, as in torch.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from ..._generator import Generator, default_generator

__all__ = ["WorkerInfo", "get_worker_info"]


@dataclass(frozen=True)
class WorkerInfo:
    """What get_worker_info() returns inside a worker."""

    id: int
    num_workers: int
    seed: int
    dataset: Any
    rng: Optional[Any] = None
    worker_method: str = "multiprocessing"


_current: list = [None]     # the WorkerInfo of the worker now fetching, if any


def get_worker_info() -> Optional[WorkerInfo]:
    """The current worker's WorkerInfo inside a DataLoader worker; None in the main process."""
    return _current[0]


class _Worker:
    """One emulated worker: its id, its random streams and its fetch function."""

    __slots__ = ("info", "mt", "py_state", "np_state", "fetch", "saved")

    def __init__(self, wid: int, num_workers: int, base_seed: int, dataset) -> None:
        seed = base_seed + wid
        self.info = WorkerInfo(id=wid, num_workers=num_workers, seed=seed, dataset=dataset)
        self.mt = Generator().manual_seed(seed)._mt
        self.py_state = random.Random(seed).getstate()
        np_seed = np.random.SeedSequence([wid, base_seed]).generate_state(4)
        self.np_state = np.random.RandomState(np_seed).get_state()
        self.fetch = None
        self.saved = None

    def enter(self) -> None:
        """Make this worker's streams and WorkerInfo the process's."""
        self.saved = (default_generator._mt, random.getstate(), np.random.get_state(), _current[0])
        default_generator._mt = self.mt
        random.setstate(self.py_state)
        np.random.set_state(self.np_state)
        _current[0] = self.info

    def leave(self) -> None:
        """Keep where this worker's streams got to; give the process back its own."""
        mt, py, npst, info = self.saved
        self.mt = default_generator._mt        # the dataset may have reseeded it
        self.py_state = random.getstate()
        self.np_state = np.random.get_state()
        default_generator._mt = mt
        random.setstate(py)
        np.random.set_state(npst)
        _current[0] = info
        self.saved = None

    def run(self, fn, *args):
        """fn(*args) as this worker."""
        self.enter()
        try:
            return fn(*args)
        finally:
            self.leave()
