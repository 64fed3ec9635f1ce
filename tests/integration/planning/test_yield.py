"""The plan starts enough units for the good ones owed: demand is grossed up by the product's observed yield."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from domain import clock
from domain.capacity.yields import TRAILING_WEEKS, observed_yields_sync
from domain.models import PlanItem, Product, ProductionLine, ProgressEvent
from domain.planning.weekly import ReplanSettings, replan
from tests.integration.planning.plant import TODAY, build_plant

NOW = datetime(TODAY.year, TODAY.month, TODAY.day, 12, tzinfo=UTC)


def _report(session: Session, sku: str, good: float, scrap: float, at: datetime) -> None:
    product = session.scalars(select(Product).where(Product.sku == sku)).one()
    line_id = session.scalar(select(ProductionLine.id).where(ProductionLine.code == "L1"))
    session.add(ProgressEvent(line_id=line_id, product_id=product.id, quantity=good, scrap=scrap, at=at))
    session.flush()


def _planned(session: Session, plan_id: int, sku: str) -> float:
    """Units of the sku the plan starts over its horizon (weekly rows; the first week's days repeat them)."""
    return float(session.scalar(
        select(func.coalesce(func.sum(PlanItem.quantity), 0.0)).join(Product, Product.id == PlanItem.product_id)
        .where(PlanItem.plan_id == plan_id, PlanItem.day.is_(None), Product.sku == sku)) or 0.0)


def _plant_without_stock(session: Session) -> None:
    """build_plant's two orders (120 of SKU-0, 60 of SKU-2) and no forecast, stock or safety stock: the plan makes
    exactly what the orders owe."""
    build_plant(session, weeks=0)
    session.execute(update(Product).values(on_hand=0.0, safety_stock=0.0))
    session.flush()


def test_observed_yield_reads_the_trailing_weeks_only(session: Session) -> None:
    _plant_without_stock(session)
    with clock.pinned(NOW):
        _report(session, "SKU-0", 95.0, 5.0, NOW - timedelta(days=2))
        _report(session, "SKU-0", 0.0, 100.0, NOW - timedelta(weeks=TRAILING_WEEKS, days=1))  # too old to count
        _report(session, "SKU-2", 100.0, 0.0, NOW - timedelta(days=1))
        yields = observed_yields_sync(session)
    sku = {p.id: p.sku for p in session.scalars(select(Product))}
    assert {sku[pid]: value for pid, value in yields.items()} == pytest.approx({"SKU-0": 0.95, "SKU-2": 1.0})


@pytest.mark.parametrize("scrapped", [0.0, 5.0])
def test_with_recorded_scrap_the_plan_makes_enough_good_units(session: Session, scrapped: float) -> None:
    """Input: an order of 120 SKU-0 and, before the replan, reports of 100 SKU-0 started of which `scrapped` were
    scrap. The plan starts 120 / yield units, so that at the observed yield 120 good ones come out (lots round up).
    SKU-2, with no reports of its own, starts the plant's allowance: 60 over the low yield of the plant's reports
    (95% when 5 were scrap: 64 units; 60 without scrap); before forecast decay it started 60 either way."""
    _plant_without_stock(session)
    with clock.pinned(NOW):
        _report(session, "SKU-0", 100.0 - scrapped, scrapped, NOW - timedelta(days=3))
        plan = replan(session, today=TODAY, settings=ReplanSettings(horizon_weeks=4), actor="test").plan
    session.commit()
    good_share = (100.0 - scrapped) / 100.0
    started = _planned(session, plan.id, "SKU-0")
    assert started * good_share >= 120.0 - 1e-6
    assert started <= 120.0 / good_share + 1.0  # no more than the scrap asks (whole units)
    assert _planned(session, plan.id, "SKU-2") == pytest.approx(60.0 / good_share, abs=1.0)


def test_a_firm_order_starts_a_scrap_allowance_for_days_below_the_mean(session: Session) -> None:
    """Input: an order of 120 SKU-0 and two reports, 90 good of 100 and 100 good of 100: the trailing yield is 95%,
    but a day at the low yield (the plan's 2nd percentile of the reports, 90.2%) would make 120 / 0.95 * 0.902 = 114
    good ones and leave the order short on its day. The plan starts 120 / 0.902 (134 units), not 120 / 0.95 (127)."""
    _plant_without_stock(session)
    with clock.pinned(NOW):
        _report(session, "SKU-0", 90.0, 10.0, NOW - timedelta(days=3))
        _report(session, "SKU-0", 100.0, 0.0, NOW - timedelta(days=2))
        plan = replan(session, today=TODAY, settings=ReplanSettings(horizon_weeks=4), actor="test").plan
    session.commit()
    started = _planned(session, plan.id, "SKU-0")
    assert started >= 120.0 / 0.902 - 1e-6
    assert started <= 120.0 / 0.902 + 1.0


def test_a_product_made_once_starts_the_plants_allowance(session: Session) -> None:
    """Input: an order of 120 SKU-0, one report of SKU-0 (95 good of 100: no spread of its own) and two of SKU-2 (90
    and 100 good of 100). SKU-0 starts at least the plant's ratio of trailing to low yield (0.95 over the plant's
    2nd percentile, 90.2%): 120 / 0.95 * 0.95 / 0.902 = 133.04 units, not 120 / 0.95 (127) as its own report says."""
    _plant_without_stock(session)
    with clock.pinned(NOW):
        _report(session, "SKU-0", 95.0, 5.0, NOW - timedelta(days=3))
        _report(session, "SKU-2", 90.0, 10.0, NOW - timedelta(days=3))
        _report(session, "SKU-2", 100.0, 0.0, NOW - timedelta(days=2))
        plan = replan(session, today=TODAY, settings=ReplanSettings(horizon_weeks=4), actor="test").plan
    session.commit()
    started = _planned(session, plan.id, "SKU-0")
    assert 120.0 / 0.902 - 1e-6 <= started <= 120.0 / 0.902 + 1.0
