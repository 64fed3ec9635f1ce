"""The domain's order enums, registered as GraphQL enums (strawberry decorates the classes in place)."""

from __future__ import annotations

import strawberry

from domain.events.kinds import OrderEventKind
from domain.models import OrderStatus, ReviewDecision
from domain.orders.queries import OrderSort

strawberry.enum(OrderStatus, name="OrderStatus")
strawberry.enum(ReviewDecision, name="ReviewDecision")
strawberry.enum(OrderSort, name="OrderSortField")
strawberry.enum(OrderEventKind, name="OrderEventKind", description="What happened to an order.")

__all__ = ["OrderEventKind", "OrderSort", "OrderStatus", "ReviewDecision"]
