"""`sop demo load`: --if-empty mints no keys on a loaded plant, refusals name the database, no bars in pipes."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from cli import cli
from domain.db import masked
from domain.demo import SIZES, DemoSize
from domain.models import ApiKey, Role

TINY = DemoSize("small", products=6, families=2, lines=2, customers=5, orders=40, forecast_weeks_ahead=2,
                forecast_weeks_back=2, history_days=60)


@pytest.fixture
def tiny_small(monkeypatch: pytest.MonkeyPatch) -> None:
    """`small` stands for a tiny plant here so the tests stay fast."""
    monkeypatch.setitem(SIZES, "small", TINY)


def _keys(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ApiKey)) or 0


def test_if_empty_on_a_loaded_plant_mints_no_keys(db: Engine, db_url: str, tiny_small: None) -> None:
    """Input tried: `sop demo load --if-empty` three times, as `make run` does at every start (15 keys before)."""
    runner = CliRunner(env={"SOP_DATABASE_URL": db_url})
    first = runner.invoke(cli, ["demo", "load", "--if-empty", "--today", "2026-11-25", "--no-plan"])
    assert first.exit_code == 0, first.output
    assert "viewer: sop_" in first.output
    for _ in range(2):
        again = runner.invoke(cli, ["demo", "load", "--if-empty"])
        assert again.exit_code == 0, again.output
        assert again.output == (
            f"database {masked(db_url)} already holds a plant: demo load skipped (--if-empty)\n"
            "its demo keys were printed when the plant was loaded; make a new one with `sop keys create --role "
            "viewer`\n")
    with Session(db) as session:
        assert _keys(session) == len(Role)  # one per role: viewer, partner, mes, planner, purchasing, the people, admin


def test_load_into_a_loaded_plant_names_the_database(db: Engine, db_url: str, tiny_small: None) -> None:
    """Input tried: `sop demo load` on a database that already holds a plant (the message did not say which)."""
    runner = CliRunner(env={"SOP_DATABASE_URL": db_url})
    assert runner.invoke(cli, ["demo", "load", "--no-plan"]).exit_code == 0
    refused = runner.invoke(cli, ["demo", "load", "--no-plan"])
    assert refused.exit_code == 1
    assert refused.output.startswith(f"Error: {masked(db_url)}: the database already holds customers, products")


def test_progress_bars_stay_out_of_pipes(db: Engine, db_url: str, tiny_small: None) -> None:
    """Inputs tried: `sop demo load` and `sop plan weekly` with stderr not a terminal (as in a log or a pipe);
    the bars were redrawn there hundreds of times."""
    runner = CliRunner(env={"SOP_DATABASE_URL": db_url})
    loaded = runner.invoke(cli, ["demo", "load", "--today", "2026-11-25"])
    assert loaded.exit_code == 0, loaded.output
    replanned = runner.invoke(cli, ["plan", "weekly", "--today", "2026-11-26"])
    assert replanned.exit_code == 0, replanned.output
    for result in (loaded, replanned):
        assert result.stderr == "", result.stderr
