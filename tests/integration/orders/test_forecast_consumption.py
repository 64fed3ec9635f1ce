"""Forecast consumption on the ledger: a firm order for sku X may take the hours the plan holds for X's forecast,
an order for Y may not, a cancel gives them back, a change gives them back and takes anew in one pass, and the ledger
checker stays clean throughout."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain.capacity.checks import ledger_violations
from domain.capacity.forecast_hours import ForecastClaim, forecast_claim
from domain.capacity.holding import holding_of
from domain.capacity.ledger import CapacityTaken, drop_reservations, load_ledger, release_order, reserve_all
from domain.models import CapacityLedger, CapacityReservation, ForecastHours, OrderLine, OrderStatus
from tests.factories import make_customer, make_order, make_product, make_production_line

WEEK = date(2030, 1, 7)


def _seed(db: Engine) -> dict[str, int]:
    """One line (100 h, 12 h reserve), 80 h planned for X's forecast; an order for X, one for Y (same family),
    one for Z (another family)."""
    with Session(db) as s:
        line = make_production_line(s, code="FC-L1", weekly_capacity_hours=100.0)
        x, y = make_product(s, sku="FC-X", family="FA"), make_product(s, sku="FC-Y", family="FA")
        z = make_product(s, sku="FC-Z", family="FB")
        customer = make_customer(s, code="FC-C")
        ids = {"line": line.id, "x": x.id, "y": y.id, "z": z.id}
        for name, product in (("order_x", x), ("order_y", y), ("order_z", z)):
            order = make_order(s, customer, code=f"FC-{name}", status=OrderStatus.IN_PRODUCTION,
                               lines=[(product, 10, None)])
            s.flush()
            ids[name] = order.id
            ids[f"{name}_line"] = s.scalars(select(OrderLine.id).where(OrderLine.order_id == order.id)).one()
        s.add(CapacityLedger(line_id=line.id, week=WEEK, capacity_hours=100.0, reserve_hours=12.0,
                             planned_hours=80.0))
        s.add(ForecastHours(line_id=line.id, week=WEEK, product_id=x.id, hours=80.0))
        s.commit()
        return ids


def _hold(ids: dict[str, int], order: str, hours: float, from_reserve: bool = False) -> CapacityReservation:
    return CapacityReservation(order_id=ids[order], order_line_id=ids[f"{order}_line"], line_id=ids["line"],
                               week=WEEK, hours=hours, quantity=hours, from_reserve=from_reserve)


async def _claim(session: AsyncSession, ids: dict[str, int], product: str, requested: date = WEEK,
                 match: str = "SKU", open_from: date | None = None) -> ForecastClaim | None:
    return await forecast_claim(session, {ids[product]: [ids["line"]]}, requested, match, 2, 1, open_from)


async def _free(session: AsyncSession, ids: dict[str, int], claim: ForecastClaim | None) -> float:
    view = await load_ledger(session, [ids["line"]], [WEEK], 0.12, WEEK, create_missing=False, claim=claim)
    return float(view.free_residual[0, 0])


async def _state(session: AsyncSession, ids: dict[str, int]) -> tuple[float, float, float]:
    """(planned, promised, X's forecast hours) of the line-week, as stored."""
    row = (await session.scalars(select(CapacityLedger))).one()
    await session.refresh(row)
    forecast = await session.scalar(select(ForecastHours.hours).where(ForecastHours.product_id == ids["x"]))
    return row.planned_hours, row.promised_hours, float(forecast or 0.0)


async def test_an_order_consumes_its_own_skus_forecast_hours_and_a_cancel_gives_them_back(
        db: Engine, sessions: Callable[[], AsyncSession]) -> None:
    ids = _seed(db)
    async with sessions() as session:
        claim_x = await _claim(session, ids, "x")
        # 88 regular hours, 80 of them planned for X's forecast: an order for X sees all 88, others 8.
        assert await _free(session, ids, claim_x) == pytest.approx(88.0)
        assert await _free(session, ids, None) == pytest.approx(8.0)
        await reserve_all(session, [_hold(ids, "order_x", 30.0)], claim=claim_x)
        await session.commit()
        assert await _state(session, ids) == (pytest.approx(50.0), pytest.approx(30.0), pytest.approx(50.0))
        held = (await session.scalars(select(CapacityReservation))).one()
        assert held.forecast_hours == pytest.approx(30.0)
        assert await session.run_sync(ledger_violations) == []
        # Bad input tried: Y (same family, but the policy matches SKU) asks for 30 h; only the 8 free ones are its.
        claim_y = await _claim(session, ids, "y")
        assert await _free(session, ids, claim_y) == pytest.approx(8.0)
        with pytest.raises(CapacityTaken):
            await reserve_all(session, [_hold(ids, "order_y", 30.0)], claim=claim_y)
        await session.rollback()
        # Y's claim presented with X's order line consumes nothing either: the reservation's own product decides.
        with pytest.raises(CapacityTaken):
            await reserve_all(session, [_hold(ids, "order_y", 30.0)], claim=claim_x)
        await session.rollback()
        # The cancel: X's 30 forecast hours go back to X's forecast, not to the free hours.
        released = await release_order(session, ids["order_x"])
        await session.commit()
        assert [r.forecast_hours for r in released] == [pytest.approx(30.0)]
        assert await _state(session, ids) == (pytest.approx(80.0), pytest.approx(0.0), pytest.approx(80.0))
        assert await _free(session, ids, None) == pytest.approx(8.0)
        assert await session.run_sync(ledger_violations) == []


async def test_beyond_its_forecast_an_order_competes_for_free_hours_and_the_reserve_stays_the_rush_orders(
        db: Engine, sessions: Callable[[], AsyncSession]) -> None:
    ids = _seed(db)
    async with sessions() as session:
        claim_x = await _claim(session, ids, "x")
        # 85 h for X: 80 from its forecast, 5 of the 8 free; planned drops to 0.
        await reserve_all(session, [_hold(ids, "order_x", 85.0)], claim=claim_x)
        await session.commit()
        assert await _state(session, ids) == (pytest.approx(0.0), pytest.approx(85.0), pytest.approx(0.0))
        # Bad input tried: 4 more regular hours for Z when 3 are left.
        with pytest.raises(CapacityTaken):
            await reserve_all(session, [_hold(ids, "order_z", 4.0)])
        await session.rollback()
        # The rush reserve is untouched by consumption: 12 h from it still fit, and consume no forecast.
        await reserve_all(session, [_hold(ids, "order_z", 12.0, from_reserve=True)], claim=claim_x)
        await session.commit()
        rush = (await session.scalars(select(CapacityReservation).where(CapacityReservation.from_reserve))).one()
        assert rush.forecast_hours == 0.0
        assert await session.run_sync(ledger_violations) == []


async def test_an_order_decided_again_counts_its_own_forecast_hours_and_rebooks_them_in_one_pass(
        db: Engine, sessions: Callable[[], AsyncSession]) -> None:
    """Input tried: X holds 30 h (all from its forecast) and is changed to 85 h; Z holds 8 h of the free ones
    meanwhile. Decided without giving anything back, X sees 80 h (its 30 back in its forecast, 50 there) and no
    free hour; 85 do not fit, 80 do, and the write gives back 30 and takes 80 in one UPDATE of the row."""
    ids = _seed(db)
    async with sessions() as session:
        await reserve_all(session, [_hold(ids, "order_x", 30.0)], claim=await _claim(session, ids, "x"))
        await reserve_all(session, [_hold(ids, "order_z", 8.0)])
        await session.commit()
        held = await holding_of(session, ids["order_x"])
        assert held.total_hours == pytest.approx(30.0) and held.forecast_back() == {
            (ids["line"], WEEK, ids["x"]): pytest.approx(30.0)}
        claim_x = await _claim(session, ids, "x")
        view = await load_ledger(session, [ids["line"]], [WEEK], 0.12, WEEK, create_missing=False, claim=claim_x,
                                 given_back=held)
        assert float(view.free_residual[0, 0]) == pytest.approx(80.0)
        for hours, fits in ((85.0, False), (80.0, True)):
            await drop_reservations(session, held)
            try:
                await reserve_all(session, [_hold(ids, "order_x", hours)], claim=view.claim, release=held)
            except CapacityTaken:
                assert not fits
                await session.rollback()
                continue
            assert fits
            await session.commit()
        assert await _state(session, ids) == (pytest.approx(0.0), pytest.approx(88.0), pytest.approx(0.0))
        mine = (await session.scalars(select(CapacityReservation)
                                      .where(CapacityReservation.order_id == ids["order_x"]))).one()
        assert mine.hours == pytest.approx(80.0) and mine.forecast_hours == pytest.approx(80.0)
        # The same reservations cannot be given back twice: the next decision read them, they are gone.
        with pytest.raises(CapacityTaken):
            await drop_reservations(session, held)
        await session.rollback()
        assert await session.run_sync(ledger_violations) == []


async def test_the_window_and_the_family_setting_decide_which_forecast_an_order_may_consume(
        db: Engine, sessions: Callable[[], AsyncSession]) -> None:
    ids = _seed(db)
    async with sessions() as session:
        # Window (2 weeks back, 1 forward = the requested week itself). Bad input tried: X wanted 3 weeks after
        # the forecast's week, outside the 2-week backward window; and 1 week before it, outside the forward one.
        claim = await _claim(session, ids, "x", WEEK + timedelta(weeks=3))
        assert await _free(session, ids, claim) == pytest.approx(8.0)
        claim = await _claim(session, ids, "x", WEEK - timedelta(weeks=1))
        assert await _free(session, ids, claim) == pytest.approx(8.0)
        claim = await _claim(session, ids, "x", WEEK + timedelta(weeks=2))
        assert await _free(session, ids, claim) == pytest.approx(88.0)
        # FAMILY: Y may consume X's forecast hours (family FA), Z may not (FB); NONE: no claim at all.
        assert await _free(session, ids, await _claim(session, ids, "y", match="FAMILY")) == pytest.approx(88.0)
        assert await _free(session, ids, await _claim(session, ids, "z", match="FAMILY")) == pytest.approx(8.0)
        assert await _claim(session, ids, "x", match="NONE") is None
        # Bad input tried: the week is running, open only from Thursday: its forecast hours are partly made already.
        running = await _claim(session, ids, "x", open_from=WEEK + timedelta(days=3))
        assert await _free(session, ids, running) == pytest.approx(8.0)
        assert await _free(session, ids, await _claim(session, ids, "x", open_from=WEEK)) == pytest.approx(88.0)
        claim_y = await _claim(session, ids, "y", match="FAMILY")
        await reserve_all(session, [_hold(ids, "order_y", 20.0)], claim=claim_y)
        await session.commit()
        assert await _state(session, ids) == (pytest.approx(60.0), pytest.approx(20.0), pytest.approx(60.0))
        assert await session.run_sync(ledger_violations) == []


async def test_the_checker_finds_forecast_hours_beyond_the_planned_hours(
        db: Engine, sessions: Callable[[], AsyncSession]) -> None:
    """Bad state tried: X's forecast hours above the line-week's planned hours, and a reserve hour consuming them."""
    ids = _seed(db)
    with Session(db) as s:
        s.execute(ForecastHours.__table__.update().values(hours=95.0))
        s.add(CapacityReservation(order_id=ids["order_z"], order_line_id=ids["order_z_line"], line_id=ids["line"],
                                  week=WEEK, hours=2.0, quantity=2.0, from_reserve=True, forecast_hours=1.0))
        s.execute(CapacityLedger.__table__.update().values(rush_hours_used=2.0))
        s.commit()
        problems = ledger_violations(s)
    assert any("forecast hours add up to 95.0000, more than its 80.0000 planned hours" in p for p in problems)
    assert any("from the reserve consumed 1.00 forecast hours" in p for p in problems)
    with Session(db) as s:  # put it right again for the fixture that checks every scenario's ledger
        s.execute(ForecastHours.__table__.update().values(hours=80.0))
        s.execute(CapacityReservation.__table__.update().values(forecast_hours=0.0))
        s.commit()
        assert ledger_violations(s) == []
