"""A rush order whose lines have the hours on the floor (idle, postponed, overtime) but whose line-week's reserve
cannot hold them takes the rest out of the week's regular hours the ledger holds for nobody (capacity policy
rush_takes_idle_hours beyond_reserve)."""

from __future__ import annotations

import dataclasses

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.checks import ledger_violations
from domain.models import CapacityLedger, ReviewDecision
from domain.orders.review import create_order
from rules import RuleBook
from tests.integration.orders.plant import PLANNER, Plant, order
from tests.integration.orders.test_rush_day_tasks import MONDAY, TUESDAY, plan_in_force
from tests.integration.orders.test_rush_idle_hours import WEDNESDAY, _week_row

THURSDAY = WEDNESDAY + (WEDNESDAY - TUESDAY)


def _policy(book: RuleBook, monkeypatch: pytest.MonkeyPatch, beyond: bool) -> None:
    # Idle hours alone (no postponed tasks, no overtime), so the floor's room is the days' idle hours.
    policy = dataclasses.replace(book.capacity_policy(), rush_postpones_tasks=False, rush_takes_overtime=False,
                                 rush_beyond_reserve=beyond)
    monkeypatch.setattr(book, "capacity_policy", lambda: policy)


async def _week_with_free_regular_hours(session: AsyncSession, plant: Plant) -> None:
    """Day tasks fill half of each 8 h day; the ledger's planned hours leave 5.2 regular hours of the week free."""
    await plan_in_force(session, plant, share=0.5)
    session.add(CapacityLedger(line_id=plant.line.id, week=MONDAY, capacity_hours=40.0, reserve_hours=4.8,
                               planned_hours=30.0, promised_hours=0.0, rush_hours_used=0.0, lost_hours=0.0))
    await session.commit()


async def test_the_shipped_rules_let_rush_orders_go_beyond_the_reserve(book: RuleBook) -> None:
    assert book.capacity_policy().rush_beyond_reserve


@pytest.mark.parametrize("beyond", [True, False])
async def test_a_rush_the_reserve_cannot_hold_takes_the_weeks_free_regular_hours(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch, beyond: bool
) -> None:
    _policy(book, monkeypatch, beyond)
    await _week_with_free_regular_hours(asession, plant)
    # Tried: on Tuesday, 65 widgets (6.5 h) due Thursday. Wednesday and Thursday leave 8 h idle on the floor, the
    # week's reserve holds 4.8 h and the open days' regular share about 2 h: refused on the reserve alone; with
    # beyond_reserve the ledger's 5.2 free regular hours of the week hold the rest.
    rush = await create_order(asession, PLANNER, book, order("KEY", THURSDAY, ("W-1", 65)), TUESDAY)
    assert rush.review is not None
    if not beyond:
        assert rush.review.decision is not ReviewDecision.ACCEPT
        return
    assert rush.review.decision is ReviewDecision.ACCEPT, rush.review
    assert rush.order.rush and rush.order.promised_date == THURSDAY
    row = await _week_row(asession, plant)
    assert row.rush_hours_used <= row.reserve_hours + 1e-6
    assert row.rush_hours_used + row.promised_hours == pytest.approx(6.5)
    assert row.promised_hours > 0  # the part beyond the reserve is booked as regular hours
    assert await asession.run_sync(ledger_violations) == []
