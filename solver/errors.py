"""Errors the planning solver raises for inputs it cannot plan with."""


class PlanningInputError(ValueError):
    """An input array has the wrong shape or an impossible value; the message says which and where."""
