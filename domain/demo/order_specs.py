"""What each demo order is (customer, lines, rush, review decision) and how its life unfolds, before any row exists."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from domain.demo.catalogue import Catalogue
from domain.demo.sizes import DemoSize
from domain.demo.timeline import ALL_STATUSES, Timeline

RUSH_CAUSES = ("DEMAND_ABOVE_FORECAST", "CUSTOMER_CHANGE", "INTERNAL")
LINE_COUNT_SHARES = (0.45, 0.30, 0.15, 0.10)
TIER_DISCOUNT = {"STRATEGIC": 0.08, "KEY": 0.05, "REGULAR": 0.02}
# Share of orders finished after their promise, so on-time KPIs are not all 100%.
LATE_SHARE = {"STRATEGIC": 0.07, "KEY": 0.10, "REGULAR": 0.13}


@dataclass
class OrderSpec:
    customer: int  # index into the catalogue's customers
    received_at: datetime
    lead_days: int
    rush: bool
    rush_cause: str | None
    lines: list[tuple[int, float, float, float]]  # product index, quantity, unit price, unit cost
    decision: str
    delay_days: int  # PROPOSE_DATE: days past the request; SPLIT: days until the second delivery
    cancel: bool
    late: bool
    draws: list[float]  # uniforms for the timeline, so forcing a status redraws nothing
    timeline: Timeline
    amount: float = 0.0
    cost: float = 0.0

    def __post_init__(self) -> None:
        self.amount = sum(q * p for _, q, p, _ in self.lines)
        self.cost = sum(q * c for _, q, _, c in self.lines)

    @property
    def margin_pct(self) -> float:
        return 100 * (1 - self.cost / self.amount)

    @property
    def promised_days(self) -> int:
        return self.lead_days + (self.delay_days if self.decision in ("PROPOSE_DATE", "SPLIT") else 0)


def build_timeline(spec: OrderSpec) -> Timeline:
    u, rush = spec.draws, spec.rush
    tl = Timeline()
    tl.add(0.0, "RECEIVED")
    review = 0.2 + 3.8 * u[0] if rush else 0.5 + 29.5 * u[0]
    if spec.decision == "REJECT":
        tl.add(review, "REJECTED")
        return tl
    accept = review
    if spec.decision == "PROPOSE_DATE":
        tl.add(review, "PROPOSED")
        accept = review + 4 + 68 * u[1]
        if spec.cancel:  # the customer declined the later date
            tl.add(accept, "CANCELLED")
            return tl
    tl.add(accept, "ACCEPTED")
    schedule = accept + (0.5 + 5.5 * u[2] if rush else 2 + 94 * u[2])
    promised = spec.promised_days * 24.0
    if spec.late:
        completed = promised + (24 + 48 * u[3] if rush else 24 + 216 * u[3])
    else:
        completed = promised - (1 + 9 * u[3] if rush else 4 + 44 * u[3])
    start = max(schedule + 0.5, completed - (4 + 20 * u[4] if rush else 16 + 140 * u[4]))
    completed = max(completed, start + 1)
    if spec.cancel:
        cancel_at = accept + (start - accept) * u[5]
        if cancel_at > schedule:
            tl.add(schedule, "SCHEDULED")
        tl.add(cancel_at, "CANCELLED")
        return tl
    tl.add(schedule, "SCHEDULED")
    tl.add(start, "IN_PRODUCTION")
    tl.add(completed, "IN_STOCK")
    shipped = completed + 4 + 116 * u[6]
    tl.add(shipped, "SHIPPED")
    # One to three days on the road, from the shipping draw's later digits: no new draw, so no order changes.
    tl.add(shipped + 24 + 48 * (u[6] * 1000 % 1), "DELIVERED")
    return tl


def _ages_in_days(size: DemoSize, rng: np.random.Generator) -> np.ndarray:
    """Receipt ages over the history, ~20% denser now than a year ago (the business grows)."""
    n = size.orders
    uniform = rng.uniform(0, size.history_days, n)
    recent = size.history_days * (1 - np.sqrt(rng.random(n)))
    return np.where(rng.random(n) < 0.9, uniform, recent)


def _product_choice(size: DemoSize, cat: Catalogue, now: datetime) -> np.ndarray:
    """Cumulative product probabilities per week back in time: demand times the family's season."""
    weeks = size.history_days // 7 + 1
    rows = []
    for week in range(weeks):
        day = (now - timedelta(weeks=week)).date()
        season = np.array([cat.seasonality(f, day) for f in range(len(cat.family_names))])
        weights = cat.product_weekly_demand * season[cat.product_family]
        rows.append(np.cumsum(weights) / weights.sum())
    return np.array(rows)


def _decision(margin_pct: float, u: float, v: float) -> str:
    if margin_pct < 10 and v < 0.5:
        return "REJECT"
    return "ACCEPT" if u < 0.78 else "PROPOSE_DATE" if u < 0.88 else "SPLIT" if u < 0.94 else "REJECT"


def _force(spec: OrderSpec, status: str, now: datetime) -> None:
    """Give the spec a decision and an age at which it stands in `status`."""
    spec.decision = {"PROPOSED": "PROPOSE_DATE", "REJECTED": "REJECT"}.get(status, "ACCEPT")
    spec.cancel = status == "CANCELLED"
    spec.timeline = build_timeline(spec)
    spec.received_at = now - timedelta(hours=spec.timeline.age_inside(status))


def plan_orders(size: DemoSize, cat: Catalogue, now: datetime, rng: np.random.Generator) -> list[OrderSpec]:
    """Every order of the history, oldest first; the first ten drawn are forced to cover every status
    but CLOSED."""
    n = size.orders
    customers = rng.choice(len(cat.customer_tier), size=n, p=cat.customer_weight)
    ages = _ages_in_days(size, rng)
    rush = rng.random(n) < 0.08
    lead = np.where(rush, rng.integers(1, 4, n), rng.integers(7, 43, n))
    line_counts = rng.choice(len(LINE_COUNT_SHARES), size=n, p=LINE_COUNT_SHARES) + 1
    choice = _product_choice(size, cat, now)
    picks = rng.random((n, 4))
    # Plain Python values from here on: numpy scalars are several times slower in per-order arithmetic.
    sizes, discounts = rng.lognormal(-1.0, 0.6, (n, 4)).tolist(), rng.random((n, 4)).tolist()
    u = rng.random((n, 12)).tolist()
    demand, price, cost = cat.product_weekly_demand.tolist(), cat.product_price.tolist(), cat.product_cost.tolist()
    sensitivity, received = cat.customer_sensitivity.tolist(), [now - timedelta(days=a) for a in ages.tolist()]
    # Products of every order at once, one search per week of age rather than one per order.
    week = (ages // 7).astype(int)
    picked = np.empty((n, 4), dtype=int)
    for w in np.unique(week):
        picked[week == w] = np.searchsorted(choice[w], picks[week == w])
    picked_products, counts = picked.tolist(), line_counts.tolist()
    customer_of, leads, rushes = customers.tolist(), lead.tolist(), rush.tolist()
    specs = []
    for i in range(n):
        customer = customer_of[i]
        products = sorted(set(picked_products[i][: counts[i]]))
        tier = cat.customer_tier[customer]
        lines = []
        for k, p in enumerate(products):
            scale = 1.5 if tier == "STRATEGIC" else 1.0
            quantity = float(max(1, round(demand[p] * sizes[i][k] * scale)))
            discount = TIER_DISCOUNT[tier] + 0.06 * sensitivity[customer] * discounts[i][k]
            lines.append((p, quantity, round(price[p] * (1 - discount), 2), cost[p]))
        draws = u[i]
        spec = OrderSpec(customer, received[i], leads[i], rushes[i],
                         RUSH_CAUSES[int(draws[7] * 3)] if rushes[i] else None, lines, "ACCEPT",
                         int(3 + 11 * draws[8]), False, False, draws, Timeline())
        spec.decision = _decision(spec.margin_pct, draws[9], draws[10])
        spec.cancel = draws[11] < (0.15 if spec.decision == "PROPOSE_DATE" else 0.03)
        spec.late = draws[11] > 1 - LATE_SHARE[tier] * (1.5 if spec.rush else 1.0)
        if i < len(ALL_STATUSES):
            _force(spec, ALL_STATUSES[i], now)
        else:
            spec.timeline = build_timeline(spec)
        specs.append(spec)
    specs.sort(key=lambda s: s.received_at)
    return specs
