"""Find the plant's rows named in a floor report, or say which input named nothing."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstanceState, selectinload

from domain.access import Principal
from domain.bounds import shown
from domain.errors import NotFound
from domain.models import Material, Order, Product, ProductionLine
from domain.scoping import may_see_customer

# session.info key: (model, code) -> the row these lookups found in this session, held so it stays in the map.
_FOUND = "floor.lookup.found"


async def _by_code(session: AsyncSession, model: type[ProductionLine] | type[Product], code: str
                   ) -> ProductionLine | Product | None:
    """The row with that code; the one this session found before while it is still loaded there, as the SELECT
    would return it (a query does not refresh an object the session holds): every floor report names a line and
    a sku, two SELECTs a report that built nothing new."""
    column = ProductionLine.code if model is ProductionLine else Product.sku
    found: dict[tuple[type, str], ProductionLine | Product] = session.info.setdefault(_FOUND, {})
    row = found.get((model, code))
    if row is not None:
        state: InstanceState[ProductionLine | Product] = inspect(row)
        if state.session_id == session.sync_session.hash_key and not state.expired and not state.expired_attributes \
                and not state.deleted and getattr(row, column.key) == code:
            return row
    row = await session.scalar(select(model).where(column == code))
    if row is not None:
        found[(model, code)] = row
    return row


async def line_by_code(session: AsyncSession, code: str, field: Sequence[str]) -> ProductionLine:
    line = await _by_code(session, ProductionLine, code)
    if not isinstance(line, ProductionLine):
        raise NotFound(f"production line {shown(code)} does not exist", field)
    return line


async def product_by_sku(session: AsyncSession, sku: str, field: Sequence[str]) -> Product:
    product = await _by_code(session, Product, sku)
    if not isinstance(product, Product):
        raise NotFound(f"product {shown(sku)} does not exist", field)
    return product


async def material_by_code(session: AsyncSession, code: str, field: Sequence[str]) -> Material:
    material = await session.scalar(select(Material).where(Material.code == code))
    if material is None:
        raise NotFound(f"material {shown(code)} does not exist", field)
    return material


async def order_by_code(
    session: AsyncSession, code: str, field: Sequence[str], principal: Principal | None = None
) -> Order:
    """The order with its lines and customer; a partner's view holds only its own customers' orders."""
    order = await session.scalar(
        select(Order)
        .where(Order.code == code)
        .options(selectinload(Order.lines), selectinload(Order.customer))
        .execution_options(populate_existing=True)
    )
    hidden = order is not None and principal is not None and not may_see_customer(principal, order.customer_id)
    if order is None or hidden:
        # Another customer's order does not exist for a partner: the same answer as a wrong code.
        raise NotFound(f"order {shown(code)} does not exist", field)
    return order
