"""The yield the floor has shown per product (good units over good plus scrap in recent progress reports), so the
plan and promises start enough units for the good ones owed."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any, cast

import numpy as np
from sqlalchemy import Select, Table, bindparam, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain import clock
from domain.models import ProgressEvent

# Reports of the last weeks only: a line's yield drifts, and a repaired fault should stop costing hours.
TRAILING_WEEKS = 4
# No history: plan as if every unit started is good (what the service did before it read any yield).
NO_HISTORY = 1.0
# A run of bad reports must not double the hours of every promise; below this a person should look, not the plan.
LOWEST_YIELD = 0.8
# A task made for one order starts enough units for this share of the product's reports (by their yield) to have
# covered it: the trailing mean is beaten on half the days, and a task one unit short leaves its order waiting for
# the sku's next run. The 10th percentile of the recent reports: an outlier day does not set it.
ALLOWANCE_QUANTILE = 0.1
# The weekly plan starts its firm orders' units at a lower quantile: a task of the plan is several day tasks, each
# losing its part unit, and an order short by one unit waits a week for the sku's next run (no forecast units of the
# near weeks lie beside it once forecast decay plans none).
PLAN_ALLOWANCE_QUANTILE = 0.02
# A rush order's task is its only run before its date (due in a day or two, no replan in between): it starts enough
# units for the reports' 2nd-percentile yield, as the weekly plan's firm orders do, not the 10th.
RUSH_ALLOWANCE_QUANTILE = PLAN_ALLOWANCE_QUANTILE


def yield_of(good: float, scrap: float) -> float:
    """Good units over units started, bounded to [LOWEST_YIELD, 1]; NO_HISTORY when nothing was reported."""
    started = good + scrap
    if started <= 0:
        return NO_HISTORY
    return min(max(good / started, LOWEST_YIELD), 1.0)


def _reported(product_ids: Sequence[int] | None) -> Select[int, float, float]:
    """(product id, good units, scrapped units) reported per product over the trailing weeks."""
    since = clock.now() - timedelta(weeks=TRAILING_WEEKS)
    statement = (
        select(ProgressEvent.product_id, func.sum(ProgressEvent.quantity), func.sum(ProgressEvent.scrap))
        .where(ProgressEvent.at >= since)
        .group_by(ProgressEvent.product_id)
    )
    return statement if product_ids is None else statement.where(ProgressEvent.product_id.in_(product_ids))


def _by_product(rows: Iterable[Any]) -> dict[int, float]:
    return {product_id: yield_of(float(good or 0.0), float(scrap or 0.0)) for product_id, good, scrap in rows}


def observed_yields_sync(session: Session, product_ids: Sequence[int] | None = None) -> dict[int, float]:
    """product id -> trailing yield; a product with no reports is absent (use NO_HISTORY)."""
    return _by_product(session.execute(_reported(product_ids)).all())


PROGRESS = cast(Table, ProgressEvent.__table__)


def _sums() -> list[Any]:
    """Good and scrapped units over the trailing weeks (from :since: the yield), and all-time reports with good units
    and their units (how practised the floor is: maturity facts)."""
    p = PROGRESS.c
    recent = p.at >= bindparam("since", type_=p.at.type)
    good = p.quantity > 0
    return [func.sum(case((recent, p.quantity), else_=0.0)), func.sum(case((recent, p.scrap), else_=0.0)),
            func.sum(case((good, 1), else_=0)), func.sum(case((good, p.quantity), else_=0.0))]


def _reported_and_practice() -> Select[Any]:
    """Per product asked (:product_ids): the product id and _sums. One scan, built once."""
    p = PROGRESS.c
    return select(p.product_id, *_sums()).where(p.product_id.in_(bindparam("product_ids", expanding=True))) \
        .group_by(p.product_id)


def progress_of(product_id: Any) -> Select[Any]:
    """_sums of one product's reports (product_id: a column of the enclosing statement): one row, NULL sums when
    the product has no report, as an outer join to REPORTED_AND_PRACTICE gives them."""
    return select(*_sums()).where(PROGRESS.c.product_id == product_id)


REPORTED_AND_PRACTICE = _reported_and_practice()


async def yields_and_practice(session: AsyncSession, product_ids: Sequence[int]
                              ) -> tuple[dict[int, float], dict[int, tuple[int, float]]]:
    """observed_yields of these products, and per product (runs with good units, good units) over all time
    (absent: never made), in one statement."""
    rows = (await (await session.connection()).execute(REPORTED_AND_PRACTICE, {
        "since": clock.now() - timedelta(weeks=TRAILING_WEEKS), "product_ids": list(product_ids)})).all()
    return yields_of_rows(rows)


def yields_of_rows(rows: Sequence[Sequence[Any]]) -> tuple[dict[int, float], dict[int, tuple[int, float]]]:
    """The yields and practice of REPORTED_AND_PRACTICE's rows (product id, good, scrap, runs, units); a product with
    no reports (its sums NULL, as an outer join gives them) is absent from both."""
    yields = _by_product((product_id, good, scrap) for product_id, good, scrap, _, _ in rows
                         if (good or 0.0) + (scrap or 0.0) > 0)
    return yields, {product_id: (int(runs or 0), float(units or 0.0)) for product_id, _, _, runs, units in rows
                    if runs}


def _low_yield(made: Sequence[tuple[float, float]], quantile: float = ALLOWANCE_QUANTILE) -> float:
    """The quantile of these reports' yields ((good, scrap) each), within [LOWEST_YIELD, 1]."""
    return min(max(float(np.quantile([g / (g + s) for g, s in made], quantile)), LOWEST_YIELD), 1.0)


def _reports(product_ids: Sequence[int] | None) -> Select[int, float, float]:
    """(product id, good, scrap) of each progress report over the trailing weeks (every product's when None)."""
    since = clock.now() - timedelta(weeks=TRAILING_WEEKS)
    statement = (select(ProgressEvent.product_id, ProgressEvent.quantity, ProgressEvent.scrap)
                 .where(ProgressEvent.at >= since, ProgressEvent.quantity + ProgressEvent.scrap > 0))
    return statement if product_ids is None else statement.where(ProgressEvent.product_id.in_(list(product_ids)))


async def scrap_allowances(session: AsyncSession, product_ids: Sequence[int], quantile: float = ALLOWANCE_QUANTILE,
                           *, plant_floor: bool = False) -> dict[int, float]:
    """product id -> units to start per unit the trailing yield asks for, for a task made for one order: the trailing
    yield over a low one (ALLOWANCE_QUANTILE of the recent reports' yields), at least 1. A product without recent
    reports is planned at NO_HISTORY, yet the floor scraps it like the others: it starts 1 / the low yield of every
    product's recent reports (with 500 skus most orders are for one not made in weeks). Absent: no report at all.
    plant_floor: every product starts at least the plant's allowance (its reports' trailing yield over their low
    one), as the weekly plan's firm orders do: a product made once or twice lately has no spread of its own (a rush
    order's task, its only run, came out one unit short)."""
    allowances = _allowances((await session.execute(_reports(product_ids))).all(), quantile)
    unmade = [product_id for product_id in product_ids if product_id not in allowances]
    if unmade or plant_floor:
        plant = [(float(good), float(scrap or 0.0)) for _, good, scrap in (await session.execute(_reports(None))).all()]
        if plant:
            allowances.update({product_id: NO_HISTORY / _low_yield(plant, quantile) for product_id in unmade})
            if plant_floor:
                spread = yield_of(sum(g for g, _ in plant), sum(sc for _, sc in plant)) / _low_yield(plant, quantile)
                allowances = {product_id: max(allowance, spread) for product_id, allowance in allowances.items()}
    return allowances


def scrap_allowances_sync(session: Session, product_ids: Sequence[int] | None = None) -> dict[int, float]:
    """scrap_allowances for the weekly plan's firm orders, at PLAN_ALLOWANCE_QUANTILE: every product with reports
    starts at least the plant's allowance (its trailing yield over its low one: a product made once or twice has no
    spread of its own), and with product_ids those without recent reports start the plant's too, as in a promise
    (their forecast units beside the order no longer cover its scrap once forecast decay plans none of them)."""
    rows = session.execute(_reports(None)).all()
    plant = [(float(good), float(scrap or 0.0)) for _, good, scrap in rows]
    if not plant:
        return {}
    spread = yield_of(sum(g for g, _ in plant), sum(s for _, s in plant)) / _low_yield(plant, PLAN_ALLOWANCE_QUANTILE)
    allowances = {product_id: max(allowance, spread)
                  for product_id, allowance in _allowances(rows, PLAN_ALLOWANCE_QUANTILE).items()}
    allowances.update({product_id: max(NO_HISTORY / _low_yield(plant, PLAN_ALLOWANCE_QUANTILE), 1.0)
                       for product_id in product_ids or () if product_id not in allowances})
    return allowances


def _allowances(rows: Iterable[Any], quantile: float = ALLOWANCE_QUANTILE) -> dict[int, float]:
    reports: dict[int, list[tuple[float, float]]] = {}
    for product_id, good, scrap in rows:
        reports.setdefault(product_id, []).append((float(good), float(scrap or 0.0)))
    allowances = {}
    for product_id, made in reports.items():
        trailing = yield_of(sum(g for g, _ in made), sum(s for _, s in made))
        allowances[product_id] = max(trailing / _low_yield(made, quantile), 1.0)
    return allowances


async def observed_yields(session: AsyncSession, product_ids: Sequence[int]) -> dict[int, float]:
    """The async twin of observed_yields_sync, for the promise of one order's products."""
    return _by_product((await session.execute(_reported(product_ids))).all())
