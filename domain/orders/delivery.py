"""confirmDelivery: the customer received a shipped order (SHIPPED -> DELIVERED); paid in full already: CLOSED."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain import bounds, clock
from domain.access import Principal
from domain.errors import InvalidInput
from domain.events import kinds
from domain.events.order_history import record_order_event
from domain.events.outbox import EventBroker, Outbox
from domain.models import OrderStatus
from domain.orders.keyed import keyed_change
from domain.orders.lookup import claim_version, order_to_change
from domain.orders.payments import close_when_settled, paid_so_far
from domain.orders.results import OrderResult


@dataclass(frozen=True)
class DeliveryInput:
    """The customer's receipt of an order: the day it arrived and, if any, the carrier's proof of delivery."""

    code: str
    expected_version: int
    delivered_on: date
    proof_reference: str | None = None
    idempotency_key: str | None = None

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "version": self.expected_version, "deliveredOn": self.delivered_on.isoformat(),
                "proof": self.proof_reference}


async def confirm_delivery(session: AsyncSession, principal: Principal, data: DeliveryInput,
                           broker: EventBroker | None = None) -> OrderResult:
    """Record the delivery on a SHIPPED order, close it when its payments already cover it, commit, publish."""
    proof = bounds.text(data.proof_reference, ["proofReference"], most=bounds.MAX_SHORT_TEXT)
    if data.delivered_on > clock.today():
        raise InvalidInput(f"deliveredOn {data.delivered_on.isoformat()} is in the future: confirm a delivery once "
                           f"it has arrived", ["deliveredOn"])
    outbox = Outbox()

    async def deliver() -> OrderResult:
        outbox.order_events.clear()
        order = await order_to_change(session, principal, data.code, allowed=(OrderStatus.SHIPPED,))
        await claim_version(session, order, data.expected_version)
        shipped_on = order.shipped_at.date() if order.shipped_at is not None else None
        if shipped_on is not None and data.delivered_on < shipped_on:
            raise InvalidInput(f"deliveredOn {data.delivered_on.isoformat()} is before order {order.code} was "
                               f"shipped ({shipped_on.isoformat()})", ["deliveredOn"])
        order.delivered_on = data.delivered_on
        order.proof_reference = proof
        text = f"delivered on {data.delivered_on.isoformat()}" + (f", proof {proof}" if proof else "")
        outbox.order_events.append(record_order_event(
            session, order, kinds.DELIVERED, actor=principal.actor, message=text, to_status=OrderStatus.DELIVERED,
            after={"deliveredOn": data.delivered_on.isoformat(), "proofReference": proof}))
        await close_when_settled(session, order, principal, await paid_so_far(session, order.id), outbox)
        return OrderResult(order)

    outcome = await keyed_change(session, "confirmDelivery", principal, data.idempotency_key, data.body(), deliver)
    if not outcome.replayed:
        await outbox.publish(broker)
    return outcome
