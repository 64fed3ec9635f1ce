"""Changes to saved orders: versions, the frozen window, cancelling, answering proposals."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError, FrozenWindow, InvalidTransition, VersionConflict
from domain.models import CapacityReservation, Order, OrderEvent, OrderStatus, ReviewDecision
from domain.orders.changes import cancel_order, update_order
from domain.orders.inputs import CancelInput, LineInput, UpdateInput
from domain.orders.proposals import respond_to_proposal
from domain.orders.review import create_order
from rules import RuleBook
from tests.dbutil import backends
from tests.integration.orders.plant import PLANNER, TODAY, Plant, order

IN_TWO_WEEKS = TODAY + timedelta(days=15)  # Friday 2025-03-21


async def _held(session: AsyncSession) -> float:
    return float(await session.scalar(select(func.coalesce(func.sum(CapacityReservation.hours), 0.0))) or 0.0)


async def test_an_update_is_reviewed_again_and_holds_the_new_hours(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    created = await create_order(asession, PLANNER, book, order("REG", IN_TWO_WEEKS, ("W-1", 100)), TODAY)
    updated = await update_order(asession, PLANNER, book, UpdateInput(
        created.order.code, 1, lines=(LineInput("W-1", 300),)), TODAY)
    assert updated.order.version == 2 and updated.order.status is OrderStatus.ACCEPTED
    assert await _held(asession) == pytest.approx(30.0)
    kinds = (await asession.scalars(select(OrderEvent.kind).order_by(OrderEvent.id))).all()
    assert kinds == ["CREATED", "UPDATED"]


async def test_a_stale_version_is_a_conflict_with_the_current_version(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    created = await create_order(asession, PLANNER, book, order("REG", IN_TWO_WEEKS, ("W-1", 100)), TODAY)
    await update_order(asession, PLANNER, book, UpdateInput(created.order.code, 1, lines=(LineInput("W-1", 90),)),
                       TODAY)
    # Tried: expectedVersion 1 again after the order moved to version 2.
    with pytest.raises(VersionConflict) as conflict:
        await update_order(asession, PLANNER, book, UpdateInput(created.order.code, 1,
                                                                 lines=(LineInput("W-1", 80),)), TODAY)
    assert conflict.value.current_version == 2 and conflict.value.field == ["expectedVersion"]
    assert await _held(asession) == pytest.approx(9.0)


@pytest.mark.skipif("postgresql" not in backends(), reason="real concurrency needs PostgreSQL")
async def test_two_concurrent_updates_with_one_version_one_wins(
    sessions: Callable[[], AsyncSession], asession: AsyncSession, plant: Plant, book: RuleBook, db_url: str
) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("this run is on SQLite")
    created = await create_order(asession, PLANNER, book, order("REG", IN_TWO_WEEKS, ("W-1", 100)), TODAY)

    async def change(quantity: float) -> object:
        async with sessions() as session:
            try:
                return await update_order(session, PLANNER, book, UpdateInput(
                    created.order.code, 1, lines=(LineInput("W-1", quantity),)), TODAY)
            except VersionConflict as conflict:
                return conflict

    results = await asyncio.gather(change(120), change(140))
    conflicts = [r for r in results if isinstance(r, VersionConflict)]
    assert len(conflicts) == 1 and conflicts[0].current_version == 2
    asession.expunge_all()
    saved = await asession.get(Order, created.order.id)
    assert saved is not None and saved.version == 2
    assert await _held(asession) in (pytest.approx(12.0), pytest.approx(14.0))


async def test_changes_inside_the_frozen_window_are_refused(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    # 300 units: 140.8 made this week, the rest next week.
    created = await create_order(asession, PLANNER, book, order("REG", IN_TWO_WEEKS, ("W-1", 300)), TODAY)
    code, order_id = created.order.code, created.order.id
    # The clock of this scenario is TODAY: the hours were promised then, before next week began.
    await asession.execute(update(CapacityReservation).values(created_at=datetime.combine(TODAY, time(12), UTC)))
    await asession.commit()
    # Tried: next Tuesday (Monday..Wednesday frozen), while it is being made, changing the quantity; cancelling.
    tuesday = TODAY + timedelta(days=5)
    with pytest.raises(FrozenWindow):
        await update_order(asession, PLANNER, book, UpdateInput(code, 1, lines=(LineInput("W-1", 50),)), tuesday)
    with pytest.raises(FrozenWindow):
        await cancel_order(asession, PLANNER, book, CancelInput(code, 1), tuesday)
    # Tried: today, moving the requested date to next Monday, which that week's frozen window will cover.
    monday = TODAY + timedelta(days=4)
    with pytest.raises(FrozenWindow) as frozen:
        await update_order(asession, PLANNER, book, UpdateInput(code, 1, requested_date=monday), monday)
    assert frozen.value.field == ["requestedDate"]
    asession.expunge_all()
    saved = await asession.get(Order, order_id)
    assert saved is not None and saved.version == 1 and await _held(asession) == pytest.approx(30.0)


async def test_cancelling_gives_the_hours_back(asession: AsyncSession, plant: Plant, book: RuleBook) -> None:
    created = await create_order(asession, PLANNER, book, order("REG", IN_TWO_WEEKS, ("W-1", 100)), TODAY)
    cancelled = await cancel_order(asession, PLANNER, book, CancelInput(created.order.code, 1, "budget cut"), TODAY)
    assert cancelled.order.status is OrderStatus.CANCELLED and cancelled.order.version == 2
    assert await _held(asession) == 0.0
    # Tried: cancelling the cancelled order again.
    with pytest.raises(InvalidTransition):
        await cancel_order(asession, PLANNER, book, CancelInput(created.order.code, 2), TODAY)


async def test_an_accepted_split_proposal_holds_its_hours(asession: AsyncSession, plant: Plant, book: RuleBook) -> None:
    proposed = await create_order(asession, PLANNER, book, order("REG", IN_TWO_WEEKS, ("W-1", 1200)), TODAY)
    assert proposed.review is not None and proposed.review.decision is ReviewDecision.SPLIT
    accepted = await respond_to_proposal(asession, PLANNER, book, proposed.order.code, 1, True, TODAY)
    assert accepted.order.status is OrderStatus.ACCEPTED and accepted.order.version == 2
    assert accepted.order.promised_date == proposed.review.proposed_date
    assert await _held(asession) == pytest.approx(120.0)


async def test_a_proposal_taken_meanwhile_is_proposed_again(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    proposed = await create_order(asession, PLANNER, book, order("REG", IN_TWO_WEEKS, ("W-1", 1200)), TODAY)
    # Another order takes the weeks the proposal counted on.
    await create_order(asession, PLANNER, book, order("KEY", TODAY + timedelta(days=22), ("W-1", 1000)), TODAY)
    again = await respond_to_proposal(asession, PLANNER, book, proposed.order.code, 1, True, TODAY)
    assert again.review is not None and again.order.status is OrderStatus.PROPOSED
    assert again.review.proposed_date is not None and proposed.review is not None
    assert again.review.proposed_date > (proposed.review.proposed_date or TODAY)


async def test_a_declined_proposal_cancels_the_order(asession: AsyncSession, plant: Plant, book: RuleBook) -> None:
    proposed = await create_order(asession, PLANNER, book, order("REG", IN_TWO_WEEKS, ("W-1", 1500)), TODAY)
    declined = await respond_to_proposal(asession, PLANNER, book, proposed.order.code, 1, False, TODAY)
    assert declined.order.status is OrderStatus.CANCELLED
    # Tried: answering an order that is no longer proposed.
    with pytest.raises(DomainError):
        await respond_to_proposal(asession, PLANNER, book, proposed.order.code, 2, True, TODAY)
