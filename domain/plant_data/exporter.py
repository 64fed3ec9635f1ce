"""`sop export`: the plant in the database written as the exchange format's CSV files, so it imports again."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from domain.models import (
    BomItem,
    Customer,
    Forecast,
    LineCalendarDay,
    Material,
    MaterialReceipt,
    Order,
    OrderStatus,
    Product,
    ProductionLine,
    Routing,
)
from domain.plant_data.format import DAY_NAMES, FORMATS, sensitivity_band

# The orders that hold hours on the lines (as booking counts them); what was shipped or cancelled is history.
OPEN = (OrderStatus.ACCEPTED, OrderStatus.SCHEDULED, OrderStatus.IN_PRODUCTION)


def number(value: float | Decimal | int) -> str:
    """Digits with a dot, never an exponent (the format has none): 1e-05 -> 0.00001, 12.0 -> 12."""
    text = format(Decimal(repr(value)) if isinstance(value, float) else Decimal(value), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _write(folder: Path, name: str, rows: Iterable[dict[str, object]]) -> int:
    count = 0
    with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, FORMATS[name].columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else number(v) if isinstance(v, float | Decimal) else v
                             for k, v in row.items()})
            count += 1
    return count


def export_plant(session: Session, folder: Path) -> dict[str, int]:
    """Write every file of the format into folder (made if missing); returns rows written per file."""
    folder.mkdir(parents=True, exist_ok=True)
    sku = {id_: code for id_, code in session.execute(select(Product.id, Product.sku))}
    material = {id_: code for id_, code in session.execute(select(Material.id, Material.code))}
    line = {id_: code for id_, code in session.execute(select(ProductionLine.id, ProductionLine.code))}
    products = session.scalars(select(Product).options(selectinload(Product.substitutes)).order_by(Product.sku)).all()
    written = {
        "customers": _write(folder, "customers", (
            {"code": c.code, "name": c.name, "tier": c.tier.value, "account_owner": c.account_owner,
             "price_sensitivity": sensitivity_band(c.price_sensitivity)}
            for c in session.scalars(select(Customer).order_by(Customer.code)))),
        "products": _write(folder, "products", (
            {"sku": p.sku, "name": p.name, "family": p.family, "unit_cost": p.unit_cost, "list_price": p.list_price,
             "maturity": p.maturity.value, "safety_stock": p.safety_stock, "lot_size": p.lot_size,
             "substitutes": ";".join(sorted(s.sku for s in p.substitutes))} for p in products)),
        "materials": _write(folder, "materials", (
            {"code": m.code, "name": m.name, "unit": m.unit, "on_hand": m.on_hand, "lead_time_days": m.lead_time_days}
            for m in session.scalars(select(Material).order_by(Material.code)))),
        "bom": _write(folder, "bom", (
            {"sku": sku[b.product_id], "material_code": material[b.material_id],
             "quantity_per_unit": b.quantity_per_unit}
            for b in session.scalars(select(BomItem).order_by(BomItem.product_id, BomItem.material_id)))),
        "lines": _write(folder, "lines", (
            {"code": ln.code, "name": ln.name, "weekly_capacity_hours": ln.weekly_capacity_hours,
             "working_days": ";".join(d for d, on in zip(DAY_NAMES, ln.working_days, strict=True) if on == "1")}
            for ln in session.scalars(select(ProductionLine).order_by(ProductionLine.code)))),
        "routings": _write(folder, "routings", (
            {"line_code": line[r.line_id], "sku": sku[r.product_id], "units_per_hour": r.units_per_hour}
            for r in session.scalars(select(Routing).order_by(Routing.line_id, Routing.product_id)))),
        # Idle days only: the format has no extra shifts.
        "holidays": _write(folder, "holidays", (
            {"date": d.day.isoformat(), "line_code": line[d.line_id]}
            for d in session.scalars(select(LineCalendarDay).where(LineCalendarDay.hours == 0)
                                     .order_by(LineCalendarDay.day, LineCalendarDay.line_id)))),
        "stock": _write(folder, "stock", ({"sku": p.sku, "on_hand": p.on_hand} for p in products)),
        "receipts": _write(folder, "receipts", (
            {"material_code": material[r.material_id], "quantity": r.quantity, "date": r.due_date.isoformat()}
            for r in session.scalars(select(MaterialReceipt).where(MaterialReceipt.received.is_(False))
                                     .order_by(MaterialReceipt.due_date, MaterialReceipt.id)))),
        "forecasts": _write(folder, "forecasts", (
            {"sku": sku[f.product_id], "week": f.week.isoformat(), "low": f.low, "mid": f.mid, "high": f.high}
            for f in session.scalars(select(Forecast).order_by(Forecast.product_id, Forecast.week)))),
    }
    written["orders"] = _write(folder, "orders", _order_rows(session, sku))
    return written


def _order_rows(session: Session, sku: dict[int, str]) -> Iterable[dict[str, object]]:
    """One row per line still to be made, with the quantity still to make (units made or taken from stock for
    an order are not in the format)."""
    orders = session.scalars(select(Order).where(Order.status.in_(OPEN))
                             .options(selectinload(Order.lines), selectinload(Order.customer)).order_by(Order.code))
    for order in orders:
        for ln in order.lines:
            if ln.quantity_to_make > 1e-9:
                yield {"code": order.code, "customer_code": order.customer.code,
                       "requested_date": order.requested_date.isoformat(), "sku": sku[ln.product_id],
                       "quantity": ln.quantity_to_make, "unit_price": ln.unit_price}
