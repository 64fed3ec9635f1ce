"""Issue 14's rule settings: RUSH-INSIDE-FROZEN-WINDOW read from the capacity policy, off when left out, a bad value
refused with file, line and rule (R14, R15); the maturity threshold of review.yaml checked for gaps (R3)."""

from __future__ import annotations

import pathlib

import pytest

from rules import RuleBook, RulesError, load_rulebook
from tests.unit.rules.conftest import edit

SETTING = "      - rush_in_frozen_window: {use_reserve: true, lead_days: 1, arrival_day_fallback: true}"


def test_the_shipped_policy_gives_rush_orders_the_reserve_of_the_frozen_days(book: RuleBook) -> None:
    policy = book.capacity_policy()
    assert policy.rush_reserve_in_frozen_window is True and policy.rush_lead_days == 1
    assert policy.summary()["rush_reserve_in_frozen_window"] is True


def test_a_changed_lead_time_is_read_from_the_file(rules_copy: pathlib.Path) -> None:
    edit(rules_copy, "capacity_policy.yaml", SETTING, SETTING.replace("lead_days: 1", "lead_days: 2"))
    edit(rules_copy, "capacity_policy.yaml", "rush_lead_days: 1", "rush_lead_days: 2")
    assert load_rulebook(rules_copy).capacity_policy().rush_lead_days == 2


def test_left_out_the_frozen_window_stays_closed_to_rush_orders(rules_copy: pathlib.Path) -> None:
    text = (rules_copy / "capacity_policy.yaml").read_text()
    start = text.index("  - id: RUSH-INSIDE-FROZEN-WINDOW")
    end = text.index("  - id: WEEKLY-CUTOFF")
    (rules_copy / "capacity_policy.yaml").write_text(text[:start] + text[end:])
    edit(rules_copy, "capacity_policy.yaml", "rush_reserve_in_frozen_window: true,", "")
    edit(rules_copy, "capacity_policy.yaml", "rush_lead_days: 1,", "")
    edit(rules_copy, "capacity_policy.yaml", "rush_arrival_day_fallback: true,", "")
    assert load_rulebook(rules_copy).capacity_policy().rush_reserve_in_frozen_window is False


def test_a_lead_time_beyond_a_week_is_refused_with_its_place(rules_copy: pathlib.Path) -> None:
    # Tried: lead_days 9 (more than the 7 days a frozen window can have).
    edit(rules_copy, "capacity_policy.yaml", SETTING, SETTING.replace("lead_days: 1", "lead_days: 9"))
    with pytest.raises(RulesError) as raised:
        load_rulebook(rules_copy)
    [error] = [str(e) for e in raised.value.errors]
    assert error.startswith("capacity_policy.yaml:") and "RUSH-INSIDE-FROZEN-WINDOW" in error and "lead_days" in error


def test_a_half_edited_maturity_threshold_is_flagged(rules_copy: pathlib.Path) -> None:
    # Tried: TECHNOLOGY-MATURED raised to 4 runs while TECHNOLOGY-NEW still fails below 3: 3 runs get no verdict.
    edit(rules_copy, "review.yaml", "product.runs_made >= 3]", "product.runs_made >= 4]")
    with pytest.raises(RulesError) as raised:
        load_rulebook(rules_copy)
    assert any("product.runs_made" in str(e) and "TECHNOLOGY" in str(e) for e in raised.value.errors), \
        raised.value.errors
