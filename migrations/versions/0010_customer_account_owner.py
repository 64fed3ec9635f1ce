"""customers carry their account owner (the salesperson), as the plant data exchange format names it

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 17:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("account_owner", sa.String(64), nullable=True))


def downgrade() -> None:
    # a plain DROP COLUMN (SQLite 3.35+): batch mode would copy and drop `customers`, which every order and key
    # references, and SQLite refuses to drop a referenced table while foreign keys are enforced
    op.drop_column("customers", "account_owner")
