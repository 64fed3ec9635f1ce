"""indexes for the KPI report (issue 7): range scans on shipped/completed, covering indexes for the big sums

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 01:35:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_orders_shipped_at", "orders", ["shipped_at"])
    op.create_index("ix_orders_completed_at", "orders", ["completed_at"])
    # Wider versions of existing indexes: the new one serves every query the old one did.
    op.create_index("ix_orders_requested_status", "orders", ["requested_date", "status"])
    op.drop_index("ix_orders_requested_date", table_name="orders")
    op.create_index("ix_order_lines_order_product", "order_lines", ["order_id", "line_no", "product_id", "quantity"])
    op.drop_index("ix_order_lines_order", table_name="order_lines")
    op.create_index("ix_progress_events_at_quantities", "progress_events", ["at", "quantity", "scrap"])
    op.drop_index("ix_progress_events_at", table_name="progress_events")
    op.create_index("ix_stock_movements_at_product", "stock_movements", ["at", "product_id", "quantity"])
    op.drop_index("ix_stock_movements_at", table_name="stock_movements")


def downgrade() -> None:
    op.create_index("ix_stock_movements_at", "stock_movements", ["at"])
    op.drop_index("ix_stock_movements_at_product", table_name="stock_movements")
    op.create_index("ix_progress_events_at", "progress_events", ["at"])
    op.drop_index("ix_progress_events_at_quantities", table_name="progress_events")
    op.create_index("ix_order_lines_order", "order_lines", ["order_id", "line_no"])
    op.drop_index("ix_order_lines_order_product", table_name="order_lines")
    op.create_index("ix_orders_requested_date", "orders", ["requested_date"])
    op.drop_index("ix_orders_requested_status", table_name="orders")
    op.drop_index("ix_orders_completed_at", table_name="orders")
    op.drop_index("ix_orders_shipped_at", table_name="orders")
