"""Forecast netting for the weekly plan: firm orders consume the forecast over the capacity policy's window.

The ledger lets an order promise the forecast hours of its own sku (or family) from backward_weeks before its week
to forward_weeks from it (domain/capacity/forecast_hours.py); the plan must net the forecast over the same window,
else it makes the consumed forecast again beside the order: the order's hours are planned twice, its line-weeks
overload (overtime, or promises the plan cannot keep) and nobody else can be promised those hours. As SAP's
consumption mode: an order consumes its own week first, then backward, then forward; with match FAMILY what is
left consumes the forecast of the other skus of its family, in hours (their products differ in rate).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

TOLERANCE = 1e-9


def window_offsets(backward_weeks: int, forward_weeks: int) -> list[int]:
    """Weeks an order consumes, relative to its own: itself, then backward, then forward (forward_weeks counts
    the order's own week, as the ledger's claim does)."""
    return [0, *(-k for k in range(1, backward_weeks + 1)), *range(1, forward_weeks)]


def net_forecast(forecast: np.ndarray, ordered: np.ndarray, *, match: str = "SKU", backward_weeks: int = 0,
                 forward_weeks: int = 1, families: Sequence[str] = (), hours_per_unit: np.ndarray | None = None
                 ) -> np.ndarray:
    """[P, W] forecast left once the orders ([P, W] units by due week) consumed it, earliest order week first.

    match NONE or SKU nets each sku's own forecast; FAMILY then lets the rest of an order consume its family's
    forecast (hours_per_unit [P] converts units to hours, shared over the family in proportion to its hours)."""
    net = np.array(forecast, dtype=float, copy=True)
    excess = np.array(ordered, dtype=float, copy=True)
    n_weeks = net.shape[1] if net.ndim == 2 else 0
    offsets = window_offsets(max(backward_weeks, 0), max(forward_weeks, 1))
    for week in range(n_weeks):
        for offset in offsets:
            target = week + offset
            if 0 <= target < n_weeks:
                take = np.minimum(excess[:, week], net[:, target])
                net[:, target] -= take
                excess[:, week] -= take
    if match != "FAMILY" or not len(families) or hours_per_unit is None:
        return np.maximum(net, 0.0)
    names = sorted(set(families))
    family = np.array([names.index(f) for f in families], dtype=np.int64)
    rate = np.asarray(hours_per_unit, dtype=float)
    for week in range(n_weeks):
        wanted = np.zeros(len(names))
        np.add.at(wanted, family, excess[:, week] * rate)
        for offset in offsets:
            target = week + offset
            if not 0 <= target < n_weeks or wanted.max(initial=0.0) <= TOLERANCE:
                continue
            there = np.zeros(len(names))
            np.add.at(there, family, net[:, target] * rate)
            take = np.minimum(wanted, there)
            share = np.divide(take, there, out=np.zeros_like(take), where=there > TOLERANCE)
            net[:, target] *= 1.0 - share[family]
            wanted -= take
    return np.maximum(net, 0.0)
