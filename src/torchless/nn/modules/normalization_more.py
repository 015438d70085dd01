"""GroupNorm, InstanceNorm*, RMSNorm, LocalResponseNorm, BatchNorm3d, dropout variants,
padding modules, Upsample, PixelShuffle, Fold/Unfold."""
from __future__ import annotations

__all__: list = []
