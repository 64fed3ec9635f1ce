"""One review of an order, saved or not: promise on the ledger, materials, facts, rule outcomes, deliveries."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.capacity.calendar import frozen_until, week_start, weeks_from
from domain.capacity.holding import Holding
from domain.capacity.ledger import LedgerView, load_ledger
from domain.models import ReviewDecision, RushCause
from domain.orders.context import OrderContext
from domain.orders.explain import CapacityFindings, capacity_findings
from domain.orders.facts import (
    PricedLine,
    capacity_facts,
    forecast_excess_pct,
    material_facts,
    order_facts,
    stock_facts,
)
from domain.orders.finished_goods import StockCover, stock_cover
from domain.orders.idle_rush import Postponable
from domain.orders.materials import MaterialCheck, check_materials, material_arrays
from domain.orders.maturity import maturity_facts
from domain.orders.promise import (
    OrderPromise,
    build_ctp,
    order_claim,
    promise_order,
    split_parts,
    takes_other_forecast,
)
from domain.orders.running_rush import RushAsk, RushFit, arrival_day_fit, running_week_fit
from domain.orders.rush import Displacement, plan_displacement
from domain.orders.tier_allocation import without_other_tiers_allocation
from domain.planning import StockCut
from rules import CapacityPolicy, PriorityOutcome, ReviewOutcome, RuleBook, RushOutcome

# Weeks ahead that capable-to-promise looks at; an order later than this is "not within the horizon".
PROMISE_HORIZON_WEEKS = 16


@dataclass(frozen=True)
class PlannedDelivery:
    line_index: int
    quantity: float
    date: date


@dataclass
class Assessment:
    """What the rules decided and the promise that goes with it; nothing here is saved yet."""

    facts: dict[str, Any]
    review: ReviewOutcome
    rush: RushOutcome
    priority: PriorityOutcome
    cause: RushCause | None
    promise: OrderPromise  # the promise whose hours an acceptance reserves
    stock: StockCover  # the finished goods an acceptance takes first
    material: MaterialCheck
    deliveries: list[PlannedDelivery]
    promised_date: date | None  # ACCEPT only
    proposed_date: date | None  # PROPOSE_DATE / SPLIT: the last delivery date
    displacement: Displacement | None = None
    frozen_until: date | None = None
    extra_fired: list[dict[str, Any]] = field(default_factory=list)
    capacity_findings: CapacityFindings | None = None  # what the capacity verdict's message states
    tasks_from: date | None = None  # first day the lines may make it: its hours in that week join the day's tasks
    stock_cuts: list[StockCut] = field(default_factory=list)  # make-to-stock day tasks the promise replaces
    postponable: Postponable | None = None  # day tasks the promise may postpone beyond its lines' idle hours

    @property
    def decision(self) -> ReviewDecision:
        return ReviewDecision(self.review.decision)

    @property
    def tentative(self) -> bool:
        """An ACCEPT that waits for the customers a negotiated rush move asks (R15): nothing is reserved yet."""
        return self.decision is ReviewDecision.ACCEPT and self.displacement is not None and self.displacement.tentative


@dataclass(frozen=True)
class Request:
    """The order as reviewed: priced lines, requested date, and who it is for."""

    context: OrderContext
    lines: list[PricedLine]
    requested: date
    order_id: int | None = None  # set when re-reviewing a saved order (its own hours are released first)
    cause_hint: RushCause | None = None  # CUSTOMER_CHANGE when an update made the order rush
    negotiate: bool = True  # False after a decline: the orders the policy negotiates with are not asked again
    agreed: frozenset[int] = frozenset()  # orders whose customers accepted to give way (moved without asking)
    # What the saved order holds, read without writing: its new promise may use it again (updateOrder decides
    # before it gives anything back). None: given back already, or a new order.
    held: Holding | None = None


def _compact(facts: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in facts.items() if value is not None}


async def assess(session: AsyncSession, book: RuleBook, request: Request, today: date, *, saving: bool) -> Assessment:
    policy = book.capacity_policy()
    frozen = frozen_until(today, policy.frozen_days)
    earliest_day = max(today, frozen + timedelta(days=1))
    weeks = weeks_from(today, PROMISE_HORIZON_WEEKS)
    context, quantities = request.context, [line.quantity for line in request.lines]
    claim = await order_claim(session, context, request.requested, policy, earliest_day)
    view = await load_ledger(session, context.line_ids, weeks, policy.reserve_share, earliest_day,
                             create_missing=saving, claim=claim, given_back=request.held)
    view = await without_other_tiers_allocation(session, view, policy, context.customer.tier.value, today)
    freed = request.held.units if request.held is not None else None
    read = context.reads.stock if context.reads is not None else None
    stock = await stock_cover(session, policy, [p.id for p in context.products], quantities, today, freed=freed,
                              read=read)
    ctp, rates = build_ctp(view, context)
    regular = promise_order(ctp, rates, view, stock, request.requested, earliest_day, use_reserve=False)
    facts = order_facts(context, request.lines, request.requested, today)
    facts.update(stock_facts(stock))
    facts.update(await maturity_facts(session, context))
    rush = book.rush(facts)
    if rush.rush and policy.rush_takes_safety_stock and not stock.take_safety_stock:
        stock = await stock_cover(session, policy, [p.id for p in context.products], quantities, today, rush=True,
                                  freed=freed, read=read)
        facts.update(stock_facts(stock))
        regular = promise_order(ctp, rates, view, stock, request.requested, earliest_day, use_reserve=False)
    if not regular.fits and takes_other_forecast(policy, context, rush.rush):
        # Firm orders before forecast: the hours the plan holds for other skus' forecast nobody ordered yet.
        view = await _with_other_skus(session, request, policy, today, weeks, earliest_day, saving)
        ctp, rates = build_ctp(view, context)
        regular = promise_order(ctp, rates, view, stock, request.requested, earliest_day, use_reserve=False)
    chosen = regular
    facts["order.rush"] = rush.rush
    facts["rush.tier"] = rush.tier
    excess = await forecast_excess_pct(session, context, quantities, request.requested, request.order_id)
    facts["forecast.excess_pct"] = excess
    cause = _cause(rush.rush, excess, request.cause_hint)
    facts["order.cause"] = cause.value if cause else None
    displacement = None
    promise_from = earliest_day  # the first day the chosen promise has the lines make the order
    stock_cuts: list[StockCut] = []  # the stock tasks the chosen promise replaces
    postponable: Postponable | None = None
    ask: RushAsk | None = None  # a rush order as the running week's views see it
    if rush.rush:
        first_reserve_week = _first_reserve_week(view, request.requested, today, policy)
        view = _reserve_near_date(view, first_reserve_week)
        # The running week's frozen-day reserve and idle hours are its reserve too, when the policy says so.
        running_open = not policy.rush_reserve_weeks_running_too or first_reserve_week <= view.weeks[0]
        near_ctp, near_rates = build_ctp(view, context)
        plain = RushFit(promise_order(near_ctp, near_rates, view, stock, request.requested, earliest_day,
                                      use_reserve=True), earliest_day)
        ask = RushAsk(view, context, stock, request.requested, request.held,
                      policy.displacement[rush.tier].may_move if rush.may_displace and rush.tier in policy.displacement
                      else (), running_open, plain)
        fit = await running_week_fit(session, ask, policy, today, earliest_day)
        with_reserve, promise_from, stock_cuts, postponable = fit.promise, fit.start, fit.stock_cuts, fit.postponable
        facts["capacity.rush_reserve_fits"] = with_reserve.fits
        if not regular.fits:
            chosen = with_reserve
        else:
            promise_from, stock_cuts, postponable = earliest_day, [], None
    priority = book.priority(_compact(facts))
    if rush.rush and not chosen.fits and rush.may_displace:
        displacement = await plan_displacement(  # on the free hours: moved orders cannot use this one's forecast
            session, book, view.without_claim(), context, stock, request, rush, priority, frozen, earliest_day
        )
        if displacement is not None:
            chosen, promise_from, stock_cuts, postponable = displacement.promise, earliest_day, [], None
    # Only when the lead days gave no promise by the date: the arrival day, if the policy says so.
    arrival = await arrival_day_fit(session, ask, policy, today, earliest_day) \
        if ask is not None and not chosen.fits else None
    if arrival is not None:
        chosen, promise_from, stock_cuts, postponable = arrival.promise, arrival.start, arrival.stock_cuts, \
            arrival.postponable
        facts["capacity.rush_reserve_fits"] = True
    horizon_days = (weeks[-1] + timedelta(days=7) - request.requested).days + 1
    facts.update(capacity_facts(chosen, horizon_days, split_parts(chosen, context, policy)))
    findings = capacity_findings(chosen, view, weeks[-1] + timedelta(days=6), frozen)
    need = min((u.week for line in chosen.lines for u in line.uses), default=week_start(request.requested))
    # Units from stock need no components: only what is still to make is checked.
    # A rush order's lines start on promise_from (the lead days): components due by then are in time for it.
    material = check_materials(context, stock.to_make, max(need, promise_from if rush.rush else today), today)
    if not material.fits and chosen.fits and not rush.rush:
        # The first weeks with room may come before the components: made as they arrive, the order may still be
        # ready by its date, and then materials do not stand in its way (it was proposed its own date before).
        bounded = _as_materials_arrive(view, context, stock, request.requested, earliest_day, today)
        if bounded is not None:
            chosen, material = bounded
    facts.update(material_facts(material))
    facts = _compact(facts)
    review = book.review(facts)
    assessment = Assessment(facts, review, rush, priority, cause, chosen, stock, material, [], None, None,
                            displacement, frozen, capacity_findings=findings, tasks_from=promise_from,
                            stock_cuts=stock_cuts, postponable=postponable)
    _plan_deliveries(assessment, request, view, context, quantities, promise_from, today, policy)
    return assessment


async def _with_other_skus(session: AsyncSession, request: Request, policy: CapacityPolicy, today: date,
                           weeks: list[date], earliest_day: date, saving: bool) -> LedgerView:
    """The order's ledger view with any sku's forecast hours on its lines in firm_before_forecast's window claimable
    (beyond the free hours: forecast_hours.consume takes those first)."""
    context = request.context
    claim = await order_claim(session, context, request.requested, policy, earliest_day, other_skus=True)
    view = await load_ledger(session, context.line_ids, weeks, policy.reserve_share, earliest_day,
                             create_missing=saving, claim=claim, given_back=request.held)
    return await without_other_tiers_allocation(session, view, policy, context.customer.tier.value, today)


def _as_materials_arrive(view: LedgerView, context: OrderContext, stock: StockCover, requested: date,
                         earliest_day: date, today: date) -> tuple[OrderPromise, MaterialCheck] | None:
    """The regular promise with materials bounding each week, and the materials checked by its last week, when it is
    ready by the requested date on components in stock or due (not on a purchase still to place); else None."""
    ids, available, bill = material_arrays(context, view.weeks, today)
    if not ids:
        return None
    ctp, rates = build_ctp(view, context, (available, bill))
    bounded = promise_order(ctp, rates, view, stock, requested, earliest_day, use_reserve=False)
    if not bounded.fits:
        return None
    last = max((use.week for line in bounded.lines for use in line.uses), default=week_start(requested))
    # By the end of its last week, but no later than the requested day: what comes after it is too late.
    check = check_materials(context, stock.to_make, max(min(last + timedelta(days=6), requested), today), today)
    return (bounded, check) if check.fits else None


def _first_reserve_week(view: LedgerView, requested: date, today: date, policy: CapacityPolicy) -> date:
    """The first week whose rush reserve the order may take: the policy keeps the reserve of the weeks before the
    requested one for the rush orders due in them, and all of it from an order due further ahead than its days."""
    weeks_before, days_ahead = policy.rush_reserve_weeks_before_due, policy.rush_reserve_days_ahead
    if weeks_before is None and days_ahead is None:
        return view.weeks[0]
    first = week_start(requested) - timedelta(weeks=weeks_before if weeks_before is not None else len(view.weeks))
    if days_ahead is not None and (requested - today).days > days_ahead:
        first = view.weeks[-1] + timedelta(days=7)
    return first


def _reserve_near_date(view: LedgerView, first: date) -> LedgerView:
    """The view without the rush reserve of the weeks before `first`."""
    if first <= view.weeks[0]:
        return view
    reserve = view.reserve.copy()
    reserve[:, [wi for wi, week in enumerate(view.weeks) if week < first]] = 0.0
    return dataclasses.replace(view, reserve=reserve)


def _cause(rush: bool, excess: float | None, hint: RushCause | None) -> RushCause | None:
    if not rush:
        return None
    if excess is not None and excess > 0:
        return RushCause.DEMAND_ABOVE_FORECAST
    return hint or RushCause.INTERNAL


def _plan_deliveries(a: Assessment, request: Request, view: LedgerView, context: OrderContext,
                     quantities: list[float], earliest_day: date, today: date, policy: CapacityPolicy) -> None:
    """Dates the plan can keep: the requested date when it fits, else the promise's own dates."""
    decision, promise = a.decision, a.promise
    if decision is ReviewDecision.REJECT:
        return
    if decision is ReviewDecision.SPLIT and promise.ready_date is not None:
        for line, (early, late) in zip(promise.lines, split_parts(promise, context, policy), strict=True):
            if early > 0:
                a.deliveries.append(PlannedDelivery(line.index, early, request.requested))
            if late > 0 and line.ready_date is not None:
                a.deliveries.append(PlannedDelivery(line.index, late, max(line.ready_date, request.requested)))
        a.proposed_date = max(d.date for d in a.deliveries)
        return
    if decision is ReviewDecision.ACCEPT and promise.fits:
        a.promised_date = request.requested
    else:
        if not a.material.fits:
            # Production waits for the components: promise again with materials bounding each week.
            ids, available, bill = material_arrays(context, view.weeks, today)
            ctp, rates = build_ctp(view, context, (available, bill) if ids else None)
            promise = promise_order(ctp, rates, view, a.stock, request.requested, earliest_day,
                                    use_reserve=promise.use_reserve)
            a.promise = promise
        ready = promise.ready_date
        if ready is None:  # nothing the plan can keep within the horizon: the honest answer is no
            a.review = ReviewOutcome("REJECT", "no date within the planning horizon", 0, a.review.criteria,
                                     a.review.fired)
            return
        day = max(ready, request.requested + timedelta(days=a.review.delay_days), earliest_day)
        if decision is ReviewDecision.ACCEPT:
            a.promised_date = day  # a rule file accepted what does not fit: promise when it is ready
        else:
            a.proposed_date = day
    final = a.promised_date or a.proposed_date
    assert final is not None
    a.deliveries.extend(PlannedDelivery(i, q, final) for i, q in enumerate(quantities))
