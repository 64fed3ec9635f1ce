"""Forecast-error cost allocation and the rush-order review (R15)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

import rules
from domain.config import DEFAULT_RULES_DIR
from domain.kpis import AdjustmentRates, Period, cost_allocation_report, rush_review
from domain.models import OrderStatus as S
from domain.models import RushCause, RushInsertion
from tests.integration.kpis.factories import at, customer, order

Q1 = Period(date(2024, 1, 1), date(2024, 4, 1))
RATES = AdjustmentRates(overtime_hour=60.0, changeover=400.0, displaced_order=250.0)


def _rush_orders(session: Session) -> None:
    c = customer(session)
    kw = {"rush": True, "received_at": at(2024, 2, 1), "requested": date(2024, 2, 5)}
    forecast_miss = order(
        session,
        c,
        S.SHIPPED,
        promised=date(2024, 2, 5),
        completed_at=at(2024, 2, 4),
        rush_cause=RushCause.DEMAND_ABOVE_FORECAST,
        rush_tier="URGENT",
        amount="3000",
        **kw,
    )
    change = order(
        session,
        c,
        S.IN_STOCK,
        promised=date(2024, 2, 5),
        completed_at=at(2024, 2, 7),
        rush_cause=RushCause.CUSTOMER_CHANGE,
        rush_tier="URGENT",
        amount="1000",
        **kw,
    )
    order(session, c, S.REJECTED, rush_cause=RushCause.DEMAND_ABOVE_FORECAST, rush_tier="LARGE", amount="500", **kw)
    order(
        session,
        c,
        S.ACCEPTED,
        promised=date(2024, 2, 5),
        rush_cause=RushCause.DEMAND_ABOVE_FORECAST,
        rush_tier="URGENT",
        amount="200",
        **kw,
    )
    session.add_all(
        [
            RushInsertion(
                order_id=forecast_miss.id,
                cause=RushCause.DEMAND_ABOVE_FORECAST,
                succeeded=True,
                overtime_hours=10,
                changeovers=2,
                displaced_order_ids=[101, 102, 103],
                forecast_excess_pct=40,
            ),
            RushInsertion(order_id=change.id, cause=RushCause.CUSTOMER_CHANGE, succeeded=True, overtime_hours=5),
        ]
    )
    session.commit()


def test_cost_of_each_rush_insertion_and_its_split(session: Session) -> None:
    _rush_orders(session)
    report = cost_allocation_report(session, Q1, rules.load_rulebook(DEFAULT_RULES_DIR), RATES)
    miss, change = report.rush_orders
    # 10 h x 60 + 2 changeovers x 400 + 3 displaced x 250 = 600 + 800 + 750 = 2150
    assert miss.cost == pytest.approx(2150)
    # demand 40% above forecast (>= 30%): sales bear 70%
    assert (miss.sales_share, miss.production_share) == (0.7, 0.3)
    # 5 h x 60 = 300, under the 1,000 floor: production bears it
    assert change.cost == pytest.approx(300) and change.production_share == 1.0
    assert report.total_cost == pytest.approx(2450)
    assert report.sales_cost == pytest.approx(2150 * 0.7)  # 1505
    assert report.production_cost == pytest.approx(2150 * 0.3 + 300)  # 945
    assert report.forecast_error_cost == pytest.approx(2150)


def test_rush_review_groups_by_cause_tier_and_outcome(session: Session) -> None:
    _rush_orders(session)
    rows = {(r.cause, r.tier, r.outcome): (r.orders, r.amount) for r in rush_review(session, Q1)}
    assert rows == {
        ("CUSTOMER_CHANGE", "URGENT", "LATE"): (1, 1000.0),  # in stock 7 Feb, promised 5 Feb
        ("DEMAND_ABOVE_FORECAST", "LARGE", "NOT_PROMISED"): (1, 500.0),
        ("DEMAND_ABOVE_FORECAST", "URGENT", "ON_TIME"): (1, 3000.0),
        ("DEMAND_ABOVE_FORECAST", "URGENT", "OPEN"): (1, 200.0),
    }


def test_rush_cost_and_misuse_per_account_owner(session: Session) -> None:
    """Two salespeople: Ann's customer had one rush shipped and one inserted then cancelled (misuse); a customer
    without an owner is reported last, under no name."""
    ann, nobody = customer(session, "ANN-C"), customer(session, "NOBODY-C")
    ann.account_owner = "Ann Weber"
    kw = {"rush": True, "received_at": at(2024, 2, 1), "requested": date(2024, 2, 5), "rush_tier": "URGENT",
          "promised": date(2024, 2, 5)}
    shipped = order(session, ann, S.SHIPPED, rush_cause=RushCause.CUSTOMER_CHANGE, amount="900", **kw)
    cancelled = order(session, ann, S.CANCELLED, rush_cause=RushCause.CUSTOMER_CHANGE, amount="700", **kw)
    other = order(session, nobody, S.ACCEPTED, rush_cause=RushCause.INTERNAL, amount="100", **kw)
    session.add_all([
        RushInsertion(order_id=shipped.id, cause=RushCause.CUSTOMER_CHANGE, succeeded=True, overtime_hours=10),
        RushInsertion(order_id=cancelled.id, cause=RushCause.CUSTOMER_CHANGE, succeeded=True, overtime_hours=5,
                      displaced_order_ids=[7]),
        RushInsertion(order_id=other.id, cause=RushCause.INTERNAL, succeeded=True, overtime_hours=1),
    ])
    session.commit()
    report = cost_allocation_report(session, Q1, rules.load_rulebook(DEFAULT_RULES_DIR), RATES)
    owners = {row.account_owner: row for row in report.by_account_owner}
    assert [row.account_owner for row in report.by_account_owner] == ["Ann Weber", None]
    # Ann: 10 h x 60 + (5 h x 60 + 1 displaced x 250) = 600 + 550 = 1150, of which 550 for the cancelled one
    assert owners["Ann Weber"].rush_orders == 2 and owners["Ann Weber"].cost == pytest.approx(1150)
    assert owners["Ann Weber"].misused == 1 and owners["Ann Weber"].misused_cost == pytest.approx(550)
    assert owners[None].rush_orders == 1 and owners[None].misused == 0 and owners[None].cost == pytest.approx(60)
    by_code = {c.order_code: c for c in report.rush_orders}
    assert by_code[cancelled.code].cancelled and by_code[cancelled.code].account_owner == "Ann Weber"
