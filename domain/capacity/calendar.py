"""Weeks start on Monday; the frozen window and the weekly cut-off are counted in days from today."""

from __future__ import annotations

from datetime import date, timedelta


def week_start(day: date) -> date:
    """The Monday of the week holding `day`."""
    return day - timedelta(days=day.weekday())


def weeks_from(start: date, count: int) -> list[date]:
    """`count` consecutive Mondays, the first being the week of `start`."""
    first = week_start(start)
    return [first + timedelta(weeks=i) for i in range(count)]


def frozen_until(today: date, frozen_days: int) -> date:
    """Last day of the frozen window: the running plan may not change on or before it.

    The window covers the first `frozen_days` days of the current week (R14: Monday to Wednesday
    with the default 3); once they are over, the window is empty and frozen_until is yesterday.
    """
    end_of_window = week_start(today) + timedelta(days=frozen_days - 1)
    return end_of_window if end_of_window >= today else today - timedelta(days=1)


def is_frozen(day: date, today: date, frozen_days: int) -> bool:
    return day <= frozen_until(today, frozen_days)


def weekly_cutoff(today: date, cutoff_weekday: int) -> date:
    """The next cut-off day (0 = Monday .. 4 = Friday) on or after today: changes by then make the weekend replan."""
    return today + timedelta(days=(cutoff_weekday - today.weekday()) % 7)


def last_cutoff(today: date, cutoff_weekday: int) -> date:
    """The latest cut-off day on or before today: what the weekly replan run today takes in (R5)."""
    return today - timedelta(days=(today.weekday() - cutoff_weekday) % 7)
