"""What a saved order holds (its hours, and the units it took from stock), read without locks while it is decided again.

updateOrder and cancelOrder decide before they write (issue #15 item 1): the order's own hours count as free for
its new promise (`freed` / `forecast_back` give the ledger and forecast rows as they will be once it gives them
back), and the writing transaction gives them back and takes the new ones in one pass over the ledger rows
(ledger.reserve_all with release=); ledger.drop_reservations deletes the reservations read, and when they changed
since (a concurrent change of the order) raises CapacityTaken: the order is decided again from fresh facts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import cast

from sqlalchemy import Table, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import CapacityReservation, OrderLine

RESERVATIONS, ORDER_LINES = cast(Table, CapacityReservation.__table__), cast(Table, OrderLine.__table__)
HELD = (  # built once: an order's reservations with the product of the order line each is for
    select(RESERVATIONS.c.id, RESERVATIONS.c.line_id, RESERVATIONS.c.week, RESERVATIONS.c.hours,
           RESERVATIONS.c.from_reserve, RESERVATIONS.c.forecast_hours, ORDER_LINES.c.product_id)
    .select_from(RESERVATIONS.join(ORDER_LINES, ORDER_LINES.c.id == RESERVATIONS.c.order_line_id))
    .where(RESERVATIONS.c.order_id == bindparam("order_id"))
    .order_by(RESERVATIONS.c.line_id, RESERVATIONS.c.week)
)
# (line id, week) -> capacity, reserve, lost, planned, promised, rush hours used: a ledger row as load_ledger has it
LedgerRows = dict[tuple[int, date], tuple[float, ...]]


@dataclass(frozen=True)
class Held:
    """One reservation of the order: hours of a line-week, from the regular hours or the rush reserve."""

    id: int  # the reservation row's: giving back checks the rows are still these
    line_id: int
    week: date
    hours: float
    from_reserve: bool
    forecast_hours: float  # of the regular hours, those consumed from its product's forecast (they go back to it)
    product_id: int


@dataclass(frozen=True)
class Holding:
    """Everything one order holds, as read while deciding; its new promise may use all of it again."""

    order_id: int
    hours: tuple[Held, ...] = ()
    units: Mapping[int, float] = field(default_factory=dict)  # product id -> finished units it gives back to stock

    @property
    def total_hours(self) -> float:
        return sum(h.hours for h in self.hours)

    def freed(self, rows: LedgerRows) -> LedgerRows:
        """The ledger rows as they are once the order gave its hours back (as ledger.GIVE_BACK writes it)."""
        out = dict(rows)
        for h in self.hours:
            if (h.line_id, h.week) not in out:
                continue
            capacity, reserved, lost, planned, promised, rush_used = out[(h.line_id, h.week)]
            regular, rush = (0.0, h.hours) if h.from_reserve else (h.hours, 0.0)
            out[(h.line_id, h.week)] = (capacity, reserved, lost, planned + h.forecast_hours, promised - regular,
                                        rush_used - rush)
        return out

    def forecast_back(self) -> dict[tuple[int, date, int], float]:
        """(line, week, product) -> forecast hours that go back to that product's forecast."""
        back: dict[tuple[int, date, int], float] = defaultdict(float)
        for h in self.hours:
            if h.forecast_hours > 0:
                back[(h.line_id, h.week, h.product_id)] += h.forecast_hours
        return dict(back)

    def rush_used_back(self, week: date) -> dict[int, float]:
        """line id -> reserve hours it gives back in this week."""
        back: dict[int, float] = defaultdict(float)
        for h in self.hours:
            if h.from_reserve and h.week == week:
                back[h.line_id] += h.hours
        return dict(back)


async def holding_of(session: AsyncSession, order_id: int, units: Mapping[int, float] | None = None) -> Holding:
    """The order's reservations now (no lock); units: what it holds of stock, per product (the caller knows it)."""
    rows = await (await session.connection()).execute(HELD, {"order_id": order_id})
    return Holding(order_id, tuple(Held(row_id, line_id, week, float(hours), bool(from_reserve),
                                        float(forecast or 0.0), product_id)
                                   for row_id, line_id, week, hours, from_reserve, forecast, product_id in rows),
                   dict(units or {}))

