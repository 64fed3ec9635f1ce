"""Firm orders before forecast (capacity policy firm_before_forecast): an order the free hours cannot hold by its date
takes the hours the plan holds for other skus' forecast on its lines, free hours first, within its window and tiers;
the ledger and the forecast rows stay consistent, and the order is refused without the rule."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.calendar import week_start
from domain.capacity.checks import ledger_violations
from domain.capacity.forecast_hours import ForecastClaim, forecast_claim, with_other_skus
from domain.capacity.ledger import CapacityTaken, load_ledger, release_order, reserve_all
from domain.models import (
    CapacityLedger,
    CapacityReservation,
    ForecastHours,
    OrderLine,
    OrderStatus,
    ReviewDecision,
)
from domain.orders.assess import PROMISE_HORIZON_WEEKS
from domain.orders.changes import cancel_order
from domain.orders.inputs import CancelInput
from domain.orders.review import create_order
from rules import RuleBook
from tests.factories import make_order
from tests.integration.orders.plant import PLANNER, TODAY, Plant, order

FIRST_OPEN = week_start(TODAY) + timedelta(weeks=1)  # TODAY is a Thursday: the running week is never taken
REQUESTED_WEEK = week_start(TODAY) + timedelta(weeks=3)


async def _full_of_spare_forecast(session: AsyncSession, plant: Plant, free: float = 0.0) -> None:
    """Every regular hour of the horizon but `free` a week planned for S-1's forecast (nobody ordered it)."""
    for w in range(PROMISE_HORIZON_WEEKS + 1):
        week = week_start(TODAY) + timedelta(weeks=w)
        session.add(CapacityLedger(line_id=plant.line.id, week=week, capacity_hours=40.0, reserve_hours=4.8,
                                   planned_hours=35.2 - free, promised_hours=0.0, rush_hours_used=0.0,
                                   lost_hours=0.0))
        session.add(ForecastHours(line_id=plant.line.id, week=week, product_id=plant.spare.id, hours=35.2 - free))
    await session.commit()


async def _spare_hours(session: AsyncSession, plant: Plant) -> dict[date, float]:
    rows = await session.execute(select(ForecastHours.week, ForecastHours.hours)
                                 .where(ForecastHours.product_id == plant.spare.id))
    return {week: float(hours) for week, hours in rows}


EVERY_TIER = frozenset({"STRATEGIC", "KEY", "REGULAR"})


def _policy(book: RuleBook, monkeypatch: pytest.MonkeyPatch, **changes: object) -> None:
    """The shipped policy with firm orders before forecast for every tier (13 weeks back, the requested week), and
    these changes."""
    settings = {"firm_before_forecast_tiers": EVERY_TIER, "firm_backward_weeks": 13, "firm_forward_weeks": 1,
                **changes}
    policy = dataclasses.replace(book.capacity_policy(), **settings)  # type: ignore[arg-type]
    monkeypatch.setattr(book, "capacity_policy", lambda: policy)


async def test_the_shipped_rules_keep_forecast_hours_for_their_own_sku(book: RuleBook) -> None:
    """Measured on the medium simulation it cost margin and promises kept (docs/simulation-log.md, "Firm orders
    before forecast"): the rule ships with no tier listed."""
    policy = book.capacity_policy()
    assert policy.firm_before_forecast_tiers == frozenset()
    assert (policy.firm_backward_weeks, policy.firm_forward_weeks) == (13, 1)


async def test_an_order_takes_other_skus_forecast_hours_the_free_hours_cannot_give(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tried: every regular hour planned for S-1's forecast, then 100 W-1 (10 h) due on the Friday three weeks on.
    # Without the rule nothing is free in the horizon: refused (the next test). With it, W-1 is promised its date on
    # S-1's hours; the ledger moves 10 h from planned to promised and S-1's forecast rows lose the same 10 h.
    _policy(book, monkeypatch)
    await _full_of_spare_forecast(asession, plant)
    before = await _spare_hours(asession, plant)
    friday = REQUESTED_WEEK + timedelta(days=4)
    result = await create_order(asession, PLANNER, book, order("REG", friday, ("W-1", 100)), TODAY)
    assert result.review is not None and result.review.decision is ReviewDecision.ACCEPT, result.review
    assert result.order.status is OrderStatus.ACCEPTED and result.order.promised_date == friday
    held = (await asession.scalars(select(CapacityReservation))).all()
    assert sum(r.hours for r in held) == pytest.approx(10.0, rel=0.05)
    assert all(FIRST_OPEN <= r.week <= REQUESTED_WEEK for r in held)
    assert all(r.forecast_hours == pytest.approx(r.hours) for r in held)  # nothing was free: all S-1's
    after = await _spare_hours(asession, plant)
    assert sum(before.values()) - sum(after.values()) == pytest.approx(sum(r.hours for r in held))
    planned = await asession.scalar(select(func.sum(CapacityLedger.planned_hours)))
    assert float(planned or 0.0) == pytest.approx(sum(after.values()))
    assert await asession.run_sync(ledger_violations) == []
    # A cancel gives the hours back to forecast (as the order's own product's: the next replan shares every line-week's
    # planned hours out again), not to the free hours.
    await cancel_order(asession, PLANNER, book, CancelInput(result.order.code, result.order.version), TODAY)
    forecast = await asession.scalar(select(func.sum(ForecastHours.hours)))
    assert float(forecast or 0.0) == pytest.approx(sum(before.values()))
    planned = await asession.scalar(select(func.sum(CapacityLedger.planned_hours)))
    assert float(planned or 0.0) == pytest.approx(sum(before.values()))
    assert await asession.run_sync(ledger_violations) == []


@pytest.mark.parametrize("changes", [{"firm_before_forecast_tiers": frozenset()},
                                     {"firm_before_forecast_tiers": frozenset({"KEY", "STRATEGIC"})}])
async def test_without_the_rule_or_the_customers_tier_the_forecast_hours_stay_the_forecasts(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch, changes: dict[str, object]
) -> None:
    _policy(book, monkeypatch, **changes)
    await _full_of_spare_forecast(asession, plant)
    before = await _spare_hours(asession, plant)
    result = await create_order(asession, PLANNER, book, order("REG", REQUESTED_WEEK + timedelta(days=4),
                                                               ("W-1", 100)), TODAY)
    assert result.review is not None and result.review.decision is not ReviewDecision.ACCEPT
    assert result.order.status is not OrderStatus.ACCEPTED
    assert await _spare_hours(asession, plant) == before


async def test_free_hours_come_before_other_skus_forecast_and_the_window_bounds_it(
    asession: AsyncSession, plant: Plant, book: RuleBook, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tried: 2 h free a week, the rest S-1's forecast; the window is the requested week only (backward 0, forward 1).
    # 100 W-1 (10 h) due in three weeks: the free hours of every week up to it (2 h in each of weeks 1-3: 6 h)
    # cannot hold it, so it takes S-1's forecast, but only in the requested week, and that week's 2 free hours first.
    _policy(book, monkeypatch, firm_backward_weeks=0, firm_forward_weeks=1)
    await _full_of_spare_forecast(asession, plant, free=2.0)
    friday = REQUESTED_WEEK + timedelta(days=4)
    result = await create_order(asession, PLANNER, book, order("KEY", friday, ("W-1", 100)), TODAY)
    assert result.order.status is OrderStatus.ACCEPTED and result.order.promised_date == friday
    held = {r.week: r for r in (await asession.scalars(select(CapacityReservation))).all()}
    assert {w: r.forecast_hours for w, r in held.items() if r.forecast_hours > 1e-6}.keys() == {REQUESTED_WEEK}
    taken = held[REQUESTED_WEEK]
    assert taken.forecast_hours == pytest.approx(taken.hours - 2.0)  # the week's 2 free hours were taken first
    assert await asession.run_sync(ledger_violations) == []


async def test_the_ledger_takes_the_free_hours_first_and_no_more_than_the_claim_saw(
    asession: AsyncSession, plant: Plant
) -> None:
    """At the ledger: 8 h free and 27.2 h of S-1's forecast in a line-week. A W-1 claim with other skus sees 35.2 h;
    without them 8. Bad input tried: 30 h on the narrow claim (refused), 36 h on the wide one (refused)."""
    week, line, widget, spare = FIRST_OPEN, plant.line.id, plant.widget.id, plant.spare.id  # read before rollbacks
    asession.add(CapacityLedger(line_id=line, week=week, capacity_hours=40.0, reserve_hours=4.8,
                                planned_hours=27.2, promised_hours=0.0, rush_hours_used=0.0, lost_hours=0.0))
    asession.add(ForecastHours(line_id=line, week=week, product_id=spare, hours=27.2))
    order_id, line_id = await _bare_order(asession, plant)
    routes = {widget: [line]}
    narrow = await forecast_claim(asession, routes, week, "SKU", 2, 1, TODAY + timedelta(days=1))
    wide = with_other_skus(narrow, routes, week, 0, 1, TODAY + timedelta(days=1))

    async def free(claim: ForecastClaim | None) -> tuple[float, ForecastClaim | None]:
        view = await load_ledger(asession, [line], [week], 0.12, week, create_missing=False, claim=claim)
        return float(view.free_residual[0, 0]), view.claim

    assert (await free(narrow))[0] == pytest.approx(8.0)
    seen, claim = await free(wide)
    assert seen == pytest.approx(35.2)
    # The week before the window (backward 0 weeks from a requested week one later): nothing more than the free.
    later = with_other_skus(narrow, routes, week + timedelta(weeks=1), 0, 1, TODAY + timedelta(days=1))
    assert (await free(later))[0] == pytest.approx(8.0)

    def hold(hours: float) -> CapacityReservation:
        return CapacityReservation(order_id=order_id, order_line_id=line_id, line_id=line, week=week,
                                   hours=hours, quantity=hours * 10, from_reserve=False)

    for bad, on in ((30.0, (await free(narrow))[1]), (36.0, claim)):
        with pytest.raises(CapacityTaken):
            await reserve_all(asession, [hold(bad)], claim=on)
        await asession.rollback()
    await reserve_all(asession, [hold(20.0)], claim=(await free(wide))[1])
    await asession.commit()
    row = (await asession.scalars(select(CapacityLedger))).one()
    await asession.refresh(row)
    mine = (await asession.scalars(select(CapacityReservation))).one()
    assert mine.forecast_hours == pytest.approx(12.0)  # 8 free first, 12 of S-1's forecast
    assert (row.planned_hours, row.promised_hours) == (pytest.approx(15.2), pytest.approx(20.0))
    spare_left = await asession.scalar(select(ForecastHours.hours).where(ForecastHours.product_id == spare))
    assert spare_left == pytest.approx(15.2)
    assert await asession.run_sync(ledger_violations) == []
    await release_order(asession, order_id)
    await asession.commit()


async def _bare_order(session: AsyncSession, plant: Plant) -> tuple[int, int]:
    """A W-1 order in production (the checker asks it for no hours): (order id, order line id)."""
    made = await session.run_sync(lambda s: make_order(s, plant.regular, code="FBF-1", status=OrderStatus.IN_PRODUCTION,
                                                       lines=[(plant.widget, 200, None)]).id)
    await session.commit()
    line_id = await session.scalar(select(OrderLine.id).where(OrderLine.order_id == made))
    assert line_id is not None
    return made, line_id
