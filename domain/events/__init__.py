"""Change notifications for subscribers: publish ids after commit; subscribers refetch what they may see."""

from domain.events.broker import ALERTS, CHANNELS, ORDER_EVENTS, PLANS, EventBroker, EventPublisher, make_broker
from domain.events.memory import InProcessBroker
from domain.events.notices import NOTICE_KINDS, notice_text

__all__ = [
           "ALERTS",
           "CHANNELS",
           "NOTICE_KINDS",
           "ORDER_EVENTS",
           "PLANS",
           "EventBroker",
           "EventPublisher",
           "InProcessBroker",
           "make_broker",
           "notice_text",
]
