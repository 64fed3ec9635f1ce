"""The weekly plan nets firm orders against the forecast over the capacity policy's consumption window."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from domain.config import REPO_ROOT
from domain.planning.forecast_netting import ForecastDecay, family_pools, net_forecast, window_offsets
from rules import load_rulebook
from rules.views import CapacityPolicy

FORECAST = np.array([[10.0, 10.0, 10.0, 10.0], [10.0, 10.0, 10.0, 10.0]])


def test_by_default_an_order_nets_only_its_own_week() -> None:
    """Input: sku 0 ordered 25 in week 2 against a forecast of 10 a week: only week 2's 10 is netted (as before the
    window), the other weeks and sku 1 keep their forecast."""
    ordered = np.array([[0.0, 0.0, 25.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    assert net_forecast(FORECAST, ordered).tolist() == [[10, 10, 0, 10], [10, 10, 10, 10]]


def test_an_order_consumes_its_window_earliest_week_first() -> None:
    """Input: the same order with backward_weeks 2: it takes week 0's 10, week 1's 10, then 5 of its own week 2
    (earliest first, where the promise takes hours); week 3 (after it, forward_weeks 1 is its own week only) keeps its
    10. Without the window the plan would make 20 of the 25 units twice."""
    ordered = np.array([[0.0, 0.0, 25.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    assert net_forecast(FORECAST, ordered, backward_weeks=2).tolist() == [[0, 0, 5, 10], [10, 10, 10, 10]]
    assert net_forecast(FORECAST, ordered, backward_weeks=0, forward_weeks=2).tolist() == [
        [10, 10, 0, 0], [10, 10, 10, 10]]


def test_family_match_nets_the_rest_in_the_family_on_its_lines_in_hours() -> None:
    """Input: sku 0 (1 h a unit) ordered 45 in week 2, window 2 back; its own forecast covers 30, the 15 h left
    consume sku 1's (2 h a unit, same family, same line) forecast of week 0, the earliest: 7.5 of its 10 units.
    Sku 2 (same family, another line) and sku 3 (another family, same line) keep theirs; with SKU match sku 1 too."""
    ordered = np.zeros((4, 4))
    ordered[0, 2] = 45.0
    forecast = np.full((4, 4), 10.0)
    rates = np.array([1.0, 2.0, 1.0, 1.0])
    pools = family_pools(["a", "a", "a", "b"], np.array([0, 1, 2, 3]), np.array([0, 0, 1, 0]))
    assert pools == [[1], [0], [], []]
    family = net_forecast(forecast, ordered, match="FAMILY", backward_weeks=2, pools=pools, hours_per_unit=rates)
    assert family.tolist() == [[0, 0, 0, 10], [2.5, 10, 10, 10], [10, 10, 10, 10], [10, 10, 10, 10]]
    by_sku = net_forecast(forecast, ordered, match="SKU", backward_weeks=2, pools=pools, hours_per_unit=rates)
    assert by_sku[1].tolist() == [10, 10, 10, 10]


def test_the_window_follows_the_capacity_policy() -> None:
    """Input: the shipped window (SKU, 2 back, 1 forward) and match NONE (the ledger consumes nothing: own week)."""
    policy = CapacityPolicy(0.12, 0.10, 0.15, 3, 4, 0.10, forecast_match="SKU", forecast_backward_weeks=2,
                            forecast_forward_weeks=1)
    assert policy.forecast_netting == ("SKU", 2, 1)
    assert CapacityPolicy(0.12, 0.10, 0.15, 3, 4, 0.10, forecast_match="NONE").forecast_netting == ("SKU", 0, 1)
    assert window_offsets(2, 1) == [-2, -1, 0]
    assert window_offsets(0, 3) == [0, 1, 2]


def test_decay_keeps_of_a_near_week_only_the_forecast_still_to_be_ordered() -> None:
    """Input: customers order 10-42 days ahead; a Saturday replan (2027-01-02) of four weeks from Monday 01-04 whose
    Thursdays are 5, 12, 19 and 26 days ahead: 0, 1/16, 9/32 and 1/2 of a week's forecast are still to be ordered.
    Sku 0 has an order of 25 in week 2 (netted over its own week): the 0 left there stays 0; sku 1, unordered, keeps
    only those shares of its 10 a week. Without decay every week keeps its 10."""
    decay = ForecastDecay(date(2027, 1, 2), 10, 42)
    weeks = [date(2027, 1, 4) + timedelta(weeks=i) for i in range(4)]
    share = decay.still_to_order(weeks)
    assert share.tolist() == [0.0, 2 / 32, 9 / 32, 16 / 32]
    ordered = np.array([[0.0, 0.0, 25.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    net = net_forecast(FORECAST, ordered, still_to_order=share)
    assert net.tolist() == [[0.0, 0.625, 0.0, 5.0], [0.0, 0.625, 2.8125, 5.0]]
    assert net_forecast(FORECAST, ordered).tolist() == [[10, 10, 0, 10], [10, 10, 10, 10]]


def test_decay_with_equal_lead_days_is_a_hard_fence() -> None:
    """Input: lead_min = lead_max = 14 as of Monday 2027-01-04: weeks whose Thursday is under 14 days ahead (the
    running week, 3 days; next week, 10) plan no unordered forecast, later ones (17, 24 days) all of it."""
    decay = ForecastDecay(date(2027, 1, 4), 14, 14)
    weeks = [date(2027, 1, 4) + timedelta(weeks=i) for i in range(4)]
    assert decay.still_to_order(weeks).tolist() == [0.0, 0.0, 1.0, 1.0]


def test_the_decay_follows_the_capacity_policy() -> None:
    """Input: the shipped rules (FORECAST-DECAY 0-42 days) and a policy without the rule (None: the whole forecast)."""
    assert load_rulebook(REPO_ROOT / "rules").capacity_policy().forecast_lead_days == (0, 42)
    assert CapacityPolicy(0.12, 0.10, 0.15, 3, 4, 0.10).forecast_lead_days is None
