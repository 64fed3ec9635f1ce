"""The service policy's shop floor each day: incidents reported, the day's tasks made, ready orders shipped."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.floor import OPEN_STATUSES, report_incident, report_progress, work_ahead
from domain.models import (
    CurrentPlan,
    IncidentKind,
    Material,
    Order,
    OrderLine,
    OrderStatus,
    PlanItem,
    Product,
    ProductionLine,
)
from domain.orders import ShipInput, ship_order
from domain.simulation import store
from domain.simulation.state import PRINCIPAL, ServiceRun

SHIPPABLE = (OrderStatus.ACCEPTED, OrderStatus.SCHEDULED, OrderStatus.IN_PRODUCTION, OrderStatus.IN_STOCK)


async def report_incidents(session: AsyncSession, run: ServiceRun, today: date) -> None:
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


async def produce(session: AsyncSession, run: ServiceRun, today: date) -> None:
    """The day's tasks of the plan in force, made with the world's yield; a failure takes its hours off. A task
    made for one order is reported against it while the order is open (as an MES reporting by work order)."""
    week = run.tally.week_of(today)
    rows = (await session.execute(
        select(ProductionLine.code, Product.sku, PlanItem.quantity, PlanItem.hours, Order.code, Order.promised_date)
        .join(CurrentPlan, CurrentPlan.plan_id == PlanItem.plan_id)
        .join(ProductionLine, ProductionLine.id == PlanItem.line_id).join(Product, Product.id == PlanItem.product_id)
        .outerjoin(Order, (Order.id == PlanItem.order_id) & Order.status.in_(OPEN_STATUSES))
        .where(PlanItem.day == today, PlanItem.quantity > 0)
        .order_by(ProductionLine.code, Product.sku, PlanItem.id))).all()
    index = {line.code: i for i, line in enumerate(run.plant.lines)}
    regular = {line.code: line.hours_on(today) for line in run.plant.lines}
    lost = {f.line: f.hours for f in run.world.failures if f.day == today}
    for code in regular:
        run.tally.open_hours[(code, week)] = run.tally.open_hours.get((code, week), 0.0) + regular[code]
    worked = dict.fromkeys(regular, 0.0)
    shares = failure_shares([(code, float(hours), promised) for code, _, _, hours, _, promised in rows], lost, regular)
    for (code, sku, quantity, hours, order_code, _), share in zip(rows, shares, strict=True):
        planned = float(quantity) * share
        made = float(int(planned * run.world.yield_on(today, index[code])))
        if planned < 1:
            continue
        if sku not in run.boms:
            run.boms[sku] = await store.bill_of_materials(session, sku)
        # The materials used go in the report's own transaction (its commit): one commit per task, not two.
        await store.backflush(session, run.boms[sku], planned)
        await report_progress(session, PRINCIPAL, line_code=code, sku=sku, quantity=made, scrap=planned - made,
                              scrap_reason="yield" if planned > made else None, order_code=order_code)
        run.tally.made_hours[(code, week)] = run.tally.made_hours.get((code, week), 0.0) + float(hours) * share
        worked[code] += float(hours) * share
        run.tally.scrap_cost += (planned - made) * run.plant.product(sku).unit_cost
    # Tasks beyond a day's regular hours are worked as overtime (rush orders laid on a full day, or the plan's own).
    extra = sum(max(hours - regular[code], 0.0) for code, hours in worked.items())
    run.tally.floor_overtime[week] = run.tally.floor_overtime.get(week, 0.0) + extra
    days_ahead = run.book.capacity_policy().work_ahead_days
    if days_ahead is not None:
        idle = {code: max(regular[code] - lost.get(code, 0.0) - worked[code], 0.0) for code in regular}
        await _work_ahead(session, run, today, idle, days_ahead)


async def _work_ahead(session: AsyncSession, run: ServiceRun, today: date, idle: dict[str, float],
                      days_ahead: int) -> None:
    """The hours each line has left idle at the day's end make what open orders still need (work_ahead.py)."""
    week = run.tally.week_of(today)
    index = {line.code: i for i, line in enumerate(run.plant.lines)}
    taken: dict[int, float] = {}
    for code, hours in idle.items():
        for task in await work_ahead(session, code, today, hours, days_ahead=days_ahead, taken=taken):
            made = float(int(task.quantity * run.world.yield_on(today, index[code])))
            if task.sku not in run.boms:
                run.boms[task.sku] = await store.bill_of_materials(session, task.sku)
            await store.backflush(session, run.boms[task.sku], task.quantity)
            await report_progress(session, PRINCIPAL, line_code=code, sku=task.sku, quantity=made,
                                  scrap=task.quantity - made, scrap_reason="yield" if task.quantity > made else None,
                                  order_code=task.order_code)
            run.tally.made_hours[(code, week)] = run.tally.made_hours.get((code, week), 0.0) + task.hours
            run.tally.scrap_cost += (task.quantity - made) * run.plant.product(task.sku).unit_cost


def failure_shares(tasks: list[tuple[str, float, date | None]], lost: dict[str, float], regular: dict[str, float]
                   ) -> list[float]:
    """The share of each task (line code, hours, promised date of the order it is made for) the floor makes on a day
    a failure takes hours off its line: the hours the line still works (each task cut by the lost share of the day)
    go to the tasks of the orders promised first (a rush order inserted for its date before the plan's stock and
    later orders' tasks), the rest after them, in plan order."""
    shares = [1.0] * len(tasks)
    for code, hours_lost in lost.items():
        mine = [i for i, (line, _, _) in enumerate(tasks) if line == code]
        left = sum(tasks[i][1] * max(1 - hours_lost / max(regular.get(code, 0.0), tasks[i][1], 1e-9), 0.0)
                   for i in mine)
        for i in sorted(mine, key=lambda i: (tasks[i][2] is None, tasks[i][2] or date.max)):
            hours = tasks[i][1]
            shares[i] = min(max(left / hours, 0.0), 1.0) if hours > 0 else 0.0
            left -= hours * shares[i]
    return shares


async def ship_ready(session: AsyncSession, run: ServiceRun, today: date) -> None:
    """Orders whose every unit is made or taken from stock leave the same day (customers take early deliveries);
    an order waits until all of it is there (no part shipments in the simulation). The demo plant's open orders
    ship too: left in stock, their goods were counted as stock and never freed (only the world's are judged)."""
    # Each shippable order's lines probed by its index, sorted here: with ORDER BY in the query SQLite walked every
    # order by code (20k on the medium plant) and read all order lines for the NOT IN, 11.5 ms a day against 1.0.
    short = select(OrderLine.id).where(OrderLine.order_id == Order.id, OrderLine.quantity_to_make > 1e-9).exists()
    ready = sorted((await session.execute(select(Order.code, Order.version).where(
        Order.status.in_(SHIPPABLE), ~short))).all(), key=lambda row: row.code)
    for code, version in ready:
        await ship_order(session, PRINCIPAL, ShipInput(code, version))
        await session.commit()
        if code in run.tally.fates:
            run.tally.fates[code].shipped = today
