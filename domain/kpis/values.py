"""A KPI's value with the numerator and denominator it came from, or the reason it has none."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class KpiValue:
    """`value` is None exactly when `reason` says why (an empty denominator, no data)."""

    name: str
    value: float | None
    numerator: float | None
    denominator: float | None
    reason: str | None = None
    unit: str = "ratio"


def number(raw: float | int | Decimal | None) -> float:
    """A SQL aggregate as a float: SUM over no rows is NULL, which here means 0."""
    return 0.0 if raw is None else float(raw)


def ratio(
    name: str, numerator: float | int | Decimal | None, denominator: float | int | Decimal | None, empty_reason: str
) -> KpiValue:
    """numerator / denominator; None with `empty_reason` when the denominator is 0 (never divides by zero)."""
    num, den = number(numerator), number(denominator)
    if den == 0:
        return KpiValue(name, None, num, den, empty_reason)
    return KpiValue(name, num / den, num, den)


def total(name: str, amount: float | int | Decimal | None, unit: str) -> KpiValue:
    """A sum (revenue, output): the value is the numerator itself; there is no denominator."""
    value = number(amount)
    return KpiValue(name, value, value, None, None, unit)
