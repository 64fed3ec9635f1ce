"""Target breakdown (R1, R2): seasonality from last year, a launch mix, capacity gaps and the capped target."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.orm import Session

from domain.errors import InvalidInput
from domain.kpis.targets import MixTarget, plan_targets
from domain.models import OrderStatus as S
from domain.models import Routing
from tests.integration.kpis.factories import customer, line, order, product


def test_quarterly_volumes_gaps_and_capped_target(session: Session) -> None:
    a, b = product(session, "A1", family="A"), product(session, "B1", family="B")
    l1, l2 = line(session, "L1", weekly_hours=10), line(session, "L2", weekly_hours=10)
    session.add_all(
        [
            Routing(line_id=l1.id, product_id=a.id, units_per_hour=1.0),
            Routing(line_id=l2.id, product_id=b.id, units_per_hour=0.25),
        ]
    )
    c = customer(session)
    # 2023: A sells 100 units at 10 in Q1 and in Q2; B 50 units at 20 in Q1 (unit price = 2 x unit cost)
    order(session, c, S.SHIPPED, requested=date(2023, 2, 1), lines=[(a, 100, "5")])
    order(session, c, S.SHIPPED, requested=date(2023, 5, 1), lines=[(a, 100, "5")])
    order(session, c, S.SHIPPED, requested=date(2023, 3, 1), lines=[(b, 50, "10")])
    order(session, c, S.CANCELLED, requested=date(2023, 3, 1), lines=[(b, 500, "10")])  # withdrawn
    session.commit()

    plan = plan_targets(session, 2024, 0.20, [MixTarget("A", 0.50, quarter=2)], reserve_share=0.0)
    # last year 1000 + 1000 + 1000 = 3000; target 3600; A in Q2 +50% -> 1500;
    # the rest (2000) grows (3600 - 1500) / 2000 - 1 = 5%
    assert (plan.last_year_revenue, plan.target_revenue) == (3000, pytest.approx(3600))
    cells = {(t.family, t.quarter): t for t in plan.targets}
    assert cells["A", 1].growth == pytest.approx(0.05) and cells["A", 1].volume == pytest.approx(105)
    assert cells["A", 2].volume == pytest.approx(150)
    assert cells["B", 1].volume == pytest.approx(52.5)
    # capacity per line-quarter: 10 h x 13 weeks = 130 h
    # L1 Q2 needs 150 units x 1 h = 150 h (20 short); L2 Q1 needs 52.5 x 4 h = 210 h (80 short)
    gaps = {(g.line_code, g.quarter): g.short_hours for g in plan.gaps}
    assert gaps == {("L2", 1): pytest.approx(80), ("L1", 2): pytest.approx(20)}
    # capped: A Q1 105 x 10 = 1050; A Q2 130 x 10 = 1300; B Q1 52.5 x 130/210 = 32.5 units x 20 = 650
    assert cells["B", 1].capped_volume == pytest.approx(32.5)
    assert plan.capped_revenue == pytest.approx(3000)


def test_targets_need_last_years_orders(session: Session) -> None:
    # tried: a year with no orders the year before
    with pytest.raises(InvalidInput, match="no orders in 2023"):
        plan_targets(session, 2024, 0.2)
