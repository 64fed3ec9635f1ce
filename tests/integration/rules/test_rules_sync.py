"""A rules reload activated by one process reaches another process through the database."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from domain.config import DEFAULT_RULES_DIR
from domain.db import async_engine, async_sessions
from domain.rules_sync import RulesInForce
from rules import LiveRules, RulesError


def _copy_rules(target: Path) -> Path:
    shutil.copytree(DEFAULT_RULES_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    return target


async def test_reload_in_one_process_reaches_another(db: Engine, db_url: str, tmp_path: Path) -> None:
    first = RulesInForce(LiveRules(_copy_rules(tmp_path / "a")), check_every=0.0)
    second = RulesInForce(LiveRules(_copy_rules(tmp_path / "b")), check_every=0.0)
    assert first.current.version == second.current.version
    rush = tmp_path / "a" / "rush.yaml"
    rush.write_text(rush.read_text() + "\n# reviewed by sales ops\n")  # any edit makes a new version
    book, revision = first.activate(actor="admin:test")
    with Session(db) as session:
        session.add(revision)
        session.commit()
    assert book.version != second.current.version
    engine = async_engine(db_url)
    try:
        async with async_sessions(engine)() as session:
            adopted = await second.refresh(session)
    finally:
        await engine.dispose()
    assert adopted.version == book.version


def test_broken_reload_keeps_rules_in_force(tmp_path: Path) -> None:
    """Input tried: review.yaml replaced by text that is not YAML."""
    holder = RulesInForce(LiveRules(_copy_rules(tmp_path / "a")))
    before = holder.current.version
    (tmp_path / "a" / "review.yaml").write_text("rules: [unclosed\n")
    with pytest.raises(RulesError) as error:
        holder.activate(actor="admin:test")
    assert "review.yaml" in str(error.value.errors[0])
    assert holder.current.version == before


def test_backtest_replays_stored_orders_through_the_candidate(db: Engine, db_url: str, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """`sop rules backtest --candidate DIR` replays stored review facts; rush days 3 -> 5 changes 3-4 day orders."""
    from click.testing import CliRunner

    from cli import cli
    from domain.demo import DemoSize, load_demo

    load_demo(db, DemoSize("tiny", products=8, families=2, lines=2, customers=6, orders=120), seed=3)
    candidate = _copy_rules(tmp_path / "candidate")
    rush = candidate / "rush.yaml"
    text = rush.read_text()
    rush.write_text(text.replace("when: order.days_to_due < 3", "when: order.days_to_due < 5").replace(
        "facts: {order.days_to_due: 3}", "facts: {order.days_to_due: 5}"))
    monkeypatch.setenv("SOP_DATABASE_URL", db_url)
    result = CliRunner().invoke(cli, ["rules", "backtest", "--candidate", str(candidate), "--rule-set", "rush"])
    assert result.exit_code == 0, result.output
    with Session(db) as session:
        from sqlalchemy import select

        from domain.models import OrderReview

        due = [f["order.days_to_due"] for f in session.scalars(select(OrderReview.facts))]
    changed = sum(1 for d in due if d in (3, 4))
    assert changed > 0, "the tiny plant should hold orders due in 3 or 4 days"
    # Every stored order due in 3 or 4 days now fires URGENT-DUE (counted by hand from the stored facts).
    urgent = next(line.split() for line in result.output.splitlines() if line.startswith("URGENT-DUE"))
    assert int(urgent[2]) - int(urgent[1]) == changed and urgent[3] == f"+{changed}"
    assert "would change tier" in result.output


def _activate_edited_reserve(db: Engine, folder: Path) -> str:
    """Reload a copy whose rush reserve is edited, store the revision as reloadRules does; its version."""
    rush_free = folder / "capacity_policy.yaml"
    rush_free.write_text(rush_free.read_text() + "\n# reviewed by the planners\n")
    book, revision = RulesInForce(LiveRules(folder)).activate(actor="admin:test")
    with Session(db) as session:
        session.add(revision)
        session.commit()
    return book.version


def test_commands_decide_with_the_activated_revision_not_the_folder(db: Engine, tmp_path: Path) -> None:
    """Input tried: a revision activated, then the folder edited without a reload, then broken (a typo)."""
    from domain.rules_sync import rulebook_in_force

    folder = _copy_rules(tmp_path / "rules")
    with Session(db) as session:
        assert rulebook_in_force(session, folder).version == LiveRules(folder).current.version  # no revision yet
    activated = _activate_edited_reserve(db, folder)
    (folder / "review.yaml").write_text("rules: [unclosed\n")  # left on disk by a refused reload
    with Session(db) as session:
        assert rulebook_in_force(session, folder).version == activated


def test_a_server_starts_with_the_activated_revision_when_the_folder_is_broken(
    db: Engine, db_url: str, tmp_path: Path
) -> None:
    from domain.rules_sync import rules_at_start

    folder = _copy_rules(tmp_path / "rules")
    activated = _activate_edited_reserve(db, folder)
    (folder / "review.yaml").write_text("rules: [unclosed\n")
    assert rules_at_start(db_url, folder).current.version == activated
    with pytest.raises(RulesError):
        LiveRules(folder)  # what the server did before: it would not start


def test_a_server_starts_when_the_folder_broke_before_any_reload(db: Engine, db_url: str, tmp_path: Path) -> None:
    """Input tried: a first start (no revision stored), review.yaml then broken without any reload, a second start
    (a worker uvicorn restarts). Found by bench/faults.py: the restarted worker failed to build its app, for ever."""
    from domain.rules_sync import rules_at_start

    folder = _copy_rules(tmp_path / "rules")
    first = rules_at_start(db_url, folder).current.version
    (folder / "review.yaml").write_text("rules: [unclosed\n")
    assert rules_at_start(db_url, folder).current.version == first
