"""recordPayment: money received against an order, kept as payment rows; delivered and fully paid closes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain import bounds, clock
from domain.access import Principal
from domain.errors import InvalidInput, InvalidTransition
from domain.events import kinds
from domain.events.order_history import record_order_event
from domain.events.outbox import EventBroker, Outbox
from domain.models import Order, OrderEvent, OrderStatus, Payment, utcnow
from domain.orders.keyed import keyed_change
from domain.orders.lookup import order_for
from domain.orders.results import OrderResult

# Money may come in at any point of a live order (a deposit, or after delivery); a cancelled or rejected order
# owes nothing, and a closed one is paid in full.
PAYABLE = tuple(s for s in OrderStatus if s not in (OrderStatus.CANCELLED, OrderStatus.REJECTED))


@dataclass(frozen=True)
class PaymentInput:
    """Money received against an order on a day; the key makes a retried report count once."""

    order_code: str
    amount: Decimal
    paid_on: date
    idempotency_key: str

    def body(self) -> dict[str, Any]:
        return {"order": self.order_code, "amount": str(self.amount), "paidOn": self.paid_on.isoformat()}


def checked_amount(amount: Decimal) -> Decimal:
    """More than zero, in cents, at most what a money column holds."""
    if not amount.is_finite():
        raise InvalidInput(f"amount must be a finite number, got {amount}", ["amount"])
    if amount <= 0:
        raise InvalidInput(f"amount must be more than 0, got {amount}", ["amount"])
    if amount > bounds.MAX_AMOUNT:  # before quantize: 1E+100 has no cents to round to (InvalidOperation)
        raise InvalidInput(f"amount must be at most {bounds.MAX_AMOUNT:,.2f}, got {amount}", ["amount"])
    if amount != amount.quantize(bounds.CENT):
        raise InvalidInput(f"amount has at most 2 decimal places, got {amount}", ["amount"])
    return amount


async def paid_so_far(session: AsyncSession, order_id: int) -> Decimal:
    total = await session.scalar(select(func.coalesce(func.sum(Payment.amount), 0)).where(Payment.order_id == order_id))
    return Decimal(total or 0).quantize(bounds.CENT)


async def close_when_settled(session: AsyncSession, order: Order, principal: Principal, paid: Decimal,
                             outbox: Outbox) -> None:
    """A delivered order whose payments cover its amount is CLOSED, with a history step saying so."""
    if order.status is OrderStatus.DELIVERED and paid >= order.amount:
        order.closed_at = utcnow()
        outbox.order_events.append(record_order_event(
            session, order, kinds.CLOSED, actor=principal.actor, to_status=OrderStatus.CLOSED,
            message=f"delivered and paid in full ({paid:.2f} of {order.amount:.2f})"))


async def _lock(session: AsyncSession, order: Order) -> None:
    """Hold the order's row until the commit, so two payments racing cannot both fit under its amount."""
    await session.execute(update(Order).where(Order.id == order.id).values(version=Order.version)
                          .execution_options(synchronize_session=False))
    await session.refresh(order, ["version", "status"])


async def record_payment(session: AsyncSession, principal: Principal, data: PaymentInput,
                         broker: EventBroker | None = None) -> OrderResult:
    """Store the payment row and its history step, close the order when that settles it, commit, publish."""
    amount = checked_amount(data.amount)
    if data.paid_on > clock.today():
        raise InvalidInput(f"paidOn {data.paid_on.isoformat()} is in the future: record a payment once it is made",
                           ["paidOn"])
    outbox = Outbox()

    async def pay() -> OrderResult:
        outbox.order_events.clear()
        order = await order_for(session, principal, data.order_code, ["orderCode"])
        await _lock(session, order)
        if order.status not in PAYABLE:
            raise InvalidTransition(f"order {order.code} is {order.status.value}: a cancelled or rejected order "
                                    f"takes no payment", ["orderCode"])
        if data.paid_on < order.received_at.date():
            raise InvalidInput(f"paidOn {data.paid_on.isoformat()} is before order {order.code} was received "
                               f"({order.received_at.date().isoformat()})", ["paidOn"])
        before = await paid_so_far(session, order.id)
        if before + amount > order.amount:
            raise InvalidInput(f"a payment of {amount:.2f} would overpay order {order.code}: its amount is "
                               f"{order.amount:.2f}, {before:.2f} is paid, {order.amount - before:.2f} is open",
                               ["amount"])
        session.add(Payment(order_id=order.id, amount=amount, paid_on=data.paid_on, received_at=utcnow(),
                            recorded_by=principal.actor))
        paid = before + amount
        event: OrderEvent = record_order_event(
            session, order, kinds.PAYMENT, actor=principal.actor,
            message=f"paid {amount:.2f} on {data.paid_on.isoformat()} ({paid:.2f} of {order.amount:.2f})",
            after={"amount": str(amount), "paidOn": data.paid_on.isoformat(), "paid": str(paid)})
        outbox.order_events.append(event)
        await close_when_settled(session, order, principal, paid, outbox)
        return OrderResult(order)

    outcome = await keyed_change(session, "recordPayment", principal, data.idempotency_key, data.body(), pay)
    if not outcome.replayed:
        await outbox.publish(broker)
    return outcome


async def payments_by_order(session: AsyncSession, order_ids: list[int]) -> dict[int, list[Payment]]:
    """Each order's payments, oldest first: one statement for the batch."""
    found: dict[int, list[Payment]] = {}
    rows = await session.scalars(select(Payment).where(Payment.order_id.in_(order_ids))
                                 .order_by(Payment.order_id, Payment.paid_on, Payment.id))
    for row in rows:
        found.setdefault(row.order_id, []).append(row)
    return found
