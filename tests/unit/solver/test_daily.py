"""Daily tasks follow the line calendar and keep frozen days."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from solver import CapacityPlanner, DailyTask, daily_tasks
from solver.daily import day_room, overtime_within_days, unplaced_hours
from solver.testing import synthetic_plant


def calendar_for(n_lines: int, weekly: np.ndarray) -> np.ndarray:
    days = np.zeros((n_lines, 7))
    days[:, :5] = weekly[:, None] / 5
    days[0, 2] = 0.0  # line 0 closed on Wednesday
    days[0, [0, 1, 3, 4]] = weekly[0] / 4
    return days


def test_daily_tasks_respect_the_line_calendar_and_add_up_to_the_week() -> None:
    plant = synthetic_plant(30, 3, 4, seed=2, load=1.2)
    plan = CapacityPlanner().solve(plant)
    day_hours = calendar_for(3, plant.capacity_hours[:, 0])
    tasks = daily_tasks(plan, plant, 0, day_hours, frozen_days=3)
    per_route = np.zeros(len(plant.route_product))
    per_day = np.zeros((3, 7))
    for task in tasks:
        per_route[task.route] += task.quantity
        per_day[task.line, (task.day - plant.weeks[0]).days] += task.hours
        assert task.frozen == ((task.day - plant.weeks[0]).days < 3)
        assert task.quantity == round(task.quantity) > 0
        assert task.hours == pytest.approx(task.quantity / plant.route_rate[task.route])
    # the week's total per route is the LP's in whole units, or a unit less where the days are full
    assert set(np.round(plan.production[:, 0]) - per_route) <= {0.0, 1.0}
    assert (per_route == np.round(plan.production[:, 0])).mean() > 0.8
    closed = day_hours == 0
    assert np.all(per_day[closed] == 0)
    over = np.maximum(per_day - day_hours * (1 - plant.reserve_share), 0).sum(axis=1)
    rounding = np.zeros(3)  # a task may carry up to one unit more than its share of the day
    np.add.at(rounding, plant.route_line, 1 / plant.route_rate)
    assert np.all(over <= plan.overtime[:, 0] + rounding + 1e-6)


def test_tasks_inside_the_frozen_days_are_kept_from_the_previous_schedule() -> None:
    plant = synthetic_plant(30, 3, 4, seed=2)
    planner = CapacityPlanner()
    plan = planner.solve(plant)
    day_hours = calendar_for(3, plant.capacity_hours[:, 0])
    before = daily_tasks(plan, plant, 0, day_hours, frozen_days=2)
    replan = planner.solve(dataclasses.replace(plant, plan_in_force=plan.production, demand=plant.demand * 1.2))
    after = daily_tasks(replan, plant, 0, day_hours, frozen_days=2, previous_tasks=before)
    frozen_before = {t for t in before if (t.day - plant.weeks[0]).days < 2}
    frozen_after = {t for t in after if (t.day - plant.weeks[0]).days < 2}
    assert frozen_before == frozen_after and frozen_before
    assert all(not t.frozen for t in after if t not in frozen_after)


def test_a_line_on_24_hour_days_has_no_room_for_overtime() -> None:
    """Input tried: 24 h and 8 h days over Monday-Friday, 20 h of weekly overtime, 12% reserve."""
    days = np.zeros((2, 7))
    days[0, :5], days[1, :5] = 24.0, 8.0
    room = day_room(days, np.array([20.0, 20.0]), 0.12)
    np.testing.assert_allclose(room[0, :5], 24.0)  # 21.12 plannable + 4 h overtime share, cut to the day
    np.testing.assert_allclose(room[1, :5], 8 * 0.88 + 4.0)
    assert np.all(room[:, 5:] == 0)
    np.testing.assert_allclose(overtime_within_days(days, np.array([20.0, 20.0]), 0.12), [120 - 105.6, 20.0])


def per_day(tasks: list[DailyTask], monday: object, n_lines: int) -> np.ndarray:
    hours = np.zeros((n_lines, 7))
    for task in tasks:
        hours[task.line, (task.day - monday).days] += task.hours  # type: ignore[operator]
    return hours


def test_a_week_planned_whole_but_open_from_thursday_never_stacks_a_day() -> None:
    """Input tried: an overloaded plant (load 1.5) planned for a whole week, laid out from Thursday on:
    what the two days cannot hold is reported, not stacked on them (the issue saw 62.8 h on a 24 h day)."""
    plant = synthetic_plant(30, 3, 4, seed=2, load=1.5)
    plan = CapacityPlanner().solve(plant)
    day_hours = calendar_for(3, plant.capacity_hours[:, 0])
    tasks = daily_tasks(plan, plant, 0, day_hours, frozen_days=3, open_from=3)
    hours = per_day(tasks, plant.weeks[0], 3)
    room = day_room(day_hours, plant.overtime_max_hours[:, 0], plant.reserve_share)
    assert np.all(hours[:, :3] == 0)
    assert np.all(hours <= room + 1e-9) and np.all(room <= 24.0)
    notes = unplaced_hours(plan, plant, tasks)
    planned = np.bincount(plant.route_line, weights=plan.hours[:, 0], minlength=3)
    assert {n.line for n in notes} == {line for line in range(3) if planned[line] > hours[line].sum() + 1e-6}
    assert notes and all(n.kind == "daily_overflow" for n in notes)


def test_the_lp_plans_only_what_the_open_days_hold() -> None:
    """Input tried: the same overloaded plant, its first week cut to Thursday and Friday's room."""
    plant = synthetic_plant(30, 3, 4, seed=2, load=1.5)
    day_hours = calendar_for(3, plant.capacity_hours[:, 0])
    room = day_room(day_hours, plant.overtime_max_hours[:, 0], plant.reserve_share)
    cut = dataclasses.replace(plant, first_week_hours=room[:, 3:].sum(axis=1))
    plan = CapacityPlanner().solve(cut)
    planned = np.bincount(plant.route_line, weights=plan.hours[:, 0], minlength=3)
    assert np.all(planned <= cut.first_week_hours + 1e-6)  # type: ignore[operator]
    assert planned.sum() > 0.9 * room[:, 3:].sum()  # overloaded: the open days are used
    tasks = daily_tasks(plan, cut, 0, day_hours, frozen_days=3, open_from=3)
    assert unplaced_hours(plan, cut, tasks) == []


def test_a_product_due_early_in_the_week_is_laid_out_first() -> None:
    """Input: a synthetic plant's week, line 0's products in the LP's urgency order; then the product laid out last
    is given an order due on Monday (due_day 0), every other product none (7): its first task moves to the week's
    first open day, and the line's week total stays the same (up to whole units)."""
    plant = synthetic_plant(30, 3, 4, seed=2, load=1.2)
    plan = CapacityPlanner().solve(plant)
    before = [t for t in daily_tasks(plan, plant, 0, frozen_days=0) if t.line == 0]
    last = max(before, key=lambda t: (t.day, t.hours)).product
    assert min(t.day for t in before if t.product == last) > plant.weeks[0]
    due_day = np.full(len(plant.products), 7)
    due_day[last] = 0
    after = [t for t in daily_tasks(plan, plant, 0, frozen_days=0, due_day=due_day) if t.line == 0]
    assert min(t.day for t in after if t.product == last) == plant.weeks[0]
    assert sum(t.hours for t in after) == pytest.approx(sum(t.hours for t in before), rel=0.01)  # whole units
