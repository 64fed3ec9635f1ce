"""What happened to each order and each line-day under one policy, and the outcome figures drawn from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from domain.models import RushCause
from domain.simulation.world import World, WorldOrder


@dataclass
class OrderFate:
    order: WorldOrder
    unit_price: float
    unit_cost: float
    promised: date | None = None  # None: rejected (or a proposal the customer declined)
    proposed: bool = False  # the plant answered with another date first
    at_once: bool = False  # promised for the requested date on arrival
    from_stock: float = 0.0
    shipped: date | None = None


@dataclass(frozen=True)
class RushCharge:
    """One rush order as the service's cost allocation (R15) saw it: the cause it recorded, what the adjustment
    cost and the part the rule book puts on sales."""

    code: str
    week: int  # of the order's arrival
    cause: str
    cost: float
    sales_cost: float

    @property
    def forecast_error_cost(self) -> float:
        """The sales part when the service found demand above forecast (a customer change's share is not one)."""
        return self.sales_cost if self.cause == RushCause.DEMAND_ABOVE_FORECAST else 0.0


@dataclass
class Tally:
    """Filled by a policy as the days pass; read by `figures` at the end."""

    world: World
    lines: list[str]
    fates: dict[str, OrderFate] = field(default_factory=dict)
    stock_value: list[float] = field(default_factory=list)  # at each day's end
    made_hours: dict[tuple[str, int], float] = field(default_factory=dict)  # (line, week) -> hours worked
    open_hours: dict[tuple[str, int], float] = field(default_factory=dict)  # (line, week) -> regular hours
    overtime_hours: dict[int, float] = field(default_factory=dict)  # week -> hours the plan asked for
    floor_overtime: dict[int, float] = field(default_factory=dict)  # week -> task hours worked beyond the days' hours
    scrap_cost: float = 0.0
    overtime_rate: float = 60.0
    # The service's rush insertions, read from its database after the run; the baselines record none.
    rush_charges: list[RushCharge] = field(default_factory=list)

    def week_of(self, day: date) -> int:
        return (day - self.world.start).days // 7

    def overtime_of(self, week: int) -> float:
        """The week's overtime: what the plan asked for, or what the floor worked beyond the days' hours if more."""
        return max(self.overtime_hours.get(week, 0.0), self.floor_overtime.get(week, 0.0))


def _rate(numerator: float, denominator: float) -> dict[str, float]:
    return {"value": round(numerator / denominator, 4) if denominator else 0.0,
            "numerator": round(numerator, 2), "denominator": round(denominator, 2)}


def _due(fates: list[OrderFate], last: date, by: str) -> list[OrderFate]:
    """Orders whose date (requested or promised) fell within the run: later ones cannot be judged yet."""
    return [f for f in fates if getattr(f, by) is not None and getattr(f, by) <= last] if by == "promised" else \
        [f for f in fates if f.order.requested <= last]


def _on_time(fates: list[OrderFate], by: str) -> float:
    return sum(1 for f in fates if f.shipped is not None and f.shipped <= (getattr(f, by) if by == "promised"
                                                                            else f.order.requested))


def _kept(fate: OrderFate) -> bool:
    return fate.shipped is not None and fate.promised is not None and fate.shipped <= fate.promised


def order_figures(fates: list[OrderFate], start: date, last: date) -> dict[str, dict[str, float]]:
    promised = _due(fates, last, "promised")
    requested = _due(fates, last, "requested")
    rush = [f for f in requested if f.order.rush]
    # Regular orders count for 'regular on time' when they were in the shop while rush orders went in:
    # promised for a week in which a rush order was inserted.
    rush_weeks = {(f.promised - start).days // 7 for f in rush if f.at_once and f.promised}
    regular = [f for f in promised if not f.order.rush and f.promised and (f.promised - start).days // 7 in rush_weeks]
    shipped = [f for f in fates if f.shipped is not None]
    return {
        "promises_kept": _rate(_on_time(promised, "promised"), len(promised)),
        "on_time": _rate(_on_time(requested, "requested"), len(requested)),
        "rush_success": _rate(sum(1 for f in rush if f.at_once and _kept(f)), len(rush)),
        "rush_on_time": _rate(_on_time(rush, "requested"), len(rush)),
        "regular_on_time": _rate(_on_time(regular, "promised"), len(regular)),
        "fill_rate": _rate(sum(f.from_stock for f in fates), sum(f.order.quantity for f in fates)),
        "rejected": _rate(sum(1 for f in fates if f.promised is None), len(fates)),
        "proposed": _rate(sum(1 for f in fates if f.proposed), len(fates)),
        "revenue": _rate(sum(f.order.quantity * f.unit_price for f in shipped), 1),
        "cost_of_goods": _rate(sum(f.order.quantity * f.unit_cost for f in shipped), 1),
    }


def figures(tally: Tally) -> dict[str, dict[str, float]]:
    """Every outcome with its numerator and denominator (money and hours have denominator 1)."""
    world = tally.world
    last = world.start + timedelta(days=7 * world.weeks - 1)
    out = order_figures(list(tally.fates.values()), world.start, last)
    average_stock = sum(tally.stock_value) / max(len(tally.stock_value), 1)
    cogs = out.pop("cost_of_goods")["numerator"]
    out["inventory_turns"] = _rate(cogs * 52 / world.weeks, average_stock)
    out["average_stock_value"] = _rate(average_stock, 1)
    overtime = sum(tally.overtime_of(week) for week in set(tally.overtime_hours) | set(tally.floor_overtime))
    out["overtime_hours"] = _rate(overtime, 1)
    out["utilisation"] = _rate(sum(tally.made_hours.values()), sum(tally.open_hours.values()))
    margin = out["revenue"]["numerator"] - cogs - tally.scrap_cost - overtime * tally.overtime_rate
    out["gross_margin"] = _rate(margin, 1)
    # Money over money: the value is the share of the rush adjustment cost sales bear for forecast errors.
    total = sum(c.cost for c in tally.rush_charges)
    out["forecast_error_cost_allocated"] = _rate(sum(c.forecast_error_cost for c in tally.rush_charges), total)
    out["rush_adjustment_cost"] = _rate(total, 1)
    return out


def weekly(tally: Tally) -> dict[str, list[float]]:
    """Weekly series of every order outcome (the orders requested that week, each judged as in `figures`),
    overtime, stock value at the week's end and utilisation."""
    world = tally.world
    last = world.start + timedelta(days=7 * world.weeks - 1)
    series: dict[str, list[float]] = {}
    fates = list(tally.fates.values())
    for week in range(world.weeks):
        first = world.start + timedelta(days=7 * week)
        those = [f for f in fates if first <= f.order.requested < first + timedelta(days=7)]
        for key, entry in order_figures(those, world.start, last).items():
            series.setdefault(key, []).append(entry["value"] if entry["denominator"] != 1 else entry["numerator"])
        overtime = tally.overtime_of(week)
        series.setdefault("overtime_hours", []).append(round(overtime, 2))
        # Scrap is not told apart by week: the weekly margin is shipped margin less overtime only.
        series.setdefault("gross_margin", []).append(
            round(series["revenue"][-1] - series["cost_of_goods"][-1] - overtime * tally.overtime_rate, 2))
        series.setdefault("stock_value", []).append(
            round(tally.stock_value[min(7 * week + 6, len(tally.stock_value) - 1)], 2) if tally.stock_value else 0.0)
        made = sum(h for (_, w), h in tally.made_hours.items() if w == week)
        open_ = sum(h for (_, w), h in tally.open_hours.items() if w == week)
        series.setdefault("utilisation", []).append(round(made / open_, 4) if open_ else 0.0)
        # Money by the week the rush orders arrived (the weekly series carry amounts, not the share).
        charges = [c for c in tally.rush_charges if c.week == week]
        series.setdefault("forecast_error_cost_allocated", []).append(
            round(sum(c.forecast_error_cost for c in charges), 2))
        series.setdefault("rush_adjustment_cost", []).append(round(sum(c.cost for c in charges), 2))
    return series


def rush_causes(tally: Tally) -> dict[str, dict[str, int]]:
    """The world's rush cause ('not rush' for a regular order) -> the cause the service recorded ('not recorded')
    -> orders: whether sales are charged for the right orders."""
    recorded = {c.code: c.cause for c in tally.rush_charges}
    table: dict[str, dict[str, int]] = {}
    for o in tally.world.orders:
        world, service = o.rush_cause or "not rush", recorded.get(o.code, "not recorded")
        if o.rush or o.code in recorded:
            row = table.setdefault(world, {})
            row[service] = row.get(service, 0) + 1
    return {world: dict(sorted(row.items())) for world, row in sorted(table.items())}


def heat(tally: Tally) -> list[list[float]]:
    """Utilisation per line (rows) and week (columns)."""
    return [[round(tally.made_hours.get((line, w), 0.0) / h, 3) if (h := tally.open_hours.get((line, w), 0.0)) else 0.0
             for w in range(tally.world.weeks)] for line in tally.lines]
