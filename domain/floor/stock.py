"""Stock below safety: one open alert per sku, substitutes in stock and a production suggestion (R10, R11)."""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterable
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from domain.capacity.line_hours import usual_hours
from domain.events import kinds
from domain.events.outbox import Outbox
from domain.floor.alerts import close_alerts, raise_alert
from domain.floor.demand import open_demand
from domain.models import Alert, Product, ProductionLine, ProductionOrder, ProductionOrderStatus, Routing

SUGGESTION_REASON = "safety stock"


def safety_stock_key(sku: str) -> str:
    return f"{kinds.SAFETY_STOCK}:{sku}"


async def _fastest_line(session: AsyncSession, product_id: int) -> tuple[ProductionLine, float] | None:
    row = (
        await session.execute(
            select(ProductionLine, Routing.units_per_hour)
            .join(Routing, Routing.line_id == ProductionLine.id)
            .where(Routing.product_id == product_id, Routing.units_per_hour > 0)
            .order_by(Routing.units_per_hour.desc(), ProductionLine.id)
            .limit(1)
        )
    ).first()
    return (row[0], float(row[1])) if row else None


def due_date(line: ProductionLine, units_per_hour: float, quantity: float, today: date) -> date:
    """When the fastest line could have it made, working its usual hours from tomorrow on."""
    day_hours = usual_hours(line.weekly_capacity_hours, line.working_days)
    if sum(day_hours) <= 0:
        return today + timedelta(days=1)
    hours_left, day = quantity / units_per_hour, today
    whole_weeks = max(0, math.floor(hours_left / sum(day_hours)) - 1)
    hours_left -= whole_weeks * sum(day_hours)
    day += timedelta(weeks=whole_weeks)
    while True:
        day += timedelta(days=1)
        hours_left -= day_hours[day.weekday()]
        if hours_left <= 1e-9:
            return day


async def suggest_production(
    session: AsyncSession, product: Product, quantity: float, today: date
) -> ProductionOrder | None:
    """The one SUGGESTED production order that brings the sku back to safety stock (updated, not duplicated)."""
    fastest = await _fastest_line(session, product.id)
    suggestion = await session.scalar(
        select(ProductionOrder).where(
            ProductionOrder.product_id == product.id,
            ProductionOrder.status == ProductionOrderStatus.SUGGESTED,
            ProductionOrder.reason == SUGGESTION_REASON,
        )
    )
    line, units_per_hour = fastest if fastest else (None, 0.0)
    due = due_date(line, units_per_hour, quantity, today) if line else today
    if suggestion is None:
        suggestion = ProductionOrder(
            code=f"PO-{product.sku}-{uuid.uuid4().hex[:8]}",
            product_id=product.id,
            status=ProductionOrderStatus.SUGGESTED,
            reason=SUGGESTION_REASON,
            quantity=quantity,
            due_date=due,
            line_id=line.id if line else None,
        )
        session.add(suggestion)
    else:
        suggestion.quantity, suggestion.due_date = quantity, due
        suggestion.line_id = line.id if line else None
    await session.flush()
    return suggestion


def _message(product: Product, substitutes: list[Product], suggestion: ProductionOrder | None, line: str) -> str:
    text = f"{product.sku} stock {product.on_hand:g} is below safety stock {product.safety_stock:g}."
    if substitutes:
        text += " Substitutes in stock: " + ", ".join(f"{s.sku} ({s.on_hand:g})" for s in substitutes) + "."
    else:
        text += " No substitute in stock."
    if suggestion is not None:
        text += f" Suggested production order {suggestion.code}: {suggestion.quantity:g} units"
        text += f" on {line} by {suggestion.due_date.isoformat()}." if line else " (no line can make it)."
    return text


async def check_safety_stock(
    session: AsyncSession, product_ids: Iterable[int], outbox: Outbox, today: date
) -> list[Alert]:
    """Raise, refresh or close the safety-stock alert of each sku; returns the alerts raised or refreshed."""
    products = list(await session.scalars(
        select(Product).where(Product.id.in_(set(product_ids)))
        .execution_options(populate_existing=True).order_by(Product.id)
    ))
    return await check_products(session, products, outbox, today)


async def check_products(session: AsyncSession, products: list[Product], outbox: Outbox, today: date) -> list[Alert]:
    """check_safety_stock for products whose copies are as fresh as the database (just read or returned by the
    UPDATE that moved their stock), in id order."""
    short = [p.id for p in products if p.on_hand < p.safety_stock]
    if short:  # substitutes are named only for skus below safety stock: read them for those alone
        await session.scalars(select(Product).where(Product.id.in_(short)).options(selectinload(Product.substitutes))
                              .execution_options(populate_existing=True))
    raised: list[Alert] = []
    for product in products:
        key = safety_stock_key(product.sku)
        if product.on_hand >= product.safety_stock:
            await _recovered(session, outbox, key, product.id)
            continue
        substitutes = sorted((s for s in product.substitutes if s.on_hand > 0), key=lambda s: (-s.on_hand, s.sku))
        quantity = product.safety_stock - product.on_hand + await open_demand(session, product.id)
        suggestion = await suggest_production(session, product, quantity, today)
        line = await session.get(ProductionLine, suggestion.line_id) if suggestion and suggestion.line_id else None
        severity = kinds.CRITICAL if product.on_hand <= 0 else kinds.WARNING
        message = _message(product, substitutes, suggestion, line.code if line else "")
        raised.append(
            await raise_alert(
                session, outbox, kind=kinds.SAFETY_STOCK, severity=severity, message=message, dedup_key=key,
                product_id=product.id, line_id=line.id if line else None,
            )
        )
    return raised


async def _recovered(session: AsyncSession, outbox: Outbox, key: str, product_id: int) -> None:
    """Stock at or above safety: close the sku's open alert and withdraw its suggestion, asking first in one
    statement whether there is either (most reports and shipments leave a sku that has neither)."""
    open_alert = select(Alert.id).where(Alert.dedup_key == key, Alert.open.is_(True)).exists()
    suggested = select(ProductionOrder.id).where(
        ProductionOrder.product_id == product_id, ProductionOrder.status == ProductionOrderStatus.SUGGESTED,
        ProductionOrder.reason == SUGGESTION_REASON).exists()
    has_alert, has_suggestion = (await session.execute(select(open_alert, suggested))).one()
    if has_alert:
        await close_alerts(session, outbox, key)
    if has_suggestion:
        await _withdraw_suggestion(session, product_id)


async def _withdraw_suggestion(session: AsyncSession, product_id: int) -> None:
    """Stock recovered: a safety-stock suggestion nobody released is no longer needed."""
    suggestions = await session.scalars(
        select(ProductionOrder).where(
            ProductionOrder.product_id == product_id,
            ProductionOrder.status == ProductionOrderStatus.SUGGESTED,
            ProductionOrder.reason == SUGGESTION_REASON,
        )
    )
    for suggestion in suggestions:
        suggestion.status = ProductionOrderStatus.CANCELLED
