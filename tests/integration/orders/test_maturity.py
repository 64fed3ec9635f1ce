"""A new process counts as proven once the floor has made it successfully often enough (issue 14, R3): the runs
made are facts of the review, the threshold is rules/review.yaml's (3 runs)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import OrderStatus, ProgressEvent, ReviewDecision
from domain.orders.review import create_order
from rules import RuleBook
from tests.integration.orders.plant import PLANNER, TODAY, Plant, order

IN_TWO_WEEKS = TODAY + timedelta(days=14)


async def made(session: AsyncSession, plant: Plant, runs: list[tuple[float, float]]) -> None:
    """Progress reports of the new-process product P-1: (good units, scrap) per run, on past days."""
    for day, (good, scrap) in enumerate(runs, start=1):
        session.add(ProgressEvent(line_id=plant.line.id, product_id=plant.prototype.id, quantity=good, scrap=scrap,
                                  at=datetime.combine(TODAY - timedelta(days=day), datetime.min.time(), UTC)))
    await session.commit()


async def test_a_new_process_made_three_times_is_accepted(asession: AsyncSession, plant: Plant, book: RuleBook) -> None:
    await made(asession, plant, [(40, 1), (38, 2), (41, 0)])
    result = await create_order(asession, PLANNER, book, order("REG", IN_TWO_WEEKS, ("P-1", 20)), TODAY)
    assert result.review is not None and result.review.decision is ReviewDecision.ACCEPT, result.review
    assert result.order.status is OrderStatus.ACCEPTED and result.order.promised_date == IN_TWO_WEEKS
    technology = next(c for c in result.review.criteria if c.criterion == "TECHNOLOGY")
    assert technology.passed
    assert "TECHNOLOGY-MATURED" in {f.rule for f in result.review.fired_rules}


async def test_runs_that_made_nothing_good_do_not_count(asession: AsyncSession, plant: Plant, book: RuleBook) -> None:
    # Tried: two good runs and two runs that were all scrap: still two successful runs, below the 3 of the rules.
    await made(asession, plant, [(40, 1), (0, 40), (38, 2), (0, 25)])
    result = await create_order(asession, PLANNER, book, order("REG", IN_TWO_WEEKS, ("P-1", 20)), TODAY)
    assert result.review is not None and result.order.status is OrderStatus.RECEIVED  # waits for technology
    assert "SIGN-OFF-NEW-PROCESS" in {f.rule for f in result.review.fired_rules}
    technology = next(c for c in result.review.criteria if c.criterion == "TECHNOLOGY")
    assert not technology.passed and "runs_made 2 < 3" in technology.message
