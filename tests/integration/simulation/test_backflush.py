"""The simulation's backflush: materials the made and scrapped units used leave the store in one statement."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.models import BomItem, Material
from domain.simulation import store
from tests.integration.floor.plant import build_plant
from tests.integration.orders.statements import statements


async def test_backflush_takes_every_material_of_the_bill_at_once_and_never_below_zero(
        asession: AsyncSession) -> None:
    """Input: W-1 needs 2 STEEL (100 on hand) and, added here, 3 BOLT (10 on hand); 20 units backflushed: STEEL
    100 -> 60, BOLT 10 -> 0 (60 asked for); one UPDATE for both (there was one per material, after a read)."""
    plant = await build_plant(asession)
    bolt = Material(code="BOLT", name="Bolt", on_hand=10.0, lead_time_days=5)
    asession.add(bolt)
    await asession.flush()
    asession.add(BomItem(product_id=plant.widget.id, material_id=bolt.id, quantity_per_unit=3.0))
    await asession.commit()
    bom = await store.bill_of_materials(asession, "W-1")
    assert bom == [(plant.steel.id, 2.0), (bolt.id, 3.0)]
    with statements(asession.bind) as sent:  # type: ignore[arg-type]
        await store.backflush(asession, bom, 20)
    await asession.commit()
    assert [sql.split()[0] for sql in sent] == ["UPDATE"], sent
    on_hand = dict((await asession.execute(select(Material.code, Material.on_hand))).all())
    assert on_hand == {"STEEL": 60.0, "BOLT": 0.0}
