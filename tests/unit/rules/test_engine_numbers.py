"""Numbers durable-rules reads (facts and rule thresholds): every finite float compares as Python compares it."""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Callable

import durable_rules_engine
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from api.core.errors import ErrorCode, user_error
from rules import FactRejected, RuleBook, RulesError, engine, load_rulebook
from rules.compile import to_durable
from rules.conditions import Compare
from rules.engine import DurableRuleSet
from rules.engine_json import encode, number
from tests.unit.rules.conftest import REGULAR_ORDER, edit

OPS: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt, "<": operator.lt, "==": operator.eq, ">=": operator.ge, "<=": operator.le, "!=": operator.ne,
}
FINITE = st.floats(allow_nan=False, allow_infinity=False)


def fired_for(value: float, threshold: float) -> list[str]:
    """Compile `margin.pct <op> threshold` for each operator and assert {margin.pct: value} through the engine."""
    ops = list(OPS)
    patterns = [(to_durable(Compare("margin.pct", op, threshold, None), "sop.numbers"), 0) for op in ops]
    rule_set = DurableRuleSet("sop.numbers", patterns)
    try:
        return sorted(ops[index] for index in rule_set.match({"margin__pct": value}))
    finally:
        rule_set.close()


@st.composite
def value_and_threshold(draw: st.DrawFn) -> tuple[float, float]:
    """A threshold of any magnitude, and a fact that is any float, the threshold itself or its neighbour."""
    threshold = draw(FINITE)
    value = draw(st.one_of(FINITE, st.just(threshold), st.just(-threshold),
                           st.just(math.nextafter(threshold, math.inf)), st.just(math.nextafter(threshold, -math.inf))))
    return (value if math.isfinite(value) else threshold), threshold


@settings(max_examples=400, deadline=None)
@given(value_and_threshold())
@example((1e-05, 0.0))
@example((-2e-07, 0.0))
@example((5e-324, 0.0))
@example((5e-324, 5e-324))
@example((0.0, 5e-324))
@example((-5e-324, -0.0))
@example((1e-300, 1e-300))
@example((-0.0, 0.0))
@example((1e300, 1e300))
@example((1.7976931348623157e308, 1e300))
@example((1e16, 1e16 + 2))
@example((2.5e-05, 1e-05))
@example((0.1 + 0.2, 0.3))
def test_a_fact_compares_with_a_threshold_as_python_does(case: tuple[float, float]) -> None:
    """Input tried: hypothesis floats of every sign and magnitude (subnormals 5e-324, 1e-300, -2e-07, 1e-05, 0.0,
    -0.0, 1e300, the largest float) for the fact and the threshold, plus equal and adjacent pairs; rules
    v > t, v < t, v == t, >=, <=, != each fire exactly when Python's comparison is true."""
    value, threshold = case
    assert fired_for(value, threshold) == sorted(op for op, test in OPS.items() if test(value, threshold))


@given(FINITE)
@example(1e-05)
@example(-2e-07)
@example(1e16)
@example(5e-324)
def test_a_float_is_written_without_an_exponent_and_reads_back_as_itself(value: float) -> None:
    """Input tried: hypothesis floats; the text has no 'e', has a '.', and Python reads it back as the same float."""
    text = number(value)
    assert "e" not in text.lower() and "." in text
    assert float(text) == value and math.copysign(1, float(text)) == math.copysign(1, value)


def test_the_engine_refuses_what_json_writes_for_small_floats() -> None:
    """Input tried: {"v": 1e-05} as Python's json writes it (error 204) and as our encoder writes it (accepted)."""
    handle = durable_rules_engine.create_ruleset("numbers_probe", encode({"r": {"all": [{"m": {"t": "p"}}]}}))
    try:
        with pytest.raises(durable_rules_engine.error, match="204"):
            durable_rules_engine.assert_fact(handle, json.dumps({"t": "p", "sid": "1", "v": 1e-05}))
        with pytest.raises(durable_rules_engine.error, match="309"):
            durable_rules_engine.delete_state(handle, "1")  # the refused fact opened no session
        result = durable_rules_engine.assert_fact(handle, encode({"t": "p", "sid": "2", "v": 1e-05}))
        # run the agenda before deleting the session, as rules/engine.py does: deleting a session with an
        # action still pending corrupts the engine's heap (this test aborted the process about 1 run in 3)
        message = durable_rules_engine.start_action_for_state(handle, result[1])
        while message and message[1]:
            message = (None, durable_rules_engine.complete_and_start_action(handle, result[1]))
        durable_rules_engine.delete_state(handle, "2")
    finally:
        durable_rules_engine.delete_ruleset(handle)


def test_tiny_margins_and_shares_go_through_the_shipped_rules(book: RuleBook) -> None:
    """Input tried: a review with margin.pct 1e-05, splittable share -2e-07 and amount 1e-300 (was error 204)."""
    facts = {**REGULAR_ORDER, "margin.pct": 1e-05, "capacity.splittable_share": -2e-07, "order.amount": 1e-300}
    evaluation = book.compiled("review").cross_check(facts)
    assert evaluation.fired
    assert book.priority({"customer.tier": "KEY", "order.rush": False, "margin.pct": -2e-07}).tier


def test_a_refused_value_names_its_field_and_the_cleanup_error_does_not_replace_it(
        book: RuleBook, monkeypatch: pytest.MonkeyPatch) -> None:
    """Input tried: the encoder swapped for json.dumps (the old way), margin.pct 1e-05: FactRejected naming
    margin.pct with the engine's 204 as its cause, not the 309 of deleting the session; then the same book works."""
    monkeypatch.setattr(engine, "encode_fact", lambda fact: json.dumps(fact, separators=(",", ":")))
    with pytest.raises(FactRejected) as raised:
        book.review({**REGULAR_ORDER, "margin.pct": 1e-05})
    assert raised.value.field == "margin.pct"
    assert "204" in str(raised.value.__cause__) and "309" not in str(raised.value)
    monkeypatch.undo()
    assert book.review({**REGULAR_ORDER, "margin.pct": 1e-05}).decision


def test_a_whole_number_beyond_int64_is_refused_by_field(book: RuleBook) -> None:
    """Input tried: capacity.days_late 10**20 (the engine's atoll would clamp it): FactRejected naming the field,
    which api/ answers as INVALID with field [facts, capacity.days_late]."""
    with pytest.raises(FactRejected) as raised:
        book.review({**REGULAR_ORDER, "capacity.days_late": 10**20})
    assert raised.value.field == "capacity.days_late"
    error = user_error(raised.value)
    assert error.code == ErrorCode.INVALID and error.field == ["facts", "capacity.days_late"]


def test_rule_file_thresholds_below_1e_4_compile_and_compare(rules_copy) -> None:  # type: ignore[no-untyped-def]
    """Input tried: review.yaml's strategic margin minimum changed from 10 to 0.00001 (json would write 1e-05 into
    the ruleset); margins 0.000009 and 0.000011 fall either side of it."""
    edit(rules_copy, "review.yaml", "margin.pct < 10", "margin.pct < 0.00001")
    # MARGIN-OK's strategic minimum too: changed alone, margins from 0.00001 to 10 got no MARGIN verdict
    edit(rules_copy, "review.yaml", "customer.tier == STRATEGIC, margin.pct >= 10",
         "customer.tier == STRATEGIC, margin.pct >= 0.00001")
    changed = load_rulebook(rules_copy)
    strategic = {**REGULAR_ORDER, "customer.tier": "STRATEGIC"}
    below = changed.compiled("review").cross_check({**strategic, "margin.pct": 0.000009})
    above = changed.compiled("review").cross_check({**strategic, "margin.pct": 0.000011})
    assert "MARGIN-STRATEGIC" in [rule.rule for rule in below.fired]
    assert "MARGIN-STRATEGIC" not in [rule.rule for rule in above.fired]


def test_a_whole_number_threshold_beyond_int64_is_a_rule_file_error(rules_copy) -> None:  # type: ignore[no-untyped-def]
    """Input tried: a rush rule on order.days_to_due <= 10**20 in rush.yaml: RulesError naming the line."""
    text = (rules_copy / "rush.yaml").read_text()
    field_line = next(line for line in text.splitlines() if "order.days_to_due" in line and "<" in line)
    edit(rules_copy, "rush.yaml", field_line, field_line.split("order.days_to_due")[0]
         + "order.days_to_due <= 100000000000000000000")
    with pytest.raises(RulesError, match="whole numbers up to 9223372036854775807"):
        load_rulebook(rules_copy)
