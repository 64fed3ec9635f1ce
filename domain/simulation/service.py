"""The `service` policy: the real use cases, called in-process on a database of its own, driven by the world."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import clock
from domain.access import Principal
from domain.capacity.checks import ledger_violations
from domain.db import async_engine, async_sessions, session_scope, sync_engine
from domain.floor import report_incident, report_progress
from domain.models import (
    CurrentPlan,
    ForecastTier,
    IncidentKind,
    LineWeekLoad,
    Material,
    Order,
    OrderLine,
    OrderStatus,
    PlanItem,
    Product,
    ProductionLine,
    ReviewDecision,
    Role,
)
from domain.orders import (
    LineInput,
    OrderInput,
    ShipInput,
    create_order,
    respond_to_proposal,
    ship_order,
)
from domain.planning import ReplanSettings, replan
from domain.simulation import store
from domain.simulation.mechanisms import unkept_today, why_not_at_once
from domain.simulation.outcomes import OrderFate, Tally
from domain.simulation.plant import PlantModel
from domain.simulation.world import World, WorldOrder
from rules import RuleBook

PRINCIPAL = Principal(0, "simulation", Role.ADMIN)
# How much later than asked a customer takes a proposed date or a split's last part, by tier (days).
SHIPPABLE = (OrderStatus.ACCEPTED, OrderStatus.SCHEDULED, OrderStatus.IN_PRODUCTION, OrderStatus.IN_STOCK)
TOLERANCE = {"STRATEGIC": 3, "KEY": 7, "REGULAR": 10}


@dataclass
class ServiceRun:
    """One run of the service policy: its database, rule book and what it has seen so far."""

    url: str
    book: RuleBook
    plant: PlantModel
    world: World
    tally: Tally
    check_ledger: bool = False
    violations: list[tuple[date, str]] = field(default_factory=list)
    checked_days: int = 0
    # Why an order was not promised its requested date at once, and why a promise was broken: counts per cause.
    mechanisms: Counter[str] = field(default_factory=Counter)
    receipt_ids: dict[int, int] = field(default_factory=dict)


async def _take_order(session: AsyncSession, run: ServiceRun, o: WorldOrder, today: date) -> None:
    product = run.plant.product(o.sku)
    fate = OrderFate(o, product.price, product.unit_cost)
    run.tally.fates[o.code] = fate
    price = Decimal(str(product.price))
    data = OrderInput(o.customer, o.requested, (LineInput(o.sku, o.quantity, price),), code=o.code)
    result = await create_order(session, PRINCIPAL, run.book, data, today)
    order = result.order
    if result.review is not None and result.review.decision is not ReviewDecision.ACCEPT:
        run.mechanisms[why_not_at_once(result.review, o, today, run.book.capacity_policy().frozen_days)] += 1
    if order.status is OrderStatus.PROPOSED:
        fate.proposed = True
        offered = order.promised_date or (result.review.proposed_date if result.review else None)
        accept = offered is not None and (offered - o.requested).days <= TOLERANCE[o.tier]
        result = await respond_to_proposal(session, PRINCIPAL, run.book, o.code, order.version, accept, today)
        order = result.order
    if order.status not in (OrderStatus.REJECTED, OrderStatus.CANCELLED, OrderStatus.PROPOSED):
        fate.promised = order.promised_date
        fate.at_once = not fate.proposed and order.promised_date is not None and order.promised_date <= o.requested
    line = await session.scalar(select(OrderLine).where(OrderLine.order_id == order.id))
    fate.from_stock = float(line.quantity_from_stock) if line else 0.0


async def _incidents(session: AsyncSession, run: ServiceRun, today: date) -> None:
    reserve = run.book.capacity_policy().reserve_share
    for failure in (f for f in run.world.failures if f.day == today):
        await report_incident(session, PRINCIPAL, kind=IncidentKind.EQUIPMENT_FAILURE, today=today,
                              reserve_share=reserve, line_code=failure.line, hours=failure.hours,
                              message="simulated breakdown")
    for shortage in (s for s in run.world.shortages if s.day == today):
        on_hand = await session.scalar(select(Material.on_hand).where(Material.code == shortage.material)) or 0.0
        if on_hand * shortage.share >= 1:
            await report_incident(session, PRINCIPAL, kind=IncidentKind.MATERIAL_SHORTAGE, today=today,
                                  reserve_share=reserve, material_code=shortage.material,
                                  quantity=round(on_hand * shortage.share), message="simulated quality hold")


async def _produce(session: AsyncSession, run: ServiceRun, today: date) -> None:
    """The day's tasks of the plan in force, made with the world's yield; a failure takes its hours off."""
    week = run.tally.week_of(today)
    rows = (await session.execute(
        select(ProductionLine.code, Product.sku, PlanItem.quantity, PlanItem.hours)
        .join(CurrentPlan, CurrentPlan.plan_id == PlanItem.plan_id)
        .join(ProductionLine, ProductionLine.id == PlanItem.line_id).join(Product, Product.id == PlanItem.product_id)
        .where(PlanItem.day == today, PlanItem.quantity > 0).order_by(ProductionLine.code, Product.sku))).all()
    index = {line.code: i for i, line in enumerate(run.plant.lines)}
    regular = {line.code: line.hours_on(today) for line in run.plant.lines}
    lost = {f.line: f.hours for f in run.world.failures if f.day == today}
    for code in regular:
        run.tally.open_hours[(code, week)] = run.tally.open_hours.get((code, week), 0.0) + regular[code]
    for code, sku, quantity, hours in rows:
        share = 1.0 if code not in lost else max(1 - lost[code] / max(regular[code], hours, 1e-9), 0.0)
        planned = float(quantity) * share
        made = float(int(planned * run.world.yield_on(today, index[code])))
        if planned < 1:
            continue
        await report_progress(session, PRINCIPAL, line_code=code, sku=sku, quantity=made, scrap=planned - made,
                              scrap_reason="yield" if planned > made else None)
        await store.backflush(session, sku, planned)
        await session.commit()
        run.tally.made_hours[(code, week)] = run.tally.made_hours.get((code, week), 0.0) + float(hours) * share
        run.tally.scrap_cost += (planned - made) * run.plant.product(sku).unit_cost


async def _ship(session: AsyncSession, run: ServiceRun, today: date) -> None:
    """Orders whose every unit is made or taken from stock leave the same day (customers take early deliveries);
    an order waits until all of it is there (no part shipments in the simulation). The demo plant's open orders
    ship too: left in stock, their goods were counted as stock and never freed (only the world's are judged)."""
    short = select(OrderLine.order_id).where(OrderLine.quantity_to_make > 1e-9)
    ready = (await session.execute(select(Order.code, Order.version).where(
        Order.status.in_(SHIPPABLE), Order.id.not_in(short)).order_by(Order.code))).all()
    for code, version in ready:
        await ship_order(session, PRINCIPAL, ShipInput(code, version))
        await session.commit()
        if code in run.tally.fates:
            run.tally.fates[code].shipped = today


def _replan(run: ServiceRun, today: date) -> None:
    policy = run.book.capacity_policy()
    settings = ReplanSettings(tier=ForecastTier.MID, horizon_weeks=13, reserve_share=policy.reserve_share,
                              frozen_days=policy.frozen_days, rules_version=run.book.version)
    cutoff = datetime.combine(today - timedelta(days=(today.weekday() - policy.cutoff_weekday) % 7), time.max,
                              tzinfo=clock.now().tzinfo)
    engine = sync_engine(run.url)
    try:
        with session_scope(engine) as session:
            outcome = replan(session, today=today, settings=settings, actor="simulation", cutoff=cutoff)
            # The overtime the newest plan asks of its first week (a weekend replan plans from next Monday).
            monday = outcome.plan.horizon_start
            overtime = session.scalars(select(LineWeekLoad.overtime_hours).where(
                LineWeekLoad.plan_id == outcome.plan.id, LineWeekLoad.week == monday)).all()
            run.tally.overtime_hours[run.tally.week_of(monday)] = float(sum(overtime))
    finally:
        engine.dispose()


def _check(run: ServiceRun, today: date) -> None:
    engine = sync_engine(run.url)
    try:
        with session_scope(engine) as session:
            run.violations.extend((today, v) for v in ledger_violations(session))
            run.checked_days += 1
    finally:
        engine.dispose()


async def run_days(run: ServiceRun) -> None:
    """Every simulated day: receipts, incidents, orders, production, shipments; forecasts and replan weekly."""
    engine = async_engine(run.url)
    sessions = async_sessions(engine)
    skus = [p.sku for p in run.plant.products]
    world = run.world
    try:
        async with sessions() as session:
            run.receipt_ids = await store.add_receipts(session, world)
            await session.commit()
        by_day: dict[date, list[WorldOrder]] = {}
        for o in world.orders:
            by_day.setdefault(o.day, []).append(o)
        for today in world.days:
            async with sessions() as session:
                clock.pin(store.at(today, 8))
                await store.receive(session, world, run.receipt_ids, today)
                await session.commit()
                await _incidents(session, run, today)
                clock.pin(store.at(today, 10))
                for o in by_day.get(today, []):
                    await _take_order(session, run, o, today)
                clock.pin(store.at(today, 16))
                await _produce(session, run, today)
                clock.pin(store.at(today, 17))
                await _ship(session, run, today)
                run.mechanisms.update(await unkept_today(session, run.tally, today))
                run.tally.stock_value.append(await store.stock_value(session, skus))
                if today.weekday() == 4:  # Friday: the cut-off, sales send next weeks' forecasts
                    clock.pin(store.at(today, 18))
                    await store.submit_forecasts(session, world, run.tally.week_of(today) + 1, skus)
            if today.weekday() == 5:  # Saturday: the weekend replan (R5)
                clock.pin(store.at(today, 9))
                _replan(run, today)
            if run.check_ledger:
                _check(run, today)
    finally:
        await engine.dispose()

