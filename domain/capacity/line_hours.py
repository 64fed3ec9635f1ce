"""Calendar hours of production lines per week (usual working days plus calendar exceptions), in one query."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import cast

from sqlalchemy import Table, and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import reference
from domain.models import LineCalendarDay, ProductionLine

LINES, DAYS = cast(Table, ProductionLine.__table__), cast(Table, LineCalendarDay.__table__)


@dataclass
class LineWeeks:
    """One line's usual hours per weekday (Monday = 0) and its exceptions (day -> hours) in the weeks asked."""

    usual: list[float]
    exceptions: dict[date, float] = field(default_factory=dict)

    def day_hours(self, day: date) -> float:
        return self.exceptions.get(day, self.usual[day.weekday()])

    def week_hours(self, week: date) -> float:
        return sum(self.day_hours(week + timedelta(days=d)) for d in range(7))

    def open_share(self, week: date, open_from: date) -> float:
        """Share of the week's hours on or after open_from (the days after the frozen window)."""
        days = [week + timedelta(days=d) for d in range(7)]
        total = sum(self.day_hours(day) for day in days)
        open_hours = sum(self.day_hours(day) for day in days if day >= open_from)
        return open_hours / total if total > 0 else 0.0


def working_weekdays(working_days: str) -> list[int]:
    """The weekdays (Monday = 0) a line usually works, from "1111100"; a line with none set works Mondays."""
    return [i for i, flag in enumerate(working_days) if flag == "1"] or [0]


def usual_hours(weekly_capacity_hours: float, working_days: str) -> list[float]:
    """The week's hours spread evenly over its working days (working_weekdays), Monday first."""
    workdays = working_weekdays(working_days)
    per_day = weekly_capacity_hours / len(workdays)
    return [per_day if weekday in workdays else 0.0 for weekday in range(7)]


# Built once: every line with its calendar days in [:start, :end); LINE_WEEKS those of :line_ids.
ALL_LINE_WEEKS = (
    select(LINES.c.id, LINES.c.weekly_capacity_hours, LINES.c.working_days, DAYS.c.day, DAYS.c.hours)
    .select_from(LINES.outerjoin(DAYS, and_(DAYS.c.line_id == LINES.c.id,
                                            DAYS.c.day >= bindparam("start", type_=DAYS.c.day.type),
                                            DAYS.c.day < bindparam("end", type_=DAYS.c.day.type))))
)
LINE_WEEKS = ALL_LINE_WEEKS.where(LINES.c.id.in_(bindparam("line_ids", expanding=True)))


async def line_weeks(session: AsyncSession, line_ids: Sequence[int], weeks: list[date]) -> dict[int, LineWeeks]:
    """The lines (by id) with their calendar exceptions inside `weeks` (each week is 7 days from its date); when the
    transaction read the master-data version, from this process's copy, which a miss fills with every line's
    calendar for these weeks (domain/reference.py)."""
    start, end = weeks[0], weeks[-1] + timedelta(days=7)
    wanted = sorted(set(line_ids))
    cache = reference.trusted(session)
    lines: dict[int, LineWeeks] = {}
    if cache is not None:
        lines = {i: cache.calendars[(i, start, end)] for i in wanted if (i, start, end) in cache.calendars}
        if len(lines) == len(wanted):
            return lines
    connection = await session.connection()
    rows = await (connection.execute(ALL_LINE_WEEKS, {"start": start, "end": end}) if cache is not None else
                  connection.execute(LINE_WEEKS, {"start": start, "end": end, "line_ids": wanted}))
    read: dict[int, LineWeeks] = {}
    for line_id, weekly, working_days, day, hours in rows:
        line = read.get(line_id)
        if line is None:
            line = read[line_id] = LineWeeks(usual_hours(weekly, working_days))
        if day is not None:
            line.exceptions[day] = hours
    cache = reference.trusted(session)
    if cache is not None:
        cache.calendars.update({(i, start, end): line for i, line in read.items()})
    return {i: read[i] for i in wanted if i in read}
