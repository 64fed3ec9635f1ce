"""The flat facts the review, rush and priority rules see for one order (dotted names, JSON values)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Forecast, Order, OrderLine, OrderStatus, ProcessMaturity
from domain.orders.context import OrderContext
from domain.orders.materials import MaterialCheck
from domain.orders.promise import OrderPromise
from domain.planning.calendar import week_start

# Orders that no longer count as demand for the sku-week.
NOT_DEMAND = (OrderStatus.CANCELLED, OrderStatus.REJECTED)


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


def capacity_facts(promise: OrderPromise, horizon_days: int) -> dict[str, Any]:
    """Whether the lines make it by the requested date, how late otherwise, and what share is in time."""
    ready = promise.ready_date
    if promise.fits:
        days_late = 0
    elif ready is None:
        days_late = horizon_days  # not within the horizon at all: as late as we can see
    else:
        days_late = max((ready - promise.requested).days, 1)
    return {
        "capacity.fits": promise.fits,
        "capacity.days_late": days_late,
        "capacity.splittable_share": round(promise.splittable_share, 6),
    }


def material_facts(check: MaterialCheck) -> dict[str, Any]:
    return {"material.fits": check.fits, "material.short_quantity": round(check.short_quantity, 6)}


async def forecast_excess_pct(
    session: AsyncSession, context: OrderContext, quantities: list[float], requested: date,
    exclude_order_id: int | None = None,
) -> float | None:
    """How far ordered quantity of the requested week exceeds the latest mid forecast (largest over skus)."""
    week = week_start(requested)
    worst: float | None = None
    for product, quantity in zip(context.products, quantities, strict=True):
        mid = await session.scalar(
            select(Forecast.mid)
            .where(Forecast.product_id == product.id, Forecast.week == week)
            .order_by(Forecast.submitted_at.desc(), Forecast.id.desc())
            .limit(1)
        )
        if mid is None or mid <= 0:
            continue
        ordered_query = (
            select(func.coalesce(func.sum(OrderLine.quantity), 0.0))
            .join(Order, Order.id == OrderLine.order_id)
            .where(OrderLine.product_id == product.id, Order.requested_date >= week,
                   Order.requested_date < week + timedelta(days=7), Order.status.not_in(NOT_DEMAND))
        )
        if exclude_order_id is not None:
            ordered_query = ordered_query.where(Order.id != exclude_order_id)
        ordered = float(await session.scalar(ordered_query) or 0.0) + quantity
        excess = round((ordered - mid) / mid * 100, 4)
        worst = excess if worst is None else max(worst, excess)
    return worst
