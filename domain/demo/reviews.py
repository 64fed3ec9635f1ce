"""The review of a demo order as the rules engine would have recorded it, its priority, and rush insertions."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

import numpy as np

from domain.config import DEFAULT_RULES_DIR
from domain.demo.catalogue import Catalogue
from domain.demo.order_specs import OrderSpec
from domain.demo.plant import DemoPlant
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


def _criteria(spec: OrderSpec, new_process: bool, requested: date, rejected_on_margin: bool) -> list[dict[str, Any]]:
    margin, d = spec.margin_pct, spec.decision
    capacity_ok = d == "ACCEPT" or rejected_on_margin
    material_ok = d != "REJECT" or rejected_on_margin
    later = requested + timedelta(days=spec.delay_days)
    return [
        {"criterion": "CAPACITY", "passed": capacity_ok,
         "message": f"the lines can finish by {requested}" if capacity_ok
         else f"the lines are full: earliest completion {later}"},
        {"criterion": "MATERIAL", "passed": material_ok,
         "message": "key components in stock or arriving in time" if material_ok
         else f"key components short until {later}"},
        {"criterion": "TECHNOLOGY", "passed": not new_process or material_ok,
         "message": "new process: a validation batch runs first" if new_process else "proven process"},
        {"criterion": "MARGIN", "passed": margin >= MARGIN_TARGET_PCT,
         "message": f"gross margin {margin:.1f}% against a target of {MARGIN_TARGET_PCT:.0f}%"},
    ]


def _fired(spec: OrderSpec, cat: Catalogue, rejected_on_margin: bool) -> list[dict[str, Any]]:
    if spec.decision == "REJECT":
        rule, why = (("REJECT-MARGIN", f"margin {spec.margin_pct:.1f}% below target") if rejected_on_margin
                     else ("REJECT-TOO-LATE", "neither capacity nor materials are available in time"))
    else:
        rule, why = DECISION_RULES[spec.decision]
    fired = [{"ruleSet": "review", "rule": rule, "message": why}]
    if spec.rush:
        fired.append({"ruleSet": "rush", "rule": RUSH_RULES[rush_tier(spec, cat)],
                      "message": f"due in {spec.lead_days} days"})
    fired.append({"ruleSet": "priority", "rule": _priority_rule(spec, cat),
                  "message": f"{cat.customer_tier[spec.customer].lower()} customer"})
    return fired


def facts(spec: OrderSpec, cat: Catalogue, new_process: bool, rejected_on_margin: bool) -> dict[str, Any]:
    """The facts in the rules' vocabulary (rules/vocabulary.py), as a backtest would replay them."""
    tier = cat.customer_tier[spec.customer]
    capacity_ok = spec.decision == "ACCEPT" or rejected_on_margin
    # A capacity rejection is REJECT-TOO-LATE's: more than 30 days late.
    return {
        "order.amount": round(spec.amount, 2), "order.quantity": sum(q for _, q, _, _ in spec.lines),
        "order.days_to_due": spec.lead_days, "order.line_count": len(spec.lines), "order.rush": spec.rush,
        "order.cause": spec.rush_cause, "customer.tier": tier, "customer.code": f"C{spec.customer + 1:04d}",
        "customer.price_sensitivity": round(float(cat.customer_sensitivity[spec.customer]), 2),
        "product.maturity": "NEW" if new_process else "PROVEN",
        "product.family": cat.family_names[cat.product_family[spec.lines[0][0]]],
        "capacity.fits": capacity_ok,
        "capacity.days_late": 0 if capacity_ok else spec.delay_days + (30 if spec.decision == "REJECT" else 0),
        "capacity.splittable_share": 0.6 if spec.decision == "SPLIT" else 1.0 if capacity_ok else 0.0,
        "capacity.rush_reserve_fits": capacity_ok,
        "material.fits": spec.decision != "REJECT" or rejected_on_margin,
        "material.short_quantity": 0.0 if spec.decision != "REJECT" or rejected_on_margin else 100.0,
        "margin.pct": round(spec.margin_pct, 2),
        "rush.tier": rush_tier(spec, cat) if spec.rush else None,
    }


def add_review(plant: DemoPlant, order_id: int, spec: OrderSpec, cat: Catalogue, requested: date,
               reviewed_at: datetime, deliveries: list[dict[str, Any]]) -> None:
    new_process = any(bool(cat.product_new[p]) for p, _, _, _ in spec.lines)
    on_margin = spec.decision == "REJECT" and spec.margin_pct < MARGIN_TARGET_PCT
    plant.add("order_reviews", order_id=order_id, decision=spec.decision,
              criteria=_criteria(spec, new_process, requested, on_margin), fired_rules=_fired(spec, cat, on_margin),
              facts=facts(spec, cat, new_process, on_margin), rules_version=shipped_rules_version(),
              proposed_date=requested + timedelta(days=spec.delay_days) if spec.decision == "PROPOSE_DATE" else None,
              proposed_deliveries=deliveries if spec.decision in ("PROPOSE_DATE", "SPLIT") else [],
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
