"""The `service` policy: the real use cases, called in-process on a database of its own, driven by the world."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import clock
from domain.access import Principal
from domain.db import async_engine, async_sessions
from domain.models import OrderLine, OrderStatus, ReviewDecision, Role
from domain.orders import (
    LineInput,
    OrderInput,
    SignOffInput,
    create_order,
    pending_sign_offs,
    respond_to_proposal,
    sign_off_order,
)
from domain.simulation import store
from domain.simulation.mechanisms import unkept_today, why_not_at_once
from domain.simulation.outcomes import OrderFate
from domain.simulation.planner import check_ledger, replan_week
from domain.simulation.shopfloor import produce, report_incidents, ship_ready
from domain.simulation.state import PRINCIPAL, ServiceRun
from domain.simulation.world import WorldOrder

# How much later than asked a customer takes a proposed date or a split's last part, by tier (days).
TOLERANCE = {"STRATEGIC": 3, "KEY": 7, "REGULAR": 10}


async def _take_order(session: AsyncSession, run: ServiceRun, o: WorldOrder, today: date) -> None:
    product = run.plant.product(o.sku)
    fate = OrderFate(o, product.price, product.unit_cost)
    run.tally.fates[o.code] = fate
    price = Decimal(str(product.price))
    data = OrderInput(o.customer, o.requested, (LineInput(o.sku, o.quantity, price),), code=o.code)
    result = await create_order(session, PRINCIPAL, run.book, data, today)
    order = result.order
    for sign_off in await pending_sign_offs(session, order.id) if order.status is OrderStatus.RECEIVED else []:
        # The plant's people answer the same day: technology validates a new process alongside the order.
        person = Principal(0, "simulated", Role(sign_off.role))
        order = (await sign_off_order(session, person, run.book,
                                      SignOffInput(o.code, order.version, True, "agreed"), today)).order
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


async def run_days(run: ServiceRun) -> None:
    """Every simulated day: receipts, incidents, orders, production, shipments; forecasts and replan weekly."""
    engine = async_engine(run.url, scratch=True)
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
                await report_incidents(session, run, today)
                clock.pin(store.at(today, 10))
                for o in by_day.get(today, []):
                    await _take_order(session, run, o, today)
                clock.pin(store.at(today, 16))
                await produce(session, run, today)
                clock.pin(store.at(today, 17))
                await ship_ready(session, run, today)
                run.mechanisms.update(await unkept_today(session, run.tally, today))
                run.tally.stock_value.append(await store.stock_value(session, skus))
                if today.weekday() == 4:  # Friday: the cut-off, sales send next weeks' forecasts
                    clock.pin(store.at(today, 18))
                    await store.submit_forecasts(session, world, run.tally.week_of(today) + 1, skus)
            if today.weekday() == 5:  # Saturday: the weekend replan (R5)
                clock.pin(store.at(today, 9))
                replan_week(run, today)
            if run.check_ledger:
                check_ledger(run, today)
    finally:
        await engine.dispose()

