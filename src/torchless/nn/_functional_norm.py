"""torch.nn.functional: group/instance/RMS/local-response norms, dropout variants,
interpolate/upsample, pixel_shuffle, fold/unfold."""
from __future__ import annotations

__all__: list = []
