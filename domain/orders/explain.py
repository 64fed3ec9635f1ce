"""What lies behind each review verdict, in figures: the components short, the full line-weeks, the new processes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from domain.capacity.calendar import week_start
from domain.capacity.ledger import HOURS_TOLERANCE, LedgerView
from domain.models import ProcessMaturity
from domain.orders.context import OrderContext
from domain.orders.materials import MaterialCheck
from domain.orders.promise import OrderPromise
from rules import CriterionVerdict
from rules.figures import show

# More components than this in one message would bury the one that matters: the rest are counted.
MOST_NAMED = 3

# What a partner (a customer's system) reads instead of the margin verdict's figures: the order's margin and
# the plant's minimum are plant-internal (api/core/scope.py keeps Order.grossMargin from partners too).
PARTNER_MARGIN = {True: "The gross margin reaches the plant's minimum.",
                  False: "The gross margin does not reach the plant's minimum."}


@dataclass(frozen=True)
class FullLine:
    line_id: int
    full_until: date  # week start: every open week up to and including it has no hour left for the order


@dataclass(frozen=True)
class CapacityFindings:
    """The promise the capacity verdict was given on, and the lines that had no room before it."""

    requested: date
    ready: date | None  # None: not within the horizon
    horizon_end: date
    quantity: float
    by_requested: float
    from_stock: float
    full: list[FullLine]
    frozen_until: date | None = None


def full_lines(promise: OrderPromise, view: LedgerView) -> list[FullLine]:
    """Lines whose hours, after the order took what it could, are gone from the first open week on.

    Capable-to-promise fills the earliest free hours first, so a line full through week W is why the
    rest of the order lands after W."""
    free = view.free_residual + (view.free_reserve if promise.use_reserve else 0.0)
    taken = np.zeros_like(free)
    rows, columns = view.line_index(), {week: wi for wi, week in enumerate(view.weeks)}
    for line in promise.lines:
        for use in line.uses:
            taken[rows[use.line_id], columns[use.week]] += use.hours
    left = free - taken
    found = []
    for li, line_id in enumerate(view.line_ids):
        full = 0
        while full < len(view.weeks) and left[li, full] <= HOURS_TOLERANCE * max(1.0, free[li, full]):
            full += 1
        if full:
            found.append(FullLine(line_id, view.weeks[full - 1]))
    return found


def capacity_findings(promise: OrderPromise, view: LedgerView, horizon_end: date,
                      frozen_until: date | None) -> CapacityFindings:
    return CapacityFindings(
        promise.requested, promise.ready_date, horizon_end,
        quantity=sum(line.quantity for line in promise.lines),
        by_requested=sum(min(line.by_requested, line.quantity) for line in promise.lines),
        from_stock=sum(line.from_stock for line in promise.lines),
        # only lines full through the requested week explain why the order is late
        full=[line for line in full_lines(promise, view) if line.full_until >= week_start(promise.requested)],
        frozen_until=frozen_until,
    )


def capacity_figures(found: CapacityFindings, line_codes: Mapping[int, str]) -> str:
    """'L05 full until week 2026-12-21; earliest 2026-12-24 (requested 2026-12-10); 600 of 1,000 by then'."""
    stock = f" ({show(found.from_stock)} from stock)" if found.from_stock > 0 else ""
    in_time = f"{show(found.by_requested)} of {show(found.quantity)} by the requested date"
    if found.ready is not None and found.ready <= found.requested:
        return f"{in_time} {found.requested.isoformat()}{stock}"
    parts = [f"{line_codes.get(line.line_id, f'line {line.line_id}')} full until week {line.full_until.isoformat()}"
             for line in found.full]
    if found.frozen_until is not None and found.requested <= found.frozen_until:
        parts.append(f"plan frozen until {found.frozen_until.isoformat()}")
    if found.ready is None:
        parts.append(f"no date within the planning horizon (to {found.horizon_end.isoformat()})")
    else:
        parts.append(f"earliest {found.ready.isoformat()} (requested {found.requested.isoformat()})")
    parts.append(f"{in_time}{stock}")
    return "; ".join(parts)


def material_figures(check: MaterialCheck, context: OrderContext) -> str:
    """'M-0304 short by 1,406 pcs until 2026-12-18 (receipt 3,000)', or how the tightest components are covered."""
    def name(material_id: int) -> str:
        return context.materials[material_id].code or f"material {material_id}"

    def unit(material_id: int) -> str:
        return context.materials[material_id].unit

    if not check.required:
        return "no key components to use (nothing to make, or none in the bills)"
    if check.short:
        shortest = sorted(check.short, key=lambda m: (-check.short[m], name(m)))
        texts = []
        for material_id in shortest[:MOST_NAMED]:
            arrival = check.arrivals[material_id]
            source = (f"receipt {show(arrival.receipt_quantity)}" if arrival.receipt_quantity is not None
                      else f"purchase, {context.materials[material_id].lead_time_days} days lead time")
            texts.append(f"{name(material_id)} short by {show(check.short[material_id])} {unit(material_id)} "
                         f"until {arrival.date.isoformat()} ({source})")
        more = len(shortest) - MOST_NAMED
        return "; ".join(texts) + (f"; {more} more short" if more > 0 else "")
    # Covered: the components with the least to spare first, since they are the ones to watch.
    tightest = sorted(check.required, key=lambda m: (check.required[m] / max(check.available.get(m, 0.0), 1e-9),
                                                     name(m)), reverse=True)
    texts = [f"{name(m)} {show(check.required[m])} of {show(check.available.get(m, 0.0))} {unit(m)}"
             for m in tightest[:MOST_NAMED]]
    more = len(tightest) - MOST_NAMED
    return (", ".join(texts) + (f" and {more} more" if more > 0 else "")
            + f" in stock or received by {check.need_date.isoformat()}")


def technology_figures(context: OrderContext) -> str:
    """'P-1 needs a new process': which products are not yet made with a proven process."""
    new = [p.sku for p in context.products if p.maturity is ProcessMaturity.NEW]
    if not new:
        return ""
    return f"{', '.join(dict.fromkeys(new))} {'needs' if len(new) == 1 else 'need'} a new process"


def criterion_details(capacity: CapacityFindings, material: MaterialCheck, context: OrderContext,
                      line_codes: Mapping[int, str]) -> dict[str, str]:
    """The domain's figures per criterion (MARGIN has none: the rule's own figures say it all).

    Stored with the review, so `sop rules backtest` shows them beside a candidate rule's figures."""
    return {
        "CAPACITY": capacity_figures(capacity, line_codes),
        "MATERIAL": material_figures(material, context),
        "TECHNOLOGY": technology_figures(context),
    }


def explained_criteria(criteria: Mapping[str, CriterionVerdict], capacity: CapacityFindings,
                       material: MaterialCheck, context: OrderContext, line_codes: Mapping[int, str]
                       ) -> dict[str, CriterionVerdict]:
    """Each verdict with the domain's figures after the rule's."""
    added = criterion_details(capacity, material, context, line_codes)
    return {name: verdict.with_figures(added.get(name, "")) for name, verdict in criteria.items()}


def lines_to_name(capacity: CapacityFindings) -> Sequence[int]:
    """The production lines a capacity message will name (their codes are read only for these)."""
    if capacity.ready is not None and capacity.ready <= capacity.requested:
        return []
    return [line.line_id for line in capacity.full]


def partner_message(criterion: str, passed: bool, message: str) -> str:
    """The message a partner key reads: the same, except that margin figures stay inside the plant."""
    return PARTNER_MARGIN[passed] if criterion == "MARGIN" else message
