"""A loaded demo plant keeps the capacity ledger's invariants: every open order holds its hours (sop check)."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from domain.cli import cli
from domain.demo import load_demo
from domain.demo.sizes import DemoSize
from domain.models import CapacityLedger, CapacityReservation, Order, OrderEvent, OrderStatus
from domain.planning.checks import ledger_violations
from domain.planning.weekly import ReplanSettings, replan

TODAY = date(2026, 12, 3)  # a Thursday: the running week is frozen up to Saturday
SMALL = DemoSize("small-ish", products=30, families=4, lines=5, customers=40, orders=600)


def test_a_loaded_plant_has_no_ledger_violation(db: Engine) -> None:
    """Input: the demo plant of 600 orders (open ones SCHEDULED, ACCEPTED and IN_PRODUCTION); before the
    booking pass every open order held 0 hours (178 violations on the small demo)."""
    report = load_demo(db, SMALL, seed=1, today=TODAY)
    with Session(db) as session:
        assert ledger_violations(session) == []
        open_orders = session.scalar(select(func.count()).select_from(Order).where(
            Order.status.in_((OrderStatus.ACCEPTED, OrderStatus.SCHEDULED, OrderStatus.IN_PRODUCTION))))
        holding = session.scalar(select(func.count(func.distinct(CapacityReservation.order_id))))
        assert open_orders and holding == report.booking.booked > 0
        moved = session.scalar(select(func.count()).select_from(OrderEvent).where(OrderEvent.kind == "AT_RISK"))
        assert moved == len(report.booking.moved)


def test_the_weekly_replan_keeps_the_ledger_sound(db: Engine) -> None:
    load_demo(db, SMALL, seed=1, today=TODAY)
    with Session(db) as session:
        replan(session, today=date(2026, 12, 7), settings=ReplanSettings(), actor="test")
        session.commit()
        assert ledger_violations(session) == []


@pytest.fixture
def loaded(db: Engine, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Engine:
    load_demo(db, SMALL, seed=1, today=TODAY)
    monkeypatch.setenv("SOP_DATABASE_URL", db_url)
    return db


def test_sop_check_is_clean_then_lists_a_violation(loaded: Engine) -> None:
    """Input: `sop check` on the loaded plant (exit 0), then after a ledger row is over-promised by hand (exit 1,
    the line-week named)."""
    clean = CliRunner().invoke(cli, ["check"])
    assert clean.exit_code == 0, clean.output
    assert "0 violations" in clean.output
    with Session(loaded) as session:
        row = session.scalars(select(CapacityLedger).where(CapacityLedger.promised_hours > 0)).first()
        assert row is not None
        line_id, week = row.line_id, row.week
        session.execute(update(CapacityLedger).where(CapacityLedger.line_id == line_id, CapacityLedger.week == week)
                        .values(promised_hours=row.capacity_hours * 2))
        session.commit()
    broken = CliRunner().invoke(cli, ["check"])
    assert broken.exit_code == 1
    assert f"line {line_id} week {week}: over-promised" in broken.output
