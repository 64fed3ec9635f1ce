"""Two uvicorn processes (A and B) on the PostgreSQL test database, a small plant, and a key per role."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from domain.config import DEFAULT_RULES_DIR
from domain.db import is_postgres, session_scope
from domain.models import CustomerTier, Product
from tests.e2e.multiprocess.servers import Server, uvicorn_servers
from tests.factories import make_api_key, make_customer, make_order
from tests.integration.planning.plant import build_plant

APP = "api.app:create_app"


@dataclass(frozen=True)
class TwoProcesses:
    a: Server
    b: Server
    keys: dict[str, str]
    rules_dir: Path


@pytest.fixture
def postgres_url(db_url: str) -> str:
    if not is_postgres(db_url):
        pytest.skip("several server processes share one database only on PostgreSQL (SQLite events stay in-process)")
    return db_url


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    """A private copy of the rule files both processes read, so a test may edit it."""
    return Path(shutil.copytree(DEFAULT_RULES_DIR, tmp_path / "rules",
                                ignore=shutil.ignore_patterns("*.py", "__pycache__")))


@pytest.fixture
def keys(db: Engine, postgres_url: str) -> dict[str, str]:
    """The planning plant (2 lines, 3 products, forecasts, accepted orders of C1), plus a partner's customer
    C-PART and another customer C-OTHER with one open order each (ORD-PART, ORD-OTHER)."""
    with session_scope(db) as s:
        build_plant(s, today=date.today())
        product = s.query(Product).filter_by(sku="SKU-0").one()
        later = date.today() + timedelta(days=60)
        own = make_customer(s, code="C-PART", tier=CustomerTier.REGULAR)
        other = make_customer(s, code="C-OTHER", tier=CustomerTier.KEY)
        make_order(s, own, code="ORD-PART", lines=[(product, 5, None)], requested_date=later)
        make_order(s, other, code="ORD-OTHER", lines=[(product, 5, None)], requested_date=later)
        found = {role: make_api_key(s, role) for role in ("viewer", "planner", "admin")}
        found["partner"] = make_api_key(s, "partner", [own])
    return found


@pytest.fixture
def two_processes(postgres_url: str, keys: dict[str, str], rules_dir: Path, tmp_path: Path) -> Iterator[TwoProcesses]:
    env = {"SOP_DATABASE_URL": postgres_url, "SOP_RULES_DIR": str(rules_dir)}
    with uvicorn_servers(APP, [env, env], tmp_path, name="api") as (a, b):
        yield TwoProcesses(a, b, keys, rules_dir)
