"""What an evaluation returns: the actions to take and the rules that fired, with their reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rules.compile import explain
from rules.conditions import Condition
from rules.figures import rule_figures


@dataclass(frozen=True)
class Action:
    name: str
    params: dict[str, Any]
    rule: str = ""  # the id of the rule that asked for it, so its figures can be shown with it


class FiredRule:
    """A rule that fired; facts and explanation are worked out only when someone reads them."""

    __slots__ = ("_all_facts", "_condition", "_reasons", "message", "rule", "rule_set")

    def __init__(self, rule_set: str, rule: str, message: str, condition: Condition,
                 all_facts: dict[str, Any]) -> None:
        self.rule_set = rule_set
        self.rule = rule
        self.message = message
        self._condition = condition
        self._all_facts = all_facts
        self._reasons: list[tuple[str, Any, str]] | None = None

    def _explained(self) -> list[tuple[str, Any, str]]:
        if self._reasons is None:
            self._reasons = explain(self._condition, self._all_facts)
        return self._reasons

    @property
    def facts(self) -> dict[str, Any]:
        """The facts that made the rule true, e.g. {'order.amount': 120000.0}."""
        return {name: value for name, value, _ in self._explained()}

    @property
    def explanation(self) -> str:
        """e.g. 'order.amount 120000 > 50000 and customer.tier STRATEGIC == STRATEGIC'."""
        reasons = [text for _, _, text in self._explained()]
        return " and ".join(reasons) if reasons else "always applies"

    @property
    def figures(self) -> str:
        """The numbers that made the rule true against its thresholds, e.g. 'margin 7.2 % < 10 % for STRATEGIC'."""
        return rule_figures(self._condition, self._all_facts)

    def to_dict(self) -> dict[str, Any]:
        return {"rule_set": self.rule_set, "rule": self.rule, "message": self.message,
                "facts": self.facts, "explanation": self.explanation}

    def __repr__(self) -> str:
        return f"FiredRule({self.rule_set}/{self.rule}: {self.explanation})"


@dataclass(frozen=True)
class Evaluation:
    rule_set: str
    actions: list[Action]  # in firing order: highest priority first
    fired: list[FiredRule]

    def first(self, action: str) -> Action | None:
        """The action of the highest-priority rule that asked for it: how conflicts are settled."""
        return next((a for a in self.actions if a.name == action), None)

    def all(self, action: str) -> list[Action]:
        return [a for a in self.actions if a.name == action]


@dataclass(frozen=True)
class RuleInfo:
    id: str
    description: str
    priority: int = 0


@dataclass(frozen=True)
class RuleSetInfo:
    name: str
    version: str
    file: str
    rules: list[RuleInfo] = field(default_factory=list)
