"""`sop rules check` flags fact values for which no rule gives a review criterion its verdict."""

from __future__ import annotations

import operator
import pathlib

import pytest
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st

from rules import RulesError, load_rulebook
from rules.coverage import coverage_problems
from rules.spec import read_rule_file
from tests.unit.rules.conftest import edit

GAP = "no rule passes or fails MARGIN there, so such an order passes MARGIN unchecked; make the conditions meet"


def errors_of(folder: pathlib.Path) -> list[str]:
    with pytest.raises(RulesError) as raised:
        load_rulebook(folder)
    return [str(error) for error in raised.value.errors]


def test_the_shipped_review_rules_leave_no_gap(rules_copy: pathlib.Path) -> None:
    spec, errors = read_rule_file("review.yaml", (rules_copy / "review.yaml").read_text())
    assert errors == [] and spec is not None
    assert coverage_problems("review", spec.rules) == []


def test_a_half_edited_margin_threshold_is_flagged_with_its_rules_and_range(rules_copy: pathlib.Path) -> None:
    """Input tried: KEY's minimum margin lowered to 10% in MARGIN-KEY only (MARGIN-OK still says 15).

    Before: `sop rules check` said ok, and a key customer's order at 12% passed MARGIN with "no rule found a
    problem"."""
    edit(rules_copy, "review.yaml", "        - margin.pct < 15", "        - margin.pct < 10")
    assert errors_of(rules_copy) == [
        "review.yaml:55: margin.pct >= 10 and < 15 for customer.tier KEY gets no MARGIN verdict (rules MARGIN-KEY "
        f"at line 55 and MARGIN-OK at line 73): {GAP}"]


def test_a_gap_of_one_value_is_flagged(rules_copy: pathlib.Path) -> None:
    """Input tried: MARGIN-OK's `>= 15` for KEY written `> 15`: exactly 15% got no verdict."""
    edit(rules_copy, "review.yaml", "all: [customer.tier == KEY, margin.pct >= 15]",
         "all: [customer.tier == KEY, margin.pct > 15]")
    assert errors_of(rules_copy)[0].startswith("review.yaml:55: margin.pct == 15 for customer.tier KEY gets no "
                                               "MARGIN verdict")


def test_a_tier_left_without_a_fail_rule_is_flagged_for_that_tier_only(rules_copy: pathlib.Path) -> None:
    """Input tried: MARGIN-REGULAR's tier changed to KEY by mistake: regular customers under 20% got no verdict."""
    edit(rules_copy, "review.yaml", "        - customer.tier == REGULAR\n        - margin.pct < 20",
         "        - customer.tier == KEY\n        - margin.pct < 20")
    assert errors_of(rules_copy) == [
        f"review.yaml:73: margin.pct < 20 for customer.tier REGULAR gets no MARGIN verdict (rule MARGIN-OK at "
        f"line 73): {GAP}"]


def test_tiers_with_the_same_gap_are_named_in_one_line(rules_copy: pathlib.Path) -> None:
    """Input tried: KEY's minimum raised to 20% in MARGIN-KEY, and MARGIN-OK wanting 25% of KEY and REGULAR."""
    edit(rules_copy, "review.yaml", "        - margin.pct < 15", "        - margin.pct < 20")
    for tier in ("KEY", "REGULAR"):
        old = "15" if tier == "KEY" else "20"
        edit(rules_copy, "review.yaml", f"all: [customer.tier == {tier}, margin.pct >= {old}]",
             f"all: [customer.tier == {tier}, margin.pct >= 25]")
    assert errors_of(rules_copy) == [
        "review.yaml:55: margin.pct >= 20 and < 25 for customer.tier KEY or REGULAR gets no MARGIN verdict (rules "
        f"MARGIN-KEY at line 55, MARGIN-REGULAR at line 64 and MARGIN-OK at line 73): {GAP}"]


def test_a_gap_in_a_whole_number_and_a_yes_no_fact_is_flagged(rules_copy: pathlib.Path) -> None:
    """Input tried: CAPACITY-LATE made to fail only orders more than 2 days late; 1-2 days late got no verdict."""
    edit(rules_copy, "review.yaml", "    when: capacity.fits == false\n    then:\n      - fail_criterion",
         "    when: capacity.days_late > 2\n    then:\n      - fail_criterion")
    assert errors_of(rules_copy)[0].startswith(
        "review.yaml:16: capacity.days_late <= 2 for capacity.fits false gets no CAPACITY verdict (rule "
        "CAPACITY-LATE at line 16)")


def test_overlapping_rules_and_fail_only_criteria_are_not_gaps(rules_copy: pathlib.Path) -> None:
    """Overlaps are settled (a fail wins); a criterion with only fail rules passes by design where none fails."""
    edit(rules_copy, "review.yaml", "        - margin.pct < 15", "        - margin.pct < 18")
    load_rulebook(rules_copy)
    edit(rules_copy, "review.yaml", "      - pass_criterion: {criterion: CAPACITY}",
         "      - pass_criterion: {criterion: MATERIAL}")
    edit(rules_copy, "review.yaml", "    when: capacity.fits == false\n    then:\n      - fail_criterion",
         "    when: capacity.days_late > 2\n    then:\n      - fail_criterion")
    load_rulebook(rules_copy)


THRESHOLDS = st.sampled_from([-5, 0, 0.5, 10, 12.5, 15, 20])
OPERATORS = st.sampled_from(["<", "<=", ">", ">=", "==", "!="])
TIERS = ("STRATEGIC", "KEY", "REGULAR")


@st.composite
def margin_rules(draw: st.DrawFn) -> list[tuple[str | None, str, float, str]]:
    """2-4 rules (tier or none, operator, threshold, pass/fail) on margin.pct, at least one pass and one fail."""
    rules = draw(st.lists(st.tuples(st.one_of(st.none(), st.sampled_from(TIERS)), OPERATORS, THRESHOLDS,
                                    st.sampled_from(["pass", "fail"])), min_size=2, max_size=4))
    assume({rule[3] for rule in rules} == {"pass", "fail"})
    return rules


def _review_file(rules: list[tuple[str | None, str, float, str]]) -> str:
    lines = ["rule_set: review", "description: coverage", "rules:"]
    for index, (tier, op, threshold, verdict) in enumerate(rules):
        when = [f"margin.pct {op} {threshold}"] + ([f"customer.tier == {tier}"] if tier else [])
        lines += [f"  - id: R{index}", "    description: a rule", f"    when: [{', '.join(when)}]",
                  f"    then: [{{{verdict}_criterion: {{criterion: MARGIN}}}}]"]
    lines += ["  - id: DEFAULT", "    description: default", "    then: [{decide: {outcome: ACCEPT}}]"]
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None)
@given(margin_rules())
def test_a_gap_is_reported_exactly_when_some_margin_and_tier_gets_no_rule(
        rules: list[tuple[str | None, str, float, str]]) -> None:
    """Hypothesis: random pass/fail margin rules; a dense grid of margins (the thresholds, between and beyond)."""
    _, errors = read_rule_file("review.yaml", _review_file(rules))
    problems = [error.message for error in errors if "gets no MARGIN verdict" in error.message]
    event("gap" if problems else "covered")
    grid = sorted({value + step for value in (-5, 0, 0.5, 10, 12.5, 15, 20) for step in (-0.3, 0, 0.3)})
    checks = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
              "!=": operator.ne}
    uncovered = [(tier, margin) for tier in TIERS for margin in grid
                 if not any((rule_tier in (None, tier)) and checks[op](margin, threshold)
                            for rule_tier, op, threshold, _ in rules)]
    assert bool(problems) == bool(uncovered), (problems, uncovered[:5])
    for tier, margin in uncovered:  # each uncovered grid point is named under its tier
        assert any(tier in message or "customer.tier" not in message for message in problems), (tier, margin)
