"""Forecast consumption: the plan's forecast hours per line-week-sku, which only a firm order of that sku may take.

As MRP systems consume the forecast (SAP's consumption mode, frePPLe's forecast netting): the weekly replan
splits each ledger row's planned_hours over the skus it makes them for (ForecastHours); a firm regular order
for sku X may turn X's forecast hours on a line-week within its consumption window into its promise, nobody
else may; a cancel or change gives them back to X's forecast. Orders beyond the forecast compete for the free
hours as before, and the rush reserve is never touched here.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

import numpy as np
from sqlalchemy import Date, Float, Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.calendar import week_start
from domain.db import dialect_insert
from domain.models import CapacityReservation, ForecastHours, OrderLine, Product

FORECAST = cast(Table, ForecastHours.__table__)
TOLERANCE = 1e-6


# id, line id, week, product id, hours
ForecastRow = tuple[int, int, date, int, float]


class ForecastTaken(Exception):
    """Another order consumed the forecast hours since we read them (CapacityTaken wraps it for retrying)."""


@dataclass(frozen=True)
class ForecastClaim:
    """Whose forecast hours one order may consume, and where.

    lines: line id -> (the order's product made there, the products whose forecast hours it may consume: its own,
    or its family's); lines that make two of the order's products are left out (whose hours a use would be is
    not known before the promise). first..last: the weeks of the consumption window.
    """

    lines: dict[int, tuple[int, frozenset[int]]]
    first: date
    last: date
    # The forecast rows of the claim as the order read them while deciding (claimable_hours): consume takes from
    # them with conditional UPDATEs, without reading them again in the writing transaction. None: not read yet.
    rows: tuple[ForecastRow, ...] | None = None
    # A rush order replacing make-to-stock day tasks (capacity policy rush_replaces_stock_tasks): in this running
    # week, line id -> the skus whose stock hours it may take; their rows (in `rows`) hold only what the day tasks
    # can give up (domain/planning/stock_tasks.py). The window first..last never holds the running week.
    stock_week: date | None = None
    stock_skus: Mapping[int, frozenset[int]] = dataclasses.field(default_factory=dict)
    # Firm before forecast: weeks others_first..others_last whose forecast hours of any sku on the claim's lines the
    # order may consume once the line-week's free regular hours (free_first, as load_ledger read them) are used up.
    others_first: date | None = None
    others_last: date | None = None
    free_first: Mapping[tuple[int, date], float] = dataclasses.field(default_factory=dict)

    def covers(self, line_id: int, week: date, product_id: int) -> frozenset[int]:
        """The products whose forecast hours a use of product_id on this line-week may consume (empty: none)."""
        entry = self.lines.get(line_id)
        if entry is None or entry[0] != product_id:
            return frozenset()
        if week == self.stock_week:
            return self.stock_skus.get(line_id, frozenset())
        return entry[1] if self.first <= week <= self.last else frozenset()

    def takes_others(self, line_id: int, week: date, product_id: int | None = None) -> bool:
        """May a use (of product_id; None: of the line's product) on this line-week consume any sku's forecast?"""
        entry = self.lines.get(line_id)
        if entry is None or self.others_first is None or self.others_last is None or week == self.stock_week:
            return False
        return (product_id is None or entry[0] == product_id) and self.others_first <= week <= self.others_last

    def may_consume(self, line_id: int, week: date, row_product: int) -> bool:
        """Is this forecast row's product one the claim may consume on its line-week (own window or others')?"""
        entry = self.lines.get(line_id)
        if entry is None:
            return False
        if week == self.stock_week:
            return row_product in self.stock_skus.get(line_id, frozenset())
        return (self.first <= week <= self.last and row_product in entry[1]) or self.takes_others(line_id, week)


def with_stock_hours(claim: ForecastClaim | None, routes: Mapping[int, Sequence[int]], week: date,
                     stock_rows: Sequence[ForecastRow]) -> ForecastClaim:
    """The claim of a rush order that may also take these running-week stock rows (hours capped at what the day tasks
    give up); without a claim of its own (match NONE) it claims nothing else."""
    if claim is None:
        made_on: dict[int, set[int]] = defaultdict(set)
        for product_id, line_ids in routes.items():
            for line_id in line_ids:
                made_on[line_id].add(product_id)
        lines = {line_id: (next(iter(ps)), frozenset[int]()) for line_id, ps in made_on.items() if len(ps) == 1}
        claim = ForecastClaim(lines, week, week, rows=())
    skus: dict[int, set[int]] = defaultdict(set)
    for _, line_id, _, product_id, _ in stock_rows:
        skus[line_id].add(product_id)
    taken = {row[0] for row in stock_rows}
    own = tuple(row for row in claim.rows or () if row[0] not in taken)
    return dataclasses.replace(claim, rows=own + tuple(stock_rows), stock_week=week,
                               stock_skus={line_id: frozenset(ps) for line_id, ps in skus.items()})


async def forecast_claim(session: AsyncSession, routes: Mapping[int, Sequence[int]], requested: date, match: str,
                         backward_weeks: int, forward_weeks: int, open_from: date | None = None
                         ) -> ForecastClaim | None:
    """The claim of an order whose products (id -> line ids that make it) are wanted on `requested`.

    match: SKU (own product), FAMILY (any product of its family) or NONE (no claim). The window: the backward_weeks
    before the requested week, and forward_weeks from the requested week on. open_from: the first day
    an order may be made (after the frozen window); a week with a day before it is left out, since its forecast
    hours are partly made already, as stock (the small simulation broke promises consuming them)."""
    if match == "NONE" or not routes:
        return None
    members: dict[int, frozenset[int]] = {p: frozenset({p}) for p in routes}
    if match == "FAMILY":
        rows = (await session.execute(select(Product.id, Product.family))).all()
        by_family: dict[str, set[int]] = defaultdict(set)
        for product_id, family in rows:
            by_family[family].add(product_id)
        family_of = dict(rows)
        members = {p: frozenset(by_family[family_of[p]]) if p in family_of else members[p] for p in routes}
    lines = {line_id: (product_id, members[product_id]) for line_id, product_id in _one_product_lines(routes).items()}
    week = week_start(requested)
    first = week - timedelta(weeks=backward_weeks)
    if open_from is not None:
        first = max(first, _next_whole_week(open_from))
    # forward_weeks counts from the requested week itself: its hours may come after the requested day (0: none).
    return ForecastClaim(lines, first, week + timedelta(weeks=forward_weeks - 1))


def _one_product_lines(routes: Mapping[int, Sequence[int]]) -> dict[int, int]:
    """Line id -> the order's product made on it, for the lines that make exactly one of the order's products."""
    made_on: dict[int, set[int]] = defaultdict(set)
    for product_id, line_ids in routes.items():
        for line_id in line_ids:
            made_on[line_id].add(product_id)
    return {line_id: next(iter(ps)) for line_id, ps in made_on.items() if len(ps) == 1}


def _next_whole_week(day: date) -> date:
    """The Monday on or after `day`: the first whole week from it."""
    return day + timedelta(days=(7 - day.weekday()) % 7)


def with_other_skus(claim: ForecastClaim | None, routes: Mapping[int, Sequence[int]], requested: date,
                    backward_weeks: int, forward_weeks: int, open_from: date) -> ForecastClaim:
    """The claim that may also consume any sku's forecast hours on the order's lines (firm before forecast), from
    backward_weeks before the requested week to forward_weeks from it on (1: the requested week), in whole weeks
    from open_from (the first day after the frozen window): the running week's tasks are on the floor already."""
    week = week_start(requested)
    if claim is None:  # match NONE: no forecast of its own, the other skus' still
        lines = {line_id: (product_id, frozenset[int]()) for line_id, product_id in _one_product_lines(routes).items()}
        claim = ForecastClaim(lines, week, week - timedelta(weeks=1))  # an empty window of its own
    first = max(week - timedelta(weeks=backward_weeks), _next_whole_week(open_from))
    return dataclasses.replace(claim, rows=None, others_first=first,
                               others_last=week + timedelta(weeks=forward_weeks - 1))


# Built once (a statement per order, not its construction): the forecast rows of :line_ids and :product_ids a claim
# may consume from, weeks :first to :last.
CLAIMED_ROWS = (
    select(FORECAST.c.id, FORECAST.c.line_id, FORECAST.c.week, FORECAST.c.product_id, FORECAST.c.hours)
    .where(FORECAST.c.line_id.in_(bindparam("line_ids", expanding=True)),
           FORECAST.c.product_id.in_(bindparam("product_ids", expanding=True)),
           FORECAST.c.week >= bindparam("first", type_=Date), FORECAST.c.week <= bindparam("last", type_=Date))
    .order_by(FORECAST.c.id)
)


# The same for a claim that may consume any sku's forecast hours on its lines (firm before forecast).
LINES_ROWS = (
    select(FORECAST.c.id, FORECAST.c.line_id, FORECAST.c.week, FORECAST.c.product_id, FORECAST.c.hours)
    .where(FORECAST.c.line_id.in_(bindparam("line_ids", expanding=True)),
           FORECAST.c.week >= bindparam("first", type_=Date), FORECAST.c.week <= bindparam("last", type_=Date))
    .order_by(FORECAST.c.id)
)


def claimed_rows_params(claim: ForecastClaim | None) -> dict[str, Any] | None:
    """CLAIMED_ROWS' values for this claim; None: the claim reads no rows (none, or no line it may consume on)."""
    if claim is None or not claim.lines or claim.others_first is not None:
        return None
    products = set().union(*(entry[1] for entry in claim.lines.values()))
    return {"line_ids": sorted(claim.lines), "product_ids": sorted(products), "first": claim.first,
            "last": claim.last}


def claimed_rows_query(claim: ForecastClaim | None) -> tuple[Any, dict[str, Any]] | None:
    """The statement and values that read the forecast rows this claim may consume; None: it reads none."""
    params = claimed_rows_params(claim)
    if params is not None:
        return CLAIMED_ROWS, params
    if claim is None or not claim.lines or claim.others_first is None or claim.others_last is None:
        return None
    own = claim.first <= claim.last
    first = min(claim.first, claim.others_first) if own else claim.others_first
    last = max(claim.last, claim.others_last) if own else claim.others_last
    return LINES_ROWS, {"line_ids": sorted(claim.lines), "first": first, "last": last}


async def claimable_hours(session: AsyncSession, claim: ForecastClaim | None, line_ids: Sequence[int],
                          weeks: Sequence[date], back: Mapping[tuple[int, date, int], float] | None = None,
                          read: Sequence[ForecastRow] | None = None) -> tuple[np.ndarray, ForecastClaim | None]:
    """[L, W] forecast hours the claim may consume, in line_ids x weeks order (zeros without a claim), and the claim
    with the rows read (consume takes from these). back: (line, week, product) -> hours an order decided again gives
    back to that forecast row before it takes (return_forecast): counted as there. read: CLAIMED_ROWS' rows for
    the claim, read already (with the ledger rows, ledger.load_ledger)."""
    room = np.zeros((len(line_ids), len(weeks)))
    query = claimed_rows_query(claim)
    if claim is None or query is None:
        return room, claim
    lindex, windex = {line_id: i for i, line_id in enumerate(line_ids)}, {w: i for i, w in enumerate(weeks)}
    rows: list[ForecastRow] = []
    found = read if read is not None else await (await session.connection()).execute(*query)
    for row_id, line_id, week, product_id, hours in found:
        hours = float(hours) + (back or {}).get((line_id, week, product_id), 0.0)
        rows.append((row_id, line_id, week, product_id, hours))
        if line_id in lindex and week in windex and claim.may_consume(line_id, week, product_id):
            room[lindex[line_id], windex[week]] += max(float(hours), 0.0)
    return room, dataclasses.replace(claim, rows=tuple(rows))


CONSUME = (
    update(FORECAST)
    .where(FORECAST.c.id == bindparam("row_id"), FORECAST.c.hours >= bindparam("take", type_=Float) - TOLERANCE)
    .values(hours=FORECAST.c.hours - bindparam("take", type_=Float))
)


async def consume(session: AsyncSession, reservations: Sequence[CapacityReservation],
                  claim: ForecastClaim | None, line_products: Mapping[int, int] | None = None
                  ) -> dict[tuple[int, date, int], float]:
    """Set each regular reservation's forecast_hours to what it consumes of its claim, and take them from the
    forecast rows (own product first; with firm before forecast, other skus' only for what the line-week's free hours
    do not hold); raise ForecastTaken if a concurrent order took them first. Returns the hours taken per (line, week,
    product whose forecast hours they were).

    line_products: order line id -> product id, when the caller has them (else one statement reads them)."""
    for r in reservations:
        r.forecast_hours = 0.0
    regular = [r for r in reservations if not r.from_reserve]
    if claim is None or not regular:
        return {}
    wanted_lines = {r.order_line_id for r in regular}
    known = line_products is not None and wanted_lines <= set(line_products)
    product_of = dict(line_products or {}) if known else await _products(session, list(wanted_lines))
    wanted = {(r.line_id, r.week): claim.covers(r.line_id, r.week, product_of[r.order_line_id]) for r in regular}
    others = {(r.line_id, r.week) for r in regular
              if claim.takes_others(r.line_id, r.week, product_of[r.order_line_id])}
    products = set().union(*wanted.values())
    if not products and not others:
        return {}
    rows: dict[tuple[int, date], list[tuple[int, int, float]]] = defaultdict(list)
    where: dict[int, tuple[int, date, int]] = {}
    # Read while deciding (the claim's rows: the CONSUME condition checks they still hold the hours), or now.
    query = claimed_rows_query(claim)
    found: Iterable[Any] = claim.rows if claim.rows is not None else [] if query is None else await (
        await session.connection()).execute(*query)
    for row_id, line_id, week, product_id, hours in found:
        if product_id in wanted.get((line_id, week), ()) or (line_id, week) in others:
            rows[(line_id, week)].append((row_id, product_id, float(hours)))
            where[row_id] = (line_id, week, product_id)
    left = {row_id: hours for entries in rows.values() for row_id, _, hours in entries}
    free = {key: max(claim.free_first.get(key, 0.0), 0.0) for key in others}
    takes: dict[int, float] = defaultdict(float)

    def take_from(r: CapacityReservation, entries: list[tuple[int, int, float]], up_to: float) -> None:
        for row_id, _, _ in entries:
            take = min(up_to - r.forecast_hours, max(left[row_id], 0.0))
            if take > TOLERANCE:
                r.forecast_hours += take
                left[row_id] -= take
                takes[row_id] += take

    for r in sorted(regular, key=lambda r: (r.line_id, r.week)):
        own, key = product_of[r.order_line_id], (r.line_id, r.week)
        entries = sorted(rows.get(key, []), key=lambda e: (e[1] != own, e[0]))
        take_from(r, [e for e in entries if e[1] in wanted[key]], r.hours)
        if key in others:  # the line-week's free hours first, then other skus' forecast for the rest
            from_free = min(r.hours - r.forecast_hours, free[key])
            free[key] -= from_free
            take_from(r, [e for e in entries if e[1] not in wanted[key]], r.hours - from_free)
    if takes:
        result = await (await session.connection()).execute(
            CONSUME, [{"row_id": row_id, "take": take} for row_id, take in sorted(takes.items())])
        if result.rowcount != len(takes):  # type: ignore[attr-defined]
            raise ForecastTaken("another order consumed these forecast hours first")
    taken: dict[tuple[int, date, int], float] = defaultdict(float)
    for row_id, take in takes.items():
        taken[where[row_id]] += take
    return dict(taken)


async def give_back(session: AsyncSession, held: Sequence[CapacityReservation]) -> None:
    """Return the forecast hours these reservations consumed to the forecast of their order line's product."""
    consumed = [r for r in held if r.forecast_hours > TOLERANCE]
    if not consumed:
        return
    product_of = await _products(session, [r.order_line_id for r in consumed])
    back: dict[tuple[int, date, int], float] = defaultdict(float)
    for r in consumed:
        back[(r.line_id, r.week, product_of[r.order_line_id])] += r.forecast_hours
    await return_forecast(session, back)


async def return_forecast(session: AsyncSession, back: Mapping[tuple[int, date, int], float]) -> None:
    """Add hours back to forecast rows ((line, week, product) -> hours), making the rows that are gone."""
    if not back:
        return
    statement = dialect_insert(session.get_bind().dialect.name, ForecastHours)
    statement = statement.on_conflict_do_update(index_elements=["line_id", "week", "product_id"],
                                                set_={"hours": FORECAST.c.hours + statement.excluded.hours})
    await session.execute(statement, [{"line_id": line_id, "week": week, "product_id": product_id, "hours": hours}
                                      for (line_id, week, product_id), hours in sorted(back.items())])


def scale_statement(line_id: int, week: date, ratio: float) -> Any:
    """The UPDATE that keeps a line-week's forecast rows adding up to its planned hours when these shrink."""
    return (update(FORECAST).where(FORECAST.c.line_id == line_id, FORECAST.c.week == week)
            .values(hours=FORECAST.c.hours * max(ratio, 0.0)))


async def _products(session: AsyncSession, order_line_ids: Sequence[int]) -> dict[int, int]:
    rows = await (await session.connection()).execute(select(OrderLine.id, OrderLine.product_id)
                                 .where(OrderLine.id.in_(set(order_line_ids))))
    return {line_id: product_id for line_id, product_id in rows}
