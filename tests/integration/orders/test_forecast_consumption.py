"""A firm order consumes the hours the plan holds for the forecast: they are promisable, and taking them shrinks
the planned hours so the line-week is never over-promised (`sop simulate` found orders refused on lines busy
making stock for those very orders)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain.capacity.checks import ledger_violations
from domain.capacity.ledger import CapacityTaken, load_ledger, reserve_all
from domain.models import CapacityLedger, CapacityReservation, OrderLine, OrderStatus
from tests.factories import make_customer, make_order, make_product, make_production_line

WEEK = date(2030, 1, 7)


def _seed(db: Engine, planned: float) -> tuple[int, int, int]:
    with Session(db) as s:
        line = make_production_line(s, code="FC-L1", weekly_capacity_hours=100.0)
        product = make_product(s, sku="FC-P1")
        order = make_order(s, make_customer(s, code="FC-C"), code="FC-1", status=OrderStatus.ACCEPTED,
                           lines=[(product, 10, None)])
        s.add(CapacityLedger(line_id=line.id, week=WEEK, capacity_hours=100.0, reserve_hours=12.0,
                             planned_hours=planned))
        s.commit()
        order_line = s.scalar(select(OrderLine.id).where(OrderLine.order_id == order.id))
        assert order_line is not None
        return line.id, order.id, order_line


def _hold(ids: tuple[int, int, int], hours: float, from_reserve: bool = False) -> CapacityReservation:
    line_id, order_id, order_line_id = ids
    return CapacityReservation(order_id=order_id, order_line_id=order_line_id, line_id=line_id, week=WEEK,
                               hours=hours, quantity=hours, from_reserve=from_reserve)


async def test_planned_forecast_hours_are_promisable_and_shrink(db: Engine,
                                                                sessions: Callable[[], AsyncSession]) -> None:
    """80 of 88 regular hours planned for the forecast: 30 h are still promisable (planned falls to 58)."""
    ids = _seed(db, planned=80.0)
    async with sessions() as session:
        view = await load_ledger(session, [ids[0]], [WEEK], 0.12, WEEK, create_missing=False)
        assert view.free_residual[0, 0] == pytest.approx(88.0)
        await reserve_all(session, [_hold(ids, 30.0)])
        await session.commit()
        row = await session.scalar(select(CapacityLedger))
        assert row is not None
        assert (row.promised_hours, row.planned_hours) == (pytest.approx(30.0), pytest.approx(58.0))
        await reserve_all(session, [_hold(ids, 10.0, from_reserve=True)])  # the rush reserve stays its own
        await session.commit()
        await session.refresh(row)
        assert (row.rush_hours_used, row.planned_hours) == (pytest.approx(10.0), pytest.approx(58.0))
        with pytest.raises(CapacityTaken):  # 30 + 60 > 88 regular hours: planned never lends what is not there
            await reserve_all(session, [_hold(ids, 60.0)])
        await session.rollback()
        assert await session.run_sync(ledger_violations) == []
