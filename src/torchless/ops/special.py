"""More elementwise maths: inverse hyperbolics, error/gamma-family functions, logaddexp,
hypot, copysign, gcd/lcm and friends (forward and backward side by side, as everywhere)."""
from __future__ import annotations

__all__: list = []
