"""Reads orders.csv: rows with one code form one order, which must name one customer and one requested date."""

from __future__ import annotations

from domain.plant_data.data import KnownCodes, OrderIn, PlantData
from domain.plant_data.links import reference, rows
from domain.plant_data.problems import Problems
from domain.plant_data.source import Sheet


def read_orders(sheet: Sheet, data: PlantData, known: KnownCodes, problems: Problems) -> None:
    first_row: dict[str, int] = {}
    for row in rows(sheet, problems):
        code = row.required("code")
        customer = reference(row, "customer_code", data.customers, known.customers, "customer")
        requested = row.day("requested_date")
        sku = reference(row, "sku", data.products, known.products, "product")
        quantity = row.number("quantity", required=True, positive=True)
        price = row.decimal("unit_price")
        if not row.ok or requested is None or quantity is None:
            continue
        order = data.orders.get(code)
        if order is None:
            data.orders[code] = OrderIn(customer, requested, [(sku, quantity, price)])
            first_row[code] = row.row_no
            continue
        # The rows of one order repeat its header; a row that disagrees is a mistake, not a second order.
        if customer != order.customer:
            row.bad("customer_code", f"{customer!r}: order {code} is for {order.customer!r} (row {first_row[code]})")
        elif requested != order.requested_date:
            row.bad("requested_date", f"{requested.isoformat()!r}: order {code} is requested for "
                    f"{order.requested_date.isoformat()} (row {first_row[code]})")
        else:
            order.lines.append((sku, quantity, price))
