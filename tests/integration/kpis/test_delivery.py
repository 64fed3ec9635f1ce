"""Order fulfilment, rush on-time and rush-insertion success rates on hand-made orders."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from domain.kpis import Period
from domain.kpis.delivery import order_fulfillment_rate, rush_insertion_success_rate, rush_on_time_rate
from domain.models import OrderStatus as S
from tests.integration.kpis.factories import at, customer, order

Q1 = Period(date(2024, 1, 1), date(2024, 4, 1))


def test_fulfilment_counts_orders_in_stock_or_shipped_by_the_promised_day(session: Session) -> None:
    c = customer(session)
    # on time: in stock the day before
    order(session, c, S.SHIPPED, promised=date(2024, 1, 10), completed_at=at(2024, 1, 9, 12), rush=True)
    # on time: in stock late on the promised day itself (UTC)
    order(session, c, S.IN_STOCK, promised=date(2024, 1, 10), completed_at=at(2024, 1, 10, 23))
    # late: half an hour after the promised day ended
    order(session, c, S.IN_STOCK, promised=date(2024, 1, 10), completed_at=at(2024, 1, 11, 0, 30), rush=True)
    # not done yet: counts as not fulfilled
    order(session, c, S.SCHEDULED, promised=date(2024, 2, 1))
    # not counted: cancelled, rejected, promised on `to` (excluded), promised before `from`
    order(session, c, S.CANCELLED, promised=date(2024, 2, 1))
    order(session, c, S.REJECTED, promised=date(2024, 2, 1))
    order(session, c, S.ACCEPTED, promised=date(2024, 4, 1))
    order(session, c, S.SHIPPED, promised=date(2023, 12, 31), completed_at=at(2023, 12, 30))
    session.commit()

    fulfilment = order_fulfillment_rate(session, Q1)
    # on time: 2 (first two) of 4 promised in Q1
    assert (fulfilment.numerator, fulfilment.denominator, fulfilment.value) == (2, 4, 0.5)
    rush = rush_on_time_rate(session, Q1)
    # rush orders: the first (on time) and the third (late)
    assert (rush.numerator, rush.denominator, rush.value) == (1, 2, 0.5)


def test_shipped_on_time_counts_even_without_a_completion_time(session: Session) -> None:
    c = customer(session)
    order(session, c, S.SHIPPED, promised=date(2024, 3, 5), shipped_at=at(2024, 3, 5, 8))
    session.commit()
    assert order_fulfillment_rate(session, Q1).value == 1.0


def test_delivered_and_closed_orders_stay_among_the_promised_ones(session: Session) -> None:
    """Before DELIVERED and CLOSED were counted, an order dropped out of the fulfilment rate once the customer
    confirmed receipt or paid: the rate of a period changed as payments came in."""
    c = customer(session)
    order(session, c, S.DELIVERED, promised=date(2024, 3, 5), shipped_at=at(2024, 3, 5, 8))
    order(session, c, S.CLOSED, promised=date(2024, 3, 5), shipped_at=at(2024, 3, 7, 8))  # shipped late
    session.commit()
    fulfilment = order_fulfillment_rate(session, Q1)
    assert (fulfilment.numerator, fulfilment.denominator) == (1, 2)


def test_rush_insertion_success_needs_a_promise_by_the_requested_date(session: Session) -> None:
    c = customer(session)
    received = at(2024, 2, 1, 9)
    kw = {"received_at": received, "rush": True, "requested": date(2024, 2, 5)}
    order(session, c, S.ACCEPTED, promised=date(2024, 2, 5), **kw)  # success: promised on the requested day
    order(session, c, S.SCHEDULED, promised=date(2024, 2, 6), **kw)  # promised a day late
    order(session, c, S.PROPOSED, promised=date(2024, 2, 4), **kw)  # only a proposal, not accepted
    order(session, c, S.REJECTED, **kw)
    order(
        session, c, S.ACCEPTED, promised=date(2024, 2, 5), received_at=received, requested=date(2024, 2, 5)
    )  # not rush
    order(
        session,
        c,
        S.ACCEPTED,
        promised=date(2024, 2, 5),
        rush=True,
        requested=date(2024, 2, 5),
        received_at=at(2024, 4, 1),
    )  # received after the period
    session.commit()

    kpi = rush_insertion_success_rate(session, Q1)
    # 1 success of 4 rush orders received in Q1
    assert (kpi.numerator, kpi.denominator) == (1, 4)
    assert kpi.value == pytest.approx(0.25)
