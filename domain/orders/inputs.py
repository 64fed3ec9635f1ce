"""What a caller sends to create, update or cancel an order, validated with field paths."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain import bounds
from domain.errors import InvalidInput

MAX_LINES = 200


@dataclass(frozen=True)
class LineInput:
    sku: str
    quantity: float
    unit_price: Decimal | None = None  # list price when omitted


@dataclass(frozen=True)
class OrderInput:
    customer_code: str
    requested_date: date
    lines: tuple[LineInput, ...]
    code: str | None = None
    idempotency_key: str | None = None
    customer_reference: str | None = None  # the customer's own order number, unique per customer

    def body(self) -> dict[str, Any]:
        """The request without its idempotency key: what a replay must repeat exactly."""
        body = {"code": self.code, "customer": self.customer_code, "requested": self.requested_date.isoformat(),
                "lines": lines_body(self.lines)}
        # Only when given: keys stored before references existed hash the same bodies as before.
        return body if self.customer_reference is None else {**body, "reference": self.customer_reference}


@dataclass(frozen=True)
class UpdateInput:
    code: str
    expected_version: int
    requested_date: date | None = None
    lines: tuple[LineInput, ...] | None = None
    idempotency_key: str | None = None

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "version": self.expected_version,
                "requested": self.requested_date.isoformat() if self.requested_date else None,
                "lines": lines_body(self.lines) if self.lines is not None else None}


@dataclass(frozen=True)
class CancelInput:
    code: str
    expected_version: int
    reason: str | None = None
    idempotency_key: str | None = None

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "version": self.expected_version, "reason": self.reason}


@dataclass(frozen=True)
class ShipmentLine:
    sku: str
    quantity: float


@dataclass(frozen=True)
class ShipInput:
    """A shipment of an order: the lines and quantities that left, or (lines None) all that is made and waiting."""

    code: str
    expected_version: int
    lines: tuple[ShipmentLine, ...] | None = None
    at: datetime | None = None
    idempotency_key: str | None = None

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "version": self.expected_version, "at": self.at.isoformat() if self.at else None,
                "lines": None if self.lines is None else [[line.sku, line.quantity] for line in self.lines]}


def lines_body(lines: tuple[LineInput, ...]) -> list[list[Any]]:
    return [[line.sku, line.quantity, None if line.unit_price is None else str(line.unit_price)] for line in lines]


def validate_lines(lines: tuple[LineInput, ...]) -> None:
    """Raise InvalidInput naming the first bad line, e.g. ["lines", "2", "quantity"]."""
    if not lines:
        raise InvalidInput("an order needs at least one line", ["lines"])
    if len(lines) > MAX_LINES:
        raise InvalidInput(f"an order has at most {MAX_LINES} lines, got {len(lines)}", ["lines"])
    seen: set[str] = set()
    for index, line in enumerate(lines):
        where = ["lines", str(index)]
        if not line.sku.strip():
            raise InvalidInput("sku must not be empty", [*where, "sku"])
        if len(line.sku) > bounds.MAX_CODE:
            raise InvalidInput(f"sku has at most {bounds.MAX_CODE} characters, got {len(line.sku)}",
                               [*where, "sku"])
        if line.sku in seen:
            raise InvalidInput(f"sku {line.sku!r} appears on two lines; put the whole quantity on one", [*where, "sku"])
        seen.add(line.sku)
        bounds.quantity(line.quantity, [*where, "quantity"], positive=True)
        if line.unit_price is not None and (
            not line.unit_price.is_finite() or not 0 <= line.unit_price <= bounds.MAX_UNIT_PRICE
        ):
            raise InvalidInput(f"unitPrice must be between 0 and {bounds.MAX_UNIT_PRICE:,.0f}, got {line.unit_price}",
                               [*where, "unitPrice"])
        if line.unit_price is not None and line.unit_price != line.unit_price.quantize(bounds.CENT):
            # Money is kept in cents: 0.004 was stored as 0.00 on PostgreSQL and kept on SQLite.
            raise InvalidInput(f"unitPrice has at most 2 decimals, got {line.unit_price}", [*where, "unitPrice"])


def validate_requested_date(requested: date, today: date) -> None:
    if requested < today:
        raise InvalidInput(f"requestedDate {requested.isoformat()} lies in the past (today is {today.isoformat()})",
                           ["requestedDate"])
    if requested.year > today.year + bounds.MAX_YEARS_AHEAD:
        raise InvalidInput(f"requestedDate {requested.isoformat()} lies more than {bounds.MAX_YEARS_AHEAD} years "
                           "ahead: the plant does not take orders that far out", ["requestedDate"])


def validate_amount(amount: Decimal, cost: Decimal = Decimal(0)) -> None:
    """The order's total and its cost must fit the books (NUMERIC(14, 2)), so its margin does too; list prices
    count where no price was given."""
    if max(amount, cost) > bounds.MAX_AMOUNT:
        raise InvalidInput(f"the order comes to {amount:,.2f} at a cost of {cost:,.2f}, more than the "
                           f"{bounds.MAX_AMOUNT:,.2f} an order "
                           "may come to: split it into several orders", ["lines"])
