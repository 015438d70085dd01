"""torch.backends.mkldnn: oneDNN, built into torch's x86-64 CPU wheels; flags kept as torch's."""
from __future__ import annotations

import contextlib

from ._state import FLAGS, FlagModule, flag, install, set_flag


def is_available() -> bool:
    """Return whether PyTorch is built with MKL-DNN support."""
    return True


@contextlib.contextmanager
def flags(enabled=False, deterministic=False, allow_tf32=True, fp32_precision="none"):
    """Set the oneDNN flags for the body of a ``with`` block (None leaves one as it is), then
    restore them."""
    keys = ("mkldnn.enabled", "mkldnn.deterministic")
    saved = [FLAGS[k] for k in keys]
    for key, value, setter in (("mkldnn.enabled", enabled, "set_enabled_mkldnn"),
                               ("mkldnn.deterministic", deterministic, "set_deterministic_mkldnn")):
        if value is not None:
            set_flag(key, value, setter)
    try:
        yield
    finally:
        for k, v in zip(keys, saved):
            FLAGS[k] = v


class MkldnnModule(FlagModule):
    enabled = flag("mkldnn.enabled", "set_enabled_mkldnn")
    deterministic = flag("mkldnn.deterministic", "set_deterministic_mkldnn")


install(__name__, MkldnnModule)
