"""What happens on the shop floor and at the customer: progress, incidents, feedback and alerts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from domain.models.base import Base, intpk, str_enum, utcnow
from domain.models.enums import FeedbackCause, FeedbackKind, IncidentKind


class ProgressEvent(Base):
    """Quantity made (and scrapped) on a line, as reported by the MES (R7)."""

    __tablename__ = "progress_events"
    __table_args__ = (
        Index("ix_progress_events_at_quantities", "at", "quantity", "scrap"),  # output and yield read the index alone
        Index("ix_progress_events_product", "product_id", "at"),
    )
    id: Mapped[intpk]
    line_id: Mapped[int] = mapped_column(ForeignKey("production_lines.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    quantity: Mapped[float] = mapped_column(Float)
    scrap: Mapped[float] = mapped_column(Float, default=0.0)
    scrap_reason: Mapped[str | None] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    reported_by: Mapped[str | None] = mapped_column(String(64))


class Incident(Base):
    """An equipment failure (hours lost on a line) or a material shortage (quantity lost)."""

    __tablename__ = "incidents"
    id: Mapped[intpk]
    kind: Mapped[IncidentKind] = mapped_column(str_enum(IncidentKind))
    line_id: Mapped[int | None] = mapped_column(ForeignKey("production_lines.id"))
    material_id: Mapped[int | None] = mapped_column(ForeignKey("materials.id"))
    hours: Mapped[float | None] = mapped_column(Float)
    quantity: Mapped[float | None] = mapped_column(Float)
    starts_at: Mapped[datetime] = mapped_column(default=utcnow)
    message: Mapped[str | None] = mapped_column(Text)
    reported_by: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]


class Feedback(Base):
    """A complaint, return or special requirement from a customer, passed to production (R8)."""

    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_order", "order_id"), Index("ix_feedback_created", "created_at"))
    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    kind: Mapped[FeedbackKind] = mapped_column(str_enum(FeedbackKind))
    cause: Mapped[FeedbackCause | None] = mapped_column(str_enum(FeedbackCause))
    message: Mapped[str] = mapped_column(Text)
    quantity: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(24), default="OPEN")  # a FeedbackStatus
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(64))
    acknowledged_at: Mapped[datetime | None]
    assignee: Mapped[str | None] = mapped_column(String(128))
    root_cause: Mapped[str | None] = mapped_column(Text)
    corrective_action: Mapped[str | None] = mapped_column(Text)
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]


class Alert(Base):
    """Something sales or production must look at: stock below safety, incidents, late orders."""

    __tablename__ = "alerts"
    __table_args__ = (Index("ix_alerts_open_id", "open", "id"), Index("ix_alerts_dedup", "dedup_key", "open"))
    id: Mapped[intpk]
    kind: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    open: Mapped[bool] = mapped_column(default=True)
    closed_at: Mapped[datetime | None]
    # Repeated conditions update one open alert instead of flooding the list.
    dedup_key: Mapped[str | None] = mapped_column(String(128))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    line_id: Mapped[int | None] = mapped_column(ForeignKey("production_lines.id"))
    material_id: Mapped[int | None] = mapped_column(ForeignKey("materials.id"))
