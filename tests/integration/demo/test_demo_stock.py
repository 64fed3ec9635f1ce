"""On a loaded demo plant every product has on hand at least what the planner counts as held for orders."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from domain.demo import DemoSize, load_demo
from domain.models import Product
from domain.planning.snapshot import _stock_held_for_orders

TODAY = date(2026, 12, 3)
SIZE = DemoSize("small-ish", products=30, families=4, lines=5, customers=40, orders=600)


def test_on_hand_covers_the_stock_held_for_orders(db: Engine) -> None:
    """Input: the demo plant of 600 orders, seed 1, loaded and booked; the planner's own count of units held
    (made, not shipped, of orders in production or in stock). Before the fix 4 of the 30 products had less."""
    load_demo(db, SIZE, seed=1, today=TODAY)
    with Session(db) as session:
        products = session.scalars(select(Product).order_by(Product.id)).all()
        held = _stock_held_for_orders(session, {p.id: i for i, p in enumerate(products)})
        assert held.sum() > 0
        short = [(p.sku, p.on_hand, float(h)) for p, h in zip(products, held, strict=True) if p.on_hand < h]
        assert short == []
