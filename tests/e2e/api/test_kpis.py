"""kpis(from, to) and planTargets through GraphQL: the contract's fields, details, scorecards and roles."""

from __future__ import annotations

from tests.e2e.api.conftest import GraphQLClient, Plant

REPORT = """
query($from: Date!, $to: Date!) {
  kpis(from: $from, to: $to) {
    from to orderFulfillmentRate complaintRate orderResponseHours rushInsertionSuccessRate rushOnTimeRate
    planCompletionRate inventoryTurnover forecastAccuracy revenue output
    details { name value numerator denominator reason numeratorCount denominatorCount numeratorAmount
              denominatorAmount }
    scorecards { team score bonusEligible bonusRate components { kpi weight target value attainment }
                 weightWithData note bonusReason companyTargetsMet companyTargets { kpi target value met } }
    series(granularity: MONTH) { from to orderFulfillmentRate }
    forecastAccuracyReport { overall { ordered bestTier } }
    costAllocation { totalCost salesCost productionCost byAccountOwner { accountOwner rushOrders misused } }
    rushReview { cause tier outcome orders }
  }
}
"""


async def test_an_empty_quarter_answers_nulls_with_reasons(gql: GraphQLClient) -> None:
    # the seeded orders have no promise, completion or shipment in 2024 Q1
    body = await gql(REPORT, {"from": "2024-01-01", "to": "2024-04-01"})
    assert "errors" not in body, body
    report = body["data"]["kpis"]
    assert (report["from"], report["to"], report["orderFulfillmentRate"], report["revenue"]) == (
        "2024-01-01",
        "2024-04-01",
        None,
        "0.00",  # money is the Decimal scalar the orders use, a string to the cent
    )
    fulfilment = next(d for d in report["details"] if d["name"] == "orderFulfillmentRate")
    assert fulfilment["reason"] == "no accepted order has its promised date in the period"
    # counts come as Int (0, not 0.0) and money as the Decimal string, beside the float figures
    assert (fulfilment["numeratorCount"], fulfilment["denominatorCount"], fulfilment["numeratorAmount"]) == (0, 0, None)
    turnover = next(d for d in report["details"] if d["name"] == "inventoryTurnover")
    assert (turnover["numeratorAmount"], turnover["numeratorCount"]) == ("0.00", None)
    assert {c["team"] for c in report["scorecards"]} == {"SALES", "PRODUCTION"}
    assert [s["from"] for s in report["series"]] == ["2024-01-01", "2024-02-01", "2024-03-01"]
    assert report["costAllocation"]["totalCost"] == "0.00" and report["rushReview"] == []
    assert report["costAllocation"]["byAccountOwner"] == []
    # Nothing had data: no score, no bonus, and the card says why; the company targets are not met without data.
    sales = next(c for c in report["scorecards"] if c["team"] == "SALES")
    assert sales["score"] == 0 and not sales["bonusEligible"] and sales["weightWithData"] == 0
    assert "no KPI of this scorecard had data" in sales["note"] and sales["companyTargetsMet"] is False
    assert {t["kpi"]: t["met"] for t in sales["companyTargets"]} == {"revenueGrowth": False,
                                                                      "inventoryTurnover": False}


async def test_an_inverted_period_is_refused_with_a_clear_message(gql: GraphQLClient) -> None:
    # tried: from 2024-04-01 to 2024-01-01
    body = await gql(REPORT, {"from": "2024-04-01", "to": "2024-01-01"})
    assert body["data"] is None
    assert "'to' (2024-01-01) must be after 'from' (2024-04-01)" in body["errors"][0]["message"]


PLAN = "query { planTargets(input: {year: 2024, revenueGrowth: 0.2}) { targetRevenue gaps { lineCode } } }"


async def test_plan_targets_is_for_planners(gql: GraphQLClient, plant: Plant) -> None:
    viewer = await gql(PLAN)
    assert viewer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    planner = await gql(PLAN, key=plant.keys["planner"])
    # the seeded plant has no orders in 2023: the planner is told there is no seasonality to use
    assert "no orders in 2023" in planner["errors"][0]["message"]


MONEY = {"KpiReport": ["revenue"], "RushCost": ["cost"], "RushReviewRow": ["amount"],
         "CostAllocation": ["totalCost", "salesCost", "productionCost", "forecastErrorCost"],
         "FamilyQuarterTarget": ["lastYearRevenue", "revenue", "cappedRevenue"],
         "TargetPlan": ["lastYearRevenue", "targetRevenue", "cappedRevenue"], "Order": ["amount", "grossMargin"]}


def test_kpi_money_uses_the_orders_decimal_scalar() -> None:
    """Every money field of the KPI reports has the named type Order.amount has (before: Float)."""
    from graphql import get_named_type

    from api.schema import build_schema

    schema = build_schema()._schema
    kinds = {f"{t}.{f}": get_named_type(schema.get_type(t).fields[f].type).name  # type: ignore[union-attr]
             for t, fields in MONEY.items() for f in fields}
    assert set(kinds.values()) == {"Decimal"}, kinds


def test_money_is_rounded_to_the_cent_from_the_float_s_shortest_form() -> None:
    from decimal import Decimal

    from api.core.convert import money

    assert [money(0.1 + 0.2), money(1234.565), money(7), money(Decimal("2.499"))] == [
        Decimal("0.30"), Decimal("1234.56"), Decimal("7.00"), Decimal("2.50")]
