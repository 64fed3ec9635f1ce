"""The admins' auditLog query: every master-data change, newest first."""

from __future__ import annotations

from typing import Annotated

import strawberry

from api.core.context import Context
from api.core.pagination import After, Connection, First, paged
from api.core.permissions import require
from api.masterdata.types import AuditEntry
from domain import masterdata
from domain.models import Role


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
        wanted = masterdata.AuditFilter(entity, code)
        return await paged(ctx, first, after, "auditLog", masterdata.AUDIT_BY_ID,
                           lambda session, size, position: masterdata.audit_page(session, wanted, size, position),
                           lambda session: masterdata.count_audit(session, wanted), AuditEntry.from_row)
