"""master-data version: a counter row moved by triggers on every table the API caches (issue 15 item 2)

Revision ID: 0021
Revises: 0024
Create Date: 2026-12-04 22:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As domain/models/master_version.py had it at this revision (a migration does not follow later model edits):
# table -> the columns whose UPDATE moves the version (None: any column).
TABLES: dict[str, tuple[str, ...] | None] = {
    "customers": None,
    "products": ("sku", "name", "family", "unit_cost", "list_price", "maturity", "safety_stock", "fast_mover",
                 "lot_size", "energy_kwh", "retired_at"),
    "routings": None,
    "production_lines": None,
    "line_calendar_days": None,
    "bom_items": None,
    "materials": None,
    "material_receipts": None,
    "api_keys": ("prefix", "key_hash", "role", "name", "revoked_at", "expires_at"),
    "api_key_customers": None,
}
BUMP = "UPDATE master_data_version SET version = version + 1 WHERE id = 1"


def upgrade() -> None:
    op.create_table(
        "master_data_version",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.execute("INSERT INTO master_data_version (id, version) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        # Statement-level: a COPY or a bulk INSERT of 100k rows moves the counter once, not 100k times.
        op.execute(f"CREATE FUNCTION sop_master_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   f"BEGIN {BUMP}; RETURN NULL; END $$")
        for table, columns in TABLES.items():
            of = f" OF {', '.join(columns)}" if columns else ""
            op.execute(f"CREATE TRIGGER {table}_master_data_changed AFTER INSERT OR DELETE OR TRUNCATE OR UPDATE{of} "
                       f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION sop_master_data_changed()")
        return
    # SQLite has row-level triggers only (cheap there: one in-process UPDATE per row).
    for table, columns in TABLES.items():
        of = f" OF {', '.join(columns)}" if columns else ""
        for event in ("INSERT", "DELETE", f"UPDATE{of}"):
            op.execute(f"CREATE TRIGGER {table}_{event.split()[0].lower()}_master_data AFTER {event} ON {table} "
                       f"BEGIN {BUMP}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_master_data_changed ON {table}")
        op.execute("DROP FUNCTION IF EXISTS sop_master_data_changed()")
    else:
        for table in TABLES:
            for event in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_{event}_master_data")
    op.drop_table("master_data_version")
