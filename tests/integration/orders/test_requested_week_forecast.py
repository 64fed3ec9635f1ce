"""The shipped capacity policy lets a firm order take its own sku's forecast hours in its requested week too
(forecast_consumption forward_weeks 1): the weekly plan makes a week's forecast in that week."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.calendar import week_start
from domain.models import CapacityLedger, ForecastHours, OrderStatus, ReviewDecision
from domain.orders.assess import PROMISE_HORIZON_WEEKS
from domain.orders.review import create_order
from rules import RuleBook
from tests.integration.orders.plant import PLANNER, TODAY, Plant, order

REQUESTED_WEEK = week_start(TODAY) + timedelta(weeks=3)


async def test_an_order_within_its_forecast_is_promised_on_the_requested_weeks_forecast_hours(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    # Tried: every regular hour of the horizon planned for stock (35.2 h a week), S-1's forecast everywhere except
    # the requested week, which the plan makes for W-1's forecast; then 100 W-1 (10 h) due that week's Friday. Before,
    # only the two weeks before the requested week were claimable (S-1's there): no date in the horizon, refused.
    for w in range(PROMISE_HORIZON_WEEKS + 1):
        week = week_start(TODAY) + timedelta(weeks=w)
        asession.add(CapacityLedger(line_id=plant.line.id, week=week, capacity_hours=40.0, reserve_hours=4.8,
                                    planned_hours=35.2, promised_hours=0.0, rush_hours_used=0.0, lost_hours=0.0))
        product = plant.widget if week == REQUESTED_WEEK else plant.spare
        asession.add(ForecastHours(line_id=plant.line.id, week=week, product_id=product.id, hours=35.2))
    await asession.commit()
    friday = REQUESTED_WEEK + timedelta(days=4)
    result = await create_order(asession, PLANNER, book, order("REG", friday, ("W-1", 100)), TODAY)
    assert result.review is not None and result.review.decision is ReviewDecision.ACCEPT, result.review
    assert result.order.status is OrderStatus.ACCEPTED and result.order.promised_date == friday
