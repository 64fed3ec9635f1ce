"""negotiated rush moves (R15): a displaced order's proposal, the promise it keeps meanwhile, and the answer

Revision ID: 0017
Revises: 0011
Create Date: 2026-12-04 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = sa.Enum("OPEN", "ACCEPTED", "DECLINED", "EXPIRED", "WITHDRAWN", name="negotiationstatus",
                   native_enum=False, length=24)
ORDER_STATUSES = sa.Enum("RECEIVED", "ACCEPTED", "PROPOSED", "REJECTED", "SCHEDULED", "IN_PRODUCTION", "IN_STOCK",
                         "SHIPPED", "DELIVERED", "CLOSED", "CANCELLED", name="orderstatus", native_enum=False,
                         length=24)


def upgrade() -> None:
    op.create_table(
        "rush_negotiations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rush_order_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("status", STATUSES, nullable=False),
        sa.Column("original_status", ORDER_STATUSES, nullable=False),
        sa.Column("original_date", sa.Date(), nullable=True),
        sa.Column("proposed_date", sa.Date(), nullable=False),
        sa.Column("proposed_deliveries", sa.JSON(), nullable=False),
        sa.Column("tentative_date", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.String(128), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["rush_order_id"], ["orders.id"], name=op.f("fk_rush_negotiations_rush_order_id_orders"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_rush_negotiations_order_id_orders"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rush_negotiations")),
    )
    op.create_index("ix_rush_negotiations_status_expires", "rush_negotiations", ["status", "expires_at"])
    op.create_index("ix_rush_negotiations_order", "rush_negotiations", ["order_id"])
    op.create_index("ix_rush_negotiations_rush_order", "rush_negotiations", ["rush_order_id"])


def downgrade() -> None:
    op.drop_table("rush_negotiations")
