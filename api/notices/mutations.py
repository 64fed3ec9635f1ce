"""acknowledgeNotice: the partner system, sales (planner) or an admin records that the customer was told."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from api.core.context import Context
from api.core.mutations import run_use_case
from api.core.node import parse_global_id
from api.core.permissions import require
from api.notices.types import AcknowledgeNoticeInput, Notice, NoticePayload
from domain.access import Principal
from domain.errors import NotFound
from domain.models import Notice as NoticeRow
from domain.models import Role
from domain.notices import acknowledge_notice

Info = strawberry.Info[Context, None]


@strawberry.type
class NoticeMutations:
    @strawberry.mutation(description="Record that the customer was told of a notice (a partner for its own "
                         "customers, a planner or an admin for any); a second acknowledgement changes nothing.")
    async def acknowledge_notice(
        self, info: Info,
        input: Annotated[AcknowledgeNoticeInput, strawberry.argument(description="The notice to acknowledge.")],
    ) -> NoticePayload:
        type_name, pk = parse_global_id(input.id)

        async def use_case(session: AsyncSession, principal: Principal) -> NoticeRow:
            require(principal, Role.PARTNER, Role.PLANNER)
            if type_name != "Notice":
                raise NotFound("not the id of a notice", ["input", "id"])
            return await acknowledge_notice(session, principal, pk)

        outcome = await run_use_case(info, use_case)
        row = outcome.value
        return NoticePayload(notice=None if row is None else Notice.from_row(row), errors=outcome.errors)
