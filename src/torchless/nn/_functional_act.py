"""torch.nn.functional: more activations and losses (see modules/activation_more.py,
modules/loss_more.py)."""
from __future__ import annotations

__all__: list = []
