"""GraphQL types of the target breakdown (R1, R2): an annual revenue target as quarterly family volumes."""

from __future__ import annotations

from decimal import Decimal

import strawberry

from api.core.convert import from_attributes
from domain import kpis


@strawberry.input(
    description="A family's own growth, for one quarter or the whole year (e.g. +30% of family A in Q2)."
)
class MixTargetInput:
    family: str = strawberry.field(description="The product family; it must have sold something last year.")
    growth: float = strawberry.field(description="The family's own growth, e.g. 0.3 for +30%.")
    quarter: int | None = strawberry.field(default=None, description="1-4; all year when omitted.")


@strawberry.input(description="An annual revenue target to break down (R1).")
class PlanTargetsInput:
    year: int = strawberry.field(description="The target year; last year's sales are the base.")
    revenue_growth: float = strawberry.field(description="Growth of revenue over the year before, e.g. 0.2.")
    mix: list[MixTargetInput] = strawberry.field(
        default_factory=list, description="Families that grow at their own rate; the others share the growth that "
        "makes the year reach the target. None when omitted.")


@strawberry.type(description="The target of one product family in one quarter.")
class FamilyQuarterTarget:
    family: str = strawberry.field(description="The product family.")
    quarter: int = strawberry.field(description="1 to 4.")
    last_year_revenue: Decimal = strawberry.field(
        description="What the family sold in that quarter last year, in the company currency.")
    growth: float = strawberry.field(
        description="The growth applied, as a ratio (0.2 = +20%): the mix's, or the shared rest.")
    revenue: Decimal = strawberry.field(description="The target revenue, in the company currency.")
    volume: float = strawberry.field(
        description="Units the target revenue means at last year's mean price of the family in that quarter.")
    forecast_volume: float | None = strawberry.field(
        description="Sales' mid forecast for the family and quarter, in units; null when not forecast.")
    capped_volume: float = strawberry.field(
        description="The volume scaled down to what the family's tightest line can make.")
    capped_revenue: Decimal = strawberry.field(
        description="The revenue of the capped volume, in the company currency.")


@strawberry.type(
    description="A line-quarter the target needs more hours of than it has: the gap, reported, not hidden."
)
class CapacityGap:
    line_code: str = strawberry.field(description="The line short of hours.")
    quarter: int = strawberry.field(description="1 to 4.")
    capacity_hours: float = strawberry.field(
        description="Hours it has: weekly hours x 13 x (1 - rush reserve share).")
    needed_hours: float = strawberry.field(description="Hours the target volumes routed to it would need.")
    short_hours: float = strawberry.field(description="neededHours - capacityHours.")


@strawberry.type(
    description="An annual revenue target broken into quarterly volumes per family (R1, R2). Capacity "
    "is checked by aggregation: a family's units go to its routed lines in proportion to their hours; a "
    "line-quarter has weekly hours x 13 x (1 - rush reserve); gaps are reported, not hidden, and the "
    "capped target scales each family-quarter by its tightest line."
)
class TargetPlan:
    year: int = strawberry.field(description="The target year.")
    last_year_revenue: Decimal = strawberry.field(
        description="Revenue of the year before, the base, in the company currency.")
    target_revenue: Decimal = strawberry.field(
        description="Last year's revenue x (1 + revenueGrowth), in the company currency.")
    capped_revenue: Decimal = strawberry.field(
        description="The target as far as capacity allows: the sum of the capped family-quarters.")
    targets: list[FamilyQuarterTarget] = strawberry.field(description="One entry per family and quarter.")
    gaps: list[CapacityGap] = strawberry.field(
        description="The line-quarters short of hours; empty when the target fits.")

    @classmethod
    def of(cls, p: kpis.TargetPlan) -> TargetPlan:
        return from_attributes(
            cls,
            p,
            targets=[from_attributes(FamilyQuarterTarget, t) for t in p.targets],
            gaps=[from_attributes(CapacityGap, g) for g in p.gaps],
        )
