"""Work ahead (capacity policy work_ahead): a line's idle hours make open orders early, and an order made in full gives
its later hours back, so a new order can be promised where it could not before."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.checks import ledger_violations
from domain.floor.ahead import work_ahead
from domain.floor.progress import report_progress
from domain.models import CapacityLedger, CapacityReservation, Order, OrderStatus, ReviewDecision
from domain.orders.review import create_order, quote_order
from rules import RuleBook
from tests.integration.floor.plant import MES
from tests.integration.orders.plant import PLANNER, TODAY, Plant, order

IN_TWO_WEEKS = TODAY + timedelta(days=15)  # a Friday: this week's open days, next week and that week have room


async def _promised_hours(session: AsyncSession) -> float:
    return float(await session.scalar(select(func.coalesce(func.sum(CapacityLedger.promised_hours), 0.0))) or 0.0)


async def _fill_to(session: AsyncSession, book: RuleBook, requested_day: int, units: float, code: str) -> None:
    created = await create_order(session, PLANNER, book, order("REG", TODAY + timedelta(days=requested_day),
                                                                ("W-1", units), code=code), TODAY)
    assert created.order.status is OrderStatus.ACCEPTED, created.review


async def test_idle_hours_make_the_earliest_promise_first_and_its_later_hours_come_back(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    # The regular hours of this week and the next two are promised: 140.8 + 352 + 352 units, all but 0.8.
    await _fill_to(asession, book, 15, 844.0, "SO-FULL")
    late = await quote_order(asession, PLANNER, book, order("REG", IN_TWO_WEEKS, ("W-1", 100)), TODAY)
    assert late.decision is not ReviewDecision.ACCEPT  # no regular hour is left by that date
    assert late.facts["capacity.fits"] is False
    before = await _promised_hours(asession)

    # Today the line has 8 idle hours (its reserve, no rush order came): 80 units of the order, earliest promise first.
    tasks = await work_ahead(asession, "L1", TODAY, 8.0, days_ahead=42)
    assert [(t.order_code, t.sku, t.quantity, t.hours) for t in tasks] == [("SO-FULL", "W-1", 80.0, 8.0)]

    # Made ahead in full (the floor reports it, whatever day), the order gives back every hour it held.
    whole = await work_ahead(asession, "L1", TODAY, 100.0, days_ahead=42)
    assert [t.quantity for t in whole] == [844.0]
    await report_progress(asession, MES, line_code="L1", sku="W-1", quantity=whole[0].quantity, order_code="SO-FULL")
    made = await asession.scalar(select(Order).where(Order.code == "SO-FULL").execution_options(populate_existing=True))
    assert made is not None and made.status is OrderStatus.IN_STOCK
    assert before > 80 and await _promised_hours(asession) == 0.0
    assert await asession.scalar(select(func.count()).select_from(CapacityReservation)) == 0
    assert await asession.run_sync(ledger_violations) == []

    now = await quote_order(asession, PLANNER, book, order("REG", IN_TWO_WEEKS, ("W-1", 100)), TODAY)
    assert now.decision is ReviewDecision.ACCEPT and now.promised_date == IN_TWO_WEEKS


async def test_orders_promised_beyond_days_ahead_and_units_taken_on_other_lines_are_left(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    await _fill_to(asession, book, 15, 100.0, "SO-NEAR")
    await _fill_to(asession, book, 40, 50.0, "SO-FAR")
    near_only = await work_ahead(asession, "L1", TODAY, 40.0, days_ahead=21)
    assert [(t.order_code, t.quantity) for t in near_only] == [("SO-NEAR", 100.0)]

    # 60 good units of SO-NEAR were started on another line today: only the other 40 are left to start here.
    taken: dict[int, float] = {}
    first = await work_ahead(asession, "L1", TODAY, 6.0, days_ahead=60, taken=taken)
    assert [(t.order_code, t.quantity) for t in first] == [("SO-NEAR", 60.0)]
    rest = await work_ahead(asession, "L1", TODAY, 40.0, days_ahead=60, taken=taken)
    assert [(t.order_code, t.quantity) for t in rest] == [("SO-NEAR", 40.0), ("SO-FAR", 50.0)]

    # Less than a quarter hour idle, or no order within reach: nothing to make.
    assert await work_ahead(asession, "L1", TODAY, 0.2, days_ahead=60) == []
    assert await work_ahead(asession, "L1", TODAY, 8.0, days_ahead=5) == []
