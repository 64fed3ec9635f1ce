"""Find the plant's rows named in a floor report, or say which input named nothing."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.access import Principal
from domain.bounds import shown
from domain.errors import NotFound
from domain.models import Material, Order, Product, ProductionLine
from domain.scoping import may_see_customer


async def line_by_code(session: AsyncSession, code: str, field: Sequence[str]) -> ProductionLine:
    line = await session.scalar(select(ProductionLine).where(ProductionLine.code == code))
    if line is None:
        raise NotFound(f"production line {shown(code)} does not exist", field)
    return line


async def product_by_sku(session: AsyncSession, sku: str, field: Sequence[str]) -> Product:
    product = await session.scalar(select(Product).where(Product.sku == sku))
    if product is None:
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
