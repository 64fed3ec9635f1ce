"""What a customer must hear of (R7): notices, the partners' webhook endpoints, and each delivery's attempts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.models.base import Base, intpk, utcnow


class Notice(Base):
    """One thing a customer must be told about one order (AT_RISK, LATE, MOVED, PROPOSED), with the reason.

    Written in the transaction of the change it tells of (the transactional outbox): a notice exists exactly when
    its change committed. fanned_out: delivery rows were made for the partner endpoints that were registered."""

    __tablename__ = "notices"
    __table_args__ = (Index("ix_notices_order", "order_id"), Index("ix_notices_customer", "customer_id", "id"),
                      Index("ix_notices_fan_out", "fanned_out", "id"))
    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    order_code: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    fanned_out: Mapped[bool] = mapped_column(Boolean, default=False)
    delivered_at: Mapped[datetime | None]  # the first webhook that took it (2xx)
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(128))


class WebhookEndpoint(Base):
    """A partner's URL for notices about its customers' orders, and the secret its bodies are signed with."""

    __tablename__ = "webhook_endpoints"
    id: Mapped[intpk]
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2000))
    secret: Mapped[str] = mapped_column(String(128))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NoticeDelivery(Base):
    """One notice to one endpoint: PENDING until a 2xx (DELIVERED), retried with backoff, DEAD after the last try."""

    __tablename__ = "notice_deliveries"
    __table_args__ = (UniqueConstraint("notice_id", "endpoint_id"), Index("ix_notice_deliveries_due", "status",
                                                                           "next_attempt_at"))
    id: Mapped[intpk]
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id", ondelete="CASCADE"))
    endpoint_id: Mapped[int] = mapped_column(ForeignKey("webhook_endpoints.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16), default="PENDING")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_at: Mapped[datetime | None]
