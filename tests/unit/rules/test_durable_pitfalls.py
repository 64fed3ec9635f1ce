"""Each durable-rules 2.0.28 pitfall: reproduced by bench/repro/<script>.py, and shown handled by rules/."""

from __future__ import annotations

import gc
import json
import pathlib
import subprocess
import sys
import threading
from typing import Any

import pytest

from rules import EngineError, InvalidFacts, RuleBook, engine, load_rulebook
from rules.compile import to_durable
from rules.engine import EVALUATION_LOCK, live_ruleset_count
from rules.model import Evaluation
from rules.views import review_outcome
from tests.unit.rules.conftest import REGULAR_ORDER, SHIPPED

REPRO = pathlib.Path(__file__).resolve().parents[3] / "bench" / "repro"


def repro(script: str, *args: str) -> tuple[int, dict[str, Any] | None]:
    """Run a pitfall script in its own process (some of them crash it) and read its JSON line."""
    done = subprocess.run([sys.executable, str(REPRO / f"{script}.py"), *args], capture_output=True, text=True,
                          timeout=120, cwd=REPRO)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return done.returncode, json.loads(lines[-1]) if lines else None


def test_default_host_starts_timer_threads_ours_does_not(book: RuleBook) -> None:
    _, seen = repro("timer_threads")
    assert seen == {"threads_added_by_default_host": 2, "threads_added_by_quiet_host": 0}
    before = threading.active_count()
    load_rulebook(SHIPPED).review(REGULAR_ORDER)
    assert threading.active_count() == before


def test_sessions_run_out_at_1025_unless_deleted(book: RuleBook) -> None:
    assert repro("sessions_limit") == (0, {"delete_state": False, "failed_at_session": 1025})
    assert repro("sessions_limit", "--delete") == (0, {"delete_state": True, "failed_at_session": None})
    for _ in range(1500):  # each evaluation deletes its session in `finally`
        book.review(REGULAR_ORDER)


def test_deleting_a_session_whose_fact_matched_nothing_crashes_without_a_catch_all(book: RuleBook) -> None:
    code, _ = repro("unmatched_delete")
    assert code < 0  # killed by SIGSEGV / SIGABRT
    assert repro("unmatched_delete", "--catch-all") == (0, {"survived": True})
    no_rush = {"order.amount": 1.0, "order.days_to_due": 30, "customer.tier": "REGULAR"}
    for _ in range(1500):  # no rush rule matches these facts; our catch-all keeps them handled
        assert not book.rush(no_rush).rush


def test_post_fires_one_rule_assert_fact_fires_all(book: RuleBook) -> None:
    _, seen = repro("post_vs_assert")
    assert seen == {"post_fired": ["a>5"], "assert_fact_fired": ["a>5", "a>4"]}
    rush = book.rush({"order.amount": 90000.0, "order.days_to_due": 1, "customer.tier": "STRATEGIC"})
    assert [rule.rule for rule in rush.fired] == ["STRATEGIC-SHORT-DUE", "URGENT-DUE", "LARGE-AMOUNT"]


def test_untagged_pattern_loops_on_the_reasserted_state_every_pattern_is_tagged(book: RuleBook) -> None:
    assert repro("state_loop") == (3, {"looped": True, "firings": 101})
    assert repro("state_loop", "--tagged") == (0, {"looped": False, "firings": 1})
    for name in ("review", "rush", "priority", "capacity_policy", "cost_allocation", "scorecards"):
        for rule in book.compiled(name).spec.rules:
            pattern = to_durable(rule.condition, f"sop.{name}")
            assert pattern == {"t": f"sop.{name}"} or pattern["$and"][0] == {"t": f"sop.{name}"}


def test_exceptions_in_actions_are_swallowed_ours_are_raised(book: RuleBook,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    assert repro("swallowed_exception") == (0, {"raised": False, "state_exception": True})
    # rules/ runs no Python inside durable-rules' agenda: a failure while draining it reaches the caller,
    # and the session is still deleted
    real = engine.durable_rules_engine.complete_and_start_action
    deleted: list[str] = []
    real_delete = engine.durable_rules_engine.delete_state

    def failing(handle: int, state: int) -> str:
        raise RuntimeError("engine failed mid-agenda")

    def recording_delete(handle: int, sid: str) -> None:
        deleted.append(sid)
        real_delete(handle, sid)

    monkeypatch.setattr(engine.durable_rules_engine, "complete_and_start_action", failing)
    monkeypatch.setattr(engine.durable_rules_engine, "delete_state", recording_delete)
    with pytest.raises(RuntimeError, match="mid-agenda"):
        book.review(REGULAR_ORDER)
    assert len(deleted) == 1
    monkeypatch.setattr(engine.durable_rules_engine, "complete_and_start_action", real)
    assert book.review(REGULAR_ORDER).decision == "ACCEPT"
    # and a view that cannot be built (no decision) raises instead of answering silently
    with pytest.raises(ValueError, match="no review rule decided"):
        review_outcome(Evaluation("review", [], []))


def test_names_register_once_and_replaced_rulesets_are_freed() -> None:
    _, twice = repro("ruleset_twice", "--count", "150")
    assert twice is not None and twice["second_registration"] == "Ruleset with name t1 already registered"
    _, freed = repro("ruleset_twice", "--free", "--count", "150")
    assert freed is not None and freed["rss_growth_mb"] < twice["rss_growth_mb"] / 4
    gc.collect()  # rule sets of earlier tests held in reference cycles (tracebacks) are retired now
    baseline = live_ruleset_count()
    for _ in range(5):  # the same rule set names, loaded again and again
        load_rulebook(SHIPPED)
    assert live_ruleset_count() == baseline
    book = load_rulebook(SHIPPED)
    assert live_ruleset_count() == baseline + 6
    book.close()
    assert live_ruleset_count() == baseline
    with pytest.raises(EngineError, match="closed"):
        book.review(REGULAR_ORDER)


def test_text_bools_and_none_compare_wrongly_so_facts_are_typed_first(book: RuleBook) -> None:
    _, seen = repro("type_coercion")
    assert seen == {"'abc'": ["!=5", ">5"], "'6'": ["!=5", ">5"], "True": ["!=5", "<5"], "None": []}
    base = {"order.days_to_due": 20, "customer.tier": "REGULAR"}
    for wrong in ("abc", "60000", True, None):
        with pytest.raises(InvalidFacts):
            book.rush({**base, "order.amount": wrong})


def test_one_lock_serialises_threads_and_answers_stay_right(book: RuleBook) -> None:
    compiled = book.compiled("review")
    cases = [{**REGULAR_ORDER, "margin.pct": float(m), "capacity.fits": m % 3 == 0,
              "capacity.splittable_share": (m % 10) / 10} for m in range(40)]
    expected = [[r.rule for r in compiled.evaluate_python(c).fired] for c in cases]
    wrong: list[int] = []

    def worker() -> None:
        for _ in range(20):
            for index, case in enumerate(cases):
                if [r.rule for r in compiled.evaluate(case).fired] != expected[index]:
                    wrong.append(index)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []
    # while someone holds the lock, an evaluation waits for it
    done = threading.Event()
    with EVALUATION_LOCK:
        waiting = threading.Thread(target=lambda: (book.review(REGULAR_ORDER), done.set()))
        waiting.start()
        assert not done.wait(0.2)
    waiting.join()
    assert done.is_set()
