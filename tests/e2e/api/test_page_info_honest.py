"""Every Relay connection of the schema, walked on the small demo plant: PageInfo says what the page holds.

Paging runs forward only, so `hasPreviousPage` is false on every page; `startCursor`/`endCursor` are the first and
last edges' cursors and null only on an empty page (before, a page past the end said hasPreviousPage true with a
null startCursor). Connections are found in the schema: a new one is walked without editing this file when it
hangs on Query with optional arguments; one on another type needs a line in PARENTS."""

from __future__ import annotations

from typing import Any

import httpx
from click.testing import CliRunner
from graphql import GraphQLNonNull, GraphQLObjectType, get_named_type

from api.schema import build_schema
from cli import cli
from tests.e2e.api.conftest import GraphQLClient, serving

PAGE = "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor }"
# How to reach a connection that hangs on another type: the variables it needs and the field that gives the object.
PARENTS = {"Order": (", $code: String!", "order"), "Plan": ("", "plan")}
# Connections the small demo plant may leave empty (only the empty page is checked for them here): it records no
# review action nor master-data change, and notices come from the server's own loops while the test runs.
# tests/e2e/api/test_list_connections.py walks rushActions and Order.noticesConnection with rows.
MAY_BE_EMPTY = {"Query.auditLog", "Query.rushActions", "Order.noticesConnection", "Query.notices"}


def connections() -> list[tuple[str, str, list[str]]]:
    """(type, field, required arguments) of every field whose type is a Connection."""
    schema = build_schema()._schema
    found = []
    for name, kind in sorted(schema.type_map.items()):
        if name.startswith("__") or not isinstance(kind, GraphQLObjectType):
            continue
        for field_name, field in kind.fields.items():
            if get_named_type(field.type).name.endswith("Connection"):
                required = [a for a, arg in field.args.items()
                            if isinstance(arg.type, GraphQLNonNull) and arg.default_value is None]
                found.append((name, field_name, required))
    return found


async def busiest_order(gql: GraphQLClient, field: str) -> str:
    """The code of the order with the most rows in `field`'s connection among the first 500 orders."""
    body = await gql(f"{{ orders(first: 500) {{ edges {{ node {{ code {field}(first: 0) {{ totalCount }} }} }} }} }}")
    assert "errors" not in body, body
    nodes = [e["node"] for e in body["data"]["orders"]["edges"]]
    return str(max(nodes, key=lambda n: n[field]["totalCount"])["code"])


async def check(gql: GraphQLClient, where: str, path: list[str], wrap: str, variables: dict[str, Any]) -> int:
    """Walk one connection two rows a page, then a page past its end and a page of none; its row count."""
    query = wrap % f"{path[-1]}(first: $first, after: $after) {{ {PAGE} }}"
    after, seen, total = None, 0, None

    async def page(first: int, cursor: str | None) -> Any:
        body = await gql(query, {**variables, "first": first, "after": cursor})
        assert "errors" not in body, (where, body)
        found = body["data"]
        for step in path:
            found = found[step]
        return found

    while True:
        found = await page(2, after)
        edges, info = found["edges"], found["pageInfo"]
        total = found["totalCount"] if total is None else total
        assert found["totalCount"] == total, where
        assert info["hasPreviousPage"] is False, (where, info)
        if not edges:  # only the first page of an empty list
            assert total == 0 and after is None, (where, "a page with more rows promised is empty")
            assert info == {"hasNextPage": False, "hasPreviousPage": False, "startCursor": None,
                            "endCursor": None}, where
            break
        assert info["startCursor"] == edges[0]["cursor"] and info["endCursor"] == edges[-1]["cursor"], where
        seen += len(edges)
        after = info["endCursor"]
        if not info["hasNextPage"]:
            break
        if seen >= 6:  # three pages show the walk; a long list is not read to its end here
            return total
    assert seen == total, where
    beyond = await page(2, after)
    assert beyond["edges"] == [] and beyond["pageInfo"] == {
        "hasNextPage": False, "hasPreviousPage": False, "startCursor": None, "endCursor": None}, where
    none = await page(0, None)
    assert none["edges"] == [] and none["pageInfo"]["startCursor"] is None and none["pageInfo"]["endCursor"] is None
    assert none["pageInfo"]["hasNextPage"] is (total > 0) and none["pageInfo"]["hasPreviousPage"] is False, where
    return total


def demo_keys(output: str) -> dict[str, str]:
    return {role: value.strip() for role, _, value in (line.partition(": ") for line in output.splitlines())
            if value.strip().startswith("sop_")}


async def test_every_connection_tells_where_its_page_stands(db: Any, db_url: str) -> None:
    loaded = CliRunner().invoke(cli, ["demo", "load", "--size", "small"], env={"SOP_DATABASE_URL": db_url})
    assert loaded.exit_code == 0, loaded.output
    keys = demo_keys(loaded.output)
    empty = set()
    async with serving(db_url) as app, httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                                         base_url="http://test") as http:
        gql = GraphQLClient(http, keys["admin"])
        for parent, field, required in connections():
            where = f"{parent}.{field}"
            if parent == "Query":
                assert not required, f"{where} needs {required}: say how to call it here"
                wrap, path, variables = "query($first: Int, $after: String) { %s }", [field], {}
            else:
                assert parent in PARENTS, f"{where}: add how to reach a {parent} to PARENTS"
                declared, reach = PARENTS[parent]
                arguments = "(code: $code)" if declared else ""
                wrap = f"query($first: Int, $after: String{declared}) {{ {reach}{arguments} {{ %s }} }}"
                path = [reach, field]
                variables = {"code": await busiest_order(gql, field)} if declared else {}
            if await check(gql, where, path, wrap, variables) == 0:
                empty.add(where)
    assert empty <= MAY_BE_EMPTY, f"connections the demo leaves empty: {sorted(empty - MAY_BE_EMPTY)}"
