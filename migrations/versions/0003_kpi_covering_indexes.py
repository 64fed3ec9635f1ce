"""covering indexes for the KPI report: stock movements carry their quantity, shipped orders their amount

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 02:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A wider version of ix_stock_movements_product_at: it serves every query the old one did.
    op.create_index("ix_stock_movements_product_at_quantity", "stock_movements", ["product_id", "at", "quantity"])
    op.drop_index("ix_stock_movements_product_at", table_name="stock_movements")
    op.create_index("ix_orders_shipped_amount", "orders", ["shipped_at", "amount"])
    op.drop_index("ix_orders_shipped_at", table_name="orders")


def downgrade() -> None:
    op.create_index("ix_orders_shipped_at", "orders", ["shipped_at"])
    op.drop_index("ix_orders_shipped_amount", table_name="orders")
    op.create_index("ix_stock_movements_product_at", "stock_movements", ["product_id", "at"])
    op.drop_index("ix_stock_movements_product_at_quantity", table_name="stock_movements")
