"""`sop db upgrade` and `sop keys create` from the command line; plain database URLs pick their drivers."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session

from domain.access import authenticate_sync
from domain.config import load_settings
from domain.db import async_engine, sync_engine
from domain.models import ApiKey, Role
from tests.dbutil import backends, fresh_database
from tests.factories import make_customer


def _sop(args: list[str], url: str) -> tuple[int, str]:
    from cli import cli

    result = CliRunner().invoke(cli, args, env={"SOP_DATABASE_URL": url})
    return result.exit_code, result.output


@pytest.mark.parametrize("backend", backends())
def test_db_upgrade_builds_the_schema_on_an_empty_database(backend: str, tmp_path: Path) -> None:
    with fresh_database(backend, tmp_path) as url:
        code, out = _sop(["db", "upgrade"], url)
        assert code == 0, out
        engine = sync_engine(url)
        try:
            assert {"orders", "plans", "capacity_ledger", "api_keys"} <= set(inspect(engine).get_table_names())
        finally:
            engine.dispose()
        assert _sop(["db", "upgrade"], url)[0] == 0  # running it again changes nothing


def test_keys_create_prints_a_working_key_on_its_last_line(db: Engine, db_url: str) -> None:
    with Session(db) as session:
        make_customer(session, code="ACME")
        session.commit()
    code, out = _sop(["keys", "create", "--role", "partner", "--customer", "ACME"], db_url)
    assert code == 0, out
    key = out.strip().splitlines()[-1]
    with Session(db) as session:
        principal = authenticate_sync(session, key)
        assert principal is not None and principal.role is Role.PARTNER and len(principal.customer_ids) == 1
        stored = session.execute(select(ApiKey.prefix, ApiKey.key_hash, ApiKey.name)).all()
    assert all(key not in str(row) for row in stored), "the key itself is never stored, only its hash"


def test_keys_create_refuses_bad_input(db: Engine, db_url: str) -> None:
    """Inputs tried: role 'root', a partner without --customer, a partner for customer NOPE."""
    code, out = _sop(["keys", "create", "--role", "root"], db_url)
    assert code != 0 and "root" in out
    code, out = _sop(["keys", "create", "--role", "partner"], db_url)
    assert code == 1 and "--customer" in out
    code, out = _sop(["keys", "create", "--role", "partner", "--customer", "NOPE"], db_url)
    assert code == 1 and "NOPE" in out


def test_plain_urls_pick_drivers_and_others_are_refused() -> None:
    assert sync_engine("sqlite:///:memory:").dialect.driver == "pysqlite"
    assert async_engine("sqlite:///:memory:").dialect.driver == "aiosqlite"
    assert sync_engine("postgresql://u@localhost/db").dialect.driver == "psycopg"
    assert async_engine("postgresql://u@localhost/db").dialect.driver == "psycopg"
    with pytest.raises(ValueError, match="unsupported database 'mysql'"):
        sync_engine("mysql://u@localhost/db")


def test_settings_come_from_the_environment_with_safe_defaults() -> None:
    defaults = load_settings({})
    assert defaults.database_url.startswith("sqlite:///") and defaults.database_url.endswith("var/sop.db")
    assert not defaults.production and defaults.max_page_size == 500
    given = load_settings({"SOP_DATABASE_URL": "postgresql://x@h/db", "SOP_ENV": "production", "SOP_SOLVER": "highs"})
    assert given.database_url == "postgresql://x@h/db" and given.production and given.solver == "HIGHS"
