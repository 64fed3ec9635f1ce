"""api/core/input_plans.py: createOrder's and updateOrder's inputs built by a plan equal what strawberry builds."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from strawberry.types.arguments import convert_argument
from strawberry.types.field import StrawberryField

from api.orders.mutation_types import OrderInput, OrderLineInput, UpdateOrderInput
from api.schema import build_schema

SCHEMA = build_schema()
LINE = {"sku": "P-1", "quantity": 3.0, "unitPrice": Decimal("12.50")}
ORDERS: list[tuple[type, dict[str, Any]]] = [
    (OrderInput, {"customerCode": "C1", "requestedDate": date(2027, 1, 4),
                  "lines": [LINE, {"sku": "P-2", "quantity": 1.0, "unitPrice": None}], "code": None,
                  "idempotencyKey": "k", "customerReference": None}),
    (OrderInput, {"customerCode": "C1", "requestedDate": date(2027, 1, 4), "lines": []}),  # omitted fields
    (UpdateOrderInput, {"code": "SO-1", "expectedVersion": 2, "lines": [LINE], "requestedDate": None}),
    (UpdateOrderInput, {"code": "SO-1", "expectedVersion": 2, "lines": None}),
    (UpdateOrderInput, {"code": "SO-1", "expectedVersion": 2}),
]


def convert(cls: type, value: dict[str, Any]) -> Any:
    return convert_argument(value, cls, SCHEMA.schema_converter.scalar_registry, SCHEMA.config)


@pytest.mark.parametrize(("cls", "value"), ORDERS)
def test_a_planned_input_is_what_strawberry_builds(cls: type, value: dict[str, Any],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    planned = convert(cls, value)
    for unplanned in (cls, OrderLineInput):
        monkeypatch.setattr(unplanned.__strawberry_definition__, "from_input", None)  # type: ignore[attr-defined]
    strawberrys = convert(cls, value)
    assert planned == strawberrys and type(planned) is type(strawberrys)
    assert [type(line) for line in planned.lines or []] == [OrderLineInput] * len(value.get("lines") or [])
    if value.get("lines"):
        assert planned.lines is not value["lines"]  # a new list: graphql-core may share a default one


def test_the_plan_is_made_once_not_per_value(monkeypatch: pytest.MonkeyPatch) -> None:
    # strawberry resolved every field's annotation on every request (~0.2-0.3 ms of a create).
    convert(*ORDERS[0])  # the plans are made
    resolved: list[str] = []
    original = StrawberryField.resolve_type

    def counted(field: StrawberryField, *args: Any, **kwargs: Any) -> Any:
        resolved.append(field.python_name)
        return original(field, *args, **kwargs)

    monkeypatch.setattr(StrawberryField, "resolve_type", counted)
    order = convert(*ORDERS[0])
    assert order.to_domain().lines[0].unit_price == Decimal("12.50")
    assert resolved == []
