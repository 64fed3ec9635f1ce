"""A one-line plant for the seed's lifecycle scenarios, a GraphQL client per role, and the ledger check after each."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import httpx
import pytest
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from domain.capacity.calendar import week_start
from domain.capacity.checks import ledger_violations
from domain.db import session_scope
from domain.models import CapacityLedger, CustomerTier, ProductionLine, Routing, product_substitutes, utcnow
from tests.e2e.api.conftest import GraphQLClient, app, client  # noqa: F401 - fixtures used by the tests
from tests.factories import make_api_key, make_customer, make_product, make_production_line

# The API promises against the real (UTC) date, so every scenario is laid out from it.
TODAY = utcnow().date()
THIS_WEEK = week_start(TODAY)
# Due in 6 days: a strategic customer's order is then a STRATEGIC_RUSH (rules/rush.yaml), on any weekday.
RUSH_DUE = TODAY + timedelta(days=6)
RUSH_WEEK = week_start(RUSH_DUE)
WEEKLY_HOURS = 100.0
UNITS_PER_HOUR = 10.0


@dataclass(frozen=True)
class Plant:
    keys: dict[str, str]
    line_id: int


@pytest.fixture
def plant(db: Engine) -> Plant:
    """Line L1 (100 h/week, Mon-Fri, 10 W-1 an hour); W-1 (40% margin at list price, 10 in stock, safety
    stock 50) with substitute S-1 (1000 in stock); customers REG, KEY, STRAT and STRAT-B; a key per role,
    the partner bound to REG."""
    with session_scope(db) as s:
        line = make_production_line(s, "L1", weekly_capacity_hours=WEEKLY_HOURS)
        widget = make_product(s, "W-1", unit_cost="6", list_price="10", on_hand=10.0, safety_stock=50.0)
        spare = make_product(s, "S-1", unit_cost="6", list_price="10", on_hand=1000.0)
        s.add(Routing(line_id=line.id, product_id=widget.id, units_per_hour=UNITS_PER_HOUR))
        s.execute(product_substitutes.insert().values(product_id=widget.id, substitute_id=spare.id))
        regular = make_customer(s, "REG", CustomerTier.REGULAR)
        make_customer(s, "KEY", CustomerTier.KEY)
        make_customer(s, "STRAT", CustomerTier.STRATEGIC)
        make_customer(s, "STRAT-B", CustomerTier.STRATEGIC)
        keys = {role: make_api_key(s, role) for role in ("viewer", "mes", "planner", "admin")}
        keys["partner"] = make_api_key(s, "partner", [regular])
        return Plant(keys, line.id)


@pytest.fixture
def gql(client: httpx.AsyncClient, plant: Plant) -> GraphQLClient:  # noqa: F811 - the imported fixture
    """Sends the planner's key unless told otherwise."""
    return GraphQLClient(client, plant.keys["planner"])


def fill_regular_hours(db: Engine, through_week: date) -> None:
    """The plan in force uses every regular hour no promise holds, from this week through `through_week`;
    the rush reserve (12%) stays free. Missing ledger rows are added from the line's calendar."""
    with session_scope(db) as s:
        line = s.scalars(select(ProductionLine)).one()
        week = THIS_WEEK
        while week <= through_week:
            if s.scalar(select(CapacityLedger.id).where(CapacityLedger.week == week)) is None:
                s.add(CapacityLedger(line_id=line.id, week=week, capacity_hours=WEEKLY_HOURS,
                                     reserve_hours=WEEKLY_HOURS * 0.12, planned_hours=0.0, promised_hours=0.0,
                                     rush_hours_used=0.0, lost_hours=0.0))
            week += timedelta(weeks=1)
        s.flush()
        c = CapacityLedger.__table__.c
        s.execute(update(CapacityLedger).where(c.week <= through_week).values(
            planned_hours=c.capacity_hours - c.reserve_hours - c.lost_hours - c.promised_hours))


@pytest.fixture(autouse=True)
def sound_ledger(db: Engine) -> Iterator[None]:
    """No accepted order is ever promised capacity the plan does not have, whatever the scenario did."""
    yield
    with Session(db) as s:
        assert ledger_violations(s) == []
