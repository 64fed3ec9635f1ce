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
