"""After a fault: what the database holds against what clients were told (lost, duplicated, half-written writes).

`read_stored` reads the database once; `judge` is pure, so a test can feed it a fabricated inconsistency and see
it counted.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select

from bench.faultkit.clients import OrderBook
from domain.db import session_scope
from domain.events import kinds
from domain.models import (
    ApiKey,
    CurrentPlan,
    IdempotencyRecord,
    LineWeekLoad,
    Order,
    OrderEvent,
    OrderLine,
    OrderReview,
    OrderStatus,
    Plan,
    PlanItem,
)

KEYED = ("createOrder", "updateOrder", "cancelOrder")


@dataclass(frozen=True)
class StoredOrder:
    code: str
    status: str
    requested_date: str
    created_by: str | None
    lines: int
    reviews: int
    events: dict[str, int]  # kind -> count


@dataclass(frozen=True)
class StoredRecord:
    """An idempotency record of a bench key: the operation, the key, and the order its stored answer names."""

    operation: str
    key: str
    order_code: str | None  # None: the record was committed without its answer (a half-written write)


@dataclass(frozen=True)
class StoredPlans:
    in_force_version: int | None
    items: dict[int, int]  # version -> plan items
    loads: dict[int, int]  # version -> line-week loads


@dataclass
class Stored:
    orders: dict[str, StoredOrder]
    records: list[StoredRecord]
    plans: StoredPlans
    bench_actors: frozenset[str]


@dataclass
class Findings:
    lost: list[str] = field(default_factory=list)
    duplicated: list[str] = field(default_factory=list)
    half_written: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"lost": len(self.lost), "duplicated": len(self.duplicated), "half_written": len(self.half_written)}

    def examples(self, limit: int = 5) -> list[str]:
        return [*self.lost[:limit], *self.duplicated[:limit], *self.half_written[:limit]]


def read_stored(engine: Engine, key_prefix: str) -> Stored:
    """Every order with its lines, reviews and history counts; the bench keys' idempotency records; the plans."""
    with session_scope(engine) as s:
        key_ids = {kid: f"{role.value}:{name}" for kid, role, name in
                   s.execute(select(ApiKey.id, ApiKey.role, ApiKey.name).where(ApiKey.name.like(f"{key_prefix}%")))}
        lines = dict(s.execute(select(OrderLine.order_id, func.count()).group_by(OrderLine.order_id)).all())
        reviews = dict(s.execute(select(OrderReview.order_id, func.count()).group_by(OrderReview.order_id)).all())
        events: dict[int, dict[str, int]] = defaultdict(dict)
        for order_id, kind, count in s.execute(select(OrderEvent.order_id, OrderEvent.kind, func.count())
                                               .group_by(OrderEvent.order_id, OrderEvent.kind)):
            events[order_id][kind] = count
        orders = {code: StoredOrder(code, status.value, day.isoformat(), by, lines.get(oid, 0), reviews.get(oid, 0),
                                    events.get(oid, {}))
                  for oid, code, status, day, by in s.execute(select(Order.id, Order.code, Order.status,
                                                                     Order.requested_date, Order.created_by))}
        records = []
        for scope, key, response in s.execute(select(IdempotencyRecord.scope, IdempotencyRecord.key,
                                                     IdempotencyRecord.response)):
            operation, _, key_id = scope.partition(":")
            if operation in KEYED and key_id.isdigit() and int(key_id) in key_ids:
                records.append(StoredRecord(operation, key, (response or {}).get("code")))
        items = dict(s.execute(select(Plan.version, func.count(PlanItem.id)).outerjoin(PlanItem)
                               .group_by(Plan.version)).all())
        loads = dict(s.execute(select(Plan.version, func.count(LineWeekLoad.id)).outerjoin(LineWeekLoad)
                               .group_by(Plan.version)).all())
        in_force = s.scalar(select(Plan.version).join(CurrentPlan, CurrentPlan.plan_id == Plan.id))
    return Stored(orders, records, StoredPlans(in_force, items, loads), frozenset(key_ids.values()))


def judge(book: OrderBook, stored: Stored) -> Findings:
    """Every acknowledged write there exactly once, every stored write whole."""
    found = Findings()
    by_key = {(r.operation, r.key): r for r in stored.records}
    for key, code in book.acked_creates.items():
        record = by_key.get(("createOrder", key))
        if record is None or code not in stored.orders:
            found.lost.append(f"createOrder {key} was acknowledged as {code} but is not stored")
        elif record.order_code != code:
            found.duplicated.append(f"createOrder {key} was acknowledged as {code}, its key names {record.order_code}")
    for code, seen in book.orders.items():
        order = stored.orders.get(code)
        if order is None:
            continue  # counted above
        if order.requested_date not in seen.dates:
            found.lost.append(f"order {code}: requested {order.requested_date}, clients were told {sorted(seen.dates)}")
        if seen.cancel == "acked" and order.status != OrderStatus.CANCELLED.value:
            found.lost.append(f"order {code}: cancel acknowledged but the order is {order.status}")
    _keyed_writes(stored, found)
    _whole_orders(stored, found)
    return found


def _keyed_writes(stored: Stored, found: Findings) -> None:
    """Each keyed write is one record and one history entry: more entries is a write applied twice, fewer a half."""
    created = Counter(r.order_code for r in stored.records if r.operation == "createOrder")
    for code, count in created.items():
        if code is not None and count > 1:
            found.duplicated.append(f"order {code} is the answer of {count} createOrder keys")
    bench_orders = [o for o in stored.orders.values() if o.created_by in stored.bench_actors]
    for order in bench_orders:
        if created[order.code] == 0:
            found.duplicated.append(f"order {order.code} was created by a bench client without any key's record")
    for operation, kind in (("updateOrder", kinds.UPDATED), ("cancelOrder", kinds.CANCELLED)):
        applied = Counter(r.order_code for r in stored.records if r.operation == operation and r.order_code)
        for code in set(applied) | {o.code for o in bench_orders if o.events.get(kind)}:
            stored_order = stored.orders.get(code)
            events = stored_order.events.get(kind, 0) if stored_order else 0
            if events < applied[code]:
                found.half_written.append(f"{operation}: {applied[code]} stored answers for order {code} but "
                                          f"{events} {kind} entries in its history")
            elif events > applied[code]:
                found.duplicated.append(f"order {code}: {events} {kind} entries for {applied[code]} {operation} keys")
    for record in stored.records:
        if record.order_code is None:
            found.half_written.append(f"{record.operation} {record.key}: key stored without its answer")


def _whole_orders(stored: Stored, found: Findings) -> None:
    for order in stored.orders.values():
        # RECEIVED is the one status before the review (the demo plant has a few such orders).
        reviewed = order.reviews or order.status == OrderStatus.RECEIVED.value
        missing = [what for what, n in (("lines", order.lines), ("review", reviewed),
                                        ("CREATED history", order.events.get(kinds.CREATED, 0))) if not n]
        if missing:
            found.half_written.append(f"order {order.code} ({order.status}) has no {', '.join(missing)}")


def plan_whole(plans: StoredPlans, allowed_versions: set[int] | None = None) -> list[str]:
    """The plan in force and every stored version have their items and loads; in force is one of `allowed`."""
    problems = [f"plan version {v} has {plans.items.get(v, 0)} items and {plans.loads.get(v, 0)} line-week loads"
                for v in sorted(set(plans.items) | set(plans.loads))
                if not plans.items.get(v) or not plans.loads.get(v)]
    if plans.in_force_version is None:
        problems.append("no plan in force")
    elif allowed_versions is not None and plans.in_force_version not in allowed_versions:
        problems.append(f"plan version {plans.in_force_version} in force, expected one of {sorted(allowed_versions)}")
    return problems


def check_violations(output: str) -> int:
    """The count `sop check` ends with (`<database>: N violations`); -1 when it printed none (it failed)."""
    counts = re.findall(r": (\d+) violations", output)
    return int(counts[-1]) if counts else -1
