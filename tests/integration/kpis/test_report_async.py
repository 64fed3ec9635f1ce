"""The same report through the API's AsyncSession, and the series by calendar bucket."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from domain.db import async_engine, async_sessions
from domain.kpis import Granularity, Period, kpi_report, kpi_report_async, kpi_series
from domain.models import OrderStatus as S
from tests.integration.kpis.factories import at, customer, order


def _orders(db: Engine) -> None:
    with Session(db) as session:
        c = customer(session)
        order(session, c, S.SHIPPED, promised=date(2024, 1, 10), completed_at=at(2024, 1, 9))  # week of 8 Jan
        order(session, c, S.IN_STOCK, promised=date(2024, 1, 17), completed_at=at(2024, 1, 18))  # late
        order(session, c, S.IN_STOCK, promised=date(2024, 1, 18), completed_at=at(2024, 1, 18))  # week of 15 Jan
        session.commit()


async def test_async_report_equals_the_sync_one(db: Engine, db_url: str) -> None:
    _orders(db)
    period = Period(date(2024, 1, 1), date(2024, 2, 1))
    engine = async_engine(db_url)
    try:
        async with async_sessions(engine)() as session:
            async_report = await kpi_report_async(session, period)
    finally:
        await engine.dispose()
    with Session(db) as session:
        assert async_report == kpi_report(session, period)
    assert async_report.kpis["orderFulfillmentRate"].value == 2 / 3


def test_weekly_series_clips_buckets_to_the_period(db: Engine) -> None:
    _orders(db)
    with Session(db) as session:
        series = kpi_series(session, Period(date(2024, 1, 10), date(2024, 1, 20)), Granularity.WEEK)
    assert [(r.period.start, r.period.end) for r in series] == [
        (date(2024, 1, 10), date(2024, 1, 15)),
        (date(2024, 1, 15), date(2024, 1, 20)),
    ]
    # 10 Jan: on time (1/1); 17 and 18 Jan: one late, one on time (1/2)
    assert [r.value("orderFulfillmentRate") for r in series] == [1.0, 0.5]
