"""The largest figures and texts a caller may send, and how a caller's code is shown back in a message.

Beyond these an input is a typing mistake, not an order: 1e300 units made sums overflow, a stock figure
of 1e300 poisoned every KPI and replan after it, and money is stored as NUMERIC(14, 2)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from domain import clock
from domain.errors import InvalidInput

MAX_QUANTITY = 1e8  # units on one order line, shipment, progress report, feedback or forecast
MIN_QUANTITY = 1e-3  # the smallest part of a unit the plant counts
MAX_UNIT_PRICE = Decimal("1e9")
MAX_AMOUNT = Decimal("1e12") - Decimal("0.01")  # what a NUMERIC(14, 2) column holds
CENT = Decimal("0.01")
MAX_INCIDENT_DAYS = 366  # a longer failure is a line out of service: change its calendar instead
MAX_INCIDENT_HOURS = 24 * MAX_INCIDENT_DAYS
MAX_TEXT = 4000  # a reason, message, complaint or requirement
MAX_SHORT_TEXT = 200  # a scrap reason
MAX_YEARS_AHEAD = 5  # of a requested delivery date
CLOCK_SKEW = timedelta(minutes=5)  # between a partner's clock and ours
MAX_KEY_NAME = 48  # an API key's name: the actor "planner:<name>" is stored in 64-character columns
MAX_CODE = 64  # what a code column holds (String(64))
CODE_SHOWN = MAX_CODE  # a code longer than any stored one is cut when echoed in a message
EARLIEST_YEAR, LATEST_YEAR = 1900, 2999  # of any date a caller sends: year 9999 plus a week overflowed
MAX_ROW_ID = 2**31 - 1  # what an INTEGER primary key holds on PostgreSQL; a larger id came back "out of range"
MAX_GROWTH = 10.0  # a sales target's growth: +1000% is a typing mistake, -100% is no sales at all


def quantity(value: float, field: Sequence[str], *, positive: bool = False, most: float = MAX_QUANTITY) -> float:
    """A finite number, not negative (or at least MIN_QUANTITY when positive), at most `most`."""
    name = field[-1]
    if not math.isfinite(value):
        raise InvalidInput(f"{name} must be a finite number, got {value}", field)
    if value < 0 or (positive and value < MIN_QUANTITY):
        least = f"at least {MIN_QUANTITY:g}" if positive else "zero or more"
        raise InvalidInput(f"{name} must be {least}, got {value:g}", field)
    if value > most:
        raise InvalidInput(f"{name} must be at most {most:g}, got {value:g}", field)
    return float(value)


def text(value: str | None, field: Sequence[str], most: int = MAX_TEXT) -> str | None:
    """Free text up to `most` characters, without control characters other than line breaks and tabs."""
    if value is None:
        return None
    name = field[-1]
    if len(value) > most:
        raise InvalidInput(f"{name} has at most {most} characters, got {len(value)}", field)
    if any((ord(c) < 32 and c not in "\n\r\t") or ord(c) == 127 for c in value):
        raise InvalidInput(f"{name} must not hold control characters", field)
    return value


def code(value: str, field: Sequence[str], most: int = MAX_CODE) -> str:
    """A caller's code: 1 to `most` printable characters, no surrounding spaces."""
    name = field[-1]
    if not value.strip() or len(value) > most:
        raise InvalidInput(f"{name} must be 1 to {most} characters", field)
    if value != value.strip() or not value.isprintable():
        raise InvalidInput(f"{name} must be printable characters without spaces around them", field)
    return value


def shown(value: str) -> str:
    """A caller's code quoted for a message, cut when longer than any stored code."""
    return repr(value if len(value) <= CODE_SHOWN else value[:CODE_SHOWN] + "...")


def instant(value: datetime | None, field: Sequence[str], *, past_only: bool = False) -> datetime | None:
    """A caller's instant must say its offset: a wall-clock time means something else on every server. What
    has happened (made, shipped) is not in the future, allowing CLOCK_SKEW between the caller's clock and ours."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise InvalidInput(f"{field[-1]} {value.isoformat()} needs a UTC offset, e.g. 2026-11-25T14:30:00Z", field)
    if past_only and value > clock.now() + CLOCK_SKEW:
        raise InvalidInput(f"{field[-1]} {value.isoformat()} is in the future: report it when it has happened",
                           field)
    return value
