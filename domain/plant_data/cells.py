"""Reads one row's text cells as numbers, dates, codes and choices, recording a problem for each bad cell."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from domain.plant_data.problems import Problems


class Row:
    """One data row of one file; every reader returns None (and records why) when the cell is not usable."""

    def __init__(self, where: str, number: int, cells: dict[str, str], problems: Problems) -> None:
        self.where, self.row_no, self.cells, self.problems = where, number, cells, problems
        self.ok = True

    def bad(self, column: str, message: str) -> None:
        self.ok = False
        self.problems.add(self.where, self.row_no, column, message)

    def text(self, column: str) -> str | None:
        """The cell's text; None when empty (a required column then records a problem)."""
        value = self.cells.get(column, "")
        return value or None

    def required(self, column: str) -> str:
        value = self.cells.get(column, "")
        if not value:
            self.bad(column, "is empty: a value is required")
        return value

    def decimal(self, column: str, *, required: bool = False) -> Decimal | None:
        raw = self.required(column) if required else self.cells.get(column, "")
        if not raw:
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or "e" in raw.lower():
            self.bad(column, f"{raw!r} is not a number (use a dot for decimals, no thousands separator)")
            return None
        if value < 0:
            self.bad(column, f"{raw!r} is negative: expected 0 or more")
            return None
        return value

    def number(self, column: str, *, required: bool = False, positive: bool = False) -> float | None:
        value = self.decimal(column, required=required)
        if value is None:
            return None
        if positive and value == 0:
            self.bad(column, f"{self.cells[column]!r}: expected a number above 0")
            return None
        result = float(value)
        return result if math.isfinite(result) else None

    def whole(self, column: str) -> int | None:
        value = self.decimal(column)
        if value is None:
            return None
        if value != value.to_integral_value():
            self.bad(column, f"{self.cells[column]!r} is not a whole number")
            return None
        return int(value)

    def day(self, column: str, *, required: bool = True) -> date | None:
        raw = self.required(column) if required else self.cells.get(column, "")
        if not raw:
            return None
        try:
            if len(raw) == 10:  # fromisoformat also takes 20261203, which the format does not
                return date.fromisoformat(raw)
        except ValueError:
            pass
        self.bad(column, f"{raw!r} is not a date: expected YYYY-MM-DD")
        return None

    def choice(self, column: str, choices: Iterable[str], default: str | None = None) -> str | None:
        raw = self.cells.get(column, "")
        if not raw:
            if default is None:
                self.bad(column, "is empty: a value is required")
            return default
        allowed = list(choices)
        if raw not in allowed:
            self.bad(column, f"{raw!r} is not one of {', '.join(allowed)}")
            return None
        return raw
