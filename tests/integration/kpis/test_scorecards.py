"""Scorecards (R13) from the scorecard rule file; a reloaded weight changes the score without a restart."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

import rules
from domain.config import DEFAULT_RULES_DIR
from domain.kpis import KpiReport, KpiValue, Period, attainment, scorecards


def _report(**values: float | None) -> KpiReport:
    return KpiReport(
        Period(date(2024, 1, 1), date(2024, 4, 1)),
        {name: KpiValue(name, value, None, None) for name, value in values.items()},
    )


REPORT = _report(
    orderFulfillmentRate=0.95,  # target 0.95 -> 1.0
    forecastAccuracy=0.60,  # target 0.80 -> 0.75
    inventoryTurnover=9.0,  # target 6 -> 1.5, capped at 1.2
    rushOnTimeRate=0.45,  # target 0.90 -> 0.5
    rushInsertionSuccessRate=None,  # null -> no credit
    planCompletionRate=0.95,  # target 0.95 -> 1.0
    complaintRate=0.04,  # lower is better, target 0.02 -> 0.02 / 0.04 = 0.5
    orderResponseHours=12.0,  # lower is better, target 24 -> 24 / 12 = 2, capped at 1.2
)


def test_attainment_caps_and_inverts_for_lower_is_better() -> None:
    assert attainment(0.5, 1.0, True) == 0.5
    assert attainment(3.0, 1.0, True) == 1.2
    assert attainment(0.04, 0.02, False) == 0.5
    assert attainment(0.0, 0.02, False) == 1.2
    assert attainment(None, 0.02, False) is None


def test_scores_from_the_shipped_rule_file() -> None:
    policy = rules.load_rulebook(DEFAULT_RULES_DIR).scorecards()
    cards = {card.team: card for card in scorecards(REPORT, policy)}
    # SALES: 0.20 x 1.0 + 0.40 x 0.75 + 0.40 x 1.2 = 0.98 >= 0.90 -> bonus
    assert cards["SALES"].score == pytest.approx(0.98)
    assert cards["SALES"].bonus_eligible and cards["SALES"].bonus_rate == 0.05
    # PRODUCTION: 0.15 x 0.5 + 0.20 x 0 (null) + 0.30 x 1.0 + 0.20 x 0.5 + 0.15 x 1.2 = 0.655
    assert cards["PRODUCTION"].score == pytest.approx(0.655)
    assert not cards["PRODUCTION"].bonus_eligible
    null = next(c for c in cards["PRODUCTION"].components if c.kpi == "rushInsertionSuccessRate")
    assert null.value is None and null.attainment is None


def test_changing_a_weight_and_reloading_changes_the_score(tmp_path: Path) -> None:
    folder = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    live = rules.LiveRules(folder)
    before = {c.team: c.score for c in scorecards(REPORT, live.current.scorecards())}

    # a business user swaps the sales weights of fulfilment (0.20) and forecast accuracy (0.40)
    card = folder / "scorecards.yaml"
    text = card.read_text()
    text = text.replace("kpi: orderFulfillmentRate, weight: 0.20", "kpi: orderFulfillmentRate, weight: 0.40")
    text = text.replace("kpi: forecastAccuracy, weight: 0.40", "kpi: forecastAccuracy, weight: 0.20")
    text = text.replace("weight.SALES.orderFulfillmentRate: 0.20", "weight.SALES.orderFulfillmentRate: 0.40")
    card.write_text(text)
    live.reload()

    after = {c.team: c.score for c in scorecards(REPORT, live.current.scorecards())}
    # SALES: 0.40 x 1.0 + 0.20 x 0.75 + 0.40 x 1.2 = 1.03 (was 0.98); PRODUCTION unchanged
    assert before["SALES"] == pytest.approx(0.98)
    assert after["SALES"] == pytest.approx(1.03)
    assert after["PRODUCTION"] == pytest.approx(before["PRODUCTION"])
