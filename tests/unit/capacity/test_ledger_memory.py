"""The ledger held in memory gives the views load_ledger would read after the same hours were written."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from domain.capacity.ledger import LedgerView
from domain.capacity.ledger_memory import LedgerInMemory

WEEKS = [date(2026, 12, 7), date(2026, 12, 14)]


def _as_loaded(rows: dict[int, list[tuple[float, float, float, float, float, float]]], share: float = 1.0,
               ) -> LedgerView:
    """load_ledger's arithmetic on stored rows (capacity, reserve, lost, planned, promised, rush used): the first
    week open from `share` on (the running week after its frozen days), the others whole."""
    shares = [share, 1.0]
    residual = np.array([[s * (c - r - lost - p) - promised
                          for s, (c, r, lost, p, promised, _) in zip(shares, weeks, strict=True)]
                         for weeks in rows.values()])
    left = np.array([[c - lost - p - promised - used for c, r, lost, p, promised, used in weeks]
                     for weeks in rows.values()])
    reserve = np.minimum(np.array([[s * r - used for s, (_, r, _, _, _, used) in zip(shares, weeks, strict=True)]
                                   for weeks in rows.values()]), left)
    return LedgerView(list(rows), WEEKS, residual, reserve, np.full(len(rows), share), left=left)


@pytest.mark.parametrize("share", [1.0, 0.4])
def test_taking_hours_gives_what_reading_the_written_rows_gives(share: float) -> None:
    """Inputs: line 1 with free hours, line 2 over-promised in week 1 (negative residual, after an incident);
    regular and rush hours taken on both; week 1 whole, or the running week with 40% of it open (its promises
    exceed the open share, its reserve does not). Each view must equal load_ledger's on the rows as written."""
    rows = {1: [(40.0, 5.0, 0.0, 10.0, 5.0, 1.0), (40.0, 5.0, 0.0, 0.0, 0.0, 0.0)],
            2: [(40.0, 5.0, 20.0, 10.0, 12.0, 0.0), (30.0, 4.0, 0.0, 0.0, 3.0, 2.0)]}
    ledger = LedgerInMemory(_as_loaded(rows, share))
    taken = [(1, 0, 7.5, False), (1, 0, 2.0, True), (2, 1, 3.0, True), (2, 1, 10.0, False), (1, 1, 4.0, True)]
    for line_id, week, hours, from_reserve in taken:
        ledger.take(line_id, WEEKS[week], hours, from_reserve)
        c, r, lost, p, promised, used = rows[line_id][week]
        regular, rush = (0.0, hours) if from_reserve else (hours, 0.0)
        rows[line_id][week] = (c, r, lost, p, promised + regular, used + rush)
        expected, view = _as_loaded(rows, share), ledger.view([1, 2])
        assert view.residual == pytest.approx(expected.residual)
        assert view.reserve == pytest.approx(expected.reserve)
    assert ledger.view([2]).residual == pytest.approx(_as_loaded(rows, share).residual[1:])
    assert ledger.taken == {(1, WEEKS[0], False): 7.5, (1, WEEKS[0], True): 2.0, (2, WEEKS[1], True): 3.0,
                            (2, WEEKS[1], False): 10.0, (1, WEEKS[1], True): 4.0}
