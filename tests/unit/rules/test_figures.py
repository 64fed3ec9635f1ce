"""Review criteria carry the figures that decided them, with the threshold the rule file holds."""

from __future__ import annotations

import pathlib

from rules import RuleBook, load_rulebook
from rules.figures import criterion_message, show
from tests.unit.rules.conftest import REGULAR_ORDER, edit


def test_a_strategic_margin_below_its_minimum_names_margin_threshold_and_tier(book: RuleBook) -> None:
    margin = book.review({**REGULAR_ORDER, "customer.tier": "STRATEGIC", "margin.pct": 7.2}).criteria["MARGIN"]
    assert not margin.passed
    assert margin.message == ("Gross margin below the 10% minimum for strategic customers: "
                              "margin 7.2 % < 10 % for STRATEGIC")


def test_a_passing_margin_shows_only_the_tier_part_of_the_rule_that_held(book: RuleBook) -> None:
    margin = book.review({**REGULAR_ORDER, "customer.tier": "KEY", "margin.pct": 16.0}).criteria["MARGIN"]
    assert margin.passed and margin.message.endswith(": margin 16 % >= 15 % for KEY")
    assert "STRATEGIC" not in margin.message and "REGULAR" not in margin.message


def test_a_new_process_names_the_maturity_once(book: RuleBook) -> None:
    technology = book.review({**REGULAR_ORDER, "product.maturity": "NEW"}).criteria["TECHNOLOGY"]
    # The threshold of rules/review.yaml shows with the runs made, so a reader sees how far from proven it is.
    assert technology.message == ("A new process needs validation before production: product.maturity NEW"
                                  " and product.runs_made 0 < 3")


def test_yes_no_facts_only_restate_the_verdict_and_are_left_to_the_domain(book: RuleBook) -> None:
    material = book.review({**REGULAR_ORDER, "material.fits": False}).criteria["MATERIAL"]
    assert material.message == "Key components are short and do not arrive in time."
    assert material.with_figures("M-0304 short by 1,406 pcs").message == (
        "Key components are short and do not arrive in time: M-0304 short by 1,406 pcs")


def test_editing_a_threshold_in_a_copy_changes_the_number_in_the_message(rules_copy: pathlib.Path) -> None:
    """A business user lowers the strategic minimum from 10% to 8% in both rules that hold it."""
    edit(rules_copy, "review.yaml", "- margin.pct < 10", "- margin.pct < 8")
    edit(rules_copy, "review.yaml", "customer.tier == STRATEGIC, margin.pct >= 10",
         "customer.tier == STRATEGIC, margin.pct >= 8")
    edited = load_rulebook(rules_copy)
    try:
        below = edited.review({**REGULAR_ORDER, "customer.tier": "STRATEGIC", "margin.pct": 7.2}).criteria["MARGIN"]
        above = edited.review({**REGULAR_ORDER, "customer.tier": "STRATEGIC", "margin.pct": 9.0}).criteria["MARGIN"]
    finally:
        edited.close()
    assert below.message.endswith("margin 7.2 % < 8 % for STRATEGIC")
    assert above.passed and above.message.endswith("margin 9 % >= 8 % for STRATEGIC")


def test_figures_read_as_people_write_them() -> None:
    assert [show(v) for v in (1406.0, 7.2, 7.19999, 3000, 0.5, "KEY", True)] == [
        "1,406", "7.2", "7.2", "3,000", "0.5", "KEY", "yes"]
    assert criterion_message("Short.", []) == "Short."
    assert criterion_message("Short.", ["", "a", "b"]) == "Short: a; b"
