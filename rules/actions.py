"""The closed list of actions per rule set, with typed parameters a rule file may pass."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rules.errors import did_you_mean
from rules.vocabulary import CUSTOMER_TIERS, FieldType, enum, not_finite

CRITERIA = enum("CAPACITY", "MATERIAL", "TECHNOLOGY", "MARGIN")
OUTCOMES = enum("ACCEPT", "PROPOSE_DATE", "SPLIT", "REJECT")
WEEKDAYS = enum("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")
FORECAST_MATCH = enum("SKU", "FAMILY", "NONE")  # whose forecast hours a firm order may consume
TEAMS = enum("SALES", "PRODUCTION")
# Every KPI of the report (R12) may be weighted: the contract's eight and revenue, collection, output, yield, growth.
KPIS = enum("orderFulfillmentRate", "complaintRate", "orderResponseHours", "rushInsertionSuccessRate",
            "rushOnTimeRate", "planCompletionRate", "inventoryTurnover", "forecastAccuracy", "revenue",
            "collectionRate", "output", "yield", "revenueGrowth")
# What a scorecard does with a KPI that has no data in the period (an empty denominator).
MISSING_KPI_POLICIES = enum("LEAVE_OUT", "ZERO")
# The people a review may route an order to (R3): the API roles that sign off (domain/models/enums.py Role).
SIGN_OFF_ROLES = enum("technology", "purchasing", "production", "finance", "sales")


@dataclass(frozen=True)
class Param:
    name: str
    type: FieldType
    required: bool = True
    minimum: float | None = None
    maximum: float | None = None
    is_list: bool = False
    why: str = ""  # why the bounds are what they are, told with a value outside them


def _p(name: str, kind: str, **options: Any) -> Param:
    return Param(name, FieldType(kind), **options)


def _e(name: str, field_type: FieldType, **options: Any) -> Param:
    return Param(name, field_type, **options)


REASON = _p("reason", "text", required=False)
_RESERVE_WHY = ("holding back more than half of each line's capacity for rush orders leaves too little "
                "for the planned orders (the brief's range is 10-15)")
_ALLOCATION_WHY = "holding more than half of each line-week for one customer tier starves the others"
_EXPIRY_WHY = "the rush order waits for the answer: more than 30 days leaves it without a promise too long"
_HOLD_WHY = "a tentative hold longer than 30 days keeps capacity from orders that need nobody's sign-off"
_SPLIT_WHY = "a part above half the line would leave the other part below the minimum, so nothing could split"

# rule set name -> action name -> parameters; the first action listed is the set's main decision
ACTIONS: dict[str, dict[str, tuple[Param, ...]]] = {
    "review": {
        "decide": (_e("outcome", OUTCOMES), REASON, _p("delay_days", "int", required=False, minimum=0)),
        "fail_criterion": (_e("criterion", CRITERIA), REASON),
        "pass_criterion": (_e("criterion", CRITERIA), REASON),
        # The order waits RECEIVED for this role's sign-off, holding its capacity and stock for hold_hours.
        "require_sign_off": (_e("role", SIGN_OFF_ROLES),
                             _p("hold_hours", "int", minimum=1, maximum=720, why=_HOLD_WHY), REASON),
    },
    "rush": {
        "mark_rush": (_p("tier", "text"), _p("may_displace", "bool"), _p("may_be_moved", "bool"), REASON),
    },
    "priority": {
        "set_priority": (_p("tier", "text"), _p("score", "number"),
                         _p("margin_weight", "number", required=False, minimum=0), REASON),
    },
    "capacity_policy": {
        "reserve_share": tuple(_p(name, "number", minimum=0, maximum=50, why=_RESERVE_WHY)
                              for name in ("percent", "min_percent", "max_percent")),
        "frozen_window": (_p("days", "int", minimum=0, maximum=7),),
        "weekly_cutoff": (_e("weekday", WEEKDAYS),),
        "displacement": (_p("rush_tier", "text"), _p("may_move", "text", is_list=True),
                         _p("may_split", "text", is_list=True), _p("negotiate", "text", is_list=True, required=False),
                         _p("expiry_hours", "int", required=False, minimum=1, maximum=720, why=_EXPIRY_WHY)),
        "overtime_limit": (_p("percent", "number", minimum=0, maximum=100),),
        "stock_first": (_p("take_safety_stock", "bool"), _p("handling_days", "int", minimum=0, maximum=30),
                        _p("rush_takes_safety_stock", "bool", required=False)),
        "tier_allocation": (_e("customer_tier", CUSTOMER_TIERS),
                            _p("percent", "number", minimum=0, maximum=50, why=_ALLOCATION_WHY),
                            _p("release_days", "int", minimum=0, maximum=90)),
        "rush_in_frozen_window": (_p("use_reserve", "bool"), _p("lead_days", "int", minimum=0, maximum=7),
                                  _p("arrival_day_fallback", "bool", required=False)),
        "rush_replaces_stock_tasks": (_p("replace", "bool"),),
        "rush_takes_idle_hours": (_p("use", "bool"), _p("postpone_tasks", "bool", required=False),
                                  _p("move_order_tasks", "bool", required=False),
                                  _p("slack_days", "int", required=False, minimum=0, maximum=90),
                                  _p("overtime", "bool", required=False),
                                  _p("overtime_same_day", "bool", required=False),
                                  _p("beyond_reserve", "bool", required=False),
                                  _p("shift_tasks", "bool", required=False),
                                  _p("overtime_adds_hours", "bool", required=False),
                                  _p("same_day_tasks", "bool", required=False)),
        "rush_reserve_weeks": (_p("before_due", "int", minimum=0, maximum=52),
                               _p("days_ahead", "int", required=False, minimum=0, maximum=365),
                               _p("running_week_too", "bool", required=False)),
        "min_split": (_p("units", "number", minimum=0), _p("percent", "number", minimum=0, maximum=50,
                                                            why=_SPLIT_WHY)),
        "forecast_consumption": (_e("match", FORECAST_MATCH), _p("backward_weeks", "int", minimum=0, maximum=8),
                                 _p("forward_weeks", "int", minimum=0, maximum=8)),
        "firm_before_forecast": (_e("customer_tiers", CUSTOMER_TIERS, is_list=True),
                                 _p("backward_weeks", "int", minimum=0, maximum=13),
                                 _p("forward_weeks", "int", minimum=0, maximum=8)),
        "forecast_decay": (_p("lead_days_min", "int", minimum=0, maximum=182),
                           _p("lead_days_max", "int", minimum=0, maximum=182)),
        "work_ahead": (_p("days_ahead", "int", minimum=0, maximum=182),),
        "plan_approval": (_p("max_changes", "int", minimum=0, maximum=100_000),
                          _p("max_broken_promises", "int", minimum=0, maximum=100_000)),
    },
    "cost_allocation": {
        "allocate_cost": (_p("sales_share", "number", minimum=0, maximum=1),
                          _p("production_share", "number", minimum=0, maximum=1), REASON),
    },
    "scorecards": {
        "set_weight": (_e("team", TEAMS), _e("kpi", KPIS), _p("weight", "number", minimum=0, maximum=1),
                       _p("target", "number"), _p("higher_is_better", "bool")),
        "bonus": (_p("threshold", "number", minimum=0, maximum=1), _p("rate", "number", minimum=0, maximum=1)),
        "company_target": (_e("kpi", KPIS), _p("target", "number"), _p("higher_is_better", "bool"), REASON),
        "missing_kpi": (_e("policy", MISSING_KPI_POLICIES),),
    },
}


def check_action(rule_set: str, name: str, raw: Any) -> tuple[dict[str, Any], list[str]]:
    """Typed parameters of one action call, and the problems found (empty when fine)."""
    allowed = ACTIONS[rule_set]
    if name not in allowed:
        elsewhere = [rs for rs, actions in ACTIONS.items() if name in actions]
        hint = f"; '{name}' belongs to {elsewhere[0]}.yaml" if elsewhere else ""
        return {}, [f"unknown action '{name}'{did_you_mean(name, allowed)}{hint}; "
                    f"{rule_set} rules may use: {', '.join(allowed)}"]
    if not isinstance(raw, dict):
        return {}, [f"action '{name}' needs its parameters as a mapping, e.g. {{{allowed[name][0].name}: ...}}"]
    params, problems = {}, []
    known = {param.name: param for param in allowed[name]}
    for key in raw:
        if key not in known:
            problems.append(f"action '{name}' has no parameter '{key}'{did_you_mean(key, known)}")
    for param in allowed[name]:
        if param.name not in raw:
            if param.required:
                problems.append(f"action '{name}' needs parameter '{param.name}'")
            continue
        value, problem = _check_param(name, param, raw[param.name])
        if problem:
            problems.append(problem)
        else:
            params[param.name] = value
    if not problems and name in _CROSS_CHECKS:
        problems.extend(filter(None, [_CROSS_CHECKS[name](params)]))
    return params, problems


def _shares_add_up(p: dict[str, Any]) -> str | None:
    total = p["sales_share"] + p["production_share"]
    return None if abs(total - 1) < 1e-9 else f"sales_share + production_share must be 1, got {total:g}"


def _share_within_bounds(p: dict[str, Any]) -> str | None:
    inside = p["min_percent"] <= p["percent"] <= p["max_percent"]
    return None if inside else (f"reserve_share percent {p['percent']:g} must lie between "
                                f"min_percent {p['min_percent']:g} and max_percent {p['max_percent']:g}")


def _moved_or_negotiated(p: dict[str, Any]) -> str | None:
    both = sorted(set(p["may_move"]) & set(p.get("negotiate", ())))
    return None if not both else (f"displacement of {p['rush_tier']}: {', '.join(both)} is both in may_move (moved "
                                  "without asking) and in negotiate (asked first); list it in one of them")


_CROSS_CHECKS = {"allocate_cost": _shares_add_up, "reserve_share": _share_within_bounds,
                 "displacement": _moved_or_negotiated}


def _check_param(action: str, param: Param, value: Any) -> tuple[Any, str | None]:
    if param.is_list:
        if not isinstance(value, list):
            return None, f"{action}.{param.name} needs a list, e.g. [P3, P4], got {value!r}"
        checked = [_check_param(action, Param(param.name, param.type), item) for item in value]
        problem = next((p for _, p in checked if p), None)
        return tuple(v for v, _ in checked), problem
    odd = not_finite(value)
    if odd:
        return None, f"{action}.{param.name} needs a plain number, got {odd}"
    if not param.type.accepts(value):
        got = "text" if isinstance(value, str) else type(value).__name__
        hint = did_you_mean(value, param.type.choices) if isinstance(value, str) else ""
        return None, f"{action}.{param.name} is {param.type.describe()}, got {got} {value!r}{hint}"
    if (param.minimum is not None and value < param.minimum) or (param.maximum is not None and value > param.maximum):
        why = f": {param.why}" if param.why else ""
        return None, f"{action}.{param.name} must be {_bounds(param)}, got {value}{why}"
    return (float(value) if param.type.kind == "number" else value), None


def _bounds(param: Param) -> str:
    if param.minimum is not None and param.maximum is not None:
        return f"between {param.minimum:g} and {param.maximum:g}"
    return f"at least {param.minimum:g}" if param.minimum is not None else f"at most {param.maximum:g}"
