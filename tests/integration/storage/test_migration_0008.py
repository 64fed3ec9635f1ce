"""Migration 0008 on a database that already holds orders: references filled for partner orders only, unique
per customer where given."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.dbutil import alembic_config, backends, fresh_database, sync_engine

NOW = datetime(2026, 11, 30, 8, tzinfo=UTC)


def _order(order_id: int, code: str, customer_id: int, created_by: str | None) -> dict[str, object]:
    return {"id": order_id, "code": code, "customer_id": customer_id, "status": "ACCEPTED", "version": 1,
            "requested_date": date(2026, 12, 28), "amount": 100, "gross_margin": 40, "rush": False,
            "priority_tier": "", "priority_score": 0.0, "received_at": NOW, "created_by": created_by}


INSERT_ORDER = text(
    "INSERT INTO orders (id, code, customer_id, status, version, requested_date, amount, gross_margin, rush, "
    "priority_tier, priority_score, received_at, created_by) VALUES (:id, :code, :customer_id, :status, :version, "
    ":requested_date, :amount, :gross_margin, :rush, :priority_tier, :priority_score, :received_at, :created_by)")


@pytest.mark.parametrize("backend", backends())
def test_0008_upgrades_a_database_with_orders(backend: str, tmp_path: Path) -> None:
    # Tried: at 0006, customer 1 has a partner's order PO-1 and a planner's SO-7; customer 2 a partner's PO-2 and
    # an order with no creator recorded. After 0008 only the partner orders carry their code as reference.
    with fresh_database(backend, tmp_path) as url:
        config = alembic_config(url)
        command.upgrade(config, "0006")
        engine = sync_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO customers (id, code, name, tier, price_sensitivity, created_at) "
                                  "VALUES (:id, :code, :code, 'REGULAR', 0.5, :at)"),
                             [{"id": 1, "code": "ACME", "at": NOW}, {"id": 2, "code": "BOLT", "at": NOW}])
                conn.execute(INSERT_ORDER, [_order(1, "PO-1", 1, "partner:acme-erp"), _order(2, "SO-7", 1, "planner:p"),
                                            _order(3, "PO-2", 2, "partner:bolt-erp"), _order(4, "SO-8", 2, None)])
            command.upgrade(config, "head")
            with engine.connect() as conn:
                rows = conn.execute(text("SELECT code, customer_reference FROM orders ORDER BY id")).all()
            assert [tuple(r) for r in rows] == [("PO-1", "PO-1"), ("SO-7", None), ("PO-2", "PO-2"), ("SO-8", None)]
            with engine.begin() as conn:
                # Another customer may use PO-1; NULL references never collide.
                conn.execute(text("UPDATE orders SET customer_reference = 'PO-1' WHERE id = 3"))
                conn.execute(INSERT_ORDER, _order(5, "SO-9", 1, None))
            with pytest.raises(IntegrityError), engine.begin() as conn:
                conn.execute(text("UPDATE orders SET customer_reference = 'PO-1' WHERE id = 2"))
            command.downgrade(config, "0006")
            with engine.connect() as conn:
                assert conn.execute(text("SELECT count(*) FROM orders")).scalar() == 5
        finally:
            engine.dispose()
