"""Broken plant files are refused with file:row:column problems, every problem of a file at once, nothing written."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from click.testing import CliRunner, Result
from openpyxl import Workbook
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from cli import cli
from domain.models import Base

EXAMPLE = Path(__file__).parents[3] / "docs" / "import" / "example"
TODAY = "2026-12-02"


def sop(args: list[str], url: str) -> Result:
    return CliRunner().invoke(cli, args, env={"SOP_DATABASE_URL": url})


def row_counts(db: Engine) -> dict[str, int]:
    with Session(db) as session:
        return {t.name: session.scalar(select(func.count()).select_from(t)) or 0 for t in Base.metadata.sorted_tables}


def broken_copy(tmp_path: Path, edits: dict[str, tuple[str, str]]) -> Path:
    folder = tmp_path / "plant"
    shutil.copytree(EXAMPLE, folder)
    for name, (old, new) in edits.items():
        path = folder / f"{name}.csv"
        text = path.read_text()
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1))
    return folder


def test_bad_number_unknown_sku_and_duplicate_code_are_refused_with_where_and_what(db: Engine, db_url: str,
                                                                                   tmp_path: Path) -> None:
    """Inputs: a comma decimal in products.csv row 2, a duplicate customer code on row 4, an sku no product has in
    bom.csv row 4 and orders.csv row 5, a Tuesday as a forecast week, an unknown line in routings.csv, imported
    over the example plant (an upsert) with and without --check. Each is named and nothing is written."""
    assert sop(["import", str(EXAMPLE), "--today", TODAY], db_url).exit_code == 0
    before = row_counts(db)
    folder = broken_copy(tmp_path, {
        "products": ("42.50", '"42,50"'),
        "customers": ("GAMMA,Gamma Farm Supply", "BETA,Gamma Farm Supply"),
        "bom": ("PUMP-S,SEAL,2", "PUMP-Z,SEAL,2"),
        "orders": ("SO-1003,GAMMA,2026-12-16,PUMP-S", "SO-1003,GAMMA,2026-12-16,PUMP-9"),
        "forecasts": ("PUMP-L,2026-12-07", "PUMP-L,2026-12-08"),
        "routings": ("VALVES,VALVE-X", "PAINT,VALVE-X"),
    })
    for check in ([], ["--check"]):
        result = sop(["import", str(folder), "--today", TODAY, *check], db_url)
        assert result.exit_code == 1, result.output
        lines = result.output.splitlines()
        assert "customers.csv:4:code: 'BETA' is a duplicate of row 3" in lines
        assert ("products.csv:2:unit_cost: '42,50' is not a number (use a dot for decimals, no thousands separator)"
                in lines)
        assert "bom.csv:4:sku: 'PUMP-Z' is not a product (not in products nor in the database)" in lines
        assert "orders.csv:5:sku: 'PUMP-9' is not a product (not in products nor in the database)" in lines
        assert "forecasts.csv:4:week: '2026-12-08' is a Tuesday: expected a Monday" in lines
        assert "routings.csv:5:line_code: 'PAINT' is not a line (not in lines nor in the database)" in lines
        assert lines[-1] == f"Error: {folder}: refused, nothing was written"
        assert row_counts(db) == before


def test_a_missing_required_column_and_an_unknown_column_are_refused(db: Engine, db_url: str, tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, {"products": ("list_price,", ""), "lines": ("working_days", "workdays")})
    before = row_counts(db)
    result = sop(["import", str(folder), "--today", TODAY], db_url)
    assert result.exit_code == 1, result.output
    assert "products.csv:1:list_price: required column is missing" in result.output
    assert "lines.csv:1:workdays: unknown column (columns are code, name, weekly_capacity_hours, working_days)" in (
        result.output)
    assert row_counts(db) == before and before["products"] == 0


def test_at_most_50_problems_a_file_are_listed_with_the_count_of_the_rest(db: Engine, db_url: str,
                                                                          tmp_path: Path) -> None:
    folder = broken_copy(tmp_path, {})
    with (folder / "stock.csv").open("a") as handle:
        handle.writelines(f"PUMP-S,{n}x\n" for n in range(70))  # row 6 onwards: 70 bad numbers (and duplicates)
    result = sop(["import", str(folder), "--today", TODAY], db_url)
    assert result.exit_code == 1
    stock_lines = [line for line in result.output.splitlines() if re.match(r"stock\.csv:\d+:", line)]
    assert len(stock_lines) == 50 and stock_lines[0] == "stock.csv:6:on_hand: '0x' is not a number (use a dot for " \
        "decimals, no thousands separator)"
    assert "stock.csv: ... and 20 more problems" in result.output


def test_a_workbook_with_one_sheet_per_file_imports_and_its_problems_name_the_sheet(db: Engine, db_url: str,
                                                                                    tmp_path: Path) -> None:
    """The example as an .xlsx workbook (numbers and dates typed as a spreadsheet types them) imports as the CSV
    folder does; a bad cell is reported as sheet:row:column."""
    import csv

    def workbook(path: Path, bad: bool) -> Path:
        book = Workbook()
        book.remove(book.active)
        for source in sorted(EXAMPLE.glob("*.csv")):
            sheet = book.create_sheet(source.stem)
            with source.open() as handle:
                for number, cells in enumerate(csv.reader(handle), start=1):
                    typed: list[object] = [float(c) if c.replace(".", "", 1).isdigit() and number > 1 else c
                                           for c in cells]
                    sheet.append(typed)
        if bad:
            book["routings"]["C3"] = "fast"
        book.save(path)
        return path

    refused = sop(["import", str(workbook(tmp_path / "bad.xlsx", True)), "--today", TODAY], db_url)
    assert refused.exit_code == 1
    assert "routings:3:units_per_hour: 'fast' is not a number" in refused.output
    assert row_counts(db)["products"] == 0
    done = sop(["import", str(workbook(tmp_path / "plant.xlsx", False)), "--today", TODAY], db_url)
    assert done.exit_code == 0, done.output
    assert "4 products" in done.output and "6 order lines" in done.output
