"""The late-order sweep (run after every progress report) reads open orders through (status, promised_date)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import text

from domain.db import sync_engine
from domain.demo import load_demo
from domain.floor.lateness import _late
from domain.migrate import upgrade_database


def test_open_orders_promised_before_today_are_found_by_status_not_by_walking_past_promises(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'plan.db'}"
    upgrade_database(url)
    engine = sync_engine(url)
    today = date(2027, 1, 4)
    try:
        # The small demo plant's history, then ANALYZE (load_demo runs it): the planner chooses by real statistics.
        load_demo(engine, "small", 1, today, book=False)
        statement = _late(today).compile(engine, compile_kwargs={"literal_binds": True})
        with engine.connect() as conn:
            plan = " | ".join(row[3] for row in conn.execute(text(f"EXPLAIN QUERY PLAN {statement}")))
    finally:
        engine.dispose()
    # Without the index the plan was "SEARCH orders USING INDEX ix_orders_promised_date (promised_date<?)": every
    # order ever promised before today, shipped and closed ones included, read to keep the few open ones.
    assert "ix_orders_status_promised (status=? AND promised_date<?)" in plan, plan
    assert "ix_orders_promised_date" not in plan, plan
