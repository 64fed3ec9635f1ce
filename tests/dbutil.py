"""Test databases: a fresh SQLite file or a fresh PostgreSQL database per test run."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from domain.db import sync_engine
from domain.migrate import alembic_config, upgrade_database
from domain.models import Base


def backends() -> list[str]:
    """SQLite always; PostgreSQL too when SOP_TEST_POSTGRES_URL names a server."""
    return ["sqlite", "postgresql"] if os.environ.get("SOP_TEST_POSTGRES_URL") else ["sqlite"]


@contextmanager
def fresh_database(backend: str, tmp_dir: Path) -> Iterator[str]:
    """Create an empty database for this run and drop it afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_dir / f'sop-{uuid.uuid4().hex[:8]}.db'}"
        return
    server = make_url(os.environ["SOP_TEST_POSTGRES_URL"]).set(drivername="postgresql+psycopg")
    name = f"sop_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False).replace("+psycopg", "")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def migrate(url: str) -> None:
    upgrade_database(url)


def wipe(engine: Engine) -> None:
    """Delete every row so the next test starts from an empty, migrated schema.

    The master-data version stays (it only grows: the deletes move it, so a process's cached master data of the
    last test is dropped; without its row nothing would be cached at all)."""
    tables = [t.name for t in Base.metadata.sorted_tables if t.name != "master_data_version"]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                conn.execute(text(f'DELETE FROM "{table}"'))


__all__ = ["alembic_config", "backends", "fresh_database", "migrate", "sync_engine", "wipe"]
