"""The review of a demo order as the rules engine would have recorded it, its priority, and rush insertions."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from json.encoder import encode_basestring_ascii as quoted  # a JSON string exactly as json.dumps writes it
from typing import Any

import numpy as np

from domain.config import DEFAULT_RULES_DIR
from domain.demo.catalogue import Catalogue
from domain.demo.columns import ColumnTable
from domain.demo.order_specs import OrderSpec
from domain.demo.plant import DemoPlant
from domain.models import Base
from rules.book import content_hash, read_folder

MARGIN_TARGET_PCT = 12.0
# Rule ids of the shipped rule files (rules/*.yaml) that give each outcome; tests/unit/demo/test_reviews.py checks
# every id the demo cites is there.
DECISION_RULES = {
    "ACCEPT": ("ACCEPT", "every criterion passed"),
    "PROPOSE_DATE": ("PROPOSE-LATER", "the lines cannot make it by the requested date"),
    "SPLIT": ("SPLIT-PARTIAL", "part can ship by the requested date, the rest later"),
}
RUSH_RULES = {"STRATEGIC": "STRATEGIC-SHORT-DUE", "URGENT": "URGENT-DUE", "LARGE": "LARGE-AMOUNT"}
REVIEW_COLUMNS = ("order_id", "decision", "criteria", "fired_rules", "facts", "rules_version", "proposed_date",
                  "proposed_deliveries", "created_at")
REVIEW_JSON = frozenset({"criteria", "fired_rules", "facts", "proposed_deliveries"})
JSON_FLAG = {True: "true", False: "false"}


@cache
def shipped_rules_version() -> str:
    """The version a review made with the shipped rule files would carry (the files' hash; nothing compiled)."""
    return content_hash(read_folder(DEFAULT_RULES_DIR))


def _priority_rule(spec: OrderSpec, cat: Catalogue) -> str:
    """The priority rule (rules/priority.yaml) that wins for the order: strategic, then rush, then key."""
    tier = cat.customer_tier[spec.customer]
    return "P1-STRATEGIC" if tier == "STRATEGIC" else "P2-RUSH" if spec.rush else "P3-KEY" if tier == "KEY" \
        else "P4-OTHERS"


def rush_tier(spec: OrderSpec, cat: Catalogue) -> str:
    if cat.customer_tier[spec.customer] == "STRATEGIC":
        return "STRATEGIC"
    return "LARGE" if spec.amount > 50_000 else "URGENT"


def priority_tier(spec: OrderSpec, cat: Catalogue) -> str:
    tier = cat.customer_tier[spec.customer]
    return "P1" if tier == "STRATEGIC" or spec.rush else "P2" if tier == "KEY" else "P3"


def priority(spec: OrderSpec, cat: Catalogue) -> tuple[str, float]:
    """Strategic customers and rush orders first, then key accounts; margin breaks ties."""
    name = priority_tier(spec, cat)
    score = {"P1": 80.0, "P2": 50.0, "P3": 20.0}[name] + min(20.0, max(0.0, spec.margin_pct / 2))
    return name, round(score + (10.0 if spec.rush else 0.0), 1)


def _string(value: str | None) -> str:
    """A JSON string exactly as json.dumps writes it, or null."""
    return "null" if value is None else quoted(value)


def _criteria(spec: OrderSpec, new_process: bool, requested: date, rejected_on_margin: bool) -> str:
    margin, d = spec.margin_pct, spec.decision
    capacity_ok = d == "ACCEPT" or rejected_on_margin
    material_ok = d != "REJECT" or rejected_on_margin
    later = requested + timedelta(days=spec.delay_days)
    capacity = (f"the lines can finish by {requested}" if capacity_ok
                else f"the lines are full: earliest completion {later}")
    material = ("key components in stock or arriving in time" if material_ok
                else f"key components short until {later}")
    technology = "new process: a validation batch runs first" if new_process else "proven process"
    # One f-string for the four checks: 100k reviews on `large`, messages of our own words (plain ASCII).
    return (f'[{{"criterion": "CAPACITY", "passed": {JSON_FLAG[capacity_ok]}, "message": "{capacity}"}}, '
            f'{{"criterion": "MATERIAL", "passed": {JSON_FLAG[material_ok]}, "message": "{material}"}}, '
            f'{{"criterion": "TECHNOLOGY", "passed": {JSON_FLAG[not new_process or material_ok]}, '
            f'"message": "{technology}"}}, '
            f'{{"criterion": "MARGIN", "passed": {JSON_FLAG[margin >= MARGIN_TARGET_PCT]}, '
            f'"message": "gross margin {margin:.1f}% against a target of {MARGIN_TARGET_PCT:.0f}%"}}]')


def _fired(spec: OrderSpec, cat: Catalogue, rejected_on_margin: bool) -> str:
    if spec.decision == "REJECT":
        rule, why = (("REJECT-MARGIN", f"margin {spec.margin_pct:.1f}% below target") if rejected_on_margin
                     else ("REJECT-TOO-LATE", "neither capacity nor materials are available in time"))
    else:
        rule, why = DECISION_RULES[spec.decision]
    fired = [("review", rule, why)]
    if spec.rush:
        fired.append(("rush", RUSH_RULES[rush_tier(spec, cat)], f"due in {spec.lead_days} days"))
    fired.append(("priority", _priority_rule(spec, cat), f"{cat.customer_tier[spec.customer].lower()} customer"))
    return "[" + ", ".join([f'{{"ruleSet": "{rule_set}", "rule": {quoted(name)}, "message": {quoted(message)}}}'
                            for rule_set, name, message in fired]) + "]"


def facts(spec: OrderSpec, cat: Catalogue, new_process: bool, rejected_on_margin: bool) -> str:
    """The facts in the rules' vocabulary (rules/vocabulary.py), as a backtest would replay them, as JSON text."""
    capacity_ok = spec.decision == "ACCEPT" or rejected_on_margin
    material_ok = spec.decision != "REJECT" or rejected_on_margin
    # A capacity rejection is REJECT-TOO-LATE's: more than 30 days late.
    days_late = 0 if capacity_ok else spec.delay_days + (30 if spec.decision == "REJECT" else 0)
    share = 0.6 if spec.decision == "SPLIT" else 1.0 if capacity_ok else 0.0
    family = cat.family_names[cat.product_family[spec.lines[0][0]]]
    sensitivity = round(float(cat.customer_sensitivity[spec.customer]), 2)
    return (
        f'{{"order.amount": {round(spec.amount, 2)!r}, "order.quantity": {sum(q for _, q, _, _ in spec.lines)!r}, '
        f'"order.days_to_due": {spec.lead_days}, "order.line_count": {len(spec.lines)}, '
        f'"order.rush": {JSON_FLAG[spec.rush]}, "order.cause": {_string(spec.rush_cause)}, '
        f'"customer.tier": "{cat.customer_tier[spec.customer]}", '
        f'"customer.code": "C{spec.customer + 1:04d}", "customer.price_sensitivity": {sensitivity!r}, '
        f'"product.maturity": "{"NEW" if new_process else "PROVEN"}", "product.family": {quoted(family)}, '
        f'"capacity.fits": {JSON_FLAG[capacity_ok]}, "capacity.days_late": {days_late}, '
        f'"capacity.splittable_share": {share!r}, "capacity.rush_reserve_fits": {JSON_FLAG[capacity_ok]}, '
        f'"material.fits": {JSON_FLAG[material_ok]}, "material.short_quantity": {0.0 if material_ok else 100.0!r}, '
        f'"margin.pct": {round(spec.margin_pct, 2)!r}, '
        f'"rush.tier": {_string(rush_tier(spec, cat) if spec.rush else None)}}}')


def _proposal(planned: list[dict[str, Any]]) -> str:
    return "[" + ", ".join([f'{{"sku": {quoted(d["sku"])}, "quantity": {d["quantity"]!r}, "date": "{d["date"]}"}}'
                            for d in planned]) + "]"


def add_review(plant: DemoPlant, order_id: int, spec: OrderSpec, cat: Catalogue, requested: date,
               reviewed_at: datetime, planned: list[dict[str, Any]]) -> None:
    """The review row; its JSON columns are written as text once (100k reviews on `large`), read back as values."""
    reviews = plant.rows.get("order_reviews")
    if reviews is None:
        reviews = plant.rows["order_reviews"] = ColumnTable(
            Base.metadata.tables["order_reviews"], {name: [] for name in REVIEW_COLUMNS}, REVIEW_JSON)
    assert isinstance(reviews, ColumnTable)
    new_process = any(bool(cat.product_new[p]) for p, _, _, _ in spec.lines)
    on_margin = spec.decision == "REJECT" and spec.margin_pct < MARGIN_TARGET_PCT
    reviews.append(
        order_id=order_id, decision=spec.decision, criteria=_criteria(spec, new_process, requested, on_margin),
        fired_rules=_fired(spec, cat, on_margin), facts=facts(spec, cat, new_process, on_margin),
        rules_version=shipped_rules_version(),
        proposed_date=requested + timedelta(days=spec.delay_days) if spec.decision == "PROPOSE_DATE" else None,
        proposed_deliveries=_proposal(planned) if spec.decision in ("PROPOSE_DATE", "SPLIT") else "[]",
        created_at=reviewed_at)


def add_rush_insertion(plant: DemoPlant, order_id: int, spec: OrderSpec, reviewed_at: datetime,
                       rng: np.random.Generator) -> None:
    """How the rush order was fitted in; earlier non-rush orders may have been moved for it."""
    succeeded = spec.decision in ("ACCEPT", "SPLIT")
    displaced: list[int] = []
    if order_id > 1:
        displaced = sorted({int(x) for x in rng.integers(max(1, order_id - 50), order_id, int(rng.integers(0, 3)))})
    plant.add("rush_insertions", order_id=order_id, cause=spec.rush_cause, succeeded=succeeded,
              reserve_hours_used=round(float(rng.uniform(1, 12)), 1) if succeeded else 0.0,
              overtime_hours=round(float(rng.uniform(0, 6)), 1) if succeeded else 0.0,
              changeovers=int(rng.integers(0, 3)), displaced_order_ids=displaced if succeeded else [],
              forecast_excess_pct=round(float(rng.uniform(10, 60)), 1)
              if spec.rush_cause == "DEMAND_ABOVE_FORECAST" else None,
              created_at=reviewed_at)
