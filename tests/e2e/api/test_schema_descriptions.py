"""Every type, field, argument and enum value of the built schema carries a description for frontend developers.

The walk runs on graphql-core's GraphQLSchema, so it sees what introspection (and a stock GraphQL client) sees.
Only graphql's own introspection types and built-in scalars are left out. Descriptions not yet written are
listed in undocumented_schema.txt: the list may only shrink (an item documented must leave it, a new item
without a description fails here, named)."""

from __future__ import annotations

from pathlib import Path

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
)
from graphql.type.introspection import introspection_types
from graphql.type.scalars import specified_scalar_types

from api.schema import build_schema

BACKLOG = Path(__file__).with_name("undocumented_schema.txt")


def undocumented(schema: GraphQLSchema) -> set[str]:
    """Coordinates without a description: Type, Type.field, Type.field(argument), Enum.VALUE."""
    missing: set[str] = set()
    for name, named in schema.type_map.items():
        if name in introspection_types or name in specified_scalar_types:
            continue
        if not named.description:
            missing.add(name)
        if isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLInputObjectType):
            for field_name, field in named.fields.items():
                if not field.description:
                    missing.add(f"{name}.{field_name}")
                for argument_name, argument in getattr(field, "args", {}).items():
                    if not argument.description:
                        missing.add(f"{name}.{field_name}({argument_name})")
        if isinstance(named, GraphQLEnumType):
            missing |= {f"{name}.{value}" for value, definition in named.values.items() if not definition.description}
    return missing


def backlog() -> set[str]:
    return {line.strip() for line in BACKLOG.read_text().splitlines() if line.strip() and not line.startswith("#")}


def test_no_new_item_of_the_schema_lacks_a_description() -> None:
    new = sorted(undocumented(build_schema()._schema) - backlog())
    assert not new, "describe these (type, field, argument or enum value):\n" + "\n".join(new)


def test_the_backlog_only_holds_items_still_undocumented() -> None:
    done = sorted(backlog() - undocumented(build_schema()._schema))
    assert not done, f"documented now, remove from {BACKLOG.name}:\n" + "\n".join(done)


def test_the_walk_finds_a_missing_description() -> None:
    """The walk itself: a schema with one bare field, one bare argument and one bare enum value names all three."""
    from graphql import build_schema as sdl_schema

    schema = sdl_schema('"""Q"""\ntype Query {\n  "x"\n  a(b: Int): Int\n  c: E\n}\n"""E"""\nenum E { "v" V W }')
    assert undocumented(schema) == {"Query.a(b)", "Query.c", "E.W"}


def test_the_new_enums_and_paging_are_fully_described() -> None:
    """The enums this issue introduced and the paging types are described value by value."""
    missing = undocumented(build_schema()._schema)
    described = ("AlertKind", "AlertSeverity", "OrderEventKind", "PlanStatus", "DiagnosticKind", "SolverStatus",
                 "PageInfo")
    assert not {m for m in missing if m.split(".")[0] in described}
