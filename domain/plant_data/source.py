"""Reads the plant's files, a folder of CSV files or one .xlsx workbook, into rows of text cells per file."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from domain.errors import InvalidInput
from domain.plant_data.format import FILES, FORMATS, REQUIRED_FILES
from domain.plant_data.problems import Problems


@dataclass
class Sheet:
    """One file's rows as text, keyed by column; row numbers as a spreadsheet shows them (header = 1)."""

    where: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def read_source(path: Path, problems: Problems) -> dict[str, Sheet]:
    """Every known file found at path; header problems (unknown, missing, repeated columns) go to problems."""
    if path.is_dir():
        tables = _read_folder(path, problems)
    elif path.suffix.lower() == ".xlsx" and path.is_file():
        tables = _read_workbook(path, problems)
    else:
        raise InvalidInput(f"{path}: expected a folder of CSV files or an .xlsx workbook", ["path"])
    sheets: dict[str, Sheet] = {}
    for name, (where, table) in tables.items():
        sheet = _checked(where, FORMATS[name].columns, FORMATS[name].required, table, problems)
        if sheet is not None:
            sheets[name] = sheet
    for name in REQUIRED_FILES:
        if name not in tables:
            suffix = ".csv" if path.is_dir() else ""
            problems.add(f"{name}{suffix}", 0, "-", "required file is missing", fatal=True)
    return sheets


def _read_folder(folder: Path, problems: Problems) -> dict[str, tuple[str, list[list[str]]]]:
    tables = {}
    for found in sorted(folder.glob("*.csv")):
        if found.stem not in FORMATS:
            problems.add(found.name, 0, "-", f"unknown file (files are {', '.join(f.name for f in FILES)})")
            continue
        try:
            # utf-8-sig: a BOM written by spreadsheet programs is allowed and dropped.
            with found.open(newline="", encoding="utf-8-sig") as handle:
                tables[found.stem] = (found.name, list(csv.reader(handle)))
        except UnicodeDecodeError as error:
            problems.add(found.name, 0, "-", f"not UTF-8 text (byte {error.start})", fatal=True)
    return tables


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):  # a spreadsheet turns typed dates into datetimes
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_workbook(path: Path, problems: Problems) -> dict[str, tuple[str, list[list[str]]]]:
    from openpyxl import load_workbook  # only an .xlsx import pays for loading it

    book = load_workbook(path, read_only=True, data_only=True)
    tables = {}
    try:
        for sheet in book.worksheets:
            if sheet.title not in FORMATS:
                problems.add(sheet.title, 0, "-", f"unknown sheet (sheets are {', '.join(f.name for f in FILES)})")
                continue
            cells = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
            tables[sheet.title] = (sheet.title, cells)
    finally:
        book.close()
    return tables


def _checked(where: str, known: tuple[str, ...], required: tuple[str, ...], table: list[list[str]],
             problems: Problems) -> Sheet | None:
    """The rows keyed by header, or None when the header is unusable (its problems recorded)."""
    if not table:
        problems.add(where, 1, "-", f"empty file: expected a header row with {', '.join(required)}", fatal=True)
        return None
    header = [name.strip() for name in table[0]]
    before = sum(problems.counts.values())
    for name in header:
        if name and name not in known:
            problems.add(where, 1, name, f"unknown column (columns are {', '.join(known)})", fatal=True)
        elif name and header.count(name) > 1:
            problems.add(where, 1, name, "column given twice", fatal=True)
    for name in required:
        if name not in header:
            problems.add(where, 1, name, "required column is missing", fatal=True)
    if sum(problems.counts.values()) > before:
        return None
    sheet = Sheet(where)
    for number, cells in enumerate(table[1:], start=2):
        if not any(cell.strip() for cell in cells):
            continue  # blank lines, often left at the end of a sheet
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            problems.add(where, number, "-", f"{len(cells)} cells but the header has {len(header)} columns")
            continue
        sheet.rows.append((number, {name: (cells[i].strip() if i < len(cells) else "")
                                    for i, name in enumerate(header) if name}))
    return sheet
