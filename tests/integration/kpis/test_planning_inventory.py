"""Plan completion over the plan each week ran on, and inventory turnover from the movement log."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from domain.kpis import Period
from domain.kpis.inventory import inventory_turnover
from domain.kpis.planning import plan_completion_rate
from domain.models import ForecastTier, Plan, PlanItem, StockMovement, StockMovementKind
from domain.models import OrderStatus as S
from tests.integration.kpis.factories import at, customer, line, order, product

Q1 = Period(date(2024, 1, 1), date(2024, 4, 1))


def _plan(session: Session, version: int, horizon_start: date) -> Plan:
    plan = Plan(
        version=version,
        tier=ForecastTier.MID,
        horizon_start=horizon_start,
        horizon_weeks=13,
        frozen_until=horizon_start,
        inputs_fingerprint=f"v{version}",
    )
    session.add(plan)
    session.flush()
    return plan


def test_plan_completion_uses_the_plan_each_week_ran_on(session: Session) -> None:
    p, ln = product(session), line(session)
    v1, v2 = _plan(session, 1, date(2024, 1, 1)), _plan(session, 2, date(2024, 1, 8))

    def item(plan: Plan, week: date, planned: float, made: float, day: date | None = None) -> None:
        session.add(
            PlanItem(
                plan_id=plan.id,
                week=week,
                day=day,
                line_id=ln.id,
                product_id=p.id,
                quantity=planned,
                hours=1.0,
                quantity_made=made,
            )
        )

    item(v1, date(2024, 1, 1), 100, 90)  # week 1 ran on v1
    item(v1, date(2024, 1, 8), 50, 50)  # superseded by v2 for week 2
    item(v2, date(2024, 1, 8), 80, 60)  # week 2 ran on v2
    item(v2, date(2024, 1, 15), 10, 10, day=date(2024, 1, 15))  # week 3: daily tasks only
    item(v2, date(2024, 1, 15), 10, 5, day=date(2024, 1, 16))
    item(v2, date(2024, 4, 1), 70, 0)  # week after the period
    session.commit()

    kpi = plan_completion_rate(session, Q1)
    # made 90 + 60 + (10 + 5) = 165; planned 100 + 80 + (10 + 10) = 200
    assert (kpi.numerator, kpi.denominator) == (165, 200)
    assert kpi.value == pytest.approx(0.825)


def test_inventory_turnover_values_stock_derived_at_both_ends(session: Session) -> None:
    p1 = product(session, "P1", unit_cost="10", on_hand=50)
    p2 = product(session, "P2", unit_cost="5", on_hand=20)
    for quantity, when, kind in (
        (30, at(2024, 2, 1), StockMovementKind.PRODUCED),
        (-20, at(2024, 3, 15), StockMovementKind.SHIPPED),
        (40, at(2024, 4, 10), StockMovementKind.PRODUCED),
    ):
        session.add(StockMovement(product_id=p1.id, kind=kind, quantity=quantity, at=when))
    c = customer(session)
    order(session, c, S.IN_STOCK, completed_at=at(2024, 2, 10), lines=[(p1, 3, "10"), (p2, 6, "5")])
    order(session, c, S.IN_STOCK, completed_at=at(2024, 4, 2), lines=[(p1, 100, "10")])  # after the period
    session.commit()

    kpi = inventory_turnover(session, Q1)
    # P1 stock on 1 Jan: 50 - (30 - 20 + 40) = 0; on 1 Apr: 50 - 40 = 10.  P2: 20 throughout.
    # value on 1 Jan: 0 x 10 + 20 x 5 = 100; on 1 Apr: 10 x 10 + 20 x 5 = 200; mean 150
    # cost of goods completed: 3 x 10 + 6 x 5 = 60
    assert kpi.numerator == pytest.approx(60)
    assert kpi.denominator == pytest.approx(150)
    assert kpi.value == pytest.approx(0.4)
