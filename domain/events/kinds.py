"""The words the order history and the alerts are written in: every event kind, alert kind and severity, once.

Live use cases and the demo generator both write these, so a demo row reads like a live one.
"""

from __future__ import annotations

# order_events.kind
CREATED = "CREATED"  # received and reviewed (to_status: the review's outcome)
STATUS = "STATUS"  # the plan or the floor moved the order on (from_status -> to_status)
PROGRESS = "PROGRESS"  # the floor reported units made
AT_RISK = "AT_RISK"  # a promise the lines can no longer keep: the expected date in `after`
MOVED = "MOVED"  # a new promise made to make room for another order (rush insertion, incident) in time
LATE = "LATE"  # the promised date passed without the goods in stock
FEEDBACK = "FEEDBACK"  # a complaint, return or requirement from the customer
SHIPPED = "SHIPPED"
SHIPPED_PART = "SHIPPED_PART"
PROPOSAL_ACCEPTED = "PROPOSAL_ACCEPTED"
PROPOSAL_DECLINED = "PROPOSAL_DECLINED"
PROPOSAL_RENEWED = "PROPOSAL_RENEWED"
UPDATED = "UPDATED"  # changed by the customer and reviewed again
CANCELLED = "CANCELLED"

ORDER_EVENT_KINDS = frozenset({CREATED, STATUS, PROGRESS, AT_RISK, MOVED, LATE, FEEDBACK, SHIPPED, SHIPPED_PART,
                               PROPOSAL_ACCEPTED, PROPOSAL_DECLINED, PROPOSAL_RENEWED, UPDATED, CANCELLED})

# alerts.kind
LATE_ORDER = "LATE_ORDER"  # an order at risk of missing its promise or already past it (one spelling for both)
SAFETY_STOCK = "SAFETY_STOCK"  # finished goods below safety stock
MATERIAL = "MATERIAL"  # the plan needs more of a material than will be there
INCIDENT = "INCIDENT"  # a line down or a material lost, as reported

ALERT_KINDS = frozenset({LATE_ORDER, SAFETY_STOCK, MATERIAL, INCIDENT})

# alerts.severity
WARNING = "WARNING"
CRITICAL = "CRITICAL"

SEVERITIES = frozenset({WARNING, CRITICAL})

# What each table's kind column may hold: the demo writes nothing outside it (tests/unit/demo/test_vocabulary.py).
KINDS_BY_TABLE = {"order_events": ORDER_EVENT_KINDS, "alerts": ALERT_KINDS}
