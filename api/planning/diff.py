"""PlanDiff and MovedOrder: what one plan changes against another, in items and in orders' dates."""

from __future__ import annotations

from datetime import date

import strawberry

from api.orders.types import Order
from api.planning.plan import Plan
from domain.planning.plan_reads import MovedOrderRow, PlanDiffRow


@strawberry.type(description="An order whose expected date a plan moves: the Friday of the last week it holds "
                             "hours in, before and after.")
class MovedOrder:
    order: Order = strawberry.field(description="The order moved.")
    from_date: date | None = strawberry.field(
        description="When the order was expected under the `from` plan; null when it held no hours there.")
    to_date: date | None = strawberry.field(
        description="When it is expected under the `to` plan; null when the horizon has no room for it.")
    reason: str = strawberry.field(description="Why it moves, in words.")

    @classmethod
    def from_row(cls, row: MovedOrderRow) -> MovedOrder:
        return cls(order=Order.from_row(row.order), from_date=row.from_date, to_date=row.to_date, reason=row.reason)


@strawberry.type(description="What changes from one plan version to another (planDiff): weekly items and the "
                             "orders whose dates move, the promises broken among them.")
class PlanDiff:
    from_: Plan = strawberry.field(name="from", description="The plan compared from.")
    to: Plan = strawberry.field(description="The plan compared to (the plan in force when `to` was omitted).")
    items_added: int = strawberry.field(
        description="Weekly items (week, line, sku) the `to` plan makes and the `from` plan does not.")
    items_removed: int = strawberry.field(description="Weekly items the `from` plan makes and the `to` plan does not.")
    items_changed: int = strawberry.field(description="Weekly items both make, in another quantity.")
    moved_orders: list[MovedOrder] = strawberry.field(
        description="Orders whose expected date moves, as recorded when the plans were solved and went into force "
                    "(a draft's: what going into force would do).")
    broken_promises: list[MovedOrder] = strawberry.field(
        description="The moved orders now expected after their promised date (or not within the horizon).")

    @classmethod
    def from_row(cls, row: PlanDiffRow, in_force_id: int | None) -> PlanDiff:
        return cls(
            from_=Plan.from_row(row.from_plan, in_force_id), to=Plan.from_row(row.to_plan, in_force_id),
            items_added=row.items_added, items_removed=row.items_removed, items_changed=row.items_changed,
            moved_orders=[MovedOrder.from_row(m) for m in row.moved_orders],
            broken_promises=[MovedOrder.from_row(m) for m in row.broken_promises])
