"""What the plan starts from: free stock is what is on hand less what is made for orders and not shipped."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from domain.models import ForecastTier, Order, OrderLine, OrderStatus, Product, ProductionLine
from domain.planning.forecast_netting import ForecastDecay
from domain.planning.snapshot import load_snapshot
from tests.integration.planning.plant import TODAY, build_plant


def test_units_made_for_orders_are_not_free_stock(session: Session) -> None:
    build_plant(session)
    # O-0 wants 120 SKU-0 and is half made: 60 of SKU-0's 70 on hand are its. O-1 (60 SKU-2) is made and
    # has shipped 20: 40 of SKU-2's 50 on hand are its. Each product has 10 free units.
    session.execute(update(Order).where(Order.code == "O-0").values(status=OrderStatus.IN_PRODUCTION))
    session.execute(update(Order).where(Order.code == "O-1").values(status=OrderStatus.IN_STOCK))
    o0 = session.scalar(select(Order.id).where(Order.code == "O-0"))
    o1 = session.scalar(select(Order.id).where(Order.code == "O-1"))
    session.execute(update(OrderLine).where(OrderLine.order_id == o0).values(quantity_made=60.0))
    session.execute(update(OrderLine).where(OrderLine.order_id == o1).values(quantity_made=60.0,
                                                                              quantity_shipped=20.0))
    session.execute(update(Product).where(Product.sku == "SKU-0").values(on_hand=70.0))
    session.execute(update(Product).where(Product.sku == "SKU-2").values(on_hand=50.0))
    session.flush()

    snapshot = load_snapshot(session, TODAY, 4, ForecastTier.MID, reserve_share=0.12)

    free = dict(zip(snapshot.problem.products, snapshot.problem.initial_inventory.tolist(), strict=True))
    assert free == {"SKU-0": 10.0, "SKU-1": 10.0, "SKU-2": 10.0}
    # O-0's firm demand is what is left to make: its 60 made units are counted neither as demand nor as stock.
    firm = dict(zip(snapshot.problem.products, snapshot.firm_demand.sum(axis=1).tolist(), strict=True))
    assert firm == {"SKU-0": 60.0, "SKU-1": 0.0, "SKU-2": 0.0}


def test_retired_products_and_lines_get_no_new_plan(session: Session) -> None:
    """Master data retired SKU-1 (routed on L1 and L2, forecast 100 a week, safety stock 5) and line L2: the
    snapshot gives SKU-1 no route, no forecast and no safety stock, and L2 no route at all (SKU-2, made only on
    L2, has none left either); SKU-0 on L1 is planned as before."""
    build_plant(session)
    retired = datetime(2026, 1, 1, tzinfo=UTC)
    session.execute(update(Product).where(Product.sku == "SKU-1").values(retired_at=retired))
    session.execute(update(ProductionLine).where(ProductionLine.code == "L2").values(retired_at=retired))
    session.flush()

    snapshot = load_snapshot(session, TODAY, 4, ForecastTier.MID, reserve_share=0.12)

    problem = snapshot.problem
    routed = {(problem.products[p], problem.lines[line]) for p, line in zip(problem.route_product.tolist(),
                                                                           problem.route_line.tolist(), strict=True)}
    assert routed == {("SKU-0", "L1")}
    index = problem.products.index("SKU-1")
    assert snapshot.forecast_net[index].sum() == 0.0 and problem.safety_stock[index] == 0.0
    assert snapshot.forecast_net[problem.products.index("SKU-0")].sum() > 0.0



def test_an_order_nets_the_forecast_over_the_consumption_window(session: Session) -> None:
    """O-0 (120 SKU-0 still to make, due in week 1 of the horizon); SKU-0's forecast is 100 a week. Netted over its
    own week and one before (the capacity policy's window, earliest first, where its promise took the hours), the
    plan keeps none in week 0 and 80 in week 1; netted over its own week only (the default), 100 and 0: the plan
    made week 0's forecast beside the order whose promise had consumed its hours."""
    build_plant(session)

    windowed = load_snapshot(session, TODAY, 4, ForecastTier.MID, reserve_share=0.12, netting=("SKU", 1, 1))
    own_week = load_snapshot(session, TODAY, 4, ForecastTier.MID, reserve_share=0.12)

    sku0 = windowed.problem.products.index("SKU-0")
    assert windowed.forecast_net[sku0].tolist() == [0.0, 80.0, 100.0, 100.0]
    assert own_week.forecast_net[sku0].tolist() == [100.0, 0.0, 100.0, 100.0]


def test_decay_plans_of_near_weeks_only_the_forecast_still_to_be_ordered(session: Session) -> None:
    """The same O-0 and window, with the capacity policy's forecast decay (customers order 10-42 days ahead) as of
    TODAY (a Tuesday): the horizon's Thursdays are 2, 9, 16 and 23 days ahead, so 0, 0, 6/32 and 13/32 of SKU-0's
    forecast are still to be ordered: the plan keeps 0, 0 (80 without decay), 18.75 and 40.625 of it."""
    build_plant(session)

    decayed = load_snapshot(session, TODAY, 4, ForecastTier.MID, reserve_share=0.12, netting=("SKU", 1, 1),
                            decay=ForecastDecay(TODAY, 10, 42))

    sku0 = decayed.problem.products.index("SKU-0")
    assert decayed.forecast_net[sku0].tolist() == [0.0, 0.0, 18.75, 40.625]
