"""The master-data version: one counter row that triggers move whenever cached master data changes (migration 0021).

A process caches customers, products, routes, bills, line calendars and API keys (domain/reference.py) and trusts
them while this counter stays where it read it. The triggers live in the database, so every writer moves it:
master-data mutations, `sop import`, demo loads, psql, other processes.
"""

from __future__ import annotations

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from domain.models.base import Base

# Table -> the columns whose change moves the version (None: every column). Left out: what orders, progress and
# shipments write all day (products' stock, a key's last use); the decision reads those fresh, never from the cache.
MASTER_DATA_COLUMNS: dict[str, tuple[str, ...] | None] = {
    "customers": None,
    "products": ("sku", "name", "family", "unit_cost", "list_price", "maturity", "safety_stock", "fast_mover",
                 "lot_size", "energy_kwh", "retired_at"),
    "routings": None,
    "production_lines": None,
    "line_calendar_days": None,
    "bom_items": None,
    "materials": None,  # on_hand too: the cached bills carry the key components' stock
    "material_receipts": None,  # the open receipts ride with the bills
    "api_keys": ("prefix", "key_hash", "role", "name", "revoked_at", "expires_at"),
    "api_key_customers": None,
}


class MasterDataVersion(Base):
    """One row (id 1); its version only grows. A database without the row caches nothing."""

    __tablename__ = "master_data_version"
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, default=0)
