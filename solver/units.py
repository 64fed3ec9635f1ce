"""Whole units: quantities in whole units or whole lots of a product, and how an order line splits."""

from __future__ import annotations

import math

import numpy as np

# Share of a lot below which a shortfall is floating-point round-off (799.9999999 of 800 is 800).
ROUND_OFF = 1e-6


def lot_step(lot: float | None) -> float:
    """The unit a product is made in: its lot size, or one unit where it has none."""
    return float(lot) if lot is not None and lot > 0 else 1.0


def whole_units(quantity: float, lot: float | None = None) -> float:
    """The most whole lots (whole units without a lot size) that fit in quantity."""
    step = lot_step(lot)
    return max(math.floor(quantity / step + ROUND_OFF), 0) * step


def nearest_units(quantities: np.ndarray, lots: np.ndarray | float = 1.0) -> np.ndarray:
    """Each quantity rounded to the nearest whole lot (lots broadcast against quantities)."""
    step = np.where(np.asarray(lots, float) > 0, lots, 1.0)
    return np.round(np.asarray(quantities, float) / step) * step


def spread_whole(parts: np.ndarray, lot: float | None = None, headroom: np.ndarray | None = None) -> np.ndarray:
    """Parts in whole lots whose sum is the nearest whole lot to the parts' sum (largest remainder):
    each part is its share rounded down, and the lots still missing go one each to the parts with the
    largest remainders. headroom: most a part may grow beyond its share rounded down (e.g. the hours
    left in a day, as units); lots no part has room for are left out."""
    parts = np.asarray(parts, float)
    step = lot_step(lot)
    scaled = np.maximum(parts, 0.0) / step
    base = np.floor(scaled + ROUND_OFF)
    short = round(float(scaled.sum())) - int(base.sum())
    remainder = scaled - base
    if short > 0:
        eligible = scaled > ROUND_OFF
        if headroom is not None:
            eligible &= np.asarray(headroom, float) >= step * (1 - ROUND_OFF)
        order = np.argsort(-remainder, kind="stable")
        base[order[eligible[order]][:short]] += 1
    elif short < 0:  # round-off gave a lot too many: take it from the smallest remainders that have one
        have = np.flatnonzero(base > 0)
        base[have[np.argsort(remainder[have], kind="stable")[:-short]]] -= 1
    return base * step


def split_line(quantity: float, ready_early: float, lot: float | None, minimum: float) -> tuple[float, float]:
    """(early, late): the part of an order line that ships by the requested date and the rest.

    The early part is whole lots of what is ready by then. A part below the minimum is not worth a
    delivery of its own: when the early part would be below it, or the late remainder would be and
    the early part cannot take it (not ready in time), the whole line ships late.
    """
    if ready_early >= quantity - ROUND_OFF * lot_step(lot):  # all of it is ready in time
        return quantity, 0.0
    early = whole_units(ready_early, lot)
    if early < minimum - ROUND_OFF or quantity - early < minimum - ROUND_OFF:
        return 0.0, quantity
    return early, quantity - early
