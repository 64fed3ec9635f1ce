"""GraphQL types of loaded rule sets."""

from __future__ import annotations

import strawberry

from api.core.errors import UserError
from rules import RuleBook


@strawberry.type(description="One rule of a rule set, as a business user wrote it.")
class Rule:
    id: str
    description: str


@strawberry.type(description="A rule file in force: its name, content version and rules.")
class RuleSet:
    name: str
    version: str
    file: str
    rules: list[Rule]

    @classmethod
    def all_of(cls, book: RuleBook) -> list[RuleSet]:
        return [
            cls(
                name=s.name,
                version=s.version,
                file=s.file,
                rules=[Rule(id=r.id, description=r.description) for r in s.rules],
            )
            for s in book.rule_sets
        ]


@strawberry.type
class RuleSetsPayload:
    version: str | None = strawberry.field(description="Content hash of all rule files now in force.")
    rule_sets: list[RuleSet]
    errors: list[UserError] = strawberry.field(description="file:line errors; the old rules stay in force.")
