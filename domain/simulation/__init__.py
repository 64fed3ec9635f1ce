"""Plant simulation: a seeded world of demand and incidents run against the service and plain baseline policies."""

from domain.simulation.report import json_line, write_report
from domain.simulation.run import Simulation, simulate

__all__ = ["Simulation", "json_line", "simulate", "write_report"]
