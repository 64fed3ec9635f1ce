"""Run the examples of a rule file: each gives facts and the outcome a business user expects."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rules import views
from rules.compiled import CompiledRuleSet
from rules.errors import EngineError, InvalidFacts, RuleFileError, did_you_mean
from rules.model import Evaluation
from rules.spec import ExampleSpec

# rule set -> how its outcome is built (priority needs the margin for its tie-breaker)
OUTCOMES: dict[str, Callable[[Evaluation, dict[str, Any]], Any]] = {
    "review": lambda e, facts: views.review_outcome(e),
    "rush": lambda e, facts: views.rush_outcome(e),
    "priority": lambda e, facts: views.priority_outcome(e, facts.get("margin.pct")),
    "capacity_policy": lambda e, facts: views.capacity_policy(e),
    "cost_allocation": lambda e, facts: views.cost_allocation(e),
    "scorecards": lambda e, facts: views.scorecard_policy(e),
}


@dataclass(frozen=True)
class ExampleResult:
    file: str
    rule_set: str
    example: str
    line: int | None
    passed: bool
    message: str

    def as_error(self) -> RuleFileError:
        return RuleFileError(self.file, self.line, None, f"example '{self.example}': {self.message}")


def run_examples(compiled: CompiledRuleSet) -> list[ExampleResult]:
    return [_run_one(compiled, example) for example in compiled.spec.examples]


def _run_one(compiled: CompiledRuleSet, example: ExampleSpec) -> ExampleResult:
    spec = compiled.spec

    def result(passed: bool, message: str) -> ExampleResult:
        return ExampleResult(spec.file, spec.name, example.name, example.line, passed, message)

    try:
        evaluation = compiled.cross_check(example.facts)
        outcome = OUTCOMES[spec.name](evaluation, compiled.checked_facts(example.facts))
    except (InvalidFacts, EngineError, ValueError) as error:
        return result(False, str(error))
    actual = outcome.summary()
    fired = [rule.rule for rule in evaluation.fired]
    problems = []
    for key, expected in example.expect.items():
        if key == "fired":
            missing = [rule for rule in _as_list(expected) if rule not in fired]
            if missing:
                problems.append(f"expected {', '.join(missing)} to fire")
        elif key == "not_fired":
            unwanted = [rule for rule in _as_list(expected) if rule in fired]
            if unwanted:
                problems.append(f"expected {', '.join(unwanted)} not to fire")
        elif key not in actual:
            problems.append(f"cannot check '{key}'{did_you_mean(key, [*actual, 'fired', 'not_fired'])}")
        elif not _same(actual[key], expected):
            problems.append(f"expected {key} {_show(expected)}, got {_show(actual[key])}")
    if problems:
        return result(False, "; ".join(problems) + f" (fired: {', '.join(fired) or 'none'})")
    return result(True, "ok")


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(actual, (int, float)) and isinstance(expected, (int, float)) and \
            not isinstance(actual, bool) and not isinstance(expected, bool):
        return abs(float(actual) - float(expected)) < 1e-9
    if isinstance(actual, list):
        return sorted(actual) == sorted(_as_list(expected))
    return bool(actual == expected)


def _show(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
