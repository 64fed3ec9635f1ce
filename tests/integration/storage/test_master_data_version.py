"""Every table the API caches moves the master-data version (migration 0021): else a process would keep stale rows.

A later migration that rebuilds one of these tables on SQLite (batch_alter_table copies it) drops its triggers:
this test names the table, and the migration must create them again.
"""

from __future__ import annotations

from sqlalchemy import Engine, select, text, update

from domain.db import session_scope
from domain.models import MASTER_DATA_COLUMNS, MasterDataVersion, Product
from tests.factories import make_product


def version(db: Engine) -> int:
    with session_scope(db) as s:
        found = s.scalar(select(MasterDataVersion.version).where(MasterDataVersion.id == 1))
    assert found is not None, "the migration creates the version row"
    return found


def test_every_cached_table_has_its_triggers(db: Engine) -> None:
    """Input tried: the migrated schema's catalogue, for each table of MASTER_DATA_COLUMNS."""
    with db.connect() as conn:
        if db.dialect.name == "postgresql":
            found = set(conn.scalars(text(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE NOT t.tgisinternal AND t.tgname LIKE '%master_data%'")))
        else:
            found = set(conn.scalars(text("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                                          "AND name LIKE '%master_data%'")))
    assert set(MASTER_DATA_COLUMNS) <= found, f"no trigger on {sorted(set(MASTER_DATA_COLUMNS) - found)}"


def test_a_product_change_moves_the_version_and_its_stock_does_not(db: Engine) -> None:
    """Input tried: a new product, then its stock on hand (written all day by progress and shipments), then its
    list price."""
    start = version(db)
    with session_scope(db) as s:
        product_id = make_product(s, "V-1").id
    created = version(db)
    assert created > start
    with session_scope(db) as s:
        s.execute(update(Product).where(Product.id == product_id).values(on_hand=Product.on_hand + 3))
    assert version(db) == created
    with session_scope(db) as s:
        s.execute(update(Product).where(Product.id == product_id).values(list_price=12))
    assert version(db) > created
