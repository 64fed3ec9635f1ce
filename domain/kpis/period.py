"""The reporting period [from, to) and its calendar buckets (weeks start on Monday, UTC days)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from domain.errors import InvalidInput


class Granularity(enum.StrEnum):
    WEEK = "WEEK"
    MONTH = "MONTH"
    QUARTER = "QUARTER"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _next_boundary(day: date, granularity: Granularity) -> date:
    if granularity is Granularity.WEEK:
        return monday_of(day) + timedelta(days=7)
    months = 1 if granularity is Granularity.MONTH else 3
    first_month = day.month if granularity is Granularity.MONTH else 3 * ((day.month - 1) // 3) + 1
    month_index = day.year * 12 + (first_month - 1) + months
    return date(month_index // 12, month_index % 12 + 1, 1)


def _year_earlier(day: date) -> date:
    # 29 February has no twin a year before: the day before stands in for it.
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


@dataclass(frozen=True)
class Period:
    """Days from `start` (included) to `end` (excluded); a day is a UTC calendar day."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise InvalidInput(
                f"the period is empty: 'to' ({self.end.isoformat()}) must be after 'from' ({self.start.isoformat()})",
                field=["to"],
            )

    @property
    def start_at(self) -> datetime:
        """The first instant of the period (midnight UTC of `start`)."""
        return datetime.combine(self.start, time.min, tzinfo=UTC)

    @property
    def end_at(self) -> datetime:
        """The first instant after the period (midnight UTC of `end`)."""
        return datetime.combine(self.end, time.min, tzinfo=UTC)

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    def year_before(self) -> Period:
        """The same days one year earlier (revenue growth compares against it)."""
        return Period(_year_earlier(self.start), _year_earlier(self.end))

    def bucket_count(self, granularity: Granularity) -> int:
        """len(self.buckets(granularity)) by arithmetic: the query cost asks it of any period a client sends."""
        last = self.end - timedelta(days=1)
        if granularity is Granularity.WEEK:
            return (monday_of(last) - monday_of(self.start)).days // 7 + 1
        size = 1 if granularity is Granularity.MONTH else 3
        return (last.year * 12 + last.month - 1) // size - (self.start.year * 12 + self.start.month - 1) // size + 1

    def buckets(self, granularity: Granularity) -> list[Period]:
        """Calendar weeks, months or quarters covering the period, clipped to it."""
        out: list[Period] = []
        cursor = self.start
        while cursor < self.end:
            nxt = min(_next_boundary(cursor, granularity), self.end)
            out.append(Period(cursor, nxt))
            cursor = nxt
        return out
