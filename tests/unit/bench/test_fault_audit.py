"""bench/faults.py's audit catches what it is there to catch: fabricated lost, duplicated and half-written writes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bench.faultkit.audit import Stored, StoredOrder, StoredPlans, StoredRecord, check_violations, judge, plan_whole
from bench.faultkit.clients import OrderBook, OrderSeen

BENCH = "partner:faults-0"
WHOLE_PLANS = StoredPlans(in_force_version=2, items={1: 40, 2: 41}, loads={1: 26, 2: 26})


def _order(code: str, *, date: str = "2027-01-04", status: str = "ACCEPTED", lines: int = 2,
           events: dict[str, int] | None = None, by: str = BENCH) -> StoredOrder:
    return StoredOrder(code, status, date, by, lines, 1, {"CREATED": 1, **(events or {})})


def _consistent() -> tuple[OrderBook, Stored]:
    """Two acknowledged orders: SO-1 created, SO-2 created, updated to 2027-02-01 and cancelled."""
    book = OrderBook()
    book.acked_creates = {"k1": "SO-1", "k2": "SO-2"}
    book.orders = {"SO-1": OrderSeen("SO-1", "k1", 1, {"2027-01-04"}),
                   "SO-2": OrderSeen("SO-2", "k2", 3, {"2027-02-01"}, cancel="acked", update_acks=1)}
    stored = Stored(
        orders={"SO-1": _order("SO-1"),
                "SO-2": _order("SO-2", date="2027-02-01", status="CANCELLED", events={"UPDATED": 1, "CANCELLED": 1}),
                "SO-9": _order("SO-9", by="planner:demo")},  # not the bench's: no record expected
        records=[StoredRecord("createOrder", "k1", "SO-1"), StoredRecord("createOrder", "k2", "SO-2"),
                 StoredRecord("updateOrder", "u1", "SO-2"), StoredRecord("cancelOrder", "c1", "SO-2")],
        plans=WHOLE_PLANS, bench_actors=frozenset({BENCH}))
    return book, stored


def test_a_consistent_database_has_no_findings() -> None:
    book, stored = _consistent()
    assert judge(book, stored).counts() == {"lost": 0, "duplicated": 0, "half_written": 0}
    assert plan_whole(stored.plans, {2}) == []


def test_an_acknowledged_order_missing_is_lost() -> None:
    book, stored = _consistent()
    del stored.orders["SO-1"]
    stored.records = [r for r in stored.records if r.key != "k1"]
    assert judge(book, stored).counts() == {"lost": 1, "duplicated": 0, "half_written": 0}


@pytest.mark.parametrize(("change", "what"), [
    ({"requested_date": "2027-01-04"}, "an acknowledged update undone"),
    ({"status": "ACCEPTED", "events": {"CREATED": 1, "UPDATED": 1, "CANCELLED": 0}}, "an acknowledged cancel undone"),
])
def test_an_acknowledged_change_missing_is_lost(change: dict[str, object], what: str) -> None:
    book, stored = _consistent()
    stored.orders["SO-2"] = replace(stored.orders["SO-2"], **change)  # type: ignore[arg-type]
    if "events" in change:
        stored.records = [r for r in stored.records if r.operation != "cancelOrder"]
    assert judge(book, stored).counts()["lost"] == 1, what


def test_an_update_given_up_without_an_answer_may_be_either_way() -> None:
    book, stored = _consistent()
    book.orders["SO-1"].dates.add("2027-03-01")  # sent, never answered: applied or not, both are consistent
    stored.orders["SO-1"] = replace(stored.orders["SO-1"], requested_date="2027-03-01", events={"CREATED": 1,
                                                                                                 "UPDATED": 1})
    stored.records.append(StoredRecord("updateOrder", "u2", "SO-1"))
    assert judge(book, stored).counts() == {"lost": 0, "duplicated": 0, "half_written": 0}


def test_a_retry_that_created_a_second_order_is_a_duplicate() -> None:
    book, stored = _consistent()
    stored.orders["SO-3"] = _order("SO-3")  # the same request applied again under no key
    assert judge(book, stored).counts() == {"lost": 0, "duplicated": 1, "half_written": 0}


def test_two_keys_answered_with_one_order_and_a_change_applied_twice_are_duplicates() -> None:
    book, stored = _consistent()
    stored.records.append(StoredRecord("createOrder", "k3", "SO-1"))
    stored.orders["SO-2"] = replace(stored.orders["SO-2"], events={"CREATED": 1, "UPDATED": 2, "CANCELLED": 1})
    assert judge(book, stored).counts() == {"lost": 0, "duplicated": 2, "half_written": 0}


@pytest.mark.parametrize("damage", ["no lines", "no review", "no history", "key without answer",
                                    "answer without change"])
def test_half_written_writes_are_caught(damage: str) -> None:
    book, stored = _consistent()
    so1 = stored.orders["SO-1"]
    if damage == "no lines":
        stored.orders["SO-1"] = replace(so1, lines=0)
    elif damage == "no review":
        stored.orders["SO-1"] = replace(so1, reviews=0)
    elif damage == "no history":
        stored.orders["SO-1"] = replace(so1, events={})
    elif damage == "key without answer":
        stored.records.append(StoredRecord("updateOrder", "u9", None))
    else:
        stored.records.append(StoredRecord("updateOrder", "u9", "SO-1"))  # committed its key, not its change
    assert judge(book, stored).counts() == {"lost": 0, "duplicated": 0, "half_written": 1}


def test_a_received_order_needs_no_review_yet() -> None:
    book, stored = _consistent()
    stored.orders["SO-9"] = replace(stored.orders["SO-9"], status="RECEIVED", reviews=0)
    assert judge(book, stored).counts()["half_written"] == 0


def test_a_plan_without_items_or_an_unexpected_plan_in_force_is_not_whole() -> None:
    half = replace(WHOLE_PLANS, items={1: 40, 2: 0})
    assert plan_whole(half, {2}) == ["plan version 2 has 0 items and 26 line-week loads"]
    assert plan_whole(WHOLE_PLANS, {1}) == ["plan version 2 in force, expected one of [1]"]
    assert plan_whole(replace(WHOLE_PLANS, in_force_version=None)) == ["no plan in force"]


def test_sop_check_output_is_counted() -> None:
    assert check_violations("3 open orders are past their promised date\npostgresql://x/db: 0 violations\n") == 0
    assert check_violations("line 1 week 2027-01-04: over-promised\npostgresql://x/db: 2 violations") == 2
    assert check_violations("Error: database unreachable") == -1
