"""Master data of the plant: customers, products, materials, bills of materials, lines and routings."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Column, Float, ForeignKey, Index, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.models.base import Base, code_str, intpk, name_str, str_enum, utcnow
from domain.models.enums import CustomerTier, ProcessMaturity, StockMovementKind

product_substitutes = Table(
    "product_substitutes",
    Base.metadata,
    Column("product_id", ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    Column("substitute_id", ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
)


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[intpk]
    code: Mapped[code_str] = mapped_column(unique=True)
    name: Mapped[name_str]
    tier: Mapped[CustomerTier] = mapped_column(str_enum(CustomerTier))
    # 0 = indifferent to price, 1 = buys on price alone (R9 cost data).
    price_sensitivity: Mapped[float] = mapped_column(Float, default=0.5)
    account_owner: Mapped[str | None] = mapped_column(String(64))  # the salesperson who looks after the account
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(default=None)  # out of new orders, history kept


class Product(Base):
    __tablename__ = "products"
    id: Mapped[intpk]
    sku: Mapped[code_str] = mapped_column(unique=True)
    name: Mapped[name_str]
    family: Mapped[str] = mapped_column(String(64), index=True)
    unit_cost: Mapped[Decimal]
    list_price: Mapped[Decimal]
    maturity: Mapped[ProcessMaturity] = mapped_column(str_enum(ProcessMaturity))
    safety_stock: Mapped[float] = mapped_column(Float, default=0.0)
    fast_mover: Mapped[bool] = mapped_column(default=False)
    on_hand: Mapped[float] = mapped_column(Float, default=0.0)
    work_in_progress: Mapped[float] = mapped_column(Float, default=0.0)
    # Units the product is made and split in (e.g. 50 to a pallet); None: any whole number of units.
    lot_size: Mapped[float | None] = mapped_column(Float, default=None)
    # Energy per unit in kWh (R9 cost data: energy use).
    energy_kwh: Mapped[float] = mapped_column(Float, default=0.0)
    substitutes: Mapped[list[Product]] = relationship(
        secondary=product_substitutes,
        primaryjoin=lambda: Product.id == product_substitutes.c.product_id,
        secondaryjoin=lambda: Product.id == product_substitutes.c.substitute_id,
        lazy="raise",
    )
    retired_at: Mapped[datetime | None] = mapped_column(default=None)  # out of new orders and plans, history kept


class Material(Base):
    __tablename__ = "materials"
    id: Mapped[intpk]
    code: Mapped[code_str] = mapped_column(unique=True)
    name: Mapped[name_str]
    unit: Mapped[str] = mapped_column(String(16), default="pcs")
    on_hand: Mapped[float] = mapped_column(Float, default=0.0)
    lead_time_days: Mapped[int] = mapped_column(default=14)
    key_component: Mapped[bool] = mapped_column(default=True)
    retired_at: Mapped[datetime | None] = mapped_column(default=None)  # no new bills of materials name it


class MaterialReceipt(Base):
    """Inbound material expected on a date (purchase order line)."""

    __tablename__ = "material_receipts"
    id: Mapped[intpk]
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"), index=True)
    quantity: Mapped[float] = mapped_column(Float)
    due_date: Mapped[date]
    received: Mapped[bool] = mapped_column(default=False)
    # Set when the goods came in: the day, and who recorded it (None on an expected receipt the delivery answered).
    received_on: Mapped[date | None]
    received_by: Mapped[str | None] = mapped_column(String(64))


class BomItem(Base):
    __tablename__ = "bom_items"
    __table_args__ = (UniqueConstraint("product_id", "material_id"),)
    id: Mapped[intpk]
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"), index=True)
    material_id: Mapped[int] = mapped_column(ForeignKey("materials.id", ondelete="CASCADE"), index=True)
    quantity_per_unit: Mapped[float] = mapped_column(Float)


class ProductionLine(Base):
    __tablename__ = "production_lines"
    id: Mapped[intpk]
    code: Mapped[code_str] = mapped_column(unique=True)
    name: Mapped[name_str]
    weekly_capacity_hours: Mapped[float] = mapped_column(Float)
    # Working days Monday..Sunday as seven 0/1 characters, e.g. "1111100".
    working_days: Mapped[str] = mapped_column(String(7), default="1111100")
    crew_size: Mapped[int] = mapped_column(default=4)
    max_overtime_hours: Mapped[float] = mapped_column(Float, default=0.0)
    retired_at: Mapped[datetime | None] = mapped_column(default=None)  # out of new plans and promises


class LineCalendarDay(Base):
    """An exception to a line's usual calendar: a holiday (0 h) or an extra shift."""

    __tablename__ = "line_calendar_days"
    __table_args__ = (UniqueConstraint("line_id", "day"),)
    id: Mapped[intpk]
    line_id: Mapped[int] = mapped_column(ForeignKey("production_lines.id", ondelete="CASCADE"))
    day: Mapped[date]
    hours: Mapped[float] = mapped_column(Float)
    reason: Mapped[str | None] = mapped_column(String(200))


class Routing(Base):
    """Which line can make which product, and how fast."""

    __tablename__ = "routings"
    __table_args__ = (UniqueConstraint("line_id", "product_id"), Index("ix_routings_product", "product_id"))
    id: Mapped[intpk]
    line_id: Mapped[int] = mapped_column(ForeignKey("production_lines.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    units_per_hour: Mapped[float] = mapped_column(Float)


class StockMovement(Base):
    """Every change of finished-goods stock, so stock at any past date can be derived."""

    __tablename__ = "stock_movements"
    __table_args__ = (
        # quantity rides along: the KPI stock value sums each product's movements after an instant
        # from this index alone, already in product order (no sort for its GROUP BY)
        Index("ix_stock_movements_product_at_quantity", "product_id", "at", "quantity"),
        Index("ix_stock_movements_at_product", "at", "product_id", "quantity"),
    )
    id: Mapped[intpk]
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id", ondelete="CASCADE"))
    kind: Mapped[StockMovementKind] = mapped_column(str_enum(StockMovementKind))
    quantity: Mapped[float] = mapped_column(Float)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(String(200))
