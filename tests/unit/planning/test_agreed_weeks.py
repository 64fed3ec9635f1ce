"""The weeks the capacity policy's plan_approval counts changes in: those both plans cover."""

from __future__ import annotations

from datetime import date

from domain.models import Plan
from domain.planning.weekly import agreed_weeks


def test_the_weekly_roll_counts_only_the_weeks_both_plans_cover() -> None:
    """Input: the plan in force from Monday 2026-11-30 for 4 weeks, the weekend replan from 2026-12-07 for 4 weeks:
    the week it adds (2026-12-28) is new and the week it drops (2026-11-30) is past, neither a change."""
    current = Plan(horizon_start=date(2026, 11, 30), horizon_weeks=4)
    rolled = Plan(horizon_start=date(2026, 12, 7), horizon_weeks=4)
    assert agreed_weeks(current, rolled) == {date(2026, 12, 7), date(2026, 12, 14), date(2026, 12, 21)}
    assert agreed_weeks(current, Plan(horizon_start=date(2027, 3, 1), horizon_weeks=4)) == set()
