"""Checks of a rule file as a whole, once each of its rules reads: what it must decide, and how often."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from rules.actions import ACTIONS, TEAMS
from rules.conditions import Always
from rules.coverage import coverage_problems

if TYPE_CHECKING:
    from rules.spec import ActionCall, RuleSpec

# (line, rule id or None, message)
Problem = tuple[int | None, str | None, str]

# the decision a rule set must always reach: a rule without `when` has to make it
DEFAULT_ACTION = {"review": "decide", "priority": "set_priority", "cost_allocation": "allocate_cost"}
# rule sets read with no order facts (RuleBook.capacity_policy(), .scorecards()): a `when` could never hold
ALWAYS_APPLY = ("capacity_policy", "scorecards")
# settings each of these rule sets gives exactly once
SETTINGS = {"capacity_policy": ("reserve_share", "frozen_window", "weekly_cutoff", "overtime_limit"),
            "scorecards": ("bonus",)}
# settings with a default in code (a rule file written before them still loads), given at most once
OPTIONAL_SETTINGS = {"capacity_policy": ("stock_first", "min_split", "rush_in_frozen_window", "forecast_consumption",
                                         "plan_approval", "rush_replaces_stock_tasks",
                                         "rush_takes_idle_hours", "rush_reserve_weeks", "forecast_decay",
                                         "work_ahead", "firm_before_forecast"),
                     "scorecards": ("missing_kpi",)}


def whole_file_problems(rule_set: str, rules: Sequence[RuleSpec], rules_line: int | None) -> list[Problem]:
    calls = [(rule, call) for rule in rules for call in rule.actions]
    problems = _default_rule(rule_set, rules, rules_line) + _settings_once(rule_set, calls, rules_line)
    problems += coverage_problems(rule_set, rules)
    if rule_set == "scorecards":
        problems += _weights(calls, rules_line)
    return problems


def _default_rule(rule_set: str, rules: Sequence[RuleSpec], rules_line: int | None) -> list[Problem]:
    action = DEFAULT_ACTION.get(rule_set)
    if action is None or any(isinstance(rule.condition, Always) and any(a.name == action for a in rule.actions)
                             for rule in rules):
        return []
    return [(rules_line, None, f"needs a default rule without 'when' that uses {action}, "
                               "so every order gets an answer")]


def _settings_once(rule_set: str, calls: list[tuple[RuleSpec, ActionCall]], rules_line: int | None) -> list[Problem]:
    problems: list[Problem] = []
    for name in (*SETTINGS.get(rule_set, ()), *OPTIONAL_SETTINGS.get(rule_set, ())):
        setting = [(rule, call) for rule, call in calls if call.name == name]
        if not setting and name in SETTINGS.get(rule_set, ()):
            params = ", ".join(f"{p.name}: ..." for p in ACTIONS[rule_set][name] if p.required)
            problems.append((rules_line, None, f"no rule sets {name}; add one with '- {name}: {{{params}}}'"))
        for rule, call in setting[1:]:
            problems.append((call.line, rule.id, f"{name} is set twice (lines {setting[0][1].line} and "
                                                 f"{call.line}); keep one"))
    return problems


def _weights(calls: list[tuple[RuleSpec, ActionCall]], rules_line: int | None) -> list[Problem]:
    problems: list[Problem] = []
    by_team: dict[str, list[ActionCall]] = defaultdict(list)
    first_line: dict[tuple[str, str], int | None] = {}
    for rule, call in calls:
        if call.name != "set_weight":
            continue
        # A shared KPI (revenue growth, inventory turnover) may sit in both scorecards, once in each.
        key = (call.params["team"], call.params["kpi"])
        if key in first_line:
            problems.append((call.line, rule.id, f"KPI {key[1]} is weighted twice for {key[0]} (lines "
                                                 f"{first_line[key]} and {call.line}); keep one"))
        first_line.setdefault(key, call.line)
        by_team[call.params["team"]].append(call)
    targets: dict[str, int | None] = {}
    for rule, call in calls:
        if call.name == "company_target":
            kpi = call.params["kpi"]
            if kpi in targets:
                problems.append((call.line, rule.id, f"the company target for {kpi} is set twice (lines "
                                                     f"{targets[kpi]} and {call.line}); keep one"))
            targets.setdefault(kpi, call.line)
    for team in TEAMS.choices:
        weights = by_team[team]
        total = sum(call.params["weight"] for call in weights)
        if not weights:
            problems.append((rules_line, None, f"no rule sets a weight for {team}; its weights must add up to 1"))
        elif abs(total - 1) > 1e-6:
            terms = " + ".join(f"{call.params['weight']:g} (line {call.line})" for call in weights)
            problems.append((weights[0].line, None, f"the {team} weights add up to {total:g}, they must add "
                                                    f"up to 1: {terms}"))
    return problems
