"""sop_capacity_taken(line, week): raises SQLSTATE SOP01, so the ledger UPDATE sent with the COMMIT fails on the server
when the hours no longer fit (issue 15 item 1; PostgreSQL only: SQLite checks the UPDATE's row count)

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-05 01:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # VOLATILE (the default, said here because it matters): the planner must call it at run time, only for a row
    # that did not fit, never fold it into a constant while planning.
    op.execute("CREATE FUNCTION sop_capacity_taken(line integer, week date) RETURNS boolean LANGUAGE plpgsql "
               "VOLATILE AS $$ BEGIN RAISE EXCEPTION 'line % week %: these hours are no longer free', line, week "
               "USING ERRCODE = 'SOP01'; END $$")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION sop_capacity_taken(integer, date)")
