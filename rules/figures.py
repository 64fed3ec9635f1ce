"""The figures that decided a rule, in the rule files' words: 'margin 7.2 % < 10 % for STRATEGIC'."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rules.compile import to_predicate
from rules.conditions import AllOf, Always, AnyOf, Compare, Condition

# How a business user says a field and its unit; a field not listed is shown by its dotted name.
LABELS: dict[str, tuple[str, str]] = {
    "margin.pct": ("margin", " %"),
    "forecast.excess_pct": ("demand above forecast", " %"),
    "order.days_to_due": ("days to due", " days"),
    "capacity.days_late": ("days late", " days"),
    "material.short_quantity": ("components short", ""),
}
# Fields whose equality reads as who or what the figures are for: 'for STRATEGIC'.
QUALIFIERS = ("customer.tier",)


def deciding_comparisons(condition: Condition, facts: Mapping[str, Any]) -> list[Compare]:
    """The comparisons that made a normalized condition true (of an `any`, only the parts that hold)."""
    if isinstance(condition, Always):
        return []
    if isinstance(condition, AllOf):
        return [leaf for part in condition.parts for leaf in deciding_comparisons(part, facts)]
    if isinstance(condition, AnyOf):
        return [leaf for part in condition.parts if to_predicate(part)(facts)
                for leaf in deciding_comparisons(part, facts)]
    if not isinstance(condition, Compare):
        raise TypeError(f"condition not normalized: {condition!r}")
    return [condition]


def rule_figures(condition: Condition, facts: Mapping[str, Any]) -> str:
    """'margin 7.2 % < 10 % for STRATEGIC': each number against the threshold the rule file holds.

    Yes/no comparisons ('material.fits == false') only restate the verdict, so they are left out; the
    domain adds what lies behind them (which component, which line)."""
    figures, qualifiers = [], []
    for leaf in deciding_comparisons(condition, facts):
        value = facts.get(leaf.field)
        if isinstance(value, bool) or isinstance(leaf.value, bool):
            continue
        if leaf.field in QUALIFIERS and leaf.op in ("==", "in"):
            qualifiers.append(f"for {show(value)}")
        else:
            figures.append(_comparison(leaf, value))
    return " ".join([" and ".join(figures), *qualifiers]).strip()


def _comparison(leaf: Compare, value: Any) -> str:
    label, unit = LABELS.get(leaf.field, (leaf.field, ""))
    if leaf.op == "between":
        low, high = leaf.value
        return f"{label} {show(value)}{unit} between {show(low)}{unit} and {show(high)}{unit}"
    if leaf.op == "==" and not isinstance(value, (int, float)):
        return f"{label} {show(value)}"  # 'product.maturity NEW', not 'NEW == NEW'
    if leaf.op in ("in", "not_in"):
        return f"{label} {show(value)} {leaf.op.replace('_', ' ')} [{', '.join(show(v) for v in leaf.value)}]"
    return f"{label} {show(value)}{unit} {leaf.op} {show(leaf.value)}{unit}"


def show(value: Any) -> str:
    """A figure as people read it: 1,406 and 7.2, not 1406.0 and 7.199999."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        rounded = round(float(value), 2)
        return f"{rounded:,.0f}" if rounded.is_integer() else f"{rounded:,.2f}".rstrip("0")
    return str(value)


def criterion_message(reason: str, figures: Iterable[str]) -> str:
    """The reason a rule gives, then the figures behind it: 'Gross margin below ...: margin 7.2 % < 10 %'."""
    shown = [figure for figure in figures if figure]
    if not shown:
        return reason
    return f"{reason.rstrip('. ')}: {'; '.join(shown)}"
