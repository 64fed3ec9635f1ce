"""GraphQL types of loaded rule sets."""

from __future__ import annotations

import strawberry

from api.core.errors import UserError
from rules import RuleBook


@strawberry.type(description="One rule of a rule set, as a business user wrote it.")
class Rule:
    id: str = strawberry.field(description="The rule's id in its file (e.g. `P1-STRATEGIC`); fired rules name it.")
    description: str = strawberry.field(description="What the rule does, in the words of whoever wrote it.")


@strawberry.type(description="A rule file in force: its name, content version and rules.")
class RuleSet:
    name: str = strawberry.field(
        description="The rule_set name (review, rush, priority, capacity_policy, cost_allocation, scorecards).")
    version: str = strawberry.field(
        description="The first 12 hex digits of the SHA-256 of the file's text: changes whenever the file does.")
    file: str = strawberry.field(
        description="The file's name in the rule folder (SOP_RULES_DIR), e.g. `review.yaml`.")
    rules: list[Rule] = strawberry.field(description="Its rules, in file order.")

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


@strawberry.type(description="The answer of reloadRules: the rule sets now in force, or why the files were refused.")
class RuleSetsPayload:
    version: str | None = strawberry.field(description="Content hash of all rule files now in force.")
    rule_sets: list[RuleSet] = strawberry.field(
        description="Every rule set in force after the reload (the old ones when `errors` is not empty).")
    errors: list[UserError] = strawberry.field(description="file:line errors; the old rules stay in force.")
