"""A field's values cut into cells at the thresholds rules compare it with: every condition holds all over a cell.

Checking one value per cell is then as good as checking every value (rules/coverage.py)."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rules.conditions import AllOf, AnyOf, Compare, Condition
from rules.vocabulary import FIELDS

# facts that cannot lie outside these bounds: nothing there needs a rule
BOUNDS = {"capacity.splittable_share": (0.0, 1.0), "stock.covered_share": (0.0, 1.0)}
OTHER_TEXT = "\0another value"  # stands for any text no rule names


@dataclass(frozen=True)
class Cell:
    value: Any  # a value inside the cell
    low: float | None = None  # numbers only: the cell's ends (None: open-ended)
    low_included: bool = False
    high: float | None = None
    high_included: bool = False


def cells_of(field: str, conditions: Sequence[Condition]) -> list[Cell]:
    kind = FIELDS[field].kind
    values = {value for condition in conditions for value in _compared(condition, field)}
    if kind == "bool":
        return [Cell(True), Cell(False)]
    if kind == "enum":
        return [Cell(choice) for choice in FIELDS[field].choices]
    if kind == "text":
        return [Cell(value) for value in sorted(values)] + [Cell(OTHER_TEXT)]
    return _number_cells(field, sorted({float(value) for value in values}), whole=kind == "int")


def _number_cells(field: str, points: list[float], whole: bool) -> list[Cell]:
    low, high = BOUNDS.get(field, (None, None))
    points = [p for p in points if (low is None or p >= low) and (high is None or p <= high)]
    edges: list[float | None] = [low, *points, high]
    cells: list[Cell] = []
    for index, (start, end) in enumerate(itertools.pairwise(edges)):
        # the open piece between two thresholds; a bound of the field's own range belongs to it
        value = _inside(start, end, whole)
        if value is not None and start != end:
            cells.append(Cell(value, start, index == 0 and start is not None, end,
                              index == len(points) and end is not None))
        if index < len(points):
            cells.append(Cell(int(points[index]) if whole else points[index], points[index], True, points[index], True))
    return cells


def _inside(start: float | None, end: float | None, whole: bool) -> float | None:
    """A value strictly between start and end (None when there is none, e.g. a whole number in (2, 3))."""
    if start is None:
        return 0 if end is None else math.ceil(end) - 1 if whole else end - 1
    if end is None:
        return math.floor(start) + 1 if whole else start + 1
    if whole:
        candidate = math.floor(start) + 1
        return candidate if candidate < end else None
    return (start + end) / 2


def _compared(condition: Condition, field: str) -> list[Any]:
    if isinstance(condition, Compare):
        if condition.field != field:
            return []
        return list(condition.value) if isinstance(condition.value, tuple) else [condition.value]
    if isinstance(condition, (AllOf, AnyOf)):
        return [value for part in condition.parts for value in _compared(part, field)]
    return []


def range_text(field: str, first: Cell, last: Cell) -> str:
    """'margin.pct >= 10 and < 15' from the first to the last cell; '' for every value of the field."""
    low, high = first.low, last.high
    if low is not None and low == high:
        return f"{field} == {_number(low)}"
    lower = f"{'>=' if first.low_included else '>'} {_number(low)}" if low is not None else ""
    upper = f"{'<=' if last.high_included else '<'} {_number(high)}" if high is not None else ""
    return f"{field} {' and '.join(part for part in (lower, upper) if part)}" if lower or upper else ""


def values_text(field: str, cells: Sequence[Cell]) -> str:
    """'customer.tier KEY or REGULAR', 'capacity.fits false', 'order.amount > 50000'."""
    if FIELDS[field].numeric:
        return " or ".join(range_text(field, cell, cell) for cell in cells)
    return f"{field} {' or '.join(_value_text(cell.value) for cell in cells)}"


def _value_text(value: Any) -> str:
    if value == OTHER_TEXT:
        return "of any other value"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _number(value: float | None) -> str:
    return str(int(value)) if value is not None and float(value).is_integer() else str(value)
