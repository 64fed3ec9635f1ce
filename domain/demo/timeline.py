"""An order's life as hours after receipt, and where it stands at a given age: the status and its timestamps."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

# Each status once: the first orders of a plant are forced into these so every one appears (DELIVERED last, so
# the nine before it force the orders they always did). CLOSED follows from payments (domain/demo/aftersales.py).
ALL_STATUSES = ("RECEIVED", "ACCEPTED", "PROPOSED", "REJECTED", "SCHEDULED", "IN_PRODUCTION", "IN_STOCK",
                "SHIPPED", "CANCELLED", "DELIVERED")
TERMINAL = {"REJECTED", "CANCELLED", "CLOSED"}
HOUR = timedelta(hours=1)


@dataclass
class Timeline:
    """Offsets in hours from receipt; a phase is (hours, status entered)."""

    phases: list[tuple[float, str]] = field(default_factory=list)

    def add(self, hours: float, status: str) -> None:
        self.phases.append((hours, status))

    def offset(self, status: str) -> float | None:
        return next((h for h, s in self.phases if s == status), None)

    def age_inside(self, status: str) -> float:
        """An age at which the order stands in `status` (the middle of that phase)."""
        for index, (hours, name) in enumerate(self.phases):
            if name == status:
                if index + 1 < len(self.phases):
                    return (hours + self.phases[index + 1][0]) / 2
                return hours + 1.0
        raise ValueError(f"timeline never reaches {status}: {self.phases}")


@dataclass(frozen=True)
class Stage:
    """Where an order stands `now`: its status and the timestamps of what already happened."""

    status: str
    reviewed_at: datetime | None
    scheduled_at: datetime | None
    started_at: datetime | None
    completed_at: datetime | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    cancelled_at: datetime | None
    transitions: list[tuple[datetime, str]]


def stage_at(timeline: Timeline, received_at: datetime, now: datetime) -> Stage:
    age = (now - received_at) / HOUR
    # Phases come in time order, so what was reached is a prefix; each timestamp is computed once.
    transitions = [(received_at + timedelta(hours=h), s) for h, s in timeline.phases if h <= age]
    at = {status: when for when, status in transitions}
    return Stage(
        status=transitions[-1][1],
        reviewed_at=transitions[1][0] if len(transitions) > 1 else None,
        scheduled_at=at.get("SCHEDULED"),
        started_at=at.get("IN_PRODUCTION"),
        completed_at=at.get("IN_STOCK"),
        shipped_at=at.get("SHIPPED"),
        delivered_at=at.get("DELIVERED"),
        cancelled_at=at.get("CANCELLED"),
        transitions=transitions,
    )
