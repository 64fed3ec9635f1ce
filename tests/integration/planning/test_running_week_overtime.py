"""A replan of the running week keeps the hours a rush order's overtime added to its line-week in the ledger
(capacity policy rush_takes_idle_hours overtime_adds_hours): the order's promise holds them."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from domain.capacity.checks import ledger_violations
from domain.demo import load_demo
from domain.demo.sizes import DemoSize
from domain.models import CapacityLedger
from domain.planning.weekly import ReplanSettings, replan

TODAY = date(2026, 12, 3)
MONDAY = date(2026, 12, 7)
PLANT = DemoSize("small-ish", products=30, families=4, lines=5, customers=40, orders=600)


def _replanned_on_monday(db: Engine, session: Session) -> CapacityLedger | None:
    """The demo plant replanned on Monday; its first line's ledger row of the running week."""
    load_demo(db, PLANT, seed=1, today=TODAY)
    replan(session, today=MONDAY, settings=ReplanSettings(), actor="test")
    session.commit()
    return session.scalars(select(CapacityLedger).where(CapacityLedger.week == MONDAY)
                           .order_by(CapacityLedger.line_id)).first()


def test_a_replan_of_the_running_week_keeps_its_overtime_hours(db: Engine) -> None:
    """Input: the demo plant replanned on Monday; 3 h of overtime added to one line's running week (as a rush
    order's promise adds them); a replan on Tuesday, which plans the running week again."""
    with Session(db) as session:
        row = _replanned_on_monday(db, session)
        assert row is not None
        before = (row.capacity_hours, row.reserve_hours)
        row.capacity_hours, row.reserve_hours = before[0] + 3.0, before[1] + 3.0
        row.rush_hours_used += 3.0  # the rush order's promise, which holds them
        session.commit()
        replan(session, today=MONDAY + timedelta(days=1), settings=ReplanSettings(), actor="test", force=True)
        session.commit()
        session.refresh(row)
        assert (row.capacity_hours, row.reserve_hours) == (before[0] + 3.0, before[1] + 3.0)


def test_a_replan_does_not_keep_running_week_hours_no_rush_order_holds(db: Engine) -> None:
    """Input: as above, but 3 h added to the line-week's capacity and reserve with no rush hours used (as if the
    line's calendar had shrunk since): the replan puts the calendar's hours back."""
    with Session(db) as session:
        row = _replanned_on_monday(db, session)
        assert row is not None and row.rush_hours_used == 0.0
        before = (row.capacity_hours, row.reserve_hours)
        row.capacity_hours, row.reserve_hours = before[0] + 3.0, before[1] + 3.0
        session.commit()
        replan(session, today=MONDAY + timedelta(days=1), settings=ReplanSettings(), actor="test", force=True)
        session.commit()
        session.refresh(row)
        assert (row.capacity_hours, row.reserve_hours) == before
        assert ledger_violations(session) == []
