"""A rush order's components are checked by the first day its lines may make it (the rush lead days), not by the
day it arrives: a key component due tomorrow is in time for a rush order made tomorrow."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import ReviewDecision
from domain.orders.review import create_order
from rules import RuleBook
from tests.integration.orders.plant import PLANNER, Plant, order, short_of_steel
from tests.integration.orders.test_rush_day_tasks import TUESDAY
from tests.integration.orders.test_rush_idle_hours import WEDNESDAY, half_idle_plan


@pytest.mark.parametrize(("steel_due", "accepted"), [(WEDNESDAY, True), (WEDNESDAY + timedelta(days=1), False)])
async def test_a_rush_takes_the_components_due_by_its_first_day(
    asession: AsyncSession, plant: Plant, book: RuleBook, steel_due: date, accepted: bool
) -> None:
    await half_idle_plan(asession, plant)
    # Tried: on Tuesday (frozen window), 25 widgets (2.5 h) due Wednesday, made on Wednesday's idle hours (lead
    # days 1), with no steel on hand and 500 units due on Wednesday (accepted: before, proposed a later date for
    # MATERIAL) or on Thursday, after its date (still proposed).
    await short_of_steel(asession, plant, 0.0, (steel_due, 500.0))
    rush = await create_order(asession, PLANNER, book, order("KEY", WEDNESDAY, ("W-1", 25)), TUESDAY)
    assert rush.review is not None
    if accepted:
        assert rush.review.decision is ReviewDecision.ACCEPT, rush.review
        assert rush.order.promised_date == WEDNESDAY
    else:
        assert rush.review.decision is not ReviewDecision.ACCEPT
