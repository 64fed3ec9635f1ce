"""What capable-to-promise answers: per order line, when, how much by the requested date, and what it uses."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class QuoteLine:
    """One order line to promise: a product index of the plan and a quantity in units."""

    product_index: int
    quantity: float


@dataclass(frozen=True)
class Consumption:
    """Hours a promise takes per line-week (from the plannable residual and from the rush reserve)
    and material per material-week; the domain reserves exactly these."""

    line_index: np.ndarray  # [n] line of each entry
    week_index: np.ndarray  # [n]
    hours: np.ndarray  # [n] from the residual (plannable) hours
    reserve_hours: np.ndarray  # [n] from the rush reserve
    material: np.ndarray | None = None  # [M, W] material units drawn per week (None without a bill)

    @staticmethod
    def combine(parts: list[Consumption]) -> Consumption:
        """All parts of a quote as one consumption."""
        materials = [part.material for part in parts if part.material is not None]
        return Consumption(
            np.concatenate([p.line_index for p in parts]).astype(np.int64) if parts else np.zeros(0, np.int64),
            np.concatenate([p.week_index for p in parts]).astype(np.int64) if parts else np.zeros(0, np.int64),
            np.concatenate([p.hours for p in parts]) if parts else np.zeros(0),
            np.concatenate([p.reserve_hours for p in parts]) if parts else np.zeros(0),
            np.sum(materials, axis=0) if materials else None,
        )


@dataclass(frozen=True)
class LinePromise:
    """The answer for one order line."""

    product_index: int
    quantity: float
    ready_week_index: int | None  # None: not within the horizon
    promise_date: datetime.date | None  # estimated day inside the ready week
    quantity_by_requested: float  # most that can be ready by the requested week (for a split)
    consumption: Consumption  # for min(quantity, most within the horizon)
    limited_by: str  # "" when it fits by the requested week, else capacity | material | no_route


@dataclass(frozen=True)
class Quote:
    """The answer for an order: every line, the order's promise date and the rush alternative."""

    requested_week_index: int
    use_reserve: bool
    lines: list[LinePromise]
    promise_date: datetime.date | None  # latest line's date; None when a line cannot be made in the horizon
    fits_by_requested: bool
    consumption: Consumption
    rush_promise_date: datetime.date | None  # what the date would be using the rush reserve too
    rush_fits_by_requested: bool
