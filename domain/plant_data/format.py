"""The plant data exchange format (docs/import/README.md): each file's columns, declared once for import and export."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileFormat:
    name: str  # the file name without .csv, also the workbook's sheet name
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def columns(self) -> tuple[str, ...]:
        return self.required + self.optional


# Parents before children: the order in which files are read, checked, written and exported.
FILES: tuple[FileFormat, ...] = (
    FileFormat("customers", ("code", "name", "tier"), ("price_sensitivity", "account_owner")),
    FileFormat("products", ("sku", "name", "family", "unit_cost", "list_price"),
               ("maturity", "safety_stock", "lot_size", "substitutes")),
    FileFormat("materials", ("code", "name"), ("unit", "on_hand", "lead_time_days")),
    FileFormat("bom", ("sku", "material_code", "quantity_per_unit")),
    FileFormat("lines", ("code", "name", "weekly_capacity_hours"), ("working_days",)),
    FileFormat("routings", ("line_code", "sku", "units_per_hour")),
    FileFormat("holidays", ("date",), ("line_code",)),
    FileFormat("stock", ("sku", "on_hand")),
    FileFormat("receipts", ("material_code", "quantity", "date")),
    FileFormat("forecasts", ("sku", "week", "low", "mid", "high")),
    FileFormat("orders", ("code", "customer_code", "requested_date", "sku", "quantity"), ("unit_price",)),
)
FORMATS = {f.name: f for f in FILES}
REQUIRED_FILES = ("customers", "products", "lines", "routings")

# The format speaks in bands; the database keeps a number (0 indifferent to price .. 1 buys on price alone).
SENSITIVITY = {"LOW": 0.2, "MEDIUM": 0.5, "HIGH": 0.8}
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def sensitivity_band(value: float) -> str:
    """The band a stored sensitivity falls in (the nearest of SENSITIVITY's values)."""
    return min(SENSITIVITY, key=lambda band: abs(SENSITIVITY[band] - value))
