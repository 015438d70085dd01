"""The runtime namespaces of a CPU-only torch 2.13 compared with real torch: torch.cuda,
torch.cuda.amp, torch.backends, torch.accelerator, the thread / determinism / matmul-precision
settings, and torch.nn.utils (gradient clipping, parameters <-> vector).

Each case is an expression run against both libraries: the value (type and repr), or the
exception (type and message), and the warnings it gives must be the same.  Settings changed
by a case are restored afterwards in both libraries."""
import math
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

import torchless as tl
from torchless.backends import _state

ROOT = Path(__file__).resolve().parents[1]
SIMPLE = (type(None), bool, int, float, str, list, tuple, dict)


def _show(value):
    """What a case compares of a value: its repr for plain data and devices, else its type."""
    if isinstance(value, SIMPLE + (torch.device, tl.device)):
        return type(value).__name__, repr(value)
    return type(value).__name__


def _message(w):
    # torch's C++ warnings end with the source location they were raised at
    return str(w.message).split(" (Triggered internally at")[0]


def outcome(lib, src, **ns):
    """(value or exception, warnings) of eval(src) with ``torch`` bound to lib."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = ("value", _show(eval(src, {"torch": lib, "np": np, **ns})))
        except Exception as e:           # noqa: BLE001  (the exception is the result)
            result = ("raises", type(e).__name__, str(e))
    return result, [(w.category.__name__, _message(w)) for w in caught]


def same(*sources, **ns):
    """Run the expressions in order against both libraries; every outcome must match."""
    for src in sources:
        expected = outcome(torch, src, **ns)
        assert outcome(tl, src, **ns) == expected, src


@pytest.fixture(autouse=True)
def restore_settings():
    """Undo what a case sets, in torch (its own getters and setters) and in torchless."""
    b = torch.backends
    saved_torch = (torch.get_num_threads(), torch.get_float32_matmul_precision(),
                   torch.are_deterministic_algorithms_enabled(),
                   torch.is_deterministic_algorithms_warn_only_enabled(),
                   b.cudnn.enabled, b.cudnn.benchmark, b.cudnn.deterministic, b.cudnn.allow_tf32,
                   b.cudnn.benchmark_limit, b.mkldnn.enabled, b.mkldnn.deterministic,
                   b.cuda.matmul.allow_fp16_reduced_precision_reduction,
                   b.cuda.matmul.allow_bf16_reduced_precision_reduction,
                   b.cuda.matmul.allow_fp16_accumulation, b.cuda.flash_sdp_enabled(),
                   b.cuda.mem_efficient_sdp_enabled(), b.cuda.math_sdp_enabled(),
                   b.cuda.cudnn_sdp_enabled())
    saved_tl = (dict(_state.FLAGS), list(_state.PRECISION), dict(_state._DETERMINISTIC),
                dict(_state._THREADS), dict(tl.backends.cuda.cuBLASModule._reduced),
                tl.backends.cudnn.benchmark_limit)
    yield
    (threads, precision, det, warn_only, *flags) = saved_torch
    torch.set_num_threads(threads)
    torch.set_float32_matmul_precision(precision)
    torch.use_deterministic_algorithms(det, warn_only=warn_only)
    (b.cudnn.enabled, b.cudnn.benchmark, b.cudnn.deterministic, b.cudnn.allow_tf32,
     b.cudnn.benchmark_limit, b.mkldnn.enabled, b.mkldnn.deterministic,
     b.cuda.matmul.allow_fp16_reduced_precision_reduction,
     b.cuda.matmul.allow_bf16_reduced_precision_reduction,
     b.cuda.matmul.allow_fp16_accumulation, flash, mem, math_, cudnn_sdp) = flags
    b.cuda.enable_flash_sdp(flash)
    b.cuda.enable_mem_efficient_sdp(mem)
    b.cuda.enable_math_sdp(math_)
    b.cuda.enable_cudnn_sdp(cudnn_sdp)
    flags_, prec, det_, threads_, reduced, limit = saved_tl
    _state.FLAGS.update(flags_)
    _state.PRECISION[:] = prec
    _state._DETERMINISTIC.update(det_)
    _state._THREADS.update(threads_)
    tl.backends.cuda.cuBLASModule._reduced.update(reduced)
    tl.backends.cudnn.benchmark_limit = limit


# ------------------------------------------------------------------ torch.cuda
DEVICES = ["", "0", "'cuda:1'", "'cpu'", "torch.device('cpu')", "'foo'", "1.5", "None"]
CUDA = [
    "torch.cuda.is_available()", "torch.cuda.device_count()", "torch.cuda.is_initialized()",
    "torch.cuda.init()", "torch.cuda._is_compiled()",
    "torch.cuda.manual_seed(3)", "torch.cuda.manual_seed(2**70)", "torch.cuda.manual_seed(-1)",
    "torch.cuda.manual_seed(1.5)", "torch.cuda.manual_seed('a')", "torch.cuda.manual_seed(None)",
    "torch.cuda.manual_seed(torch.tensor(3))", "torch.cuda.manual_seed_all(0)",
    "torch.cuda.manual_seed_all('x')", "torch.cuda.seed()", "torch.cuda.seed_all()",
    "torch.cuda.initial_seed()", "torch.cuda.get_rng_state()", "torch.cuda.get_rng_state(5)",
    "torch.cuda.get_rng_state_all()", "torch.cuda.set_rng_state(torch.get_rng_state())",
    "torch.cuda.set_rng_state(3)", "torch.cuda.set_rng_state_all([])",
    "torch.cuda.set_rng_state_all([torch.get_rng_state()])",
    "torch.cuda.empty_cache()", "torch.cuda.current_device()",
    "torch.cuda.is_bf16_supported()", "torch.cuda.is_bf16_supported(False)",
    "torch.cuda.is_tf32_supported()", "torch.cuda.get_arch_list()",
    "torch.cuda.get_gencode_flags()", "torch.cuda.ipc_collect()",
    "torch.cuda.current_blas_handle()", "torch.cuda.can_device_access_peer(0, 1)",
    "torch.cuda.get_sync_debug_mode()", "torch.cuda.set_sync_debug_mode(0)",
    "torch.cuda.is_current_stream_capturing()",
    "torch.cuda.memory_stats()", "torch.cuda.memory_stats_as_nested_dict()",
    "torch.cuda.memory_summary()", "torch.cuda.memory_snapshot()",
    "torch.cuda.memory_cached()", "torch.cuda.max_memory_cached()",
    "torch.cuda.reset_peak_memory_stats()", "torch.cuda.reset_accumulated_memory_stats()",
    "torch.cuda.reset_max_memory_allocated()", "torch.cuda.reset_max_memory_cached()",
    "torch.cuda.set_per_process_memory_fraction(0.5)",
    "torch.cuda.get_per_process_memory_fraction()", "torch.cuda.get_allocator_backend()",
    "torch.cuda.list_gpu_processes()", "torch.cuda.utilization()", "torch.cuda.memory_usage()",
    "torch.cuda.temperature()", "torch.cuda.power_draw()", "torch.cuda.clock_rate()",
    "torch.cuda.device_memory_used()",
    "torch.cuda.current_stream()", "torch.cuda.current_stream(0)", "torch.cuda.default_stream()",
    "torch.cuda.set_stream(None)", "torch.cuda.set_stream(3)", "torch.cuda.Stream()",
    "torch.cuda.Stream(0)", "torch.cuda.Event()", "torch.cuda.Event(enable_timing=True)",
    "torch.cuda.stream(None).__enter__()",
    "torch.cuda.StreamContext(None).__exit__(None, None, None)",
    "torch.cuda.StreamContext(3).__enter__()",
    "torch.cuda.device(-1).idx", "torch.cuda.device(None).idx", "torch.cuda.device('cuda:2').idx",
    "torch.cuda.device(-1).__exit__(None, None, None)",
    "torch.cuda.device_of(torch.ones(1)).__enter__()", "torch.cuda.device_of(torch.ones(1)).idx",
    "torch.cuda.device_of(3)",
    "torch.cuda.FloatTensor(2)", "torch.cuda.LongTensor([1])", "torch.cuda.BoolTensor()",
    "isinstance(torch.ones(1), torch.cuda.FloatTensor)", "torch.cuda.has_half",
    "torch.cuda.has_magma", "torch.cuda.default_generators",
    "issubclass(torch.cuda.OutOfMemoryError, RuntimeError)",
    "torch.cuda.OutOfMemoryError is torch.OutOfMemoryError",
    "issubclass(torch.cuda.DeferredCudaCallError, Exception)",
    "issubclass(torch.cuda.CudaError, RuntimeError)",
]
CUDA += [f"torch.cuda.{f}({d})" for f in ("synchronize", "get_device_name",
                                         "get_device_capability", "get_device_properties",
                                         "memory_allocated", "max_memory_allocated",
                                         "memory_reserved", "max_memory_reserved", "mem_get_info")
         for d in DEVICES]
CUDA += [f"torch.cuda.{f}({d})" for f in ("set_device", "device")
         for d in ["0", "'cuda:0'", "-1", "-2", "2", "True", "'cpu'", "'mps'", "None", "'cuda'",
                   "1.5", "'foo'", "torch.device('cuda', 1)", "torch.device('cuda')"]]
CUDA += [f"torch.cuda.device({d}).__enter__()"
         for d in ["0", "-1", "-2", "2", "True", "None", "1.5", "'cuda'", "'cuda:1'"]]


@pytest.mark.parametrize("src", CUDA)
def test_cuda(src):
    same(src)


def test_cuda_context_managers_run_their_body():
    for lib in (torch, tl):
        with lib.cuda.device(-1), lib.cuda.stream(None), lib.cuda.device_of(lib.ones(1)):
            ran = True
        assert ran


def test_cuda_legacy_types_and_errors_are_types():
    assert isinstance(tl.cuda.FloatTensor, type) and not isinstance(tl.ones(1), tl.cuda.HalfTensor)
    assert tl.OutOfMemoryError is tl.cuda.OutOfMemoryError
    with pytest.raises(RuntimeError):
        raise tl.cuda.OutOfMemoryError("CUDA out of memory")


# ------------------------------------------------------------------ torch.cuda.amp
AMP = [
    "torch.cuda.amp.GradScaler()", "torch.cuda.amp.GradScaler(enabled=False)",
    "torch.cuda.amp.GradScaler(init_scale=2.0**10).get_scale()",
    "torch.cuda.amp.GradScaler().is_enabled()", "torch.cuda.amp.GradScaler().state_dict()",
    "torch.cuda.amp.GradScaler().load_state_dict({'scale': 3.0})",
    "torch.cuda.amp.GradScaler().scale(3)", "torch.cuda.amp.GradScaler().scale([1, 2])",
    "torch.cuda.amp.GradScaler().update()", "torch.cuda.amp.GradScaler().update(4.0)",
    "torch.cuda.amp.GradScaler().get_growth_factor()",
    "torch.cuda.amp.GradScaler().get_backoff_factor()",
    "torch.cuda.amp.GradScaler().get_growth_interval()",
    "sorted(torch.cuda.amp.GradScaler().__getstate__().items())",
    "torch.cuda.amp.autocast()", "torch.cuda.amp.autocast(enabled=False)",
    "torch.cuda.amp.autocast(dtype=torch.float64).fast_dtype",
    "torch.cuda.amp.autocast().device", "torch.cuda.amp.autocast()._enabled",
    "torch.cuda.amp.autocast().__exit__(None, None, None)",
    "torch.cuda.amp.autocast()(lambda x: x + 1)(2)",
]


@pytest.mark.parametrize("src", AMP)
def test_cuda_amp(src):
    same(src)


@pytest.mark.parametrize("lib", [torch, tl], ids=["torch", "torchless"])
def test_amp_training_step_runs_in_float32(lib):
    """The tutorial loop: autocast and GradScaler disabled, so this is a plain SGD step."""
    lib.manual_seed(0)
    model = lib.nn.Linear(3, 1)
    opt = lib.optim.SGD(model.parameters(), lr=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scaler = lib.cuda.amp.GradScaler()
        with lib.cuda.amp.autocast():
            loss = model(lib.ones(2, 3)).pow(2).mean()
    assert loss.dtype == lib.float32
    scaler.scale(loss).backward()
    scaler.unscale_(opt)
    assert scaler.step(opt) is None and scaler.step(opt, closure=lambda: 5.0) == 5.0
    scaler.update()
    assert scaler.get_scale() == 1.0


def test_amp_steps_agree():
    weights = []
    for lib in (torch, tl):
        lib.manual_seed(0)
        model = lib.nn.Linear(3, 1)
        opt = lib.optim.SGD(model.parameters(), lr=0.1)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scaler = lib.cuda.amp.GradScaler()
        scaler.scale(model(lib.ones(2, 3)).pow(2).mean()).backward()
        scaler.step(opt)
        weights.append(model.weight.detach().numpy().copy())
    np.testing.assert_array_equal(weights[1], weights[0])


# ------------------------------------------------------------------ torch.backends
B = "torch.backends."
BACKENDS = [B + s for s in [
    "cudnn.is_available()", "cudnn.enabled", "cudnn.deterministic", "cudnn.benchmark",
    "cudnn.benchmark_limit", "cudnn.allow_tf32", "cudnn.version()",
    "cudnn.is_acceptable(torch.zeros(1))",
    "mps.is_available()", "mps.is_built()", "mps.is_macos13_or_newer()",
    "mps.is_macos_or_newer(13, 0)",
    "cuda.is_built()", "cuda.matmul.allow_tf32",
    "cuda.matmul.allow_fp16_reduced_precision_reduction",
    "cuda.matmul.allow_bf16_reduced_precision_reduction", "cuda.matmul.allow_fp16_accumulation",
    "cuda.matmul.foo", "cuda.flash_sdp_enabled()", "cuda.mem_efficient_sdp_enabled()",
    "cuda.math_sdp_enabled()", "cuda.cudnn_sdp_enabled()", "cuda.is_flash_attention_available()",
    "mkldnn.is_available()", "mkldnn.enabled", "mkldnn.deterministic",
    "openmp.is_available()", "mkl.is_available()", "cpu.get_cpu_capability()",
]]


@pytest.mark.parametrize("src", BACKENDS)
def test_backends(src):
    if src.endswith("get_cpu_capability()") and (os.environ.get("ATEN_CPU_CAPABILITY")
                                                 or os.environ.get("TORCHLESS_CPU_CAPABILITY")):
        pytest.skip("the two libraries are told about the CPU build separately")
    same(src)


def _set(obj, attr, value):
    return f"setattr(torch.backends.{obj}, {attr!r}, {value})"


BOOL_FLAGS = [("cudnn", "enabled"), ("cudnn", "benchmark"), ("cudnn", "deterministic"),
              ("cudnn", "allow_tf32"), ("mkldnn", "enabled"), ("mkldnn", "deterministic"),
              ("cuda.matmul", "allow_tf32"), ("cuda.matmul", "allow_fp16_accumulation")]


@pytest.mark.parametrize("obj,attr", BOOL_FLAGS, ids=[f"{o}.{a}" for o, a in BOOL_FLAGS])
@pytest.mark.parametrize("value", ["True", "False", "1", "'x'", "None", "np.True_"])
def test_backend_flag_set_and_read_back(obj, attr, value):
    same(_set(obj, attr, value), f"torch.backends.{obj}.{attr}",
         "torch.get_float32_matmul_precision()")


@pytest.mark.parametrize("attr", ["allow_fp16_reduced_precision_reduction",
                                  "allow_bf16_reduced_precision_reduction"])
@pytest.mark.parametrize("value", ["False", "True", "1", "[False]", "(False, True)",
                                   "(True, True)", "(True, False)", "(False, True, 1)", "(1,)",
                                   "(False, 1)", "()"])
def test_reduced_precision_flags(attr, value):
    same(_set("cuda.matmul", attr, value), f"torch.backends.cuda.matmul.{attr}")


@pytest.mark.parametrize("f", ["flash", "mem_efficient", "math", "cudnn"])
@pytest.mark.parametrize("value", ["False", "True", "1", "None"])
def test_sdp_flags(f, value):
    same(f"torch.backends.cuda.enable_{f}_sdp({value})", f"torch.backends.cuda.{f}_sdp_enabled()")


def test_backend_attributes_other_than_flags():
    same(_set("cudnn", "benchmark_limit", "5"), B + "cudnn.benchmark_limit",
         _set("cudnn", "benchmark_limit", "'a'"), B + "cudnn.benchmark_limit",
         _set("cuda.matmul", "foo", "3"), "torch.backends.cudnn.deterministic")


@pytest.mark.parametrize("kw", ["", "enabled=True", "enabled=False, benchmark=True, "
                                "deterministic=True, allow_tf32=False", "enabled=1",
                                "benchmark=None"])
def test_cudnn_flags_context_manager(kw):
    read = ("(torch.backends.cudnn.enabled, torch.backends.cudnn.benchmark, "
            "torch.backends.cudnn.deterministic, torch.backends.cudnn.allow_tf32, "
            "torch.backends.cudnn.benchmark_limit)")
    for lib in (torch, tl):
        lib.backends.cudnn.benchmark = True       # something to restore
    ctx = [outcome(lib, f"torch.backends.cudnn.flags({kw})") for lib in (torch, tl)]
    assert ctx[0] == ctx[1]
    inside, after = [], []
    for lib in (torch, tl):
        try:
            with eval(f"torch.backends.cudnn.flags({kw})", {"torch": lib}):
                inside.append(outcome(lib, read))
        except RuntimeError as e:
            inside.append(str(e))
        after.append(outcome(lib, read))
    assert inside[1] == inside[0] and after[1] == after[0]


def test_backends_import_forms():
    import torchless.backends.cudnn as cudnn
    from torchless.backends import mps
    assert cudnn is tl.backends.cudnn and mps is tl.backends.mps
    cudnn.benchmark = True
    assert tl.backends.cudnn.benchmark is True


# ------------------------------------------------------------------ torch.accelerator
A = "torch.accelerator."
ACCELERATOR = [A + s for s in [
    "is_available()", "current_accelerator()", "current_accelerator(check_available=True)",
    "current_accelerator(True)", "current_accelerator(1, 2)", "device_count()",
    "current_device_index()", "current_device_idx()", "set_device_index(0)",
    "set_device_index('foo')", "set_device_index(None)", "set_device_index(1.5)",
    "set_device_index('cpu')", "set_device_index('cuda:0')", "set_device_idx(0)",
    "synchronize()", "synchronize(0)", "synchronize(1.5)", "synchronize('cpu')",
    "synchronize(torch.device('cpu'))", "synchronize('foo')", "current_stream()",
    "current_stream('cpu')", "empty_cache()", "empty_host_cache()", "get_device_capability()",
    "get_device_capability('foo')", "memory_allocated()", "memory_allocated('foo')",
    "max_memory_allocated()", "memory_reserved()", "max_memory_reserved()", "memory_stats()",
    "get_memory_info()", "reset_peak_memory_stats()", "reset_accumulated_memory_stats()",
    "set_stream(None)", "set_stream(3)", "device_index(0)", "device_index(0, 1)",
    "device_index(None).__enter__()", "device_index(None).__exit__(None, None, None)",
    "device_index(0).__enter__()", "device_index(0).__exit__(None, None, None)",
    "device_index('x').__enter__()",
]]


@pytest.mark.parametrize("src", ACCELERATOR)
def test_accelerator(src):
    same(src)


def test_tutorial_device_lines():
    for src in ['torch.accelerator.current_accelerator().type if torch.accelerator.is_available() '
                'else "cpu"',
                '"cuda" if torch.cuda.is_available() else "mps" if '
                'torch.backends.mps.is_available() else "cpu"',
                'torch.ones(2).to("cuda" if torch.cuda.is_available() else "cpu").device']:
        same(src)


# ------------------------------------------------------------------ threads, determinism, precision
SETTINGS = [
    ["torch.set_num_threads(3)", "torch.get_num_threads()", "torch.set_num_threads(0)",
     "torch.set_num_threads(-1)", "torch.set_num_threads(1.5)", "torch.set_num_threads('2')",
     "torch.set_num_threads(True)", "torch.set_num_threads(np.int64(2))",
     "torch.get_num_threads()", "torch.set_num_threads(100)", "torch.get_num_threads()",
     "torch.set_num_interop_threads(0)",
     "torch.set_num_interop_threads(1.5)", "torch.set_num_interop_threads(True)"],
    ["torch.are_deterministic_algorithms_enabled()",
     "torch.is_deterministic_algorithms_warn_only_enabled()",
     "torch.get_deterministic_debug_mode()", "torch.use_deterministic_algorithms(True)",
     "torch.are_deterministic_algorithms_enabled()", "torch.get_deterministic_debug_mode()",
     "torch.use_deterministic_algorithms(True, warn_only=True)",
     "torch.is_deterministic_algorithms_warn_only_enabled()",
     "torch.get_deterministic_debug_mode()", "torch.backends.cudnn.deterministic",
     "torch.use_deterministic_algorithms(1)", "torch.use_deterministic_algorithms('x')",
     "torch.use_deterministic_algorithms(None)", "torch.use_deterministic_algorithms(True, "
     "warn_only=1)", "torch.use_deterministic_algorithms()",
     "torch.use_deterministic_algorithms(False)", "torch.are_deterministic_algorithms_enabled()"],
    ["torch.set_deterministic_debug_mode('warn')", "torch.get_deterministic_debug_mode()",
     "torch.set_deterministic_debug_mode(0)", "torch.set_deterministic_debug_mode('x')",
     "torch.set_deterministic_debug_mode(5)", "torch.set_deterministic_debug_mode(True)",
     "torch.is_deterministic_algorithms_warn_only_enabled()",
     "torch.set_deterministic_debug_mode(2)", "torch.set_deterministic_debug_mode(1.0)",
     "(torch.are_deterministic_algorithms_enabled(), "
     "torch.is_deterministic_algorithms_warn_only_enabled())",
     "torch.set_deterministic_debug_mode('default')", "torch.get_deterministic_debug_mode()"],
    ["torch.get_float32_matmul_precision()", "torch.set_float32_matmul_precision('high')",
     "torch.get_float32_matmul_precision()", "torch.backends.cuda.matmul.allow_tf32",
     "torch.set_float32_matmul_precision('medium')", "torch.get_float32_matmul_precision()",
     "torch.backends.cuda.matmul.allow_tf32", "torch.set_float32_matmul_precision('foo')",
     "torch.set_float32_matmul_precision('HIGH')", "torch.set_float32_matmul_precision(3)",
     "torch.get_float32_matmul_precision()", "torch.set_float32_matmul_precision('highest')",
     "torch.backends.cuda.matmul.allow_tf32", "torch.get_float32_matmul_precision()"],
    ["torch.backends.cuda.matmul.allow_tf32", "torch.get_float32_matmul_precision()",
     "setattr(torch.backends.cuda.matmul, 'allow_tf32', True)",
     "torch.get_float32_matmul_precision()",
     "setattr(torch.backends.cuda.matmul, 'allow_tf32', False)",
     "torch.get_float32_matmul_precision()"],
]


@pytest.mark.parametrize("sources", SETTINGS, ids=["threads", "deterministic", "debug_mode",
                                                   "matmul_precision", "allow_tf32"])
def test_settings(sources):
    same(*sources)


THREADS_SCRIPT = """
import sys, warnings
if sys.argv[1] == "torchless":
    import torchless as torch
else:
    import torch
print(torch.get_num_threads(), torch.get_num_interop_threads())
for n in (4, 5, 0):
    try:
        print(torch.set_num_interop_threads(n), torch.get_num_interop_threads())
    except RuntimeError as e:
        print(type(e).__name__, e)
print(torch.get_num_threads())
"""


@pytest.mark.parametrize("omp", [None, "8"])
def test_thread_defaults_and_interop_once(omp):
    """In fresh processes: the default counts (OMP_NUM_THREADS above the core count is capped
    as in torch) and set_num_interop_threads, which works once per process."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep +
               os.environ.get("PYTHONPATH", ""))
    env.pop("OMP_NUM_THREADS", None)
    if omp is not None:
        env["OMP_NUM_THREADS"] = omp
    out = [subprocess.run([sys.executable, "-c", THREADS_SCRIPT, lib], capture_output=True,
                          text=True, env=env, timeout=120) for lib in ("torch", "torchless")]
    assert out[0].returncode == 0 and out[1].returncode == 0, out[1].stderr
    assert out[1].stdout == out[0].stdout


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="Linux's CPU affinity")
def test_omp_num_threads_is_read_as_torch_reads_it(monkeypatch):
    """OpenMP's default team size (its first entry, positive integers only), capped by cores."""
    cores = _state._cpu_cores()
    for value, expected in [("1", 1), ("2,4", min(2, cores)), ("abc", None), ("0", None),
                            (" 3", min(3, cores)), ("1000", cores)]:
        monkeypatch.setenv("OMP_NUM_THREADS", value)
        _state._THREADS["intra"] = None
        default = min(len(os.sched_getaffinity(0)), cores)
        assert tl.get_num_threads() == (default if expected is None else expected), value


# ------------------------------------------------------------------ nn.utils: clipping
def params(lib, specs, seed=0, grads=True):
    """Parameters (shape, dtype name, scale) with gradients drawn from one NumPy seed."""
    r = np.random.default_rng(seed)
    ps = []
    for shape, dt, scale in specs:
        p = lib.nn.Parameter(lib.tensor(r.standard_normal(shape).astype(dt)))
        g = (r.standard_normal(shape) * scale).astype(dt)
        if grads:
            p.grad = lib.tensor(g)
        ps.append(p)
    return ps


def arr(t):
    return np.asarray(t._a) if isinstance(t, tl.Tensor) else t.detach().numpy()


RTOL = {"float32": 1e-5, "float64": 1e-12, "float16": 2e-3}
SPECS = {
    "one": [((3, 4), "float32", 1.0)],
    "several": [((5, 4), "float32", 3.0), ((4,), "float32", 0.1), ((), "float32", 2.0),
                ((3, 3, 2), "float32", 0.01)],
    "large": [((64, 33), "float32", 0.05), ((33,), "float32", 1.0)],
    "float64": [((6, 5), "float64", 1.0), ((5,), "float64", 10.0)],
    "float16": [((7,), "float16", 1.0), ((2, 3), "float16", 0.5)],
    "mixed32_64": [((4,), "float32", 1.0), ((3,), "float64", 2.0), ((2,), "float32", 3.0)],
    "mixed32_16": [((4,), "float32", 1.0), ((3,), "float16", 2.0)],
    "empty_tensor": [((0,), "float32", 1.0), ((3,), "float32", 1.0)],
}
NORMS = [2.0, 1, 3.0, 0.5, "inf", math.inf, -math.inf, 0]


def _close(a, b, dtype):
    np.testing.assert_allclose(arr(b).astype(np.float64), arr(a).astype(np.float64),
                               rtol=RTOL[dtype], atol=0)


def _least_precise(specs):
    return max((dt for _, dt, _ in specs), key=RTOL.get)


@pytest.mark.parametrize("spec", list(SPECS))
@pytest.mark.parametrize("norm_type", NORMS, ids=str)
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
def test_clip_grad_norm(spec, norm_type, max_norm):
    """Total norm (dtype, value, printed form) and clipped gradients agree with torch; torch's
    float32 norm kernel accumulates in its own order, so values match to rounding."""
    specs = SPECS[spec]
    if norm_type in ("inf", math.inf, -math.inf) and spec == "empty_tensor":
        src = f"torch.nn.utils.clip_grad_norm_(ps, {max_norm}, {norm_type!r})"
        got, expected = outcome(tl, src, ps=params(tl, specs)), outcome(torch, src,
                                                                        ps=params(torch, specs))
        if norm_type == -math.inf:
            # torchless's norm says "the inf norm" where torch says "the -inf norm"
            got, expected = got[0][:2], expected[0][:2]
        assert got == expected
        return
    a, b = params(torch, specs), params(tl, specs)
    ta = torch.nn.utils.clip_grad_norm_(a, max_norm, norm_type)
    tb = tl.nn.utils.clip_grad_norm_(b, max_norm, norm_type)
    assert repr(tb.dtype) == repr(ta.dtype) and tb.shape == ta.shape == ()
    assert tb.requires_grad is False and tb.grad_fn is None
    _close(ta, tb, _least_precise(specs))
    for p, q in zip(a, b):
        assert repr(q.grad.dtype) == repr(p.grad.dtype)
        _close(p.grad, q.grad, _least_precise(specs))
    if max_norm == 1e6:       # nothing clipped: the gradients are untouched
        for p, q in zip(params(torch, specs), b):
            np.testing.assert_array_equal(arr(q.grad), arr(p.grad))


EXACT_SHAPES = [(5, 3), (7,), (), (2, 2, 2)]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("norm_type,shapes", [(2.0, EXACT_SHAPES[:1]), (1.0, EXACT_SHAPES),
                                              (math.inf, EXACT_SHAPES), (0.0, EXACT_SHAPES)])
def test_clip_grad_norm_bit_exact(dtype, norm_type, shapes):
    """Where every sum is exact (multiples of 1/4), total norm, printed form and clipped
    gradients are torch's bit for bit.  (Not the 2-norm of several tensors: squaring the
    per-tensor norms again rounds, and torch's kernel does that with fused multiply-adds.)"""
    r = np.random.default_rng(1)
    grads = [r.integers(-12, 13, s).astype(dtype) / 4 for s in shapes]
    out = []
    for lib in (torch, tl):
        ps = [lib.nn.Parameter(lib.zeros(g.shape, dtype=getattr(lib, dtype))) for g in grads]
        for p, g in zip(ps, grads):
            p.grad = lib.tensor(g.copy())
        total = lib.nn.utils.clip_grad_norm_(ps, 0.7, norm_type)
        out.append((repr(total), arr(total).tobytes(), [arr(p.grad).tobytes() for p in ps]))
    assert out[1] == out[0]


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("total_dtype", ["float32", "float64"])
@pytest.mark.parametrize("max_norm,total", [(1.0, 10.0), (0.1, 0.37), (3.0, 2.0), (1.0, 0.0),
                                            (1.0, math.inf), (1.0, math.nan), (-1.0, 2.0)])
def test_clip_grads_with_norm(dtype, total_dtype, max_norm, total):
    """The scaling step alone, given the same total norm: bit for bit (float16 to one unit in
    the last place: torchless's mul_ rounds a 0-dim float scalar to half first, torch does not)."""
    specs = [((5, 3), dtype, 2.0), ((4,), dtype, 0.5)]
    a, b = params(torch, specs), params(tl, specs)
    for lib, ps in ((torch, a), (tl, b)):
        total_norm = lib.tensor(total, dtype=getattr(lib, total_dtype))
        lib.nn.utils.clip_grads_with_norm_(ps, max_norm, total_norm)
    for p, q in zip(a, b):
        if dtype == "float16":
            np.testing.assert_array_max_ulp(arr(q.grad), arr(p.grad), maxulp=1)
        else:
            np.testing.assert_array_equal(arr(q.grad), arr(p.grad))


def test_clip_grad_norm_nonfinite():
    for bad in ("nan", "inf"):
        for norm_type in (2.0, "inf", 1):
            specs = [((3,), "float32", 1.0), ((2,), "float32", 1.0)]
            a, b = params(torch, specs), params(tl, specs)
            a[0].grad[1] = float(bad)
            b[0].grad[1] = float(bad)
            src = f"torch.nn.utils.clip_grad_norm_(ps, 1.0, {norm_type!r}, error_if_nonfinite=True)"
            assert outcome(tl, src, ps=b) == outcome(torch, src, ps=a)
            for p, q in zip(a, b):           # the error leaves the gradients alone
                np.testing.assert_array_equal(arr(q.grad), arr(p.grad))
            src = f"torch.nn.utils.clip_grad_norm_(ps, 1.0, {norm_type!r})"
            assert outcome(tl, src, ps=b) == outcome(torch, src, ps=a)
            for p, q in zip(a, b):
                np.testing.assert_array_equal(arr(q.grad), arr(p.grad))


CLIP_CALLS = [
    "torch.nn.utils.clip_grad_norm_(ps, 1.0)", "torch.nn.utils.clip_grad_norm_(ps[0], 1.0)",
    "torch.nn.utils.clip_grad_norm_(iter(ps), 1.0)", "torch.nn.utils.clip_grad_norm_([], 1.0)",
    "torch.nn.utils.clip_grad_norm_(bare, 1.0)", "torch.nn.utils.clip_grad_norm_(ps, 1)",
    "torch.nn.utils.clip_grad_norm_(ps, torch.tensor(1.0))",
    "torch.nn.utils.clip_grad_norm_(ps, -1.0)", "torch.nn.utils.clip_grad_norm_(ps, 'a')",
    "torch.nn.utils.clip_grad_norm_(ps, 1.0, norm_type='fro')",
    "torch.nn.utils.clip_grad_norm_(ps, 1.0, norm_type=None)",
    "torch.nn.utils.clip_grad_norm_(ps, 1.0, foreach=True)",
    "torch.nn.utils.clip_grad_norm_(ps, 1.0, foreach=False)",
    "torch.nn.utils.clip_grad_norm_([1, 2], 1.0)", "torch.nn.utils.clip_grad_norm(ps, 1.0)",
    "torch.nn.utils.clip_grad_norm_(ps, 1.0).requires_grad",
    "torch.nn.utils.clip_grad_value_(ps, 1.0)", "torch.nn.utils.clip_grad_value_(ps, 'a')",
    "torch.nn.utils.clip_grad_value_(ps, 1, foreach=True)",
    "torch.nn.utils.clip_grad_value_(ps[0], 0.5)",
    "torch.nn.utils.get_total_norm([torch.ones(3), torch.ones(2) * 2])",
    "torch.nn.utils.get_total_norm(torch.ones(3))", "torch.nn.utils.get_total_norm([])",
    "torch.nn.utils.get_total_norm([torch.ones(3, dtype=torch.int64)])",
    "torch.nn.utils.get_total_norm([None, torch.ones(3)])",
    "torch.nn.utils.get_total_norm([None, torch.ones(3)], 'inf')",
    "torch.nn.utils.get_total_norm([torch.ones(0)], 'inf', foreach=False)",
    "torch.nn.utils.get_total_norm([torch.ones(0), torch.ones(2)], 'inf', foreach=True)",
    "torch.nn.utils.get_total_norm([torch.ones(3)], 'inf', True)",
    "torch.nn.utils.get_total_norm([torch.tensor([1.0, float('inf')])], 2, True)",
    "torch.nn.utils.clip_grads_with_norm_(ps, 1.0, torch.tensor(10.0))",
    "torch.nn.utils.clip_grads_with_norm_([], 1.0, torch.tensor(10.0))",
    "torch.nn.utils.clip_grads_with_norm_(ps, 'a', torch.tensor(10.0))",
]


@pytest.mark.parametrize("src", CLIP_CALLS)
def test_clip_calls(src):
    expected = outcome(torch, src, ps=params(torch, SPECS["several"]),
                       bare=params(torch, SPECS["one"], grads=False))
    got = outcome(tl, src, ps=params(tl, SPECS["several"]),
                  bare=params(tl, SPECS["one"], grads=False))
    assert got == expected


def test_clip_grads_with_norm_needs_a_tensor_norm():
    # torch's message lists clamp's overloads; torchless's clamp words it differently
    for lib in (torch, tl):
        with pytest.raises(TypeError):
            lib.nn.utils.clip_grads_with_norm_(params(lib, SPECS["one"]), 1.0, 10.0)


@pytest.mark.parametrize("clip_value", [0.5, 0.0, -1.0, 1e9])
def test_clip_grad_value(clip_value):
    a, b = params(torch, SPECS["several"]), params(tl, SPECS["several"])
    assert torch.nn.utils.clip_grad_value_(a, clip_value) is None
    assert tl.nn.utils.clip_grad_value_(b, clip_value) is None
    for p, q in zip(a, b):
        np.testing.assert_array_equal(arr(q.grad), arr(p.grad))


def test_clipping_records_no_graph():
    """Gradients that are themselves part of a graph (create_graph=True) are scaled under
    no_grad: the total norm has no grad_fn and the gradient keeps its own."""
    out = []
    for lib in (torch, tl):
        p = lib.nn.Parameter(lib.ones(3))
        p.grad = lib.tensor([1.0, 2.0, 2.0], requires_grad=True) * 5
        total = lib.nn.utils.clip_grad_norm_([p], 1.0)
        out.append((repr(total), total.requires_grad, repr(p.grad)))
    assert out[1] == out[0]


# ------------------------------------------------------------------ nn.utils: vectors
VECTOR_CALLS = [
    "torch.nn.utils.parameters_to_vector(ps)", "torch.nn.utils.parameters_to_vector(ps[0])",
    "torch.nn.utils.parameters_to_vector(ps[:1])",
    "torch.nn.utils.parameters_to_vector([torch.ones(2, 3).t()])",
    "torch.nn.utils.parameters_to_vector([])", "torch.nn.utils.parameters_to_vector([1])",
    "torch.nn.utils.parameters_to_vector([torch.ones(2), torch.ones(2, dtype=torch.float64)])",
    "torch.nn.utils.parameters_to_vector(ps).requires_grad",
    "torch.nn.utils.vector_to_parameters([1.0], ps)",
    "torch.nn.utils.vector_to_parameters(np.zeros(3), ps)",
    "torch.nn.utils.vector_to_parameters(torch.arange(3.0), ps)",
    "torch.nn.utils.vector_to_parameters(torch.arange(100.0), ps)",
    "torch.nn.utils.vector_to_parameters(torch.arange(100), ps)",
    "torch.nn.utils.vector_to_parameters(torch.arange(100), [torch.ones(2)])",
    "torch.nn.utils.vector_to_parameters(torch.arange(100.0), [1])",
]


@pytest.mark.parametrize("src", VECTOR_CALLS)
def test_vector_calls(src):
    expected = outcome(torch, src, ps=params(torch, SPECS["several"]))
    assert outcome(tl, src, ps=params(tl, SPECS["several"])) == expected


def test_vector_round_trip_shares_memory():
    out = []
    for lib in (torch, tl):
        ps = params(lib, SPECS["several"])
        vec = lib.nn.utils.parameters_to_vector(ps)
        lib.nn.utils.vector_to_parameters(vec.detach() * 2, ps)
        v2 = lib.arange(float(vec.numel()))
        lib.nn.utils.vector_to_parameters(v2, ps)
        v2[0] = 100.0                 # the parameters now view v2
        out.append([repr(p) for p in ps] + [repr(vec)])
    assert out[1] == out[0]


# ------------------------------------------------------------------ import cost and the CLI
def test_import_does_not_load_the_runtime_namespaces():
    code = ("import sys, torchless; print(sorted(m for m in sys.modules if m.split('.')[1:2] "
            "in (['cuda'], ['backends'], ['accelerator'])))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env=dict(os.environ, PYTHONPATH=str(ROOT / "src")))
    assert r.returncode == 0 and r.stdout == "[]\n", r.stderr


def test_namespace_lists_the_lazy_names():
    assert {"cuda", "backends", "accelerator", "get_num_threads"} <= set(dir(tl))
    with pytest.raises(AttributeError, match="has no attribute 'no_such_thing'"):
        tl.no_such_thing


CLI_SCRIPT = """\
import warnings
import torch
import torch.cuda
import torch.backends.cudnn as cudnn
from torch.nn.utils import clip_grad_norm_, clip_grad_value_
from torch.cuda.amp import GradScaler
warnings.simplefilter("ignore")
device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
print(device, torch.cuda.is_available(), torch.cuda.device_count(), cudnn.enabled, cudnn.benchmark)
device = "cuda" if torch.cuda.is_available() else "mps" if torch.backends.mps.is_available() else "cpu"
cudnn.benchmark = True
torch.manual_seed(0)
torch.cuda.manual_seed_all(0)
model = torch.nn.Linear(4, 2).to(device)
model(torch.ones(3, 4)).pow(2).sum().backward()
print(clip_grad_norm_(model.parameters(), 1.0), cudnn.benchmark, GradScaler().is_enabled())
print(model.weight.grad)
clip_grad_value_(model.parameters(), 0.1)
print(model.weight.grad)
try:
    torch.cuda.get_device_name()
except AssertionError as e:
    print("AssertionError", e)
"""


def test_cli_tutorial_preamble(tmp_path):
    script = tmp_path / "tutorial.py"
    script.write_text(CLI_SCRIPT)
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src") + os.pathsep +
               os.environ.get("PYTHONPATH", ""))
    out = [subprocess.run([sys.executable, "-m", "torchless", "run", *flag, str(script)],
                          capture_output=True, text=True, env=env, timeout=120)
           for flag in ([], ["--real-torch"])]
    assert out[0].returncode == 0, out[0].stderr
    assert out[1].returncode == 0, out[1].stderr
    assert out[0].stdout == out[1].stdout
