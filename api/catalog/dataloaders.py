"""Per-request loaders of catalogue rows by id: one statement per batch, whatever the page size."""

from __future__ import annotations

from collections.abc import Sequence

from strawberry.dataloader import DataLoader

from api.catalog.types import Customer, Product
from api.core.context import Context
from domain.catalog import queries
from domain.models import ProductionLine


class CatalogLoaders:
    def __init__(self, context: Context) -> None:
        self.context = context
        self.customer = DataLoader(self._customers)
        self.product = DataLoader(self._products)
        self.line = DataLoader(self._lines)

    async def _customers(self, ids: Sequence[int]) -> list[Customer]:
        async with self.context.db() as session:
            rows = await queries.customers_by_id(session, ids)
        return [Customer.from_row(rows[i]) for i in ids]

    async def _products(self, ids: Sequence[int]) -> list[Product]:
        async with self.context.db() as session:
            rows = await queries.products_by_id(session, ids)
        return [Product.from_row(rows[i]) for i in ids]

    async def _lines(self, ids: Sequence[int]) -> list[ProductionLine | None]:
        async with self.context.db() as session:
            rows = await queries.lines_by_id(session, ids)
        return [rows.get(i) for i in ids]
