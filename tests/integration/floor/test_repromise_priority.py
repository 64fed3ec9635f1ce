"""Property: after an equipment failure, re-promised hours go to the highest priority tier first (issue 12, item 5).

Input tried: random plants of one or two lines (40-100 h a week), 2-9 scheduled orders of every priority
tier (strategic, key and regular customers, rush or not, any margin) holding regular or reserve hours over
the first four weeks, then one to three failures of 5-250 h starting on any day of the first two weeks.
"""

from __future__ import annotations

import asyncio
import itertools
import pathlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.checks import ledger_violations
from domain.db import async_engine, async_sessions
from domain.floor.incidents import report_incident
from domain.models import (
    CapacityReservation,
    Customer,
    CustomerTier,
    IncidentKind,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    ProcessMaturity,
    Product,
    ProductionLine,
)
from rules import load_rulebook
from tests.dbutil import wipe
from tests.integration.floor.plant import MES, MONDAY, TODAY, ledger_row

RULES = pathlib.Path(__file__).resolve().parents[3] / "rules"
RESERVE_SHARE = 0.1
UNITS_PER_HOUR = 10.0


@cache
def _priority(tier: CustomerTier, rush: bool, margin: int) -> tuple[str, float]:
    """The tier and score the shipped priority rule set gives such an order, as order review stores them."""
    outcome = _book().priority({"customer.tier": tier.value, "order.rush": rush, "margin.pct": margin})
    return outcome.tier, outcome.score


@cache
def _book():  # type: ignore[no-untyped-def]
    return load_rulebook(RULES)


@cache
def _tier_rank() -> dict[str, float]:
    """Each tier's base score (margin 0): a higher base is a higher tier."""
    ranks: dict[str, float] = {}
    for tier in CustomerTier:
        for rush in (False, True):
            name, score = _priority(tier, rush, 0)
            ranks[name] = score
    return ranks


@dataclass(frozen=True)
class OrderSpec:
    tier: CustomerTier
    rush: bool
    margin: int
    line: int
    first_week: int
    hours: float
    from_reserve: bool


@dataclass(frozen=True)
class FailureSpec:
    line: int
    day: int  # days after the first Monday
    hours: float


@dataclass(frozen=True)
class Scenario:
    capacities: list[float]
    orders: list[OrderSpec]
    failures: list[FailureSpec]


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    capacities = draw(st.lists(st.sampled_from([40.0, 60.0, 80.0, 100.0]), min_size=1, max_size=2))
    lines = st.integers(0, len(capacities) - 1)
    orders = draw(st.lists(st.builds(
        OrderSpec, tier=st.sampled_from(list(CustomerTier)), rush=st.booleans(), margin=st.integers(0, 40),
        line=lines, first_week=st.integers(0, 3), hours=st.sampled_from([2.0, 5.0, 12.5, 20.0, 35.0, 60.0]),
        from_reserve=st.booleans(),
    ), min_size=2, max_size=9))
    failures = draw(st.lists(st.builds(
        FailureSpec, line=lines, day=st.integers(0, 13), hours=st.floats(5, 250).map(lambda h: round(h, 1)),
    ), min_size=1, max_size=3))
    return Scenario(capacities, orders, failures)


async def _build(session: AsyncSession, scenario: Scenario) -> list[ProductionLine]:
    """Each order holds its hours in the first weeks from `first_week` with room (reserve hours for rush orders
    that ask for them), and is promised for the Friday of the last week it holds."""
    lines = [
        ProductionLine(code=f"L{i + 1}", name=f"Line {i + 1}", weekly_capacity_hours=hours, working_days="1111100")
        for i, hours in enumerate(scenario.capacities)
    ]
    product = Product(
        sku="W-1", name="Widget", family="widgets", unit_cost=Decimal("5"), list_price=Decimal("9"),
        maturity=ProcessMaturity.PROVEN,
    )
    customers = {tier: Customer(code=f"C-{tier.value}", name=tier.value, tier=tier) for tier in CustomerTier}
    session.add_all([*lines, product, *customers.values()])
    await session.flush()
    for n, spec in enumerate(scenario.orders):
        line = lines[spec.line]
        from_reserve = spec.rush and spec.from_reserve
        holdings: list[tuple[date, float]] = []
        left = spec.hours
        for week_no in itertools.count(spec.first_week):  # a small reserve may take many weeks
            week = MONDAY + timedelta(weeks=week_no)
            row = await ledger_row(session, line, week)
            if from_reserve:
                room = row.reserve_hours - row.rush_hours_used
            else:
                room = row.capacity_hours - row.reserve_hours - row.promised_hours
            take = min(room, left)
            if take <= 0:
                continue
            if from_reserve:
                row.rush_hours_used += take
            else:
                row.promised_hours += take
            holdings.append((week, take))
            left -= take
            if left <= 0:
                break
        tier, score = _priority(spec.tier, spec.rush, spec.margin)
        promised = holdings[-1][0] + timedelta(days=4)
        quantity = spec.hours * UNITS_PER_HOUR
        order = Order(
            code=f"SO-{n}", customer_id=customers[spec.tier].id, status=OrderStatus.SCHEDULED,
            requested_date=promised, promised_date=promised, amount=Decimal(9 * quantity),
            gross_margin=Decimal(9 * quantity * spec.margin / 100), rush=spec.rush,
            priority_tier=tier, priority_score=score,
        )
        order.lines = [OrderLine(line_no=1, product_id=product.id, quantity=quantity, unit_price=Decimal("9"),
                                 unit_cost=Decimal("5"))]
        session.add(order)
        await session.flush()
        for week, hours in holdings:
            session.add(CapacityReservation(
                order_id=order.id, order_line_id=order.lines[0].id, line_id=line.id, week=week, hours=hours,
                quantity=hours * UNITS_PER_HOUR, from_reserve=from_reserve,
            ))
    await session.commit()
    return lines


async def _holdings(session: AsyncSession) -> dict[tuple[int, int, date], float]:
    """(order, line, week) -> hours held."""
    held: dict[tuple[int, int, date], float] = defaultdict(float)
    rows = await session.execute(
        select(CapacityReservation.order_id, CapacityReservation.line_id, CapacityReservation.week,
               CapacityReservation.hours)
    )
    for order_id, line_id, week, hours in rows:
        held[(order_id, line_id, week)] += hours
    return held


def _inversions(
    before: dict[tuple[int, int, date], float], after: dict[tuple[int, int, date], float], rank: dict[int, float]
) -> list[str]:
    """Pairs where a lower-tier order gained hours on a line-week earlier than the last a higher tier gained."""
    gained: dict[tuple[int, int], list[date]] = defaultdict(list)  # (line, order) -> weeks where hours were added
    for (order_id, line_id, week), hours in after.items():
        if hours > before.get((order_id, line_id, week), 0.0) + 1e-6:
            gained[(line_id, order_id)].append(week)
    found = []
    for (line_a, high), high_weeks in gained.items():
        for (line_b, low), low_weeks in gained.items():
            if line_a == line_b and rank[high] > rank[low] and min(low_weeks) < max(high_weeks):
                found.append(f"line {line_a}: order {low} (lower tier) got {min(low_weeks)}, "
                             f"ahead of order {high} (higher tier) placed up to {max(high_weeks)}")
    return found


async def _run(url: str, scenario: Scenario) -> None:
    engine = async_engine(url)
    try:
        async with async_sessions(engine)() as session:
            lines = await _build(session, scenario)
            assert await session.run_sync(ledger_violations) == []
            tiers = _tier_rank()
            rank = {o.id: tiers[o.priority_tier] for o in await session.scalars(select(Order))}
            for failure in scenario.failures:
                before = await _holdings(session)
                starts = datetime.combine(MONDAY + timedelta(days=failure.day), datetime.min.time(), tzinfo=UTC)
                outcome = await report_incident(
                    session, MES, kind=IncidentKind.EQUIPMENT_FAILURE, line_code=lines[failure.line].code,
                    hours=failure.hours, starts_at=starts, today=TODAY, reserve_share=RESERVE_SHARE,
                )
                assert _inversions(before, await _holdings(session), rank) == []
                assert await session.run_sync(ledger_violations) == []
                told = set(await session.scalars(
                    select(OrderEvent.order_id).where(OrderEvent.kind.in_(["AT_RISK", "MOVED"]))
                ))
                assert {entry.order.id for entry in outcome.moved} <= told
    finally:
        await engine.dispose()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scenario=scenarios())
def test_no_lower_tier_is_re_promised_ahead_of_a_higher_tier(db_url: str, db: Engine, scenario: Scenario) -> None:
    wipe(db)
    asyncio.run(_run(db_url, scenario))
