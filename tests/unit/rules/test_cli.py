"""`sop rules check|test|backtest` through click: exit codes and file:line errors."""

from __future__ import annotations

import json
import pathlib

from click.testing import CliRunner

from rules import load_rulebook
from rules.cli import rules_cli
from tests.unit.rules.conftest import SHIPPED, edit


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(rules_cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_check_passes_on_the_shipped_rules(rules_copy: pathlib.Path) -> None:
    code, out, _ = run("--folder", str(rules_copy), "check")
    assert code == 0 and out.startswith("ok: 6 rule sets, version ")


def test_check_reports_file_line_and_exits_1(rules_copy: pathlib.Path) -> None:
    edit(rules_copy, "review.yaml", "        - margin.pct < 15", "        - margn.pct < 15")
    code, _, err = run("--folder", str(rules_copy), "check")
    assert code == 1
    assert "review.yaml:60: rule MARGIN-KEY: unknown field 'margn.pct' (did you mean 'margin.pct'?)" in err


def test_check_of_named_files_shows_their_paths(rules_copy: pathlib.Path) -> None:
    edit(rules_copy, "rush.yaml", "order.amount > 50000", "order.amount > lots")
    path = str(rules_copy / "rush.yaml")
    code, _, err = run("check", path)
    assert code == 1 and err.startswith(f"{path}:")
    code, out, _ = run("check", str(rules_copy / "review.yaml"))
    assert code == 0 and "13 example(s) passed" in out


def test_test_prints_a_table_and_fails_on_a_broken_example(rules_copy: pathlib.Path) -> None:
    code, out, _ = run("--folder", str(rules_copy), "test")
    assert code == 0 and "29/29 examples passed" in out and "due in 2 days is urgent" in out
    edit(rules_copy, "rush.yaml", "when: order.days_to_due < 3", "when: order.days_to_due < 1")
    code, out, _ = run("--folder", str(rules_copy), "test")
    assert code == 1 and "FAIL  expected rush true, got false" in out and "27/29 examples passed" in out


def test_backtest_prints_changes_per_rule_and_order(rules_copy: pathlib.Path, tmp_path: pathlib.Path) -> None:
    live = tmp_path / "live"
    live.mkdir()
    for path in rules_copy.glob("*.yaml"):
        (live / path.name).write_text(path.read_text())
    edit(rules_copy, "rush.yaml", "when: order.days_to_due < 3", "when: order.days_to_due < 5")
    edit(rules_copy, "rush.yaml", "facts: {order.days_to_due: 3}", "facts: {order.days_to_due: 5}")
    facts = tmp_path / "orders.jsonl"
    rows = [{"key": f"SO-{d}", "facts": {"order.amount": 100.0, "order.days_to_due": d, "customer.tier": "KEY"}}
            for d in range(6)]
    facts.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    code, out, _ = run("backtest", "--live", str(live), "--folder", str(rules_copy), "--facts", str(facts),
                       "--rule-set", "rush")
    assert code == 0, out
    assert "2 orders would change tier" in out and "SO-4" in out and "URGENT-DUE" in out


def test_folder_is_accepted_after_the_sub_command(rules_copy: pathlib.Path) -> None:
    """Input tried: `sop rules check --folder COPY` (click answered "No such option: --folder")."""
    edit(rules_copy, "rush.yaml", "when: order.days_to_due < 3", "when: order.days_to_due < 1")
    for args in (["check", "--folder", str(rules_copy)], ["--folder", str(rules_copy), "check"]):
        code, _, err = run(*args)
        assert code == 1 and "rush.yaml:" in err, args
    code, out, _ = run("test", "--folder", str(rules_copy))
    assert code == 1 and "27/29 examples passed" in out


def test_folder_given_twice_differently_is_refused(rules_copy: pathlib.Path, tmp_path: pathlib.Path) -> None:
    """Input tried: `sop rules --folder A check --folder B`: which one was checked would be a guess."""
    code, _, err = run("--folder", str(tmp_path), "check", "--folder", str(rules_copy))
    assert code == 2 and "--folder is given twice" in err
    code, out, _ = run("--folder", str(rules_copy), "check", "--folder", str(rules_copy))
    assert code == 0 and out.startswith("ok: 6 rule sets")


def _facts_file(tmp_path: pathlib.Path) -> pathlib.Path:
    facts = tmp_path / "orders.jsonl"
    rows = [{"key": f"SO-{d}", "facts": {"order.amount": 100.0, "order.days_to_due": d, "customer.tier": "KEY"}}
            for d in range(6)]
    facts.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    return facts


def test_backtest_covers_every_rule_set_that_differs(rules_copy: pathlib.Path, tmp_path: pathlib.Path) -> None:
    """Input tried: rush.yaml's urgent days 3 -> 5 and the rush reserve 12% -> 15%, backtested without --rule-set.

    Before: only review.yaml was replayed, and every rush rule showed +0."""
    edit(rules_copy, "rush.yaml", "when: order.days_to_due < 3", "when: order.days_to_due < 5")
    edit(rules_copy, "rush.yaml", "facts: {order.days_to_due: 3}", "facts: {order.days_to_due: 5}")
    edit(rules_copy, "capacity_policy.yaml", "reserve_share: {percent: 12,", "reserve_share: {percent: 15,")
    edit(rules_copy, "capacity_policy.yaml", "expect: {reserve_share: 0.12,", "expect: {reserve_share: 0.15,")
    code, out, err = run("backtest", "--folder", str(rules_copy), "--facts", str(_facts_file(tmp_path)))
    assert (code, err) == (0, ""), out
    assert "unchanged: review, priority, cost_allocation, scorecards" in out.splitlines()
    assert "backtest of rush:" in out and "backtest of review" not in out
    assert "2 orders would change tier" in out and "SO-4" in out
    assert "settings of capacity_policy: 1 would change" in out
    assert [line.split() for line in out.splitlines() if "reserve_share" in line] == [
        ["reserve_share", "0.12", "->", "0.15"]]


def test_backtest_of_a_rule_set_the_facts_do_not_fit_says_so_and_still_reports_the_others(
        rules_copy: pathlib.Path, tmp_path: pathlib.Path) -> None:
    """Input tried: cost_allocation.yaml and rush.yaml edited, replayed on facts that hold no adjustment.cost."""
    edit(rules_copy, "rush.yaml", "when: order.days_to_due < 3", "when: order.days_to_due < 5")
    edit(rules_copy, "rush.yaml", "facts: {order.days_to_due: 3}", "facts: {order.days_to_due: 5}")
    edit(rules_copy, "cost_allocation.yaml", "# Forecast-error", "# Reviewed. Forecast-error")
    code, out, err = run("backtest", "--folder", str(rules_copy), "--facts", str(_facts_file(tmp_path)))
    assert code == 1 and "2 orders would change tier" in out
    assert err.startswith("Error: facts of SO-0 do not fit the cost_allocation rule set: ")


def test_backtest_of_the_rules_in_force_against_themselves_says_nothing_differs() -> None:
    """Input tried: `sop rules backtest` on the folder the service reads, with no database to ask.

    Before: "live b529... vs candidate b529..., 0 changes", as if an edit changed nothing."""
    code, out, _ = run("backtest")
    assert code == 0
    assert "used as the rules in force: no database is reachable from here" in out.splitlines()[0]
    assert out.splitlines()[-1] == ("no rule set differs: the candidate holds the rules in force. Edit a copy of "
                                    "the rules folder and give it with --folder COPY")


def test_backtest_falls_back_to_the_folder_when_the_stored_revision_does_not_load(rules_copy: pathlib.Path,
                                                                                  tmp_path: pathlib.Path) -> None:
    """Input tried: a stored revision from an older release whose review.yaml no longer loads (the server then
    decides with the rules folder, domain/rules_sync.py), so the backtest compares with that folder and says why."""
    edit(rules_copy, "rush.yaml", "when: order.days_to_due < 3", "when: order.days_to_due < 5")
    edit(rules_copy, "rush.yaml", "facts: {order.days_to_due: 3}", "facts: {order.days_to_due: 5}")
    stored = {path.name: path.read_text() for path in SHIPPED.glob("*.yaml")} | {"review.yaml": "rules: [old\n"}
    result = CliRunner().invoke(rules_cli, ["backtest", "--folder", str(rules_copy), "--facts",
                                            str(_facts_file(tmp_path))],
                                obj={"rules_dir": SHIPPED, "rules_in_force": lambda: (stored, "revision 7")})
    assert result.exit_code == 0, result.output
    first = result.stdout.splitlines()[0]
    assert first.startswith(f"live:      {load_rulebook(SHIPPED).version}  the rules folder {SHIPPED}, used as the "
                            "rules in force: the stored revision does not load with this release (review.yaml:")
    assert "2 orders would change tier" in result.stdout


def test_backtest_of_review_shows_the_criteria_that_change_with_their_figures(rules_copy: pathlib.Path,
                                                                             tmp_path: pathlib.Path) -> None:
    """Input tried: the strategic margin minimum 10% -> 8% and MATERIAL-SHORT reworded, on two stored reviews.

    The candidate's messages are worded as the service would word them: the rule's figures, then the figures
    the review stored (the component short)."""
    live = tmp_path / "live"
    live.mkdir()
    for path in rules_copy.glob("*.yaml"):
        (live / path.name).write_text(path.read_text())
    edit(rules_copy, "review.yaml", "- margin.pct < 10", "- margin.pct < 8")
    edit(rules_copy, "review.yaml", "customer.tier == STRATEGIC, margin.pct >= 10",
         "customer.tier == STRATEGIC, margin.pct >= 8")
    edit(rules_copy, "review.yaml", "description: Key components are short and do not arrive in time.",
         "description: A key component arrives after production needs it.")
    base = {"customer.tier": "STRATEGIC", "product.maturity": "PROVEN", "capacity.fits": True,
            "capacity.days_late": 0, "capacity.splittable_share": 1.0, "material.fits": True}
    short = "M-0304 short by 1,406 pcs until 2026-12-18 (receipt 3,000)"
    rows = [{"key": "SO-9", "facts": {**base, "margin.pct": 9.0}},
            {"key": "SO-SHORT", "facts": {**base, "margin.pct": 30.0, "material.fits": False},
             "details": {"MATERIAL": short}}]
    facts = tmp_path / "reviews.jsonl"
    facts.write_text("\n".join(json.dumps(row) for row in rows) + "\n")
    code, out, _ = run("backtest", "--live", str(live), "--folder", str(rules_copy), "--facts", str(facts),
                       "--rule-set", "review")
    assert code == 0, out
    assert "0 orders would change decision" in out
    assert "2 more orders would change a criterion's verdict or figures" in out
    assert ("      MARGIN fail -> pass: Gross margin reaches the minimum of the customer's tier: "
            "margin 9 % >= 8 % for STRATEGIC") in out.splitlines()
    assert (f"      MATERIAL fail -> fail: A key component arrives after production needs it: {short}"
            in out.splitlines())
