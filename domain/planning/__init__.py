"""The rolling weekly plan: plant snapshots for the solver, plan versions, the weekly replan."""

from domain.planning.weekly import ReplanSettings, replan

__all__ = ["ReplanSettings", "replan"]
