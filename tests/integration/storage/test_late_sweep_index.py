"""The late-order sweep (run after every progress report) reads open orders through (status, promised_date)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event

from domain.db import session_scope, sync_engine
from domain.demo import load_demo
from domain.events.outbox import Outbox
from domain.floor.lateness import late_orders, mark_late_sync
from domain.migrate import upgrade_database

TODAY = date(2027, 1, 4)


@pytest.fixture
def small_plant(tmp_path: Path) -> Iterator[Engine]:
    """The small demo plant's history on 2027-01-04, then ANALYZE (load_demo runs it): the planner chooses by real
    statistics."""
    url = f"sqlite:///{tmp_path / 'plan.db'}"
    upgrade_database(url)
    engine = sync_engine(url)
    try:
        load_demo(engine, "small", 1, TODAY, book=False)
        yield engine
    finally:
        engine.dispose()


def test_open_orders_promised_before_today_are_found_by_status_not_by_walking_past_promises(
        small_plant: Engine) -> None:
    engine = small_plant
    sent: list[tuple[str, Any]] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, sql, params, *_: sent.append((sql, params)))
    with session_scope(engine) as session:
        late = late_orders(session, TODAY)
    sql, params = next((sql, params) for sql, params in sent if sql.lstrip().startswith("SELECT orders.id,"))
    with engine.connect() as conn:
        # The statement the sweep sent, with its bound parameters (a literal date would show the planner how few
        # rows qualify and hide the problem).
        plan = " | ".join(row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params))
    assert late, "the demo history has open orders past their promise: the sweep has something to find"
    # Before (whole rows asked for in promise order, no such index) the plan was "SEARCH orders USING INDEX
    # ix_orders_promised_date (promised_date<?)": every order ever promised before today read to keep the open ones.
    assert "COVERING INDEX ix_orders_status_promised (status=? AND promised_date<?)" in plan, plan
    assert "ix_orders_promised_date" not in plan, plan


def test_the_sweep_after_a_report_reads_late_orders_by_the_covering_index_and_loads_only_the_untold(
        small_plant: Engine) -> None:
    """Input: the small demo plant on 2027-01-04, swept twice: the first sweep tells every late order, the second
    finds them all told and builds no order object (it read dozens of whole rows after every report before)."""
    engine = small_plant
    sent: list[tuple[str, Any]] = []
    with session_scope(engine) as session:
        first = mark_late_sync(session, Outbox(), TODAY)
    event.listen(engine, "before_cursor_execute", lambda _c, _cur, sql, params, *_: sent.append((sql, params)))
    with session_scope(engine) as session:
        second = mark_late_sync(session, Outbox(), TODAY)
    sweep = [sql for sql, _ in sent]
    sql, params = sent[0]
    with engine.connect() as conn:
        plan = " | ".join(row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params))
    assert first and second == []
    assert sql.lstrip().startswith("SELECT orders.id, orders.promised_date"), sql
    assert "COVERING INDEX ix_orders_status_promised" in plan and "ix_orders_promised_date" not in plan, plan
    # The ids and the LATE events read, and nothing else: no whole order rows for orders already told.
    assert len(sweep) == 2 and "order_events" in sweep[1], sweep
