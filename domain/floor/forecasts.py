"""submitForecast: sales' low / mid / high forecast of a sku for a week; a later submission supersedes (R14)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from domain import bounds
from domain.access import Principal
from domain.errors import InvalidInput
from domain.floor.lookup import product_by_sku
from domain.models import Forecast, utcnow


async def submit_forecast(
    session: AsyncSession,
    principal: Principal,
    *,
    sku: str,
    week: date,
    low: float,
    mid: float,
    high: float,
    now: datetime | None = None,
) -> Forecast:
    """Store the forecast as a new row (history is kept; the newest per sku and week is the one in use)."""
    if week.weekday() != 0:
        raise InvalidInput(f"week must be a Monday; {week.isoformat()} is a {week.strftime('%A')}", ["week"])
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
