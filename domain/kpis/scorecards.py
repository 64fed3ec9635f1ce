"""Scorecards and bonus (R13): each team's weighted KPI attainment, and the company targets that pay both."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from domain.kpis.report import KpiReport

# Attainment is capped so one excellent KPI cannot hide a failing one.
ATTAINMENT_CAP = 1.2
LEAVE_OUT, ZERO = "LEAVE_OUT", "ZERO"


class ScoreComponentRule(Protocol):
    @property
    def kpi(self) -> str: ...
    @property
    def weight(self) -> float: ...
    @property
    def target(self) -> float: ...
    @property
    def higher_is_better(self) -> bool: ...


class CompanyTargetRule(Protocol):
    @property
    def kpi(self) -> str: ...
    @property
    def target(self) -> float: ...
    @property
    def higher_is_better(self) -> bool: ...


class ScorecardRules(Protocol):
    """What rules.ScorecardPolicy offers (rules.load_rulebook(folder).scorecards())."""

    @property
    def teams(self) -> Mapping[str, Sequence[ScoreComponentRule]]: ...
    @property
    def bonus_threshold(self) -> float: ...
    @property
    def bonus_rate(self) -> float: ...
    @property
    def company_targets(self) -> Sequence[CompanyTargetRule]: ...
    @property
    def missing_kpi(self) -> str: ...


@dataclass(frozen=True)
class ScoreComponent:
    kpi: str
    weight: float
    target: float
    higher_is_better: bool
    value: float | None
    attainment: float | None  # None when the KPI is null: left out (or 0 when the rule file says ZERO)


@dataclass(frozen=True)
class CompanyTarget:
    kpi: str
    target: float
    higher_is_better: bool
    value: float | None
    met: bool  # the value reaches the target; a KPI without data has not met it


@dataclass(frozen=True)
class Scorecard:
    team: str
    score: float
    bonus_eligible: bool
    bonus_rate: float  # the rule file's bonus rate, paid when bonus_eligible
    components: list[ScoreComponent]
    weight_with_data: float  # the weights of the KPIs that had data (1.0 when every one had)
    note: str | None  # how KPIs without data were counted, when some had none
    bonus_reason: str  # why the bonus is earned or not, in words
    company_targets: list[CompanyTarget]
    company_targets_met: bool | None  # None when the rule file sets no company target


def attainment(value: float | None, target: float, higher_is_better: bool) -> float | None:
    """value / target (target / value when lower is better), between 0 and ATTAINMENT_CAP."""
    if value is None:
        return None
    if higher_is_better:
        raw = value / target if target > 0 else ATTAINMENT_CAP
    else:
        raw = target / value if value > 0 else ATTAINMENT_CAP
    return max(0.0, min(raw, ATTAINMENT_CAP))


def company_targets(report: KpiReport, rules: ScorecardRules) -> list[CompanyTarget]:
    targets = []
    for rule in rules.company_targets:
        value = report.kpis[rule.kpi].value if rule.kpi in report.kpis else None
        met = value is not None and (value >= rule.target if rule.higher_is_better else value <= rule.target)
        targets.append(CompanyTarget(rule.kpi, rule.target, rule.higher_is_better, value, met))
    return targets


def _score(components: list[ScoreComponent], missing_kpi: str) -> tuple[float, float, str | None]:
    """The score, the weight of the KPIs with data, and a note when some had none."""
    counted = [c for c in components if c.attainment is not None]
    with_data = sum(c.weight for c in counted)
    raw = sum(c.weight * c.attainment for c in counted if c.attainment is not None)
    empty = [c.kpi for c in components if c.attainment is None]
    if not empty:
        return raw, with_data, None
    names, was = ", ".join(empty), "was" if len(empty) == 1 else "were"
    if missing_kpi == ZERO:
        return raw, with_data, f"{names} had no data and {was} counted as 0 (scorecards.yaml: missing_kpi ZERO)"
    if with_data <= 0:
        return 0.0, 0.0, f"no KPI of this scorecard had data ({names}): no score"
    return (raw / with_data, with_data,
            f"{names} had no data and {was} left out; the other weights ({with_data:.2f}) were scaled to 1")


def scorecards(report: KpiReport, rules: ScorecardRules) -> list[Scorecard]:
    """score = sum(weight x attainment) over the KPIs with data, renormalised unless the rule file says ZERO;
    a team earns the bonus at score >= threshold, and both teams do when every company target is met."""
    company = company_targets(report, rules)
    company_met = all(t.met for t in company) if company else None
    cards = []
    for team, rule_components in rules.teams.items():
        components = []
        for rule in rule_components:
            value = report.kpis[rule.kpi].value if rule.kpi in report.kpis else None
            components.append(ScoreComponent(rule.kpi, rule.weight, rule.target, rule.higher_is_better, value,
                                             attainment(value, rule.target, rule.higher_is_better)))
        score, with_data, note = _score(components, rules.missing_kpi)
        own = score >= rules.bonus_threshold and with_data > 0
        if company_met:
            reason = "the company targets are met: both teams earn the bonus (" + ", ".join(
                f"{t.kpi} {t.value:g} vs {t.target:g}" for t in company if t.value is not None) + ")"
        elif own:
            reason = f"score {score:.1%} >= threshold {rules.bonus_threshold:.0%}"
        else:
            reason = f"score {score:.1%} < threshold {rules.bonus_threshold:.0%}"
            if company_met is False:
                unmet = [t.kpi for t in company if not t.met]
                reason += f", and the company targets are not met ({', '.join(unmet)})"
        cards.append(Scorecard(team, score, own or bool(company_met), rules.bonus_rate, components, with_data,
                               note, reason, company, company_met))
    return cards
