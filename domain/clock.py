"""The domain's one clock: wall time unless pinned, so a simulation, a test or a demo can say what 'now' is."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time

# A module global, not a ContextVar: a pinned clock must also hold in threads the caller starts (a served app in a
# test, run_sync's worker), and the simulation pins it from one thread only.
_pinned: datetime | None = None


def now() -> datetime:
    """The current instant, aware and in UTC."""
    return _pinned if _pinned is not None else datetime.now(UTC)


def today() -> date:
    """The current day in UTC (the plant's calendar days are UTC days throughout the service)."""
    return now().date()


def _instant(at: datetime | date) -> datetime:
    if isinstance(at, datetime):
        return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    # A pinned day means its working hours have begun: noon keeps the day the same in every offset we print.
    return datetime.combine(at, time(12, 0), tzinfo=UTC)


def pin(at: datetime | date | None) -> None:
    """Pin the clock to `at` (a day means noon UTC of that day); None releases it to wall time."""
    global _pinned
    _pinned = None if at is None else _instant(at)


@contextmanager
def pinned(at: datetime | date) -> Iterator[None]:
    """The clock reads `at` inside the block and what it read before after it (nesting restores the outer pin)."""
    before = _pinned
    pin(at)
    try:
        yield
    finally:
        pin(before)
