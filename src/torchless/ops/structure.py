"""Structural ops that build or pick parts of tensors: triangles and diagonals, meshgrid,
repeat_interleave, searching and counting, and friends."""
from __future__ import annotations

__all__: list = []
