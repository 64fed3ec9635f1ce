"""Forecast netting for the weekly plan: firm orders consume the forecast over the capacity policy's window.

The ledger lets an order promise the forecast hours of its own sku (or family) from backward_weeks before its week
to forward_weeks from it (domain/capacity/forecast_hours.py); the plan must net the forecast over the same window,
else it makes the consumed forecast again beside the order: the order's hours are planned twice, its line-weeks
overload (overtime, or promises the plan cannot keep) and nobody else can be promised those hours. As SAP's
consumption mode, but earliest week first, as the ledger's promise consumes it; with match FAMILY what is left
consumes the forecast of the other skus of its family, in hours (their products differ in rate).

Forecast decay (the capacity policy's forecast_decay, as a demand time fence that opens gradually): customers order
a week's demand some days ahead, so of a near week's forecast nobody has ordered yet only the share still to be
ordered is planned; the rest would be made to stock and its hours held from the orders of other skus.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

TOLERANCE = 1e-9


def window_offsets(backward_weeks: int, forward_weeks: int) -> list[int]:
    """Weeks an order consumes, relative to its own, earliest first: where capable-to-promise puts its hours (the
    first weeks with room), so the plan nets the forecast on the line-weeks the promise took (forward_weeks counts
    the order's own week, as the ledger's claim does)."""
    return list(range(-backward_weeks, max(forward_weeks, 1)))


@dataclass(frozen=True)
class ForecastDecay:
    """Customers order lead_min to lead_max days ahead of the date they want, spread evenly: as of `today`, the share
    of a week's demand still to be ordered (the rest has been ordered, or will not be)."""

    today: date
    lead_min: int
    lead_max: int

    def still_to_order(self, weeks: Sequence[date]) -> np.ndarray:
        """[W] share of each week's forecast (Mondays) still to be ordered, counted at the week's middle (Thursday):
        1 beyond lead_max days, 0 within lead_min, in proportion between (a hard fence when they are equal)."""
        days = np.array([(week + timedelta(days=3) - self.today).days for week in weeks], dtype=float)
        if self.lead_max <= self.lead_min:
            return (days >= self.lead_min).astype(float)
        return np.clip((days - self.lead_min) / (self.lead_max - self.lead_min), 0.0, 1.0)


def net_forecast(forecast: np.ndarray, ordered: np.ndarray, *, match: str = "SKU", backward_weeks: int = 0,
                 forward_weeks: int = 1, pools: Sequence[Sequence[int]] | None = None,
                 hours_per_unit: np.ndarray | None = None, still_to_order: np.ndarray | None = None) -> np.ndarray:
    """[P, W] forecast left once the orders ([P, W] units by due week) consumed it, earliest order week first.

    match NONE or SKU nets each sku's own forecast; FAMILY then lets the rest of an order consume the forecast of
    its pool (pools[p]: the other skus of p's family made on one of p's lines, whose forecast hours p's promise
    may take in the ledger), in hours (hours_per_unit [P]), shared in proportion to their hours.
    still_to_order [W] (ForecastDecay): what is left is at most that share of the week's forecast."""
    net = _net(forecast, ordered, match, backward_weeks, forward_weeks, pools, hours_per_unit)
    if still_to_order is None:
        return net
    return np.minimum(net, np.asarray(forecast, dtype=float) * np.asarray(still_to_order, dtype=float)[None, :])


def _net(forecast: np.ndarray, ordered: np.ndarray, match: str, backward_weeks: int, forward_weeks: int,
         pools: Sequence[Sequence[int]] | None, hours_per_unit: np.ndarray | None) -> np.ndarray:
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
    if match != "FAMILY" or pools is None or hours_per_unit is None:
        return np.maximum(net, 0.0)
    rate = np.asarray(hours_per_unit, dtype=float)
    for week in range(n_weeks):
        for product in np.flatnonzero(excess[:, week] * rate > TOLERANCE).tolist():
            members = np.asarray(pools[product], dtype=np.int64)
            wanted = float(excess[product, week] * rate[product])
            for offset in offsets:
                target = week + offset
                if not len(members) or not 0 <= target < n_weeks or wanted <= TOLERANCE:
                    continue
                there = float((net[members, target] * rate[members]).sum())
                if there > TOLERANCE:
                    take = min(wanted, there)
                    net[members, target] *= 1.0 - take / there
                    wanted -= take
    return np.maximum(net, 0.0)


def family_pools(families: Sequence[str], route_product: np.ndarray, route_line: np.ndarray) -> list[list[int]]:
    """Per product, the other products of its family that share one of its lines (whose forecast hours its orders may
    consume in the ledger)."""
    lines: list[set[int]] = [set() for _ in families]
    for product, line in zip(np.asarray(route_product).tolist(), np.asarray(route_line).tolist(), strict=True):
        lines[product].add(line)
    by_family: dict[str, list[int]] = {}
    for product, family in enumerate(families):
        by_family.setdefault(family, []).append(product)
    return [[q for q in by_family[family] if q != p and lines[q] & lines[p]] for p, family in enumerate(families)]
