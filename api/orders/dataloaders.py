"""Per-request loaders of an order's children, keyed by order id: one statement per batch."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from api.core.context import Context
from domain import models
from domain.floor.feedback import feedback_of_orders
from domain.orders import queries
from domain.orders.holds import sign_offs_by_order
from domain.orders.payments import payments_by_order
from domain.orders.queries import PromisedDelivery


class OrderLoaders:
    """Loaders return rows; the GraphQL types build themselves from them."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.lines = DataLoader(self._lines)
        self.deliveries = DataLoader(self._deliveries)
        self.review = DataLoader(self._review)
        self.history = DataLoader(self._history)
        self.code = DataLoader(self._code)
        self.feedback = DataLoader(self._feedback)
        self.payments = DataLoader(self._payments)
        self.sign_offs = DataLoader(self._sign_offs)

    async def _lines(self, ids: Sequence[int]) -> list[list[models.OrderLine]]:
        async with self.context.db() as session:
            found = await queries.lines_by_order(session, ids)
        return [found.get(i, []) for i in ids]

    async def _deliveries(self, ids: Sequence[int]) -> list[list[PromisedDelivery]]:
        async with self.context.db() as session:
            found = await queries.deliveries_by_order(session, ids)
        return [found.get(i, []) for i in ids]

    async def _review(self, ids: Sequence[int]) -> list[models.OrderReview | None]:
        async with self.context.db() as session:
            found = await queries.latest_review_by_order(session, ids)
        return [found.get(i) for i in ids]

    async def _history(self, ids: Sequence[int]) -> list[list[models.OrderEvent]]:
        async with self.context.db() as session:
            found = await queries.history_by_order(session, ids)
        return [found.get(i, []) for i in ids]

    async def _code(self, ids: Sequence[int]) -> list[str | None]:
        async with self.context.db() as session:
            found = await queries.codes_by_order(session, ids)
        return [found.get(i) for i in ids]

    async def _feedback(self, ids: Sequence[int]) -> list[list[models.Feedback]]:
        async with self.context.db() as session:
            found = await feedback_of_orders(session, list(ids))
        return [found.get(i, []) for i in ids]

    async def _payments(self, ids: Sequence[int]) -> list[list[models.Payment]]:
        async with self.context.db() as session:
            found = await payments_by_order(session, list(ids))
        return [found.get(i, []) for i in ids]

    async def _sign_offs(self, ids: Sequence[int]) -> list[list[models.OrderSignOff]]:
        async with self.context.db() as session:
            found = await sign_offs_by_order(session, list(ids))
        return [found.get(i, []) for i in ids]
