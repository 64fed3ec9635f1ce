"""GraphQL types of master data: an audit log entry and the payload of every master-data mutation."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from api.core.convert import from_attributes
from api.core.errors import UserError
from domain.models import AuditEntry as AuditRow


@strawberry.type(description="One change of a master record, as the audit log keeps it.")
class AuditEntry:
    at: datetime = strawberry.field(description="When it changed.")
    actor: str = strawberry.field(description="Who changed it (role:key name).")
    entity: str = strawberry.field(
        description="What kind of record: CUSTOMER, PRODUCT, MATERIAL, LINE, BOM, ROUTING or CALENDAR_DAY.")
    code: str = strawberry.field(description="The record's code (a calendar day: LINE@YYYY-MM-DD).")
    version: int = strawberry.field(description="The record's version after the change: 1 for its first change.")
    action: str = strawberry.field(description="UPSERT or RETIRE.")
    before: JSON | None = strawberry.field(description="The record before; null when it was created.")
    after: JSON | None = strawberry.field(description="The record after the change.")
    id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: AuditRow) -> AuditEntry:
        return from_attributes(cls, row, id=row.id)


@strawberry.type(description="What a master-data mutation changed, or why it changed nothing.")
class MasterDataPayload:
    changes: list[AuditEntry] = strawberry.field(
        description="The audit entries written: one per record changed (a calendar day of every line: one a line).")
    errors: list[UserError] = strawberry.field(description="Why nothing was written; empty on success.")
