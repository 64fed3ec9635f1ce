"""order sign-offs: the people a review routes an order to (R3), and the hold each review round keeps

Revision ID: 0015
Revises: 0017
Create Date: 2026-12-04 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "order_sign_offs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("status", sa.Enum("PENDING", "APPROVED", "REJECTED", "OVERRIDDEN", "EXPIRED",
                                    name="signoffstatus", native_enum=False, length=24), nullable=False),
        sa.Column("rule", sa.String(length=64), nullable=False),
        sa.Column("request_reason", sa.Text(), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("hold_until", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by", sa.String(length=200), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_order_sign_offs_order_id_orders"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_sign_offs")),
    )
    op.create_index("ix_order_sign_offs_order", "order_sign_offs", ["order_id", "id"])
    op.create_index("ix_order_sign_offs_status_hold", "order_sign_offs", ["status", "hold_until"])


def downgrade() -> None:
    op.drop_index("ix_order_sign_offs_status_hold", table_name="order_sign_offs")
    op.drop_index("ix_order_sign_offs_order", table_name="order_sign_offs")
    op.drop_table("order_sign_offs")
