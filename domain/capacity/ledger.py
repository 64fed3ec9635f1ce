"""The capacity ledger as promises see it: free hours per line-week, and conditional reserve/release."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

import numpy as np
from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    Float,
    Integer,
    Table,
    Text,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity import held_rows, lock_timing, one_message
from domain.capacity.forecast_hours import (
    ForecastClaim,
    ForecastRow,
    ForecastTaken,
    claimable_hours,
    claimed_rows_query,
    consume,
    give_back,
    return_forecast,
)
from domain.capacity.holding import Holding
from domain.capacity.line_hours import line_weeks
from domain.capacity.transaction_marks import transaction_mark
from domain.db import dialect_insert
from domain.models import CapacityLedger, CapacityReservation, utcnow

# Float sums of hours drift by tiny amounts; a promise that fits up to this is taken as fitting.
HOURS_TOLERANCE = 1e-6


# The ledger as a Core table: reserving and releasing are executemany UPDATEs, not ORM bulk updates.
LEDGER, RESERVATIONS = cast(Table, CapacityLedger.__table__), cast(Table, CapacityReservation.__table__)
ADD_RESERVATIONS = insert(RESERVATIONS)


class CapacityTaken(Exception):
    """A conditional UPDATE found the hours gone: another order took them since we read the ledger."""


@dataclass(frozen=True)
class LedgerView:
    """Free hours of the order's lines over the horizon, as [L, W] arrays in line_ids x weeks order."""

    line_ids: list[int]
    weeks: list[date]
    # Kept unclamped (negative where a line-week is over-promised, e.g. after an incident), so giving
    # back a displaced order's hours cannot create room that is not there; free_* clamp at zero.
    residual: np.ndarray  # regular hours still free: capacity - reserve - lost - planned - promised
    reserve: np.ndarray  # rush reserve still free (bounded by what the line has left at all)
    open_share: np.ndarray  # [L] share of the first week's hours outside the frozen window
    # Whose forecast hours the order may consume (counted in residual); reserving consumes them (forecast_hours.py).
    claim: ForecastClaim | None = None
    claimed: np.ndarray | None = None  # [L, W] the claim's forecast hours counted in residual
    # [L, W] hours the line-week has left at all (regular and reserve alike): reserve is min(open reserve, left).
    # None: residual + free reserve room, as when the reserve is bounded by the open share too.
    left: np.ndarray | None = None
    # Rows not in the ledger yet, as the line calendars make them ((line, week) -> capacity, reserve hours):
    # a decision read without writing imagines them; the writing transaction creates those it takes hours from.
    missing: Mapping[tuple[int, date], tuple[float, float]] = dataclasses.field(default_factory=dict)

    def without_claim(self) -> LedgerView:
        """The view as an order without forecast hours sees it (displacement plans on free hours only)."""
        if self.claimed is None:
            return self
        return dataclasses.replace(self, residual=self.residual - self.claimed, claim=None, claimed=None)

    def line_index(self) -> dict[int, int]:
        return {line_id: i for i, line_id in enumerate(self.line_ids)}

    @property
    def free_residual(self) -> np.ndarray:
        return np.maximum(self.residual, 0.0)

    @property
    def free_reserve(self) -> np.ndarray:
        return np.maximum(self.reserve, 0.0)


async def load_ledger(
    session: AsyncSession,
    line_ids: Sequence[int],
    weeks: list[date],
    reserve_share: float,
    open_from: date,
    *,
    create_missing: bool,
    claim: ForecastClaim | None = None,
    given_back: Holding | None = None,
) -> LedgerView:
    """Read the ledger rows of these lines and weeks; rows not there yet come from the line calendars.

    create_missing inserts them (ON CONFLICT DO NOTHING, so concurrent creators agree); a dry run
    only imagines them. open_from: first day after the frozen window (the first week counts only
    from there). claim: the order's forecast hours (its own sku's) count as free regular hours for it.
    given_back: a saved order decided again sees the rows as they are once it gave back what it holds.
    """
    ids = sorted(set(line_ids))
    calendar = await line_weeks(session, ids, weeks)
    found, claimed = await _rows_and_claimed(session, ids, weeks, claim)
    fresh: dict[tuple[int, date], tuple[float, ...]] = {}
    for line_id in ids:
        for week in weeks:
            if (line_id, week) not in found:
                capacity = calendar[line_id].week_hours(week)
                fresh[(line_id, week)] = (capacity, capacity * reserve_share, 0.0, 0.0, 0.0, 0.0)
    if fresh and create_missing:
        await create_rows(session, {key: (capacity, reserved) for key, (capacity, reserved, *_) in fresh.items()})
        # Read again: a concurrent order may have created and filled some of them first.
        found = await ledger_rows(session, ids, weeks)
    missing = {key: (capacity, reserved) for key, (capacity, reserved, *_) in fresh.items() if key not in found}
    found = {**fresh, **found}
    if given_back is not None:
        found = given_back.freed(found)
    shares = {line_id: calendar[line_id].open_share(weeks[0], open_from) for line_id in ids}
    residual = np.zeros((len(ids), len(weeks)))
    reserve, left = np.zeros_like(residual), np.zeros_like(residual)
    for li, line_id in enumerate(ids):
        for wi, week in enumerate(weeks):
            # Only the open days of the first week can be promised; promises there already sit in them.
            share = shares[line_id] if wi == 0 else 1.0
            capacity, reserved, lost, planned, promised, rush_used = found[(line_id, week)]
            residual[li, wi] = share * (capacity - reserved - lost - planned) - promised
            # The open days' reserve is free on the floor (day tasks keep each day's reserve share: solver.daily),
            # whatever the week's promises: capable-to-promise puts an order's hours in the first weeks with room,
            # not on the days the plan makes it. The line-week as a whole bounds it (after incidents, say).
            left[li, wi] = capacity - lost - planned - promised - rush_used
            reserve[li, wi] = min(share * reserved - rush_used, left[li, wi])
    open_share = np.array([shares[line_id] for line_id in ids])
    if claim is not None and claim.others_first is not None:  # other skus' forecast only beyond the free hours
        claim = dataclasses.replace(claim, free_first={
            (line_id, week): max(float(residual[li, wi]), 0.0)
            for li, line_id in enumerate(ids) for wi, week in enumerate(weeks)})
    claimable, claim = await claimable_hours(session, claim, ids, weeks,
                                             given_back.forecast_back() if given_back is not None else None, claimed)
    # An over-promised line-week (after an incident) still lets the order turn its forecast hours into its promise:
    # that moves hours from planned to promised and over-promises nothing more.
    with_claim = np.where(claimable > 0, np.maximum(residual, 0.0) + claimable, residual)
    return LedgerView(ids, weeks, with_claim, reserve, open_share, claim, with_claim - residual, left, missing)


async def create_rows(session: AsyncSession, rows: Mapping[tuple[int, date], tuple[float, float]]) -> None:
    """Insert these ledger rows ((line, week) -> capacity, reserve hours) unless there (ON CONFLICT DO NOTHING, so
    concurrent creators agree; the conditional UPDATE then checks against what the row holds)."""
    if not rows:
        return
    statement = dialect_insert(session.get_bind().dialect.name, CapacityLedger).on_conflict_do_nothing(
        index_elements=["line_id", "week"]
    )
    await (await session.connection()).execute(statement, [
        {"line_id": line_id, "week": week, "capacity_hours": capacity, "reserve_hours": reserved,
         "planned_hours": 0.0, "promised_hours": 0.0, "rush_hours_used": 0.0, "lost_hours": 0.0}
        for (line_id, week), (capacity, reserved) in sorted(rows.items())
    ])


async def ledger_rows(session: AsyncSession, ids: list[int], weeks: list[date]
                      ) -> dict[tuple[int, date], tuple[float, ...]]:
    """(line, week) -> capacity, reserve, lost, planned, promised and rush hours used, as stored."""
    rows = await (await session.connection()).execute(LEDGER_ROWS, {"line_ids": ids, "first": weeks[0],
                                                                    "last": weeks[-1]})
    return {(row[0], row[1]): tuple(row[2:]) for row in rows}


async def _rows_and_claimed(session: AsyncSession, ids: list[int], weeks: list[date], claim: ForecastClaim | None
                            ) -> tuple[dict[tuple[int, date], tuple[float, ...]], list[ForecastRow] | None]:
    """The ledger rows (as ledger_rows) and, on PostgreSQL, the forecast rows the claim may consume
    (claimed_rows_query) in the same round trip (one_message.py); None: not read here (SQLite, or a claim that reads
    none)."""
    wanted = claimed_rows_query(claim)
    if wanted is None or session.get_bind().dialect.name != "postgresql":
        return await ledger_rows(session, ids, weeks), None
    stored, claimed = await one_message.fetch_all(session, [
        (LEDGER_ROWS, {"line_ids": ids, "first": weeks[0], "last": weeks[-1]}), wanted])
    return {(row[0], row[1]): tuple(row[2:]) for row in stored}, cast(list[ForecastRow], claimed)


def _take_statement(give_back: bool = False) -> Any:
    """One conditional UPDATE for regular and reserve hours alike (:from_reserve picks the test).

    Regular hours fit under capacity - reserve - lost; reserve hours under the reserve and under
    what the line-week has left at all. give_back: the same row first gives back :back_regular, :back_rush and
    :back_forecast (what the order held there), and the test counts the row as it is after that.
    """
    ledger = LEDGER.c
    promised: ColumnElement[Any] = ledger.promised_hours
    rush_used: ColumnElement[Any] = ledger.rush_hours_used
    planned: ColumnElement[Any] = ledger.planned_hours
    if give_back:
        promised = promised - bindparam("back_regular", type_=Float)
        rush_used = rush_used - bindparam("back_rush", type_=Float)
        planned = planned + bindparam("back_forecast", type_=Float)
    regular, rush = bindparam("regular", type_=Float), bindparam("rush", type_=Float)
    from_reserve = bindparam("from_reserve", type_=Boolean)
    # :share is the part of the week still open (the days after the frozen window in the running
    # week, 1 otherwise): the same room capable-to-promise offered (LedgerView), so two orders
    # reading the ledger at once cannot both fill the open days of the running week.
    share = bindparam("share", type_=Float)
    # :consumed of the regular hours come out of the plan's forecast hours for this order's sku (forecast_hours.py).
    consumed = bindparam("consumed", type_=Float)
    fits_regular = or_(
        regular <= consumed + HOURS_TOLERANCE,  # all of it from the forecast's hours: nothing more is taken
        promised + regular
        <= share * (ledger.capacity_hours - ledger.reserve_hours - ledger.lost_hours - planned)
        + consumed + HOURS_TOLERANCE)
    # Reserve hours: the open share of the reserve, and what the whole line-week has left (as LedgerView).
    fits_reserve = and_(
        rush_used + rush <= share * ledger.reserve_hours + HOURS_TOLERANCE,
        planned + promised + rush_used + rush <= ledger.capacity_hours - ledger.lost_hours + HOURS_TOLERANCE,
    )
    return (
        update(LEDGER)
        .where(ledger.line_id == bindparam("ledger_line_id"), ledger.week == bindparam("ledger_week"),
               or_(and_(not_(from_reserve), fits_regular), and_(from_reserve, fits_reserve)))
        .values(promised_hours=promised + regular, rush_hours_used=rush_used + rush, planned_hours=planned - consumed)
    )


TAKE = _take_statement()
REBOOK = _take_statement(give_back=True)  # an order decided again: give back and take in one UPDATE per row
LEDGER_ROWS = (
    select(LEDGER.c.line_id, LEDGER.c.week, LEDGER.c.capacity_hours, LEDGER.c.reserve_hours, LEDGER.c.lost_hours,
           LEDGER.c.planned_hours, LEDGER.c.promised_hours, LEDGER.c.rush_hours_used)
    .where(LEDGER.c.line_id.in_(bindparam("line_ids", expanding=True)),
           LEDGER.c.week >= bindparam("first", type_=Date), LEDGER.c.week <= bindparam("last", type_=Date))
)
# REBOOK sent with the COMMIT (commit.py, PostgreSQL): a row that does not fit, or is not there, makes the statement
# fail on the server (sop_capacity_taken raises SQLSTATE SOP01, migration 0022), since no client looks at a row count
# before the COMMIT runs.
_TAKEN = REBOOK.returning(LEDGER.c.line_id).cte("taken")
_REFUSE = func.sop_capacity_taken(sql_cast(bindparam("ledger_line_id"), Integer),
                                  sql_cast(bindparam("ledger_week"), Date))
REBOOK_OR_FAIL = select(_REFUSE).where(~select(_TAKEN.c.line_id).exists())
# The same, and the first row's lock noted on the server (commit.py's timing: the transaction-local setting keeps the
# time the first UPDATE of the transaction went through, so waiting for that row is not counted as holding it).
LOCKED_AT = "sop.ledger_locked_at"
REBOOK_OR_FAIL_TIMED = select(case(
    (select(_TAKEN.c.line_id).exists(),
     func.set_config(LOCKED_AT, func.coalesce(func.nullif(func.current_setting(LOCKED_AT, True), ""),
                                              sql_cast(func.clock_timestamp(), Text)), True)),
    else_=sql_cast(_REFUSE, Text)))
CAPACITY_TAKEN_STATE = "SOP01"
HELD = "ledger_writes_held"  # session.info: this transaction's REBOOK entries, kept for commit.py
transaction_mark(HELD, "ledger UPDATEs are held for the commit: commit with domain.capacity.commit.commit")
NOTHING_BACK = {"back_regular": 0.0, "back_rush": 0.0, "back_forecast": 0.0}
# Releasing needs no test: the hours were taken by this order (in line, week order, like taking).
GIVE_BACK = (
    update(LEDGER)
    .where(LEDGER.c.line_id == bindparam("ledger_line_id"), LEDGER.c.week == bindparam("ledger_week"))
    .values(promised_hours=LEDGER.c.promised_hours - bindparam("regular", type_=Float),
            rush_hours_used=LEDGER.c.rush_hours_used - bindparam("rush", type_=Float),
            planned_hours=LEDGER.c.planned_hours + bindparam("forecast", type_=Float))
)


async def take_hours(session: AsyncSession, reservation: CapacityReservation, open_share: float = 1.0) -> None:
    """Add a reservation's hours to its line-week if they still fit; raise CapacityTaken if not."""
    await reserve_all(session, [reservation], {(reservation.line_id, reservation.week): open_share})


async def reserve_all(session: AsyncSession, reservations: Sequence[CapacityReservation],
                      open_shares: Mapping[tuple[int, date], float] | None = None,
                      claim: ForecastClaim | None = None, *, products: Mapping[int, int] | None = None,
                      release: Holding | None = None) -> dict[tuple[int, date, int], float]:
    """Take every reservation's hours, or raise CapacityTaken if any no longer fits; insert the reservation rows.
    Returns the forecast hours consumed per (line, week, product whose forecast they were).

    With a claim, regular hours first consume the order's own forecast hours (forecast_hours.consume; products:
    order line id -> product id when the caller knows them, else they are read).

    One executemany (one round trip in a psycopg pipeline), run in (line, week) order so concurrent
    orders lock ledger rows in one order; each UPDATE counts one row only if its hours still fit. The reservation
    rows go in before it (a lost race rolls them back): the UPDATE is the last statement before the caller's
    commit, so the rows stay locked for one round trip and the commit, not for what the order writes.

    release: what a saved order decided again held (holding.py; its reservation rows already dropped:
    drop_reservations). Its forecast hours go back to their forecasts first, then every ledger row gives back and
    takes in the same conditional UPDATE (REBOOK), still one executemany in (line, week) order.
    """
    ordered = sorted(reservations, key=lambda r: (r.line_id, r.week, r.from_reserve))
    if not ordered and (release is None or not release.hours):
        return {}
    if release is not None:
        await return_forecast(session, release.forecast_back())
    # On the connection: no autoflush of the rows the caller has pending (they go in at its commit).
    try:
        consumed = await consume(session, ordered, claim, products)
    except ForecastTaken as taken:
        raise CapacityTaken(str(taken)) from None
    entries = [
        {"ledger_line_id": r.line_id, "ledger_week": r.week, "from_reserve": r.from_reserve,
         "regular": 0.0 if r.from_reserve else r.hours, "rush": r.hours if r.from_reserve else 0.0,
         "share": (open_shares or {}).get((r.line_id, r.week), 1.0), "consumed": r.forecast_hours}
        for r in ordered
    ]
    if release is not None:
        entries = _with_give_back(entries, release)
    made = utcnow()  # the column's default, given: a held INSERT (held_rows) applies none
    await held_rows.insert_rows(session, ADD_RESERVATIONS, [
        {"order_id": r.order_id, "order_line_id": r.order_line_id, "line_id": r.line_id, "week": r.week,
         "hours": r.hours, "quantity": r.quantity, "from_reserve": r.from_reserve,
         "forecast_hours": r.forecast_hours, "created_at": made} for r in ordered])
    held = _held(session)
    if held is not None:
        held.extend(entries if release is not None else [{**e, **NOTHING_BACK} for e in entries])
        return consumed
    lock_timing.mark(session)
    result = await (await session.connection()).execute(TAKE if release is None else REBOOK, entries)
    if result.rowcount != len(entries):  # type: ignore[attr-defined]
        where = ", ".join(f"line {r.line_id} week {r.week} ({r.hours:.2f} h)" for r in ordered)
        raise CapacityTaken(f"some of these hours are no longer free: {where}")
    return consumed


def hold_writes(session: AsyncSession) -> None:
    """Keep this transaction's ledger UPDATEs (reserve_all, release_order) for commit.commit, which sends them with
    the COMMIT in one round trip: the rows are locked only while the server runs them, not while this process waits
    for its event loop between two answers. PostgreSQL only: SQLite has no row locks, its UPDATEs go at once."""
    if session.get_bind().dialect.name == "postgresql":
        session.sync_session.info.setdefault(HELD, [])


def take_held(session: AsyncSession) -> list[dict[str, Any]]:
    """The held REBOOK entries in (line, week) order (stable: on one row, what was given back before what is taken
    after it), no longer held."""
    held = session.sync_session.info.pop(HELD, None) or []
    return sorted(held, key=lambda e: (e["ledger_line_id"], e["ledger_week"]))


async def send_held(session: AsyncSession) -> None:
    """Write the held entries now (a use case about to read the ledger it changed); later ones are held again."""
    await held_rows.send(session)  # the rows first, as commit.py sends them
    if not _held(session):
        return
    entries = take_held(session)
    session.sync_session.info[HELD] = []
    lock_timing.mark(session)
    result = await (await session.connection()).execute(REBOOK, entries)
    if result.rowcount != len(entries):  # type: ignore[attr-defined]
        raise CapacityTaken("some of these hours are no longer free: " + ", ".join(
            f"line {e['ledger_line_id']} week {e['ledger_week']}" for e in entries))


def _held(session: AsyncSession) -> list[dict[str, Any]] | None:
    return cast(list[dict[str, Any]] | None, session.sync_session.info.get(HELD))


def _with_give_back(entries: list[dict[str, Any]], release: Holding) -> list[dict[str, Any]]:
    """The take entries with what the order gives back on each row put on the row's first entry (a row it only
    gives back on gets an entry that takes nothing), in (line, week, regular first) order."""
    back: dict[tuple[int, date], list[float]] = {}
    for h in release.hours:
        regular, rush, forecast = back.setdefault((h.line_id, h.week), [0.0, 0.0, 0.0])
        back[(h.line_id, h.week)] = [regular + (0.0 if h.from_reserve else h.hours),
                                     rush + (h.hours if h.from_reserve else 0.0), forecast + h.forecast_hours]
    taken = {(e["ledger_line_id"], e["ledger_week"]) for e in entries}
    only_back = [{"ledger_line_id": line_id, "ledger_week": week, "from_reserve": False, "regular": 0.0, "rush": 0.0,
                  "share": 1.0, "consumed": 0.0} for line_id, week in back if (line_id, week) not in taken]
    out = []
    for entry in sorted(entries + only_back, key=lambda e: (e["ledger_line_id"], e["ledger_week"], e["from_reserve"])):
        regular, rush, forecast = back.pop((entry["ledger_line_id"], entry["ledger_week"]), (0.0, 0.0, 0.0))
        out.append({**entry, "back_regular": regular, "back_rush": rush, "back_forecast": forecast})
    return out


# The reservation rows of an order decided again deleted, their ids returned (dropped_as_read checks them): built
# once, sent with the order's version claim (lookup.claim_version_with), not a round trip of its own.
DROP_RESERVATIONS = delete(RESERVATIONS).where(RESERVATIONS.c.order_id == bindparam("of_order")).returning(
    RESERVATIONS.c.id)


async def drop_reservations(session: AsyncSession, holding: Holding) -> None:
    """Delete the reservation rows of an order decided again, before its new ones go in; CapacityTaken (decide
    again from fresh facts) when they are no longer the ones it read (a concurrent change of the order)."""
    dropped_as_read(holding, (await session.execute(DROP_RESERVATIONS, {"of_order": holding.order_id})).all())


def dropped_as_read(holding: Holding, rows: Sequence[Sequence[Any]]) -> None:
    """DROP_RESERVATIONS' rows: CapacityTaken unless they are the reservations the holding read."""
    if {row[0] for row in rows} != {h.id for h in holding.hours}:
        raise CapacityTaken(f"order {holding.order_id}'s reservations changed while it was decided again")


async def release_order(session: AsyncSession, order_id: int, *, to_forecast: bool = True
                        ) -> list[CapacityReservation]:
    """Give back every hour an order holds and delete its reservations; returns what was released.

    to_forecast: the hours it consumed of its sku's forecast go back to that forecast (a cancel or change); False
    when they were spent (the order is made) and only the free hours are given back.
    """
    held = list(
        (
            await session.scalars(
                select(CapacityReservation)
                .where(CapacityReservation.order_id == order_id)
                .order_by(CapacityReservation.line_id, CapacityReservation.week)
            )
        ).all()
    )
    if held:
        back = [{"ledger_line_id": r.line_id, "ledger_week": r.week, "regular": 0.0 if r.from_reserve else r.hours,
                 "rush": r.hours if r.from_reserve else 0.0, "forecast": r.forecast_hours if to_forecast else 0.0}
                for r in held]
        pending = _held(session)
        if pending is not None:  # a REBOOK that takes nothing: its test always passes
            pending.extend({"ledger_line_id": b["ledger_line_id"], "ledger_week": b["ledger_week"],
                            "from_reserve": False, "regular": 0.0, "rush": 0.0, "share": 1.0, "consumed": 0.0,
                            "back_regular": b["regular"], "back_rush": b["rush"], "back_forecast": b["forecast"]}
                           for b in back)
        else:
            lock_timing.mark(session)
            await session.execute(GIVE_BACK, back)
        if to_forecast:
            await give_back(session, held)
        await session.execute(delete(CapacityReservation).where(CapacityReservation.order_id == order_id))
    return held
