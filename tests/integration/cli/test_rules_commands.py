"""`sop rules test|backtest`: invalid input is refused in one message, and a count says what did not run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from domain.cli import cli
from domain.config import DEFAULT_RULES_DIR


def _rules_copy(target: Path) -> Path:
    shutil.copytree(DEFAULT_RULES_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__", "*.md"))
    return target


def _sop(args: list[str], url: str, rules_dir: Path = DEFAULT_RULES_DIR) -> Result:
    return CliRunner().invoke(cli, args, env={"SOP_DATABASE_URL": url, "SOP_RULES_DIR": str(rules_dir)})


def test_rules_test_says_the_examples_of_an_invalid_file_did_not_run(tmp_path: Path) -> None:
    """Input tried: review.yaml replaced by text that is not YAML (the summary said "16/16 examples passed")."""
    rules = _rules_copy(tmp_path / "rules")
    (rules / "review.yaml").write_text("rules: [unclosed\n")
    result = _sop(["rules", "test"], "sqlite://", rules)
    assert result.exit_code == 1
    summary = result.stdout.splitlines()[-1]
    assert summary == "16/16 examples passed; not run: the examples of review.yaml (the file does not load)"
    assert result.stderr.startswith("review.yaml:")


def test_backtest_with_incomplete_facts_names_the_row(tmp_path: Path) -> None:
    """Input tried: a --facts line holding only order.days_to_due for the review rule set (InvalidFacts traceback)."""
    facts = tmp_path / "orders.jsonl"
    facts.write_text(json.dumps({"customer.tier": "KEY", "margin.pct": 20.0, "product.maturity": "PROVEN",
                                 "capacity.fits": True, "capacity.days_late": 0, "capacity.splittable_share": 1.0,
                                 "material.fits": True}) + "\n" + json.dumps({"order.days_to_due": 3}) + "\n")
    result = _sop(["rules", "backtest", "--candidate", str(DEFAULT_RULES_DIR), "--facts", str(facts)], "sqlite://")
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("Error: facts of orders.jsonl:2 do not fit the review rule set: ")
    assert "capacity.fits" in result.stderr and result.exception is not None
    assert isinstance(result.exception, SystemExit)


@pytest.mark.parametrize(("args", "message"), [
    (["--from", "2026-11-01", "--to", "2026-10-01"], "Invalid value for --to: the period is empty"),
    (["--from", "2026-11-01", "--to", "2026-11-01"], "Invalid value for --to: the period is empty"),
])
def test_backtest_refuses_an_empty_period(args: list[str], message: str, db_url: str) -> None:
    """Inputs tried: --from after --to and --from equal to --to (0 orders were replayed without a word)."""
    result = _sop(["rules", "backtest", "--candidate", str(DEFAULT_RULES_DIR), *args], db_url)
    assert result.exit_code == 2 and message in result.stderr


def test_backtest_refuses_from_to_with_a_facts_file(tmp_path: Path) -> None:
    """Input tried: --facts FILE with --from (the days were ignored without a word)."""
    facts = tmp_path / "orders.jsonl"
    facts.write_text("{}\n")
    result = _sop(["rules", "backtest", "--candidate", str(DEFAULT_RULES_DIR), "--facts", str(facts),
                   "--from", "2026-01-01"], "sqlite://")
    assert result.exit_code == 2 and "--from and --to choose stored orders" in result.stderr
