"""A client's mistakes are logged as one INFO line without a stack; only our own bugs (INTERNAL) get ERROR + stack."""

from __future__ import annotations

import logging
from typing import Any

import pytest

import domain.catalog.queries
from tests.e2e.api.conftest import GraphQLClient, Plant

# (what was tried, query, variables, the code the client sees); each used to log a strawberry.execution ERROR,
# most with a full traceback.
CLIENT_MISTAKES: list[tuple[str, str, dict[str, Any] | None, str]] = [
    ("malformed cursor", '{ orders(after: "garbage") { totalCount } }', None, "INVALID"),
    ("first out of range", "{ orders(first: 501) { totalCount } }", None, "INVALID"),
    ("unknown enum literal", "{ orders(filter: {status: [BOGUS]}) { totalCount } }", None, "INVALID"),
    ("bad Date variable", "query($d: Date!) { capacityLoad(from: $d, weeks: 2) { lineCode } }",
     {"d": "yesterday"}, "INVALID"),
    ("unknown field", "{ orders { colour } }", None, "GRAPHQL_VALIDATION_FAILED"),
    ("syntax error", "{ orders { totalCount }", None, "GRAPHQL_PARSE_FAILED"),
    ("role missing (permission class)", "{ planScenarios { __typename } }", None, "FORBIDDEN"),
]


@pytest.mark.parametrize(("what", "query", "variables", "code"), CLIENT_MISTAKES, ids=[c[0] for c in CLIENT_MISTAKES])
async def test_client_mistakes_are_logged_quietly(
    gql: GraphQLClient, plant: Plant, caplog: pytest.LogCaptureFixture,
    what: str, query: str, variables: dict[str, Any] | None, code: str,
) -> None:
    caplog.set_level(logging.INFO)
    body = (await gql.post(query, variables)).json()
    assert body["errors"][0]["extensions"]["code"] == code, (what, body)
    loud = [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info]
    assert not loud, [(r.name, r.levelname, r.getMessage()) for r in loud]
    said = [r for r in caplog.records if r.name == "api.errors"]
    assert len(said) == 1 and said[0].levelno == logging.INFO and code in said[0].getMessage(), said


async def test_our_bugs_are_logged_once_with_the_stack(
    gql: GraphQLClient, plant: Plant, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tried: the production-lines query failing with an exception no one mapped (a bug): masked for the client,
    # one ERROR with the traceback in the log (before, strawberry.execution and api.errors each logged it).
    async def broken(session: Any) -> list[Any]:
        raise RuntimeError("the database said something odd")

    monkeypatch.setattr(domain.catalog.queries, "production_lines", broken)
    caplog.set_level(logging.INFO)
    body = (await gql.post("{ productionLines { code } }")).json()
    assert body["errors"][0] == {
        "message": "Internal server error.", "locations": [{"line": 1, "column": 3}], "path": ["productionLines"],
        "extensions": {"code": "INTERNAL"},
    }
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1, [(r.name, r.getMessage()) for r in errors]
    assert errors[0].name == "api.errors" and errors[0].exc_info is not None
    assert isinstance(errors[0].exc_info[1], RuntimeError)
    assert "productionLines" in errors[0].getMessage()
