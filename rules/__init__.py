"""Business rules: YAML files compiled to durable-rules, validated, explained and hot-reloaded."""

from rules.backtest import BacktestReport, compare
from rules.book import RULE_SETS, RuleBook, load_rulebook, load_rulebook_from_texts
from rules.errors import EngineError, FactRejected, InvalidFacts, RuleFileError, RulesError
from rules.live import LiveRules
from rules.model import Action, Evaluation, FiredRule, RuleInfo, RuleSetInfo
from rules.views import (
                         CapacityPolicy,
                         CompanyTargetPolicy,
                         CostAllocation,
                         CriterionVerdict,
                         Displacement,
                         PriorityOutcome,
                         ReviewOutcome,
                         RushOutcome,
                         ScorecardPolicy,
                         ScoreComponentPolicy,
                         SignOffRequest,
)

__all__ = [
    "RULE_SETS", "Action", "BacktestReport", "CapacityPolicy", "CompanyTargetPolicy", "CostAllocation",
    "CriterionVerdict", "Displacement", "EngineError", "Evaluation", "FactRejected", "FiredRule", "InvalidFacts",
    "LiveRules", "PriorityOutcome",
    "ReviewOutcome", "RuleBook", "RuleFileError", "RuleInfo", "RuleSetInfo", "RulesError", "RushOutcome",
    "ScoreComponentPolicy", "ScorecardPolicy", "SignOffRequest", "compare", "load_rulebook", "load_rulebook_from_texts",
]
