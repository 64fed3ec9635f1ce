"""The rolling weekly plan: plant snapshots for the solver, plan versions, the weekly replan."""

from domain.planning.inserted_tasks import WeekHours, insert_day_tasks
from domain.planning.weekly import ReplanSettings, replan

__all__ = ["ReplanSettings", "WeekHours", "insert_day_tasks", "replan"]
