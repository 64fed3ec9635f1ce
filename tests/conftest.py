"""Fixtures shared by every test: databases on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from tests.dbutil import backends, fresh_database, migrate, sync_engine, wipe

# Property tests draw the same examples on every run, so a random draw never decides whether CI is green;
# SOP_HYPOTHESIS_EXPLORE=1 draws new ones (to hunt for failures locally).
settings.register_profile("repeatable", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("explore" if os.environ.get("SOP_HYPOTHESIS_EXPLORE") else "repeatable")


@pytest.fixture(scope="session", params=backends())
def db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database for this test run, one per backend; tests see it empty."""
    tmp: Path = tmp_path_factory.mktemp("db")
    with fresh_database(request.param, tmp) as url:
        migrate(url)
        yield url


@pytest.fixture(scope="session")
def _session_engine(db_url: str) -> Iterator[Engine]:
    engine = sync_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def db(_session_engine: Engine) -> Iterator[Engine]:
    """A sync engine on an empty migrated database; rows are wiped after the test."""
    try:
        yield _session_engine
    finally:
        wipe(_session_engine)


@pytest.fixture
def session(db: Engine) -> Iterator[Session]:
    s = sessionmaker(db, expire_on_commit=False)()
    try:
        yield s
    finally:
        s.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say how many database tests passed on each backend, so a run shows both were exercised."""
    counts = {backend: 0 for backend in backends()}
    for report in terminalreporter.stats.get("passed", []):
        # The backend is one whole id among the test's parameters ("[sqlite-...]", "[...-postgresql]"),
        # not a word inside another parameter such as "[serve-sqlite with a host]".
        params = report.nodeid.partition("[")[2].rstrip("]").split("-")
        for backend in counts:
            if backend in params:
                counts[backend] += 1
    summary = ", ".join(f"{backend}: {n} passed" for backend, n in counts.items())
    if "postgresql" not in counts:
        summary += "; postgresql not run (set SOP_TEST_POSTGRES_URL=postgresql://user@host/db to run it too)"
    terminalreporter.write_line(f"database tests by backend -> {summary}")
