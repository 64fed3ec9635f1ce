"""The capacity ledger held in memory for a batch of promises: views as load_ledger gives them, hours taken in place.

A batch (an import, a demo load) reads the ledger once with load_ledger and promises order after order against
this copy; each order sees the hours the ones before it took, as it would re-reading the database after their
conditional UPDATEs. The database is written once at the end (take_totals).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.ledger import TAKE, CapacityTaken, LedgerView


@dataclass
class LedgerInMemory:
    """Free regular hours (residual) and free reserve room per line-week of a LedgerView, updated as orders take them.

    load_ledger gives reserve = min(room, left), where room = share * reserve - rush hours used and left what the
    line-week has left at all: taking regular hours lowers residual and left, rush hours lower room and left. Where
    room > left the reserve is left whatever room is, so room may start as the reserve read.
    """

    loaded: LedgerView
    residual: np.ndarray = field(init=False)
    room: np.ndarray = field(init=False)
    left: np.ndarray = field(init=False)
    index: dict[int, int] = field(init=False)
    week_index: dict[date, int] = field(init=False)
    taken: dict[tuple[int, date, bool], float] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.residual = self.loaded.residual.copy()
        loaded = self.loaded
        self.room = loaded.reserve.copy()
        # A view without `left` bounds its reserve by residual + room (the open share's room).
        self.left = loaded.left.copy() if loaded.left is not None else \
            loaded.residual + loaded.reserve - np.minimum(loaded.residual, 0.0)
        self.index = self.loaded.line_index()
        self.week_index = {week: i for i, week in enumerate(self.loaded.weeks)}

    def view(self, line_ids: Sequence[int]) -> LedgerView:
        """The ledger as load_ledger would read it now for these lines (sorted, as an order's context lists them)."""
        rows = [self.index[line_id] for line_id in line_ids]
        residual, left = self.residual[rows], self.left[rows]
        reserve = np.minimum(self.room[rows], left)
        return LedgerView(list(line_ids), self.loaded.weeks, residual.copy(), reserve, self.loaded.open_share[rows],
                          left=left.copy())

    def take(self, line_id: int, week: date, hours: float, from_reserve: bool) -> None:
        li, wi = self.index[line_id], self.week_index[week]
        if from_reserve:
            self.room[li, wi] -= hours
        else:
            self.residual[li, wi] -= hours
        self.left[li, wi] -= hours
        key = (line_id, week, from_reserve)
        self.taken[key] = self.taken.get(key, 0.0) + hours

    def open_share(self, line_id: int) -> float:
        return float(self.loaded.open_share[self.index[line_id]])


async def take_totals(session: AsyncSession, ledger: LedgerInMemory) -> None:
    """Write the hours taken as one conditional UPDATE per line-week and kind (the ledger's own TAKE), in (line,
    week) order like reserve_all; CapacityTaken if another writer took any of them since the ledger was read."""
    first_week = ledger.loaded.weeks[0]
    params = [
        {"ledger_line_id": line_id, "ledger_week": week, "from_reserve": from_reserve,
         "regular": 0.0 if from_reserve else hours, "rush": hours if from_reserve else 0.0,
         "share": ledger.open_share(line_id) if week == first_week else 1.0,
         # The batch promises against free hours only: it consumes no forecast hours (forecast_hours.py), so a
         # batch never takes what the plan holds for a forecast (conservative where a plan is already in force).
         "consumed": 0.0}
        for (line_id, week, from_reserve), hours in sorted(ledger.taken.items())
    ]
    if not params:
        return
    result = await (await session.connection()).execute(TAKE, params)
    if result.rowcount != len(params):  # type: ignore[attr-defined]
        raise CapacityTaken(f"{len(params) - result.rowcount} of the {len(params)} line-weeks booked are no longer "  # type: ignore[attr-defined]
                            "free: another writer took hours during the batch; run it again")
