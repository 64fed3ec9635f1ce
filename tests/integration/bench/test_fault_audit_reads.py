"""bench/faults.py reads what it audits from a real database: a fabricated half-written, keyless order is caught."""

from __future__ import annotations

from sqlalchemy import Engine, select

from bench.faultkit.audit import judge, plan_whole, read_stored
from bench.faultkit.clients import OrderBook
from domain.db import session_scope
from domain.models import ApiKey, IdempotencyRecord, OrderStatus
from tests.factories import make_api_key, make_customer, make_order, make_product


def test_the_audit_reads_bench_orders_records_and_plans(db: Engine) -> None:
    """Input tried: an ACCEPTED order of a bench key with lines but no review, no history and no key's record;
    a createOrder key stored without its answer; another caller's order (no history either) and key; no plan."""
    with session_scope(db) as s:
        customer, product = make_customer(s), make_product(s)
        make_api_key(s, "partner", [customer], name="faults-0")
        make_api_key(s, "planner", name="someone-else")
        make_order(s, customer, code="SO-B", status=OrderStatus.ACCEPTED, lines=[(product, 5, None)],
                   created_by="partner:faults-0")
        make_order(s, customer, code="SO-X", status=OrderStatus.RECEIVED, lines=[(product, 5, None)],
                   created_by="planner:someone-else")
        ids = dict(s.execute(select(ApiKey.name, ApiKey.id)).all())
        s.add(IdempotencyRecord(scope=f"createOrder:{ids['faults-0']}", key="k-half", request_hash="x" * 64,
                                response=None))
        s.add(IdempotencyRecord(scope=f"createOrder:{ids['someone-else']}", key="k-other", request_hash="x" * 64,
                                response={"order_id": 1, "code": "SO-X"}))
    stored = read_stored(db, "faults-")
    assert stored.bench_actors == frozenset({"partner:faults-0"})
    assert [(r.operation, r.key, r.order_code) for r in stored.records] == [("createOrder", "k-half", None)]
    assert (stored.orders["SO-B"].lines, stored.orders["SO-B"].reviews) == (1, 0)
    found = judge(OrderBook(), stored)
    assert found.duplicated == ["order SO-B was created by a bench client without any key's record"]
    assert sorted(found.half_written) == ["createOrder k-half: key stored without its answer",
                                          "order SO-B (ACCEPTED) has no review, CREATED history",
                                          "order SO-X (RECEIVED) has no CREATED history"]  # any caller's order
    assert found.lost == []
    assert plan_whole(stored.plans) == ["no plan in force"]
