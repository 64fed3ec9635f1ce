"""Replay facts through the live and a candidate rule book and report what would change."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tqdm import tqdm

from rules.book import RULE_SETS, RuleBook
from rules.views import ReviewOutcome

# the field of each rule set's outcome that a business user calls "the decision"
DECISION_KEY = {"review": "decision", "rush": "tier", "priority": "tier", "cost_allocation": "sales_share",
                "capacity_policy": "reserve_share", "scorecards": "bonus_rate"}
# rule sets of settings, read without an order's facts: compared once, not replayed per order
SETTINGS_SETS = ("capacity_policy", "scorecards")


def differing_rule_sets(live: RuleBook, candidate: RuleBook) -> tuple[list[str], list[str]]:
    """(rule sets whose files differ, rule sets whose files are the same), each in RULE_SETS order."""
    changed = [name for name in RULE_SETS if live.compiled(name).version != candidate.compiled(name).version]
    return changed, [name for name in RULE_SETS if name not in changed]


@dataclass(frozen=True)
class SettingsReport:
    rule_set: str
    changes: list[tuple[str, Any, Any]]  # (setting, live, candidate)

    def to_table(self) -> str:
        if not self.changes:
            return f"settings of {self.rule_set}: the file differs, no setting changes"
        lines = [f"settings of {self.rule_set}: {len(self.changes)} would change"]
        lines += [f"  {name:<32}{_show(old):>14} -> {_show(new)}" for name, old, new in self.changes]
        return "\n".join(lines)


def compare_settings(live: RuleBook, candidate: RuleBook, rule_set: str) -> SettingsReport:
    """The settings (capacity_policy, scorecards) the candidate gives differently."""
    before, after = live.outcome(rule_set, {}).summary(), candidate.outcome(rule_set, {}).summary()
    names = list(dict.fromkeys([*before, *after]))
    return SettingsReport(rule_set, [(name, before.get(name), after.get(name)) for name in names
                                     if before.get(name) != after.get(name)])


@dataclass(frozen=True)
class RuleChange:
    rule: str
    live: int
    candidate: int


@dataclass(frozen=True)
class DecisionChange:
    index: int
    key: str  # e.g. the order code when the facts carry one, else the line number
    live: Any
    candidate: Any
    # review: each criterion whose verdict or message would change, as the candidate words it
    criteria: tuple[str, ...] = ()


@dataclass
class BacktestReport:
    rule_set: str
    live_version: str
    candidate_version: str
    evaluated: int = 0
    rules: list[RuleChange] = field(default_factory=list)
    changes: list[DecisionChange] = field(default_factory=list)
    # review: orders whose decision stays but a criterion's verdict or figures would change
    criterion_changes: list[DecisionChange] = field(default_factory=list)

    def to_table(self, max_orders: int = 50) -> str:
        lines = [f"backtest of {self.rule_set}: live {self.live_version} vs candidate "
                 f"{self.candidate_version} over {self.evaluated} orders",
                 "", f"{'rule':<28}{'live':>10}{'candidate':>12}{'change':>10}"]
        for rule in self.rules:
            lines.append(f"{rule.rule:<28}{rule.live:>10}{rule.candidate:>12}{rule.candidate - rule.live:>+10}")
        lines += ["", f"{len(self.changes)} orders would change {DECISION_KEY[self.rule_set]}"]
        lines += _listed(self.changes, max_orders)
        if self.rule_set == "review":
            lines += ["", f"{len(self.criterion_changes)} more orders would change a criterion's verdict or figures"]
            lines += _listed(self.criterion_changes, max_orders)
        return "\n".join(lines)


def _listed(changes: list[DecisionChange], max_orders: int) -> list[str]:
    lines = []
    for change in changes[:max_orders]:
        if change.live != change.candidate:
            lines.append(f"  {change.key:<26}{_show(change.live):>14} -> {_show(change.candidate)}")
        else:
            lines.append(f"  {change.key:<26}{_show(change.live):>14}")
        lines += [f"      {text}" for text in change.criteria]
    if len(changes) > max_orders:
        lines.append(f"  ... and {len(changes) - max_orders} more")
    return lines


def compare(live: RuleBook, candidate: RuleBook, rule_set: str, facts: Iterable[Mapping[str, Any]],
            progress: bool = False, keys: Iterable[str] | None = None,
            details: Iterable[Mapping[str, str]] | None = None) -> BacktestReport:
    """Per rule: how often it fires under each book; per order: where the decision differs.

    keys optionally names each order (e.g. order codes) in the same order as facts; details gives, per order,
    the figures the review stored beside the rules' own (components short, full lines), by criterion.
    """
    report = BacktestReport(rule_set, live.version, candidate.version)
    fired_live: Counter[str] = Counter()
    fired_candidate: Counter[str] = Counter()
    decision = DECISION_KEY[rule_set]
    key_iter = iter(keys) if keys is not None else None
    detail_iter = iter(details) if details is not None else None
    rows = tqdm(facts, desc=f"backtest {rule_set}", unit="order", disable=not progress)
    for index, order_facts in enumerate(rows):
        key = next(key_iter) if key_iter is not None else f"#{index + 1}"
        before = live.outcome(rule_set, order_facts)
        after = candidate.outcome(rule_set, order_facts)
        fired_live.update(rule.rule for rule in before.fired)
        fired_candidate.update(rule.rule for rule in after.fired)
        old, new = before.summary()[decision], after.summary()[decision]
        criteria: tuple[str, ...] = ()
        if rule_set == "review":
            criteria = _criteria_changes(before, after, next(detail_iter) if detail_iter is not None else {})
        if old != new:
            report.changes.append(DecisionChange(index, key, old, new, criteria))
        elif criteria:
            report.criterion_changes.append(DecisionChange(index, key, old, new, criteria))
        report.evaluated += 1
    names = list(dict.fromkeys([*_rule_ids(live, rule_set), *_rule_ids(candidate, rule_set)]))
    report.rules = [RuleChange(name, fired_live[name], fired_candidate[name]) for name in names]
    return report


def _criteria_changes(before: ReviewOutcome, after: ReviewOutcome, details: Mapping[str, str]) -> tuple[str, ...]:
    """'MARGIN fail -> pass: Gross margin reaches ...: margin 9 % >= 8 % for STRATEGIC', per criterion that changes."""
    changes = []
    for name, verdict in after.criteria.items():
        was = before.criteria[name]
        if (was.passed, was.message) == (verdict.passed, verdict.message):
            continue
        message = verdict.with_figures(details.get(name, "")).message  # worded as the service would word it
        changes.append(f"{name} {_verdict(was.passed)} -> {_verdict(verdict.passed)}: {message}")
    return tuple(changes)


def _verdict(passed: bool) -> str:
    return "pass" if passed else "fail"


def _rule_ids(book: RuleBook, rule_set: str) -> list[str]:
    return [rule.id for rule in book.compiled(rule_set).spec.rules]


def _show(value: Any) -> str:
    return "none" if value is None else str(value)
