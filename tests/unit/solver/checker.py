"""An independent plan checker in plain loops: it shares no code with solver/ beyond the input dataclass."""

from __future__ import annotations

import numpy as np

from solver import PlanningProblem, PlanResult

TOL = 1e-6


def close(a: float, b: float) -> bool:
    return abs(a - b) <= TOL * (1.0 + abs(a) + abs(b))


def violations(problem: PlanningProblem, result: PlanResult) -> list[str]:
    """Every broken constraint of the plan, in words (empty when the plan is valid)."""
    found: list[str] = []
    n_routes, n_weeks = len(problem.route_product), len(problem.weeks)
    for r in range(n_routes):
        for w in range(n_weeks):
            if result.production[r, w] < -TOL:
                found.append(f"negative production route {r} week {w}")
            if not close(result.production[r, w], result.hours[r, w] * problem.route_rate[r]):
                found.append(f"production != hours * rate on route {r} week {w}")
    for line in range(len(problem.lines)):
        for w in range(n_weeks):
            planned = sum(result.hours[r, w] for r in range(n_routes) if problem.route_line[r] == line)
            plannable = problem.capacity_hours[line, w] * (1 - problem.reserve_share)
            if result.overtime[line, w] > problem.overtime_max_hours[line, w] + TOL:
                found.append(f"overtime above its limit on line {line} week {w}")
            if planned > plannable + result.overtime[line, w] + TOL * (1 + planned):
                found.append(f"line {line} week {w}: {planned} h planned, {plannable} plannable + overtime")
            if planned > plannable + problem.overtime_max_hours[line, w] + TOL * (1 + planned):
                found.append(f"line {line} week {w} dips into the rush reserve")
    for p in range(len(problem.products)):
        net = problem.initial_inventory[p] - problem.initial_backlog[p]
        for w in range(n_weeks):
            made = sum(result.production[r, w] for r in range(n_routes) if problem.route_product[r] == p)
            net = net + made - problem.demand[p, w]
            if result.inventory[p, w] < -TOL or result.backlog[p, w] < -TOL:
                found.append(f"negative stock or backlog for product {p} week {w}")
            if not close(result.inventory[p, w] - result.backlog[p, w], net):
                found.append(f"stock balance broken for product {p} week {w}")
            if result.shortfall[p, w] < problem.safety_stock[p] - result.inventory[p, w] - TOL:
                found.append(f"safety shortfall understated for product {p} week {w}")
    return found


def plan_cost(problem: PlanningProblem, result: PlanResult) -> float:
    """The objective of a plan, summed term by term."""
    total = 0.0
    for p in range(len(problem.products)):
        for w in range(len(problem.weeks)):
            total += problem.backlog_weight[p, w] * result.backlog[p, w]
            total += problem.holding_cost[p] * result.inventory[p, w]
            total += problem.safety_shortfall_cost * result.shortfall[p, w]
    total += problem.overtime_cost * float(np.sum(result.overtime))
    if problem.plan_in_force is not None:
        covered = len(problem.weeks) if problem.plan_in_force_weeks is None else problem.plan_in_force_weeks
        window = len(problem.weeks) if problem.change_window_weeks is None else problem.change_window_weeks
        for r in range(len(problem.route_product)):
            for w in range(problem.frozen, min(problem.frozen + window, covered)):
                total += problem.change_penalty * abs(result.production[r, w] - problem.plan_in_force[r, w])
    return total
