"""Rules query: what is loaded, with version and rules."""

from __future__ import annotations

import strawberry

from api.core.context import Context
from api.rules.types import RuleSet

Info = strawberry.Info[Context, None]


@strawberry.type
class RulesQueries:
    @strawberry.field(description="The rule sets in force in this process, with their version and rules.")
    async def rule_sets(self, info: Info) -> list[RuleSet]:
        rules = info.context.rules
        async with info.context.db() as session:
            book = await rules.refresh(session)
        return RuleSet.all_of(book)
