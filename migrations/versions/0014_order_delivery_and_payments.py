"""the order cycle to its end: orders record their delivery (day, proof) and closing; payments their day and recorder

OrderStatus gains DELIVERED and CLOSED. Statuses are stored as plain strings without a CHECK constraint
(domain/models/base.py str_enum), so the new words need no change of the column. Payments recorded before this
revision (the demo's) get the UTC day they were recorded as the day paid.

Downgrade is lossy by necessity: the old code knows no DELIVERED or CLOSED, so those orders go back to SHIPPED
and the history steps DELIVERED, PAYMENT and CLOSED become plain STATUS steps (statuses DELIVERED and CLOSED
read SHIPPED).

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-04 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:  # adding nullable columns: ALTER TABLE ADD, no copy on SQLite
        batch.add_column(sa.Column("delivered_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("proof_reference", sa.String(200), nullable=True))
        batch.add_column(sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("payments") as batch:
        batch.add_column(sa.Column("paid_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("recorded_by", sa.String(64), nullable=True))
    sqlite = op.get_bind().dialect.name == "sqlite"
    day = "date(received_at)" if sqlite else "CAST(received_at AT TIME ZONE 'UTC' AS DATE)"
    op.execute(f"UPDATE payments SET paid_on = {day}")
    # payments is referenced by no table, so SQLite's copy-and-swap for NOT NULL is safe here
    with op.batch_alter_table("payments") as batch:
        batch.alter_column("paid_on", existing_type=sa.Date(), nullable=False)
        batch.create_index("ix_payments_paid_on", ["paid_on"], unique=False)


def downgrade() -> None:
    op.execute("UPDATE orders SET status = 'SHIPPED' WHERE status IN ('DELIVERED', 'CLOSED')")
    op.execute("UPDATE order_events SET kind = 'STATUS' WHERE kind IN ('DELIVERED', 'PAYMENT', 'CLOSED')")
    op.execute("UPDATE order_events SET from_status = 'SHIPPED' WHERE from_status IN ('DELIVERED', 'CLOSED')")
    op.execute("UPDATE order_events SET to_status = 'SHIPPED' WHERE to_status IN ('DELIVERED', 'CLOSED')")
    with op.batch_alter_table("payments") as batch:
        batch.drop_index("ix_payments_paid_on")
        batch.drop_column("recorded_by")
        batch.drop_column("paid_on")
    # plain DROP COLUMN (SQLite 3.35+): batch mode would copy and drop `orders`, which other tables reference
    op.drop_column("orders", "closed_at")
    op.drop_column("orders", "proof_reference")
    op.drop_column("orders", "delivered_on")
