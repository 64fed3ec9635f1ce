"""Reads the master files (customers, products, materials, lines): one record per code, duplicates refused."""

from __future__ import annotations

from collections.abc import Iterator

from domain.models import CustomerTier, ProcessMaturity
from domain.plant_data.cells import Row
from domain.plant_data.data import KnownCodes, PlantData
from domain.plant_data.format import DAY_NAMES, SENSITIVITY
from domain.plant_data.problems import Problems
from domain.plant_data.source import Sheet


def keyed_rows(sheet: Sheet, key: str, problems: Problems) -> Iterator[tuple[str, Row]]:
    """Each row with its code; an empty or repeated code is a problem and the row is skipped."""
    first_row: dict[str, int] = {}
    for number, cells in sheet.rows:
        row = Row(sheet.where, number, cells, problems)
        code = row.required(key)
        if not code:
            continue
        if code in first_row:
            row.bad(key, f"{code!r} is a duplicate of row {first_row[code]}")
            continue
        first_row[code] = number
        yield code, row


def read_customers(sheet: Sheet, data: PlantData, known: KnownCodes, problems: Problems) -> None:
    for code, row in keyed_rows(sheet, "code", problems):
        tier = row.choice("tier", [t.value for t in CustomerTier])
        band = row.choice("price_sensitivity", SENSITIVITY, default="MEDIUM")
        values = {"name": row.required("name"), "tier": tier and CustomerTier(tier),
                  "price_sensitivity": SENSITIVITY[band] if band else None, "account_owner": row.text("account_owner")}
        if row.ok:
            data.customers[code] = values


def read_products(sheet: Sheet, data: PlantData, known: KnownCodes, problems: Problems) -> None:
    substitute_rows: list[tuple[str, Row]] = []
    for sku, row in keyed_rows(sheet, "sku", problems):
        maturity = row.choice("maturity", [m.value for m in ProcessMaturity], default="PROVEN")
        values = {"name": row.required("name"), "family": row.required("family"),
                  "unit_cost": row.decimal("unit_cost", required=True),
                  "list_price": row.decimal("list_price", required=True),
                  "maturity": maturity and ProcessMaturity(maturity),
                  "safety_stock": row.number("safety_stock") or 0.0,
                  "lot_size": row.number("lot_size", positive=True)}
        if row.ok:
            data.products[sku] = values
            substitutes = row.text("substitutes")
            if substitutes is not None:
                data.substitutes[sku] = [s.strip() for s in substitutes.split(";") if s.strip()]
                substitute_rows.append((sku, row))
    # After the whole file: a substitute may be listed further down.
    for sku, row in substitute_rows:
        for other in data.substitutes[sku]:
            if other not in data.products and other not in known.products:
                row.bad("substitutes", f"{other!r} is not a product (not in products nor in the database)")
            elif other == sku:
                row.bad("substitutes", f"{other!r} is the product itself")


def read_materials(sheet: Sheet, data: PlantData, known: KnownCodes, problems: Problems) -> None:
    for code, row in keyed_rows(sheet, "code", problems):
        lead = row.whole("lead_time_days")
        values = {"name": row.required("name"), "unit": row.text("unit") or "pcs",
                  "on_hand": row.number("on_hand") or 0.0, "lead_time_days": 14 if lead is None else lead}
        if row.ok:
            data.materials[code] = values


def working_days(row: Row) -> str | None:
    """Day names as the seven 0/1 characters the database keeps ("Mon;Tue" -> "1100000")."""
    raw = row.text("working_days")
    if raw is None:
        return "1111100"
    names = [name.strip() for name in raw.split(";") if name.strip()]
    wrong = [name for name in names if name not in DAY_NAMES]
    if wrong or not names:
        row.bad("working_days", f"{raw!r}: expected day names from {';'.join(DAY_NAMES)} separated by ';'")
        return None
    return "".join("1" if day in names else "0" for day in DAY_NAMES)


def read_lines(sheet: Sheet, data: PlantData, known: KnownCodes, problems: Problems) -> None:
    for code, row in keyed_rows(sheet, "code", problems):
        values = {"name": row.required("name"),
                  "weekly_capacity_hours": row.number("weekly_capacity_hours", required=True),
                  "working_days": working_days(row)}
        if row.ok:
            data.lines[code] = values
