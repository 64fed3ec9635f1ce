"""R15 in the simulation: the service's own cost allocation of the run's rush orders, read from its database."""

from __future__ import annotations

from datetime import timedelta

from domain.config import load_settings
from domain.db import session_scope, sync_engine
from domain.kpis import AdjustmentRates, Period, cost_allocation_report
from domain.simulation.outcomes import RushCharge
from domain.simulation.world import World
from rules import RuleBook


def read_rush_charges(url: str, book: RuleBook, world: World) -> list[RushCharge]:
    """What each of the world's rush orders that the service recorded cost and what the run's rule book puts on
    sales, from the RushInsertion rows of the orders received within the run (the demo history is older)."""
    period = Period(world.start, world.start + timedelta(days=7 * world.weeks))
    engine = sync_engine(url, scratch=True)
    try:
        with session_scope(engine) as session:
            report = cost_allocation_report(session, period, book, AdjustmentRates.from_settings(load_settings()))
    finally:
        engine.dispose()
    arrival = {o.code: o.day for o in world.orders}
    return [RushCharge(cost.order_code, (arrival[cost.order_code] - world.start).days // 7, cost.cause, cost.cost,
                       cost.sales_cost) for cost in report.rush_orders if cost.order_code in arrival]
