"""The flat facts the review, rush and priority rules see for one order (dotted names, JSON values)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Date, Select, Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.calendar import week_start
from domain.models import Forecast, Order, OrderLine, ProcessMaturity
from domain.orders.context import OrderContext
from domain.orders.finished_goods import StockCover
from domain.orders.materials import MaterialCheck
from domain.orders.product_reads import ordered_in_week
from domain.orders.promise import OrderPromise

FORECASTS, ORDERS, LINES = (cast(Table, model.__table__) for model in (Forecast, Order, OrderLine))


@dataclass(frozen=True)
class PricedLine:
    quantity: float
    unit_price: Decimal
    unit_cost: Decimal


def amount_of(lines: list[PricedLine]) -> Decimal:
    return sum((Decimal(str(line.quantity)) * line.unit_price for line in lines), Decimal(0)).quantize(Decimal("0.01"))


def margin_of(lines: list[PricedLine]) -> Decimal:
    cost = sum((Decimal(str(line.quantity)) * line.unit_cost for line in lines), Decimal(0))
    return (amount_of(lines) - cost).quantize(Decimal("0.01"))


def order_facts(context: OrderContext, lines: list[PricedLine], requested: date, today: date) -> dict[str, Any]:
    """What the order is: amount, quantity, due, customer, products and gross margin."""
    amount, margin = amount_of(lines), margin_of(lines)
    new = any(p.maturity is ProcessMaturity.NEW for p in context.products)
    return {
        "order.amount": float(amount),
        "order.quantity": float(sum(line.quantity for line in lines)),
        "order.days_to_due": (requested - today).days,
        "order.line_count": len(lines),
        "customer.tier": context.customer.tier.value,
        "customer.code": context.customer.code,
        "customer.price_sensitivity": float(context.customer.price_sensitivity),
        "product.maturity": (ProcessMaturity.NEW if new else ProcessMaturity.PROVEN).value,
        "product.family": context.products[0].family,
        # A free order has no margin to speak of: count it as fully lost.
        "margin.pct": round(float(margin / amount * 100), 4) if amount > 0 else -100.0,
    }


def capacity_facts(promise: OrderPromise, horizon_days: int, parts: list[tuple[float, float]]) -> dict[str, Any]:
    """Whether the lines make it by the requested date, how late otherwise, and what share is in time.

    parts: (early, late) per line as a split would ship them (split_parts), so the share counts only
    what could really ship early in whole lots.
    """
    ready, total = promise.ready_date, sum(early + late for early, late in parts)
    if promise.fits:
        days_late = 0
    elif ready is None:
        days_late = horizon_days  # not within the horizon at all: as late as we can see
    else:
        days_late = max((ready - promise.requested).days, 1)
    return {
        "capacity.fits": promise.fits,
        "capacity.days_late": days_late,
        "capacity.splittable_share": round(sum(early for early, _ in parts) / total if total else 0.0, 6),
    }


def stock_facts(stock: StockCover) -> dict[str, Any]:
    """How much of the order finished goods in stock cover (R11)."""
    total = sum(stock.quantities)
    return {"stock.covered_share": round(sum(stock.from_stock) / total, 6) if total else 0.0}


def material_facts(check: MaterialCheck) -> dict[str, Any]:
    return {"material.fits": check.fits, "material.short_quantity": round(check.short_quantity, 6)}


def _forecast_statement() -> Select[Any]:
    """The week's forecasts of some skus (newest first) with what is already ordered of each that week."""
    f = FORECASTS.c
    return (
        select(f.product_id, f.mid, ordered_in_week(f.product_id))
        .where(f.product_id.in_(bindparam("product_ids", expanding=True)), f.week == bindparam("week", type_=Date))
        .order_by(f.product_id, f.submitted_at.desc(), f.id.desc())
    )


FORECAST_AND_ORDERED = _forecast_statement()


async def forecast_excess_pct(
    session: AsyncSession, context: OrderContext, quantities: list[float], requested: date,
    exclude_order_id: int | None = None,
) -> float | None:
    """How far ordered quantity of the requested week exceeds the latest mid forecast (largest over skus).

    One statement for the whole order: each sku's forecasts for the week with what is ordered already.
    """
    week = week_start(requested)
    latest: dict[int, tuple[float | None, float]] = {}
    if context.reads is not None and context.reads.week == week and context.reads.exclude_order_id == exclude_order_id:
        latest = context.reads.forecast  # read with the products' stock (product_reads.py)
    else:
        rows = await (await session.connection()).execute(FORECAST_AND_ORDERED, {
            "product_ids": [product.id for product in context.products], "week": week,
            "week_end": week + timedelta(days=7),
            "exclude_order_id": exclude_order_id or 0,  # ids start at 1: 0 excludes nothing
        })
        for product_id, mid, ordered in rows:
            latest.setdefault(product_id, (mid, float(ordered or 0.0)))
    worst: float | None = None
    for product, quantity in zip(context.products, quantities, strict=True):
        mid, ordered = latest.get(product.id, (None, 0.0))
        if mid is None or mid <= 0:
            continue
        excess = round((ordered + quantity - mid) / mid * 100, 4)
        worst = excess if worst is None else max(worst, excess)
    return worst
