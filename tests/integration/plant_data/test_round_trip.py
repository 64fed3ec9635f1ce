"""`sop export` then `sop import` into an empty database gives the same plant: master data, stock, receipts,
forecasts and open orders, compared row for row on the small and the medium demo plants."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from cli import cli
from domain.demo import load_demo
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
from domain.plant_data.format import sensitivity_band
from tests.dbutil import wipe

TODAY = date(2026, 11, 25)
OPEN = (OrderStatus.ACCEPTED, OrderStatus.SCHEDULED, OrderStatus.IN_PRODUCTION)


def plant(db: Engine) -> dict[str, Any]:
    """Everything the exchange format carries, keyed by code (ids differ between the two databases)."""
    with Session(db) as s:
        sku = {id_: code for id_, code in s.execute(select(Product.id, Product.sku))}
        mat = {id_: code for id_, code in s.execute(select(Material.id, Material.code))}
        line = {id_: code for id_, code in s.execute(select(ProductionLine.id, ProductionLine.code))}
        products = s.scalars(select(Product).options(selectinload(Product.substitutes))).all()
        orders = s.scalars(select(Order).where(Order.status.in_(OPEN))
                           .options(selectinload(Order.lines), selectinload(Order.customer))).all()
        open_orders = {o.code: (o.customer.code, o.requested_date,
                                sorted((sku[ln.product_id], ln.quantity_to_make, ln.unit_price)
                                       for ln in o.lines if ln.quantity_to_make > 1e-9)) for o in orders}
        return {
            "customers": {c.code: (c.name, c.tier, sensitivity_band(c.price_sensitivity), c.account_owner)
                          for c in s.scalars(select(Customer))},
            "products": {p.sku: (p.name, p.family, p.unit_cost, p.list_price, p.maturity, p.safety_stock, p.lot_size,
                                 sorted(x.sku for x in p.substitutes)) for p in products},
            "stock": {p.sku: p.on_hand for p in products},
            "materials": {m.code: (m.name, m.unit, m.on_hand, m.lead_time_days) for m in s.scalars(select(Material))},
            "bom": {(sku[b.product_id], mat[b.material_id], b.quantity_per_unit) for b in s.scalars(select(BomItem))},
            "lines": {ln.code: (ln.name, ln.weekly_capacity_hours, ln.working_days)
                      for ln in s.scalars(select(ProductionLine))},
            "routings": {(line[r.line_id], sku[r.product_id], r.units_per_hour) for r in s.scalars(select(Routing))},
            "holidays": {(line[d.line_id], d.day) for d in s.scalars(select(LineCalendarDay)
                                                                  .where(LineCalendarDay.hours == 0))},
            "receipts": sorted((mat[r.material_id], r.quantity, r.due_date) for r in s.scalars(
                select(MaterialReceipt).where(MaterialReceipt.received.is_(False)))),
            "forecasts": {(sku[f.product_id], f.week): (f.low, f.mid, f.high) for f in s.scalars(select(Forecast))},
            "open orders": {code: spec for code, spec in open_orders.items() if spec[2]},
        }


@pytest.mark.parametrize("size", ["small", "medium"])
def test_export_then_import_into_an_empty_database_gives_the_same_plant(db: Engine, db_url: str, tmp_path: Path,
                                                                         size: str) -> None:
    load_demo(db, size, seed=7, today=TODAY)
    before = plant(db)
    assert len(before["open orders"]) > 100 and before["receipts"] and before["holidays"]
    env = {"SOP_DATABASE_URL": db_url}
    exported = CliRunner().invoke(cli, ["export", str(tmp_path / "plant")], env=env)
    assert exported.exit_code == 0, exported.output
    wipe(db)
    assert plant(db)["products"] == {}
    imported = CliRunner().invoke(cli, ["import", str(tmp_path / "plant"), "--today", TODAY.isoformat()], env=env)
    assert imported.exit_code == 0, imported.output
    after = plant(db)
    for part, rows in before.items():
        assert after[part] == rows, part
    checked = CliRunner().invoke(cli, ["check", "--today", TODAY.isoformat()], env=env)
    assert checked.exit_code == 0, checked.output
