"""Preload a list of orders' children that the query selects, one DataLoader batch per kind of child.

The statements are the ones the fields' own DataLoaders would issue (one per kind, whatever the page size);
loading them here, before the orders are returned, lets the fields resolve without an awaitable each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from strawberry.types.nodes import Selection

from api.catalog.dataloaders import CatalogLoaders
from api.core.selection import names, selected_below
from api.orders.dataloaders import OrderLoaders
from api.orders.review_types import Review
from api.orders.types import Info, Order, OrderLine


async def preload_children(info: Info, orders: Sequence[Order], selected: Iterable[Selection]) -> None:
    """Fill `customer`, `lines` (with `product`) and `review` of `orders` when `selected` (their fields) asks."""
    if not orders:
        return
    fields = list(selected)
    wanted = names(fields)
    catalog, children = info.context.loader(CatalogLoaders), info.context.loader(OrderLoaders)
    if "customer" in wanted:
        customers = await catalog.customer.load_many([order.customer_id for order in orders])
        for order, customer in zip(orders, customers, strict=True):
            order.loaded_customer = customer
    if "review" in wanted:
        reviews = await children.review.load_many([order.pk for order in orders])
        for order, review in zip(orders, reviews, strict=True):
            order.loaded_review = Review.from_row(review) if review is not None else None
    if "lines" in wanted:
        rows = await children.lines.load_many([order.pk for order in orders])
        for order, order_rows in zip(orders, rows, strict=True):
            order.loaded_lines = [OrderLine.from_row(row) for row in order_rows]
        if "product" in names(selected_below(fields, "lines")):
            lines = [line for order in orders for line in order.loaded_lines or []]
            products = await catalog.product.load_many([line.product_id for line in lines])
            for line, product in zip(lines, products, strict=True):
                line.loaded_product = product
