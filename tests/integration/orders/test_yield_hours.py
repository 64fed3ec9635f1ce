"""A promise holds the hours of the units started, not only of the good ones: quantity / observed yield / rate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import clock
from domain.models import CapacityReservation, ProgressEvent, ReviewDecision
from domain.orders.review import create_order
from rules import RuleBook
from tests.integration.orders.plant import PLANNER, TODAY, Plant, order

IN_TWO_WEEKS = TODAY + timedelta(days=15)
NOW = datetime(TODAY.year, TODAY.month, TODAY.day, 10, tzinfo=UTC)


async def test_recorded_scrap_makes_an_order_hold_the_hours_of_its_scrap_too(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    """Input: last week 95 good widgets and 5 scrapped were reported; then an order of 95 widgets (10 an hour).
    It holds 95 / 0.95 / 10 = 10 hours, where without the scrap it would hold 9.5; reserved units stay 95."""
    asession.add(ProgressEvent(line_id=plant.line.id, product_id=plant.widget.id, quantity=95.0, scrap=5.0,
                               at=NOW - timedelta(days=7)))
    await asession.commit()
    with clock.pinned(NOW):
        result = await create_order(asession, PLANNER, book, order("REG", IN_TWO_WEEKS, ("W-1", 95)), TODAY)
    assert result.review is not None and result.review.decision is ReviewDecision.ACCEPT
    hours, quantity = (await asession.execute(
        select(func.sum(CapacityReservation.hours), func.sum(CapacityReservation.quantity)))).one()
    assert hours == pytest.approx(10.0)
    assert quantity == pytest.approx(95.0)
