"""Calendar hours of production lines per week (usual working days plus calendar exceptions), in one query."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import cast

from sqlalchemy import Table, and_, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

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


# Built once: the lines :line_ids with their calendar days in [:start, :end).
LINE_WEEKS = (
    select(LINES.c.id, LINES.c.weekly_capacity_hours, LINES.c.working_days, DAYS.c.day, DAYS.c.hours)
    .select_from(LINES.outerjoin(DAYS, and_(DAYS.c.line_id == LINES.c.id,
                                            DAYS.c.day >= bindparam("start", type_=DAYS.c.day.type),
                                            DAYS.c.day < bindparam("end", type_=DAYS.c.day.type))))
    .where(LINES.c.id.in_(bindparam("line_ids", expanding=True)))
)


async def line_weeks(session: AsyncSession, line_ids: Sequence[int], weeks: list[date]) -> dict[int, LineWeeks]:
    """The lines (by id) with their calendar exceptions inside `weeks` (each week is 7 days from its date)."""
    rows = await (await session.connection()).execute(LINE_WEEKS, {
        "start": weeks[0], "end": weeks[-1] + timedelta(days=7), "line_ids": sorted(set(line_ids))})
    lines: dict[int, LineWeeks] = {}
    for line_id, weekly, working_days, day, hours in rows:
        line = lines.get(line_id)
        if line is None:
            line = lines[line_id] = LineWeeks(usual_hours(weekly, working_days))
        if day is not None:
            line.exceptions[day] = hours
    return lines
