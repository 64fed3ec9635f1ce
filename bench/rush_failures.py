"""Bench: why rush orders fail under the service policy, one row per failure beside what edd did with it.

Runs `service` and `edd` over the same world and prints a table: for every rush order requested within the run that
the service did not promise at once for its date or did not ship by it, the review's answer (or what the order had
on its promised day), the hours it needs, the hours its lines have before its date, and edd's outcome. An order is
physically impossible when even all its lines with overtime, from the day it arrives, cannot make what stock lacks.

    python bench/rush_failures.py [--size medium] [--weeks 13] [--seed 1] [--overtime 0.10] [--rules DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from domain.config import REPO_ROOT
from domain.demo import generate_plant, size_named
from domain.simulation import json_line, mechanisms, service, simulate
from domain.simulation.outcomes import OrderFate
from domain.simulation.plant import PlantModel, plant_model
from domain.simulation.run import START
from domain.simulation.world import WorldOrder

REASONS: dict[str, str] = {}


def _record_reviews() -> None:
    """Keep each order's review answer by its code (the run itself only counts them)."""
    counted = mechanisms.why_not_at_once

    def why(review: Any, o: WorldOrder, today: date, frozen_days: int) -> str:
        REASONS[o.code] = counted(review, o, today, frozen_days)
        return REASONS[o.code]

    service.why_not_at_once = why  # type: ignore[assignment]


def line_hours(plant: PlantModel, o: WorldOrder, first: date, overtime: float) -> tuple[float, float]:
    """Units the order's lines can make from `first` to its date (with overtime), and the hours on the best line."""
    units = 0.0
    for code, per_hour in plant.product(o.sku).routes:
        line = next(line for line in plant.lines if line.code == code)
        days = [first + timedelta(days=d) for d in range((o.requested - first).days + 1)]
        units += sum(line.hours_on(d) for d in days) * (1 + overtime) * per_hour
    return units, o.quantity * plant.product(o.sku).hours_per_unit


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
    print(f"{'order':12} {'day':10} {'lead':>4} {'tier':9} {'qty':>6} {'hours':>6} {'stock':>6} {'units_d0':>8} "
          f"{'units_d1':>8} {'service':22} {'edd':18} why")
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
              f"{_outcome(edd.get(o.code)):18} {why}")
    ok = sum(1 for f in rush if f.at_once and f.shipped is not None and f.shipped <= f.order.requested)
    edd_ok = sum(1 for f in rush if _outcome(edd.get(f.order.code)) == "ok")
    print(json.dumps({"rush_failures": {"size": args.size, "weeks": args.weeks, "seed": args.seed,
                                        "rush": len(rush), "service_ok": ok, "edd_ok": edd_ok,
                                        "by_cause": dict(causes.most_common()),
                                        "feasibility": dict(impossible),
                                        "figures": json.loads(json_line(result))["simulate"]["policies"]}}))


if __name__ == "__main__":
    main()
