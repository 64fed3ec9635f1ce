"""A coarser horizon for large plants: week by week first, then multi-week buckets, and back to weeks."""

from __future__ import annotations

import dataclasses

import numpy as np

from solver.problem import PlanningProblem


def period_of_week(problem: PlanningProblem) -> np.ndarray:
    """[W] period index of each week: one period per detail week, then buckets of bucket_weeks."""
    n_weeks = len(problem.weeks)
    detail = n_weeks if problem.detail_weeks is None else max(problem.detail_weeks, problem.frozen + 1)
    weeks = np.arange(n_weeks)
    return np.where(weeks < detail, weeks, detail + (weeks - detail) // problem.bucket_weeks)


def coarsen(problem: PlanningProblem, period: np.ndarray) -> PlanningProblem:
    """The problem over periods: hours, demand and backlog weights summed per period.

    Demand falling inside a bucket is due at its end (the approximation the bench measures);
    holding and safety-stock costs scale with the bucket's length (PlanningProblem.period_weeks).
    """
    n_periods = int(period.max()) + 1
    if n_periods == len(problem.weeks):
        return problem
    starts = np.searchsorted(period, np.arange(n_periods))

    def total(values: np.ndarray) -> np.ndarray:
        return np.add.reduceat(np.asarray(values, float), starts, axis=1)

    covered = len(period) if problem.plan_in_force_weeks is None else problem.plan_in_force_weeks
    in_force = np.bincount(period, weights=np.arange(len(period)) < covered) == np.bincount(period)
    return dataclasses.replace(
        problem,
        weeks=[problem.weeks[int(s)] for s in starts],
        capacity_hours=total(problem.capacity_hours),
        overtime_max_hours=total(problem.overtime_max_hours),
        demand=total(problem.demand),
        backlog_weight=total(problem.backlog_weight),
        plan_in_force=None if problem.plan_in_force is None else total(problem.plan_in_force),
        committed_hours=None if problem.committed_hours is None else total(problem.committed_hours),
        reserve_used_hours=None if problem.reserve_used_hours is None else total(problem.reserve_used_hours),
        plan_in_force_weeks=int(in_force.sum()),  # periods the plan in force covers entirely
        detail_weeks=None,
        period_weeks=np.bincount(period).astype(float),
    )


def expand(problem: PlanningProblem, period: np.ndarray, hours: np.ndarray) -> np.ndarray:
    """[R, W] route hours from [R, periods]. Each line front-loads a bucket: it fills the plannable
    hours of the bucket's first week, then the next, and spreads hours beyond the bucket's plannable
    total as overtime in proportion to the weekly limits. Early is cheap (holding), late is not
    (demand inside a bucket falls in its weeks, not at its end)."""
    if hours.shape[1] == len(problem.weeks):
        return hours
    line = np.asarray(problem.route_line)
    regular, extra = problem.effective_capacity, np.asarray(problem.overtime_max_hours, float)
    n_periods = hours.shape[1]
    line_hours = np.zeros((len(problem.lines), n_periods))
    np.add.at(line_hours, line, hours)
    extra_total = np.zeros((len(problem.lines), n_periods))
    np.add.at(extra_total.T, period, extra.T)
    starts = np.searchsorted(period, np.arange(n_periods))
    running = np.cumsum(regular, axis=1)
    before = running - regular - (running - regular)[:, starts][:, period]  # bucket's regular hours before w
    planned = line_hours[:, period]
    regular_part = np.clip(planned - before, 0.0, regular)
    beyond = np.maximum(planned - np.add.reduceat(regular, starts, axis=1)[:, period], 0.0)
    week_hours = regular_part + beyond * np.divide(
        extra, extra_total[:, period], out=np.zeros_like(extra), where=extra_total[:, period] > 0
    )
    return fit_to_demand_timing(problem, period, starts, hours, week_hours)


def fit_to_demand_timing(
    problem: PlanningProblem, period: np.ndarray, starts: np.ndarray, hours: np.ndarray, week_hours: np.ndarray
) -> np.ndarray:
    """[R, W] route hours whose bucket totals are the route's and whose line-week totals are
    week_hours, shaped like each product's demand inside the bucket (iterative proportional
    fitting, all buckets at once), so products due early in a bucket are made early in it."""
    line, product = np.asarray(problem.route_line), np.asarray(problem.route_product)
    demand = np.asarray(problem.demand, float)[product] + 1e-6  # [R, W]
    timing = demand / np.add.reduceat(demand, starts, axis=1)[:, period]
    fitted = hours[:, period] * timing
    for _ in range(30):
        line_total = np.zeros_like(week_hours)
        np.add.at(line_total, line, fitted)
        fitted *= np.divide(week_hours, line_total, out=np.zeros_like(week_hours), where=line_total > 0)[line]
        route_total = np.add.reduceat(fitted, starts, axis=1)[:, period]
        fitted *= np.divide(hours[:, period], route_total, out=np.zeros_like(fitted), where=route_total > 0)
    line_total = np.zeros_like(week_hours)
    np.add.at(line_total, line, fitted)
    # End on the line side (never above the line-week's hours); the route totals are then near, not exact.
    return (
        fitted
        * np.minimum(np.divide(week_hours, line_total, out=np.ones_like(week_hours), where=line_total > 0), 1.0)[line]
    )
