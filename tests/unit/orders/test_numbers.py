"""order_numbers: who chooses the plant code and where the customer's own number goes, without a database."""

from __future__ import annotations

from datetime import date

import pytest

from domain.access import Principal
from domain.errors import InvalidInput
from domain.models import Role
from domain.orders.inputs import LineInput, OrderInput
from domain.orders.numbers import order_numbers

PARTNER = Principal(1, "erp", Role.PARTNER, frozenset({7}))
PLANNER = Principal(2, "plan", Role.PLANNER)


def _input(code: str | None = None, reference: str | None = None) -> OrderInput:
    return OrderInput("ACME", date(2027, 1, 4), (LineInput("W-1", 10),), code, None, reference)


def test_a_partners_code_is_its_reference_and_the_plant_code_is_generated() -> None:
    # Tried: a partner sending code PO-1 (the old way) and one sending customerReference PO-1.
    for data, field in ((_input(code="PO-1"), ["code"]), (_input(reference="PO-1"), ["customerReference"])):
        numbers = order_numbers(PARTNER, data)
        assert numbers.reference == "PO-1" and numbers.code != "PO-1" and numbers.code.startswith("SO-")
        assert list(numbers.reference_field) == field
    # Two orders never draw the same plant code.
    assert order_numbers(PARTNER, _input(code="PO-1")).code != order_numbers(PARTNER, _input(code="PO-1")).code


def test_plant_staff_choose_the_plant_code() -> None:
    # Tried: a planner sending code SO-9 and reference PO-1, then neither.
    numbers = order_numbers(PLANNER, _input(code="SO-9", reference="PO-1"))
    assert (numbers.code, numbers.reference) == ("SO-9", "PO-1")
    bare = order_numbers(PLANNER, _input())
    assert bare.reference is None and bare.code.startswith("SO-")


@pytest.mark.parametrize(("principal", "data", "field"), [
    (PARTNER, _input(code="PO-1", reference="PO-2"), ["code"]),  # two different numbers for one order
    (PARTNER, _input(reference=" PO-1"), ["customerReference"]),  # spaces around
    (PLANNER, _input(reference="x" * 65), ["customerReference"]),  # longer than the column
    (PARTNER, _input(code=""), ["code"]),
])
def test_bad_numbers_name_their_field(principal: Principal, data: OrderInput, field: list[str]) -> None:
    with pytest.raises(InvalidInput) as refused:
        order_numbers(principal, data)
    assert refused.value.field == field


def test_a_partner_may_send_the_same_number_as_code_and_reference() -> None:
    numbers = order_numbers(PARTNER, _input(code="PO-3", reference="PO-3"))
    assert numbers.reference == "PO-3" and list(numbers.reference_field) == ["customerReference"]
