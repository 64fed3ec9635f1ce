"""`sop rules test|backtest`: invalid input is refused in one message, and a count says what did not run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cli import cli
from domain.config import DEFAULT_RULES_DIR
from domain.db import session_scope
from domain.models import OrderReview, ReviewDecision, RuleRevision
from tests.factories import make_customer, make_order


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
    result = _sop(["rules", "backtest", "--candidate", str(DEFAULT_RULES_DIR), "--facts", str(facts),
                   "--rule-set", "review", "--live", str(DEFAULT_RULES_DIR)], "sqlite://")
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


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def _urgent_within(folder: Path, days: int) -> None:
    """rush.yaml's URGENT-DUE made to mean 'due in less than `days` days' (its example moved along)."""
    text = (folder / "rush.yaml").read_text()
    current = text.split("when: order.days_to_due < ", 1)[1].split("\n", 1)[0]
    _edit(folder / "rush.yaml", f"when: order.days_to_due < {current}", f"when: order.days_to_due < {days}")
    _edit(folder / "rush.yaml", f"facts: {{order.days_to_due: {current}}}", f"facts: {{order.days_to_due: {days}}}")


def _rush_facts(tmp_path: Path) -> Path:
    facts = tmp_path / "orders.jsonl"
    facts.write_text("".join(json.dumps({"key": f"SO-{d}", "facts": {
        "order.amount": 100.0, "order.days_to_due": d, "customer.tier": "REGULAR"}}) + "\n" for d in range(8)))
    return facts


def test_backtest_compares_with_the_stored_revision_in_force_not_the_folder(db: Engine, db_url: str,
                                                                            tmp_path: Path) -> None:
    """Input tried: rush days 3 -> 5 reloaded (the rules in force), then the same folder edited to 7, backtested.

    Before: live meant the folder on disk, so the edited folder was compared with itself ("0 changes")."""
    rules = _rules_copy(tmp_path / "rules")
    _urgent_within(rules, 5)
    reloaded = _sop(["rules", "reload"], db_url, rules)
    assert reloaded.exit_code == 0, reloaded.output
    in_force = reloaded.stdout.split()[1]
    _urgent_within(rules, 7)
    result = _sop(["rules", "backtest", "--facts", str(_rush_facts(tmp_path))], db_url, rules)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"live:      {in_force}  the rules in force, revision ")
    assert " activated by cli on " in lines[0]
    assert lines[1].startswith("candidate: ") and lines[1].endswith(f"the folder {rules}")
    assert "2 orders would change tier" in result.stdout  # SO-5 and SO-6: urgent under 7 days, not under 5
    assert [line.split()[0] for line in lines if line.startswith("  SO-")] == ["SO-5", "SO-6"]


def test_backtest_says_when_the_database_holds_no_revision(db: Engine, db_url: str, tmp_path: Path) -> None:
    """Input tried: a copy edited and backtested on a database where nobody has reloaded the rules yet."""
    candidate = _rules_copy(tmp_path / "candidate")
    _urgent_within(candidate, 5)
    result = _sop(["rules", "backtest", "--folder", str(candidate), "--facts", str(_rush_facts(tmp_path))], db_url)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0].endswith(
        f"the rules folder {DEFAULT_RULES_DIR}, used as the rules in force: the database holds no rules revision "
        "yet (the server has not started and no `sop rules reload` ran), so the server decides with this folder")
    assert "2 orders would change tier" in result.stdout


def test_reload_takes_the_folder_after_the_sub_command(db: Engine, db_url: str, tmp_path: Path) -> None:
    """Input tried: `sop rules reload --folder COPY` (click refused the option after the sub-command)."""
    rules = _rules_copy(tmp_path / "rules")
    _urgent_within(rules, 5)
    result = _sop(["rules", "reload", "--folder", str(rules)], db_url)
    assert result.exit_code == 0, result.output
    with Session(db) as session:
        assert session.scalars(select(RuleRevision.version)).all() == [result.stdout.split()[1]]


def test_backtest_of_stored_reviews_words_criteria_with_the_figures_the_review_kept(
        db: Engine, db_url: str, tmp_path: Path) -> None:
    """Input tried: MATERIAL-SHORT reworded in a copy, backtested on a stored review short of M-0304.

    The stored review kept the component's figures (domain/orders/persist.py), so the candidate's message names
    the component as the service would."""
    short = "M-0304 short by 1,406 pcs until 2026-12-18 (receipt 3,000)"
    with session_scope(db) as s:
        order = make_order(s, make_customer(s, "C-SHORT"), code="SO-SHORT")
        s.add(OrderReview(
            order_id=order.id, decision=ReviewDecision.PROPOSE_DATE, fired_rules=[], rules_version="x",
            proposed_date=None, proposed_deliveries=[],
            criteria=[{"criterion": "MATERIAL", "passed": False, "message": "...", "details": short}],
            facts={"customer.tier": "REGULAR", "margin.pct": 30.0, "product.maturity": "PROVEN", "capacity.fits": True,
                   "capacity.days_late": 0, "capacity.splittable_share": 1.0, "material.fits": False}))
    rules = _rules_copy(tmp_path / "rules")
    _edit(rules / "review.yaml", "description: Key components are short and do not arrive in time.",
          "description: A key component arrives after production needs it.")
    result = _sop(["rules", "backtest", "--live", str(DEFAULT_RULES_DIR), "--folder", str(rules)], db_url, rules)
    assert result.exit_code == 0, result.output
    assert "1 more orders would change a criterion's verdict or figures" in result.stdout
    assert (f"      MATERIAL fail -> fail: A key component arrives after production needs it: {short}"
            in result.stdout.splitlines())
