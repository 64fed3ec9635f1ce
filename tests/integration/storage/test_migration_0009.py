"""Migration 0009 on a database holding rows in the old demo words: each becomes the live word for its step."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from domain.events import kinds
from tests.dbutil import alembic_config, backends, fresh_database, sync_engine

NOW = datetime(2026, 11, 30, 8, tzinfo=UTC)
INSERT_ORDER = text(
    "INSERT INTO orders (id, code, customer_id, status, version, requested_date, amount, gross_margin, rush, "
    "priority_tier, priority_score, received_at) VALUES (:id, :code, 1, 'SHIPPED', 1, :day, 100, 40, :rush, '', 0, "
    ":at)")
INSERT_EVENT = text(
    "INSERT INTO order_events (id, order_id, order_code, customer_id, kind, at, from_status, to_status) "
    "VALUES (:id, 1, 'SO-1', 1, :kind, :at, :from_status, :to_status)")
INSERT_ALERT = text(
    "INSERT INTO alerts (id, kind, severity, message, created_at, open, dedup_key, order_id) "
    "VALUES (:id, :kind, :severity, 'm', :at, :open, :key, :order_id)")
# (old kind, from, to) -> the live kind
EVENTS = [
    (("CREATED", None, "RECEIVED"), kinds.CREATED),
    (("REVIEWED", "RECEIVED", "ACCEPTED"), kinds.STATUS),
    (("STATUS_CHANGED", "PROPOSED", "ACCEPTED"), kinds.PROPOSAL_ACCEPTED),
    (("STATUS_CHANGED", "PROPOSED", "CANCELLED"), kinds.PROPOSAL_DECLINED),
    (("STATUS_CHANGED", "SCHEDULED", "CANCELLED"), kinds.CANCELLED),
    (("STATUS_CHANGED", "IN_STOCK", "SHIPPED"), kinds.SHIPPED),
    (("STATUS_CHANGED", "ACCEPTED", "SCHEDULED"), kinds.STATUS),
    (("MOVED", "SCHEDULED", "SCHEDULED"), kinds.MOVED),
]
# (old kind, severity, key, order) -> (kind, severity, key)
ALERTS = [
    (("STOCK_BELOW_SAFETY", "WARNING", "stock:GEAR-10", None),
     (kinds.SAFETY_STOCK, kinds.WARNING, "SAFETY_STOCK:GEAR-10")),
    (("LATE_ORDER", "HIGH", "late:SO-1", 1), (kinds.LATE_ORDER, kinds.WARNING, "LATE_ORDER:SO-1")),
    (("LATE_ORDER", "HIGH", "late:SO-2", 2), (kinds.LATE_ORDER, kinds.CRITICAL, "LATE_ORDER:SO-2")),
    (("INCIDENT", "HIGH", "incident:L1", None), (kinds.INCIDENT, kinds.WARNING, None)),
    (("MATERIAL", "CRITICAL", "MATERIAL:STEEL", None), (kinds.MATERIAL, kinds.CRITICAL, "MATERIAL:STEEL")),
]


@pytest.mark.parametrize("backend", backends())
def test_0009_rewrites_demo_words_as_live_ones(backend: str, tmp_path: Path) -> None:
    # Tried: at 0008, events and alerts as the old demo wrote them (SO-1 a regular order, SO-2 a rush one) beside
    # rows already in live words. After 0009 every kind and severity is a member of the API's enums.
    with fresh_database(backend, tmp_path) as url:
        config = alembic_config(url)
        command.upgrade(config, "0008")
        engine = sync_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO customers (id, code, name, tier, price_sensitivity, created_at) "
                                  "VALUES (1, 'ACME', 'ACME', 'REGULAR', 0.5, :at)"), {"at": NOW})
                conn.execute(INSERT_ORDER, [{"id": 1, "code": "SO-1", "day": date(2026, 12, 7), "rush": False,
                                             "at": NOW},
                                            {"id": 2, "code": "SO-2", "day": date(2026, 12, 7), "rush": True,
                                             "at": NOW}])
                conn.execute(INSERT_EVENT, [{"id": i, "kind": k, "from_status": f, "to_status": t, "at": NOW}
                                            for i, ((k, f, t), _) in enumerate(EVENTS, 1)])
                conn.execute(INSERT_ALERT, [{"id": i, "kind": k, "severity": s, "key": key, "order_id": o,
                                             "at": NOW, "open": True}
                                            for i, ((k, s, key, o), _) in enumerate(ALERTS, 1)])
            command.upgrade(config, "0009")
            with engine.connect() as conn:
                events = [r[0] for r in conn.execute(text("SELECT kind FROM order_events ORDER BY id"))]
                alerts = [tuple(r) for r in conn.execute(text("SELECT kind, severity, dedup_key FROM alerts "
                                                              "ORDER BY id"))]
            assert events == [live for _, live in EVENTS]
            assert alerts == [live for _, live in ALERTS]
            assert set(events) <= set(kinds.OrderEventKind)
            assert {a[0] for a in alerts} <= set(kinds.AlertKind)
            assert {a[1] for a in alerts} <= set(kinds.AlertSeverity)
            command.downgrade(config, "0008")
        finally:
            engine.dispose()
