"""How often the floor has made an order's products (R3 technology): the facts the review rules read to count a
new process as proven once it was made successfully often enough (the threshold lives in rules/review.yaml)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import ProgressEvent
from domain.orders.context import OrderContext


async def maturity_facts(session: AsyncSession, context: OrderContext) -> dict[str, Any]:
    """product.runs_made: the fewest progress reports with good units of any of the order's products (its least
    practised product); product.units_made: the fewest good units reported of any of them. 0 when never made."""
    ids = [product.id for product in context.products]
    if context.practice is not None:  # read with the yields (load_context): no statement
        return practice_facts(context.practice, ids)
    rows = (await session.execute(
        select(ProgressEvent.product_id, func.count(), func.sum(ProgressEvent.quantity))
        .where(ProgressEvent.product_id.in_(ids), ProgressEvent.quantity > 0)
        .group_by(ProgressEvent.product_id)
    )).all()
    return practice_facts({product_id: (int(runs), float(units or 0.0)) for product_id, runs, units in rows}, ids)


def practice_facts(practice: Mapping[int, tuple[int, float]], product_ids: Sequence[int]) -> dict[str, Any]:
    """The two facts from each product's (runs with good units, good units); a product absent was never made."""
    runs = [practice.get(product_id, (0, 0.0)) for product_id in product_ids]
    return {"product.runs_made": min((r for r, _ in runs), default=0),
            "product.units_made": round(min((u for _, u in runs), default=0.0), 6)}
