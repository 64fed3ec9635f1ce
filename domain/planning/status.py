"""Where a plan version stands (PlanStatus), from the plan in force and the plan's own record."""

from __future__ import annotations

from domain.models import PlanStatus


def plan_status(plan_id: int, in_force_id: int | None, *, rejected: bool = False,
                was_in_force: bool = False) -> PlanStatus:
    """REJECTED once turned down; IN_FORCE for the plan in force; SUPERSEDED for a plan that was in force, or
    was solved before the plan now in force (ids grow with each solve: a draft overtaken); else a DRAFT."""
    if rejected:
        return PlanStatus.REJECTED
    if plan_id == in_force_id:
        return PlanStatus.IN_FORCE
    if was_in_force or (in_force_id is not None and plan_id < in_force_id):
        return PlanStatus.SUPERSEDED
    return PlanStatus.DRAFT
