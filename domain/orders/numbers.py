"""Order numbers: the plant's code (one namespace for every customer) and the customer's own reference (one per
customer), and the answer when either is taken.

A partner never chooses the plant's code. Its own number is a customer reference, unique among its customer's
orders only; the plant's code of its order is always generated. So whether another customer's order carries a
number is never part of a partner's answer: PO-1 of customer A and PO-1 of customer B are two references, and a
partner's number can no longer collide with a code it cannot see. Before references existed a partner's `code`
was "the partner's own order number": a partner that still sends `code` has it kept as the reference.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from domain.access import Principal
from domain.bounds import code as checked_code
from domain.bounds import shown
from domain.errors import InvalidInput
from domain.models import Order, Role
from domain.orders.inputs import OrderInput


@dataclass(frozen=True)
class OrderNumbers:
    code: str
    reference: str | None
    reference_field: Sequence[str]  # where the caller put the reference, for the error that names it


def generated_code() -> str:
    return f"SO-{uuid.uuid4().hex[:12].upper()}"


def order_numbers(principal: Principal, data: OrderInput) -> OrderNumbers:
    """The plant code and the customer reference a new order is saved under (shapes checked, not uniqueness)."""
    reference = None if data.customer_reference is None else checked_code(data.customer_reference,
                                                                           ["customerReference"])
    if principal.role is not Role.PARTNER:
        # The plant's own staff may number orders themselves: a taken code is theirs to see.
        code = generated_code() if data.code is None else checked_code(data.code, ["code"])
        return OrderNumbers(code, reference, ["customerReference"])
    if data.code is None:
        return OrderNumbers(generated_code(), reference, ["customerReference"])
    partner_number = checked_code(data.code, ["code"])
    if reference is not None and reference != partner_number:
        raise InvalidInput("a partner's code is its own order number and is kept as customerReference: send "
                           "customerReference only (code and customerReference differ here)", ["code"])
    return OrderNumbers(generated_code(), partner_number, ["customerReference" if reference else "code"])


async def number_taken(session: AsyncSession, error: IntegrityError, customer_id: int, customer_code: str,
                       numbers: OrderNumbers) -> InvalidInput:
    """The error for an insert that hit a unique order number; rolls the failed transaction back to name the
    order holding the reference (an order of the same customer, so the caller may see it).

    The customer comes as plain values: the failed flush left the session's objects unreadable."""
    # Both databases name the column or index in the message (PostgreSQL: uq_orders_customer_reference, SQLite:
    # orders.customer_reference); any other unique index an order insert can hit is the code's.
    if numbers.reference is None or "customer_reference" not in str(error.orig):
        return InvalidInput(f"an order with code {numbers.code!r} already exists", ["code"])
    await session.rollback()
    holder = await session.scalar(select(Order.code).where(Order.customer_id == customer_id,
                                                           Order.customer_reference == numbers.reference))
    return InvalidInput(
        f"customerReference {shown(numbers.reference)} is already used by order {holder} of customer "
        f"{shown(customer_code)}: a retry with the same idempotencyKey gets that order back; a new order needs a "
        "new reference", numbers.reference_field)
