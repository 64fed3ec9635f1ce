"""Orders, their lines, promised deliveries, reviews, payments and the append-only order history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Float, ForeignKey, Index, String, Text, literal_column, text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.models.base import Base, code_str, intpk, str_enum, utcnow
from domain.models.enums import DeliveryStatus, OrderStatus, ReviewDecision, RushCause, SignOffStatus
from domain.models.plant import Customer, Product


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_customer_received", "customer_id", "received_at", "id"),
        Index("ix_orders_status_id", "status", "id"),
        # status rides along so the KPIs' "requested that week, not cancelled" reads the index alone
        Index("ix_orders_requested_status", "requested_date", "status"),
        Index("ix_orders_promised_date", "promised_date"),
        # The late-order sweep after every progress report asks for open orders promised before today: by
        # promised date alone it walked every past order (20k on the medium demo plant, more each simulated day).
        Index("ix_orders_status_promised", "status", "promised_date"),
        Index("ix_orders_received_at", "received_at"),
        # amount rides along: revenue, its growth and the collection rate sum it from the index alone
        Index("ix_orders_shipped_amount", "shipped_at", "amount"),
        Index("ix_orders_completed_at", "completed_at"),  # complaint rate, inventory turnover
        # The customer's own order number is unique per customer only: two ERPs may both send PO-1.
        Index("uq_orders_customer_reference", "customer_id", "customer_reference", unique=True,
              postgresql_where=text("customer_reference IS NOT NULL"),
              sqlite_where=text("customer_reference IS NOT NULL")),
    )
    id: Mapped[intpk]
    code: Mapped[code_str] = mapped_column(unique=True)  # the plant's order number, one namespace for all
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    customer_reference: Mapped[str | None] = mapped_column(String(64))  # the customer's own order number
    status: Mapped[OrderStatus] = mapped_column(str_enum(OrderStatus))
    # Optimistic concurrency: every change bumps it; writers state the version they read.
    version: Mapped[int] = mapped_column(default=1)
    requested_date: Mapped[date]
    promised_date: Mapped[date | None]
    amount: Mapped[Decimal]
    gross_margin: Mapped[Decimal]
    rush: Mapped[bool] = mapped_column(default=False)
    rush_tier: Mapped[str | None] = mapped_column(String(32))
    rush_cause: Mapped[RushCause | None] = mapped_column(str_enum(RushCause))
    priority_tier: Mapped[str] = mapped_column(String(32), default="")
    priority_score: Mapped[float] = mapped_column(Float, default=0.0)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    scheduled_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    shipped_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    # The customer's receipt (confirmDelivery): the day it arrived and, if any, the carrier's proof of delivery.
    delivered_on: Mapped[date | None]
    proof_reference: Mapped[str | None] = mapped_column(String(200))
    closed_at: Mapped[datetime | None]  # delivered and fully paid
    created_by: Mapped[str | None] = mapped_column(String(64))
    customer: Mapped[Customer] = relationship(lazy="raise")
    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", lazy="raise", order_by="OrderLine.line_no", cascade="all, delete-orphan"
    )


# A line that holds finished units for its order: quantity_ready is not 0. The partial index below and the queries
# that sum quantity_ready say it alike (the planner uses a partial index only for a query that repeats its condition,
# with the 0 written out, not a parameter); on PostgreSQL, statistics on quantity_ready (migration 0023) tell the
# planner how few lines that is (without them it guesses 99.5 % and may read every line of the product instead).
HOLDING = "quantity_made + quantity_from_stock - quantity_shipped <> 0"


class OrderLine(Base):
    __tablename__ = "order_lines"
    __table_args__ = (
        # product and quantity ride along: ordered quantity per sku-week (forecast accuracy) reads the index alone
        Index("ix_order_lines_order_product", "order_id", "line_no", "product_id", "quantity"),
        Index("ix_order_lines_product", "product_id"),
        # The lines that hold finished units (made or taken from stock, not all shipped): a few per product against
        # every line ever ordered. What open orders hold of a product (finished_goods.held_for_orders, read twice per
        # createOrder) summed 60-80 lines per product of the medium plant, a quarter of PostgreSQL's CPU per create.
        Index("ix_order_lines_product_holding", "product_id",
              postgresql_where=text(HOLDING), sqlite_where=text(HOLDING)),
    )
    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    line_no: Mapped[int]
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    quantity: Mapped[float] = mapped_column(Float)
    unit_price: Mapped[Decimal]
    unit_cost: Mapped[Decimal]
    quantity_made: Mapped[float] = mapped_column(Float, default=0.0)
    # Shipped so far, never more than made: a split ships its first part while the rest is being made.
    quantity_shipped: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    # Finished units taken from free stock when the order was accepted (R11): never made for it, yet
    # held for it until shipped, so no other order counts them.
    quantity_from_stock: Mapped[float] = mapped_column(Float, default=0.0, server_default="0")
    # Special requirements from the customer (R8), e.g. packaging, visible to production.
    requirements: Mapped[str | None] = mapped_column(Text)
    order: Mapped[Order] = relationship(back_populates="lines", lazy="raise")
    product: Mapped[Product] = relationship(lazy="raise")

    # Python and SQL alike: the queries that ask what production owes or what waits to ship use these.
    @hybrid_property
    def quantity_to_make(self) -> float:
        """Units production still owes the line: neither made for it nor taken from stock."""
        return self.quantity - self.quantity_made - self.quantity_from_stock

    @hybrid_property
    def quantity_ready(self) -> float:
        """Finished units held for the line (made for it or taken from stock) and not shipped yet."""
        return self.quantity_made + self.quantity_from_stock - self.quantity_shipped

    @hybrid_property
    def holds_units(self) -> bool:
        """quantity_ready is not 0: the condition of ix_order_lines_product_holding (HOLDING), in the same words."""
        return self.quantity_ready != 0

    @holds_units.inplace.expression
    @classmethod
    def _holds_units_expression(cls) -> ColumnElement[bool]:
        return cls.quantity_made + cls.quantity_from_stock - cls.quantity_shipped != literal_column("0")


class Delivery(Base):
    """A promised (or proposed) quantity of one order line on one date; a split has several."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_order", "order_id"), Index("ix_deliveries_date", "date"))
    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    order_line_id: Mapped[int] = mapped_column(ForeignKey("order_lines.id", ondelete="CASCADE"))
    quantity: Mapped[float] = mapped_column(Float)
    date: Mapped[date]
    status: Mapped[DeliveryStatus] = mapped_column(str_enum(DeliveryStatus))


class OrderReview(Base):
    """One review of an order: the decision, each criterion's verdict and the rules that fired."""

    __tablename__ = "order_reviews"
    __table_args__ = (Index("ix_order_reviews_order", "order_id", "id"),)
    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    decision: Mapped[ReviewDecision] = mapped_column(str_enum(ReviewDecision))
    criteria: Mapped[list[dict[str, Any]]]
    fired_rules: Mapped[list[dict[str, Any]]]
    # The facts the rules saw, kept so a candidate rule set can be backtested on real history.
    facts: Mapped[dict[str, Any]]
    rules_version: Mapped[str] = mapped_column(String(64))
    proposed_date: Mapped[date | None]
    proposed_deliveries: Mapped[list[dict[str, Any]]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OrderEvent(Base):
    """Append-only history of every order change: who, what, when, before -> after."""

    __tablename__ = "order_events"
    __table_args__ = (Index("ix_order_events_order", "order_id", "id"), Index("ix_order_events_at", "at"))
    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    order_code: Mapped[code_str]
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    kind: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str | None] = mapped_column(String(64))
    message: Mapped[str | None] = mapped_column(Text)
    from_status: Mapped[OrderStatus | None] = mapped_column(str_enum(OrderStatus))
    to_status: Mapped[OrderStatus | None] = mapped_column(str_enum(OrderStatus))
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]


class Payment(Base):
    """Money collected against an order (collection rate, R12): paid on a day, recorded by someone."""

    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_paid_on", "paid_on"),)
    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    amount: Mapped[Decimal]
    paid_on: Mapped[date]  # the day the money arrived, as the payer's books say (the collection rate counts it)
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)  # when it was recorded here
    recorded_by: Mapped[str | None] = mapped_column(String(64))


class OrderSignOff(Base):
    """One person's sign-off a review asked for (R3): the role, why, until when the order's hold lasts, and who
    answered, when and why."""

    __tablename__ = "order_sign_offs"
    __table_args__ = (Index("ix_order_sign_offs_order", "order_id", "id"),
                      Index("ix_order_sign_offs_status_hold", "status", "hold_until"))
    id: Mapped[intpk]
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))
    status: Mapped[SignOffStatus] = mapped_column(str_enum(SignOffStatus))
    rule: Mapped[str] = mapped_column(String(64))  # the review rule that asked for it
    request_reason: Mapped[str] = mapped_column(Text)  # why the rule asked
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    hold_until: Mapped[datetime]
    by: Mapped[str | None] = mapped_column(String(200))  # the person who answered (their actor: role:name)
    at: Mapped[datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)  # the answer's reason
