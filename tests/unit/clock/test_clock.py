"""The domain clock: pinning moves every reader of 'now' in domain/, and nothing in domain/ reads the wall clock."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from domain import bounds, clock
from domain.errors import InvalidInput
from domain.models import utcnow

DOMAIN = Path(__file__).resolve().parents[3] / "domain"
WALL_CLOCK = {("date", "today"), ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today")}


def test_pinned_day_and_instant_are_read_everywhere() -> None:
    with clock.pinned(date(2027, 3, 5)):
        assert clock.today() == date(2027, 3, 5)
        assert utcnow() == datetime(2027, 3, 5, 12, tzinfo=UTC)
        with clock.pinned(datetime(2027, 3, 6, 8, 30, tzinfo=UTC)):
            assert utcnow().date() == date(2027, 3, 6)
        assert clock.today() == date(2027, 3, 5)
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)


def test_a_pinned_past_is_the_present_for_past_only_instants() -> None:
    # A report for 2027-03-04 is in the future of a clock pinned on 2027-03-01: refused as it would be live.
    with clock.pinned(date(2027, 3, 1)):
        assert bounds.instant(datetime(2027, 3, 1, 9, tzinfo=UTC), ["at"], past_only=True) is not None
        with pytest.raises(InvalidInput, match="future"):
            bounds.instant(datetime(2027, 3, 4, tzinfo=UTC), ["at"], past_only=True)


def _wall_clock_calls(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
            if (name, node.func.attr) in WALL_CLOCK:
                found.append(f"{path.relative_to(DOMAIN.parent)}:{node.lineno}")
    return found


def test_nothing_in_domain_reads_the_wall_clock_but_the_clock() -> None:
    calls = [c for p in sorted(DOMAIN.rglob("*.py")) if p.name != "clock.py" for c in _wall_clock_calls(p)]
    assert calls == []
