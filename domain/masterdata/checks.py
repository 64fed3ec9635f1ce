"""Master-data input checked by the import's own readers: values become a file's text cells, and each problem
comes back as an InvalidInput naming the input field (camelCase path) instead of file:row:column."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import String, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import bounds
from domain.errors import InvalidInput
from domain.models import Customer, Material, Product, ProductionLine
from domain.plant_data import KnownCodes, PlantData, Problems, check_rows, number

Cells = dict[str, str]
MOST = {"lead_time_days": 3650}  # ten years: promise dates are days from today plus the lead time
RATES = ("units_per_hour", "quantity_per_unit", "lot_size")  # divided by somewhere: no tiny fractions


def cell(value: object) -> str:
    """A value as the file would hold it: numbers with a dot and no exponent, days ISO, lists joined by ';'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise TypeError("no master-data cell holds a boolean")
    if isinstance(value, float | int | Decimal):
        return number(value)
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return ";".join(cell(v) for v in value)
    return str(value).strip()


def cells(values: Mapping[str, object]) -> Cells:
    return {column: cell(value) for column, value in values.items()}


def guard(values: Mapping[str, object], model: object = None, path: Sequence[str] = ()) -> None:
    """What the readers leave to the database: texts longer than their column (PostgreSQL refuses them) and figures
    beyond bounds.MAX_QUANTITY (1e300 units poison every sum after them); InvalidInput names the field."""
    lengths = {c.key: c.type.length for c in getattr(model, "__table__").columns  # noqa: B009
               if isinstance(c.type, String)} if model is not None else {}
    for column, value in values.items():
        field = [*path, camel(column)]
        texts = value if isinstance(value, list) else [value]
        for item in texts:
            if isinstance(item, str):
                bounds.text(item, field, lengths.get(column) or bounds.MAX_CODE)
        most = MOST.get(column, bounds.MAX_QUANTITY)
        if isinstance(value, float | int) and not isinstance(value, bool) and value > most:
            raise InvalidInput(f"{field[-1]} must be at most {most:g}, got {value:g}", field)
        if column in RATES and isinstance(value, float | int) and 0 < value < bounds.MIN_QUANTITY:
            # a rate of 1e-300 units an hour turns any quantity into infinite hours
            raise InvalidInput(f"{field[-1]} must be at least {bounds.MIN_QUANTITY:g}, got {value:g}", field)


def camel(column: str) -> str:
    head, *rest = column.split("_")
    return head + "".join(word.title() for word in rest)


async def active_codes(session: AsyncSession) -> KnownCodes:
    """Codes a new record may refer to: retired ones are left out, so nothing new is built on them."""
    async def codes(column: object, model: type[Customer | Product | Material | ProductionLine]) -> set[str]:
        return set(await session.scalars(select(column).where(model.retired_at.is_(None))))  # type: ignore[call-overload]
    return KnownCodes(customers=await codes(Customer.code, Customer), products=await codes(Product.sku, Product),
                      materials=await codes(Material.code, Material),
                      lines=await codes(ProductionLine.code, ProductionLine))


def checked(name: str, rows: Sequence[Cells], known: KnownCodes, list_field: str | None = None,
            renamed: Mapping[str, str] | None = None, shared: Sequence[str] = ()) -> PlantData:
    """The rows read as the file `name`; InvalidInput names the first bad field and lists every problem.

    list_field: the rows are the items of that input list (paths ["items", "2", "materialCode"]); otherwise the
    one row is the input itself. renamed: file columns whose input field has another name; shared: columns every
    row repeats from one field of the input (the sku a bill belongs to), named without the list."""
    problems = Problems()
    data = PlantData()
    check_rows(name, list(rows), data, known, problems)
    if problems:
        paths = []
        for problem in problems.kept:
            field = camel((renamed or {}).get(problem.column, problem.column))
            in_list = list_field is not None and problem.column not in shared
            paths.append([str(list_field), str(problem.row - 2), field] if in_list else [field])
        message = "; ".join(f"{'.'.join(path)}: {p.message}" for path, p in zip(paths, problems.kept, strict=True))
        raise InvalidInput(message, paths[0])
    return data
