"""The simulation's overtime: what the plan asked for, or what the floor worked beyond the days' hours if more (a
rush order laid on a full day is made in overtime, and costs it)."""

from __future__ import annotations

from datetime import date

import numpy as np

from domain.simulation.outcomes import Tally, figures
from domain.simulation.world import World


def _tally() -> Tally:
    world = World(date(2027, 1, 4), 2, (), (), (), (), np.zeros(0), np.zeros(0), np.zeros(0))
    return Tally(world, ["L01"], overtime_rate=60.0)


def test_the_floors_overtime_counts_when_more_than_the_plans() -> None:
    tally = _tally()
    tally.overtime_hours = {0: 5.0, 1: 4.0}
    tally.floor_overtime = {0: 2.0, 1: 9.0}
    assert [tally.overtime_of(w) for w in (0, 1)] == [5.0, 9.0]
    out = figures(tally)
    assert out["overtime_hours"]["numerator"] == 14.0
    assert out["gross_margin"]["numerator"] == -14.0 * 60.0
