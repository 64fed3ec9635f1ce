"""Whole units: rounding to lots, spreading a total over days, and how an order line splits."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from solver.units import nearest_units, split_line, spread_whole, whole_units

LOTS = st.sampled_from([None, 1.0, 5.0, 12.0, 50.0, 0.0])


def test_whole_units_rounds_down_to_whole_lots_but_forgives_round_off() -> None:
    """Input tried: 697.8499 units without a lot and in lots of 50; 799.9999999 (float noise for 800)."""
    assert whole_units(697.8499) == 697.0
    assert whole_units(697.8499, 50.0) == 650.0
    assert whole_units(799.9999999) == 800.0
    assert whole_units(-3.0) == 0.0


def test_nearest_units_per_row_lot() -> None:
    """Input tried: 102.4 and 102.6 units, then 130 and 120 in lots of 50 and 1."""
    assert nearest_units(np.array([102.4, 102.6])).tolist() == [102.0, 103.0]
    assert nearest_units(np.array([[130.0], [120.4]]), np.array([[50.0], [1.0]])).tolist() == [[150.0], [120.0]]


def test_the_issue_split_becomes_whole_units() -> None:
    """Input tried: the issue's 800 with 697.8499 ready in time (it shipped 697.8499 + 102.1501)."""
    assert split_line(800.0, 697.8499, None, 80.0) == (697.0, 103.0)
    assert split_line(800.0, 697.8499, 50.0, 80.0) == (650.0, 150.0)


def test_a_part_below_the_minimum_ships_with_the_rest_later() -> None:
    """Input tried: 800 with 60 ready (early under 80), with 790.5 ready (10 late, under 80), all ready."""
    assert split_line(800.0, 60.0, None, 80.0) == (0.0, 800.0)
    assert split_line(800.0, 790.5, None, 80.0) == (0.0, 800.0)
    assert split_line(800.0, 799.9999999, None, 80.0) == (800.0, 0.0)  # round-off: it is all ready
    assert split_line(800.5, 900.0, None, 80.0) == (800.5, 0.0)  # all ready: nothing to round


@given(lots=st.integers(1, 500), lot=LOTS, ready_share=st.floats(0.0, 1.3), min_share=st.floats(0.0, 0.6),
       min_units=st.floats(0.0, 100.0))
def test_split_parts_are_whole_lots_add_up_and_none_is_below_the_minimum(
    lots: int, lot: float | None, ready_share: float, min_share: float, min_units: float
) -> None:
    """Input tried: random order quantities in whole lots (lots of 1-50, or none), random shares of it
    ready by the requested date and random minimums (units and share of the line)."""
    step = lot if lot else 1.0
    quantity = lots * step
    ready = ready_share * quantity
    minimum = max(min_units, min_share * quantity)
    early, late = split_line(quantity, ready, lot, minimum)
    assert early + late == quantity
    assert early == round(early / step) * step and late == round(late / step) * step  # whole lots
    assert early <= ready + 1e-6 * step or late == 0  # never more early than is ready
    if early and late:
        assert early >= minimum - 1e-6 and late >= minimum - 1e-6
    if ready >= quantity:
        assert (early, late) == (quantity, 0.0)


@given(parts=st.lists(st.floats(0.0, 400.0), min_size=1, max_size=7), lot=LOTS)
def test_spread_whole_keeps_the_total_and_moves_no_part_by_a_lot(parts: list[float], lot: float | None) -> None:
    """Input tried: a route's week cut into up to 7 fractional daily quantities, with and without lots."""
    step = lot if lot else 1.0
    spread = spread_whole(np.array(parts), lot)
    assert spread.sum() == round(sum(parts) / step) * step
    assert np.all(np.abs(spread - np.array(parts)) < step + 1e-9)
    assert np.all(spread == np.round(spread / step) * step)


def test_spread_whole_leaves_out_a_unit_no_day_has_room_for() -> None:
    """Input tried: 2.5 + 2.5 units on two days with room for none more: 5 stays 4, not 5."""
    assert spread_whole(np.array([2.5, 2.5]), None, headroom=np.array([0.4, 0.0])).tolist() == [2.0, 2.0]
    assert spread_whole(np.array([2.5, 2.5]), None, headroom=np.array([0.0, 1.0])).tolist() == [2.0, 3.0]
