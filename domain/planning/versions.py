"""Plan versions: save a solved plan as a new version, switch the plan in force, list differences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from domain.models import CurrentPlan, ForecastTier, LineWeekLoad, Plan, PlanItem, Product, ProductionLine, utcnow
from domain.planning.snapshot import PlantSnapshot
from solver.result import PlanResult
from solver.units import nearest_units

# Quantities below this are solver noise, not production.
MIN_QUANTITY = 1e-6


@dataclass(frozen=True)
class PlanChange:
    week: date
    line_code: str
    sku: str
    before: float
    after: float


def plan_in_force(session: Session) -> Plan | None:
    pointer = session.get(CurrentPlan, 1)
    return None if pointer is None else session.get(Plan, pointer.plan_id)


def production_of(session: Session, plan_id: int) -> tuple[list[date], dict[tuple[int, int], np.ndarray]]:
    """Weekly quantities of a plan per (product id, line id), for the solver's stability penalty."""
    plan = session.get_one(Plan, plan_id)
    weeks = [plan.horizon_start + timedelta(weeks=i) for i in range(plan.horizon_weeks)]
    position = {w: i for i, w in enumerate(weeks)}
    quantities: dict[tuple[int, int], np.ndarray] = {}
    rows = session.execute(
        select(PlanItem.product_id, PlanItem.line_id, PlanItem.week, PlanItem.quantity).where(
            PlanItem.plan_id == plan_id, PlanItem.day.is_(None)
        )
    )
    for product_id, line_id, week, quantity in rows:
        row = quantities.setdefault((product_id, line_id), np.zeros(len(weeks)))
        row[position[week]] += quantity
    return weeks, quantities


def save_plan(
    session: Session,
    snapshot: PlantSnapshot,
    result: PlanResult,
    *,
    tier: ForecastTier,
    frozen_until: date,
    actor: str | None,
    rules_version: str,
    daily: list[dict[str, object]] | None = None,
) -> Plan:
    """Store the result as the next version (not yet in force)."""
    problem = snapshot.problem
    version = (session.scalar(select(func.max(Plan.version))) or 0) + 1
    plan = Plan(
        version=version,
        created_by=actor,
        tier=tier,
        horizon_start=problem.weeks[0],
        horizon_weeks=len(problem.weeks),
        frozen_until=frozen_until,
        inputs_fingerprint=snapshot.fingerprint,
        rules_version=rules_version,
        solver=result.solver,
        status=result.status,
        objective=float(result.objective),
        solve_seconds=float(result.solve_seconds),
        diagnostics=[
            {"kind": d.kind, "message": d.message, "line": d.line, "week": d.week, "product": d.product}
            for d in result.diagnostics
        ],
    )
    session.add(plan)
    session.flush()
    # Whole units (or lots) per route-week, each the nearest to the LP's; hours follow the quantity.
    quantity = nearest_units(result.production, problem.route_lot[:, None])
    hours = quantity / np.asarray(problem.route_rate, float)[:, None]
    route, week = np.nonzero(quantity > MIN_QUANTITY)
    items: list[dict[str, object]] = [
        {
            "plan_id": plan.id,
            "week": problem.weeks[w],
            "day": None,
            "line_id": snapshot.line_ids[int(problem.route_line[r])],
            "product_id": snapshot.product_ids[int(problem.route_product[r])],
            "quantity": float(quantity[r, w]),
            "hours": float(hours[r, w]),
            "crew_hours": 0.0,
            "quantity_made": 0.0,
            "frozen": bool(w < problem.frozen),
            "order_id": None,
        }
        for r, w in zip(route.tolist(), week.tolist(), strict=True)
    ]
    items += [dict(task, plan_id=plan.id) for task in daily or []]
    if items:
        session.execute(insert(PlanItem), items)
    loads = result.loads
    session.execute(
        insert(LineWeekLoad),
        [
            {
                "plan_id": plan.id,
                "line_id": snapshot.line_ids[li],
                "week": problem.weeks[wi],
                "capacity_hours": float(loads.capacity_hours[li, wi]),
                "planned_hours": float(loads.planned_hours[li, wi]),
                "reserved_hours": float(loads.reserved_hours[li, wi]),
                "overtime_hours": float(loads.overtime_hours[li, wi]),
            }
            for li in range(len(snapshot.line_ids))
            for wi in range(len(problem.weeks))
        ],
    )
    return plan


def put_in_force(session: Session, plan: Plan) -> None:
    """Make `plan` the plan in force: one row changes, in the caller's transaction."""
    pointer = session.get(CurrentPlan, 1, with_for_update=True)
    if pointer is None:
        session.add(CurrentPlan(id=1, plan_id=plan.id))
    else:
        pointer.plan_id = plan.id
        pointer.switched_at = utcnow()
    session.flush()


def diff_plans(session: Session, old_id: int, new_id: int) -> list[PlanChange]:
    """Weekly quantities that differ between two versions, per week, line and sku."""

    def totals(plan_id: int) -> dict[tuple[date, int, int], float]:
        rows = session.execute(
            select(PlanItem.week, PlanItem.line_id, PlanItem.product_id, func.sum(PlanItem.quantity))
            .where(PlanItem.plan_id == plan_id, PlanItem.day.is_(None))
            .group_by(PlanItem.week, PlanItem.line_id, PlanItem.product_id)
        )
        return {(w, line, product): float(q) for w, line, product, q in rows}

    before, after = totals(old_id), totals(new_id)
    lines = {i: code for i, code in session.execute(select(ProductionLine.id, ProductionLine.code))}
    skus = {i: sku for i, sku in session.execute(select(Product.id, Product.sku))}
    changes = [
        PlanChange(key[0], lines[key[1]], skus[key[2]], before.get(key, 0.0), after.get(key, 0.0))
        for key in sorted(set(before) | set(after))
        if abs(before.get(key, 0.0) - after.get(key, 0.0)) > 1e-6
    ]
    return changes


def drop_plan(session: Session, plan_id: int) -> None:
    session.execute(delete(Plan).where(Plan.id == plan_id))
