"""Retiring through GraphQL is refused (IN_USE, with the reason) while open orders or their hours use the record;
what is retired leaves new orders but stays readable. A holiday lowers the ledger's capacity with `sop check`
clean, and one that would strand promised hours is refused."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from click.testing import CliRunner
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from cli import cli
from domain import clock
from domain.capacity.calendar import week_start
from domain.db import session_scope
from domain.models import (
    AuditEntry,
    CapacityLedger,
    Customer,
    ForecastHours,
    LineCalendarDay,
    OrderStatus,
    Product,
    ProductionLine,
)
from tests.e2e.api.conftest import GraphQLClient
from tests.e2e.masterdata.conftest import CHANGES, Shop
from tests.factories import make_order

RETIRE = "mutation($input: RetireInput!) {{ {field}(input: $input) {{ {changes} }} }}"
CALENDAR = f"mutation($input: CalendarDayInput!) {{ upsertCalendarDay(input: $input) {{ {CHANGES} }} }}"
CREATE = """mutation($input: OrderInput!) { createOrder(input: $input) { order { code status }
  errors { field message code } } }"""
QUOTE = """mutation($input: OrderInput!) { quoteOrder(input: $input) { errors { field message code } } }"""
PRODUCTS = "{ products { edges { node { sku } } } }"


async def retire(gql: GraphQLClient, field: str, code: str, reason: str | None = None) -> dict[str, Any]:
    answer = await gql(RETIRE.format(field=field, changes=CHANGES), {"input": {"code": code, "reason": reason}})
    assert "errors" not in answer, answer
    result: dict[str, Any] = answer["data"][field]
    return result


def order_input(customer: str, sku: str, quantity: float, weeks: int) -> dict[str, Any]:
    due = clock.today() + timedelta(weeks=weeks)
    return {"input": {"customerCode": customer, "requestedDate": due.isoformat(),
                      "lines": [{"sku": sku, "quantity": quantity}]}}


def sop_check(db_url: str) -> str:
    result = CliRunner().invoke(cli, ["check"], env={"SOP_DATABASE_URL": db_url})
    assert result.exit_code == 0, result.output
    return result.output


async def test_retiring_a_product_with_open_orders_is_refused_and_a_retired_one_leaves_new_orders(
        gql: GraphQLClient, shop: Shop, db: Engine) -> None:
    """Tried: retiring W-1, which an open (RECEIVED) order uses; then retiring W-2, quoting it, retiring it twice."""
    with session_scope(db) as s:
        own = s.scalars(select(Customer).where(Customer.code == "OWN")).one()
        w1 = s.scalars(select(Product).where(Product.sku == "W-1")).one()
        make_order(s, own, code="OPEN-1", status=OrderStatus.RECEIVED, lines=[(w1, 5, None)])
    refused = await retire(gql, "retireProduct", "W-1")
    [error] = refused["errors"]
    assert (error["code"], error["field"]) == ("IN_USE", ["code"]) and "OPEN-1" in error["message"], error
    retired = await retire(gql, "retireProduct", "W-2", "replaced by W-1")
    [change] = retired["changes"]
    assert (change["action"], change["version"], change["after"]["reason"]) == ("RETIRE", 1, "replaced by W-1")
    assert change["before"]["retired_at"] is None and change["after"]["retired_at"] is not None
    quote = (await gql(QUOTE, order_input("OWN", "W-2", 5, 4)))["data"]["quoteOrder"]
    assert [(e["code"], e["field"]) for e in quote["errors"]] == [("INVALID", ["lines", "0", "sku"])], quote
    assert "retired" in quote["errors"][0]["message"]
    again = await retire(gql, "retireProduct", "W-2")
    assert [e["code"] for e in again["errors"]] == ["INVALID_TRANSITION"]
    listed = await gql(PRODUCTS)  # history stays readable: the retired product is still listed
    assert {edge["node"]["sku"] for edge in listed["data"]["products"]["edges"]} == {"W-1", "W-2"}
    with Session(db) as s:
        assert s.scalar(select(Product.retired_at).where(Product.sku == "W-1")) is None
        assert s.scalar(select(func.count(AuditEntry.id))) == 1


async def test_customers_and_lines_in_use_are_kept(gql: GraphQLClient, db: Engine) -> None:
    """Tried: retiring line L1 while an accepted order holds its hours, customer OWN while that order is open;
    then retiring OTHER and L2 (unused) and ordering for OTHER."""
    created = (await gql(CREATE, order_input("OWN", "W-1", 100, 4)))["data"]["createOrder"]
    assert created["errors"] == [] and created["order"]["status"] == "ACCEPTED", created
    code = created["order"]["code"]
    for field, record in (("retireProductionLine", "L1"), ("retireCustomer", "OWN")):
        [error] = (await retire(gql, field, record))["errors"]
        assert error["code"] == "IN_USE" and code in error["message"], error
    assert (await retire(gql, "retireProductionLine", "L2"))["errors"] == []
    assert (await retire(gql, "retireCustomer", "OTHER"))["errors"] == []
    refused = (await gql(CREATE, order_input("OTHER", "W-1", 5, 4)))["data"]["createOrder"]
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("INVALID", ["customerCode"])], refused
    with Session(db) as s:
        retired = dict(s.execute(select(ProductionLine.code, ProductionLine.retired_at)).all())
        assert retired["L1"] is None and retired["L2"] is not None


def count_empty_weeks(db: Engine, weeks: int = 16) -> None:
    """L1's next weeks in the ledger with nothing promised, as a replan leaves them: createOrder writes only the rows
    it takes hours from (it decides on imagined rows first, issue 15), so a free week has none until then."""
    this_week = week_start(clock.today())
    with session_scope(db) as s:
        line = s.scalar(select(ProductionLine.id).where(ProductionLine.code == "L1"))
        known = set(s.scalars(select(CapacityLedger.week).where(CapacityLedger.line_id == line)))
        for week in (this_week + timedelta(weeks=n) for n in range(1, weeks)):
            if week not in known:
                s.add(CapacityLedger(line_id=line, week=week, capacity_hours=80.0, reserve_hours=80.0 * 0.12,
                                     planned_hours=0.0, promised_hours=0.0, lost_hours=0.0, rush_hours_used=0.0))


def ledger(db: Engine) -> dict[date, CapacityLedger]:
    with Session(db) as s:
        line = s.scalar(select(ProductionLine.id).where(ProductionLine.code == "L1"))
        return {row.week: row for row in s.scalars(select(CapacityLedger).where(CapacityLedger.line_id == line))}


async def test_a_holiday_lowers_the_ledger_and_sop_check_stays_clean(gql: GraphQLClient, db: Engine,
                                                                      db_url: str) -> None:
    """L1 works 80 h over Mon-Fri (16 h a day). Tried: a holiday on a Monday of a week the ledger already counts
    (capacity 80 -> 64, reserve with it), then a holiday in a week whose regular hours open orders fill (refused,
    IN_USE: nothing written, the ledger unchanged), then an extra Saturday shift on every line."""
    created = (await gql(CREATE, order_input("OWN", "W-1", 2000, 10)))["data"]["createOrder"]
    assert created["errors"] == [], created
    count_empty_weeks(db)
    before = ledger(db)
    this_week = week_start(clock.today())
    full = max((w for w in before if w > this_week), key=lambda w: before[w].promised_hours)
    free = max(w for w in before if before[w].promised_hours == 0)
    assert before[full].promised_hours > 60 and before[free].capacity_hours == 80.0, before
    holiday = (await gql(CALENDAR, {"input": {"lineCode": "L1", "day": free.isoformat(), "hours": 0}}))
    [change] = holiday["data"]["upsertCalendarDay"]["changes"]
    assert (change["entity"], change["code"], change["after"]) == ("CALENDAR_DAY", f"L1@{free.isoformat()}",
                                                                   {"hours": 0.0, "reason": "holiday"})
    after = ledger(db)
    assert after[free].capacity_hours == 64.0
    assert abs(after[free].reserve_hours - 64.0 * before[free].reserve_hours / 80.0) < 1e-9
    assert "0 violations" in sop_check(db_url)

    refused = await gql(CALENDAR, {"input": {"lineCode": "L1", "day": (full + timedelta(days=1)).isoformat(),
                                             "hours": 0}})
    [error] = refused["data"]["upsertCalendarDay"]["errors"]
    assert error["code"] == "IN_USE" and f"week of {full.isoformat()}" in error["message"], error
    assert error["field"] == ["hours"]
    assert ledger(db)[full].capacity_hours == 80.0
    with Session(db) as s:
        assert s.scalar(select(func.count(LineCalendarDay.id))) == 1

    saturday = free + timedelta(days=5)
    shift = await gql(CALENDAR, {"input": {"day": saturday.isoformat(), "hours": 8, "reason": "peak"}})
    assert [c["code"] for c in shift["data"]["upsertCalendarDay"]["changes"]] == [
        f"L1@{saturday.isoformat()}", f"L2@{saturday.isoformat()}"]
    assert ledger(db)[free].capacity_hours == 72.0
    assert "0 violations" in sop_check(db_url)


LINE = f"mutation($input: ProductionLineInput!) {{ upsertProductionLine(input: $input) {{ {CHANGES} }} }}"


async def test_a_lines_new_hours_reach_the_ledger_unless_promises_lose_room(gql: GraphQLClient, db: Engine,
                                                                             db_url: str) -> None:
    """Tried: L1 from 80 to 100 h a week (the ledger's weeks from this one on follow, a holiday kept at 0 h), then
    down to 10 h a week while orders hold 60+ h in a week (refused, IN_USE; the line and ledger unchanged)."""
    created = (await gql(CREATE, order_input("OWN", "W-1", 2000, 10)))["data"]["createOrder"]
    assert created["errors"] == [], created
    count_empty_weeks(db)
    before = ledger(db)
    free = max(w for w in before if before[w].promised_hours == 0)
    await gql(CALENDAR, {"input": {"lineCode": "L1", "day": free.isoformat(), "hours": 0}})
    raised = await gql(LINE, {"input": {"code": "L1", "name": "Line one", "weeklyCapacityHours": 100}})
    [change] = raised["data"]["upsertProductionLine"]["changes"]
    assert (change["before"]["weekly_capacity_hours"], change["after"]["weekly_capacity_hours"]) == (80.0, 100.0)
    assert ledger(db)[free].capacity_hours == 80.0  # four days of 20 h, the Monday a holiday
    assert "0 violations" in sop_check(db_url)
    cut = await gql(LINE, {"input": {"code": "L1", "name": "Line one", "weeklyCapacityHours": 10}})
    [error] = cut["data"]["upsertProductionLine"]["errors"]
    assert (error["code"], error["field"]) == ("IN_USE", ["weeklyCapacityHours"]) and "line L1" in error["message"]
    with Session(db) as s:
        assert s.scalar(select(ProductionLine.weekly_capacity_hours).where(ProductionLine.code == "L1")) == 100.0
    assert ledger(db)[free].capacity_hours == 80.0


async def test_a_holiday_that_cuts_the_plans_forecast_hours_keeps_the_skus_share_within_them(
        gql: GraphQLClient, db: Engine, db_url: str) -> None:
    """A week the plan in force fills with forecast stock of W-1 (planned 70.4 h, all of it W-1's forecast hours).
    Tried: a holiday on its Monday (capacity 80 -> 64): planned hours are cut to the regular room left, and the
    skus' forecast hours must shrink with them, or `sop check` finds them adding up to more than planned."""
    this_week = week_start(clock.today())
    with session_scope(db) as s:
        line = s.scalar(select(ProductionLine).where(ProductionLine.code == "L1"))
        widget = s.scalar(select(Product).where(Product.sku == "W-1"))
        assert line is not None and widget is not None
        week = this_week + timedelta(weeks=3)
        reserve = 80.0 * 0.12
        s.add(CapacityLedger(line_id=line.id, week=week, capacity_hours=80.0, reserve_hours=reserve,
                             planned_hours=80.0 - reserve, promised_hours=0.0, lost_hours=0.0, rush_hours_used=0.0))
        s.add(ForecastHours(line_id=line.id, week=week, product_id=widget.id, hours=80.0 - reserve))
    assert "0 violations" in sop_check(db_url)
    holiday = await gql(CALENDAR, {"input": {"lineCode": "L1", "day": week.isoformat(), "hours": 0}})
    assert holiday["data"]["upsertCalendarDay"]["errors"] == [], holiday
    row = ledger(db)[week]
    assert row.capacity_hours == 64.0 and row.planned_hours < 80.0 - reserve
    with Session(db) as s:
        forecast = s.scalar(select(func.sum(ForecastHours.hours)).where(ForecastHours.week == week))
    assert forecast is not None and abs(forecast - row.planned_hours) < 1e-6
    assert "0 violations" in sop_check(db_url)
