"""order lines count the finished units taken from stock at acceptance (R11: stock first)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Orders accepted before this column took nothing from stock: 0 is their truth.
    with op.batch_alter_table("order_lines") as batch:
        batch.add_column(sa.Column("quantity_from_stock", sa.Float(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("order_lines") as batch:
        batch.drop_column("quantity_from_stock")
