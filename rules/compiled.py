"""A checked rule set compiled to durable-rules, evaluated on typed facts; keeps a Python twin to cross-check."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rules.compile import to_durable, to_predicate
from rules.engine import DurableRuleSet
from rules.errors import EngineError, InvalidFacts, did_you_mean
from rules.model import Action, Evaluation, FiredRule
from rules.spec import RuleSetSpec
from rules.vocabulary import FACT_DEFAULTS, FIELDS, engine_key


def flatten_facts(facts: Mapping[str, Any]) -> dict[str, Any]:
    """Dotted keys as given; nested mappings ({'order': {'amount': 1}}) become dotted keys too."""
    if all(key in FIELDS for key in facts):  # the common case: already dotted (checked cheaply, no ABC checks)
        return dict(facts)
    flat: dict[str, Any] = {}
    for key, value in facts.items():
        if isinstance(value, Mapping) and key not in FIELDS:
            for inner, inner_value in flatten_facts(value).items():
                flat[f"{key}.{inner}"] = inner_value
        else:
            flat[key] = value
    return flat


# exact types that need no further look (an enum still has to be one of its choices)
_FAST_TYPES: dict[str, tuple[type, ...]] = {
    name: {"money": (int, float), "number": (int, float), "int": (int,), "bool": (bool,),
           "text": (str,), "enum": ()}[field_type.kind]
    for name, field_type in FIELDS.items()
}


class CompiledRuleSet:
    def __init__(self, spec: RuleSetSpec, version: str) -> None:
        self.spec = spec
        self.name = spec.name
        self.version = version
        self.required = sorted(spec.fields)
        self._required = frozenset(self.required)
        self._predicates = [to_predicate(rule.condition) for rule in spec.rules]
        self._rank = {index: (-rule.priority, index) for index, rule in enumerate(spec.rules)}
        self._actions = [[Action(call.name, {"reason": rule.description, **call.params}, rule.id)
                          for call in rule.actions] for rule in spec.rules]
        patterns = [(to_durable(rule.condition, f"sop.{spec.name}"), rule.priority) for rule in spec.rules]
        self._durable = DurableRuleSet(f"sop.{spec.name}", patterns)

    def checked_facts(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        """Typed dotted facts; durable-rules would compare 'abc' > 5 as true and never match None."""
        flat = flatten_facts(facts)
        problems = []
        for key, value in flat.items():
            if type(value) in _FAST_TYPES.get(key, ()):  # the common case, checked cheaply
                continue
            field_type = FIELDS.get(key)
            if field_type is None:
                problems.append(f"unknown fact '{key}'{did_you_mean(key, FIELDS)}")
            elif value is None:
                if key in self._required:
                    problems.append(f"fact '{key}' is None; {self.name} rules need {field_type.describe()}")
            elif not field_type.accepts(value):
                problems.append(f"fact '{key}' must be {field_type.describe()}, got {value!r}")
            elif field_type.numeric:
                flat[key] = float(value) if field_type.kind != "int" else int(value)
        for key in self._required.intersection(FACT_DEFAULTS):
            flat.setdefault(key, FACT_DEFAULTS[key])
        missing = [key for key in self.required if key not in flat]
        if missing:
            problems.append(f"{self.name} rules need facts {', '.join(missing)}")
        if problems:
            raise InvalidFacts("; ".join(problems))
        return flat

    def evaluate(self, facts: Mapping[str, Any]) -> Evaluation:
        flat = self.checked_facts(facts)
        fact = {engine_key(key): flat[key] for key in self.required}
        fired = sorted(self._durable.match(fact), key=self._rank.__getitem__)
        return self._evaluation(fired, flat)

    def evaluate_python(self, facts: Mapping[str, Any]) -> Evaluation:
        """The same conditions evaluated without durable-rules: the benchmark baseline and cross-check."""
        flat = self.checked_facts(facts)
        fired = [index for index, predicate in enumerate(self._predicates) if predicate(flat)]
        return self._evaluation(sorted(fired, key=self._rank.__getitem__), flat)

    def cross_check(self, facts: Mapping[str, Any]) -> Evaluation:
        evaluation = self.evaluate(facts)
        twin = self.evaluate_python(facts)
        engine_rules = [rule.rule for rule in evaluation.fired]
        python_rules = [rule.rule for rule in twin.fired]
        if engine_rules != python_rules:
            raise EngineError(f"{self.name}: durable-rules fired {engine_rules}, the cross-check {python_rules}")
        return evaluation

    def _evaluation(self, fired: list[int], flat: dict[str, Any]) -> Evaluation:
        rules = self.spec.rules
        return Evaluation(
            self.name,
            [action for index in fired for action in self._actions[index]],
            [FiredRule(self.name, rules[i].id, rules[i].description, rules[i].condition, flat) for i in fired],
        )

    def close(self) -> None:
        self._durable.close()
