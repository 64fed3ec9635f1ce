"""Stock first (R11): the finished goods free for an order, and holding them so no unit is counted twice."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from domain.capacity import held_rows, one_message
from domain.capacity.finished_stock import HOLDS_STOCK
from domain.capacity.transaction_marks import transaction_mark
from domain.models import Order, OrderLine, Product
from rules import CapacityPolicy

UNIT_TOLERANCE = 1e-6


class StockTaken(Exception):
    """Another order took the finished units since we read the stock: promise again."""


@dataclass(frozen=True)
class StockCover:
    """What free stock gives each order line, and the first day it can ship."""

    quantities: list[float]  # ordered (or still open) per line
    from_stock: list[float]  # of which finished goods cover, per line
    ship_day: date
    take_safety_stock: bool = False  # as the rules said when the stock was read; taking checks the same way

    @property
    def to_make(self) -> list[float]:
        return [q - s for q, s in zip(self.quantities, self.from_stock, strict=True)]

    @classmethod
    def none(cls, quantities: Sequence[float], ship_day: date) -> StockCover:
        """Everything to make: nothing comes from stock."""
        return cls(list(quantities), [0.0] * len(quantities), ship_day)


def held_for_orders(product_id: Any) -> Any:
    """Units of the product open orders hold (made for them or taken from stock, not shipped): a scalar subquery."""
    lines, orders = (cast(Table, m.__table__) for m in (OrderLine, Order))
    return (
        select(func.coalesce(func.sum(lines.c.quantity_made + lines.c.quantity_from_stock - lines.c.quantity_shipped),
                             0.0))
        .select_from(lines.join(orders, orders.c.id == lines.c.order_id))
        # holds_units adds nothing to the sum (a line without units ready adds 0) but lets the planner read the
        # partial index of the few lines that hold units instead of every line of the product.
        .where(lines.c.product_id == product_id, OrderLine.holds_units, orders.c.status.in_(HOLDS_STOCK))
        .scalar_subquery()
    )


def _free_stock_statement() -> Any:
    """Per product asked (:ids): on hand, safety stock and what open orders hold of it (held_for_orders)."""
    products = cast(Table, Product.__table__)
    return (select(products.c.id, products.c.on_hand, products.c.safety_stock, held_for_orders(products.c.id))
            .where(products.c.id.in_(bindparam("ids", expanding=True))))


FREE_STOCK = _free_stock_statement()  # built once: a statement per order, not its construction


def _releasable_statement() -> Any:
    """Per product asked (:ids): the units of order :order_id that release_stock would give back now (taken from stock
    and not shipped), as held_for_orders counts them (only while the order's status holds stock)."""
    lines, orders = (cast(Table, m.__table__) for m in (OrderLine, Order))
    back = case((lines.c.quantity_from_stock > lines.c.quantity_shipped,
                 lines.c.quantity_from_stock - lines.c.quantity_shipped), else_=0.0)
    return (select(lines.c.product_id, func.sum(back))
            .select_from(lines.join(orders, orders.c.id == lines.c.order_id))
            .where(lines.c.order_id == bindparam("order_id"), lines.c.product_id.in_(bindparam("ids", expanding=True)),
                   orders.c.status.in_(HOLDS_STOCK))
            .group_by(lines.c.product_id))


RELEASABLE = _releasable_statement()
DEFERRED = "stock_release_deferred"  # session.info: the order whose release_stock waits for take_stock (or the end)
# Refused whenever set, whatever the order id: a deferred release is work the commit would lose.
transaction_mark(DEFERRED, "a stock release was deferred to a take_stock that did not run", held=lambda _order_id: True)
LOCK_PRODUCTS = (select(Product.id).where(Product.id.in_(bindparam("ids", expanding=True))).order_by(Product.id)
                 .with_for_update(key_share=True))  # built once: products :ids locked in id order


async def free_stock(session: AsyncSession, product_ids: Sequence[int], take_safety_stock: bool,
                     freed: Mapping[int, float] | None = None,
                     read: Mapping[int, tuple[float, float, float]] | None = None) -> dict[int, float]:
    """Whole finished units of each product no open order holds (less safety stock unless the rules give it).

    freed: units per product the caller holds already and may use again (an order decided again, or a new order's
    lines inserted holding their units): counted among the held ones, so not held against it.
    read: product id -> (on hand, safety stock, held) read already in this decision (product_reads.py)."""
    free: dict[int, float] = {}
    rows = ([(product_id, *read[product_id]) for product_id in sorted(set(product_ids)) if product_id in read]
            if read is not None else
            await (await session.connection()).execute(FREE_STOCK, {"ids": sorted(set(product_ids))}))
    for product_id, on_hand, safety, held in rows:
        kept = 0.0 if take_safety_stock else safety
        # Whole units: a fraction of a unit on the shelf cannot be shipped.
        left = on_hand - float(held or 0.0) - kept + (freed or {}).get(product_id, 0.0)
        free[product_id] = max(float(math.floor(left + UNIT_TOLERANCE)), 0.0)
    return free


def cover_lines(product_ids: Sequence[int], quantities: Sequence[float], free: dict[int, float], ship_day: date,
                take_safety_stock: bool) -> StockCover:
    """Each line takes what free stock is left of its product, in line order."""
    left = dict(free)
    from_stock = []
    for product_id, quantity in zip(product_ids, quantities, strict=True):
        taken = min(quantity, left.get(product_id, 0.0))
        left[product_id] = left.get(product_id, 0.0) - taken
        from_stock.append(float(taken))
    return StockCover(list(quantities), from_stock, ship_day, take_safety_stock)


async def stock_cover(session: AsyncSession, policy: CapacityPolicy, product_ids: Sequence[int],
                      quantities: Sequence[float], today: date, *, rush: bool = False,
                      freed: Mapping[int, float] | None = None,
                      read: Mapping[int, tuple[float, float, float]] | None = None) -> StockCover:
    """What free stock covers of an order's lines now, as the capacity policy's stock_first rule says (a rush order
    may take the safety stock when the rule gives it to rush orders: it is there for demand the forecast missed).
    read: the products' stock rows read already in this decision (free_stock)."""
    take_safety_stock = policy.take_safety_stock or (rush and policy.rush_takes_safety_stock)
    free = await free_stock(session, product_ids, take_safety_stock, freed, read)
    ship_day = today + timedelta(days=policy.stock_handling_days)
    return cover_lines(product_ids, quantities, free, ship_day, take_safety_stock)


def units_wanted(lines: Sequence[OrderLine], cover: StockCover) -> dict[int, float]:
    """Product id -> the units the cover takes from stock for these lines."""
    wanted: dict[int, float] = defaultdict(float)
    for line, quantity in zip(lines, cover.from_stock, strict=True):
        if quantity > 0:
            wanted[line.product_id] += quantity
    return dict(wanted)


def lock_and_count(wanted: Mapping[int, float]) -> list[tuple[Any, dict[str, Any]]]:
    """The statements take_stock runs, in order (nothing when no unit is wanted): the products locked in id order,
    then their stock counted. A new order sends them with its own rows (new_rows.insert_new_order's `then`)."""
    if not wanted:
        return []
    ids = {"ids": sorted(wanted)}
    return [(LOCK_PRODUCTS, ids), (FREE_STOCK, ids)]


async def take_stock(session: AsyncSession, lines: Sequence[OrderLine], cover: StockCover, *,
                     inserted_holding: bool = False, counted: Sequence[Sequence[Any]] | None = None) -> None:
    """Hold the covered units for the order's lines, or raise StockTaken if they are no longer free.

    The products' rows are locked first, in id order: a concurrent order on PostgreSQL waits here
    and then, in a fresh statement, counts what the winner holds (progress and shipments write the
    same rows, so they wait too). On SQLite the order's first write already serialises orders.

    inserted_holding: the lines were inserted with their quantity_from_stock already set (a new order: no UPDATE of
    its lines afterwards), so the count includes them and they are added back before the same test.
    counted: the rows of lock_and_count's statements, run already by the caller (with the order's own rows).

    A release deferred for the lines' order (defer_release: an updated order keeping its lines) is done here by the
    same UPDATE of the lines that takes the new units: what it would give back is counted as free (RELEASABLE, after
    the lock, in the same message), and every line is set to what it takes now, as release-then-take left them.
    """
    wanted = units_wanted(lines, cover)
    if not wanted:
        return
    deferred = session.sync_session.info.get(DEFERRED)
    own = deferred if lines and counted is None and lines[0].order_id == deferred else None
    # FOR NO KEY UPDATE: every open order's lines hold a KEY SHARE lock on their products (the foreign
    # key), which FOR UPDATE would wait for, deadlocking two orders of one product; shipments and
    # progress reports update on_hand and so still wait for this lock.
    if counted is None:
        # The lock and the count in one round trip on PostgreSQL: the count is a statement of its own in the
        # message, so it runs after the lock was granted, with a snapshot that sees what the lock's last holder
        # committed (SQLite runs them one by one).
        statements = lock_and_count(wanted)
        if own is not None:
            statements.append((RELEASABLE, {"order_id": own, "ids": sorted(wanted)}))
        counted = await one_message.fetch_all(session, statements) \
            if session.get_bind().dialect.name == "postgresql" else \
            [[tuple(row) for row in await (await session.connection()).execute(statement, values)]
             for statement, values in statements]
    read = {product_id: (on_hand, safety, held) for product_id, on_hand, safety, held in counted[1]}
    freed: Mapping[int, float] | None = wanted if inserted_holding else None
    if own is not None:
        freed = {product_id: float(units or 0.0) for product_id, units in counted[2]}
    free = await free_stock(session, list(wanted), cover.take_safety_stock, freed=freed, read=read)
    short = [f"product {pid}: {q:g} wanted, {free.get(pid, 0):g} free" for pid, q in sorted(wanted.items())
             if q > free.get(pid, 0) + UNIT_TOLERANCE]
    if short:
        raise StockTaken("finished goods taken by another order: " + "; ".join(short))
    if not inserted_holding:
        for line, quantity in zip(lines, cover.from_stock, strict=True):
            line.quantity_from_stock = quantity
    if own is not None:
        del session.sync_session.info[DEFERRED]  # every line now holds what it takes: nothing left to release


def defer_release(session: AsyncSession, order_id: int) -> None:
    """release_stock(order_id), but by take_stock's UPDATE of the order's lines, which the caller knows will take
    units in this transaction (one UPDATE of the lines, not two). A commit with the release still deferred fails."""
    session.sync_session.info[DEFERRED] = order_id


def _release_statement() -> Any:
    """The order's (:of_order) lines give back the units they hold from stock; what has shipped stays counted."""
    lines = cast(Table, OrderLine.__table__)
    return (update(lines).where(lines.c.order_id == bindparam("of_order"), lines.c.quantity_from_stock > 0)
            .values(quantity_from_stock=case((lines.c.quantity_shipped < lines.c.quantity_from_stock,
                                              lines.c.quantity_shipped), else_=lines.c.quantity_from_stock)))


RELEASE = _release_statement()  # built once: held_rows.write keeps its compiled form


async def release_stock(session: AsyncSession, order_id: int) -> None:
    """Give back the units an order holds from stock; what has shipped of them stays counted as shipped.

    In a transaction that holds its writes (held_rows: an update or cancel on PostgreSQL) the UPDATE goes with the
    COMMIT, not a round trip of its own: nothing after it reads the lines' stock from the database before then
    (take_stock reads only when it takes units, and an update keeping its lines that takes units defers its release
    to that UPDATE instead, defer_release; ledger.send_held sends it first for a cancel that re-reviews its rush
    order). The order's lines loaded in the session are set as the UPDATE leaves them, as the ORM's
    synchronize_session did."""
    await held_rows.write(session, RELEASE, {"of_order": order_id})
    for loaded in list(session.sync_session.identity_map.values()):
        # Only values loaded (an expired one would be read again, and lazily loading it here is not allowed).
        values = loaded.__dict__ if isinstance(loaded, OrderLine) else {}
        if values.get("order_id") == order_id and (values.get("quantity_from_stock") or 0) > 0 \
                and "quantity_shipped" in values:
            set_committed_value(loaded, "quantity_from_stock",
                                min(values["quantity_shipped"], values["quantity_from_stock"]))
