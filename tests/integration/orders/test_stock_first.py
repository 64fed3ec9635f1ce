"""Stock first (R11): an order takes free finished goods before hours, and no unit is counted by two orders."""

from __future__ import annotations

import asyncio
import dataclasses
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from domain.capacity.calendar import week_start
from domain.config import DEFAULT_RULES_DIR
from domain.models import (
    CapacityLedger,
    CapacityReservation,
    OrderLine,
    OrderStatus,
    Product,
    ProductionLine,
    ReviewDecision,
)
from domain.orders.changes import cancel_order, update_order
from domain.orders.inputs import CancelInput, ShipInput, UpdateInput
from domain.orders.results import OrderResult
from domain.orders.review import create_order, quote_order
from domain.orders.shipments import ship_order
from rules import RuleBook, load_rulebook
from tests.dbutil import backends
from tests.integration.orders.plant import PLANNER, TODAY, Plant, order, short_of_steel
from tests.integration.orders.statements import statements

NEXT_WEEK = TODAY + timedelta(days=7)


async def _stock(session: AsyncSession, plant: Plant, on_hand: float, safety: float = 0.0) -> None:
    plant.widget.on_hand, plant.widget.safety_stock = on_hand, safety
    await session.commit()


async def _from_stock(session: AsyncSession, order_id: int) -> float:
    return float(await session.scalar(select(func.sum(OrderLine.quantity_from_stock))
                                      .where(OrderLine.order_id == order_id)) or 0.0)


async def _hours(session: AsyncSession, order_id: int) -> float:
    return float(await session.scalar(select(func.coalesce(func.sum(CapacityReservation.quantity), 0.0))
                                      .where(CapacityReservation.order_id == order_id)) or 0.0)


async def test_an_order_covered_by_stock_is_accepted_today_without_hours_or_materials(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    # Tried: 200 W-1 for today with 300 on hand, no steel at all and a 60-day purchase lead time,
    # the case of SEN-0020 x200 with 522 on hand that got PROPOSE_DATE for materials.
    await _stock(asession, plant, 300.0)
    await short_of_steel(asession, plant, 0.0, (TODAY + timedelta(days=90), 1.0))
    quote = await quote_order(asession, PLANNER, book, order("REG", TODAY, ("W-1", 200)), TODAY)
    assert quote.decision is ReviewDecision.ACCEPT and quote.promised_date == TODAY
    assert quote.facts["stock.covered_share"] == 1.0 and quote.facts["material.fits"] is True
    created = await create_order(asession, PLANNER, book, order("REG", TODAY, ("W-1", 200)), TODAY)
    assert created.order.status is OrderStatus.ACCEPTED and created.order.promised_date == TODAY
    assert await _from_stock(asession, created.order.id) == 200.0
    assert await _hours(asession, created.order.id) == 0.0  # no capacity reservation at all


async def test_safety_stock_stays_on_the_shelf_and_the_rest_is_made(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    # Tried: 200 W-1 in a week with 300 on hand of which 150 are safety stock (the shipped rule keeps it).
    await _stock(asession, plant, 300.0, safety=150.0)
    created = await create_order(asession, PLANNER, book, order("REG", NEXT_WEEK, ("W-1", 200)), TODAY)
    assert created.order.status is OrderStatus.ACCEPTED
    assert await _from_stock(asession, created.order.id) == 150.0
    assert await _hours(asession, created.order.id) == pytest.approx(50.0)


async def test_a_rush_order_takes_the_safety_stock_a_regular_one_leaves(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tried: 30 on hand, all of it safety stock, and a breakdown that took every hour of this week. A regular
    # order for 20 next week is offered none of it; a rush order for 20 due in 2 days (URGENT) is promised its
    # date from the safety stock (STOCK-FIRST: rush_takes_safety_stock), with no hours; without that permission
    # the same rush order gets no promise for its date.
    await _stock(asession, plant, 30.0, safety=30.0)
    regular = await quote_order(asession, PLANNER, book, order("REG", NEXT_WEEK, ("W-1", 20)), TODAY)
    assert regular.facts["stock.covered_share"] == 0.0
    line_id = await asession.scalar(select(ProductionLine.id))
    asession.add(CapacityLedger(line_id=line_id, week=week_start(TODAY), capacity_hours=40.0,
                                reserve_hours=4.8, lost_hours=40.0))
    await asession.commit()
    rush_input = order("KEY", TODAY + timedelta(days=2), ("W-1", 20))
    keeping = dataclasses.replace(book.capacity_policy(), rush_takes_safety_stock=False)
    with monkeypatch.context() as patched:
        patched.setattr(book, "capacity_policy", lambda: keeping)
        refused = await quote_order(asession, PLANNER, book, rush_input, TODAY)
    assert refused.decision is not ReviewDecision.ACCEPT
    rush = await create_order(asession, PLANNER, book, rush_input, TODAY)
    assert rush.order.rush and rush.review is not None and rush.review.decision is ReviewDecision.ACCEPT
    assert rush.order.promised_date == TODAY + timedelta(days=2)
    assert await _from_stock(asession, rush.order.id) == 20.0 and await _hours(asession, rush.order.id) == 0.0


async def test_a_rule_may_give_safety_stock_and_add_handling_days(
    asession: AsyncSession, plant: Plant, tmp_path: Path
) -> None:
    # Tried: the same order with stock_first {take_safety_stock: true, handling_days: 2} in capacity_policy.yaml.
    folder = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    policy = folder / "capacity_policy.yaml"
    policy.write_text(policy.read_text().replace("take_safety_stock: false, handling_days: 0",
                                                 "take_safety_stock: true, handling_days: 2")
                      .replace("take_safety_stock: false, stock_handling_days: 0",
                               "take_safety_stock: true, stock_handling_days: 2"))
    giving = load_rulebook(folder)
    await _stock(asession, plant, 300.0, safety=150.0)
    created = await create_order(asession, PLANNER, giving, order("REG", NEXT_WEEK, ("W-1", 200)), TODAY)
    assert await _from_stock(asession, created.order.id) == 200.0
    assert await _hours(asession, created.order.id) == 0.0
    # For today the goods cannot ship before the two handling days: not accepted for today.
    quote = await quote_order(asession, PLANNER, giving, order("REG", TODAY, ("W-1", 50)), TODAY)
    assert quote.decision is not ReviewDecision.ACCEPT


async def test_two_orders_never_count_the_same_units_and_a_cancel_gives_them_back(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    # Tried: 300 on hand, two orders of 200 next week one after the other, then the first cancelled.
    await _stock(asession, plant, 300.0)
    first = await create_order(asession, PLANNER, book, order("REG", NEXT_WEEK, ("W-1", 200)), TODAY)
    second = await create_order(asession, PLANNER, book, order("REG", NEXT_WEEK, ("W-1", 200)), TODAY)
    assert await _from_stock(asession, first.order.id) == 200.0
    assert await _from_stock(asession, second.order.id) == 100.0
    assert await _hours(asession, second.order.id) == pytest.approx(100.0)
    await cancel_order(asession, PLANNER, book, CancelInput(first.order.code, first.order.version), TODAY)
    assert await _from_stock(asession, first.order.id) == 0.0
    third = await create_order(asession, PLANNER, book, order("REG", NEXT_WEEK, ("W-1", 200)), TODAY)
    assert await _from_stock(asession, third.order.id) == 200.0


async def test_an_update_keeping_its_lines_gives_back_and_takes_its_units_in_one_update_of_them(
    engine: AsyncEngine, asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    # Tried: 300 on hand; FIRST takes 200, SECOND 100 (and makes 100); then a count finds 250 on hand and FIRST is
    # moved a week later. Its own 200 count as free again (250 - 100 held by SECOND): it takes 150, in one UPDATE of
    # its line (release then take wrote the line twice). Moved again with nothing changed it takes the same 150,
    # with no UPDATE of its line at all (the value stays).
    await _stock(asession, plant, 300.0)
    first = await create_order(asession, PLANNER, book, order("REG", NEXT_WEEK, ("W-1", 200)), TODAY)
    second = await create_order(asession, PLANNER, book, order("REG", NEXT_WEEK, ("W-1", 200)), TODAY)
    assert (await _from_stock(asession, first.order.id), await _from_stock(asession, second.order.id)) == (200, 100)
    await _stock(asession, plant, 250.0)
    with statements(engine) as seen:
        moved = await update_order(asession, PLANNER, book, UpdateInput(
            first.order.code, 1, requested_date=NEXT_WEEK + timedelta(days=7)), TODAY)
    assert moved.order.status is OrderStatus.ACCEPTED
    assert await _from_stock(asession, first.order.id) == 150.0
    assert len([s for s in seen if s.startswith("UPDATE order_lines")]) == 1, seen
    with statements(engine) as seen:
        again = await update_order(asession, PLANNER, book, UpdateInput(
            first.order.code, 2, requested_date=NEXT_WEEK + timedelta(days=8)), TODAY)
    assert again.order.status is OrderStatus.ACCEPTED
    assert await _from_stock(asession, first.order.id) == 150.0
    assert await _from_stock(asession, second.order.id) == 100.0
    assert not any(s.startswith("UPDATE order_lines") for s in seen), seen


async def test_shipping_consumes_the_units_taken_from_stock(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    # Tried: 200 from stock for today, then shipOrder with no lines (all that waits) on the ACCEPTED order.
    await _stock(asession, plant, 300.0)
    created = await create_order(asession, PLANNER, book, order("REG", TODAY, ("W-1", 200)), TODAY)
    shipped = await ship_order(asession, PLANNER, ShipInput(created.order.code, created.order.version))
    assert shipped.order.status is OrderStatus.SHIPPED
    assert await asession.scalar(select(Product.on_hand).where(Product.id == plant.widget.id)) == 100.0
    # The 100 left are free again for the next order, not held by the shipped one.
    quote = await quote_order(asession, PLANNER, book, order("REG", TODAY, ("W-1", 100)), TODAY)
    assert quote.decision is ReviewDecision.ACCEPT and quote.facts["stock.covered_share"] == 1.0


@pytest.mark.skipif("postgresql" not in backends(), reason="real concurrency needs PostgreSQL")
async def test_concurrent_orders_never_both_get_the_last_units(
    sessions: Callable[[], AsyncSession], asession: AsyncSession, plant: Plant, book: RuleBook, db_url: str
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("this run is on SQLite: its write lock serialises orders, there is no race to lose")
    # Tried: 150 on hand and no steel; six orders of 150 for today at once. Only one can take the stock.
    await _stock(asession, plant, 150.0)
    # An order of another product first: the ledger rows exist, so creating them does not line the racers up.
    await create_order(asession, PLANNER, book, order("REG", NEXT_WEEK, ("T-1", 10, "20")), TODAY)
    await short_of_steel(asession, plant, 0.0, (TODAY + timedelta(days=90), 1.0))

    async def create(n: int) -> OrderResult:
        async with sessions() as session:
            return await create_order(session, PLANNER, book, order("REG", TODAY, ("W-1", 150), code=f"LAST-{n}"),
                                      TODAY)

    results = await asyncio.gather(*(create(n) for n in range(6)))
    accepted = [r for r in results if r.order.status is OrderStatus.ACCEPTED and r.order.promised_date == TODAY]
    assert len(accepted) == 1
    held = await asession.scalar(select(func.sum(OrderLine.quantity_from_stock)))
    assert held == 150.0
