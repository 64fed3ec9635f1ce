"""Complaint rate, output, yield and the median order response time."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from domain.kpis import Period
from domain.kpis.quality import complaint_rate, output_and_yield
from domain.kpis.response import order_response_hours
from domain.models import Feedback, FeedbackCause, FeedbackKind, ProgressEvent
from domain.models import OrderStatus as S
from tests.integration.kpis.factories import at, customer, line, order, product

Q1 = Period(date(2024, 1, 1), date(2024, 4, 1))


def test_complaint_rate_counts_production_complaints_over_completed_orders(session: Session) -> None:
    c = customer(session)
    done = [order(session, c, S.IN_STOCK, completed_at=at(2024, 1, d)) for d in (5, 6, 7)]
    order(session, c, S.IN_STOCK, completed_at=at(2023, 12, 30))  # completed before the period

    def feedback(kind: FeedbackKind, cause: FeedbackCause, when: tuple[int, int, int]) -> None:
        session.add(Feedback(order_id=done[0].id, kind=kind, cause=cause, message="x", created_at=at(*when)))

    feedback(FeedbackKind.COMPLAINT, FeedbackCause.PRODUCTION, (2024, 2, 1))  # counts
    feedback(FeedbackKind.COMPLAINT, FeedbackCause.LOGISTICS, (2024, 2, 1))  # not production's
    feedback(FeedbackKind.COMPLAINT, FeedbackCause.PRODUCTION, (2023, 12, 31))  # before the period
    feedback(FeedbackKind.RETURN, FeedbackCause.PRODUCTION, (2024, 2, 1))  # a return, not a complaint
    session.commit()

    kpi = complaint_rate(session, Q1)
    # 1 complaint / 3 orders completed in Q1
    assert (kpi.numerator, kpi.denominator) == (1, 3)
    assert kpi.value == pytest.approx(1 / 3)


def test_output_and_yield_from_progress_reports(session: Session) -> None:
    p, ln = product(session), line(session)
    for quantity, scrap, when in ((90, 10, at(2024, 1, 3)), (45, 5, at(2024, 3, 31, 23)), (100, 0, at(2024, 4, 1))):
        session.add(ProgressEvent(line_id=ln.id, product_id=p.id, quantity=quantity, scrap=scrap, at=when))
    session.commit()

    output, yield_ = output_and_yield(session, Q1)
    assert output.value == 135  # 90 + 45; the report on 1 April is outside
    # 135 good of 135 + 15 made
    assert (yield_.numerator, yield_.denominator, yield_.value) == (135, 150, 0.9)


@pytest.mark.parametrize(
    ("hours", "median"),
    [((2, 10, 4, 30), 7.0), ((2, 10, 4), 4.0), ((5.5,), 5.5), ((9, 3), 6.0), ((8, 4, 4, 4, 1, 30), 4.0)],
    ids=["even: mean of 4 and 10", "odd: the middle one", "one order", "two: their mean",
         "ties in the middle"],
)
def test_response_hours_is_the_median_from_receipt_to_schedule(
    session: Session, hours: tuple[float, ...], median: float
) -> None:
    c = customer(session)
    received = at(2024, 2, 1, 8)
    for h in hours:
        order(session, c, S.SCHEDULED, received_at=received, scheduled_at=received + timedelta(hours=h))
    order(session, c, S.RECEIVED, received_at=received)  # not scheduled: not measured
    order(session, c, S.SCHEDULED, received_at=at(2023, 12, 1), scheduled_at=at(2023, 12, 20))  # received before
    session.commit()

    kpi = order_response_hours(session, Q1)
    assert kpi.value == pytest.approx(median)
    assert kpi.denominator == len(hours)
