"""Checks of the numbers a floor report carries, each naming the input field it refuses."""

from __future__ import annotations

import math
from collections.abc import Sequence

from domain.errors import InvalidInput


def quantity(value: float, field: Sequence[str], *, positive: bool = False) -> float:
    """A finite number, not negative (or strictly positive when asked)."""
    name = field[-1]
    if not math.isfinite(value):
        raise InvalidInput(f"{name} must be a finite number, got {value}", field)
    if value < 0 or (positive and value == 0):
        raise InvalidInput(f"{name} must be {'greater than 0' if positive else 'zero or more'}, got {value:g}", field)
    return float(value)
