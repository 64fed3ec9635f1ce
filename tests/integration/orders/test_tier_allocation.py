"""Capacity kept per customer tier (capacity_policy tier_allocation): other tiers cannot take it until it is
released; the shipped 0% keeps today's behaviour."""

from __future__ import annotations

import math
import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from domain.config import DEFAULT_RULES_DIR
from domain.orders.review import quote_order
from rules import RuleBook, load_rulebook
from tests.integration.orders.plant import PLANNER, TODAY, Plant, order

# The plant's line has 35.2 regular hours a week (352 units), 140.8 units left this week (a Thursday).
DUE = date(2025, 3, 21)  # Friday of the week starting 2025-03-17: locked until 2025-03-10 with release_days 7
UNITS_BY_DUE = 140.8 + 352 + 352


def allocating(tmp_path: Path, percent: int) -> RuleBook:
    folder = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    policy = folder / "capacity_policy.yaml"
    text = policy.read_text()
    assert "customer_tier: STRATEGIC, percent: 0, release_days: 7" in text
    policy.write_text(text.replace("customer_tier: STRATEGIC, percent: 0, release_days: 7",
                                   f"customer_tier: STRATEGIC, percent: {percent}, release_days: 7"))
    return load_rulebook(folder)


async def _share(session: AsyncSession, book: RuleBook, customer: str, quantity: float) -> float:
    quote = await quote_order(session, PLANNER, book, order(customer, DUE, ("W-1", quantity)), TODAY)
    return float(quote.facts["capacity.splittable_share"])


async def test_a_strategic_allocation_is_kept_from_other_tiers_until_released(
    asession: AsyncSession, plant: Plant, tmp_path: Path
) -> None:
    """Input: 20% of each line-week kept for STRATEGIC until 7 days before the week; a quote of 1,000 W-1 due
    2025-03-21 by a REGULAR and by a STRATEGIC customer. The week of 2025-03-17 is still locked, so the regular
    customer can have 80 units less of it (20% of 40 h at 10 units an hour); the weeks before are released."""
    book = allocating(tmp_path, 20)
    regular = await _share(asession, book, "REG", 1000)
    strategic = await _share(asession, book, "STRAT", 1000)
    # Whole units ship early (a split's parts are whole: solver/units.py).
    assert strategic == pytest.approx(math.floor(UNITS_BY_DUE) / 1000, abs=1e-4)
    assert regular == pytest.approx(math.floor(UNITS_BY_DUE - 80) / 1000, abs=1e-4)


async def test_the_shipped_zero_percent_keeps_todays_behaviour(
    asession: AsyncSession, plant: Plant, book: RuleBook
) -> None:
    """Input: the shipped rules (STRATEGIC-ALLOCATION at 0%): both tiers see every hour."""
    assert book.capacity_policy().tier_allocations == {}
    assert await _share(asession, book, "REG", 1000) == await _share(asession, book, "STRAT", 1000)


def test_an_allocation_over_half_the_capacity_is_refused_naming_the_line(tmp_path: Path) -> None:
    """Input: percent 60 in capacity_policy.yaml."""
    from rules import RulesError

    with pytest.raises(RulesError) as error:
        allocating(tmp_path, 60)
    assert "capacity_policy.yaml:" in str(error.value) and "percent" in str(error.value)
