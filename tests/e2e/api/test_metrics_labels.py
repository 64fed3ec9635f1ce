"""/metrics labels by operation name, but a client cannot create unbounded series with the names it sends."""

from __future__ import annotations

import re

from api.core.metrics import MAX_OPERATION_NAMES
from tests.e2e.api.conftest import METRICS_AUTH, GraphQLClient, Plant


def operation_labels(metrics_text: str) -> set[str]:
    return set(re.findall(r'sop_graphql_requests_total\{operation="([^"]*)"', metrics_text))


async def test_distinct_operation_names_are_capped(gql: GraphQLClient, plant: Plant) -> None:
    # Tried: MAX_OPERATION_NAMES + 25 distinct, well-formed names, each sent once; before, each made a new series.
    for i in range(MAX_OPERATION_NAMES + 25):
        await gql(f"query Screen{i} {{ __typename }}")
    await gql("query Screen0 { __typename }")  # a name seen before the cap keeps its own series
    text = (await gql.http.get("/metrics", headers=METRICS_AUTH)).text
    labels = operation_labels(text)
    assert len(labels) == MAX_OPERATION_NAMES + 1, len(labels)
    assert f"Screen{MAX_OPERATION_NAMES - 1}" in labels and f"Screen{MAX_OPERATION_NAMES}" not in labels
    assert 'sop_graphql_requests_total{operation="Screen0",type="query"} 2.0' in text
    assert 'sop_graphql_requests_total{operation="other",type="query"} 25.0' in text
    assert 'sop_graphql_request_seconds_count{operation="other"} 25.0' in text


async def test_untame_names_and_anonymous_operations(gql: GraphQLClient, plant: Plant) -> None:
    # Tried: a name of 65 characters (one over the limit) and an anonymous query; a name of 64 is kept.
    long_ok, too_long = "L" * 64, "L" * 65
    for name in (long_ok, too_long):
        response = await gql.post(f"query {name} {{ __typename }}")
        assert response.status_code == 200, response.text
    await gql("{ __typename }")
    labels = operation_labels((await gql.http.get("/metrics", headers=METRICS_AUTH)).text)
    assert labels == {long_ok, "other", "anonymous"}, labels
