"""The one check-and-write path of plant records, shared by `sop import` (whole files) and the master-data API
(one record at a time): the same readers check the cells, the same writers upsert them."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession

from domain.plant_data.data import KnownCodes, PlantData
from domain.plant_data.links import read_bom, read_forecasts, read_holidays, read_receipts, read_routings, read_stock
from domain.plant_data.masters import read_customers, read_lines, read_materials, read_products
from domain.plant_data.open_orders import read_orders
from domain.plant_data.problems import Problems
from domain.plant_data.source import Sheet
from domain.plant_data.write_links import write_links
from domain.plant_data.write_masters import ids_by_code, write_masters

Reader = Callable[[Sheet, PlantData, KnownCodes, Problems], None]
# In the format's file order: a file's references are checked against the files read before it.
READERS: dict[str, Reader] = {
    "customers": read_customers, "products": read_products, "materials": read_materials, "bom": read_bom,
    "lines": read_lines, "routings": read_routings, "holidays": read_holidays, "stock": read_stock,
    "receipts": read_receipts, "forecasts": read_forecasts, "orders": read_orders,
}


def check_rows(name: str, rows: list[dict[str, str]], data: PlantData, known: KnownCodes, problems: Problems,
               where: str = "input") -> None:
    """Check rows of text cells (keyed by the file's column names) as the file `name` would be checked; rows are
    numbered from 2 as in a file, so problem.row - 2 is the index of the row given."""
    READERS[name](Sheet(where, [(number, cells) for number, cells in enumerate(rows, start=2)]), data, known,
                  problems)


async def write_records(session: AsyncSession, data: PlantData, actor: str) -> None:
    """Upsert what data holds: masters first, then what hangs off them; flushed, not committed."""
    await write_masters(session, data)
    _, products, materials, lines = await ids_by_code(session)
    await write_links(session, data, products, materials, lines, actor)
    await session.flush()
