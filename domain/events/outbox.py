"""Order events and alerts a use case produced, published to subscribers only after its commit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from domain.models import Alert, OrderEvent


class EventBroker(Protocol):
    """What the floor needs of domain.events.EventPublisher: announce ids of committed rows."""

    async def publish_order_event(self, order_event_id: int) -> None: ...

    async def publish_alert(self, alert_id: int) -> None: ...


@dataclass
class Outbox:
    order_events: list[OrderEvent] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)

    def alert(self, alert: Alert) -> None:
        if all(a is not alert for a in self.alerts):
            self.alerts.append(alert)

    async def publish(self, broker: EventBroker | None) -> None:
        """Call after commit: subscribers must never see a change that was rolled back."""
        if broker is None:
            return
        for event in self.order_events:
            await broker.publish_order_event(event.id)
        for alert in self.alerts:
            await broker.publish_alert(alert.id)
