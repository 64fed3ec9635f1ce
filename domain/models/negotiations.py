"""Negotiated rush moves (R15): a displaced order's proposal, the promise it keeps meanwhile, and the answer."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, ForeignKey, Index, String, and_, or_
from sqlalchemy.orm import Mapped, mapped_column

from domain.models.base import Base, intpk, str_enum, utcnow
from domain.models.enums import OrderStatus
from domain.models.orders import Order


class NegotiationStatus(enum.StrEnum):
    OPEN = "OPEN"  # the displaced order's customer has not answered yet
    ACCEPTED = "ACCEPTED"  # the customer accepted (the move is made once every customer asked has accepted)
    DECLINED = "DECLINED"
    EXPIRED = "EXPIRED"  # no answer within the policy's expiry hours: a decline
    WITHDRAWN = "WITHDRAWN"  # the plant withdrew it: another customer declined, or the rush order no longer needs it


class RushNegotiation(Base):
    """One displaced order asked to give way to one rush order: it keeps its promise until the move is made."""

    __tablename__ = "rush_negotiations"
    __table_args__ = (
        Index("ix_rush_negotiations_status_expires", "status", "expires_at"),
        Index("ix_rush_negotiations_order", "order_id"),
        Index("ix_rush_negotiations_rush_order", "rush_order_id"),
    )
    id: Mapped[intpk]
    rush_order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))  # the displaced order
    status: Mapped[NegotiationStatus] = mapped_column(str_enum(NegotiationStatus))
    original_status: Mapped[OrderStatus] = mapped_column(str_enum(OrderStatus))  # restored on a decline
    original_date: Mapped[date | None]  # the promise the displaced order keeps until the move is made
    proposed_date: Mapped[date]
    # [{order_line_id, quantity, date}]: the new date or the split the customer is asked to accept
    proposed_deliveries: Mapped[list[dict[str, Any]]]
    tentative_date: Mapped[date]  # the rush order's promise once every customer asked has accepted
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    answered_by: Mapped[str | None] = mapped_column(String(128))
    closed_at: Mapped[datetime | None]


def keeps_promise(statuses: Iterable[OrderStatus]) -> ColumnElement[bool]:
    """Orders in these statuses, and PROPOSED ones that still hold their promise: a negotiated rush move asks
    their customer, and their hours, stock and plan stay theirs until the answer (a new order's proposal has none)."""
    return or_(Order.status.in_(list(statuses)),
               and_(Order.status == OrderStatus.PROPOSED, Order.promised_date.is_not(None)))
