"""Broken rule files are refused with file:line, the rule id and a suggestion; nothing half-loads."""

from __future__ import annotations

import pathlib

import pytest

from rules import RuleFileError, RulesError, load_rulebook
from rules.book import compile_files
from tests.unit.rules.conftest import edit


def line_of(folder: pathlib.Path, file: str, text: str) -> int:
    lines = (folder / file).read_text().splitlines()
    return next(number for number, line in enumerate(lines, start=1) if text in line)


def errors_of(folder: pathlib.Path) -> list[str]:
    with pytest.raises(RulesError) as raised:
        load_rulebook(folder)
    return [str(error) for error in raised.value.errors]


def test_error_text_has_file_line_rule_and_message() -> None:
    error = RuleFileError("review.yaml", 14, "MARGIN-KEY", "unknown field 'margn.pct' (did you mean 'margin.pct'?)")
    assert str(error) == "review.yaml:14: rule MARGIN-KEY: unknown field 'margn.pct' (did you mean 'margin.pct'?)"


def test_typo_in_a_field_suggests_the_nearest_name(rules_copy: pathlib.Path) -> None:
    edit(rules_copy, "review.yaml", "        - margin.pct < 15", "        - margn.pct < 15")
    line = line_of(rules_copy, "review.yaml", "margn.pct < 15")
    assert errors_of(rules_copy) == [
        f"review.yaml:{line}: rule MARGIN-KEY: unknown field 'margn.pct' (did you mean 'margin.pct'?)"]


def test_unknown_action_is_named_with_the_allowed_ones(rules_copy: pathlib.Path) -> None:
    edit(rules_copy, "rush.yaml", "- mark_rush: {tier: URGENT", "- mark_rsh: {tier: URGENT")
    line = line_of(rules_copy, "rush.yaml", "mark_rsh")
    [error] = errors_of(rules_copy)
    assert error.startswith(f"rush.yaml:{line}: rule URGENT-DUE: unknown action 'mark_rsh' "
                            "(did you mean 'mark_rush'?)")


def test_action_of_another_rule_set_says_where_it_belongs(rules_copy: pathlib.Path) -> None:
    edit(rules_copy, "rush.yaml", "- mark_rush: {tier: URGENT, may_displace: true, may_be_moved: true}",
         "- decide: {outcome: ACCEPT}")
    [error] = errors_of(rules_copy)
    assert "unknown action 'decide'; 'decide' belongs to review.yaml" in error


def test_text_where_a_number_is_due(rules_copy: pathlib.Path) -> None:
    edit(rules_copy, "rush.yaml", "order.amount > 50000", "order.amount > fifty_thousand")
    line = line_of(rules_copy, "rush.yaml", "fifty_thousand")
    assert errors_of(rules_copy) == [f"rush.yaml:{line}: rule LARGE-AMOUNT: order.amount is a number (money), "
                                     "got text 'fifty_thousand'"]


def test_text_where_a_number_parameter_is_due(rules_copy: pathlib.Path) -> None:
    edit(rules_copy, "capacity_policy.yaml", "frozen_window: {days: 3}", "frozen_window: {days: three}")
    line = line_of(rules_copy, "capacity_policy.yaml", "days: three")
    assert errors_of(rules_copy) == [f"capacity_policy.yaml:{line}: rule FROZEN-WINDOW: frozen_window.days is "
                                     "a whole number, got text 'three'"]


def test_bad_yaml_gives_the_line(rules_copy: pathlib.Path) -> None:
    edit(rules_copy, "priority.yaml", "      - set_priority: {tier: P3, score: 200, margin_weight: 0.01}",
         "      - set_priority: {tier: P3, score: 200, margin_weight: 0.01")
    [error] = errors_of(rules_copy)
    assert error.startswith("priority.yaml:") and "not valid YAML" in error
    assert int(error.split(":")[1]) >= line_of(rules_copy, "priority.yaml", "tier: P3")


def test_a_failing_example_blocks_the_file(rules_copy: pathlib.Path) -> None:
    edit(rules_copy, "rush.yaml", "when: order.days_to_due < 3", "when: order.days_to_due < 1")
    line = line_of(rules_copy, "rush.yaml", "- name: due in 2 days is urgent")
    errors = errors_of(rules_copy)
    assert errors[0] == (f"rush.yaml:{line}: example 'due in 2 days is urgent': expected rush true, "
                         "got false; expected tier URGENT, got nothing; expected may_displace true, "
                         "got false (fired: none)")
    assert errors[1].endswith("expected URGENT-DUE to fire (fired: STRATEGIC-SHORT-DUE, LARGE-AMOUNT)")


@pytest.mark.parametrize(("old", "new", "message"), [
    ("customer.tier == KEY\n        - margin.pct < 15", "customer.tier == KYE\n        - margin.pct < 15",
     "customer.tier has no value 'KYE' (did you mean 'KEY'?)"),
    ("margin.pct < 15", "margin.pct =< 15", "unknown operator '=<'"),
    ("margin.pct < 15", "margin.pct between [15]", "'between' needs [low, high]"),
    ("capacity.fits == false\n    then:\n      - fail", "capacity.fits > false\n    then:\n      - fail",
     "operator '>' does not apply to capacity.fits (bool)"),
    ("  - id: MARGIN-KEY", "  - id: MARGIN-STRATEGIC", "rule id is used twice"),
    ("  - id: MARGIN-KEY", "  - id: margin key", "rule id must be capitals"),
    ("    priority: 90", "    priorty: 90", "unknown rule key 'priorty' (did you mean 'priority'?)"),
    ("- decide: {outcome: SPLIT}", "- decide: {outcome: SPILT}", "got text 'SPILT' (did you mean 'SPLIT'?)"),
    ("- decide: {outcome: SPLIT}", "- decide: {outcom: SPLIT}", "no parameter 'outcom' (did you mean 'outcome'?)"),
    ("      any:\n        - all: [customer.tier == STRATEGIC",
     "      anny:\n        - all: [customer.tier == STRATEGIC", "unknown combinator 'anny' (did you mean 'any'?)"),
])
def test_other_mistakes_in_review_yaml(rules_copy: pathlib.Path, old: str, new: str, message: str) -> None:
    edit(rules_copy, "review.yaml", old, new)
    errors = errors_of(rules_copy)
    assert any(message in error and error.startswith("review.yaml:") for error in errors), errors


def test_a_review_without_a_default_decision_is_refused(rules_copy: pathlib.Path) -> None:
    edit(rules_copy, "review.yaml", "    priority: 0\n    then:",
         "    priority: 0\n    when: margin.pct > 1000\n    then:")
    assert any("needs a default rule without 'when' that uses decide" in e for e in errors_of(rules_copy))


def test_cost_shares_must_add_up_to_one(rules_copy: pathlib.Path) -> None:
    edit(rules_copy, "cost_allocation.yaml", "{sales_share: 0.7, production_share: 0.3}",
         "{sales_share: 0.7, production_share: 0.4}")
    assert any("sales_share + production_share must be 1, got 1.1" in e for e in errors_of(rules_copy))


def test_reserve_share_outside_its_bounds(rules_copy: pathlib.Path) -> None:
    edit(rules_copy, "capacity_policy.yaml", "percent: 12,", "percent: 18,")
    assert any("must lie between min_percent 10 and max_percent 15" in e for e in errors_of(rules_copy))


def test_scorecard_weights_must_sum_to_one(rules_copy: pathlib.Path) -> None:
    """Input tried: SALES orderFulfillmentRate weight 0.20 -> 0.25 (before: blamed on the example, line 54)."""
    edit(rules_copy, "scorecards.yaml", "kpi: orderFulfillmentRate, weight: 0.20",
         "kpi: orderFulfillmentRate, weight: 0.25")
    lines = [line_of(rules_copy, "scorecards.yaml", f"kpi: {kpi}")
             for kpi in ("orderFulfillmentRate", "forecastAccuracy", "inventoryTurnover")]
    assert errors_of(rules_copy) == [
        f"scorecards.yaml:{lines[0]}: the SALES weights add up to 1.05, they must add up to 1: "
        f"0.25 (line {lines[0]}) + 0.4 (line {lines[1]}) + 0.4 (line {lines[2]})"]


def test_a_kpi_weighted_twice_in_one_team_names_both_lines(rules_copy: pathlib.Path) -> None:
    """Input tried: PRODUCTION-COMPLAINTS given kpi planCompletionRate, which PRODUCTION already weighs."""
    edit(rules_copy, "scorecards.yaml", "team: PRODUCTION, kpi: complaintRate",
         "team: PRODUCTION, kpi: planCompletionRate")
    first = line_of(rules_copy, "scorecards.yaml", "team: PRODUCTION, kpi: planCompletionRate, weight: 0.30")
    second = line_of(rules_copy, "scorecards.yaml", "team: PRODUCTION, kpi: planCompletionRate, weight: 0.20")
    assert errors_of(rules_copy) == [f"scorecards.yaml:{second}: rule PRODUCTION-COMPLAINTS: KPI planCompletionRate "
                                     f"is weighted twice for PRODUCTION (lines {first} and {second}); keep one"]


def test_a_shared_kpi_may_sit_in_both_scorecards(rules_copy: pathlib.Path) -> None:
    """Input tried: PRODUCTION-COMPLAINTS given kpi inventoryTurnover, which SALES weighs too (a shared KPI, R12)."""
    edit(rules_copy, "scorecards.yaml", "team: PRODUCTION, kpi: complaintRate, weight: 0.20, target: 0.02, "
         "higher_is_better: false", "team: PRODUCTION, kpi: inventoryTurnover, weight: 0.20, target: 6.0, "
         "higher_is_better: true")
    teams = load_rulebook(rules_copy).scorecards().teams
    assert {"inventoryTurnover"} <= {c.kpi for c in teams["SALES"]} & {c.kpi for c in teams["PRODUCTION"]}


def test_a_company_target_set_twice_or_on_an_unknown_kpi_is_refused(rules_copy: pathlib.Path) -> None:
    """Input tried: the turnover company target renamed to revenueGrowth (set twice), then to `growth`."""
    edit(rules_copy, "scorecards.yaml", "company_target: {kpi: inventoryTurnover",
         "company_target: {kpi: revenueGrowth")
    errors = errors_of(rules_copy)
    assert len(errors) == 1 and "the company target for revenueGrowth is set twice" in errors[0], errors
    edit(rules_copy, "scorecards.yaml", "company_target: {kpi: revenueGrowth, target: 6.0",
         "company_target: {kpi: growth, target: 6.0")
    assert any("growth" in e and "revenueGrowth" in e for e in errors_of(rules_copy))


def test_a_missing_default_rule_names_the_rules_line(rules_copy: pathlib.Path) -> None:
    """Input tried: P4-OTHERS in priority.yaml given `when: margin.pct > 1000` (before: "priority.yaml: needs ...",
    no line, and two example failures)."""
    edit(rules_copy, "priority.yaml", "    description: Every other order, ranked by margin.\n",
         "    description: Every other order, ranked by margin.\n    when: margin.pct > 1000\n")
    line = line_of(rules_copy, "priority.yaml", "rules:")
    assert errors_of(rules_copy) == [f"priority.yaml:{line}: needs a default rule without 'when' that uses "
                                     "set_priority, so every order gets an answer"]


def test_a_policy_rule_with_a_condition_is_refused(rules_copy: pathlib.Path) -> None:
    """Input tried: `when: order.amount > 50000` on OVERTIME-LIMIT; the policy is read with no order's facts, so
    RuleBook.capacity_policy() would have raised on every call (before: only the example failed)."""
    edit(rules_copy, "capacity_policy.yaml", "  - id: OVERTIME-LIMIT\n",
         "  - id: OVERTIME-LIMIT\n    when: order.amount > 50000\n")
    line = line_of(rules_copy, "capacity_policy.yaml", "when: order.amount > 50000")
    assert errors_of(rules_copy) == [
        f"capacity_policy.yaml:{line}: rule OVERTIME-LIMIT: capacity_policy rules always apply: leave out 'when' "
        "(capacity_policy is read without any order's facts, so a condition could never be tested)"]


def test_a_policy_setting_given_twice_or_not_at_all(rules_copy: pathlib.Path) -> None:
    """Input tried: OVERTIME-LIMIT's action replaced by a second frozen_window (before: the example failed with
    'capacity policy must set overtime_limit', and a second frozen_window would have been ignored silently)."""
    edit(rules_copy, "capacity_policy.yaml", "      - overtime_limit: {percent: 10}",
         "      - frozen_window: {days: 2}")
    first = line_of(rules_copy, "capacity_policy.yaml", "frozen_window: {days: 3}")
    second = line_of(rules_copy, "capacity_policy.yaml", "frozen_window: {days: 2}")
    rules = line_of(rules_copy, "capacity_policy.yaml", "rules:")
    assert errors_of(rules_copy) == [
        f"capacity_policy.yaml:{second}: rule OVERTIME-LIMIT: frozen_window is set twice (lines {first} and "
        f"{second}); keep one",
        f"capacity_policy.yaml:{rules}: no rule sets overtime_limit; add one with '- overtime_limit: {{percent: ...}}'"]


def test_displacement_tiers_must_exist_in_the_other_files(rules_copy: pathlib.Path) -> None:
    edit(rules_copy, "capacity_policy.yaml", "rush_tier: URGENT, may_move: [P4]", "rush_tier: URGENT, may_move: [P5]")
    assert any("priority tier P5 is not a tier of priority.yaml" in e for e in errors_of(rules_copy))


def test_negotiated_tiers_are_checked_and_read(rules_copy: pathlib.Path) -> None:
    shipped = "rush_tier: STRATEGIC_RUSH, may_move: [P3, P4], may_split: [P3, P4]}"
    asked = "rush_tier: STRATEGIC_RUSH, may_move: [P4], may_split: [P4], negotiate: [P3], expiry_hours: 24}"
    edit(rules_copy, "capacity_policy.yaml", shipped, asked)
    edit(rules_copy, "capacity_policy.yaml", "may_move.STRATEGIC_RUSH: [P3, P4]", "may_move.STRATEGIC_RUSH: [P4]")
    rule = load_rulebook(rules_copy).capacity_policy().displacement["STRATEGIC_RUSH"]
    assert (rule.may_move, rule.negotiate, rule.expiry_hours) == ({"P4"}, {"P3"}, 24)
    edit(rules_copy, "capacity_policy.yaml", "negotiate: [P3], expiry_hours: 24", "negotiate: [P4], expiry_hours: 0")
    errors = errors_of(rules_copy)
    assert any("displacement.expiry_hours must be between 1 and 720, got 0" in e for e in errors), errors
    edit(rules_copy, "capacity_policy.yaml", "negotiate: [P4], expiry_hours: 0", "negotiate: [P4], expiry_hours: 1")
    assert any("P4 is both in may_move (moved without asking) and in negotiate (asked first)" in e
               for e in errors_of(rules_copy))
    edit(rules_copy, "capacity_policy.yaml", "negotiate: [P4], expiry_hours: 1", "negotiate: [P7], expiry_hours: 1")
    assert any("priority tier P7 is not a tier of priority.yaml" in e for e in errors_of(rules_copy))


def test_a_missing_file_is_reported(rules_copy: pathlib.Path) -> None:
    (rules_copy / "scorecards.yaml").unlink()
    assert errors_of(rules_copy) == ["scorecards.yaml: rule file missing (rule_set scorecards)"]


def test_unknown_fact_in_an_example(rules_copy: pathlib.Path) -> None:
    edit(rules_copy, "rush.yaml", "  order.amount: 10000", "  order.amout: 10000")
    assert any("unknown field 'order.amout' (did you mean 'order.amount'?)" in e for e in errors_of(rules_copy))


def test_every_error_of_a_file_is_reported_at_once(rules_copy: pathlib.Path) -> None:
    edit(rules_copy, "review.yaml", "        - margin.pct < 15", "        - margn.pct < 15")
    edit(rules_copy, "rush.yaml", "order.amount > 50000", "order.amount > lots")
    assert len(errors_of(rules_copy)) == 2


def test_one_file_can_be_checked_alone(rules_copy: pathlib.Path) -> None:
    _, errors, results = compile_files({"rush.yaml": (rules_copy / "rush.yaml").read_text()})
    assert errors == [] and len(results) == 5


def test_a_missing_rule_id_is_called_missing(rules_copy: pathlib.Path) -> None:
    """Input tried: the `id: URGENT-DUE` line of rush.yaml deleted (before: "... got None")."""
    line = line_of(rules_copy, "rush.yaml", "  - id: URGENT-DUE")
    edit(rules_copy, "rush.yaml", "  - id: URGENT-DUE\n    description", "  - description")
    assert errors_of(rules_copy) == [
        f"rush.yaml:{line}: 'id' is missing; give the rule an id in capitals, digits and dashes, like MARGIN-KEY"]


def test_a_missing_rule_set_is_called_missing_and_named(rules_copy: pathlib.Path) -> None:
    """Input tried: the `rule_set: rush` line of rush.yaml deleted (before: "rule_set must be one of ..., got None")."""
    edit(rules_copy, "rush.yaml", "rule_set: rush\n", "")
    line = line_of(rules_copy, "rush.yaml", "description: Tell rush orders apart")
    assert errors_of(rules_copy) == [f"rush.yaml:{line}: 'rule_set' is missing; start the file with 'rule_set: rush'"]


def test_a_rule_set_that_does_not_match_the_file_is_said_first_and_alone(rules_copy: pathlib.Path) -> None:
    """Input tried: `rule_set: priority` in rush.yaml (before: three "unknown action 'mark_rush'" lines)."""
    edit(rules_copy, "rush.yaml", "rule_set: rush\n", "rule_set: priority\n")
    line = line_of(rules_copy, "rush.yaml", "rule_set: priority")
    assert errors_of(rules_copy) == [
        f"rush.yaml:{line}: rule_set is 'priority' but this file holds the 'rush' rule set; "
        "write 'rule_set: rush', or put these rules in priority.yaml"]


@pytest.mark.parametrize(("file", "old", "new", "message"), [
    ("rush.yaml", "order.amount > 50000", "order.amount > .nan",
     "rule LARGE-AMOUNT: order.amount needs a plain number to compare with, got .nan (not a number)"),
    ("rush.yaml", "order.amount > 50000", "order.amount between [50000, .inf]",
     "rule LARGE-AMOUNT: order.amount needs a plain number to compare with, got .inf (infinity)"),
    ("review.yaml", "margin.pct < 15", "margin.pct < -.Inf",
     "rule MARGIN-KEY: margin.pct needs a plain number to compare with, got -.inf (infinity)"),
    ("priority.yaml", "{tier: P4, score: 100,", "{tier: P4, score: .inf,",
     "rule P4-OTHERS: set_priority.score needs a plain number, got .inf (infinity)"),
    ("priority.yaml", "  margin.pct: 20", "  margin.pct: .NaN",
     "margin.pct needs a plain number, got .nan (not a number)"),
])
def test_nan_and_infinity_are_refused_naming_the_line(rules_copy: pathlib.Path, file: str, old: str, new: str,
                                                       message: str) -> None:
    """Input tried: .nan and .inf as thresholds, as an action's number and as an example's fact.

    Before: they passed; every comparison with .nan is false, so a rule with it would silently never apply."""
    edit(rules_copy, file, old, new)
    line = line_of(rules_copy, file, new.strip())
    assert errors_of(rules_copy) == [f"{file}:{line}: {message}"]


def test_a_reserve_above_half_the_capacity_is_refused_saying_why(rules_copy: pathlib.Path) -> None:
    """Input tried: reserve_share {percent: 100, min_percent: 100, max_percent: 100} with the example expecting 1.0.

    Before: it passed check and would have held every hour of every line back for rush orders."""
    edit(rules_copy, "capacity_policy.yaml", "{percent: 12, min_percent: 10, max_percent: 15}",
         "{percent: 100, min_percent: 100, max_percent: 100}")
    edit(rules_copy, "capacity_policy.yaml", "reserve_share: 0.12, reserve_share_min: 0.10, reserve_share_max: 0.15",
         "reserve_share: 1.0, reserve_share_min: 1.0, reserve_share_max: 1.0")
    line = line_of(rules_copy, "capacity_policy.yaml", "percent: 100")
    why = ("holding back more than half of each line's capacity for rush orders leaves too little for the planned "
           "orders (the brief's range is 10-15)")
    assert errors_of(rules_copy) == [f"capacity_policy.yaml:{line}: rule RUSH-RESERVE: reserve_share.{name} must be "
                                     f"between 0 and 50, got 100: {why}"
                                     for name in ("percent", "min_percent", "max_percent")]


def test_a_reserve_of_half_the_capacity_is_still_allowed(rules_copy: pathlib.Path) -> None:
    """Input tried: reserve_share {percent: 50, min_percent: 10, max_percent: 50}: the cap is 50, not 15."""
    edit(rules_copy, "capacity_policy.yaml", "{percent: 12, min_percent: 10, max_percent: 15}",
         "{percent: 50, min_percent: 10, max_percent: 50}")
    edit(rules_copy, "capacity_policy.yaml", "reserve_share: 0.12, reserve_share_min: 0.10, reserve_share_max: 0.15",
         "reserve_share: 0.5, reserve_share_min: 0.10, reserve_share_max: 0.5")
    assert load_rulebook(rules_copy).capacity_policy().reserve_share == 0.5


def test_a_bound_with_one_side_says_at_least(rules_copy: pathlib.Path) -> None:
    """Input tried: decide delay_days -3 in review.yaml (before: "must lie between 0 and None")."""
    edit(rules_copy, "review.yaml", "decide: {outcome: PROPOSE_DATE}",
         "decide: {outcome: PROPOSE_DATE, delay_days: -3}")
    assert any("decide.delay_days must be at least 0, got -3" in error for error in errors_of(rules_copy))


def test_stock_first_may_be_left_out_but_not_given_twice(rules_copy: pathlib.Path) -> None:
    """Input tried: OVERTIME-LIMIT's action replaced by a second stock_first (a silent second answer before
    OPTIONAL_SETTINGS), then STOCK-FIRST's action replaced by overtime_limit again (no stock_first at all)."""
    edit(rules_copy, "capacity_policy.yaml", "      - overtime_limit: {percent: 10}",
         "      - stock_first: {take_safety_stock: true, handling_days: 1}")
    earlier = line_of(rules_copy, "capacity_policy.yaml", "stock_first: {take_safety_stock: true")
    later = line_of(rules_copy, "capacity_policy.yaml", "stock_first: {take_safety_stock: false")
    assert f"capacity_policy.yaml:{later}: rule STOCK-FIRST: stock_first is set twice (lines {earlier} and " \
           f"{later}); keep one" in errors_of(rules_copy)
    edit(rules_copy, "capacity_policy.yaml", "      - stock_first: {take_safety_stock: true, handling_days: 1}",
         "      - overtime_limit: {percent: 10}")
    edit(rules_copy, "capacity_policy.yaml",
         "      - stock_first: {take_safety_stock: false, handling_days: 0, rush_takes_safety_stock: true}",
         "      - overtime_limit: {percent: 10}")
    assert not any("stock_first" in e for e in errors_of(rules_copy))


def test_min_split_is_optional_at_most_once_and_within_bounds(rules_copy: pathlib.Path) -> None:
    """Input tried: the shipped MIN-SPLIT rule, a percent of 60, a second min_split, and no min_split at all
    (then the default: the larger of 1 unit and 10% of the line)."""
    policy = load_rulebook(rules_copy).capacity_policy()
    assert (policy.min_split_units, policy.min_split_share) == (1.0, 0.10)
    assert policy.min_split(800.0) == 80.0 and policy.min_split(5.0) == 1.0
    edit(rules_copy, "capacity_policy.yaml", "min_split: {units: 1, percent: 10}", "min_split: {units: 1, percent: 60}")
    assert any("min_split.percent must be between 0 and 50, got 60" in e for e in errors_of(rules_copy))
    edit(rules_copy, "capacity_policy.yaml", "percent: 60}", "percent: 10}")
    edit(rules_copy, "capacity_policy.yaml", "      - overtime_limit: {percent: 10}",
         "      - overtime_limit: {percent: 10}\n      - min_split: {units: 5, percent: 5}")
    assert any("min_split is set twice" in e for e in errors_of(rules_copy))
    text = (rules_copy / "capacity_policy.yaml").read_text()
    start = text.index("  - id: MIN-SPLIT")
    text = text[:start] + text[text.index("  - id: STRATEGIC-RUSH-DISPLACES"):]
    text = text.replace("      - min_split: {units: 5, percent: 5}\n", "")
    # The cut takes FORECAST-CONSUMPTION (between MIN-SPLIT and the displacements) too: its default applies.
    text = text.replace(", min_split_units: 1, min_split_share: 0.10", "")
    text = text.replace("forecast_forward_weeks: 1", "forecast_forward_weeks: 0")
    (rules_copy / "capacity_policy.yaml").write_text(text)
    assert load_rulebook(rules_copy).capacity_policy().min_split(800.0) == 80.0


def test_plan_approval_is_optional_at_most_once_and_within_bounds(rules_copy: pathlib.Path) -> None:
    """Input tried: the shipped SMALL-PLANS-ALONE rule, max_changes -1, a second plan_approval, and no plan_approval
    at all (then every replan goes into force at once, as before the rule)."""
    approval = load_rulebook(rules_copy).capacity_policy().plan_approval
    assert approval is not None and (approval.max_changes, approval.max_broken_promises) == (20, 0)
    assert approval.lets_alone(20, 0) and not approval.lets_alone(21, 0) and not approval.lets_alone(0, 1)
    shipped = "plan_approval: {max_changes: 20, max_broken_promises: 0}"
    edit(rules_copy, "capacity_policy.yaml", shipped, "plan_approval: {max_changes: -1, max_broken_promises: 0}")
    assert any("plan_approval.max_changes must be" in e for e in errors_of(rules_copy))
    edit(rules_copy, "capacity_policy.yaml", "max_changes: -1", "max_changes: 20")
    edit(rules_copy, "capacity_policy.yaml", "      - overtime_limit: {percent: 10}",
         "      - overtime_limit: {percent: 10}\n      - plan_approval: {max_changes: 5, max_broken_promises: 0}")
    assert any("plan_approval is set twice" in e for e in errors_of(rules_copy))
    text = (rules_copy / "capacity_policy.yaml").read_text()
    start = text.index("  - id: SMALL-PLANS-ALONE")
    text = text[:start] + text[text.index("examples:"):]
    text = text.replace("      - plan_approval: {max_changes: 5, max_broken_promises: 0}\n", "")
    (rules_copy / "capacity_policy.yaml").write_text(
        text.replace(",\n             plan_approval_max_changes: 20, plan_approval_max_broken_promises: 0", ""))
    assert load_rulebook(rules_copy).capacity_policy().plan_approval is None
