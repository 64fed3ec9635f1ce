"""Every type, field, argument and enum value of the built schema carries a description for frontend developers.

The walk runs on graphql-core's GraphQLSchema, so it sees what introspection (and a stock GraphQL client) sees.
Only graphql's own introspection types and built-in scalars are left out. There is no backlog: a new item
without a description fails here, named."""

from __future__ import annotations

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


def test_every_item_of_the_schema_has_a_description() -> None:
    missing = sorted(undocumented(build_schema()._schema))
    assert not missing, "describe these (type, field, argument or enum value):\n" + "\n".join(missing)


def test_descriptions_say_more_than_the_name() -> None:
    """A description that only repeats its item's name (`code: "Code."`) tells a frontend developer nothing."""
    echoes = []
    schema = build_schema()._schema
    for name, named in schema.type_map.items():
        if name in introspection_types or name in specified_scalar_types:
            continue
        for field_name, field in getattr(named, "fields", {}).items():
            said = (field.description or "").strip(" .`").lower()
            if said in {field_name.lower(), _words(field_name)}:
                echoes.append(f"{name}.{field_name}")
    assert not echoes, f"descriptions that only repeat the name: {echoes}"


def _words(camel: str) -> str:
    return "".join(f" {c.lower()}" if c.isupper() else c for c in camel).strip()


def test_the_walk_finds_a_missing_description() -> None:
    """The walk itself: a schema with one bare field, one bare argument and one bare enum value names all three
    (what the test above would report had anyone left one undescribed)."""
    from graphql import build_schema as sdl_schema

    schema = sdl_schema('"""Q"""\ntype Query {\n  "x"\n  a(b: Int): Int\n  c: E\n}\n"""E"""\nenum E { "v" V W }')
    assert undocumented(schema) == {"Query.a(b)", "Query.c", "E.W"}

