"""Spread an equipment failure's lost hours over the line's working days, from when it starts, per week."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.bounds import MAX_INCIDENT_DAYS
from domain.capacity.calendar import week_start
from domain.capacity.line_hours import usual_hours, working_weekdays
from domain.models import LineCalendarDay, ProductionLine


def last_working_day(line: ProductionLine, week: date) -> date:
    """The last day of the week the line usually works: when a week's production is ready."""
    return week + timedelta(days=max(working_weekdays(line.working_days)))


async def lost_hours_by_week(
    session: AsyncSession, line: ProductionLine, starts: date, hours: float
) -> dict[date, float]:
    """Hours lost per week: each working day from `starts` loses its calendar hours until `hours` are spent."""
    exceptions = dict(
        (
            await session.execute(
                select(LineCalendarDay.day, LineCalendarDay.hours).where(
                    LineCalendarDay.line_id == line.id,
                    LineCalendarDay.day >= starts,
                    LineCalendarDay.day < starts + timedelta(days=MAX_INCIDENT_DAYS),
                )
            )
        ).all()
    )
    usual = usual_hours(line.weekly_capacity_hours, line.working_days)
    lost: dict[date, float] = defaultdict(float)
    left = hours
    for offset in range(MAX_INCIDENT_DAYS):
        if left <= 0:
            break
        day = starts + timedelta(days=offset)
        available = exceptions.get(day, usual[day.weekday()])
        share = min(available, left)
        if share > 0:
            lost[week_start(day)] += share
            left -= share
    return dict(lost)
