"""One request may not resolve more objects than SOP_MAX_QUERY_COST, estimated before it runs (api/core/cost.py).

The audit's request: 30 aliases of orders(first: 500) with history, deliveries, review, lines and customer
took 6 s and held a one-row page of another client for 4.2 s; every alias was within the alias limit."""

from __future__ import annotations

from tests.e2e.api.conftest import GraphQLClient, Plant
from tests.e2e.api.test_bad_input_and_limits import error_of

HEAVY = ("orders(first: 500) { edges { node { code history { kind } deliveries { sku } "
         "review { firedRules { rule } } lines { product { sku onHand } } customer { name } } } }")


async def test_thirty_heavy_pages_in_one_request_are_refused_before_any_sql(
    gql: GraphQLClient, plant: Plant, statements: list[str]
) -> None:
    query = "{ " + " ".join(f"a{i}: {HEAVY}" for i in range(30)) + " }"
    statements.clear()  # the sign-in's key lookup may come first
    error = await error_of(gql, query)
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED", error
    assert error["extensions"]["limit"] == 100_000 and "more than 100,000 objects" in error["message"]
    assert "fewer rows" in error["message"]
    assert not [s for s in statements if "orders" in s.lower()], statements


async def test_one_heavy_page_and_a_variable_page_size_are_served(gql: GraphQLClient, plant: Plant) -> None:
    answer = await gql("{ " + HEAVY + " }")
    assert "errors" not in answer and len(answer["data"]["orders"]["edges"]) == 6
    paged = await gql("query($n: Int) { orders(first: $n) { edges { node { ...O } } } } "
                      "fragment O on Order { code lines { quantity product { sku } } }", {"n": 500})
    assert "errors" not in paged, paged


def test_the_estimate_of_the_audits_request() -> None:
    from graphql import parse

    from api.core.cost import QueryCost
    from api.schema import build_schema

    document = parse("{ " + " ".join(f"a{i}: {HEAVY}" for i in range(30)) + " }")
    estimate = QueryCost(build_schema()._schema, {}, {}, 500, 10**9).of(document.definitions[0])  # type: ignore[arg-type]
    assert estimate == 30 * 35_001


async def test_the_page_size_a_variable_gives_counts(gql: GraphQLClient, plant: Plant) -> None:
    query = ("query($n: Int) { " + " ".join(f"a{i}: {HEAVY.replace('first: 500', 'first: $n')}" for i in range(4))
             + " }")
    assert "errors" not in await gql(query, {"n": 100})  # 4 x 7,001
    error = await error_of(gql, query, {"n": 500})  # 4 x 35,001
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED", error



def test_a_kpi_series_weighs_its_buckets() -> None:
    # Tried: the same series by week over one quarter, one year and ten years, with and without nested reports.
    from graphql import parse

    from api.core.cost import KPI_REPORT, QueryCost
    from api.schema import build_schema

    def estimate(to: str, below: str) -> int:
        query = f'{{ kpis(from: "2016-01-04", to: "{to}") {{ series(granularity: WEEK) {{ {below} }} }} }}'
        operation = parse(query).definitions[0]
        return QueryCost(build_schema()._schema, {}, {}, 500, 10**9).of(operation)  # type: ignore[arg-type]

    assert estimate("2016-04-04", "revenue") == KPI_REPORT + 13 * (KPI_REPORT + 1)
    assert estimate("2017-01-02", "revenue") == KPI_REPORT + 52 * (KPI_REPORT + 1)  # 79,552: served
    assert estimate("2017-01-02", "revenue costAllocation { __typename }") > 100_000  # refused
    assert estimate("2025-12-22", "revenue") == KPI_REPORT + 520 * (KPI_REPORT + 1)


def test_an_estimate_without_variables_is_kept_per_document_and_one_with_them_is_not() -> None:
    """api/core/cost.py Estimates: createOrder's text is estimated once (its input is not coerced: no argument of it
    sizes a list); a page size given as a variable is estimated on every request, with that request's value."""
    from graphql import parse

    from api.core.cost import Estimates
    from api.schema import build_schema

    schema = build_schema()._schema
    estimates = Estimates(2)
    create = parse("mutation($input: OrderInput!) { createOrder(input: $input) { order { code } errors { code } } }")
    # createOrder, order, its code, errors (a list: LIST_GUESS) and their code
    assert estimates.estimate(schema, create, None, {"input": {"code": "X"}}, 500, 10**9) == 1 + 1 + 1 + 1 + 10
    assert len(estimates) == 1
    assert estimates.estimate(schema, create, None, {"input": "not an input"}, 500, 10**9) == 14
    paged = parse("query($n: Int) { orders(first: $n) { edges { node { code } } } }")
    small = estimates.estimate(schema, paged, None, {"n": 2}, 500, 10**9)
    large = estimates.estimate(schema, paged, None, {"n": 400}, 500, 10**9)
    assert small is not None and large is not None and small < large
    assert len(estimates) == 1  # the variable page size is not kept
    assert estimates.estimate(schema, paged, "Other", {}, 500, 10**9) is None  # no such operation


async def test_a_refused_document_stays_refused_when_sent_again(gql: GraphQLClient, plant: Plant) -> None:
    query = "{ " + " ".join(f"a{i}: {HEAVY}" for i in range(30)) + " }"
    for _ in range(2):  # the second estimate comes from the cache
        error = await error_of(gql, query)
        assert error["extensions"]["code"] == "LIMIT_EXCEEDED", error
