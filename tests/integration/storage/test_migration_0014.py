"""Migration 0014 on a database that already holds payments and orders: paidOn filled from when the payment was
recorded; downgrade turns DELIVERED and CLOSED orders and their history steps back into words the old code reads."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from tests.dbutil import alembic_config, backends, fresh_database, sync_engine

# 23:30 UTC: the day paid is the UTC day, whatever the server's time zone.
RECORDED = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize("backend", backends())
def test_0014_fills_paid_on_and_downgrades_the_new_statuses(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        config = alembic_config(url)
        command.upgrade(config, "0010")
        engine = sync_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO customers (id, code, name, tier, price_sensitivity, created_at) "
                                  "VALUES (1, 'ACME', 'ACME', 'REGULAR', 0.5, :at)"), {"at": RECORDED})
                conn.execute(text(
                    "INSERT INTO orders (id, code, customer_id, status, version, requested_date, amount, gross_margin, "
                    "rush, priority_tier, priority_score, received_at) VALUES (1, 'SO-1', 1, 'SHIPPED', 5, :due, 400, "
                    "160, :no, '', 0.0, :at)"), {"due": date(2026, 12, 28), "no": False, "at": RECORDED})
                conn.execute(text("INSERT INTO payments (id, order_id, amount, received_at) VALUES (1, 1, 400, :at)"),
                             {"at": RECORDED})
            command.upgrade(config, "head")
            with engine.begin() as conn:
                assert conn.execute(text("SELECT paid_on FROM payments")).scalar() in (date(2026, 11, 30),
                                                                                        "2026-11-30")
                conn.execute(text("UPDATE orders SET status = 'CLOSED', delivered_on = :day WHERE id = 1"),
                             {"day": date(2026, 12, 1)})
                conn.execute(text(
                    "INSERT INTO order_events (id, order_id, order_code, customer_id, kind, at, from_status, to_status)"
                    " VALUES (1, 1, 'SO-1', 1, 'DELIVERED', :at, 'SHIPPED', 'DELIVERED'), "
                    "(2, 1, 'SO-1', 1, 'PAYMENT', :at, NULL, NULL), "
                    "(3, 1, 'SO-1', 1, 'CLOSED', :at, 'DELIVERED', 'CLOSED')"), {"at": RECORDED})
            # Tried: downgrading with a CLOSED order and DELIVERED / PAYMENT / CLOSED steps in its history.
            command.downgrade(config, "0010")
            with engine.connect() as conn:
                assert conn.execute(text("SELECT status FROM orders")).scalar() == "SHIPPED"
                events = conn.execute(text("SELECT kind, from_status, to_status FROM order_events ORDER BY id")).all()
                assert [tuple(e) for e in events] == [("STATUS", "SHIPPED", "SHIPPED"), ("STATUS", None, None),
                                                      ("STATUS", "SHIPPED", "SHIPPED")]
                assert conn.execute(text("SELECT count(*) FROM payments")).scalar() == 1
            command.upgrade(config, "head")
        finally:
            engine.dispose()
