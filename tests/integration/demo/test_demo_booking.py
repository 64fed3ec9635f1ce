"""A loaded demo plant keeps the capacity ledger's invariants: every open order holds its hours (sop check)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session

from cli import cli
from domain.access import Principal
from domain.capacity.checks import ledger_violations
from domain.db import async_engine, async_sessions
from domain.demo import load_demo
from domain.demo.sizes import DemoSize
from domain.floor.incidents import report_incident
from domain.models import (
    CapacityLedger,
    CapacityReservation,
    IncidentKind,
    Order,
    OrderEvent,
    OrderStatus,
    ProductionLine,
    ProductionOrder,
    ProductionOrderStatus,
    Role,
)
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
        # Each booked order has what the lines must make for it as a SUGGESTED production order.
        raised = session.scalar(select(func.count(func.distinct(ProductionOrder.order_id))).where(
            ProductionOrder.status == ProductionOrderStatus.SUGGESTED))
        assert raised == holding


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


async def test_a_60_hour_failure_on_a_loaded_line_puts_its_orders_at_risk(db: Engine, db_url: str) -> None:
    """Input: the loaded demo plant, then a 60 h failure from Tuesday 8:00 of next week on the line with the most
    promised hours that week. Before the booking pass it reported '0 orders moved, 0 now late' (no order held
    hours); now the orders holding that line-week are AT_RISK with an event each, and the ledger stays sound."""
    load_demo(db, SMALL, seed=1, today=TODAY)
    week = date(2026, 12, 7)
    with Session(db) as session:
        line_id = session.scalar(select(CapacityLedger.line_id).where(CapacityLedger.week == week)
                                 .order_by(CapacityLedger.promised_hours.desc()).limit(1))
        line_code = session.scalar(select(ProductionLine.code).where(ProductionLine.id == line_id))
    engine = async_engine(db_url)
    try:
        async with async_sessions(engine)() as asession:
            outcome = await report_incident(
                asession, Principal(0, "mes", Role.MES), kind=IncidentKind.EQUIPMENT_FAILURE, line_code=line_code,
                hours=60, starts_at=datetime(2026, 12, 8, 8, 0, tzinfo=UTC), today=TODAY, reserve_share=0.12)
    finally:
        await engine.dispose()
    assert outcome.at_risk
    with Session(db) as session:
        events = set(session.scalars(select(OrderEvent.order_code).where(
            OrderEvent.kind == "AT_RISK", OrderEvent.actor == "mes:mes")).all())
        assert {risk.order.code for risk in outcome.at_risk} <= events
        assert ledger_violations(session) == []


def test_sop_check_marks_orders_past_their_promise_late_once(loaded: Engine) -> None:
    """Input: `sop check --today 2027-12-01` on the loaded plant (every open order is then past its promise),
    twice: the first run marks each one LATE with an event, the second marks none again."""
    with Session(loaded) as session:
        open_orders = session.scalar(select(func.count()).select_from(Order).where(
            Order.status.in_((OrderStatus.ACCEPTED, OrderStatus.SCHEDULED, OrderStatus.IN_PRODUCTION))))
    first = CliRunner().invoke(cli, ["check", "--today", "2027-12-01"])
    assert first.exit_code == 0, first.output
    assert f"{open_orders} open orders are past their promised date ({open_orders} newly marked LATE)" in first.output
    again = CliRunner().invoke(cli, ["check", "--today", "2027-12-01"])
    assert "(0 newly marked LATE)" in again.output
    with Session(loaded) as session:
        late = session.scalar(select(func.count()).select_from(OrderEvent).where(OrderEvent.kind == "LATE"))
        assert late == open_orders
