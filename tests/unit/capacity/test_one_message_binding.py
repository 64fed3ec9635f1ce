"""one_message.bound keeps the rendering of a statement's IN lists per list lengths: the SQL and values it gives from
what it kept are those SQLAlchemy's own expansion gives for the same call."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.dialects import postgresql

from domain.capacity import one_message
from domain.models import Order, OrderReview, OrderStatus

DIALECT = postgresql.psycopg.dialect()  # type: ignore[attr-defined]
# Two IN lists, an enum (converted to its stored value) and a date: the kinds of values createOrder's reads bind.
STATEMENT = select(Order.id).where(Order.id.in_(bindparam("ids", expanding=True)),
                                   Order.status.in_(bindparam("statuses", expanding=True)),
                                   Order.requested_date >= bindparam("since"), Order.status != bindparam("not_status"))


def _sqlalchemy(params: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """SQLAlchemy's expansion of the call, on a compilation of its own."""
    return one_message._expanded_now(STATEMENT.compile(dialect=DIALECT), params)  # type: ignore[arg-type]


def test_a_kept_rendering_gives_what_the_expansion_gives_for_every_length() -> None:
    """Input tried: the same statement bound for lists of 3 and 1 ids, 2 and 0 statuses, each twice (the second call
    of a shape uses what the first kept), against SQLAlchemy's expansion of the same call."""
    one_message._expanded.clear()
    for ids, statuses in (([5, 3, 9], [OrderStatus.ACCEPTED, OrderStatus.RECEIVED]), ([7], []),
                          ([5, 3, 9], [OrderStatus.REJECTED, OrderStatus.CANCELLED]), ([2], [])):
        params = {"ids": ids, "statuses": statuses, "since": date(2026, 12, 7), "not_status": OrderStatus.CLOSED}
        sql, values = one_message.bound(DIALECT, STATEMENT, params)
        assert (sql, values) == _sqlalchemy(params)
        assert values["not_status"] == OrderStatus.CLOSED.value  # converted, not the member
    kept = [key for key in one_message._expanded if key[1] == id(STATEMENT)]
    assert sorted(key[2] for key in kept) == [(1, 0), (3, 2)]  # (ids, statuses): one rendering per shape, reused
    assert all(one_message._expanded[key] is not None for key in kept)


def test_what_is_kept_is_bounded_and_binding_goes_on_past_the_bound(monkeypatch: Any) -> None:
    """Input tried: a bound of 3 renderings and ids lists of 1 to 5 values: never more than 3 kept, and every call
    still gives SQLAlchemy's expansion."""
    monkeypatch.setattr(one_message, "EXPANDED_KEPT", 3)
    one_message._expanded.clear()
    for length in range(1, 6):
        params = {"ids": list(range(length)), "statuses": [OrderStatus.ACCEPTED], "since": date(2026, 12, 7),
                  "not_status": OrderStatus.CLOSED}
        assert one_message.bound(DIALECT, STATEMENT, params) == _sqlalchemy(params)
        assert len(one_message._expanded) <= 3


# An IN over constants (its bind is anonymous and valued by the statement, as createOrder's product reads filter
# order statuses) and a JSON value (its processor wraps it in psycopg's Json, which compares by identity).
CONSTANT_IN = select(Order.id).where(Order.id.in_(bindparam("ids", expanding=True)),
                                     Order.status.in_([OrderStatus.ACCEPTED, OrderStatus.RECEIVED]))
WITH_JSON = select(OrderReview.id).where(OrderReview.id.in_(bindparam("ids", expanding=True)),
                                         OrderReview.facts == bindparam("facts", type_=OrderReview.facts.type))


def test_an_in_over_constants_and_a_json_value_are_kept_too() -> None:
    """Input tried: each statement bound twice for 2 ids (the second call uses what the first kept), against
    SQLAlchemy's expansion of the same call; both renderings kept (they were expanded anew on every call)."""
    one_message._expanded.clear()
    calls: list[tuple[Any, dict[str, Any]]] = [(CONSTANT_IN, {"ids": [4, 8]}),
                                              (WITH_JSON, {"ids": [4, 8], "facts": {"order.amount": 7}})]
    for statement, params in calls:
        for _ in range(2):
            sql, values = one_message.bound(DIALECT, statement, params)
            expected_sql, expected = one_message._expanded_now(statement.compile(dialect=DIALECT), params)  # type: ignore[arg-type]
            assert sql == expected_sql and values.keys() == expected.keys()
            assert all(one_message._same(values[name], expected[name]) for name in expected)
        assert one_message._expanded[(DIALECT.name, id(statement), (2,) if statement is WITH_JSON else (2, 2))] \
            is not None
    assert sorted(v for k, v in values.items() if k.startswith("ids")) == [4, 8]
