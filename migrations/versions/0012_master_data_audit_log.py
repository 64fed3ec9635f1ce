"""master data through the API: an audit log of every master-data change, and retired_at on the masters

Revision ID: 0012
Revises: 0019
Create Date: 2026-12-04 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MASTERS = ("customers", "products", "materials", "production_lines")


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("entity", sa.String(32), nullable=False),
        sa.Column("code", sa.String(96), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("entity", "code", "version", name=op.f("uq_audit_log_entity_code_version")),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    for table in MASTERS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("retired_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table in MASTERS:
        # a plain DROP COLUMN (SQLite 3.35+): batch mode would copy and drop tables that orders reference
        op.drop_column(table, "retired_at")
    op.drop_index("ix_audit_log_at", table_name="audit_log")
    op.drop_table("audit_log")
