"""submitForecast validation and supersession; recordFeedback on orders (R8, R14)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import clock
from domain.access import Principal
from domain.errors import Forbidden, InvalidInput, NotFound
from domain.floor.feedback import feedback_of_orders, record_feedback
from domain.floor.forecasts import submit_forecast
from domain.models import (
    FeedbackCause,
    FeedbackKind,
    Forecast,
    OrderEvent,
    OrderLine,
    Product,
    Role,
    StockMovement,
    StockMovementKind,
)
from tests.integration.floor.plant import MONDAY, PLANNER, TODAY, add_order, build_plant


@pytest.fixture
def in_the_week_of_monday() -> Iterator[None]:
    """The plant's Wednesday: MONDAY's week is the current one (a past week is refused)."""
    with clock.pinned(TODAY):
        yield


ADMIN = Principal(key_id=2, name="root", role=Role.ADMIN)


@pytest.mark.usefixtures("in_the_week_of_monday")
async def test_a_later_forecast_supersedes_the_earlier_one(asession: AsyncSession) -> None:
    await build_plant(asession)
    await submit_forecast(asession, PLANNER, sku="W-1", week=MONDAY, low=10, mid=20, high=30)
    await submit_forecast(asession, PLANNER, sku="W-1", week=MONDAY, low=12, mid=22, high=32)
    rows = list(await asession.scalars(select(Forecast).order_by(Forecast.submitted_at, Forecast.id)))
    assert [(f.low, f.mid, f.high) for f in rows] == [(10, 20, 30), (12, 22, 32)]
    assert rows[-1].submitted_by == PLANNER.actor


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"week": date(2026, 6, 3)}, InvalidInput, ["week"]),  # a Wednesday, not a Monday
        ({"low": 25.0}, InvalidInput, ["low"]),  # low above mid
        ({"high": 15.0}, InvalidInput, ["high"]),  # high below mid
        ({"low": -1.0}, InvalidInput, ["low"]),  # negative
        ({"mid": float("inf"), "high": float("inf")}, InvalidInput, ["mid"]),  # not finite
        ({"sku": "NOPE"}, NotFound, ["sku"]),  # unknown sku
    ],
)
@pytest.mark.usefixtures("in_the_week_of_monday")
async def test_bad_forecasts_name_the_field(
    asession: AsyncSession, changes: dict[str, object], error: type[Exception], field: list[str]
) -> None:
    await build_plant(asession)
    forecast: dict[str, object] = {"sku": "W-1", "week": MONDAY, "low": 10.0, "mid": 20.0, "high": 30.0, **changes}
    with pytest.raises(error) as raised:
        await submit_forecast(asession, PLANNER, **forecast)  # type: ignore[arg-type]
    assert getattr(raised.value, "field", None) == field
    if field == ["week"]:
        assert "Wednesday" in str(raised.value)
    await asession.rollback()
    assert await asession.scalar(select(Forecast.id)) is None


@pytest.mark.usefixtures("in_the_week_of_monday")
async def test_a_past_week_is_refused_unless_an_admin_forces_it(asession: AsyncSession) -> None:
    await build_plant(asession)
    last_week = MONDAY - timedelta(weeks=1)
    # Tried: the week before the current one, by a planner, without and with force.
    with pytest.raises(InvalidInput) as raised:
        await submit_forecast(asession, PLANNER, sku="W-1", week=last_week, low=1, mid=2, high=3)
    assert raised.value.field == ["week"] and "before the current week (2026-06-01)" in raised.value.message
    with pytest.raises(Forbidden) as forbidden:
        await submit_forecast(asession, PLANNER, sku="W-1", week=last_week, low=1, mid=2, high=3, force=True)
    assert forbidden.value.field == ["force"]
    # Tried: the admin without force is refused like anyone; with force it is stored.
    with pytest.raises(InvalidInput):
        await submit_forecast(asession, ADMIN, sku="W-1", week=last_week, low=1, mid=2, high=3)
    await asession.rollback()
    assert await asession.scalar(select(Forecast.id)) is None
    await submit_forecast(asession, ADMIN, sku="W-1", week=last_week, low=1, mid=2, high=3, force=True)
    await submit_forecast(asession, PLANNER, sku="W-1", week=MONDAY, low=1, mid=2, high=3)  # the current week
    weeks = list(await asession.scalars(select(Forecast.week).order_by(Forecast.week)))
    assert weeks == [last_week, MONDAY]


async def test_feedback_reaches_the_order_and_production(asession: AsyncSession) -> None:
    plant = await build_plant(asession)
    order = await add_order(asession, "SO-1", plant.regular, plant.widget, 30, promised=TODAY)
    (await asession.scalars(select(OrderLine).where(OrderLine.order_id == order.id))).one().quantity_shipped = 30
    partner = Principal(9, "crm", Role.PARTNER, frozenset({plant.regular.id}))
    await record_feedback(asession, partner, order_code="SO-1", kind=FeedbackKind.REQUIREMENT,
                          message="pack in boxes of 10")
    await record_feedback(asession, partner, order_code="SO-1", kind=FeedbackKind.RETURN,
                          cause=FeedbackCause.PRODUCTION, message="scratched", quantity=4)
    line = await asession.scalar(select(OrderLine).where(OrderLine.order_id == order.id)
                                 .execution_options(populate_existing=True))
    assert line is not None and line.requirements == "pack in boxes of 10"
    product = await asession.get(Product, plant.widget.id, populate_existing=True)
    assert product is not None and product.on_hand == 64
    returned = await asession.scalar(select(StockMovement).where(StockMovement.kind == StockMovementKind.RETURNED))
    assert returned is not None and returned.quantity == 4 and returned.order_id == order.id
    grouped = await feedback_of_orders(asession, [order.id])
    assert [(f.kind, f.cause) for f in grouped[order.id]] == [
        (FeedbackKind.REQUIREMENT, None), (FeedbackKind.RETURN, FeedbackCause.PRODUCTION)
    ]
    events = list(await asession.scalars(select(OrderEvent.message).where(OrderEvent.kind == "FEEDBACK")))
    assert events == ["REQUIREMENT: pack in boxes of 10", "RETURN (PRODUCTION): scratched"]


@pytest.mark.parametrize(
    ("changes", "error", "field"),
    [
        ({"message": "  "}, InvalidInput, ["message"]),  # blank message
        ({"kind": FeedbackKind.COMPLAINT, "cause": None}, InvalidInput, ["cause"]),  # complaint without a cause
        ({"order_code": "NOPE"}, NotFound, ["orderCode"]),  # unknown order
        ({"order_code": "SO-OTHER"}, NotFound, ["orderCode"]),  # another customer's order, seen by a partner
        ({"kind": FeedbackKind.RETURN, "quantity": 99.0}, InvalidInput, ["quantity"]),  # more back than ordered
        ({"kind": FeedbackKind.RETURN, "quantity": -2.0}, InvalidInput, ["quantity"]),  # negative return
        ({"sku": "G-1"}, InvalidInput, ["sku"]),  # a sku the order does not have
    ],
)
async def test_bad_feedback_names_the_field(
    asession: AsyncSession, changes: dict[str, object], error: type[Exception], field: list[str]
) -> None:
    plant = await build_plant(asession)
    await add_order(asession, "SO-1", plant.regular, plant.widget, 30, promised=TODAY)
    await add_order(asession, "SO-OTHER", plant.strategic, plant.widget, 30, promised=TODAY)
    partner = Principal(9, "crm", Role.PARTNER, frozenset({plant.regular.id}))
    feedback: dict[str, object] = {
        "order_code": "SO-1", "kind": FeedbackKind.COMPLAINT, "cause": FeedbackCause.OTHER, "message": "late",
        **changes,
    }
    with pytest.raises(error) as raised:
        await record_feedback(asession, partner, **feedback)  # type: ignore[arg-type]
    assert getattr(raised.value, "field", None) == field


async def test_only_what_was_shipped_comes_back_and_only_once(asession: AsyncSession) -> None:
    """Input tried: RETURNs of 10 on a 10-unit order: before it shipped, then twice after (each added 10 to stock)."""
    plant = await build_plant(asession)
    order = await add_order(asession, "SO-1", plant.regular, plant.widget, 10, promised=TODAY)
    order_id, partner = order.id, Principal(9, "crm", Role.PARTNER, frozenset({plant.regular.id}))
    back = {"order_code": "SO-1", "kind": FeedbackKind.RETURN, "cause": FeedbackCause.LOGISTICS,
            "message": "dented", "quantity": 10}
    with pytest.raises(InvalidInput, match="0 shipped"):
        await record_feedback(asession, partner, **back)  # type: ignore[arg-type]
    await asession.rollback()
    (await asession.scalars(select(OrderLine).where(OrderLine.order_id == order_id))).one().quantity_shipped = 10
    await asession.commit()
    await record_feedback(asession, partner, **back)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput, match="10 returned already") as again:
        await record_feedback(asession, partner, **back)  # type: ignore[arg-type]
    assert again.value.field == ["quantity"]
