"""Reserving in the running week checks the same open share capable-to-promise offered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain.capacity.ledger import CapacityTaken, reserve_all
from domain.models import CapacityLedger, CapacityReservation, OrderLine, OrderStatus
from tests.factories import make_customer, make_order, make_product, make_production_line

WEEK = date(2030, 1, 7)


def _seed(db: Engine) -> tuple[int, int, int]:
    with Session(db) as s:
        line = make_production_line(s, code="OPEN-L1", weekly_capacity_hours=100.0)
        product = make_product(s, sku="OPEN-P1")
        order = make_order(s, make_customer(s, code="OPEN-C"), code="OPEN-1", status=OrderStatus.ACCEPTED,
                           lines=[(product, 10, None)])
        s.add(CapacityLedger(line_id=line.id, week=WEEK, capacity_hours=100.0, reserve_hours=12.0))
        s.commit()
        order_line = s.scalar(select(OrderLine.id).where(OrderLine.order_id == order.id))
        assert order_line is not None
        return line.id, order.id, order_line


def _hold(line_id: int, order_id: int, order_line_id: int, hours: float) -> CapacityReservation:
    return CapacityReservation(order_id=order_id, order_line_id=order_line_id, line_id=line_id, week=WEEK,
                               hours=hours, quantity=hours, from_reserve=False)


async def test_hours_beyond_the_open_share_are_refused(db: Engine, sessions: Callable[[], AsyncSession]) -> None:
    """Input tried: 60 h in a week with 88 regular hours of which half are still open (share 0.5 -> 44 h)."""
    line_id, order_id, order_line_id = _seed(db)
    async with sessions() as session:
        with pytest.raises(CapacityTaken):
            await reserve_all(session, [_hold(line_id, order_id, order_line_id, 60.0)], {(line_id, WEEK): 0.5})
        await session.rollback()
        await reserve_all(session, [_hold(line_id, order_id, order_line_id, 40.0)], {(line_id, WEEK): 0.5})
        with pytest.raises(CapacityTaken):  # 40 + 5 > 44 open hours, though 88 would fit the whole week
            await reserve_all(session, [_hold(line_id, order_id, order_line_id, 5.0)], {(line_id, WEEK): 0.5})
        await session.rollback()
    async with sessions() as session:
        await reserve_all(session, [_hold(line_id, order_id, order_line_id, 60.0)])  # a later week: all 88 open
        await session.commit()
        assert await session.scalar(select(CapacityLedger.promised_hours)) == pytest.approx(60.0)
