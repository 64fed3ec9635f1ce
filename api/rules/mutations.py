"""reloadRules: admin only; validate beside the live rules, swap, and publish the revision to every process."""

from __future__ import annotations

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.context import Context
from api.core.errors import ErrorCode, UserError
from api.core.mutations import run_use_case
from api.core.permissions import require
from api.rules.types import RuleSet, RuleSetsPayload
from domain.access import Principal
from domain.errors import RulesRejected
from domain.models import Role
from rules import RuleBook, RulesError

Info = strawberry.Info[Context, None]


@strawberry.type
class RulesMutations:
    @strawberry.mutation(description="Reload the rule files; a failing file leaves the live rules untouched.")
    async def reload_rules(self, info: Info) -> RuleSetsPayload:
        holder = info.context.rules
        problems: list[UserError] = []

        async def use_case(session: AsyncSession, principal: Principal) -> RuleBook:
            actor = require(principal, Role.ADMIN).actor
            try:
                book, revision = holder.activate(actor)
            except RulesError as error:
                problems.extend(
                    UserError(
                        field=[p.file] + ([p.rule_id] if p.rule_id else []),
                        message=str(p),
                        code=ErrorCode.RULES_INVALID,
                    )
                    for p in error.errors
                )
                raise RulesRejected(
                    f"{len(error.errors)} problem(s) in the rule files; the old rules stay in force"
                ) from None
            session.add(revision)
            await session.commit()
            return book

        outcome = await run_use_case(info, use_case)
        book = outcome.value or holder.current
        return RuleSetsPayload(
            version=book.version, rule_sets=RuleSet.all_of(book), errors=[*problems, *outcome.errors]
        )
