"""material receipts record when the goods came in and who recorded it (recordMaterialReceipt, R9/R10);
production orders count the units made of them, so a released stock order is DONE once made (R10/R11)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("material_receipts", sa.Column("received_on", sa.Date(), nullable=True))
    op.add_column("material_receipts", sa.Column("received_by", sa.String(64), nullable=True))
    # Released orders before this column had no progress counted against them: 0 is their truth.
    op.add_column("production_orders", sa.Column("quantity_made", sa.Float(), server_default="0", nullable=False))


def downgrade() -> None:
    # plain DROP COLUMN (SQLite 3.35+), as 0010: no table copy of a referenced table
    op.drop_column("production_orders", "quantity_made")
    op.drop_column("material_receipts", "received_by")
    op.drop_column("material_receipts", "received_on")
