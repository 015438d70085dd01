"""torch.save / torch.load in PyTorch's zip format, so that files move both ways between torch
and torchless.

The file (what torch 2.13 writes, read off its files): a stored (uncompressed) zip archive whose
members sit in one folder (the file's stem, or ``archive`` for a file object):

    <name>/data.pkl                 the object, pickled with protocol 2
    <name>/.format_version          b"1"
    <name>/.storage_alignment       b"64": each member's data starts at a multiple of 64 bytes
                                    (the local header's extra field "FB" pads it)
    <name>/byteorder                b"little"
    <name>/data/<key>               the raw bytes of one storage
    <name>/version                  b"3\\n"
    <name>/.data/serialization_id   an id of 40 digits

In data.pkl a tensor is ``torch._utils._rebuild_tensor_v2(storage, storage_offset, size,
stride, requires_grad, OrderedDict())``; the storage is a persistent id ``('storage',
torch.FloatStorage, '<key>', 'cpu', numel)``: each storage is written once however many
tensors view it, so views keep sharing memory.  An nn.Parameter is
``torch._utils._rebuild_parameter(tensor, requires_grad, OrderedDict())``; torch.Size,
torch.device and dtypes are the globals ``torch Size``, ``torch device``, ``torch float32``.

Saving writes those names of torch's (a Pickler that emits them as GLOBAL opcodes; torch is
never imported); loading maps them back to torchless's own functions (Unpickler.find_class).
``load(weights_only=True)`` (torch 2.13's default) admits only the globals a checkpoint of
tensors and plain containers needs, plus those given to add_safe_globals / safe_globals.

Only the zip format: files written with ``_use_new_zipfile_serialization=False`` (torch's
legacy format) are neither written nor read.  A whole nn.Module pickles its class by
reference (weights_only=False only): torchless reads torch's module classes as torchless's
classes of the same name, and writes its own classes under torchless's names (which real
torch cannot rebuild) — save state_dict()s to exchange models.
"""
from __future__ import annotations

import os
from collections import OrderedDict, Counter

import numpy as np

from . import _dtype as D
from ._size import Size
from ._tensor import Tensor, device, _wrap, _root

__all__ = ["save", "load", "add_safe_globals", "get_safe_globals", "clear_safe_globals",
           "safe_globals", "DEFAULT_PROTOCOL"]

DEFAULT_PROTOCOL = 2

_STORAGE_NAMES = {
    D.bool_: "BoolStorage", D.uint8: "ByteStorage", D.int8: "CharStorage",
    D.int16: "ShortStorage", D.int32: "IntStorage", D.int64: "LongStorage",
    D.float16: "HalfStorage", D.float32: "FloatStorage", D.float64: "DoubleStorage",
    D.complex64: "ComplexFloatStorage", D.complex128: "ComplexDoubleStorage",
}
_ALIGNMENT = 64


# ===================================================================================== save
class _Global:
    """A global of torch's, written into the pickle as ``GLOBAL module name``."""
    __slots__ = ("module", "name")

    def __init__(self, module, name):
        self.module = module
        self.name = name

    def __call__(self, *args):      # pickle wants a callable in a reduce tuple
        raise TypeError(f"{self.module}.{self.name} is torch's name; it is only written")


_GLOBALS = {}


def _g(module, name):
    key = (module, name)
    g = _GLOBALS.get(key)
    if g is None:
        g = _GLOBALS[key] = _Global(module, name)
    return g


class _PlainTensor:
    """The tensor inside a saved Parameter (saved with requires_grad False, as torch does)."""
    __slots__ = ("t",)

    def __init__(self, t):
        self.t = t


class _StorageRef:
    """One storage being saved: its key in the archive, dtype and bytes (from its root array)."""
    __slots__ = ("key", "dtype", "root", "nbytes")

    def __init__(self, key, dtype, root, nbytes):
        self.key = key
        self.dtype = dtype
        self.root = root
        self.nbytes = nbytes

    def data(self):
        if self.nbytes == 0:
            return b""
        r = self.root
        return np.lib.stride_tricks.as_strided(
            r, shape=(self.nbytes // r.itemsize,), strides=(r.itemsize,)).tobytes()


def _extent(a):
    """Bytes from a's first element to the end of its last one (strides are non-negative)."""
    if a.size == 0:
        return 0
    return sum((n - 1) * s for n, s in zip(a.shape, a.strides)) + a.itemsize


def _contiguous_strides(shape):
    st, acc = [], 1
    for s in reversed(shape):
        st.append(acc)
        acc *= max(s, 1)
    return tuple(reversed(st))


_PICKLER = None


def _pickler_class():
    """A pure-Python Pickler (its dispatch table can write torch's GLOBAL names)."""
    global _PICKLER
    if _PICKLER is not None:
        return _PICKLER
    import pickle

    class _Pickler(pickle._Pickler):
        dispatch = pickle._Pickler.dispatch.copy()

        def __init__(self, file, protocol):
            super().__init__(file, protocol)
            self.storages = []          # _StorageRef in key order
            self._by_root = {}          # (root data pointer, nbytes) -> _StorageRef

        def _write_global(self, module, name, obj):
            self.write(pickle.GLOBAL + f"{module}\n{name}\n".encode("utf-8"))
            self.memoize(obj)

        def _save_torch_global(self, obj):
            self._write_global(obj.module, obj.name, obj)

        def _save_dtype(self, obj):
            self._write_global("torch", obj.name, obj)

        dispatch[_Global] = _save_torch_global

        def save_global(self, obj, name=None):
            # torchless's classes and functions go under torch's names (torchless.nn.Linear is
            # written as torch.nn.modules.linear.Linear), so a whole built-in module loads in
            # torch; torchless.load maps the names back
            mod = getattr(obj, "__module__", None)
            if isinstance(mod, str) and (mod == "torchless" or mod.startswith("torchless.")):
                self._write_global("torch" + mod[len("torchless"):],
                                   name or obj.__qualname__, obj)
            else:
                super().save_global(obj, name)
        dispatch[D.dtype] = _save_dtype

        def persistent_id(self, obj):
            if type(obj) is _StorageRef:
                return ("storage", _g("torch", _STORAGE_NAMES[obj.dtype]), obj.key, "cpu",
                        obj.nbytes // obj.dtype.itemsize)
            return None

        def reducer_override(self, obj):
            if isinstance(obj, Tensor):
                from .nn.parameter import Parameter
                if isinstance(obj, Parameter):
                    return (_g("torch._utils", "_rebuild_parameter"),
                            (_PlainTensor(obj), obj.requires_grad, OrderedDict()))
                return self._reduce_tensor(obj, bool(obj.requires_grad))
            t = type(obj)
            if t is _PlainTensor:
                return self._reduce_tensor(obj.t, False)
            if t is Size:
                return (_g("torch", "Size"), (tuple(obj),))
            if t is device:
                return (_g("torch", "device"), (str(obj),))
            return NotImplemented

        def _reduce_tensor(self, t, requires_grad):
            ref, offset, stride = self._storage_of(t)
            return (_g("torch._utils", "_rebuild_tensor_v2"),
                    (ref, offset, tuple(t._a.shape), stride, requires_grad, OrderedDict()))

        def _new_ref(self, dtype, root, nbytes):
            ref = _StorageRef(str(len(self.storages)), dtype, root, nbytes)
            self.storages.append(ref)
            return ref

        def _storage_of(self, t):
            """(storage, offset, stride) for t: its root array's memory, shared by every
            tensor viewing the same root; a contiguous copy where the memory can't be
            described as torch's (element offset, element strides)."""
            a, dt = t._a, t.dtype
            if dt not in _STORAGE_NAMES:
                raise RuntimeError(f"torchless cannot save tensors of dtype {dt}")
            item = dt.itemsize
            root = _root(a)
            if a.size and root.size and min(root.strides + a.strides, default=0) >= 0:
                rptr = root.__array_interface__["data"][0]
                off = a.__array_interface__["data"][0] - rptr
                nbytes = _extent(root)
                if (off >= 0 and off % item == 0 and off + _extent(a) <= nbytes
                        and nbytes % root.itemsize == 0
                        and all(s % root.itemsize == 0 for s in root.strides)
                        and all(s % item == 0 for n, s in zip(a.shape, a.strides) if n > 1)):
                    key = (rptr, nbytes)
                    ref = self._by_root.get(key)
                    if ref is None:
                        ref = self._by_root[key] = self._new_ref(dt, root, nbytes)
                    elif ref.dtype is not dt:
                        raise RuntimeError("Cannot save multiple tensors or storages that view "
                                           "the same data as different types")
                    return ref, off // item, t.stride()
            c = np.ascontiguousarray(a)
            return self._new_ref(dt, c, c.nbytes), 0, _contiguous_strides(a.shape)

    _PICKLER = _Pickler
    return _Pickler


def _is_path(f):
    return isinstance(f, (str, os.PathLike))


def save(obj, f, pickle_module=None, pickle_protocol=DEFAULT_PROTOCOL,
         _use_new_zipfile_serialization=True, _disable_byteorder_record=False):
    """Save obj to f (a path or a writable binary file object) in torch's zip format."""
    if not _use_new_zipfile_serialization:
        raise NotImplementedError("torchless.save writes only the zip format "
                                  "(_use_new_zipfile_serialization=True)")
    import io
    import struct
    import zipfile

    if _is_path(f):
        name = os.path.splitext(os.path.basename(os.fspath(f)))[0] or "archive"
    elif hasattr(f, "write"):
        name = "archive"
    else:
        raise AttributeError(f"'{type(f).__name__}' object has no attribute 'write'")

    buf = io.BytesIO()
    pickler = _pickler_class()(buf, pickle_protocol)
    pickler.dump(obj)
    records = [("data.pkl", buf.getvalue()), (".format_version", b"1"),
               (".storage_alignment", str(_ALIGNMENT).encode())]
    if not _disable_byteorder_record:
        records.append(("byteorder", b"little"))
    records += [(f"data/{ref.key}", ref.data()) for ref in pickler.storages]
    records += [("version", b"3\n"),
                (".data/serialization_id",
                 str(int.from_bytes(os.urandom(17), "little")).zfill(40)[:40].encode())]

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zf:
        for rel, data in records:
            zi = zipfile.ZipInfo(f"{name}/{rel}", date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_STORED
            start = out.tell() + 30 + len(zi.filename.encode("utf-8")) + 4
            pad = -start % _ALIGNMENT
            zi.extra = b"FB" + struct.pack("<H", pad) + b"Z" * pad
            zf.writestr(zi, data)
    if _is_path(f):
        with open(f, "wb") as fh:
            fh.write(out.getbuffer())
    else:
        f.write(out.getbuffer())


# ===================================================================================== load
class _StorageType:
    """What torch.FloatStorage & co. name in a file: the dtype of a storage."""
    __slots__ = ("dtype", "name")

    def __init__(self, dtype, name):
        self.dtype = dtype
        self.name = name

    def __repr__(self):
        return f"<class 'torch.{self.name}'>"


_STORAGE_TYPES = {n: _StorageType(d, n) for d, n in _STORAGE_NAMES.items()}


class _LoadedStorage:
    """A storage read from a file: its bytes (a writable uint8 array all its tensors view)
    and the dtype the file gave it.  map_location callables receive it."""
    __slots__ = ("raw", "dtype", "location")

    def __init__(self, raw, dtype, location="cpu"):
        self.raw = raw
        self.dtype = dtype
        self.location = location

    @property
    def device(self):
        return device("cpu")

    def cpu(self):
        return self

    def size(self):
        return self.raw.nbytes // self.dtype.itemsize

    def nbytes(self):
        return self.raw.nbytes

    def __len__(self):
        return self.size()

    def cuda(self, *a, **k):
        raise AssertionError("Torch not compiled with CUDA enabled")

    def to(self, *a, **k):
        return self


def _rebuild_tensor_v2(storage, storage_offset, size, stride, requires_grad, backward_hooks,
                       metadata=None):
    dt = storage.dtype
    item = dt.itemsize
    size = tuple(size)
    if 0 in size:
        a = np.zeros(size, dt.np)
    else:
        a = np.ndarray(size, dt.np, buffer=storage.raw, offset=storage_offset * item,
                       strides=tuple(s * item for s in stride))
    t = _wrap(a, dt)
    t.requires_grad = bool(requires_grad)
    return t


def _rebuild_tensor(storage, storage_offset, size, stride):
    return _rebuild_tensor_v2(storage, storage_offset, size, stride, False, None)


def _rebuild_parameter(data, requires_grad, backward_hooks):
    from .nn.parameter import Parameter
    return Parameter(data, requires_grad)


def _rebuild_parameter_with_state(data, requires_grad, backward_hooks, state):
    from .nn.parameter import Parameter
    p = Parameter(data, requires_grad)
    for k, v in (state or {}).items():
        try:
            setattr(p, k, v)
        except AttributeError:
            pass
    return p


def _rebuild_from_type_v2(func, new_type, args, state):
    from .nn.parameter import Parameter
    ret = func(*args)
    if isinstance(new_type, type) and issubclass(new_type, Tensor) and type(ret) is not new_type:
        if new_type is Parameter:
            ret = Parameter(ret, ret.requires_grad)
        else:
            ret.__class__ = new_type
    return ret


def _torch_table():
    from .nn.parameter import Parameter
    t = {
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor_v2,
        ("torch._utils", "_rebuild_tensor"): _rebuild_tensor,
        ("torch._utils", "_rebuild_parameter"): _rebuild_parameter,
        ("torch._utils", "_rebuild_parameter_with_state"): _rebuild_parameter_with_state,
        ("torch._tensor", "_rebuild_from_type_v2"): _rebuild_from_type_v2,
        ("torch", "Size"): Size,
        ("torch", "device"): device,
        ("torch", "Tensor"): Tensor,
        ("torch._tensor", "Tensor"): Tensor,
        ("torch.nn.parameter", "Parameter"): Parameter,
        ("torch", "strided"): D.strided,
        ("torch.storage", "UntypedStorage"): _StorageType(D.uint8, "UntypedStorage"),
        ("torch", "UntypedStorage"): _StorageType(D.uint8, "UntypedStorage"),
    }
    for d in D.ALL:
        t[("torch", d.name)] = d
    for n, st in _STORAGE_TYPES.items():
        t[("torch", n)] = st
    for n in ("BFloat16Storage", "ComplexHalfStorage", "QInt8Storage", "QUInt8Storage",
              "QInt32Storage", "QUInt4x2Storage", "QUInt2x4Storage"):
        t[("torch", n)] = _StorageType(None, n)     # dtypes torchless does not have
    return t


_TORCH: dict = {}


def _torch_names():
    """torch's global names -> torchless's objects (built on the first load: it needs nn)."""
    if not _TORCH:
        _TORCH.update(_torch_table())
    return _TORCH

# globals weights_only=True admits besides torch's (as torch 2.13 does by default)
_SAFE_PLAIN = {
    ("collections", "OrderedDict"): OrderedDict,
    ("collections", "Counter"): Counter,
    ("builtins", "set"): set,
    ("builtins", "complex"): complex,
    ("builtins", "bytearray"): bytearray,
    ("builtins", "bytes"): bytes,
    ("builtins", "list"): list,
    ("builtins", "dict"): dict,
    ("builtins", "tuple"): tuple,
    ("builtins", "int"): int,
    ("builtins", "float"): float,
    ("builtins", "bool"): bool,
    ("builtins", "str"): str,
}

_user_safe = {}          # "module.qualname" -> object


def _qualified(obj):
    return f"{getattr(obj, '__module__', '?')}.{getattr(obj, '__qualname__', getattr(obj, '__name__', '?'))}"


def add_safe_globals(safe_globals):
    """Allow these globals (objects, or (object, "module.name") pairs) in weights_only loads."""
    for g in safe_globals:
        if isinstance(g, tuple):
            obj, name = g
            _user_safe[name] = obj
        else:
            _user_safe[_qualified(g)] = g


def get_safe_globals():
    return [obj if _qualified(obj) == name else (obj, name) for name, obj in _user_safe.items()]


def clear_safe_globals():
    _user_safe.clear()


class safe_globals:
    """Context manager: the given globals are allowed for weights_only loads inside it."""

    def __init__(self, safe_globals):
        self.safe_globals = safe_globals

    def __enter__(self):
        self._saved = dict(_user_safe)
        add_safe_globals(self.safe_globals)

    def __exit__(self, *exc):
        _user_safe.clear()
        _user_safe.update(self._saved)
        return False


_WEIGHTS_ONLY_MESSAGE = (
    "Weights only load failed. This file can still be loaded, to do so you have two options, "
    "\x1b[1mdo those steps only if you trust the source of the checkpoint\x1b[0m. \n"
    "\t(1) In PyTorch 2.6, we changed the default value of the `weights_only` argument in "
    "`torch.load` from `False` to `True`. Re-running `torch.load` with `weights_only` set to "
    "`False` will likely succeed, but it can result in arbitrary code execution. Do it only if "
    "you got the file from a trusted source.\n"
    "\t(2) Alternatively, to load with `weights_only=True` please check the recommended steps "
    "in the following error message.\n"
    "\tWeightsUnpickler error: {}\n\n"
    "Check the documentation of torch.load to learn more about types accepted by default with "
    "weights_only https://pytorch.org/docs/stable/generated/torch.load.html.")


class _Rejected(Exception):
    pass


def _torchless_global(module, name):
    """torch's module.name as torchless's object of the same path (weights_only=False)."""
    import importlib
    mod = importlib.import_module("torchless" + module[len("torch"):])
    obj = mod
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


_UNPICKLER = None


def _unpickler_class():
    global _UNPICKLER
    if _UNPICKLER is not None:
        return _UNPICKLER
    import pickle

    class _Unpickler(pickle.Unpickler):
        def __init__(self, file, weights_only, persistent_load, **kw):
            super().__init__(file, **kw)
            self._weights_only = weights_only
            self._persistent = persistent_load

        def persistent_load(self, pid):
            return self._persistent(pid)

        def find_class(self, module, name):
            # protocol 2 writes Python 2's names (__builtin__.xrange): read them as Python 3's
            import _compat_pickle
            if (module, name) in _compat_pickle.NAME_MAPPING:
                module, name = _compat_pickle.NAME_MAPPING[(module, name)]
            else:
                module = _compat_pickle.IMPORT_MAPPING.get(module, module)
            key = (module, name)
            obj = _torch_names().get(key)
            if obj is not None:
                return obj
            if self._weights_only:
                obj = _SAFE_PLAIN.get(key)
                if obj is None and key == ("_codecs", "encode"):
                    import codecs
                    obj = codecs.encode
                if obj is None:
                    obj = _user_safe.get(f"{module}.{name}")
                if obj is None:
                    shown = name if module == "builtins" else f"{module}.{name}"
                    raise _Rejected(
                        f"Unsupported global: GLOBAL {shown} was not an allowed global by "
                        f"default. Please use `torch.serialization.add_safe_globals([{shown}])` "
                        f"or the `torch.serialization.safe_globals([{shown}])` context manager "
                        "to allowlist this global if you trust this class/function.")
                return obj
            if module == "torch" or module.startswith("torch."):
                try:
                    return _torchless_global(module, name)
                except (ImportError, AttributeError):
                    raise AttributeError(
                        f"torchless has no counterpart of torch's {module}.{name}") from None
            return super().find_class(module, name)

    _UNPICKLER = _Unpickler
    return _Unpickler


_CUDA_MESSAGE = (
    "Attempting to deserialize object on a CUDA device but torch.cuda.is_available() is False. "
    "If you are running on a CPU-only machine, please use torch.load with "
    "map_location=torch.device('cpu') to map your storages to the CPU.")


def _check_location(location):
    loc = str(location)
    if loc.startswith("cuda"):
        raise RuntimeError(_CUDA_MESSAGE)
    if loc.startswith("mps"):
        raise RuntimeError("Attempting to deserialize object on MPS device but "
                           "torch.backends.mps.is_available() is False.")
    if not (loc == "cpu" or loc.startswith("cpu:") or loc == "meta"):
        raise RuntimeError(f"don't know how to restore data location of {loc}")


def _weights_only_default(weights_only, pickle_module):
    if weights_only is not None:
        if weights_only and pickle_module is not None:
            raise RuntimeError("Can not safely load weights when explicit pickle_module is "
                               "specified")
        return bool(weights_only)
    if os.environ.get("TORCH_FORCE_WEIGHTS_ONLY_LOAD", "0") not in ("0", ""):
        return True
    if os.environ.get("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0") not in ("0", ""):
        return False
    return pickle_module is None


def load(f, map_location=None, pickle_module=None, *, weights_only=None, mmap=None,
         **pickle_load_args):
    """Load an object saved by torch.save (or torchless.save) from a path or a binary file
    object.  weights_only (default True, as in torch 2.13) admits only tensors, plain
    containers and primitive values (plus add_safe_globals); False unpickles anything."""
    import io
    import pickle
    import zipfile

    weights_only = _weights_only_default(weights_only, pickle_module)
    if _is_path(f):
        with open(f, "rb") as fh:
            fobj = io.BytesIO(fh.read())
    else:
        seekable = getattr(f, "seekable", None)
        fobj = f if seekable is not None and seekable() else io.BytesIO(f.read())
    start = fobj.tell()
    if not zipfile.is_zipfile(fobj):
        fobj.seek(start)
        raise RuntimeError("torchless.load reads only torch's zip format (files saved by "
                           "torch >= 1.6); the legacy format is not supported")
    fobj.seek(start)
    zf = zipfile.ZipFile(fobj)
    pkl = next((n for n in zf.namelist() if n.endswith("data.pkl") and n.count("/") == 1), None)
    if pkl is None:
        raise RuntimeError("PytorchStreamReader failed locating file data.pkl: file not found")
    prefix = pkl[:-len("data.pkl")]
    names = set(zf.namelist())
    big = (prefix + "byteorder" in names and zf.read(prefix + "byteorder") == b"big")

    loaded = {}

    def restore(pid):
        typename, storage_type, key, location, numel = pid[:5]
        typename = typename.decode("ascii") if isinstance(typename, bytes) else typename
        if typename != "storage":
            raise RuntimeError(f"Unknown saved id type: {typename}")
        dtype = storage_type.dtype if isinstance(storage_type, _StorageType) else D.uint8
        if dtype is None:
            raise RuntimeError(f"torchless cannot load a torch.{storage_type.name}: its dtype "
                               "is not one torchless supports")
        raw = loaded.get(key)
        if raw is None:
            data = bytearray(zf.read(f"{prefix}data/{key}"))
            raw = np.frombuffer(data, np.uint8)
            if big and dtype.itemsize > 1:
                width = dtype.itemsize // 2 if dtype.is_complex else dtype.itemsize
                raw = np.frombuffer(bytearray(raw.view(f">u{width}").astype(f"<u{width}")
                                              .tobytes()), np.uint8)
            loaded[key] = raw
        storage = _LoadedStorage(raw, dtype, location)
        if callable(map_location):
            r = map_location(storage, location)
            if r is not None:
                if isinstance(r, Tensor):
                    r = _LoadedStorage(np.frombuffer(bytearray(r._a.tobytes()), np.uint8), dtype)
                return r
            _check_location(location)
        elif isinstance(map_location, dict):
            _check_location(map_location.get(location, location))
        elif map_location is not None:
            _check_location(map_location)
        else:
            _check_location(location)
        return storage

    unpickler = _unpickler_class()(io.BytesIO(zf.read(pkl)), weights_only, restore,
                                   **pickle_load_args)
    if weights_only:
        try:
            return unpickler.load()
        except _Rejected as e:
            raise pickle.UnpicklingError(_WEIGHTS_ONLY_MESSAGE.format(e)) from None
        except pickle.UnpicklingError as e:
            raise pickle.UnpicklingError(_WEIGHTS_ONLY_MESSAGE.format(e)) from None
    return unpickler.load()
