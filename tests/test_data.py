"""torch.utils.data against real torch 2.13: datasets, samplers, collation and DataLoader.

Every case is a function f(T, D) of the library (torch or torchless) and its utils.data
module, run under both; the results — batches with their dtypes, shapes, strides and values,
the random generators' positions afterwards, or the exception's type and message — must be
equal.  Shuffle orders are compared over several epochs and seeds, with and without a user
Generator, with emulated workers (whose random streams are compared too).
"""
from __future__ import annotations

import collections
import random as pyrandom
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given, settings, strategies as st

import torchless as tl

LIBS = ((torch, torch.utils.data), (tl, tl.utils.data))
P = collections.namedtuple("P", "x y")


# ---------------------------------------------------------------------------- harness
def norm(x):
    """A library-independent picture of a result: tensors as (dtype, shape, strides, values,
    grad_fn name), containers by their type name."""
    if isinstance(x, (torch.Tensor, tl.Tensor)):
        # both print a grad_fn as "<StackBackward0 object at 0x...>"
        fn = repr(x.grad_fn).split()[0].lstrip("<") if x.grad_fn is not None else None
        return ("T", str(x.dtype), tuple(x.shape), tuple(x.stride()),
                x.detach().numpy().tolist(), fn)
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return (type(x).__name__, tuple(norm(v) for v in x))
    if isinstance(x, (list, tuple)):
        return (type(x).__name__, [norm(v) for v in x])
    if isinstance(x, dict):
        return (type(x).__name__, [(k, norm(v)) for k, v in x.items()])
    if isinstance(x, np.ndarray):
        return ("ndarray", str(x.dtype), x.tolist())
    if isinstance(x, (torch.Generator, tl.Generator)):
        return "Generator"
    return x


def outcome(fn, T, D):
    try:
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            r = norm(fn(T, D))
        msgs = [(x.category.__name__, str(x.message).replace("torchless", "torch"))
                for x in w]
        return ("ok", r, msgs)
    except Exception as e:                               # noqa: BLE001 (compared below)
        return ("err", type(e).__name__, str(e))


def same(fn, seed=None, ok=True):
    """fn(T, D) under torch and torchless give the same result; with a seed, both start
    from manual_seed(seed) and must also end at the same global stream position.  ok: the
    case must succeed (True) or raise (False) — so a test written wrong, failing alike in
    both, is caught — or either (None: the caller checks)."""
    got = []
    for T, D in LIBS:
        if seed is not None:
            T.manual_seed(seed)
        r = outcome(fn, T, D)
        after = T.rand(2).tolist() if seed is not None else None
        got.append((r, after))
    assert got[0] == got[1]
    if ok is not None:
        assert (got[0][0][0] == "ok") == ok, got[0][0]
    return got[0][0]


def ds_tensors(T, n=10):
    return T.utils.data.TensorDataset(T.arange(n, dtype=T.float32) * 1.5, T.arange(n) % 3)


# ---------------------------------------------------------------------------- datasets
def squares(D, n=7):
    """A map-style dataset written the way a user would, for library D."""
    class Sq(D.Dataset):
        def __len__(self):
            return n

        def __getitem__(self, i):
            if i >= n:
                raise IndexError("out of range")
            return i * i
    return Sq()


def counting(D, n=5):
    """An IterableDataset that shards unevenly across workers."""
    class It(D.IterableDataset):
        def __iter__(self):
            info = D.get_worker_info()
            if info is None:
                return iter(range(n))
            # uneven shards: worker 0 gets n items, the others 2
            size = n if info.id == 0 else 2
            return iter(range(info.id * 100, info.id * 100 + size))
    return It()


DATASET_CASES = {
    "tensor_getitem": lambda T, D: ds_tensors(T)[3],
    "tensor_slice": lambda T, D: ds_tensors(T)[2:5],
    "tensor_list": lambda T, D: ds_tensors(T)[[1, 4]],
    "tensor_len": lambda T, D: len(ds_tensors(T)),
    "tensor_mismatch": lambda T, D: D.TensorDataset(T.zeros(3), T.zeros(4)),
    "tensor_empty_len": lambda T, D: len(D.TensorDataset()),
    "tensor_out_of_range": lambda T, D: ds_tensors(T)[10],
    "dataset_getitem": lambda T, D: D.Dataset()[0],
    "dataset_len": lambda T, D: len(D.Dataset()),
    "dataset_add": lambda T, D: [(ds_tensors(T) + squares(D))[i] for i in (0, 9, 10, 16)],
    "concat": lambda T, D: [D.ConcatDataset([squares(D, 3), squares(D, 4)])[i]
                            for i in (0, 2, 3, 6, -1, -7)],
    "concat_sizes": lambda T, D: D.ConcatDataset([squares(D, 3), squares(D, 4)]).cumulative_sizes,
    "concat_len": lambda T, D: len(D.ConcatDataset([squares(D, 3), squares(D, 0), squares(D, 4)])),
    "concat_too_negative": lambda T, D: D.ConcatDataset([squares(D, 3)])[-4],
    "concat_past_end": lambda T, D: D.ConcatDataset([squares(D, 3), squares(D, 2)])[5],
    "concat_empty": lambda T, D: D.ConcatDataset([]),
    "concat_iterable": lambda T, D: D.ConcatDataset([counting(D)]),
    "concat_deprecated": lambda T, D: D.ConcatDataset([squares(D, 3)]).cummulative_sizes,
    "chain": lambda T, D: list(counting(D, 3) + counting(D, 2)),
    "chain_len_error": lambda T, D: len(D.ChainDataset([range(3)])),
    "chain_map_error": lambda T, D: list(D.ChainDataset([squares(D)])),
    "iterable_abstract": lambda T, D: D.IterableDataset(),
    "iterable_getitem": lambda T, D: counting(D)[0],
    "stack_tuple": lambda T, D: D.StackDataset(squares(D, 3), range(3))[2],
    "stack_dict": lambda T, D: D.StackDataset(a=squares(D, 3), b=range(3))[1],
    "stack_len": lambda T, D: len(D.StackDataset(a=range(4))),
    "stack_both": lambda T, D: D.StackDataset(range(3), a=range(3)),
    "stack_mismatch": lambda T, D: D.StackDataset(range(3), range(4)),
    "stack_none": lambda T, D: D.StackDataset(),
    "stack_getitems": lambda T, D: D.StackDataset(
        a=range(3), b=D.Subset(ds_tensors(T, 3), [2, 1, 0])).__getitems__([0, 2]),
    "stack_getitems_tuple": lambda T, D: D.StackDataset(range(3), range(3)).__getitems__([1]),
    "subset": lambda T, D: [D.Subset(squares(D), [5, 2, 6])[i] for i in (0, 1, -1)],
    "subset_list": lambda T, D: D.Subset(ds_tensors(T), [3, 4, 8])[[0, 2]],
    "subset_getitems": lambda T, D: D.Subset(squares(D), [5, 2, 6]).__getitems__([2, 0]),
    "subset_nested_getitems": lambda T, D: D.Subset(D.Subset(range(10), [9, 8, 7]),
                                                    [2, 0]).__getitems__([0, 1]),
    "subset_len": lambda T, D: len(D.Subset(squares(D), [1, 2])),
}


# the cases above that must raise (in both); every other case must succeed, so a case that
# fails the same way in both libraries for a wrong reason is caught
RAISES = {"tensor_mismatch", "tensor_empty_len", "tensor_out_of_range", "dataset_getitem",
          "dataset_len", "concat_too_negative", "concat_past_end", "concat_empty",
          "concat_iterable", "chain_len_error", "chain_map_error", "iterable_abstract",
          "iterable_getitem", "stack_both", "stack_mismatch", "stack_none"}


def check_kind(r, name):
    assert (r[0] == "err") == (name in RAISES), r


@pytest.mark.parametrize("name", list(DATASET_CASES))
def test_datasets(name):
    check_kind(same(DATASET_CASES[name], ok=None), name)


# ---------------------------------------------------------------------------- random_split
SPLITS = [[3, 7], [0.3, 0.7], [0.3, 0.3, 0.4], [0.05, 0.95], [0.1, 0.1, 0.8], [1.0], [10],
          [0, 10], [5, 5], (2, 3, 5), [0.5, 0.6], [3, 3], [-1, 11], [-0.1, 1.1],
          [0.25, 0.25, 0.25, 0.25]]


@pytest.mark.parametrize("lengths", SPLITS, ids=str)
@pytest.mark.parametrize("seed", [0, 7])
def test_random_split(lengths, seed):
    bad = sum(lengths) != 10 and not (abs(sum(lengths) - 1) < 1e-9 and min(lengths) >= 0)
    same(lambda T, D: [s.indices for s in D.random_split(range(10), lengths)], seed, ok=not bad)


@pytest.mark.parametrize("kind", ["tensor", "numpy"])
def test_random_split_length_types(kind):
    def f(T, D):
        lengths = T.tensor([4, 6]) if kind == "tensor" else np.array([4, 6])
        parts = D.random_split(ds_tensors(T), lengths)
        return [s.indices for s in parts], [p[0] for p in parts], [len(p) for p in parts]
    same(f, 3)


def test_random_split_generator():
    def f(T, D):
        g = T.Generator().manual_seed(11)
        parts = D.random_split(range(23), [0.5, 0.5], generator=g)
        return [s.indices for s in parts], T.rand(3, generator=g)
    same(f, 0)          # the global stream is untouched: compared by same()


# ---------------------------------------------------------------------------- samplers
SAMPLER_CASES = {
    "sequential": lambda T, D: (list(D.SequentialSampler(range(6))),
                                len(D.SequentialSampler(range(6)))),
    "random": lambda T, D: [list(D.RandomSampler(range(13))) for _ in range(3)],
    "random_num_samples_less": lambda T, D: list(D.RandomSampler(range(13), num_samples=5)),
    "random_num_samples_more": lambda T, D: list(D.RandomSampler(range(5), num_samples=13)),
    "random_replacement": lambda T, D: list(D.RandomSampler(range(9), replacement=True)),
    "random_replacement_70": lambda T, D: list(D.RandomSampler(range(9), True, 70)),
    "random_replacement_64": lambda T, D: list(D.RandomSampler(range(300), True, 64)),
    "random_len": lambda T, D: (len(D.RandomSampler(range(4))),
                                len(D.RandomSampler(range(4), num_samples=9)),
                                D.RandomSampler(range(4)).num_samples),
    "random_generator": lambda T, D: _with_gen(T, lambda g: [
        list(D.RandomSampler(range(8), generator=g)) for _ in range(2)]),
    "random_generator_partial": lambda T, D: _with_gen(T, lambda g: next(iter(
        D.RandomSampler(range(8), generator=g)))),
    "random_bad_replacement": lambda T, D: D.RandomSampler(range(5), replacement=1),
    "random_zero_samples": lambda T, D: D.RandomSampler(range(5), num_samples=0),
    "random_float_samples": lambda T, D: D.RandomSampler(range(5), num_samples=2.0),
    "random_empty": lambda T, D: D.RandomSampler(range(0)),
    "random_empty_num_samples": lambda T, D: list(D.RandomSampler(range(0), num_samples=3)),
    "subset_random": lambda T, D: [list(D.SubsetRandomSampler([5, 6, 7, 9])) for _ in range(2)],
    "subset_random_tensor": lambda T, D: list(D.SubsetRandomSampler(T.tensor([5, 6, 7]))),
    "subset_random_len": lambda T, D: len(D.SubsetRandomSampler((5, 6, 7))),
    "subset_random_generator": lambda T, D: _with_gen(T, lambda g: list(
        D.SubsetRandomSampler(range(10, 20), generator=g))),
    "weighted": lambda T, D: list(D.WeightedRandomSampler([0.1, 0.9, 0.4, 0.0, 2.0], 12)),
    "weighted_no_replacement": lambda T, D: list(
        D.WeightedRandomSampler([0.1, 0.9, 0.4, 0.3, 2.0], 4, replacement=False)),
    "weighted_tensor": lambda T, D: list(D.WeightedRandomSampler(T.tensor([1., 3.]), 5)),
    "weighted_attrs": lambda T, D: (D.WeightedRandomSampler([1, 2], 3).weights,
                                    len(D.WeightedRandomSampler([1, 2], 3))),
    "weighted_2d": lambda T, D: D.WeightedRandomSampler([[1., 2.]], 3),
    "weighted_zero": lambda T, D: D.WeightedRandomSampler([1., 2.], 0),
    "weighted_bad_replacement": lambda T, D: D.WeightedRandomSampler([1., 2.], 3, replacement=0),
    "weighted_order_of_checks": lambda T, D: D.WeightedRandomSampler([[1.]], 0, replacement=0),
    "weighted_too_many": lambda T, D: list(D.WeightedRandomSampler([1., 2.], 3, False)),
    "batch": lambda T, D: [list(D.BatchSampler(range(7), 3, d)) for d in (False, True)],
    "batch_len": lambda T, D: [len(D.BatchSampler(range(n), 3, d)) for n in (6, 7, 8)
                               for d in (False, True)],
    "batch_exact": lambda T, D: list(D.BatchSampler(range(6), 3, False)),
    "batch_random": lambda T, D: list(D.BatchSampler(D.RandomSampler(range(10)), 4, False)),
    "batch_zero": lambda T, D: D.BatchSampler(range(5), 0, False),
    "batch_bool_size": lambda T, D: D.BatchSampler(range(5), True, False),
    "batch_float_size": lambda T, D: D.BatchSampler(range(5), 2.0, False),
    "batch_bad_drop_last": lambda T, D: D.BatchSampler(range(5), 2, 1),
    "sampler_base_iter": lambda T, D: iter(D.Sampler()),
    "sampler_base_args": lambda T, D: D.Sampler([1, 2]),
    "sampler_base_len": lambda T, D: len(D.Sampler()),
}


def _with_gen(T, fn, seed=5):
    g = T.Generator().manual_seed(seed)
    return fn(g), T.rand(2, generator=g)


RAISES |= {"random_bad_replacement", "random_zero_samples", "random_float_samples",
           "random_empty", "random_empty_num_samples", "weighted_2d", "weighted_zero",
           "weighted_bad_replacement", "weighted_order_of_checks", "weighted_too_many",
           "batch_zero", "batch_bool_size", "batch_float_size", "batch_bad_drop_last",
           "sampler_base_iter", "sampler_base_args", "sampler_base_len"}


@pytest.mark.parametrize("name", list(SAMPLER_CASES))
@pytest.mark.parametrize("seed", [0, 3])
def test_samplers(name, seed):
    check_kind(same(SAMPLER_CASES[name], seed, ok=None), name)


def test_random_sampler_seeds_lazily():
    """The seed is drawn when iteration starts (at the first next), not at iter()."""
    def f(T, D):
        it = iter(D.RandomSampler(range(6)))
        between = T.rand(1)
        return between, list(it)
    same(f, 1)


# ---------------------------------------------------------------------------- collation
class MyList(list):
    pass


COLLATE_BATCHES = {
    "ints": lambda T, np_: [1, 2, 3],
    "floats": lambda T, np_: [1.5, 2.0],
    "int_then_float": lambda T, np_: [1, 2.5],
    "float_then_int": lambda T, np_: [2.5, 1],
    "bools": lambda T, np_: [True, False, True],
    "strings": lambda T, np_: ["a", "b"],
    "bytes": lambda T, np_: [b"x", b"y"],
    "int_then_str": lambda T, np_: [1, "a"],
    "np_float32": lambda T, np_: [np.float32(1.5), np.float32(2)],
    "np_int16": lambda T, np_: [np.int16(1), np.int16(2)],
    "np_float64": lambda T, np_: [np.float64(0.5), np.float64(2)],
    "np_bool": lambda T, np_: [np.bool_(True), np.bool_(False)],
    "np_str": lambda T, np_: [np.str_("a"), np.str_("b")],
    "np_arrays": lambda T, np_: [np.arange(3), np.arange(3)],
    "np_0d": lambda T, np_: [np.array(3.0), np.array(4.0)],
    "np_strided": lambda T, np_: [np.arange(5)[::2], np.arange(3)],
    "np_uneven": lambda T, np_: [np.arange(3), np.arange(2)],
    "np_mixed_dtypes": lambda T, np_: [np.arange(3), np.arange(3.0), np.ones(3, np.float32)],
    "np_negative_stride": lambda T, np_: [np.arange(3), np.arange(3)[::-1]],
    "np_big_endian": lambda T, np_: [np.arange(3, dtype=">i4"), np.arange(3, dtype=">i4")],
    "np_rows": lambda T, np_: list(np.arange(24, dtype=np.float32).reshape(4, 6)),
    "np_columns": lambda T, np_: list(np.arange(24, dtype=np.int16).reshape(4, 6).T),
    "bool_then_int": lambda T, np_: [True, 2],
    "int_then_bool": lambda T, np_: [1, True],
    "big_int": lambda T, np_: [1, 2**63],
    "float_then_np": lambda T, np_: [1.5, np.float32(2.5)],
    "np_str_array": lambda T, np_: [np.array(["a"]), np.array(["b"])],
    "np_obj_array": lambda T, np_: [np.array([None]), np.array([None])],
    "tensors": lambda T, np_: [T.ones(2, 3), T.zeros(2, 3)],
    "tensors_promote": lambda T, np_: [T.ones(3), T.ones(3, dtype=T.int64)],
    "tensors_uneven": lambda T, np_: [T.ones(3), T.ones(2)],
    "tensors_transposed": lambda T, np_: [T.ones(2, 3).t(), T.ones(3, 2)],
    "tensors_grad": lambda T, np_: [T.ones(2, requires_grad=True), T.ones(2)],
    "tensors_0d": lambda T, np_: [T.tensor(1.5), T.tensor(2.5)],
    "dicts": lambda T, np_: [{"a": 1, "b": T.ones(2)}, {"a": 2, "b": T.zeros(2)}],
    "dict_missing_key": lambda T, np_: [{"a": 1}, {"b": 2}],
    "ordered_dict": lambda T, np_: [collections.OrderedDict(b=1.0, a=2),
                                    collections.OrderedDict(b=3.0, a=4)],
    "namedtuples": lambda T, np_: [P(1, 2.0), P(3, 4.0)],
    "lists": lambda T, np_: [[1, 2.0], [3, 4.0]],
    "tuples": lambda T, np_: [(1, 2.0), (3, 4.0)],
    "tuple_strings": lambda T, np_: [("a", 1), ("b", 2)],
    "uneven_tuples": lambda T, np_: [(1, 2.0), (3,)],
    "nested": lambda T, np_: [(T.ones(2), {"k": [1, 2]}), (T.zeros(2), {"k": [3, 4]})],
    "my_list": lambda T, np_: [MyList([1, 2]), MyList([3, 4])],
    "ranges": lambda T, np_: [range(2), range(2)],
    "none": lambda T, np_: [None, None],
    "object": lambda T, np_: [object(), None],
    "complex": lambda T, np_: [1 + 2j, 3j],
    "set": lambda T, np_: [{1, 2}, {3, 4}],
    "empty": lambda T, np_: [],
}


RAISES |= {"int_then_str", "np_uneven", "np_negative_stride", "np_big_endian", "big_int",
           "np_str_array", "np_obj_array", "tensors_uneven", "dict_missing_key", "uneven_tuples",
           "none", "object", "complex", "set", "empty"}


@pytest.mark.parametrize("name", list(COLLATE_BATCHES))
def test_default_collate(name):
    check_kind(same(lambda T, D: D.default_collate(COLLATE_BATCHES[name](T, np)), ok=None), name)


CONVERT_DATA = {
    "tuple": lambda T: (1, np.ones(2)),
    "list": lambda T: [1, np.ones(1, np.float32)],
    "str": lambda T: "ab",
    "str_array": lambda T: np.array(["a"]),
    "np_int32": lambda T: np.int32(3),
    "np_float64": lambda T: np.float64(3),
    "np_bool": lambda T: np.bool_(True),
    "array": lambda T: np.arange(4).reshape(2, 2),
    "dict": lambda T: {"a": np.ones(2), "b": "x"},
    "namedtuple": lambda T: P(np.float32(3), 1),
    "tensor": lambda T: T.arange(3),
    "my_list": lambda T: MyList([np.int8(1), 2]),
    "none_value": lambda T: None,
}


@pytest.mark.parametrize("name", list(CONVERT_DATA))
def test_default_convert(name):
    check_kind(same(lambda T, D: D.default_convert(CONVERT_DATA[name](T))), name)


def test_default_convert_shares_memory():
    a = np.arange(3.0)
    t = tl.utils.data.default_convert(a)
    t[0] = 7.0
    assert a[0] == 7.0
    assert type(tl.utils.data.default_convert(MyList([1]))) is MyList


# ---------------------------------------------------------------------------- DataLoader
def loader_results(dl, epochs=3):
    return [[b for b in dl] for _ in range(epochs)]


LOADER_ERRORS = {
    "shuffle_and_sampler": dict(shuffle=True, sampler=[0, 1]),
    "batch_sampler_and_batch_size": dict(batch_sampler=[[0]], batch_size=2),
    "batch_sampler_and_drop_last": dict(batch_sampler=[[0]], drop_last=True),
    "batch_sampler_and_shuffle": dict(batch_sampler=[[0]], shuffle=True),
    "batch_sampler_and_sampler": dict(batch_sampler=[[0]], sampler=[0]),
    "none_batch_drop_last": dict(batch_size=None, drop_last=True),
    "negative_workers": dict(num_workers=-1),
    "negative_workers_first": dict(num_workers=-1, timeout=-1, shuffle=True, sampler=[1]),
    "negative_timeout": dict(timeout=-1),
    "prefetch_without_workers": dict(prefetch_factor=2),
    "prefetch_negative": dict(num_workers=1, prefetch_factor=-1),
    "persistent_without_workers": dict(persistent_workers=True),
    "prefetch_before_persistent": dict(persistent_workers=True, prefetch_factor=2),
    "zero_batch": dict(batch_size=0),
    "float_batch": dict(batch_size=2.0),
    "drop_last_int": dict(drop_last=1),
    "sampler_before_batch_none": dict(batch_size=None, drop_last=True, shuffle=True, sampler=[1]),
    "context_without_workers": dict(multiprocessing_context="spawn"),
    "context_bogus": dict(num_workers=1, multiprocessing_context="bogus"),
    "context_int": dict(num_workers=1, multiprocessing_context=3),
}


@pytest.mark.parametrize("name", list(LOADER_ERRORS))
def test_loader_errors(name):
    same(lambda T, D: D.DataLoader(ds_tensors(T), **LOADER_ERRORS[name]), ok=False)


@pytest.mark.parametrize("kw", [dict(shuffle=True), dict(sampler=[0]), dict(batch_sampler=[[0]])],
                         ids=["shuffle", "sampler", "batch_sampler"])
def test_loader_iterable_errors(kw):
    same(lambda T, D: D.DataLoader(counting(D), **kw), ok=False)


def test_loader_attributes():
    def f(T, D):
        out = []
        for kw in (dict(batch_size=3), dict(batch_size=None), dict(shuffle=True),
                   dict(shuffle=1), dict(shuffle=None), dict(batch_sampler=[[0, 1]]),
                   dict(num_workers=2), dict(sampler=[2, 1], batch_size=1)):
            dl = D.DataLoader(ds_tensors(T), **kw)
            out.append((dl.batch_size, dl.drop_last, type(dl.sampler).__name__,
                        type(dl.batch_sampler).__name__, dl.num_workers,
                        dl.collate_fn.__name__, dl.prefetch_factor, dl.timeout, dl.pin_memory,
                        dl.generator, dl.worker_init_fn, dl._dataset_kind, dl.persistent_workers,
                        dl.multiprocessing_context, dl.in_order, dl.pin_memory_device,
                        dl._auto_collation, type(dl._index_sampler).__name__))
        return out
    same(f)


@pytest.mark.parametrize("attr", ["batch_size", "batch_sampler", "sampler", "drop_last",
                                  "dataset", "persistent_workers", "num_workers", "collate_fn",
                                  "generator"])
def test_loader_frozen_attributes(attr):
    def f(T, D):
        dl = D.DataLoader(ds_tensors(T), batch_size=3)
        setattr(dl, attr, 2)
        return getattr(dl, attr)
    same(f, ok=attr in ("num_workers", "collate_fn", "generator"))


LOADER_RUNS = {
    "default": dict(),
    "batch4": dict(batch_size=4),
    "batch4_drop": dict(batch_size=4, drop_last=True),
    "batch5_exact": dict(batch_size=5),
    "batch5_exact_drop": dict(batch_size=5, drop_last=True),
    "batch_big": dict(batch_size=64),
    "batch_big_drop": dict(batch_size=64, drop_last=True),
    "shuffle": dict(batch_size=3, shuffle=True),
    "shuffle_drop": dict(batch_size=3, shuffle=True, drop_last=True),
    "shuffle_exact": dict(batch_size=5, shuffle=True),
    "shuffle_one": dict(shuffle=True),
    "no_batching": dict(batch_size=None),
    "no_batching_shuffle": dict(batch_size=None, shuffle=True),
    "sampler": dict(sampler=[9, 0, 3], batch_size=2),
    "batch_sampler": dict(batch_sampler=[[1, 2], [9], [0, 0, 4]]),
    "collate_fn": dict(batch_size=4, collate_fn=lambda b: len(b)),
    "workers2": dict(batch_size=3, shuffle=True, num_workers=2),
    "workers1_prefetch": dict(batch_size=2, shuffle=True, num_workers=1, prefetch_factor=1),
    "workers2_no_batching": dict(batch_size=None, shuffle=True, num_workers=2),
    "persistent": dict(batch_size=3, shuffle=True, num_workers=2, persistent_workers=True),
    "pin_memory": dict(batch_size=4, pin_memory=True),
    "weighted": dict(batch_size=3, sampler="weighted"),
    "random_replacement": dict(batch_size=4, sampler="replacement"),
}


def _loader(T, D, kw, dataset=None):
    kw = dict(kw)
    ds = ds_tensors(T) if dataset is None else dataset
    if kw.get("sampler") == "weighted":
        kw["sampler"] = D.WeightedRandomSampler([1.0] * 5 + [3.0] * 5, 8)
    elif kw.get("sampler") == "replacement":
        kw["sampler"] = D.RandomSampler(ds, replacement=True, num_samples=11)
    return D.DataLoader(ds, **kw)


@pytest.mark.parametrize("name", list(LOADER_RUNS))
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_loader_epochs(name, seed):
    """Batches over three epochs and the global stream position afterwards."""
    check_kind(same(lambda T, D: loader_results(_loader(T, D, LOADER_RUNS[name])), seed), name)


@pytest.mark.parametrize("workers", [0, 2])
@pytest.mark.parametrize("consume", ["all", "one", "none"])
def test_loader_generator(workers, consume):
    """With generator=G both the base seed and the permutation come from G (and a finished
    epoch draws one extra, discarded permutation); the global stream is untouched."""
    def f(T, D):
        g = T.Generator().manual_seed(5)
        dl = D.DataLoader(ds_tensors(T, 6), batch_size=4, shuffle=True, generator=g,
                          num_workers=workers)
        out = []
        for _ in range(2):
            it = iter(dl)
            if consume == "all":
                out.append(list(it))
            elif consume == "one":
                out.append(next(it))
        return out, T.rand(2, generator=g)
    same(f, 4)


def test_loader_len_and_iterator():
    def f(T, D):
        dl = D.DataLoader(range(10), batch_size=3)
        it = iter(dl)
        first = (len(dl), len(it), type(it).__name__, iter(it) is it)
        rest = [next(it), len(it), list(it), list(it)]
        try:
            next(it)
        except StopIteration:
            rest.append("stop")
        lens = [len(D.DataLoader(range(10), batch_size=b, drop_last=d))
                for b in (1, 3, 5, 20) for d in (False, True)]
        return first, rest, lens
    same(f, 0)


def test_loader_seed_timing():
    """iter() draws the base seed; the shuffling sampler's seed is drawn at the first batch."""
    def f(T, D):
        dl = D.DataLoader(ds_tensors(T), batch_size=4, shuffle=True)
        it = iter(dl)
        between = T.rand(1)
        return between, list(it)
    same(f, 0)


def test_loader_subset_fast_path():
    """random_split's Subsets of a TensorDataset (a gather per batch here) equal torch."""
    def f(T, D):
        train, val = D.random_split(ds_tensors(T, 50), [0.8, 0.2])
        return (loader_results(D.DataLoader(train, batch_size=16, shuffle=True), 2),
                list(D.DataLoader(val, batch_size=8)))
    same(f, 0)


@pytest.mark.parametrize("indices", [[0, 3, 10], [-1, 2], [True, False], [1, True], [1.0, 2]],
                         ids=str)
def test_loader_subset_bad_indices(indices):
    same(lambda T, D: list(D.DataLoader(D.Subset(ds_tensors(T), indices), batch_size=3)),
         ok=indices == [-1, 2])


def test_loader_requires_grad_rows():
    """Rows of a tensor that requires grad are stacked with a graph, as torch does."""
    def f(T, D):
        x = T.arange(6.0).reshape(3, 2).requires_grad_()
        b = next(iter(D.DataLoader(D.TensorDataset(x), batch_size=2)))
        b[0].sum().backward()
        return b, x.grad
    same(f)


def test_collate_gradcheck():
    """Finite differences (float64) agree with the gradient through default_collate's stack."""
    rng = np.random.RandomState(0)
    x0 = rng.randn(4, 3)
    w = rng.randn(2, 3)

    def f(xa):
        x = tl.tensor(xa, requires_grad=True)
        batch = tl.utils.data.default_collate([x[2], x[0] * 3.0])
        return (batch * tl.tensor(w)).sum(), x
    value, x = f(x0)
    value.backward()
    eps, numeric = 1e-6, np.zeros_like(x0)
    for i in np.ndindex(x0.shape):
        up, down = x0.copy(), x0.copy()
        up[i] += eps
        down[i] -= eps
        numeric[i] = (f(up)[0].item() - f(down)[0].item()) / (2 * eps)
    np.testing.assert_allclose(x.grad.numpy(), numeric, rtol=1e-6, atol=1e-8)
    assert np.abs(numeric).sum() > 0


def test_loader_batch_is_a_copy():
    for T, D in LIBS:
        x = T.arange(6.0).reshape(3, 2)
        b = next(iter(D.DataLoader(D.TensorDataset(x.t()), batch_size=2)))[0]
        b[...] = -1.0
        assert x.min().item() == 0.0
        assert b.is_contiguous()


@pytest.mark.parametrize("workers", [0, 2, 3])
@pytest.mark.parametrize("batch", [(2, False), (2, True), (None, False)], ids=str)
def test_loader_iterable(workers, batch):
    """Workers each iterate their replica; batches interleave round-robin until each ends."""
    def f(T, D):
        dl = D.DataLoader(counting(D, 5), batch_size=batch[0], drop_last=batch[1],
                          num_workers=workers)
        return loader_results(dl, 2)
    same(f, 0)


def test_loader_iterable_persistent():
    same(lambda T, D: loader_results(D.DataLoader(counting(D, 5), batch_size=2, num_workers=2,
                                                  persistent_workers=True), 2), 0)


def test_loader_iterable_len_warning():
    def f(T, D):
        class L(D.IterableDataset):
            def __iter__(self):
                return iter(range(6))

            def __len__(self):
                return 3

            def __repr__(self):
                return "L()"
        out = []
        for w in (0, 1):
            dl = D.DataLoader(L(), batch_size=None, num_workers=w)
            out.append((len(dl), list(dl)))
        return out
    same(f, 0)


def random_dataset(D):
    """Every sample draws from torch's, Python's and NumPy's global generators."""
    class R(D.Dataset):
        def __len__(self):
            return 7

        def __getitem__(self, i):
            T = torch if D is torch.utils.data else tl
            info = D.get_worker_info()
            who = None if info is None else (info.id, info.num_workers, info.seed)
            return (i, T.rand(1).item(), T.randn(2), pyrandom.random(), np.random.rand(), who)
    return R()


@pytest.mark.parametrize("workers", [0, 1, 2, 3])
@pytest.mark.parametrize("persistent", [False, True])
def test_loader_worker_random_streams(workers, persistent):
    """A dataset drawing random numbers sees, in each worker, what torch's worker sees, and
    the main process's streams continue as in torch."""
    if persistent and not workers:
        pytest.skip("persistent workers need workers")

    def f(T, D):
        pyrandom.seed(1)
        np.random.seed(2)
        dl = D.DataLoader(random_dataset(D), batch_size=2, shuffle=True, num_workers=workers,
                          collate_fn=lambda b: b, persistent_workers=persistent)
        out = loader_results(dl, 2)
        return out, pyrandom.random(), np.random.rand()
    same(f, 9)


def test_worker_init_fn_and_info():
    """worker_init_fn runs in each worker with its seeds, and configures that worker's own
    copy of the dataset (info.dataset), as in torch's sharding example."""
    def f(T, D):
        def init(wid):
            info = D.get_worker_info()
            info.dataset.tag = (wid, info.id, info.num_workers, info.seed, T.rand(1).item(),
                                T.initial_seed(), info.rng, info.worker_method)

        class Tagged(D.Dataset):
            tag = None

            def __len__(self):
                return 6

            def __getitem__(self, i):
                return i, self.tag
        ds = Tagged()
        batches = [list(D.DataLoader(ds, batch_size=2, num_workers=2, worker_init_fn=init,
                                     collate_fn=lambda b: b, persistent_workers=p))
                   for p in (False, True)]
        return batches, ds.tag, D.get_worker_info()
    same(f, 0)


def test_worker_sharding_example():
    """torch's documented IterableDataset sharding via worker_init_fn."""
    def f(T, D):
        class Range(D.IterableDataset):
            def __init__(self, start, end):
                self.start, self.end = start, end

            def __iter__(self):
                return iter(range(self.start, self.end))

        def init(wid):
            info = D.get_worker_info()
            ds = info.dataset
            per = -(-(ds.end - ds.start) // info.num_workers)
            ds.start = ds.start + wid * per
            ds.end = min(ds.start + per, ds.end)
        return [list(D.DataLoader(Range(3, 10), num_workers=w, worker_init_fn=init))
                for w in (0, 2, 3)]
    same(f, 0)


def test_worker_info_is_frozen():
    def f(T, D):
        class W(D.Dataset):
            def __len__(self):
                return 1

            def __getitem__(self, i):
                info = D.get_worker_info()
                try:
                    info.id = 3
                except Exception as e:                      # noqa: BLE001
                    return type(e).__name__, str(e), repr(info).split(", dataset=")[0]
        return list(D.DataLoader(W(), num_workers=1, batch_size=None))
    same(f)


def test_worker_count_warning(monkeypatch):
    import os
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1})
    same(lambda T, D: [len(list(D.DataLoader(range(4), num_workers=3))) for _ in range(2)])


def test_training_style_loop_matches():
    """A learner's loop: random_split, shuffled loader over train, plain loader over val."""
    def f(T, D):
        X = T.randn(40, 3)
        y = (X.sum(1) > 0).long()
        train, val = D.random_split(D.TensorDataset(X, y), [30, 10])
        tl_ = D.DataLoader(train, batch_size=8, shuffle=True)
        out = []
        for _ in range(2):
            out.append([(xb, yb) for xb, yb in tl_])
        out.append([yb.tolist() for _, yb in D.DataLoader(val, batch_size=4)])
        return out
    same(f, 0)


# ---------------------------------------------------------------------------- hypothesis
@settings(max_examples=40, deadline=None)
@given(n=st.integers(1, 70), batch=st.integers(1, 20), drop_last=st.booleans(),
       shuffle=st.booleans(), workers=st.sampled_from([0, 0, 2]), seed=st.integers(0, 2**32),
       epochs=st.integers(1, 3))
def test_loader_orders_hypothesis(n, batch, drop_last, shuffle, workers, seed, epochs):
    def f(T, D):
        ds = D.TensorDataset(T.arange(n))
        dl = D.DataLoader(ds, batch_size=batch, shuffle=shuffle, drop_last=drop_last,
                          num_workers=workers)
        return [[b[0].tolist() for b in dl] for _ in range(epochs)], len(dl)
    same(f, seed)


@settings(max_examples=30, deadline=None)
@given(n=st.integers(1, 300), num_samples=st.one_of(st.none(), st.integers(1, 400)),
       replacement=st.booleans(), seed=st.integers(0, 2**63))
def test_random_sampler_hypothesis(n, num_samples, replacement, seed):
    same(lambda T, D: list(D.RandomSampler(range(n), replacement, num_samples)), seed)


@settings(max_examples=30, deadline=None)
@given(shape=st.lists(st.integers(0, 3), max_size=3), batch=st.integers(1, 4),
       dtype=st.sampled_from(["float32", "float64", "int64", "int32", "bool", "uint8"]))
def test_collate_tensors_hypothesis(shape, batch, dtype):
    def f(T, D):
        d = getattr(T, dtype)
        items = [(T.ones(shape, dtype=d) * i if dtype != "bool" else T.ones(shape, dtype=d),
                  np.full(shape, i, np.int16), float(i), i) for i in range(batch)]
        return D.default_collate(items)
    same(f)
