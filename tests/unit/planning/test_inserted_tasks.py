"""How the hours of an order promised in the running week are laid on its days (domain/planning/inserted_tasks)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.planning.inserted_tasks import spread

WEDNESDAY = date(2025, 3, 5)
DAYS = [WEDNESDAY, WEDNESDAY + timedelta(days=1), WEDNESDAY + timedelta(days=2)]


def test_the_earliest_days_take_the_hours_up_to_their_room() -> None:
    assert spread(3.0, {DAYS[0]: 1.0, DAYS[1]: 1.5, DAYS[2]: 4.0}, DAYS) == {
        DAYS[0]: 1.0, DAYS[1]: 1.5, DAYS[2]: pytest.approx(0.5)}


def test_a_full_day_is_skipped() -> None:
    assert spread(1.0, {DAYS[0]: 0.0, DAYS[1]: -0.5, DAYS[2]: 2.0}, DAYS) == {DAYS[2]: 1.0}


def test_what_does_not_fit_goes_on_the_last_day() -> None:
    # Tried: 5 hours on days with 2 hours of room in all: the rest lands on the promised day, nothing is dropped.
    placed = spread(5.0, {DAYS[0]: 1.0, DAYS[1]: 1.0}, DAYS)
    assert placed == {DAYS[0]: 1.0, DAYS[1]: 1.0, DAYS[2]: pytest.approx(3.0)}
    assert sum(placed.values()) == pytest.approx(5.0)
