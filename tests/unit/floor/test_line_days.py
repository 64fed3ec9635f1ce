"""A line's working days mean the same thing to promising, incidents, late-order warnings and suggestions."""

from datetime import date

from domain.capacity.line_hours import usual_hours
from domain.floor.downtime import last_working_day
from domain.floor.stock import due_date
from domain.models import ProductionLine

MONDAY = date(2026, 1, 5)
FRIDAY = date(2026, 1, 9)


def line(working_days: str = "1111100", weekly_hours: float = 40.0) -> ProductionLine:
    return ProductionLine(code="L1", name="Line 1", weekly_capacity_hours=weekly_hours, working_days=working_days)


def test_a_weeks_production_is_ready_on_the_lines_last_working_day() -> None:
    assert last_working_day(line("1111100"), MONDAY) == FRIDAY
    assert last_working_day(line("1111110"), MONDAY) == date(2026, 1, 10)


def test_a_line_with_no_working_day_set_works_mondays_everywhere() -> None:
    # Before, the late-order warning took Sunday while promising took Monday.
    none_set = line("0000000")
    assert usual_hours(40.0, "0000000") == [40.0, 0, 0, 0, 0, 0, 0]
    assert last_working_day(none_set, MONDAY) == MONDAY


def test_a_suggested_production_order_is_due_after_its_working_hours_not_its_calendar_days() -> None:
    # 10 units an hour, 8 hours a working day: 80 units take one working day.
    five_days = line("1111100", 40.0)
    assert due_date(five_days, 10.0, 80.0, MONDAY) == date(2026, 1, 6)
    assert due_date(five_days, 10.0, 5.0, FRIDAY) == date(2026, 1, 12)  # not Saturday
    # 400 units = 5 working days from Friday: Monday to Friday of the next week.
    assert due_date(five_days, 10.0, 400.0, FRIDAY) == date(2026, 1, 16)
    # 100 working days' worth: 20 weeks later, to the day.
    assert due_date(five_days, 10.0, 8000.0, FRIDAY) == date(2026, 5, 29)


def test_a_line_without_hours_gives_tomorrow_rather_than_looping() -> None:
    assert due_date(line("1111100", 0.0), 10.0, 80.0, MONDAY) == date(2026, 1, 6)


def test_an_orders_cost_must_fit_the_books_as_its_amount_does() -> None:
    # A 20,000 product at quantity 1e8 and price 0: margin -2e12 overflowed NUMERIC(14, 2) on PostgreSQL.
    from decimal import Decimal

    import pytest

    from domain.errors import InvalidInput
    from domain.orders.inputs import validate_amount

    with pytest.raises(InvalidInput, match="at a cost of"):
        validate_amount(Decimal(0), Decimal("2e12"))
    validate_amount(Decimal("1000"), Decimal("900"))
