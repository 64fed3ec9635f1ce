"""Which mechanism loses the service its points: why an order got no promise for its date at once, and what the
order of a broken promise had at the end of the run."""

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


def _week(day: date) -> tuple[int, int]:
    return day.isocalendar()[:2]


def why_not_at_once(review: ReviewResult, o: WorldOrder, today: date, frozen_days: int) -> str:
    failed = ",".join(c.criterion for c in review.criteria if not c.passed) or "none"
    inside = " inside the frozen window" if o.requested <= frozen_until(today, frozen_days) else ""
    return f"{review.decision.value} ({'rush' if o.rush else 'regular'}{inside}; failed: {failed})"


async def broken_promises(session: AsyncSession, tally: Tally, last: date) -> Counter[str]:
    """Each promise due in the run and not kept, by what its order had at the end: nothing made, part, all."""
    found: Counter[str] = Counter()
    for fate in tally.fates.values():
        if fate.promised is None or fate.promised > last or (fate.shipped and fate.shipped <= fate.promised):
            continue
        line = await session.scalar(select(OrderLine).join(Order).where(Order.code == fate.order.code))
        ready = (line.quantity_made + line.quantity_from_stock) if line else 0.0
        late = fate.shipped and ("shipped late, in the promised week" if _week(fate.shipped) == _week(fate.promised)
                                 else "shipped late, a later week")
        state = late if late else "nothing made" if ready <= 0 else \
            "part made" if ready < fate.order.quantity - 1e-9 else "all made"
        found[f"promise broken ({'rush' if fate.order.rush else 'regular'}): {state}"] += 1
    return found
