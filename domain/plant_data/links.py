"""Reads the files that refer to masters (bom, routings, holidays, stock, receipts, forecasts), references checked."""

from __future__ import annotations

from collections.abc import Container, Iterator

from domain.plant_data.cells import Row
from domain.plant_data.data import KnownCodes, PlantData
from domain.plant_data.problems import Problems
from domain.plant_data.source import Sheet


def rows(sheet: Sheet, problems: Problems) -> Iterator[Row]:
    for number, cells in sheet.rows:
        yield Row(sheet.where, number, cells, problems)


def reference(row: Row, column: str, in_files: Container[str], in_database: set[str], what: str) -> str:
    """The code in the cell if it names a known record (in the files or the database), else a problem."""
    code = row.required(column)
    if code and code not in in_files and code not in in_database:
        row.bad(column, f"{code!r} is not a {what} (not in {what}s nor in the database)")
    return code


def once(row: Row, column: str, key: object, seen: dict[object, int]) -> bool:
    """False (and a problem) when the key was on an earlier row."""
    if key in seen:
        row.bad(column, f"{key!r} is a duplicate of row {seen[key]}" if not isinstance(key, tuple)
                else f"{', '.join(map(str, key))} is a duplicate of row {seen[key]}")
        return False
    seen[key] = row.row_no
    return True


def read_bom(sheet: Sheet, data: PlantData, known: KnownCodes, problems: Problems) -> None:
    seen: dict[object, int] = {}
    for row in rows(sheet, problems):
        sku = reference(row, "sku", data.products, known.products, "product")
        material = reference(row, "material_code", data.materials, known.materials, "material")
        per_unit = row.number("quantity_per_unit", required=True, positive=True)
        if row.ok and once(row, "material_code", (sku, material), seen) and per_unit is not None:
            data.bom[(sku, material)] = per_unit


def read_routings(sheet: Sheet, data: PlantData, known: KnownCodes, problems: Problems) -> None:
    seen: dict[object, int] = {}
    for row in rows(sheet, problems):
        line = reference(row, "line_code", data.lines, known.lines, "line")
        sku = reference(row, "sku", data.products, known.products, "product")
        rate = row.number("units_per_hour", required=True, positive=True)
        if row.ok and once(row, "sku", (line, sku), seen) and rate is not None:
            data.routings[(line, sku)] = rate


def read_holidays(sheet: Sheet, data: PlantData, known: KnownCodes, problems: Problems) -> None:
    seen: dict[object, int] = {}
    for row in rows(sheet, problems):
        day = row.day("date")
        line = row.text("line_code")
        if line is not None:
            reference(row, "line_code", data.lines, known.lines, "line")
        if row.ok and day is not None and once(row, "date", (day.isoformat(), line or "every line"), seen):
            data.holidays.add((day, line))


def read_stock(sheet: Sheet, data: PlantData, known: KnownCodes, problems: Problems) -> None:
    seen: dict[object, int] = {}
    for row in rows(sheet, problems):
        sku = reference(row, "sku", data.products, known.products, "product")
        on_hand = row.number("on_hand", required=True)
        if row.ok and once(row, "sku", sku, seen) and on_hand is not None:
            data.stock[sku] = on_hand


def read_receipts(sheet: Sheet, data: PlantData, known: KnownCodes, problems: Problems) -> None:
    for row in rows(sheet, problems):
        material = reference(row, "material_code", data.materials, known.materials, "material")
        quantity = row.number("quantity", required=True, positive=True)
        day = row.day("date")
        if row.ok and quantity is not None and day is not None:
            data.receipts.append((material, quantity, day))


def read_forecasts(sheet: Sheet, data: PlantData, known: KnownCodes, problems: Problems) -> None:
    seen: dict[object, int] = {}
    for row in rows(sheet, problems):
        sku = reference(row, "sku", data.products, known.products, "product")
        week = row.day("week")
        if week is not None and week.weekday() != 0:
            row.bad("week", f"{week.isoformat()!r} is a {week:%A}: expected a Monday")
        low, mid, high = (row.number(c, required=True) for c in ("low", "mid", "high"))
        if low is not None and mid is not None and high is not None and not low <= mid <= high:
            row.bad("mid", f"low {low:g}, mid {mid:g}, high {high:g}: expected low <= mid <= high")
        if row.ok and week is not None and once(row, "week", (sku, week.isoformat()), seen):
            data.forecasts[(sku, week)] = (low or 0.0, mid or 0.0, high or 0.0)
