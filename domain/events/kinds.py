"""The words the order history and the alerts are written in: every event kind, alert kind and severity, once.

Live use cases and the demo generator both write these, so a demo row reads like a live one. The API exposes
the three enums below as GraphQL enums, so a client sees exactly the words the rows hold.
"""

from __future__ import annotations

import enum


class OrderEventKind(enum.StrEnum):
    """order_events.kind: what happened to an order."""

    CREATED = "CREATED"  # received and reviewed (to_status: the review's outcome)
    STATUS = "STATUS"  # the plan or the floor moved the order on (from_status -> to_status)
    PROGRESS = "PROGRESS"  # the floor reported units made
    AT_RISK = "AT_RISK"  # a promise the lines can no longer keep: the expected date in `after`
    MOVED = "MOVED"  # a new promise made to make room for another order (rush insertion, incident) in time
    LATE = "LATE"  # the promised date passed without the goods in stock
    FEEDBACK = "FEEDBACK"  # a complaint, return or requirement from the customer
    SHIPPED = "SHIPPED"
    SHIPPED_PART = "SHIPPED_PART"
    DELIVERED = "DELIVERED"  # the customer confirmed receipt (deliveredOn, proof reference in `after`)
    PAYMENT = "PAYMENT"  # money received against the order
    CLOSED = "CLOSED"  # delivered and fully paid
    PROPOSAL_ACCEPTED = "PROPOSAL_ACCEPTED"
    PROPOSAL_DECLINED = "PROPOSAL_DECLINED"
    PROPOSAL_RENEWED = "PROPOSAL_RENEWED"
    # Negotiated rush moves (R15), on the displaced order; the rush order's outcome is a STATUS event.
    MOVE_PROPOSED = "MOVE_PROPOSED"  # a rush order needs its hours: its customer is asked; the promise holds meanwhile
    PROPOSAL_EXPIRED = "PROPOSAL_EXPIRED"  # no answer in time: the original promise stands
    PROPOSAL_WITHDRAWN = "PROPOSAL_WITHDRAWN"  # the plant no longer asks: the original promise stands
    UPDATED = "UPDATED"  # changed by the customer and reviewed again
    CANCELLED = "CANCELLED"
    SIGNED_OFF = "SIGNED_OFF"  # a person approved, rejected or overrode the review's sign-off (R3): who, why
    HOLD_EXPIRED = "HOLD_EXPIRED"  # nobody signed off in time: the hold was released and the order reviewed again


class AlertKind(enum.StrEnum):
    """alerts.kind: what an alert is about."""

    LATE_ORDER = "LATE_ORDER"  # an order at risk of missing its promise or already past it (one spelling for both)
    SAFETY_STOCK = "SAFETY_STOCK"  # finished goods below safety stock
    MATERIAL = "MATERIAL"  # the plan needs more of a material than will be there
    INCIDENT = "INCIDENT"  # a line down or a material lost, as reported
    ORDER_REVIEW = "ORDER_REVIEW"  # an imported open order the review rules would not accept as it stands


class AlertSeverity(enum.StrEnum):
    """alerts.severity: how soon someone must act."""

    WARNING = "WARNING"
    CRITICAL = "CRITICAL"


# The members under their own names, as live writers and the demo spell them (a StrEnum member is its string).
CREATED = OrderEventKind.CREATED
STATUS = OrderEventKind.STATUS
PROGRESS = OrderEventKind.PROGRESS
AT_RISK = OrderEventKind.AT_RISK
MOVED = OrderEventKind.MOVED
LATE = OrderEventKind.LATE
FEEDBACK = OrderEventKind.FEEDBACK
SHIPPED = OrderEventKind.SHIPPED
SHIPPED_PART = OrderEventKind.SHIPPED_PART
DELIVERED = OrderEventKind.DELIVERED
PAYMENT = OrderEventKind.PAYMENT
CLOSED = OrderEventKind.CLOSED
PROPOSAL_ACCEPTED = OrderEventKind.PROPOSAL_ACCEPTED
PROPOSAL_DECLINED = OrderEventKind.PROPOSAL_DECLINED
PROPOSAL_RENEWED = OrderEventKind.PROPOSAL_RENEWED
MOVE_PROPOSED = OrderEventKind.MOVE_PROPOSED
PROPOSAL_EXPIRED = OrderEventKind.PROPOSAL_EXPIRED
PROPOSAL_WITHDRAWN = OrderEventKind.PROPOSAL_WITHDRAWN
UPDATED = OrderEventKind.UPDATED
CANCELLED = OrderEventKind.CANCELLED
SIGNED_OFF = OrderEventKind.SIGNED_OFF
HOLD_EXPIRED = OrderEventKind.HOLD_EXPIRED
LATE_ORDER = AlertKind.LATE_ORDER
SAFETY_STOCK = AlertKind.SAFETY_STOCK
MATERIAL = AlertKind.MATERIAL
INCIDENT = AlertKind.INCIDENT
ORDER_REVIEW = AlertKind.ORDER_REVIEW
WARNING = AlertSeverity.WARNING
CRITICAL = AlertSeverity.CRITICAL

ORDER_EVENT_KINDS: frozenset[str] = frozenset(OrderEventKind)
ALERT_KINDS: frozenset[str] = frozenset(AlertKind)
SEVERITIES: frozenset[str] = frozenset(AlertSeverity)

# What each table's kind column may hold: the demo writes nothing outside it (tests/unit/demo/test_vocabulary.py).
KINDS_BY_TABLE = {"order_events": ORDER_EVENT_KINDS, "alerts": ALERT_KINDS}
