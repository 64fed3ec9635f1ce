"""Scorecards and bonus (R13): each team's weighted KPI attainment against the rule file's targets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from domain.kpis.report import KpiReport

# Attainment is capped so one excellent KPI cannot hide a failing one.
ATTAINMENT_CAP = 1.2


class ScoreComponentRule(Protocol):
    @property
    def kpi(self) -> str: ...
    @property
    def weight(self) -> float: ...
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


@dataclass(frozen=True)
class ScoreComponent:
    kpi: str
    weight: float
    target: float
    higher_is_better: bool
    value: float | None
    attainment: float | None  # None when the KPI is null: it then adds nothing to the score


@dataclass(frozen=True)
class Scorecard:
    team: str
    score: float
    bonus_eligible: bool
    bonus_rate: float  # the rule file's bonus rate, paid when bonus_eligible
    components: list[ScoreComponent]


def attainment(value: float | None, target: float, higher_is_better: bool) -> float | None:
    """value / target (target / value when lower is better), between 0 and ATTAINMENT_CAP."""
    if value is None:
        return None
    if higher_is_better:
        raw = value / target if target > 0 else ATTAINMENT_CAP
    else:
        raw = target / value if value > 0 else ATTAINMENT_CAP
    return max(0.0, min(raw, ATTAINMENT_CAP))


def scorecards(report: KpiReport, rules: ScorecardRules) -> list[Scorecard]:
    """score = sum(weight x attainment); the bonus is earned when score >= the rule file's threshold."""
    cards = []
    for team, rule_components in rules.teams.items():
        components = []
        for rule in rule_components:
            value = report.kpis[rule.kpi].value if rule.kpi in report.kpis else None
            components.append(
                ScoreComponent(
                    rule.kpi,
                    rule.weight,
                    rule.target,
                    rule.higher_is_better,
                    value,
                    attainment(value, rule.target, rule.higher_is_better),
                )
            )
        score = sum(c.weight * c.attainment for c in components if c.attainment is not None)
        eligible = score >= rules.bonus_threshold
        cards.append(Scorecard(team, score, eligible, rules.bonus_rate, components))
    return cards
