"""The closed vocabularies of the plant: tiers, statuses, kinds."""

from __future__ import annotations

import enum


class CustomerTier(enum.StrEnum):
    STRATEGIC = "STRATEGIC"
    KEY = "KEY"
    REGULAR = "REGULAR"


class ProcessMaturity(enum.StrEnum):
    PROVEN = "PROVEN"
    NEW = "NEW"


class OrderStatus(enum.StrEnum):
    RECEIVED = "RECEIVED"
    ACCEPTED = "ACCEPTED"
    PROPOSED = "PROPOSED"
    REJECTED = "REJECTED"
    SCHEDULED = "SCHEDULED"
    IN_PRODUCTION = "IN_PRODUCTION"
    IN_STOCK = "IN_STOCK"
    SHIPPED = "SHIPPED"
    DELIVERED = "DELIVERED"  # the customer received it (confirmDelivery)
    CLOSED = "CLOSED"  # delivered and fully paid (recordPayment): nothing left to do
    CANCELLED = "CANCELLED"


class ReviewDecision(enum.StrEnum):
    ACCEPT = "ACCEPT"
    PROPOSE_DATE = "PROPOSE_DATE"
    SPLIT = "SPLIT"
    REJECT = "REJECT"


class DeliveryStatus(enum.StrEnum):
    PROPOSED = "PROPOSED"
    PROMISED = "PROMISED"
    DELIVERED = "DELIVERED"


class RushCause(enum.StrEnum):
    DEMAND_ABOVE_FORECAST = "DEMAND_ABOVE_FORECAST"
    CUSTOMER_CHANGE = "CUSTOMER_CHANGE"
    INTERNAL = "INTERNAL"


class ForecastTier(enum.StrEnum):
    LOW = "LOW"
    MID = "MID"
    HIGH = "HIGH"


class PlanStatus(enum.StrEnum):
    """Where a plan version stands: derived from the plan in force and the plan's record (planning/status.py)."""

    DRAFT = "DRAFT"  # solved against the plan in force, waiting for production's and sales' approval
    IN_FORCE = "IN_FORCE"
    SUPERSEDED = "SUPERSEDED"  # was in force, or was solved before the plan now in force
    REJECTED = "REJECTED"  # a draft turned down with a reason (rejectPlan)


class ProductionOrderStatus(enum.StrEnum):
    SUGGESTED = "SUGGESTED"
    RELEASED = "RELEASED"
    DONE = "DONE"
    CANCELLED = "CANCELLED"


class IncidentKind(enum.StrEnum):
    EQUIPMENT_FAILURE = "EQUIPMENT_FAILURE"
    MATERIAL_SHORTAGE = "MATERIAL_SHORTAGE"


class FeedbackKind(enum.StrEnum):
    COMPLAINT = "COMPLAINT"
    RETURN = "RETURN"
    REQUIREMENT = "REQUIREMENT"


class FeedbackCause(enum.StrEnum):
    PRODUCTION = "PRODUCTION"
    LOGISTICS = "LOGISTICS"
    OTHER = "OTHER"


class FeedbackStatus(enum.StrEnum):
    """Where a complaint, return or requirement stands (R8): each step forward is in the order's history."""

    OPEN = "OPEN"  # recorded, nobody has looked at it yet
    ACKNOWLEDGED = "ACKNOWLEDGED"  # production has seen it
    ASSIGNED = "ASSIGNED"  # a person answers for it (assignee)
    ROOT_CAUSE = "ROOT_CAUSE"  # the cause is found (root_cause)
    CORRECTIVE_ACTION = "CORRECTIVE_ACTION"  # what was done so it does not happen again (corrective_action)
    RESOLVED = "RESOLVED"  # the customer's problem is solved
    CLOSED = "CLOSED"  # checked and filed


class Role(enum.StrEnum):
    VIEWER = "viewer"
    PARTNER = "partner"
    MES = "mes"
    PLANNER = "planner"
    PURCHASING = "purchasing"  # material receipts (R9, R10); signs off orders short of material (R3)
    SALES = "sales"  # signs off margins and agrees plans for the sales side (R3, R5)
    PRODUCTION = "production"  # signs off tight capacity and rush orders, agrees plans for production (R3, R5)
    TECHNOLOGY = "technology"  # signs off new processes (R3)
    FINANCE = "finance"  # signs off margins below target (R3)
    ADMIN = "admin"


class StockMovementKind(enum.StrEnum):
    PRODUCED = "PRODUCED"
    SHIPPED = "SHIPPED"
    RETURNED = "RETURNED"
    ADJUSTED = "ADJUSTED"
    SCRAPPED = "SCRAPPED"


class SignOffStatus(enum.StrEnum):
    """Where one person's sign-off of an order's review stands (R3)."""

    PENDING = "PENDING"  # asked for; the order waits RECEIVED holding its capacity and stock
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    OVERRIDDEN = "OVERRIDDEN"  # settled by an authorised person for the role asked (override: true)
    EXPIRED = "EXPIRED"  # the hold ran out (or the order was changed) before anyone answered
