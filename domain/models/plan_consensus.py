"""Plan consensus (R5): who approved a draft plan for which side, and the moves of orders a plan makes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from domain.models.base import Base, intpk, utcnow


class PlanApproval(Base):
    """One side's approval of a draft plan: `production` (planner or production) or `sales`, by a person."""

    __tablename__ = "plan_approvals"
    __table_args__ = (UniqueConstraint("plan_id", "side"),)
    id: Mapped[intpk]
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    side: Mapped[str] = mapped_column(String(16))
    role: Mapped[str] = mapped_column(String(16))
    person: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str | None] = mapped_column(Text)


class PlanMove(Base):
    """An order whose expected date a plan moves, against the plan in force when the plan was made.

    Recorded when the plan is solved (a preview for a draft) and again when it goes into force (what happened).
    `broken`: the new date is past the order's promise, or not within the horizon at all (to_date null).
    """

    __tablename__ = "plan_moves"
    __table_args__ = (Index("ix_plan_moves_plan", "plan_id"),)
    id: Mapped[intpk]
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    from_date: Mapped[date | None]
    to_date: Mapped[date | None]
    broken: Mapped[bool] = mapped_column(default=False)
    reason: Mapped[str] = mapped_column(Text)
