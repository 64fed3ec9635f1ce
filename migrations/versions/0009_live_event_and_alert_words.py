"""order events and alerts stored in the old demo words are rewritten in the live ones

Before the vocabulary was unified (domain/events/kinds.py), `sop demo load` wrote order events REVIEWED and
STATUS_CHANGED, alerts STOCK_BELOW_SAFETY, severity HIGH and dedup keys late:/stock:/incident:. The API now
serves kinds and severities as GraphQL enums, so such a row would fail to serialise; this revision maps each
to the word the live code writes for the same step, as the demo generator now does (domain/demo/history.py).

The downgrade changes nothing: the live words were valid before this revision too, and which rows once held
the demo's words is not recorded.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 17:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A status step's live event, as domain/demo/event_log.py EVENT_KIND has it; any other step is STATUS.
STEP_KIND = (
    ("PROPOSED", "ACCEPTED", "PROPOSAL_ACCEPTED"),
    ("PROPOSED", "CANCELLED", "PROPOSAL_DECLINED"),
    ("ACCEPTED", "CANCELLED", "CANCELLED"),
    ("SCHEDULED", "CANCELLED", "CANCELLED"),
    ("IN_STOCK", "SHIPPED", "SHIPPED"),
)


def upgrade() -> None:
    op.execute("UPDATE order_events SET kind = 'STATUS' WHERE kind = 'REVIEWED'")
    for before, after, kind in STEP_KIND:
        op.execute(f"UPDATE order_events SET kind = '{kind}' WHERE kind = 'STATUS_CHANGED' "
                   f"AND from_status = '{before}' AND to_status = '{after}'")
    op.execute("UPDATE order_events SET kind = 'STATUS' WHERE kind = 'STATUS_CHANGED'")

    op.execute("UPDATE alerts SET kind = 'SAFETY_STOCK' WHERE kind = 'STOCK_BELOW_SAFETY'")
    # Live late-order alerts are CRITICAL for a rush order and WARNING otherwise (domain/floor/lateness.py).
    op.execute("UPDATE alerts SET severity = 'CRITICAL' WHERE severity NOT IN ('WARNING', 'CRITICAL') "
               "AND kind = 'LATE_ORDER' AND order_id IN (SELECT id FROM orders WHERE rush)")
    op.execute("UPDATE alerts SET severity = 'WARNING' WHERE severity NOT IN ('WARNING', 'CRITICAL')")
    # The live dedup keys (domain/floor/alerts.py late_order_key, domain/floor/stock.py safety_stock_key);
    # live incident alerts carry none.
    op.execute("UPDATE alerts SET dedup_key = 'LATE_ORDER:' || substr(dedup_key, 6) WHERE dedup_key LIKE 'late:%'")
    op.execute("UPDATE alerts SET dedup_key = 'SAFETY_STOCK:' || substr(dedup_key, 7) "
               "WHERE dedup_key LIKE 'stock:%'")
    op.execute("UPDATE alerts SET dedup_key = NULL WHERE dedup_key LIKE 'incident:%'")


def downgrade() -> None:
    pass
