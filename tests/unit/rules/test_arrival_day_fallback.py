"""RUSH-INSIDE-FROZEN-WINDOW's arrival_day_fallback: read from the capacity policy, off when left out, a bad value
refused with file, line and rule."""

from __future__ import annotations

import pathlib
import re

import pytest

from rules import RulesError, load_rulebook
from tests.unit.rules.conftest import edit

SETTING = re.compile(r"      - rush_in_frozen_window: \{use_reserve: true, lead_days: 1"
                     r"(, arrival_day_fallback: \w+)?\}")


def _set(folder: pathlib.Path, value: str | None) -> None:
    """The shipped setting line with arrival_day_fallback set to `value` (None: left out)."""
    text = (folder / "capacity_policy.yaml").read_text()
    found = SETTING.search(text)
    assert found is not None
    fallback = "" if value is None else f", arrival_day_fallback: {value}"
    edit(folder, "capacity_policy.yaml", found.group(0),
         f"      - rush_in_frozen_window: {{use_reserve: true, lead_days: 1{fallback}}}")
    # The example's expectation of it: the value read, or left out.
    expected = "" if value not in ("true", "false") else f"rush_arrival_day_fallback: {value}, "
    path = folder / "capacity_policy.yaml"
    path.write_text(re.sub(r"rush_arrival_day_fallback: \w+, ", expected, path.read_text()))


@pytest.mark.parametrize("value", ["true", "false"])
def test_the_setting_is_read_from_the_file(rules_copy: pathlib.Path, value: str) -> None:
    _set(rules_copy, value)
    policy = load_rulebook(rules_copy).capacity_policy()
    assert policy.rush_arrival_day_fallback is (value == "true")
    assert policy.summary()["rush_arrival_day_fallback"] is (value == "true")


def test_left_out_the_fallback_is_off(rules_copy: pathlib.Path) -> None:
    _set(rules_copy, None)
    assert load_rulebook(rules_copy).capacity_policy().rush_arrival_day_fallback is False


def test_a_value_that_is_not_yes_or_no_is_refused_with_its_place(rules_copy: pathlib.Path) -> None:
    # Tried: arrival_day_fallback: maybe.
    _set(rules_copy, "maybe")
    with pytest.raises(RulesError) as raised:
        load_rulebook(rules_copy)
    [error] = [str(e) for e in raised.value.errors]
    assert re.match(r"capacity_policy\.yaml:\d+", error), error
    assert "RUSH-INSIDE-FROZEN-WINDOW" in error and "arrival_day_fallback" in error, error
