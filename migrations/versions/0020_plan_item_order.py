"""plan items made for one order: a day task inserted for an order promised inside the running week names it, so
the floor reports what it made against that order (R7) instead of the sku's earliest promise

Revision ID: 0020
Revises: 0021
Create Date: 2026-12-04 22:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # batch mode: SQLite adds a foreign key only by copying the table (plan items are referenced by nothing)
    with op.batch_alter_table("plan_items") as batch:
        batch.add_column(sa.Column("order_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(op.f("fk_plan_items_order_id_orders"), "orders", ["order_id"], ["id"],
                                 ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("plan_items") as batch:
        batch.drop_constraint(op.f("fk_plan_items_order_id_orders"), type_="foreignkey")
        batch.drop_column("order_id")
