"""Putting a plan into force: the one place the ledger, promises, scheduled orders and alerts follow a plan.

A replan whose draft the capacity policy lets alone calls `enter_force` with what it solved; an approved draft
calls it later with a result rebuilt from the plan's stored items and loads, against a fresh snapshot (orders
promised since the draft was solved count).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from domain.events.outbox import Outbox
from domain.floor import mark_late_sync, material_shortages
from domain.models import LineWeekLoad, Plan, PlanItem, utcnow
from domain.planning.ledger_refresh import refresh_ledger
from domain.planning.moves import Move, apply_moves, record_moves
from domain.planning.schedule import schedule_accepted_orders
from domain.planning.snapshot import PlantSnapshot, load_snapshot
from domain.planning.versions import put_in_force
from solver.result import LineLoad, PlanResult, SolverStatus

DEFAULT_RESERVE_SHARE = 0.12  # plans saved before plan consensus stored theirs (none of them is a draft)


@dataclass
class InForce:
    scheduled_event_ids: list[int]
    alert_ids: list[int]
    late_event_ids: list[int]
    material_shortages: int
    moves: list[Move]


def enter_force(session: Session, plan: Plan, snapshot: PlantSnapshot, result: PlanResult, *, today: date,
                actor: str | None, cutoff: datetime) -> InForce:
    """Make `plan` the plan in force and let everything that follows the plan in force follow it."""
    put_in_force(session, plan)
    plan.in_force_at = utcnow()
    refresh_ledger(session, snapshot, result)
    events = schedule_accepted_orders(session, cutoff, actor, plan.version)
    # The new plan's material needs against stock and receipts: shortages alert early (R10).
    outbox = Outbox()
    shortages = material_shortages(session, plan.horizon_weeks, today=today, outbox=outbox)
    moves = apply_moves(session, outbox, snapshot, result, actor)
    record_moves(session, plan.id, moves)
    mark_late_sync(session, outbox, today, actor)
    session.flush()
    return InForce(events, [a.id for a in outbox.alerts], [e.id for e in outbox.order_events], len(shortages), moves)


def snapshot_of(session: Session, plan: Plan) -> PlantSnapshot:
    """The plant now, over the plan's horizon: what an approved draft goes into force against."""
    share = DEFAULT_RESERVE_SHARE if plan.reserve_share is None else plan.reserve_share
    return load_snapshot(session, plan.horizon_start, plan.horizon_weeks, plan.tier, share)


def result_of(session: Session, plan: Plan, snapshot: PlantSnapshot) -> PlanResult:
    """The stored plan as a solve's result: route hours from its weekly items, planned hours from its loads."""
    problem = snapshot.problem
    weeks = {w: i for i, w in enumerate(problem.weeks)}
    routes = {(snapshot.product_ids[int(p)], snapshot.line_ids[int(li)]): r
              for r, (p, li) in enumerate(zip(problem.route_product, problem.route_line, strict=True))}
    lines = {line_id: i for i, line_id in enumerate(snapshot.line_ids)}
    hours = np.zeros((len(problem.route_rate), len(problem.weeks)))
    production = np.zeros_like(hours)
    items = session.execute(select(PlanItem.product_id, PlanItem.line_id, PlanItem.week, PlanItem.hours,
                                   PlanItem.quantity).where(PlanItem.plan_id == plan.id, PlanItem.day.is_(None)))
    for product_id, line_id, week, item_hours, quantity in items:
        route, w = routes.get((product_id, line_id)), weeks.get(week)
        if route is not None and w is not None:  # a route retired since the draft was solved makes nothing
            hours[route, w] += item_hours
            production[route, w] += quantity
    shape = (len(snapshot.line_ids), len(problem.weeks))
    planned, reserved, overtime = np.zeros(shape), np.zeros(shape), np.zeros(shape)
    loads = session.execute(select(LineWeekLoad).where(LineWeekLoad.plan_id == plan.id))
    for (load,) in loads:
        li, w = lines.get(load.line_id), weeks.get(load.week)
        if li is not None and w is not None:
            planned[li, w], reserved[li, w] = load.planned_hours, load.reserved_hours
            overtime[li, w] = load.overtime_hours
    products = np.zeros((len(snapshot.product_ids), len(problem.weeks)))
    return PlanResult(
        status=SolverStatus(plan.status), objective=float(plan.objective or 0.0), production=production, hours=hours,
        inventory=products, backlog=products.copy(), overtime=overtime, shortfall=products.copy(),
        loads=LineLoad(planned_hours=planned, reserved_hours=reserved,
                       capacity_hours=np.asarray(problem.capacity_hours, float), overtime_hours=overtime,
                       shadow_price=np.zeros(shape)),
        solver=plan.solver)
