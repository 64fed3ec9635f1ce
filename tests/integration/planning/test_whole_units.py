"""A replan's plan items and daily tasks come in whole units, or whole lots where a product has a lot size."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from domain.models import Forecast, PlanItem, Product, Routing
from domain.planning.weekly import ReplanSettings, replan
from tests.integration.planning.plant import TODAY, build_plant


def test_plan_items_and_daily_tasks_are_whole_units_and_lots(session: Session) -> None:
    """Input tried: the two-line planning plant with forecasts of 97.35 units a week (so the LP plans
    fractions), SKU-2 made in lots of 25, replanned on a Tuesday and again on the Wednesday after."""
    build_plant(session)
    session.execute(update(Forecast).values(mid=97.35, low=60.2, high=140.7))
    session.execute(update(Product).where(Product.sku == "SKU-2").values(lot_size=25.0))
    session.commit()
    lots = {p.id: p.lot_size or 1.0 for p in session.scalars(select(Product))}
    rates = {(r.line_id, r.product_id): r.units_per_hour for r in session.scalars(select(Routing))}
    for today in (TODAY, TODAY + timedelta(days=1)):
        plan = replan(session, today=today, settings=ReplanSettings(horizon_weeks=4), actor=None).plan
        session.commit()
        items = session.scalars(select(PlanItem).where(PlanItem.plan_id == plan.id)).all()
        weekly = [i for i in items if i.day is None]
        daily = [i for i in items if i.day is not None]
        assert weekly and daily
        assert any(lots[i.product_id] == 25.0 for i in weekly)
        laid: dict[tuple[int, int], float] = defaultdict(float)
        for item in items:
            lot = lots[item.product_id]
            assert item.quantity > 0 and item.quantity % lot == 0, (item.day, item.quantity, lot)
            assert abs(item.hours - item.quantity / rates[(item.line_id, item.product_id)]) < 1e-9
            if item.day is not None:
                laid[(item.line_id, item.product_id)] += item.quantity
        first = {(i.line_id, i.product_id): i.quantity for i in weekly if i.week == plan.horizon_start}
        for key, quantity in laid.items():  # the days keep the week's total, a lot less at most on full days
            assert 0 <= first[key] - quantity <= lots[key[1]]
