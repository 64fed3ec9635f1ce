"""an index on orders (status, promised_date) for the late-order sweep that follows every progress report

Revision ID: 0024
Revises: 0016
Create Date: 2026-12-04 22:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0024"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_orders_status_promised", "orders", ["status", "promised_date"])


def downgrade() -> None:
    op.drop_index("ix_orders_status_promised", table_name="orders")
