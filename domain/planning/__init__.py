"""The rolling weekly plan: plant snapshots for the solver, plan versions, the weekly replan."""

from domain.planning.inserted_tasks import (
    WeekHours,
    any_working_day,
    first_task_day,
    idle_day_hours,
    insert_day_tasks,
    overtime_day_hours,
)
from domain.planning.order_tasks import movable_order_tasks
from domain.planning.shifted_tasks import shift_tasks, shiftable_tasks
from domain.planning.stock_tasks import StockCut, StockHours, replaceable_stock_hours, trim_stock_tasks
from domain.planning.weekly import ReplanSettings, replan

__all__ = ["ReplanSettings", "StockCut", "StockHours", "WeekHours", "any_working_day", "first_task_day",
           "idle_day_hours", "insert_day_tasks", "movable_order_tasks", "overtime_day_hours", "replaceable_stock_hours",
           "replan", "shift_tasks", "shiftable_tasks", "trim_stock_tasks"]
