"""Normalized conditions to durable-rules JSON, and to a plain-Python twin used to explain and cross-check."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping
from typing import Any

from rules.conditions import AllOf, Always, AnyOf, Compare, Condition
from rules.vocabulary import engine_key

Predicate = Callable[[Mapping[str, Any]], bool]

_DURABLE_OP = {">": "$gt", ">=": "$gte", "<": "$lt", "<=": "$lte", "!=": "$neq"}
_PY_OP: dict[str, Callable[[Any, Any], bool]] = {
    ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
    "==": operator.eq, "!=": operator.ne,
    "in": lambda a, b: a in b, "not_in": lambda a, b: a not in b,
    "between": lambda a, b: b[0] <= a <= b[1],
}


def to_durable(condition: Condition, type_tag: str) -> dict[str, Any]:
    """The `m` pattern of one rule; the type tag keeps the re-asserted session state from matching."""
    tag = {"t": type_tag}
    if isinstance(condition, Always):
        return tag
    return {"$and": [tag, _expression(condition)]}


def _expression(condition: Condition) -> dict[str, Any]:
    if isinstance(condition, AllOf):
        return {"$and": [_expression(part) for part in condition.parts]}
    if isinstance(condition, AnyOf):
        return {"$or": [_expression(part) for part in condition.parts]}
    if not isinstance(condition, Compare):
        raise TypeError(f"condition not normalized: {condition!r}")
    key = engine_key(condition.field)
    if condition.op == "==":
        return {key: condition.value}
    if condition.op == "between":
        low, high = condition.value
        return {"$and": [{"$gte": {key: low}}, {"$lte": {key: high}}]}
    if condition.op == "in":
        return {"$or": [{key: value} for value in condition.value]}
    if condition.op == "not_in":
        return {"$and": [{"$neq": {key: value}} for value in condition.value]}
    return {_DURABLE_OP[condition.op]: {key: condition.value}}


def to_predicate(condition: Condition) -> Predicate:
    """Plain-Python truth of a normalized condition over dotted facts (a missing field is false)."""
    if isinstance(condition, Always):
        return lambda facts: True
    if isinstance(condition, AllOf):
        parts = [to_predicate(part) for part in condition.parts]
        return lambda facts: all(part(facts) for part in parts)
    if isinstance(condition, AnyOf):
        parts = [to_predicate(part) for part in condition.parts]
        return lambda facts: any(part(facts) for part in parts)
    if not isinstance(condition, Compare):
        raise TypeError(f"condition not normalized: {condition!r}")
    field, test, expected = condition.field, _PY_OP[condition.op], condition.value

    def compare(facts: Mapping[str, Any]) -> bool:
        value = facts.get(field)
        return value is not None and test(value, expected)

    return compare


def explain(condition: Condition, facts: Mapping[str, Any]) -> list[tuple[str, Any, str]]:
    """The comparisons that made a condition true: (field, value, 'order.amount 120000 > 50000')."""
    if isinstance(condition, Always):
        return []
    if isinstance(condition, AllOf):
        return [reason for part in condition.parts for reason in explain(part, facts)]
    if isinstance(condition, AnyOf):
        true_parts = [part for part in condition.parts if to_predicate(part)(facts)]
        return [reason for part in true_parts for reason in explain(part, facts)]
    if not isinstance(condition, Compare):
        raise TypeError(f"condition not normalized: {condition!r}")
    value = facts.get(condition.field)
    if isinstance(value, bool):
        truth = value if condition.op == "==" else not value
        return [(condition.field, value, f"{condition.field} is {_show(value)}" if truth == condition.value
                 else f"{condition.field} {_show(value)} {condition.op} {_show(condition.value)}")]
    return [(condition.field, value,
             f"{condition.field} {_show(value)} {condition.op} {_show(condition.value)}")]


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, tuple):
        return "[" + ", ".join(_show(item) for item in value) + "]"
    return str(value)
