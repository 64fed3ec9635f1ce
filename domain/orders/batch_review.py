"""Review a batch of booked open orders with the rule files, as createOrder reviews one: facts, rules, review rows.

The orders of an import are commitments the plant made before it ran the service, so a verdict other than ACCEPT
does not undo one: the order keeps its booking and promise, its review row says what the rules found (criteria with
their figures, fired rules, the rules version), and an ORDER_REVIEW alert asks a person to agree with the customer
what happens (docs/import/README.md). Facts the batch does not have are left out, as createOrder leaves out a
fact it has no value for: finished stock (the batch books hours only) and the forecast excess.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.bulk_rows import insert_rows
from domain.capacity import held_rows
from domain.events import kinds
from domain.models import Alert, Order, OrderLine, OrderReview, ProductionLine, ReviewDecision, utcnow
from domain.orders.batch_writes import in_chunks
from domain.orders.context import OrderContext
from domain.orders.explain import CapacityFindings, criterion_details, lines_to_name
from domain.orders.facts import PricedLine, capacity_facts, material_facts, order_facts, stock_facts
from domain.orders.finished_goods import StockCover
from domain.orders.materials import check_materials
from domain.orders.maturity import practice_facts
from domain.orders.promise import OrderPromise, split_parts
from rules import CapacityPolicy, RuleBook

REVIEWS, ALERTS = cast(Table, OrderReview.__table__), cast(Table, Alert.__table__)
# Built once (a held write is kept compiled by the statement's id): the order's open review alert answered.
CLOSE_REVIEW_ALERT = (update(ALERTS).where(ALERTS.c.dedup_key == bindparam("alert_key"), ALERTS.c.open)
                      .values(open=False, closed_at=bindparam("at")))
VERB = {ReviewDecision.REJECT: "reject", ReviewDecision.PROPOSE_DATE: "propose another date for",
        ReviewDecision.SPLIT: "split"}


@dataclass(frozen=True)
class ToReview:
    """One booked order: its context, the promise the batch gave it and what the lines' load says about it."""

    order_id: int
    code: str
    context: OrderContext
    promise: OrderPromise
    capacity: CapacityFindings
    to_make: list[float]  # per order line: what the lines still make (the units the components are needed for)


@dataclass(frozen=True)
class Verdict:
    code: str
    decision: ReviewDecision
    failed: list[str]  # the failed criteria's messages, with their figures
    sign_offs: list[str]  # the roles the rules would ask to sign it off (R3): an import asks nobody, it tells them


def review_alert_key(order_code: str) -> str:
    """One open alert per imported order the rules would not accept as it stands."""
    return f"{kinds.ORDER_REVIEW}:{order_code}"


async def _priced(session: AsyncSession, order_ids: list[int]
                  ) -> tuple[dict[int, list[PricedLine]], dict[int, tuple[date, int]]]:
    """Each order's lines at their prices (in line order), and its requested date and customer."""
    lines: dict[int, list[tuple[int, PricedLine]]] = defaultdict(list)
    heads: dict[int, tuple[date, int]] = {}
    for chunk in in_chunks(order_ids):
        for order_id, line_no, quantity, price, cost in await session.execute(
                select(OrderLine.order_id, OrderLine.line_no, OrderLine.quantity, OrderLine.unit_price,
                       OrderLine.unit_cost).where(OrderLine.order_id.in_(chunk))):
            lines[order_id].append((line_no, PricedLine(float(quantity), Decimal(price), Decimal(cost))))
        for order_id, requested, customer_id in await session.execute(
                select(Order.id, Order.requested_date, Order.customer_id).where(Order.id.in_(chunk))):
            heads[order_id] = (requested, customer_id)
    return {order_id: [line for _, line in sorted(found, key=lambda item: item[0])]
            for order_id, found in lines.items()}, heads


def _facts(item: ToReview, priced: list[PricedLine], requested: date,
           book: RuleBook, policy: CapacityPolicy, today: date, horizon_end: date) -> dict[str, Any]:
    """The facts createOrder's assess gives the rules, in the same order (rush and priority rules read some)."""
    context = item.context
    facts = order_facts(context, priced, requested, today)
    facts.update(stock_facts(StockCover.none([line.quantity for line in priced], requested)))
    facts.update(practice_facts(context.practice or {}, [product.id for product in context.products]))
    rush = book.rush(facts)
    facts["order.rush"], facts["rush.tier"] = rush.rush, rush.tier
    book.priority({key: value for key, value in facts.items() if value is not None})
    horizon_days = (horizon_end - requested).days + 2  # as assess counts it: through the day after the horizon
    facts.update(capacity_facts(item.promise, horizon_days, split_parts(item.promise, context, policy)))
    return facts


async def review_booked(session: AsyncSession, book: RuleBook, items: list[ToReview], today: date,
                        horizon_end: date) -> list[Verdict]:
    """Review every booked order, write its review row, raise an ORDER_REVIEW alert for each not accepted."""
    if not items:
        return []
    policy = book.capacity_policy()
    priced, heads = await _priced(session, [item.order_id for item in items])
    named = {line for item in items for line in lines_to_name(item.capacity)}
    line_codes: dict[int, str] = {line_id: code for line_id, code in await session.execute(
        select(ProductionLine.id, ProductionLine.code).where(ProductionLine.id.in_(named)))} if named else {}
    reviews: list[dict[str, Any]] = []
    alerts: list[Alert] = []
    verdicts: list[Verdict] = []
    at = utcnow()
    for item in items:
        requested, customer_id = heads[item.order_id]
        facts = _facts(item, priced[item.order_id], requested, book, policy, today, horizon_end)
        need = min((u.week for line in item.promise.lines for u in line.uses), default=requested)
        material = check_materials(item.context, item.to_make, max(need, today), today)
        facts.update(material_facts(material))
        facts = {key: value for key, value in facts.items() if value is not None}
        outcome = book.review(facts)
        details = criterion_details(item.capacity, material, item.context, line_codes)
        criteria = [{"criterion": name, "passed": v.passed, "message": v.with_figures(details.get(name, "")).message,
                     "details": details.get(name, "")} for name, v in outcome.criteria.items()]
        decision = ReviewDecision(outcome.decision)
        reviews.append({
            "order_id": item.order_id, "decision": decision, "facts": facts, "rules_version": book.version,
            "criteria": criteria,
            "fired_rules": [{"rule_set": f.rule_set, "rule": f.rule, "message": f.message} for f in outcome.fired],
            "proposed_date": None, "proposed_deliveries": [], "created_at": at})
        asked = [request.role for request in outcome.sign_offs] if decision is not ReviewDecision.REJECT else []
        if decision is ReviewDecision.ACCEPT and not asked:
            continue
        failed = [str(c["message"]) for c in criteria if not c["passed"]] or [outcome.reason]
        verdicts.append(Verdict(item.code, decision, failed, asked))
        ready = item.promise.ready_date
        promised = max(ready, requested) if ready else None  # the batch moves a promise later, never earlier
        would = [f"{VERB[decision]} it" if decision is not ReviewDecision.ACCEPT else "",
                 f"ask {' and '.join(asked)} to sign it off" if asked else ""]
        alerts.append(Alert(
            kind=kinds.ORDER_REVIEW, severity=kinds.WARNING, created_at=at, open=True,
            dedup_key=review_alert_key(item.code), order_id=item.order_id, customer_id=customer_id,
            message=f"Imported order {item.code}: the review rules would {' and '.join(w for w in would if w)} "
                    f"({'; '.join(failed)}). It stays booked{f' for {promised.isoformat()}' if promised else ''} "
                    "as the plant's commitment: agree with the customer what happens."))
    await insert_rows(session, REVIEWS, reviews)
    session.add_all(alerts)  # objects, not COPY rows: the few orders a person must look at
    await session.flush()
    return verdicts


async def close_review_alert(session: AsyncSession, order_code: str) -> None:
    """A person changed or cancelled the order: its review is no longer the import's, so the alert is answered (in
    the commit's message when the transaction holds its writes: nothing reads the alert before it)."""
    await held_rows.write(session, CLOSE_REVIEW_ALERT, {"alert_key": review_alert_key(order_code), "at": utcnow()})


def horizon_end_of(weeks: Sequence[date]) -> date:
    """The last day capable-to-promise looks at: how late an order the lines cannot place counts."""
    return weeks[-1] + timedelta(days=6)
