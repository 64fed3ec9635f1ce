"""The capacity ledger's and stock's invariants, checked after every test scenario: no promise the plant lacks."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from domain.capacity.finished_stock import HOLDS_STOCK, held_for_orders
from domain.models import (
    CapacityLedger,
    CapacityReservation,
    ForecastHours,
    Order,
    OrderLine,
    OrderSignOff,
    OrderStatus,
    Product,
    SignOffStatus,
    keeps_promise,
)

TOLERANCE = 1e-4
# Orders that must hold hours for what is still to be made.
HOLDING = (OrderStatus.ACCEPTED, OrderStatus.SCHEDULED)
# Orders that may still hold hours (production under way keeps its reservation until made).
MAY_HOLD = (*HOLDING, OrderStatus.IN_PRODUCTION)


def ledger_violations(session: Session) -> list[str]:
    """Every broken invariant as a sentence; [] when the ledger is sound. Async callers: run_sync."""
    problems: list[str] = []
    held: dict[tuple[int, date, bool], float] = defaultdict(float)
    for line_id, week, from_reserve, hours in session.execute(
        select(
            CapacityReservation.line_id,
            CapacityReservation.week,
            CapacityReservation.from_reserve,
            func.sum(CapacityReservation.hours),
        ).group_by(CapacityReservation.line_id, CapacityReservation.week, CapacityReservation.from_reserve)
    ):
        held[(line_id, week, bool(from_reserve))] = float(hours)
    rows = {(r.line_id, r.week): r for r in session.scalars(select(CapacityLedger))}
    for line_id, week, _ in held:
        if (line_id, week) not in rows:
            problems.append(f"line {line_id} week {week}: reservations without a ledger row")
    for (line_id, week), r in sorted(rows.items()):
        where = f"line {line_id} week {week}"
        regular, rush = held.get((line_id, week, False), 0.0), held.get((line_id, week, True), 0.0)
        if abs(regular - r.promised_hours) > TOLERANCE:
            problems.append(f"{where}: promised_hours {r.promised_hours:.4f} but reservations hold {regular:.4f}")
        if abs(rush - r.rush_hours_used) > TOLERANCE:
            problems.append(
                f"{where}: rush_hours_used {r.rush_hours_used:.4f} but reserve reservations hold {rush:.4f}"
            )
        # A week lost to a failure has no regular hours left, not fewer than none (its reserve is lost too).
        regular_room = max(r.capacity_hours - r.reserve_hours - r.lost_hours, 0.0)
        if r.planned_hours + r.promised_hours > regular_room + TOLERANCE:
            problems.append(
                f"{where}: over-promised, planned {r.planned_hours:.2f} + promised "
                f"{r.promised_hours:.2f} > {regular_room:.2f} regular hours"
            )
        if r.rush_hours_used > r.reserve_hours + TOLERANCE:
            problems.append(f"{where}: rush orders use {r.rush_hours_used:.2f} of a {r.reserve_hours:.2f} h reserve")
        if r.planned_hours + r.promised_hours + r.rush_hours_used > r.capacity_hours - r.lost_hours + TOLERANCE:
            problems.append(f"{where}: more hours used than the line has")
    problems.extend(_forecast_problems(session, rows))
    problems.extend(_order_problems(session))
    problems.extend(_stock_problems(session))
    return problems


def _forecast_problems(session: Session, rows: dict[tuple[int, date], CapacityLedger]) -> list[str]:
    """The skus' forecast hours fit in each line-week's planned hours (equal after a replan; planned hours of rows
    written before forecast consumption belong to no sku); a reservation consumed no more than it holds."""
    problems = []
    per_week: dict[tuple[int, date], float] = defaultdict(float)
    for line_id, week, product_id, hours in session.execute(
        select(ForecastHours.line_id, ForecastHours.week, ForecastHours.product_id, ForecastHours.hours)
    ):
        per_week[(line_id, week)] += hours
        if hours < -TOLERANCE:
            problems.append(f"line {line_id} week {week}: product {product_id} has {hours:.4f} forecast hours")
    for key, forecast in sorted(per_week.items()):
        planned = rows[key].planned_hours if key in rows else 0.0
        if forecast > planned + TOLERANCE * max(1.0, planned):
            problems.append(f"line {key[0]} week {key[1]}: the skus' forecast hours add up to {forecast:.4f}, "
                            f"more than its {planned:.4f} planned hours")
    for r in session.scalars(select(CapacityReservation).where(CapacityReservation.forecast_hours != 0)):
        if r.from_reserve or not -TOLERANCE <= r.forecast_hours <= r.hours + TOLERANCE:
            problems.append(f"line {r.line_id} week {r.week}: a reservation of {r.hours:.2f} h "
                            f"{'from the reserve ' if r.from_reserve else ''}consumed {r.forecast_hours:.2f} "
                            f"forecast hours")
    return problems


def _order_problems(session: Session) -> list[str]:
    problems = []
    reserved: dict[int, float] = defaultdict(float)
    for line_id, quantity in session.execute(
        select(CapacityReservation.order_line_id, func.sum(CapacityReservation.quantity)).group_by(
            CapacityReservation.order_line_id
        )
    ):
        reserved[line_id] = float(quantity)
    for code, line_no, line_id, open_quantity in session.execute(
        # Units taken from stock need no hours: only what is still to make does.
        select(Order.code, OrderLine.line_no, OrderLine.id, OrderLine.quantity_to_make)
        .join(Order, Order.id == OrderLine.order_id)
        .where(keeps_promise(HOLDING))
    ):
        if reserved.get(line_id, 0.0) + TOLERANCE * max(1.0, open_quantity) < open_quantity:
            problems.append(
                f"order {code} line {line_no}: accepted for {open_quantity:g} units to make but holds "
                f"hours for {reserved.get(line_id, 0.0):g}"
            )
    for code, status in session.execute(
        select(Order.code, Order.status)
        .where(Order.id.in_(select(CapacityReservation.order_id)), ~keeps_promise(MAY_HOLD), ~on_hold())
        .distinct()
    ):
        problems.append(f"order {code} is {status.value} but still holds capacity")
    return problems


def on_hold() -> ColumnElement[bool]:
    """A RECEIVED order waiting for people's sign-offs: it may hold the hours and stock of its acceptance."""
    return and_(Order.status == OrderStatus.RECEIVED, Order.id.in_(
        select(OrderSignOff.order_id).where(OrderSignOff.status == SignOffStatus.PENDING)))


def _stock_problems(session: Session) -> list[str]:
    """No finished unit held twice: open orders hold no more than is on hand, closed ones hold none."""
    problems = []
    held = {product_id: float(quantity or 0.0) for product_id, quantity in session.execute(held_for_orders())}
    for sku, product_id, on_hand in session.execute(select(Product.sku, Product.id, Product.on_hand)
                                                    .where(Product.id.in_(held)).order_by(Product.sku)):
        if held[product_id] > on_hand + TOLERANCE * max(1.0, on_hand):
            problems.append(f"product {sku}: open orders hold {held[product_id]:g} finished units "
                            f"but {on_hand:g} are on hand")
    for code, status in session.execute(
        select(Order.code, Order.status).join(OrderLine, OrderLine.order_id == Order.id)
        .where(or_(~keeps_promise(HOLDS_STOCK), and_(Order.status == OrderStatus.RECEIVED, ~on_hold())),
               OrderLine.quantity_from_stock > OrderLine.quantity_shipped + TOLERANCE)
        .distinct()
    ):
        problems.append(f"order {code} is {status.value} but still holds units taken from stock")
    return problems
