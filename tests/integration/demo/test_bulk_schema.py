"""The bulk load drops foreign keys and secondary indexes for the COPY and leaves the schema exactly as migrated."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Connection, Engine, text

from domain.demo import DemoSize, generate_plant, load_demo
from domain.demo.loader import insert_plant
from domain.demo.postgres_load import indexes_built_at_end

TODAY = date(2025, 6, 11)
SIZE = DemoSize("tiny", products=8, families=3, lines=3, customers=10, orders=60, forecast_weeks_ahead=3,
                forecast_weeks_back=3, history_days=90)


def _schema(conn: Connection) -> set[tuple[str, ...]]:
    """Every index and constraint of the database, as the database itself spells it."""
    if conn.dialect.name == "sqlite":
        return {tuple(row) for row in conn.execute(text(
            "SELECT type, name, tbl_name, coalesce(sql, '') FROM sqlite_master WHERE type IN ('index', 'table') "
            "AND name NOT LIKE 'sqlite_stat%'"))}  # ANALYZE's statistics tables
    indexes = conn.execute(text("SELECT 'index', tablename, indexname, indexdef FROM pg_indexes "
                                "WHERE schemaname = current_schema()"))
    constraints = conn.execute(text(
        "SELECT 'constraint', c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
        "JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = current_schema()"))
    return {tuple(row) for row in [*indexes, *constraints]}


def _index_count(conn: Connection) -> int:
    if conn.dialect.name == "sqlite":
        return int(conn.scalar(text("SELECT count(*) FROM sqlite_master WHERE type = 'index'")) or 0)
    return int(conn.scalar(text("SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema()")) or 0)


def test_streamed_load_leaves_indexes_and_keys_as_migrated(db: Engine) -> None:
    with db.connect() as conn:
        before = _schema(conn)
        assert _index_count(conn) > 40  # the secondary indexes the load rebuilds are really there
    load_demo(db, SIZE, seed=5, today=TODAY, book=False)
    with db.connect() as conn:
        assert _schema(conn) == before
        # The rebuilt indexes serve queries: the planner may use one on the loaded orders.
        assert conn.scalar(text("SELECT count(*) FROM orders WHERE promised_date IS NOT NULL")) > 0


def test_bulk_insert_leaves_indexes_and_keys_as_migrated(db: Engine) -> None:
    with db.connect() as conn:
        before = _schema(conn)
    with db.begin() as conn:
        insert_plant(conn, generate_plant(SIZE, seed=5, today=TODAY))
    with db.connect() as conn:
        assert _schema(conn) == before


def test_secondary_indexes_are_gone_during_the_copy_and_back_after(db: Engine) -> None:
    if db.dialect.name != "postgresql":
        return  # SQLite loads by executemany with its indexes in place
    tables = ["orders", "order_events"]
    with db.begin() as conn:
        before = _schema(conn)
        with indexes_built_at_end(conn, tables):
            during = {row[2] for row in _schema(conn) if row[0] == "index" and row[1] in tables}
        assert _schema(conn) == before
    # Only the indexes of primary keys and unique constraints stay while rows stream in.
    assert during == {"pk_orders", "uq_orders_code", "pk_order_events"}
