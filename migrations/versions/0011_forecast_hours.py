"""forecast hours per line-week-sku, and how many of each reservation's hours were consumed from them (forecast consumption)

Revision ID: 0011
Revises: 0013
Create Date: 2026-12-04 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "forecast_hours",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("week", sa.Date(), nullable=False),
        sa.Column("product_id", sa.Integer(), nullable=False),
        sa.Column("hours", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["line_id"], ["production_lines.id"], name=op.f("fk_forecast_hours_line_id_production_lines")),
        sa.ForeignKeyConstraint(["product_id"], ["products.id"], name=op.f("fk_forecast_hours_product_id_products"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forecast_hours")),
        sa.UniqueConstraint("line_id", "week", "product_id", name=op.f("uq_forecast_hours_line_id_week_product_id")),
    )
    with op.batch_alter_table("capacity_reservations") as batch:
        batch.add_column(sa.Column("forecast_hours", sa.Float(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("capacity_reservations") as batch:
        batch.drop_column("forecast_hours")
    op.drop_table("forecast_hours")
