"""Errors a business user or a caller can act on: rule-file problems and bad facts."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class RuleFileError:
    """One problem in one rule file, located as precisely as we can."""

    file: str
    line: int | None
    rule_id: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line is not None else self.file
        rule = f" rule {self.rule_id}:" if self.rule_id else ""
        return f"{where}:{rule} {self.message}"


class RulesError(Exception):
    """A rule book could not be loaded; nothing of it was put in force."""

    def __init__(self, errors: Iterable[RuleFileError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


class InvalidFacts(ValueError):
    """Facts passed to a rule set are missing, unknown or of the wrong type."""


class EngineError(RuntimeError):
    """durable-rules failed while matching (an action raised, or a retired rule book was used)."""


class FactRejected(InvalidFacts):
    """durable-rules could not read one fact's value; `field` names it as rule files do (margin.pct)."""

    def __init__(self, rule_set: str, field: str, reason: str) -> None:
        super().__init__(f"{rule_set} rules could not read fact '{field}': {reason}")
        self.rule_set = rule_set
        self.field = field


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' when a close choice exists, else ''."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""
