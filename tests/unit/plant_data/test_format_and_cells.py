"""The shipped templates follow the format in code; cells are read strictly and numbers written without exponents."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from domain.plant_data.cells import Row
from domain.plant_data.exporter import number
from domain.plant_data.format import FILES
from domain.plant_data.masters import working_days
from domain.plant_data.problems import MAX_PER_FILE, Problems

DOCS = Path(__file__).parents[3] / "docs" / "import"


@pytest.mark.parametrize("folder", ["templates", "example"])
def test_the_shipped_files_have_the_formats_columns(folder: str) -> None:
    for f in FILES:
        with (DOCS / folder / f"{f.name}.csv").open(newline="") as handle:
            header = next(csv.reader(handle))
        assert tuple(header) == f.columns, f.name


def test_every_file_is_described_in_the_format_page() -> None:
    page = (DOCS / "README.md").read_text()
    for f in FILES:
        assert f"| {f.name}.csv | " in page
        for column in f.columns:
            assert (f"**{column}**" if column in f.required else column) in page, (f.name, column)


def _row(**cells: str) -> tuple[Row, Problems]:
    problems = Problems()
    return Row("products.csv", 7, cells, problems), problems


@pytest.mark.parametrize(("raw", "message"), [
    ("12,50", "'12,50' is not a number (use a dot for decimals, no thousands separator)"),
    ("1 200", "'1 200' is not a number (use a dot for decimals, no thousands separator)"),
    ("1e3", "'1e3' is not a number (use a dot for decimals, no thousands separator)"),
    ("NaN", "'NaN' is not a number (use a dot for decimals, no thousands separator)"),
    ("-4", "'-4' is negative: expected 0 or more"),
])
def test_a_bad_number_names_the_file_row_column_and_value(raw: str, message: str) -> None:
    row, problems = _row(list_price=raw)
    assert row.decimal("list_price") is None and not row.ok
    assert problems.lines() == [f"products.csv:7:list_price: {message}"]


def test_dates_are_iso_days_only() -> None:
    for raw in ("2026-13-01", "20261203", "03/12/2026"):
        row, problems = _row(date=raw)
        assert row.day("date") is None
        assert problems.lines() == [f"products.csv:7:date: {raw!r} is not a date: expected YYYY-MM-DD"]
    row, problems = _row(date="2026-12-03")
    assert str(row.day("date")) == "2026-12-03" and not problems


def test_working_days_become_the_stored_week_pattern() -> None:
    assert working_days(_row(working_days="Mon;Wed; Sat")[0]) == "1010010"
    assert working_days(_row()[0]) == "1111100"
    row, problems = _row(working_days="Mon,Tue")
    assert working_days(row) is None
    assert problems.lines() == ["products.csv:7:working_days: 'Mon,Tue': expected day names from "
                                "Mon;Tue;Wed;Thu;Fri;Sat;Sun separated by ';'"]


def test_problems_keep_50_a_file_and_count_the_rest() -> None:
    problems = Problems()
    for n in range(MAX_PER_FILE + 7):
        problems.add("stock.csv", n + 2, "on_hand", "bad")
    problems.add("bom.csv", 2, "sku", "bad")
    lines = problems.lines()
    assert len(lines) == MAX_PER_FILE + 2 and lines[-1] == "stock.csv: ... and 7 more problems"


def test_exported_numbers_have_no_exponent_and_no_trailing_zeros() -> None:
    assert [number(1e-05), number(12.0), number(Decimal("42.50")), number(0.1 + 0.2), number(3)] == [
        "0.00001", "12", "42.5", "0.30000000000000004", "3"]
