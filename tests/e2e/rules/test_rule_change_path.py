"""The rule change of rules/README.md, end to end through `sop`: copy, edit, check, test, backtest, reload."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner, Result
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from cli import cli
from domain.config import DEFAULT_RULES_DIR
from domain.demo import DemoSize, load_demo
from domain.models import OrderReview


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1))


def test_a_rush_change_from_copy_to_rules_in_force(db: Engine, db_url: str, tmp_path: Path) -> None:
    """A planner makes orders due in under 5 days urgent (was 3), as rules/README.md says, step by step."""
    load_demo(db, DemoSize("tiny", products=8, families=2, lines=2, customers=6, orders=120), seed=3)
    served = tmp_path / "rules"  # the folder the server reads (SOP_RULES_DIR)
    served.mkdir()
    for path in DEFAULT_RULES_DIR.glob("*.yaml"):
        shutil.copy(path, served)

    def sop(*args: str) -> Result:
        return CliRunner().invoke(cli, list(args), env={"SOP_DATABASE_URL": db_url, "SOP_RULES_DIR": str(served)})

    reloaded = sop("rules", "reload")
    assert reloaded.exit_code == 0, reloaded.output
    in_force = reloaded.stdout.split()[1]

    # 1. copy and edit: mkdir ~/rules-edit && cp rules/*.yaml ~/rules-edit/
    edited = tmp_path / "rules-edit"
    edited.mkdir()
    for path in served.glob("*.yaml"):
        shutil.copy(path, edited)
    _edit(edited / "rush.yaml", "when: order.days_to_due < 3", "when: order.days_to_due < 5")
    _edit(edited / "rush.yaml", "facts: {order.days_to_due: 3}", "facts: {order.days_to_due: 5}")

    # 2. check and 3. test
    checked = sop("rules", "check", "--folder", str(edited))
    assert checked.exit_code == 0 and checked.stdout.startswith("ok: 6 rule sets"), checked.output
    tested = sop("rules", "test", "--folder", str(edited))
    assert tested.exit_code == 0 and "29/29 examples passed" in tested.stdout, tested.output

    # 4. backtest against the rules in force: the rush set, and only it, with its changes
    backtest = sop("rules", "backtest", "--folder", str(edited))
    assert backtest.exit_code == 0, backtest.output
    lines = backtest.stdout.splitlines()
    assert lines[0].startswith(f"live:      {in_force}  the rules in force, revision ")
    assert "unchanged: review, priority, capacity_policy, cost_allocation, scorecards" in lines
    with Session(db) as session:
        due = [facts["order.days_to_due"] for facts in session.scalars(select(OrderReview.facts))]
    newly_urgent = sum(1 for days in due if days in (3, 4))
    assert newly_urgent > 0, "the tiny plant should hold orders due in 3 or 4 days"
    urgent = next(line.split() for line in lines if line.startswith("URGENT-DUE"))
    assert urgent[3] == f"+{newly_urgent}"
    assert "would change tier" in backtest.stdout

    # a half-edit on the way: KEY's minimum margin lowered in MARGIN-KEY only is refused by check
    key_minimum = "        - customer.tier == KEY\n        - margin.pct < {}"
    _edit(edited / "review.yaml", key_minimum.format(15), key_minimum.format(10))
    half = sop("rules", "check", "--folder", str(edited))
    assert half.exit_code == 1
    assert half.stderr.startswith("review.yaml:55: margin.pct >= 10 and < 15 for customer.tier KEY gets no MARGIN "
                                  "verdict (rules MARGIN-KEY at line 55 and MARGIN-OK at line 73)")
    _edit(edited / "review.yaml", key_minimum.format(10), key_minimum.format(15))  # undone

    # 6. reload: the copy goes into the rules folder and in force; nothing differs any more
    for path in edited.glob("*.yaml"):
        shutil.copy(path, served)
    reloaded = sop("rules", "reload")
    assert reloaded.exit_code == 0, reloaded.output
    after = sop("rules", "backtest", "--folder", str(edited))
    assert after.exit_code == 0 and after.stdout.splitlines()[-1].startswith("no rule set differs"), after.output
