"""Typed outcomes the domain reads, built from the actions of the rules that fired."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from rules.actions import CRITERIA, WEEKDAYS
from rules.figures import criterion_message
from rules.model import Action, Evaluation, FiredRule


@dataclass(frozen=True)
class CriterionVerdict:
    passed: bool
    reason: str  # the deciding rule's reason (its description unless the file gives one)
    figures: tuple[str, ...] = ()  # what decided it: the rule's thresholds, then what the domain adds
    rule: str | None = None  # the rule that gave the verdict; None when no rule spoke to the criterion

    @property
    def message(self) -> str:
        return criterion_message(self.reason, self.figures)

    def with_figures(self, *more: str) -> CriterionVerdict:
        """The verdict with the domain's figures (components, lines, dates) after the rule's own."""
        return replace(self, figures=(*self.figures, *(figure for figure in more if figure)))


@dataclass(frozen=True)
class SignOffRequest:
    """A person the review routes the order to (R3): their role, why, and how long the order's hold lasts."""

    role: str  # technology | purchasing | production | finance | sales
    reason: str
    hold_hours: int
    rule: str


@dataclass(frozen=True)
class ReviewOutcome:
    decision: str  # ACCEPT | PROPOSE_DATE | SPLIT | REJECT
    reason: str
    delay_days: int  # extra days to add to the proposed date (e.g. process validation)
    criteria: dict[str, CriterionVerdict]
    fired: list[FiredRule]
    sign_offs: tuple[SignOffRequest, ...] = ()  # one per role, highest priority first; none: the answer is now

    def summary(self) -> dict[str, Any]:
        verdicts = {f"criteria.{name}": "pass" if v.passed else "fail" for name, v in self.criteria.items()}
        return {"decision": self.decision, "delay_days": self.delay_days, **verdicts,
                "sign_offs": [request.role for request in self.sign_offs]}


def review_outcome(evaluation: Evaluation) -> ReviewOutcome:
    decide = None
    failed: dict[str, Action] = {}
    passed: dict[str, Action] = {}
    sign_offs: dict[str, SignOffRequest] = {}
    for action in evaluation.actions:  # highest priority first: the first word on each point stands
        if action.name == "decide":
            decide = decide or action
        elif action.name == "fail_criterion":
            failed.setdefault(action.params["criterion"], action)
        elif action.name == "pass_criterion":
            passed.setdefault(action.params["criterion"], action)
        elif action.name == "require_sign_off":
            p = action.params
            sign_offs.setdefault(p["role"], SignOffRequest(p["role"], p["reason"], p["hold_hours"], action.rule))
    if decide is None:  # load_rulebook insists on a default decide rule, so this is a broken invariant
        raise ValueError("no review rule decided an outcome")
    fired = {rule.rule: rule for rule in evaluation.fired}

    def verdict(action: Action | None, passes: bool) -> CriterionVerdict:
        if action is None:
            return CriterionVerdict(True, "no rule found a problem")
        rule = fired.get(action.rule)
        figures = (rule.figures,) if rule is not None else ()
        return CriterionVerdict(passes, action.params["reason"], figures, action.rule)

    criteria = {
        criterion: verdict(failed[criterion], False) if criterion in failed
        else verdict(passed.get(criterion), True)
        for criterion in CRITERIA.choices
    }
    return ReviewOutcome(decide.params["outcome"], decide.params["reason"],
                         int(decide.params.get("delay_days", 0)), criteria, evaluation.fired,
                         tuple(sign_offs.values()))


@dataclass(frozen=True)
class RushOutcome:
    rush: bool
    tier: str | None
    may_displace: bool  # may move or split planned non-strategic orders (see CapacityPolicy.displacement)
    may_be_moved: bool  # may itself be moved or split by a higher rush tier
    reason: str
    fired: list[FiredRule]

    def summary(self) -> dict[str, Any]:
        return {"rush": self.rush, "tier": self.tier, "may_displace": self.may_displace,
                "may_be_moved": self.may_be_moved}


def rush_outcome(evaluation: Evaluation) -> RushOutcome:
    mark = evaluation.first("mark_rush")
    if mark is None:
        return RushOutcome(False, None, False, True, "no rush rule applies", evaluation.fired)
    p = mark.params
    return RushOutcome(True, p["tier"], p["may_displace"], p["may_be_moved"], p["reason"], evaluation.fired)


@dataclass(frozen=True)
class PriorityOutcome:
    tier: str
    score: float  # higher is served first; margin breaks ties inside a tier
    fired: list[FiredRule]

    def summary(self) -> dict[str, Any]:
        return {"tier": self.tier, "score": self.score}


def priority_outcome(evaluation: Evaluation, margin_pct: float | None) -> PriorityOutcome:
    chosen = evaluation.first("set_priority")
    if chosen is None:
        raise ValueError("no priority rule set a tier")
    p = chosen.params
    score = p["score"] + p.get("margin_weight", 0.0) * (margin_pct or 0.0)
    return PriorityOutcome(p["tier"], round(score, 6), evaluation.fired)


@dataclass(frozen=True)
class CostAllocation:
    sales_share: float
    production_share: float
    reason: str
    fired: list[FiredRule]

    def summary(self) -> dict[str, Any]:
        return {"sales_share": self.sales_share, "production_share": self.production_share}


def cost_allocation(evaluation: Evaluation) -> CostAllocation:
    chosen = evaluation.first("allocate_cost")
    if chosen is None:
        raise ValueError("no cost-allocation rule applied")
    p = chosen.params
    return CostAllocation(p["sales_share"], p["production_share"], p["reason"], evaluation.fired)


@dataclass(frozen=True)
class Displacement:
    may_move: frozenset[str]  # priority tiers of planned orders this rush tier may move to later dates
    may_split: frozenset[str]  # priority tiers of planned orders this rush tier may split
    # Priority tiers whose orders are asked first (R15): the customer accepts or declines a proposal; the rush
    # order's promise is tentative until then, and an answer not given in expiry_hours is a decline.
    negotiate: frozenset[str] = frozenset()
    expiry_hours: int = 48


@dataclass(frozen=True)
class TierAllocation:
    """A share of each line-week's regular hours kept for one customer tier (like SAP's product allocation),
    released to every customer `release_days` before the week starts."""

    share: float
    release_days: int


@dataclass(frozen=True)
class PlanApproval:
    """When a replan's draft may go into force without sales and production approving it (R5)."""

    max_changes: int  # weekly plan items added, removed or changed against the plan in force
    max_broken_promises: int  # orders the draft would make late against their promise

    def lets_alone(self, changes: int, broken_promises: int) -> bool:
        return changes <= self.max_changes and broken_promises <= self.max_broken_promises


@dataclass(frozen=True)
class CapacityPolicy:
    reserve_share: float  # share of capacity held back for rush orders, e.g. 0.12
    reserve_share_min: float
    reserve_share_max: float
    frozen_days: int  # first days of each week that a replan leaves alone
    cutoff_weekday: int  # 0 = Monday ... 4 = Friday: last day for next week's orders and changes
    overtime_share: float  # overtime allowed as a share of regular capacity
    displacement: dict[str, Displacement] = field(default_factory=dict)  # rush tier -> what it may do
    # Stock first (R11); without a stock_first rule, safety stock stays on the shelf and stock ships the same day.
    take_safety_stock: bool = False  # may an order take units that keep stock at its safety level
    stock_handling_days: int = 0  # days from taking finished goods to shipping them
    rush_takes_safety_stock: bool = False  # may a rush order take the safety stock (demand the forecast missed)
    # customer tier -> its allocation; without tier_allocation rules (or at 0%) every order sees every hour.
    tier_allocations: dict[str, TierAllocation] = field(default_factory=dict)
    # A split's smaller part is at least the larger of these; below it the line ships whole, later.
    min_split_units: float = 1.0
    min_split_share: float = 0.10  # of the order line's quantity
    # Rush orders inside the frozen window (R14, R15): may they have the rush reserve of its days, and from how many
    # days after today (the day's tasks already on the floor stay as they are)? Left out: no, as before the rule.
    rush_reserve_in_frozen_window: bool = False
    rush_lead_days: int = 1
    # ... and when the lead days give a rush order no promise by its date, may it try again from the day it arrives
    # (lead 0), taking that promise only when it is ready by the date? Left out: no.
    rush_arrival_day_fallback: bool = False
    # May a rush order take the running week's hours the plan gives to make-to-stock day tasks (tasks made for no
    # order), from the rush lead days on, trimming those tasks instead of adding to them? Left out: no.
    rush_replaces_stock_tasks: bool = False
    # May a rush order take the hours the running week's day tasks leave idle on its lines up to its date, charged to
    # the line-week's reserve rather than to the reserve share of those days alone? Left out: no.
    rush_takes_idle_hours: bool = False
    # ... and the hours of day tasks made for no order whose units the sku's orders do not need this week (made by
    # the next replan instead)? Left out: no.
    rush_postpones_tasks: bool = False
    # ... and the hours of day tasks made for orders promised more than rush_move_slack_days after the running week,
    # of the priority tiers the rush tier may move (displacement), made by the next replan instead? Left out: no.
    rush_moves_order_tasks: bool = False
    rush_move_slack_days: int = 7
    # ... and the overtime its lines may still work in the running week (overtime_limit's share of the week's regular
    # hours, at most the line's own maximum, less the overtime the week's day tasks already load)? Left out: no.
    rush_takes_overtime: bool = False
    # ... on the day the order arrives (after that day's tasks, which stay as they are) when its lines work no day from
    # the lead days to its date: a rush order received on Friday for Saturday on a five-day line.
    rush_overtime_same_day: bool = False
    # ... and, what the line-week's reserve cannot hold of those hours, the week's regular hours the ledger still has
    # free (its frozen days' too): the hours are on the floor, only the ledger's reserve was short. Left out: no.
    rush_beyond_reserve: bool = False
    # ... and, before overtime, the hours of the days' tasks (made for no order, or for orders of the tiers the rush
    # tier may move) that the lines' idle hours after its date can make again before their units are needed? No.
    rush_shifts_tasks: bool = False
    # ... and the overtime it is laid on adds the line-week's hours in the ledger (capacity), where the week's hours the
    # ledger has left cannot hold the order although the floor works it beyond the days' hours? Left out: no.
    rush_overtime_adds_hours: bool = False
    # ... and with overtime_same_day, the arrival day's idle hours and its tasks that may give up hours (postponed,
    # moved) count too, before its overtime: the line makes the rush order that afternoon instead. Left out: no.
    rush_same_day_tasks: bool = False
    # A rush order takes the rush reserve of its requested week and this many weeks before it, no earlier ones (they
    # stay for the rush orders due in them). None: any week's, as before the rule.
    rush_reserve_weeks_before_due: int | None = None
    # ... and none at all for an order due more than this many days ahead (it waits for regular hours). None: any.
    rush_reserve_days_ahead: int | None = None
    # ... and the running week's frozen-day reserve and idle day hours follow the same limit (an order due in weeks
    # leaves them to the rush orders due this week). Left out: no, they went to any rush order, as before the setting.
    rush_reserve_weeks_running_too: bool = False
    # Forecast consumption: a firm order may take the plan's forecast hours of its own SKU (or FAMILY; NONE: no
    # order may) on line-weeks from backward_weeks before its requested week, and forward_weeks from it on.
    forecast_match: str = "SKU"
    forecast_backward_weeks: int = 2
    forecast_forward_weeks: int = 0
    # Firm orders before forecast: a regular order of these customer tiers that the free hours (and its own forecast's)
    # cannot hold by its requested date may take any sku's forecast hours on its lines, in whole weeks after the frozen
    # window from firm_backward_weeks before its requested week to firm_forward_weeks from it on (1: that week).
    # Empty: no order may, as before the rule.
    firm_before_forecast_tiers: frozenset[str] = frozenset()
    firm_backward_weeks: int = 0
    firm_forward_weeks: int = 1
    # Forecast decay: customers order (min, max) days ahead, so the weekly plan holds of a near week's forecast nobody
    # ordered only the share still to be ordered. None: all of it, as before the rule.
    forecast_lead_days: tuple[int, int] | None = None
    # Plan consensus (R5): a draft within these bounds goes into force alone, a larger one waits for sales and
    # production. Left out: every replan goes into force at once, as before the rule.
    plan_approval: PlanApproval | None = None
    # Work ahead: a line idle at a day's end makes what open orders promised within this many days still need (their
    # hours in later weeks go back to the ledger when they are made in full). None: the idle hours are lost, as
    # before the rule.
    work_ahead_days: int | None = None

    @property
    def forecast_netting(self) -> tuple[str, int, int]:
        """(match, backward_weeks, forward_weeks) over which the weekly plan nets orders against the forecast: the
        window orders consume in the ledger; NONE consumes nothing there, so each order nets its own week only."""
        if self.forecast_match == "NONE":
            return ("SKU", 0, 1)
        return (self.forecast_match, self.forecast_backward_weeks, self.forecast_forward_weeks)

    def min_split(self, quantity: float) -> float:
        """Smallest part of an order line of `quantity` units that may ship on its own."""
        return max(self.min_split_units, self.min_split_share * quantity)

    @property
    def movable_priority_tiers(self) -> frozenset[str]:
        return frozenset().union(*(d.may_move for d in self.displacement.values()))

    @property
    def splittable_priority_tiers(self) -> frozenset[str]:
        return frozenset().union(*(d.may_split for d in self.displacement.values()))

    def summary(self) -> dict[str, Any]:
        return {"reserve_share": self.reserve_share, "frozen_days": self.frozen_days,
                "cutoff_weekday": self.cutoff_weekday, "overtime_share": self.overtime_share,
                "reserve_share_min": self.reserve_share_min, "reserve_share_max": self.reserve_share_max,
                "take_safety_stock": self.take_safety_stock, "stock_handling_days": self.stock_handling_days,
                "rush_takes_safety_stock": self.rush_takes_safety_stock,
                **{f"allocation.{t}": [a.share, a.release_days] for t, a in self.tier_allocations.items()},
                "min_split_units": self.min_split_units, "min_split_share": self.min_split_share,
                "rush_reserve_in_frozen_window": self.rush_reserve_in_frozen_window,
                "rush_lead_days": self.rush_lead_days,
                "rush_arrival_day_fallback": self.rush_arrival_day_fallback,
                "rush_replaces_stock_tasks": self.rush_replaces_stock_tasks,
                "rush_takes_idle_hours": self.rush_takes_idle_hours, "rush_postpones_tasks": self.rush_postpones_tasks,
                "rush_moves_order_tasks": self.rush_moves_order_tasks,
                "rush_move_slack_days": self.rush_move_slack_days,
                "rush_takes_overtime": self.rush_takes_overtime,
                "rush_overtime_same_day": self.rush_overtime_same_day,
                "rush_beyond_reserve": self.rush_beyond_reserve,
                "rush_shifts_tasks": self.rush_shifts_tasks,
                "rush_overtime_adds_hours": self.rush_overtime_adds_hours,
                "rush_same_day_tasks": self.rush_same_day_tasks,
                **({} if self.rush_reserve_weeks_before_due is None else {
                    "rush_reserve_weeks_before_due": self.rush_reserve_weeks_before_due}),
                **({} if self.rush_reserve_days_ahead is None else {
                    "rush_reserve_days_ahead": self.rush_reserve_days_ahead}),
                "rush_reserve_weeks_running_too": self.rush_reserve_weeks_running_too,
                "forecast_match": self.forecast_match, "forecast_backward_weeks": self.forecast_backward_weeks,
                "forecast_forward_weeks": self.forecast_forward_weeks,
                **({} if not self.firm_before_forecast_tiers else {
                    "firm_before_forecast_tiers": sorted(self.firm_before_forecast_tiers),
                    "firm_backward_weeks": self.firm_backward_weeks, "firm_forward_weeks": self.firm_forward_weeks}),
                **({} if self.forecast_lead_days is None else {
                    "forecast_lead_days_min": self.forecast_lead_days[0],
                    "forecast_lead_days_max": self.forecast_lead_days[1]}),
                **({} if self.work_ahead_days is None else {"work_ahead_days": self.work_ahead_days}),
                **({} if self.plan_approval is None else {
                    "plan_approval_max_changes": self.plan_approval.max_changes,
                    "plan_approval_max_broken_promises": self.plan_approval.max_broken_promises}),
                **{f"may_move.{t}": sorted(d.may_move) for t, d in self.displacement.items()},
                **{f"may_split.{t}": sorted(d.may_split) for t, d in self.displacement.items()},
                **{f"negotiate.{t}": sorted(d.negotiate) for t, d in self.displacement.items()},
                **{f"expiry_hours.{t}": d.expiry_hours for t, d in self.displacement.items()}}


def capacity_policy(evaluation: Evaluation) -> CapacityPolicy:
    needed = ("reserve_share", "frozen_window", "weekly_cutoff", "overtime_limit")
    missing = [name for name in needed if evaluation.first(name) is None]
    if missing:
        raise ValueError(f"capacity policy must set {', '.join(missing)}")
    reserve = evaluation.first("reserve_share").params  # type: ignore[union-attr]
    low, share, high = reserve["min_percent"], reserve["percent"], reserve["max_percent"]
    if not low <= share <= high:
        raise ValueError(f"reserve_share {share}% lies outside its bounds {low}-{high}%")
    displacement = {}
    for action in reversed(evaluation.all("displacement")):  # reversed: the highest priority wins
        p = action.params
        displacement[p["rush_tier"]] = Displacement(frozenset(p["may_move"]), frozenset(p["may_split"]),
                                                    frozenset(p.get("negotiate", ())), p.get("expiry_hours", 48))
    allocations = {}
    for action in reversed(evaluation.all("tier_allocation")):  # reversed: the highest priority wins
        p = action.params
        if p["percent"] > 0:
            allocations[p["customer_tier"]] = TierAllocation(p["percent"] / 100, p["release_days"])
    if sum(a.share for a in allocations.values()) > 0.5:
        raise ValueError("tier allocations together hold more than half of each line-week")
    stock = evaluation.first("stock_first")
    stock_first = {} if stock is None else {
        "take_safety_stock": stock.params["take_safety_stock"], "stock_handling_days": stock.params["handling_days"],
        "rush_takes_safety_stock": bool(stock.params.get("rush_takes_safety_stock"))}
    frozen_rush = evaluation.first("rush_in_frozen_window")
    rush_inside = {} if frozen_rush is None else {"rush_reserve_in_frozen_window": frozen_rush.params["use_reserve"],
                                                  "rush_lead_days": frozen_rush.params["lead_days"],
                                                  "rush_arrival_day_fallback": bool(
                                                      frozen_rush.params.get("arrival_day_fallback"))}
    stock_tasks = evaluation.first("rush_replaces_stock_tasks")
    if stock_tasks is not None:
        rush_inside["rush_replaces_stock_tasks"] = stock_tasks.params["replace"]
    idle = evaluation.first("rush_takes_idle_hours")
    if idle is not None:
        rush_inside["rush_takes_idle_hours"] = idle.params["use"]
        rush_inside["rush_postpones_tasks"] = bool(idle.params.get("postpone_tasks"))
        rush_inside["rush_moves_order_tasks"] = bool(idle.params.get("move_order_tasks"))
        rush_inside["rush_takes_overtime"] = bool(idle.params.get("overtime"))
        rush_inside["rush_overtime_same_day"] = bool(idle.params.get("overtime_same_day"))
        rush_inside["rush_beyond_reserve"] = bool(idle.params.get("beyond_reserve"))
        rush_inside["rush_shifts_tasks"] = bool(idle.params.get("shift_tasks"))
        rush_inside["rush_overtime_adds_hours"] = bool(idle.params.get("overtime_adds_hours"))
        rush_inside["rush_same_day_tasks"] = bool(idle.params.get("same_day_tasks"))
        if idle.params.get("slack_days") is not None:
            rush_inside["rush_move_slack_days"] = idle.params["slack_days"]
    near = evaluation.first("rush_reserve_weeks")
    if near is not None:
        rush_inside["rush_reserve_weeks_before_due"] = near.params["before_due"]
        if near.params.get("days_ahead") is not None:
            rush_inside["rush_reserve_days_ahead"] = near.params["days_ahead"]
        rush_inside["rush_reserve_weeks_running_too"] = bool(near.params.get("running_week_too"))
    split = evaluation.first("min_split")
    split_units, split_percent = (split.params["units"], split.params["percent"]) if split else (1.0, 10.0)
    consumption = evaluation.first("forecast_consumption")
    forecast = {} if consumption is None else {"forecast_match": consumption.params["match"],
                                               "forecast_backward_weeks": consumption.params["backward_weeks"],
                                               "forecast_forward_weeks": consumption.params["forward_weeks"]}
    firm = evaluation.first("firm_before_forecast")
    if firm is not None:
        forecast.update(firm_before_forecast_tiers=frozenset(firm.params["customer_tiers"]),
                        firm_backward_weeks=firm.params["backward_weeks"],
                        firm_forward_weeks=firm.params["forward_weeks"])
    decay = evaluation.first("forecast_decay")
    if decay is not None:
        if decay.params["lead_days_min"] > decay.params["lead_days_max"]:
            raise ValueError("forecast_decay: lead_days_min is more than lead_days_max")
        forecast["forecast_lead_days"] = (decay.params["lead_days_min"], decay.params["lead_days_max"])
    approval = evaluation.first("plan_approval")
    ahead = evaluation.first("work_ahead")
    if ahead is not None:
        forecast["work_ahead_days"] = ahead.params["days_ahead"]
    return CapacityPolicy(
        plan_approval=None if approval is None else PlanApproval(approval.params["max_changes"],
                                                                 approval.params["max_broken_promises"]),
        reserve_share=share / 100, reserve_share_min=low / 100, reserve_share_max=high / 100,
        frozen_days=evaluation.first("frozen_window").params["days"],  # type: ignore[union-attr]
        cutoff_weekday=WEEKDAYS.choices.index(evaluation.first("weekly_cutoff").params["weekday"]),  # type: ignore[union-attr]
        overtime_share=evaluation.first("overtime_limit").params["percent"] / 100,  # type: ignore[union-attr]
        displacement=displacement,
        tier_allocations=allocations,
        **stock_first,
        **rush_inside,
        min_split_units=split_units,
        min_split_share=split_percent / 100,
        **forecast,
    )


@dataclass(frozen=True)
class ScoreComponentPolicy:
    kpi: str
    weight: float
    target: float
    higher_is_better: bool


@dataclass(frozen=True)
class CompanyTargetPolicy:
    """A company-level target (R13's joint bonus): when every one is met, both teams earn the bonus."""

    kpi: str
    target: float
    higher_is_better: bool
    reason: str | None = None


@dataclass(frozen=True)
class ScorecardPolicy:
    teams: dict[str, list[ScoreComponentPolicy]]  # SALES, PRODUCTION
    bonus_threshold: float  # attainment above which both teams earn the bonus, e.g. 0.9
    bonus_rate: float  # e.g. 0.05
    company_targets: tuple[CompanyTargetPolicy, ...] = ()
    missing_kpi: str = "LEAVE_OUT"  # LEAVE_OUT: renormalise the other weights; ZERO: count it as 0

    def summary(self) -> dict[str, Any]:
        weights = {f"weight.{team}.{c.kpi}": c.weight for team, cs in self.teams.items() for c in cs}
        company = {f"company_target.{t.kpi}": t.target for t in self.company_targets}
        return {"bonus_threshold": self.bonus_threshold, "bonus_rate": self.bonus_rate,
                "missing_kpi": self.missing_kpi, **weights, **company}


def scorecard_policy(evaluation: Evaluation) -> ScorecardPolicy:
    bonus = evaluation.first("bonus")
    if bonus is None:
        raise ValueError("scorecards must set a bonus (threshold, rate)")
    teams: dict[str, list[ScoreComponentPolicy]] = {"SALES": [], "PRODUCTION": []}
    for action in evaluation.all("set_weight"):
        p = action.params
        if any(c.kpi == p["kpi"] for c in teams[p["team"]]):
            raise ValueError(f"KPI {p['kpi']} is weighted twice for {p['team']}")
        teams[p["team"]].append(ScoreComponentPolicy(p["kpi"], p["weight"], p["target"], p["higher_is_better"]))
    for team, components in teams.items():
        total = sum(c.weight for c in components)
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"the weights of {team} add up to {total:g}, they must add up to 1")
    company = tuple(CompanyTargetPolicy(a.params["kpi"], a.params["target"], a.params["higher_is_better"],
                                        a.params.get("reason")) for a in evaluation.all("company_target"))
    missing = evaluation.first("missing_kpi")
    return ScorecardPolicy(teams, bonus.params["threshold"], bonus.params["rate"], company,
                           str(missing.params["policy"]) if missing is not None else "LEAVE_OUT")
