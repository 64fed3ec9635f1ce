"""Figures and texts out of any sane range are refused with the field named, and nothing is stored.

An audit sent these through the API: requestedDate 9999-12-31, quantities 1e300 and 1e-300, unitPrice 1e30,
a KPI period from year 1 to 9999, a forged cursor with a 20-digit id, progress of 1e300 units (stock became
1e300 and every later replan failed), a failure of 1e300 hours, a forecast of 1e300, reasons of 200,000
characters, codes with control characters; each came back INTERNAL or was stored."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from domain.models import Forecast, Incident, Order, ProgressEvent
from tests.e2e.api.conftest import GraphQLClient
from tests.e2e.lifecycle.conftest import THIS_WEEK, TODAY, Plant

CREATE = """mutation($input: OrderInput!) { createOrder(input: $input) {
  order { code version status } errors { field code message } } }"""
DUE = (TODAY + timedelta(weeks=4)).isoformat()


def _line(**fields: Any) -> dict[str, Any]:
    return {"sku": "W-1", "quantity": 5, **fields}


def _order_input(**fields: Any) -> dict[str, Any]:
    return {"input": {"customerCode": "REG", "requestedDate": DUE, "lines": [_line()], **fields}}


def _rows(db: Engine, model: type) -> int:
    with Session(db) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _only_error(answer: dict[str, Any]) -> dict[str, Any]:
    """The one error of an answer: a payload's UserError or a top-level GraphQL error, never INTERNAL."""
    errors = answer.get("errors") or next(iter(answer["data"].values()))["errors"]
    assert len(errors) == 1, answer
    error = errors[0]
    code = error.get("code") or error.get("extensions", {}).get("code")
    assert code != "INTERNAL" and "Internal server error" not in error["message"], answer
    return error  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"lines": [_line(quantity=1e300)]}, ["lines", "0", "quantity"], "at most"),
        ({"lines": [_line(quantity=1e-300)]}, ["lines", "0", "quantity"], "at least 0.001"),
        ({"lines": [_line(unitPrice="2000000000")]}, ["lines", "0", "unitPrice"], "between 0 and"),
        # 1e8 units at 99,999 each: 1e13, more than NUMERIC(14, 2) holds.
        ({"lines": [_line(quantity=1e8, unitPrice="99999")]}, ["lines"], "split it"),
        ({"requestedDate": (TODAY + timedelta(days=366 * 6)).isoformat()}, ["requestedDate"], "years ahead"),
        ({"code": "PO-1\n<script>"}, ["code"], "printable"),
        ({"code": " PO-1"}, ["code"], "without spaces"),
        ({"lines": [_line(sku="X" * 100_000)]}, ["lines", "0", "sku"], "at most 64 characters"),
    ],
)
async def test_an_order_out_of_range_is_refused_naming_the_field(
    gql: GraphQLClient, db: Engine, fields: dict[str, Any], field: list[str], says: str
) -> None:
    error = _only_error(await gql(CREATE, _order_input(**fields)))
    assert error["field"] == field and says in error["message"], error
    assert _rows(db, Order) == 0


@pytest.mark.parametrize(
    ("variables", "says"),
    [
        (_order_input(requestedDate="9999-12-31"), "between 1900 and 2999"),
        (_order_input(requestedDate="yesterday"), "YYYY-MM-DD"),
        (_order_input(lines=[_line(unitPrice="1e30")]), "finite number smaller than"),
    ],
)
async def test_a_scalar_out_of_range_is_a_clear_graphql_error(
    gql: GraphQLClient, db: Engine, variables: dict[str, Any], says: str
) -> None:
    error = _only_error(await gql(CREATE, variables))
    assert says in error["message"], error
    assert "isoformat" not in error["message"]  # no Python exception text
    assert _rows(db, Order) == 0


async def test_a_long_unknown_customer_code_is_not_echoed_whole(gql: GraphQLClient) -> None:
    error = _only_error(await gql(CREATE, _order_input(customerCode="C" * 100_000)))
    assert error["code"] == "NOT_FOUND" and len(error["message"]) < 200, error["message"][:300]


async def test_another_customers_code_gets_the_answer_an_unknown_one_gets(gql: GraphQLClient, plant: Plant) -> None:
    # The partner is bound to REG; KEY exists, NOPE does not: a partner must not tell them apart.
    other = _only_error(await gql(CREATE, _order_input(customerCode="KEY"), plant.keys["partner"]))
    unknown = _only_error(await gql(CREATE, _order_input(customerCode="NOPE"), plant.keys["partner"]))
    assert other["message"].replace("KEY", "X") == unknown["message"].replace("NOPE", "X")
    assert other["code"] == unknown["code"] == "NOT_FOUND"


async def test_an_update_that_changes_nothing_is_refused_and_keeps_the_version(gql: GraphQLClient) -> None:
    created = (await gql(CREATE, _order_input(code="SO-SAME")))["data"]["createOrder"]["order"]
    answer = await gql("""mutation($input: UpdateOrderInput!) { updateOrder(input: $input) {
      order { version } errors { field code message } } }""", {"input": {"code": "SO-SAME", "expectedVersion": 1}})
    error = _only_error(answer)
    assert error["code"] == "INVALID" and "nothing to change" in error["message"]
    order = await gql('{ order(code: "SO-SAME") { version history { kind } } }')
    assert order["data"]["order"]["version"] == created["version"]
    assert [e["kind"] for e in order["data"]["order"]["history"]].count("UPDATED") == 0


async def test_a_cancel_reason_of_200000_characters_is_refused(gql: GraphQLClient) -> None:
    await gql(CREATE, _order_input(code="SO-LONG"))
    answer = await gql("""mutation($input: CancelOrderInput!) { cancelOrder(input: $input) {
      order { status } errors { field code message } } }""",
                       {"input": {"code": "SO-LONG", "expectedVersion": 1, "reason": "x" * 200_000}})
    assert _only_error(answer)["field"] == ["reason"]
    status = await gql('{ order(code: "SO-LONG") { status } }')
    assert status["data"]["order"]["status"] != "CANCELLED"


async def test_floor_figures_beyond_any_plant_are_refused_and_nothing_is_stored(
    gql: GraphQLClient, plant: Plant, db: Engine
) -> None:
    mes, planner = plant.keys["mes"], plant.keys["planner"]
    progress = await gql("""mutation($input: ProgressInput!) { reportProgress(input: $input) {
      errors { field code message } } }""", {"input": {"lineCode": "L1", "sku": "W-1", "quantity": 1e300}}, mes)
    assert _only_error(progress)["field"] == ["quantity"]
    reason = await gql("""mutation($input: ProgressInput!) { reportProgress(input: $input) {
      errors { field code message } } }""",
                       {"input": {"lineCode": "L1", "sku": "W-1", "quantity": 1, "scrap": 1,
                                  "scrapReason": "r" * 201}}, mes)
    assert _only_error(reason)["field"] == ["scrapReason"]
    naive = await gql("""mutation($input: ProgressInput!) { reportProgress(input: $input) {
      errors { field code message } } }""",
                      {"input": {"lineCode": "L1", "sku": "W-1", "quantity": 1, "at": "2026-01-05T10:00:00"}}, mes)
    assert _only_error(naive)["field"] == ["at"]
    failure = await gql("""mutation($input: IncidentInput!) { reportIncident(input: $input) {
      errors { field code message } } }""", {"input": {"kind": "EQUIPMENT_FAILURE", "lineCode": "L1", "hours": 1e300}},
                        mes)
    assert _only_error(failure)["field"] == ["hours"]
    forecast = await gql("""mutation($input: ForecastInput!) { submitForecast(input: $input) {
      errors { field code message } } }""",
                         {"input": {"sku": "W-1", "week": (THIS_WEEK + timedelta(weeks=2)).isoformat(), "low": 1,
                                    "mid": 2, "high": 1e300}}, planner)
    assert _only_error(forecast)["field"] == ["high"]
    assert (_rows(db, ProgressEvent), _rows(db, Incident), _rows(db, Forecast)) == (0, 0, 0)
    stock = await gql('{ inventory { sku onHand } }')
    assert {p["sku"]: p["onHand"] for p in stock["data"]["inventory"]}["W-1"] == 10.0


async def test_a_forged_cursor_with_a_huge_id_is_refused_naming_after(gql: GraphQLClient) -> None:
    cursor = base64.urlsafe_b64encode(json.dumps(
        ["orders:RECEIVED_AT:ASC", "2025-11-27T12:52:19+00:00", 10**20]).encode()).decode()
    answer = await gql("query($after: String) { orders(first: 5, after: $after) { totalCount } }", {"after": cursor})
    error = _only_error(answer)
    assert "after" in json.dumps(error), error


async def test_wide_periods_and_far_weeks_answer_without_an_internal_error(gql: GraphQLClient) -> None:
    kpis = await gql('{ kpis(from: "1900-01-01", to: "2999-12-31") { orderFulfillmentRate } }')
    assert "errors" not in kpis, kpis
    load = await gql('{ capacityLoad(from: "2999-12-23", weeks: 2) { lineCode week } }')
    assert "errors" not in load, load
    too_early = await gql('{ kpis(from: "0001-01-01", to: "2026-01-01") { orderFulfillmentRate } }')
    assert "between 1900 and 2999" in _only_error(too_early)["message"]


async def test_an_empty_status_filter_matches_no_order(gql: GraphQLClient) -> None:
    await gql(CREATE, _order_input(code="SO-ANY"))
    answer = await gql("{ orders(filter: {status: []}) { totalCount } all: orders { totalCount } }")
    assert answer["data"]["orders"]["totalCount"] == 0 and answer["data"]["all"]["totalCount"] == 1


async def test_replan_takes_no_horizon_of_zero_and_a_null_tier_means_mid(gql: GraphQLClient) -> None:
    zero = await gql("mutation { replan(input: {horizonWeeks: 0}) { plan { version } errors { field message } } }")
    error = _only_error(zero)
    assert "horizon" in error["message"] and error["field"] == ["horizonWeeks"]  # a path into the input, as createOrder
    null_tier = await gql("mutation { replan(input: {tier: null}) { plan { tier } errors { message } } }")
    assert null_tier["data"]["replan"]["errors"] == [] and null_tier["data"]["replan"]["plan"]["tier"] == "MID"


async def test_a_query_refusing_its_arguments_names_them_as_argument(gql: GraphQLClient) -> None:
    # kpis with from >= to: a domain refusal in a query said extensions.field only; argument_error says argument.
    answer = await gql('{ kpis(from: "2026-02-01", to: "2026-01-01") { orderFulfillmentRate } }')
    extensions = _only_error(answer)["extensions"]
    assert extensions["code"] == "INVALID" and extensions["argument"] in ("from", "to"), extensions


@pytest.mark.parametrize(
    ("target", "argument"),
    [
        ("{year: 99999, revenueGrowth: 0.2}", "year"),  # was INTERNAL (date(99999, 1, 1))
        ("{year: 2026, revenueGrowth: 1e300}", "revenueGrowth"),  # was served: a target of 4.8e305
        ('{year: 2026, revenueGrowth: 0.2, mix: [{family: "F1", growth: -3}]}', "mix.F1.growth"),
    ],
)
async def test_a_sales_target_beyond_reason_is_refused(gql: GraphQLClient, target: str, argument: str) -> None:
    answer = await gql("{ planTargets(input: " + target + ") { targetRevenue } }")
    assert _only_error(answer)["extensions"]["argument"] == argument, answer


async def test_a_kpi_series_of_more_than_ten_years_of_weeks_is_refused(gql: GraphQLClient) -> None:
    # 1900-2999 by week: 57,000 whole reports in one request.
    many = await gql('{ kpis(from: "1900-01-01", to: "2999-12-31") { series(granularity: WEEK) { from } } }')
    error = _only_error(many)
    assert error["extensions"]["argument"] == "granularity" and "at most 520" in error["message"], error
    quarters = await gql('{ kpis(from: "2000-01-01", to: "2010-01-01") { series(granularity: QUARTER) { from } } }')
    assert "errors" not in quarters and len(quarters["data"]["kpis"]["series"]) == 40


@pytest.mark.parametrize(
    "variables",
    [
        _order_input(customerCode="R\u0000"),  # INTERNAL on PostgreSQL: its text cannot hold NUL
        _order_input(lines=[_line(sku="W\u0000")]),
        _order_input(idempotencyKey="k\u0000"),
    ],
)
async def test_a_nul_character_anywhere_in_a_request_is_refused(
    gql: GraphQLClient, db: Engine, variables: dict[str, Any]
) -> None:
    answer = await gql.post(CREATE, variables)
    assert answer.status_code == 400 and "NUL" in answer.json()["errors"][0]["message"], answer.text
    # Written as a GraphQL escape inside the document, the same.
    literal = await gql.post('{ order(code: "SO\\u0000") { code } }')
    assert literal.status_code == 400, literal.text
    assert _rows(db, Order) == 0


@pytest.mark.parametrize("price", ["0.004", "1e-1000000"])  # 0.00 on PostgreSQL, kept on SQLite; NUMERIC overflow
async def test_a_price_finer_than_cents_is_refused(gql: GraphQLClient, db: Engine, price: str) -> None:
    error = _only_error(await gql(CREATE, _order_input(lines=[_line(unitPrice=price)])))
    assert "at most 2 decimals" in error["message"] and error["field"] == ["lines", "0", "unitPrice"]
    assert _rows(db, Order) == 0


async def test_a_forged_cursor_with_a_nul_is_refused(gql: GraphQLClient) -> None:
    cursor = base64.urlsafe_b64encode(json.dumps(["orders:CODE:ASC", "a\u0000", 1]).encode()).decode()
    answer = await gql("query($after: String) { orders(first: 5, after: $after, orderBy: {field: CODE}) "
                       "{ totalCount } }", {"after": cursor})
    assert "after" in json.dumps(_only_error(answer))


async def test_progress_in_the_future_is_refused(gql: GraphQLClient, plant: Plant, db: Engine) -> None:
    later = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    answer = await gql("""mutation($input: ProgressInput!) { reportProgress(input: $input) {
      errors { field code message } } }""", {"input": {"lineCode": "L1", "sku": "W-1", "quantity": 1, "at": later}},
                       plant.keys["mes"])
    assert _only_error(answer)["field"] == ["at"] and _rows(db, ProgressEvent) == 0


async def test_kpi_series_weigh_in_the_query_cost(gql: GraphQLClient) -> None:
    # 30 aliases of a ten-year weekly series were estimated at 3,360 and computed ~15,600 whole reports.
    # A series now weighs its buckets (api/core/cost.py): three aliases of a two-month series (9 reports) are
    # served, where the flat 50,000 a series refused them; two aliases of a year of weeks (106 reports) are not.
    series = 'kpis(from: "2026-01-01", to: "2026-03-01") { series(granularity: MONTH) { from } }'
    assert "errors" not in await gql("{ " + " ".join(f"a{i}: {series}" for i in range(3)) + " }")
    weekly = 'kpis(from: "2025-01-06", to: "2026-01-05") { series(granularity: WEEK) { from } }'
    assert "errors" not in await gql("{ " + weekly + " }")
    error = _only_error(await gql("{ " + " ".join(f"a{i}: {weekly}" for i in range(2)) + " }"))
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED"
