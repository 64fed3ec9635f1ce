"""Look-ahead: the fields a query selects below a resolver's own field, through fragments."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection


def _fields(selections: Iterable[Selection]) -> Iterator[SelectedField]:
    """The fields of a selection set with fragments flattened (any type condition: a superset is harmless)."""
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection
        elif isinstance(selection, FragmentSpread | InlineFragment):
            yield from _fields(selection.selections)


def selected_below(fields: Iterable[Selection], *path: str) -> list[SelectedField]:
    """The fields selected at `path` from `fields` (e.g. `info.selected_fields, "orders", "edges", "node"`).

    Every alias of a path step counts, so the answer covers whatever any of them asks for.
    """
    level = list(_fields(fields))
    for name in path:
        level = [child for field in level if field.name == name for child in _fields(field.selections)]
    return level


def names(fields: Iterable[Selection]) -> set[str]:
    return {field.name for field in _fields(fields)}
