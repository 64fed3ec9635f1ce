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


async def sku_of(context: Context, product_id: int | None) -> str | None:
    """The sku of a product id through the request's loader (None for none)."""
    if product_id is None:
        return None
    return (await context.loader(CatalogLoaders).product.load(product_id)).sku  # type: ignore[no-any-return]


async def line_code_of(context: Context, line_id: int | None) -> str | None:
    """The code of a production line id through the request's loader (None for none or a line gone)."""
    if line_id is None:
        return None
    line = await context.loader(CatalogLoaders).line.load(line_id)
    return line.code if line is not None else None
