"""What a review answers, as plain values: decision, criteria, fired rules, dates, deliveries, alternatives."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import Order, Product, ProductionLine, ReviewDecision, product_substitutes
from domain.orders.assess import Assessment
from domain.orders.context import OrderContext
from domain.orders.explain import criterion_details, lines_to_name
from domain.orders.holds import needs_people


@dataclass(frozen=True)
class CriterionResult:
    criterion: str  # CAPACITY, MATERIAL, TECHNOLOGY, MARGIN
    passed: bool
    message: str
    details: str = ""  # the domain's part of the message (components, lines): kept for `sop rules backtest`


@dataclass(frozen=True)
class FiredRuleResult:
    rule_set: str
    rule: str
    message: str


@dataclass(frozen=True)
class DeliveryResult:
    sku: str
    quantity: float
    date: date


@dataclass(frozen=True)
class SubstituteOffer:
    """A product in stock that could replace an order line's product (R10)."""

    sku: str
    for_sku: str
    on_hand: float


@dataclass(frozen=True)
class RushMoveResult:
    """A planned order a rush order takes capacity from: moved (or split) without asking, or asked first (R15)."""

    order_code: str
    from_date: date | None
    to_date: date
    split: bool
    negotiated: bool


@dataclass
class ReviewResult:
    decision: ReviewDecision
    criteria: list[CriterionResult]
    fired_rules: list[FiredRuleResult]
    rules_version: str
    promised_date: date | None
    proposed_date: date | None
    deliveries: list[DeliveryResult]
    rush: bool
    rush_tier: str | None
    priority_tier: str
    facts: dict[str, Any]
    substitutes: list[SubstituteOffer] = field(default_factory=list)
    moved_order_codes: list[str] = field(default_factory=list)
    rush_moves: list[RushMoveResult] = field(default_factory=list)
    tentative: bool = False  # an ACCEPT whose promise waits for the customers asked to give way
    sign_offs: list[str] = field(default_factory=list)  # roles the order would wait for (R3); none: answered now


@dataclass
class OrderResult:
    """What create/update/cancel/respond return: the order row (children loaded by the caller) and its review."""

    order: Order
    review: ReviewResult | None = None
    replayed: bool = False


def fired_rules(a: Assessment) -> list[FiredRuleResult]:
    fired = [*a.rush.fired, *a.priority.fired, *a.review.fired]
    return [FiredRuleResult(f.rule_set, f.rule, f.message) for f in fired]


async def substitutes_in_stock(session: AsyncSession, context: OrderContext, quantities: list[float]
                               ) -> list[SubstituteOffer]:
    ids = [p.id for p in context.products]
    rows = await session.execute(
        select(product_substitutes.c.product_id, Product.sku, Product.on_hand)
        .join(Product, Product.id == product_substitutes.c.substitute_id)
        .where(product_substitutes.c.product_id.in_(ids))
        .order_by(Product.on_hand.desc(), Product.sku)
    )
    need = {p.id: (p.sku, q) for p, q in zip(context.products, quantities, strict=True)}
    return [SubstituteOffer(sku, need[pid][0], on_hand) for pid, sku, on_hand in rows if on_hand >= need[pid][1]]


async def criteria_with_figures(session: AsyncSession, a: Assessment, context: OrderContext
                                ) -> list[CriterionResult]:
    """The rules' verdicts with what lies behind them: components short, full lines, new processes."""
    details: dict[str, str] = {}
    if a.capacity_findings is not None:
        ids = lines_to_name(a.capacity_findings)
        # Line codes are read only when a capacity message names lines: an accepted order reads none.
        rows = (await session.execute(select(ProductionLine.id, ProductionLine.code)
                                      .where(ProductionLine.id.in_(ids)))).all() if ids else []
        details = criterion_details(a.capacity_findings, a.material, context, {line: code for line, code in rows})
    return [CriterionResult(name, v.passed, v.with_figures(details.get(name, "")).message, details.get(name, ""))
            for name, v in a.review.criteria.items()]


async def review_result(session: AsyncSession, a: Assessment, context: OrderContext, quantities: list[float],
                        rules_version: str) -> ReviewResult:
    skus = [p.sku for p in context.products]
    offers = [] if a.decision is ReviewDecision.ACCEPT else await substitutes_in_stock(session, context, quantities)
    return ReviewResult(
        decision=a.decision,
        criteria=await criteria_with_figures(session, a, context),
        fired_rules=fired_rules(a),
        rules_version=rules_version,
        promised_date=a.promised_date,
        proposed_date=a.proposed_date,
        deliveries=[DeliveryResult(skus[d.line_index], d.quantity, d.date) for d in a.deliveries],
        rush=a.rush.rush,
        rush_tier=a.rush.tier,
        priority_tier=a.priority.tier,
        facts=a.facts,
        substitutes=offers,
        moved_order_codes=[m.order.code for m in a.displacement.moved] if a.displacement else [],
        rush_moves=[RushMoveResult(m.order.code, m.old_date, m.new_date, len({d for _, _, d in m.deliveries}) > 1,
                                   m.negotiated) for m in (a.displacement.moved if a.displacement else [])],
        tentative=a.tentative,
        sign_offs=[r.role for r in a.review.sign_offs] if needs_people(a) else [],
    )
