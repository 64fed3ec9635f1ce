"""reportProgress: the MES reports quantity made and scrap; stock, orders and plan completion follow (R7)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain import bounds
from domain.access import Principal
from domain.capacity.commit import commit
from domain.capacity.ledger import hold_writes, release_order
from domain.errors import InvalidInput, InvalidTransition
from domain.events import kinds
from domain.events.order_history import record_order_event
from domain.events.outbox import EventBroker, Outbox
from domain.floor.allocation import Allocation, allocate, orders_waiting_for
from domain.floor.demand import OPEN_STATUSES
from domain.floor.lateness import mark_late
from domain.floor.lookup import line_by_code, order_by_code, product_by_sku
from domain.floor.plan_progress import count_against_plan
from domain.floor.production_progress import count_against_production_orders
from domain.floor.stock import check_products
from domain.models import (
    Alert,
    Order,
    OrderEvent,
    OrderStatus,
    Product,
    ProgressEvent,
    StockMovement,
    StockMovementKind,
    utcnow,
)


@dataclass
class ProgressOutcome:
    event: ProgressEvent
    product: Product
    orders: list[Order] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    plan_items_updated: int = 0
    late: list[Order] = field(default_factory=list)  # orders found past their promise by this report


async def _take_into_stock(session: AsyncSession, product: Product, made: float, scrapped: float) -> Product:
    """In the database, not from the copy read earlier, so concurrent reports never lose units; the product's copy
    comes back with the row as the UPDATE left it (RETURNING), fresh for check_products without a SELECT."""
    used = made + scrapped
    fresh = await session.scalars(
        update(Product)
        .where(Product.id == product.id)
        .values(
            on_hand=Product.on_hand + made,
            work_in_progress=case((Product.work_in_progress > used, Product.work_in_progress - used), else_=0.0),
        )
        .returning(Product)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    return fresh.one()


async def _advance(
    session: AsyncSession, order: Order, made: list[Allocation], actor: str, at: datetime
) -> list[OrderEvent]:
    events: list[OrderEvent] = []
    line_text = "; ".join(
        f"line {a.line.line_no}: +{a.quantity:g} ({a.line.quantity_made:g}/{a.line.quantity:g})" for a in made
    )
    events.append(record_order_event(session, order, kinds.PROGRESS, actor=actor, message=f"made {line_text}"))
    if order.status in (OrderStatus.ACCEPTED, OrderStatus.SCHEDULED):
        events.append(
            record_order_event(
                session, order, kinds.STATUS, actor=actor, message="production started",
                to_status=OrderStatus.IN_PRODUCTION,
            )
        )
    if all(line.quantity_to_make <= 0 for line in order.lines):
        order.completed_at = at
        # Made in full: the hours it held are spent, and an order in stock holds no capacity.
        await release_order(session, order.id, to_forecast=False)
        events.append(
            record_order_event(
                session, order, kinds.STATUS, actor=actor, message="every line made: in stock",
                to_status=OrderStatus.IN_STOCK,
            )
        )
    return events


async def report_progress(
    session: AsyncSession,
    principal: Principal,
    *,
    line_code: str,
    sku: str,
    quantity: float,
    scrap: float | None = None,
    scrap_reason: str | None = None,
    order_code: str | None = None,
    at: datetime | None = None,
    broker: EventBroker | None = None,
) -> ProgressOutcome:
    """Record the report, move stock, orders and plan completion, commit, then publish."""
    made = bounds.quantity(quantity, ["quantity"])
    scrapped = bounds.quantity(scrap or 0.0, ["scrap"])
    bounds.text(scrap_reason, ["scrapReason"], bounds.MAX_SHORT_TEXT)
    at = bounds.instant(at, ["at"], past_only=True) or utcnow()
    line = await line_by_code(session, line_code, ["lineCode"])
    product = await product_by_sku(session, sku, ["sku"])
    waiting = await orders_waiting_for(session, product.id)
    if order_code is not None:
        # The named order is most often among those waiting, read with them: read alone only when it is not.
        named = next((o for o in waiting if o.code == order_code), None)
        order = named or await order_by_code(session, order_code, ["orderCode"])
        if all(item.product_id != product.id for item in order.lines):
            raise InvalidInput(f"order {order_code!r} has no line for sku {sku!r}", ["orderCode"])
        if order.status not in (*OPEN_STATUSES, OrderStatus.IN_STOCK):
            raise InvalidTransition(
                f"order {order_code!r} is {order.status.value}: it takes no progress", ["orderCode"]
            )
        # The named order first; what it does not need goes to the others waiting, as an unnamed report's would
        # (a task started whole units gross of yield: left as free stock, they were lost to orders waiting).
        waiting = [order, *(o for o in waiting if o.id != order.id)]

    event = ProgressEvent(
        line_id=line.id, product_id=product.id, order_id=waiting[0].id if order_code else None,
        quantity=made, scrap=scrapped, scrap_reason=scrap_reason, at=at, reported_by=principal.actor,
    )
    session.add(event)
    product = await _take_into_stock(session, product, made, scrapped)
    if made > 0:
        session.add(StockMovement(
            product_id=product.id, kind=StockMovementKind.PRODUCED, quantity=made, at=at,
            order_id=event.order_id, note=f"made on {line.code}",
        ))
    outbox = Outbox()
    hold_writes(session)  # an order made in full gives its hours back with the COMMIT (domain/capacity/commit.py)
    allocations = allocate(waiting, product.id, made)
    touched: list[Order] = []
    for order in waiting:
        mine = [a for a in allocations if a.order is order]
        if mine:
            outbox.order_events.extend(await _advance(session, order, mine, principal.actor, at))
            touched.append(order)
    plan_items = await count_against_plan(session, line.id, product.id, at.date(), made)
    await count_against_production_orders(session, product.id, made, allocations)
    alerts = await check_products(session, [product], outbox, at.date())
    late = await mark_late(session, outbox, at.date(), principal.actor)
    await commit(session)
    await outbox.publish(broker)
    return ProgressOutcome(event, product, touched, alerts, plan_items, late)
