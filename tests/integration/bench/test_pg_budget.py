"""bench/pg_waits.py and bench/cpu_budget.py on a real PostgreSQL: a row-lock wait is seen, backends are told apart."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from bench.cpu_budget import postgres_cpu
from bench.pg_waits import WaitSampler
from tests.dbutil import backends, fresh_database

pytestmark = pytest.mark.skipif("postgresql" not in backends(), reason="PostgreSQL's own processes and views")


@pytest.fixture
def pg_url(tmp_path: Path) -> Iterator[str]:
    with fresh_database("postgresql", tmp_path) as url:
        yield url


def test_a_backend_waiting_on_a_row_lock_is_counted_as_such(pg_url: str) -> None:
    """Input tried: one connection holds a row's lock in an open transaction, a second UPDATEs the row for 1 s."""
    with psycopg.connect(pg_url, autocommit=True) as setup:
        setup.execute("CREATE TABLE ledger (id int PRIMARY KEY, hours int)")
        setup.execute("INSERT INTO ledger VALUES (1, 0)")
    holder, waiter = psycopg.connect(pg_url), psycopg.connect(pg_url)
    try:
        holder.execute("UPDATE ledger SET hours = 1 WHERE id = 1")
        with WaitSampler(pg_url, interval=0.05) as sampler:
            waiter.execute("SET lock_timeout = '1s'")
            with pytest.raises(psycopg.errors.LockNotAvailable):
                waiter.execute("UPDATE ledger SET hours = 2 WHERE id = 1")
        waits = sampler.mean()
        assert sampler.samples >= 10
        assert waits.get("active Lock:transactionid", 0) >= 0.8, waits  # the waiter, nearly all the time
        assert waits.get("idle in transaction Client:ClientRead", 0) >= 0.8, waits  # the holder
    finally:
        holder.close()
        waiter.close()


def test_backends_of_the_bench_database_are_told_from_the_others(pg_url: str, tmp_path: Path) -> None:
    """Input tried: a busy backend on the bench database and one on another database; only the first is ours."""
    database = str(make_url(pg_url).database)
    with fresh_database("postgresql", tmp_path / "other") as other_url, \
            psycopg.connect(pg_url) as mine, psycopg.connect(other_url) as theirs:
        pid = mine.info.backend_pid
        before, _ = postgres_cpu(database)
        mine.execute("SELECT count(*) FROM generate_series(1, 3000000)")
        theirs.execute("SELECT 1")
        time.sleep(0.05)
        after, _ = postgres_cpu(database)
        assert pid in after and theirs.info.backend_pid not in after
        assert after[pid] - before.get(pid, 0.0) >= 0.1
