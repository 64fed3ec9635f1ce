"""from_attributes: a GraphQL type built from a row's attributes, named values first, no silent gaps."""

from types import SimpleNamespace

import pytest
import strawberry

from api.core.convert import from_attributes


@strawberry.type
class Line:
    code: str
    weekly_capacity_hours: float
    pk: strawberry.Private[int]
    cached: strawberry.Private[str | None] = None


def test_fields_come_from_the_row_and_named_values_win() -> None:
    row = SimpleNamespace(code="L1", weekly_capacity_hours=80.0, pk=1, id=7, cached="not copied")
    line = from_attributes(Line, row, pk=row.id)
    assert (line.code, line.weekly_capacity_hours, line.pk) == ("L1", 80.0, 7)
    assert line.cached is None  # a defaulted (private cache) field is only set when named


def test_a_row_without_a_field_fails_naming_it() -> None:
    with pytest.raises(AttributeError, match="weekly_capacity_hours"):
        from_attributes(Line, SimpleNamespace(code="L1"), pk=1)
