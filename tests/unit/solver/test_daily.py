"""Daily tasks follow the line calendar and keep frozen days."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from solver import CapacityPlanner, daily_tasks
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
        per_route[task.route] += task.hours
        per_day[task.line, (task.day - plant.weeks[0]).days] += task.hours
        assert task.frozen == ((task.day - plant.weeks[0]).days < 3)
        assert task.quantity == pytest.approx(task.hours * plant.route_rate[task.route])
    np.testing.assert_allclose(per_route, plan.hours[:, 0], atol=1e-9)
    closed = day_hours == 0
    assert np.all(per_day[closed] == 0)
    over = np.maximum(per_day - day_hours * (1 - plant.reserve_share), 0).sum(axis=1)
    assert np.all(over <= plan.overtime[:, 0] + 1e-6)


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
