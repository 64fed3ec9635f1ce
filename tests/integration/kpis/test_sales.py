"""Revenue, collection rate and revenue growth against the same days a year before."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from domain.kpis import Period
from domain.kpis.sales import collection_rate, revenue, revenue_growth
from domain.models import OrderStatus as S
from domain.models import Payment
from tests.integration.kpis.factories import at, customer, order

Q1 = Period(date(2024, 1, 1), date(2024, 4, 1))


def test_revenue_collection_and_growth(session: Session) -> None:
    c = customer(session)
    first = order(session, c, S.SHIPPED, shipped_at=at(2024, 1, 20), amount="1000")
    second = order(session, c, S.SHIPPED, shipped_at=at(2024, 3, 31, 23), amount="500")
    order(session, c, S.SHIPPED, shipped_at=at(2023, 2, 1), amount="1200")  # Q1 a year before
    order(session, c, S.SHIPPED, shipped_at=at(2024, 4, 1), amount="700")  # after the period
    for paid, which, when in (
        (600, first, at(2024, 2, 1)),
        (400, first, at(2024, 4, 2)),
        (500, second, at(2024, 3, 31)),
    ):
        session.add(Payment(order_id=which.id, amount=Decimal(paid), paid_on=when.date(), received_at=when))
    session.commit()

    assert revenue(session, Q1).value == 1500  # 1000 + 500
    growth = revenue_growth(session, Q1)
    # 1500 / 1200 - 1
    assert (growth.numerator, growth.denominator) == (1500, 1200)
    assert growth.value == pytest.approx(0.25)
    collected = collection_rate(session, Q1)
    # paid before 1 April: 600 + 500 = 1100 of 1500 (the 400 came after the period)
    assert (collected.numerator, collected.denominator) == (1100, 1500)
    assert collected.value == pytest.approx(1100 / 1500)


def test_collection_rate_is_null_when_no_payment_was_ever_recorded(session: Session) -> None:
    c = customer(session)
    order(session, c, S.SHIPPED, shipped_at=at(2024, 1, 20), amount="1000")
    session.commit()
    kpi = collection_rate(session, Q1)
    assert kpi.value is None and kpi.reason == "no payment has been recorded"
    growth = revenue_growth(session, Q1)
    assert growth.value is None and growth.reason == "no revenue in the same period a year before"
