"""Forecasts (R14): sales submit low / mid / high per sku and week, a later submission supersedes; read them back."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import bounds, clock
from domain.access import Principal
from domain.bounds import shown
from domain.capacity.calendar import week_start
from domain.errors import Forbidden, InvalidInput, NotFound
from domain.floor.lookup import product_by_sku
from domain.models import Forecast, Product, Role, utcnow

MAX_WEEKS = 104  # two years of weeks in one read


async def submit_forecast(
    session: AsyncSession,
    principal: Principal,
    *,
    sku: str,
    week: date,
    low: float,
    mid: float,
    high: float,
    force: bool = False,
    now: datetime | None = None,
) -> Forecast:
    """Store the forecast as a new row (history is kept; the newest per sku and week is the one in use).

    A week before the current one is over: forecasting it rewrites the past that forecast accuracy measures, so
    only an admin may, and only saying so (force)."""
    if force and principal.role is not Role.ADMIN:
        raise Forbidden("only an admin may force a forecast for a past week", ["force"])
    if week.weekday() != 0:
        raise InvalidInput(f"week must be a Monday; {week.isoformat()} is a {week.strftime('%A')}", ["week"])
    current = week_start(clock.today())
    if week < current and not force:
        raise InvalidInput(f"week {week.isoformat()} is before the current week ({current.isoformat()}): a past "
                           f"week's forecast is not changed (an admin may force it)", ["week"])
    for name, value in (("low", low), ("mid", mid), ("high", high)):
        bounds.quantity(value, [name])
    if low > mid:
        raise InvalidInput(f"low ({low:g}) must not exceed mid ({mid:g})", ["low"])
    if mid > high:
        raise InvalidInput(f"mid ({mid:g}) must not exceed high ({high:g})", ["high"])
    product = await product_by_sku(session, sku, ["sku"])
    forecast = Forecast(
        product_id=product.id, week=week, low=low, mid=mid, high=high,
        submitted_at=now or utcnow(), submitted_by=principal.actor,
    )
    session.add(forecast)
    await session.commit()
    return forecast


async def forecasts_in(session: AsyncSession, *, sku: str | None, family: str | None, start: date, weeks: int,
                       every_submission: bool = False) -> list[tuple[Forecast, str]]:
    """The forecasts of `weeks` weeks from the week of `start`, with their sku, by week then sku: the one in use per
    sku and week (the latest submission), or every submission oldest first."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidInput(f"weeks must be 1 to {MAX_WEEKS}, got {weeks}", ["weeks"])
    if sku is not None:
        await product_by_sku(session, sku, ["sku"])
    if family is not None and await session.scalar(select(Product.id).where(Product.family == family).limit(1)) is None:
        raise NotFound(f"no product is of family {shown(family)}", ["family"])
    first = week_start(start)
    query = (select(Forecast, Product.sku).join(Product, Product.id == Forecast.product_id)
             .where(Forecast.week >= first, Forecast.week < first + timedelta(weeks=weeks)))
    if sku is not None:
        query = query.where(Product.sku == sku)
    if family is not None:
        query = query.where(Product.family == family)
    if not every_submission:  # the one in use: the newest, as the planner (domain/planning/snapshot.py) reads it
        newest = func.row_number().over(partition_by=(Forecast.product_id, Forecast.week),
                                        order_by=(Forecast.submitted_at.desc(), Forecast.id.desc()))
        ranked = (select(Forecast.id, newest.label("rank"))
                  .where(Forecast.week >= first, Forecast.week < first + timedelta(weeks=weeks)).subquery())
        query = query.where(Forecast.id.in_(select(ranked.c.id).where(ranked.c.rank == 1)))
    rows = await session.execute(query.order_by(Forecast.week, Product.sku, Forecast.submitted_at, Forecast.id))
    return [(forecast, code) for forecast, code in rows.all()]
