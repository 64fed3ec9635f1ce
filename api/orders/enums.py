"""The domain's order enums, registered as GraphQL enums (strawberry decorates the classes in place)."""

from __future__ import annotations

from api.core.enums import expose_enum
from domain.events.kinds import OrderEventKind
from domain.models import OrderStatus, ReviewDecision, SignOffStatus
from domain.orders.queries import OrderSort

expose_enum(OrderStatus, "OrderStatus", "Where an order stands in its life, from receipt to delivery and payment.", {
    "RECEIVED": "Received, review not finished: also while it waits for people's sign-offs (`signOffs`), holding "
                "the capacity and stock an acceptance would take until the hold expires.",
    "ACCEPTED": "Reviewed and accepted with a promised date; waiting for the weekly plan.",
    "PROPOSED": "The plant proposed another date or a split; waiting for the customer (respondToProposal).",
    "REJECTED": "The review refused it; `review` says why.",
    "SCHEDULED": "In the plan in force.",
    "IN_PRODUCTION": "The shop floor has started making it.",
    "IN_STOCK": "All units made and in finished-goods stock.",
    "SHIPPED": "Left the plant.",
    "DELIVERED": "The customer received it (confirmDelivery); waiting to be paid in full.",
    "CLOSED": "Delivered and paid in full (recordPayment): nothing is left to do.",
    "CANCELLED": "Cancelled by the customer, or a proposal was declined.",
})
expose_enum(ReviewDecision, "ReviewDecision", "What a review decided (R4).", {
    "ACCEPT": "Accepted as asked: the requested date is promised and the hours are held.",
    "PROPOSE_DATE": "Cannot be made by the requested date: `proposedDate` is offered instead (order PROPOSED).",
    "SPLIT": "Part can be delivered by the requested date, the rest later: `deliveries` says what and when.",
    "REJECT": "Refused (by the default rules: margin below target, or no date within the horizon); `criteria` and "
              "`firedRules` say why.",
})
expose_enum(OrderSort, "OrderSortField", "What the orders list can be sorted on.", {
    "RECEIVED_AT": "When the order was received.",
    "REQUESTED_DATE": "The date the customer asked for.",
    "PROMISED_DATE": "The promised date; orders without a promise come last in ASC, first in DESC.",
    "CODE": "The plant's order number, as text.",
    "AMOUNT": "The order's amount.",
})
expose_enum(OrderEventKind, "OrderEventKind", "What happened to an order, as its history and subscriptions tell it.", {
    "CREATED": "The order was received and reviewed; `toStatus` is the review's outcome.",
    "STATUS": "The plan or the shop floor moved the order on (`fromStatus` -> `toStatus`).",
    "PROGRESS": "The shop floor reported units made for the order.",
    "AT_RISK": "The lines can no longer keep the promised date; `message` gives the expected date.",
    "MOVED": "A new promised date, made to fit a rush order or an incident in time.",
    "LATE": "The promised date passed without the goods in stock.",
    "FEEDBACK": "A complaint, return or requirement was recorded against the order.",
    "SHIPPED": "Everything left the plant.",
    "SHIPPED_PART": "Part of the order left the plant; the rest follows.",
    "DELIVERED": "The customer received the order (`toStatus` DELIVERED); the day and proof are in `message`.",
    "PAYMENT": "Money was received against the order; `message` gives the amount, the day and the total paid.",
    "CLOSED": "The order was delivered and paid in full (`toStatus` CLOSED).",
    "PROPOSAL_ACCEPTED": "The customer accepted the proposed date or split.",
    "PROPOSAL_DECLINED": "The customer declined the proposed date or split; the order is cancelled (a planned "
                         "order a rush order asked to give way keeps its promise instead).",
    "PROPOSAL_RENEWED": "A new proposal replaced one the plant could no longer keep.",
    "MOVE_PROPOSED": "A rush order needs the order's capacity: its customer is asked to accept a later date or a "
                     "split (`toStatus` PROPOSED); the promise holds until the answer (R15).",
    "PROPOSAL_EXPIRED": "No answer to a proposed move in time: the order keeps its promise.",
    "PROPOSAL_WITHDRAWN": "The plant withdrew a proposed move (another customer did not agree, or it is no longer "
                          "needed): the order keeps its promise.",
    "UPDATED": "The customer changed the order and it was reviewed again.",
    "CANCELLED": "The order was cancelled.",
    "SIGNED_OFF": "A person approved, rejected or overrode a sign-off the review asked for; `actor` names them and "
                  "`message` gives their reason.",
    "HOLD_EXPIRED": "Nobody signed off before the hold expired: the held capacity was given back and the order "
                    "reviewed again (`toStatus` is the new outcome).",
})

expose_enum(SignOffStatus, "SignOffStatus", "Where one person's sign-off of an order's review stands (R3).", {
    "PENDING": "Asked for and not answered yet: the order waits RECEIVED.",
    "APPROVED": "The role's person approved; `by`, `at` and `reason` say who, when and why.",
    "REJECTED": "The role's person rejected: the order is REJECTED and its hold given back.",
    "OVERRIDDEN": "An admin settled it in the role's place (override), approving or rejecting with a reason.",
    "EXPIRED": "No longer asked for: the hold expired, the order was changed, or another sign-off rejected it.",
})

__all__ = ["OrderEventKind", "OrderSort", "OrderStatus", "ReviewDecision", "SignOffStatus"]
