"""`sop import` writes the master-data audit log as the master-data API does: one versioned entry per record the
files create or change, none for a row that changes nothing."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from domain.models import AuditEntry
from tests.integration.plant_data.test_import_refused import EXAMPLE, TODAY, broken_copy, sop


def _entries(db: Engine) -> list[AuditEntry]:
    with Session(db) as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def test_an_import_versions_each_master_record_it_creates_or_changes(db: Engine, db_url: str, tmp_path: Path) -> None:
    """Input: the example plant (3 customers, 4 products, 4 materials, 2 lines: 13 new records), then a copy where
    only PUMP-S's list price (79.00 -> 81.00) and the PUMPS line's weekly hours (80 -> 70) differ."""
    first = sop(["import", str(EXAMPLE), "--today", TODAY], db_url)
    assert first.exit_code == 0 and "13 customers, products, materials and lines created or changed" in first.output
    created = _entries(db)
    assert len(created) == 13 and {e.version for e in created} == {1} and {e.actor for e in created} == {"import"}
    assert all(e.before is None and e.after is not None and e.action == "UPSERT" for e in created)
    folder = broken_copy(tmp_path, {"products": ("42.50,79.00", "42.50,81.00"),
                                    "lines": ("PUMPS,Pump assembly,80", "PUMPS,Pump assembly,70")})
    second = sop(["import", str(folder), "--today", TODAY], db_url)
    assert second.exit_code == 0, second.output
    changed = _entries(db)[13:]
    assert [(e.entity, e.code, e.version) for e in changed] == [("LINE", "PUMPS", 2), ("PRODUCT", "PUMP-S", 2)]
    line, product = changed
    assert (line.before or {})["weekly_capacity_hours"] == 80.0 and (line.after or {})["weekly_capacity_hours"] == 70.0
    assert (product.before or {})["list_price"] == "79.00" and (product.after or {})["list_price"] == "81.00"
    again = sop(["import", str(folder), "--today", TODAY], db_url)
    assert again.exit_code == 0 and "0 customers, products, materials and lines created or changed" in again.output
    assert len(_entries(db)) == 15
