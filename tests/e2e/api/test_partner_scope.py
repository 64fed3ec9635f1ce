"""A partner key gets no plant-internal data: every field of the schema, asked for by a partner, is either on
the allow-list (api/core/scope.py) or refused with FORBIDDEN and no data."""

from __future__ import annotations

from collections import deque
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
    parse,
)

from api.core.scope import PARTNER_FIELDS, fields_outside
from api.schema import build_schema
from tests.e2e.api.conftest import GraphQLClient, Plant

SCHEMA = build_schema()._schema
SCALAR_LITERALS = {"String": '"X-1"', "ID": '"1"', "Int": "1", "Float": "1", "Boolean": "true",
                   "Date": '"2026-01-05"', "DateTime": '"2026-01-05T00:00:00Z"', "Decimal": '"1"'}
# What the plant keeps to itself; the allow-list must never name one of these.
INTERNAL = {"Query.kpis", "Query.plan", "Query.capacityLoad", "Query.planScenarios", "Query.planTargets",
            "Query.inventory", "Query.productionLines", "Query.ruleSets", "Order.grossMargin",
            "Order.priorityTier", "Product.unitCost", "Product.onHand", "Product.safetyStock",
            "QuotePayload.priorityTier", "Review.firedRules"}


def literal(type_: GraphQLInputType) -> str:
    """A literal of the type that passes validation (the scope check runs before any resolver sees it)."""
    if isinstance(type_, GraphQLNonNull):
        return literal(type_.of_type)
    if isinstance(type_, GraphQLList):
        return f"[{literal(type_.of_type)}]"
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    if isinstance(type_, GraphQLInputObjectType):
        given = [f"{name}: {literal(f.type)}" for name, f in type_.fields.items() if isinstance(f.type, GraphQLNonNull)]
        return "{" + ", ".join(given) + "}"
    assert isinstance(type_, GraphQLScalarType)
    return SCALAR_LITERALS[type_.name]


def call(name: str, field: GraphQLField) -> str:
    required = [f"{arg}: {literal(a.type)}" for arg, a in field.args.items() if isinstance(a.type, GraphQLNonNull)]
    return name + (f"({', '.join(required)})" if required else "")


def reachable_fields() -> list[tuple[str, str, str]]:
    """(operation, Type.field, document) for every field of every type reachable from Query and Mutation, each
    reached by a shortest path of fields from its root."""
    found: list[tuple[str, str, str]] = []
    for operation, root in (("query", SCHEMA.query_type), ("mutation", SCHEMA.mutation_type)):
        assert root is not None
        paths: dict[str, list[tuple[str, GraphQLField]]] = {root.name: []}
        queue: deque[GraphQLNamedType] = deque([root])
        while queue:
            parent = queue.popleft()
            assert isinstance(parent, GraphQLObjectType | GraphQLInterfaceType)
            for name, field in parent.fields.items():
                path = [*paths[parent.name], (name, field)]
                found.append((operation, f"{parent.name}.{name}", document(operation, path)))
                target = get_named_type(field.type)
                if isinstance(target, GraphQLObjectType | GraphQLInterfaceType) and target.name not in paths:
                    paths[target.name] = path
                    queue.append(target)
    return found


def document(operation: str, path: list[tuple[str, GraphQLField]]) -> str:
    inner = "" if not isinstance(get_named_type(path[-1][1].type), GraphQLObjectType | GraphQLInterfaceType) \
        else " { __typename }"
    for name, field in reversed(path):
        inner = f"{call(name, field)}{inner}"
        inner = f" {{ {inner} }}"
    return operation + inner


FIELDS = reachable_fields()


def test_the_walk_covers_the_schema() -> None:
    """Sanity of the walk itself: the internal roots and the deep internal fields are among the fields tried."""
    tried = {name for _, name, _ in FIELDS}
    assert tried >= INTERNAL
    assert len(tried) > 200


def test_the_allow_list_names_no_internal_field() -> None:
    assert not INTERNAL & PARTNER_FIELDS
    unknown = {name for name in PARTNER_FIELDS if name.split(".")[0] not in SCHEMA.type_map}
    assert not unknown, f"allow-list entries for types the schema does not have: {unknown}"


@pytest.mark.parametrize("operation, field, query", FIELDS, ids=[name for _, name, _ in FIELDS])
async def test_every_field_is_allowed_or_forbidden_for_a_partner(
    gql: GraphQLClient, plant: Plant, operation: str, field: str, query: str
) -> None:
    """Input tried: the shortest document reaching the field, required arguments filled with dummy literals."""
    body: Any = await gql(query, key=plant.keys["partner"])
    codes = [e.get("extensions", {}).get("code") for e in body.get("errors") or []]
    path_fields = scope_path(query)
    if all(name in PARTNER_FIELDS for name in path_fields):
        assert not any("partner key" in e["message"] for e in body.get("errors") or []), body
    else:
        assert body["data"] is None, f"{field}: a partner got data: {body}"
        assert codes == ["FORBIDDEN"], body
        refused = [name for name in path_fields if name not in PARTNER_FIELDS]
        assert body["errors"][0]["extensions"]["fields"] == refused


def scope_path(query: str) -> list[str]:
    """Every Type.field the document selects (nothing is allowed, so all are listed)."""
    return fields_outside(SCHEMA, parse(query), frozenset())


LEAKS = {
    "kpis": '{ kpis(from: "2026-01-05", to: "2026-04-06") { scorecards { team score } costAllocation { rushOrders '
            '{ orderCode customerCode cost } } } }',
    "plan": "{ plan { id items { sku quantity } } }",
    "capacityLoad": '{ capacityLoad(from: "2026-01-05", weeks: 2) { lineCode plannedHours } }',
    "unitCost": "{ products { edges { node { sku unitCost } } } }",
    "grossMargin": "{ orders { edges { node { code grossMargin } } } }",
    "through a fragment": "query { orders { edges { node { ...cost } } } } fragment cost on Order { code grossMargin }",
    "through node": '{ node(id: "T3JkZXI6MQ==") { ... on Order { grossMargin } } }',
}


@pytest.mark.parametrize("query", LEAKS.values(), ids=LEAKS.keys())
async def test_the_reported_leaks_are_closed(gql: GraphQLClient, plant: Plant, query: str) -> None:
    """The fields a proving-ground run read with a partner key: refused for it, served to a viewer."""
    partner = await gql(query, key=plant.keys["partner"])
    assert partner["data"] is None and [e["extensions"]["code"] for e in partner["errors"]] == ["FORBIDDEN"]
    viewer = await gql(query, key=plant.keys["viewer"])
    assert not any(e["extensions"]["code"] == "FORBIDDEN" for e in viewer.get("errors") or []), viewer


async def test_a_partner_still_reads_its_own_orders(gql: GraphQLClient, plant: Plant) -> None:
    body = await gql("{ orders { totalCount edges { node { code amount review { decision } "
                     "lines { unitPrice product { sku listPrice } } } } } }", key=plant.keys["partner"])
    assert "errors" not in body, body
    assert body["data"]["orders"]["totalCount"] == 3


def test_a_subscription_selecting_an_internal_field_is_refused() -> None:
    """Subscriptions reach only OrderEvent and Alert today, all allowed; the check still covers the root."""
    assert fields_outside(SCHEMA, parse("subscription { orderEvents { kind } alerts { id } }"), PARTNER_FIELDS) == []


async def test_the_scope_check_is_made_once_per_document_and_still_refuses(
        gql: GraphQLClient, plant: Plant, monkeypatch: pytest.MonkeyPatch) -> None:
    """The walk is cached per document (api/core/scope.py refused_to_partners): the second request with the same
    text is refused alike without walking again, and the cache is per document, not per caller: a viewer is served."""
    from api.core import scope

    walks: list[object] = []
    walk = scope.fields_outside

    def counted(*args: Any) -> list[str]:
        walks.append(args)
        return walk(*args)

    monkeypatch.setattr(scope, "fields_outside", counted)
    query = "{ orders { edges { node { code grossMargin } } } } # cached once"
    first = await gql(query, key=plant.keys["partner"])
    again = await gql(query, key=plant.keys["partner"])
    assert len(walks) == 1  # the second request was served from the cache
    for body in (first, again):
        assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
        assert body["errors"][0]["extensions"]["fields"] == ["Order.grossMargin"]
    viewer = await gql(query, key=plant.keys["viewer"])
    assert "errors" not in viewer, viewer
