"""Hot reload: a changed threshold changes decisions without a restart; a broken file changes nothing."""

from __future__ import annotations

import pathlib
import threading

import pytest

from rules import LiveRules, RulesError, compare, load_rulebook
from tests.unit.rules.conftest import edit

DUE_IN_4_DAYS = {"order.amount": 1000.0, "order.days_to_due": 4, "customer.tier": "REGULAR"}


def make_rush_days_5(folder: pathlib.Path) -> None:
    edit(folder, "rush.yaml", "when: order.days_to_due < 3", "when: order.days_to_due < 5")
    edit(folder, "rush.yaml", "  - name: due in exactly 3 days is not urgent\n    facts: {order.days_to_due: 3}",
         "  - name: due in exactly 5 days is not urgent\n    facts: {order.days_to_due: 5}")


def test_changing_rush_days_3_to_5_and_reloading_changes_decisions(rules_copy: pathlib.Path) -> None:
    live = LiveRules(rules_copy)
    before = live.current
    assert not before.rush(DUE_IN_4_DAYS).rush
    make_rush_days_5(rules_copy)
    after = live.reload()
    assert live.current is after and after.version != before.version
    assert live.current.rush(DUE_IN_4_DAYS).tier == "URGENT"
    # a decision already holding the old book keeps its answer and its version
    assert not before.rush(DUE_IN_4_DAYS).rush


@pytest.mark.parametrize(("file", "old", "new"), [
    ("review.yaml", "        - margin.pct < 15", "        - margn.pct < 15"),
    ("rush.yaml", "- mark_rush: {tier: URGENT", "- mark_rsh: {tier: URGENT"),
    ("rush.yaml", "order.amount > 50000", "order.amount > lots"),
    ("priority.yaml", "{tier: P3, score: 200, margin_weight: 0.01}", "{tier: P3, score: 200, margin_weight: 0.01"),
    ("rush.yaml", "expect: {rush: true, tier: LARGE,", "expect: {rush: true, tier: URGENT,"),
])
def test_a_broken_file_leaves_the_live_rules_in_force(rules_copy: pathlib.Path, file: str, old: str,
                                                      new: str) -> None:
    live = LiveRules(rules_copy)
    in_force = live.current
    make_rush_days_5(rules_copy)  # a good change in the same reload must not go live either
    edit(rules_copy, file, old, new)
    with pytest.raises(RulesError) as raised:
        live.reload()
    assert all(str(error).startswith(f"{file}:") for error in raised.value.errors), raised.value.errors
    assert live.current is in_force
    assert not live.current.rush(DUE_IN_4_DAYS).rush


def test_reload_from_texts_as_if_from_the_database(rules_copy: pathlib.Path) -> None:
    live = LiveRules(rules_copy)
    texts = dict(live.current.texts)
    texts["rush.yaml"] = texts["rush.yaml"].replace("when: order.days_to_due < 3", "when: order.days_to_due < 5") \
        .replace("facts: {order.days_to_due: 3}", "facts: {order.days_to_due: 5}")
    book = live.reload_from_texts(texts)
    assert book.rush(DUE_IN_4_DAYS).tier == "URGENT"
    with pytest.raises(RulesError):
        live.reload_from_texts({**texts, "rush.yaml": "rule_set: rush\nrules: [\n"})
    assert live.current is book


def test_evaluations_keep_running_while_rules_are_reloaded(rules_copy: pathlib.Path) -> None:
    live = LiveRules(rules_copy)
    failures: list[BaseException] = []
    stop = threading.Event()

    def evaluate() -> None:
        try:
            while not stop.is_set():
                book = live.current
                outcome = book.rush(DUE_IN_4_DAYS)
                assert outcome.rush == (book.compiled("rush").spec.rules[1].condition.value == 5)  # type: ignore[union-attr]
        except BaseException as error:
            failures.append(error)

    threads = [threading.Thread(target=evaluate) for _ in range(3)]
    for thread in threads:
        thread.start()
    original = (rules_copy / "rush.yaml").read_text()
    for round_ in range(20):
        if round_ % 2 == 0:
            make_rush_days_5(rules_copy)
        else:
            (rules_copy / "rush.yaml").write_text(original)
        live.reload()
    stop.set()
    for thread in threads:
        thread.join()
    assert failures == []


def test_backtest_shows_what_a_candidate_would_change(rules_copy: pathlib.Path, tmp_path: pathlib.Path) -> None:
    live = load_rulebook(rules_copy)
    make_rush_days_5(rules_copy)
    candidate = load_rulebook(rules_copy)
    orders = [{**DUE_IN_4_DAYS, "order.days_to_due": days} for days in range(0, 8)]
    report = compare(live, candidate, "rush", orders, keys=[f"SO-{d}" for d in range(8)])
    assert report.evaluated == 8
    assert [(c.key, c.live, c.candidate) for c in report.changes] == [("SO-3", None, "URGENT"),
                                                                       ("SO-4", None, "URGENT")]
    urgent = next(rule for rule in report.rules if rule.rule == "URGENT-DUE")
    assert (urgent.live, urgent.candidate) == (3, 5)
    table = report.to_table()
    assert "URGENT-DUE" in table and "2 orders would change tier" in table and "SO-3" in table
