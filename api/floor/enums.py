"""The floor's domain enums registered as GraphQL enums, described, before any input or type annotates with them."""

from __future__ import annotations

from api.core.enums import expose_enum
from domain import models

expose_enum(models.IncidentKind, "IncidentKind", "What went wrong on the floor (R7).", {
    "EQUIPMENT_FAILURE": "A line stopped: its lost hours are taken from its weeks and promises are re-checked.",
    "MATERIAL_SHORTAGE": "Material was lost or did not come: its stock falls and the orders needing it are checked.",
})
expose_enum(models.FeedbackKind, "FeedbackKind", "What a customer's feedback is (R8).", {
    "COMPLAINT": "The customer is not satisfied with what was delivered (quality, lateness).",
    "RETURN": "Goods come back; `quantity` says how many units.",
    "REQUIREMENT": "A special requirement production must meet (e.g. packaging).",
})
expose_enum(models.FeedbackCause, "FeedbackCause", "Whose a complaint or return is, as sales judged it.", {
    "PRODUCTION": "Caused by production: counts in the complaint rate (R12).",
    "LOGISTICS": "Caused in transport or the warehouse.",
    "OTHER": "Any other cause.",
})
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
