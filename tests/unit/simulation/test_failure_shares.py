"""On a day a failure takes hours off a line, the simulated floor makes the tasks of the orders promised first."""

from __future__ import annotations

from datetime import date

import pytest

from domain.simulation.shopfloor import failure_shares

TUESDAY = date(2027, 1, 5)


def test_the_hours_left_go_to_the_order_promised_first() -> None:
    # Tried: a 16 h day on L01 loses 8 h; a 4 h stock task (no order), a 4 h task of an order due in a month and a
    # 4 h rush task due today. Before, each was cut to half; the rush order was short and late.
    tasks = [("L01", 4.0, None), ("L01", 4.0, date(2027, 2, 5)), ("L01", 4.0, TUESDAY), ("L02", 3.0, None)]
    shares = failure_shares(tasks, {"L01": 8.0}, {"L01": 16.0, "L02": 16.0})
    # 6 h are still worked on L01 (the same as before): the rush task whole, the later order's half, no stock.
    assert shares == [pytest.approx(0.0), pytest.approx(0.5), pytest.approx(1.0), 1.0]


def test_a_line_without_a_failure_makes_everything() -> None:
    assert failure_shares([("L01", 4.0, None)], {}, {"L01": 16.0}) == [1.0]
