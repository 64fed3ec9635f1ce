"""plan consensus (R5): draft plans against the plan in force, approvals per side, rejections and order moves

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLAN_COLUMNS = ("based_on_plan_id", "reserve_share", "order_cutoff", "in_force_at", "rejected_at", "rejected_by",
                "rejection_reason")


def upgrade() -> None:
    # plain ADD COLUMN: batch mode would copy `plans`, which items, loads and the plan pointer reference
    op.add_column("plans", sa.Column("based_on_plan_id", sa.Integer(), nullable=True))
    op.add_column("plans", sa.Column("reserve_share", sa.Float(), nullable=True))
    op.add_column("plans", sa.Column("order_cutoff", sa.DateTime(timezone=True), nullable=True))
    op.add_column("plans", sa.Column("in_force_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("plans", sa.Column("rejected_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("plans", sa.Column("rejected_by", sa.String(128), nullable=True))
    op.add_column("plans", sa.Column("rejection_reason", sa.Text(), nullable=True))
    op.create_table(
        "plan_approvals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(16), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("person", sa.String(128), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_plan_approvals_plan_id_plans"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_approvals")),
        sa.UniqueConstraint("plan_id", "side", name=op.f("uq_plan_approvals_plan_id_side")),
    )
    op.create_table(
        "plan_moves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("from_date", sa.Date(), nullable=True),
        sa.Column("to_date", sa.Date(), nullable=True),
        sa.Column("broken", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["plans.id"], name=op.f("fk_plan_moves_plan_id_plans"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_plan_moves_order_id_orders"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_moves")),
    )
    op.create_index("ix_plan_moves_plan", "plan_moves", ["plan_id"])


def downgrade() -> None:
    op.drop_index("ix_plan_moves_plan", table_name="plan_moves")
    op.drop_table("plan_moves")
    op.drop_table("plan_approvals")
    for column in reversed(PLAN_COLUMNS):
        op.drop_column("plans", column)
