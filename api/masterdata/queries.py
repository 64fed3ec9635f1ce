"""The admins' auditLog query: every master-data change, newest first."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.core.context import Context
from api.core.pagination import After, Connection, First, connection, decode_cursor, page_size
from api.core.permissions import require
from api.masterdata.types import AuditEntry
from domain import masterdata
from domain.models import Role

DEFAULT_PAGE = 50


@strawberry.type
class MasterDataQueries:
    @strawberry.field(description="Admin: every change of master data (upserts and retirements), newest first.")
    async def audit_log(
        self, info: strawberry.Info[Context, None], first: First = None, after: After = None,
        entity: Annotated[str | None, strawberry.argument(
            description="Only this kind of record: CUSTOMER, PRODUCT, MATERIAL, LINE, BOM, ROUTING, CALENDAR_DAY."
        )] = None,
        code: Annotated[str | None, strawberry.argument(description="Only the record with this code.")] = None,
    ) -> Connection[AuditEntry]:
        ctx = info.context
        require(ctx.user, Role.ADMIN)
        size = page_size(first, DEFAULT_PAGE, ctx.settings.max_page_size)
        position = decode_cursor(after, "auditLog")
        wanted = masterdata.AuditFilter(entity, code)
        async with ctx.db() as session:
            page = await masterdata.audit_page(session, wanted, size, position)

        async def count() -> int:
            async with ctx.db() as session:
                return await masterdata.count_audit(session, wanted)

        return connection(page, masterdata.AUDIT_BY_ID, "auditLog", AuditEntry.from_row, count, position)
