"""The floor's enums, registered once before any type or input that names them is built."""

from __future__ import annotations

import strawberry

from api.core.enums import expose_enum
from domain import models

strawberry.enum(models.IncidentKind, name="IncidentKind")
strawberry.enum(models.FeedbackKind, name="FeedbackKind")
strawberry.enum(models.FeedbackCause, name="FeedbackCause")
expose_enum(models.FeedbackStatus, "FeedbackStatus", "Where a complaint, return or requirement stands (R8); it "
            "moves forward only, a step may be skipped.", {
                "OPEN": "Recorded; production has not looked at it yet.",
                "ACKNOWLEDGED": "Production has seen it.",
                "ASSIGNED": "A person answers for it (assignee).",
                "ROOT_CAUSE": "Why it happened is found (rootCause).",
                "CORRECTIVE_ACTION": "What is done so it does not recur is recorded (correctiveAction).",
                "RESOLVED": "The customer's problem is solved.",
                "CLOSED": "Checked and filed.",
            })
