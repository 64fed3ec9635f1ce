"""shipOrder: what left the warehouse for an order; in parts (a split's first delivery) or in full, then SHIPPED."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain import bounds
from domain.access import Principal
from domain.errors import InvalidInput, InvalidTransition
from domain.events import kinds
from domain.events.order_history import record_order_event
from domain.events.outbox import EventBroker, Outbox
from domain.floor import check_products
from domain.models import (
    Delivery,
    DeliveryStatus,
    Order,
    OrderLine,
    OrderStatus,
    Product,
    StockMovement,
    StockMovementKind,
    utcnow,
)
from domain.orders.inputs import ShipInput
from domain.orders.keyed import keyed_change
from domain.orders.lookup import claim_version, order_to_change
from domain.orders.results import OrderResult
from domain.orders.review import load_lines

# Units are made for an order from IN_PRODUCTION on; IN_STOCK means every line is made.
SHIPPABLE = (OrderStatus.IN_PRODUCTION, OrderStatus.IN_STOCK)
# Before production an order ships only what it took from stock at acceptance (R11).
FROM_STOCK_ONLY = (OrderStatus.ACCEPTED, OrderStatus.SCHEDULED)
# A shipment is booked when it happens; a clock a little ahead of ours is not refused.


def _waiting(line: OrderLine) -> float:
    """Made for the order or taken from stock for it, and not shipped yet."""
    return max(line.quantity_ready, 0.0)


def _quantities(data: ShipInput, lines: list[OrderLine], skus: dict[int, str]) -> dict[int, tuple[float, list[str]]]:
    """Units to ship per order line id, each checked against what is made and waiting for it, with the field
    path an error about that line names."""
    if data.lines is None:
        wanted = {line.id: (_waiting(line), ["code"]) for line in lines if _waiting(line) > 0}
        if not wanted:
            raise InvalidInput(f"nothing made or taken from stock for order {data.code} is waiting to ship",
                               ["code"])
        return wanted
    if not data.lines:
        raise InvalidInput("a shipment needs at least one line (or omit lines to ship all that is made)", ["lines"])
    by_sku = {skus[line.product_id]: line for line in lines}
    wanted = {}
    for index, item in enumerate(data.lines):
        where = ["lines", str(index), "quantity"]
        line = by_sku.get(item.sku)
        if line is None:
            raise InvalidInput(f"order {data.code} has no line for sku {bounds.shown(item.sku)}",
                               ["lines", str(index), "sku"])
        total = wanted.get(line.id, (0.0, where))[0] + bounds.quantity(item.quantity, where, positive=True)
        if total > _waiting(line) + 1e-9:
            raise InvalidInput(f"{total:g} of {item.sku} to ship but only {_waiting(line):g} made or taken from "
                               f"stock for order {data.code} and not shipped yet", where)
        wanted[line.id] = (total, where)
    return wanted


async def _take_from_stock(session: AsyncSession, product_id: int, sku: str, quantity: float, field: list[str]
                           ) -> Product:
    """In the database and only if the units are there: stock never goes negative, whatever ran meanwhile. The
    product's copy comes back with the row as the UPDATE left it (RETURNING), fresh for the safety-stock check."""
    taken = (await session.scalars(
        update(Product).where(Product.id == product_id, Product.on_hand >= quantity)
        .values(on_hand=Product.on_hand - quantity).returning(Product)
        .execution_options(synchronize_session=False, populate_existing=True))).one_or_none()
    if taken is None:
        on_hand = await session.scalar(select(Product.on_hand).where(Product.id == product_id))
        raise InvalidInput(f"{quantity:g} of {sku} to ship but only {on_hand or 0:g} in stock", field)
    return taken


async def _mark_delivered(session: AsyncSession, order: Order, lines: list[OrderLine]) -> None:
    """A line's promised deliveries, earliest first, count as delivered once its shipments cover them."""
    deliveries = (await session.scalars(
        select(Delivery).where(Delivery.order_id == order.id, Delivery.status == DeliveryStatus.PROMISED)
        .order_by(Delivery.order_line_id, Delivery.date, Delivery.id))).all()
    covered = {line.id: line.quantity_shipped for line in lines}
    earlier = {line.id: 0.0 for line in lines}
    for delivery in deliveries:
        if delivery.order_line_id not in covered:
            continue
        earlier[delivery.order_line_id] += delivery.quantity
        if earlier[delivery.order_line_id] <= covered[delivery.order_line_id] + 1e-9:
            delivery.status = DeliveryStatus.DELIVERED


async def ship_order(session: AsyncSession, principal: Principal, data: ShipInput,
                     broker: EventBroker | None = None) -> OrderResult:
    """Book the shipment (stock falls, deliveries are delivered), commit, then publish the order event."""
    at = bounds.instant(data.at, ["at"], past_only=True) or utcnow()
    outbox = Outbox()

    async def ship() -> OrderResult:
        outbox.order_events.clear()
        outbox.alerts.clear()
        order = await order_to_change(session, principal, data.code, allowed=(*SHIPPABLE, *FROM_STOCK_ONLY))
        await claim_version(session, order, data.expected_version)
        lines = await load_lines(session, order.id)
        if order.status in FROM_STOCK_ONLY and not any(_waiting(line) > 0 for line in lines):
            raise InvalidTransition(f"order {data.code} is {order.status.value}: nothing is made for it yet and it "
                                    f"took nothing from stock", ["code"])
        skus = dict((await session.execute(
            select(Product.id, Product.sku).where(Product.id.in_([line.product_id for line in lines])))).all())
        wanted = _quantities(data, lines, skus)
        shipped: list[str] = []
        taken: dict[int, Product] = {}
        for line in lines:
            if line.id not in wanted:
                continue
            quantity, where = wanted[line.id]
            sku = skus[line.product_id]
            taken[line.product_id] = await _take_from_stock(session, line.product_id, sku, quantity, where)
            line.quantity_shipped += quantity
            session.add(StockMovement(product_id=line.product_id, kind=StockMovementKind.SHIPPED, quantity=-quantity,
                                      at=at, order_id=order.id, note=f"shipped for {order.code}"))
            shipped.append(f"{sku} {quantity:g} ({line.quantity_shipped:g}/{line.quantity:g})")
        await _mark_delivered(session, order, lines)
        text = "shipped " + "; ".join(shipped)
        if all(line.quantity_shipped >= line.quantity - 1e-9 for line in lines):
            order.shipped_at = at
            outbox.order_events.append(record_order_event(session, order, kinds.SHIPPED, actor=principal.actor,
                                                          message=f"{text}: shipped in full",
                                                          to_status=OrderStatus.SHIPPED))
        else:
            outbox.order_events.append(record_order_event(session, order, kinds.SHIPPED_PART, actor=principal.actor,
                                                          message=text))
        await check_products(session, [taken[product_id] for product_id in sorted(taken)], outbox, at.date())
        return OrderResult(order)

    outcome = await keyed_change(session, "shipOrder", principal, data.idempotency_key, data.body(), ship)
    if not outcome.replayed:
        await outbox.publish(broker)
    return outcome

