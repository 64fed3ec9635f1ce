"""Weeks start on Monday; the frozen window covers the first days of the current week."""

from datetime import date

from domain.capacity.calendar import frozen_until, is_frozen, last_cutoff, week_start, weekly_cutoff, weeks_from


def test_week_start_is_monday() -> None:
    assert week_start(date(2026, 11, 25)) == date(2026, 11, 23)  # a Wednesday
    assert week_start(date(2026, 11, 23)) == date(2026, 11, 23)
    assert week_start(date(2026, 11, 29)) == date(2026, 11, 23)  # Sunday belongs to the same week


def test_weeks_from_gives_consecutive_mondays() -> None:
    assert weeks_from(date(2026, 11, 25), 3) == [date(2026, 11, 23), date(2026, 11, 30), date(2026, 12, 7)]


def test_frozen_window_is_first_three_days_of_the_week() -> None:
    monday = date(2026, 11, 23)
    assert frozen_until(monday, 3) == date(2026, 11, 25)  # Monday..Wednesday frozen
    assert is_frozen(date(2026, 11, 25), monday, 3)
    assert not is_frozen(date(2026, 11, 26), monday, 3)  # Thursday takes new orders
    thursday = date(2026, 11, 26)
    assert frozen_until(thursday, 3) == date(2026, 11, 25)  # window over: nothing ahead is frozen
    assert not is_frozen(thursday, thursday, 3)


def test_weekly_cutoff_is_next_friday() -> None:
    assert weekly_cutoff(date(2026, 11, 25), 4) == date(2026, 11, 27)
    assert weekly_cutoff(date(2026, 11, 27), 4) == date(2026, 11, 27)


def test_last_cutoff_is_the_friday_on_or_before_today() -> None:
    assert last_cutoff(date(2026, 11, 28), 4) == date(2026, 11, 27)  # Saturday's replan takes in up to Friday
    assert last_cutoff(date(2026, 11, 27), 4) == date(2026, 11, 27)
    assert last_cutoff(date(2026, 11, 30), 4) == date(2026, 11, 27)  # Monday: orders since Friday wait a week
