"""The orders a plan moves: re-promised when it goes into force, previewed (and rolled back) for a draft."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from domain.events.outbox import Outbox
from domain.models import CapacityReservation, PlanMove
from domain.planning.broken_promises import CAUSE, expected_date, tell_broken_promises
from domain.planning.ledger_refresh import refresh_ledger
from domain.planning.snapshot import PlantSnapshot
from solver.result import PlanResult


@dataclass(frozen=True)
class Move:
    order_id: int
    from_date: date | None  # the Friday of the last week the order held hours in before
    to_date: date | None  # ... after the plan; None: not within the horizon
    broken: bool  # later than the order's promise (or no date at all)
    reason: str


def _expected_dates(session: Session) -> dict[int, date]:
    rows = session.execute(select(CapacityReservation.order_id, func.max(CapacityReservation.week))
                           .group_by(CapacityReservation.order_id))
    return {order_id: week + timedelta(days=4) for order_id, week in rows}


def apply_moves(session: Session, outbox: Outbox, snapshot: PlantSnapshot, result: PlanResult,
                actor: str | None) -> list[Move]:
    """Re-promise what the plan cannot make (broken_promises.py) and say, per order moved, from when to when."""
    before = _expected_dates(session)
    moved = tell_broken_promises(session, outbox, snapshot, result, actor)
    moves = []
    for order in moved:
        after = expected_date(session, order)
        broken = after is None or order.promised_date is None or after > order.promised_date
        moves.append(Move(order.id, before.get(order.id), after, broken, CAUSE))
    return moves


def preview_moves(session: Session, snapshot: PlantSnapshot, result: PlanResult) -> list[Move]:
    """What going into force would move, computed on the live ledger inside a savepoint that is rolled back."""
    savepoint = session.begin_nested()
    try:
        refresh_ledger(session, snapshot, result)
        return apply_moves(session, Outbox(), snapshot, result, None)
    finally:
        savepoint.rollback()


def record_moves(session: Session, plan_id: int, moves: list[Move]) -> None:
    """The plan's moves, replacing a draft's preview once it has gone into force."""
    session.execute(delete(PlanMove).where(PlanMove.plan_id == plan_id))
    if moves:
        session.execute(insert(PlanMove), [
            {"plan_id": plan_id, "order_id": m.order_id, "from_date": m.from_date, "to_date": m.to_date,
             "broken": m.broken, "reason": m.reason} for m in moves])
