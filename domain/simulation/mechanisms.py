"""Which mechanism loses the service its points: why an order got no promise for its date at once, and what the
order of a broken promise had on its promised day."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.calendar import frozen_until
from domain.models import Order, OrderLine
from domain.orders import ReviewResult
from domain.simulation.outcomes import Tally
from domain.simulation.world import WorldOrder


def why_not_at_once(review: ReviewResult, o: WorldOrder, today: date, frozen_days: int) -> str:
    failed = ",".join(c.criterion for c in review.criteria if not c.passed) or "none"
    inside = " inside the frozen window" if o.requested <= frozen_until(today, frozen_days) else ""
    # Which reject rule decided, and whether the sku's own forecast covered the order (then forecast consumption
    # should have found it hours): the two facts that tell the capacity refusals apart.
    rejected_by = "".join(f"; {f.rule}" for f in review.fired_rules
                          if f.rule_set == "review" and f.rule.startswith("REJECT"))
    excess = review.facts.get("forecast.excess_pct")
    covered = "; within its forecast" if isinstance(excess, int | float) and excess <= 0 else ""
    kind = "rush" if o.rush else "regular"
    return f"{review.decision.value} ({kind}{inside}; failed: {failed}{rejected_by}{covered})"


async def unkept_today(session: AsyncSession, tally: Tally, today: date) -> Counter[str]:
    """Promises due today and not shipped, by what the order had at the day's end: nothing, most of it (90% or
    more: scrap left it short, the rest waits for the product's next run) or part."""
    found: Counter[str] = Counter()
    for fate in tally.fates.values():
        if fate.promised != today or fate.shipped is not None:
            continue
        line = await session.scalar(select(OrderLine).join(Order).where(Order.code == fate.order.code))
        ready = (line.quantity_made + line.quantity_from_stock) / fate.order.quantity if line else 0.0
        state = "nothing made" if ready <= 0 else "short by scrap (90% or more ready)" if ready >= 0.9 else \
            "part made"
        found[f"promise broken ({'rush' if fate.order.rush else 'regular'}): {state} on the promised day"] += 1
    return found
