"""The demo plant loads into an empty database, covers every order status, and is reproducible."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from domain.config import DEFAULT_RULES_DIR
from domain.demo import DemoSize, generate_plant, load_demo
from domain.errors import DatabaseNotEmpty, InvalidInput
from domain.models import (
    Customer,
    Forecast,
    Order,
    OrderReview,
    OrderStatus,
    Payment,
    Product,
    ProductionLine,
    RushInsertion,
)
from rules import load_rulebook

TODAY = date(2025, 6, 11)
NOW = datetime.combine(TODAY, time(12, 0), tzinfo=UTC)
TINY = DemoSize("tiny", products=8, families=3, lines=3, customers=10, orders=80, forecast_weeks_ahead=4,
                forecast_weeks_back=4, history_days=120)


def _aware(value: datetime | None) -> datetime | None:
    # SQLite gives naive datetimes back; they were written in UTC.
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def test_every_status_present_with_consistent_timestamps(db: Engine) -> None:
    report = load_demo(db, TINY, seed=3, today=TODAY)
    with Session(db) as session:
        orders = session.scalars(select(Order)).all()
        assert {o.status for o in orders} == set(OrderStatus)
        for o in orders:
            stamps = [_aware(t) for t in (o.received_at, o.scheduled_at, o.completed_at, o.shipped_at)]
            present = [t for t in stamps if t is not None]
            assert present == sorted(present), f"{o.code} ({o.status}) timestamps out of order: {stamps}"
            assert all(t <= NOW for t in present), f"{o.code} has a timestamp after today"
            # A later step never happened without the earlier ones.
            assert [t is None for t in stamps[1:]] == sorted(t is None for t in stamps[1:]), o.code
        # Shipped, delivered since or closed: most shipped orders have been delivered by now.
        shipped = [o for o in orders if o.shipped_at is not None]
        assert {o.status for o in shipped} == {OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CLOSED}
        assert all(o.promised_date is not None for o in shipped)
        delivered = [o for o in shipped if o.status in (OrderStatus.DELIVERED, OrderStatus.CLOSED)]
        assert all(o.delivered_on is not None and o.delivered_on >= _aware(o.shipped_at).date()  # type: ignore[union-attr]
                   for o in delivered)
        # Closed exactly when delivered and paid in full (as recordPayment closes them live).
        paid = dict(session.execute(
            select(Payment.order_id, func.sum(Payment.amount)).group_by(Payment.order_id)).all())  # type: ignore[arg-type]
        assert all((o.status is OrderStatus.CLOSED) == (paid.get(o.id, 0) >= o.amount) for o in delivered)
        late = [o for o in shipped if _aware(o.completed_at).date() > o.promised_date]  # type: ignore[union-attr]
        assert 0 < len(late) < len(shipped), "some, not all, shipped orders should have been late"
        reviewed = sum(o.status is not OrderStatus.RECEIVED for o in orders)
        assert session.scalar(select(func.count()).select_from(OrderReview)) == reviewed
        review = session.scalars(select(OrderReview)).first()
        # The shipped rule files' version (was "demo", a version no rule book has): the rules the review cites.
        assert review is not None and review.rules_version == load_rulebook(DEFAULT_RULES_DIR).version
        assert {c["criterion"] for c in review.criteria} == {"CAPACITY", "MATERIAL", "TECHNOLOGY", "MARGIN"}
        assert {"order.amount", "customer.tier", "margin.pct", "capacity.fits"} <= set(review.facts)
        rush_reviewed = sum(o.rush and o.status is not OrderStatus.RECEIVED for o in orders)
        assert session.scalar(select(func.count()).select_from(RushInsertion)) == rush_reviewed
        assert session.scalar(select(func.count()).select_from(Forecast)) == TINY.products * 8
    assert report.rows["orders"] == TINY.orders


@pytest.mark.parametrize("size", [TINY, DemoSize("wider", products=12, families=4, lines=5, customers=6, orders=30,
                                                 forecast_weeks_ahead=2, forecast_weeks_back=2, history_days=60)])
def test_size_decides_the_counts(db: Engine, size: DemoSize) -> None:
    load_demo(db, size, today=TODAY)
    with Session(db) as session:
        for model, expected in ((Product, size.products), (ProductionLine, size.lines), (Customer, size.customers),
                                (Order, size.orders)):
            assert session.scalar(select(func.count()).select_from(model)) == expected, model.__name__
        assert len(set(session.scalars(select(Product.family)))) == size.families


def test_same_seed_same_plant() -> None:
    first, again = generate_plant(TINY, seed=11, today=TODAY), generate_plant(TINY, seed=11, today=TODAY)
    assert first.fingerprint() == again.fingerprint()
    assert generate_plant(TINY, seed=12, today=TODAY).fingerprint() != first.fingerprint()


def test_refuses_a_database_that_already_has_a_plant(db: Engine) -> None:
    load_demo(db, TINY, today=TODAY)
    with pytest.raises(DatabaseNotEmpty, match="already holds"):
        load_demo(db, TINY, today=TODAY)
    skipped = load_demo(db, TINY, today=TODAY, if_empty=True)
    assert skipped.skipped and skipped.rows == {}
    with Session(db) as session:
        assert session.scalar(select(func.count()).select_from(Order)) == TINY.orders
        # Ids were assigned by the loader; new rows must still get fresh ids (sequences moved on).
        session.add(Customer(code="NEW-1", name="After the demo", tier="REGULAR"))
        session.flush()
        assert session.scalar(select(func.max(Customer.id))) == TINY.customers + 1


def test_bad_sizes_are_refused_with_the_field_named() -> None:
    with pytest.raises(InvalidInput, match="orders must be at least 1"):
        DemoSize("broken", products=5, families=2, lines=2, customers=3, orders=0)
    with pytest.raises(InvalidInput, match="unknown demo size 'huge'"):
        load_demo(None, "huge")  # type: ignore[arg-type]
