"""The Notice type and the acknowledgeNotice input and payload."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.core.convert import from_attributes
from api.core.errors import UserError
from api.core.node import global_id
from domain import models


@strawberry.type(description="Something a customer must hear of about one order (AT_RISK, LATE, MOVED, PROPOSED), "
                 "with the reason in the customer's words. Partner systems get each by webhook; "
                 "`acknowledgedAt` shows whether the customer was told. A partner sees its own customers' notices.")
class Notice:
    id: strawberry.ID = strawberry.field(description="Opaque global id; acknowledgeNotice takes it.")
    order_code: str = strawberry.field(description="The order the notice is about.")
    kind: str = strawberry.field(description="AT_RISK, LATE, MOVED, PROPOSED, or PROPOSAL_CLOSED (a proposed "
                                              "move ended unanswered or withdrawn: the promise stands).")
    message: str = strawberry.field(description="The notice in words for the customer: dates and the kind of "
                                    "cause, no plant-internal codes.")
    created_at: datetime = strawberry.field(description="When the change it tells of was committed (UTC).")
    delivered_at: datetime | None = strawberry.field(
        description="When a partner's webhook first took it (HTTP 2xx); null while no webhook has.")
    acknowledged_at: datetime | None = strawberry.field(
        description="When the partner system or sales acknowledged that the customer was told; null: not yet.")
    acknowledged_by: str | None = strawberry.field(description="Who acknowledged it, as `role:name`.")

    @classmethod
    def from_row(cls, row: models.Notice) -> Notice:
        return from_attributes(cls, row, id=global_id("Notice", row.id))


@strawberry.input(description="The notice to acknowledge.")
class AcknowledgeNoticeInput:
    id: strawberry.ID = strawberry.field(description="The notice's id, as `notices` gives it.")


@strawberry.type(description="The acknowledged notice, or the errors that refused it.")
class NoticePayload:
    notice: Notice | None = strawberry.field(description="The notice after the acknowledgement; null on error.")
    errors: list[UserError] = strawberry.field(description="Why it was refused (NOT_FOUND, FORBIDDEN).")
