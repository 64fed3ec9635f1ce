"""Bench: why rush orders fail under the service policy, one row per failure beside what edd did with it.

Runs `service` and `edd` over the same world and prints a table: for every rush order requested within the run that
the service did not promise at once for its date or did not ship by it, the review's answer (or what the order had
on its promised day), the hours it needs, the hours its lines have before its date, and edd's outcome. An order is
physically impossible when even all its lines with overtime, from the day it arrives, cannot make what stock lacks.

Probe of the cross-week shift (issue 14), read at the order's first review: `need` the hours to make what stock
lacks; `floor` the hours the service's idle view offered on its lines (idle, postponed and shifted tasks, overtime;
`-` when it built none); `movable` (a) the hours the day tasks from the lead day to the date hold for non-rush orders
of the tiers its rush tier's displacement.may_move allows, promised after the Monday after its date + 2 days, less
what the idle view shifts already; `next_free` (b) the free regular hours of those lines' week after its date in the
ledger. `xweek`: need <= floor + the sum over its lines of min(a, b).

    python bench/rush_failures.py [--size medium] [--weeks 13] [--seed 1] [--overtime 0.10] [--rules DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import and_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.calendar import week_start
from domain.capacity.ledger import ledger_rows
from domain.capacity.line_hours import line_weeks
from domain.config import REPO_ROOT
from domain.demo import generate_plant, size_named
from domain.models import CurrentPlan, Order, PlanItem
from domain.orders import review as review_module
from domain.orders import running_rush as running_rush_module
from domain.orders.idle_rush import IdleRush
from domain.simulation import json_line, mechanisms, service, simulate
from domain.simulation.outcomes import OrderFate
from domain.simulation.plant import PlantModel, plant_model
from domain.simulation.run import START
from domain.simulation.world import WorldOrder

REASONS: dict[str, str] = {}
NEXT_WEEK_SLACK_DAYS = 2  # the design's next_week_slack_days: moved orders are promised after next Monday + this


@dataclass(frozen=True)
class Probe:
    """A rush order's lines at its first review: hours to make, what the idle view offered, what could cross weeks."""

    need: float
    floor: float | None  # None: the service built no idle view for it
    movable: dict[int, float]  # line id -> (a)
    next_free: dict[int, float]  # line id -> (b)

    @property
    def crossing(self) -> float:
        return sum(min(hours, max(self.next_free.get(line_id, 0.0), 0.0)) for line_id, hours in self.movable.items())

    @property
    def fits(self) -> bool:
        return self.need <= (self.floor or 0.0) + self.crossing + 1e-6


PROBES: dict[str, Probe] = {}
# The order the service is taking now and its hours a unit (one at a time: the run is sequential).
_taking: list[tuple[WorldOrder, float]] = []
_idle: dict[str, IdleRush | None] = {}  # order code -> the idle view its first review built


def _record_reviews() -> None:
    """Keep each order's review answer by its code (the run itself only counts them)."""
    counted = mechanisms.why_not_at_once

    def why(review: Any, o: WorldOrder, today: date, frozen_days: int) -> str:
        REASONS[o.code] = counted(review, o, today, frozen_days)
        return REASONS[o.code]

    service.why_not_at_once = why  # type: ignore[assignment]
    _probe_reviews()


def _probe_reviews() -> None:
    """Hook the service's order taking, review and idle view, to read the cross-week facts at the first review."""
    take, review, idle_view = service._take_order, review_module.assess, running_rush_module.idle_rush_view

    async def taking(session: AsyncSession, run: Any, o: WorldOrder, today: date) -> None:
        _taking.append((o, run.plant.product(o.sku).hours_per_unit))
        try:
            await take(session, run, o, today)
        finally:
            _taking.pop()

    async def idle(*args: Any, **kwargs: Any) -> IdleRush | None:
        found = await idle_view(*args, **kwargs)
        if _taking and _taking[-1][0].rush:
            _idle.setdefault(_taking[-1][0].code, found)
        return found

    async def assessed(session: AsyncSession, book: Any, request: Any, today: date, **kwargs: Any) -> Any:
        a = await review(session, book, request, today, **kwargs)
        if _taking and _taking[-1][0].rush and _taking[-1][0].code not in PROBES:
            PROBES[_taking[-1][0].code] = await _probe(session, book, request, a, today)
        return a

    service._take_order = taking  # type: ignore[assignment]
    review_module.assess = assessed  # type: ignore[assignment]
    running_rush_module.idle_rush_view = idle  # type: ignore[assignment]


async def _probe(session: AsyncSession, book: Any, request: Any, a: Any, today: date) -> Probe:
    o, hours_per_unit = _taking[-1]
    policy = book.capacity_policy()
    line_ids = sorted(set(request.context.line_ids))
    built = _idle.get(o.code)
    need = sum(a.stock.to_make) * hours_per_unit  # the world's orders have one line
    floor: float | None = None
    if built is not None:
        p = built.postponable
        floor = sum(p.idle.values()) + sum(c.hours for c in p.cuts) + sum(p.overtime.values())
    first = built.start if built is not None else today + timedelta(days=policy.rush_lead_days)
    next_week = week_start(o.requested) + timedelta(days=7)
    tiers = sorted(policy.displacement[a.rush.tier].may_move) \
        if a.rush.may_displace and a.rush.tier in policy.displacement else []
    shifted: dict[int, float] = {}
    for cut in built.postponable.cuts if built is not None else []:
        shifted[cut.task_id] = shifted.get(cut.task_id, 0.0) + cut.hours
    movable = {line_id: 0.0 for line_id in line_ids}
    plan_id = await session.scalar(select(CurrentPlan.plan_id))
    if tiers and plan_id is not None:
        rows = await session.execute(
            select(PlanItem.id, PlanItem.line_id, PlanItem.hours, PlanItem.quantity, PlanItem.quantity_made)
            .join(Order, Order.id == PlanItem.order_id)
            .where(PlanItem.plan_id == plan_id, PlanItem.line_id.in_(line_ids), PlanItem.day >= first,
                   PlanItem.day <= o.requested, PlanItem.hours > 0, PlanItem.quantity > PlanItem.quantity_made,
                   and_(Order.rush.is_(False), Order.priority_tier.in_(tiers),
                        Order.promised_date > next_week + timedelta(days=NEXT_WEEK_SLACK_DAYS))))
        for task_id, line_id, hours, quantity, made in rows:
            left = float(hours) * (1 - float(made) / float(quantity)) - shifted.get(task_id, 0.0)
            movable[line_id] += max(left, 0.0)
    stored = await ledger_rows(session, line_ids, [next_week])
    calendars = await line_weeks(session, line_ids, [next_week])
    next_free: dict[int, float] = {}
    for line_id in line_ids:
        capacity = calendars[line_id].week_hours(next_week)
        row = stored.get((line_id, next_week), (capacity, capacity * policy.reserve_share, 0.0, 0.0, 0.0, 0.0))
        capacity, reserved, lost, planned, promised, _ = row
        next_free[line_id] = capacity - reserved - lost - planned - promised
    return Probe(need, floor, movable, next_free)


def line_hours(plant: PlantModel, o: WorldOrder, first: date, overtime: float) -> tuple[float, float]:
    """Units the order's lines can make from `first` to its date (with overtime), and the hours on the best line."""
    units = 0.0
    for code, per_hour in plant.product(o.sku).routes:
        line = next(line for line in plant.lines if line.code == code)
        days = [first + timedelta(days=d) for d in range((o.requested - first).days + 1)]
        units += sum(line.hours_on(d) for d in days) * (1 + overtime) * per_hour
    return units, o.quantity * plant.product(o.sku).hours_per_unit


def _probe_columns(probe: Probe | None) -> str:
    if probe is None:
        return f"{'-':>6} {'-':>6} {'-':>7} {'-':>9} {'-':5}"
    floor = "-" if probe.floor is None else f"{probe.floor:.1f}"
    return (f"{probe.need:>6.1f} {floor:>6} {sum(probe.movable.values()):>7.1f} "
            f"{sum(probe.next_free.values()):>9.1f} {'yes' if probe.fits else 'no':5}")


def _outcome(fate: OrderFate | None) -> str:
    if fate is None:
        return "-"
    if not fate.at_once:
        return "no promise at once"
    if fate.shipped is None or fate.shipped > fate.order.requested:
        return f"late ({(fate.shipped - fate.order.requested).days if fate.shipped else 'never'})"
    return "ok"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="medium")
    parser.add_argument("--weeks", type=int, default=13)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--overtime", type=float, default=0.10)
    parser.add_argument("--rules", type=Path, default=REPO_ROOT / "rules", help="the rule folder the service uses")
    args = parser.parse_args()
    _record_reviews()
    with tempfile.TemporaryDirectory(prefix="sop-rush-failures-") as workdir:
        result = simulate(args.size, args.seed, args.weeks, ["service", "edd"], Path(workdir), args.rules)
    plant = plant_model(generate_plant(size_named(args.size), args.seed, START - timedelta(days=2)))
    last = result.world.start + timedelta(days=7 * args.weeks - 1)
    svc, edd = (next(r for r in result.runs if r.name == n).tally.fates for n in ("service", "edd"))
    rush = [f for f in svc.values() if f.order.rush and f.order.requested <= last]
    causes: Counter[str] = Counter()
    impossible: Counter[str] = Counter()
    crossweek: Counter[str] = Counter()  # failures the cross-week shift would fit, by the service's outcome
    print(f"{'order':12} {'day':10} {'lead':>4} {'tier':9} {'qty':>6} {'hours':>6} {'stock':>6} {'units_d0':>8} "
          f"{'units_d1':>8} {'service':22} {'edd':18} {'need':>6} {'floor':>6} {'movable':>7} {'next_free':>9} "
          f"{'xweek':5} why")
    for fate in rush:
        o = fate.order
        if fate.at_once and fate.shipped is not None and fate.shipped <= o.requested:
            continue
        from_day0, hours = line_hours(plant, o, o.day, args.overtime)
        from_day1, _ = line_hours(plant, o, o.day + timedelta(days=1), args.overtime)
        lacking = o.quantity - fate.from_stock
        kind = "impossible from arrival" if lacking > from_day0 else \
            "impossible from the day after" if lacking > from_day1 else "possible"
        impossible[kind] += 1
        service_outcome = _outcome(fate)
        why = REASONS.get(o.code, "") if not fate.at_once else f"promised {fate.promised}, shipped {fate.shipped}"
        causes[f"{service_outcome.split(' (')[0]}: {kind}; edd {_outcome(edd.get(o.code)).split(' (')[0]}"] += 1
        print(f"{o.code:12} {o.day.isoformat():10} {(o.requested - o.day).days:>4} {o.tier:9} {o.quantity:>6.0f} "
              f"{hours:>6.1f} {fate.from_stock:>6.0f} {from_day0:>8.0f} {from_day1:>8.0f} {service_outcome:22} "
              f"{_outcome(edd.get(o.code)):18} {_probe_columns(PROBES.get(o.code))} {why}")
        probe = PROBES.get(o.code)
        if probe is not None and probe.fits:
            crossweek[service_outcome.split(' (')[0]] += 1
    ok = sum(1 for f in rush if f.at_once and f.shipped is not None and f.shipped <= f.order.requested)
    edd_ok = sum(1 for f in rush if _outcome(edd.get(f.order.code)) == "ok")
    print(json.dumps({"rush_failures": {"size": args.size, "weeks": args.weeks, "seed": args.seed,
                                        "rush": len(rush), "service_ok": ok, "edd_ok": edd_ok,
                                        "by_cause": dict(causes.most_common()),
                                        "feasibility": dict(impossible),
                                        "crossweek_would_fit": dict(crossweek),
                                        "figures": json.loads(json_line(result))["simulate"]["policies"]}}))


if __name__ == "__main__":
    main()
