"""Stock first on plain numbers: how free stock is shared among an order's lines."""

from __future__ import annotations

from datetime import date

from domain.orders.finished_goods import StockCover, cover_lines

DAY = date(2026, 12, 3)


def test_lines_of_one_product_share_its_free_stock_in_line_order() -> None:
    # Tried: two lines of product 1 (120 and 100) and one of product 2 (30) with 150 and 0 free.
    cover = cover_lines([1, 1, 2], [120.0, 100.0, 30.0], {1: 150.0, 2: 0.0}, DAY, take_safety_stock=False)
    assert cover.from_stock == [120.0, 30.0, 0.0]
    assert cover.to_make == [0.0, 70.0, 30.0]


def test_a_product_nobody_stocks_is_all_to_make() -> None:
    # Tried: a product missing from the free-stock map, and StockCover.none for the same quantities.
    assert cover_lines([7], [10.0], {}, DAY, take_safety_stock=False).to_make == [10.0]
    assert StockCover.none([10.0], DAY).from_stock == [0.0]
