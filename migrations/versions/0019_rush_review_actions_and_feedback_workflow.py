"""the rush review's actions on rush_insertions (cause found, owner, due date, closed) and the feedback workflow
(assignee, root cause, corrective action, resolved and closed times; status widened for the longer words)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-04 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CAUSES = sa.Enum("DEMAND_ABOVE_FORECAST", "CUSTOMER_CHANGE", "INTERNAL", name="rushcause", native_enum=False,
                 length=24)
RUSH_COLUMNS = ("reviewed_cause", "owner", "due_on", "action", "closed_at", "closed_by", "closing_note")
FEEDBACK_COLUMNS = ("assignee", "root_cause", "corrective_action", "resolved_at", "closed_at")


def upgrade() -> None:
    # plain ADD COLUMN on both databases: batch mode would copy tables that others reference
    op.add_column("rush_insertions", sa.Column("reviewed_cause", CAUSES, nullable=True))
    op.add_column("rush_insertions", sa.Column("owner", sa.String(128), nullable=True))
    op.add_column("rush_insertions", sa.Column("due_on", sa.Date(), nullable=True))
    op.add_column("rush_insertions", sa.Column("action", sa.Text(), nullable=True))
    op.add_column("rush_insertions", sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("rush_insertions", sa.Column("closed_by", sa.String(128), nullable=True))
    op.add_column("rush_insertions", sa.Column("closing_note", sa.Text(), nullable=True))
    op.add_column("feedback", sa.Column("assignee", sa.String(128), nullable=True))
    op.add_column("feedback", sa.Column("root_cause", sa.Text(), nullable=True))
    op.add_column("feedback", sa.Column("corrective_action", sa.Text(), nullable=True))
    op.add_column("feedback", sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("feedback", sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True))
    # feedback.status was free text (OPEN, ACKNOWLEDGED): any other word becomes ACKNOWLEDGED, a FeedbackStatus
    op.execute("UPDATE feedback SET status = 'ACKNOWLEDGED' WHERE status NOT IN ('OPEN', 'ACKNOWLEDGED', 'ASSIGNED', "
               "'ROOT_CAUSE', 'CORRECTIVE_ACTION', 'RESOLVED', 'CLOSED')")
    # no table references feedback, so SQLite's batch copy of it is safe
    with op.batch_alter_table("feedback") as batch:
        batch.alter_column("status", type_=sa.String(24), existing_type=sa.String(16), existing_nullable=False)


def downgrade() -> None:
    op.execute("UPDATE feedback SET status = 'ACKNOWLEDGED' WHERE length(status) > 16")
    with op.batch_alter_table("feedback") as batch:
        batch.alter_column("status", type_=sa.String(16), existing_type=sa.String(24), existing_nullable=False)
    for name in FEEDBACK_COLUMNS:
        op.drop_column("feedback", name)
    for name in RUSH_COLUMNS:
        op.drop_column("rush_insertions", name)
