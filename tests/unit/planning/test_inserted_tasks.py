"""How the hours of an order promised in the running week are laid on its days (domain/planning/inserted_tasks)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.planning.inserted_tasks import spread, whole_units

WEDNESDAY = date(2025, 3, 5)
DAYS = [WEDNESDAY, WEDNESDAY + timedelta(days=1), WEDNESDAY + timedelta(days=2)]


def test_the_earliest_day_that_holds_them_all_takes_the_hours_in_one_task() -> None:
    # Tried: 3 hours where Wednesday has 1 h of room and Thursday and Friday 3.5 h: one task on Thursday (cut in
    # three, each part would leave its last unit short at a yield below 100%).
    assert spread(3.0, {DAYS[0]: 1.0, DAYS[1]: 3.5, DAYS[2]: 4.0}, DAYS) == {DAYS[1]: 3.0}


def test_the_earliest_days_take_the_hours_up_to_their_room_when_no_day_holds_them() -> None:
    assert spread(3.0, {DAYS[0]: 1.0, DAYS[1]: 1.5, DAYS[2]: 1.0}, DAYS) == {
        DAYS[0]: 1.0, DAYS[1]: 1.5, DAYS[2]: pytest.approx(0.5)}


def test_tasks_start_whole_units_adding_up_to_the_order_rounded_up() -> None:
    # 11.3 units' hours (gross of yield) start 12 units; whole units stay as they are.
    assert whole_units({DAYS[0]: 1.13}, 10.0) == {DAYS[0]: (12.0, pytest.approx(1.2))}
    assert whole_units({DAYS[0]: 0.9}, 10.0) == {DAYS[0]: (9.0, pytest.approx(0.9))}
    # Cut over days: 9.6 + 5.4 units start 10 + 5 (15, not 16); 9.6 + 0.4 start 10 and no second task.
    assert whole_units({DAYS[0]: 0.96, DAYS[1]: 0.54}, 10.0) == {
        DAYS[0]: (10.0, pytest.approx(1.0)), DAYS[1]: (5.0, pytest.approx(0.5))}
    assert whole_units({DAYS[0]: 0.96, DAYS[1]: 0.04}, 10.0) == {DAYS[0]: (10.0, pytest.approx(1.0))}
    assert whole_units({DAYS[0]: 0.5}, 0.0) == {DAYS[0]: (0.0, 0.5)}  # no routing: no units


def test_a_full_day_is_skipped() -> None:
    assert spread(1.0, {DAYS[0]: 0.0, DAYS[1]: -0.5, DAYS[2]: 2.0}, DAYS) == {DAYS[2]: 1.0}


def test_what_does_not_fit_goes_on_the_last_day() -> None:
    # Tried: 5 hours on days with 2 hours of room in all: the rest lands on the promised day, nothing is dropped.
    placed = spread(5.0, {DAYS[0]: 1.0, DAYS[1]: 1.0}, DAYS)
    assert placed == {DAYS[0]: 1.0, DAYS[1]: 1.0, DAYS[2]: pytest.approx(3.0)}
    assert sum(placed.values()) == pytest.approx(5.0)


def test_a_rush_task_starts_a_make_up_unit_per_task() -> None:
    # The floor reports whole good units: a task of 10 at 97% makes 9, so a rush order (one run before its date)
    # starts one unit more on each task, without the next task counting it as made.
    assert whole_units({DAYS[0]: 0.96, DAYS[1]: 0.54}, 10.0, spare=1.0) == {
        DAYS[0]: (11.0, pytest.approx(1.1)), DAYS[1]: (6.0, pytest.approx(0.6))}
