"""What a rush insertion adjusts on the floor (R15's cost): the overtime it is made in and the tasks it interrupts."""

from __future__ import annotations

from dataclasses import dataclass

from domain.orders.assess import Assessment
from domain.orders.idle_rush import cuts_taken


@dataclass(frozen=True)
class RushAdjustment:
    overtime_hours: float
    changeovers: int


def rush_adjustment(a: Assessment) -> RushAdjustment:
    """The hours the promise takes of its running week beyond the idle hours and the tasks it postpones, at most
    the overtime the idle view offered (that is what the floor works beyond its days' hours), and one changeover per
    day task it replaces, postpones or shifts: the line leaves that task's product for the rush order and comes back.
    Read from the assessment as persist.py applies it (regular hours count when no stock tasks were replaced)."""
    changeovers = len(a.stock_cuts)
    postponable = a.postponable
    if postponable is None or a.tasks_from is None:
        return RushAdjustment(0.0, changeovers)
    taken = cuts_taken(postponable, a.promise, a.tasks_from, regular_too=not a.stock_cuts)
    overtime = sum(min(hours, postponable.overtime.get(line_id, 0.0)) for line_id, hours in taken.beyond.items())
    return RushAdjustment(round(overtime, 4), changeovers + len(taken.hours))
