"""Rule conditions: parsed from `when:`, checked against the vocabulary, with negations pushed to leaves."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from rules.errors import did_you_mean
from rules.vocabulary import ALL_OPERATORS, FIELDS, OPERATORS_BY_KIND, FieldType, not_finite
from rules.yaml_lines import LineDict, LineList, line_of


@dataclass(frozen=True)
class Compare:
    field: str
    op: str
    value: Any
    line: int | None


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    part: Condition


@dataclass(frozen=True)
class Always:
    pass


Condition = Compare | AllOf | AnyOf | Not | Always

_LEAF = re.compile(r"^\s*(\S+)\s+(>=|<=|==|!=|>|<|between|not_in|in)\s+(.+?)\s*$")
_NEGATED = {">": "<=", ">=": "<", "<": ">=", "<=": ">", "==": "!=", "!=": "==", "in": "not_in",
            "not_in": "in"}


class ConditionProblem(Exception):
    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def parse_condition(raw: Any, line: int | None) -> Condition:
    """Turn a `when:` value (text, list = all, or one of all/any/not) into a checked Condition."""
    if raw is None or raw == "always":
        return Always()
    if isinstance(raw, str):
        return _parse_leaf(raw, line)
    if isinstance(raw, LineList):
        return AllOf(tuple(parse_condition(item, line_of(raw, i)) for i, item in enumerate(raw)))
    if isinstance(raw, LineDict) and len(raw) == 1:
        (key, value), = raw.items()
        inner_line = line_of(raw, key)
        if key == "not":
            return Not(parse_condition(value, inner_line))
        if key in ("all", "any"):
            if not isinstance(value, LineList) or not value:
                raise ConditionProblem(inner_line, f"'{key}' needs a list of conditions")
            parts = tuple(parse_condition(item, line_of(value, i)) for i, item in enumerate(value))
            return AllOf(parts) if key == "all" else AnyOf(parts)
        raise ConditionProblem(inner_line, f"unknown combinator '{key}'"
                               f"{did_you_mean(key, ['all', 'any', 'not'])}; use all, any or not")
    raise ConditionProblem(line, "a condition is a text like 'order.amount > 50000', "
                           "or a list under all/any/not")


def _parse_leaf(text: str, line: int | None) -> Compare:
    match = _LEAF.match(text)
    if not match:
        words = text.split()
        if len(words) >= 2 and words[0] in FIELDS:
            raise ConditionProblem(line, f"unknown operator '{words[1]}' in '{text}'"
                                   f"{did_you_mean(words[1], ALL_OPERATORS)}")
        raise ConditionProblem(line, f"cannot read condition '{text}': write FIELD OPERATOR VALUE, "
                               "e.g. 'order.amount > 50000'")
    field, op, value_text = match.groups()
    if field not in FIELDS:
        raise ConditionProblem(line, f"unknown field '{field}'{did_you_mean(field, FIELDS)}")
    field_type = FIELDS[field]
    if op not in OPERATORS_BY_KIND[field_type.kind]:
        allowed = " ".join(OPERATORS_BY_KIND[field_type.kind])
        raise ConditionProblem(line, f"operator '{op}' does not apply to {field} ({field_type.kind}); "
                               f"use one of {allowed}")
    try:
        value = yaml.safe_load(value_text)
    except yaml.YAMLError:
        value = value_text
    return Compare(field, op, _checked_value(field, field_type, op, value, line), line)


def _checked_value(field: str, field_type: FieldType, op: str, value: Any, line: int | None) -> Any:
    if op in ("in", "not_in", "between"):
        if not isinstance(value, list) or not value:
            raise ConditionProblem(line, f"'{op}' needs a list in brackets, e.g. [A, B], got {value!r}")
        if op == "between" and len(value) != 2:
            raise ConditionProblem(line, f"'between' needs [low, high], got {value!r}")
        items = [_checked_scalar(field, field_type, item, line) for item in value]
        if op == "between" and items[0] > items[1]:
            raise ConditionProblem(line, f"'between' needs low <= high, got {value!r}")
        return tuple(items)
    return _checked_scalar(field, field_type, value, line)


def _checked_scalar(field: str, field_type: FieldType, value: Any, line: int | None) -> Any:
    odd = not_finite(value)
    if odd:
        raise ConditionProblem(line, f"{field} needs a plain number to compare with, got {odd}")
    if field_type.kind == "int" and field_type.accepts(value) and not -(2**63) <= value < 2**63:
        raise ConditionProblem(line, f"{field} compares whole numbers up to 9223372036854775807 "
                               f"either way, got {value}")
    if field_type.accepts(value):
        return float(value) if field_type.kind in ("money", "number") else value
    if field_type.kind == "enum" and isinstance(value, str):
        raise ConditionProblem(line, f"{field} has no value '{value}'"
                               f"{did_you_mean(value, field_type.choices)}; "
                               f"it is {field_type.describe()}")
    got = "text" if isinstance(value, str) else type(value).__name__
    raise ConditionProblem(line, f"{field} is {field_type.describe()}, got {got} {value!r}")


def normalize(condition: Condition, negate: bool = False) -> Condition:
    """Push every `not` down to the comparisons, so durable-rules needs no negation operator."""
    if isinstance(condition, Not):
        return normalize(condition.part, not negate)
    if isinstance(condition, Always):
        if negate:
            raise ConditionProblem(None, "'not always' can never be true")
        return condition
    if isinstance(condition, (AllOf, AnyOf)):
        parts = tuple(normalize(part, negate) for part in condition.parts)
        flip = isinstance(condition, AllOf) == negate
        return AnyOf(parts) if flip else AllOf(parts)
    if not negate:
        return condition
    if condition.op == "between":
        low, high = condition.value
        return AnyOf((Compare(condition.field, "<", low, condition.line),
                      Compare(condition.field, ">", high, condition.line)))
    return Compare(condition.field, _NEGATED[condition.op], condition.value, condition.line)


def fields_of(condition: Condition) -> set[str]:
    if isinstance(condition, Compare):
        return {condition.field}
    if isinstance(condition, (AllOf, AnyOf)):
        return set().union(*(fields_of(part) for part in condition.parts))
    if isinstance(condition, Not):
        return fields_of(condition.part)
    return set()
