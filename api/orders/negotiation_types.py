"""GraphQL types of negotiated rush moves (R15): the move a customer is asked to accept, and what a quote would move."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from api.orders.review_types import Delivery
from domain.orders.negotiation_view import MoveProposal as MoveProposalRow
from domain.orders.results import RushMoveResult


@strawberry.type(description="A rush order needs this order's capacity: the later date or split its customer is "
                             "asked to accept (respondToProposal). Until the answer the promise stands; a decline "
                             "or no answer by `expiresAt` keeps it.")
class MoveProposal:
    proposed_date: date = strawberry.field(description="The last delivery date if the customer accepts.")
    deliveries: list[Delivery] = strawberry.field(
        description="What would be delivered on which date if the customer accepts (several for a split).")
    original_date: date | None = strawberry.field(description="The promised date that stands until the answer.")
    expires_at: datetime = strawberry.field(
        description="When the proposal lapses unanswered (UTC); the original promise then stands.")
    accepted: bool = strawberry.field(
        description="True when the customer accepted and the move waits for other customers asked to give way.")

    @classmethod
    def from_row(cls, row: MoveProposalRow) -> MoveProposal:
        return cls(proposed_date=row.proposed_date, original_date=row.original_date, expires_at=row.expires_at,
                   accepted=row.accepted,
                   deliveries=[Delivery(sku=d.sku, quantity=d.quantity, date=d.date) for d in row.deliveries])


@strawberry.type(description="A planned order a rush order would take capacity from (R15). Not for partners "
                             "(FORBIDDEN): other customers' orders.")
class RushMove:
    order_code: str = strawberry.field(description="The planned order that would give way.")
    from_date: date | None = strawberry.field(description="Its promised date now.")
    to_date: date = strawberry.field(description="Its last delivery date after the move (or the split's late part).")
    split: bool = strawberry.field(description="True when part of it would still ship on its date, the rest later.")
    negotiated: bool = strawberry.field(
        description="True when the capacity policy says its customer is asked first (`negotiate`): the rush order's "
                    "promise is then tentative until the customer accepts; false when it is moved without asking.")

    @classmethod
    def from_result(cls, r: RushMoveResult) -> RushMove:
        return cls(order_code=r.order_code, from_date=r.from_date, to_date=r.to_date, split=r.split,
                   negotiated=r.negotiated)
