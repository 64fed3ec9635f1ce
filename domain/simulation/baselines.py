"""The two plain policies the service is measured against, as simulated schedulers fed by the same world.

naive: every order accepted for its requested date, made to order first come first served, released to the floor
by a monthly plan, no reserve. edd: every order accepted for its requested date, released at once and scheduled
daily by earliest due date (priority tier breaks ties) on finite capacity: a plain APS without reserve or frozen
window. Neither holds stock for forecasts; both ship from the stock there is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from domain.simulation.outcomes import OrderFate, Tally
from domain.simulation.plant import PlantModel
from domain.simulation.world import World

TIER_RANK = {"STRATEGIC": 0, "KEY": 1, "REGULAR": 2}


@dataclass
class Job:
    arrival: tuple[date, int]
    sku: str
    remaining: float
    due: date
    tier: str
    released: date
    fate: OrderFate | None  # None: the starting backlog, made but not counted


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _order(policy: str, jobs: list[Job], day: date) -> list[Job]:
    ready = [j for j in jobs if j.released <= day and j.remaining > 1e-9]
    if policy == "naive":
        return sorted(ready, key=lambda j: j.arrival)
    return sorted(ready, key=lambda j: (j.due, TIER_RANK[j.tier], j.arrival))


def run_baseline(policy: str, plant: PlantModel, world: World) -> Tally:
    tally = Tally(world, [line.code for line in plant.lines])
    line_index = {line.code: i for i, line in enumerate(plant.lines)}
    stock = {p.sku: p.on_hand for p in plant.products}
    jobs = [Job((world.start, -b.received), b.sku, b.quantity, b.due, b.tier, world.start, None) for b in plant.backlog]
    arrivals: dict[date, list[int]] = {}
    for i, o in enumerate(world.orders):
        arrivals.setdefault(o.day, []).append(i)
    lost = {(f.day, f.line): f.hours for f in world.failures}
    for day in world.days:
        week = tally.week_of(day)
        for i in arrivals.get(day, []):
            o = world.orders[i]
            product = plant.product(o.sku)
            fate = OrderFate(o, product.price, product.unit_cost, promised=o.requested, at_once=True)
            tally.fates[o.code] = fate
            fate.from_stock = min(stock[o.sku], o.quantity)
            stock[o.sku] -= fate.from_stock
            if o.quantity - fate.from_stock <= 1e-9:
                fate.shipped = day
                continue
            released = day if policy == "edd" else _next_month(day)
            jobs.append(Job((day, i), o.sku, o.quantity - fate.from_stock, o.requested, o.tier, released, fate))
        hours = {line.code: max(line.hours_on(day) - lost.get((day, line.code), 0.0), 0.0) for line in plant.lines}
        for line in plant.lines:
            key = (line.code, week)
            tally.open_hours[key] = tally.open_hours.get(key, 0.0) + line.hours_on(day)
        for job in _order(policy, jobs, day):
            product = plant.product(job.sku)
            for code, per_hour in product.routes:
                if job.remaining <= 1e-9 or hours[code] <= 1e-9:
                    continue
                good_per_hour = per_hour * world.yield_on(day, line_index[code])
                used = min(hours[code], job.remaining / good_per_hour)
                hours[code] -= used
                job.remaining -= used * good_per_hour
                tally.made_hours[(code, week)] = tally.made_hours.get((code, week), 0.0) + used
                tally.scrap_cost += used * (per_hour - good_per_hour) * product.unit_cost
            if job.remaining <= 1e-6 and job.fate is not None and job.fate.shipped is None:
                job.fate.shipped = day
        jobs = [j for j in jobs if j.remaining > 1e-6]
        tally.stock_value.append(sum(stock[p.sku] * p.unit_cost for p in plant.products))
    return tally
