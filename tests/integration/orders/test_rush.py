"""Rush orders (R6, R15): the reserve first, then moving non-strategic promises, never strategic ones."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import (
    Delivery,
    Forecast,
    Order,
    OrderEvent,
    OrderStatus,
    ReviewDecision,
    RushCause,
    RushInsertion,
)
from domain.orders.review import create_order
from rules import RuleBook
from tests.integration.orders.plant import (
    PLANNER,
    THIS_WEEK_REGULAR_UNITS,
    TODAY,
    WEEK_REGULAR_UNITS,
    Plant,
    order,
)

SATURDAY = TODAY + timedelta(days=2)  # due in 2 days: URGENT by rush.yaml
NEXT_FRIDAY = TODAY + timedelta(days=8)


class Published:
    def __init__(self) -> None:
        self.ids: list[int] = []

    async def publish_order_event(self, order_event_id: int) -> None:
        self.ids.append(order_event_id)


async def test_a_rush_order_uses_the_reserve_when_regular_hours_are_gone(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    filler = await create_order(asession, PLANNER, book,
                                order("REG", NEXT_FRIDAY, ("W-1", THIS_WEEK_REGULAR_UNITS)), TODAY)
    assert filler.order.status is OrderStatus.ACCEPTED
    rush = await create_order(asession, PLANNER, book, order("KEY", SATURDAY, ("W-1", 10)), TODAY)
    assert rush.review is not None and rush.review.decision is ReviewDecision.ACCEPT
    assert rush.order.rush and rush.order.rush_tier == "URGENT" and rush.order.priority_tier == "P2"
    assert rush.order.rush_cause is RushCause.INTERNAL
    insertion = await asession.scalar(select(RushInsertion).where(RushInsertion.order_id == rush.order.id))
    assert insertion is not None and insertion.succeeded and insertion.reserve_hours_used == pytest.approx(1.0)
    assert insertion.displaced_order_ids == []


async def test_the_open_days_reserve_is_there_though_the_week_was_promised_before_it_began(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    """Input tried: on the Friday before, an order whose promise takes every regular hour of this week (35.2 h of
    40; capable-to-promise fills the first weeks with room). On Thursday only 2 of the 5 days are open (16 h), fewer
    than the week's promises: the open days still keep their reserve (1.92 h, 19.2 units) for a rush order, so
    10 units are accepted from it, without moving the regular promise."""
    friday_before = TODAY - timedelta(days=6)
    whole_week = WEEK_REGULAR_UNITS + WEEK_REGULAR_UNITS / 5  # last week's Friday, then all of this week
    filler = await create_order(asession, PLANNER, book, order("REG", NEXT_FRIDAY, ("W-1", whole_week)),
                                friday_before)
    assert filler.order.status is OrderStatus.ACCEPTED
    rush = await create_order(asession, PLANNER, book, order("KEY", SATURDAY, ("W-1", 10)), TODAY)
    assert rush.review is not None and rush.review.decision is ReviewDecision.ACCEPT
    assert rush.order.promised_date == SATURDAY and rush.review.moved_order_codes == []
    insertion = await asession.scalar(select(RushInsertion).where(RushInsertion.order_id == rush.order.id))
    assert insertion is not None and insertion.reserve_hours_used == pytest.approx(1.0)
    assert insertion.displaced_order_ids == []
    asession.expunge_all()
    kept = await asession.get(Order, filler.order.id)
    assert kept is not None and kept.version == 1 and kept.promised_date == NEXT_FRIDAY


async def test_a_rush_order_moves_a_regular_promise_and_it_gets_a_new_date(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    # The regular order takes every regular hour up to next Friday; the reserve (19.2 units) is too small.
    everything = THIS_WEEK_REGULAR_UNITS + WEEK_REGULAR_UNITS
    filler = await create_order(asession, PLANNER, book, order("REG", NEXT_FRIDAY, ("W-1", everything)), TODAY)
    assert filler.order.status is OrderStatus.ACCEPTED
    published = Published()
    rush = await create_order(asession, PLANNER, book, order("KEY", SATURDAY, ("W-1", 30)), TODAY,
                              publisher=published)  # type: ignore[arg-type]
    assert rush.review is not None and rush.review.decision is ReviewDecision.ACCEPT
    assert rush.review.moved_order_codes == [filler.order.code]
    asession.expunge_all()
    moved = await asession.get(Order, filler.order.id)
    assert moved is not None and moved.status is OrderStatus.ACCEPTED and moved.version == 2
    assert moved.promised_date is not None and moved.promised_date > NEXT_FRIDAY
    deliveries = (await asession.scalars(select(Delivery).where(Delivery.order_id == moved.id))).all()
    assert sum(d.quantity for d in deliveries) == pytest.approx(everything)
    assert max(d.date for d in deliveries) == moved.promised_date
    event = await asession.scalar(select(OrderEvent).where(OrderEvent.order_id == moved.id, OrderEvent.kind == "MOVED"))
    # the moved customer's message names no other customer's order; the plant's audit row keeps which one
    assert event is not None and rush.order.code not in (event.message or "") and "rush order" in event.message
    assert event.after is not None and event.after["rush_order"] == rush.order.code
    assert event.id in published.ids
    insertion = await asession.scalar(select(RushInsertion).where(RushInsertion.order_id == rush.order.id))
    assert insertion is not None and insertion.displaced_order_ids == [moved.id] and insertion.succeeded


async def test_a_strategic_promise_is_never_moved_and_the_rush_gets_alternatives(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    everything = THIS_WEEK_REGULAR_UNITS + WEEK_REGULAR_UNITS
    kept = await create_order(asession, PLANNER, book, order("STRAT", NEXT_FRIDAY, ("W-1", everything)), TODAY)
    assert kept.order.status is OrderStatus.ACCEPTED
    rush = await create_order(asession, PLANNER, book, order("KEY", SATURDAY, ("W-1", 30)), TODAY)
    review = rush.review
    assert review is not None and review.decision in (ReviewDecision.PROPOSE_DATE, ReviewDecision.SPLIT)
    assert review.moved_order_codes == []
    assert [s.sku for s in review.substitutes] == ["S-1"]  # 500 spares in stock can replace the widgets
    asession.expunge_all()
    strategic = await asession.get(Order, kept.order.id)
    assert strategic is not None and strategic.version == 1 and strategic.promised_date == NEXT_FRIDAY
    insertion = await asession.scalar(select(RushInsertion).where(RushInsertion.order_id == rush.order.id))
    assert insertion is not None and not insertion.succeeded


async def test_demand_above_the_forecast_is_the_rush_cause(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    asession.add(Forecast(product_id=plant.widget.id, week=TODAY - timedelta(days=3), low=2, mid=5, high=8))
    await asession.commit()
    rush = await create_order(asession, PLANNER, book, order("KEY", SATURDAY, ("W-1", 10)), TODAY)
    assert rush.order.rush_cause is RushCause.DEMAND_ABOVE_FORECAST
    insertion = await asession.scalar(select(RushInsertion).where(RushInsertion.order_id == rush.order.id))
    assert insertion is not None and insertion.forecast_excess_pct == pytest.approx(100.0)
