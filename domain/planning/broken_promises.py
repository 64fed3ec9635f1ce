"""After a replan: promises the new plan cannot make (capacity gone) move to later weeks and are told to sales.

The LP keeps every promise the capacity allows (committed_hours, at a cost far above late new demand); the
hours it cannot make are taken from the lowest-priority holders first (at_risk.move_first), placed in the
line's next weeks of the horizon (ahead of forecast work, whose planned hours give way), and each order
moved gets AT_RISK with its expected date (MOVED when its promise still holds) and, when late, an alert.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from domain.capacity.checks import MAY_HOLD
from domain.capacity.forecast_hours import scale_statement
from domain.events import kinds
from domain.events.outbox import Outbox
from domain.floor import at_risk_event, late_order_key, move_first, raise_alert_sync
from domain.models import CapacityLedger, CapacityReservation, Order, OrderLine
from domain.planning.snapshot import PlantSnapshot
from solver.planner import broken_promises
from solver.result import PlanResult

CAUSE = "the weekly replan (the lines cannot make every promise)"
TOLERANCE = 1e-6


def _ledger(session: Session, line_id: int, week: date) -> CapacityLedger | None:
    return session.scalar(select(CapacityLedger).where(CapacityLedger.line_id == line_id,
                                                       CapacityLedger.week == week))


def _take_back(session: Session, reservation: CapacityReservation, hours: float) -> None:
    row = _ledger(session, reservation.line_id, reservation.week)
    if row is not None:
        if reservation.from_reserve:
            row.rush_hours_used -= hours
        else:
            row.promised_hours -= hours
    rate = reservation.quantity / reservation.hours if reservation.hours > 0 else 0.0
    if reservation.hours - hours <= TOLERANCE:
        session.delete(reservation)
    else:
        reservation.hours -= hours
        reservation.quantity = reservation.hours * rate
        reservation.forecast_hours = min(reservation.forecast_hours, reservation.hours)  # the hours lost go first


def _place_later(session: Session, template: CapacityReservation, hours: float, weeks: list[date]) -> float:
    """Hold `hours` on the template's line in `weeks`, in order, displacing forecast work; returns hours left."""
    rate = template.quantity / template.hours if template.hours > 0 else 0.0
    left = hours
    for week in weeks:
        row = _ledger(session, template.line_id, week)
        if row is None:
            continue
        regular = max(row.capacity_hours - row.reserve_hours - row.lost_hours, 0.0)
        take = min(regular - row.promised_hours, left)
        if take <= TOLERANCE:
            continue
        row.promised_hours += take
        planned = min(row.planned_hours, max(regular - row.promised_hours, 0.0))
        if planned < row.planned_hours:
            session.execute(scale_statement(row.line_id, row.week, planned / row.planned_hours))
        row.planned_hours = planned
        session.add(CapacityReservation(order_id=template.order_id, order_line_id=template.order_line_id,
                                        line_id=template.line_id, week=week, hours=take, quantity=take * rate,
                                        from_reserve=False))
        left -= take
        if left <= TOLERANCE:
            return 0.0
    return left


def repromise_broken(session: Session, snapshot: PlantSnapshot, result: PlanResult) -> dict[int, Order]:
    """Move the hours the plan cannot make to later weeks, lowest priority first; returns the orders moved."""
    problem = snapshot.problem
    short = broken_promises(problem, result)
    moved: dict[int, Order] = {}
    for route, week in np.argwhere(short > 0):
        line_id = snapshot.line_ids[int(problem.route_line[route])]
        product_id = snapshot.product_ids[int(problem.route_product[route])]
        rows = session.execute(
            select(CapacityReservation, Order)
            .join(Order, Order.id == CapacityReservation.order_id)
            .join(OrderLine, OrderLine.id == CapacityReservation.order_line_id)
            .where(CapacityReservation.line_id == line_id, CapacityReservation.week == problem.weeks[week],
                   OrderLine.product_id == product_id, Order.status.in_(MAY_HOLD))
            .options(selectinload(Order.customer))
        ).all()
        left = float(short[route, week])
        for reservation, order in sorted(rows, key=lambda pair: move_first(pair[1])):
            if left <= TOLERANCE:
                break
            hours = min(reservation.hours, left)
            template = CapacityReservation(order_id=reservation.order_id, order_line_id=reservation.order_line_id,
                                           line_id=reservation.line_id, week=reservation.week,
                                           hours=reservation.hours, quantity=reservation.quantity)
            _take_back(session, reservation, hours)
            unplaced = _place_later(session, template, hours, problem.weeks[int(week) + 1:])
            if unplaced > TOLERANCE:  # no room left in the horizon: it stays where it was, over-promised
                _place_again(session, template, unplaced)
            moved[order.id] = order
            left -= hours
        session.flush()
    return moved


def _place_again(session: Session, template: CapacityReservation, hours: float) -> None:
    row = _ledger(session, template.line_id, template.week)
    if row is not None:
        row.promised_hours += hours
    rate = template.quantity / template.hours if template.hours > 0 else 0.0
    session.add(CapacityReservation(order_id=template.order_id, order_line_id=template.order_line_id,
                                    line_id=template.line_id, week=template.week, hours=hours, quantity=hours * rate,
                                    from_reserve=False))


def expected_date(session: Session, order: Order) -> date | None:
    """The Friday of the last week the order holds hours in."""
    last = session.scalar(select(CapacityReservation.week).where(CapacityReservation.order_id == order.id)
                          .order_by(CapacityReservation.week.desc()).limit(1))
    return None if last is None else last + timedelta(days=4)


def tell_broken_promises(session: Session, outbox: Outbox, snapshot: PlantSnapshot, result: PlanResult,
                         actor: str | None) -> list[Order]:
    """Re-promise what the plan cannot make, then AT_RISK (or MOVED) and a late-order alert for each order."""
    if snapshot.problem.committed_hours is None:
        return []
    moved = repromise_broken(session, snapshot, result)
    for order in moved.values():
        expected = expected_date(session, order)
        late = expected is None or order.promised_date is None or expected > order.promised_date
        outbox.order_events.append(at_risk_event(session, order, expected, late, CAUSE, actor or "planner"))
        if late:
            when = expected.isoformat() if expected else "not within the horizon"
            raise_alert_sync(
                session, outbox, kind=kinds.LATE_ORDER, severity=kinds.CRITICAL if order.rush else kinds.WARNING,
                message=f"order {order.code} at risk after {CAUSE}: expected {when}, "
                        f"promised {order.promised_date.isoformat() if order.promised_date else '-'}",
                dedup_key=late_order_key(order.code), order_id=order.id, customer_id=order.customer_id,
            )
    return list(moved.values())
