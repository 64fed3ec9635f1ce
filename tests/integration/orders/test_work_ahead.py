"""Work ahead (capacity policy work_ahead): a line's idle hours make open orders early, and an order made in full gives
its later hours back, so a new order can be promised where it could not before; and an order whose components arrive
before the weeks it can be made in is not short of them."""

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
from tests.integration.orders.plant import PLANNER, TODAY, Plant, order, short_of_steel

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


async def test_components_due_before_the_weeks_the_order_is_made_in_are_not_a_shortage(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    # No steel on hand, 1,000 due next Friday; 200 W-1 wanted in two weeks. The first weeks with room begin today,
    # before the steel: made from next week on (as it arrives) the order is still ready by its date. It was proposed
    # its own date for MATERIAL before (the simulation's customers took 31 such proposals in 8 weeks).
    await short_of_steel(asession, plant, 0.0, (TODAY + timedelta(days=8), 1000.0))
    created = await create_order(asession, PLANNER, book, order("REG", IN_TWO_WEEKS, ("W-1", 200)), TODAY)
    assert created.review is not None and created.review.decision is ReviewDecision.ACCEPT
    assert created.order.promised_date == IN_TWO_WEEKS and created.review.facts["material.fits"] is True
    weeks = set((await asession.scalars(select(CapacityReservation.week)
                                        .where(CapacityReservation.order_id == created.order.id))).all())
    assert weeks and min(weeks) >= TODAY + timedelta(days=4)  # next Monday on: the week the steel comes

    # Steel due after the requested date is a shortage still: the date the steel allows is proposed.
    late = await quote_order(asession, PLANNER, book, order("REG", TODAY + timedelta(days=6), ("W-1", 100)), TODAY)
    assert late.decision is ReviewDecision.PROPOSE_DATE and late.facts["material.fits"] is False
