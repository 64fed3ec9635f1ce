"""orders carry the customer's own order number (customer_reference), unique per customer where given

Orders a partner created before this revision keep their code as their reference: a partner's code was its
own order number then (the contract said so), so the partner finds them by reference as it will find new
ones, and re-sending an old number is refused as a duplicate instead of making a second order. Orders the
plant entered (planners, imports, the demo) get NULL: their code is the plant's number, not the customer's.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_NULL = sa.text("customer_reference IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table("orders") as batch:
        batch.add_column(sa.Column("customer_reference", sa.String(64), nullable=True))
    # created_by is "<role>:<key name>"; codes were unique across customers, so these stay unique per customer.
    op.execute("UPDATE orders SET customer_reference = code WHERE created_by LIKE 'partner:%'")
    op.create_index("uq_orders_customer_reference", "orders", ["customer_id", "customer_reference"], unique=True,
                    postgresql_where=NOT_NULL, sqlite_where=NOT_NULL)


def downgrade() -> None:
    op.drop_index("uq_orders_customer_reference", table_name="orders")
    with op.batch_alter_table("orders") as batch:
        batch.drop_column("customer_reference")
