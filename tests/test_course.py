"""PyTorch's beginner course, run unchanged: each script in tests/course runs under
``torchless run`` and under the same runner with the real torch, and prints the same text."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COURSE = sorted((ROOT / "tests" / "course").glob("*.py"))


def run(*args):
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env["OMP_NUM_THREADS"] = "1"     # torch's threads fight over a small machine's cores
    return subprocess.run([sys.executable, "-m", "torchless", "run", *map(str, args)],
                          capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.parametrize("script", COURSE, ids=[p.stem for p in COURSE])
def test_course_script_prints_what_torch_prints(script):
    ours = run(script)
    assert ours.returncode == 0, ours.stderr
    real = run("--real-torch", script)
    assert real.returncode == 0, real.stderr
    # (object addresses, as in "<AddmmBackward0 object at 0x7f...>", differ from run to run)
    assert _ADDR.sub("0x…", ours.stdout) == _ADDR.sub("0x…", real.stdout)


_ADDR = re.compile(r"0x[0-9a-f]{6,}")
