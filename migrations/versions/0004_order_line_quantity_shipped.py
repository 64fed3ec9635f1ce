"""order lines count what has been shipped, so an order can ship in parts (a split) and in full

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("order_lines") as batch:
        batch.add_column(sa.Column("quantity_shipped", sa.Float(), server_default="0", nullable=False))
    # Orders shipped before this column existed shipped everything they made.
    op.execute("UPDATE order_lines SET quantity_shipped = quantity_made "
               "WHERE order_id IN (SELECT id FROM orders WHERE status = 'SHIPPED')")


def downgrade() -> None:
    with op.batch_alter_table("order_lines") as batch:
        batch.drop_column("quantity_shipped")
