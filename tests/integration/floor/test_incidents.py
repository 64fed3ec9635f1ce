"""reportIncident at domain level: lost hours, promises re-checked lowest priority first, AT_RISK published."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.checks import ledger_violations
from domain.errors import InvalidInput, NotFound
from domain.events import ORDER_EVENTS, EventPublisher, InProcessBroker
from domain.floor.incidents import report_incident
from domain.models import (
    Alert,
    CapacityLedger,
    Customer,
    CustomerTier,
    IncidentKind,
    Material,
    MaterialReceipt,
    OrderEvent,
)
from tests.integration.floor.plant import MES, MONDAY, TODAY, Plant, add_order, build_plant, ledger_row, reserve

FRIDAY = date(2026, 6, 5)
NEXT_FRIDAY = date(2026, 6, 12)
MONDAY_8AM = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)


async def _two_promises(asession: AsyncSession, plant: Plant | None = None, regular_hours: float = 40.0) -> None:
    """SO-REG and SO-STRAT each hold hours of L1's first week, both promised for its Friday."""
    plant = plant or await build_plant(asession)
    regular = await add_order(asession, "SO-REG", plant.regular, plant.widget, regular_hours * 10, promised=FRIDAY)
    strategic = await add_order(asession, "SO-STRAT", plant.strategic, plant.widget, 400, promised=FRIDAY)
    await reserve(asession, regular, plant.line, MONDAY, regular_hours, regular_hours * 10)
    await reserve(asession, strategic, plant.line, MONDAY, 40, 400)


async def _events(asession: AsyncSession, kind: str) -> list[OrderEvent]:
    return list(await asession.scalars(select(OrderEvent).where(OrderEvent.kind == kind).order_by(OrderEvent.id)))


async def test_a_failure_puts_the_regular_order_at_risk_and_spares_the_strategic_one(asession: AsyncSession) -> None:
    await _two_promises(asession)
    broker = InProcessBroker()
    async with broker.subscribe(ORDER_EVENTS) as published:
        # 20 h lost on Monday: 100 - 10 reserve - 20 lost = 70 h left for 80 h promised.
        outcome = await report_incident(
            asession, MES, kind=IncidentKind.EQUIPMENT_FAILURE, line_code="L1", hours=20, starts_at=MONDAY_8AM,
            today=TODAY, reserve_share=0.1, broker=EventPublisher(broker),
        )
        announced = await asyncio.wait_for(anext(published), timeout=2)

    assert [risk.order.code for risk in outcome.at_risk] == ["SO-REG"]
    assert outcome.at_risk[0].expected_date == NEXT_FRIDAY
    at_risk = await _events(asession, "AT_RISK")
    assert [(e.order_code, e.id) for e in at_risk] == [("SO-REG", announced)]
    assert "expected 2026-06-12" in (at_risk[0].message or "")
    row = await asession.scalar(select(CapacityLedger).where(CapacityLedger.week == MONDAY))
    assert row is not None and row.lost_hours == 20 and row.promised_hours == 70
    alerts = list(await asession.scalars(select(Alert).order_by(Alert.id)))
    assert sorted(a.kind for a in alerts) == ["INCIDENT", "LATE_ORDER"]
    assert await asession.run_sync(ledger_violations) == []


async def test_the_strategic_order_gives_way_only_after_the_regular_one_has(asession: AsyncSession) -> None:
    await _two_promises(asession, regular_hours=10)
    # 60 h lost (3 working days): 30 h left for 50 h promised; the regular order's 10 h are not enough.
    outcome = await report_incident(
        asession, MES, kind=IncidentKind.EQUIPMENT_FAILURE, line_code="L1", hours=60, starts_at=MONDAY_8AM,
        today=TODAY, reserve_share=0.1,
    )
    assert [risk.order.code for risk in outcome.moved] == ["SO-REG", "SO-STRAT"]
    assert outcome.moved[0].moved_hours == 10 and outcome.moved[1].moved_hours == 10
    assert [e.order_code for e in await _events(asession, "AT_RISK")] == ["SO-REG", "SO-STRAT"]
    assert await asession.run_sync(ledger_violations) == []


async def test_planned_stock_hours_give_way_before_promises(asession: AsyncSession) -> None:
    plant = await build_plant(asession)
    row = await ledger_row(asession, plant.line, MONDAY)
    row.planned_hours = 30
    await asession.commit()
    await _two_promises(asession, plant)
    outcome = await report_incident(
        asession, MES, kind=IncidentKind.EQUIPMENT_FAILURE, line_code="L1", hours=10, starts_at=MONDAY_8AM,
        today=TODAY, reserve_share=0.1,
    )
    assert outcome.moved == [] and outcome.at_risk == []
    refreshed = await asession.scalar(
        select(CapacityLedger).where(CapacityLedger.week == MONDAY).execution_options(populate_existing=True)
    )
    assert refreshed is not None and refreshed.planned_hours == 0  # 100 - 10 - 10 - 80 promised
    assert await asession.run_sync(ledger_violations) == []


async def test_a_material_shortage_puts_the_order_served_last_at_risk(asession: AsyncSession) -> None:
    plant = await build_plant(asession)  # 100 steel on hand, 2 per widget
    await add_order(asession, "SO-STRAT", plant.strategic, plant.widget, 30, promised=date(2026, 6, 10))
    await add_order(asession, "SO-REG", plant.regular, plant.widget, 20, promised=date(2026, 6, 12))
    asession.add(MaterialReceipt(material_id=plant.steel.id, quantity=100, due_date=date(2026, 6, 20)))
    await asession.commit()
    outcome = await report_incident(
        asession, MES, kind=IncidentKind.MATERIAL_SHORTAGE, material_code="STEEL", quantity=30, today=TODAY,
        reserve_share=0.1, message="a pallet was damaged",
    )
    assert [(r.order.code, r.expected_date) for r in outcome.at_risk] == [("SO-REG", date(2026, 6, 20))]
    steel = await asession.get(Material, plant.steel.id, populate_existing=True)
    assert steel is not None and steel.on_hand == 70
    incident_alert = await asession.scalar(select(Alert).where(Alert.kind == "INCIDENT"))
    assert incident_alert is not None and "a pallet was damaged" in incident_alert.message


FAILURE, SHORTAGE = IncidentKind.EQUIPMENT_FAILURE, IncidentKind.MATERIAL_SHORTAGE


@pytest.mark.parametrize(
    ("report", "error", "field"),
    [
        ({"kind": FAILURE, "hours": 5.0}, InvalidInput, ["lineCode"]),  # failure without a line
        ({"kind": FAILURE, "line_code": "L1"}, InvalidInput, ["hours"]),  # without hours
        ({"kind": FAILURE, "line_code": "L1", "hours": -3.0}, InvalidInput, ["hours"]),  # negative hours
        ({"kind": FAILURE, "line_code": "L9", "hours": 3.0}, NotFound, ["lineCode"]),  # unknown line
        ({"kind": SHORTAGE, "quantity": 3.0}, InvalidInput, ["materialCode"]),  # shortage without material
        ({"kind": SHORTAGE, "material_code": "STEEL", "quantity": 0.0}, InvalidInput, ["quantity"]),  # zero lost
        ({"kind": SHORTAGE, "material_code": "GOLD", "quantity": 1.0}, NotFound, ["materialCode"]),  # unknown material
    ],
)
async def test_bad_incident_reports_name_the_field(
    asession: AsyncSession, report: dict[str, object], error: type[Exception], field: list[str]
) -> None:
    await build_plant(asession)
    with pytest.raises(error) as raised:
        await report_incident(asession, MES, today=TODAY, reserve_share=0.1, **report)  # type: ignore[arg-type]
    assert getattr(raised.value, "field", None) == field
    await asession.rollback()
    assert (await asession.scalar(select(Alert.id))) is None


async def test_the_strategic_rush_order_is_placed_again_before_the_key_order(asession: AsyncSession) -> None:
    """Input: on L1 (90 regular h a week) SO-KEY and the strategic rush SO-STRAT hold 45 h each of week 1, SO-NEXT
    leaves 10 h free in week 2 and SO-LATER 40 h in week 3; a 100 h failure takes all of week 1."""
    plant = await build_plant(asession)
    key = Customer(code="C-KEY", name="Key Co", tier=CustomerTier.KEY)
    asession.add(key)
    await asession.commit()
    key_order = await add_order(asession, "SO-KEY", key, plant.widget, 450, promised=FRIDAY, priority_score=200)
    strategic = await add_order(asession, "SO-STRAT", plant.strategic, plant.widget, 450, promised=FRIDAY,
                                priority_score=400)
    strategic.rush = True
    await reserve(asession, key_order, plant.line, MONDAY, 45, 450)
    await reserve(asession, strategic, plant.line, MONDAY, 45, 450)
    for code, week, hours in (("SO-NEXT", date(2026, 6, 8), 80), ("SO-LATER", date(2026, 6, 15), 50)):
        other = await add_order(asession, code, plant.regular, plant.widget, hours * 10, promised=week)
        await reserve(asession, other, plant.line, week, hours, hours * 10)

    outcome = await report_incident(
        asession, MES, kind=IncidentKind.EQUIPMENT_FAILURE, line_code="L1", hours=100, starts_at=MONDAY_8AM,
        today=TODAY, reserve_share=0.1,
    )
    # The key order gave way first, but the strategic one takes week 2's 10 h and 35 of week 3's 40.
    assert [risk.order.code for risk in outcome.moved] == ["SO-KEY", "SO-STRAT"]
    expected = {risk.order.code: risk.expected_date for risk in outcome.moved}
    assert expected == {"SO-STRAT": date(2026, 6, 19), "SO-KEY": date(2026, 6, 26)}
    assert await asession.run_sync(ledger_violations) == []
