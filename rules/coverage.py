"""Coverage gaps: fact values for which none of the rules that give a verdict on a review criterion applies."""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rules.compile import to_predicate
from rules.conditions import fields_of
from rules.value_cells import cells_of, range_text, values_text
from rules.vocabulary import FIELDS

if TYPE_CHECKING:
    from rules.spec import RuleSpec

# (line, rule id or None, message), as rules.file_checks.Problem
Problem = tuple[int | None, str | None, str]
Place = tuple[frozenset[int], ...]  # per field other than the axis: the indexes of its cells

# rule set -> the actions that give a verdict on a point, and the parameter naming the point. When a file
# writes both a pass and a fail rule for a point, every order is meant to get a verdict on it: values
# neither covers pass unchecked ("no rule found a problem"), which is what a half-edited threshold leaves.
VERDICTS = {"review": (("pass_criterion", "fail_criterion"), "criterion")}
# beyond this many combinations of cells the check is left out rather than slow every load
MAX_COMBINATIONS = 50_000


def coverage_problems(rule_set: str, rules: Sequence[RuleSpec]) -> list[Problem]:
    if rule_set not in VERDICTS:
        return []
    actions, param = VERDICTS[rule_set]
    groups: dict[str, list[RuleSpec]] = defaultdict(list)
    kinds: dict[str, set[str]] = defaultdict(set)
    for rule in rules:
        for call in rule.actions:
            if call.name in actions:
                point = str(call.params[param])
                if rule not in groups[point]:
                    groups[point].append(rule)
                kinds[point].add(call.name)
    return [problem for point, group in groups.items() if kinds[point] == set(actions)
            for problem in _Gaps(point, group).problems()]


class _Gaps:
    """The cells of every field a point's rules test, and the combinations of them no rule covers."""

    def __init__(self, point: str, rules: list[RuleSpec]) -> None:
        self.point = point
        self.rules = rules
        self.predicates: list[tuple[RuleSpec, Callable[[Mapping[str, Any]], bool]]] = [
            (rule, to_predicate(rule.condition)) for rule in rules]
        fields = sorted(set().union(*(fields_of(rule.condition) for rule in rules)))
        self.fields = fields
        self.cells = {field: cells_of(field, [rule.condition for rule in rules]) for field in fields}
        numeric = [field for field in fields if FIELDS[field].numeric]
        self.axis = numeric[-1] if numeric else None  # gaps are reported as ranges of this field
        self.others = [field for field in fields if field != self.axis]

    def problems(self) -> list[Problem]:
        if math.prod(len(cells) for cells in self.cells.values()) > MAX_COMBINATIONS:
            return []
        gaps: dict[tuple[int, ...], list[int]] = defaultdict(list)
        for combination in itertools.product(*(range(len(self.cells[field])) for field in self.fields)):
            chosen = dict(zip(self.fields, combination, strict=True))
            if not any(predicate(self._facts(chosen)) for _, predicate in self.predicates):
                gaps[tuple(chosen[field] for field in self.others)].append(chosen[self.axis] if self.axis else 0)
        return [self._problem(place, first, last) for place, axis_cells in self._merged(gaps).items()
                for first, last in _runs(axis_cells)]

    def _facts(self, chosen: Mapping[str, int]) -> dict[str, Any]:
        return {field: self.cells[field][index].value for field, index in chosen.items()}

    def _merged(self, gaps: dict[tuple[int, ...], list[int]]) -> dict[Place, tuple[int, ...]]:
        """Join places that differ in one field only and have the same gap: 'KEY or REGULAR', not a line each."""
        merged = {tuple(frozenset([index]) for index in where): tuple(axis) for where, axis in gaps.items()}
        for position in range(len(self.others)):
            joined: dict[tuple[Place, tuple[int, ...]], set[int]] = defaultdict(set)
            for place, axis in merged.items():
                joined[(place[:position] + place[position + 1:], axis)].update(place[position])
            merged = {(*rest[:position], frozenset(values), *rest[position:]): axis
                      for (rest, axis), values in joined.items()}
        return merged

    def _problem(self, place: Place, first: int, last: int) -> Problem:
        axis_cells = self.cells[self.axis] if self.axis else []
        axis_text = range_text(self.axis, axis_cells[first], axis_cells[last]) if self.axis else ""
        where = [values_text(field, [self.cells[field][i] for i in sorted(indexes)])
                 for field, indexes in zip(self.others, place, strict=True)
                 if len(indexes) < len(self.cells[field])]  # every value of a field: it does not matter
        text = " for ".join(part for part in (axis_text, " and ".join(where)) if part) or "every order"
        named = self._rules_beside(place, first, last) or self.rules
        shown = [f"{rule.id} at line {rule.line}" for rule in named]
        listed = " and ".join([", ".join(shown[:-1]), shown[-1]] if len(shown) > 1 else shown)
        point = self.point
        return (named[0].line, None, f"{text} gets no {point} verdict ({'rules' if len(shown) > 1 else 'rule'} "
                                     f"{listed}): no rule passes or fails {point} there, so such an order passes "
                                     f"{point} unchecked; make the conditions meet")

    def _rules_beside(self, place: Place, first: int, last: int) -> list[RuleSpec]:
        """The rules that apply just either side of the gap: the ones a half-edit left apart."""
        if self.axis is None:
            return []
        beside = [index for index in (first - 1, last + 1) if 0 <= index < len(self.cells[self.axis])]
        choices = [dict(zip(self.others, indexes, strict=True)) for indexes in itertools.product(*map(sorted, place))]
        return [rule for rule, predicate in self.predicates
                if any(predicate(self._facts({**chosen, self.axis: index})) for chosen in choices for index in beside)]


def _runs(indexes: Sequence[int]) -> list[tuple[int, int]]:
    """(first, last) of each run of consecutive cells."""
    runs: list[tuple[int, int]] = []
    for index in sorted(set(indexes)):
        if runs and runs[-1][1] == index - 1:
            runs[-1] = (runs[-1][0], index)
        else:
            runs.append((index, index))
    return runs

